use super::CaseView;
use crate::error::AppError;
use leptos::prelude::*;

/// One case's file (opening it is recorded in its access log).
#[server(prefix = "/api", endpoint = "cases/open")]
pub async fn open(code: String) -> Result<CaseView, AppError> {
    crate::server::cases::open_case(code).await
}
