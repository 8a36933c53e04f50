use super::EntryView;
use crate::error::AppError;
use leptos::prelude::*;

/// One entry of the social map with its history.
#[server(prefix = "/api", endpoint = "directory/entry")]
pub async fn entry(id: String) -> Result<EntryView, AppError> {
    crate::server::directory::entry(id).await
}
