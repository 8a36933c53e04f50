use crate::error::AppError;
use leptos::prelude::*;

/// Changes the role of a user of the admin's organisation.
#[server(prefix = "/api", endpoint = "admin/set_role")]
pub async fn set_role(user_id: String, role: String) -> Result<(), AppError> {
    crate::server::admin::set_role(user_id, role).await
}
