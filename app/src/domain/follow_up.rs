//! Follow-up after return (domain.md §7.3, §9): contacts at 1, 3, 6 and 12
//! months, and the reintegration sustainability score — each answer 0–1,
//! a dimension the weighted mean of its answers, the composite a weighted
//! mean of the dimensions. Questions and weights come from the catalogue;
//! a score made with a provisional catalogue says so.

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
pub fn follow_up_dates(arrival: chrono::NaiveDate, months: &[u32]) -> Vec<chrono::NaiveDate> {
    months
        .iter()
        .filter_map(|m| arrival.checked_add_months(chrono::Months::new(*m)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
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
