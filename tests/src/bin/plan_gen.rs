//! Fills a database with synthetic plans for the scale benchmark.
//!
//! Usage: `plan_gen --database-url <sqlite://path | postgres://…> --plans N [--seed S]`
//!
//! Migrates the database, then writes 20 counselling organisations and 4
//! IOM missions with their users (one shared password, printed), N cases
//! spread over the counsellors and the last three years at every stage of
//! `domain::plan::STAGES`, their sections, handovers with their
//! conversations and snapshots, and about five audit rows per case. The
//! data is the same for a seed (and day: dates are relative to today).
//!
//! Every case file is built as a counsellor would fill it in: form fields
//! parsed by `CaseFile::apply`, sections stored as `section_json`, the
//! caseload summary from `summary_of`, so the stage the application
//! computes is the stage the case was generated for. Only the stages the
//! application sets by hand (closed, on hold, withdrawn by the client) are
//! written over the computed one.
//!
//! Rows go in as multi-row INSERTs, one transaction per chunk of cases,
//! from a generator thread feeding the writer; `ANALYZE` runs at the end.

use app::domain::case::{fold, CaseCode};
use app::domain::case_file::{section_slug, CaseFile, ParseContext, SignOff};
use app::domain::consent::shareable_sections;
use app::domain::fields::Fields;
use app::domain::plan::STAGES;
use app::domain::policy::Section;
use app::domain::{Currency, OrgKind, Role};
use app::server::cases::summary_of;
use app::server::password::hash_blocking;
use app::store::{ts, Engine, Store, StoreOptions};
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use rand::distributions::{Distribution, WeightedIndex};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::collections::{BTreeMap, HashSet};
use std::fmt::Write as _;
use std::time::Instant;

/// The password of every generated user.
const PASSWORD: &str = "bench-password-123";
const COUNSELLING_ORGS: usize = 20;
const MISSIONS: usize = 4;
const COUNSELLORS_PER_ORG: usize = 5;
const OFFICERS_PER_MISSION: usize = 5;
/// Cases per write transaction (about 1 000 rows of all tables).
const CASES_PER_TX: usize = 100;
/// Bound parameters per statement (PostgreSQL allows 65 535, SQLite 32 766).
const MAX_PARAMS: usize = 30_000;
const MAX_ROWS_PER_STATEMENT: usize = 1_000;
/// How far back the oldest case goes.
const HISTORY_DAYS: i64 = 3 * 365;
/// Organisations of the generated social map.
const MAP_ENTRIES: usize = 3_000;

const NATIONALITIES: [(&str, &str); 20] = [
    ("NG", "en"),
    ("ER", "ti"),
    ("ET", "am"),
    ("SO", "so"),
    ("AF", "fa"),
    ("SY", "ar"),
    ("IQ", "ar"),
    ("MA", "ar"),
    ("GH", "en"),
    ("CN", "zh"),
    ("VN", "vi"),
    ("RO", "ro"),
    ("BG", "bg"),
    ("UA", "uk"),
    ("AL", "sq"),
    ("BR", "pt"),
    ("CO", "es"),
    ("TH", "th"),
    ("PH", "tl"),
    ("UG", "en"),
];
const REFERRALS: [&str; 6] = [
    "Police",
    "Shelter hotline",
    "Labour inspectorate",
    "Self-referral",
    "Hospital social work",
    "Asylum reception centre",
];
const INDICATORS: [&str; 14] = [
    "d1-wages",
    "d1-conditions",
    "d1-legal-documents",
    "d2-violence",
    "d2-threats",
    "d2-debt-bondage",
    "d2-documents",
    "d2-isolation",
    "d3-illegal-status",
    "d3-economic",
    "d4-excessive-hours",
    "d4-low-salary",
    "d5-withholding-wages",
    "d6-dependency",
];
const RISK_FACTORS: [(&str, &str, &str); 8] = [
    (
        "individual",
        "ind-debt-to-traffickers",
        "Debt to the recruiter",
    ),
    (
        "individual",
        "ind-testified",
        "Testified against the network",
    ),
    (
        "household",
        "hh-family-involved",
        "Family took part in the recruitment",
    ),
    (
        "household",
        "hh-pressure-remigrate",
        "Family expects her to leave again",
    ),
    ("community", "com-stigma", "Stigma in the home community"),
    (
        "community",
        "com-recruiters",
        "Recruiters active in the home town",
    ),
    ("structural", "str-poverty", "No income on return"),
    (
        "threat",
        "thr-address-known",
        "The trafficker knows the address of origin",
    ),
];
const MITIGATIONS: [&str; 8] = [
    "mit-other-region",
    "mit-confidential-address",
    "mit-escort",
    "mit-shelter-on-arrival",
    "mit-safety-plan",
    "mit-debt-counselling",
    "mit-family-mediation",
    "mit-more-monitoring",
];
const SUPPORT: [(&str, &str); 6] = [
    ("economic", "Sewing machine and stock"),
    ("economic", "Market stall and first stock"),
    ("immediate", "Rent for the first three months"),
    ("immediate", "Household items"),
    ("social", "Vocational training course"),
    ("psychosocial", "Counselling sessions"),
];

/// Each stage's share of the cases (per mille), in the order of `STAGES`:
/// many early plans, fewer at each later stage, and the closed and
/// side-tracked ones of three years.
const STAGE_WEIGHTS: [u32; 17] = [
    140, // draft
    160, // options_open
    100, // decided
    60,  // risk_assessed
    40,  // approved_for_return
    40,  // handed_over
    25,  // travel_booked
    15,  // departed
    15,  // arrived
    20,  // reintegration
    30,  // monitoring
    140, // closed
    15,  // no_go_high_risk
    80,  // stay_track
    25,  // onward_track
    40,  // on_hold
    55,  // withdrawn_by_client
];

/// How far a file is filled in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Track {
    /// Along the return path: 0 draft … 10 monitoring.
    Return(u8),
    Stay,
    Onward,
    NoGo,
}

impl Track {
    /// The stage `summary_of` computes for such a file.
    fn stage(self) -> &'static str {
        match self {
            Track::Return(l) => STAGES[l as usize],
            Track::Stay => "stay_track",
            Track::Onward => "onward_track",
            Track::NoGo => "no_go_high_risk",
        }
    }

    /// The return level reached (stay, onward and no-go are decided).
    fn level(self) -> u8 {
        match self {
            Track::Return(l) => l,
            Track::Stay | Track::Onward => 2,
            Track::NoGo => 3,
        }
    }
}

#[derive(Clone, Debug)]
struct Person {
    id: String,
    username: String,
    display_name: String,
    role: Role,
    org_id: String,
}

#[derive(Clone, Debug)]
struct Org {
    id: String,
    name: String,
    kind: OrgKind,
    country: &'static str,
    staff: Vec<Person>,
    supervisor: Person,
}

struct World {
    now: DateTime<Utc>,
    today: NaiveDate,
    orgs: Vec<Org>,
    missions: Vec<Org>,
    /// Relative sizes of the counselling organisations' caseloads.
    org_weights: WeightedIndex<u32>,
    stage_weights: WeightedIndex<u32>,
}

/// A value bound into an INSERT.
enum V {
    S(String),
    N(Option<String>),
    I(i64),
}

fn s(v: impl Into<String>) -> V {
    V::S(v.into())
}

fn n(v: Option<String>) -> V {
    V::N(v)
}

/// The rows of one table, waiting to be written.
struct Table {
    name: &'static str,
    columns: &'static [&'static str],
    rows: Vec<Vec<V>>,
}

impl Table {
    fn new(name: &'static str, columns: &'static [&'static str]) -> Table {
        Table {
            name,
            columns,
            rows: Vec::new(),
        }
    }

    fn push(&mut self, row: Vec<V>) {
        debug_assert_eq!(row.len(), self.columns.len(), "{}", self.name);
        self.rows.push(row);
    }
}

const CASE_COLUMNS: &[&str] = &[
    "id",
    "code",
    "organisation_id",
    "owner_id",
    "alias",
    "alias_folded",
    "nationality",
    "birth",
    "stage",
    "risk_level",
    "next_milestone",
    "next_due",
    "ready_for_handover",
    "first_contact_on",
    "screened_on",
    "screening",
    "decided_on",
    "decision",
    "departure_on",
    "departed_on",
    "arrived_on",
    "awaiting_approval",
    "created_at",
    "updated_at",
];
const SECTION_COLUMNS: &[&str] = &[
    "case_id",
    "section",
    "version",
    "body",
    "updated_at",
    "updated_by",
];
const HANDOVER_COLUMNS: &[&str] = &[
    "id",
    "case_id",
    "mission_id",
    "status",
    "sections",
    "handed_over_at",
    "handed_over_by",
    "updated_at",
    "accepted_at",
    "organisation_id",
];
const MESSAGE_COLUMNS: &[&str] = &["id", "handover_id", "at", "by_user", "move", "body"];
const SNAPSHOT_COLUMNS: &[&str] = &["id", "case_id", "at", "reason", "stage", "by_user", "body"];
const AUDIT_COLUMNS: &[&str] = &[
    "id",
    "occurred_at",
    "actor_user_id",
    "actor_role",
    "organisation_id",
    "action",
    "case_code",
    "section",
    "subject_user_id",
    "outcome",
];

/// The rows of a chunk of cases, in the order the foreign keys need.
struct Batch {
    tables: Vec<Table>,
    cases: usize,
}

impl Batch {
    fn new() -> Batch {
        Batch {
            tables: vec![
                Table::new("cases", CASE_COLUMNS),
                Table::new("case_sections", SECTION_COLUMNS),
                Table::new("handovers", HANDOVER_COLUMNS),
                Table::new("handover_messages", MESSAGE_COLUMNS),
                Table::new("case_snapshots", SNAPSHOT_COLUMNS),
                Table::new("audit_events", AUDIT_COLUMNS),
            ],
            cases: 0,
        }
    }
    fn cases(&mut self) -> &mut Table {
        &mut self.tables[0]
    }
    fn sections(&mut self) -> &mut Table {
        &mut self.tables[1]
    }
    fn handovers(&mut self) -> &mut Table {
        &mut self.tables[2]
    }
    fn messages(&mut self) -> &mut Table {
        &mut self.tables[3]
    }
    fn snapshots(&mut self) -> &mut Table {
        &mut self.tables[4]
    }
    fn audit(&mut self) -> &mut Table {
        &mut self.tables[5]
    }
}

/// A new id in the format of `app::store::new_id` (128 bits, hex), drawn
/// from the seeded generator so that a seed gives the same data.
fn new_id(rng: &mut StdRng) -> String {
    let bytes: [u8; 16] = rng.gen();
    let mut out = String::with_capacity(32);
    for b in bytes {
        let _ = write!(out, "{b:02x}");
    }
    out
}

fn day(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// A day between `lo` and `hi` (both included; `lo` when `hi` is before it).
fn between(rng: &mut StdRng, lo: NaiveDate, hi: NaiveDate) -> NaiveDate {
    if hi <= lo {
        return lo;
    }
    lo + Duration::days(rng.gen_range(0..=(hi - lo).num_days()))
}

/// A moment during office hours on `d`, never after `now`.
fn moment(rng: &mut StdRng, d: NaiveDate, now: DateTime<Utc>) -> DateTime<Utc> {
    // Every draw is made whatever the clock says, so that the same seed
    // draws the same numbers.
    let secs = rng.gen_range(8 * 3600..19 * 3600);
    let micros = rng.gen_range(0..1_000_000);
    let before_now = rng.gen_range(1..900);
    let t = d.and_time(NaiveTime::MIN).and_utc()
        + Duration::seconds(secs)
        + Duration::microseconds(micros);
    if t >= now {
        now - Duration::seconds(before_now)
    } else {
        t
    }
}

/// Sorted moments from `from` to `to` (`to` not before `from`).
fn moments(
    rng: &mut StdRng,
    k: usize,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Vec<DateTime<Utc>> {
    let span = (to - from).num_microseconds().unwrap_or(0).max(k as i64);
    // A fraction of the span (one draw each, whatever the span: see `moment`).
    let mut offsets: Vec<i64> = (0..k)
        .map(|_| (rng.gen::<f64>() * span as f64) as i64)
        .collect();
    offsets.sort_unstable();
    // Strictly increasing: one microsecond apart at least.
    offsets
        .iter()
        .enumerate()
        .map(|(i, o)| from + Duration::microseconds(o + i as i64 + 1))
        .collect()
}

/// A case being filled in, section by section.
struct Draft<'a> {
    file: CaseFile,
    cx: ParseContext<'a>,
    /// The day each section was last saved.
    saved: BTreeMap<Section, NaiveDate>,
}

impl Draft<'_> {
    fn put(&mut self, section: Section, fields: Vec<(&str, String)>, on: NaiveDate) {
        let fields: Fields = fields
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
        if let Err(problems) = self.file.apply(section, &fields, &self.cx) {
            panic!("generated {section:?} is invalid: {problems:?}\n{fields:?}");
        }
        self.saved.insert(section, on.min(self.cx.today));
    }
}

/// Counts of what was generated, for the report.
#[derive(Default)]
struct Tally {
    stages: BTreeMap<&'static str, u64>,
    /// Target stage → cases whose computed stage was another.
    mismatched: BTreeMap<&'static str, u64>,
    due: [u64; 4],
    risk: BTreeMap<String, u64>,
    awaiting_approval: u64,
    ready: u64,
    handovers: BTreeMap<&'static str, u64>,
}

fn pick_track(rng: &mut StdRng, stage: usize) -> Track {
    let slug = STAGES[stage];
    let pick = |rng: &mut StdRng, options: &[(u32, Track)]| {
        let w = WeightedIndex::new(options.iter().map(|(w, _)| *w)).expect("weights");
        options[w.sample(rng)].1
    };
    match slug {
        "closed" => pick(
            rng,
            &[
                (40, Track::Return(10)),
                (35, Track::Stay),
                (10, Track::Onward),
                (15, Track::Return(1)),
            ],
        ),
        "on_hold" => pick(
            rng,
            &[
                (10, Track::Return(0)),
                (40, Track::Return(1)),
                (25, Track::Return(2)),
                (25, Track::Return(3)),
            ],
        ),
        "withdrawn_by_client" => pick(
            rng,
            &[
                (50, Track::Return(1)),
                (30, Track::Return(2)),
                (20, Track::Return(3)),
            ],
        ),
        "no_go_high_risk" => Track::NoGo,
        "stay_track" => Track::Stay,
        "onward_track" => Track::Onward,
        _ => Track::Return(stage as u8),
    }
}

/// Days since the first contact, by the stage the case stands at.
fn pick_age(rng: &mut StdRng, stage: &str) -> i64 {
    let old = rng.gen_bool(0.2);
    let (lo, hi) = match stage {
        "draft" if old => (30, HISTORY_DAYS),
        "draft" => (0, 30),
        "options_open" if old => (120, HISTORY_DAYS),
        "options_open" => (2, 120),
        "decided" if old => (150, 700),
        "decided" => (10, 150),
        "risk_assessed" => (20, 300),
        "approved_for_return" => (25, 150),
        "handed_over" => (30, 200),
        "travel_booked" => (40, 220),
        "departed" | "arrived" => (50, 260),
        "reintegration" => (90, 400),
        "monitoring" => (150, HISTORY_DAYS),
        "no_go_high_risk" => (25, 700),
        "on_hold" => (5, 700),
        _ => (10, HISTORY_DAYS),
    };
    rng.gen_range(lo..=hi)
}

/// The case sizes of the organisations: some twice as busy as others;
/// org1 (and org7, org13, org19) the busiest.
fn org_weights() -> Vec<u32> {
    (0..COUNSELLING_ORGS as u32).map(|i| 9 - i % 6).collect()
}

struct Generator {
    rng: StdRng,
    world: World,
    codes: HashSet<String>,
    tally: Tally,
}

impl Generator {
    /// Generates case number `index` (from 1) into `batch`.
    fn case(&mut self, index: usize, batch: &mut Batch) {
        // A generator of its own per case: what one case draws (some
        // spans depend on the clock) never shifts the cases after it.
        let mut case_rng = StdRng::seed_from_u64(self.rng.gen());
        let rng = &mut case_rng;
        let w = &self.world;
        let (today, now) = (w.today, w.now);
        let stage_index = w.stage_weights.sample(rng);
        let target = STAGES[stage_index];
        let track = pick_track(rng, stage_index);
        let level = track.level();
        let return_track = matches!(track, Track::Return(l) if l >= 2);
        let org_index = w.org_weights.sample(rng);
        let org = &w.orgs[org_index];
        let owner = &org.staff[rng.gen_range(0..org.staff.len())];
        let mission = if rng.gen_bool(0.8) {
            &w.missions[org_index % w.missions.len()]
        } else {
            &w.missions[rng.gen_range(0..w.missions.len())]
        };

        // The timeline, from the first contact on. After departure, the
        // departure fixes how old the case must at least be.
        let mut age = pick_age(rng, target);
        let departed_ago = match track {
            Track::Return(7) => Some(rng.gen_range(1..=20)),
            Track::Return(8) => Some(rng.gen_range(3..=60)),
            Track::Return(9) => Some(rng.gen_range(35..=300)),
            Track::Return(10) => Some(rng.gen_range(60..=(age - 60).max(60))),
            _ => None,
        };
        if let Some(ago) = departed_ago {
            age = age.max(ago + rng.gen_range(40..=120));
        }
        let fc = today - Duration::days(age);
        let departure = match (track, departed_ago) {
            (_, Some(ago)) => Some(today - Duration::days(ago)),
            (Track::Return(4), _) => Some(today + Duration::days(rng.gen_range(20..=120))),
            (Track::Return(5), _) => Some(today + Duration::days(rng.gen_range(10..=90))),
            (Track::Return(6), _) => Some(today + Duration::days(rng.gen_range(2..=45))),
            _ => None,
        };
        let decided_on = {
            let latest = match departure.filter(|d| *d <= today) {
                Some(d) => d - Duration::days(30),
                None => today,
            };
            between(
                rng,
                fc + Duration::days(7),
                (fc + Duration::days(60)).min(latest),
            )
            .min(today)
        };
        // An approved plan needs an assessment of the last 30 days (also
        // after departure: the application's stage walk checks the gate
        // again at departure), so late cases carry a recent reassessment.
        // The travel steps the gate holds are recorded only on days it had
        // passed: a plan that has left was assessed (and signed off) within
        // the 30 days before it left, with room for the arrival after.
        let assessed_on = match (track, departure.filter(|d| *d <= today)) {
            (Track::Return(l), Some(dep)) if l >= 4 => {
                between(rng, dep - Duration::days(27), dep - Duration::days(21)).max(decided_on)
            }
            (Track::Return(l), _) if l >= 4 => {
                between(rng, today - Duration::days(29), today).max(decided_on)
            }
            _ => between(rng, decided_on, decided_on + Duration::days(40)).min(today),
        };
        // Sign-offs of the assessment come before anything it allows.
        let signed_by = departure
            .filter(|d| *d <= today)
            .map_or(today, |d| d - Duration::days(1));

        let created_at = moment(rng, fc, now);
        let code = loop {
            let code = CaseCode::from_random(rng.gen());
            if self.codes.insert(code.as_str().to_string()) {
                break code;
            }
        };
        let case_id = new_id(rng);
        let alias = format!("Client {index:05}");
        let (nationality, language) = NATIONALITIES[rng.gen_range(0..NATIONALITIES.len())];
        let birth_known = rng.gen_bool(0.85);
        let mut d = Draft {
            file: CaseFile::default(),
            cx: ParseContext {
                today,
                user_id: &owner.id,
                currency: Currency::EUR,
            },
            saved: BTreeMap::new(),
        };

        // S0: first contact.
        let mut client = vec![
            ("client.alias", alias.clone()),
            (
                "client.gender",
                if rng.gen_bool(0.7) { "female" } else { "male" }.to_string(),
            ),
            ("client.nationality", nationality.to_string()),
            ("client.languages", language.to_string()),
            // A possible victim: the tool's clients are (EU nationals
            // need the status for the only programme open to them).
            ("trafficking.status", "possible_victim".to_string()),
            (
                "client.interpreter",
                if language == "en" { "no" } else { "yes" }.to_string(),
            ),
            ("contact.on", day(fc)),
            (
                "contact.referral_source",
                REFERRALS[rng.gen_range(0..REFERRALS.len())].to_string(),
            ),
            (
                "safety.danger",
                if rng.gen_bool(0.05) { "yes" } else { "no" }.to_string(),
            ),
            (
                "safety.medical",
                ["no", "no", "unknown", "yes"][rng.gen_range(0..4)].to_string(),
            ),
        ];
        if birth_known {
            client.push(("client.birth", "year".into()));
            let age_years = rng.gen_range(19..=55);
            client.push((
                "client.birth_year",
                (chrono::Datelike::year(&today) - age_years).to_string(),
            ));
        } else {
            client.push(("client.birth", "unknown".into()));
        }
        if rng.gen_bool(0.2) {
            client.push(("client.children", rng.gen_range(1..=3).to_string()));
        }
        let client_on = if rng.gen_bool(0.3) {
            between(rng, fc, fc + Duration::days(20))
        } else {
            fc
        };
        d.put(Section::Client, client, client_on);

        // S2: screening.
        if level >= 2 || (level == 1 && rng.gen_bool(0.7)) {
            let on = between(rng, fc, fc + Duration::days(14)).min(today);
            let mut f = vec![(
                "screening.list",
                if rng.gen_bool(0.6) {
                    "adult_labour"
                } else {
                    "adult_sexual"
                }
                .to_string(),
            )];
            for _ in 0..rng.gen_range(0..=5) {
                let id = INDICATORS[rng.gen_range(0..INDICATORS.len())];
                f.push((leak(format!("obs.{id}")), "on".into()));
                f.push((
                    leak(format!("obs.{id}.source")),
                    ["self_report", "observed", "document"][rng.gen_range(0..3)].into(),
                ));
                f.push((leak(format!("obs.{id}.on")), day(on)));
            }
            let judgement = match rng.gen_range(0..100) {
                0..=44 => Some("signs_present"),
                45..=74 => Some("unclear"),
                75..=96 => Some("no_signs"),
                _ => None,
            };
            if let Some(j) = judgement {
                f.push(("screening.judgement", j.into()));
            }
            d.put(Section::Screening, f, on);
        }

        // S3: options.
        if level >= 2 || (level == 1 && rng.gen_bool(0.6)) {
            let on = between(rng, fc + Duration::days(3), fc + Duration::days(30)).min(today);
            let feasibility = ["feasible", "difficult", "not_feasible", "unknown"];
            let mut f = vec![
                (
                    "option.stay.feasibility",
                    feasibility[rng.gen_range(0..4)].to_string(),
                ),
                (
                    "option.onward.feasibility",
                    feasibility[rng.gen_range(0..4)].to_string(),
                ),
                (
                    "option.return.feasibility",
                    feasibility[rng.gen_range(0..4)].to_string(),
                ),
                ("option.return.wishes", "Back to her family".to_string()),
                ("option.return.information", "Reintegration support".into()),
                ("option.return.informed_on", day(on)),
            ];
            if rng.gen_bool(0.5) {
                f.push(("option.stay.wishes", "Finish her training".into()));
                f.push(("option.return.fears", "The debt to the recruiter".into()));
            }
            d.put(Section::Options, f, on);
        }

        // S4: the decision.
        let choice = match track {
            Track::Stay => Some("stay"),
            Track::Onward => Some("onward"),
            Track::NoGo => Some("return"),
            Track::Return(l) if l >= 2 => Some("return"),
            // Talked about, not decided yet.
            Track::Return(1) if rng.gen_bool(0.1) => Some("undecided"),
            _ => None,
        };
        if let Some(choice) = choice {
            let mut f = vec![
                ("decision.choice", choice.to_string()),
                ("decision.on", day(decided_on)),
            ];
            if choice != "undecided" {
                f.push(("decision.free_and_informed", "on".into()));
            }
            if !birth_known && choice != "stay" {
                // Age unclear: leaving needs a best-interests determination.
                f.push(("decision.bid_on", day(decided_on)));
            }
            d.put(Section::Decision, f, decided_on);
        }

        // S5: the risk assessment.
        if matches!(track, Track::NoGo) || (return_track && level >= 3) {
            risk(rng, &mut d, track, org, decided_on, assessed_on, signed_by);
        }

        // S6–S7: reintegration.
        if level >= 4 || (return_track && level == 3 && rng.gen_bool(0.3)) {
            let on_budget = departure.unwrap_or(today);
            // EU nationals may get only the in-kind programme for victims
            // from an EU member state (€500); the others the NL scheme of
            // the day.
            let eu = app::catalog::programmes()
                .eu_eea
                .iter()
                .any(|c| c == nationality);
            let programme = if eu {
                "nl-vot-eu-in-kind"
            } else if on_budget >= NaiveDate::from_ymd_opt(2025, 9, 2).unwrap() {
                "nl-2025-reintegration"
            } else {
                "avrr-nl-2017"
            };
            let mut f = vec![
                ("reint.programme", programme.to_string()),
                ("person.0.kind", "adult".to_string()),
                ("reint.goals", "A small business of her own".to_string()),
            ];
            if rng.gen_bool(0.2) {
                f.push(("person.1.kind", "minor_with_family".into()));
            }
            // In kind, for the client, within the programme's cap (1 800,
            // or 500 for EU nationals).
            let lines = if eu { 1 } else { rng.gen_range(1..=3) };
            for i in 0..lines {
                let (category, what) = SUPPORT[rng.gen_range(0..SUPPORT.len())];
                let amount = rng.gen_range(100..=if eu { 500 } else { 600 }) / 50 * 50;
                f.push((leak(format!("line.{i}.category")), category.into()));
                f.push((leak(format!("line.{i}.description")), what.into()));
                f.push((leak(format!("line.{i}.amount")), amount.to_string()));
                f.push((leak(format!("line.{i}.form")), "in_kind".into()));
                f.push((leak(format!("line.{i}.person")), "0".into()));
            }
            let mut on = between(rng, assessed_on, today);
            if level >= 6 {
                let registered = between(rng, decided_on, today.min(departure.unwrap_or(today)));
                f.push(("reint.registered_on", day(registered)));
                on = on.max(registered);
            }
            d.put(Section::Reintegration, f, on);
        }

        // S9: travel, and the steps the mission records after a handover.
        let with_mission = level >= 5 || (level == 4 && rng.gen_bool(0.85));
        let handed_over_on = match track {
            Track::Return(l) if (5..=6).contains(&l) => Some(between(rng, assessed_on, today)),
            Track::Return(l) if l >= 7 => {
                let dep = departure.unwrap_or(today);
                Some(between(
                    rng,
                    (decided_on + Duration::days(3)).max(assessed_on),
                    dep - Duration::days(20),
                ))
            }
            _ => None,
        };
        let mut booked_on = None;
        let mut arrived_on = None;
        if level >= 4 || (return_track && level == 3 && rng.gen_bool(0.2)) {
            let mut f = vec![("travel.destination", nationality.to_string())];
            let mut on = between(rng, decided_on, today);
            if with_mission {
                f.push(("travel.mission", mission.id.clone()));
            }
            if let Some(dep) = departure {
                f.push(("travel.departure", day(dep)));
            }
            if level >= 6 {
                let dep = departure.unwrap_or(today);
                let from = handed_over_on.unwrap_or(decided_on);
                let last = today.min(dep - Duration::days(1));
                let document = between(rng, from, last);
                let registered = between(rng, from, last);
                // Booking is gated: once the gate passed (assessed and
                // signed off).
                let gate_from = [
                    Some(assessed_on),
                    d.file.risk.origin_confirmed_on,
                    d.file.risk.supervisor_approval.as_ref().map(|s| s.on),
                ]
                .into_iter()
                .flatten()
                .max()
                .unwrap_or(assessed_on);
                let booked = between(rng, document.max(registered).max(gate_from), last);
                booked_on = Some(booked);
                for (id, on) in [("T4", document), ("T5", registered), ("T8", booked)] {
                    f.push((leak(format!("step.{id}.status")), "done".into()));
                    f.push((leak(format!("step.{id}.done_on")), day(on)));
                    f.push((
                        leak(format!("step.{id}.evidence")),
                        format!("Reference {id}"),
                    ));
                }
                on = booked;
            } else if level >= 4 && rng.gen_bool(0.5) {
                f.push(("step.T1.status", "done".into()));
                f.push(("step.T1.done_on", day(on)));
                f.push(("step.T1.evidence", "Application reference".into()));
            }
            if level >= 7 {
                let dep = departure.unwrap_or(today);
                f.push(("step.T10.status", "done".into()));
                f.push(("step.T10.done_on", day(dep)));
                f.push(("step.T10.evidence", "Departure confirmed".into()));
                on = dep;
                if level >= 8 {
                    let arrived = (dep + Duration::days(rng.gen_range(0..=2))).min(today);
                    arrived_on = Some(arrived);
                    f.push(("step.T12.status", "done".into()));
                    f.push(("step.T12.done_on", day(arrived)));
                    f.push(("step.T12.evidence", "Arrival confirmed".into()));
                    on = arrived;
                }
            }
            d.put(Section::Travel, f, on);
        }

        // S1: consents (to store from the first session; to share with the
        // mission once return is decided).
        if level >= 1 {
            let given = between(rng, fc, fc + Duration::days(2)).min(today);
            let mut f = vec![
                ("consent.0.purpose", "store_data".to_string()),
                ("consent.0.given_on", day(given)),
                ("consent.0.language", language.to_string()),
            ];
            if language != "en" {
                f.push(("consent.0.interpreter", "on".into()));
            }
            let mut on = given;
            let share = level >= 5
                || (level == 4 && rng.gen_bool(0.9))
                || (return_track && level == 3 && rng.gen_bool(0.3));
            if share {
                let shared_on = between(rng, decided_on, handed_over_on.unwrap_or(today));
                f.extend([
                    ("consent.1.purpose", "share".to_string()),
                    ("consent.1.recipient", mission.id.clone()),
                    ("consent.1.section_client", "on".into()),
                    ("consent.1.section_consent", "on".into()),
                    ("consent.1.section_decision", "on".into()),
                    ("consent.1.section_risk", "on".into()),
                    ("consent.1.section_reintegration", "on".into()),
                    ("consent.1.section_travel", "on".into()),
                    ("consent.1.given_on", day(shared_on)),
                    ("consent.1.language", language.to_string()),
                ]);
                if rng.gen_bool(0.7) {
                    f.push(("consent.1.section_milestones", "on".into()));
                }
                on = shared_on;
            }
            if rng.gen_bool(0.4) {
                f.extend([
                    ("consent.2.purpose", "anonymised_statistics".to_string()),
                    ("consent.2.given_on", day(given)),
                    ("consent.2.language", language.to_string()),
                ]);
            }
            d.put(Section::Consent, f, on);
        }

        // The mission holds the plan from the handover on.
        let holds = level >= 5;
        if holds {
            d.file.handed_over_to = Some(mission.id.clone());
        }

        // S10: milestones, as the counsellor and the mission tick them off.
        let milestones_saved = level >= 2 || rng.gen_bool(if level == 1 { 0.8 } else { 0.7 });
        let settle_all = matches!(target, "closed" | "withdrawn_by_client");
        if milestones_saved || settle_all {
            let cats = app::catalog::planning();
            let list = d.file.milestones(&cats);
            let mut ms = Marks {
                fields: Vec::new(),
                on: fc,
                settled: HashSet::new(),
            };
            let arrival_based = ["M12", "M13", "M16a", "M16b", "M16c", "M16d", "M17", "M18"];
            for m in &list {
                let id = m.template_id.as_str();
                if arrival_based.contains(&id) {
                    continue;
                }
                let Some(due) = m.due else {
                    continue;
                };
                if id == "M11" {
                    // Departure: done when the client left.
                    if level >= 7 {
                        ms.mark(id, "done", departure.unwrap_or(due));
                    }
                    continue;
                }
                let p_done = if level >= 5 { 0.98 } else { 0.95 };
                if due < today && rng.gen_bool(p_done) {
                    let done = (due + Duration::days(rng.gen_range(0..=4))).min(today);
                    ms.mark(id, "done", done);
                } else if due >= today && due <= today + Duration::days(14) && rng.gen_bool(0.2) {
                    ms.fields
                        .push((leak(format!("ms.{id}.status")), "in_progress".into()));
                }
            }
            // After arrival the partner's milestones, dated by hand from
            // the arrival (the catalogue cannot date them before it).
            if let Some(arrived) = arrived_on {
                ms.mark("M12", "done", arrived);
                let plan = [
                    ("M13", 30, level >= 9),
                    ("M16a", 30, level >= 10),
                    ("M16b", 91, level >= 10),
                    ("M17", 91, level >= 10),
                    ("M16c", 182, level >= 10),
                    ("M16d", 365, level >= 10),
                    ("M18", 365, level >= 10),
                ];
                for (id, offset, may_be_done) in plan {
                    let due = arrived + Duration::days(offset);
                    let must = (id == "M13" && level >= 9) || (id == "M16a" && level >= 10);
                    if must || (may_be_done && due < today && rng.gen_bool(0.9)) {
                        let done = between(rng, due - Duration::days(10), due + Duration::days(5))
                            .min(today)
                            .max(arrived);
                        ms.mark(id, "done", done);
                    } else {
                        ms.fields
                            .push((leak(format!("ms.{id}.status")), "pending".into()));
                        ms.fields.push((leak(format!("ms.{id}.due")), day(due)));
                    }
                }
            }
            if settle_all {
                let open: Vec<String> = list
                    .iter()
                    .map(|m| m.template_id.clone())
                    .filter(|id| !ms.settled.contains(id))
                    .collect();
                ms.fields
                    .retain(|(k, _)| !open.iter().any(|id| k.starts_with(&format!("ms.{id}."))));
                let closed_on = between(rng, ms.on, today);
                for id in &open {
                    ms.mark(id, "skipped", closed_on);
                }
            }
            if !ms.fields.is_empty() {
                d.put(Section::Milestones, ms.fields, ms.on);
            }
        }

        // The summary the application computes, and where the file stands.
        let mut summary = summary_of(&d.file, chrono::Utc::now());
        let computed = track.stage();
        if summary.stage != computed {
            *self.tally.mismatched.entry(computed).or_default() += 1;
        }
        if !matches!(target, "closed" | "on_hold" | "withdrawn_by_client") && target != computed {
            unreachable!("track {track:?} for {target}");
        }
        if summary.stage != target {
            // Set by hand in the application: closed, on hold, withdrawn.
            summary.stage = target.to_string();
        }

        // Versions and who saved each section when.
        let officer = &mission.staff[rng.gen_range(0..mission.staff.len())];
        let mut sections: Vec<(Section, i64, String, DateTime<Utc>, &Person)> = Vec::new();
        for (&section, &on) in &d.saved {
            let version = match rng.gen_range(0..100) {
                0..=59 => 1,
                60..=84 => 2,
                85..=94 => 3,
                _ => rng.gen_range(4..=9),
            };
            let at = if section == Section::Client && on == fc && version == 1 {
                created_at
            } else {
                moment(rng, on, now).max(created_at + Duration::seconds(1))
            };
            let by = if holds
                && matches!(section, Section::Travel | Section::Milestones)
                && level >= 6
            {
                officer
            } else if rng.gen_bool(0.05) {
                &org.supervisor
            } else {
                owner
            };
            sections.push((section, version, d.file.section_json(section), at, by));
        }
        let mut updated_at = sections.iter().map(|s| s.3).max().unwrap_or(created_at);

        // Handovers: the active one, sometimes an earlier one that was
        // rejected or withdrawn, each with its conversation and snapshot.
        let snapshot_body = {
            let mut body = String::from("{");
            for (i, (section, version, json, _, _)) in sections.iter().enumerate() {
                if i > 0 {
                    body.push(',');
                }
                let _ = write!(
                    body,
                    "\"{}\":{{\"version\":{version},\"body\":{json}}}",
                    section_slug(*section)
                );
            }
            body.push('}');
            body
        };
        // What the client consented to share (as now; the snapshots, too,
        // hold the sections as they stand now).
        let shared = shareable_sections(&d.file.consent.records, &mission.id, now);
        let history = !shared.is_empty()
            && match track {
                Track::Return(l) if l >= 5 => rng.gen_bool(0.1),
                Track::Return(4) => rng.gen_bool(0.08),
                _ => false,
            };
        let shared = serde_json::to_string(&shared).expect("sections as JSON");
        let mut audit: Vec<(DateTime<Utc>, &Person, &'static str, Option<&'static str>)> =
            Vec::new();
        let mut handovers: Vec<HandoverPlan> = Vec::new();
        if history {
            let latest = handed_over_on.unwrap_or(today) - Duration::days(2);
            let on = between(rng, decided_on, latest).min(today);
            let start = moment(rng, on, now);
            let rejected = rng.gen_bool(0.6);
            let to = if rejected && rng.gen_bool(0.5) {
                &w.missions[rng.gen_range(0..w.missions.len())]
            } else {
                mission
            };
            let end = (start + Duration::days(rng.gen_range(1..=10))).min(now);
            let t = moments(rng, 1, start, end);
            let (status, mv, by, body) = if rejected {
                let officer = &to.staff[rng.gen_range(0..to.staff.len())];
                (
                    "rejected",
                    "reject",
                    officer,
                    "The travel document cannot be issued in time",
                )
            } else {
                (
                    "withdrawn",
                    "withdraw",
                    owner,
                    "The client asked for more time to decide",
                )
            };
            handovers.push(HandoverPlan {
                mission: to,
                status,
                start,
                moves: vec![("handover", owner, "", start), (mv, by, body, t[0])],
                accepted_at: None,
            });
        }
        if let Some(on) = handed_over_on {
            let start = moment(rng, on, now);
            let status = if level == 5 && !matches!(target, "closed") {
                match rng.gen_range(0..100) {
                    0..=39 => "new",
                    40..=64 => "needs_information",
                    _ => "accepted",
                }
            } else {
                "accepted"
            };
            let end = match booked_on {
                Some(b) => moment(rng, b, now).max(start + Duration::hours(1)),
                None => (start + Duration::days(rng.gen_range(1..=12))).min(now),
            };
            let question = "Is the travel document ready?";
            let answer = "The embassy appointment is booked";
            let moves = match status {
                "new" if rng.gen_bool(0.3) => {
                    let t = moments(rng, 2, start, end);
                    vec![
                        ("handover", owner, "", start),
                        ("ask", officer, question, t[0]),
                        ("answer", owner, answer, t[1]),
                    ]
                }
                "new" => vec![("handover", owner, "Ready for booking", start)],
                "needs_information" => {
                    let t = moments(rng, 1, start, end);
                    vec![
                        ("handover", owner, "", start),
                        ("ask", officer, question, t[0]),
                    ]
                }
                _ if rng.gen_bool(0.3) => {
                    let t = moments(rng, 2, start, end);
                    vec![
                        ("handover", owner, "", start),
                        ("ask", officer, question, t[0]),
                        ("accept", officer, "", t[1]),
                    ]
                }
                _ => {
                    let t = moments(rng, 1, start, end);
                    vec![
                        ("handover", owner, "Ready for booking", start),
                        ("accept", officer, "", t[0]),
                    ]
                }
            };
            let accepted_at = moves.iter().find(|m| m.0 == "accept").map(|m| m.3);
            handovers.push(HandoverPlan {
                mission,
                status,
                start,
                moves,
                accepted_at,
            });
        }
        for h in handovers {
            let id = new_id(rng);
            *self.tally.handovers.entry(h.status).or_default() += 1;
            let last = h.moves.last().map_or(h.start, |m| m.3);
            updated_at = updated_at.max(last);
            batch.handovers().push(vec![
                s(id.clone()),
                s(case_id.clone()),
                s(h.mission.id.clone()),
                s(h.status),
                s(shared.clone()),
                s(ts::to_db(h.start)),
                s(owner.id.clone()),
                s(ts::to_db(last)),
                n(h.accepted_at.map(ts::to_db)),
                s(owner.org_id.clone()),
            ]);
            for (mv, by, body, at) in &h.moves {
                batch.messages().push(vec![
                    s(new_id(rng)),
                    s(id.clone()),
                    s(ts::to_db(*at)),
                    s(by.id.clone()),
                    s(*mv),
                    s(*body),
                ]);
                let action = match *mv {
                    "handover" => "handover.create",
                    "accept" => "handover.accept",
                    "reject" => "handover.reject",
                    "ask" => "handover.ask",
                    "answer" => "handover.answer",
                    _ => "handover.withdraw",
                };
                audit.push((*at, *by, action, None));
                if *mv == "accept" {
                    // The officer read the plan before accepting it.
                    let open = *at - Duration::minutes(rng.gen_range(2..60));
                    audit.push((open.max(h.start), *by, "case.open", None));
                }
            }
            batch.snapshots().push(vec![
                s(new_id(rng)),
                s(case_id.clone()),
                s(ts::to_db(h.start)),
                s("handover"),
                s("handed_over"),
                s(owner.id.clone()),
                s(snapshot_body.clone()),
            ]);
        }

        // The case row, with its summary.
        let sm = &summary;
        batch.cases().push(vec![
            s(case_id.clone()),
            s(code.as_str()),
            s(org.id.clone()),
            s(owner.id.clone()),
            s(sm.alias.clone()),
            s(fold(&sm.alias)),
            n(sm.nationality.clone()),
            s(sm.birth.clone()),
            s(sm.stage.clone()),
            n(sm.risk_level.clone()),
            n(sm.next_milestone.clone()),
            n(sm.next_due.clone()),
            V::I(sm.ready_for_handover as i64),
            n(sm.first_contact_on.clone()),
            n(sm.screened_on.clone()),
            n(sm.screening.clone()),
            n(sm.decided_on.clone()),
            n(sm.decision.clone()),
            n(sm.departure_on.clone()),
            n(sm.departed_on.clone()),
            n(sm.arrived_on.clone()),
            V::I(sm.awaiting_approval as i64),
            s(ts::to_db(created_at)),
            s(ts::to_db(updated_at)),
        ]);
        for (section, version, json, at, by) in &sections {
            batch.sections().push(vec![
                s(case_id.clone()),
                s(section_slug(*section)),
                V::I(*version),
                s(json.clone()),
                s(ts::to_db(*at)),
                s(by.id.clone()),
            ]);
            if *section == Section::Client {
                audit.push((created_at, owner, "case.create", Some("client")));
            } else {
                audit.push((*at, by, "case.section.save", Some(section_slug(*section))));
            }
        }
        for _ in 0..rng.gen_range(0..=1) {
            let span = (updated_at - created_at).num_seconds().max(1);
            let at = created_at + Duration::seconds((rng.gen::<f64>() * span as f64) as i64);
            let by = if rng.gen_bool(0.15) {
                &org.supervisor
            } else {
                owner
            };
            audit.push((at, by, "case.open", None));
        }
        for (at, by, action, section) in audit {
            batch.audit().push(vec![
                s(new_id(rng)),
                s(ts::to_db(at)),
                s(by.id.clone()),
                s(by.role.as_str()),
                s(by.org_id.clone()),
                s(action),
                s(code.as_str()),
                n(section.map(str::to_string)),
                n(None),
                s("allowed"),
            ]);
        }

        // The tally.
        let t = &mut self.tally;
        *t.stages.entry(STAGES[stage_index]).or_default() += 1;
        let due_bucket = match sm.next_due.as_deref() {
            None => 3,
            Some(due) if due < day(today).as_str() => 0,
            Some(due) if due <= day(today + Duration::days(14)).as_str() => 1,
            Some(_) => 2,
        };
        t.due[due_bucket] += 1;
        *t.risk
            .entry(sm.risk_level.clone().unwrap_or_else(|| "none".into()))
            .or_default() += 1;
        t.awaiting_approval += sm.awaiting_approval as u64;
        t.ready += sm.ready_for_handover as u64;
        batch.cases += 1;
    }
}

/// The risk section: passed for approved plans, blocked (stale, waiting
/// for approval, unmitigated) at "risk assessed", no-go for no-go.
fn risk(
    rng: &mut StdRng,
    d: &mut Draft,
    track: Track,
    org: &Org,
    decided_on: NaiveDate,
    mut assessed_on: NaiveDate,
    signed_by: NaiveDate,
) {
    {
        let today = d.cx.today;
        let mut f: Vec<(&str, String)> = Vec::new();
        let mut risks: Vec<(u8, u8, bool, bool)> = Vec::new(); // likelihood, severity, mitigated, unmitigable
        let mut approved = false;
        let mut requested = false;
        match track {
            Track::NoGo => {
                risks.push((3, 3, false, true));
                if rng.gen_bool(0.5) {
                    risks.push((2, 2, true, false));
                }
            }
            Track::Return(3) => {
                let stale_possible = decided_on < today - Duration::days(31);
                match rng.gen_range(0..100) {
                    0..=44 => {
                        // High: waiting for the supervisor's approval.
                        risks.push((3, 2, true, false));
                        requested = true;
                    }
                    45..=79 if stale_possible => {
                        // Older than 30 days: to be assessed again.
                        assessed_on = between(rng, decided_on, today - Duration::days(31));
                        risks.push((2, 2, true, false));
                    }
                    _ => risks.push((2, 2, false, false)),
                }
                if rng.gen_bool(0.3) {
                    risks.push((1, 2, false, false));
                }
            }
            _ => match rng.gen_range(0..100) {
                0..=34 => risks.push((1, rng.gen_range(1..=2), rng.gen_bool(0.5), false)),
                35..=79 => {
                    risks.push((rng.gen_range(1..=2), 2, true, false));
                    if rng.gen_bool(0.5) {
                        risks.push((1, 1, false, false));
                    }
                }
                _ => {
                    risks.push((3, 2, true, false));
                    risks.push((2, 2, true, false));
                    approved = true;
                    requested = true;
                }
            },
        }
        f.push(("risk.assessed_on", day(assessed_on)));
        f.push((
            "risk.catalogue_version",
            app::catalog::risk().info.version.clone(),
        ));
        let mut on = assessed_on;
        for (i, (likelihood, severity, mitigated, unmitigable)) in risks.into_iter().enumerate() {
            let (level, factor, text) = if unmitigable {
                RISK_FACTORS[7]
            } else {
                RISK_FACTORS[rng.gen_range(0..RISK_FACTORS.len())]
            };
            f.push((leak(format!("risk.{i}.level")), level.into()));
            f.push((leak(format!("risk.{i}.factor")), factor.into()));
            f.push((leak(format!("risk.{i}.description")), text.into()));
            f.push((leak(format!("risk.{i}.likelihood")), likelihood.to_string()));
            f.push((leak(format!("risk.{i}.severity")), severity.to_string()));
            if mitigated {
                let m = MITIGATIONS[rng.gen_range(0..MITIGATIONS.len())];
                f.push((leak(format!("risk.{i}.mitigation")), m.into()));
            }
            if unmitigable {
                f.push((leak(format!("risk.{i}.unmitigable")), "on".into()));
            }
        }
        if requested {
            let asked = between(rng, assessed_on, signed_by);
            f.push(("risk.approval_requested_on", day(asked)));
            on = asked;
        }
        let mut approval = None;
        if approved {
            let confirmed = between(rng, assessed_on, signed_by);
            f.push((
                "risk.origin_partner",
                "Partner NGO in the city of return".into(),
            ));
            f.push(("risk.origin_confirmed_on", day(confirmed)));
            let signed = between(rng, on.max(confirmed), signed_by);
            approval = Some(SignOff {
                by: org.supervisor.id.clone(),
                on: signed,
                comment: String::new(),
            });
            on = signed;
        } else if requested && rng.gen_bool(0.5) {
            let confirmed = between(rng, assessed_on, today);
            f.push((
                "risk.origin_partner",
                "Partner NGO in the city of return".into(),
            ));
            f.push(("risk.origin_confirmed_on", day(confirmed)));
            on = on.max(confirmed);
        }
        d.put(Section::Risk, f, on);
        // The supervisor's sign-off is a move of its own, not a form field.
        d.file.risk.supervisor_approval = approval;
    }
}

/// The milestones section's fields being put together.
struct Marks {
    fields: Vec<(&'static str, String)>,
    /// The latest day recorded.
    on: NaiveDate,
    settled: HashSet<String>,
}

impl Marks {
    /// Settles a milestone: done on `date`, or skipped (the case closed).
    fn mark(&mut self, id: &str, status: &str, date: NaiveDate) {
        self.fields
            .push((leak(format!("ms.{id}.status")), status.into()));
        if status == "done" {
            self.fields
                .push((leak(format!("ms.{id}.done_on")), day(date)));
        } else {
            self.fields
                .push((leak(format!("ms.{id}.reason")), "Case closed".into()));
        }
        self.settled.insert(id.to_string());
        self.on = self.on.max(date);
    }
}

struct HandoverPlan<'a> {
    mission: &'a Org,
    status: &'static str,
    start: DateTime<Utc>,
    /// move, by, text, at
    moves: Vec<(&'static str, &'a Person, &'static str, DateTime<Utc>)>,
    accepted_at: Option<DateTime<Utc>>,
}

/// Form field names built at run time live as long as the generator (a
/// few hundred distinct names, interned).
fn leak(name: String) -> &'static str {
    use std::sync::Mutex;
    static NAMES: Mutex<Option<HashSet<&'static str>>> = Mutex::new(None);
    let mut names = NAMES.lock().expect("field names");
    let names = names.get_or_insert_with(HashSet::new);
    if let Some(known) = names.get(name.as_str()) {
        return known;
    }
    let leaked: &'static str = Box::leak(name.into_boxed_str());
    names.insert(leaked);
    leaked
}

/// Writes rows as multi-row INSERTs; returns how many. SQLite gets
/// anonymous `?` placeholders: with numbered ones, binding a statement
/// takes time quadratic in its parameters.
async fn insert(
    conn: &mut sqlx::AnyConnection,
    engine: Engine,
    table: Table,
) -> anyhow::Result<usize> {
    let Table {
        name,
        columns,
        rows,
    } = table;
    let total = rows.len();
    let per_statement = (MAX_PARAMS / columns.len()).min(MAX_ROWS_PER_STATEMENT);
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<Vec<V>> = rows.by_ref().take(per_statement).collect();
        let mut sql = format!("INSERT INTO {name} ({}) VALUES ", columns.join(", "));
        let mut p = 1;
        for r in 0..chunk.len() {
            sql.push_str(if r == 0 { "(" } else { ", (" });
            for c in 0..columns.len() {
                if c > 0 {
                    sql.push_str(", ");
                }
                match engine {
                    Engine::Sqlite => sql.push('?'),
                    Engine::Postgres => {
                        let _ = write!(sql, "${p}");
                    }
                }
                p += 1;
            }
            sql.push(')');
        }
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for row in chunk {
            for v in row {
                q = match v {
                    V::S(x) => q.bind(x),
                    V::N(x) => q.bind(x),
                    V::I(x) => q.bind(x),
                };
            }
        }
        q.execute(&mut *conn).await?;
    }
    Ok(total)
}

/// Writes one batch in one transaction; adds the time and rows per table.
async fn write_batch(
    conn: &mut sqlx::AnyConnection,
    engine: Engine,
    batch: Batch,
    stats: &mut BTreeMap<&'static str, (usize, std::time::Duration)>,
) -> anyhow::Result<()> {
    use sqlx::Connection;
    let mut tx = conn.begin().await?;
    for table in batch.tables {
        let name = table.name;
        let start = Instant::now();
        let rows = insert(&mut tx, engine, table).await?;
        let e = stats.entry(name).or_default();
        e.0 += rows;
        e.1 += start.elapsed();
    }
    let start = Instant::now();
    tx.commit().await?;
    stats.entry("(commit)").or_default().1 += start.elapsed();
    Ok(())
}

/// Reads cases back as the application does (sections, the mission
/// holding the plan) and checks that their summary is what the application
/// would compute from them; the stages set by hand are taken as stored.
/// A social map of [`MAP_ENTRIES`] organisations over 30 countries, with
/// services, target groups and languages drawn at random, a third of them
/// verified within the last two years.
fn make_map(rng: &mut StdRng, today: NaiveDate) -> Vec<app::domain::directory::Organisation> {
    use app::domain::directory::{OrgType, Organisation, Service, TargetGroup};
    const COUNTRIES: [&str; 30] = [
        "NL", "BE", "DE", "FR", "IT", "ES", "PL", "RO", "BG", "GR", "NG", "GH", "ER", "ET", "MA",
        "DZ", "TN", "EG", "SY", "IQ", "AF", "PK", "IN", "VN", "CN", "UA", "AL", "RS", "BR", "CO",
    ];
    const CITIES: [&str; 6] = ["Capital", "Port", "North", "South", "Central", "Lakeside"];
    const WORDS: [&str; 8] = [
        "Hope",
        "Safe Home",
        "New Start",
        "Bridge",
        "Haven",
        "Open Door",
        "Compass",
        "Harbour",
    ];
    const LANGUAGES: [&str; 12] = [
        "en", "fr", "ar", "nl", "de", "es", "pt", "ti", "am", "yo", "ig", "pcm",
    ];
    (0..MAP_ENTRIES)
        .map(|i| {
            let country = COUNTRIES[i % COUNTRIES.len()];
            let name = format!("{} {} {i}", WORDS[rng.gen_range(0..WORDS.len())], country);
            let city = format!("{} {country}", CITIES[rng.gen_range(0..CITIES.len())]);
            let mut o = Organisation::new(&format!("gen-{i}"), &name, country, &city);
            o.org_type = Some(OrgType::ALL[rng.gen_range(0..OrgType::ALL.len())]);
            for _ in 0..rng.gen_range(1..5) {
                o.services
                    .insert(Service::ALL[rng.gen_range(0..Service::ALL.len())]);
            }
            for _ in 0..rng.gen_range(1..3) {
                o.target_groups
                    .insert(TargetGroup::ALL[rng.gen_range(0..TargetGroup::ALL.len())]);
            }
            for _ in 0..rng.gen_range(1..4) {
                o.languages
                    .insert(LANGUAGES[rng.gen_range(0..LANGUAGES.len())].to_string());
            }
            o.referral_procedure =
                "Call the intake line first; send the referral form by the secure channel.".into();
            o.phone = format!("+3120{:07}", i);
            if rng.gen_bool(1.0 / 3.0) {
                o.verified_by = "Bench editor".into();
                o.last_verified = Some(today - Duration::days(rng.gen_range(0..730)));
            }
            o
        })
        .collect()
}

async fn verify(store: &Store, count: i64) -> anyhow::Result<()> {
    let t = Instant::now();
    let codes: Vec<(String,)> = sqlx::query_as("SELECT code FROM cases ORDER BY code LIMIT $1")
        .bind(count)
        .fetch_all(store.pool())
        .await?;
    let mut differ = 0;
    for (code,) in &codes {
        let case = store
            .case_by_code(code)
            .await?
            .ok_or_else(|| anyhow::anyhow!("case {code} not found"))?;
        let mut file = CaseFile::default();
        for s in store.case_sections(&case.id).await? {
            let section = app::domain::case_file::section_from_slug(&s.section)
                .ok_or_else(|| anyhow::anyhow!("unknown section {}", s.section))?;
            file.load_section(section, &s.body)?;
        }
        let mission: Option<(String,)> = sqlx::query_as(
            "SELECT mission_id FROM handovers WHERE case_id = $1 \
             AND status IN ('new', 'needs_information', 'accepted')",
        )
        .bind(&case.id)
        .fetch_optional(store.pool())
        .await?;
        file.handed_over_to = mission.map(|(m,)| m);
        let mut computed = summary_of(&file, chrono::Utc::now());
        if matches!(
            case.summary.stage.as_str(),
            "closed" | "on_hold" | "withdrawn_by_client"
        ) {
            computed.stage = case.summary.stage.clone();
        }
        if computed != case.summary {
            differ += 1;
            if differ <= 3 {
                println!(
                    "  {code}: stored {:?}\n  computed {:?}",
                    case.summary, computed
                );
            }
        }
    }
    println!(
        "verify: {} cases read back, {differ} with another summary than the application's ({:.2}s)",
        codes.len(),
        t.elapsed().as_secs_f64()
    );
    Ok(())
}

struct Args {
    url: String,
    plans: usize,
    seed: u64,
    /// How many cases to read back and summarise again.
    verify: i64,
}

fn args() -> Args {
    let usage = "usage: plan_gen --database-url <sqlite://path | postgres://…> --plans N \
                 [--seed S] [--verify CASES]";
    let mut url = None;
    let mut plans = None;
    let mut seed = 7;
    let mut verify = 0;
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let (key, inline) = match a.split_once('=') {
            Some((k, v)) => (k.to_string(), Some(v.to_string())),
            None => (a.clone(), None),
        };
        let mut value = || inline.clone().or_else(|| it.next()).expect(usage);
        match key.as_str() {
            "--database-url" => url = Some(value()),
            "--plans" => plans = Some(value().parse().expect("--plans: a number")),
            "--seed" => seed = value().parse().expect("--seed: a number"),
            "--verify" => verify = value().parse().expect("--verify: a number"),
            "-h" | "--help" => {
                println!("{usage}");
                std::process::exit(0);
            }
            other => panic!("unknown argument {other}\n{usage}"),
        }
    }
    Args {
        url: url.expect(usage),
        plans: plans.expect(usage),
        seed,
        verify,
    }
}

fn person(rng: &mut StdRng, org: &str, username: String, name: String, role: Role) -> Person {
    Person {
        id: new_id(rng),
        username,
        display_name: name,
        role,
        org_id: org.to_string(),
    }
}

/// The organisations and their people (not written yet).
fn make_orgs(rng: &mut StdRng) -> (Vec<Org>, Vec<Org>) {
    let countries = ["NL", "BE", "DE", "NL"];
    let mut orgs = Vec::new();
    for i in 1..=COUNSELLING_ORGS {
        let id = new_id(rng);
        let staff = (1..=COUNSELLORS_PER_ORG)
            .map(|j| {
                person(
                    rng,
                    &id,
                    format!("org{i}-counsellor{j}"),
                    format!("Counsellor {j} of shelter {i}"),
                    Role::Counsellor,
                )
            })
            .collect();
        let supervisor = person(
            rng,
            &id,
            format!("org{i}-supervisor"),
            format!("Supervisor of shelter {i}"),
            Role::Supervisor,
        );
        orgs.push(Org {
            id,
            name: format!("Bench shelter {i:02}"),
            kind: OrgKind::Counselling,
            country: countries[i % countries.len()],
            staff,
            supervisor,
        });
    }
    let mut missions = Vec::new();
    for k in 1..=MISSIONS {
        let id = new_id(rng);
        let staff = (1..=OFFICERS_PER_MISSION)
            .map(|j| {
                person(
                    rng,
                    &id,
                    format!("mission{k}-officer{j}"),
                    format!("Return officer {j} of mission {k}"),
                    Role::ReturnOfficer,
                )
            })
            .collect();
        let supervisor = person(
            rng,
            &id,
            format!("mission{k}-supervisor"),
            format!("Supervisor of mission {k}"),
            Role::Supervisor,
        );
        missions.push(Org {
            id,
            name: format!("Bench IOM mission {k}"),
            kind: OrgKind::IomMission,
            country: countries[k % countries.len()],
            staff,
            supervisor,
        });
    }
    (orgs, missions)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = args();
    let started = Instant::now();
    let mut rng = StdRng::seed_from_u64(args.seed);
    let now = Utc::now();
    let today = now.date_naive();

    // Phase 1: the schema.
    let t = Instant::now();
    let store = Store::connect(&args.url, StoreOptions::default()).await?;
    store.migrate().await?;
    let engine = store.engine();
    let pool = store.pool().clone();
    let (existing,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM cases")
        .fetch_one(&pool)
        .await?;
    let (taken,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM users WHERE username = 'org1-supervisor'")
            .fetch_one(&pool)
            .await?;
    if taken > 0 {
        anyhow::bail!("this database holds generated data already: use a fresh one");
    }
    println!(
        "migrate: {:.2}s ({engine:?}, {existing} cases there before)",
        t.elapsed().as_secs_f64()
    );

    let mut conn = pool.acquire().await?;
    match engine {
        // A generator can be run again: no need to wait for the disk.
        Engine::Sqlite => {
            sqlx::Executor::execute(&mut *conn, "PRAGMA synchronous = OFF").await?;
            // Random ids land all over the indexes: keep them in memory
            // (256 MB) rather than re-reading pages from the file.
            sqlx::Executor::execute(&mut *conn, "PRAGMA cache_size = -262144").await?;
        }
        Engine::Postgres => {
            sqlx::Executor::execute(&mut *conn, "SET synchronous_commit = off").await?;
        }
    }

    // Phase 2: organisations and users, with one password hash for all.
    let t = Instant::now();
    let (orgs, missions) = make_orgs(&mut rng);
    let hash = tokio::task::spawn_blocking(|| hash_blocking(PASSWORD)).await?;
    let since = now - Duration::days(HISTORY_DAYS + 30);
    let mut org_table = Table::new(
        "organisations",
        &["id", "name", "kind", "country", "is_demo", "created_at"],
    );
    let mut user_table = Table::new(
        "users",
        &[
            "id",
            "organisation_id",
            "username",
            "display_name",
            "role",
            "password_hash",
            "active",
            "created_at",
            "updated_at",
        ],
    );
    for o in orgs.iter().chain(&missions) {
        org_table.push(vec![
            s(o.id.clone()),
            s(o.name.clone()),
            s(o.kind.as_str()),
            s(o.country),
            V::I(0),
            s(ts::to_db(since)),
        ]);
        for p in o.staff.iter().chain([&o.supervisor]) {
            user_table.push(vec![
                s(p.id.clone()),
                s(o.id.clone()),
                s(p.username.clone()),
                s(p.display_name.clone()),
                s(p.role.as_str()),
                s(hash.clone()),
                V::I(1),
                s(ts::to_db(since)),
                s(ts::to_db(since)),
            ]);
        }
    }
    let mut stats: BTreeMap<&'static str, (usize, std::time::Duration)> = BTreeMap::new();
    {
        use sqlx::Connection;
        let mut tx = conn.begin().await?;
        let o = insert(&mut tx, engine, org_table).await?;
        let u = insert(&mut tx, engine, user_table).await?;
        tx.commit().await?;
        stats.insert("organisations", (o, t.elapsed()));
        stats.insert("users", (u, std::time::Duration::ZERO));
    }
    println!(
        "organisations and users: {:.2}s (one Argon2id hash, shared)",
        t.elapsed().as_secs_f64()
    );

    // Phase 3: the plans, generated on a thread of their own while the
    // previous chunk is written.
    let t = Instant::now();
    let world = World {
        now,
        today,
        orgs: orgs.clone(),
        missions: missions.clone(),
        org_weights: WeightedIndex::new(org_weights()).expect("weights"),
        stage_weights: WeightedIndex::new(STAGE_WEIGHTS).expect("weights"),
    };
    let plans = args.plans;
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Batch>(4);
    let generator = std::thread::spawn(move || {
        let mut g = Generator {
            rng,
            world,
            codes: HashSet::with_capacity(plans),
            tally: Tally::default(),
        };
        let mut busy = std::time::Duration::ZERO;
        let mut index = 1;
        while index <= plans {
            let start = Instant::now();
            let mut batch = Batch::new();
            while batch.cases < CASES_PER_TX && index <= plans {
                g.case(index, &mut batch);
                index += 1;
            }
            busy += start.elapsed();
            if tx.blocking_send(batch).is_err() {
                break;
            }
        }
        (g.tally, busy)
    });
    let mut written = 0usize;
    let mut last_report = Instant::now();
    while let Some(batch) = rx.recv().await {
        written += batch.cases;
        write_batch(&mut conn, engine, batch, &mut stats).await?;
        if last_report.elapsed().as_secs() >= 10 {
            last_report = Instant::now();
            println!(
                "  {written} / {plans} plans, {:.0}s, {:.0} plans/s",
                t.elapsed().as_secs_f64(),
                written as f64 / t.elapsed().as_secs_f64()
            );
        }
    }
    let (tally, generating) = generator
        .join()
        .map_err(|_| anyhow::anyhow!("the generator failed"))?;
    let plans_time = t.elapsed();
    println!(
        "plans: {:.2}s for {written} ({:.0} plans/s); generating took {:.2}s of it (overlapped)",
        plans_time.as_secs_f64(),
        written as f64 / plans_time.as_secs_f64().max(1e-9),
        generating.as_secs_f64()
    );

    // Phase 3b: a social map of MAP_ENTRIES organisations, imported as
    // an editor imports a file (one transaction).
    let t = Instant::now();
    let map = make_map(&mut StdRng::seed_from_u64(args.seed ^ 0x006d_6170), today);
    let audit =
        app::store::NewAuditEvent::new("directory.import", app::store::AuditOutcome::Allowed);
    let supervisor_id = orgs[0].supervisor.id.clone();
    let rows: Vec<_> = map
        .iter()
        .enumerate()
        .map(|(i, entry)| app::domain::directory::ImportRow {
            row: i + 2,
            entry: entry.clone(),
            version: None,
        })
        .collect();
    if let app::store::ImportOutcome::Refused(rows) = store
        .import_directory(&rows, &supervisor_id, now, &audit)
        .await?
    {
        anyhow::bail!("the generated map was refused: {} rows", rows.len());
    }
    println!(
        "social map: {} entries in {:.2}s",
        map.len(),
        t.elapsed().as_secs_f64()
    );

    // Phase 4: statistics for the planner.
    let t = Instant::now();
    sqlx::Executor::execute(&mut *conn, "ANALYZE").await?;
    let size = match engine {
        Engine::Sqlite => {
            sqlx::Executor::execute(&mut *conn, "PRAGMA wal_checkpoint(TRUNCATE)").await?;
            let (pages,): (i64,) = sqlx::query_as("PRAGMA page_count")
                .fetch_one(&mut *conn)
                .await?;
            let (page,): (i64,) = sqlx::query_as("PRAGMA page_size")
                .fetch_one(&mut *conn)
                .await?;
            pages * page
        }
        Engine::Postgres => {
            let (bytes,): (i64,) =
                sqlx::query_as("SELECT CAST(pg_database_size(current_database()) AS BIGINT)")
                    .fetch_one(&mut *conn)
                    .await?;
            bytes
        }
    };
    println!("ANALYZE: {:.2}s", t.elapsed().as_secs_f64());
    drop(conn);
    if args.verify > 0 {
        verify(&store, args.verify).await?;
    }
    store.close().await;

    println!();
    println!("rows written (write time):");
    let mut total_rows = 0;
    for (table, (rows, time)) in &stats {
        total_rows += rows;
        println!("  {table:<18} {rows:>10}  {:>7.2}s", time.as_secs_f64());
    }
    println!("  {:<18} {total_rows:>10}", "total");
    println!("database size: {:.1} MB", size as f64 / 1e6);
    println!();
    println!("stages (per the caseload):");
    for (stage, count) in &tally.stages {
        println!("  {stage:<22} {count:>8}");
    }
    for (stage, count) in &tally.mismatched {
        println!("  WARNING: {count} files meant to stand at {stage} computed to another stage");
    }
    println!(
        "next milestone: {} overdue, {} due within 14 days, {} later, {} none",
        tally.due[0], tally.due[1], tally.due[2], tally.due[3]
    );
    println!(
        "risk levels: {:?}; awaiting approval {}; ready for handover {}",
        tally.risk, tally.awaiting_approval, tally.ready
    );
    println!("handovers by status: {:?}", tally.handovers);
    println!();
    println!("sign-ins (password for all: {PASSWORD}):");
    for o in orgs.iter().chain(&missions) {
        let names: Vec<&str> = std::iter::once(&o.supervisor)
            .chain(&o.staff)
            .map(|p| p.username.as_str())
            .collect();
        println!("  {:<20} {}", o.name, names.join(" "));
    }
    println!();
    println!("total: {:.2}s", started.elapsed().as_secs_f64());
    Ok(())
}
