use crate::error::AppError;
use leptos::prelude::*;

/// Adds a user to the admin's organisation with a first password.
#[server(prefix = "/api", endpoint = "admin/create_user")]
pub async fn create_user(
    username: String,
    display_name: String,
    role: String,
    password: String,
) -> Result<(), AppError> {
    crate::server::admin::create_user(username, display_name, role, password)
        .await
        .map(|_| ())
}
