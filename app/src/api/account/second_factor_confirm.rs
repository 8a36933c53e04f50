use crate::error::AppError;
use leptos::prelude::*;

/// Turns two-step sign-in on with a first code from the app.
#[server(prefix = "/api", endpoint = "account/second_factor_confirm")]
pub async fn second_factor_confirm(code: String) -> Result<(), AppError> {
    crate::server::second_factor::confirm(&code).await?;
    leptos_axum::redirect("/account?done=second-factor-on");
    Ok(())
}
