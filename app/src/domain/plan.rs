//! The plan's status machine (domain.md §3): from draft to closure, with
//! side states. Every move is a function that returns the next status or
//! the complete, typed list of what is missing.
//!
//! Each status has *entry requirements*, checked on every move into it
//! whatever the move comes from (resuming from "on hold" included), so no
//! path reaches "handed over" or "travel booked" around a gate.

use super::case::Minority;
use super::consent::{may_share, may_store, Consent};
use super::options::{decision_missing, Choice, Decision, DecisionMissing, FutureOption};
use super::policy::Section;
use super::risk::{Gate, GateMissing};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// Why a plan was closed (IOM case closure reasons, §3 S12).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClosureReason {
    PlanCompleted,
    SupportPeriodEnded,
    ClientStopped,
    MovedAway,
    ReMigrated,
    Unreachable,
    Died,
    FundingEnded,
    /// The client stays and regularises (the stay track concluded).
    Stayed,
    /// The client moved on to another country (the onward track concluded).
    MovedOn,
    /// Another organisation took the client's case over.
    Transferred,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "status")]
pub enum PlanStatus {
    Draft,
    OptionsOpen,
    Decided,
    RiskAssessed,
    ApprovedForReturn,
    HandedOver {
        mission_id: String,
    },
    TravelBooked,
    Departed,
    Arrived,
    Reintegration,
    Monitoring,
    Closed {
        reason: ClosureReason,
    },
    /// Paused; resuming moves back to `previous` (its requirements again).
    OnHold {
        previous: Box<PlanStatus>,
    },
    WithdrawnByClient,
    NoGoHighRisk,
    StayTrack,
    OnwardTrack,
}

impl PlanStatus {
    /// The status's name without its details ("handed_over"), as stored
    /// for the caseload and used in its filters.
    pub fn slug(&self) -> &'static str {
        match self {
            PlanStatus::Draft => "draft",
            PlanStatus::OptionsOpen => "options_open",
            PlanStatus::Decided => "decided",
            PlanStatus::RiskAssessed => "risk_assessed",
            PlanStatus::ApprovedForReturn => "approved_for_return",
            PlanStatus::HandedOver { .. } => "handed_over",
            PlanStatus::TravelBooked => "travel_booked",
            PlanStatus::Departed => "departed",
            PlanStatus::Arrived => "arrived",
            PlanStatus::Reintegration => "reintegration",
            PlanStatus::Monitoring => "monitoring",
            PlanStatus::Closed { .. } => "closed",
            PlanStatus::OnHold { .. } => "on_hold",
            PlanStatus::WithdrawnByClient => "withdrawn_by_client",
            PlanStatus::NoGoHighRisk => "no_go_high_risk",
            PlanStatus::StayTrack => "stay_track",
            PlanStatus::OnwardTrack => "onward_track",
        }
    }
}

/// The stages a case can stand at, in the order of a return (the
/// caseload's filter and the dashboard's funnel), the side tracks last.
pub const STAGES: [&str; 17] = [
    "draft",
    "options_open",
    "decided",
    "risk_assessed",
    "approved_for_return",
    "handed_over",
    "travel_booked",
    "departed",
    "arrived",
    "reintegration",
    "monitoring",
    "closed",
    "no_go_high_risk",
    "stay_track",
    "onward_track",
    "on_hold",
    "withdrawn_by_client",
];

/// Everything a move may need to know, gathered by the caller.
#[derive(Clone, Debug)]
pub struct PlanFacts<'a> {
    pub now: DateTime<Utc>,
    pub consents: &'a [Consent],
    pub decision: Option<&'a Decision>,
    pub minority: Minority,
    /// The risk gate as judged now (`None`: no assessment yet).
    pub risk_gate: Option<Gate>,
    /// The sections of the plan that are complete.
    pub complete_sections: BTreeSet<Section>,
    pub travel_document_ready: bool,
    pub reintegration_registered: bool,
    pub departure_confirmed: bool,
    pub arrival_confirmed: bool,
}

/// The sections an IOM mission needs to receive a plan.
pub const HANDOVER_SECTIONS: [Section; 6] = [
    Section::Client,
    Section::Consent,
    Section::Decision,
    Section::Risk,
    Section::Reintegration,
    Section::Travel,
];

/// What stands in the way of a move, each item specific.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "missing")]
pub enum Missing {
    /// This move does not exist from the current status.
    NotAllowedFrom,
    ConsentToStore,
    NoDecision,
    Decision {
        what: DecisionMissing,
    },
    /// The decision is not for return (or not for this track).
    ChoiceIsNot {
        option: FutureOption,
    },
    NoRiskAssessment,
    Risk {
        what: GateMissing,
    },
    /// High risks nothing mitigates: return cannot go ahead.
    NoGo {
        risks: Vec<String>,
    },
    NoConsentToShare {
        recipient: String,
        section: Section,
    },
    SectionIncomplete {
        section: Section,
    },
    /// No IOM mission is named to take the plan over.
    MissionNotChosen,
    /// The budget is checked against a cap the catalogue does not know,
    /// and no supervisor has accepted it as it stands.
    BudgetNotAccepted,
    TravelDocument,
    ReintegrationRegistration,
    DepartureConfirmation,
    ArrivalConfirmation,
}

fn decision_ok(facts: &PlanFacts, option: Option<FutureOption>) -> Vec<Missing> {
    let Some(decision) = facts.decision else {
        return vec![Missing::NoDecision];
    };
    let mut missing: Vec<Missing> = decision_missing(decision, facts.minority)
        .into_iter()
        .map(|what| Missing::Decision { what })
        .collect();
    if let Some(option) = option {
        if decision.choice != Choice::Option(option) {
            missing.push(Missing::ChoiceIsNot { option });
        }
    }
    missing
}

fn gate_ok(facts: &PlanFacts) -> Vec<Missing> {
    match &facts.risk_gate {
        None => vec![Missing::NoRiskAssessment],
        Some(Gate::Passed) => vec![],
        Some(Gate::Blocked(what)) => what
            .iter()
            .cloned()
            .map(|what| Missing::Risk { what })
            .collect(),
        Some(Gate::NoGo(risks)) => vec![Missing::NoGo {
            risks: risks.clone(),
        }],
    }
}

/// The requirements of being in `status`, checked on every move into it.
/// Later statuses include the requirements of the gates before them.
pub fn entry_requirements(status: &PlanStatus, facts: &PlanFacts) -> Vec<Missing> {
    let store = || {
        if may_store(facts.consents, facts.now) {
            vec![]
        } else {
            vec![Missing::ConsentToStore]
        }
    };
    let mut m = Vec::new();
    match status {
        PlanStatus::Draft
        | PlanStatus::OnHold { .. }
        | PlanStatus::WithdrawnByClient
        | PlanStatus::Closed { .. } => {}
        PlanStatus::OptionsOpen => m.extend(store()),
        PlanStatus::Decided => {
            m.extend(store());
            m.extend(decision_ok(facts, None));
        }
        PlanStatus::StayTrack => {
            m.extend(store());
            m.extend(decision_ok(facts, Some(FutureOption::Stay)));
        }
        PlanStatus::OnwardTrack => {
            m.extend(store());
            m.extend(decision_ok(facts, Some(FutureOption::Onward)));
        }
        PlanStatus::RiskAssessed => {
            m.extend(store());
            m.extend(decision_ok(facts, Some(FutureOption::Return)));
            if facts.risk_gate.is_none() {
                m.push(Missing::NoRiskAssessment);
            }
        }
        PlanStatus::NoGoHighRisk => {
            if !matches!(facts.risk_gate, Some(Gate::NoGo(_))) {
                m.push(Missing::NotAllowedFrom);
            }
        }
        PlanStatus::ApprovedForReturn => {
            m.extend(store());
            m.extend(decision_ok(facts, Some(FutureOption::Return)));
            m.extend(gate_ok(facts));
        }
        PlanStatus::HandedOver { mission_id } => {
            m.extend(entry_requirements(&PlanStatus::ApprovedForReturn, facts));
            for section in HANDOVER_SECTIONS {
                if !may_share(facts.consents, mission_id, section, facts.now) {
                    m.push(Missing::NoConsentToShare {
                        recipient: mission_id.clone(),
                        section,
                    });
                }
                if !facts.complete_sections.contains(&section) {
                    m.push(Missing::SectionIncomplete { section });
                }
            }
        }
        PlanStatus::TravelBooked => {
            m.extend(entry_requirements(&PlanStatus::ApprovedForReturn, facts));
            if !facts.travel_document_ready {
                m.push(Missing::TravelDocument);
            }
            if !facts.reintegration_registered {
                m.push(Missing::ReintegrationRegistration);
            }
        }
        PlanStatus::Departed => {
            // The gate again: an assessment gone stale, or a new threat,
            // after booking stops the departure.
            m.extend(gate_ok(facts));
            if !facts.departure_confirmed {
                m.push(Missing::DepartureConfirmation);
            }
        }
        PlanStatus::Arrived | PlanStatus::Reintegration | PlanStatus::Monitoring => {
            if !facts.arrival_confirmed {
                m.push(Missing::ArrivalConfirmation);
            }
        }
    }
    m
}

/// Whether the machine has an edge from `from` to `to` at all.
fn edge(from: &PlanStatus, to: &PlanStatus) -> bool {
    use PlanStatus::*;
    match (from, to) {
        (Closed { .. }, _) => false,
        // Withdrawing, closing and pausing are possible from any open status.
        (WithdrawnByClient, WithdrawnByClient) => false,
        (_, WithdrawnByClient) => true,
        (_, Closed { .. }) => true,
        (OnHold { .. }, OnHold { .. }) => false,
        (_, OnHold { previous }) => **previous == *from,
        // A new threat or a stale assessment sends a return plan back to
        // the risk assessment (or to no-go) from wherever it stands.
        (
            ApprovedForReturn | HandedOver { .. } | TravelBooked | OnHold { .. },
            RiskAssessed | NoGoHighRisk,
        ) => true,
        (OnHold { previous }, to) => **previous == *to,
        (WithdrawnByClient, OptionsOpen) => true,
        (Draft, OptionsOpen) => true,
        (OptionsOpen, Decided) => true,
        (Decided, RiskAssessed | StayTrack | OnwardTrack | OptionsOpen) => true,
        (RiskAssessed, ApprovedForReturn | NoGoHighRisk | OptionsOpen) => true,
        (NoGoHighRisk, StayTrack | OnwardTrack | OptionsOpen | RiskAssessed) => true,
        (StayTrack | OnwardTrack, OptionsOpen) => true,
        (ApprovedForReturn, HandedOver { .. }) => true,
        // A handover is withdrawn back to approved.
        (HandedOver { .. }, TravelBooked | ApprovedForReturn) => true,
        (TravelBooked, Departed | HandedOver { .. }) => true,
        (Departed, Arrived) => true,
        (Arrived, Reintegration) => true,
        (Reintegration, Monitoring) => true,
        _ => false,
    }
}

/// Moves the plan from `from` to `to`, or says everything that is missing.
pub fn advance(
    from: &PlanStatus,
    to: PlanStatus,
    facts: &PlanFacts,
) -> Result<PlanStatus, Vec<Missing>> {
    if !edge(from, &to) {
        return Err(vec![Missing::NotAllowedFrom]);
    }
    let missing = entry_requirements(&to, facts);
    if missing.is_empty() {
        Ok(to)
    } else {
        Err(missing)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::consent::Purpose;
    use crate::domain::risk::GateMissing;
    use chrono::NaiveDate;
    use proptest::prelude::*;

    const IOM: &str = "iom-nl";

    fn now() -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000, 0).unwrap()
    }

    fn consent(purpose: Purpose) -> Consent {
        Consent {
            purpose,
            given_at: now() - chrono::Duration::days(10),
            language: "ti".into(),
            explained_by: "u-carla".into(),
            interpreter_used: true,
            expires_at: None,
            withdrawn_at: None,
        }
    }

    fn full_consents() -> Vec<Consent> {
        vec![
            consent(Purpose::StoreData),
            consent(Purpose::Share {
                recipient_organisation_id: IOM.into(),
                sections: HANDOVER_SECTIONS.into_iter().collect(),
            }),
        ]
    }

    fn return_decision() -> Decision {
        Decision {
            choice: Choice::Option(FutureOption::Return),
            decided_on: NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(),
            free_and_informed: true,
            capacity_in_doubt: false,
            best_interests_determined_on: None,
        }
    }

    fn facts<'a>(consents: &'a [Consent], decision: Option<&'a Decision>) -> PlanFacts<'a> {
        PlanFacts {
            now: now(),
            consents,
            decision,
            minority: Minority::Adult,
            risk_gate: Some(Gate::Passed),
            complete_sections: Section::ALL.into_iter().collect(),
            travel_document_ready: true,
            reintegration_registered: true,
            departure_confirmed: true,
            arrival_confirmed: true,
        }
    }

    #[test]
    fn every_status_has_its_place_in_the_list_of_stages() {
        let all = [
            PlanStatus::Draft,
            PlanStatus::OptionsOpen,
            PlanStatus::Decided,
            PlanStatus::RiskAssessed,
            PlanStatus::ApprovedForReturn,
            PlanStatus::HandedOver {
                mission_id: IOM.into(),
            },
            PlanStatus::TravelBooked,
            PlanStatus::Departed,
            PlanStatus::Arrived,
            PlanStatus::Reintegration,
            PlanStatus::Monitoring,
            PlanStatus::Closed {
                reason: ClosureReason::PlanCompleted,
            },
            PlanStatus::OnHold {
                previous: Box::new(PlanStatus::Draft),
            },
            PlanStatus::WithdrawnByClient,
            PlanStatus::NoGoHighRisk,
            PlanStatus::StayTrack,
            PlanStatus::OnwardTrack,
        ];
        let slugs: BTreeSet<&str> = all.iter().map(|s| s.slug()).collect();
        assert_eq!(slugs.len(), all.len(), "one name per status");
        assert_eq!(slugs, STAGES.into_iter().collect::<BTreeSet<_>>());
    }

    #[test]
    fn the_return_path_with_everything_in_place() {
        let consents = full_consents();
        let d = return_decision();
        let f = facts(&consents, Some(&d));
        let path = [
            PlanStatus::OptionsOpen,
            PlanStatus::Decided,
            PlanStatus::RiskAssessed,
            PlanStatus::ApprovedForReturn,
            PlanStatus::HandedOver {
                mission_id: IOM.into(),
            },
            PlanStatus::TravelBooked,
            PlanStatus::Departed,
            PlanStatus::Arrived,
            PlanStatus::Reintegration,
            PlanStatus::Monitoring,
            PlanStatus::Closed {
                reason: ClosureReason::PlanCompleted,
            },
        ];
        let mut at = PlanStatus::Draft;
        for next in path {
            at = advance(&at, next.clone(), &f).unwrap_or_else(|m| panic!("{next:?}: {m:?}"));
        }
        assert!(
            advance(&at, PlanStatus::OptionsOpen, &f).is_err(),
            "closed is final"
        );
    }

    #[test]
    fn a_refused_move_lists_everything_missing() {
        let consents = vec![consent(Purpose::StoreData)];
        let d = return_decision();
        let mut f = facts(&consents, Some(&d));
        f.risk_gate = Some(Gate::Blocked(vec![GateMissing::HighRiskWithoutMitigation(
            "R3".into(),
        )]));
        f.complete_sections.remove(&Section::Travel);
        let missing = advance(
            &PlanStatus::ApprovedForReturn,
            PlanStatus::HandedOver {
                mission_id: IOM.into(),
            },
            &f,
        )
        .unwrap_err();
        assert!(missing.contains(&Missing::Risk {
            what: GateMissing::HighRiskWithoutMitigation("R3".into())
        }));
        assert!(missing.contains(&Missing::NoConsentToShare {
            recipient: IOM.into(),
            section: Section::Risk
        }));
        assert!(missing.contains(&Missing::SectionIncomplete {
            section: Section::Travel
        }));
        assert_eq!(
            missing
                .iter()
                .filter(|m| matches!(m, Missing::NoConsentToShare { .. }))
                .count(),
            HANDOVER_SECTIONS.len()
        );
        // Not a move the machine has at all.
        assert_eq!(
            advance(&PlanStatus::Draft, PlanStatus::TravelBooked, &f),
            Err(vec![Missing::NotAllowedFrom])
        );
    }

    #[test]
    fn no_go_switches_track_and_a_minor_needs_a_bid() {
        let consents = full_consents();
        let d = return_decision();
        let mut f = facts(&consents, Some(&d));
        f.risk_gate = Some(Gate::NoGo(vec!["R1".into()]));
        assert_eq!(
            advance(&PlanStatus::RiskAssessed, PlanStatus::ApprovedForReturn, &f),
            Err(vec![Missing::NoGo {
                risks: vec!["R1".into()]
            }])
        );
        let at = advance(&PlanStatus::RiskAssessed, PlanStatus::NoGoHighRisk, &f).unwrap();
        // The stay track needs the client's decision to stay.
        assert!(advance(&at, PlanStatus::StayTrack, &f).is_err());
        let reopened = advance(&at, PlanStatus::OptionsOpen, &f).unwrap();
        assert_eq!(reopened, PlanStatus::OptionsOpen);
        f.minority = Minority::Unclear;
        f.risk_gate = Some(Gate::Passed);
        assert_eq!(
            advance(&PlanStatus::OptionsOpen, PlanStatus::Decided, &f),
            Err(vec![Missing::Decision {
                what: DecisionMissing::BestInterestsDetermination
            }])
        );
    }

    #[test]
    fn a_new_threat_sends_a_booked_plan_back_to_the_risk_assessment() {
        let consents = full_consents();
        let d = return_decision();
        let mut f = facts(&consents, Some(&d));
        f.risk_gate = Some(Gate::Blocked(vec![GateMissing::AssessmentStale]));
        assert_eq!(
            advance(&PlanStatus::TravelBooked, PlanStatus::Departed, &f),
            Err(vec![Missing::Risk {
                what: GateMissing::AssessmentStale
            }])
        );
        for from in [
            PlanStatus::ApprovedForReturn,
            PlanStatus::HandedOver {
                mission_id: IOM.into(),
            },
            PlanStatus::TravelBooked,
        ] {
            assert_eq!(
                advance(&from, PlanStatus::RiskAssessed, &f),
                Ok(PlanStatus::RiskAssessed)
            );
        }
        f.risk_gate = Some(Gate::NoGo(vec!["R2".into()]));
        assert_eq!(
            advance(&PlanStatus::TravelBooked, PlanStatus::NoGoHighRisk, &f),
            Ok(PlanStatus::NoGoHighRisk)
        );
    }

    #[test]
    fn on_hold_resumes_only_to_where_it_was_with_its_requirements() {
        let consents = full_consents();
        let d = return_decision();
        let mut f = facts(&consents, Some(&d));
        let held = PlanStatus::OnHold {
            previous: Box::new(PlanStatus::TravelBooked),
        };
        let at = advance(&PlanStatus::TravelBooked, held.clone(), &f).unwrap();
        assert!(advance(&at, PlanStatus::Departed, &f).is_err());
        assert!(
            advance(&at, PlanStatus::WithdrawnByClient, &f).is_ok(),
            "withdrawing while on hold"
        );
        f.risk_gate = Some(Gate::Blocked(vec![GateMissing::AssessmentStale]));
        assert_eq!(
            advance(&at, PlanStatus::TravelBooked, &f),
            Err(vec![Missing::Risk {
                what: GateMissing::AssessmentStale
            }])
        );
    }

    fn any_status() -> impl Strategy<Value = PlanStatus> {
        prop_oneof![
            Just(PlanStatus::Draft),
            Just(PlanStatus::OptionsOpen),
            Just(PlanStatus::Decided),
            Just(PlanStatus::RiskAssessed),
            Just(PlanStatus::ApprovedForReturn),
            Just(PlanStatus::HandedOver {
                mission_id: IOM.into()
            }),
            Just(PlanStatus::HandedOver {
                mission_id: "iom-be".into()
            }),
            Just(PlanStatus::TravelBooked),
            Just(PlanStatus::Departed),
            Just(PlanStatus::NoGoHighRisk),
            Just(PlanStatus::StayTrack),
            Just(PlanStatus::WithdrawnByClient),
        ]
    }

    fn any_gate() -> impl Strategy<Value = Option<Gate>> {
        prop_oneof![
            Just(None),
            Just(Some(Gate::Passed)),
            Just(Some(Gate::Blocked(vec![GateMissing::SupervisorApproval]))),
            Just(Some(Gate::NoGo(vec!["R1".into()]))),
        ]
    }

    proptest! {
        #[test]
        fn no_sequence_reaches_handover_or_booking_around_the_gates(
            steps in proptest::collection::vec((any_status(), any_gate(), any::<bool>(), any::<bool>(), any::<bool>()), 1..40)
        ) {
            let all = full_consents();
            let store_only = vec![consent(Purpose::StoreData)];
            let d = return_decision();
            let mut at = PlanStatus::Draft;
            for (to, gate, share, hold, complete) in steps {
                let consents: &[Consent] = if share { &all } else { &store_only };
                let mut f = facts(consents, Some(&d));
                f.risk_gate = gate;
                if !complete {
                    f.complete_sections.clear();
                }
                let to = if hold { PlanStatus::OnHold { previous: Box::new(at.clone()) } } else { to };
                if let Ok(next) = advance(&at, to, &f) {
                    match &next {
                        PlanStatus::HandedOver { mission_id } => {
                            prop_assert_eq!(&f.risk_gate, &Some(Gate::Passed));
                            for s in HANDOVER_SECTIONS {
                                prop_assert!(may_share(consents, mission_id, s, f.now));
                            }
                        }
                        PlanStatus::TravelBooked => prop_assert_eq!(&f.risk_gate, &Some(Gate::Passed)),
                        _ => {}
                    }
                    at = next;
                }
            }
            let back: PlanStatus = serde_json::from_str(&serde_json::to_string(&at).unwrap()).unwrap();
            prop_assert_eq!(back, at);
        }
    }
}
