// The caseload's arguments are its form fields, flat as the browser and
// the dashboard's links send them: more than clippy's seven.
#![allow(clippy::too_many_arguments)]

use super::Caseload;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The caseload's narrower filters, as the dashboard links to them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseloadFilters {
    /// "overdue" or "soon": the next milestone is past, or within 14 days;
    /// "follow_up_overdue" or "follow_up_soon": the next follow-up contact.
    pub due: String,
    /// Only high-risk returns waiting for a supervisor's approval.
    pub approval: bool,
    /// One counsellor's cases (supervisors only).
    pub counsellor: String,
    /// With `month` (YYYY-MM): the cases with this event in that month
    /// (intake, screening, stay, return, onward, departure, arrival).
    pub event: String,
    pub month: String,
}

/// A page of the caseload: a counsellor's own cases, or a supervisor's
/// whole organisation; filtered by text (code or alias), stage and risk,
/// and by the dashboard's filters.
#[server(prefix = "/api", endpoint = "cases/list")]
pub async fn list(
    text: String,
    stage: String,
    risk: String,
    page: i64,
    #[server(default)] due: String,
    /// "1": only high-risk returns waiting for approval.
    #[server(default)]
    approval: String,
    #[server(default)] counsellor: String,
    #[server(default)] event: String,
    #[server(default)] month: String,
) -> Result<Caseload, AppError> {
    let more = CaseloadFilters {
        due,
        approval: approval == "1" || approval == "true",
        counsellor,
        event,
        month,
    };
    crate::server::cases::caseload(text, stage, risk, page, more).await
}
