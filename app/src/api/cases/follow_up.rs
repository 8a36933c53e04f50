use crate::domain::fields::{Fields, Problem};
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// How recording a follow-up contact went.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum FollowUpResult {
    /// Recorded, for the contact this many months after arrival.
    Recorded { month: u32 },
    /// Nothing was recorded: these fields' problems.
    Invalid(Vec<Problem>),
}

/// Records a follow-up contact after return from its form's fields
/// (`f[fu.month]`, `f[fu.on]`, `f[fu.mode]`, `f[fu.by]`,
/// `f[fu.answer.<question>]`) on the milestones section at `version`, as
/// the user read it (changed since: a conflict, nothing recorded). For the
/// counselling side and the mission holding the plan, who may change the
/// milestones and read the travel (the contacts count from the arrival).
#[server(prefix = "/api", endpoint = "cases/follow_up")]
pub async fn record_follow_up(
    code: String,
    version: i64,
    #[server(default)] f: Fields,
) -> Result<FollowUpResult, AppError> {
    crate::server::cases::record_follow_up(code, version, f).await
}
