use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessLogEntry {
    /// Unix seconds.
    pub at: i64,
    pub who: Option<String>,
    pub role: Option<String>,
    pub action: String,
    pub section: Option<String>,
    pub outcome: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseAccessLog {
    pub code: String,
    pub entries: Vec<AccessLogEntry>,
    pub page: i64,
    pub has_more: bool,
}

/// Who has opened or changed a case, newest first.
#[server(prefix = "/api", endpoint = "cases/access_log")]
pub async fn access_log(code: String, page: i64) -> Result<CaseAccessLog, AppError> {
    crate::server::cases::access_log(code, page).await
}
