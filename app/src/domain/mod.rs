//! The pure core: types and rules of counselling and planning.
//!
//! Nothing here does I/O or imports a framework (no leptos, sqlx, axum,
//! tokio, web-sys, gloo), so the same rules run in the browser for instant
//! feedback and on the server, which re-checks them.

pub mod calendar;
pub mod case;
pub mod case_file;
pub mod client_copy;
#[cfg(feature = "ssr")]
pub mod clock;
pub mod consent;
pub mod dashboard;
pub mod derived;
pub mod directory;
pub mod export;
pub mod fields;
pub mod follow_up;
pub mod handover;
pub mod lifecycle;
pub mod milestones;
pub mod money;
pub mod navigation;
pub mod options;
pub mod org;
pub mod password;
pub mod plan;
pub mod policy;
pub mod progress;
pub mod referral;
pub mod reintegration;
pub mod risk;
pub mod screening;
pub mod session;
pub mod share;
pub mod spreadsheet;
pub mod throttle;
pub mod travel;

pub use money::{Currency, Money};
pub use org::{OrgKind, Role};

/// Every type the plan stores survives JSON (the ones with rules have
/// their own property tests beside them; these are the rest).
#[cfg(test)]
mod round_trip {
    use super::*;
    use chrono::NaiveDate;
    use serde::{de::DeserializeOwned, Serialize};
    use std::fmt::Debug;

    fn round_trip<T: Serialize + DeserializeOwned + PartialEq + Debug>(value: T) {
        let json = serde_json::to_string(&value).unwrap();
        let back: T = serde_json::from_str(&json).unwrap();
        assert_eq!(back, value, "{json}");
    }

    #[test]
    fn stored_types_survive_json() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 29).unwrap();
        round_trip(options::OptionNotes {
            option: options::FutureOption::Stay,
            wishes: "stay near her daughter".into(),
            fears: "refusal of the permit".into(),
            legal_prerequisites: "police report for B8/3".into(),
            feasibility: options::Feasibility::Difficult,
            information_given: vec![("B8/3 procedure".into(), day)],
        });
        round_trip(screening::ReflectionPeriod {
            offered_on: day,
            start: Some(day),
            end: None,
        });
        round_trip(screening::Referral {
            to: "CoMensha".into(),
            on: day,
        });
        round_trip(screening::Judgement::Unclear);
        round_trip(travel::TravelStep {
            template_id: "T8".into(),
            title: "Booking".into(),
            owner: milestones::Owner::Iom,
            gated: true,
            due: Some(day),
            status: travel::StepStatus::Blocked {
                reason: "waiting for the trial date".into(),
            },
            evidence: None,
            catalogue_version: "2026-11.1".into(),
        });
        round_trip(reintegration::SupportLine {
            category: reintegration::SupportCategory::Economic,
            description: "Sewing machine for a tailoring business".into(),
            amount: Money::parse("450", Currency::EUR).unwrap(),
            form: reintegration::Form::InKind,
            person: 0,
            referral_organisation: Some("Partner in origin".into()),
            programme: Some("rean-vot-allowance".into()),
        });
        round_trip(plan::Missing::NoConsentToShare {
            recipient: "iom-nl".into(),
            section: policy::Section::Risk,
        });
        round_trip(plan::PlanStatus::OnHold {
            previous: Box::new(plan::PlanStatus::HandedOver {
                mission_id: "iom-nl".into(),
            }),
        });
        round_trip(case::CaseCode::from_random([1, 2, 3, 4, 5]));
    }
}
