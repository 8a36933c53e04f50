//! The client's future options and their decision (domain.md §3 S3–S4, §4).
//! All options stay open until a decision; return is never pre-selected.

use super::case::Minority;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FutureOption {
    /// Stay and regularise (in NL: B8/3 permit, asylum, other grounds).
    Stay,
    /// Safe voluntary return with IOM.
    Return,
    /// Onward migration or resettlement to a third country.
    Onward,
}

impl FutureOption {
    /// In this order on screen: return is never first, never pre-selected.
    pub const ALL: [FutureOption; 3] = [
        FutureOption::Stay,
        FutureOption::Onward,
        FutureOption::Return,
    ];
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Feasibility {
    Unknown,
    Feasible,
    Difficult,
    NotFeasible,
}

/// What was said about one option, over the sessions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OptionNotes {
    pub option: FutureOption,
    pub wishes: String,
    pub fears: String,
    pub legal_prerequisites: String,
    pub feasibility: Feasibility,
    /// Topics explained to the client, and when.
    pub information_given: Vec<(String, NaiveDate)>,
}

/// What the client chose — or the realities that are recorded without
/// planning toward them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "choice", content = "option")]
pub enum Choice {
    Option(FutureOption),
    Undecided,
    LeftUnknownDestination,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    pub choice: Choice,
    pub decided_on: NaiveDate,
    /// The counsellor records that the choice is free and informed (IOM
    /// AVRR voluntariness: freedom of choice and an informed decision).
    pub free_and_informed: bool,
    /// Doubt about the client's capacity to decide: needs a professional
    /// assessment first.
    pub capacity_in_doubt: bool,
    /// A best-interests determination for a (possible) minor, and when.
    pub best_interests_determined_on: Option<NaiveDate>,
}

/// What a decision still lacks before the plan can go on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "missing")]
pub enum DecisionMissing {
    /// The client has not chosen an option (undecided, or left).
    NoOptionChosen,
    FreeAndInformedStatement,
    CapacityAssessment,
    /// A minor (or possibly one) needs a best-interests determination
    /// before a decision to return or to move on.
    BestInterestsDetermination,
}

/// What is missing for `decision` to carry the plan, given whether the
/// client is a minor.
pub fn decision_missing(decision: &Decision, minority: Minority) -> Vec<DecisionMissing> {
    let mut missing = Vec::new();
    let Choice::Option(option) = decision.choice else {
        return vec![DecisionMissing::NoOptionChosen];
    };
    if !decision.free_and_informed {
        missing.push(DecisionMissing::FreeAndInformedStatement);
    }
    if decision.capacity_in_doubt {
        missing.push(DecisionMissing::CapacityAssessment);
    }
    let bid_before = decision
        .best_interests_determined_on
        .is_some_and(|d| d <= decision.decided_on);
    // Leaving the country (return or onward) is a durable solution that
    // needs a best-interests determination for a child (§3 S4).
    if option != FutureOption::Stay && minority != Minority::Adult && !bid_before {
        missing.push(DecisionMissing::BestInterestsDetermination);
    }
    missing
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, day).unwrap()
    }

    fn decision(choice: Choice) -> Decision {
        Decision {
            choice,
            decided_on: d(10),
            free_and_informed: true,
            capacity_in_doubt: false,
            best_interests_determined_on: None,
        }
    }

    #[test]
    fn return_is_never_offered_first() {
        assert_ne!(FutureOption::ALL[0], FutureOption::Return);
    }

    #[test]
    fn what_a_decision_needs() {
        let ret = Choice::Option(FutureOption::Return);
        assert_eq!(decision_missing(&decision(ret), Minority::Adult), vec![]);
        assert_eq!(
            decision_missing(&decision(Choice::Undecided), Minority::Adult),
            vec![DecisionMissing::NoOptionChosen]
        );
        assert_eq!(
            decision_missing(&decision(Choice::LeftUnknownDestination), Minority::Adult),
            vec![DecisionMissing::NoOptionChosen]
        );
        let mut not_free = decision(ret);
        not_free.free_and_informed = false;
        not_free.capacity_in_doubt = true;
        assert_eq!(
            decision_missing(&not_free, Minority::Adult),
            vec![
                DecisionMissing::FreeAndInformedStatement,
                DecisionMissing::CapacityAssessment
            ]
        );
        // A minor, or someone who may be one, needs a BID before return…
        for m in [Minority::Minor, Minority::Unclear] {
            assert_eq!(
                decision_missing(&decision(ret), m),
                vec![DecisionMissing::BestInterestsDetermination]
            );
        }
        // …made before the decision, not after it.
        let mut with_bid = decision(ret);
        with_bid.best_interests_determined_on = Some(d(12));
        assert_eq!(decision_missing(&with_bid, Minority::Minor).len(), 1);
        with_bid.best_interests_determined_on = Some(d(8));
        assert_eq!(decision_missing(&with_bid, Minority::Minor), vec![]);
        // Moving on is leaving too.
        assert_eq!(
            decision_missing(
                &decision(Choice::Option(FutureOption::Onward)),
                Minority::Minor
            ),
            vec![DecisionMissing::BestInterestsDetermination]
        );
        // Staying needs no BID.
        assert_eq!(
            decision_missing(
                &decision(Choice::Option(FutureOption::Stay)),
                Minority::Minor
            ),
            vec![]
        );
    }

    #[test]
    fn decisions_survive_a_serde_round_trip() {
        for choice in [
            Choice::Option(FutureOption::Onward),
            Choice::Undecided,
            Choice::LeftUnknownDestination,
        ] {
            let x = decision(choice);
            let back: Decision = serde_json::from_str(&serde_json::to_string(&x).unwrap()).unwrap();
            assert_eq!(back, x);
        }
    }
}
