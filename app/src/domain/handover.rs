//! A handover of a return plan to an IOM mission (domain.md §3 S8), and the
//! conversation around it: the mission accepts it, rejects it with a
//! reason, or asks a question the counsellor answers; the counsellor may
//! withdraw it. Each move is allowed to one side, from some statuses only,
//! and a move that needs words (a reason, a question, an answer) refuses
//! to go without them.

use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};

/// Where a handover stands, as the mission's inbox shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HandoverStatus {
    /// Handed over, not yet looked at (or answered, and waiting again).
    New,
    /// The mission asked a question; waiting for the counsellor.
    NeedsInformation,
    /// The mission works the plan.
    Accepted,
    Rejected,
    /// Taken back by the counselling side.
    Withdrawn,
}

impl HandoverStatus {
    pub const ALL: [HandoverStatus; 5] = [
        HandoverStatus::New,
        HandoverStatus::NeedsInformation,
        HandoverStatus::Accepted,
        HandoverStatus::Rejected,
        HandoverStatus::Withdrawn,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            HandoverStatus::New => "new",
            HandoverStatus::NeedsInformation => "needs_information",
            HandoverStatus::Accepted => "accepted",
            HandoverStatus::Rejected => "rejected",
            HandoverStatus::Withdrawn => "withdrawn",
        }
    }

    pub fn from_slug(slug: &str) -> Option<HandoverStatus> {
        HandoverStatus::ALL.into_iter().find(|s| s.slug() == slug)
    }

    /// Whether the mission holds the plan (it may read what was shared,
    /// and a second handover of the case is not possible).
    pub fn is_active(self) -> bool {
        matches!(
            self,
            HandoverStatus::New | HandoverStatus::NeedsInformation | HandoverStatus::Accepted
        )
    }

    /// Whose turn it is: the mission's (true) or the counsellor's.
    pub fn waits_on_mission(self) -> bool {
        self == HandoverStatus::New
    }
}

/// The two sides of a handover.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    /// The counselling organisation that made the plan.
    Counselling,
    /// The IOM mission it was handed to.
    Mission,
}

/// What one side does to a handover.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "move")]
pub enum HandoverMove {
    Accept,
    Reject { reason: String },
    AskInformation { question: String },
    Answer { text: String },
    Withdraw { reason: String },
}

impl HandoverMove {
    pub fn slug(&self) -> &'static str {
        match self {
            HandoverMove::Accept => "accept",
            HandoverMove::Reject { .. } => "reject",
            HandoverMove::AskInformation { .. } => "ask",
            HandoverMove::Answer { .. } => "answer",
            HandoverMove::Withdraw { .. } => "withdraw",
        }
    }

    /// The words the move carries into the conversation, if any.
    pub fn text(&self) -> Option<&str> {
        match self {
            HandoverMove::Accept => None,
            HandoverMove::Reject { reason } | HandoverMove::Withdraw { reason } => Some(reason),
            HandoverMove::AskInformation { question } => Some(question),
            HandoverMove::Answer { text } => Some(text),
        }
    }

    fn side(&self) -> Side {
        match self {
            HandoverMove::Accept
            | HandoverMove::Reject { .. }
            | HandoverMove::AskInformation { .. } => Side::Mission,
            HandoverMove::Answer { .. } | HandoverMove::Withdraw { .. } => Side::Counselling,
        }
    }
}

/// The longest message a move may carry.
pub const MAX_TEXT: usize = 4_000;

/// Why a move cannot be made.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MoveRefusal {
    /// The other side makes this move.
    NotYourMove,
    /// Not from the handover's current status.
    NotNow,
    /// A reason, question or answer is needed.
    TextRequired,
    TextTooLong,
}

/// The status after `side` makes `mv` on a handover at `status`.
pub fn make_move(
    status: HandoverStatus,
    side: Side,
    mv: &HandoverMove,
) -> Result<HandoverStatus, MoveRefusal> {
    use HandoverStatus::*;
    if mv.side() != side {
        return Err(MoveRefusal::NotYourMove);
    }
    if let Some(text) = mv.text() {
        if text.trim().is_empty() {
            return Err(MoveRefusal::TextRequired);
        }
        if text.chars().count() > MAX_TEXT {
            return Err(MoveRefusal::TextTooLong);
        }
    }
    let next = match (mv, status) {
        (HandoverMove::Accept, New | NeedsInformation) => Accepted,
        (HandoverMove::Reject { .. }, New | NeedsInformation) => Rejected,
        (HandoverMove::AskInformation { .. }, New | NeedsInformation) => NeedsInformation,
        (HandoverMove::Answer { .. }, NeedsInformation) => New,
        (HandoverMove::Withdraw { .. }, New | NeedsInformation | Accepted) => Withdrawn,
        _ => return Err(MoveRefusal::NotNow),
    };
    Ok(next)
}

/// How many days before the planned departure the client must be
/// registered for reintegration support with the partner (domain.md §8,
/// T5/M9).
pub const REGISTRATION_LEAD_DAYS: i64 = 28;

/// The last day to register the client for reintegration support.
pub fn registration_deadline(planned_departure: NaiveDate) -> Option<NaiveDate> {
    planned_departure.checked_sub_signed(Duration::days(REGISTRATION_LEAD_DAYS))
}

/// How a deadline stands on `today`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeadlineState {
    Overdue,
    /// Within the next 14 days (today included).
    DueSoon,
    Later,
}

/// Days ahead within which a deadline is "due soon".
pub const DUE_SOON_DAYS: i64 = 14;

pub fn deadline_state(due: NaiveDate, today: NaiveDate) -> DeadlineState {
    let days = (due - today).num_days();
    if days < 0 {
        DeadlineState::Overdue
    } else if days <= DUE_SOON_DAYS {
        DeadlineState::DueSoon
    } else {
        DeadlineState::Later
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use HandoverStatus::*;

    fn ask(q: &str) -> HandoverMove {
        HandoverMove::AskInformation { question: q.into() }
    }
    fn answer(t: &str) -> HandoverMove {
        HandoverMove::Answer { text: t.into() }
    }
    fn reject(r: &str) -> HandoverMove {
        HandoverMove::Reject { reason: r.into() }
    }
    fn withdraw(r: &str) -> HandoverMove {
        HandoverMove::Withdraw { reason: r.into() }
    }

    #[test]
    fn the_conversation_of_a_handover() {
        // (from, side, move, outcome)
        let table: Vec<(
            HandoverStatus,
            Side,
            HandoverMove,
            Result<HandoverStatus, MoveRefusal>,
        )> = vec![
            (New, Side::Mission, HandoverMove::Accept, Ok(Accepted)),
            (
                New,
                Side::Mission,
                ask("Is the passport with the police?"),
                Ok(NeedsInformation),
            ),
            (
                NeedsInformation,
                Side::Mission,
                ask("And the photos?"),
                Ok(NeedsInformation),
            ),
            (
                NeedsInformation,
                Side::Counselling,
                answer("Yes, until March."),
                Ok(New),
            ),
            (
                NeedsInformation,
                Side::Mission,
                HandoverMove::Accept,
                Ok(Accepted),
            ),
            (
                New,
                Side::Mission,
                reject("Outside our mandate"),
                Ok(Rejected),
            ),
            (
                NeedsInformation,
                Side::Mission,
                reject("No answer in 3 weeks"),
                Ok(Rejected),
            ),
            (
                New,
                Side::Counselling,
                withdraw("Client changed her mind"),
                Ok(Withdrawn),
            ),
            (
                Accepted,
                Side::Counselling,
                withdraw("Client withdrew"),
                Ok(Withdrawn),
            ),
            (
                NeedsInformation,
                Side::Counselling,
                withdraw("Other mission"),
                Ok(Withdrawn),
            ),
            // Not from here.
            (
                Accepted,
                Side::Mission,
                HandoverMove::Accept,
                Err(MoveRefusal::NotNow),
            ),
            (
                Accepted,
                Side::Mission,
                reject("late"),
                Err(MoveRefusal::NotNow),
            ),
            (
                New,
                Side::Counselling,
                answer("unasked"),
                Err(MoveRefusal::NotNow),
            ),
            (
                Rejected,
                Side::Mission,
                HandoverMove::Accept,
                Err(MoveRefusal::NotNow),
            ),
            (
                Withdrawn,
                Side::Mission,
                HandoverMove::Accept,
                Err(MoveRefusal::NotNow),
            ),
            (
                Rejected,
                Side::Counselling,
                withdraw("x"),
                Err(MoveRefusal::NotNow),
            ),
            (
                Withdrawn,
                Side::Counselling,
                withdraw("again"),
                Err(MoveRefusal::NotNow),
            ),
            // Not this side's move.
            (
                New,
                Side::Counselling,
                HandoverMove::Accept,
                Err(MoveRefusal::NotYourMove),
            ),
            (
                NeedsInformation,
                Side::Mission,
                answer("self"),
                Err(MoveRefusal::NotYourMove),
            ),
            (
                New,
                Side::Mission,
                withdraw("not ours"),
                Err(MoveRefusal::NotYourMove),
            ),
            // Words are needed.
            (
                New,
                Side::Mission,
                reject("  "),
                Err(MoveRefusal::TextRequired),
            ),
            (New, Side::Mission, ask(""), Err(MoveRefusal::TextRequired)),
            (
                NeedsInformation,
                Side::Counselling,
                answer("\n"),
                Err(MoveRefusal::TextRequired),
            ),
            (
                New,
                Side::Counselling,
                withdraw(""),
                Err(MoveRefusal::TextRequired),
            ),
        ];
        for (from, side, mv, expected) in table {
            assert_eq!(
                make_move(from, side, &mv),
                expected,
                "{from:?} {side:?} {mv:?}"
            );
        }
        let long = "x".repeat(MAX_TEXT + 1);
        assert_eq!(
            make_move(New, Side::Mission, &ask(&long)),
            Err(MoveRefusal::TextTooLong)
        );
    }

    fn any_status() -> impl Strategy<Value = HandoverStatus> {
        prop::sample::select(HandoverStatus::ALL.to_vec())
    }

    fn any_move() -> impl Strategy<Value = HandoverMove> {
        let text = prop_oneof![Just(String::new()), "[a-z ]{1,20}"];
        prop_oneof![
            Just(HandoverMove::Accept),
            text.clone()
                .prop_map(|reason| HandoverMove::Reject { reason }),
            text.clone()
                .prop_map(|question| HandoverMove::AskInformation { question }),
            text.clone().prop_map(|text| HandoverMove::Answer { text }),
            text.prop_map(|reason| HandoverMove::Withdraw { reason }),
        ]
    }

    proptest! {
        /// Closed handovers stay closed, and nothing reopens one: whatever
        /// is tried, by whichever side, on a rejected or withdrawn handover
        /// is refused.
        #[test]
        fn closed_handovers_stay_closed(
            moves in prop::collection::vec((any_move(), prop::bool::ANY), 0..20),
            start in any_status(),
        ) {
            let mut at = start;
            for (mv, mission) in moves {
                let side = if mission { Side::Mission } else { Side::Counselling };
                if let Ok(next) = make_move(at, side, &mv) {
                    prop_assert!(at.is_active(), "{at:?} moved to {next:?}");
                    at = next;
                }
            }
        }

        /// Only the mission takes a plan on; only the counselling side takes
        /// it back.
        #[test]
        fn each_side_has_its_own_moves(start in any_status(), mv in any_move()) {
            if let Ok(next) = make_move(start, Side::Counselling, &mv) {
                prop_assert!(matches!(next, New | Withdrawn));
            }
            if let Ok(next) = make_move(start, Side::Mission, &mv) {
                prop_assert!(next != Withdrawn && next != New);
            }
        }
    }

    #[test]
    fn registration_is_due_four_weeks_before_departure() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        assert_eq!(registration_deadline(d(2027, 3, 1)), Some(d(2027, 2, 1)));
        let due = d(2027, 2, 1);
        assert_eq!(deadline_state(due, d(2027, 2, 2)), DeadlineState::Overdue);
        assert_eq!(deadline_state(due, d(2027, 2, 1)), DeadlineState::DueSoon);
        assert_eq!(deadline_state(due, d(2027, 1, 18)), DeadlineState::DueSoon);
        assert_eq!(deadline_state(due, d(2027, 1, 17)), DeadlineState::Later);
        assert_eq!(registration_deadline(NaiveDate::MIN), None);
    }

    #[test]
    fn statuses_have_stable_names() {
        for s in HandoverStatus::ALL {
            assert_eq!(HandoverStatus::from_slug(s.slug()), Some(s));
        }
        assert_eq!(HandoverStatus::from_slug("open"), None);
    }
}
