use super::ImportResult;
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::{StreamingText, TextStream};

/// The whole map (archived entries too) as CSV with the documented
/// columns (docs/SOCIAL_MAP.md): a download posted by a plain form.
#[server(prefix = "/api", endpoint = "directory/export", output = StreamingText)]
pub async fn export_csv() -> Result<TextStream<AppError>, AppError> {
    let body = crate::server::directory::export().await?;
    Ok(TextStream::new(futures::stream::once(async move {
        Ok::<String, AppError>(body)
    })))
}

/// Imports a CSV of entries: every row is checked and every problem
/// reported with its row number; a file with any problem changes nothing.
/// Known ids get a new version, new ids are created, unchanged rows are
/// left alone.
#[server(prefix = "/api", endpoint = "directory/import")]
pub async fn import_csv(csv: String) -> Result<ImportResult, AppError> {
    crate::server::directory::import(csv).await
}
