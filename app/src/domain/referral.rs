//! Referrals from a plan to organisations of the social map (issue #7):
//! for a reintegration support line, reception on arrival or follow-up.
//! Each is tracked proposed → contacted → accepted → service delivered, or
//! declined with a reason, and keeps its history. They live in the plan's
//! reintegration section, so they are versioned, exported and shared with
//! it; the organisation's contacts are read from the map when shown.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The most referrals one plan holds.
pub const MAX_REFERRALS: usize = 30;
/// The longest note or reason, in characters.
pub const MAX_TEXT: usize = 1000;

/// What the client is referred for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReferralPurpose {
    /// A line of the reintegration budget (named in the note).
    Support,
    Reception,
    FollowUp,
}

impl ReferralPurpose {
    pub const ALL: [ReferralPurpose; 3] = [
        ReferralPurpose::Support,
        ReferralPurpose::Reception,
        ReferralPurpose::FollowUp,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            ReferralPurpose::Support => "support",
            ReferralPurpose::Reception => "reception",
            ReferralPurpose::FollowUp => "follow_up",
        }
    }

    pub fn from_slug(s: &str) -> Option<ReferralPurpose> {
        Self::ALL.into_iter().find(|p| p.slug() == s)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReferralStatus {
    Proposed,
    Contacted,
    Accepted,
    Delivered,
    Declined,
}

impl ReferralStatus {
    pub const ALL: [ReferralStatus; 5] = [
        ReferralStatus::Proposed,
        ReferralStatus::Contacted,
        ReferralStatus::Accepted,
        ReferralStatus::Delivered,
        ReferralStatus::Declined,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            ReferralStatus::Proposed => "proposed",
            ReferralStatus::Contacted => "contacted",
            ReferralStatus::Accepted => "accepted",
            ReferralStatus::Delivered => "delivered",
            ReferralStatus::Declined => "declined",
        }
    }

    pub fn from_slug(s: &str) -> Option<ReferralStatus> {
        Self::ALL.into_iter().find(|p| p.slug() == s)
    }

    /// The next step forward, if there is one.
    pub fn next(self) -> Option<ReferralStatus> {
        match self {
            ReferralStatus::Proposed => Some(ReferralStatus::Contacted),
            ReferralStatus::Contacted => Some(ReferralStatus::Accepted),
            ReferralStatus::Accepted => Some(ReferralStatus::Delivered),
            ReferralStatus::Delivered | ReferralStatus::Declined => None,
        }
    }

    /// Delivered and declined are where a referral ends.
    pub fn is_final(self) -> bool {
        self.next().is_none()
    }
}

/// One change of a referral's status.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusChange {
    pub status: ReferralStatus,
    pub on: NaiveDate,
    pub by: String,
}

/// A referral of the client to an organisation of the social map.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Referral {
    /// Unique within the plan: "r1", "r2", …
    pub id: String,
    pub organisation_id: String,
    /// The organisation's name when referred (the plan stays readable if
    /// the entry is archived).
    pub organisation_name: String,
    pub purpose: ReferralPurpose,
    /// What for, e.g. which support line.
    pub note: String,
    pub status: ReferralStatus,
    /// Why it was declined (required then).
    pub reason: String,
    /// Every status it has had, the first "proposed".
    pub history: Vec<StatusChange>,
}

/// Why a referral change was refused (nothing changed).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReferralRefusal {
    /// The plan already refers to this organisation for this purpose
    /// (and that referral is not declined).
    AlreadyReferred,
    TooMany,
    TooLong,
    UnknownReferral,
    /// The referral is not at the status the change was made from
    /// (someone moved it meanwhile), or the step is not allowed.
    NotAllowed,
    ReasonRequired,
}

/// Adds a proposed referral; returns its id.
pub fn propose(
    list: &mut Vec<Referral>,
    organisation_id: &str,
    organisation_name: &str,
    purpose: ReferralPurpose,
    note: &str,
    by: &str,
    on: NaiveDate,
) -> Result<String, ReferralRefusal> {
    let note = note.trim();
    if note.chars().count() > MAX_TEXT {
        return Err(ReferralRefusal::TooLong);
    }
    if list.iter().any(|r| {
        r.organisation_id == organisation_id
            && r.purpose == purpose
            && r.status != ReferralStatus::Declined
    }) {
        return Err(ReferralRefusal::AlreadyReferred);
    }
    if list.len() >= MAX_REFERRALS {
        return Err(ReferralRefusal::TooMany);
    }
    let n = list
        .iter()
        .filter_map(|r| r.id.strip_prefix('r')?.parse::<u32>().ok())
        .max()
        .unwrap_or(0)
        + 1;
    let id = format!("r{n}");
    list.push(Referral {
        id: id.clone(),
        organisation_id: organisation_id.to_string(),
        organisation_name: organisation_name.to_string(),
        purpose,
        note: note.to_string(),
        status: ReferralStatus::Proposed,
        reason: String::new(),
        history: vec![StatusChange {
            status: ReferralStatus::Proposed,
            on,
            by: by.to_string(),
        }],
    });
    Ok(id)
}

/// Moves referral `id` from status `from` to `to`: one step forward, or
/// declined (with a reason) from any status but delivered.
pub fn move_to(
    list: &mut [Referral],
    id: &str,
    from: ReferralStatus,
    to: ReferralStatus,
    reason: &str,
    by: &str,
    on: NaiveDate,
) -> Result<(), ReferralRefusal> {
    let r = list
        .iter_mut()
        .find(|r| r.id == id)
        .ok_or(ReferralRefusal::UnknownReferral)?;
    if r.status != from {
        return Err(ReferralRefusal::NotAllowed);
    }
    let reason = reason.trim();
    if reason.chars().count() > MAX_TEXT {
        return Err(ReferralRefusal::TooLong);
    }
    match to {
        ReferralStatus::Declined => {
            if from.is_final() {
                return Err(ReferralRefusal::NotAllowed);
            }
            if reason.is_empty() {
                return Err(ReferralRefusal::ReasonRequired);
            }
            r.reason = reason.to_string();
        }
        _ if from.next() == Some(to) => {}
        _ => return Err(ReferralRefusal::NotAllowed),
    }
    r.status = to;
    r.history.push(StatusChange {
        status: to,
        on,
        by: by.to_string(),
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 29).unwrap()
    }

    #[test]
    fn a_referral_moves_forward_one_step_at_a_time_to_delivered() {
        let mut list = Vec::new();
        let id = propose(
            &mut list,
            "ng-naptip",
            "NAPTIP",
            ReferralPurpose::Reception,
            "",
            "u1",
            day(),
        )
        .unwrap();
        assert_eq!(id, "r1");
        use ReferralStatus::*;
        assert_eq!(
            move_to(&mut list, &id, Proposed, Accepted, "", "u1", day()),
            Err(ReferralRefusal::NotAllowed),
            "no skipping"
        );
        for (from, to) in [
            (Proposed, Contacted),
            (Contacted, Accepted),
            (Accepted, Delivered),
        ] {
            move_to(&mut list, &id, from, to, "", "u2", day()).unwrap();
        }
        assert_eq!(list[0].status, Delivered);
        let seen: Vec<_> = list[0].history.iter().map(|h| h.status).collect();
        assert_eq!(seen, [Proposed, Contacted, Accepted, Delivered]);
        assert_eq!(
            move_to(&mut list, &id, Delivered, Declined, "late", "u2", day()),
            Err(ReferralRefusal::NotAllowed),
            "a delivered service is not declined afterwards"
        );
    }

    #[test]
    fn declining_needs_a_reason_and_a_stale_move_changes_nothing() {
        let mut list = Vec::new();
        let id = propose(
            &mut list,
            "o1",
            "O",
            ReferralPurpose::Support,
            "line 2",
            "u1",
            day(),
        )
        .unwrap();
        let before = list.clone();
        use ReferralStatus::*;
        assert_eq!(
            move_to(&mut list, &id, Proposed, Declined, "  ", "u1", day()),
            Err(ReferralRefusal::ReasonRequired)
        );
        assert_eq!(
            move_to(&mut list, &id, Contacted, Accepted, "", "u1", day()),
            Err(ReferralRefusal::NotAllowed),
            "moved from a status it no longer has"
        );
        assert_eq!(
            move_to(&mut list, "r9", Proposed, Contacted, "", "u1", day()),
            Err(ReferralRefusal::UnknownReferral)
        );
        assert_eq!(list, before);
        move_to(
            &mut list,
            &id,
            Proposed,
            Declined,
            "no capacity",
            "u1",
            day(),
        )
        .unwrap();
        assert_eq!(list[0].reason, "no capacity");
        // Once declined, the same organisation may be proposed again.
        let again = propose(
            &mut list,
            "o1",
            "O",
            ReferralPurpose::Support,
            "",
            "u1",
            day(),
        )
        .unwrap();
        assert_eq!(again, "r2");
    }

    #[test]
    fn the_same_organisation_is_not_referred_twice_for_one_purpose() {
        let mut list = Vec::new();
        let p =
            |list: &mut Vec<Referral>, purpose| propose(list, "o1", "O", purpose, "", "u1", day());
        p(&mut list, ReferralPurpose::Reception).unwrap();
        assert_eq!(
            p(&mut list, ReferralPurpose::Reception),
            Err(ReferralRefusal::AlreadyReferred)
        );
        p(&mut list, ReferralPurpose::FollowUp).unwrap();
        assert_eq!(list.len(), 2);
    }

    #[test]
    fn saving_the_budget_form_keeps_the_referrals() {
        use crate::domain::case_file::{CaseFile, ParseContext};
        use crate::domain::policy::Section;
        let mut file = CaseFile::default();
        propose(
            &mut file.reintegration.referrals,
            "o1",
            "O",
            ReferralPurpose::FollowUp,
            "",
            "u1",
            day(),
        )
        .unwrap();
        let mut fields = file.fields(Section::Reintegration);
        fields.insert("reint.goals".into(), "open a tailoring shop".into());
        let cx = ParseContext {
            today: day(),
            user_id: "u1",
            currency: crate::domain::Currency::EUR,
        };
        file.apply(Section::Reintegration, &fields, &cx).unwrap();
        assert_eq!(file.reintegration.goals, "open a tailoring shop");
        assert_eq!(file.reintegration.referrals.len(), 1);
    }

    proptest! {
        /// Whatever moves are tried, the status is always the last entry of
        /// the history, declined always has a reason, and ids stay unique.
        #[test]
        fn history_and_status_agree(moves in proptest::collection::vec((0usize..4, 0usize..5, 0usize..5, any::<bool>()), 0..40)) {
            let mut list = Vec::new();
            for (i, _) in ReferralPurpose::ALL.iter().enumerate() {
                let _ = propose(&mut list, &format!("o{i}"), "O", ReferralPurpose::ALL[i], "", "u", day());
            }
            for (which, from, to, with_reason) in moves {
                let id = format!("r{}", which + 1);
                let reason = if with_reason { "why" } else { "" };
                let _ = move_to(&mut list, &id, ReferralStatus::ALL[from], ReferralStatus::ALL[to], reason, "u", day());
            }
            let mut ids: Vec<_> = list.iter().map(|r| r.id.clone()).collect();
            ids.sort();
            ids.dedup();
            prop_assert_eq!(ids.len(), list.len());
            for r in &list {
                prop_assert_eq!(r.history.last().map(|h| h.status), Some(r.status));
                prop_assert_eq!(r.history[0].status, ReferralStatus::Proposed);
                if r.status == ReferralStatus::Declined {
                    prop_assert!(!r.reason.is_empty());
                }
            }
        }
    }
}
