//! Links to the client's copy of a plan (issue #6, item 4): how long they
//! live, what a PIN must be, and how wrong PINs lock a link for a while.
//! The token itself (256 random bits) and its hashing are the server's.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// A link lives this many days unless the counsellor says otherwise.
pub const DEFAULT_DAYS: i64 = 30;
/// And at most this many (the plan changes; a new link is cheap).
pub const MAX_DAYS: i64 = 90;
/// Wrong PINs in a row before the link locks.
pub const PIN_TRIES: i64 = 5;
/// How long a locked link stays locked.
pub const LOCK_MINUTES: i64 = 15;

/// The languages the client's copy is written in: code and own name.
pub const COPY_LANGUAGES: [(&str, &str); 4] = [
    ("en", "English"),
    ("nl", "Nederlands"),
    ("fr", "Français"),
    ("ar", "العربية"),
];

/// The copy's language for a client: the first of their languages (ISO
/// 639, most fluent first) the copy is written in, else English.
pub fn copy_language(client_languages: &[String]) -> &'static str {
    client_languages
        .iter()
        .find_map(|l| {
            let primary = l.trim().split(['-', '_']).next()?.to_ascii_lowercase();
            COPY_LANGUAGES
                .iter()
                .find(|(code, _)| *code == primary)
                .map(|(code, _)| *code)
        })
        .unwrap_or("en")
}

/// Where a link stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkState {
    Active,
    Expired,
    Revoked,
}

/// Revocation wins over expiry: the counsellor's act is what the client
/// should hear about.
pub fn link_state(
    expires_at: DateTime<Utc>,
    revoked_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> LinkState {
    if revoked_at.is_some_and(|r| r <= now) {
        LinkState::Revoked
    } else if now >= expires_at {
        LinkState::Expired
    } else {
        LinkState::Active
    }
}

/// Why a new link was not made.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ShareProblem {
    /// Days outside 1..=MAX_DAYS.
    Days,
    /// A PIN is 4 to 8 digits.
    Pin,
    /// Not one of the copy's languages.
    Language,
}

/// Checks the days and the optional PIN (blank: no PIN) of a new link.
pub fn check_new_link(days: i64, pin: &str) -> Result<(), Vec<ShareProblem>> {
    let mut problems = Vec::new();
    if !(1..=MAX_DAYS).contains(&days) {
        problems.push(ShareProblem::Days);
    }
    let pin = pin.trim();
    let pin_ok = (4..=8).contains(&pin.len()) && pin.bytes().all(|b| b.is_ascii_digit());
    if !pin.is_empty() && !pin_ok {
        problems.push(ShareProblem::Pin);
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

/// When a link made `now` for `days` expires.
pub fn expiry(now: DateTime<Utc>, days: i64) -> DateTime<Utc> {
    now + Duration::days(days)
}

/// A link's count of PIN tries since the last right one, and its lock.
/// A try is reserved (counted) before the PIN is checked, so that tries
/// made at the same moment cannot get past the limit; the store applies
/// the same conditions atomically.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PinGuard {
    pub failed: i64,
    pub locked_until: Option<DateTime<Utc>>,
}

impl PinGuard {
    /// Locked now: no PIN is even checked.
    pub fn locked(&self, now: DateTime<Utc>) -> bool {
        self.locked_until.is_some_and(|t| now < t)
    }

    /// Whether one more try may be made now.
    pub fn may_try(&self, now: DateTime<Utc>) -> bool {
        !self.locked(now) && self.failed < PIN_TRIES
    }

    /// The try is counted before the PIN is checked.
    pub fn reserve(self) -> PinGuard {
        PinGuard {
            failed: self.failed + 1,
            ..self
        }
    }

    /// After a wrong PIN: the [`PIN_TRIES`]th in a row locks the link for
    /// [`LOCK_MINUTES`] and starts the count again.
    pub fn after_wrong(self, now: DateTime<Utc>) -> PinGuard {
        if self.failed >= PIN_TRIES {
            PinGuard {
                failed: 0,
                locked_until: Some(now + Duration::minutes(LOCK_MINUTES)),
            }
        } else {
            self
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn t(min: i64) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-20T10:00:00Z")
            .unwrap()
            .with_timezone(&Utc)
            + Duration::minutes(min)
    }

    #[test]
    fn a_link_is_active_until_it_expires_or_is_revoked() {
        let expires = t(60);
        assert_eq!(link_state(expires, None, t(59)), LinkState::Active);
        assert_eq!(link_state(expires, None, t(60)), LinkState::Expired);
        assert_eq!(link_state(expires, Some(t(10)), t(11)), LinkState::Revoked);
        assert_eq!(link_state(expires, Some(t(10)), t(90)), LinkState::Revoked);
    }

    #[test]
    fn new_links_need_sensible_days_and_a_digit_pin() {
        assert_eq!(check_new_link(30, ""), Ok(()));
        assert_eq!(check_new_link(1, "0421"), Ok(()));
        assert_eq!(check_new_link(90, " 12345678 "), Ok(()));
        assert_eq!(check_new_link(0, ""), Err(vec![ShareProblem::Days]));
        assert_eq!(
            check_new_link(91, "12"),
            Err(vec![ShareProblem::Days, ShareProblem::Pin])
        );
        assert_eq!(check_new_link(30, "12a4"), Err(vec![ShareProblem::Pin]));
        assert_eq!(
            check_new_link(30, "123456789"),
            Err(vec![ShareProblem::Pin])
        );
    }

    #[test]
    fn five_wrong_pins_lock_the_link_for_a_while() {
        let mut g = PinGuard {
            failed: 0,
            locked_until: None,
        };
        for i in 0..PIN_TRIES - 1 {
            assert!(g.may_try(t(i)));
            g = g.reserve().after_wrong(t(i));
            assert!(!g.locked(t(i)));
        }
        g = g.reserve().after_wrong(t(5));
        assert!(g.locked(t(5)) && !g.may_try(t(5)));
        assert!(g.locked(t(5 + LOCK_MINUTES - 1)));
        assert!(g.may_try(t(5 + LOCK_MINUTES)));
        assert_eq!(g.failed, 0, "a fresh count after the lock");
    }

    #[test]
    fn tries_at_the_same_moment_cannot_pass_the_limit() {
        // Reserved before any is checked: the sixth is refused.
        let mut g = PinGuard {
            failed: 0,
            locked_until: None,
        };
        let mut reserved = 0;
        for _ in 0..20 {
            if g.may_try(t(0)) {
                g = g.reserve();
                reserved += 1;
            }
        }
        assert_eq!(reserved, PIN_TRIES);
    }

    proptest! {
        /// However the wrong PINs come, at most PIN_TRIES are checked in
        /// any lock period: guessing a 4-digit PIN takes weeks.
        #[test]
        fn guessing_is_slow(gaps in proptest::collection::vec(0i64..3, 1..200)) {
            let mut g = PinGuard { failed: 0, locked_until: None };
            let mut now = 0;
            let mut tried = 0;
            for gap in gaps {
                now += gap;
                if !g.may_try(t(now)) {
                    continue;
                }
                g = g.reserve().after_wrong(t(now));
                tried += 1;
            }
            let periods = now / LOCK_MINUTES + 1;
            prop_assert!(tried <= PIN_TRIES * periods);
        }
    }
}
