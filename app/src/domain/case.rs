//! A case and its client (domain.md §3 S0, minimal data model): a random,
//! non-sequential case code; an alias rather than a name; "unknown" allowed
//! for every fact, never a made-up value.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Crockford's base-32 symbols without Z: no I, L, O or U, so a code read
/// aloud or typed from paper is hard to get wrong; 31 symbols, a prime
/// number, so that the check symbol below catches every single mistake.
const ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKMNPQRSTVWXY";
const BASE: u64 = 31;

/// A case's code, e.g. `K7Q2-M9XD-F`: 8 random symbols (about 39.6 bits),
/// then a check symbol that catches any single mistyped symbol and any swap
/// of two neighbours. Codes carry no order, date or count; they are
/// identifiers, not secrets (access to a case is checked on every request).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CaseCode(String);

fn check_symbol(data: &[u8]) -> u8 {
    // Weighted sum modulo 31 over values 0..30: a changed symbol shifts it
    // by (weight × difference), a swap of neighbours by the difference,
    // neither a multiple of the prime 31.
    let sum: usize = data
        .iter()
        .enumerate()
        .map(|(i, &v)| (i + 1) * usize::from(v))
        .sum();
    (sum % BASE as usize) as u8
}

impl CaseCode {
    /// A code from 5 random bytes (the caller draws them from the OS).
    pub fn from_random(bytes: [u8; 5]) -> CaseCode {
        let mut n: u64 = 0;
        for b in bytes {
            n = (n << 8) | u64::from(b);
        }
        // 31^8 < 2^40: reduce, then read 8 base-31 digits.
        let mut n = n % BASE.pow(8);
        let mut data = [0u8; 8];
        for slot in data.iter_mut().rev() {
            *slot = (n % BASE) as u8;
            n /= BASE;
        }
        let check = check_symbol(&data);
        let sym = |v: u8| ALPHABET[usize::from(v)] as char;
        let mut s: String = data[..4].iter().map(|v| sym(*v)).collect();
        s.push('-');
        s.extend(data[4..].iter().map(|v| sym(*v)));
        s.push('-');
        s.push(sym(check));
        CaseCode(s)
    }

    /// Reads a typed code: case, spaces and dashes do not matter, and the
    /// look-alikes O→0, I/L→1 are forgiven; the check symbol must match.
    pub fn parse(text: &str) -> Option<CaseCode> {
        let values: Vec<u8> = text
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .map(|c| match c.to_ascii_uppercase() {
                'O' => '0',
                'I' | 'L' => '1',
                other => other,
            })
            .map(|c| {
                ALPHABET
                    .iter()
                    .position(|a| *a as char == c)
                    .map(|p| p as u8)
            })
            .collect::<Option<_>>()?;
        if values.len() != 9 || check_symbol(&values[..8]) != values[8] {
            return None;
        }
        let sym = |v: &u8| ALPHABET[usize::from(*v)] as char;
        let s: String = values[..4]
            .iter()
            .map(sym)
            .chain(std::iter::once('-'))
            .chain(values[4..8].iter().map(sym))
            .chain(std::iter::once('-'))
            .chain(std::iter::once(sym(&values[8])))
            .collect();
        Some(CaseCode(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CaseCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for CaseCode {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        CaseCode::parse(&s).ok_or_else(|| format!("not a case code: {s:?}"))
    }
}

impl From<CaseCode> for String {
    fn from(c: CaseCode) -> String {
        c.0
    }
}

/// What is known of a client's age: never a made-up date.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "known", content = "value")]
pub enum Birth {
    Date(NaiveDate),
    Year(i32),
    /// An estimate: at least `from`, at most `to` years old on `assessed_on`.
    AgeBand {
        from: u8,
        to: u8,
        assessed_on: NaiveDate,
    },
    Unknown,
}

/// Whether the client is a minor, as far as is known.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Minority {
    Minor,
    Adult,
    /// Possibly a minor: treat as one until assessed (age assessment).
    Unclear,
}

impl Birth {
    /// The birth year, when known or implied by a date.
    pub fn year(&self) -> Option<i32> {
        match self {
            Birth::Date(d) => Some(d.year()),
            Birth::Year(y) => Some(*y),
            _ => None,
        }
    }

    /// Minor or adult on `day`; unclear whenever the facts allow both.
    /// Age grows with an earlier birth, so the facts are judged by the
    /// latest and the earliest birth date they allow (a birthday on 29
    /// February falls on 1 March in other years).
    pub fn minority_on(&self, day: NaiveDate) -> Minority {
        let from_age = |min: i32, max: i32| {
            if max < 18 {
                Minority::Minor
            } else if min >= 18 {
                Minority::Adult
            } else {
                Minority::Unclear
            }
        };
        let years_before = |d: NaiveDate, years: u8| {
            d.checked_sub_months(chrono::Months::new(12 * u32::from(years)))
        };
        let (youngest, oldest) = match self {
            Birth::Date(d) => (Some(*d), Some(*d)),
            Birth::Year(y) => (
                NaiveDate::from_ymd_opt(*y, 12, 31),
                NaiveDate::from_ymd_opt(*y, 1, 1),
            ),
            // `from` years old on the day of the assessment at least: born
            // on that day `from` years before, or earlier; `to` at most:
            // born after that day `to + 1` years before.
            Birth::AgeBand {
                from,
                to,
                assessed_on,
            } => (
                years_before(*assessed_on, *from),
                years_before(*assessed_on, to.saturating_add(1)).and_then(|d| d.succ_opt()),
            ),
            Birth::Unknown => (None, None),
        };
        match (youngest, oldest) {
            (Some(youngest), Some(oldest)) => from_age(age_on(youngest, day), age_on(oldest, day)),
            _ => Minority::Unclear,
        }
    }
}

/// Full years on `day` of someone born on `birth` (negative before).
pub fn age_on(birth: NaiveDate, day: NaiveDate) -> i32 {
    let mut age = day.year() - birth.year();
    if (day.month(), day.day()) < (birth.month(), birth.day()) {
        age -= 1;
    }
    age
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Gender {
    Female,
    Male,
    Other,
    Unknown,
}

/// The client as the case records them: identifiers and facts, no name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Client {
    /// How the client wants to be called here; not necessarily a name.
    pub alias: String,
    pub birth: Birth,
    pub gender: Gender,
    /// ISO 3166-1 alpha-2, or `None` when unknown or stateless-unclear.
    pub nationality: Option<String>,
    /// ISO 639 codes, most fluent first.
    pub languages: Vec<String>,
    /// `None`: not known yet.
    pub accompanying_children: Option<u8>,
    pub interpreter_needed: Option<bool>,
    /// The family members who would return with the client, with what is
    /// known of their age: the household a reintegration budget is for
    /// (issue #15, item 3).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dependants: Vec<Dependant>,
}

/// A family member who would return with the client.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dependant {
    pub relation: Relation,
    /// The birth year when known ([`Birth::Year`]), else unknown.
    pub birth: Birth,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    Child,
    Partner,
    OtherRelative,
}

pub const RELATIONS: [(&str, Relation); 3] = [
    ("child", Relation::Child),
    ("partner", Relation::Partner),
    ("other_relative", Relation::OtherRelative),
];

/// What is wrong with a client's facts as entered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClientProblem {
    /// An alias is needed (any name the client wants to be called by).
    AliasMissing,
    AliasTooLong,
    /// Not an ISO 3166-1 alpha-2 code (two capital letters).
    NationalityCode,
    /// Not an ISO 639 code (two or three small letters).
    LanguageCode,
    BirthInFuture,
    AgeBandReversed,
}

impl Client {
    /// Checks the facts as entered on `today`; "unknown" is always fine.
    pub fn problems(&self, today: NaiveDate) -> Vec<ClientProblem> {
        let mut p = Vec::new();
        let alias = self.alias.trim();
        if alias.is_empty() {
            p.push(ClientProblem::AliasMissing);
        } else if alias.chars().count() > 60 {
            p.push(ClientProblem::AliasTooLong);
        }
        if let Some(n) = &self.nationality {
            if n.len() != 2 || !n.bytes().all(|b| b.is_ascii_uppercase()) {
                p.push(ClientProblem::NationalityCode);
            }
        }
        if self
            .languages
            .iter()
            .any(|l| !(2..=3).contains(&l.len()) || !l.bytes().all(|b| b.is_ascii_lowercase()))
        {
            p.push(ClientProblem::LanguageCode);
        }
        match self.birth {
            Birth::Date(d) if d > today => p.push(ClientProblem::BirthInFuture),
            Birth::Year(y) if y > today.year() => p.push(ClientProblem::BirthInFuture),
            Birth::AgeBand { from, to, .. } if from > to => p.push(ClientProblem::AgeBandReversed),
            _ => {}
        }
        p
    }
}

/// Why an existing client may be the same person as a new one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DuplicateLikelihood {
    /// Same alias, nationality and birth year.
    Likely,
    /// Alias nearly the same (one letter off, or one inside the other), same
    /// nationality, birth years a year apart at most or one unknown.
    Possible,
}

/// An alias compared without case, accents, spaces or punctuation.
pub fn fold(alias: &str) -> String {
    alias
        .chars()
        .filter_map(|c| {
            let c = c.to_lowercase().next().unwrap_or(c);
            let base = match c {
                'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => 'a',
                'ç' => 'c',
                'è' | 'é' | 'ê' | 'ë' => 'e',
                'ì' | 'í' | 'î' | 'ï' => 'i',
                'ñ' => 'n',
                'ò' | 'ó' | 'ô' | 'õ' | 'ö' => 'o',
                'ù' | 'ú' | 'û' | 'ü' => 'u',
                'ý' | 'ÿ' => 'y',
                c => c,
            };
            base.is_alphanumeric().then_some(base)
        })
        .collect()
}

/// Edit distance, stopping early above 1 (all we need).
fn within_one_edit(a: &str, b: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let (short, long) = if a.len() <= b.len() {
        (&a, &b)
    } else {
        (&b, &a)
    };
    if long.len() - short.len() > 1 {
        return false;
    }
    let (mut i, mut j, mut edits) = (0, 0, 0);
    while i < short.len() && j < long.len() {
        if short[i] == long[j] {
            i += 1;
            j += 1;
            continue;
        }
        edits += 1;
        if edits > 1 {
            return false;
        }
        if short.len() == long.len() {
            i += 1;
        }
        j += 1;
    }
    edits + (long.len() - j) + (short.len() - i) <= 1
}

/// Whether `existing` may be the client being registered as `new`, for an
/// intake warning ("this may be a case you already have").
pub fn duplicate_candidate(new: &Client, existing: &Client) -> Option<DuplicateLikelihood> {
    let (a, b) = (fold(&new.alias), fold(&existing.alias));
    if a.is_empty()
        || b.is_empty()
        || new.nationality.is_none()
        || new.nationality != existing.nationality
    {
        return None;
    }
    let (ya, yb) = (new.birth.year(), existing.birth.year());
    if a == b && ya.is_some() && ya == yb {
        return Some(DuplicateLikelihood::Likely);
    }
    let similar = a == b
        || within_one_edit(&a, &b)
        || (a.len() >= 3 && b.contains(&a))
        || (b.len() >= 3 && a.contains(&b));
    let years_close = match (ya, yb) {
        (Some(x), Some(y)) => (x - y).abs() <= 1,
        _ => true,
    };
    (similar && years_close).then_some(DuplicateLikelihood::Possible)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn case_codes_read_back_and_catch_typing_mistakes() {
        let code = CaseCode::from_random([0x12, 0x34, 0x56, 0x78, 0x9a]);
        assert_eq!(code.as_str().len(), 11);
        assert_eq!(CaseCode::parse(code.as_str()), Some(code.clone()));
        let sloppy = code.as_str().to_lowercase().replace('-', " ");
        assert_eq!(CaseCode::parse(&sloppy), Some(code.clone()));
        assert_eq!(CaseCode::parse(""), None);
        assert_eq!(CaseCode::parse("K7Q2-M9XD"), None, "no check symbol");
        assert_eq!(CaseCode::parse("U7Q2-M9XD-F"), None, "U is not a symbol");
        assert_eq!(CaseCode::parse("Z7Q2-M9XD-F"), None, "nor is Z");
        // JSON carries the canonical text and refuses anything else.
        let json = serde_json::to_string(&code).unwrap();
        assert_eq!(serde_json::from_str::<CaseCode>(&json).unwrap(), code);
        assert!(serde_json::from_str::<CaseCode>("\"nonsense\"").is_err());
    }

    proptest! {
        #[test]
        fn any_single_mistyped_symbol_is_caught(bytes in any::<[u8; 5]>(), pos in 0usize..9, delta in 1u8..31) {
            let code = CaseCode::from_random(bytes);
            let mut symbols: Vec<u8> = code.as_str().bytes().filter(|b| *b != b'-').collect();
            let v = ALPHABET.iter().position(|a| *a == symbols[pos]).unwrap() as u8;
            let changed = (v + delta) % 31;
            symbols[pos] = ALPHABET[usize::from(changed)];
            let typed = String::from_utf8(symbols).unwrap();
            prop_assert_eq!(CaseCode::parse(&typed), None);
        }

        #[test]
        fn swapping_neighbours_is_caught(bytes in any::<[u8; 5]>(), pos in 0usize..7) {
            let code = CaseCode::from_random(bytes);
            let mut symbols: Vec<u8> = code.as_str().bytes().filter(|b| *b != b'-').collect();
            if symbols[pos] != symbols[pos + 1] {
                symbols.swap(pos, pos + 1);
                prop_assert_eq!(CaseCode::parse(&String::from_utf8(symbols).unwrap()), None);
            }
        }
    }

    #[test]
    fn minority_is_unclear_whenever_the_facts_allow_both() {
        let on = d(2026, 11, 29);
        let table = [
            (
                Birth::Date(d(2008, 11, 30)),
                Minority::Minor,
                "17, turns 18 tomorrow",
            ),
            (Birth::Date(d(2008, 11, 29)), Minority::Adult, "18 today"),
            (Birth::Year(2008), Minority::Unclear, "17 or 18"),
            (Birth::Year(2010), Minority::Minor, "15 or 16"),
            (Birth::Year(2000), Minority::Adult, "25 or 26"),
            (
                Birth::AgeBand {
                    from: 15,
                    to: 17,
                    assessed_on: d(2026, 1, 1),
                },
                Minority::Unclear,
                "band may have crossed 18",
            ),
            (
                Birth::AgeBand {
                    from: 15,
                    to: 17,
                    assessed_on: on,
                },
                Minority::Minor,
                "15-17 assessed today",
            ),
            (
                Birth::AgeBand {
                    from: 18,
                    to: 25,
                    assessed_on: on,
                },
                Minority::Adult,
                "18-25 assessed today",
            ),
            (
                Birth::AgeBand {
                    from: 15,
                    to: 16,
                    assessed_on: d(2025, 11, 29),
                },
                Minority::Minor,
                "a year on to the day: at most 17",
            ),
            (
                Birth::AgeBand {
                    from: 15,
                    to: 16,
                    assessed_on: d(2025, 11, 28),
                },
                Minority::Unclear,
                "a year and a day on: may have turned 18",
            ),
            (
                Birth::AgeBand {
                    from: 12,
                    to: 14,
                    assessed_on: d(2026, 1, 1),
                },
                Minority::Minor,
                "young band",
            ),
            (
                Birth::AgeBand {
                    from: 25,
                    to: 35,
                    assessed_on: d(2026, 1, 1),
                },
                Minority::Adult,
                "adult band",
            ),
            (Birth::Unknown, Minority::Unclear, "unknown"),
        ];
        for (birth, expected, why) in table {
            assert_eq!(birth.minority_on(on), expected, "{why}");
        }
    }

    /// Full years on `day` of someone born on `birth`, counted the slow
    /// way: each birthday passed (one on 29 February falls on 1 March in
    /// other years).
    fn age_by_counting(birth: NaiveDate, day: NaiveDate) -> i32 {
        (birth.year()..=day.year())
            .filter(|y| {
                let birthday = NaiveDate::from_ymd_opt(*y, birth.month(), birth.day())
                    .unwrap_or_else(|| NaiveDate::from_ymd_opt(*y, 3, 1).unwrap());
                birthday <= day
            })
            .count() as i32
            - 1
    }

    /// Minor, adult or unclear on `day`, from every birth date the facts
    /// allow, one by one.
    fn minority_by_counting(birth: &Birth, day: NaiveDate) -> Minority {
        let days = |from: NaiveDate, to: NaiveDate| from.iter_days().take_while(move |d| *d <= to);
        let births: Vec<NaiveDate> = match birth {
            Birth::Date(d) => vec![*d],
            Birth::Year(y) => days(d(*y, 1, 1), d(*y, 12, 31)).collect(),
            Birth::AgeBand {
                from,
                to,
                assessed_on,
            } => days(
                d(assessed_on.year() - i32::from(*to) - 2, 1, 1),
                *assessed_on,
            )
            .filter(|b| {
                let age = age_by_counting(*b, *assessed_on);
                age >= i32::from(*from) && age <= i32::from(*to)
            })
            .collect(),
            Birth::Unknown => return Minority::Unclear,
        };
        let ages: Vec<i32> = births.iter().map(|b| age_by_counting(*b, day)).collect();
        if ages.iter().all(|a| *a < 18) {
            Minority::Minor
        } else if ages.iter().all(|a| *a >= 18) {
            Minority::Adult
        } else {
            Minority::Unclear
        }
    }

    /// A day near 29 February or the turn of the year, often.
    fn edgy_day(years: std::ops::Range<i32>) -> impl Strategy<Value = NaiveDate> {
        (
            years,
            prop_oneof![
                Just((2u32, 28u32)),
                Just((2, 29)),
                Just((3, 1)),
                Just((12, 31)),
                Just((1, 1)),
                (1u32..=12, 1u32..=31),
            ],
        )
            .prop_map(|(y, (m, day))| {
                NaiveDate::from_ymd_opt(y, m, day)
                    .or_else(|| NaiveDate::from_ymd_opt(y, m, 28))
                    .unwrap()
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        /// Birth dates, years and age bands (29 February included) give
        /// the answer of every birth date they allow, counted one by one.
        #[test]
        fn minority_agrees_with_counting_every_possible_birthday(
            birth_day in edgy_day(1990..2016),
            kind in 0u8..3,
            band in (0u8..30, 0u8..4),
            assessed in edgy_day(2016..2028),
            later in 0i64..2000,
        ) {
            let birth = match kind {
                0 => Birth::Date(birth_day),
                1 => Birth::Year(birth_day.year()),
                _ => Birth::AgeBand { from: band.0, to: band.0 + band.1, assessed_on: assessed },
            };
            let day = assessed + chrono::Duration::days(later);
            prop_assert_eq!(birth.minority_on(day), minority_by_counting(&birth, day), "{:?} on {}", birth, day);
        }
    }

    fn client(alias: &str, nationality: Option<&str>, birth: Birth) -> Client {
        Client {
            alias: alias.into(),
            birth,
            gender: Gender::Unknown,
            nationality: nationality.map(String::from),
            languages: vec!["ti".into()],
            accompanying_children: None,
            interpreter_needed: Some(true),
            dependants: Vec::new(),
        }
    }

    #[test]
    fn duplicate_candidates_for_intake_warnings() {
        let new = client("Aster", Some("ER"), Birth::Year(1999));
        let table = [
            (
                client("aster", Some("ER"), Birth::Date(d(1999, 3, 1))),
                Some(DuplicateLikelihood::Likely),
                "same alias, nationality, year",
            ),
            (
                client("Astér ", Some("ER"), Birth::Year(1999)),
                Some(DuplicateLikelihood::Likely),
                "accents and spaces",
            ),
            (
                client("Astr", Some("ER"), Birth::Year(1999)),
                Some(DuplicateLikelihood::Possible),
                "one letter off",
            ),
            (
                client("Aster", Some("ER"), Birth::Year(2000)),
                Some(DuplicateLikelihood::Possible),
                "a year apart",
            ),
            (
                client("Aster", Some("ER"), Birth::Unknown),
                Some(DuplicateLikelihood::Possible),
                "year unknown",
            ),
            (
                client("Aster T.", Some("ER"), Birth::Year(1999)),
                Some(DuplicateLikelihood::Possible),
                "one inside the other",
            ),
            (
                client("Aster", Some("ET"), Birth::Year(1999)),
                None,
                "another nationality",
            ),
            (
                client("Aster", None, Birth::Year(1999)),
                None,
                "nationality unknown",
            ),
            (
                client("Aster", Some("ER"), Birth::Year(1990)),
                None,
                "years far apart",
            ),
            (
                client("Selam", Some("ER"), Birth::Year(1999)),
                None,
                "another alias",
            ),
        ];
        for (existing, expected, why) in table {
            assert_eq!(duplicate_candidate(&new, &existing), expected, "{why}");
        }
    }

    #[test]
    fn entered_facts_are_checked_and_unknown_is_fine() {
        let today = d(2026, 11, 29);
        assert_eq!(
            client("Aster", Some("ER"), Birth::Unknown).problems(today),
            vec![]
        );
        let mut c = client(" ", Some("eri"), Birth::Date(d(2027, 1, 1)));
        c.languages = vec!["Tigrinya".into()];
        assert_eq!(
            c.problems(today),
            vec![
                ClientProblem::AliasMissing,
                ClientProblem::NationalityCode,
                ClientProblem::LanguageCode,
                ClientProblem::BirthInFuture,
            ]
        );
        let band = client(
            "A",
            None,
            Birth::AgeBand {
                from: 17,
                to: 15,
                assessed_on: today,
            },
        );
        assert_eq!(band.problems(today), vec![ClientProblem::AgeBandReversed]);
    }

    #[test]
    fn clients_survive_a_serde_round_trip() {
        for birth in [
            Birth::Date(d(1999, 3, 1)),
            Birth::Year(1999),
            Birth::AgeBand {
                from: 15,
                to: 17,
                assessed_on: d(2026, 1, 1),
            },
            Birth::Unknown,
        ] {
            let c = client("Aster", Some("ER"), birth);
            let back: Client = serde_json::from_str(&serde_json::to_string(&c).unwrap()).unwrap();
            assert_eq!(back, c);
        }
    }
}
