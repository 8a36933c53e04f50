//! Handovers of plans to IOM missions: handing over, the moves of both
//! sides (accept, reject, ask, answer, withdraw), and a mission's inbox.

use crate::domain::handover::{DeadlineState, HandoverStatus, MoveRefusal};
use crate::domain::plan::Missing;
use crate::domain::policy::Section;
use crate::error::AppError;
use chrono::NaiveDate;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// One message of a handover's conversation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageView {
    /// Unix seconds.
    pub at: i64,
    pub by: String,
    pub organisation: String,
    /// handover, accept, reject, ask, answer, withdraw
    pub kind: String,
    pub body: String,
}

/// A handover as a case page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HandoverView {
    pub id: String,
    pub mission_name: String,
    pub organisation_name: String,
    pub status: HandoverStatus,
    /// Unix seconds.
    pub handed_over_at: i64,
    pub handed_over_by: String,
    /// Since the last move (unix seconds).
    pub waiting_since: i64,
    pub accepted_at: Option<i64>,
    /// The sections the mission may read now.
    pub shared: Vec<Section>,
    pub messages: Vec<MessageView>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum HandOverOutcome {
    HandedOver,
    /// Nothing was handed over: this is everything missing.
    Missing(Vec<Missing>),
    /// The plan is already with a mission.
    AlreadyHandedOver,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum MoveResult {
    Moved {
        status: HandoverStatus,
    },
    Refused(MoveRefusal),
    /// The handover moved since the page was loaded; nothing was written.
    Stale,
}

/// A row of a mission's inbox (pseudonymous: the case's code only).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboxItem {
    pub code: String,
    pub organisation: String,
    pub status: HandoverStatus,
    /// Unix seconds.
    pub handed_over_at: i64,
    pub waiting_since: i64,
    /// The mission may open the plan (this handover is active and the
    /// client's consent to share with it holds).
    pub may_open: bool,
    /// The plan's stage (a `PlanStatus` slug); `None` while it is worked
    /// out from a section the mission may not read.
    pub stage: Option<String>,
    /// The travel section is shared with the mission now (the planned
    /// departure and the registration deadline come from it).
    pub travel_shared: bool,
    pub departure_on: Option<NaiveDate>,
    /// Registration for reintegration support is due by then.
    pub registration_due: Option<NaiveDate>,
    pub registration: Option<DeadlineState>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboxView {
    pub items: Vec<InboxItem>,
    pub total: i64,
    pub page: i64,
    pub has_more: bool,
    pub counts: Vec<(HandoverStatus, i64)>,
    pub status: Option<HandoverStatus>,
    pub today: NaiveDate,
}

/// Hands the plan over to the IOM mission chosen in its travel section,
/// if nothing is missing.
#[server(prefix = "/api", endpoint = "handovers/hand_over")]
pub async fn hand_over(
    code: String,
    #[server(default)] note: String,
) -> Result<HandOverOutcome, AppError> {
    crate::server::handovers::hand_over(code, note).await
}

/// A move on the case's handover: accept, reject, ask (the mission);
/// answer, withdraw (the counselling side).
#[server(prefix = "/api", endpoint = "handovers/respond")]
pub async fn respond(
    code: String,
    handover: String,
    act: String,
    #[server(default)] text: String,
) -> Result<MoveResult, AppError> {
    crate::server::handovers::respond(code, handover, act, text).await
}

/// The signed-in return officer's mission's handovers, the longest
/// waiting first.
#[server(prefix = "/api", endpoint = "handovers/inbox")]
pub async fn inbox(
    #[server(default)] status: String,
    #[server(default)] page: i64,
) -> Result<InboxView, AppError> {
    crate::server::handovers::inbox(status, page).await
}
