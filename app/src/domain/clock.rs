//! The organisation's clock (issue #15, item 4): "today" is the date on
//! the organisation's wall, never the UTC date. The planning core reckons
//! in dates as the counsellor types them; its `now` is the organisation's
//! wall-clock time (written as if it were UTC), so that a consent dated
//! today holds from the local midnight that starts it and ends at the
//! local midnight after its last day, overdue and stale are judged on the
//! local day, and every rule that compares dates keeps working unchanged.
//! Instants that leave the planning core (audit rows, sessions, links)
//! stay real UTC.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

/// The zone an organisation works in unless it sets another.
pub const DEFAULT_ZONE: Tz = chrono_tz::Europe::Amsterdam;

/// An organisation's clock: its time zone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Clock {
    pub zone: Tz,
}

impl Default for Clock {
    fn default() -> Self {
        Clock { zone: DEFAULT_ZONE }
    }
}

impl Clock {
    /// The clock of the zone named (IANA, e.g. `Europe/Amsterdam`), if
    /// there is such a zone.
    pub fn named(zone: &str) -> Option<Clock> {
        zone.trim().parse::<Tz>().ok().map(|zone| Clock { zone })
    }

    /// The zone's IANA name.
    pub fn zone_name(&self) -> &'static str {
        self.zone.name()
    }

    /// The wall-clock time at `instant`, as the planning core reckons
    /// with it (a local time written as UTC).
    pub fn wall(&self, instant: DateTime<Utc>) -> DateTime<Utc> {
        instant.with_timezone(&self.zone).naive_local().and_utc()
    }

    /// The wall-clock time now.
    pub fn now(&self) -> DateTime<Utc> {
        self.wall(Utc::now())
    }

    /// The date on the organisation's wall at `instant`.
    pub fn date_at(&self, instant: DateTime<Utc>) -> NaiveDate {
        self.wall(instant).date_naive()
    }

    /// The date on the organisation's wall now.
    pub fn today(&self) -> NaiveDate {
        self.date_at(Utc::now())
    }

    /// How far the wall clock is ahead of UTC at `instant`, in seconds
    /// (negative: behind), for a browser to keep the same clock.
    pub fn offset_seconds(&self, instant: DateTime<Utc>) -> i64 {
        (self.wall(instant) - instant).num_seconds()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::case_file::{CaseFile, ParseContext};
    use crate::domain::consent::may_store;
    use crate::domain::fields::{FieldError, Fields};
    use crate::domain::policy::Section;
    use proptest::prelude::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    /// The consent section with one consent to store, given on `given` and
    /// valid up to and including `expires`, saved at `instant` on the
    /// Amsterdam clock.
    fn consent_saved_at(
        instant: &str,
        given: &str,
        expires: &str,
    ) -> Result<CaseFile, Vec<crate::domain::fields::Problem>> {
        let clock = Clock::default();
        let now = clock.wall(utc(instant));
        let fields: Fields = [
            ("consent.0.purpose", "store_data"),
            ("consent.0.given_on", given),
            ("consent.0.expires_on", expires),
            ("consent.0.language", "en"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let mut f = CaseFile::default();
        f.apply(
            Section::Consent,
            &fields,
            &ParseContext {
                today: now.date_naive(),
                user_id: "u-counsellor",
                currency: crate::domain::Currency::EUR,
            },
        )?;
        Ok(f)
    }

    #[test]
    fn today_is_the_date_on_the_organisations_wall() {
        let c = Clock::default();
        // 23:30 UTC on 6 December is 00:30 on 7 December in Amsterdam.
        assert_eq!(c.date_at(utc("2026-12-06T23:30:00Z")), day("2026-12-07"));
        assert_eq!(c.date_at(utc("2026-12-06T22:59:59Z")), day("2026-12-06"));
        // Summer time: two hours ahead.
        assert_eq!(c.date_at(utc("2026-07-01T22:00:00Z")), day("2026-07-02"));
        assert_eq!(c.date_at(utc("2026-07-01T21:59:59Z")), day("2026-07-01"));
        assert_eq!(c.offset_seconds(utc("2026-07-01T12:00:00Z")), 7200);
        assert_eq!(c.offset_seconds(utc("2026-12-01T12:00:00Z")), 3600);
        // West of Greenwich the local date is behind.
        let ny = Clock::named("America/New_York").unwrap();
        assert_eq!(ny.date_at(utc("2026-12-07T03:00:00Z")), day("2026-12-06"));
        assert_eq!(ny.zone_name(), "America/New_York");
        assert_eq!(Clock::named("Mars/Olympus_Mons"), None);
        assert_eq!(Clock::named(""), None);
    }

    #[test]
    fn a_consent_dated_today_holds_at_half_past_midnight() {
        // 00:30 in Amsterdam, still 6 December in UTC.
        let f = consent_saved_at("2026-12-06T23:30:00Z", "2026-12-07", "").unwrap();
        let c = Clock::default();
        assert!(may_store(
            &f.consent.records,
            c.wall(utc("2026-12-06T23:30:00Z"))
        ));
        // Not before its day started on the organisation's wall.
        assert!(!may_store(
            &f.consent.records,
            c.wall(utc("2026-12-06T22:59:00Z"))
        ));
        // On the UTC clock it would have been a date in the future.
        let problems = {
            let fields: Fields = [
                ("consent.0.purpose", "store_data"),
                ("consent.0.given_on", "2026-12-07"),
                ("consent.0.language", "en"),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
            CaseFile::default()
                .apply(
                    Section::Consent,
                    &fields,
                    &ParseContext {
                        today: utc("2026-12-06T23:30:00Z").date_naive(),
                        user_id: "u",
                        currency: crate::domain::Currency::EUR,
                    },
                )
                .unwrap_err()
        };
        assert_eq!(problems[0].error, FieldError::Future);
    }

    #[test]
    fn a_consent_ends_at_the_local_midnight_after_its_last_day_across_summer_time() {
        let c = Clock::default();
        // Valid up to and including Sunday 28 March 2027, the night the
        // clocks go forward (02:00 → 03:00).
        let f = consent_saved_at("2027-03-01T10:00:00Z", "2027-03-01", "2027-03-28").unwrap();
        let holds = |instant: &str| may_store(&f.consent.records, c.wall(utc(instant)));
        // 23:59 local on the 28th (summer time, UTC+2).
        assert!(holds("2027-03-28T21:59:00Z"));
        // 00:00 local on the 29th.
        assert!(!holds("2027-03-28T22:00:00Z"));
        // And on the night the clocks go back (31 October 2027).
        let f = consent_saved_at("2027-10-01T10:00:00Z", "2027-10-01", "2027-10-31").unwrap();
        let holds = |instant: &str| may_store(&f.consent.records, c.wall(utc(instant)));
        assert!(holds("2027-10-31T22:59:00Z"), "23:59 winter time (UTC+1)");
        assert!(!holds("2027-10-31T23:00:00Z"), "midnight");
        // The hour that happens twice (02:00–03:00) is still the 31st.
        assert!(holds("2027-10-31T00:30:00Z"));
        assert!(holds("2027-10-31T01:30:00Z"));
    }

    proptest! {
        /// At any instant in any of these zones, the clock's date is the
        /// local calendar date, and a consent valid up to and including
        /// a day holds exactly while that day has not ended on the wall.
        #[test]
        fn the_wall_date_decides(
            secs in 1_700_000_000i64..1_900_000_000,
            zone in prop::sample::select(vec![
                "Europe/Amsterdam", "Europe/Lisbon", "Africa/Lagos",
                "America/New_York", "Asia/Kolkata", "Pacific/Kiritimati",
                "Pacific/Pago_Pago", "Australia/Lord_Howe",
            ]),
            last_day_back in -3i64..3,
        ) {
            let c = Clock::named(zone).unwrap();
            let instant = DateTime::from_timestamp(secs, 0).unwrap();
            let local = instant.with_timezone(&c.zone);
            prop_assert_eq!(c.date_at(instant), local.date_naive());
            let today = local.date_naive();
            let last = today + chrono::Duration::days(last_day_back);
            let consent = crate::domain::consent::Consent {
                purpose: crate::domain::consent::Purpose::StoreData,
                given_at: (today - chrono::Duration::days(10)).and_hms_opt(0, 0, 0).unwrap().and_utc(),
                language: "en".into(),
                explained_by: "u".into(),
                interpreter_used: false,
                expires_at: last.succ_opt().map(|d| d.and_hms_opt(0, 0, 0).unwrap().and_utc()),
                withdrawn_at: None,
            };
            prop_assert_eq!(may_store(&[consent], c.wall(instant)), last >= today);
        }
    }
}
