use crate::error::AppError;
use leptos::prelude::*;

/// An editor accepts a suggestion (its changes are written over the entry
/// at `version`, as the editor saw it: changed since, a conflict) or
/// rejects it with a reason.
#[server(prefix = "/api", endpoint = "directory/decide_suggestion")]
pub async fn decide_suggestion(
    id: String,
    accept: bool,
    #[server(default)] reason: String,
    #[server(default)] version: i64,
) -> Result<(), AppError> {
    crate::server::directory::decide_suggestion(id, accept, reason, version).await
}
