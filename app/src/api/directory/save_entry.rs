use super::EntrySaveResult;
use crate::error::AppError;
use leptos::prelude::*;
use std::collections::BTreeMap;

/// Saves an entry from its form (`f[<csv column>]`; `id` empty: a new
/// one) over `version` as read. An editor's change is written at once;
/// anyone else's is kept as a suggestion, with `note`, for an editor.
#[server(prefix = "/api", endpoint = "directory/save")]
pub async fn save_entry(
    #[server(default)] id: String,
    #[server(default)] version: i64,
    #[server(default)] f: BTreeMap<String, String>,
    #[server(default)] note: String,
) -> Result<EntrySaveResult, AppError> {
    crate::server::directory::save_entry(id, version, f, note).await
}
