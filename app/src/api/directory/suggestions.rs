use super::SuggestionView;
use crate::error::AppError;
use leptos::prelude::*;

/// The suggestions waiting for an editor, the oldest first (editors).
#[server(prefix = "/api", endpoint = "directory/suggestions")]
pub async fn suggestions() -> Result<Vec<SuggestionView>, AppError> {
    crate::server::directory::suggestions().await
}
