use crate::error::AppError;
use leptos::prelude::*;

/// Deactivates (ending all their sessions at once) or reactivates a user.
#[server(prefix = "/api", endpoint = "admin/set_user_active")]
pub async fn set_user_active(user_id: String, active: bool) -> Result<(), AppError> {
    crate::server::admin::set_active(user_id, active).await
}
