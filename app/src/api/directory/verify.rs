use crate::error::AppError;
use leptos::prelude::*;

/// An editor confirms every field of the entry today. Returns the new
/// version.
#[server(prefix = "/api", endpoint = "directory/verify")]
pub async fn verify_entry(id: String, version: i64) -> Result<i64, AppError> {
    crate::server::directory::verify(id, version).await
}
