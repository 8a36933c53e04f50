use crate::domain::lifecycle::LifeProblem;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum LifeResult {
    /// Recorded, with a snapshot of the plan and an audit row.
    Moved,
    /// Nothing was recorded, for these reasons.
    Refused(Vec<LifeProblem>),
}

/// A move of the plan's life, from the case page: `kind` is `hold`,
/// `resume`, `withdraw`, `reopen` or `close` (with a closure `reason`),
/// on the day `on` (YYYY-MM-DD), with `note` saying why. Judged on the
/// plan as it is stored when the move arrives.
#[server(prefix = "/api", endpoint = "cases/life")]
pub async fn move_life(
    code: String,
    kind: String,
    #[server(default)] reason: String,
    #[server(default)] on: String,
    #[server(default)] note: String,
) -> Result<LifeResult, AppError> {
    crate::server::lifecycle::move_life(code, kind, reason, on, note).await
}
