//! Identification screening: the ILO/European Commission operational
//! indicators of trafficking in human beings (2009) and their analytic rule
//! (domain.md §5.1–5.2, source ILO WCMS_105023 p. 3).
//!
//! The indicators and their grades are catalogue data (`app/catalog/`);
//! this module only decides. Its result is worded as "indicator profile
//! consistent with trafficking (ILO analytic rule)" — never a legal
//! determination; the counsellor's own judgement is recorded separately.

use super::case::Minority;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// The version of the rule below; stored in every result.
pub const RULE_VERSION: &str = "ilo-2009-analytic-rule.1";

/// The four ILO lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IloList {
    AdultLabour,
    AdultSexual,
    ChildLabour,
    ChildSexual,
}

impl IloList {
    pub fn is_child(self) -> bool {
        matches!(self, IloList::ChildLabour | IloList::ChildSexual)
    }

    /// The list for the same form of exploitation that fits a client who
    /// is `minority` on the day of screening: the child list for a minor,
    /// and for a client whose age is unclear (the presumption of minority,
    /// EU Directive 2011/36/EU art. 13); the adult list for an adult.
    pub fn for_client(self, minority: Minority) -> IloList {
        let sexual = matches!(self, IloList::AdultSexual | IloList::ChildSexual);
        match (minority == Minority::Adult, sexual) {
            (true, false) => IloList::AdultLabour,
            (true, true) => IloList::AdultSexual,
            (false, false) => IloList::ChildLabour,
            (false, true) => IloList::ChildSexual,
        }
    }
}

/// How strongly an indicator points to trafficking, per list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Grade {
    Weak,
    Medium,
    Strong,
}

/// The element of trafficking a dimension belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Element {
    Recruitment,
    Exploitation,
    Coercion,
}

/// One indicator of the catalogue, with its grade in each list it is on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Indicator {
    pub id: String,
    /// 1–6, see [`DIMENSIONS`].
    pub dimension: u8,
    pub text: String,
    pub grades: std::collections::BTreeMap<IloList, Grade>,
}

/// The six dimensions and the element each belongs to.
pub const DIMENSIONS: [(u8, Element); 6] = [
    (1, Element::Recruitment),
    (2, Element::Recruitment),
    (3, Element::Recruitment),
    (4, Element::Exploitation),
    (5, Element::Coercion),
    (6, Element::Coercion),
];

/// Where the counsellor learnt of an indicator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    SelfReport,
    Observed,
    Document,
}

/// An indicator marked present, with its source and date.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Observation {
    pub indicator_id: String,
    pub source: Source,
    pub noted_on: NaiveDate,
}

/// Step 1 of the rule: a dimension is positive with two strong indicators,
/// or one strong and one medium-or-weak, or three medium, or two medium and
/// one weak. Weak indicators alone never are.
pub fn dimension_positive(strong: usize, medium: usize, weak: usize) -> bool {
    strong >= 2 || (strong >= 1 && medium + weak >= 1) || medium >= 3 || (medium >= 2 && weak >= 1)
}

/// The counts and verdict of one dimension.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DimensionResult {
    pub dimension: u8,
    pub strong: usize,
    pub medium: usize,
    pub weak: usize,
    pub positive: bool,
}

/// The outcome of a screening against one list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScreeningResult {
    pub list: IloList,
    pub rule_version: String,
    pub catalogue_version: String,
    pub dimensions: Vec<DimensionResult>,
    pub recruitment: bool,
    pub exploitation: bool,
    /// Not required for the child lists (Palermo: no "means" for children).
    pub coercion: bool,
    /// "Indicator profile consistent with trafficking (ILO analytic rule)";
    /// `None` when the catalogue does not hold this list (no verdict).
    pub consistent: Option<bool>,
    /// Observations whose indicator is not on this list (ignored).
    pub not_on_list: Vec<String>,
    /// False when the catalogue holds no indicators for this list: the
    /// result then says nothing either way and must not be shown as one.
    pub list_available: bool,
    /// How many indicators of this list the catalogue holds.
    pub indicators_on_list: usize,
}

/// What a screening result may say, given how much of the list the
/// catalogue holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// The catalogue holds none of this list: no result either way.
    CannotAssess,
    /// Indicator profile consistent with trafficking (ILO analytic rule).
    Consistent,
    /// Not consistent, on the whole list.
    NotConsistent,
    /// Not consistent on the indicators the catalogue holds, which are not
    /// the whole list: no finding either way.
    NotEstablished,
}

impl ScreeningResult {
    /// The verdict, from a catalogue that holds the whole list
    /// (`complete`) or only part of it. A part of a list can find a
    /// profile consistent (the indicators it holds suffice), never rule
    /// one out.
    pub fn verdict(&self, complete: bool) -> Verdict {
        match self.consistent {
            None => Verdict::CannotAssess,
            Some(true) => Verdict::Consistent,
            Some(false) if complete => Verdict::NotConsistent,
            Some(false) => Verdict::NotEstablished,
        }
    }
}

/// Step 2: applies the rule to the indicators observed, for one list.
/// An indicator observed more than once counts once.
pub fn screen(
    list: IloList,
    indicators: &[Indicator],
    catalogue_version: &str,
    observations: &[Observation],
) -> ScreeningResult {
    let present: BTreeSet<&str> = observations
        .iter()
        .map(|o| o.indicator_id.as_str())
        .collect();
    let mut counts = [(0usize, 0usize, 0usize); 6];
    let mut not_on_list = Vec::new();
    for id in &present {
        let graded = indicators
            .iter()
            .find(|i| i.id == *id)
            .and_then(|i| i.grades.get(&list).map(|g| (i.dimension, *g)));
        match graded {
            Some((d @ 1..=6, grade)) => {
                let c = &mut counts[usize::from(d - 1)];
                match grade {
                    Grade::Strong => c.0 += 1,
                    Grade::Medium => c.1 += 1,
                    Grade::Weak => c.2 += 1,
                }
            }
            _ => not_on_list.push(id.to_string()),
        }
    }
    let dimensions: Vec<DimensionResult> = DIMENSIONS
        .iter()
        .map(|(d, _)| {
            let (strong, medium, weak) = counts[usize::from(d - 1)];
            DimensionResult {
                dimension: *d,
                strong,
                medium,
                weak,
                positive: dimension_positive(strong, medium, weak),
            }
        })
        .collect();
    let element = |e: Element| {
        DIMENSIONS
            .iter()
            .zip(&dimensions)
            .any(|((_, el), r)| *el == e && r.positive)
    };
    let recruitment = element(Element::Recruitment);
    let exploitation = element(Element::Exploitation);
    let coercion = element(Element::Coercion);
    let indicators_on_list = indicators
        .iter()
        .filter(|i| i.grades.contains_key(&list))
        .count();
    let list_available = indicators_on_list > 0;
    let consistent =
        list_available.then_some(recruitment && exploitation && (coercion || list.is_child()));
    ScreeningResult {
        list_available,
        indicators_on_list,
        list,
        rule_version: RULE_VERSION.to_string(),
        catalogue_version: catalogue_version.to_string(),
        dimensions,
        recruitment,
        exploitation,
        coercion,
        consistent,
        not_on_list,
    }
}

/// Whether the client is a victim of trafficking, as a person decided:
/// the screening only suggests. The "trafficking status" of the UN
/// Migration human-trafficking case data standard (HTCDS).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "status")]
pub enum TraffickingStatus {
    #[default]
    NotAssessed,
    /// Signs of trafficking: a possible victim (in the Netherlands the
    /// slightest indication is enough to offer the reflection period).
    PossibleVictim,
    /// Identified as a victim by the competent authority named, on a day.
    Identified {
        authority: String,
        on: NaiveDate,
    },
    NotAVictim,
}

impl TraffickingStatus {
    pub fn slug(&self) -> &'static str {
        match self {
            TraffickingStatus::NotAssessed => "not_assessed",
            TraffickingStatus::PossibleVictim => "possible_victim",
            TraffickingStatus::Identified { .. } => "identified",
            TraffickingStatus::NotAVictim => "not_a_victim",
        }
    }
}

/// The trafficking status with who recorded it (a user id) and when; set
/// by the save that changes the status, never typed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusRecord {
    pub status: TraffickingStatus,
    #[serde(default)]
    pub recorded_by: Option<String>,
    #[serde(default)]
    pub recorded_on: Option<NaiveDate>,
}

/// The counsellor's own view, recorded apart from the ILO rule's result.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Judgement {
    /// Signs of trafficking: refer (police, CoMensha, NRM).
    SignsPresent,
    /// Not enough to say yet; screen again as trust grows.
    Unclear,
    NoSigns,
}

/// A referral made after screening.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Referral {
    /// Police, CoMensha, a care coordinator … (an organisation or a service).
    pub to: String,
    pub on: NaiveDate,
}

/// The Dutch reflection period (bedenktijd): offered on the slightest
/// indication, at most three months.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReflectionPeriod {
    pub offered_on: NaiveDate,
    pub start: Option<NaiveDate>,
    pub end: Option<NaiveDate>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReflectionProblem {
    StartsBeforeOffered,
    EndsBeforeStart,
    /// Longer than the legal maximum of three months.
    LongerThanThreeMonths,
    EndWithoutStart,
}

impl ReflectionPeriod {
    /// The latest end the law allows for a start.
    pub fn latest_end(start: NaiveDate) -> NaiveDate {
        start
            .checked_add_months(chrono::Months::new(3))
            .unwrap_or(start)
    }

    pub fn problems(&self) -> Vec<ReflectionProblem> {
        let mut p = Vec::new();
        match (self.start, self.end) {
            (None, Some(_)) => p.push(ReflectionProblem::EndWithoutStart),
            (Some(start), end) => {
                if start < self.offered_on {
                    p.push(ReflectionProblem::StartsBeforeOffered);
                }
                if let Some(end) = end {
                    if end < start {
                        p.push(ReflectionProblem::EndsBeforeStart);
                    } else if end > Self::latest_end(start) {
                        p.push(ReflectionProblem::LongerThanThreeMonths);
                    }
                }
            }
            (None, None) => {}
        }
        p
    }
}

/// The Dutch signal lists, a second checklist beside the ILO indicators.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignalGroup {
    pub id: String,
    pub title: String,
    pub signals: Vec<Signal>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signal {
    pub id: String,
    pub text: String,
}

/// The groups with at least one signal observed, and how many in each.
pub fn signal_groups_present<'a>(
    groups: &'a [SignalGroup],
    observed: &[Observation],
) -> Vec<(&'a str, usize)> {
    groups
        .iter()
        .filter_map(|g| {
            let n = g
                .signals
                .iter()
                .filter(|s| observed.iter().any(|o| o.indicator_id == s.id))
                .count();
            (n > 0).then_some((g.id.as_str(), n))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_dimension_rule_as_worded_by_the_ilo() {
        // (strong, medium, weak, positive, why)
        let table = [
            (1, 0, 0, false, "one strong indicator alone is not enough"),
            (2, 0, 0, true, "two strong"),
            (1, 1, 0, true, "one strong and one medium"),
            (1, 0, 1, true, "one strong and one weak"),
            (0, 3, 0, true, "three medium"),
            (0, 2, 1, true, "two medium and one weak"),
            (0, 2, 0, false, "two medium"),
            (0, 1, 2, false, "one medium and two weak"),
            (0, 0, 9, false, "weak indicators alone never are"),
            (0, 0, 0, false, "nothing"),
        ];
        for (s, m, w, positive, why) in table {
            assert_eq!(dimension_positive(s, m, w), positive, "{why}");
        }
    }

    fn ind(id: &str, dimension: u8, grade: Grade) -> Indicator {
        Indicator {
            id: id.into(),
            dimension,
            text: id.into(),
            grades: [(IloList::AdultLabour, grade), (IloList::ChildLabour, grade)]
                .into_iter()
                .collect(),
        }
    }

    fn catalogue() -> Vec<Indicator> {
        let mut v = Vec::new();
        for d in 1..=6u8 {
            for (g, n) in [(Grade::Strong, 2), (Grade::Medium, 3), (Grade::Weak, 2)] {
                for k in 0..n {
                    v.push(ind(&format!("d{d}-{g:?}-{k}"), d, g));
                }
            }
        }
        v
    }

    fn seen(ids: &[&str]) -> Vec<Observation> {
        ids.iter()
            .map(|id| Observation {
                indicator_id: id.to_string(),
                source: Source::SelfReport,
                noted_on: NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(),
            })
            .collect()
    }

    #[test]
    fn an_adult_profile_needs_all_three_elements() {
        let c = catalogue();
        let recruitment = ["d1-Strong-0", "d1-Medium-0"];
        let exploitation = ["d4-Medium-0", "d4-Medium-1", "d4-Weak-0"];
        let coercion = ["d5-Strong-0", "d5-Strong-1"];
        let all: Vec<&str> = recruitment
            .iter()
            .chain(&exploitation)
            .chain(&coercion)
            .copied()
            .collect();
        let r = screen(IloList::AdultLabour, &c, "test.1", &seen(&all));
        assert_eq!(r.consistent, Some(true));
        assert_eq!(r.rule_version, RULE_VERSION);
        assert_eq!(r.catalogue_version, "test.1");
        // Without any coercion or abuse-of-vulnerability-at-destination
        // element, an adult profile is not consistent.
        let without: Vec<&str> = recruitment.iter().chain(&exploitation).copied().collect();
        let r = screen(IloList::AdultLabour, &c, "test.1", &seen(&without));
        assert!(r.recruitment && r.exploitation && !r.coercion);
        assert_eq!(r.consistent, Some(false));
        // For a child list the means (coercion) are not required.
        let r = screen(IloList::ChildLabour, &c, "test.1", &seen(&without));
        assert_eq!(r.consistent, Some(true));
        // Abuse of vulnerability at destination counts as the third element.
        let with_d6: Vec<&str> = without
            .iter()
            .copied()
            .chain(["d6-Medium-0", "d6-Medium-1", "d6-Medium-2"])
            .collect();
        assert_eq!(
            screen(IloList::AdultLabour, &c, "test.1", &seen(&with_d6)).consistent,
            Some(true)
        );
    }

    #[test]
    fn indicators_count_once_and_off_list_ones_are_reported() {
        let c = catalogue();
        let twice = seen(&["d4-Strong-0", "d4-Strong-0", "no-such-indicator"]);
        let r = screen(IloList::AdultLabour, &c, "test.1", &twice);
        assert_eq!(r.dimensions[3].strong, 1);
        assert!(!r.dimensions[3].positive);
        assert_eq!(r.not_on_list, ["no-such-indicator"]);
        // Graded for adult labour only: not on the adult sexual list, and
        // a list the catalogue does not hold gives no verdict either way.
        let r = screen(IloList::AdultSexual, &c, "test.1", &seen(&["d4-Strong-0"]));
        assert_eq!(r.not_on_list, ["d4-Strong-0"]);
        assert!(!r.list_available);
        assert_eq!(r.consistent, None);
        assert!(screen(IloList::AdultLabour, &c, "test.1", &[]).list_available);
    }

    #[test]
    fn the_reflection_period_is_at_most_three_months() {
        let day = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
        let period = |start: Option<NaiveDate>, end: Option<NaiveDate>| ReflectionPeriod {
            offered_on: day(1, 10),
            start,
            end,
        };
        assert_eq!(
            period(Some(day(1, 10)), Some(day(4, 10))).problems(),
            vec![]
        );
        assert_eq!(
            period(Some(day(1, 10)), Some(day(4, 11))).problems(),
            vec![ReflectionProblem::LongerThanThreeMonths]
        );
        assert_eq!(
            period(Some(day(1, 9)), None).problems(),
            vec![ReflectionProblem::StartsBeforeOffered]
        );
        assert_eq!(
            period(Some(day(2, 1)), Some(day(1, 20))).problems(),
            vec![ReflectionProblem::EndsBeforeStart]
        );
        assert_eq!(
            period(None, Some(day(2, 1))).problems(),
            vec![ReflectionProblem::EndWithoutStart]
        );
        assert_eq!(period(None, None).problems(), vec![]);
    }

    #[test]
    fn dutch_signal_groups_present() {
        let groups = vec![
            SignalGroup {
                id: "dependency".into(),
                title: "Dependency".into(),
                signals: vec![
                    Signal {
                        id: "a".into(),
                        text: "a".into(),
                    },
                    Signal {
                        id: "b".into(),
                        text: "b".into(),
                    },
                ],
            },
            SignalGroup {
                id: "threats".into(),
                title: "Threats".into(),
                signals: vec![Signal {
                    id: "c".into(),
                    text: "c".into(),
                }],
            },
        ];
        assert_eq!(
            signal_groups_present(&groups, &seen(&["a", "b", "x"])),
            vec![("dependency", 2)]
        );
    }

    proptest! {
        #[test]
        fn more_indicators_never_undo_a_positive_dimension(s in 0usize..5, m in 0usize..5, w in 0usize..5, extra in 0usize..3) {
            if dimension_positive(s, m, w) {
                prop_assert!(dimension_positive(s + extra, m, w));
                prop_assert!(dimension_positive(s, m + extra, w));
                prop_assert!(dimension_positive(s, m, w + extra));
            }
        }

        #[test]
        fn weak_alone_is_never_positive(w in 0usize..50) {
            prop_assert!(!dimension_positive(0, 0, w));
        }

        #[test]
        fn results_survive_a_serde_round_trip(ids in proptest::collection::vec(0usize..42, 0..20)) {
            let c = catalogue();
            let names: Vec<String> = ids.iter().map(|i| c[*i].id.clone()).collect();
            let refs: Vec<&str> = names.iter().map(String::as_str).collect();
            let r = screen(IloList::AdultLabour, &c, "test.1", &seen(&refs));
            let back: ScreeningResult = serde_json::from_str(&serde_json::to_string(&r).unwrap()).unwrap();
            prop_assert_eq!(back, r);
        }
    }
}
