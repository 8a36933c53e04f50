//! Follow-up after return (domain.md §7.3, §9): contacts at 1, 3, 6 and 12
//! months, and the reintegration sustainability score — each answer 0–1,
//! a dimension the weighted mean of its answers, the composite a weighted
//! mean of the dimensions. Questions and weights come from the catalogue;
//! a score made with a provisional catalogue says so.

use super::fields::{FieldError, Fields, Problem, Reader};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RssDimension {
    Economic,
    Social,
    Psychosocial,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RssQuestion {
    pub id: String,
    pub dimension: RssDimension,
    pub text: String,
    pub weight: Decimal,
}

/// The catalogue part the score needs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RssModel {
    pub version: String,
    pub provisional: bool,
    pub composite_weights: BTreeMap<RssDimension, Decimal>,
    pub questions: Vec<RssQuestion>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RssScore {
    pub catalogue_version: String,
    pub provisional: bool,
    /// `None` for a dimension without any answer.
    pub dimensions: BTreeMap<RssDimension, Option<Decimal>>,
    /// `None` unless every dimension has a score.
    pub composite: Option<Decimal>,
    /// Answers outside 0–1 or to unknown questions (ignored).
    pub rejected: Vec<String>,
}

fn weighted_mean(pairs: impl Iterator<Item = (Decimal, Decimal)>) -> Option<Decimal> {
    let (sum, weights) = pairs.fold((Decimal::ZERO, Decimal::ZERO), |(s, w), (v, wt)| {
        (s + v * wt, w + wt)
    });
    (weights > Decimal::ZERO).then(|| (sum / weights).round_dp(3))
}

/// Scores answers (question id → value 0–1) against the model.
pub fn score(model: &RssModel, answers: &BTreeMap<String, Decimal>) -> RssScore {
    let mut rejected = Vec::new();
    let mut per_dim: BTreeMap<RssDimension, Vec<(Decimal, Decimal)>> = BTreeMap::new();
    for (id, value) in answers {
        match model.questions.iter().find(|q| &q.id == id) {
            Some(q) if *value >= Decimal::ZERO && *value <= Decimal::ONE => {
                per_dim
                    .entry(q.dimension)
                    .or_default()
                    .push((*value, q.weight));
            }
            _ => rejected.push(id.clone()),
        }
    }
    let dimensions: BTreeMap<RssDimension, Option<Decimal>> = [
        RssDimension::Economic,
        RssDimension::Social,
        RssDimension::Psychosocial,
    ]
    .into_iter()
    .map(|d| {
        (
            d,
            per_dim
                .get(&d)
                .and_then(|v| weighted_mean(v.iter().copied())),
        )
    })
    .collect();
    let composite = dimensions
        .iter()
        // A dimension without a score, or without a weight in the
        // catalogue, leaves the composite unknown rather than guessed.
        .map(|(d, s)| s.zip(model.composite_weights.get(d).copied()))
        .collect::<Option<Vec<_>>>()
        .and_then(|v| weighted_mean(v.into_iter()));
    RssScore {
        catalogue_version: model.version.clone(),
        provisional: model.provisional,
        dimensions,
        composite,
        rejected,
    }
}

/// The months after arrival at which the client is contacted.
pub fn follow_up_dates(arrival: NaiveDate, months: &[u32]) -> Vec<NaiveDate> {
    months
        .iter()
        .filter_map(|m| arrival.checked_add_months(chrono::Months::new(*m)))
        .collect()
}

/// How a follow-up contact was made.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContactMode {
    InPerson,
    Phone,
    /// Through the reintegration partner in the country of origin.
    Partner,
}

pub const CONTACT_MODES: [(&str, ContactMode); 3] = [
    ("in_person", ContactMode::InPerson),
    ("phone", ContactMode::Phone),
    ("partner", ContactMode::Partner),
];

/// The answers' scale on screen: 0 (the worst) to 1 (the best) in
/// quarters. A question left blank was not asked, or the answer is not
/// known: it does not count, rather than counting as 0.
pub const ANSWER_SCALE: [&str; 5] = ["0", "0.25", "0.5", "0.75", "1"];

/// The longest "who made the contact" kept.
pub const MAX_WHO: usize = 200;

/// One follow-up contact after return, as recorded: which scheduled
/// contact it is, when and how it was made and by whom, the answers to the
/// sustainability questions, and the score they gave with the catalogue of
/// that day (its version, and whether it was provisional).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowUpContact {
    /// Months after arrival (1, 3, 6 or 12 with the catalogue's schedule).
    pub month: u32,
    pub on: NaiveDate,
    pub mode: ContactMode,
    /// Who made the contact: a person or the partner organisation, never
    /// the client's name.
    pub by: String,
    /// Question id → answer 0–1; questions not asked are absent.
    pub answers: BTreeMap<String, Decimal>,
    pub score: RssScore,
    /// The user who recorded it, and when.
    pub recorded_by: String,
    pub recorded_on: NaiveDate,
}

/// One scheduled contact of a plan: when it falls and, once made, what was
/// recorded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScheduledContact {
    pub month: u32,
    pub due: NaiveDate,
    pub contact: Option<FollowUpContact>,
}

/// The plan's contacts: one per month of `months` counted from the
/// confirmed `arrival`, with what was recorded for each. No arrival, no
/// schedule (the contacts are counted from it).
pub fn schedule(
    arrival: Option<NaiveDate>,
    months: &[u32],
    recorded: &[FollowUpContact],
) -> Vec<ScheduledContact> {
    let Some(arrival) = arrival else {
        return Vec::new();
    };
    months
        .iter()
        .zip(follow_up_dates(arrival, months))
        .map(|(month, due)| ScheduledContact {
            month: *month,
            due,
            contact: recorded.iter().find(|c| c.month == *month).cloned(),
        })
        .collect()
}

/// What the follow-up form (`fu.month`, `fu.on`, `fu.mode`, `fu.by` and
/// `fu.answer.<question>`) records, checked against the plan: the contact
/// is one of the schedule's not yet recorded, made after the confirmed
/// arrival and not in the future, by someone named; each answer is on the
/// scale, to a question of the catalogue. Every problem is reported; a
/// contact with any is not recorded.
pub struct ContactForm<'a> {
    pub model: &'a RssModel,
    pub months: &'a [u32],
    pub arrival: Option<NaiveDate>,
    pub recorded: &'a [FollowUpContact],
    pub recorded_by: &'a str,
    pub today: NaiveDate,
}

impl ContactForm<'_> {
    pub fn read(&self, fields: &Fields) -> Result<FollowUpContact, Vec<Problem>> {
        let mut r = Reader::new(fields);
        let months: Vec<(String, u32)> = self.months.iter().map(|m| (m.to_string(), *m)).collect();
        let choices: Vec<(&str, u32)> = months.iter().map(|(k, m)| (k.as_str(), *m)).collect();
        let month = r.choice("fu.month", &choices);
        match month {
            None if r.raw("fu.month").is_empty() => r.problem("fu.month", FieldError::Required),
            Some(m) if self.recorded.iter().any(|c| c.month == m) => {
                r.problem("fu.month", FieldError::AlreadyRecorded)
            }
            _ => {}
        }
        let on = r.past_date("fu.on", self.today);
        match (on, self.arrival) {
            (None, _) if r.raw("fu.on").is_empty() => r.problem("fu.on", FieldError::Required),
            (Some(_), None) => r.problem("fu.on", FieldError::BeforeArrival),
            (Some(d), Some(a)) if d < a => r.problem("fu.on", FieldError::BeforeArrival),
            _ => {}
        }
        let mode = r.choice("fu.mode", &CONTACT_MODES);
        if mode.is_none() && r.raw("fu.mode").is_empty() {
            r.problem("fu.mode", FieldError::Required);
        }
        let by = r.text("fu.by");
        if by.is_empty() {
            r.problem("fu.by", FieldError::Required);
        } else if by.chars().count() > MAX_WHO {
            r.problem("fu.by", FieldError::TooLong);
        }
        let scale: Vec<(&str, &str)> = ANSWER_SCALE.iter().map(|v| (*v, *v)).collect();
        let mut answers = BTreeMap::new();
        for id in r.names_under("fu.answer") {
            let key = format!("fu.answer.{id}");
            if !self.model.questions.iter().any(|q| q.id == id) {
                r.problem(&key, FieldError::Choice);
                continue;
            }
            if let Some(v) = r.choice(&key, &scale) {
                answers.insert(id, v.parse::<Decimal>().expect("the scale is decimal"));
            }
        }
        let problems = std::mem::take(&mut r.problems);
        match (month, on, mode) {
            (Some(month), Some(on), Some(mode)) if problems.is_empty() => Ok(FollowUpContact {
                month,
                on,
                mode,
                score: score(self.model, &answers),
                answers,
                by,
                recorded_by: self.recorded_by.to_string(),
                recorded_on: self.today,
            }),
            _ => Err(problems),
        }
    }
}

/// A composite score's band on the dashboard: below 0.33 "low", below
/// 0.66 "medium", else "high" (the thresholds of the scale's thirds; the
/// official reading of the score is not loaded, see the catalogue's note).
pub fn band(composite: Decimal) -> &'static str {
    if composite < Decimal::new(33, 2) {
        "low"
    } else if composite < Decimal::new(66, 2) {
        "medium"
    } else {
        "high"
    }
}

pub const BANDS: [&str; 3] = ["low", "medium", "high"];

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::str::FromStr;

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn model() -> RssModel {
        let q = |id: &str, dimension, weight: &str| RssQuestion {
            id: id.into(),
            dimension,
            text: id.into(),
            weight: dec(weight),
        };
        RssModel {
            version: "provisional-test".into(),
            provisional: true,
            composite_weights: [
                (RssDimension::Economic, dec("1")),
                (RssDimension::Social, dec("1")),
                (RssDimension::Psychosocial, dec("2")),
            ]
            .into_iter()
            .collect(),
            questions: vec![
                q("e1", RssDimension::Economic, "1"),
                q("e2", RssDimension::Economic, "3"),
                q("s1", RssDimension::Social, "1"),
                q("p1", RssDimension::Psychosocial, "1"),
            ],
        }
    }

    #[test]
    fn weighted_means_per_dimension_and_composite() {
        let answers: BTreeMap<String, Decimal> = [
            ("e1", "1"),
            ("e2", "0"),
            ("s1", "0.5"),
            ("p1", "1"),
            ("x", "1"),
            ("s2", "2"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), dec(v)))
        .collect();
        let s = score(&model(), &answers);
        assert_eq!(s.dimensions[&RssDimension::Economic], Some(dec("0.25")));
        assert_eq!(s.dimensions[&RssDimension::Social], Some(dec("0.5")));
        // (0.25 + 0.5 + 2 × 1) / 4
        assert_eq!(s.composite, Some(dec("0.688")));
        assert!(
            s.provisional,
            "made with a provisional catalogue, and says so"
        );
        assert_eq!(s.rejected, vec!["s2".to_string(), "x".to_string()]);
        let partial = score(
            &model(),
            &[("e1".to_string(), dec("1"))].into_iter().collect(),
        );
        assert_eq!(
            partial.composite, None,
            "no composite without every dimension"
        );
        let mut unweighted = model();
        unweighted.composite_weights.remove(&RssDimension::Social);
        assert_eq!(
            score(&unweighted, &answers).composite,
            None,
            "no weight, no guess"
        );
    }

    #[test]
    fn contacts_at_one_three_six_and_twelve_months() {
        let arrival = NaiveDate::from_ymd_opt(2026, 1, 31).unwrap();
        let dates = follow_up_dates(arrival, &[1, 3, 6, 12]);
        let expected: Vec<NaiveDate> = [(2026, 2, 28), (2026, 4, 30), (2026, 7, 31), (2027, 1, 31)]
            .into_iter()
            .map(|(y, m, d)| NaiveDate::from_ymd_opt(y, m, d).unwrap())
            .collect();
        assert_eq!(dates, expected);
    }

    fn day(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, d).unwrap()
    }

    fn form<'a>(recorded: &'a [FollowUpContact], model: &'a RssModel) -> ContactForm<'a> {
        ContactForm {
            model,
            months: &[1, 3, 6, 12],
            arrival: Some(day(3, 10)),
            recorded,
            recorded_by: "u-mission",
            today: day(6, 1),
        }
    }

    fn fields(pairs: &[(&str, &str)]) -> Fields {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn problems(r: Result<FollowUpContact, Vec<Problem>>) -> Vec<(String, FieldError)> {
        r.err()
            .unwrap_or_default()
            .into_iter()
            .map(|p| (p.field, p.error))
            .collect()
    }

    #[test]
    fn a_contact_is_recorded_with_its_score_and_the_catalogue_it_used() {
        let m = model();
        let c = form(&[], &m)
            .read(&fields(&[
                ("fu.month", "1"),
                ("fu.on", "2026-04-12"),
                ("fu.mode", "partner"),
                ("fu.by", "  Partner caseworker, Lagos  "),
                ("fu.answer.e1", "1"),
                ("fu.answer.e2", "0"),
                ("fu.answer.s1", "0.5"),
                ("fu.answer.p1", ""),
            ]))
            .unwrap();
        assert_eq!(
            (c.month, c.on, c.mode),
            (1, day(4, 12), ContactMode::Partner)
        );
        assert_eq!(c.by, "Partner caseworker, Lagos");
        assert_eq!(c.answers.len(), 3, "a blank answer was not asked: not a 0");
        assert_eq!(
            c.score.dimensions[&RssDimension::Economic],
            Some(dec("0.25"))
        );
        assert_eq!(c.score.dimensions[&RssDimension::Psychosocial], None);
        assert_eq!(
            c.score.composite, None,
            "a dimension unanswered: no composite"
        );
        assert!(c.score.provisional && c.score.catalogue_version == "provisional-test");
        assert_eq!(
            (c.recorded_by.as_str(), c.recorded_on),
            ("u-mission", day(6, 1))
        );
    }

    #[test]
    fn a_contact_needs_its_month_date_mode_and_who() {
        let m = model();
        assert_eq!(
            problems(form(&[], &m).read(&fields(&[]))),
            [
                ("fu.month".to_string(), FieldError::Required),
                ("fu.on".to_string(), FieldError::Required),
                ("fu.mode".to_string(), FieldError::Required),
                ("fu.by".to_string(), FieldError::Required),
            ]
        );
        let long = "x".repeat(MAX_WHO + 1);
        let got = problems(form(&[], &m).read(&fields(&[
            ("fu.month", "2"),
            ("fu.on", "2026-06-02"),
            ("fu.mode", "letter"),
            ("fu.by", &long),
            ("fu.answer.e1", "0.3"),
            ("fu.answer.zz", "1"),
        ])));
        assert_eq!(
            got,
            [
                ("fu.month".to_string(), FieldError::Choice),
                ("fu.on".to_string(), FieldError::Future),
                ("fu.mode".to_string(), FieldError::Choice),
                ("fu.by".to_string(), FieldError::TooLong),
                ("fu.answer.e1".to_string(), FieldError::Choice),
                ("fu.answer.zz".to_string(), FieldError::Choice),
            ]
        );
    }

    #[test]
    fn a_contact_comes_after_arrival_and_once_per_month() {
        let m = model();
        let ok = fields(&[
            ("fu.month", "1"),
            ("fu.on", "2026-04-12"),
            ("fu.mode", "phone"),
            ("fu.by", "IOM officer"),
        ]);
        let first = form(&[], &m).read(&ok).unwrap();
        let done = [first];
        assert_eq!(
            problems(form(&done, &m).read(&ok)),
            [("fu.month".to_string(), FieldError::AlreadyRecorded)]
        );
        let mut early = ok.clone();
        early.insert("fu.on".into(), "2026-03-09".into());
        assert_eq!(
            problems(form(&[], &m).read(&early)),
            [("fu.on".to_string(), FieldError::BeforeArrival)]
        );
        let mut not_arrived = form(&[], &m);
        not_arrived.arrival = None;
        assert_eq!(
            problems(not_arrived.read(&ok)),
            [("fu.on".to_string(), FieldError::BeforeArrival)]
        );
    }

    #[test]
    fn the_schedule_counts_from_arrival_and_shows_what_was_recorded() {
        let m = model();
        assert!(
            schedule(None, &[1, 3], &[]).is_empty(),
            "no arrival, no schedule"
        );
        let c = form(&[], &m)
            .read(&fields(&[
                ("fu.month", "3"),
                ("fu.on", "2026-05-30"),
                ("fu.mode", "in_person"),
                ("fu.by", "Partner"),
            ]))
            .unwrap();
        let s = schedule(Some(day(3, 10)), &[1, 3, 6, 12], std::slice::from_ref(&c));
        let due: Vec<_> = s
            .iter()
            .map(|x| (x.month, x.due, x.contact.is_some()))
            .collect();
        assert_eq!(
            due,
            [
                (1, day(4, 10), false),
                (3, day(6, 10), true),
                (6, day(9, 10), false),
                (12, NaiveDate::from_ymd_opt(2027, 3, 10).unwrap(), false),
            ]
        );
    }

    #[test]
    fn bands_split_the_scale_in_thirds() {
        assert_eq!(band(dec("0")), "low");
        assert_eq!(band(dec("0.329")), "low");
        assert_eq!(band(dec("0.33")), "medium");
        assert_eq!(band(dec("0.659")), "medium");
        assert_eq!(band(dec("0.66")), "high");
        assert_eq!(band(dec("1")), "high");
    }

    proptest! {
        #[test]
        fn scores_stay_between_zero_and_one(vals in proptest::collection::vec(0u32..=100, 4)) {
            let ids = ["e1", "e2", "s1", "p1"];
            let answers: BTreeMap<String, Decimal> = ids.iter().zip(&vals).map(|(k, v)| (k.to_string(), Decimal::from(*v) / Decimal::from(100))).collect();
            let s = score(&model(), &answers);
            let c = s.composite.unwrap();
            prop_assert!(c >= Decimal::ZERO && c <= Decimal::ONE);
            let back: RssScore = serde_json::from_str(&serde_json::to_string(&s).unwrap()).unwrap();
            prop_assert_eq!(back, s);
        }
    }
}
