use super::NewCaseOutcome;
use crate::error::AppError;
use leptos::prelude::*;

/// Opens a new case for a client, unless it looks like one the
/// organisation already has (then says which, and creates it only when
/// `confirm` is set).
#[server(prefix = "/api", endpoint = "cases/create")]
pub async fn create(
    alias: String,
    birth_year: String,
    nationality: String,
    confirm: Option<String>,
) -> Result<NewCaseOutcome, AppError> {
    crate::server::cases::create_case(alias, birth_year, nationality, confirm.is_some()).await
}
