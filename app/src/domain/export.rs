//! The plan as one JSON document for another system (a mission's case
//! management, a partner's reintegration tracker), shaped after the FHIR
//! CarePlan idea — goals, activities, one status — without being a FHIR
//! resource.
//!
//! The export is built for one reader and holds only what that reader may
//! read: a section that is not readable leaves no trace, not even an empty
//! field (the client's alias with the client section, the activities with
//! the travel and milestones sections, the risk level and gate with the
//! risk section, the budget with the reintegration section). Screening,
//! options and consent records are never exported. Everything else is
//! computed from the case file and the catalogues by the same rules as the
//! application, so the export cannot disagree with what the screens show.
//!
//! Its shape is published as JSON Schema (`docs/plan-export-5.schema.json`;
//! version 4, without combined programmes, version 3, without the
//! follow-up contacts either, version 2, without the trafficking status
//! either, and version 1, without referrals either, stay published as
//! `docs/plan-export-4.schema.json`, `docs/plan-export-3.schema.json`,
//! `docs/plan-export-2.schema.json` and `docs/plan-export.schema.json`)
//! and described in `docs/EXPORT.md`; the tests check every export against
//! that file.

use super::case_file::CaseFile;
use super::derived::Derived;
use super::follow_up::{ContactMode, FollowUpContact, RssDimension};
use super::milestones::{Milestone, MilestoneStatus, Owner};
use super::money::Currency;
use super::options::{Choice, FutureOption};
use super::plan::{ClosureReason, PlanStatus};
use super::policy::Section;
use super::progress::Catalogues;
use super::referral::{ReferralPurpose, ReferralStatus};
use super::reintegration::{Form, SupportCategory};
use super::risk::{Gate, RiskLevel};
use super::travel::{StepStatus, TravelStep};
use chrono::{DateTime, NaiveDate, SubsecRound, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The version of the export's shape this code writes. A change that
/// removes or renames a field, or narrows what a field may hold, is a new
/// version; adding an optional field or a value to an enumeration is too,
/// since the schema allows no unknown fields.
pub const SCHEMA_VERSION: &str = "5";

/// The stage of a plan for a reader who may not read every section it is
/// worked out from (see [`Derived::Stage`]).
pub const NOT_SHARED: &str = "not_shared";

/// The export's schema identifier, without the version.
pub const SCHEMA_BASE: &str = "https://safeplan.example/schema/plan-export/";

/// The schema identifier for `version` (what the schema file's `$id` says).
pub fn schema_uri(version: &str) -> String {
    format!("{SCHEMA_BASE}{version}")
}

/// The sections an export can carry; the others (consent, screening,
/// options) are for the counselling organisation only.
pub const EXPORTABLE: [Section; 6] = [
    Section::Client,
    Section::Decision,
    Section::Risk,
    Section::Reintegration,
    Section::Travel,
    Section::Milestones,
];

/// Who the export is for and what they may read (decided by the caller
/// from the access rules and the consents).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExportMeta {
    /// The case code (the export's id; never the client's name).
    pub code: String,
    /// The organisation exporting the plan.
    pub organisation: String,
    /// The exporting user's role (e.g. "counsellor").
    pub exported_by_role: String,
    /// The sections the reader may read; nothing else is exported.
    pub readable: Vec<Section>,
    /// [`SCHEMA_VERSION`].
    pub schema_version: &'static str,
    /// The organisations (ids) the social map shows to partners only:
    /// referrals to them are marked, so that they never reach the client.
    pub partners_only: Vec<String>,
}

/// Always "CarePlan": the kind of document, after FHIR.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ResourceType {
    CarePlan,
}

/// Always "plan": what the document is meant as, after FHIR.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Intent {
    Plan,
}

/// The plan's overall status, after FHIR's CarePlan status (see
/// [`care_plan_status`] for how the stages map onto it).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CarePlanStatus {
    Draft,
    Active,
    OnHold,
    Revoked,
    Completed,
    /// The stage is not shared with the reader.
    Unknown,
}

/// A goal's status, after FHIR's Goal lifecycle status.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum GoalStatus {
    /// Recorded, not yet confirmed (the choice is not yet stated free and
    /// informed).
    Proposed,
    /// Agreed and waiting for its time.
    Planned,
    /// Agreed by the client, freely and informed.
    Accepted,
    /// Being worked on now.
    Active,
    OnHold,
    Completed,
    Cancelled,
}

/// What an activity is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActivityKind {
    TravelStep,
    Milestone,
}

/// An activity's status, after FHIR's CarePlan activity status.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ActivityStatus {
    /// Pending, no date yet.
    NotStarted,
    /// Pending, with a date.
    Scheduled,
    InProgress,
    /// Blocked (the reason says why).
    OnHold,
    Completed,
    /// Skipped or not applicable (the reason says why).
    Cancelled,
}

/// The risk gate as it stands on the day of the export.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GateState {
    NotAssessed,
    Passed,
    Blocked,
    NoGo,
}

/// The plan as exported (schema version 2). Optional parts are left out
/// of the JSON when absent, never written as `null`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanExport {
    /// The schema identifier ([`schema_uri`]).
    pub schema: String,
    pub schema_version: String,
    pub resource_type: ResourceType,
    /// The case code.
    pub id: String,
    pub status: CarePlanStatus,
    /// The stage of the plan's status machine ([`PlanStatus::slug`]).
    pub stage: String,
    pub intent: Intent,
    /// The day of first contact, when the plan was started (client
    /// section).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<NaiveDate>,
    pub exported_at: DateTime<Utc>,
    pub subject: Subject,
    pub author: Author,
    pub goals: Vec<Goal>,
    pub activities: Vec<Activity>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub risk: Option<RiskSummary>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub budget: Option<Budget>,
    /// The organisations the client is referred to (reintegration
    /// section; since version 2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub referrals: Option<Vec<ExportReferral>>,
    /// The follow-up contacts after return (milestones section; since
    /// version 4).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub follow_up: Option<Vec<ExportContact>>,
    /// The sections whose parts are in this export (shared and
    /// exportable), in [`Section::ALL`] order.
    pub sections_included: Vec<Section>,
}

/// Whom the plan is for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Subject {
    pub code: String,
    /// The name the client goes by here (client section only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alias: Option<String>,
    /// The client's status as a victim of trafficking, as a person
    /// decided (client section only; since version 3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trafficking_status: Option<ExportTraffickingStatus>,
}

/// The trafficking status as exported (the HTCDS field).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExportTraffickingStatus {
    /// not_assessed, possible_victim, identified or not_a_victim.
    pub status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authority: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identified_on: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recorded_on: Option<NaiveDate>,
}

impl ExportTraffickingStatus {
    fn of(r: &super::screening::StatusRecord) -> Self {
        let (authority, identified_on) = match &r.status {
            super::screening::TraffickingStatus::Identified { authority, on } => {
                (Some(authority.clone()), Some(*on))
            }
            _ => (None, None),
        };
        ExportTraffickingStatus {
            status: r.status.slug().to_string(),
            authority,
            identified_on,
            recorded_on: r.recorded_on,
        }
    }
}

/// Who exported it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Author {
    pub organisation: String,
    pub role: String,
}

/// What the plan aims at.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Goal {
    /// "decision" (the option chosen) or "reintegration" (the client's
    /// reintegration goals in their words).
    pub id: String,
    pub description: String,
    pub status: GoalStatus,
    /// The option chosen (decision goal only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub option: Option<FutureOption>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decided_on: Option<NaiveDate>,
    /// The counsellor recorded the choice as free and informed (decision
    /// goal only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub free_and_informed: Option<bool>,
}

/// One travel step or milestone.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Activity {
    /// The catalogue template's id ("T8", "M16a").
    pub id: String,
    pub kind: ActivityKind,
    pub title: String,
    pub owner: Owner,
    pub status: ActivityStatus,
    /// The due date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scheduled_on: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub done_on: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<String>,
    /// Why it is blocked, skipped or not applicable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The version of the catalogue the template came from.
    pub catalogue_version: String,
}

/// The risk assessment's outcome (never the risks themselves).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RiskSummary {
    /// The highest risk's level (absent: not assessed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<RiskLevel>,
    pub gate: GateState,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assessed_on: Option<NaiveDate>,
}

/// A follow-up contact after return, as recorded (since version 4).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExportContact {
    /// Months after arrival (1, 3, 6, 12).
    pub month: u32,
    pub on: NaiveDate,
    pub mode: ContactMode,
    /// Who made the contact (a person or the partner organisation).
    pub by: String,
    /// Question id → answer, 0 to 1 (a decimal string); questions not
    /// asked are absent.
    pub answers: BTreeMap<String, Decimal>,
    pub score: ExportScore,
}

/// The sustainability score a contact's answers gave.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExportScore {
    /// The follow-up catalogue that scored it, and whether that catalogue
    /// was provisional (not IOM's official question set).
    pub catalogue_version: String,
    pub provisional: bool,
    /// Per dimension and overall, 0 to 1; absent when not scored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub economic: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub social: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub psychosocial: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overall: Option<Decimal>,
}

impl ExportContact {
    fn of(c: &FollowUpContact) -> ExportContact {
        let dimension = |d: RssDimension| {
            c.score
                .dimensions
                .get(&d)
                .copied()
                .flatten()
                .map(|v| v.normalize())
        };
        ExportContact {
            month: c.month,
            on: c.on,
            mode: c.mode,
            by: c.by.clone(),
            answers: c
                .answers
                .iter()
                .map(|(k, v)| (k.clone(), v.normalize()))
                .collect(),
            score: ExportScore {
                catalogue_version: c.score.catalogue_version.clone(),
                provisional: c.score.provisional,
                economic: dimension(RssDimension::Economic),
                social: dimension(RssDimension::Social),
                psychosocial: dimension(RssDimension::Psychosocial),
                overall: c.score.composite.map(|v| v.normalize()),
            },
        }
    }
}

/// The reintegration budget.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Budget {
    /// The programme's id (absent: none chosen yet).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub programme: Option<String>,
    /// A second programme the plan combines with the first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub combined_programme: Option<String>,
    pub currency: Currency,
    pub lines: Vec<BudgetLine>,
    /// The lines counted against the programmes (a decimal string).
    pub total: Decimal,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BudgetLine {
    pub category: SupportCategory,
    pub description: String,
    /// A decimal string ("450", "1250.5").
    pub amount: Decimal,
    /// The line's currency: the budget's, unless the programme changed
    /// to one in another currency after the line was entered.
    pub currency: Currency,
    pub form: Form,
    /// The member of the household it is for (0: the client).
    pub person: usize,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub referral_organisation: Option<String>,
    /// The programme it is charged to, when it is the combined one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub programme: Option<String>,
}

/// A referral to an organisation of the social map.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExportReferral {
    /// "r1", "r2", … (unique within the plan).
    pub id: String,
    /// The organisation's id in the social map.
    pub organisation_id: String,
    /// Its name when the client was referred.
    pub organisation: String,
    pub purpose: ReferralPurpose,
    pub status: ReferralStatus,
    /// The day it reached its status.
    pub since: NaiveDate,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Why it was declined.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The social map shows the organisation to partners only: never
    /// give it to the client.
    pub partners_only: bool,
}

/// The CarePlan status of a stage: preparing until return (or another
/// track) is approved, active while it is carried out, on hold when paused
/// or when high risks stop a return (a new assessment can lift it; the case
/// is not closed), revoked when it ended before its aim, completed when it
/// reached it.
pub fn care_plan_status(stage: &PlanStatus) -> CarePlanStatus {
    match stage {
        PlanStatus::Draft
        | PlanStatus::OptionsOpen
        | PlanStatus::Decided
        | PlanStatus::RiskAssessed => CarePlanStatus::Draft,
        PlanStatus::ApprovedForReturn
        | PlanStatus::HandedOver { .. }
        | PlanStatus::TravelBooked
        | PlanStatus::Departed
        | PlanStatus::Arrived
        | PlanStatus::Reintegration
        | PlanStatus::Monitoring
        | PlanStatus::StayTrack
        | PlanStatus::OnwardTrack => CarePlanStatus::Active,
        PlanStatus::OnHold { .. } | PlanStatus::NoGoHighRisk => CarePlanStatus::OnHold,
        PlanStatus::WithdrawnByClient => CarePlanStatus::Revoked,
        PlanStatus::Closed { reason } => match reason {
            ClosureReason::PlanCompleted
            | ClosureReason::SupportPeriodEnded
            | ClosureReason::Stayed
            | ClosureReason::MovedOn => CarePlanStatus::Completed,
            ClosureReason::ClientStopped
            | ClosureReason::MovedAway
            | ClosureReason::ReMigrated
            | ClosureReason::Unreachable
            | ClosureReason::Died
            | ClosureReason::FundingEnded
            | ClosureReason::Transferred => CarePlanStatus::Revoked,
        },
    }
}

/// The plan of `file` for a reader who may read `meta.readable`, as it
/// stands on `now`.
pub fn plan_export(
    file: &CaseFile,
    cats: &Catalogues,
    meta: &ExportMeta,
    now: DateTime<Utc>,
) -> PlanExport {
    let today = now.date_naive();
    let may = |s: Section| meta.readable.contains(&s);
    // Worked out from sections the reader may not read: not told.
    let stage = Derived::Stage
        .shown_to(&meta.readable)
        .then(|| file.progress(cats, now).stage);
    let status = stage
        .as_ref()
        .map_or(CarePlanStatus::Unknown, care_plan_status);

    let mut goals = Vec::new();
    if may(Section::Decision) {
        goals.extend(decision_goal(file, status));
    }
    if may(Section::Reintegration) {
        goals.extend(reintegration_goal(file, stage.as_ref(), status));
    }

    let mut activities = Vec::new();
    if may(Section::Travel) {
        activities.extend(file.travel_steps(cats).iter().map(travel_activity));
    }
    if may(Section::Milestones) {
        // Dates worked out from sections the reader may not read (the
        // decision, the departure) are left out; dates set by hand stay.
        let dated = Derived::Milestones.shown_to(&meta.readable);
        // A milestone ticked off by work recorded in a section the reader
        // may not read is left out: its status is not theirs to know.
        activities.extend(
            file.milestones_for(cats, &meta.readable)
                .into_iter()
                .filter(|m| !m.work_not_shared)
                .map(|mut m| {
                    if !dated && !m.due_edited {
                        m.due = None;
                    }
                    milestone_activity(&m)
                }),
        );
    }

    let risk = may(Section::Risk).then(|| {
        let assessment = file.risk.assessment.as_ref();
        RiskSummary {
            level: assessment.map(|a| a.overall()),
            gate: match file.gate(today) {
                None => GateState::NotAssessed,
                Some(Gate::Passed) => GateState::Passed,
                Some(Gate::Blocked(_)) => GateState::Blocked,
                Some(Gate::NoGo(_)) => GateState::NoGo,
            },
            assessed_on: assessment.map(|a| a.assessed_on),
        }
    });

    let budget = may(Section::Reintegration).then(|| budget(file, cats, today));
    let referrals = may(Section::Reintegration).then(|| referrals(file, &meta.partners_only));
    let follow_up = may(Section::Milestones).then(|| {
        file.milestones
            .follow_ups
            .iter()
            .map(ExportContact::of)
            .collect()
    });

    let client = may(Section::Client);
    PlanExport {
        schema: schema_uri(meta.schema_version),
        schema_version: meta.schema_version.to_string(),
        resource_type: ResourceType::CarePlan,
        id: meta.code.clone(),
        status,
        stage: stage.as_ref().map_or(NOT_SHARED, |s| s.slug()).to_string(),
        intent: Intent::Plan,
        created: client
            .then_some(file.first_contact.first_contact_on)
            .flatten(),
        exported_at: now.trunc_subsecs(0),
        subject: Subject {
            code: meta.code.clone(),
            alias: client
                .then(|| file.first_contact.client.alias.clone())
                .filter(|a| !a.is_empty()),
            trafficking_status: client
                .then(|| ExportTraffickingStatus::of(&file.first_contact.trafficking)),
        },
        author: Author {
            organisation: meta.organisation.clone(),
            role: meta.exported_by_role.clone(),
        },
        goals,
        activities,
        risk,
        budget,
        referrals,
        follow_up,
        sections_included: Section::ALL
            .into_iter()
            .filter(|s| EXPORTABLE.contains(s) && may(*s))
            .collect(),
    }
}

/// Settled plans settle their goals; a paused one pauses them.
fn goal_status_from_plan(status: CarePlanStatus) -> Option<GoalStatus> {
    match status {
        CarePlanStatus::Completed => Some(GoalStatus::Completed),
        CarePlanStatus::Revoked => Some(GoalStatus::Cancelled),
        CarePlanStatus::OnHold => Some(GoalStatus::OnHold),
        CarePlanStatus::Draft | CarePlanStatus::Active | CarePlanStatus::Unknown => None,
    }
}

fn decision_goal(file: &CaseFile, status: CarePlanStatus) -> Option<Goal> {
    let d = file.decision.decision.as_ref()?;
    let Choice::Option(option) = d.choice else {
        // Undecided, or left: nothing to aim at.
        return None;
    };
    let description = match option {
        FutureOption::Stay => "Stay and regularise",
        FutureOption::Return => "Safe voluntary return",
        FutureOption::Onward => "Onward migration or resettlement to a third country",
    };
    let confirmed = d.free_and_informed && !d.capacity_in_doubt;
    let goal_status = if confirmed {
        goal_status_from_plan(status).unwrap_or(GoalStatus::Accepted)
    } else {
        GoalStatus::Proposed
    };
    Some(Goal {
        id: "decision".into(),
        description: description.into(),
        status: goal_status,
        option: Some(option),
        decided_on: Some(d.decided_on),
        free_and_informed: Some(d.free_and_informed),
    })
}

fn reintegration_goal(
    file: &CaseFile,
    stage: Option<&PlanStatus>,
    status: CarePlanStatus,
) -> Option<Goal> {
    let text = file.reintegration.goals.trim();
    if text.is_empty() {
        return None;
    }
    let goal_status = goal_status_from_plan(status).unwrap_or(match stage {
        Some(PlanStatus::Arrived | PlanStatus::Reintegration | PlanStatus::Monitoring) => {
            GoalStatus::Active
        }
        _ => GoalStatus::Planned,
    });
    Some(Goal {
        id: "reintegration".into(),
        description: text.to_string(),
        status: goal_status,
        option: None,
        decided_on: None,
        free_and_informed: None,
    })
}

/// A pending item is scheduled once it has a date.
fn pending(due: Option<NaiveDate>) -> ActivityStatus {
    if due.is_some() {
        ActivityStatus::Scheduled
    } else {
        ActivityStatus::NotStarted
    }
}

fn travel_activity(s: &TravelStep) -> Activity {
    let (status, done_on, reason) = match &s.status {
        StepStatus::Pending => (pending(s.due), None, None),
        StepStatus::InProgress => (ActivityStatus::InProgress, None, None),
        StepStatus::Done { on } => (ActivityStatus::Completed, Some(*on), None),
        StepStatus::Blocked { reason } => (ActivityStatus::OnHold, None, Some(reason.clone())),
        StepStatus::NotApplicable { reason } => {
            (ActivityStatus::Cancelled, None, Some(reason.clone()))
        }
    };
    Activity {
        id: s.template_id.clone(),
        kind: ActivityKind::TravelStep,
        title: s.title.clone(),
        owner: s.owner,
        status,
        scheduled_on: s.due,
        done_on,
        evidence: s.evidence.clone().filter(|e| !e.trim().is_empty()),
        reason: reason.filter(|r| !r.trim().is_empty()),
        catalogue_version: s.catalogue_version.clone(),
    }
}

fn milestone_activity(m: &Milestone) -> Activity {
    let (status, done_on, reason) = match &m.status {
        MilestoneStatus::Pending => (pending(m.due), None, None),
        MilestoneStatus::InProgress => (ActivityStatus::InProgress, None, None),
        MilestoneStatus::Done { on } => (ActivityStatus::Completed, Some(*on), None),
        MilestoneStatus::Blocked { reason } => (ActivityStatus::OnHold, None, Some(reason.clone())),
        MilestoneStatus::Skipped { reason } => {
            (ActivityStatus::Cancelled, None, Some(reason.clone()))
        }
    };
    Activity {
        id: m.template_id.clone(),
        kind: ActivityKind::Milestone,
        title: m.title.clone(),
        owner: m.owner,
        status,
        scheduled_on: m.due,
        done_on,
        evidence: m.evidence.clone().filter(|e| !e.trim().is_empty()),
        reason: reason.filter(|r| !r.trim().is_empty()),
        catalogue_version: m.catalogue_version.clone(),
    }
}

/// The budget in the programme's currency; the total is the programme
/// check's (lines for no one in the household, or in another currency,
/// are not counted), or the plain sum before a programme is chosen.
fn budget(file: &CaseFile, cats: &Catalogues, today: NaiveDate) -> Budget {
    let r = &file.reintegration;
    let currency = file.currency(cats.programmes);
    let total = match file.budget(cats, today) {
        Some(summary) => summary.grand_total(),
        None => r
            .lines
            .iter()
            .filter(|l| l.amount.currency() == currency)
            .map(|l| l.amount.amount())
            .sum(),
    };
    Budget {
        programme: r.programme_id.clone().filter(|p| !p.trim().is_empty()),
        combined_programme: r.combined_programme_id.clone(),
        currency,
        lines: r
            .lines
            .iter()
            .map(|l| BudgetLine {
                category: l.category,
                description: l.description.clone(),
                amount: l.amount.amount().normalize(),
                currency: l.amount.currency(),
                form: l.form,
                person: l.person,
                referral_organisation: l
                    .referral_organisation
                    .clone()
                    .filter(|o| !o.trim().is_empty()),
                programme: l.programme.clone(),
            })
            .collect(),
        total: total.normalize(),
    }
}

fn referrals(file: &CaseFile, partners_only: &[String]) -> Vec<ExportReferral> {
    let text = |t: &str| Some(t.trim().to_string()).filter(|t| !t.is_empty());
    file.reintegration
        .referrals
        .iter()
        .filter_map(|r| {
            Some(ExportReferral {
                id: r.id.clone(),
                organisation_id: r.organisation_id.clone(),
                organisation: r.organisation_name.clone(),
                purpose: r.purpose,
                status: r.status,
                // A referral is made with its first status (`propose`),
                // and every move adds one: the history is never empty.
                since: r.history.last()?.on,
                note: text(&r.note),
                reason: text(&r.reason),
                partners_only: partners_only.contains(&r.organisation_id),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::case_file::ParseContext;
    use crate::domain::fields::Fields;
    use crate::domain::plan::STAGES;
    use proptest::prelude::*;
    use serde_json::Value;
    use std::sync::OnceLock;

    const SCHEMA: &str = include_str!("../../../docs/plan-export-5.schema.json");
    const SCHEMA_4: &str = include_str!("../../../docs/plan-export-4.schema.json");
    const SCHEMA_3: &str = include_str!("../../../docs/plan-export-3.schema.json");
    const SCHEMA_2: &str = include_str!("../../../docs/plan-export-2.schema.json");
    const SCHEMA_1: &str = include_str!("../../../docs/plan-export.schema.json");
    const CODE: &str = "K7QM-2XD4-P";
    const MISSION: &str = "org-iom-nl";
    const ALIAS: &str = "Zainab Qx7";

    /// Text that may only appear in an export with its section readable.
    const SHARED_MARKS: [(Section, &str); 10] = [
        (Section::Client, "TRAFFICKING-AUTHORITY-MARK"),
        (Section::Reintegration, "REINT-GOAL-MARK"),
        (Section::Reintegration, "REINT-LINE-MARK"),
        (Section::Reintegration, "REINT-REFERRAL-MARK"),
        (Section::Reintegration, "REINT-ORGANISATION-MARK"),
        (Section::Reintegration, "REINT-REFERRAL-NOTE-MARK"),
        (Section::Travel, "TRAVEL-EVIDENCE-MARK"),
        (Section::Travel, "TRAVEL-REASON-MARK"),
        (Section::Milestones, "MILESTONE-REASON-MARK"),
        (Section::Milestones, "FOLLOW-UP-BY-MARK"),
    ];

    /// Text that is never exported, whoever reads.
    const NEVER_MARKS: [&str; 7] = [
        "CLIENT-NOTES-MARK",
        "SCREENING-MARK",
        "OPTIONS-MARK",
        "RISK-MARK",
        "RISK-PARTNER-MARK",
        "TRAVEL-NEEDS-MARK",
        MISSION,
    ];

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-20T10:00:00.123Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    fn put(file: &mut CaseFile, section: Section, pairs: &[(&str, &str)]) {
        let fields: Fields = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let cx = ParseContext {
            today: now().date_naive(),
            user_id: "u-counsellor",
            currency: Currency::EUR,
        };
        file.apply(section, &fields, &cx)
            .unwrap_or_else(|p| panic!("{section:?}: {p:?}"));
    }

    /// A return case ready for handover, with text in every section.
    fn return_case() -> CaseFile {
        let mut f = CaseFile::default();
        put(
            &mut f,
            Section::Client,
            &[
                ("client.alias", ALIAS),
                ("client.birth", "year"),
                ("client.birth_year", "1994"),
                ("client.nationality", "ng"),
                ("contact.on", "2026-10-01"),
                ("contact.notes", "CLIENT-NOTES-MARK"),
                ("safety.danger", "no"),
                ("trafficking.status", "identified"),
                ("trafficking.authority", "TRAFFICKING-AUTHORITY-MARK"),
                ("trafficking.on", "2026-10-02"),
            ],
        );
        put(
            &mut f,
            Section::Consent,
            &[
                ("consent.0.purpose", "store_data"),
                ("consent.0.given_on", "2026-10-01"),
                ("consent.0.language", "en"),
                ("consent.1.purpose", "share"),
                ("consent.1.recipient", MISSION),
                ("consent.1.section_client", "on"),
                ("consent.1.section_consent", "on"),
                ("consent.1.section_decision", "on"),
                ("consent.1.section_risk", "on"),
                ("consent.1.section_reintegration", "on"),
                ("consent.1.section_travel", "on"),
                ("consent.1.given_on", "2026-11-02"),
                ("consent.1.language", "en"),
            ],
        );
        put(
            &mut f,
            Section::Screening,
            &[
                ("screening.judgement", "signs_present"),
                ("screening.notes", "SCREENING-MARK"),
            ],
        );
        put(
            &mut f,
            Section::Options,
            &[
                ("option.stay.feasibility", "difficult"),
                ("option.onward.feasibility", "not_feasible"),
                ("option.return.wishes", "OPTIONS-MARK"),
            ],
        );
        put(
            &mut f,
            Section::Decision,
            &[
                ("decision.choice", "return"),
                ("decision.on", "2026-11-02"),
                ("decision.free_and_informed", "on"),
            ],
        );
        put(
            &mut f,
            Section::Risk,
            &[
                ("risk.assessed_on", "2026-11-10"),
                ("risk.0.level", "household"),
                ("risk.0.description", "RISK-MARK"),
                ("risk.0.likelihood", "2"),
                ("risk.0.severity", "2"),
                ("risk.0.mitigation", "mit-other-region"),
                ("risk.origin_partner", "RISK-PARTNER-MARK"),
            ],
        );
        put(
            &mut f,
            Section::Reintegration,
            &[
                ("reint.programme", "nl-2025-reintegration"),
                ("person.0.kind", "adult"),
                ("line.0.category", "economic"),
                ("line.0.description", "REINT-LINE-MARK"),
                ("line.0.amount", "1250.50"),
                ("line.0.form", "in_kind"),
                ("line.0.person", "0"),
                ("line.0.referral", "REINT-REFERRAL-MARK"),
                ("line.1.category", "immediate"),
                ("line.1.description", "Rent for the first month"),
                ("line.1.amount", "200"),
                ("line.1.form", "cash"),
                ("line.1.person", "0"),
                ("reint.goals", "REINT-GOAL-MARK: a tailoring business"),
            ],
        );
        // Referred from the social map, then contacted; and referred to
        // an organisation shown to partners only.
        let day = NaiveDate::from_ymd_opt(2026, 11, 12).unwrap();
        let referrals = &mut f.reintegration.referrals;
        crate::domain::referral::propose(
            referrals,
            "ng-partners-shelter",
            "Closed Shelter",
            ReferralPurpose::Support,
            "",
            "u-counsellor",
            day,
        )
        .unwrap();
        let id = crate::domain::referral::propose(
            referrals,
            "ng-test-return",
            "REINT-ORGANISATION-MARK Return Support",
            ReferralPurpose::Reception,
            "REINT-REFERRAL-NOTE-MARK: meet her at the airport",
            "u-counsellor",
            day,
        )
        .unwrap();
        crate::domain::referral::move_to(
            referrals,
            &id,
            ReferralStatus::Proposed,
            ReferralStatus::Contacted,
            "",
            "u-counsellor",
            day.succ_opt().unwrap(),
        )
        .unwrap();
        put(
            &mut f,
            Section::Travel,
            &[
                ("travel.mission", MISSION),
                ("travel.destination", "NG"),
                ("travel.departure", "2027-01-15"),
                ("travel.needs", "TRAVEL-NEEDS-MARK"),
                ("step.T4.status", "done"),
                ("step.T4.done_on", "2026-11-18"),
                ("step.T4.evidence", "TRAVEL-EVIDENCE-MARK"),
                ("step.T2.status", "skipped"),
                ("step.T2.reason", "TRAVEL-REASON-MARK"),
                ("step.T7.status", "in_progress"),
                ("step.T7.due", "2027-01-05"),
            ],
        );
        put(
            &mut f,
            Section::Milestones,
            &[
                ("ms.M3.status", "blocked"),
                ("ms.M3.reason", "MILESTONE-REASON-MARK"),
            ],
        );
        // A follow-up contact as recorded on its screen (the rules that
        // let it in are tested with the follow-up).
        let catalogue = crate::catalog::follow_up();
        let answers: BTreeMap<String, Decimal> = catalogue
            .questions
            .iter()
            .map(|q| (q.id.clone(), Decimal::new(50, 2)))
            .collect();
        f.milestones
            .follow_ups
            .push(crate::domain::follow_up::FollowUpContact {
                month: 1,
                on: NaiveDate::from_ymd_opt(2026, 11, 12).unwrap(),
                mode: ContactMode::Partner,
                by: "FOLLOW-UP-BY-MARK".into(),
                score: crate::domain::follow_up::score(&catalogue.model(), &answers),
                answers,
                recorded_by: "u-mission".into(),
                recorded_on: NaiveDate::from_ymd_opt(2026, 11, 12).unwrap(),
            });
        f
    }

    fn meta(readable: &[Section]) -> ExportMeta {
        ExportMeta {
            code: CODE.into(),
            organisation: "org-fairwork".into(),
            exported_by_role: "counsellor".into(),
            readable: readable.to_vec(),
            schema_version: SCHEMA_VERSION,
            partners_only: vec!["ng-partners-shelter".into()],
        }
    }

    fn export(file: &CaseFile, readable: &[Section]) -> PlanExport {
        plan_export(file, &crate::catalog::planning(), &meta(readable), now())
    }

    fn validator() -> &'static jsonschema::Validator {
        static VALIDATOR: OnceLock<jsonschema::Validator> = OnceLock::new();
        VALIDATOR.get_or_init(|| {
            let schema: Value = serde_json::from_str(SCHEMA).expect("the schema is JSON");
            jsonschema::draft202012::options()
                .should_validate_formats(true)
                .build(&schema)
                .expect("the schema is a valid draft 2020-12 schema")
        })
    }

    /// Every way `json` breaks the schema (empty: valid).
    fn violations(json: &Value) -> Vec<String> {
        validator()
            .iter_errors(json)
            .map(|e| format!("{}: {e}", e.instance_path()))
            .collect()
    }

    fn to_json(e: &PlanExport) -> Value {
        serde_json::to_value(e).expect("an export is plain data")
    }

    /// Version 1 stays published; version 2 only adds the referrals.
    #[test]
    fn version_2_is_version_1_with_referrals() {
        let one: Value = serde_json::from_str(SCHEMA_1).unwrap();
        let mut two: Value = serde_json::from_str(SCHEMA_2).unwrap();
        assert_eq!(one["$id"], schema_uri("1"));
        let o = two.as_object_mut().unwrap();
        o.insert("$id".into(), one["$id"].clone());
        o.insert("title".into(), one["title"].clone());
        two["properties"]["schema"]["const"] = one["$id"].clone();
        two["properties"]["schema_version"]["const"] = "1".into();
        let props = two["properties"].as_object_mut().unwrap();
        assert!(props.remove("referrals").is_some());
        let defs = two["$defs"].as_object_mut().unwrap();
        assert!(defs.remove("referral").is_some());
        let rules = two["allOf"].as_array_mut().unwrap();
        let last = rules.pop().unwrap();
        assert_eq!(last["then"]["required"], serde_json::json!(["referrals"]));
        assert_eq!(two, one);
    }

    /// Version 3 stays published; version 4 only adds the follow-up
    /// contacts.
    #[test]
    fn version_4_is_version_3_with_the_follow_up() {
        let three: Value = serde_json::from_str(SCHEMA_3).unwrap();
        let mut four: Value = serde_json::from_str(SCHEMA_4).unwrap();
        assert_eq!(three["$id"], schema_uri("3"));
        let o = four.as_object_mut().unwrap();
        o.insert("$id".into(), three["$id"].clone());
        o.insert("title".into(), three["title"].clone());
        four["properties"]["schema"]["const"] = three["$id"].clone();
        four["properties"]["schema_version"]["const"] = "3".into();
        let props = four["properties"].as_object_mut().unwrap();
        assert!(props.remove("follow_up").is_some());
        let defs = four["$defs"].as_object_mut().unwrap();
        assert!(defs.remove("follow_up_contact").is_some());
        let rules = four["allOf"].as_array_mut().unwrap();
        let last = rules.pop().unwrap();
        assert_eq!(last["then"]["required"], serde_json::json!(["follow_up"]));
        assert_eq!(four, three);
        // Its modes are the code's.
        let schema: Value = serde_json::from_str(SCHEMA).unwrap();
        let modes: Vec<&str> = schema["$defs"]["follow_up_contact"]["properties"]["mode"]["enum"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        let code: Vec<&str> = crate::domain::follow_up::CONTACT_MODES
            .iter()
            .map(|(slug, _)| *slug)
            .collect();
        assert_eq!(modes, code);
    }

    /// Version 4 stays published; version 5 only adds the combined
    /// programme and the programme a line is charged to.
    #[test]
    fn version_5_is_version_4_with_combined_programmes() {
        let four: Value = serde_json::from_str(SCHEMA_4).unwrap();
        let mut five: Value = serde_json::from_str(SCHEMA).unwrap();
        assert_eq!(four["$id"], schema_uri("4"));
        assert_eq!(five["$id"], schema_uri(SCHEMA_VERSION));
        let o = five.as_object_mut().unwrap();
        o.insert("$id".into(), four["$id"].clone());
        o.insert("title".into(), four["title"].clone());
        five["properties"]["schema"]["const"] = four["$id"].clone();
        five["properties"]["schema_version"]["const"] = "4".into();
        let budget = five["$defs"]["budget"]["properties"]
            .as_object_mut()
            .unwrap();
        assert!(budget.remove("combined_programme").is_some());
        let line = five["$defs"]["budget_line"]["properties"]
            .as_object_mut()
            .unwrap();
        assert!(line.remove("programme").is_some());
        assert_eq!(five, four);
    }

    /// Version 2 stays published; version 3 only adds the trafficking
    /// status.
    #[test]
    fn version_3_is_version_2_with_the_trafficking_status() {
        let two: Value = serde_json::from_str(SCHEMA_2).unwrap();
        let mut three: Value = serde_json::from_str(SCHEMA_3).unwrap();
        assert_eq!(two["$id"], schema_uri("2"));
        let o = three.as_object_mut().unwrap();
        o.insert("$id".into(), two["$id"].clone());
        o.insert("title".into(), two["title"].clone());
        three["properties"]["schema"]["const"] = two["$id"].clone();
        three["properties"]["schema_version"]["const"] = "2".into();
        let subject = three["properties"]["subject"]["properties"]
            .as_object_mut()
            .unwrap();
        assert!(subject.remove("trafficking_status").is_some());
        let defs = three["$defs"].as_object_mut().unwrap();
        assert!(defs.remove("trafficking_status").is_some());
        let client_rule = &mut three["allOf"][0];
        client_rule["description"] = two["allOf"][0]["description"].clone();
        let without = client_rule["else"]["not"]["anyOf"].as_array_mut().unwrap();
        assert_eq!(
            without.pop().unwrap()["properties"]["subject"]["required"],
            serde_json::json!(["trafficking_status"])
        );
        assert_eq!(three, two);
        // Its status names are the code's.
        let schema: Value = serde_json::from_str(SCHEMA).unwrap();
        let names: Vec<&str> = schema["$defs"]["trafficking_status"]["properties"]["status"]
            ["enum"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        assert_eq!(names, crate::domain::case_file::TRAFFICKING_STATUSES);
    }

    #[test]
    fn the_schema_is_a_draft_2020_12_schema_with_this_id() {
        let schema: Value = serde_json::from_str(SCHEMA).unwrap();
        assert!(jsonschema::draft202012::meta::is_valid(&schema));
        assert_eq!(schema["$id"], schema_uri(SCHEMA_VERSION));
        assert_eq!(
            schema["properties"]["schema"]["const"],
            schema_uri(SCHEMA_VERSION)
        );
        assert_eq!(
            schema["properties"]["schema_version"]["const"],
            SCHEMA_VERSION
        );
        // Its enumerations name exactly what the code knows.
        let stages: Vec<&str> = schema["properties"]["stage"]["enum"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        let known: Vec<&str> = STAGES.into_iter().chain([NOT_SHARED]).collect();
        assert_eq!(stages, known);
        let referral = &schema["$defs"]["referral"]["properties"];
        let purposes: Vec<Value> = ReferralPurpose::ALL
            .iter()
            .map(|p| serde_json::to_value(p).unwrap())
            .collect();
        assert_eq!(referral["purpose"]["enum"], Value::Array(purposes));
        let statuses: Vec<Value> = ReferralStatus::ALL
            .iter()
            .map(|p| serde_json::to_value(p).unwrap())
            .collect();
        assert_eq!(referral["status"]["enum"], Value::Array(statuses));
        let sections: Vec<Value> = EXPORTABLE
            .iter()
            .map(|s| serde_json::to_value(s).unwrap())
            .collect();
        assert_eq!(
            schema["properties"]["sections_included"]["items"]["enum"],
            Value::Array(sections)
        );
    }

    #[test]
    fn a_complete_return_case_validates_with_every_shared_part() {
        let f = return_case();
        let cats = crate::catalog::planning();
        let e = export(&f, &Section::ALL);
        let json = to_json(&e);
        assert_eq!(violations(&json), Vec::<String>::new(), "{json:#}");

        assert_eq!(
            json["schema"],
            "https://safeplan.example/schema/plan-export/5"
        );
        assert_eq!(json["resource_type"], "CarePlan");
        assert_eq!(json["intent"], "plan");
        assert_eq!(json["id"], CODE);
        assert_eq!(json["stage"], "approved_for_return");
        assert_eq!(json["status"], "active");
        assert_eq!(json["created"], "2026-10-01");
        assert_eq!(json["exported_at"], "2026-11-20T10:00:00Z");
        assert_eq!(json["subject"]["alias"], ALIAS);
        assert_eq!(
            json["subject"]["trafficking_status"],
            serde_json::json!({
                "status": "identified",
                "authority": "TRAFFICKING-AUTHORITY-MARK",
                "identified_on": "2026-10-02",
                "recorded_on": "2026-11-20",
            })
        );
        assert_eq!(json["author"]["organisation"], "org-fairwork");
        assert_eq!(json["author"]["role"], "counsellor");
        // The follow-up contact, its answers and score as exact decimals.
        let contact = &json["follow_up"][0];
        assert_eq!(contact["month"], 1);
        assert_eq!(contact["mode"], "partner");
        assert_eq!(contact["answers"]["eco-income"], "0.5");
        assert_eq!(contact["score"]["overall"], "0.5");
        assert_eq!(contact["score"]["provisional"], true);

        assert_eq!(e.goals.len(), 2);
        assert_eq!(json["goals"][0]["id"], "decision");
        assert_eq!(json["goals"][0]["option"], "return");
        assert_eq!(json["goals"][0]["status"], "accepted");
        assert_eq!(json["goals"][0]["decided_on"], "2026-11-02");
        assert_eq!(json["goals"][1]["id"], "reintegration");
        assert_eq!(json["goals"][1]["status"], "planned");

        let steps = f.travel_steps(&cats).len();
        let milestones = f.milestones(&cats).len();
        assert_eq!(e.activities.len(), steps + milestones);
        let find = |id: &str| e.activities.iter().find(|a| a.id == id).unwrap();
        let t4 = find("T4");
        assert_eq!(t4.kind, ActivityKind::TravelStep);
        assert_eq!(t4.status, ActivityStatus::Completed);
        assert_eq!(t4.done_on, NaiveDate::from_ymd_opt(2026, 11, 18));
        assert_eq!(t4.evidence.as_deref(), Some("TRAVEL-EVIDENCE-MARK"));
        assert_eq!(find("T2").status, ActivityStatus::Cancelled);
        assert_eq!(find("T2").reason.as_deref(), Some("TRAVEL-REASON-MARK"));
        assert_eq!(find("T7").status, ActivityStatus::InProgress);
        assert_eq!(find("T7").scheduled_on, NaiveDate::from_ymd_opt(2027, 1, 5));
        assert_eq!(find("T1").status, ActivityStatus::NotStarted);
        let m3 = find("M3");
        assert_eq!(m3.kind, ActivityKind::Milestone);
        assert_eq!(m3.status, ActivityStatus::OnHold);
        assert_eq!(find("M11").status, ActivityStatus::Scheduled);
        assert_eq!(
            find("M11").scheduled_on,
            NaiveDate::from_ymd_opt(2027, 1, 15)
        );
        assert_eq!(
            find("M12").status,
            ActivityStatus::NotStarted,
            "no arrival yet"
        );

        assert_eq!(json["risk"]["level"], "medium");
        assert_eq!(json["risk"]["gate"], "passed");
        assert_eq!(json["risk"]["assessed_on"], "2026-11-10");

        assert_eq!(json["budget"]["programme"], "nl-2025-reintegration");
        assert_eq!(json["budget"]["currency"], "EUR");
        assert_eq!(json["budget"]["total"], "1450.5");
        assert_eq!(json["budget"]["lines"][0]["amount"], "1250.5");
        assert_eq!(json["budget"]["lines"][0]["form"], "in_kind");
        assert_eq!(json["budget"]["lines"][1]["amount"], "200");
        assert_eq!(json["budget"]["lines"][1]["form"], "cash");
        assert_eq!(json["budget"]["lines"][1]["category"], "immediate");

        assert_eq!(
            json["referrals"],
            serde_json::json!([
                {
                    "id": "r1",
                    "organisation_id": "ng-partners-shelter",
                    "organisation": "Closed Shelter",
                    "purpose": "support",
                    "status": "proposed",
                    "since": "2026-11-12",
                    "partners_only": true
                },
                {
                    "id": "r2",
                    "organisation_id": "ng-test-return",
                    "organisation": "REINT-ORGANISATION-MARK Return Support",
                    "purpose": "reception",
                    "status": "contacted",
                    "since": "2026-11-13",
                    "note": "REINT-REFERRAL-NOTE-MARK: meet her at the airport",
                    "partners_only": false
                }
            ])
        );

        assert_eq!(
            json["sections_included"],
            serde_json::json!([
                "client",
                "decision",
                "risk",
                "reintegration",
                "travel",
                "milestones"
            ])
        );
        let text = json.to_string();
        for mark in NEVER_MARKS {
            assert!(!text.contains(mark), "{mark} is never exported");
        }
    }

    #[test]
    fn a_near_empty_case_validates() {
        for readable in [&Section::ALL[..], &[]] {
            let e = export(&CaseFile::default(), readable);
            let json = to_json(&e);
            assert_eq!(violations(&json), Vec::<String>::new(), "{json:#}");
            // The stage is told to a reader of all it comes from only.
            if readable.is_empty() {
                assert_eq!(e.stage, NOT_SHARED);
                assert_eq!(e.status, CarePlanStatus::Unknown);
            } else {
                assert_eq!(e.stage, "draft");
                assert_eq!(e.status, CarePlanStatus::Draft);
            }
            assert!(e.goals.is_empty());
            assert_eq!(e.created, None);
            assert_eq!(e.subject.alias, None, "an empty alias is no alias");
        }
        let e = export(&CaseFile::default(), &Section::ALL);
        assert_eq!(
            e.risk,
            Some(RiskSummary {
                level: None,
                gate: GateState::NotAssessed,
                assessed_on: None
            })
        );
        let budget = e.budget.expect("the section is shared, though empty");
        assert_eq!(budget.programme, None);
        assert!(budget.lines.is_empty());
        assert_eq!(
            to_json(&export(&CaseFile::default(), &Section::ALL))["budget"]["total"],
            "0"
        );
        assert!(e
            .activities
            .iter()
            .all(|a| a.status == ActivityStatus::NotStarted && a.scheduled_on.is_none()));
    }

    #[test]
    fn unreadable_sections_are_absent() {
        // A reader of travel and milestones only (say, a partner in origin).
        let e = export(&return_case(), &[Section::Travel, Section::Milestones]);
        let json = to_json(&e);
        assert_eq!(violations(&json), Vec::<String>::new(), "{json:#}");
        let top = json.as_object().unwrap();
        for absent in ["created", "risk", "budget"] {
            assert!(!top.contains_key(absent), "{absent}");
        }
        assert!(!json["subject"].as_object().unwrap().contains_key("alias"));
        assert_eq!(json["goals"], serde_json::json!([]));
        assert_eq!(
            json["sections_included"],
            serde_json::json!(["travel", "milestones"])
        );
        let text = json.to_string();
        assert!(!text.contains(ALIAS));
        assert!(!text.contains("REINT-"));
        assert!(!text.contains("medium"));

        // Consent, screening and options alone export nothing of the case.
        let e = export(
            &return_case(),
            &[Section::Consent, Section::Screening, Section::Options],
        );
        assert!(e.goals.is_empty() && e.activities.is_empty());
        assert!(e.risk.is_none() && e.budget.is_none());
        assert!(e.sections_included.is_empty());
    }

    #[test]
    fn the_schema_rejects_what_should_not_be_there() {
        let valid = to_json(&export(&return_case(), &[Section::Travel]));
        assert!(violations(&valid).is_empty());
        let broken = |edit: &dyn Fn(&mut Value)| {
            let mut json = valid.clone();
            edit(&mut json);
            !violations(&json).is_empty()
        };
        assert!(
            broken(&|j| j["subject"]["alias"] = ALIAS.into()),
            "alias without client"
        );
        assert!(broken(
            &|j| j["risk"] =
                serde_json::json!({"gate": "passed", "level": "low", "assessed_on": "2026-11-10"})
        ));
        assert!(broken(&|j| j["extra"] = true.into()), "unknown field");
        assert!(
            broken(&|j| j["activities"][0]["note"] = "x".into()),
            "unknown nested field"
        );
        assert!(broken(&|j| j["status"] = "paused".into()));
        assert!(broken(&|j| j["exported_at"] = "yesterday".into()));
        assert!(
            broken(&|j| j["activities"][0]["status"] = "completed".into()),
            "no done date"
        );
        assert!(broken(&|j| {
            j.as_object_mut().unwrap().remove("goals");
        }));
        let mut all = to_json(&export(&return_case(), &Section::ALL));
        assert!(violations(&all).is_empty());
        all["budget"]["total"] = "1,450.50".into();
        assert!(!violations(&all).is_empty(), "amounts are plain decimals");
    }

    #[test]
    fn the_export_survives_json() {
        for readable in [&Section::ALL[..], &[Section::Risk], &[]] {
            let e = export(&return_case(), readable);
            let back: PlanExport =
                serde_json::from_str(&serde_json::to_string(&e).unwrap()).unwrap();
            assert_eq!(back, e);
        }
        // Unknown fields are refused on reading too.
        let mut json = to_json(&export(&return_case(), &[]));
        json["subject"]["name"] = "x".into();
        assert!(serde_json::from_value::<PlanExport>(json).is_err());
    }

    #[test]
    fn stages_map_onto_care_plan_statuses() {
        use CarePlanStatus::*;
        let cases = [
            (PlanStatus::Draft, Draft),
            (PlanStatus::RiskAssessed, Draft),
            (PlanStatus::ApprovedForReturn, Active),
            (
                PlanStatus::HandedOver {
                    mission_id: MISSION.into(),
                },
                Active,
            ),
            (PlanStatus::Monitoring, Active),
            (PlanStatus::StayTrack, Active),
            (PlanStatus::NoGoHighRisk, OnHold),
            (
                PlanStatus::OnHold {
                    previous: Box::new(PlanStatus::Departed),
                },
                OnHold,
            ),
            (PlanStatus::WithdrawnByClient, Revoked),
            (
                PlanStatus::Closed {
                    reason: ClosureReason::PlanCompleted,
                },
                Completed,
            ),
            (
                PlanStatus::Closed {
                    reason: ClosureReason::Unreachable,
                },
                Revoked,
            ),
        ];
        for (stage, status) in cases {
            assert_eq!(care_plan_status(&stage), status, "{stage:?}");
        }
        // A choice not yet stated free and informed is only proposed.
        let mut f = return_case();
        put(
            &mut f,
            Section::Decision,
            &[("decision.choice", "stay"), ("decision.on", "2026-11-02")],
        );
        let e = export(&f, &Section::ALL);
        assert_eq!(e.goals[0].status, GoalStatus::Proposed);
        assert_eq!(e.goals[0].option, Some(FutureOption::Stay));
        assert_eq!(e.goals[0].free_and_informed, Some(false));
        assert!(violations(&to_json(&e)).is_empty());
    }

    fn fixture(which: u8) -> CaseFile {
        match which {
            0 => return_case(),
            1 => CaseFile::default(),
            _ => {
                // Stayed: the return-only items are gone, the rest remains.
                let mut f = return_case();
                put(
                    &mut f,
                    Section::Decision,
                    &[
                        ("decision.choice", "stay"),
                        ("decision.on", "2026-11-02"),
                        ("decision.free_and_informed", "on"),
                    ],
                );
                f
            }
        }
    }

    proptest! {
        #[test]
        fn any_readable_sections_validate_and_show_nothing_else(
            readable in prop::sample::subsequence(Section::ALL.to_vec(), 0..=Section::ALL.len()),
            which in 0u8..3,
        ) {
            let f = fixture(which);
            let e = export(&f, &readable);
            let json = to_json(&e);
            let errors = violations(&json);
            prop_assert!(errors.is_empty(), "{:?}\n{:#}", errors, json);

            let text = json.to_string();
            let client = readable.contains(&Section::Client);
            prop_assert_eq!(text.contains(ALIAS), client && which != 1);
            prop_assert_eq!(e.subject.alias.is_some(), client && which != 1);
            for (section, mark) in SHARED_MARKS {
                let shown = readable.contains(&section) && which != 1;
                prop_assert_eq!(text.contains(mark), shown, "{} / {:?}", mark, section);
            }
            for mark in NEVER_MARKS {
                prop_assert!(!text.contains(mark), "{}", mark);
            }
            let top = json.as_object().unwrap();
            prop_assert_eq!(top.contains_key("risk"), readable.contains(&Section::Risk));
            prop_assert_eq!(top.contains_key("budget"), readable.contains(&Section::Reintegration));
            // The stage, worked out from several sections, only for a
            // reader of all of them.
            prop_assert_eq!(e.stage == NOT_SHARED, !Derived::Stage.shown_to(&readable));
            for a in &e.activities {
                let section = match a.kind {
                    ActivityKind::TravelStep => Section::Travel,
                    ActivityKind::Milestone => Section::Milestones,
                };
                prop_assert!(readable.contains(&section));
            }
            let expected: Vec<Section> = readable
                .iter()
                .copied()
                .filter(|s| EXPORTABLE.contains(s))
                .collect();
            prop_assert_eq!(&e.sections_included, &expected);
        }
    }
}
