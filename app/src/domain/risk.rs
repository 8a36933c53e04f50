//! The pre-return risk assessment (domain.md §6): risks by level with
//! likelihood × severity, the overall level, mitigations, validity, and the
//! gate that return must pass.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The level a risk factor sits at (IOM Determinants of Migrant
/// Vulnerability), plus threats aimed at this client.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FactorLevel {
    Individual,
    Household,
    Community,
    Structural,
    Threat,
}

/// A risk's level.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RiskLevel {
    Low,
    Medium,
    High,
}

/// Likelihood (1 unlikely, 2 possible, 3 likely) × severity (1 minor,
/// 2 serious, 3 life-threatening): 1–2 low, 3–4 medium, 6–9 high. A rating
/// outside 1–3 (not yet rated) counts as high: fail-safe, and the gate
/// asks for the rating.
pub fn item_level(likelihood: u8, severity: u8) -> RiskLevel {
    if !is_rated(likelihood, severity) {
        return RiskLevel::High;
    }
    match likelihood * severity {
        1..=2 => RiskLevel::Low,
        3..=4 => RiskLevel::Medium,
        _ => RiskLevel::High,
    }
}

/// Both ratings between 1 and 3.
pub fn is_rated(likelihood: u8, severity: u8) -> bool {
    (1..=3).contains(&likelihood) && (1..=3).contains(&severity)
}

/// A mitigation: from the catalogue or in the counsellor's words.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mitigation {
    pub catalogue_id: Option<String>,
    pub text: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Risk {
    /// "R1", "R2" … within the assessment.
    pub id: String,
    pub level: FactorLevel,
    /// The catalogue factor, if it is one; `description` says it anyway.
    pub factor_id: Option<String>,
    pub description: String,
    pub likelihood: u8,
    pub severity: u8,
    pub mitigations: Vec<Mitigation>,
    /// Nothing can bring this risk down: return cannot proceed.
    pub unmitigable: bool,
}

impl Risk {
    pub fn risk_level(&self) -> RiskLevel {
        item_level(self.likelihood, self.severity)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assessment {
    pub risks: Vec<Risk>,
    pub assessed_on: NaiveDate,
    /// The catalogue version the factors and mitigations came from.
    pub catalogue_version: String,
}

/// An assessment is redone before departure when it is more than this old.
pub const MAX_AGE_DAYS: i64 = 30;

impl Assessment {
    /// The highest item level (not an average); low when there are none.
    pub fn overall(&self) -> RiskLevel {
        self.risks
            .iter()
            .map(Risk::risk_level)
            .max()
            .unwrap_or(RiskLevel::Low)
    }

    /// Stale on `today`: older than 30 days, or a new threat was recorded
    /// on the day it was made or after (on the same day nobody can tell
    /// which came first: it is assessed again).
    pub fn is_stale(&self, today: NaiveDate, last_threat_on: Option<NaiveDate>) -> bool {
        (today - self.assessed_on).num_days() > MAX_AGE_DAYS
            || last_threat_on.is_some_and(|t| t >= self.assessed_on)
    }
}

/// What the gate still needs, each naming the risk it is about.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "missing", content = "risk")]
pub enum GateMissing {
    /// A risk whose likelihood or severity is not rated (1–3).
    RiskNotRated(String),
    /// A high risk without any mitigation.
    HighRiskWithoutMitigation(String),
    /// A medium risk without any mitigation.
    MediumRiskWithoutMitigation(String),
    /// High risks need a supervisor's approval of this assessment.
    SupervisorApproval,
    /// High risks need the partner in origin to confirm the mitigations.
    OriginPartnerConfirmation,
    /// Older than 30 days, or a threat came after it: assess again.
    AssessmentStale,
}

/// The gate before return can proceed (booking travel in particular).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "gate", content = "details")]
pub enum Gate {
    Passed,
    /// Not yet: this is everything still missing.
    Blocked(Vec<GateMissing>),
    /// A high risk that nothing mitigates: no return; the case goes to
    /// the stay or onward track. Names the risks.
    NoGo(Vec<String>),
}

/// Sign-offs recorded for the assessment being judged.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignOffs {
    pub supervisor_approved: bool,
    pub origin_partner_confirmed: bool,
}

/// Judges an assessment on `today`.
pub fn gate(
    assessment: &Assessment,
    sign_offs: SignOffs,
    today: NaiveDate,
    last_threat_on: Option<NaiveDate>,
) -> Gate {
    let unmitigable: Vec<String> = assessment
        .risks
        .iter()
        .filter(|r| r.unmitigable && r.risk_level() == RiskLevel::High)
        .map(|r| r.id.clone())
        .collect();
    if !unmitigable.is_empty() {
        return Gate::NoGo(unmitigable);
    }
    let mut missing = Vec::new();
    for r in &assessment.risks {
        if !is_rated(r.likelihood, r.severity) {
            missing.push(GateMissing::RiskNotRated(r.id.clone()));
        }
        if r.mitigations.is_empty() {
            match r.risk_level() {
                RiskLevel::High => {
                    missing.push(GateMissing::HighRiskWithoutMitigation(r.id.clone()))
                }
                RiskLevel::Medium => {
                    missing.push(GateMissing::MediumRiskWithoutMitigation(r.id.clone()))
                }
                RiskLevel::Low => {}
            }
        }
    }
    if assessment.overall() == RiskLevel::High {
        if !sign_offs.supervisor_approved {
            missing.push(GateMissing::SupervisorApproval);
        }
        if !sign_offs.origin_partner_confirmed {
            missing.push(GateMissing::OriginPartnerConfirmation);
        }
    }
    if assessment.is_stale(today, last_threat_on) {
        missing.push(GateMissing::AssessmentStale);
    }
    if missing.is_empty() {
        Gate::Passed
    } else {
        Gate::Blocked(missing)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, day).unwrap()
    }

    fn risk(id: &str, likelihood: u8, severity: u8, mitigated: bool) -> Risk {
        Risk {
            id: id.into(),
            level: FactorLevel::Threat,
            factor_id: Some("thr-address-known".into()),
            description: "The trafficker knows the address of origin".into(),
            likelihood,
            severity,
            mitigations: if mitigated {
                vec![Mitigation {
                    catalogue_id: Some("mit-other-region".into()),
                    text: "Return to a different city or region".into(),
                }]
            } else {
                vec![]
            },
            unmitigable: false,
        }
    }

    fn assessment(risks: Vec<Risk>) -> Assessment {
        Assessment {
            risks,
            assessed_on: d(1),
            catalogue_version: "2026-11.1".into(),
        }
    }

    #[test]
    fn a_threat_on_the_day_of_the_assessment_or_after_makes_it_stale() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 10).unwrap();
        let a = Assessment {
            risks: Vec::new(),
            assessed_on: day,
            catalogue_version: "test".into(),
        };
        let next = day.succ_opt().unwrap();
        assert!(!a.is_stale(next, None));
        assert!(!a.is_stale(next, day.pred_opt()), "a threat known before");
        assert!(a.is_stale(next, Some(day)), "the same day");
        assert!(a.is_stale(next, Some(next)), "after");
        let last_fresh = day + chrono::Duration::days(MAX_AGE_DAYS);
        assert!(!a.is_stale(last_fresh, None));
        assert!(a.is_stale(last_fresh.succ_opt().unwrap(), None));
    }

    #[test]
    fn levels_from_likelihood_times_severity() {
        let table = [
            (1, 1, RiskLevel::Low),
            (1, 2, RiskLevel::Low),
            (2, 1, RiskLevel::Low),
            (1, 3, RiskLevel::Medium),
            (2, 2, RiskLevel::Medium),
            (3, 1, RiskLevel::Medium),
            (2, 3, RiskLevel::High),
            (3, 2, RiskLevel::High),
            (3, 3, RiskLevel::High),
        ];
        for (l, s, level) in table {
            assert_eq!(item_level(l, s), level, "{l}×{s}");
        }
    }

    #[test]
    fn an_unrated_risk_blocks_as_if_high() {
        let a = assessment(vec![risk("R1", 0, 2, true)]);
        assert_eq!(a.overall(), RiskLevel::High);
        let signed = SignOffs {
            supervisor_approved: true,
            origin_partner_confirmed: true,
        };
        assert_eq!(
            gate(&a, signed, d(2), None),
            Gate::Blocked(vec![GateMissing::RiskNotRated("R1".into())])
        );
    }

    #[test]
    fn the_overall_level_is_the_highest_not_the_average() {
        let a = assessment(vec![
            risk("R1", 1, 1, false),
            risk("R2", 1, 1, false),
            risk("R3", 3, 3, true),
        ]);
        assert_eq!(a.overall(), RiskLevel::High);
        assert_eq!(assessment(vec![]).overall(), RiskLevel::Low);
    }

    #[test]
    fn the_gate_lists_everything_missing() {
        let all_signed = SignOffs {
            supervisor_approved: true,
            origin_partner_confirmed: true,
        };
        let a = assessment(vec![
            risk("R1", 3, 3, false),
            risk("R2", 2, 2, false),
            risk("R3", 1, 1, false),
        ]);
        assert_eq!(
            gate(&a, SignOffs::default(), d(2), None),
            Gate::Blocked(vec![
                GateMissing::HighRiskWithoutMitigation("R1".into()),
                GateMissing::MediumRiskWithoutMitigation("R2".into()),
                GateMissing::SupervisorApproval,
                GateMissing::OriginPartnerConfirmation,
            ])
        );
        let mitigated = assessment(vec![
            risk("R1", 3, 3, true),
            risk("R2", 2, 2, true),
            risk("R3", 1, 1, false),
        ]);
        assert_eq!(gate(&mitigated, all_signed, d(2), None), Gate::Passed);
        // Low and medium risks, mitigated: no sign-off needed.
        let medium = assessment(vec![risk("R2", 2, 2, true)]);
        assert_eq!(gate(&medium, SignOffs::default(), d(2), None), Gate::Passed);
        // Stale after 30 days, and on any new threat.
        assert_eq!(
            gate(&medium, SignOffs::default(), d(30), None),
            Gate::Passed
        );
        let late = NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
        assert_eq!(
            gate(&medium, SignOffs::default(), late, None),
            Gate::Blocked(vec![GateMissing::AssessmentStale])
        );
        assert_eq!(
            gate(&medium, SignOffs::default(), d(5), Some(d(3))),
            Gate::Blocked(vec![GateMissing::AssessmentStale])
        );
        // An unmitigable high risk: no-go, whatever else.
        let mut r = risk("R9", 3, 3, true);
        r.unmitigable = true;
        assert_eq!(
            gate(&assessment(vec![r]), all_signed, d(2), None),
            Gate::NoGo(vec!["R9".into()])
        );
    }

    proptest! {
        #[test]
        fn a_high_risk_never_passes_without_mitigation_and_both_sign_offs(
            l in 1u8..=3, s in 1u8..=3, mitigated in any::<bool>(), sup in any::<bool>(), origin in any::<bool>()
        ) {
            let a = assessment(vec![risk("R1", l, s, mitigated)]);
            let g = gate(&a, SignOffs { supervisor_approved: sup, origin_partner_confirmed: origin }, d(2), None);
            if item_level(l, s) == RiskLevel::High && (!mitigated || !sup || !origin) {
                prop_assert_ne!(g, Gate::Passed);
            }
        }

        #[test]
        fn assessments_survive_a_serde_round_trip(l in 1u8..=3, s in 1u8..=3, mitigated in any::<bool>()) {
            let a = assessment(vec![risk("R1", l, s, mitigated)]);
            let back: Assessment = serde_json::from_str(&serde_json::to_string(&a).unwrap()).unwrap();
            prop_assert_eq!(&back, &a);
            let g = gate(&a, SignOffs::default(), d(2), None);
            let back: Gate = serde_json::from_str(&serde_json::to_string(&g).unwrap()).unwrap();
            prop_assert_eq!(back, g);
        }
    }
}
