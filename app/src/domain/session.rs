//! When to warn that a session is about to end.

use chrono::{DateTime, Duration, Utc};

/// How long before the end the warning appears.
pub const WARN_BEFORE: Duration = Duration::minutes(5);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SessionNotice {
    /// Nothing to say.
    None,
    /// The session ends after inactivity in this many seconds; staying
    /// signed in is possible.
    IdleSoon { secs_left: i64 },
    /// The session reaches its maximum lifetime in this many seconds;
    /// only signing in again continues it.
    EndsSoon { secs_left: i64 },
    /// The session has ended.
    Ended,
}

/// What to tell the user at `now`, given the last time the server saw them,
/// the idle timeout and the session's absolute end.
pub fn session_notice(
    now: DateTime<Utc>,
    last_activity: DateTime<Utc>,
    idle: Duration,
    ends_at: DateTime<Utc>,
) -> SessionNotice {
    let idle_end = last_activity + idle;
    let end = idle_end.min(ends_at);
    let left = end - now;
    if left <= Duration::zero() {
        SessionNotice::Ended
    } else if left > WARN_BEFORE {
        SessionNotice::None
    } else if ends_at <= idle_end {
        SessionNotice::EndsSoon {
            secs_left: left.num_seconds().max(1),
        }
    } else {
        SessionNotice::IdleSoon {
            secs_left: left.num_seconds().max(1),
        }
    }
}

/// "4:05" for 245 seconds.
pub fn clock(secs: i64) -> String {
    let secs = secs.max(0);
    format!("{}:{:02}", secs / 60, secs % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(mins: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000, 0).unwrap() + Duration::minutes(mins)
    }

    #[test]
    fn warns_five_minutes_before_the_first_end() {
        let idle = Duration::minutes(30);
        let ends = t(12 * 60);
        assert_eq!(session_notice(t(10), t(0), idle, ends), SessionNotice::None);
        assert_eq!(
            session_notice(t(25), t(0), idle, ends),
            SessionNotice::IdleSoon { secs_left: 300 }
        );
        assert_eq!(
            session_notice(t(29), t(0), idle, ends),
            SessionNotice::IdleSoon { secs_left: 60 }
        );
        assert_eq!(
            session_notice(t(30), t(0), idle, ends),
            SessionNotice::Ended
        );
        // Activity moves the idle end on.
        assert_eq!(
            session_notice(t(29), t(20), idle, ends),
            SessionNotice::None
        );
        // Near the absolute end, staying active does not help.
        assert_eq!(
            session_notice(t(12 * 60 - 2), t(12 * 60 - 3), idle, ends),
            SessionNotice::EndsSoon { secs_left: 120 }
        );
        assert_eq!(
            session_notice(t(12 * 60), t(12 * 60 - 1), idle, ends),
            SessionNotice::Ended
        );
    }

    #[test]
    fn clock_format() {
        assert_eq!(clock(245), "4:05");
        assert_eq!(clock(0), "0:00");
        assert_eq!(clock(-3), "0:00");
    }
}
