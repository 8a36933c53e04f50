//! An ILO indicator list an operator loads as a new catalogue version
//! (issue #15, item 1): the built-in catalogue holds only part of the adult
//! labour list, and the other lists must come from the source
//! (ILO WCMS_105023) word for word, with their grades. The operator loads
//! them with `safeplan catalogue load-indicators`, naming the source and
//! the person who checked the wording and the grades against it; from then
//! on screenings use the newest version loaded, and each result names the
//! version it was worked out with.
//!
//! This module only reads and checks a list: a file that is not a
//! complete, consistent catalogue is refused whole, with every problem
//! named.

use super::IloCatalogue;
use crate::domain::screening::{IloList, DIMENSIONS};
use std::collections::BTreeSet;

/// The catalogue's name, as the built-in file and every loaded one carry it.
pub const CATALOGUE: &str = "ilo-operational-indicators";

/// The four lists, in the order people name them.
pub const LISTS: [IloList; 4] = [
    IloList::AdultLabour,
    IloList::AdultSexual,
    IloList::ChildLabour,
    IloList::ChildSexual,
];

/// A version name: what results, exports and the audit log carry.
fn version_ok(v: &str) -> bool {
    (1..=64).contains(&v.len())
        && v.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
}

/// An indicator's id: the form field `obs.<id>` carries it.
fn id_ok(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// How many indicators the catalogue grades on `list`.
pub fn graded(c: &IloCatalogue, list: IloList) -> usize {
    c.indicators
        .iter()
        .filter(|i| i.grades.contains_key(&list))
        .count()
}

/// The lists and their sizes, e.g. "adult_labour 67, adult_sexual 0, …".
pub fn summary(c: &IloCatalogue) -> String {
    LISTS
        .iter()
        .map(|l| {
            let n = graded(c, *l);
            match c.source_sizes.get(l) {
                Some(m) if *m != n => format!("{} {n} of {m}", list_slug(*l)),
                _ => format!("{} {n}", list_slug(*l)),
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn list_slug(l: IloList) -> &'static str {
    match l {
        IloList::AdultLabour => "adult_labour",
        IloList::AdultSexual => "adult_sexual",
        IloList::ChildLabour => "child_labour",
        IloList::ChildSexual => "child_sexual",
    }
}

/// What is wrong with a catalogue, in words an operator can act on
/// (empty: it may be loaded). `reserved_ids` are the ids other
/// instruments use in the same form (the Dutch signals).
pub fn problems(c: &IloCatalogue, reserved_ids: &BTreeSet<&str>) -> Vec<String> {
    let mut out = Vec::new();
    if c.info.catalogue != CATALOGUE {
        out.push(format!(
            "\"catalogue\" is {:?}; an indicator list says {CATALOGUE:?}",
            c.info.catalogue
        ));
    }
    if !version_ok(&c.info.version) {
        out.push(format!(
            "\"version\" {:?} must be 1 to 64 letters, digits, '.', '-' or '_'",
            c.info.version
        ));
    }
    let source = c.info.source.trim();
    if source.len() < 10 || source.len() > 1_000 {
        out.push(
            "\"source\" must name the publication the wording and grades come from (10 to 1000 characters)"
                .into(),
        );
    }
    let dims: Vec<_> = c.dimensions.iter().map(|d| (d.number, d.element)).collect();
    if dims != DIMENSIONS.to_vec() {
        out.push(
            "\"dimensions\" must be the six ILO dimensions, 1 to 6 in order, each with its element"
                .into(),
        );
    }
    for d in &c.dimensions {
        if d.name.trim().is_empty() {
            out.push(format!("dimension {} has no name", d.number));
        }
    }
    if c.indicators.is_empty() {
        out.push("\"indicators\" is empty".into());
    }
    let mut seen = BTreeSet::new();
    for (n, i) in c.indicators.iter().enumerate() {
        let at = format!("indicator {} ({:?})", n + 1, i.id);
        if !id_ok(&i.id) {
            out.push(format!(
                "{at}: an id is 1 to 64 lower-case letters, digits or '-'"
            ));
        }
        if !seen.insert(i.id.as_str()) {
            out.push(format!("{at}: the id is used twice"));
        }
        if reserved_ids.contains(i.id.as_str()) {
            out.push(format!("{at}: the id is a Dutch signal's; choose another"));
        }
        if !(1..=6).contains(&i.dimension) {
            out.push(format!("{at}: dimension {} is not 1 to 6", i.dimension));
        }
        let text = i.text.trim();
        if text.is_empty() || text.len() > 1_000 || text != i.text {
            out.push(format!(
                "{at}: the text must be the source's words (1 to 1000 characters, no spaces around)"
            ));
        }
        if i.grades.is_empty() {
            out.push(format!("{at}: it is graded on no list"));
        }
    }
    for list in LISTS {
        let n = graded(c, list);
        match c.source_sizes.get(&list) {
            Some(0) => out.push(format!(
                "\"source_sizes\" gives {} 0 indicators",
                list_slug(list)
            )),
            Some(m) if *m < n => out.push(format!(
                "\"source_sizes\" gives {} {m} indicators, but the file grades {n}",
                list_slug(list)
            )),
            Some(m) if c.info.complete && *m != n => out.push(format!(
                "\"complete\" is true, but {} holds {n} of the source's {m} indicators",
                list_slug(list)
            )),
            _ => {}
        }
        if c.info.complete && n == 0 {
            out.push(format!(
                "\"complete\" is true, but the file grades no indicator on {}",
                list_slug(list)
            ));
        }
    }
    out
}

/// Reads a catalogue file: the catalogue, or why it cannot be loaded.
pub fn read(json: &str, reserved_ids: &BTreeSet<&str>) -> Result<IloCatalogue, Vec<String>> {
    let c: IloCatalogue =
        serde_json::from_str(json).map_err(|e| vec![format!("not an indicator list: {e}")])?;
    let p = problems(&c, reserved_ids);
    if p.is_empty() {
        Ok(c)
    } else {
        Err(p)
    }
}

/// The ids the Dutch signal checklist uses in the same form.
pub fn signal_ids() -> BTreeSet<&'static str> {
    super::nl_signals()
        .groups
        .iter()
        .flat_map(|g| g.signals.iter().map(|s| s.id.as_str()))
        .collect()
}

/// The SHA-256 of the file as loaded, hex: what the audit log and the
/// catalogue list name, so the file can be matched to its source copy.
#[cfg(feature = "ssr")]
pub fn digest(json: &str) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(json.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::screening::Grade;

    fn built_in_json() -> serde_json::Value {
        serde_json::from_str(include_str!("../../catalog/ilo_indicators.json")).unwrap()
    }

    fn check(v: &serde_json::Value) -> Result<IloCatalogue, Vec<String>> {
        read(&v.to_string(), &signal_ids())
    }

    #[test]
    fn the_built_in_list_passes_the_check_it_asks_of_a_loaded_one() {
        let c = check(&built_in_json()).expect("the built-in catalogue is well formed");
        assert_eq!(&c, super::super::ilo());
        assert_eq!(
            summary(&c),
            "adult_labour 59 of 67, adult_sexual 0, child_labour 0, child_sexual 0"
        );
    }

    #[test]
    fn a_list_that_is_not_whole_and_consistent_is_refused_with_every_problem_named() {
        let mut v = built_in_json();
        v["version"] = "v 2".into();
        v["source"] = "".into();
        v["complete"] = true.into();
        v["indicators"][1]["id"] = v["indicators"][0]["id"].clone();
        v["indicators"][2]["dimension"] = 7.into();
        v["indicators"][3]["text"] = " ".into();
        v["indicators"][4]["grades"] = serde_json::json!({});
        let p = check(&v).unwrap_err();
        for word in [
            "\"version\"",
            "\"source\"",
            "used twice",
            "dimension 7",
            "the source's words",
            "graded on no list",
            "\"complete\" is true, but adult_labour holds",
            "\"complete\" is true, but the file grades no indicator on child_sexual",
        ] {
            assert!(
                p.iter().any(|x| x.contains(word)),
                "{word} is not named in {p:#?}"
            );
        }
    }

    #[test]
    fn an_unknown_list_or_grade_or_a_wrong_shape_is_not_a_list() {
        let mut v = built_in_json();
        v["indicators"][0]["grades"] = serde_json::json!({"adult_forced": "strong"});
        assert!(check(&v).unwrap_err()[0].starts_with("not an indicator list"));
        let mut v = built_in_json();
        v["indicators"][0]["grades"] = serde_json::json!({"adult_labour": "very strong"});
        assert!(check(&v).is_err());
        assert!(read("[]", &signal_ids()).is_err());
        let mut v = built_in_json();
        v["dimensions"][5]["element"] = "recruitment".into();
        assert!(check(&v)
            .unwrap_err()
            .iter()
            .any(|p| p.contains("six ILO dimensions")));
    }

    #[test]
    fn an_id_the_dutch_signals_use_is_refused() {
        let mut v = built_in_json();
        let signal = *signal_ids().iter().next().unwrap();
        v["indicators"][0]["id"] = signal.into();
        assert!(check(&v)
            .unwrap_err()
            .iter()
            .any(|p| p.contains("Dutch signal")));
    }

    #[test]
    fn a_complete_list_grades_every_list_to_its_source_size() {
        // Made from the built-in entries (no wording invented): each graded
        // on all four lists, the source sizes equal to what it holds.
        let mut v = built_in_json();
        let n = v["indicators"].as_array().unwrap().len();
        for i in v["indicators"].as_array_mut().unwrap() {
            for l in LISTS {
                i["grades"][list_slug(l)] = serde_json::to_value(Grade::Weak).unwrap();
            }
        }
        v["complete"] = true.into();
        v["source_sizes"] = serde_json::json!({
            "adult_labour": n, "adult_sexual": n, "child_labour": n, "child_sexual": n
        });
        let c = check(&v).expect("complete");
        assert!(LISTS.iter().all(|l| graded(&c, *l) == n));
        v["source_sizes"]["child_sexual"] = (n - 1).into();
        assert!(check(&v)
            .unwrap_err()
            .iter()
            .any(|p| p.contains("child_sexual 58 indicators, but the file grades 59")));
    }
}
