//! The end of a plan, and its pauses (domain.md §3 S12 and the side
//! states): putting a plan on hold and resuming it, recording that the
//! client withdrew (and that they came back), and closing it with one of
//! IOM's closure reasons. Each is a move of the plan's status machine
//! ([`super::plan::advance`]), recorded with its date, a reason in words,
//! who and when, and kept as the plan's history.
//!
//! The stage the work has reached is worked out from the sections (the
//! plan's *worked* stage); these moves lie over it: a plan on hold keeps
//! the stage it paused at, and resuming goes back to the stage the work
//! stands at then, its entry requirements checked again.
//!
//! A closed plan is read-only and has no way back (the machine has no edge
//! out of "closed"); closing starts the organisation's retention clock
//! ([`erasure_due`]).

use super::plan::{advance, ClosureReason, Missing, PlanFacts, PlanStatus};
use chrono::{DateTime, Months, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// The longest reason or note a move keeps.
pub const MAX_NOTE: usize = 1000;

/// A move of a plan's life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "move")]
pub enum LifeMove {
    /// Paused (the client in hospital, a procedure to wait for…).
    Hold,
    /// Taken up again after a pause.
    Resume,
    /// The client withdrew from the plan.
    Withdraw,
    /// The client came back after withdrawing: the options are open again.
    Reopen,
    /// The plan ended, for this reason.
    Close { reason: ClosureReason },
}

impl LifeMove {
    /// The move's name in forms and audit rows ("close").
    pub fn slug(self) -> &'static str {
        match self {
            LifeMove::Hold => "hold",
            LifeMove::Resume => "resume",
            LifeMove::Withdraw => "withdraw",
            LifeMove::Reopen => "reopen",
            LifeMove::Close { .. } => "close",
        }
    }

    /// The move a form names (`close` with its `reason`); `None` for
    /// anything else (a `close` without a known reason included).
    pub fn from_form(kind: &str, reason: &str) -> Option<LifeMove> {
        match kind {
            "hold" => Some(LifeMove::Hold),
            "resume" => Some(LifeMove::Resume),
            "withdraw" => Some(LifeMove::Withdraw),
            "reopen" => Some(LifeMove::Reopen),
            "close" => CLOSURE_REASONS
                .iter()
                .find(|(slug, _)| *slug == reason)
                .map(|(_, reason)| LifeMove::Close { reason: *reason }),
            _ => None,
        }
    }

    /// Whether the move needs a reason in words (a pause, a withdrawal, a
    /// transfer: the next reader must know why, and to whom).
    pub fn needs_note(self) -> bool {
        matches!(
            self,
            LifeMove::Hold
                | LifeMove::Withdraw
                | LifeMove::Close {
                    reason: ClosureReason::Transferred
                }
        )
    }
}

/// The closure reasons as forms name them, in the order offered.
pub const CLOSURE_REASONS: [(&str, ClosureReason); 11] = [
    ("plan_completed", ClosureReason::PlanCompleted),
    ("stayed", ClosureReason::Stayed),
    ("moved_on", ClosureReason::MovedOn),
    ("unreachable", ClosureReason::Unreachable),
    ("died", ClosureReason::Died),
    ("transferred", ClosureReason::Transferred),
    ("support_period_ended", ClosureReason::SupportPeriodEnded),
    ("client_stopped", ClosureReason::ClientStopped),
    ("moved_away", ClosureReason::MovedAway),
    ("re_migrated", ClosureReason::ReMigrated),
    ("funding_ended", ClosureReason::FundingEnded),
];

/// One recorded move.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LifeEvent {
    #[serde(flatten)]
    pub kind: LifeMove,
    /// The day it happened (as the counsellor records it; not in the
    /// future, not before the plan began or the move before it).
    pub on: NaiveDate,
    /// Why, in words (the closure's reason is `kind`'s; this says more).
    #[serde(default)]
    pub note: String,
    /// Who recorded it (a user id) and when.
    pub by: String,
    pub at: DateTime<Utc>,
}

/// Where a plan stands in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "state")]
pub enum LifeState {
    Open,
    OnHold {
        since: NaiveDate,
    },
    Withdrawn {
        on: NaiveDate,
    },
    Closed {
        reason: ClosureReason,
        on: NaiveDate,
    },
}

/// The plan's recorded moves, oldest first.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Lifecycle {
    pub events: Vec<LifeEvent>,
}

/// Why a move was not recorded. Nothing is changed then.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "problem")]
pub enum LifeProblem {
    /// Closing needs one of the closure reasons.
    ClosureReasonMissing,
    /// The move does not exist from where the plan stands (resuming a
    /// plan that is not on hold, anything on a closed plan).
    NotFrom,
    /// What the status the move leads to requires (consent to keep the
    /// client's data, to reopen).
    Requirement {
        missing: Missing,
    },
    DateMissing,
    DateInvalid,
    DateInFuture,
    /// Before the plan began (its first contact).
    DateBeforeStart {
        start: NaiveDate,
    },
    /// Before the move recorded before it.
    DateBeforeLast {
        last: NaiveDate,
    },
    NoteRequired,
    NoteTooLong,
    /// "Returned and followed up" needs the return and a follow-up
    /// contact recorded.
    NotFollowedUp,
    /// The reason is about life after return: the arrival is not
    /// recorded.
    NotArrived,
    /// "Stayed" or "moved on" needs that decision taken (the plan on that
    /// track).
    NotOnTrack,
}

impl Lifecycle {
    pub fn state(&self) -> LifeState {
        let mut state = LifeState::Open;
        for e in &self.events {
            state = match e.kind {
                LifeMove::Hold => LifeState::OnHold { since: e.on },
                LifeMove::Resume | LifeMove::Reopen => LifeState::Open,
                LifeMove::Withdraw => LifeState::Withdrawn { on: e.on },
                LifeMove::Close { reason } => LifeState::Closed { reason, on: e.on },
            };
        }
        state
    }

    pub fn is_closed(&self) -> bool {
        matches!(self.state(), LifeState::Closed { .. })
    }

    /// The day the plan was closed (the retention clock's start).
    pub fn closed_on(&self) -> Option<NaiveDate> {
        match self.state() {
            LifeState::Closed { on, .. } => Some(on),
            _ => None,
        }
    }

    /// The plan's status: the stage its work reached, with its life over it.
    pub fn over(&self, worked: PlanStatus) -> PlanStatus {
        match self.state() {
            LifeState::Open => worked,
            LifeState::OnHold { .. } => PlanStatus::OnHold {
                previous: Box::new(worked),
            },
            LifeState::Withdrawn { .. } => PlanStatus::WithdrawnByClient,
            LifeState::Closed { reason, .. } => PlanStatus::Closed { reason },
        }
    }

    /// The moves with their reasons in words removed (for readers outside
    /// the counselling organisation: the state and dates stay).
    pub fn without_notes(&self) -> Lifecycle {
        Lifecycle {
            events: self
                .events
                .iter()
                .cloned()
                .map(|mut e| {
                    e.note.clear();
                    e
                })
                .collect(),
        }
    }

    /// Records `kind` on `on` (a date as typed) with `note`, if the status
    /// machine has that move from where the plan stands and everything it
    /// needs is there. `worked` is the stage the plan's work has reached,
    /// `facts` what the machine checks (on the organisation's wall clock),
    /// `start` the day the plan began. On a refusal the lifecycle is
    /// unchanged.
    #[allow(clippy::too_many_arguments)]
    pub fn record(
        &mut self,
        kind: LifeMove,
        on: &str,
        note: &str,
        by: &str,
        at: DateTime<Utc>,
        worked: &PlanStatus,
        facts: &PlanFacts,
        start: Option<NaiveDate>,
    ) -> Result<(), Vec<LifeProblem>> {
        let today = facts.now.date_naive();
        let mut problems = Vec::new();
        let on = on.trim();
        let day = if on.is_empty() {
            problems.push(LifeProblem::DateMissing);
            None
        } else {
            match NaiveDate::parse_from_str(on, "%Y-%m-%d") {
                Ok(d) => Some(d),
                Err(_) => {
                    problems.push(LifeProblem::DateInvalid);
                    None
                }
            }
        };
        if let Some(d) = day {
            if d > today {
                problems.push(LifeProblem::DateInFuture);
            }
            if let Some(start) = start.filter(|s| d < *s) {
                problems.push(LifeProblem::DateBeforeStart { start });
            }
            if let Some(last) = self.events.last().map(|e| e.on).filter(|l| d < *l) {
                problems.push(LifeProblem::DateBeforeLast { last });
            }
        }
        let note = note.trim();
        if note.chars().count() > MAX_NOTE {
            problems.push(LifeProblem::NoteTooLong);
        } else if note.is_empty() && kind.needs_note() {
            problems.push(LifeProblem::NoteRequired);
        }
        problems.extend(self.machine_problems(kind, worked, facts));
        match day {
            Some(on) if problems.is_empty() => {
                self.events.push(LifeEvent {
                    kind,
                    on,
                    note: note.to_string(),
                    by: by.to_string(),
                    at,
                });
                Ok(())
            }
            _ => Err(problems),
        }
    }

    /// What the status machine and the closure's reason say against `kind`.
    fn machine_problems(
        &self,
        kind: LifeMove,
        worked: &PlanStatus,
        facts: &PlanFacts,
    ) -> Vec<LifeProblem> {
        let state = self.state();
        let from = self.over(worked.clone());
        // Each move exists from one kind of state only (the machine also
        // allows pausing a withdrawn plan, which means nothing here).
        let exists = match kind {
            LifeMove::Hold => state == LifeState::Open,
            LifeMove::Resume => matches!(state, LifeState::OnHold { .. }),
            LifeMove::Withdraw => matches!(state, LifeState::Open | LifeState::OnHold { .. }),
            LifeMove::Reopen => matches!(state, LifeState::Withdrawn { .. }),
            LifeMove::Close { .. } => !matches!(state, LifeState::Closed { .. }),
        };
        if !exists {
            return vec![LifeProblem::NotFrom];
        }
        let to = match kind {
            LifeMove::Hold => PlanStatus::OnHold {
                previous: Box::new(from.clone()),
            },
            LifeMove::Resume => worked.clone(),
            LifeMove::Withdraw => PlanStatus::WithdrawnByClient,
            LifeMove::Reopen => PlanStatus::OptionsOpen,
            LifeMove::Close { reason } => PlanStatus::Closed { reason },
        };
        let mut problems: Vec<LifeProblem> = match advance(&from, to, facts) {
            Ok(_) => Vec::new(),
            Err(missing) if missing.contains(&Missing::NotAllowedFrom) => {
                vec![LifeProblem::NotFrom]
            }
            Err(missing) => missing
                .into_iter()
                .map(|missing| LifeProblem::Requirement { missing })
                .collect(),
        };
        if let LifeMove::Close { reason } = kind {
            problems.extend(closure_problem(reason, worked));
        }
        problems
    }
}

/// Whether the plan's work supports closing it for `reason`: the reasons
/// that say how the plan ended well, or what happened after return, need
/// that to be recorded.
pub fn closure_problem(reason: ClosureReason, worked: &PlanStatus) -> Option<LifeProblem> {
    let arrived = matches!(
        worked,
        PlanStatus::Arrived | PlanStatus::Reintegration | PlanStatus::Monitoring
    );
    match reason {
        ClosureReason::PlanCompleted => {
            (*worked != PlanStatus::Monitoring).then_some(LifeProblem::NotFollowedUp)
        }
        ClosureReason::SupportPeriodEnded | ClosureReason::ReMigrated => {
            (!arrived).then_some(LifeProblem::NotArrived)
        }
        ClosureReason::Stayed => {
            (*worked != PlanStatus::StayTrack).then_some(LifeProblem::NotOnTrack)
        }
        ClosureReason::MovedOn => {
            (*worked != PlanStatus::OnwardTrack).then_some(LifeProblem::NotOnTrack)
        }
        ClosureReason::ClientStopped
        | ClosureReason::MovedAway
        | ClosureReason::Unreachable
        | ClosureReason::Died
        | ClosureReason::FundingEnded
        | ClosureReason::Transferred => None,
    }
}

/// The day a plan closed on `closed_on` is due for erasure when the
/// organisation keeps closed plans `months` months (the end of the month
/// when that day does not exist: closed 31 August, kept 6 months: 28 or
/// 29 February).
pub fn erasure_due(closed_on: NaiveDate, months: u32) -> NaiveDate {
    closed_on
        .checked_add_months(Months::new(months))
        .unwrap_or(NaiveDate::MAX)
}

/// How long an organisation keeps a closed plan unless it sets its own
/// period. domain.md §11 found no single legal period for this setting:
/// this is a design default [D], shown on every closed case so that an
/// organisation sees it and sets the one its DPIA arrives at.
pub const DEFAULT_RETENTION_MONTHS: u32 = 60;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::case::Minority;
    use crate::domain::consent::{Consent, Purpose};
    use crate::domain::policy::Section;
    use crate::domain::risk::Gate;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn now() -> DateTime<Utc> {
        d(2026, 12, 7).and_hms_opt(10, 0, 0).unwrap().and_utc()
    }

    fn store_consent() -> Vec<Consent> {
        vec![Consent {
            purpose: Purpose::StoreData,
            given_at: now() - chrono::Duration::days(30),
            language: "en".into(),
            explained_by: "u-c".into(),
            interpreter_used: false,
            expires_at: None,
            withdrawn_at: None,
        }]
    }

    fn facts(consents: &[Consent]) -> PlanFacts<'_> {
        PlanFacts {
            now: now(),
            consents,
            decision: None,
            minority: Minority::Adult,
            risk_gate: Some(Gate::Passed),
            complete_sections: Section::ALL.into_iter().collect(),
            travel_document_ready: true,
            reintegration_registered: true,
            departure_confirmed: true,
            arrival_confirmed: true,
        }
    }

    fn record(
        life: &mut Lifecycle,
        kind: LifeMove,
        on: &str,
        note: &str,
        worked: &PlanStatus,
    ) -> Result<(), Vec<LifeProblem>> {
        let consents = store_consent();
        life.record(
            kind,
            on,
            note,
            "u-c",
            now(),
            worked,
            &facts(&consents),
            Some(d(2026, 1, 10)),
        )
    }

    const CLOSE_UNREACHABLE: LifeMove = LifeMove::Close {
        reason: ClosureReason::Unreachable,
    };

    #[test]
    fn a_pause_keeps_the_stage_and_resuming_goes_back_to_it() {
        let mut life = Lifecycle::default();
        let worked = PlanStatus::OptionsOpen;
        record(
            &mut life,
            LifeMove::Hold,
            "2026-12-01",
            "In hospital",
            &worked,
        )
        .unwrap();
        assert_eq!(
            life.state(),
            LifeState::OnHold {
                since: d(2026, 12, 1)
            }
        );
        assert_eq!(
            life.over(worked.clone()),
            PlanStatus::OnHold {
                previous: Box::new(PlanStatus::OptionsOpen)
            }
        );
        // Paused twice is nothing.
        assert_eq!(
            record(&mut life, LifeMove::Hold, "2026-12-02", "again", &worked),
            Err(vec![LifeProblem::NotFrom])
        );
        record(&mut life, LifeMove::Resume, "2026-12-05", "", &worked).unwrap();
        assert_eq!(life.state(), LifeState::Open);
        assert_eq!(life.over(worked.clone()), worked);
        assert_eq!(life.events.len(), 2);
    }

    #[test]
    fn a_pause_and_a_withdrawal_say_why() {
        let mut life = Lifecycle::default();
        let worked = PlanStatus::OptionsOpen;
        assert_eq!(
            record(&mut life, LifeMove::Hold, "2026-12-01", "  ", &worked),
            Err(vec![LifeProblem::NoteRequired])
        );
        assert_eq!(
            record(&mut life, LifeMove::Withdraw, "2026-12-01", "", &worked),
            Err(vec![LifeProblem::NoteRequired])
        );
        let transfer = LifeMove::Close {
            reason: ClosureReason::Transferred,
        };
        assert_eq!(
            record(&mut life, transfer, "2026-12-01", "", &worked),
            Err(vec![LifeProblem::NoteRequired])
        );
        let long = "x".repeat(MAX_NOTE + 1);
        assert_eq!(
            record(&mut life, LifeMove::Hold, "2026-12-01", &long, &worked),
            Err(vec![LifeProblem::NoteTooLong])
        );
        assert!(life.events.is_empty());
    }

    #[test]
    fn dates_are_not_in_the_future_nor_before_the_plan_or_the_last_move() {
        let mut life = Lifecycle::default();
        let worked = PlanStatus::OptionsOpen;
        let note = "Waiting for the court";
        assert_eq!(
            record(&mut life, LifeMove::Hold, "", note, &worked),
            Err(vec![LifeProblem::DateMissing])
        );
        assert_eq!(
            record(&mut life, LifeMove::Hold, "7 Dec", note, &worked),
            Err(vec![LifeProblem::DateInvalid])
        );
        assert_eq!(
            record(&mut life, LifeMove::Hold, "2026-12-08", note, &worked),
            Err(vec![LifeProblem::DateInFuture])
        );
        assert_eq!(
            record(&mut life, LifeMove::Hold, "2026-01-09", note, &worked),
            Err(vec![LifeProblem::DateBeforeStart {
                start: d(2026, 1, 10)
            }])
        );
        // Today itself is fine, and so is the day the plan began.
        record(&mut life, LifeMove::Hold, "2026-01-10", note, &worked).unwrap();
        assert_eq!(
            record(&mut life, LifeMove::Resume, "2026-01-09", "", &worked),
            Err(vec![
                LifeProblem::DateBeforeStart {
                    start: d(2026, 1, 10)
                },
                LifeProblem::DateBeforeLast {
                    last: d(2026, 1, 10)
                }
            ])
        );
        record(&mut life, LifeMove::Resume, "2026-12-07", "", &worked).unwrap();
    }

    #[test]
    fn a_closed_plan_has_no_way_back() {
        let mut life = Lifecycle::default();
        let worked = PlanStatus::OptionsOpen;
        record(&mut life, CLOSE_UNREACHABLE, "2026-12-01", "", &worked).unwrap();
        assert_eq!(life.closed_on(), Some(d(2026, 12, 1)));
        assert!(life.is_closed());
        for kind in [
            LifeMove::Hold,
            LifeMove::Resume,
            LifeMove::Withdraw,
            LifeMove::Reopen,
            CLOSE_UNREACHABLE,
        ] {
            assert_eq!(
                record(&mut life, kind, "2026-12-02", "why", &worked),
                Err(vec![LifeProblem::NotFrom]),
                "{kind:?}"
            );
        }
    }

    #[test]
    fn a_client_who_withdrew_may_come_back_if_their_data_may_still_be_kept() {
        let mut life = Lifecycle::default();
        let worked = PlanStatus::OptionsOpen;
        record(
            &mut life,
            LifeMove::Withdraw,
            "2026-11-01",
            "Chose to stay with family",
            &worked,
        )
        .unwrap();
        assert_eq!(life.over(worked.clone()), PlanStatus::WithdrawnByClient);
        // Resuming is for pauses.
        assert_eq!(
            record(&mut life, LifeMove::Resume, "2026-11-02", "", &worked),
            Err(vec![LifeProblem::NotFrom])
        );
        // Without consent to keep the data, not.
        let none: Vec<Consent> = Vec::new();
        let refused = life.clone().record(
            LifeMove::Reopen,
            "2026-11-03",
            "",
            "u-c",
            now(),
            &worked,
            &facts(&none),
            None,
        );
        assert_eq!(
            refused,
            Err(vec![LifeProblem::Requirement {
                missing: Missing::ConsentToStore
            }])
        );
        record(&mut life, LifeMove::Reopen, "2026-11-03", "", &worked).unwrap();
        assert_eq!(life.state(), LifeState::Open);
    }

    #[test]
    fn a_closure_reason_must_be_true_of_the_plan() {
        let worked_and_reasons = [
            (
                PlanStatus::Arrived,
                ClosureReason::PlanCompleted,
                Some(LifeProblem::NotFollowedUp),
            ),
            (PlanStatus::Monitoring, ClosureReason::PlanCompleted, None),
            (
                PlanStatus::Departed,
                ClosureReason::SupportPeriodEnded,
                Some(LifeProblem::NotArrived),
            ),
            (
                PlanStatus::Reintegration,
                ClosureReason::SupportPeriodEnded,
                None,
            ),
            (
                PlanStatus::TravelBooked,
                ClosureReason::ReMigrated,
                Some(LifeProblem::NotArrived),
            ),
            (PlanStatus::Arrived, ClosureReason::ReMigrated, None),
            (
                PlanStatus::OptionsOpen,
                ClosureReason::Stayed,
                Some(LifeProblem::NotOnTrack),
            ),
            (PlanStatus::StayTrack, ClosureReason::Stayed, None),
            (
                PlanStatus::StayTrack,
                ClosureReason::MovedOn,
                Some(LifeProblem::NotOnTrack),
            ),
            (PlanStatus::OnwardTrack, ClosureReason::MovedOn, None),
            (PlanStatus::Draft, ClosureReason::Unreachable, None),
            (PlanStatus::Departed, ClosureReason::Died, None),
        ];
        for (worked, reason, problem) in worked_and_reasons {
            let mut life = Lifecycle::default();
            let got = record(
                &mut life,
                LifeMove::Close { reason },
                "2026-12-01",
                "to X",
                &worked,
            );
            match problem {
                None => assert_eq!(got, Ok(()), "{worked:?} {reason:?}"),
                Some(p) => assert_eq!(got, Err(vec![p]), "{worked:?} {reason:?}"),
            }
        }
    }

    #[test]
    fn a_plan_on_hold_closes_on_the_stage_it_paused_at() {
        let mut life = Lifecycle::default();
        let worked = PlanStatus::Monitoring;
        record(
            &mut life,
            LifeMove::Hold,
            "2026-12-01",
            "Partner unreachable",
            &worked,
        )
        .unwrap();
        let done = LifeMove::Close {
            reason: ClosureReason::PlanCompleted,
        };
        record(&mut life, done, "2026-12-02", "", &worked).unwrap();
        assert_eq!(
            life.over(worked),
            PlanStatus::Closed {
                reason: ClosureReason::PlanCompleted
            }
        );
    }

    #[test]
    fn forms_name_every_closure_reason_once() {
        for (slug, reason) in CLOSURE_REASONS {
            assert_eq!(
                LifeMove::from_form("close", slug),
                Some(LifeMove::Close { reason })
            );
            assert_eq!(
                serde_json::to_value(reason).unwrap(),
                serde_json::Value::String(slug.into())
            );
        }
        assert_eq!(LifeMove::from_form("close", ""), None);
        assert_eq!(LifeMove::from_form("delete", ""), None);
    }

    #[test]
    fn erasure_falls_on_the_same_day_months_later_or_the_months_last_day() {
        assert_eq!(erasure_due(d(2026, 12, 7), 60), d(2031, 12, 7));
        assert_eq!(erasure_due(d(2026, 8, 31), 6), d(2027, 2, 28));
        assert_eq!(erasure_due(d(2027, 8, 31), 6), d(2028, 2, 29));
        assert_eq!(erasure_due(d(2028, 2, 29), 12), d(2029, 2, 28));
    }

    fn any_move() -> impl Strategy<Value = LifeMove> {
        prop_oneof![
            Just(LifeMove::Hold),
            Just(LifeMove::Resume),
            Just(LifeMove::Withdraw),
            Just(LifeMove::Reopen),
            (0..CLOSURE_REASONS.len()).prop_map(|i| LifeMove::Close {
                reason: CLOSURE_REASONS[i].1
            }),
        ]
    }

    proptest! {
        /// Whatever is tried in whatever order: a refused move changes
        /// nothing; dates never go back; once closed, nothing more is
        /// recorded; and the state is always the one the last move left.
        #[test]
        fn moves_keep_the_history_in_order(
            tries in proptest::collection::vec((any_move(), 0u32..400, proptest::bool::ANY), 0..20),
            worked_i in 0usize..4,
        ) {
            let worked = [PlanStatus::OptionsOpen, PlanStatus::StayTrack, PlanStatus::Monitoring, PlanStatus::Departed][worked_i].clone();
            let mut life = Lifecycle::default();
            for (kind, day, with_note) in tries {
                let on = d(2026, 1, 10) + chrono::Duration::days(day as i64);
                let before = life.clone();
                let note = if with_note { "why" } else { "" };
                match record(&mut life, kind, &on.to_string(), note, &worked) {
                    Ok(()) => {
                        prop_assert!(!before.is_closed());
                        prop_assert_eq!(life.events.len(), before.events.len() + 1);
                        prop_assert!(before.events.last().is_none_or(|l| l.on <= on));
                        prop_assert!(on <= now().date_naive());
                    }
                    Err(problems) => {
                        prop_assert!(!problems.is_empty());
                        prop_assert_eq!(&life, &before);
                    }
                }
                let expected = match life.events.last().map(|e| e.kind) {
                    None | Some(LifeMove::Resume | LifeMove::Reopen) => "open",
                    Some(LifeMove::Hold) => "hold",
                    Some(LifeMove::Withdraw) => "withdrawn",
                    Some(LifeMove::Close { .. }) => "closed",
                };
                let state = match life.state() {
                    LifeState::Open => "open",
                    LifeState::OnHold { .. } => "hold",
                    LifeState::Withdrawn { .. } => "withdrawn",
                    LifeState::Closed { .. } => "closed",
                };
                prop_assert_eq!(state, expected);
            }
        }
    }
}
