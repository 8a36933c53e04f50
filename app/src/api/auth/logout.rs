use crate::error::AppError;
use leptos::prelude::*;

/// Ends the current session and returns to the sign-in page.
#[server(prefix = "/api", endpoint = "auth/logout")]
pub async fn logout() -> Result<(), AppError> {
    crate::server::auth::sign_out().await
}
