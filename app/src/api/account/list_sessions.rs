use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// One of the signed-in user's sessions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionView {
    pub handle: String,
    /// Unix seconds.
    pub created_at: i64,
    pub last_seen_at: i64,
    /// The session of this browser.
    pub current: bool,
}

/// The signed-in user's live sessions, newest first.
#[server(prefix = "/api", endpoint = "account/list_sessions")]
pub async fn list_sessions() -> Result<Vec<SessionView>, AppError> {
    crate::server::account::list_own_sessions().await
}
