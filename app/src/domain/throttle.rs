//! Sign-in throttling: how long a key (an account, a client address) must
//! wait after failed attempts.
//!
//! A few mistakes cost nothing; then each further failure doubles the wait,
//! up to a ceiling. Failures older than the window are forgotten. The state
//! is kept in the database (so it survives restarts and is shared by all
//! instances); this module only decides.

use chrono::{DateTime, Duration, Utc};

/// The rule for one kind of key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ThrottlePolicy {
    /// Failures allowed before any wait.
    pub free_failures: u32,
    /// The wait after the first failure beyond the free ones; doubles each time.
    pub base_wait: Duration,
    /// The longest wait.
    pub max_wait: Duration,
    /// Failures older than this (since the first of the series) are forgotten.
    pub window: Duration,
}

/// Per account: five free tries, then 30 s, 1 min, 2 min … up to 15 min.
pub const ACCOUNT: ThrottlePolicy = ThrottlePolicy {
    free_failures: 5,
    base_wait: Duration::seconds(30),
    max_wait: Duration::minutes(15),
    window: Duration::hours(1),
};

/// Per client address: generous (an office may share one address), but
/// stops password spraying across many accounts.
pub const ADDRESS: ThrottlePolicy = ThrottlePolicy {
    free_failures: 30,
    base_wait: Duration::seconds(30),
    max_wait: Duration::minutes(15),
    window: Duration::hours(1),
};

/// Per account, for one-time codes after a right password: a day-long
/// memory, so that someone who has the password cannot keep guessing codes
/// hour after hour (about 30 guesses a day at most).
pub const SECOND_FACTOR: ThrottlePolicy = ThrottlePolicy {
    free_failures: 5,
    base_wait: Duration::minutes(1),
    max_wait: Duration::hours(1),
    window: Duration::hours(24),
};

/// What the database keeps per key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ThrottleState {
    pub failures: u32,
    pub window_start: DateTime<Utc>,
    pub locked_until: Option<DateTime<Utc>>,
}

impl ThrottlePolicy {
    /// How long the key must still wait at `now`, if at all.
    pub fn wait(&self, state: Option<&ThrottleState>, now: DateTime<Utc>) -> Option<Duration> {
        let state = state?;
        let until = state.locked_until?;
        (until > now).then(|| until - now)
    }

    /// The state after one more failure at `now`.
    pub fn after_failure(
        &self,
        state: Option<&ThrottleState>,
        now: DateTime<Utc>,
    ) -> ThrottleState {
        let (failures, window_start) = match state {
            Some(s) if now - s.window_start <= self.window => {
                (s.failures.saturating_add(1), s.window_start)
            }
            _ => (1, now),
        };
        let locked_until = (failures > self.free_failures).then(|| {
            let doublings = (failures - self.free_failures - 1).min(20);
            let wait = self
                .base_wait
                .checked_mul(1i32 << doublings)
                .unwrap_or(self.max_wait)
                .min(self.max_wait);
            now + wait
        });
        ThrottleState {
            failures,
            window_start,
            locked_until,
        }
    }

    /// The state after an attempt that was charged in advance (see
    /// `after_failure`) turned out to succeed: that one failure is taken
    /// back. A wait only ends when the count falls back to the free ones;
    /// otherwise it stays (fail-safe: others may have failed meanwhile).
    pub fn after_refund(&self, state: &ThrottleState) -> ThrottleState {
        let failures = state.failures.saturating_sub(1);
        ThrottleState {
            failures,
            window_start: state.window_start,
            locked_until: if failures > self.free_failures {
                state.locked_until
            } else {
                None
            },
        }
    }
}

/// Whole seconds to tell the client (rounded up, at least one).
pub fn retry_after_secs(wait: Duration) -> u64 {
    let ms = wait.num_milliseconds().max(0) as u64;
    ms.div_ceil(1000).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn t(secs: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + secs, 0).unwrap()
    }

    fn fail_n(p: &ThrottlePolicy, n: u32, at: DateTime<Utc>) -> ThrottleState {
        let mut s = None;
        for _ in 0..n {
            s = Some(p.after_failure(s.as_ref(), at));
        }
        s.unwrap()
    }

    #[test]
    fn a_few_mistakes_cost_nothing() {
        let s = fail_n(&ACCOUNT, 5, t(0));
        assert_eq!(s.failures, 5);
        assert_eq!(ACCOUNT.wait(Some(&s), t(0)), None);
        assert_eq!(ACCOUNT.wait(None, t(0)), None);
    }

    #[test]
    fn then_the_wait_doubles_up_to_the_ceiling() {
        let table = [
            (6, 30),
            (7, 60),
            (8, 120),
            (9, 240),
            (10, 480),
            (11, 900),
            (12, 900),
            (40, 900),
        ];
        for (failures, secs) in table {
            let s = fail_n(&ACCOUNT, failures, t(0));
            assert_eq!(
                ACCOUNT.wait(Some(&s), t(0)),
                Some(Duration::seconds(secs)),
                "{failures} failures"
            );
            assert_eq!(
                ACCOUNT.wait(Some(&s), t(secs)),
                None,
                "{failures} failures, after the wait"
            );
        }
    }

    #[test]
    fn old_failures_are_forgotten() {
        let s = fail_n(&ACCOUNT, 9, t(0));
        let later = ACCOUNT.after_failure(Some(&s), t(3601));
        assert_eq!(later.failures, 1);
        assert_eq!(later.locked_until, None);
    }

    #[test]
    fn seconds_are_rounded_up() {
        assert_eq!(retry_after_secs(Duration::milliseconds(1)), 1);
        assert_eq!(retry_after_secs(Duration::milliseconds(29_001)), 30);
        assert_eq!(retry_after_secs(Duration::zero()), 1);
    }

    #[test]
    fn a_refund_takes_back_one_charged_attempt() {
        let charged = fail_n(&ADDRESS, 31, t(0));
        assert!(charged.locked_until.is_some());
        let refunded = ADDRESS.after_refund(&charged);
        assert_eq!(refunded.failures, 30);
        assert_eq!(refunded.locked_until, None, "back within the free failures");
        let deep = fail_n(&ADDRESS, 40, t(0));
        let refunded = ADDRESS.after_refund(&deep);
        assert_eq!(refunded.failures, 39);
        assert_eq!(refunded.locked_until, deep.locked_until);
        let none = ADDRESS.after_refund(&ThrottleState {
            failures: 0,
            window_start: t(0),
            locked_until: None,
        });
        assert_eq!(none.failures, 0);
    }

    #[test]
    fn code_guesses_are_remembered_for_a_day() {
        // Guessing as fast as the waits allow, over 24 hours.
        let mut s: Option<ThrottleState> = None;
        let mut at = t(0);
        let mut guesses = 0;
        while at < t(24 * 3600) {
            if let Some(wait) = SECOND_FACTOR.wait(s.as_ref(), at) {
                at += wait;
                continue;
            }
            s = Some(SECOND_FACTOR.after_failure(s.as_ref(), at));
            guesses += 1;
        }
        assert!(guesses <= 35, "{guesses} guesses a day");
    }

    proptest! {
        #[test]
        fn charge_then_refund_never_locks_where_the_charge_alone_would_not(n in 0u32..100) {
            let before = (n > 0).then(|| fail_n(&ADDRESS, n, t(0)));
            let charged = ADDRESS.after_failure(before.as_ref(), t(0));
            let refunded = ADDRESS.after_refund(&charged);
            prop_assert_eq!(refunded.failures, n);
            if n <= ADDRESS.free_failures {
                prop_assert_eq!(ADDRESS.wait(Some(&refunded), t(0)), None);
            }
        }

        #[test]
        fn waits_never_exceed_the_ceiling_and_never_shrink_within_a_window(n in 1u32..200) {
            let mut s: Option<ThrottleState> = None;
            let mut last = Duration::zero();
            for _ in 0..n {
                let next = ACCOUNT.after_failure(s.as_ref(), t(0));
                let wait = ACCOUNT.wait(Some(&next), t(0)).unwrap_or(Duration::zero());
                prop_assert!(wait <= ACCOUNT.max_wait);
                prop_assert!(wait >= last);
                last = wait;
                s = Some(next);
            }
        }
    }
}
