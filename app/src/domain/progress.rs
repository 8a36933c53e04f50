//! Where a case stands: which steps are complete, the stage the status
//! machine allows, and exactly what still blocks a handover. Everything
//! here is computed from the case file and the catalogues; nothing of it
//! is typed in, so it cannot disagree with the sections.

use super::case::Minority;
use super::case_file::{
    CaseFile, ClearedSignOffs, ItemState, ParseContext, RiskRecord, SignOff, Step,
};
use super::case_file::{MilestonePlan, TravelPlan};
use super::fields::{FieldError, Problem};
use super::follow_up;
use super::milestones::{self, Anchor, Milestone, MilestoneStatus, MilestoneTemplate, WorkPlace};
use super::options::{decision_missing, Choice, FutureOption};
use super::plan::{advance, entry_requirements, Missing, PlanFacts, PlanStatus};
use super::policy::Section;
use super::reintegration::{
    summarise_charged, BudgetProblem, BudgetSummary, ClientFacts, PersonKind, Programme,
};
use super::risk::{gate, Gate, GateMissing, RiskLevel, SignOffs};
use super::screening::{screen, IloList, Indicator, ScreeningResult};
use super::travel::{self, StepRefusal, StepStatus, TravelStep, TravelStepTemplate};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// The milestones that record the client's departure.
const DEPARTURE_MILESTONES: [&str; 1] = ["M11"];

/// The work that ticks a milestone off (domain.md §9, issue #15): the
/// step (or screen) where it is recorded, and the sections whether it was
/// done is read from. Milestones without work here are ticked by hand.
pub fn milestone_work(id: &str) -> Option<(WorkPlace, &'static [Section])> {
    use Section::*;
    let step = |s: Step, sections: &'static [Section]| Some((WorkPlace::Step(s), sections));
    match id {
        "M1" => step(Step::FirstContact, &[Client]),
        "M2" => step(Step::Consent, &[Consent]),
        "M3" => step(Step::Identification, &[Screening]),
        "M6" => step(Step::Decision, &[Decision]),
        "M7" => step(Step::Risk, &[Risk]),
        "M7b" => step(Step::Travel, &[Risk, Travel]),
        "M9" => step(Step::Reintegration, &[Reintegration, Travel]),
        "M10" | "M11" | "M12" => step(Step::Travel, &[Travel]),
        // The follow-up contacts, and the first one that gave a score.
        "M16a" | "M16b" | "M16c" | "M16d" | "M17" => Some((WorkPlace::FollowUp, &[Milestones])),
        // Closed as returned and followed up, or at the support period's end.
        "M18" => step(Step::Review, &[]),
        _ => None,
    }
}

/// The follow-up contact (months after arrival) that milestone `id`
/// stands for, as the milestone catalogue dates them (tested against it).
pub fn follow_up_month(id: &str) -> Option<u32> {
    match id {
        "M16a" => Some(1),
        "M16b" => Some(3),
        "M16c" => Some(6),
        "M16d" => Some(12),
        _ => None,
    }
}

/// The longest comment a supervisor's decision may carry.
pub const MAX_APPROVAL_COMMENT: usize = 2_000;

/// What a supervisor decides on a high-risk return.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApprovalDecision {
    Approve,
    Decline,
}

/// Why a supervisor's decision was not taken.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApprovalRefusal {
    /// No high-risk return waits for approval (not asked for, already
    /// decided, or the risks changed the level).
    NotAwaiting,
    /// Declining needs a reason the counsellor can act on.
    CommentRequired,
    CommentTooLong,
    /// Nothing to ask for: no high-risk return needs a supervisor's
    /// approval, or the request is with them already.
    NotNeeded,
}

/// The reference data the computations use, with their versions.
#[derive(Clone, Copy, Debug)]
pub struct Catalogues<'a> {
    pub milestones: &'a [MilestoneTemplate],
    pub milestones_version: &'a str,
    pub travel_steps: &'a [TravelStepTemplate],
    pub travel_version: &'a str,
    pub programmes: &'a [Programme],
    pub programmes_version: &'a str,
    /// The EU/EEA countries, for programmes' eligibility.
    pub eu_eea: &'a [String],
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepState {
    /// Nothing entered yet.
    Empty,
    /// Something entered, not yet enough.
    Started,
    Complete,
    /// Does not apply to this case (a return-track step before return was
    /// chosen).
    NotApplicable,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    pub steps: Vec<(Step, StepState)>,
    /// The furthest status the machine allows from the file as it is.
    pub stage: PlanStatus,
    pub return_track: bool,
    /// Everything missing before the plan can be handed over (empty: it
    /// is ready).
    pub handover_missing: Vec<Missing>,
    pub risk_level: Option<RiskLevel>,
    pub next_milestone: Option<Milestone>,
    /// An IOM mission holds the plan (an active handover).
    pub handed_over: bool,
}

impl Progress {
    /// Ready to be handed over, and not handed over yet.
    pub fn ready_for_handover(&self) -> bool {
        self.return_track && self.handover_missing.is_empty() && !self.handed_over
    }

    pub fn state(&self, step: Step) -> StepState {
        self.steps
            .iter()
            .find(|(s, _)| *s == step)
            .map(|(_, st)| *st)
            .unwrap_or(StepState::Empty)
    }
}

impl RiskRecord {
    /// Carries the sign-offs of this (stored) record over to `new`, the
    /// risk section as a save parsed it. They hold for the assessment they
    /// were given for: a change to the risks clears the supervisor's
    /// decision and the origin partner's confirmation, and notes which
    /// were cleared so that the counsellor asks again. The partner and the
    /// confirmation are recorded apart from the risk form: a save without
    /// them keeps them; one with a new confirmation date confirms the
    /// assessment it saves (not before it was made). Whether a request for
    /// approval made before still stands is returned (not once an approval
    /// it led to was cleared: the counsellor asks again).
    pub fn settle_sign_offs(
        &self,
        new: &mut RiskRecord,
        today: NaiveDate,
    ) -> Result<bool, Vec<Problem>> {
        let changed = new.assessment != self.assessment;
        if new.origin_partner.trim().is_empty() {
            new.origin_partner = self.origin_partner.clone();
        }
        // A date the record does not hold yet is a confirmation now.
        let confirmed_now = new
            .origin_confirmed_on
            .filter(|on| Some(*on) != self.origin_confirmed_on);
        if let Some(on) = confirmed_now {
            let error = match &new.assessment {
                None => Some(FieldError::BeforeAssessment),
                Some(a) if on < a.assessed_on => Some(FieldError::BeforeAssessment),
                Some(_) if new.origin_partner.trim().is_empty() => {
                    return Err(vec![Problem {
                        field: "risk.origin_partner".into(),
                        error: FieldError::Required,
                    }]);
                }
                Some(_) => None,
            };
            if let Some(error) = error {
                return Err(vec![Problem {
                    field: "risk.origin_confirmed_on".into(),
                    error,
                }]);
            }
        }
        new.cleared = self.cleared.clone();
        if !changed {
            new.supervisor_approval = self.supervisor_approval.clone();
            new.supervisor_refusal = self.supervisor_refusal.clone();
            new.origin_confirmed_on = confirmed_now.or(self.origin_confirmed_on);
            return Ok(true);
        }
        new.origin_confirmed_on = confirmed_now;
        let approval = self.supervisor_approval.is_some();
        let origin = self.origin_confirmed_on.is_some() && confirmed_now.is_none();
        if approval || origin {
            let before = self.cleared.as_ref();
            new.cleared = Some(ClearedSignOffs {
                on: today,
                approval: approval || before.is_some_and(|c| c.approval),
                origin: origin || before.is_some_and(|c| c.origin),
            });
        }
        Ok(!approval)
    }

    /// The sign-offs a change to the risks cleared that are not given
    /// again yet: (the supervisor's approval, the origin partner's
    /// confirmation), with the day of the change.
    pub fn still_cleared(&self) -> Option<(NaiveDate, bool, bool)> {
        let c = self.cleared.as_ref()?;
        let approval = c.approval && self.supervisor_approval.is_none();
        let origin = c.origin && self.origin_confirmed_on.is_none();
        (approval || origin).then_some((c.on, approval, origin))
    }
}

impl CaseFile {
    /// Minor, adult or unclear on `day`, as far as the first contact says.
    pub fn minority(&self, day: NaiveDate) -> Minority {
        self.first_contact.client.birth.minority_on(day)
    }

    /// The day of the identification screening: the last day an indicator
    /// was noted (today while none is).
    pub fn screened_on(&self, today: NaiveDate) -> NaiveDate {
        self.screening
            .observations
            .iter()
            .map(|o| o.noted_on)
            .max()
            .unwrap_or(today)
    }

    /// The ILO list the screening is judged with: the form of exploitation
    /// chosen, for the client's age on the day of screening (a possible
    /// minor by the child list, never by the adult rule).
    pub fn screening_list(&self, today: NaiveDate) -> IloList {
        let day = self.screened_on(today);
        self.screening.list.for_client(self.minority(day))
    }

    /// The identification screening's result, with the list that fits the
    /// client (see [`CaseFile::screening_list`]).
    pub fn screening_result(
        &self,
        indicators: &[Indicator],
        catalogue_version: &str,
        today: NaiveDate,
    ) -> ScreeningResult {
        screen(
            self.screening_list(today),
            indicators,
            catalogue_version,
            &self.screening.observations,
        )
    }

    /// Minor, adult or unclear on the day of the decision (today while
    /// there is none): a child's decision needs a best-interests
    /// determination even once the child has turned 18.
    pub fn minority_at_decision(&self, today: NaiveDate) -> Minority {
        let day = self
            .decision
            .decision
            .as_ref()
            .map_or(today, |d| d.decided_on);
        self.minority(day)
    }

    /// The client chose return.
    pub fn return_track(&self) -> bool {
        self.decision
            .decision
            .as_ref()
            .is_some_and(|d| d.choice == Choice::Option(FutureOption::Return))
    }

    /// The risk gate as it stands on `today` (`None`: no assessment).
    pub fn gate(&self, today: NaiveDate) -> Option<Gate> {
        let r = &self.risk;
        let a = r.assessment.as_ref()?;
        let sign_offs = SignOffs {
            supervisor_approved: r.supervisor_approval.is_some(),
            origin_partner_confirmed: r.origin_confirmed_on.is_some(),
        };
        Some(gate(a, sign_offs, today, r.last_threat_on))
    }

    /// The currency of the chosen programme (the euro until one is chosen).
    pub fn currency(&self, programmes: &[Programme]) -> crate::domain::Currency {
        self.reintegration
            .programme_id
            .as_deref()
            .and_then(|id| programmes.iter().find(|p| p.id == id))
            .map(|p| p.currency)
            .unwrap_or(crate::domain::Currency::EUR)
    }

    /// The budget checked against the chosen programme, on the planned
    /// departure (or today).
    pub fn budget(&self, cats: &Catalogues, today: NaiveDate) -> Option<BudgetSummary> {
        let r = &self.reintegration;
        let id = r.programme_id.as_deref()?;
        let programme = cats.programmes.iter().find(|p| p.id == id)?;
        let on = self.travel.planned_departure.unwrap_or(today);
        let facts = self.client_facts(cats.eu_eea);
        let eligible = |p: &Programme, s: &mut BudgetSummary| {
            s.problems.extend(
                p.eligibility
                    .refusals(&facts)
                    .into_iter()
                    .map(BudgetProblem::NotEligible),
            );
        };
        // Each line is charged to one programme: the plan's, unless it
        // names the one combined with it.
        let mut summary = summarise_charged(
            programme,
            cats.programmes_version,
            &r.household,
            &r.lines,
            on,
            |l| l.programme.is_none(),
        );
        eligible(programme, &mut summary);
        let combined = r
            .combined_programme_id
            .as_deref()
            .map(|c| cats.programmes.iter().find(|p| p.id == c));
        if let Some(found) = combined {
            match found.filter(|c| programme.combines_with.contains(&c.id)) {
                Some(c) => {
                    let mut part = summarise_charged(
                        c,
                        cats.programmes_version,
                        &r.household,
                        &r.lines,
                        on,
                        |l| l.programme.as_deref() == Some(c.id.as_str()),
                    );
                    eligible(c, &mut part);
                    summary.combined.push(part);
                }
                None => summary.problems.push(BudgetProblem::NotCombinable),
            }
        }
        let in_plan =
            |p: &str| r.combined_programme_id.as_deref() == Some(p) && !summary.combined.is_empty();
        let stray: Vec<BudgetProblem> = r
            .lines
            .iter()
            .enumerate()
            .filter(|(_, l)| l.programme.as_deref().is_some_and(|p| !in_plan(p)))
            .map(|(line, _)| BudgetProblem::LineProgrammeNotInPlan { line })
            .collect();
        summary.problems.extend(stray);
        // The first member of the household is the client, of the age
        // the client's facts give on the departure day (an age that is
        // unclear is not judged here).
        let client = self.reintegration.household.first().copied();
        match (self.minority(on), client) {
            (Minority::Minor, Some(PersonKind::Adult)) => summary
                .problems
                .push(BudgetProblem::ClientAgeDisagrees { minor: true }),
            (
                Minority::Adult,
                Some(PersonKind::MinorWithFamily | PersonKind::UnaccompaniedMinor),
            ) => summary
                .problems
                .push(BudgetProblem::ClientAgeDisagrees { minor: false }),
            _ => {}
        }
        summary.problems.extend(self.household_disagreements(on));
        Some(summary)
    }

    /// Where the budget's household disagrees with the client's facts:
    /// once those list the family members returning with the client, the
    /// household is the client and them, in that order, each of the age
    /// their birth year gives on `on` (an age that is unclear or unknown
    /// is not judged).
    fn household_disagreements(&self, on: NaiveDate) -> Vec<BudgetProblem> {
        let dependants = &self.first_contact.client.dependants;
        let household = &self.reintegration.household;
        if dependants.is_empty() || household.is_empty() {
            return Vec::new();
        }
        if household.len() != dependants.len() + 1 {
            return vec![BudgetProblem::HouseholdDisagrees {
                recorded: household.len(),
                facts: dependants.len() + 1,
            }];
        }
        dependants
            .iter()
            .zip(&household[1..])
            .enumerate()
            .filter_map(|(i, (d, kind))| {
                let minor = match (d.birth.minority_on(on), kind) {
                    (Minority::Minor, PersonKind::Adult) => true,
                    (
                        Minority::Adult,
                        PersonKind::MinorWithFamily | PersonKind::UnaccompaniedMinor,
                    ) => false,
                    _ => return None,
                };
                Some(BudgetProblem::DependantAgeDisagrees {
                    person: i + 2,
                    minor,
                })
            })
            .collect()
    }

    /// Whether the budget is checked against a cap or cash limit the
    /// catalogue does not know (domain.md §7.2: not a blank cheque).
    pub fn budget_cap_unknown(&self, cats: &Catalogues, today: NaiveDate) -> bool {
        self.budget(cats, today).is_some_and(|b| {
            b.all_problems().any(|p| {
                matches!(
                    p,
                    BudgetProblem::CapUnknown { .. } | BudgetProblem::CashLimitUnknown { .. }
                )
            })
        })
    }

    /// A supervisor accepted the budget exactly as it stands.
    pub fn budget_accepted(&self) -> bool {
        let r = &self.reintegration;
        r.cap_acceptance.as_ref().is_some_and(|a| {
            a.programme_id == r.programme_id
                && a.combined_programme_id == r.combined_programme_id
                && a.household == r.household
                && a.lines == r.lines
        })
    }

    /// A supervisor accepts the budget as it stands, though a cap it is
    /// checked against is unknown (`by`, a user id, on `today`, saying
    /// why). Refused when nothing needs accepting (no unknown cap, or
    /// accepted as it stands already), without a comment, or with one too
    /// long; the file is then unchanged.
    pub fn accept_budget(
        &mut self,
        cats: &Catalogues,
        by: &str,
        comment: &str,
        today: NaiveDate,
    ) -> Result<(), ApprovalRefusal> {
        if !self.budget_cap_unknown(cats, today) || self.budget_accepted() {
            return Err(ApprovalRefusal::NotNeeded);
        }
        let comment = comment.trim();
        if comment.is_empty() {
            return Err(ApprovalRefusal::CommentRequired);
        }
        if comment.chars().count() > MAX_APPROVAL_COMMENT {
            return Err(ApprovalRefusal::CommentTooLong);
        }
        let r = &mut self.reintegration;
        r.cap_acceptance = Some(super::case_file::CapAcceptance {
            by: by.to_string(),
            on: today,
            comment: comment.to_string(),
            programme_id: r.programme_id.clone(),
            combined_programme_id: r.combined_programme_id.clone(),
            household: r.household.clone(),
            lines: r.lines.clone(),
        });
        Ok(())
    }

    /// What programmes' eligibility is judged on: the client's
    /// nationality and trafficking status.
    pub fn client_facts<'a>(&'a self, eu_eea: &'a [String]) -> ClientFacts<'a> {
        use super::screening::TraffickingStatus;
        ClientFacts {
            nationality: self.first_contact.client.nationality.as_deref(),
            victim: matches!(
                self.first_contact.trafficking.status,
                TraffickingStatus::PossibleVictim | TraffickingStatus::Identified { .. }
            ),
            eu_eea,
        }
    }

    /// The programmes the client may get on the planned departure date
    /// (today while none is planned): valid then, and eligible.
    pub fn eligible_programmes<'a>(
        &self,
        cats: &Catalogues<'a>,
        today: NaiveDate,
    ) -> Vec<&'a Programme> {
        let on = self.travel.planned_departure.unwrap_or(today);
        let facts = self.client_facts(cats.eu_eea);
        cats.programmes
            .iter()
            .filter(|p| p.valid_on(on) && p.eligibility.refusals(&facts).is_empty())
            .collect()
    }

    pub fn anchors(&self) -> milestones::Anchors {
        milestones::Anchors {
            first_contact: self.first_contact.first_contact_on,
            decision: self
                .decision
                .decision
                .as_ref()
                .filter(|d| matches!(d.choice, Choice::Option(_)))
                .map(|d| d.decided_on),
            planned_departure: self.travel.planned_departure,
            // The follow-ups after return are dated from the confirmed arrival.
            arrival: self.arrived_on(),
        }
    }

    /// The plan's milestones: from the templates and the anchor dates,
    /// with what was recorded by hand on top.
    pub fn milestones(&self, cats: &Catalogues) -> Vec<Milestone> {
        let mut list = milestones::generate(
            cats.milestones,
            cats.milestones_version,
            &self.anchors(),
            self.return_track(),
        );
        for m in &mut list {
            if let Some(ItemState {
                status,
                due,
                evidence,
            }) = self.milestones.items.get(&m.template_id)
            {
                m.status = status.clone();
                m.evidence = evidence.clone();
                if due.is_some() {
                    m.due = *due;
                    m.due_edited = true;
                } else if status.is_settled() {
                    if let Some(kept) = self.milestones.settled_due.get(&m.template_id) {
                        m.due = Some(*kept);
                    }
                }
            } else if let Some(on) = self.work_done(&m.template_id) {
                // Not recorded by hand: ticked by the work that fulfils it.
                m.status = MilestoneStatus::Done { on };
                m.by_work = milestone_work(&m.template_id).map(|(place, _)| place);
            }
        }
        list
    }

    /// The milestones as a reader of `readable` may see them: one whose
    /// ticking by the work is worked out from a section they may not read
    /// (and not recorded by hand) says so, instead of looking open.
    pub fn milestones_for(&self, cats: &Catalogues, readable: &[Section]) -> Vec<Milestone> {
        let mut list = self.milestones(cats);
        for m in &mut list {
            let hand = self.milestones.items.contains_key(&m.template_id);
            let hidden = milestone_work(&m.template_id)
                .is_some_and(|(_, sources)| !sources.iter().all(|s| readable.contains(s)));
            if !hand && hidden {
                m.status = MilestoneStatus::Pending;
                m.by_work = None;
                m.work_not_shared = true;
            }
        }
        list
    }

    /// The day the work that fulfils milestone `id` was done, if it was
    /// (see [`milestone_work`]).
    fn work_done(&self, id: &str) -> Option<NaiveDate> {
        match id {
            "M1" => self.first_contact.first_contact_on,
            "M2" => self
                .consent
                .records
                .iter()
                .filter(|c| c.purpose == crate::domain::consent::Purpose::StoreData)
                .map(|c| c.given_at.date_naive())
                .min(),
            // A judgement on the indicators noted (dated by the last one).
            "M3" => self
                .screening
                .judgement
                .as_ref()
                .and(self.screening.observations.iter().map(|o| o.noted_on).max()),
            "M6" => self.decision.decision.as_ref().map(|d| d.decided_on),
            // The gate passed on the day of the assessment's last sign-off.
            "M7" => {
                let r = &self.risk;
                let a = r.assessment.as_ref()?;
                let day = [
                    Some(a.assessed_on),
                    r.supervisor_approval.as_ref().map(|s| s.on),
                    r.origin_confirmed_on,
                ]
                .into_iter()
                .flatten()
                .max()?;
                self.gate_passed_on(day).then_some(day)
            }
            // Departed with the assessment still valid that day.
            "M7b" => {
                let day = self.done_on(&["T10"], &[])?;
                self.gate_passed_on(day).then_some(day)
            }
            "M9" => self
                .reintegration
                .registered_on
                .or_else(|| self.done_on(&["T5"], &[])),
            "M10" => self.done_on(&["T4"], &[]),
            "M11" => self.done_on(&["T10"], &[]),
            "M12" => self.done_on(&["T12", "T13"], &[]),
            "M16a" | "M16b" | "M16c" | "M16d" => {
                let month = follow_up_month(id)?;
                self.milestones
                    .follow_ups
                    .iter()
                    .find(|c| c.month == month)
                    .map(|c| c.on)
            }
            // The baseline survey: the first contact whose answers gave
            // a score over every dimension.
            "M17" => self
                .milestones
                .follow_ups
                .iter()
                .filter(|c| c.score.composite.is_some())
                .map(|c| c.on)
                .min(),
            "M18" => match self.lifecycle.state() {
                super::lifecycle::LifeState::Closed {
                    reason:
                        super::plan::ClosureReason::PlanCompleted
                        | super::plan::ClosureReason::SupportPeriodEnded,
                    on,
                } => Some(on),
                _ => None,
            },
            _ => None,
        }
    }

    /// The due dates to keep with the milestones `new` (a save of the
    /// section): a milestone settled before keeps the date it was given
    /// then; one settled by this save keeps the date it has now (by hand,
    /// or counted from the anchors); an open one keeps none, and follows
    /// the anchors again.
    pub fn settled_dates(&self, new: &MilestonePlan) -> BTreeMap<String, NaiveDate> {
        let now: BTreeMap<String, NaiveDate> = self
            .milestones(&crate::catalog::planning())
            .into_iter()
            .filter_map(|m| Some((m.template_id, m.due?)))
            .collect();
        new.items
            .iter()
            .filter(|(_, item)| item.status.is_settled())
            .filter_map(|(id, _)| {
                let before = self
                    .milestones
                    .items
                    .get(id)
                    .filter(|old| old.status.is_settled())
                    .and_then(|_| self.milestones.settled_due.get(id));
                Some((id.clone(), *before.or_else(|| now.get(id))?))
            })
            .collect()
    }

    /// Leaves out what is computed from sections outside `readable`: the
    /// milestones' kept dates were counted from the first contact, the
    /// decision and the departure, so a reader who may not read those gets
    /// none (as the milestones' dates are not shown to them).
    pub fn forget_derived_unless(&mut self, readable: &[Section]) {
        if !crate::domain::derived::Derived::Milestones.shown_to(readable) {
            self.milestones.settled_due.clear();
        }
    }

    /// The travel checklist with what was recorded on each step.
    pub fn travel_steps(&self, cats: &Catalogues) -> Vec<TravelStep> {
        let mut list = travel::checklist(cats.travel_steps, cats.travel_version);
        for s in &mut list {
            if let Some(item) = self.travel.steps.get(&s.template_id) {
                s.status = item.status.clone();
                s.due = item.due;
                s.evidence = item.evidence.clone();
            }
        }
        list
    }

    /// The travel steps `new` moves that the checklist does not allow
    /// (`travel::may_set`): a gated step waits for the risk gate, done
    /// needs its evidence, blocked or set aside its reason. Judged on every
    /// save of the section, whoever saves; a step left as it was is not
    /// judged again (the gate may have closed since it moved).
    pub fn travel_moves_refused(&self, new: &TravelPlan, today: NaiveDate) -> Vec<Problem> {
        let catalogue = crate::catalog::travel_steps();
        let gate_passed =
            self.return_track() && self.gate(self.gate_day(today)) == Some(Gate::Passed);
        // A gated step done on a past day (a departure recorded after
        // the fact) needs the gate passed on that day; one done after the
        // departure (transit, arrival) was judged when the client left.
        let departed = match new.steps.get("T10").map(|s| &s.status) {
            Some(StepStatus::Done { on }) => Some(*on),
            _ => self.done_on(&[], &DEPARTURE_MILESTONES),
        };
        let passed_on = |day: NaiveDate| {
            let day = departed.map_or(day, |d| day.min(d));
            self.return_track() && self.gate_passed_on(day)
        };
        let mut problems = Vec::new();
        for (id, item) in &new.steps {
            let unchanged = self
                .travel
                .steps
                .get(id)
                .is_some_and(|b| b.status == item.status && b.evidence == item.evidence);
            let Some(template) = catalogue.steps.iter().find(|t| t.id == *id) else {
                continue;
            };
            if unchanged {
                continue;
            }
            let mut step =
                travel::checklist(std::slice::from_ref(template), &catalogue.info.version)
                    .remove(0);
            step.evidence = item.evidence.clone();
            let (gate_passed, refusal_at) = match item.status {
                StepStatus::Done { on } if template.gated => {
                    (passed_on(on), ("done_on", FieldError::GateNotPassedThatDay))
                }
                _ => (gate_passed, ("status", FieldError::GateNotPassed)),
            };
            if let Err(refusal) = travel::may_set(&step, &item.status, gate_passed) {
                let (field, error) = match refusal {
                    StepRefusal::RiskGateNotPassed => refusal_at,
                    StepRefusal::EvidenceRequired => ("evidence", FieldError::Required),
                    StepRefusal::ReasonRequired => ("reason", FieldError::Required),
                };
                problems.push(Problem {
                    field: format!("step.{id}.{field}"),
                    error,
                });
            }
        }
        problems
    }

    /// Whether the risk gate was passed on `day` by the assessment as it
    /// stands: made by then and not stale then (threats known by then
    /// counted), its sign-offs given by then. A day before the
    /// assessment, or before its approval, did not pass.
    pub fn gate_passed_on(&self, day: NaiveDate) -> bool {
        let r = &self.risk;
        let Some(a) = r.assessment.as_ref() else {
            return false;
        };
        if a.assessed_on > day {
            return false;
        }
        let sign_offs = SignOffs {
            supervisor_approved: r.supervisor_approval.as_ref().is_some_and(|s| s.on <= day),
            origin_partner_confirmed: r.origin_confirmed_on.is_some_and(|d| d <= day),
        };
        gate(a, sign_offs, day, r.last_threat_on.filter(|t| *t <= day)) == Gate::Passed
    }

    /// The departure milestone a save marks done on a day the gate had not
    /// passed (the same rule as the departure step).
    pub fn milestone_moves_refused(&self, new: &MilestonePlan) -> Vec<Problem> {
        let mut problems = Vec::new();
        for (id, item) in &new.items {
            if !DEPARTURE_MILESTONES.contains(&id.as_str()) {
                continue;
            }
            let MilestoneStatus::Done { on } = item.status else {
                continue;
            };
            let unchanged = self
                .milestones
                .items
                .get(id)
                .is_some_and(|b| b.status == item.status);
            let passed = self.return_track() && self.gate_passed_on(on);
            if !unchanged && !passed {
                problems.push(Problem {
                    field: format!("ms.{id}.done_on"),
                    error: FieldError::GateNotPassedThatDay,
                });
            }
        }
        problems
    }

    fn section_is_default(&self, section: Section) -> bool {
        self.section_json(section) == CaseFile::default().section_json(section)
    }

    /// Whether a section holds all a handover needs from it.
    pub fn section_complete(
        &self,
        section: Section,
        cats: &Catalogues,
        now: DateTime<Utc>,
    ) -> bool {
        let today = now.date_naive();
        match section {
            Section::Client => {
                let fc = &self.first_contact;
                fc.first_contact_on.is_some() && fc.client.problems(today).is_empty()
            }
            Section::Consent => super::consent::may_store(&self.consent.records, now),
            Section::Screening => self.screening.judgement.is_some(),
            Section::Options => self.options.notes.iter().all(|n| {
                n.feasibility != super::options::Feasibility::Unknown
                    || !n.wishes.is_empty()
                    || !n.fears.is_empty()
                    || !n.information_given.is_empty()
            }),
            Section::Decision => {
                self.decision.decision.as_ref().is_some_and(|d| {
                    decision_missing(d, self.minority_at_decision(today)).is_empty()
                })
            }
            Section::Risk => self.gate(self.gate_day(today)) == Some(Gate::Passed),
            Section::Reintegration => {
                let r = &self.reintegration;
                !r.household.is_empty()
                    && !r.lines.is_empty()
                    && self.budget(cats, today).is_some_and(|b| {
                        b.all_problems().all(|p| {
                            matches!(
                                p,
                                BudgetProblem::CapUnknown { .. }
                                    | BudgetProblem::CashLimitUnknown { .. }
                            )
                        })
                    })
            }
            Section::Travel => {
                let t = &self.travel;
                t.mission_id.is_some() && t.destination.is_some() && t.planned_departure.is_some()
            }
            Section::Milestones => {
                let anchors = self.anchors();
                self.milestones(cats).iter().all(|m| {
                    m.due.is_some()
                        || cats
                            .milestones
                            .iter()
                            .find(|t| t.id == m.template_id)
                            .is_some_and(|t| {
                                t.anchor == Anchor::Arrival
                                    || (t.anchor == Anchor::PlannedDeparture
                                        && anchors.planned_departure.is_none()
                                        && !self.return_track())
                            })
                })
            }
        }
    }

    /// Where the case stands on `now`.
    pub fn progress(&self, cats: &Catalogues, now: DateTime<Utc>) -> Progress {
        let return_track = self.return_track();
        let complete: BTreeSet<Section> = Section::ALL
            .into_iter()
            .filter(|s| self.section_complete(*s, cats, now))
            .collect();
        let steps = Step::ALL
            .into_iter()
            .map(|step| {
                let state = match step.section() {
                    _ if step.return_track_only() && !return_track => StepState::NotApplicable,
                    None => {
                        if return_track && self.handover_missing(cats, now, &complete).is_empty() {
                            StepState::Complete
                        } else {
                            StepState::Started
                        }
                    }
                    Some(s) if complete.contains(&s) => StepState::Complete,
                    Some(s) if self.section_is_default(s) => StepState::Empty,
                    Some(_) => StepState::Started,
                };
                (step, state)
            })
            .collect();
        let milestones = self.milestones(cats);
        // A plan that ended (closed, or the client withdrew) has nothing
        // coming up.
        let ended = matches!(
            self.lifecycle.state(),
            super::lifecycle::LifeState::Closed { .. }
                | super::lifecycle::LifeState::Withdrawn { .. }
        );
        let next_milestone = milestones
            .iter()
            .filter(|m| !ended && !m.status.is_settled() && m.due.is_some())
            .min_by_key(|m| m.due)
            .cloned();
        Progress {
            steps,
            stage: self.lifecycle.over(self.stage(cats, now, &complete)),
            return_track,
            handover_missing: self.handover_missing(cats, now, &complete),
            risk_level: self.risk.assessment.as_ref().map(|a| a.overall()),
            next_milestone,
            handed_over: self.handed_over_to.is_some(),
        }
    }

    fn facts<'a>(&'a self, now: DateTime<Utc>, complete: &BTreeSet<Section>) -> PlanFacts<'a> {
        let today = now.date_naive();
        let gate_day = self.gate_day(today);
        PlanFacts {
            now,
            consents: &self.consent.records,
            decision: self.decision.decision.as_ref(),
            minority: self.minority_at_decision(today),
            risk_gate: self.gate(gate_day),
            complete_sections: complete.clone(),
            travel_document_ready: self.done(&["T4"], &["M10"]),
            reintegration_registered: self.reintegration.registered_on.is_some()
                || self.done(&["T5"], &["M9"]),
            departure_confirmed: self.departed_on().is_some(),
            arrival_confirmed: self.arrived_on().is_some(),
        }
    }

    /// Whether any of these travel steps or milestones is done.
    fn done(&self, travel: &[&str], milestones: &[&str]) -> bool {
        self.done_on(travel, milestones).is_some()
    }

    /// The earliest day any of these travel steps or milestones was done.
    pub fn done_on(&self, travel: &[&str], milestones: &[&str]) -> Option<NaiveDate> {
        let steps = travel
            .iter()
            .filter_map(|id| match self.travel.steps.get(*id) {
                Some(ItemState {
                    status: StepStatus::Done { on },
                    ..
                }) => Some(*on),
                _ => None,
            });
        let items = milestones
            .iter()
            .filter_map(|id| match self.milestones.items.get(*id) {
                Some(ItemState {
                    status: MilestoneStatus::Done { on },
                    ..
                }) => Some(*on),
                _ => None,
            });
        steps.chain(items).min()
    }

    /// The day the risk gate is judged on: today, or once the client has
    /// left, the day of departure (an assessment does not go stale after
    /// the return it was made for).
    pub fn gate_day(&self, today: NaiveDate) -> NaiveDate {
        self.departed_on().map_or(today, |d| d.min(today))
    }

    /// The day the client left (departure step or milestone done).
    pub fn departed_on(&self) -> Option<NaiveDate> {
        self.done_on(&["T10"], &DEPARTURE_MILESTONES)
    }

    /// The follow-up contacts after return (domain.md §7.3): one per month
    /// of `months` counted from the confirmed arrival, each with what was
    /// recorded; none before the arrival is confirmed.
    pub fn follow_up_schedule(&self, months: &[u32]) -> Vec<follow_up::ScheduledContact> {
        follow_up::schedule(self.arrived_on(), months, &self.milestones.follow_ups)
    }

    /// The first scheduled follow-up contact not recorded yet.
    pub fn next_follow_up(&self, months: &[u32]) -> Option<follow_up::ScheduledContact> {
        self.follow_up_schedule(months)
            .into_iter()
            .find(|c| c.contact.is_none())
    }

    /// The score of the latest contact whose answers gave one over every
    /// dimension.
    pub fn latest_score(&self) -> Option<&follow_up::RssScore> {
        self.milestones
            .follow_ups
            .iter()
            .filter(|c| c.score.composite.is_some())
            .max_by_key(|c| (c.on, c.month))
            .map(|c| &c.score)
    }

    /// Records a follow-up contact from its form's fields (see
    /// [`follow_up::ContactForm`]), scored with `model`, by user `by` on
    /// `today`; the contact's milestone is then ticked by it. Refused with
    /// every field's problem, and the file unchanged.
    pub fn record_follow_up(
        &mut self,
        fields: &super::fields::Fields,
        model: &follow_up::RssModel,
        months: &[u32],
        by: &str,
        today: NaiveDate,
    ) -> Result<u32, Vec<Problem>> {
        let contact = follow_up::ContactForm {
            model,
            months,
            arrival: self.arrived_on(),
            recorded: &self.milestones.follow_ups,
            recorded_by: by,
            today,
        }
        .read(fields)?;
        let month = contact.month;
        self.milestones.follow_ups.push(contact);
        self.milestones.follow_ups.sort_by_key(|c| c.month);
        Ok(month)
    }

    /// The day the client's arrival was confirmed.
    pub fn arrived_on(&self) -> Option<NaiveDate> {
        self.done_on(&["T12", "T13"], &["M12"])
    }

    /// A high-risk return whose assessment waits for a supervisor's
    /// approval the counsellor asked for.
    pub fn awaiting_approval(&self, today: NaiveDate) -> bool {
        self.return_track()
            && self.risk.approval_requested_on.is_some()
            && matches!(self.gate(today), Some(Gate::Blocked(m)) if m.contains(&GateMissing::SupervisorApproval))
    }

    /// The partner in origin confirmed the mitigations of the assessment as
    /// it stands (domain.md §6.3), on `on` (a date as typed): recorded by
    /// the counsellor with the partner's name. Refused with the fields'
    /// problems (no name or date, a date in the future, before the
    /// assessment or with no assessment to confirm); the file is then
    /// unchanged.
    pub fn confirm_origin(
        &mut self,
        partner: &str,
        on: &str,
        cx: &ParseContext,
    ) -> Result<(), Vec<Problem>> {
        let mut problems = Vec::new();
        for (field, value) in [
            ("risk.origin_partner", partner),
            ("risk.origin_confirmed_on", on),
        ] {
            if value.trim().is_empty() {
                problems.push(Problem {
                    field: field.into(),
                    error: FieldError::Required,
                });
            }
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        let mut fields = self.fields(Section::Risk);
        fields.insert("risk.origin_partner".into(), partner.into());
        fields.insert("risk.origin_confirmed_on".into(), on.into());
        self.apply(Section::Risk, &fields, cx)
    }

    /// The counsellor asks the organisation's supervisors to approve a
    /// high-risk return (domain.md §6.3): who asked (`by`, a user id) and
    /// when are recorded. Refused when nothing needs their approval or the
    /// request is with them already; the file is then unchanged.
    pub fn request_approval(&mut self, by: &str, today: NaiveDate) -> Result<(), ApprovalRefusal> {
        let needed = self.return_track()
            && matches!(self.gate(today), Some(Gate::Blocked(m)) if m.contains(&GateMissing::SupervisorApproval));
        if !needed || self.awaiting_approval(today) {
            return Err(ApprovalRefusal::NotNeeded);
        }
        self.risk.approval_requested_on = Some(today);
        self.risk.approval_requested_by = Some(by.to_string());
        Ok(())
    }

    /// A supervisor's decision on a high-risk return waiting for approval
    /// (domain.md §6.3): approving signs off exactly this assessment;
    /// declining says why (the comment is required) and closes the
    /// request, so that the counsellor changes the plan and asks again.
    /// On a refusal the file is unchanged.
    pub fn decide_approval(
        &mut self,
        decision: ApprovalDecision,
        by: &str,
        comment: &str,
        today: NaiveDate,
    ) -> Result<(), ApprovalRefusal> {
        if !self.awaiting_approval(today) {
            return Err(ApprovalRefusal::NotAwaiting);
        }
        let comment = comment.trim();
        if comment.chars().count() > MAX_APPROVAL_COMMENT {
            return Err(ApprovalRefusal::CommentTooLong);
        }
        let sign_off = SignOff {
            by: by.to_string(),
            on: today,
            comment: comment.to_string(),
        };
        match decision {
            ApprovalDecision::Approve => {
                self.risk.supervisor_approval = Some(sign_off);
                self.risk.supervisor_refusal = None;
            }
            ApprovalDecision::Decline => {
                if comment.is_empty() {
                    return Err(ApprovalRefusal::CommentRequired);
                }
                self.risk.supervisor_refusal = Some(sign_off);
                self.risk.approval_requested_on = None;
                self.risk.approval_requested_by = None;
            }
        }
        Ok(())
    }

    fn handover_missing(
        &self,
        cats: &Catalogues,
        now: DateTime<Utc>,
        complete: &BTreeSet<Section>,
    ) -> Vec<Missing> {
        let mut missing = self.handover_missing_in_machine(now, complete);
        // A budget against an unknown cap goes to the mission only once a
        // supervisor has accepted it as it stands.
        if self.budget_cap_unknown(cats, now.date_naive()) && !self.budget_accepted() {
            missing.push(Missing::BudgetNotAccepted);
        }
        missing
    }

    fn handover_missing_in_machine(
        &self,
        now: DateTime<Utc>,
        complete: &BTreeSet<Section>,
    ) -> Vec<Missing> {
        let facts = self.facts(now, complete);
        match &self.travel.mission_id {
            Some(mission_id) => entry_requirements(
                &PlanStatus::HandedOver {
                    mission_id: mission_id.clone(),
                },
                &facts,
            ),
            None => {
                let mut m = entry_requirements(&PlanStatus::ApprovedForReturn, &facts);
                m.push(Missing::MissionNotChosen);
                m.extend(
                    super::plan::HANDOVER_SECTIONS
                        .into_iter()
                        .filter(|s| !complete.contains(s))
                        .map(|section| Missing::SectionIncomplete { section }),
                );
                m
            }
        }
    }

    /// The stage the plan's work has reached (its status without its
    /// pauses, withdrawal or closure), and the facts the machine checks,
    /// as they stand at `now` (the organisation's wall clock): what a move
    /// of the plan's life is judged on.
    pub fn worked_stage(
        &self,
        cats: &Catalogues,
        now: DateTime<Utc>,
    ) -> (PlanStatus, PlanFacts<'_>) {
        let complete: BTreeSet<Section> = Section::ALL
            .into_iter()
            .filter(|s| self.section_complete(*s, cats, now))
            .collect();
        let stage = self.stage(cats, now, &complete);
        (stage, self.facts(now, &complete))
    }

    /// Records a move of the plan's life (put on hold, resumed, withdrawn,
    /// reopened, closed) on `on` with `note`, judged on the plan's work as
    /// it stands at `now` (the organisation's wall clock); the plan began
    /// on its first contact. On a refusal nothing changes.
    #[allow(clippy::too_many_arguments)]
    pub fn record_life_move(
        &mut self,
        cats: &Catalogues,
        kind: super::lifecycle::LifeMove,
        on: &str,
        note: &str,
        by: &str,
        now: DateTime<Utc>,
        at: DateTime<Utc>,
    ) -> Result<(), Vec<super::lifecycle::LifeProblem>> {
        let mut life = self.lifecycle.clone();
        let start = self.first_contact.first_contact_on;
        {
            let (worked, facts) = self.worked_stage(cats, now);
            life.record(kind, on, note, by, at, &worked, &facts, start)?;
        }
        self.lifecycle = life;
        Ok(())
    }

    /// Walks the status machine as far as the file allows.
    fn stage(
        &self,
        _cats: &Catalogues,
        now: DateTime<Utc>,
        complete: &BTreeSet<Section>,
    ) -> PlanStatus {
        let facts = self.facts(now, complete);
        let mut status = PlanStatus::Draft;
        let step = |status: &mut PlanStatus, to: PlanStatus| match advance(status, to, &facts) {
            Ok(next) => {
                *status = next;
                true
            }
            Err(_) => false,
        };
        if !step(&mut status, PlanStatus::OptionsOpen) || !step(&mut status, PlanStatus::Decided) {
            return status;
        }
        let option = match self.decision.decision.as_ref().map(|d| d.choice) {
            Some(Choice::Option(o)) => o,
            _ => return status,
        };
        match option {
            FutureOption::Stay => {
                step(&mut status, PlanStatus::StayTrack);
            }
            FutureOption::Onward => {
                step(&mut status, PlanStatus::OnwardTrack);
            }
            FutureOption::Return => {
                if step(&mut status, PlanStatus::RiskAssessed)
                    && !step(&mut status, PlanStatus::ApprovedForReturn)
                {
                    step(&mut status, PlanStatus::NoGoHighRisk);
                }
            }
        }
        // After the handover, the travel steps and milestones the mission
        // and its partners record carry the plan on: booked (T8), departed,
        // arrived, reintegration (final plan, M13), monitoring (a follow-up
        // contact recorded on its screen, or M16a–d ticked by hand).
        let Some(mission_id) = &self.handed_over_to else {
            return status;
        };
        if status != PlanStatus::ApprovedForReturn
            || !step(
                &mut status,
                PlanStatus::HandedOver {
                    mission_id: mission_id.clone(),
                },
            )
        {
            return status;
        }
        let _ = self.done(&["T8"], &[])
            && step(&mut status, PlanStatus::TravelBooked)
            && step(&mut status, PlanStatus::Departed)
            && step(&mut status, PlanStatus::Arrived)
            && self.done(&[], &["M13"])
            && step(&mut status, PlanStatus::Reintegration)
            && (self.done(&[], &["M16a", "M16b", "M16c", "M16d"])
                || !self.milestones.follow_ups.is_empty())
            && step(&mut status, PlanStatus::Monitoring);
        status
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::case_file::ParseContext;
    use crate::domain::fields::Fields;
    use crate::domain::money::Currency;
    use crate::domain::plan::Missing;

    const MISSION: &str = "org-iom-nl";

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-20T10:00:00Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    fn cx() -> ParseContext<'static> {
        ParseContext {
            today: now().date_naive(),
            user_id: "u-counsellor",
            currency: Currency::EUR,
        }
    }

    fn fields(pairs: &[(&str, &str)]) -> Fields {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn put(file: &mut CaseFile, section: Section, pairs: &[(&str, &str)]) {
        file.apply(section, &fields(pairs), &cx())
            .unwrap_or_else(|p| panic!("{section:?}: {p:?}"));
    }

    /// A return case filled in as a counsellor would, step by step.
    fn return_case() -> CaseFile {
        let mut f = CaseFile::default();
        put(
            &mut f,
            Section::Client,
            &[
                ("client.alias", "Rosa"),
                ("client.birth", "year"),
                ("client.birth_year", "1994"),
                ("client.nationality", "ng"),
                ("contact.on", "2026-10-01"),
                ("safety.danger", "no"),
                ("safety.medical", "unknown"),
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
            &[("screening.judgement", "signs_present")],
        );
        put(
            &mut f,
            Section::Options,
            &[
                ("option.stay.feasibility", "difficult"),
                ("option.onward.feasibility", "not_feasible"),
                ("option.return.wishes", "Back to her mother in Benin City"),
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
                ("risk.0.description", "Debt to the recruiter's family"),
                ("risk.0.likelihood", "2"),
                ("risk.0.severity", "2"),
                ("risk.0.mitigation", "mit-other-region"),
            ],
        );
        put(
            &mut f,
            Section::Reintegration,
            &[
                ("reint.programme", "nl-2025-reintegration"),
                ("person.0.kind", "adult"),
                ("line.0.category", "economic"),
                ("line.0.description", "Sewing machine and stock"),
                ("line.0.amount", "1500"),
                ("line.0.form", "in_kind"),
                ("line.0.person", "0"),
            ],
        );
        put(
            &mut f,
            Section::Travel,
            &[
                ("travel.mission", MISSION),
                ("travel.destination", "NG"),
                ("travel.departure", "2027-01-15"),
            ],
        );
        f
    }

    #[test]
    fn a_complete_return_case_is_ready_for_handover() {
        let p = return_case().progress(&crate::catalog::planning(), now());
        assert_eq!(p.handover_missing, vec![]);
        assert!(p.ready_for_handover());
        assert_eq!(p.stage, PlanStatus::ApprovedForReturn);
        assert_eq!(p.risk_level, Some(RiskLevel::Medium));
        assert_eq!(p.state(Step::Review), StepState::Complete);
        let next = p.next_milestone.expect("dated milestones");
        assert!(next.due.is_some());
    }

    #[test]
    fn after_the_handover_the_missions_records_carry_the_plan_on() {
        let cats = crate::catalog::planning();
        let mut f = return_case();
        f.handed_over_to = Some(MISSION.into());
        let p = f.progress(&cats, now());
        assert_eq!(
            p.stage,
            PlanStatus::HandedOver {
                mission_id: MISSION.into()
            }
        );
        assert!(!p.ready_for_handover(), "already handed over");
        assert!(p.handed_over);
        // Booking alone is not "travel booked": the travel document is missing.
        put(
            &mut f,
            Section::Travel,
            &[
                ("travel.mission", MISSION),
                ("travel.destination", "NG"),
                ("travel.departure", "2027-01-15"),
                ("step.T8.status", "done"),
                ("step.T8.evidence", "Flight KL587"),
            ],
        );
        assert_eq!(f.progress(&cats, now()).stage.slug(), "handed_over");
        let mut travel = vec![
            ("travel.mission", MISSION),
            ("travel.destination", "NG"),
            ("travel.departure", "2027-01-15"),
            ("step.T8.status", "done"),
            ("step.T8.evidence", "Flight KL587"),
            ("step.T4.status", "done"),
            ("step.T4.evidence", "Laissez-passer LP-1"),
        ];
        put(&mut f, Section::Travel, &travel);
        // Nor without the registration for reintegration support (T5).
        assert_eq!(f.progress(&cats, now()).stage.slug(), "handed_over");
        travel.push(("step.T5.status", "done"));
        travel.push(("step.T5.evidence", "Registered with the partner"));
        put(&mut f, Section::Travel, &travel);
        assert_eq!(f.progress(&cats, now()).stage.slug(), "travel_booked");
        travel.push(("step.T10.status", "done"));
        travel.push(("step.T10.evidence", "Left from Schiphol"));
        put(&mut f, Section::Travel, &travel);
        assert_eq!(f.progress(&cats, now()).stage.slug(), "departed");
        put(&mut f, Section::Milestones, &[("ms.M12.status", "done")]);
        assert_eq!(f.progress(&cats, now()).stage.slug(), "arrived");
        put(
            &mut f,
            Section::Milestones,
            &[("ms.M12.status", "done"), ("ms.M13.status", "done")],
        );
        assert_eq!(f.progress(&cats, now()).stage.slug(), "reintegration");
        put(
            &mut f,
            Section::Milestones,
            &[
                ("ms.M12.status", "done"),
                ("ms.M13.status", "done"),
                ("ms.M16a.status", "done"),
            ],
        );
        assert_eq!(f.progress(&cats, now()).stage.slug(), "monitoring");
        // Months later the assessment is old, but it was fresh when she
        // left: the plan stays where it is.
        let later = now() + chrono::Duration::days(90);
        assert_eq!(f.progress(&cats, later).stage.slug(), "monitoring");
        // The follow-ups are dated from the arrival.
        let arrival_dated = f
            .milestones(&cats)
            .into_iter()
            .find(|m| m.template_id == "M16a")
            .and_then(|m| m.due);
        assert!(
            arrival_dated.is_some(),
            "follow-up after 1 month has a date"
        );
        // Without the handover none of it counts: the plan is approved.
        f.handed_over_to = None;
        assert_eq!(
            f.progress(&cats, now()).stage,
            PlanStatus::ApprovedForReturn
        );
    }

    /// Each figure of `domain::derived`, as a reader would see it.
    fn figure(d: crate::domain::derived::Derived, f: &CaseFile) -> String {
        use crate::domain::derived::Derived;
        let cats = crate::catalog::planning();
        let today = now().date_naive();
        match d {
            Derived::Screening => {
                let ilo = crate::catalog::ilo();
                format!(
                    "{:?}",
                    f.screening_result(&ilo.indicators, &ilo.info.version, today)
                )
            }
            Derived::DecisionMissing => format!(
                "{:?}",
                f.decision
                    .decision
                    .as_ref()
                    .map(|d| crate::domain::options::decision_missing(
                        d,
                        f.minority_at_decision(today)
                    ))
            ),
            Derived::RiskLevel => format!(
                "{:?}",
                f.risk.assessment.as_ref().map(|a| (
                    a.overall(),
                    a.risks.iter().map(|r| r.risk_level()).collect::<Vec<_>>()
                ))
            ),
            Derived::RiskGate => format!("{:?}", f.gate(today)),
            Derived::Budget => format!("{:?}", f.budget(&cats, today)),
            // As shown to a reader of exactly its sources.
            Derived::Milestones => format!("{:?}", f.milestones_for(&cats, d.sources())),
            Derived::Stage => {
                let p = f.progress(&cats, now());
                format!(
                    "{:?} {:?} {}",
                    p.stage,
                    p.handover_missing,
                    p.ready_for_handover()
                )
            }
            Derived::StepState(step) => format!("{:?}", f.progress(&cats, now()).state(step)),
        }
    }

    /// The plans the soundness check runs on: a new one, a return ready for
    /// handover, one carried on by the mission, a possible minor's.
    fn plans() -> Vec<CaseFile> {
        let mut carried = return_case();
        carried.handed_over_to = Some(MISSION.into());
        put(
            &mut carried,
            Section::Travel,
            &[
                ("travel.mission", MISSION),
                ("travel.destination", "NG"),
                ("travel.departure", "2026-11-15"),
                ("step.T4.status", "done"),
                ("step.T4.evidence", "Laissez-passer LP-1"),
                ("step.T5.status", "done"),
                ("step.T5.evidence", "Registered with the partner"),
                ("step.T8.status", "done"),
                ("step.T8.evidence", "Flight KL587"),
                ("step.T10.status", "done"),
                ("step.T10.evidence", "Left from Schiphol"),
            ],
        );
        put(
            &mut carried,
            Section::Milestones,
            &[("ms.M12.status", "done"), ("ms.M13.status", "done")],
        );
        let mut minor = return_case();
        put(
            &mut minor,
            Section::Client,
            &[
                ("client.alias", "Ada"),
                ("client.birth", "year"),
                ("client.birth_year", "2010"),
                ("contact.on", "2026-10-01"),
                ("safety.danger", "no"),
                ("safety.medical", "no"),
            ],
        );
        put(
            &mut minor,
            Section::Screening,
            &[("screening.list", "adult_labour"), ("obs.d1-wages", "on")],
        );
        // A budget whose programme depends on the client's facts (the EU
        // programme for victims, for a Polish possible victim).
        let mut eu_victim = return_case();
        let mut client = eu_victim.fields(Section::Client);
        client.insert("client.nationality".into(), "PL".into());
        client.insert("trafficking.status".into(), "possible_victim".into());
        eu_victim.apply(Section::Client, &client, &cx()).unwrap();
        let mut reint = eu_victim.fields(Section::Reintegration);
        reint.insert("reint.programme".into(), "nl-vot-eu-in-kind".into());
        eu_victim
            .apply(Section::Reintegration, &reint, &cx())
            .unwrap();
        vec![
            CaseFile::default(),
            return_case(),
            carried,
            minor,
            high_risk_case(),
            eu_victim,
        ]
    }

    /// A milestone the work fulfils is ticked by that work, with the step
    /// that did it; the hand wins (an explicit "pending" unticks it),
    /// and left blank it follows the work again (issue #15, item 5).
    #[test]
    fn milestones_follow_the_work_and_the_hand_wins() {
        let cats = crate::catalog::planning();
        let state = |f: &CaseFile, id: &str| {
            f.milestones(&cats)
                .into_iter()
                .find(|m| m.template_id == id)
                .map(|m| {
                    let step = match m.by_work {
                        Some(WorkPlace::Step(s)) => Some(s),
                        _ => None,
                    };
                    (m.status, step)
                })
                .unwrap()
        };
        let mut f = return_case();
        let first = f.first_contact.first_contact_on.unwrap();
        assert_eq!(
            state(&f, "M1"),
            (
                MilestoneStatus::Done { on: first },
                Some(Step::FirstContact)
            )
        );
        assert!(matches!(
            state(&f, "M2"),
            (MilestoneStatus::Done { .. }, Some(Step::Consent))
        ));
        let decided = f.decision.decision.as_ref().unwrap().decided_on;
        assert_eq!(
            state(&f, "M6"),
            (MilestoneStatus::Done { on: decided }, Some(Step::Decision))
        );
        assert!(matches!(
            state(&f, "M7"),
            (MilestoneStatus::Done { .. }, Some(Step::Risk))
        ));
        assert_eq!(state(&f, "M10"), (MilestoneStatus::Pending, None));
        assert_eq!(
            state(&f, "M16a"),
            (MilestoneStatus::Pending, None),
            "by hand only"
        );
        // The travel document: the travel step ticks its milestone.
        let today = now().date_naive().to_string();
        let mut travel = f.fields(Section::Travel);
        travel.insert("step.T4.status".into(), "done".into());
        travel.insert("step.T4.done_on".into(), today.clone());
        travel.insert("step.T4.evidence".into(), "Issued".into());
        f.apply(Section::Travel, &travel, &cx()).unwrap();
        assert_eq!(
            state(&f, "M10"),
            (
                MilestoneStatus::Done {
                    on: now().date_naive()
                },
                Some(Step::Travel)
            )
        );
        // Unticked by hand: the hand wins, and survives its own form.
        put(&mut f, Section::Milestones, &[("ms.M7.status", "pending")]);
        assert_eq!(state(&f, "M7"), (MilestoneStatus::Pending, None));
        let again = f.fields(Section::Milestones);
        assert_eq!(
            again.get("ms.M7.status").map(String::as_str),
            Some("pending")
        );
        put(&mut f, Section::Milestones, &[("ms.M7.status", "")]);
        assert!(matches!(
            state(&f, "M7"),
            (MilestoneStatus::Done { .. }, Some(Step::Risk))
        ));
        // An untouched "pending" of a milestone only the hand ticks is not
        // stored (nothing was said).
        put(&mut f, Section::Milestones, &[("ms.M13.status", "pending")]);
        assert!(f.milestones.items.is_empty());
        // Whether it is done is not told to a reader of the milestones who
        // may not read the section it is worked out from.
        let shown = f.milestones_for(&cats, &[Section::Milestones, Section::Travel]);
        let m2 = shown.iter().find(|m| m.template_id == "M2").unwrap();
        assert!(
            m2.work_not_shared && m2.status == MilestoneStatus::Pending && m2.by_work.is_none()
        );
        let m10 = shown.iter().find(|m| m.template_id == "M10").unwrap();
        assert_eq!(
            m10.by_work,
            Some(WorkPlace::Step(Step::Travel)),
            "read from the travel section"
        );
        // A plan closed as returned and followed up ticks off its closure.
        assert_eq!(
            milestone_work("M18").map(|(s, _)| s),
            Some(WorkPlace::Step(Step::Review))
        );
    }

    /// The household's first member is the client, as old as the client's
    /// facts say on the departure day: a minor recorded as an adult, or an
    /// adult as a minor, is an error that keeps the budget step open.
    /// Once the client's facts list the family members returning with
    /// the client, the budget's household is the client and them, each
    /// of the age their birth year gives on the departure day (issue #15,
    /// item 3); a year not known is not judged.
    #[test]
    fn the_household_is_the_client_and_the_family_returning_with_them() {
        use chrono::Datelike;
        let cats = crate::catalog::planning();
        let today = now().date_naive();
        let mut f = return_case();
        // What the household is found to disagree with (a minor's cap
        // may be unknown besides: another problem).
        let problems = |f: &CaseFile| -> Vec<BudgetProblem> {
            f.budget(&cats, today)
                .unwrap()
                .problems
                .into_iter()
                .filter(|p| {
                    matches!(
                        p,
                        BudgetProblem::HouseholdDisagrees { .. }
                            | BudgetProblem::DependantAgeDisagrees { .. }
                    )
                })
                .collect()
        };
        assert!(problems(&f).is_empty(), "no family listed: nothing judged");
        let year = f.travel.planned_departure.unwrap().year();
        let mut client = f.fields(Section::Client);
        for (k, v) in [
            ("dependant.0.relation", "child".to_string()),
            ("dependant.0.birth_year", (year - 6).to_string()),
            ("dependant.1.relation", "partner".to_string()),
            ("dependant.1.birth_year", (year - 30).to_string()),
        ] {
            client.insert(k.into(), v);
        }
        f.apply(Section::Client, &client, &cx()).unwrap();
        assert_eq!(f.first_contact.client.dependants.len(), 2);
        assert_eq!(f.fields(Section::Client), client, "written back as entered");
        assert_eq!(
            problems(&f),
            vec![BudgetProblem::HouseholdDisagrees {
                recorded: 1,
                facts: 3
            }]
        );
        let mut reint = f.fields(Section::Reintegration);
        reint.insert("person.1.kind".into(), "adult".into());
        reint.insert("person.2.kind".into(), "minor_with_family".into());
        f.apply(Section::Reintegration, &reint, &cx()).unwrap();
        assert_eq!(
            problems(&f),
            vec![
                BudgetProblem::DependantAgeDisagrees {
                    person: 2,
                    minor: true
                },
                BudgetProblem::DependantAgeDisagrees {
                    person: 3,
                    minor: false
                },
            ]
        );
        assert!(!f.section_complete(Section::Reintegration, &cats, now()));
        reint.insert("person.1.kind".into(), "minor_with_family".into());
        reint.insert("person.2.kind".into(), "adult".into());
        f.apply(Section::Reintegration, &reint, &cx()).unwrap();
        assert!(problems(&f).is_empty());
        // A year that is not known is not judged.
        client.remove("dependant.0.birth_year");
        f.apply(Section::Client, &client, &cx()).unwrap();
        reint.insert("person.1.kind".into(), "adult".into());
        f.apply(Section::Reintegration, &reint, &cx()).unwrap();
        assert!(problems(&f).is_empty());
        // A family member needs a relation; a year ahead is refused.
        let before = f.clone();
        let mut bad = client.clone();
        bad.insert("dependant.2.birth_year".into(), "1990".into());
        bad.insert(
            "dependant.1.birth_year".into(),
            (today.year() + 1).to_string(),
        );
        let refused: Vec<(String, FieldError)> = f
            .apply(Section::Client, &bad, &cx())
            .unwrap_err()
            .into_iter()
            .map(|p| (p.field, p.error))
            .collect();
        assert_eq!(
            refused,
            vec![
                ("dependant.1.birth_year".to_string(), FieldError::Number),
                ("dependant.2.relation".to_string(), FieldError::Required),
            ]
        );
        assert_eq!(f, before);
    }

    /// The REAN cash allowance beside in-kind support (issue #15, item 3):
    /// each line is charged to one programme and checked against that
    /// programme's caps and cash limit only; a programme not meant to be
    /// combined, or one the client cannot get, is refused; a line charged
    /// to a programme the plan does not use counts against none.
    #[test]
    fn a_plan_combines_programmes_meant_to_combine_each_line_charged_to_one() {
        let cats = crate::catalog::planning();
        let today = now().date_naive();
        let dec = |s: &str| rust_decimal::Decimal::from_str_exact(s).unwrap();
        let mut f = return_case();
        let mut reint = f.fields(Section::Reintegration);
        for (k, v) in [
            ("reint.combined_programme", "rean-vot-allowance"),
            ("line.1.category", "immediate"),
            ("line.1.description", "Return allowance"),
            ("line.1.amount", "200"),
            ("line.1.form", "cash"),
            ("line.1.person", "0"),
            ("line.1.programme", "rean-vot-allowance"),
        ] {
            reint.insert(k.into(), v.into());
        }
        // The allowance is for victims of trafficking only.
        let refused = f.apply(Section::Reintegration, &reint, &cx()).unwrap_err();
        assert_eq!(refused[0].field, "reint.combined_programme");
        assert_eq!(refused[0].error, FieldError::NotEligible);
        let mut client = f.fields(Section::Client);
        client.insert("trafficking.status".into(), "possible_victim".into());
        f.apply(Section::Client, &client, &cx()).unwrap();
        f.apply(Section::Reintegration, &reint, &cx()).unwrap();
        assert_eq!(
            f.fields(Section::Reintegration).get("line.1.programme"),
            Some(&"rean-vot-allowance".to_string()),
            "kept through the form"
        );
        let b = f.budget(&cats, today).unwrap();
        assert_eq!(
            b.total,
            dec("1500"),
            "the in-kind line on the plan's programme"
        );
        assert_eq!(b.problems, vec![]);
        assert_eq!(b.combined.len(), 1);
        assert_eq!(b.combined[0].programme_id, "rean-vot-allowance");
        assert_eq!(b.combined[0].total, dec("200"));
        assert_eq!(b.combined[0].problems, vec![]);
        assert_eq!(b.grand_total(), dec("1700"));
        assert!(f.section_complete(Section::Reintegration, &cats, now()));
        // Over the allowance: counted against it, not the in-kind budget.
        reint.insert("line.1.amount".into(), "250".into());
        f.apply(Section::Reintegration, &reint, &cx()).unwrap();
        let b = f.budget(&cats, today).unwrap();
        assert_eq!(b.problems, vec![]);
        assert!(b.combined[0]
            .problems
            .contains(&BudgetProblem::CashOverLimit {
                person: 0,
                excess: dec("50")
            }));
        assert!(!f.section_complete(Section::Reintegration, &cats, now()));
        // The same cash on the in-kind programme breaks its own rule.
        reint.insert("line.1.amount".into(), "200".into());
        reint.insert("line.1.programme".into(), String::new());
        f.apply(Section::Reintegration, &reint, &cx()).unwrap();
        let b = f.budget(&cats, today).unwrap();
        assert!(b.problems.contains(&BudgetProblem::CashOverLimit {
            person: 0,
            excess: dec("200")
        }));
        assert_eq!(b.combined[0].total, dec("0"));
        // A line charged to a programme the plan does not use.
        reint.insert("line.1.programme".into(), "avrr-nl-2017".into());
        f.apply(Section::Reintegration, &reint, &cx()).unwrap();
        let b = f.budget(&cats, today).unwrap();
        assert!(b
            .problems
            .contains(&BudgetProblem::LineProgrammeNotInPlan { line: 1 }));
        assert_eq!(b.grand_total(), dec("1500"), "counted against none");
        // Two in-kind programmes are not meant to be combined: refused
        // when chosen, and flagged if a plan holds them.
        reint.insert("reint.combined_programme".into(), "avrr-nl-2017".into());
        let refused = f.apply(Section::Reintegration, &reint, &cx()).unwrap_err();
        assert_eq!(refused[0].error, FieldError::NotCombinable);
        reint.insert(
            "reint.combined_programme".into(),
            "no-such-programme".into(),
        );
        let refused = f.apply(Section::Reintegration, &reint, &cx()).unwrap_err();
        assert_eq!(refused[0].error, FieldError::NotCombinable);
        f.reintegration.combined_programme_id = Some("avrr-nl-2017".into());
        let b = f.budget(&cats, today).unwrap();
        assert!(b.problems.contains(&BudgetProblem::NotCombinable));
        assert!(b.combined.is_empty());
        assert!(!f.section_complete(Section::Reintegration, &cats, now()));
        // Choosing the plan's own programme again is no second programme.
        reint.insert(
            "reint.combined_programme".into(),
            "nl-2025-reintegration".into(),
        );
        f.apply(Section::Reintegration, &reint, &cx()).unwrap();
        assert_eq!(f.reintegration.combined_programme_id, None);
    }

    #[test]
    fn the_client_in_the_household_is_as_old_as_the_client() {
        use chrono::Datelike;
        let cats = crate::catalog::planning();
        let today = now().date_naive();
        let mut f = return_case();
        let problems = |f: &CaseFile| f.budget(&cats, today).unwrap().problems;
        assert!(problems(&f).is_empty());
        let mut reint = f.fields(Section::Reintegration);
        reint.insert("person.0.kind".into(), "unaccompanied_minor".into());
        f.apply(Section::Reintegration, &reint, &cx()).unwrap();
        assert_eq!(
            problems(&f),
            vec![BudgetProblem::ClientAgeDisagrees { minor: false }]
        );
        assert!(!f.section_complete(Section::Reintegration, &cats, now()));
        // A client born fifteen years ago recorded as an adult.
        let mut client = f.fields(Section::Client);
        client.insert("client.birth".into(), "year".into());
        client.insert("client.birth_year".into(), (today.year() - 15).to_string());
        f.apply(Section::Client, &client, &cx()).unwrap();
        assert!(problems(&f).is_empty(), "{:?}", problems(&f));
        reint.insert("person.0.kind".into(), "adult".into());
        f.apply(Section::Reintegration, &reint, &cx()).unwrap();
        assert!(problems(&f).contains(&BudgetProblem::ClientAgeDisagrees { minor: true }));
        // An age that is unclear is not judged here.
        client.insert("client.birth".into(), "unknown".into());
        f.apply(Section::Client, &client, &cx()).unwrap();
        assert!(!problems(&f)
            .iter()
            .any(|p| matches!(p, BudgetProblem::ClientAgeDisagrees { .. })));
    }

    /// A budget checked against a cap the catalogue does not know is not
    /// a blank cheque: the handover needs a supervisor's acceptance of the
    /// budget exactly as it stands (issue #15, item 3).
    #[test]
    fn a_budget_against_an_unknown_cap_needs_a_supervisors_acceptance() {
        let cats = crate::catalog::planning();
        let today = now().date_naive();
        let mut f = return_case();
        assert!(!f.budget_cap_unknown(&cats, today));
        assert!(f.progress(&cats, now()).handover_missing.is_empty());
        assert_eq!(
            f.accept_budget(&cats, "u-sup", "fine", today),
            Err(ApprovalRefusal::NotNeeded),
            "nothing to accept"
        );
        // She returns with her child: the programme's cap for a minor with
        // the family is not known.
        let mut reint = f.fields(Section::Reintegration);
        reint.insert("person.1.kind".into(), "minor_with_family".into());
        reint.insert("line.1.category".into(), "social".into());
        reint.insert("line.1.description".into(), "School fees".into());
        reint.insert("line.1.amount".into(), "900".into());
        reint.insert("line.1.form".into(), "in_kind".into());
        reint.insert("line.1.person".into(), "1".into());
        f.apply(Section::Reintegration, &reint, &cx()).unwrap();
        assert!(f.budget_cap_unknown(&cats, today));
        assert_eq!(
            f.progress(&cats, now()).handover_missing,
            vec![Missing::BudgetNotAccepted]
        );
        let before = f.clone();
        assert_eq!(
            f.accept_budget(&cats, "u-sup", "  ", today),
            Err(ApprovalRefusal::CommentRequired)
        );
        let long = "x".repeat(MAX_APPROVAL_COMMENT + 1);
        assert_eq!(
            f.accept_budget(&cats, "u-sup", &long, today),
            Err(ApprovalRefusal::CommentTooLong)
        );
        assert_eq!(f, before, "a refusal changes nothing");
        f.accept_budget(&cats, "u-sup", "School fees as quoted by the school", today)
            .unwrap();
        assert!(f.budget_accepted());
        assert!(f.progress(&cats, now()).handover_missing.is_empty());
        assert_eq!(
            f.accept_budget(&cats, "u-sup", "again", today),
            Err(ApprovalRefusal::NotNeeded),
            "accepted as it stands already"
        );
        // Saved again unchanged, the acceptance holds; any change to the
        // budget makes it another budget, to be accepted again.
        let same = f.fields(Section::Reintegration);
        f.apply(Section::Reintegration, &same, &cx()).unwrap();
        assert!(f.budget_accepted());
        let mut more = f.fields(Section::Reintegration);
        more.insert("line.1.amount".into(), "1900".into());
        f.apply(Section::Reintegration, &more, &cx()).unwrap();
        assert!(!f.budget_accepted());
        assert!(f.reintegration.cap_acceptance.is_some(), "kept as history");
        assert_eq!(
            f.progress(&cats, now()).handover_missing,
            vec![Missing::BudgetNotAccepted]
        );
    }

    /// A figure never changes when a section outside its sources is
    /// blanked: what a reader is shown is computed from what they may read.
    #[test]
    fn every_figure_is_computed_from_its_sources_only() {
        use crate::domain::derived::Derived;
        let figures: Vec<Derived> = Derived::all().collect();
        let blank = CaseFile::default();
        for (i, plan) in plans().iter().enumerate() {
            for d in &figures {
                let whole = figure(*d, plan);
                for s in Section::ALL
                    .into_iter()
                    .filter(|s| !d.sources().contains(s))
                {
                    let mut f = plan.clone();
                    f.load_section(s, &blank.section_json(s)).unwrap();
                    assert_eq!(
                        figure(*d, &f),
                        whole,
                        "plan {i}: {d:?} changes when {s:?} is not shared"
                    );
                }
            }
        }
    }

    #[test]
    fn each_gap_is_named() {
        let cats = crate::catalog::planning();
        let mut f = return_case();
        put(&mut f, Section::Travel, &[("travel.destination", "NG")]);
        let p = f.progress(&cats, now());
        assert!(p.handover_missing.contains(&Missing::MissionNotChosen));
        assert!(p.handover_missing.contains(&Missing::SectionIncomplete {
            section: Section::Travel
        }));
        assert!(!p.ready_for_handover());

        // An unmitigated medium risk blocks the gate, and says which.
        let mut f = return_case();
        put(
            &mut f,
            Section::Risk,
            &[
                ("risk.assessed_on", "2026-11-10"),
                ("risk.0.description", "Stigma in the village"),
                ("risk.0.likelihood", "2"),
                ("risk.0.severity", "2"),
            ],
        );
        let p = f.progress(&cats, now());
        assert_eq!(p.stage, PlanStatus::RiskAssessed);
        assert!(p.handover_missing.contains(&Missing::Risk {
            what: crate::domain::risk::GateMissing::MediumRiskWithoutMitigation("R1".into())
        }));

        // Over the programme's cap: the budget section is not complete.
        let mut f = return_case();
        put(
            &mut f,
            Section::Reintegration,
            &[
                ("reint.programme", "nl-2025-reintegration"),
                ("person.0.kind", "adult"),
                ("line.0.category", "economic"),
                ("line.0.amount", "2500"),
                ("line.0.person", "0"),
            ],
        );
        assert!(f
            .progress(&cats, now())
            .handover_missing
            .contains(&Missing::SectionIncomplete {
                section: Section::Reintegration
            }));
    }

    #[test]
    fn return_steps_do_not_apply_until_return_is_chosen() {
        let cats = crate::catalog::planning();
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
        let p = f.progress(&cats, now());
        assert_eq!(p.stage, PlanStatus::StayTrack);
        for step in [Step::Risk, Step::Reintegration, Step::Travel] {
            assert_eq!(p.state(step), StepState::NotApplicable, "{step:?}");
        }
        assert!(!p.ready_for_handover());
        assert_eq!(p.state(Step::Decision), StepState::Complete);
    }

    #[test]
    fn a_new_case_is_a_draft_with_everything_to_do() {
        let p = CaseFile::default().progress(&crate::catalog::planning(), now());
        assert_eq!(p.stage, PlanStatus::Draft);
        assert_eq!(p.state(Step::FirstContact), StepState::Empty);
        assert_eq!(p.state(Step::Options), StepState::Empty);
        assert!(p.handover_missing.contains(&Missing::ConsentToStore));
        assert!(p.handover_missing.contains(&Missing::NoDecision));
    }

    #[test]
    fn a_possible_minor_needs_a_best_interests_determination() {
        let mut f = return_case();
        put(
            &mut f,
            Section::Client,
            &[
                ("client.alias", "Rosa"),
                ("client.birth", "age_band"),
                ("client.age_from", "16"),
                ("client.age_to", "19"),
                ("client.age_assessed_on", "2026-10-01"),
                ("contact.on", "2026-10-01"),
            ],
        );
        let p = f.progress(&crate::catalog::planning(), now());
        assert_eq!(p.state(Step::Decision), StepState::Started);
        assert!(p.handover_missing.contains(&Missing::Decision {
            what: crate::domain::options::DecisionMissing::BestInterestsDetermination
        }));
    }

    #[test]
    fn a_childs_decision_needs_a_best_interests_determination_after_the_child_turns_18() {
        // Born 3 November 2008: 17 when the return was decided (2 November
        // 2026), 18 on the day of the check (20 November 2026).
        let mut f = return_case();
        put(
            &mut f,
            Section::Client,
            &[
                ("client.alias", "Rosa"),
                ("client.birth", "date"),
                ("client.birth_date", "2008-11-03"),
                ("contact.on", "2026-10-01"),
            ],
        );
        let today = now().date_naive();
        assert_eq!(f.minority(today), Minority::Adult);
        assert_eq!(f.minority_at_decision(today), Minority::Minor);
        let p = f.progress(&crate::catalog::planning(), now());
        assert!(p.handover_missing.contains(&Missing::Decision {
            what: crate::domain::options::DecisionMissing::BestInterestsDetermination
        }));
        // Born a day earlier: 18 on the day of the decision, nothing missing.
        put(
            &mut f,
            Section::Client,
            &[
                ("client.alias", "Rosa"),
                ("client.birth", "date"),
                ("client.birth_date", "2008-11-02"),
                ("contact.on", "2026-10-01"),
            ],
        );
        assert_eq!(f.minority_at_decision(today), Minority::Adult);
        let p = f.progress(&crate::catalog::planning(), now());
        assert!(!p
            .handover_missing
            .iter()
            .any(|m| matches!(m, Missing::Decision { .. })));
    }

    /// The case with the client's birth as `birth` (fields of the client
    /// section) and the screening's list and observations noted on `on`.
    fn screened(birth: &[(&str, &str)], list: &str, indicators: &[&str], on: &str) -> CaseFile {
        let mut f = return_case();
        let mut client = vec![("client.alias", "Rosa"), ("contact.on", "2026-10-01")];
        client.extend_from_slice(birth);
        put(&mut f, Section::Client, &client);
        let mut screening: Vec<(String, String)> = vec![("screening.list".into(), list.into())];
        for id in indicators {
            screening.push((format!("obs.{id}"), "on".into()));
            screening.push((format!("obs.{id}.on"), on.into()));
        }
        let pairs: Vec<(&str, &str)> = screening
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        put(&mut f, Section::Screening, &pairs);
        f
    }

    /// Ticks saved against one indicator list are flagged once
    /// screenings use another, until saved against it (the list is
    /// recorded in the section and kept through its form); a screening
    /// with no ticks has nothing to go through again.
    #[test]
    fn ticks_saved_against_another_list_are_flagged_until_saved_again() {
        let built_in = &crate::catalog::ilo().info.version;
        let mut f = CaseFile::default();
        assert_eq!(f.screening.saved_against_another_list("v2", built_in), None);
        put(
            &mut f,
            Section::Screening,
            &[("screening.list", "adult_labour"), ("obs.d1-wages", "on")],
        );
        // Saved before lists could be loaded: against the built-in one.
        assert_eq!(f.screening.catalogue, None);
        assert_eq!(
            f.screening.saved_against_another_list(built_in, built_in),
            None
        );
        assert_eq!(
            f.screening.saved_against_another_list("v2", built_in),
            Some(built_in.as_str())
        );
        put(
            &mut f,
            Section::Screening,
            &[
                ("screening.list", "adult_labour"),
                ("obs.d1-wages", "on"),
                ("screening.catalogue", "v2"),
            ],
        );
        assert_eq!(f.screening.saved_against_another_list("v2", built_in), None);
        let fields = f.fields(Section::Screening);
        assert_eq!(
            fields.get("screening.catalogue").map(String::as_str),
            Some("v2")
        );
        assert_eq!(
            f.screening.saved_against_another_list("v3", built_in),
            Some("v2")
        );
    }

    fn verdict_of(
        f: &CaseFile,
    ) -> (
        crate::domain::screening::IloList,
        crate::domain::screening::Verdict,
    ) {
        let ilo = crate::catalog::ilo();
        let r = f.screening_result(&ilo.indicators, &ilo.info.version, now().date_naive());
        (r.list, r.verdict(ilo.info.complete))
    }

    #[test]
    fn a_possible_minor_is_never_judged_by_the_adult_rule() {
        use crate::domain::screening::{IloList, Verdict};
        // Age unclear (16 to 19): the child list for labour exploitation,
        // which the catalogue does not hold: no result either way.
        let band = [
            ("client.birth", "age_band"),
            ("client.age_from", "16"),
            ("client.age_to", "19"),
            ("client.age_assessed_on", "2026-10-01"),
        ];
        let f = screened(&band, "adult_labour", &["d1-nature-of-job"], "2026-10-05");
        assert_eq!(
            verdict_of(&f),
            (IloList::ChildLabour, Verdict::CannotAssess)
        );
        let f = screened(&band, "adult_sexual", &[], "2026-10-05");
        assert_eq!(verdict_of(&f).0, IloList::ChildSexual);
        // Unknown age: a child too.
        let f = screened(
            &[("client.birth", "unknown")],
            "adult_labour",
            &[],
            "2026-10-05",
        );
        assert_eq!(verdict_of(&f).0, IloList::ChildLabour);
        // 17 on the day of screening, 18 today: the child list.
        let born = [
            ("client.birth", "date"),
            ("client.birth_date", "2008-11-01"),
        ];
        let f = screened(&born, "adult_labour", &["d1-nature-of-job"], "2026-10-31");
        assert_eq!(f.minority(now().date_naive()), Minority::Adult);
        assert_eq!(verdict_of(&f).0, IloList::ChildLabour);
        // 18 on the day: the adult list, even if a child list was chosen.
        let f = screened(&born, "child_labour", &["d1-nature-of-job"], "2026-11-01");
        assert_eq!(verdict_of(&f).0, IloList::AdultLabour);
    }

    #[test]
    fn a_negative_from_part_of_a_list_is_not_established() {
        use crate::domain::screening::{IloList, Verdict};
        let ilo = crate::catalog::ilo();
        assert!(
            !ilo.info.complete,
            "the catalogue holds part of the adult labour list"
        );
        assert_eq!(ilo.source_sizes.get(&IloList::AdultLabour), Some(&67));
        let adult = [("client.birth", "year"), ("client.birth_year", "1990")];
        let f = screened(&adult, "adult_labour", &["d1-nature-of-job"], "2026-10-05");
        assert_eq!(
            verdict_of(&f),
            (IloList::AdultLabour, Verdict::NotEstablished)
        );
        let r = f.screening_result(&ilo.indicators, &ilo.info.version, now().date_naive());
        assert_eq!(r.indicators_on_list, 59);
        // Enough of it to find a profile consistent: that is a finding.
        let ids: Vec<&str> = ilo.indicators.iter().map(|i| i.id.as_str()).collect();
        let f = screened(&adult, "adult_labour", &ids, "2026-10-05");
        assert_eq!(verdict_of(&f), (IloList::AdultLabour, Verdict::Consistent));
    }

    proptest::proptest! {
        /// Whatever is observed, a list the catalogue does not hold gives
        /// no result, and an incomplete catalogue never rules trafficking
        /// out.
        #[test]
        fn no_verdict_says_more_than_the_list_it_had(
            picks in proptest::collection::vec(0usize..59, 0..12),
            complete in proptest::bool::ANY,
            list in proptest::sample::select(crate::domain::case_file::LISTS.to_vec()),
        ) {
            use crate::domain::screening::Verdict;
            let ilo = crate::catalog::ilo();
            let observations: Vec<_> = picks
                .iter()
                .map(|i| crate::domain::screening::Observation {
                    indicator_id: ilo.indicators[*i].id.clone(),
                    source: crate::domain::screening::Source::SelfReport,
                    noted_on: now().date_naive(),
                })
                .collect();
            let r = screen(list.1, &ilo.indicators, "v", &observations);
            let v = r.verdict(complete);
            proptest::prop_assert_eq!(v == Verdict::CannotAssess, !r.list_available);
            if !complete {
                proptest::prop_assert!(v != Verdict::NotConsistent);
            }
        }
    }

    #[test]
    fn the_trafficking_status_is_a_persons_decision_with_who_recorded_it() {
        use crate::domain::screening::TraffickingStatus;
        let mut f = return_case();
        assert_eq!(
            f.first_contact.trafficking.status,
            TraffickingStatus::NotAssessed
        );
        let mut client = f.fields(Section::Client);
        client.insert("trafficking.status".into(), "identified".into());
        // An identification names the authority and the day.
        let before = f.clone();
        let problems = f.apply(Section::Client, &client, &cx()).unwrap_err();
        let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["trafficking.authority", "trafficking.on"]);
        assert_eq!(f, before);
        client.insert(
            "trafficking.authority".into(),
            "Police, human trafficking unit".into(),
        );
        client.insert("trafficking.on".into(), "2026-11-21".into());
        let problems = f.apply(Section::Client, &client, &cx()).unwrap_err();
        assert_eq!(problems[0].error, FieldError::Future);
        client.insert("trafficking.on".into(), "2026-11-12".into());
        f.apply(Section::Client, &client, &cx()).unwrap();
        let t = &f.first_contact.trafficking;
        assert_eq!(
            t.status,
            TraffickingStatus::Identified {
                authority: "Police, human trafficking unit".into(),
                on: NaiveDate::from_ymd_opt(2026, 11, 12).unwrap()
            }
        );
        assert_eq!(t.recorded_by.as_deref(), Some("u-counsellor"));
        assert_eq!(t.recorded_on, Some(now().date_naive()));
        // Saved again by someone else, unchanged: still who recorded it.
        let other = ParseContext {
            user_id: "u-other",
            ..cx()
        };
        let same = f.fields(Section::Client);
        f.apply(Section::Client, &same, &other).unwrap();
        assert_eq!(
            f.first_contact.trafficking.recorded_by.as_deref(),
            Some("u-counsellor")
        );
        // Changed: by the one who changed it. The screening's judgement
        // is apart from it.
        let mut client = f.fields(Section::Client);
        client.insert("trafficking.status".into(), "not_a_victim".into());
        f.apply(Section::Client, &client, &other).unwrap();
        assert_eq!(
            f.first_contact.trafficking.status,
            TraffickingStatus::NotAVictim
        );
        assert_eq!(
            f.first_contact.trafficking.recorded_by.as_deref(),
            Some("u-other")
        );
        assert_eq!(
            f.screening.judgement,
            Some(crate::domain::screening::Judgement::SignsPresent)
        );
    }

    #[test]
    fn the_budget_offers_and_takes_only_programmes_the_client_may_get() {
        use crate::domain::reintegration::{BudgetProblem, Ineligible};
        let cats = crate::catalog::planning();
        let today = now().date_naive();
        let ids = |f: &CaseFile| -> Vec<String> {
            f.eligible_programmes(&cats, today)
                .into_iter()
                .map(|p| p.id.clone())
                .collect()
        };
        let set_client = |f: &mut CaseFile, pairs: &[(&str, &str)]| {
            let mut client = f.fields(Section::Client);
            for (k, v) in pairs {
                client.insert(k.to_string(), v.to_string());
            }
            f.apply(Section::Client, &client, &cx()).unwrap();
        };
        let choose = |f: &mut CaseFile, id: &str| {
            let mut reint = f.fields(Section::Reintegration);
            reint.insert("reint.programme".into(), id.into());
            f.apply(Section::Reintegration, &reint, &cx())
        };
        // A Nigerian client, status not assessed, leaving in January 2027.
        let mut f = return_case();
        assert_eq!(ids(&f), ["nl-2025-reintegration"]);
        let before = f.clone();
        assert_eq!(
            choose(&mut f, "nl-vot-eu-in-kind"),
            Err(vec![Problem {
                field: "reint.programme".into(),
                error: FieldError::NotEligible,
            }])
        );
        assert_eq!(f, before, "nothing of the refused save is kept");
        // A possible victim may get the REAN allowance too.
        set_client(&mut f, &[("trafficking.status", "possible_victim")]);
        assert_eq!(ids(&f), ["nl-2025-reintegration", "rean-vot-allowance"]);
        // An EU national who is a victim: the EU programme (€500 in kind).
        set_client(&mut f, &[("client.nationality", "PL")]);
        assert_eq!(
            ids(&f),
            [
                "nl-2025-reintegration",
                "rean-vot-allowance",
                "nl-vot-eu-in-kind"
            ]
        );
        choose(&mut f, "nl-vot-eu-in-kind").unwrap();
        // The facts change after the choice: the budget says why it no
        // longer fits, and saving it as it is stays possible.
        set_client(&mut f, &[("trafficking.status", "not_a_victim")]);
        let budget = f.budget(&cats, today).unwrap();
        assert!(budget
            .problems
            .contains(&BudgetProblem::NotEligible(Ineligible::NotAVictim)));
        let same = f.fields(Section::Reintegration);
        f.apply(Section::Reintegration, &same, &cx()).unwrap();
        assert!(!f.section_complete(Section::Reintegration, &cats, now()));
    }

    /// The return case with one high risk, mitigated, confirmed by the
    /// partner in origin, and the supervisor's approval asked for.
    fn high_risk_case() -> CaseFile {
        let mut f = return_case();
        let mut risk = f.fields(Section::Risk);
        risk.insert("risk.0.likelihood".into(), "3".into());
        risk.insert("risk.0.severity".into(), "3".into());
        risk.insert("risk.origin_partner".into(), "Partner in Benin City".into());
        risk.insert("risk.origin_confirmed_on".into(), "2026-11-12".into());
        risk.insert("risk.approval_requested_on".into(), "2026-11-13".into());
        f.apply(Section::Risk, &risk, &cx()).unwrap();
        f
    }

    #[test]
    fn a_supervisor_approves_a_high_risk_return_and_the_gate_opens() {
        let today = now().date_naive();
        let mut f = high_risk_case();
        assert!(f.awaiting_approval(today));
        assert_eq!(
            f.gate(today),
            Some(Gate::Blocked(vec![GateMissing::SupervisorApproval]))
        );
        f.decide_approval(
            ApprovalDecision::Approve,
            "u-sup",
            "  Escort booked.  ",
            today,
        )
        .unwrap();
        assert_eq!(f.gate(today), Some(Gate::Passed));
        assert!(!f.awaiting_approval(today));
        let s = f.risk.supervisor_approval.clone().unwrap();
        assert_eq!(
            (s.by.as_str(), s.on, s.comment.as_str()),
            ("u-sup", today, "Escort booked.")
        );
        assert_eq!(
            f.decide_approval(ApprovalDecision::Approve, "u-sup", "", today),
            Err(ApprovalRefusal::NotAwaiting),
            "decided once"
        );
    }

    #[test]
    fn declining_needs_a_reason_and_sends_the_plan_back() {
        let today = now().date_naive();
        let mut f = high_risk_case();
        let before = f.clone();
        assert_eq!(
            f.decide_approval(ApprovalDecision::Decline, "u-sup", "   ", today),
            Err(ApprovalRefusal::CommentRequired)
        );
        let long = "x".repeat(MAX_APPROVAL_COMMENT + 1);
        assert_eq!(
            f.decide_approval(ApprovalDecision::Approve, "u-sup", &long, today),
            Err(ApprovalRefusal::CommentTooLong)
        );
        assert_eq!(f, before, "a refused decision changes nothing");
        f.decide_approval(
            ApprovalDecision::Decline,
            "u-sup",
            "No shelter on arrival yet.",
            today,
        )
        .unwrap();
        assert!(!f.awaiting_approval(today), "the request is closed");
        assert_eq!(
            f.gate(today),
            Some(Gate::Blocked(vec![GateMissing::SupervisorApproval]))
        );
        assert_eq!(
            f.risk
                .supervisor_refusal
                .as_ref()
                .map(|s| s.comment.as_str()),
            Some("No shelter on arrival yet.")
        );
        // The counsellor asks again: the refusal stays on record until a
        // supervisor decides anew.
        let mut again = f.fields(Section::Risk);
        again.insert("risk.approval_requested_on".into(), "2026-11-20".into());
        f.apply(Section::Risk, &again, &cx()).unwrap();
        assert!(f.awaiting_approval(today));
        assert!(f.risk.supervisor_refusal.is_some());
        f.decide_approval(ApprovalDecision::Approve, "u-sup", "", today)
            .unwrap();
        assert!(f.risk.supervisor_refusal.is_none());
        assert_eq!(f.gate(today), Some(Gate::Passed));
    }

    #[test]
    fn the_counsellor_asks_for_approval_once_and_who_asked_is_recorded() {
        let today = now().date_naive();
        let mut f = high_risk_case();
        f.risk.approval_requested_on = None;
        assert!(!f.awaiting_approval(today));
        f.request_approval("u-carla", today).unwrap();
        assert!(f.awaiting_approval(today));
        assert_eq!(f.risk.approval_requested_on, Some(today));
        assert_eq!(f.risk.approval_requested_by.as_deref(), Some("u-carla"));
        // Asked already: refused, nothing changes.
        let before = f.clone();
        assert_eq!(
            f.request_approval("u-sam", today),
            Err(ApprovalRefusal::NotNeeded)
        );
        assert_eq!(f, before);
        // A medium risk needs no supervisor.
        let mut medium = return_case();
        assert_eq!(
            medium.request_approval("u-carla", today),
            Err(ApprovalRefusal::NotNeeded)
        );
        assert_eq!(medium.risk.approval_requested_on, None);
        // A form save keeps the request (it is not a form field).
        let fields = f.fields(Section::Risk);
        let mut without: Fields = fields.clone();
        without.remove("risk.approval_requested_on");
        f.apply(Section::Risk, &without, &cx()).unwrap();
        assert_eq!(f.risk.approval_requested_on, Some(today));
        assert_eq!(f.risk.approval_requested_by.as_deref(), Some("u-carla"));
    }

    #[test]
    fn a_travel_step_moves_only_as_the_checklist_allows_on_every_save() {
        let today = now().date_naive();
        let travel = |pairs: &[(&str, &str)]| {
            let mut all = vec![
                ("travel.mission", MISSION),
                ("travel.destination", "NG"),
                ("travel.departure", "2027-01-15"),
            ];
            all.extend_from_slice(pairs);
            fields(&all)
        };
        let refused = |f: &mut CaseFile, pairs: &[(&str, &str)], field: &str, error: FieldError| {
            let before = f.clone();
            let problems = f.apply(Section::Travel, &travel(pairs), &cx()).unwrap_err();
            assert_eq!(
                problems,
                vec![Problem {
                    field: field.into(),
                    error,
                }],
                "{pairs:?}"
            );
            assert_eq!(*f, before, "nothing of the form is kept");
        };
        // The gate waits for the supervisor: booking (gated) stays put,
        // whether moved on, done or set aside.
        let mut waiting = high_risk_case();
        assert_ne!(waiting.gate(today), Some(Gate::Passed));
        for (status, field, error) in [
            ("in_progress", "step.T8.status", FieldError::GateNotPassed),
            ("skipped", "step.T8.status", FieldError::GateNotPassed),
            // Done today: the gate had not passed on that day.
            ("done", "step.T8.done_on", FieldError::GateNotPassedThatDay),
        ] {
            refused(
                &mut waiting,
                &[
                    ("step.T8.status", status),
                    ("step.T8.evidence", "Flight KL587"),
                    ("step.T8.reason", "by road"),
                ],
                field,
                error,
            );
        }
        // Steps the gate does not hold move on; done needs its evidence,
        // blocked its reason.
        put(
            &mut waiting,
            Section::Travel,
            &[("step.T4.status", "in_progress")],
        );
        refused(
            &mut waiting,
            &[("step.T4.status", "done")],
            "step.T4.evidence",
            FieldError::Required,
        );
        refused(
            &mut waiting,
            &[("step.T4.status", "blocked")],
            "step.T4.reason",
            FieldError::Required,
        );
        waiting
            .apply(
                Section::Travel,
                &travel(&[
                    ("step.T4.status", "done"),
                    ("step.T4.evidence", "Laissez-passer LP-1"),
                ]),
                &cx(),
            )
            .unwrap();
        // Approved, the gate passes: booking goes on.
        waiting
            .decide_approval(ApprovalDecision::Approve, "u-sup", "", today)
            .unwrap();
        let booked = [
            ("step.T4.status", "done"),
            ("step.T4.evidence", "Laissez-passer LP-1"),
            ("step.T8.status", "in_progress"),
        ];
        waiting
            .apply(Section::Travel, &travel(&booked), &cx())
            .unwrap();
        // A change to the risks closes the gate again: what was recorded
        // stays as it is on the next save, but nothing gated moves on.
        let mut risk = waiting.fields(Section::Risk);
        risk.insert(
            "risk.0.description".into(),
            "Debt, and threats to her sister".into(),
        );
        waiting.apply(Section::Risk, &risk, &cx()).unwrap();
        assert_ne!(waiting.gate(today), Some(Gate::Passed));
        waiting
            .apply(Section::Travel, &travel(&booked), &cx())
            .unwrap();
        let mut more = booked.to_vec();
        more.push(("step.T9.status", "in_progress"));
        refused(
            &mut waiting,
            &more,
            "step.T9.status",
            FieldError::GateNotPassed,
        );
    }

    #[test]
    fn a_departure_is_recorded_only_for_a_day_the_gate_had_passed() {
        let today = now().date_naive();
        let f = return_case();
        assert_eq!(f.gate(today), Some(Gate::Passed));
        let assessed = f.risk.assessment.as_ref().unwrap().assessed_on;
        let departed = |on: NaiveDate| {
            let on = on.to_string();
            fields(&[
                ("travel.mission", MISSION),
                ("travel.destination", "NG"),
                ("travel.departure", on.as_str()),
                ("step.T10.status", "done"),
                ("step.T10.done_on", on.as_str()),
                ("step.T10.evidence", "Left from Schiphol"),
            ])
        };
        let that_day = |field: &str| {
            vec![Problem {
                field: field.into(),
                error: FieldError::GateNotPassedThatDay,
            }]
        };
        // The day before the assessment was made: the gate had not passed,
        // whether the step or the milestone says so.
        let before = assessed.pred_opt().unwrap();
        let mut g = f.clone();
        assert_eq!(
            g.apply(Section::Travel, &departed(before), &cx()),
            Err(that_day("step.T10.done_on"))
        );
        assert_eq!(g, f, "nothing kept");
        let early = before.to_string();
        assert_eq!(
            g.apply(
                Section::Milestones,
                &fields(&[
                    ("ms.M11.status", "done"),
                    ("ms.M11.done_on", early.as_str())
                ]),
                &cx()
            ),
            Err(that_day("ms.M11.done_on"))
        );
        // Nor a day when it was stale: a threat recorded before that day
        // and on or after the assessment.
        let mut threatened = f.clone();
        let mut risk = threatened.fields(Section::Risk);
        risk.insert("risk.last_threat_on".into(), assessed.to_string());
        threatened.apply(Section::Risk, &risk, &cx()).unwrap();
        assert_ne!(threatened.gate(today), Some(Gate::Passed));
        assert_eq!(
            threatened.apply(Section::Travel, &departed(today), &cx()),
            Err(that_day("step.T10.done_on"))
        );
        // On a day it had passed: recorded, and the gate is judged on it.
        let mut g = f.clone();
        g.apply(Section::Travel, &departed(assessed), &cx())
            .unwrap();
        assert_eq!(g.departed_on(), Some(assessed));
        // The arrival, recorded weeks later (the assessment is stale by
        // then), is judged on the day the client left.
        let late = assessed + chrono::Duration::days(40);
        let mut arrived = g.fields(Section::Travel);
        arrived.insert("step.T12.status".into(), "done".into());
        arrived.insert("step.T12.done_on".into(), late.to_string());
        arrived.insert("step.T12.evidence".into(), "Met by the partner".into());
        let mut later = cx();
        later.today = late;
        g.apply(Section::Travel, &arrived, &later).unwrap();
        // A copy without the risks (a reader who may not read them) places
        // what the server accepted without judging it again.
        let mut copy = CaseFile::default();
        copy.place(Section::Travel, &arrived, &later).unwrap();
        assert_eq!(copy.travel, g.travel);
        assert!(CaseFile::default()
            .apply(Section::Travel, &arrived, &later)
            .is_err());
    }

    /// A recorded follow-up contact ticks its milestone (and the first
    /// scored one the baseline survey), linking to the follow-up screen;
    /// a refused one changes nothing; a save of the milestones step keeps
    /// the contacts (issue #15, item 5).
    #[test]
    fn follow_up_contacts_tick_their_milestones_and_outlive_a_save_of_the_step() {
        let cats = crate::catalog::planning();
        let catalogue = crate::catalog::follow_up();
        let (model, months) = (catalogue.model(), &catalogue.follow_up_months);
        let today = now().date_naive();
        let arrival = today - chrono::Duration::days(100);
        let mut f = return_case();
        let arrival_text = arrival.to_string();
        f.place(
            Section::Travel,
            &fields(&[
                ("step.T12.status", "done"),
                ("step.T12.done_on", &arrival_text),
                ("step.T12.evidence", "Met by the partner"),
            ]),
            &cx(),
        )
        .unwrap();
        assert_eq!(f.arrived_on(), Some(arrival));
        assert_eq!(f.next_follow_up(months).map(|c| c.month), Some(1));
        let before = f.clone();
        assert!(f
            .record_follow_up(&fields(&[("fu.month", "1")]), &model, months, "u-x", today)
            .is_err());
        assert_eq!(f, before, "refused: nothing kept");
        let on = arrival + chrono::Duration::days(35);
        let on_text = on.to_string();
        let mut contact = fields(&[
            ("fu.month", "1"),
            ("fu.on", &on_text),
            ("fu.mode", "phone"),
            ("fu.by", "IOM return officer"),
        ]);
        for q in &catalogue.questions {
            contact.insert(format!("fu.answer.{}", q.id), "0.75".into());
        }
        assert_eq!(
            f.record_follow_up(&contact, &model, months, "u-x", today),
            Ok(1)
        );
        let state = |f: &CaseFile, id: &str| {
            let m = f
                .milestones(&cats)
                .into_iter()
                .find(|m| m.template_id == id)
                .unwrap();
            (m.status, m.by_work)
        };
        assert_eq!(
            state(&f, "M16a"),
            (MilestoneStatus::Done { on }, Some(WorkPlace::FollowUp))
        );
        assert_eq!(
            state(&f, "M17"),
            (MilestoneStatus::Done { on }, Some(WorkPlace::FollowUp)),
            "the first contact scored over every dimension is the baseline"
        );
        assert_eq!(state(&f, "M16b"), (MilestoneStatus::Pending, None));
        assert_eq!(
            f.latest_score().and_then(|s| s.composite),
            Some(rust_decimal::Decimal::new(75, 2))
        );
        assert_eq!(f.next_follow_up(months).map(|c| c.month), Some(3));
        let step = f.fields(Section::Milestones);
        f.apply(Section::Milestones, &step, &cx()).unwrap();
        assert_eq!(
            f.milestones.follow_ups.len(),
            1,
            "kept by a save of the step"
        );
        let json = f.section_json(Section::Milestones);
        let mut back = CaseFile::default();
        back.load_section(Section::Milestones, &json).unwrap();
        assert_eq!(back.milestones, f.milestones);
    }

    /// The milestones that follow the contacts stand for the catalogue's
    /// months after arrival.
    #[test]
    fn the_follow_up_milestones_are_the_catalogues_contacts() {
        let cats = crate::catalog::planning();
        let mut seen = Vec::new();
        for t in cats.milestones {
            if let Some(month) = follow_up_month(&t.id) {
                assert_eq!(t.anchor, Anchor::Arrival, "{}", t.id);
                assert_eq!(t.offset_months, month as i32, "{}", t.id);
                seen.push(month);
            }
        }
        seen.sort_unstable();
        assert_eq!(seen, crate::catalog::follow_up().follow_up_months);
    }

    #[test]
    fn a_form_asks_for_approval_only_where_the_button_may() {
        let today = now().date_naive();
        let refused = |f: &mut CaseFile, on: &str| {
            let before = f.clone();
            let mut risk = f.fields(Section::Risk);
            risk.insert("risk.approval_requested_on".into(), on.into());
            let problems = f.apply(Section::Risk, &risk, &cx()).unwrap_err();
            assert_eq!(
                problems,
                vec![Problem {
                    field: "risk.approval_requested_on".into(),
                    error: FieldError::NotNeeded,
                }]
            );
            assert_eq!(*f, before, "nothing of the form is kept");
        };
        // A medium risk needs no supervisor.
        refused(&mut return_case(), "2026-11-13");
        // A high risk asked for already: asked again with another date.
        let mut asked = high_risk_case();
        assert!(asked.awaiting_approval(today));
        refused(&mut asked, "2026-11-01");
        // Not asked yet: the form asks, with its date, by the one saving.
        let mut not_asked = high_risk_case();
        not_asked.risk.approval_requested_on = None;
        not_asked.risk.approval_requested_by = None;
        let mut risk = not_asked.fields(Section::Risk);
        risk.insert("risk.approval_requested_on".into(), "2026-11-13".into());
        not_asked.apply(Section::Risk, &risk, &cx()).unwrap();
        assert!(not_asked.awaiting_approval(today));
        assert_eq!(
            not_asked.risk.approval_requested_on,
            NaiveDate::from_ymd_opt(2026, 11, 13)
        );
        assert_eq!(
            not_asked.risk.approval_requested_by.as_deref(),
            Some(cx().user_id)
        );
    }

    #[test]
    fn only_a_high_risk_return_asked_for_waits_for_approval() {
        let today = now().date_naive();
        let mut medium = return_case();
        let mut risk = medium.fields(Section::Risk);
        risk.insert("risk.approval_requested_on".into(), "2026-11-13".into());
        assert!(medium.apply(Section::Risk, &risk, &cx()).is_err());
        assert_eq!(
            medium.decide_approval(ApprovalDecision::Approve, "u-sup", "", today),
            Err(ApprovalRefusal::NotAwaiting),
            "a medium risk needs no approval"
        );
        let mut not_asked = high_risk_case();
        not_asked.risk.approval_requested_on = None;
        assert_eq!(
            not_asked.decide_approval(ApprovalDecision::Approve, "u-sup", "", today),
            Err(ApprovalRefusal::NotAwaiting)
        );
    }

    #[test]
    fn changing_the_risks_clears_the_supervisors_approval() {
        let mut f = return_case();
        f.risk.supervisor_approval = Some(crate::domain::case_file::SignOff {
            by: "u-sup".into(),
            on: now().date_naive(),
            comment: String::new(),
        });
        let same = f.fields(Section::Risk);
        f.apply(Section::Risk, &same, &cx()).unwrap();
        assert!(f.risk.supervisor_approval.is_some(), "unchanged: kept");
        let mut changed = same.clone();
        changed.insert("risk.0.likelihood".into(), "3".into());
        f.apply(Section::Risk, &changed, &cx()).unwrap();
        assert!(f.risk.supervisor_approval.is_none(), "changed: cleared");
    }

    /// The high-risk case with the supervisor's approval given.
    fn approved_case() -> CaseFile {
        let mut f = high_risk_case();
        f.decide_approval(ApprovalDecision::Approve, "u-sup", "", now().date_naive())
            .unwrap();
        f
    }

    #[test]
    fn changing_the_risks_clears_both_sign_offs_and_says_so() {
        let today = now().date_naive();
        let mut f = approved_case();
        assert_eq!(f.gate(today), Some(Gate::Passed));
        assert_eq!(f.risk.still_cleared(), None);
        // The risk form as the browser sends it: no partner, no dates of
        // the sign-offs, one rating changed.
        let mut risk = f.fields(Section::Risk);
        for k in [
            "risk.origin_partner",
            "risk.origin_confirmed_on",
            "risk.approval_requested_on",
        ] {
            risk.remove(k);
        }
        risk.insert("risk.0.mitigation_text".into(), "Escort to the bus".into());
        f.apply(Section::Risk, &risk, &cx()).unwrap();
        assert_eq!(f.risk.supervisor_approval, None);
        assert_eq!(f.risk.origin_confirmed_on, None);
        assert_eq!(
            f.risk.origin_partner, "Partner in Benin City",
            "the partner is kept"
        );
        assert_eq!(f.risk.still_cleared(), Some((today, true, true)));
        assert_eq!(
            f.gate(today),
            Some(Gate::Blocked(vec![
                GateMissing::SupervisorApproval,
                GateMissing::OriginPartnerConfirmation
            ]))
        );
        // The request that led to the approval is spent: asked again.
        assert!(!f.awaiting_approval(today));
        f.request_approval("u-counsellor", today).unwrap();
        // The partner confirms the new assessment: only the approval is
        // still to come.
        f.confirm_origin("Partner in Benin City", "2026-11-20", &cx())
            .unwrap();
        assert_eq!(f.risk.still_cleared(), Some((today, true, false)));
        f.decide_approval(ApprovalDecision::Approve, "u-sup", "", today)
            .unwrap();
        assert_eq!(f.risk.still_cleared(), None);
        assert_eq!(f.gate(today), Some(Gate::Passed));
    }

    #[test]
    fn a_confirmation_sent_again_with_changed_risks_does_not_hold() {
        // The form of an older page (or a merge) still carries the date of
        // the confirmation: the same day's confirmation was for the
        // assessment before the change.
        let mut f = approved_case();
        let mut risk = f.fields(Section::Risk);
        assert_eq!(risk["risk.origin_confirmed_on"], "2026-11-12");
        risk.insert("risk.0.likelihood".into(), "2".into());
        f.apply(Section::Risk, &risk, &cx()).unwrap();
        assert_eq!(f.risk.origin_confirmed_on, None);
        // Unchanged risks keep it; so does a form without it.
        let mut g = approved_case();
        let same = g.fields(Section::Risk);
        g.apply(Section::Risk, &same, &cx()).unwrap();
        assert_eq!(
            g.risk.origin_confirmed_on,
            NaiveDate::from_ymd_opt(2026, 11, 12)
        );
        let mut without = same.clone();
        without.remove("risk.origin_confirmed_on");
        without.remove("risk.origin_partner");
        g.apply(Section::Risk, &without, &cx()).unwrap();
        assert_eq!(
            g.risk.origin_confirmed_on,
            NaiveDate::from_ymd_opt(2026, 11, 12)
        );
        assert!(g.risk.supervisor_approval.is_some());
        assert_eq!(g.risk.still_cleared(), None);
    }

    #[test]
    fn the_origin_partner_confirms_only_an_assessment_that_exists_and_not_before_it() {
        let problem = |field: &str, error| Problem {
            field: field.into(),
            error,
        };
        let mut f = high_risk_case();
        let before = f.clone();
        assert_eq!(
            f.confirm_origin(" ", "", &cx()),
            Err(vec![
                problem("risk.origin_partner", FieldError::Required),
                problem("risk.origin_confirmed_on", FieldError::Required),
            ])
        );
        // Assessed on 10 November; today is 20 November.
        assert_eq!(
            f.confirm_origin("Partner", "2026-11-09", &cx()),
            Err(vec![problem(
                "risk.origin_confirmed_on",
                FieldError::BeforeAssessment
            )])
        );
        assert_eq!(
            f.confirm_origin("Partner", "2026-11-21", &cx()),
            Err(vec![problem(
                "risk.origin_confirmed_on",
                FieldError::Future
            )])
        );
        assert_eq!(
            f.confirm_origin("Partner", "20-11-2026", &cx()),
            Err(vec![problem("risk.origin_confirmed_on", FieldError::Date)])
        );
        assert_eq!(f, before, "nothing is kept of a refused confirmation");
        let mut empty = return_case();
        empty.apply(Section::Risk, &Fields::new(), &cx()).unwrap();
        assert_eq!(
            empty.confirm_origin("Partner", "2026-11-20", &cx()),
            Err(vec![problem(
                "risk.origin_confirmed_on",
                FieldError::BeforeAssessment
            )])
        );
        f.confirm_origin("Partner shelter", "2026-11-10", &cx())
            .unwrap();
        assert_eq!(f.risk.origin_partner, "Partner shelter");
        assert_eq!(
            f.risk.origin_confirmed_on,
            NaiveDate::from_ymd_opt(2026, 11, 10)
        );
    }

    proptest::proptest! {
        /// Whatever a save sends, a confirmation held after it is one for
        /// the assessment it holds: kept only where the risks did not
        /// change, otherwise newly given with the save, never before the
        /// assessment; a change never keeps the supervisor's approval.
        #[test]
        fn a_confirmation_belongs_to_the_assessment_it_was_given_for(
            likelihood in 1u8..=3,
            assessed_back in 0i64..20,
            sent in proptest::option::of(-25i64..=0),
            keep_sent_date in proptest::bool::ANY,
        ) {
            let today = now().date_naive();
            let mut f = approved_case();
            let stored = f.risk.clone();
            let mut risk = f.fields(Section::Risk);
            let assessed_on = today - chrono::Duration::days(assessed_back);
            risk.insert("risk.0.likelihood".into(), likelihood.to_string());
            risk.insert("risk.assessed_on".into(), assessed_on.to_string());
            let sent_on = if keep_sent_date {
                stored.origin_confirmed_on
            } else {
                sent.map(|d| today + chrono::Duration::days(d))
            };
            match sent_on {
                Some(on) => risk.insert("risk.origin_confirmed_on".into(), on.to_string()),
                None => risk.remove("risk.origin_confirmed_on"),
            };
            let saved = f.apply(Section::Risk, &risk, &cx());
            let changed = f.risk.assessment != stored.assessment;
            if saved.is_err() {
                proptest::prop_assert_eq!(&f.risk, &stored);
                let new_date = sent_on.filter(|on| Some(*on) != stored.origin_confirmed_on);
                proptest::prop_assert!(new_date.is_some_and(|on| on < assessed_on));
            } else if changed {
                proptest::prop_assert_eq!(&f.risk.supervisor_approval, &None);
                if let Some(on) = f.risk.origin_confirmed_on {
                    proptest::prop_assert!(Some(on) != stored.origin_confirmed_on);
                    proptest::prop_assert!(on >= assessed_on);
                } else {
                    proptest::prop_assert!(f.risk.still_cleared().is_some_and(|c| c.2));
                }
            } else {
                proptest::prop_assert!(f.risk.supervisor_approval.is_some());
                proptest::prop_assert!(f.risk.origin_confirmed_on.is_some());
            }
        }
    }

    /// The due date of milestone `id` in the plan's list.
    fn due_of(f: &CaseFile, id: &str) -> Option<NaiveDate> {
        f.milestones(&crate::catalog::planning())
            .into_iter()
            .find(|m| m.template_id == id)
            .and_then(|m| m.due)
    }

    fn move_departure(f: &mut CaseFile, to: &str) {
        let mut travel = f.fields(Section::Travel);
        travel.insert("travel.departure".into(), to.into());
        f.apply(Section::Travel, &travel, &cx()).unwrap();
    }

    fn mark(f: &mut CaseFile, id: &str, status: &str, extra: &[(&str, &str)]) {
        let mut ms = f.fields(Section::Milestones);
        ms.insert(format!("ms.{id}.status"), status.into());
        for (k, v) in extra {
            ms.insert(format!("ms.{id}.{k}"), v.to_string());
        }
        f.apply(Section::Milestones, &ms, &cx()).unwrap();
    }

    #[test]
    fn a_settled_milestone_keeps_its_date_when_anchors_move() {
        let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
        let mut f = return_case();
        // Departure 15 January: registration 4 weeks before, the travel
        // document 2 weeks before.
        assert_eq!(due_of(&f, "M9"), day("2026-12-18"));
        mark(&mut f, "M9", "done", &[("done_on", "2026-11-18")]);
        mark(
            &mut f,
            "M8",
            "skipped",
            &[("reason", "No application in this programme")],
        );
        move_departure(&mut f, "2027-02-15");
        assert_eq!(due_of(&f, "M9"), day("2026-12-18"), "done: kept");
        assert_eq!(due_of(&f, "M8"), day("2026-12-11"), "set aside: kept");
        assert_eq!(due_of(&f, "M10"), day("2027-02-01"), "open: follows");
        // Ticked off again: it follows the plan as it stands.
        mark(&mut f, "M9", "pending", &[("done_on", "")]);
        assert_eq!(due_of(&f, "M9"), day("2027-01-18"));
        // A date set by hand wins over both.
        mark(&mut f, "M8", "skipped", &[("due", "2026-12-01")]);
        move_departure(&mut f, "2027-03-15");
        assert_eq!(due_of(&f, "M8"), day("2026-12-01"));
        // Saving the section again, unchanged, keeps the kept dates.
        mark(&mut f, "M9", "done", &[("done_on", "2026-11-19")]);
        move_departure(&mut f, "2027-04-15");
        let kept = day("2027-02-15");
        assert_eq!(due_of(&f, "M9"), kept);
        let same = f.fields(Section::Milestones);
        f.apply(Section::Milestones, &same, &cx()).unwrap();
        assert_eq!(due_of(&f, "M9"), kept);
    }

    #[test]
    fn a_kept_date_is_not_for_readers_of_the_milestones_alone() {
        // The kept date was counted from the departure: a reader who may
        // not read the travel section does not get it.
        let mut f = return_case();
        mark(&mut f, "M9", "done", &[("done_on", "2026-11-18")]);
        assert!(!f.milestones.settled_due.is_empty());
        let mut only = CaseFile::default();
        only.load_section(Section::Milestones, &f.section_json(Section::Milestones))
            .unwrap();
        only.forget_derived_unless(&[Section::Milestones, Section::Client]);
        assert!(only.milestones.settled_due.is_empty());
        assert_eq!(due_of(&only, "M9"), None);
        let mut all = f.clone();
        all.forget_derived_unless(&Section::ALL);
        assert_eq!(all, f);
    }

    proptest::proptest! {
        /// However the departure moves and milestones are ticked and
        /// unticked, a settled milestone shows the date it had when it
        /// was settled, and an open one the date counted from the plan
        /// as it stands.
        #[test]
        fn settled_dates_stay_and_open_ones_follow(
            moves in proptest::collection::vec((0usize..4, 0i64..90, proptest::bool::ANY), 1..12),
        ) {
            let ids = ["M8", "M9", "M10", "M7b"];
            let cats = crate::catalog::planning();
            let mut f = return_case();
            let mut kept: BTreeMap<&str, Option<NaiveDate>> = BTreeMap::new();
            for (which, shift, tick) in moves {
                let id = ids[which];
                if tick {
                    if !kept.contains_key(id) {
                        kept.insert(id, due_of(&f, id));
                    }
                    mark(&mut f, id, "done", &[("done_on", "2026-11-18")]);
                } else {
                    kept.remove(id);
                    mark(&mut f, id, "pending", &[("done_on", "")]);
                }
                let to = NaiveDate::from_ymd_opt(2027, 1, 1).unwrap() + chrono::Duration::days(shift);
                move_departure(&mut f, &to.to_string());
            }
            let anchors = f.anchors();
            for m in f.milestones(&cats) {
                let id = m.template_id.as_str();
                if !ids.contains(&id) {
                    continue;
                }
                match kept.get(id) {
                    Some(due) => proptest::prop_assert_eq!(m.due, *due, "{}", id),
                    None => {
                        let t = cats.milestones.iter().find(|t| t.id == id).unwrap();
                        proptest::prop_assert_eq!(
                            m.due,
                            anchors.planned_departure.and_then(|d| t.due_from(d)),
                            "{}", id
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn every_section_survives_its_own_form() {
        let f = return_case();
        for section in Section::ALL {
            let mut again = CaseFile::default();
            again
                .apply(section, &f.fields(section), &cx())
                .unwrap_or_else(|p| panic!("{section:?}: {p:?}"));
            assert_eq!(
                again.section_json(section),
                f.section_json(section),
                "{section:?}"
            );
        }
    }

    #[test]
    fn bad_input_names_every_field_and_changes_nothing() {
        let mut f = return_case();
        let before = f.clone();
        let err = f
            .apply(
                Section::Client,
                &fields(&[
                    ("client.alias", ""),
                    ("client.nationality", "Nigeria"),
                    ("contact.on", "2027-05-01"),
                ]),
                &cx(),
            )
            .unwrap_err();
        let named: Vec<&str> = err.iter().map(|p| p.field.as_str()).collect();
        assert!(named.contains(&"client.alias"), "{named:?}");
        assert!(named.contains(&"client.nationality"), "{named:?}");
        assert!(named.contains(&"contact.on"), "{named:?}");
        assert_eq!(f, before);
    }

    #[test]
    fn the_empty_support_line_is_not_an_error() {
        // "For" and "form" always hold a choice, also in the empty row a
        // returning counsellor sees below the saved lines.
        let mut f = return_case();
        let mut fields = f.fields(Section::Reintegration);
        fields.insert("line.1.person".into(), "0".into());
        fields.insert("line.1.form".into(), "in_kind".into());
        fields.insert("reint.goals".into(), "A tailoring business".into());
        f.apply(Section::Reintegration, &fields, &cx())
            .unwrap_or_else(|p| panic!("{p:?}"));
        assert_eq!(f.reintegration.lines.len(), 1);
    }

    #[test]
    fn absurd_amounts_and_dates_are_field_errors_not_crashes() {
        let mut f = return_case();
        let mut fields = f.fields(Section::Reintegration);
        fields.insert(
            "line.0.amount".into(),
            "99999999999999999999999999999".into(),
        );
        let err = f.apply(Section::Reintegration, &fields, &cx()).unwrap_err();
        assert_eq!(err[0].field, "line.0.amount");
        let mut fields = f.fields(Section::Consent);
        fields.insert("consent.0.expires_on".into(), "+262143-12-31".into());
        assert!(f.apply(Section::Consent, &fields, &cx()).is_err());
    }

    #[test]
    fn who_explained_a_consent_is_not_up_to_the_form() {
        let f = return_case();
        let before = f.consent.clone();
        let mut forged = f.clone();
        let mut fields = f.fields(Section::Consent);
        fields.insert("consent.0.explained_by".into(), "someone-else".into());
        fields.insert("consent.2.purpose".into(), "contact_family".into());
        fields.insert("consent.2.given_on".into(), "2026-11-19".into());
        fields.insert("consent.2.language".into(), "en".into());
        fields.insert("consent.2.explained_by".into(), "someone-else".into());
        forged.apply(Section::Consent, &fields, &cx()).unwrap();
        forged.consent.settle_explainers(&before, "u-today");
        assert_eq!(
            forged.consent.records[0].explained_by,
            before.records[0].explained_by
        );
        assert_eq!(forged.consent.records[2].explained_by, "u-today");
    }
}
