use crate::error::AppError;
use leptos::prelude::*;

/// Sets a new password for a user; all their sessions end.
#[server(prefix = "/api", endpoint = "admin/reset_password")]
pub async fn reset_password(user_id: String, password: String) -> Result<(), AppError> {
    crate::server::admin::reset_password(user_id, password).await
}
