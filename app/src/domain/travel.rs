//! Travel steps (domain.md §8): a checklist from programme application to
//! confirmed arrival, each step with owner, due date, status and evidence.
//! Steps that commit to travel stay blocked while the risk gate is not
//! passed.

use super::milestones::Owner;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A catalogue entry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TravelStepTemplate {
    pub id: String,
    pub title: String,
    pub owner: Owner,
    /// Blocked until the risk gate is passed.
    pub gated: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "status")]
pub enum StepStatus {
    Pending,
    InProgress,
    Done { on: NaiveDate },
    Blocked { reason: String },
    NotApplicable { reason: String },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TravelStep {
    pub template_id: String,
    pub title: String,
    pub owner: Owner,
    pub gated: bool,
    pub due: Option<NaiveDate>,
    pub status: StepStatus,
    pub evidence: Option<String>,
    /// The version of the checklist catalogue it came from.
    pub catalogue_version: String,
}

/// The checklist for a plan, from the catalogue.
pub fn checklist(templates: &[TravelStepTemplate], catalogue_version: &str) -> Vec<TravelStep> {
    templates
        .iter()
        .map(|t| TravelStep {
            template_id: t.id.clone(),
            title: t.title.clone(),
            owner: t.owner,
            gated: t.gated,
            due: None,
            status: StepStatus::Pending,
            evidence: None,
            catalogue_version: catalogue_version.to_string(),
        })
        .collect()
}

/// Why a step's status may not be changed now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepRefusal {
    /// The step commits to travel and the risk gate is not passed.
    RiskGateNotPassed,
    /// Done needs an evidence note (what, where, reference).
    EvidenceRequired,
    /// Blocked or not applicable needs a reason.
    ReasonRequired,
}

/// Whether `step` may take `status` now.
pub fn may_set(
    step: &TravelStep,
    status: &StepStatus,
    gate_passed: bool,
) -> Result<(), StepRefusal> {
    // Setting a gated step aside counts as moving past it too.
    let moving_on = matches!(
        status,
        StepStatus::InProgress | StepStatus::Done { .. } | StepStatus::NotApplicable { .. }
    );
    if step.gated && moving_on && !gate_passed {
        return Err(StepRefusal::RiskGateNotPassed);
    }
    if matches!(status, StepStatus::Done { .. })
        && step.evidence.as_deref().is_none_or(|e| e.trim().is_empty())
    {
        return Err(StepRefusal::EvidenceRequired);
    }
    if let StepStatus::NotApplicable { reason } | StepStatus::Blocked { reason } = status {
        if reason.trim().is_empty() {
            return Err(StepRefusal::ReasonRequired);
        }
    }
    Ok(())
}

/// Whether a step is done (or does not apply).
pub fn is_settled(step: &TravelStep) -> bool {
    matches!(
        step.status,
        StepStatus::Done { .. } | StepStatus::NotApplicable { .. }
    )
}

/// The settled step with this template id, if any.
pub fn step_done(steps: &[TravelStep], template_id: &str) -> bool {
    steps
        .iter()
        .any(|s| s.template_id == template_id && is_settled(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn templates() -> Vec<TravelStepTemplate> {
        vec![
            TravelStepTemplate {
                id: "T4".into(),
                title: "Travel document".into(),
                owner: Owner::Iom,
                gated: false,
            },
            TravelStepTemplate {
                id: "T8".into(),
                title: "Booking".into(),
                owner: Owner::Iom,
                gated: true,
            },
        ]
    }

    #[test]
    fn booking_waits_for_the_risk_gate_and_done_needs_evidence() {
        let mut steps = checklist(&templates(), "test.1");
        let done = StepStatus::Done {
            on: NaiveDate::from_ymd_opt(2026, 11, 20).unwrap(),
        };
        assert_eq!(
            may_set(&steps[1], &StepStatus::InProgress, false),
            Err(StepRefusal::RiskGateNotPassed)
        );
        assert_eq!(may_set(&steps[1], &StepStatus::InProgress, true), Ok(()));
        assert_eq!(
            may_set(
                &steps[1],
                &StepStatus::Blocked {
                    reason: "waiting for the trial date".into()
                },
                false
            ),
            Ok(()),
            "recording why it waits is always possible"
        );
        assert_eq!(
            may_set(
                &steps[1],
                &StepStatus::NotApplicable {
                    reason: "flies alone".into()
                },
                false
            ),
            Err(StepRefusal::RiskGateNotPassed),
            "a gated step cannot be set aside to get round the gate"
        );
        assert_eq!(
            may_set(
                &steps[0],
                &StepStatus::NotApplicable { reason: " ".into() },
                false
            ),
            Err(StepRefusal::ReasonRequired)
        );
        assert_eq!(
            may_set(&steps[0], &done, false),
            Err(StepRefusal::EvidenceRequired)
        );
        steps[0].evidence = Some("Laissez-passer no. 1234 from the embassy".into());
        assert_eq!(may_set(&steps[0], &done, false), Ok(()));
        steps[0].status = done;
        assert!(step_done(&steps, "T4"));
        assert!(!step_done(&steps, "T8"));
    }
}
