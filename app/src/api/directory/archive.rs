use crate::error::AppError;
use leptos::prelude::*;

/// An editor archives an entry (it is no longer found; plans that refer
/// to it still show it), or brings it back. Returns the new version.
#[server(prefix = "/api", endpoint = "directory/archive")]
pub async fn archive_entry(id: String, version: i64, archived: bool) -> Result<i64, AppError> {
    crate::server::directory::archive(id, version, archived).await
}
