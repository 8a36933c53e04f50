//! The supervisor's dashboard: figures over an organisation's plans,
//! computed from each plan's summary (stage, dates, risk, next milestone).
//! Pure: the same rows always give the same figures, whatever the engine
//! that stored them, and the rules are tested here.
//!
//! Statistics that leave the organisation (for funders and national
//! rapporteurs) are counts only, and a count under [`SUPPRESS_BELOW`] is
//! suppressed: a small cell could point at a person.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One plan as the dashboard reads it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PlanRow {
    pub code: String,
    pub alias: String,
    pub owner_id: String,
    pub stage: String,
    pub risk_level: Option<String>,
    pub next_due: Option<NaiveDate>,
    pub first_contact_on: Option<NaiveDate>,
    pub screened_on: Option<NaiveDate>,
    /// `Judgement` slug: signs_present, unclear, no_signs.
    pub screening: Option<String>,
    pub decided_on: Option<NaiveDate>,
    /// stay, return, onward (or another choice's slug).
    pub decision: Option<String>,
    pub departed_on: Option<NaiveDate>,
    pub arrived_on: Option<NaiveDate>,
    pub awaiting_approval: bool,
    /// The next follow-up contact after return not recorded yet.
    pub follow_up_due: Option<NaiveDate>,
    /// The latest sustainability score over every dimension (0–1).
    pub follow_up_score: Option<rust_decimal::Decimal>,
}

/// What the dashboard is narrowed to; `None` is everything.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Filters {
    pub counsellor: Option<String>,
    pub stage: Option<String>,
    pub risk_level: Option<String>,
    /// Plans whose first contact falls in the period (both days included).
    pub from: Option<NaiveDate>,
    pub until: Option<NaiveDate>,
}

impl Filters {
    pub fn admits(&self, r: &PlanRow) -> bool {
        let within = |d: Option<NaiveDate>| {
            (self.from.is_none() && self.until.is_none())
                || d.is_some_and(|d| {
                    self.from.is_none_or(|f| d >= f) && self.until.is_none_or(|u| d <= u)
                })
        };
        self.counsellor.as_ref().is_none_or(|c| *c == r.owner_id)
            && self.stage.as_ref().is_none_or(|s| *s == r.stage)
            && self
                .risk_level
                .as_ref()
                .is_none_or(|l| r.risk_level.as_ref() == Some(l))
            && within(r.first_contact_on)
    }
}

/// Days ahead within which a milestone is due soon.
pub const DUE_SOON_DAYS: i64 = super::handover::DUE_SOON_DAYS;

/// Stages in which a plan is no longer worked on (its milestones do not
/// count as overdue, and it is not in anyone's open caseload).
pub fn is_finished(stage: &str) -> bool {
    matches!(stage, "closed" | "withdrawn_by_client")
}

/// Stages whose milestones wait (a plan on hold, or one that ended): they
/// do not count as overdue or due soon.
pub fn milestones_wait(stage: &str) -> bool {
    is_finished(stage) || stage == "on_hold"
}

/// A month, as "2026-11".
pub fn month_of(d: NaiveDate) -> String {
    format!("{:04}-{:02}", d.year(), d.month())
}

/// The figures of the dashboard.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Figures {
    pub plans: i64,
    /// Per stage slug, in the order of `plan::STAGES`.
    pub per_stage: Vec<(String, i64)>,
    pub overdue: i64,
    pub due_soon: i64,
    /// High-risk returns waiting for a supervisor's approval: (code, alias).
    pub awaiting_approval: Vec<(String, String)>,
    /// Open plans per counsellor id.
    pub per_counsellor: Vec<(String, i64)>,
    /// Median days from first contact to decision, and to departure.
    pub median_days_to_decision: Option<i64>,
    pub median_days_to_departure: Option<i64>,
    /// Follow-up contacts after return not recorded though due, and due
    /// within [`DUE_SOON_DAYS`] (plans still worked on).
    pub follow_ups_overdue: i64,
    pub follow_ups_due_soon: i64,
    /// Plans per band of their latest sustainability score, in the order
    /// of [`super::follow_up::BANDS`].
    pub scores: Vec<(String, i64)>,
    /// Monthly series, oldest first, over the months of `months`.
    pub trends: Trends,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Trends {
    pub months: Vec<String>,
    pub intakes: Vec<i64>,
    /// Screenings whose judgement was "signs present".
    pub screenings_with_signs: Vec<i64>,
    pub decisions_stay: Vec<i64>,
    pub decisions_return: Vec<i64>,
    pub decisions_onward: Vec<i64>,
    pub departures: Vec<i64>,
    pub arrivals: Vec<i64>,
}

/// The median of whole days (the lower middle value for an even count).
pub fn median(mut days: Vec<i64>) -> Option<i64> {
    if days.is_empty() {
        return None;
    }
    days.sort_unstable();
    Some(days[(days.len() - 1) / 2])
}

/// The `n` months ending with the month of `today`, oldest first.
pub fn last_months(today: NaiveDate, n: usize) -> Vec<String> {
    let mut out = Vec::with_capacity(n);
    let (mut y, mut m) = (today.year(), today.month());
    for _ in 0..n {
        out.push(format!("{y:04}-{m:02}"));
        if m == 1 {
            y -= 1;
            m = 12;
        } else {
            m -= 1;
        }
    }
    out.reverse();
    out
}

/// Every figure over the rows the filters admit, on `today`, with
/// monthly trends over the `months` months up to today's.
pub fn figures(rows: &[PlanRow], filters: &Filters, today: NaiveDate, months: usize) -> Figures {
    let rows: Vec<&PlanRow> = rows.iter().filter(|r| filters.admits(r)).collect();
    let mut per_stage: BTreeMap<&str, i64> = BTreeMap::new();
    let mut per_counsellor: BTreeMap<&str, i64> = BTreeMap::new();
    let (mut overdue, mut due_soon) = (0, 0);
    let (mut follow_ups_overdue, mut follow_ups_due_soon) = (0, 0);
    let mut bands: BTreeMap<&str, i64> = BTreeMap::new();
    let mut to_decision = Vec::new();
    let mut to_departure = Vec::new();
    let mut awaiting = Vec::new();
    for r in &rows {
        *per_stage.entry(r.stage.as_str()).or_default() += 1;
        if !is_finished(&r.stage) {
            *per_counsellor.entry(r.owner_id.as_str()).or_default() += 1;
        }
        if !milestones_wait(&r.stage) {
            let due_in = |due: Option<NaiveDate>| due.map(|d| (d - today).num_days());
            match due_in(r.next_due) {
                Some(days) if days < 0 => overdue += 1,
                Some(days) if days <= DUE_SOON_DAYS => due_soon += 1,
                _ => {}
            }
            match due_in(r.follow_up_due) {
                Some(days) if days < 0 => follow_ups_overdue += 1,
                Some(days) if days <= DUE_SOON_DAYS => follow_ups_due_soon += 1,
                _ => {}
            }
        }
        if let Some(score) = r.follow_up_score {
            *bands.entry(super::follow_up::band(score)).or_default() += 1;
        }
        if r.awaiting_approval {
            awaiting.push((r.code.clone(), r.alias.clone()));
        }
        if let Some(first) = r.first_contact_on {
            if let Some(d) = r.decided_on.filter(|d| *d >= first) {
                to_decision.push((d - first).num_days());
            }
            if let Some(d) = r.departed_on.filter(|d| *d >= first) {
                to_departure.push((d - first).num_days());
            }
        }
    }
    awaiting.sort();
    let month_list = last_months(today, months);
    let index: BTreeMap<&str, usize> = month_list
        .iter()
        .enumerate()
        .map(|(i, m)| (m.as_str(), i))
        .collect();
    let series = |pick: &dyn Fn(&PlanRow) -> Option<NaiveDate>| {
        let mut v = vec![0i64; month_list.len()];
        for r in &rows {
            if let Some(i) = pick(r).and_then(|d| index.get(month_of(d).as_str()).copied()) {
                v[i] += 1;
            }
        }
        v
    };
    let decided = |option: &'static str| {
        move |r: &PlanRow| {
            r.decided_on
                .filter(|_| r.decision.as_deref() == Some(option))
        }
    };
    let trends = Trends {
        intakes: series(&|r| r.first_contact_on),
        screenings_with_signs: series(&|r| {
            r.screened_on
                .filter(|_| r.screening.as_deref() == Some("signs_present"))
        }),
        decisions_stay: series(&decided("stay")),
        decisions_return: series(&decided("return")),
        decisions_onward: series(&decided("onward")),
        departures: series(&|r| r.departed_on),
        arrivals: series(&|r| r.arrived_on),
        months: month_list.clone(),
    };
    let mut per_counsellor: Vec<(String, i64)> = per_counsellor
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
    per_counsellor.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    Figures {
        plans: rows.len() as i64,
        per_stage: super::plan::STAGES
            .into_iter()
            .map(|s| (s.to_string(), per_stage.get(s).copied().unwrap_or(0)))
            .collect(),
        overdue,
        due_soon,
        follow_ups_overdue,
        follow_ups_due_soon,
        scores: super::follow_up::BANDS
            .into_iter()
            .map(|b| (b.to_string(), bands.get(b).copied().unwrap_or(0)))
            .collect(),
        awaiting_approval: awaiting,
        per_counsellor,
        median_days_to_decision: median(to_decision),
        median_days_to_departure: median(to_departure),
        trends,
    }
}

/// Counts under this are suppressed in statistics that leave the
/// organisation.
pub const SUPPRESS_BELOW: i64 = 5;

/// A count as published: the number, or suppressed (1–4). Zero is shown:
/// it points at nobody.
pub fn published(n: i64) -> Option<i64> {
    (n == 0 || n >= SUPPRESS_BELOW).then_some(n)
}

/// The anonymised statistics as CSV: one line per month and measure,
/// counts only, small cells suppressed (written as an empty cell with the
/// flag "suppressed"). No code, alias, counsellor or date finer than a
/// month appears.
pub fn statistics_csv(t: &Trends) -> String {
    let mut out = String::from("month,measure,count,note\r\n");
    let measures: [(&str, &Vec<i64>); 7] = [
        ("intakes", &t.intakes),
        (
            "screenings_with_signs_of_trafficking",
            &t.screenings_with_signs,
        ),
        ("decisions_stay", &t.decisions_stay),
        ("decisions_return", &t.decisions_return),
        ("decisions_onward", &t.decisions_onward),
        ("departures", &t.departures),
        ("arrivals", &t.arrivals),
    ];
    // Every cell is a month, a measure's name or a count: none can start
    // a formula; each still goes through the rule, should that change.
    for (i, month) in t.months.iter().enumerate() {
        let month = super::spreadsheet::neutralise(month);
        for (name, values) in measures {
            let n = values.get(i).copied().unwrap_or(0);
            match published(n) {
                Some(n) => out.push_str(&format!("{month},{name},{n},\r\n")),
                None => out.push_str(&format!("{month},{name},,suppressed\r\n")),
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn row(code: &str, owner: &str, stage: &str) -> PlanRow {
        PlanRow {
            code: code.into(),
            alias: format!("Alias {code}"),
            owner_id: owner.into(),
            stage: stage.into(),
            ..Default::default()
        }
    }

    #[test]
    fn the_funnel_deadlines_and_medians() {
        let today = d(2026, 11, 29);
        let mut a = row("A", "carla", "draft");
        a.first_contact_on = Some(d(2026, 11, 1));
        a.next_due = Some(d(2026, 11, 20)); // overdue
        let mut b = row("B", "carla", "decided");
        b.first_contact_on = Some(d(2026, 9, 1));
        b.decided_on = Some(d(2026, 9, 11)); // 10 days
        b.decision = Some("return".into());
        b.next_due = Some(d(2026, 12, 10)); // due soon (11 days)
        let mut c = row("C", "cora", "departed");
        c.first_contact_on = Some(d(2026, 6, 1));
        c.decided_on = Some(d(2026, 6, 21)); // 20 days
        c.decision = Some("return".into());
        c.departed_on = Some(d(2026, 8, 30)); // 90 days
        c.next_due = Some(d(2027, 3, 1)); // later
        c.risk_level = Some("high".into());
        c.awaiting_approval = true;
        let mut e = row("E", "cora", "closed");
        e.next_due = Some(d(2026, 1, 1)); // closed: not overdue
        let mut h = row("H", "cora", "on_hold");
        h.next_due = Some(d(2026, 1, 1)); // paused: not overdue, still hers
        let rows = vec![a, b, c, e, h];
        let f = figures(&rows, &Filters::default(), today, 12);
        assert_eq!(f.plans, 5);
        let stage = |s: &str| f.per_stage.iter().find(|(k, _)| k == s).unwrap().1;
        assert_eq!(
            (
                stage("draft"),
                stage("decided"),
                stage("departed"),
                stage("closed")
            ),
            (1, 1, 1, 1)
        );
        assert_eq!(f.per_stage.len(), crate::domain::plan::STAGES.len());
        assert_eq!((f.overdue, f.due_soon), (1, 1));
        assert_eq!(f.awaiting_approval, vec![("C".into(), "Alias C".into())]);
        // Open plans only: the closed one is nobody's caseload.
        assert_eq!(
            f.per_counsellor,
            vec![("carla".into(), 2), ("cora".into(), 2)]
        );
        assert_eq!(f.median_days_to_decision, Some(10));
        assert_eq!(f.median_days_to_departure, Some(90));
        let t = &f.trends;
        assert_eq!(t.months.len(), 12);
        assert_eq!(t.months.last().unwrap(), "2026-11");
        assert_eq!(t.months.first().unwrap(), "2025-12");
        let at = |m: &str| t.months.iter().position(|x| x == m).unwrap();
        assert_eq!(t.intakes[at("2026-11")], 1);
        assert_eq!(t.decisions_return[at("2026-09")], 1);
        assert_eq!(t.departures[at("2026-08")], 1);

        // Filters narrow every figure.
        let only_cora = Filters {
            counsellor: Some("cora".into()),
            ..Default::default()
        };
        let f = figures(&rows, &only_cora, today, 12);
        assert_eq!(f.plans, 3);
        let high = Filters {
            risk_level: Some("high".into()),
            ..Default::default()
        };
        assert_eq!(figures(&rows, &high, today, 12).plans, 1);
        let autumn = Filters {
            from: Some(d(2026, 9, 1)),
            until: Some(d(2026, 11, 30)),
            ..Default::default()
        };
        let f = figures(&rows, &autumn, today, 12);
        assert_eq!(f.plans, 2, "A and B had their first contact then");
    }

    /// Follow-ups due after return and the distribution of the latest
    /// scores (issue #15, item 5): a plan that waits (on hold, closed)
    /// has nothing due, but its score still counts.
    #[test]
    fn follow_ups_due_and_the_scores_distribution() {
        let today = d(2026, 11, 29);
        let dec = |s: &str| s.parse::<rust_decimal::Decimal>().unwrap();
        let mut a = row("A", "carla", "arrived");
        a.follow_up_due = Some(d(2026, 11, 1)); // overdue
        a.follow_up_score = Some(dec("0.2"));
        let mut b = row("B", "carla", "arrived");
        b.follow_up_due = Some(d(2026, 12, 5)); // due soon
        b.follow_up_score = Some(dec("0.5"));
        let mut c = row("C", "cora", "arrived");
        c.follow_up_due = Some(d(2027, 2, 1)); // later
        c.follow_up_score = Some(dec("0.9"));
        let mut h = row("H", "cora", "on_hold");
        h.follow_up_due = Some(d(2026, 10, 1)); // waits: not overdue
        h.follow_up_score = Some(dec("0.7"));
        let e = row("E", "cora", "closed"); // never scored
        let f = figures(&[a, b, c, h, e], &Filters::default(), today, 12);
        assert_eq!((f.follow_ups_overdue, f.follow_ups_due_soon), (1, 1));
        assert_eq!(
            f.scores,
            vec![
                ("low".to_string(), 1),
                ("medium".to_string(), 1),
                ("high".to_string(), 2)
            ]
        );
    }

    #[test]
    fn medians_take_the_lower_middle() {
        assert_eq!(median(vec![]), None);
        assert_eq!(median(vec![7]), Some(7));
        assert_eq!(median(vec![9, 1, 5]), Some(5));
        assert_eq!(median(vec![4, 1, 3, 2]), Some(2));
    }

    #[test]
    fn months_cross_the_year() {
        assert_eq!(
            last_months(d(2027, 2, 3), 4),
            vec!["2026-11", "2026-12", "2027-01", "2027-02"]
        );
    }

    #[test]
    fn small_counts_are_suppressed_in_the_statistics() {
        let t = Trends {
            months: vec!["2026-10".into(), "2026-11".into()],
            intakes: vec![12, 3],
            screenings_with_signs: vec![0, 5],
            decisions_stay: vec![1, 0],
            decisions_return: vec![4, 6],
            decisions_onward: vec![0, 0],
            departures: vec![5, 2],
            arrivals: vec![0, 0],
        };
        let csv = statistics_csv(&t);
        assert!(csv.starts_with("month,measure,count,note\r\n"));
        assert!(csv.contains("2026-10,intakes,12,\r\n"));
        assert!(csv.contains("2026-11,intakes,,suppressed\r\n"));
        assert!(csv.contains("2026-10,decisions_stay,,suppressed\r\n"));
        assert!(csv.contains("2026-10,screenings_with_signs_of_trafficking,0,\r\n"));
        assert!(csv.contains("2026-11,decisions_return,6,\r\n"));
        assert_eq!(csv.lines().count(), 1 + 2 * 7);
    }

    proptest! {
        /// Whatever the rows, the funnel adds up to the plans, nothing
        /// published is between 1 and 4, and a filter never adds plans.
        #[test]
        fn the_figures_add_up(
            stages in prop::collection::vec(prop::sample::select(crate::domain::plan::STAGES.to_vec()), 0..60),
            counts in prop::collection::vec(0i64..40, 0..30),
        ) {
            let today = d(2026, 11, 29);
            let rows: Vec<PlanRow> = stages
                .iter()
                .enumerate()
                .map(|(i, s)| {
                    let mut r = row(&format!("C{i}"), if i % 3 == 0 { "a" } else { "b" }, s);
                    r.first_contact_on = Some(today - chrono::Duration::days(i as i64 * 17));
                    r
                })
                .collect();
            let f = figures(&rows, &Filters::default(), today, 24);
            prop_assert_eq!(f.per_stage.iter().map(|(_, n)| n).sum::<i64>(), f.plans);
            prop_assert_eq!(f.plans, rows.len() as i64);
            let only_a = Filters { counsellor: Some("a".into()), ..Default::default() };
            prop_assert!(figures(&rows, &only_a, today, 24).plans <= f.plans);
            for n in counts {
                if let Some(p) = published(n) {
                    prop_assert!(p == 0 || p >= SUPPRESS_BELOW);
                }
            }
        }
    }
}
