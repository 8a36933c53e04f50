//! Consent, per purpose (domain.md §3 S1, §11): separate, dated records,
//! each explained in a language by someone, optionally with an interpreter,
//! possibly expiring or withdrawn. Sharing is fail-closed: without a valid
//! consent for that recipient and that section, nothing is shared.

use super::policy::Section;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// What a consent is for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "purpose")]
pub enum Purpose {
    /// To keep the client's personal data at all.
    StoreData,
    /// To share the named sections of the plan with one organisation.
    Share {
        recipient_organisation_id: String,
        sections: BTreeSet<Section>,
    },
    /// To register the client with the national body (CoMensha in NL).
    RegisterNationalBody,
    /// To contact the client's family.
    ContactFamily,
    /// To count the case, anonymised, in statistics.
    AnonymisedStatistics,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Consent {
    pub purpose: Purpose,
    pub given_at: DateTime<Utc>,
    /// ISO 639 code of the language it was explained in.
    pub language: String,
    /// The user who explained it.
    pub explained_by: String,
    pub interpreter_used: bool,
    pub expires_at: Option<DateTime<Utc>>,
    pub withdrawn_at: Option<DateTime<Utc>>,
}

impl Consent {
    /// Given, not yet expired and not withdrawn, at `now`.
    pub fn is_valid(&self, now: DateTime<Utc>) -> bool {
        self.given_at <= now
            && self.expires_at.is_none_or(|e| now < e)
            && self.withdrawn_at.is_none_or(|w| now < w)
    }
}

/// Whether a consent whose purpose passes `f` is valid at `now`.
fn holds(consents: &[Consent], now: DateTime<Utc>, f: impl Fn(&Purpose) -> bool) -> bool {
    consents.iter().any(|c| f(&c.purpose) && c.is_valid(now))
}

/// Whether the client's data may be kept at all.
pub fn may_store(consents: &[Consent], now: DateTime<Utc>) -> bool {
    holds(consents, now, |p| *p == Purpose::StoreData)
}

/// Whether `section` may be shared with `recipient` at `now`: only with a
/// valid consent to share that section with that organisation, and a valid
/// consent to store the data at all. Anything else — no record, expired,
/// withdrawn, another recipient, another section — is no.
pub fn may_share(
    consents: &[Consent],
    recipient_organisation_id: &str,
    section: Section,
    now: DateTime<Utc>,
) -> bool {
    may_store(consents, now)
        && holds(consents, now, |p| match p {
            Purpose::Share {
                recipient_organisation_id: r,
                sections,
            } => r == recipient_organisation_id && sections.contains(&section),
            _ => false,
        })
}

/// The sections that may be shared with `recipient` at `now`.
pub fn shareable_sections(
    consents: &[Consent],
    recipient_organisation_id: &str,
    now: DateTime<Utc>,
) -> Vec<Section> {
    Section::ALL
        .into_iter()
        .filter(|s| may_share(consents, recipient_organisation_id, *s, now))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn t(day: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + day * 86_400, 0).unwrap()
    }

    fn consent(purpose: Purpose, given: i64) -> Consent {
        Consent {
            purpose,
            given_at: t(given),
            language: "ti".into(),
            explained_by: "u-carla".into(),
            interpreter_used: true,
            expires_at: None,
            withdrawn_at: None,
        }
    }

    fn share(recipient: &str, sections: &[Section], given: i64) -> Consent {
        consent(
            Purpose::Share {
                recipient_organisation_id: recipient.into(),
                sections: sections.iter().copied().collect(),
            },
            given,
        )
    }

    #[test]
    fn sharing_is_fail_closed() {
        let iom = "iom-nl";
        let base = vec![
            consent(Purpose::StoreData, 0),
            share(iom, &[Section::Travel, Section::Risk], 1),
        ];
        // (why, consents, recipient, section, day, may share)
        type Case<'a> = (&'a str, Vec<Consent>, &'a str, Section, i64, bool);
        let cases: Vec<Case> = vec![
            (
                "consented section",
                base.clone(),
                iom,
                Section::Travel,
                2,
                true,
            ),
            (
                "before it was given",
                base.clone(),
                iom,
                Section::Travel,
                0,
                false,
            ),
            (
                "another section",
                base.clone(),
                iom,
                Section::Screening,
                2,
                false,
            ),
            (
                "another recipient",
                base.clone(),
                "iom-be",
                Section::Travel,
                2,
                false,
            ),
            ("no records at all", vec![], iom, Section::Travel, 2, false),
            (
                "no consent to store",
                vec![share(iom, &[Section::Travel], 1)],
                iom,
                Section::Travel,
                2,
                false,
            ),
            (
                "withdrawn",
                {
                    let mut v = base.clone();
                    v[1].withdrawn_at = Some(t(5));
                    v
                },
                iom,
                Section::Travel,
                6,
                false,
            ),
            (
                "before the withdrawal",
                {
                    let mut v = base.clone();
                    v[1].withdrawn_at = Some(t(5));
                    v
                },
                iom,
                Section::Travel,
                4,
                true,
            ),
            (
                "expired",
                {
                    let mut v = base.clone();
                    v[1].expires_at = Some(t(10));
                    v
                },
                iom,
                Section::Travel,
                10,
                false,
            ),
            (
                "store consent withdrawn",
                {
                    let mut v = base.clone();
                    v[0].withdrawn_at = Some(t(3));
                    v
                },
                iom,
                Section::Travel,
                4,
                false,
            ),
        ];
        for (why, consents, recipient, section, day, expected) in cases {
            assert_eq!(
                may_share(&consents, recipient, section, t(day)),
                expected,
                "{why}"
            );
        }
        assert_eq!(
            shareable_sections(&base, iom, t(2)),
            vec![Section::Risk, Section::Travel]
        );
    }

    proptest! {
        #[test]
        fn withdrawing_never_widens_sharing(day in 0i64..20, withdraw in 0i64..20, which in 0usize..2) {
            let mut consents = vec![consent(Purpose::StoreData, 0), share("iom", &Section::ALL, 0)];
            let before: Vec<bool> = Section::ALL.iter().map(|s| may_share(&consents, "iom", *s, t(day))).collect();
            consents[which].withdrawn_at = Some(t(withdraw));
            for (i, s) in Section::ALL.iter().enumerate() {
                prop_assert!(!may_share(&consents, "iom", *s, t(day)) || before[i]);
            }
        }

        #[test]
        fn consents_survive_a_serde_round_trip(given in 0i64..100, interp in any::<bool>()) {
            let mut c = share("iom", &[Section::Risk], given);
            c.interpreter_used = interp;
            let back: Consent = serde_json::from_str(&serde_json::to_string(&c).unwrap()).unwrap();
            prop_assert_eq!(back, c);
        }
    }
}
