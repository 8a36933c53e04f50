use crate::api::auth::Enrolment;
use crate::error::AppError;
use leptos::prelude::*;

/// What to scan to set up two-step sign-in (`None`: it is on already).
#[server(prefix = "/api", endpoint = "account/second_factor_setup")]
pub async fn second_factor_setup() -> Result<Option<Enrolment>, AppError> {
    crate::server::second_factor::setup().await
}
