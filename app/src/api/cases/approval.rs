use crate::domain::fields::Problem;
use crate::domain::progress::ApprovalRefusal;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ApprovalResult {
    /// Recorded; `approved` false: declined with the comment.
    Decided { approved: bool },
    /// The request for approval is recorded (who asked, and when).
    Requested,
    /// Nothing was recorded, for this reason.
    Refused(ApprovalRefusal),
    /// The origin partner's confirmation is recorded for the assessment.
    OriginConfirmed,
    /// The confirmation was not recorded: these fields' problems.
    OriginInvalid(Vec<Problem>),
    /// A supervisor's acceptance of the budget is recorded.
    BudgetAccepted,
}

/// A supervisor approves (`decision=approve`) or declines
/// (`decision=decline`, with a comment) the high-risk return of a case
/// whose counsellor asked for approval: the risk section at `version`, as
/// the supervisor saw it (changed since: a conflict, nothing recorded).
#[server(prefix = "/api", endpoint = "cases/approval")]
pub async fn decide_approval(
    code: String,
    decision: String,
    version: i64,
    #[server(default)] comment: String,
) -> Result<ApprovalResult, AppError> {
    crate::server::cases::decide_approval(code, decision, version, comment).await
}

/// The counsellor asks the organisation's supervisors to approve the
/// high-risk return of a case: recorded on the risk section at `version`
/// with who asked and when (changed since: a conflict, nothing recorded).
#[server(prefix = "/api", endpoint = "cases/request_approval")]
pub async fn request_approval(code: String, version: i64) -> Result<ApprovalResult, AppError> {
    crate::server::cases::request_approval(code, version).await
}

/// The partner in origin confirmed the mitigations of the risk assessment
/// as the counsellor read it (the risk section at `version`; changed
/// since: a conflict, nothing recorded), on `on` (YYYY-MM-DD): recorded
/// with the partner's name, for that assessment only.
#[server(prefix = "/api", endpoint = "cases/confirm_origin")]
pub async fn confirm_origin(
    code: String,
    version: i64,
    #[server(default)] partner: String,
    #[server(default)] on: String,
) -> Result<ApprovalResult, AppError> {
    crate::server::cases::confirm_origin(code, version, partner, on).await
}

/// A supervisor accepts the budget of a case although a cap it is checked
/// against is unknown, saying why: recorded on the reintegration section at
/// `version` as they read it (changed since: a conflict, nothing
/// recorded), for that budget only.
#[server(prefix = "/api", endpoint = "cases/accept_budget")]
pub async fn accept_budget(
    code: String,
    version: i64,
    #[server(default)] comment: String,
) -> Result<ApprovalResult, AppError> {
    crate::server::cases::accept_budget(code, version, comment).await
}
