use crate::error::AppError;
use leptos::prelude::*;

/// Turns two-step sign-in off (password required); other sessions end.
#[server(prefix = "/api", endpoint = "account/second_factor_disable")]
pub async fn second_factor_disable(password: String) -> Result<(), AppError> {
    crate::server::second_factor::disable(password).await
}
