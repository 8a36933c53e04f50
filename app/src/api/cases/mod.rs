//! Cases: the caseload, a new case, one case's file, saving a section,
//! and who has seen a case.

mod access_log;
mod approval;
mod create;
mod export;
mod follow_up;
mod life;
mod list;
mod open;
mod referral;
mod save;
mod share;

pub use access_log::{access_log, AccessLog, AccessLogEntry, CaseAccessLog};
pub use approval::{
    accept_budget, confirm_origin, decide_approval, request_approval, AcceptBudget, ApprovalResult,
    ConfirmOrigin, DecideApproval, RequestApproval,
};
pub use create::{create, Create};
pub use export::{export_ics, export_json, print_plan, ExportIcs, ExportJson, PrintPlan};
pub use follow_up::{record_follow_up, FollowUpResult, RecordFollowUp};
pub use life::{move_life, LifeResult, MoveLife};
pub use list::{list, CaseloadFilters, List};
pub use open::{open, Open};
pub use referral::{change_referral, ChangeReferral, ReferralContact, ReferralResult};
pub use save::{save, Save};
pub use share::{
    client_copy, create_share, revoke_share, share_links, ClientCopy, CreateShare, RevokeShare,
    ShareCreated, ShareLinkView, ShareLinks, ShareOutcome,
};

use crate::api::handovers::HandoverView;
use crate::domain::case_file::CaseFile;
use crate::domain::fields::{Fields, Problem};
use crate::domain::handover::Side;
use crate::domain::policy::Section;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One row of the caseload: pseudonymous (code and alias only).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseListItem {
    pub code: String,
    pub alias: String,
    /// A `PlanStatus` slug.
    pub stage: String,
    pub ready_for_handover: bool,
    pub risk_level: Option<String>,
    /// The next milestone's catalogue id and its due date.
    pub next_milestone: Option<String>,
    pub next_due: Option<NaiveDate>,
    /// Unix seconds.
    pub last_activity: i64,
    pub counsellor: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Caseload {
    pub items: Vec<CaseListItem>,
    pub total: i64,
    pub page: i64,
    pub has_more: bool,
    /// May open new cases (counsellors).
    pub may_create: bool,
}

/// An existing case that may be the same client.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DuplicateHint {
    pub code: String,
    pub alias: String,
    /// "likely" or "possible".
    pub likelihood: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum NewCaseOutcome {
    Created {
        code: String,
    },
    /// Nothing was created: these cases may be the same client. Create
    /// anyway by confirming.
    PossibleDuplicates(Vec<DuplicateHint>),
    /// Nothing was created: these fields need correcting.
    Invalid(Vec<Problem>),
}

/// Who last saved a section, and which version it is at.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SectionMeta {
    /// 0: never saved.
    pub version: i64,
    /// Unix seconds.
    pub updated_at: Option<i64>,
    pub updated_by: Option<String>,
}

/// A snapshot of the plan (at a handover move, an approval, a change of
/// stage).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionView {
    /// Unix seconds.
    pub at: i64,
    /// handover, handover.<move>, approval.<decision> or stage.
    pub reason: String,
    /// The plan's stage then (a `PlanStatus` slug).
    pub stage: String,
    pub by: String,
}

/// The plan as it was handed over, to show what changed since: the form
/// fields of each section the user may read, by section slug.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SinceHandover {
    /// Unix seconds.
    pub at: i64,
    pub sections: BTreeMap<String, Fields>,
}

/// A case as a step page needs it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CaseView {
    pub code: String,
    pub counsellor: String,
    pub file: CaseFile,
    /// Per section slug.
    pub sections: BTreeMap<String, SectionMeta>,
    /// The IOM missions a plan can be handed over to: (id, name).
    pub missions: Vec<(String, String)>,
    /// The date on the organisation's wall (the rules judge dates
    /// against it).
    pub today: NaiveDate,
    /// How far the organisation's wall clock is ahead of UTC, in seconds:
    /// the browser reckons on the same clock.
    pub clock_offset_seconds: i64,
    /// The signed-in user's id (recorded as explaining a consent).
    pub user_id: String,
    pub may_read_access_log: bool,
    /// The sections the signed-in user may read (the others are blank in
    /// `file`) and change.
    pub readable: Vec<Section>,
    pub writable: Vec<Section>,
    /// Which side of a handover the signed-in user is on.
    pub side: Side,
    /// May hand the plan over, answer the mission, withdraw.
    pub may_hand_over: bool,
    /// May approve or decline a high-risk return (the organisation's
    /// supervisors).
    pub may_approve: bool,
    /// May put the plan on hold, resume it, record a withdrawal, close it
    /// (the counselling side).
    pub may_move_life: bool,
    /// How many months the organisation keeps a closed plan (told to its
    /// own users).
    pub retention_months: Option<u32>,
    /// The links to the client's copy made so far, for those who may make
    /// them (the counselling side); `None` for the others.
    pub share_links: Option<Vec<ShareLinkView>>,
    /// Every snapshot of the plan, the latest first.
    pub versions: Vec<VersionView>,
    /// The plan at its latest handover, if it was ever handed over.
    pub since_handover: Option<SinceHandover>,
    /// The latest handover (active, or the last one closed).
    pub handover: Option<HandoverView>,
    /// The contacts of the organisations the plan refers to (for readers
    /// of the reintegration section).
    pub referral_contacts: Vec<ReferralContact>,
    /// The ILO indicator list an operator loaded, when screenings use one
    /// (`None`: the built-in list) and the reader may read the screening.
    pub indicator_list: Option<crate::catalog::IloCatalogue>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SaveResult {
    Saved {
        version: i64,
        updated_at: i64,
    },
    /// Someone saved the section since the version the edit started
    /// from; nothing was written. Theirs, to show beside the edit.
    Conflict {
        fields: Fields,
        version: i64,
        updated_at: i64,
        updated_by: String,
    },
    /// Nothing was written: these fields need correcting.
    Invalid(Vec<Problem>),
}
