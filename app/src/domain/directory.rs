//! The social map (issue #7; domain.md §10): support organisations as
//! records a counsellor can find in a session — by country, city, service,
//! target group, language and free text, the best match first — with a
//! flag on entries nobody has verified for a year, and the CSV columns
//! they are exchanged in. A file with any bad row imports nothing, and
//! every bad row is reported with its row number.

use chrono::{NaiveDate, NaiveTime, Weekday};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// An entry not verified for this many days is flagged.
pub const STALE_AFTER_DAYS: i64 = 365;

macro_rules! slug_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident = $slug:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The value as the CSV and the URLs write it.
            pub fn slug(self) -> &'static str {
                match self { $($name::$variant => $slug),+ }
            }

            pub fn from_slug(s: &str) -> Option<$name> {
                let s = s.trim();
                Self::ALL.iter().copied().find(|v| v.slug() == s)
            }
        }
    };
}

slug_enum!(
    /// domain.md §10.1 `org_type`.
    OrgType {
        Ngo = "ngo",
        Igo = "igo",
        Government = "government",
        Health = "health",
        Legal = "legal",
        Shelter = "shelter",
        FaithBased = "faith_based",
        PoliceNrm = "police_nrm",
        Hotline = "hotline",
    }
);

slug_enum!(
    /// domain.md §10.1 `services[]`; coordination, outreach and
    /// reintegration support added for the organisations of §10.2 [D].
    Service {
        Identification = "identification",
        ShelterShort = "shelter_short",
        ShelterLong = "shelter_long",
        Medical = "medical",
        MentalHealth = "mental_health",
        LegalAid = "legal_aid",
        ReturnCounselling = "return_counselling",
        AirportReception = "airport_reception",
        FamilyTracing = "family_tracing",
        VocationalTraining = "vocational_training",
        BusinessStartUp = "business_start_up",
        JobPlacement = "job_placement",
        Education = "education",
        Childcare = "childcare",
        Housing = "housing",
        DebtCounselling = "debt_counselling",
        Hotline = "hotline",
        Escort = "escort",
        Coordination = "coordination",
        Outreach = "outreach",
        Reintegration = "reintegration",
    }
);

slug_enum!(
    /// domain.md §10.1 `target_groups[]`.
    TargetGroup {
        Women = "women",
        Men = "men",
        Children = "children",
        Families = "families",
        Lgbti = "lgbti",
        VotSexual = "vot_sexual",
        VotLabour = "vot_labour",
        VotCriminal = "vot_criminal",
        AsylumSeekers = "asylum_seekers",
        Returnees = "returnees",
    }
);

slug_enum!(
    Visibility {
        Public = "public",
        PartnersOnly = "partners_only",
    }
);

slug_enum!(
    Cost {
        Free = "free",
        Fee = "fee",
        Unknown = "unknown",
    }
);

/// One opening period: "mon 09:00-17:00".
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Opening {
    pub day: Weekday,
    pub from: NaiveTime,
    pub to: NaiveTime,
}

/// An organisation of the social map (domain.md §10.1).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organisation {
    pub id: String,
    pub name: String,
    pub local_name: String,
    pub acronym: String,
    pub org_type: Option<OrgType>,
    /// e.g. La Strada International, ERSO, IOM, KOK.
    pub network: String,
    /// ISO 3166-1 alpha-2.
    pub country: String,
    pub region: String,
    pub city: String,
    pub address: String,
    /// Shelters often keep their address secret: never shown.
    pub address_confidential: bool,
    pub services: BTreeSet<Service>,
    pub target_groups: BTreeSet<TargetGroup>,
    /// ISO 3166-1 alpha-2 of the nationalities served.
    pub nationalities: BTreeSet<String>,
    /// ISO 3166-1 alpha-2 of the countries of return covered.
    pub return_countries: BTreeSet<String>,
    /// ISO 639 codes.
    pub languages: BTreeSet<String>,
    pub eligibility: String,
    pub capacity_beds: Option<u32>,
    /// How to refer, documents, consent needed, lead time.
    pub referral_procedure: String,
    /// E.164.
    pub phone: String,
    /// E.164, answered day and night.
    pub hotline: String,
    pub email: String,
    pub website: String,
    pub secure_channel: String,
    /// A role, never a person's name.
    pub contact_role: String,
    pub opening_hours: Vec<Opening>,
    pub emergency_availability: bool,
    pub cost: Cost,
    pub visibility: Visibility,
    pub verified_by: String,
    pub last_verified: Option<NaiveDate>,
    pub source: String,
    /// Fields taken from a source without being checked (the seed's
    /// entries): shown as unverified.
    pub unverified: BTreeSet<String>,
    pub archived: bool,
}

impl Organisation {
    /// An entry with only its name, country and city known.
    pub fn new(id: &str, name: &str, country: &str, city: &str) -> Organisation {
        Organisation {
            id: id.into(),
            name: name.into(),
            local_name: String::new(),
            acronym: String::new(),
            org_type: None,
            network: String::new(),
            country: country.into(),
            region: String::new(),
            city: city.into(),
            address: String::new(),
            address_confidential: false,
            services: BTreeSet::new(),
            target_groups: BTreeSet::new(),
            nationalities: BTreeSet::new(),
            return_countries: BTreeSet::new(),
            languages: BTreeSet::new(),
            eligibility: String::new(),
            capacity_beds: None,
            referral_procedure: String::new(),
            phone: String::new(),
            hotline: String::new(),
            email: String::new(),
            website: String::new(),
            secure_channel: String::new(),
            contact_role: String::new(),
            opening_hours: Vec::new(),
            emergency_availability: false,
            cost: Cost::Unknown,
            visibility: Visibility::Public,
            verified_by: String::new(),
            last_verified: None,
            source: String::new(),
            unverified: BTreeSet::new(),
            archived: false,
        }
    }

    /// Never verified, or not for [`STALE_AFTER_DAYS`].
    pub fn stale(&self, today: NaiveDate) -> bool {
        self.last_verified
            .is_none_or(|d| (today - d).num_days() > STALE_AFTER_DAYS)
    }

    /// What is wrong with the entry, each naming its column.
    pub fn problems(&self, today: NaiveDate) -> Vec<(&'static str, EntryProblem)> {
        let mut p = Vec::new();
        if self.name.trim().is_empty() {
            p.push(("name", EntryProblem::Required));
        }
        if !is_country(&self.country) {
            p.push(("country", EntryProblem::Country));
        }
        for (column, list) in [
            ("nationalities", &self.nationalities),
            ("return_countries", &self.return_countries),
        ] {
            if !list.iter().all(|c| is_country(c)) {
                p.push((column, EntryProblem::Country));
            }
        }
        if !self
            .languages
            .iter()
            .all(|l| (2..=3).contains(&l.len()) && l.bytes().all(|b| b.is_ascii_lowercase()))
        {
            p.push(("languages", EntryProblem::Language));
        }
        for (column, number) in [("phone", &self.phone), ("hotline", &self.hotline)] {
            if !number.is_empty() && !is_e164(number) {
                p.push((column, EntryProblem::Phone));
            }
        }
        if !self.email.is_empty() && !is_email(&self.email) {
            p.push(("email", EntryProblem::Email));
        }
        let web = self.website.starts_with("https://") || self.website.starts_with("http://");
        if !self.website.is_empty() && !web {
            p.push(("website", EntryProblem::Website));
        }
        if self.last_verified.is_some_and(|d| d > today) {
            p.push(("last_verified", EntryProblem::FutureDate));
        }
        if self.opening_hours.iter().any(|o| o.from >= o.to) {
            p.push(("opening_hours", EntryProblem::OpeningHours));
        }
        p
    }
}

/// Why a value of an entry is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryProblem {
    Required,
    /// Not an ISO 3166-1 alpha-2 code.
    Country,
    /// Not an ISO 639 code.
    Language,
    /// Not in E.164 form (+ and 8 to 15 digits).
    Phone,
    Email,
    /// Not an http(s) address.
    Website,
    /// Not one of the listed values.
    Value,
    /// Not a number, a date or a yes/no as the column needs.
    Format,
    FutureDate,
    /// "mon 09:00-17:00; tue …", closing after opening.
    OpeningHours,
    /// A row with more or fewer cells than the header.
    Columns,
    /// The header is not the documented one.
    Header,
    /// The id is in the file twice.
    DuplicateId,
    /// Not UTF-8 text (a spreadsheet's other encodings): the characters
    /// would be damaged.
    Encoding,
    /// An organisation already in the map, in a row without the version
    /// it was exported at.
    VersionMissing,
    /// The organisation was changed in the map after the file was
    /// exported: importing the row would undo that change.
    ChangedSinceExport,
}

fn is_country(c: &str) -> bool {
    c.len() == 2 && c.bytes().all(|b| b.is_ascii_uppercase())
}

/// Country calling codes of the countries whose national numbers (with
/// their trunk prefix 0) are written into E.164 form. Others must be
/// written with their "+" code.
const CALLING_CODES: &[(&str, &str)] = &[
    ("AF", "93"),
    ("AL", "355"),
    ("AT", "43"),
    ("BE", "32"),
    ("BG", "359"),
    ("CH", "41"),
    ("CN", "86"),
    ("CO", "57"),
    ("DE", "49"),
    ("ER", "291"),
    ("ET", "251"),
    ("FR", "33"),
    ("GB", "44"),
    ("GH", "233"),
    ("HU", "36"),
    ("IR", "98"),
    ("MA", "212"),
    ("MK", "389"),
    ("NG", "234"),
    ("NL", "31"),
    ("PK", "92"),
    ("RO", "40"),
    ("RS", "381"),
    ("SE", "46"),
    ("SY", "963"),
    ("UA", "380"),
    ("UG", "256"),
    ("VN", "84"),
];

/// A telephone number as people write it ("+31 20 000 0000",
/// "0031-20-000 0000", "+31 (0)20 000 0000", "020 000 0000" in the
/// Netherlands) in E.164 form ("+31200000000") where that can be told;
/// otherwise as written, trimmed (the check then names it).
pub fn normalise_phone(number: &str, country: &str) -> String {
    let written = number.trim();
    if written.is_empty() {
        return String::new();
    }
    let without_trunk = written.replace("(0)", "");
    let mut digits = String::new();
    for (i, c) in without_trunk.trim().chars().enumerate() {
        match c {
            '+' if i == 0 => digits.push('+'),
            '0'..='9' => digits.push(c),
            ' ' | '\u{a0}' | '-' | '.' | '/' | '(' | ')' => {}
            _ => return written.to_string(),
        }
    }
    let e164 = if let Some(rest) = digits.strip_prefix("00") {
        format!("+{rest}")
    } else if let Some(national) = digits.strip_prefix('0') {
        match CALLING_CODES
            .iter()
            .find(|(c, _)| c.eq_ignore_ascii_case(country.trim()))
        {
            Some((_, code)) => format!("+{code}{national}"),
            None => return written.to_string(),
        }
    } else {
        digits
    };
    if is_e164(&e164) {
        e164
    } else {
        written.to_string()
    }
}

fn is_e164(n: &str) -> bool {
    n.strip_prefix('+').is_some_and(|d| {
        (8..=15).contains(&d.len()) && d.bytes().all(|b| b.is_ascii_digit()) && !d.starts_with('0')
    })
}

fn is_email(e: &str) -> bool {
    let mut parts = e.split('@');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(user), Some(host), None) => {
            !user.is_empty()
                && host.contains('.')
                && !host.starts_with('.')
                && !host.ends_with('.')
                && !e.contains(char::is_whitespace)
        }
        _ => false,
    }
}

// ---------- search ----------

/// A search of the map; empty parts match everything.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Query {
    pub country: Option<String>,
    pub city: Option<String>,
    pub service: Option<Service>,
    pub target_group: Option<TargetGroup>,
    pub language: Option<String>,
    pub text: String,
}

/// Lower case, without accents, for comparing what people type.
fn folded(s: &str) -> String {
    super::case::fold(s)
}

/// How well an entry matches the query's words: 0 when a word matches
/// nothing. Each word counts where it matches best — name or acronym 5,
/// local name 4, city or region 3, network 2, anything else written 1.
fn text_score(o: &Organisation, words: &[String]) -> u32 {
    let fields: [(&str, u32); 6] = [
        (&o.name, 5),
        (&o.acronym, 5),
        (&o.local_name, 4),
        (&o.city, 3),
        (&o.network, 2),
        (&o.referral_procedure, 1),
    ];
    let mut total = 0;
    for w in words {
        let best = fields
            .iter()
            .filter(|(text, _)| folded(text).contains(w.as_str()))
            .map(|(_, weight)| *weight)
            .chain(
                o.services
                    .iter()
                    .filter(|s| s.slug().replace('_', "").contains(w.as_str()))
                    .map(|_| 1),
            )
            .chain((folded(&o.eligibility).contains(w.as_str())).then_some(1))
            .max();
        match best {
            Some(b) => total += b,
            None => return 0,
        }
    }
    total
}

/// The entries that match, the best first; among equals the most recently
/// verified, then by name. Archived entries are never found.
pub fn search<'a>(entries: &'a [Organisation], q: &Query) -> Vec<&'a Organisation> {
    let words: Vec<String> = q
        .text
        .split_whitespace()
        .map(folded)
        .filter(|w| !w.is_empty())
        .collect();
    let mut found: Vec<(u32, &Organisation)> = entries
        .iter()
        .filter(|o| !o.archived)
        .filter(|o| {
            q.country
                .as_deref()
                .is_none_or(|c| o.country.eq_ignore_ascii_case(c))
        })
        .filter(|o| {
            q.city
                .as_deref()
                .is_none_or(|c| folded(&o.city) == folded(c))
        })
        .filter(|o| q.service.is_none_or(|s| o.services.contains(&s)))
        .filter(|o| q.target_group.is_none_or(|t| o.target_groups.contains(&t)))
        .filter(|o| {
            q.language
                .as_deref()
                .is_none_or(|l| o.languages.contains(l))
        })
        .filter_map(|o| {
            if words.is_empty() {
                Some((0, o))
            } else {
                let s = text_score(o, &words);
                (s > 0).then_some((s, o))
            }
        })
        .collect();
    found.sort_by(|(sa, a), (sb, b)| {
        sb.cmp(sa)
            .then(b.last_verified.cmp(&a.last_verified))
            .then(folded(&a.name).cmp(&folded(&b.name)))
            .then(a.id.cmp(&b.id))
    });
    found.into_iter().map(|(_, o)| o).collect()
}

// ---------- CSV ----------

/// The columns of the CSV exchange, in order (documented in
/// docs/SOCIAL_MAP.md). Lists are written with `|` between values;
/// yes/no columns as `yes` or `no`; dates as YYYY-MM-DD; opening hours as
/// `mon 09:00-17:00; tue 09:00-12:00`.
pub const COLUMNS: [&str; 34] = [
    "id",
    "name",
    "local_name",
    "acronym",
    "org_type",
    "network",
    "country",
    "region",
    "city",
    "address",
    "address_confidential",
    "services",
    "target_groups",
    "nationalities",
    "return_countries",
    "languages",
    "eligibility",
    "capacity_beds",
    "referral_procedure",
    "phone",
    "hotline",
    "email",
    "website",
    "secure_channel",
    "contact_role",
    "opening_hours",
    "emergency_availability",
    "cost",
    "visibility",
    "verified_by",
    "last_verified",
    "source",
    "unverified",
    "archived",
];

fn yes_no(b: bool) -> &'static str {
    if b {
        "yes"
    } else {
        "no"
    }
}

fn list<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    items.into_iter().collect::<Vec<_>>().join("|")
}

fn day_slug(d: Weekday) -> &'static str {
    match d {
        Weekday::Mon => "mon",
        Weekday::Tue => "tue",
        Weekday::Wed => "wed",
        Weekday::Thu => "thu",
        Weekday::Fri => "fri",
        Weekday::Sat => "sat",
        Weekday::Sun => "sun",
    }
}

/// Opening hours as written in the CSV: `mon 09:00-17:00; tue …`.
pub fn hours_text(hours: &[Opening]) -> String {
    hours
        .iter()
        .map(|o| {
            format!(
                "{} {}-{}",
                day_slug(o.day),
                o.from.format("%H:%M"),
                o.to.format("%H:%M")
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn parse_hours(text: &str) -> Option<Vec<Opening>> {
    text.split(';')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (day, times) = p.split_once(' ')?;
            let day = [
                Weekday::Mon,
                Weekday::Tue,
                Weekday::Wed,
                Weekday::Thu,
                Weekday::Fri,
                Weekday::Sat,
                Weekday::Sun,
            ]
            .into_iter()
            .find(|d| day_slug(*d) == day.trim())?;
            let (from, to) = times.trim().split_once('-')?;
            Some(Opening {
                day,
                from: NaiveTime::parse_from_str(from.trim(), "%H:%M").ok()?,
                to: NaiveTime::parse_from_str(to.trim(), "%H:%M").ok()?,
            })
        })
        .collect()
}

/// An entry's cells, in the order of [`COLUMNS`].
pub fn row(o: &Organisation) -> [String; 34] {
    [
        o.id.clone(),
        o.name.clone(),
        o.local_name.clone(),
        o.acronym.clone(),
        o.org_type.map(|t| t.slug().to_string()).unwrap_or_default(),
        o.network.clone(),
        o.country.clone(),
        o.region.clone(),
        o.city.clone(),
        o.address.clone(),
        yes_no(o.address_confidential).into(),
        list(o.services.iter().map(|s| s.slug())),
        list(o.target_groups.iter().map(|s| s.slug())),
        list(o.nationalities.iter().map(String::as_str)),
        list(o.return_countries.iter().map(String::as_str)),
        list(o.languages.iter().map(String::as_str)),
        o.eligibility.clone(),
        o.capacity_beds.map(|n| n.to_string()).unwrap_or_default(),
        o.referral_procedure.clone(),
        o.phone.clone(),
        o.hotline.clone(),
        o.email.clone(),
        o.website.clone(),
        o.secure_channel.clone(),
        o.contact_role.clone(),
        hours_text(&o.opening_hours),
        yes_no(o.emergency_availability).into(),
        o.cost.slug().into(),
        o.visibility.slug().into(),
        o.verified_by.clone(),
        o.last_verified
            .map(|d| d.format("%Y-%m-%d").to_string())
            .unwrap_or_default(),
        o.source.clone(),
        list(o.unverified.iter().map(String::as_str)),
        yes_no(o.archived).into(),
    ]
}

/// The exchange file's last column, after [`COLUMNS`]: the version each
/// entry had when the file was exported (empty for a new organisation).
/// An import refuses a row whose organisation was changed since, so that
/// an older file cannot undo later edits.
pub const VERSION_COLUMN: &str = "version";

/// The entries with their versions (0: none yet) as CSV, one row each in
/// the order given.
pub fn to_csv(entries: &[(Organisation, i64)]) -> String {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    // Writing to memory cannot fail.
    let _ = w.write_record(COLUMNS.iter().copied().chain([VERSION_COLUMN]));
    for (o, version) in entries {
        let version = if *version > 0 {
            version.to_string()
        } else {
            String::new()
        };
        // Cells a spreadsheet would read as formulas are written as text.
        let cells = row(o)
            .into_iter()
            .map(|c| super::spreadsheet::neutralise(&c).into_owned());
        let _ = w.write_record(cells.chain([version]));
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// An entry as form fields, one per CSV column, written as in the CSV.
pub fn to_fields(o: &Organisation) -> BTreeMap<String, String> {
    COLUMNS
        .iter()
        .zip(row(o))
        .map(|(c, v)| (c.to_string(), v))
        .collect()
}

/// Reads an entry from form fields named like the CSV columns and written
/// as in the CSV; a form's check boxes `services.<slug>` and
/// `target_groups.<slug>` add to their lists. Every problem is named by
/// its column.
pub fn from_fields(
    f: &BTreeMap<String, String>,
    today: NaiveDate,
) -> Result<Organisation, Vec<(&'static str, EntryProblem)>> {
    let cells: Vec<String> = COLUMNS
        .iter()
        .map(|c| match *c {
            "services" | "target_groups" => {
                let prefix = format!("{c}.");
                let mut items: Vec<&str> = f
                    .get(*c)
                    .map(|v| v.split('|').collect())
                    .unwrap_or_default();
                items.extend(f.keys().filter_map(|k| k.strip_prefix(prefix.as_str())));
                list(items)
            }
            _ => f.get(*c).cloned().unwrap_or_default(),
        })
        .collect();
    let refs: Vec<&str> = cells.iter().map(String::as_str).collect();
    let (entry, problems) = entry_of(&refs, today);
    if problems.is_empty() {
        Ok(entry)
    } else {
        Err(problems)
    }
}

/// The columns in which two entries differ.
pub fn changed_columns(a: &Organisation, b: &Organisation) -> Vec<&'static str> {
    COLUMNS
        .iter()
        .zip(row(a).iter().zip(row(b).iter()))
        .filter(|(_, (x, y))| x != y)
        .map(|(c, _)| *c)
        .collect()
}

impl Organisation {
    /// An editor confirms every field today: verified by them (a role and
    /// organisation, not a person's name), nothing left unverified.
    pub fn verify(&mut self, by: &str, today: NaiveDate) {
        self.verified_by = by.to_string();
        self.last_verified = Some(today);
        self.unverified.clear();
    }
}

// ---------- who may do what ----------

/// What can be done with the social map.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MapAction {
    /// Search and read entries.
    Read,
    /// Suggest a new entry or a correction, for an editor to accept.
    Suggest,
    /// Create, edit, verify and archive entries; accept or reject
    /// suggestions.
    Edit,
    /// Export and import the whole map as CSV.
    Exchange,
}

/// May a user with `role` (and designated an editor of the map, or not)
/// do `action`? Every signed-in user reads and suggests; admins and
/// designated editors change the map.
pub fn may(role: super::Role, editor: bool, action: MapAction) -> bool {
    match action {
        MapAction::Read | MapAction::Suggest => true,
        MapAction::Edit | MapAction::Exchange => editor || role == super::Role::Admin,
    }
}

/// A problem of an imported file: the row (1 is the header) and column.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowProblem {
    pub row: usize,
    pub column: String,
    pub problem: EntryProblem,
}

/// A row of an exchange file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportRow {
    /// Its number in the file (1 is the header).
    pub row: usize,
    pub entry: Organisation,
    /// The entry's version when the file was exported; `None` for a new
    /// organisation.
    pub version: Option<i64>,
}

/// Reads a CSV of entries. Every problem of every row is reported; a file
/// with any problem gives no entries at all (nothing is half-imported).
pub fn from_csv(text: &str, today: NaiveDate) -> Result<Vec<ImportRow>, Vec<RowProblem>> {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut problems = Vec::new();
    let mut entries = Vec::new();
    let mut ids = BTreeSet::new();
    for (i, record) in r.records().enumerate() {
        let row = i + 1;
        let record = match record {
            Ok(r) => r,
            Err(_) => {
                problems.push(RowProblem {
                    row,
                    column: String::new(),
                    problem: EntryProblem::Format,
                });
                continue;
            }
        };
        if row == 1 {
            if record
                .iter()
                .map(str::trim)
                .ne(COLUMNS.iter().copied().chain([VERSION_COLUMN]))
            {
                problems.push(RowProblem {
                    row,
                    column: String::new(),
                    problem: EntryProblem::Header,
                });
                return Err(problems);
            }
            continue;
        }
        if record.len() != COLUMNS.len() + 1 {
            problems.push(RowProblem {
                row,
                column: String::new(),
                problem: EntryProblem::Columns,
            });
            continue;
        }
        let cells: Vec<&str> = record.iter().map(super::spreadsheet::restore).collect();
        let (entry, mut found) = entry_of(&cells, today);
        let version = match cells[COLUMNS.len()].trim() {
            "" => None,
            v => match v.parse::<i64>() {
                Ok(n) if n > 0 => Some(n),
                _ => {
                    found.push((VERSION_COLUMN, EntryProblem::Format));
                    None
                }
            },
        };
        // A file saved in another encoding and read as UTF-8 has
        // replacement characters where its accented letters were.
        for (column, cell) in COLUMNS.iter().zip(&cells) {
            if cell.contains('\u{FFFD}') {
                found.push((column, EntryProblem::Encoding));
            }
        }
        if !entry.id.is_empty() && !ids.insert(entry.id.clone()) {
            found.push(("id", EntryProblem::DuplicateId));
        }
        problems.extend(found.into_iter().map(|(column, problem)| RowProblem {
            row,
            column: column.to_string(),
            problem,
        }));
        entries.push(ImportRow {
            row,
            entry,
            version,
        });
    }
    if problems.is_empty() {
        Ok(entries)
    } else {
        Err(problems)
    }
}

/// One row's entry and everything wrong with it.
fn entry_of(c: &[&str], today: NaiveDate) -> (Organisation, Vec<(&'static str, EntryProblem)>) {
    let mut bad: Vec<(&'static str, EntryProblem)> = Vec::new();
    let cell = |name: &str| -> String {
        let i = COLUMNS.iter().position(|c| *c == name).unwrap_or(0);
        c.get(i).map(|s| s.trim().to_string()).unwrap_or_default()
    };
    let items = |name: &str| -> Vec<String> {
        cell(name)
            .split('|')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect()
    };
    let flag = |name: &'static str, bad: &mut Vec<_>| -> bool {
        match cell(name).as_str() {
            "yes" => true,
            "no" | "" => false,
            _ => {
                bad.push((name, EntryProblem::Format));
                false
            }
        }
    };
    let mut o = Organisation::new(&cell("id"), &cell("name"), &cell("country"), &cell("city"));
    o.local_name = cell("local_name");
    o.acronym = cell("acronym");
    let org_type = cell("org_type");
    if !org_type.is_empty() {
        o.org_type = OrgType::from_slug(&org_type);
        if o.org_type.is_none() {
            bad.push(("org_type", EntryProblem::Value));
        }
    }
    o.network = cell("network");
    o.region = cell("region");
    o.address = cell("address");
    o.address_confidential = flag("address_confidential", &mut bad);
    for s in items("services") {
        match Service::from_slug(&s) {
            Some(s) => {
                o.services.insert(s);
            }
            None => bad.push(("services", EntryProblem::Value)),
        }
    }
    for s in items("target_groups") {
        match TargetGroup::from_slug(&s) {
            Some(s) => {
                o.target_groups.insert(s);
            }
            None => bad.push(("target_groups", EntryProblem::Value)),
        }
    }
    o.nationalities = items("nationalities").into_iter().collect();
    o.return_countries = items("return_countries").into_iter().collect();
    o.languages = items("languages").into_iter().collect();
    o.eligibility = cell("eligibility");
    let beds = cell("capacity_beds");
    if !beds.is_empty() {
        o.capacity_beds = beds.parse().ok();
        if o.capacity_beds.is_none() {
            bad.push(("capacity_beds", EntryProblem::Format));
        }
    }
    o.referral_procedure = cell("referral_procedure");
    // Stored in E.164 form where the written form allows it.
    o.phone = normalise_phone(&cell("phone"), &cell("country"));
    o.hotline = normalise_phone(&cell("hotline"), &cell("country"));
    o.email = cell("email");
    o.website = cell("website");
    o.secure_channel = cell("secure_channel");
    o.contact_role = cell("contact_role");
    match parse_hours(&cell("opening_hours")) {
        Some(h) => o.opening_hours = h,
        None => bad.push(("opening_hours", EntryProblem::OpeningHours)),
    }
    o.emergency_availability = flag("emergency_availability", &mut bad);
    let cost = cell("cost");
    o.cost = if cost.is_empty() {
        Cost::Unknown
    } else {
        Cost::from_slug(&cost).unwrap_or_else(|| {
            bad.push(("cost", EntryProblem::Value));
            Cost::Unknown
        })
    };
    let visibility = cell("visibility");
    o.visibility = if visibility.is_empty() {
        Visibility::Public
    } else {
        Visibility::from_slug(&visibility).unwrap_or_else(|| {
            bad.push(("visibility", EntryProblem::Value));
            Visibility::PartnersOnly
        })
    };
    o.verified_by = cell("verified_by");
    let verified = cell("last_verified");
    if !verified.is_empty() {
        o.last_verified = NaiveDate::parse_from_str(&verified, "%Y-%m-%d").ok();
        if o.last_verified.is_none() {
            bad.push(("last_verified", EntryProblem::Format));
        }
    }
    o.source = cell("source");
    o.unverified = items("unverified").into_iter().collect();
    o.archived = flag("archived", &mut bad);
    if o.id.is_empty() {
        bad.push(("id", EntryProblem::Required));
    } else if !o
        .id
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        // It names the entry's page: lower-case letters, digits and dashes.
        bad.push(("id", EntryProblem::Value));
    }
    bad.extend(o.problems(today));
    (o, bad)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Text as people type it: commas, quotes, pipes, line breaks, other
    /// scripts; without surrounding spaces (cells are read trimmed).
    fn typed() -> impl Strategy<Value = String> {
        "[a-zA-Z0-9 ,;|\"'\n\u{e9}\u{f6}\u{627}-\u{64a}\u{4e00}-\u{4e10}]{0,40}"
            .prop_map(|s| s.trim().to_string())
    }

    proptest! {
        /// Whatever the text, an export imports as the same record.
        #[test]
        fn any_text_survives_the_csv(
            name in typed().prop_filter("a name", |s| !s.is_empty()),
            local in typed(),
            referral in typed(),
            eligibility in typed(),
            beds in proptest::option::of(0u32..500),
            services in proptest::collection::btree_set(proptest::sample::select(Service::ALL), 0..5),
        ) {
            let mut o = Organisation::new("p-1", &name, "NG", "Lagos");
            o.local_name = local;
            o.referral_procedure = referral;
            o.eligibility = eligibility;
            o.capacity_beds = beds;
            o.services = services;
            let today = NaiveDate::from_ymd_opt(2026, 11, 29).unwrap();
            let rows = from_csv(&to_csv(&[(o.clone(), 3)]), today);
            prop_assert_eq!(rows, Ok(vec![ImportRow { row: 2, entry: o, version: Some(3) }]));
        }
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 29).unwrap()
    }

    fn cosudow() -> Organisation {
        let mut o = Organisation::new("ng-cosudow", "COSUDOW", "NG", "Benin City");
        o.local_name = "Committee for the Support of the Dignity of Women".into();
        o.org_type = Some(OrgType::Ngo);
        o.services = [Service::ShelterShort, Service::Reintegration]
            .into_iter()
            .collect();
        o.target_groups = [TargetGroup::Women, TargetGroup::Returnees]
            .into_iter()
            .collect();
        o.languages = ["en".to_string(), "bin".to_string()].into_iter().collect();
        o.phone = "+2348000000000".into();
        o.opening_hours = parse_hours("mon 09:00-17:00; fri 09:00-13:00").unwrap();
        o.referral_procedure = "Through IOM Nigeria, with the client's consent".into();
        o.last_verified = NaiveDate::from_ymd_opt(2026, 6, 1);
        o.source = "domain.md §10.2".into();
        o.unverified = ["phone".to_string()].into_iter().collect();
        o
    }

    fn idia() -> Organisation {
        let mut o = Organisation::new("ng-idia", "Idia Renaissance", "NG", "Benin City");
        o.services = [Service::VocationalTraining].into_iter().collect();
        o.languages = ["en".to_string()].into_iter().collect();
        o
    }

    #[test]
    fn the_edit_form_gives_back_the_entry_and_names_every_bad_field() {
        for o in [cosudow(), idia()] {
            assert_eq!(from_fields(&to_fields(&o), today()), Ok(o.clone()));
        }
        // Check boxes add to the lists.
        let mut f = to_fields(&Organisation::new("x1", "X", "NG", "Benin City"));
        f.insert("services.shelter_short".into(), "on".into());
        f.insert("services.legal_aid".into(), "on".into());
        f.insert("target_groups.women".into(), "on".into());
        let o = from_fields(&f, today()).unwrap();
        assert_eq!(
            o.services,
            BTreeSet::from([Service::ShelterShort, Service::LegalAid])
        );
        assert_eq!(o.target_groups, BTreeSet::from([TargetGroup::Women]));
        f.insert("country".into(), "Nigeria".into());
        f.insert("email".into(), "not an address".into());
        f.insert("services.flying".into(), "on".into());
        let columns: Vec<_> = from_fields(&f, today())
            .unwrap_err()
            .into_iter()
            .map(|(c, _)| c)
            .collect();
        assert_eq!(columns, ["services", "country", "email"]);
    }

    #[test]
    fn changes_are_named_by_column_and_verifying_clears_the_unverified() {
        let a = cosudow();
        let mut b = a.clone();
        assert!(changed_columns(&a, &b).is_empty());
        b.phone = "+2348011112222".into();
        b.unverified.insert("phone".into());
        b.verify("Editor, CoMensha", today());
        assert_eq!(
            changed_columns(&a, &b),
            ["phone", "verified_by", "last_verified"]
                .into_iter()
                .chain((!a.unverified.is_empty()).then_some("unverified"))
                .collect::<Vec<_>>()
        );
        assert!(b.unverified.is_empty());
        assert!(!b.stale(today()));
    }

    #[test]
    fn everyone_reads_and_suggests_only_admins_and_editors_change_the_map() {
        use super::super::Role;
        for role in [
            Role::Counsellor,
            Role::ReturnOfficer,
            Role::Supervisor,
            Role::Admin,
        ] {
            for editor in [false, true] {
                assert!(may(role, editor, MapAction::Read));
                assert!(may(role, editor, MapAction::Suggest));
                let changes = editor || role == Role::Admin;
                assert_eq!(
                    may(role, editor, MapAction::Edit),
                    changes,
                    "{role:?} {editor}"
                );
                assert_eq!(may(role, editor, MapAction::Exchange), changes);
            }
        }
    }

    #[test]
    fn an_export_imports_as_the_same_records_with_their_versions() {
        let text = to_csv(&[(cosudow(), 4), (idia(), 0)]);
        assert!(text.starts_with("id,name,"));
        assert!(text.lines().next().unwrap().ends_with(",archived,version"));
        assert_eq!(
            from_csv(&text, today()),
            Ok(vec![
                ImportRow {
                    row: 2,
                    entry: cosudow(),
                    version: Some(4)
                },
                ImportRow {
                    row: 3,
                    entry: idia(),
                    version: None
                },
            ])
        );
    }

    #[test]
    fn every_bad_row_is_reported_and_nothing_is_imported() {
        let mut text = to_csv(&[(cosudow(), 2)]);
        text.push_str("x1,,,,spaceship,,Nigeria,,Lagos,,maybe,shelter_short|teleport,,,,EN,,-3,,0800,,a@b,www.x.org,,,mon 17:00-09:00,no,free,public,,2099-01-01,,,no,two\r\n");
        text.push_str("ng-cosudow,Again,,,,,NG,,,,no,,,,,,,,,,,,,,,,no,free,public,,,,,no,-1\r\n");
        text.push_str("short,row\r\n");
        let problems = from_csv(&text, today()).unwrap_err();
        let at = |row: usize| -> Vec<(String, EntryProblem)> {
            problems
                .iter()
                .filter(|p| p.row == row)
                .map(|p| (p.column.clone(), p.problem))
                .collect()
        };
        let row3 = at(3);
        for (column, problem) in [
            ("name", EntryProblem::Required),
            ("org_type", EntryProblem::Value),
            ("country", EntryProblem::Country),
            ("address_confidential", EntryProblem::Format),
            ("services", EntryProblem::Value),
            ("languages", EntryProblem::Language),
            ("capacity_beds", EntryProblem::Format),
            ("phone", EntryProblem::Phone),
            ("email", EntryProblem::Email),
            ("website", EntryProblem::Website),
            ("last_verified", EntryProblem::FutureDate),
            ("opening_hours", EntryProblem::OpeningHours),
            ("version", EntryProblem::Format),
        ] {
            assert!(
                row3.contains(&(column.to_string(), problem)),
                "{column} {problem:?} in {row3:?}"
            );
        }
        assert_eq!(
            at(4),
            vec![
                ("version".to_string(), EntryProblem::Format),
                ("id".to_string(), EntryProblem::DuplicateId)
            ]
        );
        assert_eq!(at(5), vec![(String::new(), EntryProblem::Columns)]);
        assert!(at(2).is_empty(), "the good row has no problem");
    }

    #[test]
    fn a_file_with_another_header_is_refused_at_once() {
        let header_only = vec![RowProblem {
            row: 1,
            column: String::new(),
            problem: EntryProblem::Header,
        }];
        let problems = from_csv("name,city\r\nX,Y\r\n", today()).unwrap_err();
        assert_eq!(problems, header_only);
        // A file without the version column cannot say what it would undo.
        let without_versions = to_csv(&[(cosudow(), 1)])
            .lines()
            .map(|l| l.rsplit_once(',').unwrap().0.to_string() + "\r\n")
            .collect::<String>();
        assert_eq!(from_csv(&without_versions, today()), Err(header_only));
    }

    #[test]
    fn search_filters_and_ranks() {
        let mut archived = idia();
        archived.id = "old".into();
        archived.archived = true;
        let mut kok = Organisation::new("de-kok", "KOK e.V.", "DE", "Berlin");
        kok.services = [Service::Coordination].into_iter().collect();
        kok.languages = ["de".to_string(), "en".to_string()].into_iter().collect();
        let entries = vec![idia(), cosudow(), archived, kok];
        let ids = |q: &Query| -> Vec<String> {
            search(&entries, q).iter().map(|o| o.id.clone()).collect()
        };
        // Facets: service, country, language.
        let q = Query {
            service: Some(Service::ShelterShort),
            country: Some("ng".into()),
            language: Some("en".into()),
            ..Default::default()
        };
        assert_eq!(ids(&q), vec!["ng-cosudow"]);
        // Free text: accents and case do not matter; a name match ranks
        // above a city match; every word must match somewhere.
        let q = Query {
            text: "benin".into(),
            ..Default::default()
        };
        assert_eq!(
            ids(&q),
            vec!["ng-cosudow", "ng-idia"],
            "same score: verified first"
        );
        let q = Query {
            text: "IDIA benin".into(),
            ..Default::default()
        };
        assert_eq!(ids(&q), vec!["ng-idia"]);
        let q = Query {
            text: "kök".into(),
            ..Default::default()
        };
        assert_eq!(ids(&q), vec!["de-kok"]);
        // Archived entries are never found.
        assert!(!ids(&Query::default()).contains(&"old".to_string()));
    }

    #[test]
    fn entries_not_verified_for_a_year_are_flagged() {
        let mut o = cosudow();
        assert!(!o.stale(today()));
        o.last_verified = NaiveDate::from_ymd_opt(2025, 11, 28);
        assert!(o.stale(today()));
        o.last_verified = None;
        assert!(o.stale(today()), "never verified");
    }

    #[test]
    fn phones_are_taken_as_people_write_them_and_kept_in_e164() {
        for (written, country, stored) in [
            ("+31 20 000 0000", "NL", "+31200000000"),
            ("+31 (0)20 000 0000", "NL", "+31200000000"),
            ("0031-20-000 0000", "", "+31200000000"),
            ("020 000 0000", "NL", "+31200000000"),
            ("0803 123 4567", "NG", "+2348031234567"),
            ("+234 803 123 4567", "NG", "+2348031234567"),
            ("(020) 000-0000", "NL", "+31200000000"),
        ] {
            assert_eq!(normalise_phone(written, country), stored, "{written}");
        }
        // What cannot be told is kept as written, and the check names it.
        for (written, country) in [
            ("020 000 0000", "XX"),
            ("call the office", "NL"),
            ("+0 12", "NL"),
        ] {
            assert_eq!(normalise_phone(written, country), written);
        }
        assert_eq!(normalise_phone("  ", "NL"), "");
    }

    #[test]
    fn phones_are_e164_and_roles_not_names() {
        assert!(is_e164("+31201234567"));
        assert!(!is_e164("020 123 4567"));
        assert!(!is_e164("+0201234567"));
        let mut o = idia();
        o.hotline = "+31800 1234".into();
        assert_eq!(o.problems(today()), vec![("hotline", EntryProblem::Phone)]);
    }
}
