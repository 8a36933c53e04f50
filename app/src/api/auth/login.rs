use crate::error::AppError;
use leptos::prelude::*;

/// Signs in with a username and password, then redirects to `next` (a
/// local path; anything else goes to the start page).
#[server(prefix = "/api", endpoint = "auth/login")]
pub async fn login(username: String, password: String, next: String) -> Result<(), AppError> {
    use crate::server::auth::{respond_with, sign_in, sign_in_form_result};
    let result = if username.trim().is_empty() || password.is_empty() {
        Err(respond_with(AppError::InvalidCredentials))
    } else {
        sign_in(&username, password, &next).await
    };
    sign_in_form_result(result, &next, crate::domain::navigation::login_path).await
}
