use crate::error::AppError;
use leptos::prelude::*;

/// Designates a user of the admin's organisation an editor of the social
/// map (`editor=true`), or no longer.
#[server(prefix = "/api", endpoint = "admin/set_directory_editor")]
pub async fn set_directory_editor(user_id: String, editor: bool) -> Result<(), AppError> {
    crate::server::admin::set_directory_editor(user_id, editor).await
}
