//! Links to the client's copy of a plan (issue #6, item 4): how long they
//! live, what a PIN must be, and how wrong PINs lock a link for a while.
//! The token itself (256 random bits) and its hashing are the server's.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// A link lives this many days unless the counsellor says otherwise.
pub const DEFAULT_DAYS: i64 = 30;
/// And at most this many (the plan changes; a new link is cheap).
pub const MAX_DAYS: i64 = 90;
/// PIN tries in one window; the last of them locks the link for a while.
pub const PIN_TRIES: i64 = 5;
/// How long a locked link stays locked.
pub const LOCK_MINUTES: i64 = 15;
/// After this many locks the link is switched off for good: at most 15
/// PINs are ever tried on a link (0.15 % of the 4-digit PINs), however
/// long it lives.
pub const MAX_LOCKS: i64 = 3;

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

/// A link's PIN tries in the current window, its lock and how many locks
/// it has had. A try is counted *before* the PIN is checked, and the try
/// that fills the window sets the lock in the same step, so that tries
/// made at the same moment cannot get past the limit and a request that
/// dies half-way leaves no stuck count. The store applies the same rule
/// atomically (`Store::reserve_pin_try`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PinGuard {
    pub failed: i64,
    pub locked_until: Option<DateTime<Utc>>,
    pub locks: i64,
}

impl PinGuard {
    /// Locked now: no PIN is even checked.
    pub fn locked(&self, now: DateTime<Utc>) -> bool {
        self.locked_until.is_some_and(|t| now < t)
    }

    /// No more tries, ever: the link is to be switched off.
    pub fn exhausted(&self) -> bool {
        self.locks >= MAX_LOCKS
    }

    /// Counts one try; `None` when none may be made now. A lock that is
    /// over starts a new window.
    pub fn reserve(self, now: DateTime<Utc>) -> Option<PinGuard> {
        if self.locked(now) || self.exhausted() {
            return None;
        }
        let failed = if self.locked_until.is_some() {
            0
        } else {
            self.failed
        } + 1;
        Some(if failed >= PIN_TRIES {
            PinGuard {
                failed,
                locked_until: Some(now + Duration::minutes(LOCK_MINUTES)),
                locks: self.locks + 1,
            }
        } else {
            PinGuard {
                failed,
                locked_until: None,
                locks: self.locks,
            }
        })
    }

    /// A right PIN: the window starts again (the locks had stay counted).
    pub fn after_right(self) -> PinGuard {
        PinGuard {
            failed: 0,
            locked_until: None,
            locks: self.locks,
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

    fn fresh() -> PinGuard {
        PinGuard {
            failed: 0,
            locked_until: None,
            locks: 0,
        }
    }

    #[test]
    fn five_wrong_pins_lock_the_link_for_a_while() {
        let mut g = fresh();
        for i in 0..PIN_TRIES - 1 {
            g = g.reserve(t(i)).expect("may try");
            assert!(!g.locked(t(i)));
        }
        // The fifth try is counted and locks at once, right or wrong.
        g = g.reserve(t(5)).expect("the fifth try");
        assert!(g.locked(t(5)) && g.reserve(t(5)).is_none());
        assert!(g.locked(t(5 + LOCK_MINUTES - 1)));
        let again = g.reserve(t(5 + LOCK_MINUTES)).expect("a new window");
        assert_eq!((again.failed, again.locked_until), (1, None));
        // A right PIN on the fifth try opens it and starts again.
        assert_eq!(g.after_right().locked_until, None);
    }

    #[test]
    fn tries_at_the_same_moment_cannot_pass_the_limit() {
        let mut g = fresh();
        let mut reserved = 0;
        for _ in 0..20 {
            if let Some(next) = g.reserve(t(0)) {
                g = next;
                reserved += 1;
            }
        }
        assert_eq!(reserved, PIN_TRIES);
    }

    #[test]
    fn three_locks_switch_the_link_off() {
        let mut g = fresh();
        let mut now = 0;
        let mut tried = 0;
        while let Some(next) = g.reserve(t(now)) {
            g = next;
            tried += 1;
            now += LOCK_MINUTES;
        }
        assert!(g.exhausted());
        assert_eq!(tried, PIN_TRIES * MAX_LOCKS);
    }

    proptest! {
        /// However the tries come, at most PIN_TRIES × MAX_LOCKS wrong
        /// PINs are ever checked on one link.
        #[test]
        fn guessing_is_bounded(gaps in proptest::collection::vec(0i64..40, 1..400)) {
            let mut g = fresh();
            let mut now = 0;
            let mut tried = 0;
            for gap in gaps {
                now += gap;
                if let Some(next) = g.reserve(t(now)) {
                    g = next;
                    tried += 1;
                }
            }
            prop_assert!(tried <= PIN_TRIES * MAX_LOCKS);
        }
    }
}
