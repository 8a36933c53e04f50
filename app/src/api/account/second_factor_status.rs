use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The signed-in user's two-step sign-in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecondFactorStatusView {
    pub enabled: bool,
    /// The installation requires it for this user's role.
    pub mandatory: bool,
}

#[server(prefix = "/api", endpoint = "account/second_factor_status")]
pub async fn second_factor_status() -> Result<SecondFactorStatusView, AppError> {
    crate::server::second_factor::status().await
}
