//! The plan's dated travel steps and milestones as an iCalendar file
//! (RFC 5545), so a counsellor or a mission can subscribe to a case's
//! dates in the calendar they already use.
//!
//! A calendar leaves the protected application (it is synced to phones and
//! shared with colleagues), so it says as little as it can: each event is
//! named by the case code and the catalogue title of the step, never by the
//! client's alias, and carries the owner and the status but neither the
//! evidence nor the reasons typed in (those may name people, places or a
//! trial). The caller passes only the items the reader may read (travel
//! steps with the travel section, milestones with the milestones section).
//!
//! Written by hand rather than with a library: the format is small, and
//! this way the same code runs in the browser. Lines end in CRLF, are
//! folded at 75 octets without splitting a character, and text values are
//! escaped, so any title reads back unchanged in a conforming parser.

use super::milestones::{Milestone, MilestoneStatus, Owner};
use super::travel::{StepStatus, TravelStep};
use chrono::{DateTime, Datelike, NaiveDate, Utc};

/// The PRODID of every calendar Safeplan writes.
pub const PRODID: &str = "-//Safeplan//Return plan calendar//EN";

/// The longest content line, in octets, without its CRLF (RFC 5545 §3.1).
pub const MAX_LINE_OCTETS: usize = 75;

/// What one event is made of, whatever item it came from.
struct Item<'a> {
    id: &'a str,
    kind: &'static str,
    title: &'a str,
    owner: Owner,
    due: NaiveDate,
    status: String,
    event_status: &'static str,
    done_on: Option<NaiveDate>,
}

/// The plan's dated items as a calendar: one all-day event per dated
/// travel step or milestone (undated ones are left out), stamped `now`.
pub fn plan_ics(
    code: &str,
    milestones: &[Milestone],
    travel: &[TravelStep],
    now: DateTime<Utc>,
) -> String {
    let mut out = String::new();
    let mut line = |content: &str| push_folded(&mut out, content);
    line("BEGIN:VCALENDAR");
    line("VERSION:2.0");
    line(&format!("PRODID:{}", escape_text(PRODID)));
    line("CALSCALE:GREGORIAN");
    line("METHOD:PUBLISH");
    line(&format!(
        "X-WR-CALNAME:{}",
        escape_text(&format!("Safeplan {code}"))
    ));
    let stamp = now.format("%Y%m%dT%H%M%SZ").to_string();
    let items = travel
        .iter()
        .filter_map(travel_item)
        .chain(milestones.iter().filter_map(milestone_item));
    for item in items {
        let Some(start) = ics_date(item.due) else {
            continue;
        };
        line("BEGIN:VEVENT");
        line(&format!(
            "UID:{}",
            escape_text(&format!("{code}-{}@safeplan", item.id))
        ));
        line(&format!("DTSTAMP:{stamp}"));
        line(&format!("DTSTART;VALUE=DATE:{start}"));
        if let Some(end) = item.due.succ_opt().and_then(ics_date) {
            line(&format!("DTEND;VALUE=DATE:{end}"));
        }
        line(&format!(
            "SUMMARY:{}",
            escape_text(&format!("{code}: {}", item.title))
        ));
        line(&format!(
            "DESCRIPTION:{}",
            escape_text(&format!(
                "{} {}\nOwner: {}\nStatus: {}",
                item.kind,
                item.id,
                owner_name(item.owner),
                item.status
            ))
        ));
        line(&format!("STATUS:{}", item.event_status));
        // A deadline, not an appointment: it does not block the day.
        line("TRANSP:TRANSPARENT");
        if let Some(done) = item.done_on.and_then(ics_date) {
            line(&format!("X-SAFEPLAN-DONE-ON:{done}"));
        }
        line("END:VEVENT");
    }
    line("END:VCALENDAR");
    out
}

fn travel_item(s: &TravelStep) -> Option<Item<'_>> {
    let (status, event_status, done_on) = match &s.status {
        StepStatus::Pending => ("pending".to_string(), "TENTATIVE", None),
        StepStatus::InProgress => ("in progress".to_string(), "CONFIRMED", None),
        StepStatus::Done { on } => (format!("done on {on}"), "CONFIRMED", Some(*on)),
        StepStatus::Blocked { .. } => ("blocked".to_string(), "TENTATIVE", None),
        StepStatus::NotApplicable { .. } => ("not applicable".to_string(), "CANCELLED", None),
    };
    Some(Item {
        id: &s.template_id,
        kind: "Travel step",
        title: &s.title,
        owner: s.owner,
        due: s.due?,
        status,
        event_status,
        done_on,
    })
}

fn milestone_item(m: &Milestone) -> Option<Item<'_>> {
    let (status, event_status, done_on) = match &m.status {
        MilestoneStatus::Pending => ("pending".to_string(), "TENTATIVE", None),
        MilestoneStatus::InProgress => ("in progress".to_string(), "CONFIRMED", None),
        MilestoneStatus::Done { on } => (format!("done on {on}"), "CONFIRMED", Some(*on)),
        MilestoneStatus::Blocked { .. } => ("blocked".to_string(), "TENTATIVE", None),
        MilestoneStatus::Skipped { .. } => ("skipped".to_string(), "CANCELLED", None),
    };
    Some(Item {
        id: &m.template_id,
        kind: "Milestone",
        title: &m.title,
        owner: m.owner,
        due: m.due?,
        status,
        event_status,
        done_on,
    })
}

fn owner_name(owner: Owner) -> &'static str {
    match owner {
        Owner::Counsellor => "counsellor",
        Owner::Iom => "IOM",
        Owner::Partner => "partner in origin",
        Owner::Client => "client",
    }
}

/// A DATE value (`YYYYMMDD`); `None` for a year the format cannot hold.
fn ics_date(d: NaiveDate) -> Option<String> {
    (0..=9999)
        .contains(&d.year())
        .then(|| d.format("%Y%m%d").to_string())
}

/// Escapes a TEXT value (RFC 5545 §3.3.11): backslash, semicolon, comma
/// and newline; a CR or CRLF is a newline; other control characters
/// (which TEXT cannot hold) are dropped, tabs are kept.
pub fn escape_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str("\\n");
            }
            '\t' => out.push('\t'),
            c if c.is_control() && (c as u32) < 0x80 => {}
            c => out.push(c),
        }
    }
    out
}

/// Appends one content line, folded so no line is longer than 75 octets
/// (a continuation line starts with a space, which counts), never inside
/// a UTF-8 character, and ended by CRLF.
fn push_folded(out: &mut String, content: &str) {
    let mut rest = content;
    let mut limit = MAX_LINE_OCTETS;
    loop {
        if rest.len() <= limit {
            out.push_str(rest);
            out.push_str("\r\n");
            return;
        }
        let mut cut = limit;
        while !rest.is_char_boundary(cut) {
            cut -= 1;
        }
        out.push_str(&rest[..cut]);
        out.push_str("\r\n ");
        rest = &rest[cut..];
        // The leading space takes one octet of the next line.
        limit = MAX_LINE_OCTETS - 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::case_file::{CaseFile, ParseContext};
    use crate::domain::fields::Fields;
    use crate::domain::money::Currency;
    use crate::domain::policy::Section;
    use icalendar::parser::{read_calendar, unfold, Component};
    use proptest::prelude::*;
    use std::collections::BTreeSet;

    const CODE: &str = "K7QM-2XD4-P";

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-20T10:00:00Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn put(file: &mut CaseFile, section: Section, pairs: &[(&str, &str)]) {
        let fields: Fields = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let cx = ParseContext {
            today: now().date_naive(),
            user_id: "u-counsellor",
            currency: Currency::EUR,
        };
        file.apply(section, &fields, &cx)
            .unwrap_or_else(|p| panic!("{section:?}: {p:?}"));
    }

    /// A return case with dated items in every status.
    fn return_case() -> CaseFile {
        let mut f = CaseFile::default();
        put(
            &mut f,
            Section::Client,
            &[
                ("client.alias", "Amira"),
                ("client.birth", "year"),
                ("client.birth_year", "1990"),
                ("contact.on", "2026-09-14"),
            ],
        );
        put(
            &mut f,
            Section::Decision,
            &[
                ("decision.choice", "return"),
                ("decision.on", "2026-10-20"),
                ("decision.free_and_informed", "on"),
            ],
        );
        put(
            &mut f,
            Section::Travel,
            &[
                ("travel.mission", "org-iom-nl"),
                ("travel.destination", "MA"),
                ("travel.departure", "2027-02-03"),
                ("step.T4.status", "done"),
                ("step.T4.done_on", "2026-11-18"),
                ("step.T4.due", "2026-11-30"),
                ("step.T4.evidence", "Laissez-passer no. 4711"),
                ("step.T8.status", "blocked"),
                ("step.T8.reason", "waiting for the trial date"),
                ("step.T8.due", "2027-01-10"),
            ],
        );
        put(
            &mut f,
            Section::Milestones,
            &[
                ("ms.M2.status", "skipped"),
                ("ms.M2.reason", "seen the same day"),
            ],
        );
        f
    }

    fn events<'a>(cal: &'a [Component<'a>]) -> Vec<&'a Component<'a>> {
        cal.iter().filter(|c| c.name == "VEVENT").collect()
    }

    fn value<'a>(c: &'a Component<'a>, name: &str) -> Option<&'a str> {
        c.properties
            .iter()
            .find(|p| p.name == name)
            .map(|p| p.val.as_str())
    }

    fn parse(ics: &str) -> icalendar::parser::Calendar<'static> {
        let unfolded = unfold(ics);
        let cal = read_calendar(&unfolded).unwrap_or_else(|e| panic!("{e}\n{ics}"));
        // Owned, so it outlives the unfolded text.
        icalendar::parser::Calendar {
            properties: cal.properties.iter().map(owned_prop).collect(),
            components: cal.components.iter().map(owned_component).collect(),
        }
    }

    fn owned_prop(p: &icalendar::parser::Property) -> icalendar::parser::Property<'static> {
        icalendar::parser::Property {
            name: p.name.to_owned(),
            val: p.val.to_owned(),
            params: p
                .params
                .iter()
                .map(|x| icalendar::parser::Parameter {
                    key: x.key.to_owned(),
                    val: x.val.as_ref().map(|v| v.to_owned()),
                })
                .collect(),
        }
    }

    fn owned_component(c: &Component) -> Component<'static> {
        Component {
            name: c.name.to_owned(),
            properties: c.properties.iter().map(owned_prop).collect(),
            components: c.components.iter().map(owned_component).collect(),
        }
    }

    fn assert_well_formed(ics: &str) {
        assert!(ics.ends_with("\r\n"), "ends with CRLF");
        for (i, line) in ics.split("\r\n").enumerate() {
            assert!(
                line.len() <= MAX_LINE_OCTETS,
                "line {i} is {} octets: {line:?}",
                line.len()
            );
            assert!(!line.contains('\n') && !line.contains('\r'), "bare LF/CR");
        }
        // In text values every comma and semicolon is escaped (a lenient
        // parser would not notice).
        for line in unfold(ics).split("\r\n") {
            let Some(value) = ["SUMMARY:", "DESCRIPTION:", "X-WR-CALNAME:"]
                .iter()
                .find_map(|p| line.strip_prefix(p))
            else {
                continue;
            };
            let mut escaped = false;
            for c in value.chars() {
                assert!(escaped || !matches!(c, ',' | ';'), "unescaped in {line:?}");
                escaped = !escaped && c == '\\';
            }
        }
    }

    fn step(id: &str, title: &str, due: Option<NaiveDate>, status: StepStatus) -> TravelStep {
        TravelStep {
            template_id: id.into(),
            title: title.into(),
            owner: Owner::Iom,
            gated: false,
            due,
            status,
            evidence: None,
            catalogue_version: "test.1".into(),
        }
    }

    #[test]
    fn one_event_per_dated_item_with_unique_uids() {
        let cats = crate::catalog::planning();
        let f = return_case();
        let milestones = f.milestones(&cats);
        let travel = f.travel_steps(&cats);
        let dated = milestones.iter().filter(|m| m.due.is_some()).count()
            + travel.iter().filter(|s| s.due.is_some()).count();
        assert!(dated >= 4, "the fixture has dated items of both kinds");
        assert!(
            milestones.iter().any(|m| m.due.is_none()) || travel.iter().any(|s| s.due.is_none()),
            "and undated ones"
        );

        let ics = plan_ics(CODE, &milestones, &travel, now());
        assert_well_formed(&ics);
        let cal = parse(&ics);
        assert_eq!(value_of(&cal.properties, "VERSION"), Some("2.0"));
        assert_eq!(value_of(&cal.properties, "METHOD"), Some("PUBLISH"));
        assert_eq!(value_of(&cal.properties, "CALSCALE"), Some("GREGORIAN"));
        assert_eq!(value_of(&cal.properties, "PRODID"), Some(PRODID));
        assert_eq!(
            value_of(&cal.properties, "X-WR-CALNAME"),
            Some(format!("Safeplan {CODE}").as_str())
        );

        let events = events(&cal.components);
        assert_eq!(events.len(), dated);
        let uids: BTreeSet<&str> = events.iter().filter_map(|e| value(e, "UID")).collect();
        assert_eq!(uids.len(), dated, "UIDs unique");
        for e in &events {
            assert_eq!(value(e, "DTSTAMP"), Some("20261120T100000Z"));
            let summary = value(e, "SUMMARY").unwrap();
            assert!(summary.starts_with(&format!("{CODE}: ")), "{summary}");
        }
        assert!(!ics.contains("Amira"), "never the client's alias");

        // The travel document: done, dated by hand, all day.
        let t4 = events
            .iter()
            .find(|e| value(e, "UID") == Some(&format!("{CODE}-T4@safeplan")))
            .expect("T4 is dated");
        assert_eq!(value(t4, "DTSTART"), Some("20261130"));
        assert_eq!(value(t4, "DTEND"), Some("20261201"));
        let start = t4.properties.iter().find(|p| p.name == "DTSTART").unwrap();
        assert!(start
            .params
            .iter()
            .any(|p| p.key == "VALUE" && p.val.as_ref().is_some_and(|v| *v == "DATE")));
        assert_eq!(value(t4, "STATUS"), Some("CONFIRMED"));
        assert_eq!(value(t4, "X-SAFEPLAN-DONE-ON"), Some("20261118"));
        let description = value(t4, "DESCRIPTION").unwrap();
        assert!(description.contains("Owner: IOM"), "{description}");
        assert!(description.contains("Status: done on 2026-11-18"));
        // Evidence and reasons stay in the application.
        assert!(!ics.contains("4711"));
        assert!(!ics.contains("trial"));

        let t8 = events
            .iter()
            .find(|e| value(e, "UID") == Some(&format!("{CODE}-T8@safeplan")))
            .unwrap();
        assert_eq!(value(t8, "STATUS"), Some("TENTATIVE"));
        assert_eq!(value(t8, "X-SAFEPLAN-DONE-ON"), None);
        let m2 = events
            .iter()
            .find(|e| value(e, "UID") == Some(&format!("{CODE}-M2@safeplan")))
            .unwrap();
        assert_eq!(value(m2, "STATUS"), Some("CANCELLED"));
    }

    fn value_of<'a>(props: &'a [icalendar::parser::Property<'a>], name: &str) -> Option<&'a str> {
        props
            .iter()
            .find(|p| p.name == name)
            .map(|p| p.val.as_str())
    }

    #[test]
    fn an_empty_plan_is_an_empty_calendar() {
        let ics = plan_ics(CODE, &[], &[], now());
        assert_well_formed(&ics);
        let cal = parse(&ics);
        assert!(events(&cal.components).is_empty());
        // Undated items are left out.
        let undated = [step("T1", "Application", None, StepStatus::Pending)];
        let cal = parse(&plan_ics(CODE, &[], &undated, now()));
        assert!(events(&cal.components).is_empty());
    }

    #[test]
    fn titles_with_special_characters_round_trip() {
        let titles = [
            "Booking, confirmed; paid",
            "Line one\nline two",
            r"Back\slash and \n literal",
            "حجز تذكرة الطيران إلى الدار البيضاء، والتأكد من وثيقة السفر قبل الموعد المحدد",
            "Réservation du vol à Casablanca — vérifier le laissez-passer, l'escorte; après",
            "A very long title that goes on and on well past the seventy-five octet limit of a content line",
            "Emoji 👩🏽‍⚕️ and a tab\there",
        ];
        let travel: Vec<TravelStep> = titles
            .iter()
            .enumerate()
            .map(|(i, t)| {
                step(
                    &format!("T{i}"),
                    t,
                    Some(day(2027, 1, 10 + i as u32)),
                    StepStatus::InProgress,
                )
            })
            .collect();
        let ics = plan_ics(CODE, &[], &travel, now());
        assert_well_formed(&ics);
        assert!(ics.contains("\r\n "), "long lines are folded");
        let cal = parse(&ics);
        let summaries: Vec<&str> = events(&cal.components)
            .iter()
            .map(|e| value(e, "SUMMARY").unwrap())
            .collect();
        let expected: Vec<String> = titles.iter().map(|t| format!("{CODE}: {t}")).collect();
        assert_eq!(summaries, expected);
    }

    #[test]
    fn carriage_returns_and_controls_are_normalised() {
        assert_eq!(escape_text("a\r\nb\rc\nd"), "a\\nb\\nc\\nd");
        assert_eq!(escape_text("bell\u{7}null\u{0}del\u{7f}"), "bellnulldel");
        assert_eq!(escape_text("a,b;c\\d"), "a\\,b\\;c\\\\d");
    }

    #[test]
    fn folding_never_splits_a_character() {
        for n in 0..12 {
            let mut out = String::new();
            let content = format!("SUMMARY:{}{}", "x".repeat(n), "é€😀".repeat(40));
            push_folded(&mut out, &content);
            // Every piece is valid UTF-8 (a &str), within the limit, and
            // unfolding gives the content back.
            for line in out.split("\r\n") {
                assert!(line.len() <= MAX_LINE_OCTETS);
            }
            assert_eq!(unfold(&out), format!("{content}\r\n"));
        }
    }

    fn title_char() -> impl Strategy<Value = char> {
        prop_oneof![
            3 => any::<char>().prop_filter("TEXT holds no control characters", |c| {
                !c.is_control()
            }),
            1 => prop::sample::select(vec![',', ';', '\\', '\n', '\t', ' ', ':', '"', 'ç', 'ب']),
        ]
    }

    proptest! {
        #[test]
        fn any_title_reads_back_unchanged(
            titles in prop::collection::vec(prop::collection::vec(title_char(), 0..120), 1..4),
            offset in 0i64..3000,
        ) {
            let titles: Vec<String> = titles.into_iter().map(|t| t.into_iter().collect()).collect();
            let due = day(2026, 1, 1) + chrono::Duration::days(offset);
            let milestones: Vec<Milestone> = titles
                .iter()
                .enumerate()
                .map(|(i, t)| Milestone {
                    template_id: format!("M{i}"),
                    title: t.clone(),
                    due: Some(due),
                    opens: None,
                    owner: Owner::Partner,
                    status: MilestoneStatus::Pending,
                    evidence: None,
                    due_edited: false,
                    catalogue_version: "test.1".into(),
                    by_work: None,
                    work_not_shared: false,
                })
                .collect();
            let ics = plan_ics(CODE, &milestones, &[], now());
            assert_well_formed(&ics);
            let cal = parse(&ics);
            let events = events(&cal.components);
            prop_assert_eq!(events.len(), titles.len());
            for (e, t) in events.iter().zip(&titles) {
                let expected = format!("{CODE}: {t}");
                prop_assert_eq!(value(e, "SUMMARY"), Some(expected.as_str()));
            }
        }
    }
}
