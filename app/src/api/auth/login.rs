use crate::error::AppError;
use leptos::prelude::*;

/// Signs in with a username and password, then redirects to `next` (a
/// local path; anything else goes to the start page).
#[server(prefix = "/api", endpoint = "auth/login")]
pub async fn login(username: String, password: String, next: String) -> Result<(), AppError> {
    if username.trim().is_empty() || password.is_empty() {
        return Err(crate::server::auth::respond_with(
            AppError::InvalidCredentials,
        ));
    }
    crate::server::auth::sign_in(&username, password, &next).await
}
