use super::Caseload;
use crate::error::AppError;
use leptos::prelude::*;

/// A page of the caseload: a counsellor's own cases, or a supervisor's
/// whole organisation; filtered by text (code or alias), stage and risk.
#[server(prefix = "/api", endpoint = "cases/list")]
pub async fn list(
    text: String,
    stage: String,
    risk: String,
    page: i64,
) -> Result<Caseload, AppError> {
    crate::server::cases::caseload(text, stage, risk, page).await
}
