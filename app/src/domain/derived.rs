//! What the rules derive from a plan's sections (the ILO result, the risk
//! level, the budget, the milestones, a step's state, the plan's stage),
//! and which sections each is computed from.
//!
//! A reader who may not read one of those sections (an IOM mission the
//! client did not consent to share it with) is not shown the figure at
//! all: computed from the blanks they hold, it would be a lie ("not
//! consistent with trafficking" for a screening they cannot see), and
//! computed from the whole plan, a leak. Screens, exports, print views and
//! lists ask [`Derived::shown_to`] and say "not shared with you" instead.
//!
//! The source lists are checked by a test: blanking any section outside a
//! figure's sources never changes the figure.

use super::case_file::Step;
use super::policy::Section;

/// A figure computed from the sections of a plan.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Derived {
    /// The screening result (ILO indicators).
    Screening,
    /// What the decision still lacks (a child's needs a best-interests
    /// determination: the client's age counts).
    DecisionMissing,
    /// The risks' levels and the overall level.
    RiskLevel,
    /// The risk gate as it stands today.
    RiskGate,
    /// The reintegration budget against the programme's caps (on the
    /// planned departure).
    Budget,
    /// The plan's milestones, dated from first contact, the decision, the
    /// departure and the arrival.
    Milestones,
    /// The plan's stage, whether it is ready for handover and what still
    /// blocks it (the caseload's and the inbox's stage too).
    Stage,
    /// Whether a step is empty, started, complete or does not apply.
    StepState(Step),
}

use Section::*;

const STAGE: &[Section] = &[
    Client,
    Consent,
    Decision,
    Risk,
    Reintegration,
    Travel,
    Milestones,
];
const MILESTONES: &[Section] = &[Milestones, Client, Decision, Travel];

impl Derived {
    /// Every figure: those of the whole plan, and each step's state.
    pub fn all() -> impl Iterator<Item = Derived> {
        [
            Derived::Screening,
            Derived::DecisionMissing,
            Derived::RiskLevel,
            Derived::RiskGate,
            Derived::Budget,
            Derived::Milestones,
            Derived::Stage,
        ]
        .into_iter()
        .chain(Step::ALL.into_iter().map(Derived::StepState))
    }

    /// The sections the figure is computed from.
    pub fn sources(self) -> &'static [Section] {
        match self {
            // The list is chosen by the client's age on the day.
            Derived::Screening => &[Screening, Client],
            Derived::DecisionMissing => &[Decision, Client],
            Derived::RiskLevel | Derived::RiskGate => &[Risk],
            // Eligibility is judged on the client's nationality and status.
            Derived::Budget => &[Reintegration, Travel, Client],
            Derived::Milestones => MILESTONES,
            Derived::Stage | Derived::StepState(Step::Review) => STAGE,
            Derived::StepState(step) => match step {
                Step::FirstContact => &[Client],
                Step::Consent => &[Consent],
                Step::Identification => &[Screening],
                Step::Options => &[Options],
                Step::Decision => &[Decision, Client],
                // Whether the return track applies is the decision's.
                // The gate is judged on the day of departure once the
                // client left (a travel step or a milestone says so).
                Step::Risk => &[Risk, Decision, Travel, Milestones],
                Step::Reintegration => &[Reintegration, Decision, Travel, Client],
                Step::Travel => &[Travel, Decision],
                Step::Milestones => MILESTONES,
                Step::Review => STAGE,
            },
        }
    }

    /// Whether a reader of `readable` may see the figure.
    pub fn shown_to(self, readable: &[Section]) -> bool {
        self.sources().iter().all(|s| readable.contains(s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn everything_is_shown_to_a_reader_of_every_section() {
        let all = Section::ALL;
        for d in Derived::all() {
            assert!(d.shown_to(&all), "{d:?}");
            assert!(!d.shown_to(&[]), "{d:?}");
        }
    }

    #[test]
    fn the_screening_result_needs_the_screening_and_the_clients_age() {
        for needed in [Section::Screening, Section::Client] {
            let without: Vec<Section> = Section::ALL.into_iter().filter(|s| *s != needed).collect();
            assert!(!Derived::Screening.shown_to(&without), "{needed:?}");
        }
        assert!(Derived::Screening.shown_to(&[Section::Screening, Section::Client]));
    }

    #[test]
    fn the_stage_needs_every_section_a_handover_needs_and_the_milestones() {
        for s in super::super::plan::HANDOVER_SECTIONS {
            assert!(Derived::Stage.sources().contains(&s), "{s:?}");
        }
        assert!(Derived::Stage.sources().contains(&Section::Milestones));
        // The screening and the options do not move the stage.
        assert!(!Derived::Stage.sources().contains(&Section::Screening));
        assert!(!Derived::Stage.sources().contains(&Section::Options));
    }
}
