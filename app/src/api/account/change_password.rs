use crate::error::AppError;
use leptos::prelude::*;

/// Changes the signed-in user's own password; other sessions end.
#[server(prefix = "/api", endpoint = "account/change_password")]
pub async fn change_password(current: String, new: String, repeat: String) -> Result<(), AppError> {
    crate::server::account::change_own_password(current, new, repeat).await
}
