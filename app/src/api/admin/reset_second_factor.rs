use crate::error::AppError;
use leptos::prelude::*;

/// Turns a user's two-step sign-in off (a lost phone); all their sessions
/// end and they set it up again at their next sign-in where it is required.
#[server(prefix = "/api", endpoint = "admin/reset_second_factor")]
pub async fn reset_second_factor(user_id: String) -> Result<(), AppError> {
    crate::server::admin::reset_second_factor(user_id).await
}
