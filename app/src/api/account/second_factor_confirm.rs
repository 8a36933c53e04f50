use crate::error::AppError;
use leptos::prelude::*;

/// Turns two-step sign-in on with the user's password and a first code
/// from the app; other sessions end.
#[server(prefix = "/api", endpoint = "account/second_factor_confirm")]
pub async fn second_factor_confirm(code: String, password: String) -> Result<(), AppError> {
    crate::server::second_factor::confirm(&code, password).await?;
    leptos_axum::redirect("/account?done=second-factor-on");
    Ok(())
}
