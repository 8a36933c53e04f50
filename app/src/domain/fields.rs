//! Form fields: the one shape a plan section has on screen, in a local
//! draft and on the wire.
//!
//! A step of the counselling session is a plain HTML form. Its named
//! inputs are a flat map of texts ([`Fields`]); the same map is posted by
//! the browser without WASM, kept in local storage as a draft, sent by the
//! autosave, compared in the conflict view, and parsed here into the typed
//! section that the rules work on (parse, don't validate). Every section
//! can also be turned back into fields, so that parsing what was written
//! gives the same section again (property-tested in `case_file`).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// Input names to values. An absent name and an empty value are the same:
/// nothing entered (an unticked checkbox is absent).
pub type Fields = BTreeMap<String, String>;

/// What is wrong with one field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldError {
    /// Not a date (YYYY-MM-DD).
    Date,
    /// Not a number in the allowed range.
    Number,
    /// Not one of the offered choices.
    Choice,
    /// Needed here (the message says why).
    Required,
    /// Longer than allowed.
    TooLong,
    /// Not an amount of money with at most two decimals.
    Amount,
    /// Not a country (two capital letters) or language code.
    Code,
    /// A date that cannot be in the future.
    Future,
    /// A date range that ends before it starts, or runs too long.
    Range,
    /// A travel step that waits for the risk gate, which is not passed.
    GateNotPassed,
    /// Done on a day the risk gate had not passed (the assessment not made
    /// yet, stale, or without its sign-offs then).
    GateNotPassedThatDay,
    /// Asks for something the plan does not need now (a supervisor's
    /// approval of a return that needs none, or asked for already).
    NotNeeded,
    /// A sign-off dated before the assessment it confirms, or with no
    /// assessment to confirm.
    BeforeAssessment,
    /// A programme the client is not eligible for.
    NotEligible,
    /// A programme that is not meant to be combined with the plan's.
    NotCombinable,
    /// Once only, and recorded already (a scheduled follow-up contact).
    AlreadyRecorded,
    /// Before the client's confirmed arrival, or with no arrival confirmed
    /// yet (follow-up after return is counted from it).
    BeforeArrival,
}

/// A field and what is wrong with it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    pub field: String,
    pub error: FieldError,
}

/// The longest free text a field keeps.
pub const MAX_TEXT: usize = 4000;

/// Reads typed values out of fields, collecting every problem rather than
/// stopping at the first.
pub struct Reader<'a> {
    fields: &'a Fields,
    pub problems: Vec<Problem>,
}

impl<'a> Reader<'a> {
    pub fn new(fields: &'a Fields) -> Self {
        Reader {
            fields,
            problems: Vec::new(),
        }
    }

    pub fn problem(&mut self, field: &str, error: FieldError) {
        self.problems.push(Problem {
            field: field.to_string(),
            error,
        });
    }

    /// The trimmed text, empty when absent.
    pub fn raw(&self, key: &str) -> &'a str {
        self.fields.get(key).map(|s| s.trim()).unwrap_or("")
    }

    /// Free text, at most [`MAX_TEXT`] characters.
    pub fn text(&mut self, key: &str) -> String {
        let t = self.raw(key);
        if t.chars().count() > MAX_TEXT {
            self.problem(key, FieldError::TooLong);
        }
        t.to_string()
    }

    /// Free text, `None` when empty.
    pub fn opt_text(&mut self, key: &str) -> Option<String> {
        Some(self.text(key)).filter(|t| !t.is_empty())
    }

    pub fn date(&mut self, key: &str) -> Option<NaiveDate> {
        let t = self.raw(key);
        if t.is_empty() {
            return None;
        }
        match NaiveDate::parse_from_str(t, "%Y-%m-%d") {
            Ok(d) => Some(d),
            Err(_) => {
                self.problem(key, FieldError::Date);
                None
            }
        }
    }

    /// A date that cannot lie after `today`.
    pub fn past_date(&mut self, key: &str, today: NaiveDate) -> Option<NaiveDate> {
        let d = self.date(key)?;
        if d > today {
            self.problem(key, FieldError::Future);
        }
        Some(d)
    }

    /// A checkbox: ticked when present with any value but "" or "off".
    pub fn flag(&self, key: &str) -> bool {
        !matches!(self.raw(key), "" | "off" | "false")
    }

    /// Yes / no / unknown ("" or "unknown").
    pub fn yes_no(&mut self, key: &str) -> Option<bool> {
        match self.raw(key) {
            "yes" => Some(true),
            "no" => Some(false),
            "" | "unknown" => None,
            _ => {
                self.problem(key, FieldError::Choice);
                None
            }
        }
    }

    /// A whole number in `range`, `None` when empty.
    pub fn number<T>(&mut self, key: &str, range: std::ops::RangeInclusive<i64>) -> Option<T>
    where
        T: TryFrom<i64>,
    {
        let t = self.raw(key);
        if t.is_empty() {
            return None;
        }
        match t.parse::<i64>() {
            Ok(n) if range.contains(&n) => T::try_from(n).ok(),
            _ => {
                self.problem(key, FieldError::Number);
                None
            }
        }
    }

    /// One of a closed set of choices by its form value; `None` when empty.
    pub fn choice<T: Copy>(&mut self, key: &str, options: &[(&str, T)]) -> Option<T> {
        let t = self.raw(key);
        if t.is_empty() {
            return None;
        }
        match options.iter().find(|(v, _)| *v == t) {
            Some((_, value)) => Some(*value),
            None => {
                self.problem(key, FieldError::Choice);
                None
            }
        }
    }

    /// The names one level under `prefix` ("step" finds "step.T1.status",
    /// "step.T2.due" → ["T1", "T2"]), sorted, each once.
    pub fn names_under(&self, prefix: &str) -> Vec<String> {
        let start = format!("{prefix}.");
        let names: BTreeSet<&str> = self
            .fields
            .keys()
            .filter_map(|k| k.strip_prefix(&start))
            .filter_map(|rest| rest.split('.').next())
            .collect();
        names.into_iter().map(str::to_string).collect()
    }

    /// The row numbers present under `prefix` ("risk" finds "risk.0.x",
    /// "risk.3.y" → [0, 3]), in order.
    pub fn rows(&self, prefix: &str) -> Vec<usize> {
        let rows: BTreeSet<usize> = self
            .names_under(prefix)
            .iter()
            .filter_map(|n| n.parse().ok())
            .collect();
        rows.into_iter().collect()
    }

    /// Whether every field of a row is empty (a blank row is ignored).
    pub fn row_blank(&self, prefix: &str, row: usize, ignore: &[&str]) -> bool {
        let start = format!("{prefix}.{row}.");
        self.fields.iter().all(|(k, v)| {
            let Some(name) = k.strip_prefix(&start) else {
                return true;
            };
            ignore.contains(&name) || v.trim().is_empty()
        })
    }

    /// The keys after `prefix.` whose value is ticked ("obs.I1" → "I1").
    pub fn ticked(&self, prefix: &str) -> Vec<String> {
        let start = format!("{prefix}.");
        self.fields
            .keys()
            .filter_map(|k| k.strip_prefix(&start))
            .filter(|rest| !rest.contains('.'))
            .filter(|rest| self.flag(&format!("{start}{rest}")))
            .map(str::to_string)
            .collect()
    }

    pub fn finish<T>(self, value: T) -> Result<T, Vec<Problem>> {
        if self.problems.is_empty() {
            Ok(value)
        } else {
            Err(self.problems)
        }
    }
}

/// Writes typed values as fields; empty values are left out.
#[derive(Default)]
pub struct Writer {
    pub fields: Fields,
}

impl Writer {
    pub fn text(&mut self, key: impl Into<String>, value: &str) {
        if !value.is_empty() {
            self.fields.insert(key.into(), value.to_string());
        }
    }

    pub fn date(&mut self, key: impl Into<String>, value: Option<NaiveDate>) {
        if let Some(d) = value {
            self.fields
                .insert(key.into(), d.format("%Y-%m-%d").to_string());
        }
    }

    pub fn flag(&mut self, key: impl Into<String>, value: bool) {
        if value {
            self.fields.insert(key.into(), "on".into());
        }
    }

    pub fn yes_no(&mut self, key: impl Into<String>, value: Option<bool>) {
        match value {
            Some(true) => self.text(key, "yes"),
            Some(false) => self.text(key, "no"),
            None => {}
        }
    }

    pub fn number(&mut self, key: impl Into<String>, value: Option<i64>) {
        if let Some(n) = value {
            self.fields.insert(key.into(), n.to_string());
        }
    }

    pub fn choice<T: PartialEq>(
        &mut self,
        key: impl Into<String>,
        value: T,
        options: &[(&str, T)],
    ) {
        if let Some((v, _)) = options.iter().find(|(_, o)| *o == value) {
            self.text(key, v);
        }
    }
}

/// The names whose values differ between two sets of fields (an empty
/// value and an absent one count as the same).
pub fn differing(a: &Fields, b: &Fields) -> BTreeSet<String> {
    let get = |f: &Fields, k: &str| f.get(k).map(|v| v.trim().to_string()).unwrap_or_default();
    a.keys()
        .chain(b.keys())
        .filter(|k| get(a, k) != get(b, k))
        .cloned()
        .collect()
}

/// Two edits of one form, both made from `base`, merged field by field:
/// a field only one side changed takes that side's value; a field both
/// changed to the same value takes it; a field both changed differently is
/// a conflict (the merge then holds `mine` for it, until someone decides).
/// A field absent from a form is blank (an unticked box, an unused row).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Merge {
    pub merged: Fields,
    /// The fields both sides changed, differently.
    pub conflicts: BTreeSet<String>,
}

pub fn merge3(base: &Fields, mine: &Fields, theirs: &Fields) -> Merge {
    let get = |f: &Fields, k: &str| f.get(k).map(|v| v.trim().to_string()).unwrap_or_default();
    let mut merged = Fields::new();
    let mut conflicts = BTreeSet::new();
    let keys: BTreeSet<&String> = base
        .keys()
        .chain(mine.keys())
        .chain(theirs.keys())
        .collect();
    for k in keys {
        let (b, m, t) = (get(base, k), get(mine, k), get(theirs, k));
        let from_mine = if m == t || t == b {
            true
        } else if m == b {
            false
        } else {
            conflicts.insert(k.clone());
            true
        };
        let (side, value) = if from_mine { (mine, m) } else { (theirs, t) };
        // Blank stays absent, as the side's form had it.
        if let Some(v) = side.get(k.as_str()).filter(|_| !value.is_empty()) {
            merged.insert(k.clone(), v.clone());
        } else if side.contains_key(k.as_str()) {
            merged.insert(k.clone(), String::new());
        }
    }
    Merge { merged, conflicts }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(pairs: &[(&str, &str)]) -> Fields {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn every_problem_is_reported_with_its_field() {
        let f = fields(&[("a", "2026-13-01"), ("b", "x"), ("c", "maybe")]);
        let mut r = Reader::new(&f);
        assert_eq!(r.date("a"), None);
        assert_eq!(r.number::<u8>("b", 1..=3), None);
        assert_eq!(r.yes_no("c"), None);
        assert_eq!(
            r.problems
                .iter()
                .map(|p| p.field.as_str())
                .collect::<Vec<_>>(),
            ["a", "b", "c"]
        );
    }

    #[test]
    fn unknown_and_empty_are_answers_not_errors() {
        let f = fields(&[("a", ""), ("b", "unknown")]);
        let mut r = Reader::new(&f);
        assert_eq!(r.yes_no("a"), None);
        assert_eq!(r.yes_no("b"), None);
        assert_eq!(r.date("missing"), None);
        assert!(r.problems.is_empty());
    }

    #[test]
    fn rows_are_found_and_blank_rows_recognised() {
        let f = fields(&[
            ("risk.0.description", "debt"),
            ("risk.3.description", ""),
            ("risk.3.level", ""),
            ("risky", "x"),
        ]);
        let r = Reader::new(&f);
        assert_eq!(r.rows("risk"), vec![0, 3]);
        assert!(!r.row_blank("risk", 0, &[]));
        assert!(r.row_blank("risk", 3, &[]));
    }

    #[test]
    fn ticked_boxes_are_listed() {
        let f = fields(&[
            ("obs.A1", "on"),
            ("obs.A2", ""),
            ("obs.A1.source", "observed"),
        ]);
        assert_eq!(Reader::new(&f).ticked("obs"), vec!["A1".to_string()]);
    }

    #[test]
    fn differences_ignore_empty_versus_absent() {
        let a = fields(&[("x", "1"), ("y", "")]);
        let b = fields(&[("x", "2"), ("z", " ")]);
        assert_eq!(differing(&a, &b), BTreeSet::from(["x".to_string()]));
    }

    #[test]
    fn edits_of_different_fields_merge_without_asking() {
        let base = fields(&[("a", "1"), ("b", "2"), ("c", "3")]);
        let mine = fields(&[("a", "mine"), ("b", "2"), ("c", "3")]);
        let theirs = fields(&[("a", "1"), ("b", "theirs"), ("c", "3"), ("d", "new")]);
        let m = merge3(&base, &mine, &theirs);
        assert!(m.conflicts.is_empty());
        assert_eq!(
            m.merged,
            fields(&[("a", "mine"), ("b", "theirs"), ("c", "3"), ("d", "new")])
        );
    }

    #[test]
    fn a_field_both_changed_is_asked_about_and_only_that_one() {
        let base = fields(&[("a", "1"), ("b", "2")]);
        let mine = fields(&[("a", "mine"), ("b", "same")]);
        let theirs = fields(&[("a", "theirs"), ("b", "same")]);
        let m = merge3(&base, &mine, &theirs);
        assert_eq!(m.conflicts, ["a".to_string()].into_iter().collect());
        assert_eq!(m.merged, fields(&[("a", "mine"), ("b", "same")]));
    }

    #[test]
    fn a_field_cleared_on_one_side_is_a_change_and_blank_means_absent() {
        let base = fields(&[("box", "on"), ("row.1.x", "")]);
        let mine = fields(&[("box", "on")]);
        let theirs = fields(&[]);
        let m = merge3(&base, &mine, &theirs);
        assert!(m.conflicts.is_empty());
        assert_eq!(m.merged.get("box").map(String::as_str).unwrap_or(""), "");
    }

    proptest::proptest! {
        /// Merging with an unchanged side gives the other side; a merge
        /// without conflicts holds every change of both sides.
        #[test]
        fn merges_keep_every_change(
            base in proptest::collection::btree_map("[a-d]", "[xyz]{0,2}", 0..4),
            mine in proptest::collection::btree_map("[a-d]", "[xyz]{0,2}", 0..4),
            theirs in proptest::collection::btree_map("[a-d]", "[xyz]{0,2}", 0..4),
        ) {
            let same = |a: &Fields, b: &Fields| differing(a, b).is_empty();
            let m = merge3(&base, &mine, &base);
            proptest::prop_assert!(m.conflicts.is_empty());
            proptest::prop_assert!(same(&m.merged, &mine));
            let t = merge3(&base, &base, &theirs);
            proptest::prop_assert!(t.conflicts.is_empty());
            proptest::prop_assert!(same(&t.merged, &theirs));
            let both = merge3(&base, &mine, &theirs);
            for k in differing(&base, &mine) {
                if !both.conflicts.contains(&k) {
                    proptest::prop_assert_eq!(both.merged.get(&k).map(|v| v.trim()).unwrap_or(""), mine.get(&k).map(|v| v.trim()).unwrap_or(""));
                }
            }
            for k in differing(&base, &theirs) {
                if !both.conflicts.contains(&k) {
                    proptest::prop_assert_eq!(both.merged.get(&k).map(|v| v.trim()).unwrap_or(""), theirs.get(&k).map(|v| v.trim()).unwrap_or(""));
                }
            }
        }
    }
}
