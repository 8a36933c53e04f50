//! The case file: the sections a counselling session fills in, each a
//! typed value parsed from the step's form fields and written back to them.
//!
//! Each section is stored on its own, with its own version, so two people
//! editing different sections never get in each other's way. Derived
//! things (the ILO result, the budget's totals, the dated milestones, the
//! progress) are never stored in a section: they are computed from the
//! sections by the rules, in the browser as one types and on the server.

use super::case::{Birth, Client, Dependant, Gender, RELATIONS};
use super::consent::{Consent, Purpose};
use super::fields::{FieldError, Fields, Problem, Reader, Writer};
use super::milestones::MilestoneStatus;
use super::money::{Currency, Money};
use super::options::{Choice, Decision, Feasibility, FutureOption, OptionNotes};
use super::policy::Section;
use super::reintegration::{Form, PersonKind, SupportCategory, SupportLine};
use super::risk::{Assessment, FactorLevel, Mitigation, Risk};
use super::screening::{
    IloList, Judgement, Observation, Referral, ReflectionPeriod, Source, StatusRecord,
    TraffickingStatus,
};
use super::travel::StepStatus;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// The steps of a session, in the order of domain.md §3. Every step but
/// the review edits one section.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    FirstContact,
    Consent,
    Identification,
    Options,
    Decision,
    Risk,
    Reintegration,
    Travel,
    Milestones,
    Review,
}

impl Step {
    pub const ALL: [Step; 10] = [
        Step::FirstContact,
        Step::Consent,
        Step::Identification,
        Step::Options,
        Step::Decision,
        Step::Risk,
        Step::Reintegration,
        Step::Travel,
        Step::Milestones,
        Step::Review,
    ];

    /// The step's name in addresses (`/cases/K7…/risk`).
    pub fn slug(self) -> &'static str {
        match self {
            Step::FirstContact => "first-contact",
            Step::Consent => "consent",
            Step::Identification => "identification",
            Step::Options => "options",
            Step::Decision => "decision",
            Step::Risk => "risk",
            Step::Reintegration => "reintegration",
            Step::Travel => "travel",
            Step::Milestones => "milestones",
            Step::Review => "review",
        }
    }

    pub fn from_slug(slug: &str) -> Option<Step> {
        Step::ALL.into_iter().find(|s| s.slug() == slug)
    }

    /// The section the step edits.
    pub fn section(self) -> Option<Section> {
        Some(match self {
            Step::FirstContact => Section::Client,
            Step::Consent => Section::Consent,
            Step::Identification => Section::Screening,
            Step::Options => Section::Options,
            Step::Decision => Section::Decision,
            Step::Risk => Section::Risk,
            Step::Reintegration => Section::Reintegration,
            Step::Travel => Section::Travel,
            Step::Milestones => Section::Milestones,
            Step::Review => return None,
        })
    }

    /// Steps that only apply once the client has chosen return.
    pub fn return_track_only(self) -> bool {
        matches!(self, Step::Risk | Step::Reintegration | Step::Travel)
    }
}

/// A section's name as stored and posted.
pub fn section_slug(section: Section) -> &'static str {
    match section {
        Section::Client => "client",
        Section::Consent => "consent",
        Section::Screening => "screening",
        Section::Options => "options",
        Section::Decision => "decision",
        Section::Risk => "risk",
        Section::Reintegration => "reintegration",
        Section::Travel => "travel",
        Section::Milestones => "milestones",
    }
}

pub fn section_from_slug(slug: &str) -> Option<Section> {
    Section::ALL.into_iter().find(|s| section_slug(*s) == slug)
}

/// S0: first contact and safety.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FirstContact {
    pub client: Client,
    pub first_contact_on: Option<NaiveDate>,
    pub referral_source: String,
    pub immediate_danger: Option<bool>,
    pub urgent_medical: Option<bool>,
    /// Who came with the client (a "companion" may be a controller).
    pub companion: String,
    pub notes: String,
    /// Whether the client is a victim of trafficking, as a person decided
    /// (apart from the screening, which only suggests).
    #[serde(default)]
    pub trafficking: StatusRecord,
}

impl Default for FirstContact {
    fn default() -> Self {
        FirstContact {
            client: Client {
                alias: String::new(),
                birth: Birth::Unknown,
                gender: Gender::Unknown,
                nationality: None,
                languages: Vec::new(),
                accompanying_children: None,
                interpreter_needed: None,
                dependants: Vec::new(),
            },
            first_contact_on: None,
            referral_source: String::new(),
            immediate_danger: None,
            urgent_medical: None,
            companion: String::new(),
            notes: String::new(),
            trafficking: StatusRecord::default(),
        }
    }
}

/// S1: consents, one record per purpose and recipient.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentRecords {
    pub records: Vec<Consent>,
}

impl ConsentRecords {
    /// Who explained a consent is not for a form to say: a record that was
    /// there before keeps its explainer, a new one gets `user_id`.
    pub fn settle_explainers(&mut self, before: &ConsentRecords, user_id: &str) {
        for c in &mut self.records {
            c.explained_by = before
                .records
                .iter()
                .find(|b| {
                    b.purpose == c.purpose && b.given_at == c.given_at && b.language == c.language
                })
                .map(|b| b.explained_by.clone())
                .unwrap_or_else(|| user_id.to_string());
        }
    }
}

/// S2: identification screening.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScreeningRecord {
    pub list: IloList,
    pub observations: Vec<Observation>,
    pub judgement: Option<Judgement>,
    pub referral: Option<Referral>,
    pub reflection: Option<ReflectionPeriod>,
    pub notes: String,
    /// The version of the ILO indicator list the observations were last
    /// saved against (`None`: saved before lists could be loaded, against
    /// the built-in one). The server sets it on each save.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub catalogue: Option<String>,
}

impl ScreeningRecord {
    /// The indicator list the observations were last saved against, when
    /// it is not `in_use` and there are observations to go through again.
    pub fn saved_against_another_list<'a>(
        &'a self,
        in_use: &str,
        built_in: &'a str,
    ) -> Option<&'a str> {
        let saved = self.catalogue.as_deref().unwrap_or(built_in);
        (saved != in_use && !self.observations.is_empty()).then_some(saved)
    }
}

impl Default for ScreeningRecord {
    fn default() -> Self {
        ScreeningRecord {
            list: IloList::AdultLabour,
            observations: Vec::new(),
            judgement: None,
            referral: None,
            reflection: None,
            notes: String::new(),
            catalogue: None,
        }
    }
}

/// S3: the options talked through (one entry per option, in
/// [`FutureOption::ALL`] order).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OptionsTalk {
    pub notes: Vec<OptionNotes>,
}

impl Default for OptionsTalk {
    fn default() -> Self {
        OptionsTalk {
            notes: FutureOption::ALL
                .into_iter()
                .map(|option| OptionNotes {
                    option,
                    wishes: String::new(),
                    fears: String::new(),
                    legal_prerequisites: String::new(),
                    feasibility: Feasibility::Unknown,
                    information_given: Vec::new(),
                })
                .collect(),
        }
    }
}

/// S4: the decision, once there is one.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecisionRecord {
    pub decision: Option<Decision>,
}

/// A sign-off by a person on a date.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignOff {
    pub by: String,
    pub on: NaiveDate,
    /// What the person said with it (required when declining).
    #[serde(default)]
    pub comment: String,
}

/// S5: the pre-return risk assessment and its sign-offs.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RiskRecord {
    pub assessment: Option<Assessment>,
    /// The partner in origin confirmed the mitigations (recorded by the
    /// counsellor, with the partner's name).
    pub origin_partner: String,
    pub origin_confirmed_on: Option<NaiveDate>,
    pub approval_requested_on: Option<NaiveDate>,
    /// Who asked for the approval (a user id).
    #[serde(default)]
    pub approval_requested_by: Option<String>,
    /// Given by a supervisor for exactly this assessment; any change to
    /// the risks clears it (not a form field).
    pub supervisor_approval: Option<SignOff>,
    /// A supervisor declined to approve this assessment, and why; the
    /// counsellor may change the plan and ask again.
    #[serde(default)]
    pub supervisor_refusal: Option<SignOff>,
    /// The last date a new threat against the client was learnt of.
    pub last_threat_on: Option<NaiveDate>,
    /// Sign-offs a change to the risks cleared: they were given for the
    /// earlier assessment and must be asked for again (not a form field).
    #[serde(default)]
    pub cleared: Option<ClearedSignOffs>,
}

/// What a change to the risks took away: the sign-offs given for the
/// assessment as it stood before.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClearedSignOffs {
    /// The day of the change.
    pub on: NaiveDate,
    /// The supervisor's approval was cleared.
    pub approval: bool,
    /// The origin partner's confirmation was cleared.
    pub origin: bool,
}

/// S6–S7: programme, household and support budget.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReintegrationPlan {
    pub programme_id: Option<String>,
    /// A second programme the plan combines with the first (e.g. the REAN
    /// cash allowance beside in-kind support); lines say which they are
    /// charged to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub combined_programme_id: Option<String>,
    pub household: Vec<PersonKind>,
    pub lines: Vec<SupportLine>,
    pub goals: String,
    /// Registered for reintegration support (e.g. in RIAT), and when.
    pub registered_on: Option<NaiveDate>,
    /// Referrals to organisations of the social map (not form fields:
    /// changed one at a time, see [`super::referral`]).
    #[serde(default)]
    pub referrals: Vec<super::referral::Referral>,
    /// A supervisor's acceptance of the budget as it stood, while a cap it
    /// is checked against is unknown (not a form field: see
    /// [`CaseFile::accept_budget`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cap_acceptance: Option<CapAcceptance>,
}

/// A supervisor accepted a budget checked against an unknown cap: who,
/// when, why, and the budget exactly as accepted (any change to the
/// programme, the household or a line makes it another budget, to be
/// accepted again).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CapAcceptance {
    pub by: String,
    pub on: NaiveDate,
    pub comment: String,
    pub programme_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub combined_programme_id: Option<String>,
    pub household: Vec<PersonKind>,
    pub lines: Vec<SupportLine>,
}

/// The state of one travel step or milestone as the plan records it; its
/// title, owner and default date come from the catalogue.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemState<S> {
    pub status: S,
    /// Set by hand (otherwise the catalogue's date is used).
    pub due: Option<NaiveDate>,
    pub evidence: Option<String>,
}

/// S9: travel.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TravelPlan {
    /// The IOM mission that will take the plan over.
    pub mission_id: Option<String>,
    /// ISO 3166-1 alpha-2 of the country of return.
    pub destination: Option<String>,
    pub planned_departure: Option<NaiveDate>,
    /// Escort, medical or other travel needs.
    pub needs: String,
    /// Names and numbers the client should carry (reception on arrival,
    /// hotlines), one per line: printed on the client's copy.
    #[serde(default)]
    pub contacts: String,
    pub steps: BTreeMap<String, ItemState<StepStatus>>,
}

/// Milestones as edited by hand (see [`super::milestones`]).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MilestonePlan {
    pub items: BTreeMap<String, ItemState<MilestoneStatus>>,
    /// The due date each settled (done or set aside) milestone had when it
    /// was settled, counted from the plan as it stood then: kept when the
    /// anchors move later (not a form field; see
    /// [`CaseFile::settled_dates`]).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub settled_due: BTreeMap<String, NaiveDate>,
    /// The follow-up contacts after return, as recorded on their own screen
    /// (not form fields of the milestones step: a save of the step keeps
    /// them; see [`CaseFile::record_follow_up`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub follow_ups: Vec<super::follow_up::FollowUpContact>,
}

/// All sections of a case, as last saved.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseFile {
    /// The IOM mission holding the plan now (an active handover), set by
    /// the server from the handovers; not a section, never saved with one.
    #[serde(default)]
    pub handed_over_to: Option<String>,
    /// Its pauses, withdrawal and closure, set by the server from the
    /// case; not a section, never saved with one.
    #[serde(default)]
    pub lifecycle: super::lifecycle::Lifecycle,
    pub first_contact: FirstContact,
    pub consent: ConsentRecords,
    pub screening: ScreeningRecord,
    pub options: OptionsTalk,
    pub decision: DecisionRecord,
    pub risk: RiskRecord,
    pub reintegration: ReintegrationPlan,
    pub travel: TravelPlan,
    pub milestones: MilestonePlan,
}

/// What parsing needs besides the fields.
#[derive(Clone, Debug)]
pub struct ParseContext<'a> {
    pub today: NaiveDate,
    /// Who is entering it (recorded as having explained a consent).
    pub user_id: &'a str,
    /// The currency of the plan's programme.
    pub currency: Currency,
}

// ---------- choices as they appear in forms ----------

pub const YES_NO: [(&str, bool); 2] = [("yes", true), ("no", false)];

pub const GENDERS: [(&str, Gender); 4] = [
    ("female", Gender::Female),
    ("male", Gender::Male),
    ("other", Gender::Other),
    ("unknown", Gender::Unknown),
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BirthKind {
    Unknown,
    Date,
    Year,
    AgeBand,
}

pub const BIRTH_KINDS: [(&str, BirthKind); 4] = [
    ("unknown", BirthKind::Unknown),
    ("date", BirthKind::Date),
    ("year", BirthKind::Year),
    ("age_band", BirthKind::AgeBand),
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PurposeKind {
    StoreData,
    Share,
    RegisterNationalBody,
    ContactFamily,
    AnonymisedStatistics,
}

pub const PURPOSES: [(&str, PurposeKind); 5] = [
    ("store_data", PurposeKind::StoreData),
    ("share", PurposeKind::Share),
    ("register_national_body", PurposeKind::RegisterNationalBody),
    ("contact_family", PurposeKind::ContactFamily),
    ("anonymised_statistics", PurposeKind::AnonymisedStatistics),
];

pub const LISTS: [(&str, IloList); 4] = [
    ("adult_labour", IloList::AdultLabour),
    ("adult_sexual", IloList::AdultSexual),
    ("child_labour", IloList::ChildLabour),
    ("child_sexual", IloList::ChildSexual),
];

pub const SOURCES: [(&str, Source); 3] = [
    ("self_report", Source::SelfReport),
    ("observed", Source::Observed),
    ("document", Source::Document),
];

pub const JUDGEMENTS: [(&str, Judgement); 3] = [
    ("signs_present", Judgement::SignsPresent),
    ("unclear", Judgement::Unclear),
    ("no_signs", Judgement::NoSigns),
];

pub const OPTIONS: [(&str, FutureOption); 3] = [
    ("stay", FutureOption::Stay),
    ("onward", FutureOption::Onward),
    ("return", FutureOption::Return),
];

pub const FEASIBILITY: [(&str, Feasibility); 4] = [
    ("unknown", Feasibility::Unknown),
    ("feasible", Feasibility::Feasible),
    ("difficult", Feasibility::Difficult),
    ("not_feasible", Feasibility::NotFeasible),
];

pub const CHOICES: [(&str, Choice); 5] = [
    ("stay", Choice::Option(FutureOption::Stay)),
    ("onward", Choice::Option(FutureOption::Onward)),
    ("return", Choice::Option(FutureOption::Return)),
    ("undecided", Choice::Undecided),
    ("left_unknown_destination", Choice::LeftUnknownDestination),
];

pub const LEVELS: [(&str, FactorLevel); 5] = [
    ("individual", FactorLevel::Individual),
    ("household", FactorLevel::Household),
    ("community", FactorLevel::Community),
    ("structural", FactorLevel::Structural),
    ("threat", FactorLevel::Threat),
];

pub const CATEGORIES: [(&str, SupportCategory); 4] = [
    ("immediate", SupportCategory::Immediate),
    ("economic", SupportCategory::Economic),
    ("social", SupportCategory::Social),
    ("psychosocial", SupportCategory::Psychosocial),
];

pub const FORMS: [(&str, Form); 2] = [("in_kind", Form::InKind), ("cash", Form::Cash)];

pub const PERSON_KINDS: [(&str, PersonKind); 3] = [
    ("adult", PersonKind::Adult),
    ("minor_with_family", PersonKind::MinorWithFamily),
    ("unaccompanied_minor", PersonKind::UnaccompaniedMinor),
];

/// Item statuses as form values (travel steps and milestones share them).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ItemStatusKind {
    Pending,
    InProgress,
    Done,
    Blocked,
    Skipped,
}

pub const ITEM_STATUSES: [(&str, ItemStatusKind); 5] = [
    ("pending", ItemStatusKind::Pending),
    ("in_progress", ItemStatusKind::InProgress),
    ("done", ItemStatusKind::Done),
    ("blocked", ItemStatusKind::Blocked),
    ("skipped", ItemStatusKind::Skipped),
];

fn midnight(d: NaiveDate) -> DateTime<Utc> {
    d.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc()
}

// ---------- parsing ----------

fn parse_first_contact(f: &Fields, cx: &ParseContext) -> Result<FirstContact, Vec<Problem>> {
    let mut r = Reader::new(f);
    let birth = match r.choice("client.birth", &BIRTH_KINDS) {
        None | Some(BirthKind::Unknown) => Birth::Unknown,
        Some(BirthKind::Date) => match r.past_date("client.birth_date", cx.today) {
            Some(d) => Birth::Date(d),
            None => {
                r.problem("client.birth_date", FieldError::Required);
                Birth::Unknown
            }
        },
        Some(BirthKind::Year) => match r.number::<i32>("client.birth_year", 1900..=2100) {
            Some(y) => Birth::Year(y),
            None => {
                r.problem("client.birth_year", FieldError::Required);
                Birth::Unknown
            }
        },
        Some(BirthKind::AgeBand) => {
            let from = r.number::<u8>("client.age_from", 0..=120);
            let to = r.number::<u8>("client.age_to", 0..=120);
            let on = r.past_date("client.age_assessed_on", cx.today);
            match (from, to, on) {
                (Some(from), Some(to), Some(assessed_on)) => {
                    if from > to {
                        r.problem("client.age_to", FieldError::Range);
                    }
                    Birth::AgeBand {
                        from,
                        to,
                        assessed_on,
                    }
                }
                _ => {
                    r.problem("client.age_from", FieldError::Required);
                    Birth::Unknown
                }
            }
        }
    };
    let alias = r.text("client.alias");
    if alias.is_empty() {
        r.problem("client.alias", FieldError::Required);
    } else if alias.chars().count() > 60 {
        r.problem("client.alias", FieldError::TooLong);
    }
    let nationality = r.opt_text("client.nationality").map(|n| n.to_uppercase());
    if nationality
        .as_deref()
        .is_some_and(|n| n.len() != 2 || !n.bytes().all(|b| b.is_ascii_uppercase()))
    {
        r.problem("client.nationality", FieldError::Code);
    }
    let languages: Vec<String> = r
        .text("client.languages")
        .split([',', ' '])
        .filter(|l| !l.is_empty())
        .map(str::to_lowercase)
        .collect();
    if languages
        .iter()
        .any(|l| !(2..=3).contains(&l.len()) || !l.bytes().all(|b| b.is_ascii_lowercase()))
    {
        r.problem("client.languages", FieldError::Code);
    }
    let client = Client {
        alias,
        birth,
        gender: r
            .choice("client.gender", &GENDERS)
            .unwrap_or(Gender::Unknown),
        nationality,
        languages,
        accompanying_children: r.number("client.children", 0..=20),
        interpreter_needed: r.yes_no("client.interpreter"),
        dependants: read_dependants(&mut r, cx.today),
    };
    let value = FirstContact {
        client,
        first_contact_on: r.past_date("contact.on", cx.today),
        referral_source: r.text("contact.referral_source"),
        immediate_danger: r.yes_no("safety.danger"),
        urgent_medical: r.yes_no("safety.medical"),
        companion: r.text("contact.companion"),
        notes: r.text("contact.notes"),
        trafficking: StatusRecord {
            status: parse_trafficking_status(&mut r, cx),
            recorded_by: None,
            recorded_on: None,
        },
    };
    r.finish(value)
}

/// The trafficking status kinds a form offers.
pub const TRAFFICKING_STATUSES: [&str; 4] = [
    "not_assessed",
    "possible_victim",
    "identified",
    "not_a_victim",
];

/// The trafficking status as typed: an identification names the
/// competent authority and the day.
fn parse_trafficking_status(r: &mut Reader, cx: &ParseContext) -> TraffickingStatus {
    let kinds: Vec<(&str, &str)> = TRAFFICKING_STATUSES.iter().map(|k| (*k, *k)).collect();
    match r.choice("trafficking.status", &kinds) {
        None | Some("not_assessed") => TraffickingStatus::NotAssessed,
        Some("possible_victim") => TraffickingStatus::PossibleVictim,
        Some("not_a_victim") => TraffickingStatus::NotAVictim,
        Some(_) => {
            let authority = r.text("trafficking.authority");
            let on = r.past_date("trafficking.on", cx.today);
            if authority.trim().is_empty() {
                r.problem("trafficking.authority", FieldError::Required);
            }
            if on.is_none() && !r.problems.iter().any(|p| p.field == "trafficking.on") {
                r.problem("trafficking.on", FieldError::Required);
            }
            match on {
                Some(on) => TraffickingStatus::Identified { authority, on },
                None => TraffickingStatus::NotAssessed,
            }
        }
    }
}

fn parse_consent(f: &Fields, cx: &ParseContext) -> Result<ConsentRecords, Vec<Problem>> {
    let mut r = Reader::new(f);
    let mut records = Vec::new();
    for i in r.rows("consent") {
        if r.row_blank("consent", i, &["explained_by", "interpreter"]) {
            continue;
        }
        let k = |name: &str| format!("consent.{i}.{name}");
        let purpose = match r.choice(&k("purpose"), &PURPOSES) {
            None => {
                r.problem(&k("purpose"), FieldError::Required);
                continue;
            }
            Some(PurposeKind::StoreData) => Purpose::StoreData,
            Some(PurposeKind::RegisterNationalBody) => Purpose::RegisterNationalBody,
            Some(PurposeKind::ContactFamily) => Purpose::ContactFamily,
            Some(PurposeKind::AnonymisedStatistics) => Purpose::AnonymisedStatistics,
            Some(PurposeKind::Share) => {
                let recipient = r.text(&k("recipient"));
                if recipient.is_empty() {
                    r.problem(&k("recipient"), FieldError::Required);
                }
                let sections: BTreeSet<Section> = Section::ALL
                    .into_iter()
                    .filter(|s| r.flag(&k(&format!("section_{}", section_slug(*s)))))
                    .collect();
                if sections.is_empty() {
                    r.problem(&k("section_client"), FieldError::Required);
                }
                Purpose::Share {
                    recipient_organisation_id: recipient,
                    sections,
                }
            }
        };
        let given_on = r.past_date(&k("given_on"), cx.today);
        if given_on.is_none() {
            r.problem(&k("given_on"), FieldError::Required);
        }
        let language = r.text(&k("language")).to_lowercase();
        if language.is_empty() {
            r.problem(&k("language"), FieldError::Required);
        }
        let expires_on = r.date(&k("expires_on"));
        // Valid up to and including the day named: until the next midnight.
        let expires_at = match expires_on.map(|d| d.succ_opt()) {
            Some(None) => {
                r.problem(&k("expires_on"), FieldError::Date);
                None
            }
            other => other.flatten().map(midnight),
        };
        let withdrawn_on = r.past_date(&k("withdrawn_on"), cx.today);
        if let (Some(g), Some(e)) = (given_on, expires_on) {
            if e < g {
                r.problem(&k("expires_on"), FieldError::Range);
            }
        }
        let explained_by = Some(r.text(&k("explained_by")))
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| cx.user_id.to_string());
        records.push(Consent {
            purpose,
            given_at: midnight(given_on.unwrap_or(cx.today)),
            language,
            explained_by,
            interpreter_used: r.flag(&k("interpreter")),
            expires_at,
            withdrawn_at: withdrawn_on.map(midnight),
        });
    }
    r.finish(ConsentRecords { records })
}

fn parse_screening(f: &Fields, cx: &ParseContext) -> Result<ScreeningRecord, Vec<Problem>> {
    let mut r = Reader::new(f);
    let list = r
        .choice("screening.list", &LISTS)
        .unwrap_or(IloList::AdultLabour);
    let mut observations = Vec::new();
    for id in r.ticked("obs") {
        let source = r
            .choice(&format!("obs.{id}.source"), &SOURCES)
            .unwrap_or(Source::SelfReport);
        let noted_on = r
            .past_date(&format!("obs.{id}.on"), cx.today)
            .unwrap_or(cx.today);
        observations.push(Observation {
            indicator_id: id,
            source,
            noted_on,
        });
    }
    let referral = match (
        r.opt_text("screening.referral_to"),
        r.past_date("screening.referral_on", cx.today),
    ) {
        (Some(to), Some(on)) => Some(Referral { to, on }),
        (None, None) => None,
        (Some(_), None) => {
            r.problem("screening.referral_on", FieldError::Required);
            None
        }
        (None, Some(_)) => {
            r.problem("screening.referral_to", FieldError::Required);
            None
        }
    };
    let offered = r.date("reflection.offered_on");
    let start = r.date("reflection.start");
    let end = r.date("reflection.end");
    let reflection = match offered {
        Some(offered_on) => {
            let p = ReflectionPeriod {
                offered_on,
                start,
                end,
            };
            if !p.problems().is_empty() {
                r.problem("reflection.end", FieldError::Range);
            }
            Some(p)
        }
        None => {
            if start.is_some() || end.is_some() {
                r.problem("reflection.offered_on", FieldError::Required);
            }
            None
        }
    };
    let value = ScreeningRecord {
        list,
        observations,
        judgement: r.choice("screening.judgement", &JUDGEMENTS),
        referral,
        reflection,
        notes: r.text("screening.notes"),
        catalogue: r.opt_text("screening.catalogue"),
    };
    r.finish(value)
}

fn parse_options(f: &Fields, cx: &ParseContext) -> Result<OptionsTalk, Vec<Problem>> {
    let mut r = Reader::new(f);
    let notes = OPTIONS
        .iter()
        .map(|(slug, option)| {
            let k = |name: &str| format!("option.{slug}.{name}");
            let info = r.opt_text(&k("information"));
            let informed_on = r.past_date(&k("informed_on"), cx.today);
            let information_given = match (info, informed_on) {
                (Some(topic), Some(on)) => vec![(topic, on)],
                (Some(topic), None) => vec![(topic, cx.today)],
                (None, _) => vec![],
            };
            OptionNotes {
                option: *option,
                wishes: r.text(&k("wishes")),
                fears: r.text(&k("fears")),
                legal_prerequisites: r.text(&k("legal")),
                feasibility: r
                    .choice(&k("feasibility"), &FEASIBILITY)
                    .unwrap_or(Feasibility::Unknown),
                information_given,
            }
        })
        .collect();
    r.finish(OptionsTalk { notes })
}

fn parse_decision(f: &Fields, cx: &ParseContext) -> Result<DecisionRecord, Vec<Problem>> {
    let mut r = Reader::new(f);
    let decision = match r.choice("decision.choice", &CHOICES) {
        None => None,
        Some(choice) => {
            let decided_on = r.past_date("decision.on", cx.today);
            if decided_on.is_none() {
                r.problem("decision.on", FieldError::Required);
            }
            Some(Decision {
                choice,
                decided_on: decided_on.unwrap_or(cx.today),
                free_and_informed: r.flag("decision.free_and_informed"),
                capacity_in_doubt: r.flag("decision.capacity_in_doubt"),
                best_interests_determined_on: r.past_date("decision.bid_on", cx.today),
            })
        }
    };
    r.finish(DecisionRecord { decision })
}

fn parse_risk(f: &Fields, cx: &ParseContext) -> Result<RiskRecord, Vec<Problem>> {
    let mut r = Reader::new(f);
    let mut risks = Vec::new();
    for i in r.rows("risk") {
        if r.row_blank("risk", i, &[]) {
            continue;
        }
        let k = |name: &str| format!("risk.{i}.{name}");
        let level = r.choice(&k("level"), &LEVELS);
        let description = r.text(&k("description"));
        if description.is_empty() {
            r.problem(&k("description"), FieldError::Required);
        }
        let mut mitigations = Vec::new();
        if let Some(id) = r.opt_text(&k("mitigation")) {
            mitigations.push(Mitigation {
                catalogue_id: Some(id),
                text: String::new(),
            });
        }
        if let Some(text) = r.opt_text(&k("mitigation_text")) {
            mitigations.push(Mitigation {
                catalogue_id: None,
                text,
            });
        }
        risks.push(Risk {
            id: format!("R{}", risks.len() + 1),
            level: level.unwrap_or(FactorLevel::Individual),
            factor_id: r.opt_text(&k("factor")),
            description,
            // Not rated yet: 0, which the gate asks for.
            likelihood: r.number(&k("likelihood"), 1..=3).unwrap_or(0),
            severity: r.number(&k("severity"), 1..=3).unwrap_or(0),
            mitigations,
            unmitigable: r.flag(&k("unmitigable")),
        });
    }
    let assessed_on = r.past_date("risk.assessed_on", cx.today);
    if !risks.is_empty() && assessed_on.is_none() {
        r.problem("risk.assessed_on", FieldError::Required);
    }
    let assessment = assessed_on.map(|assessed_on| Assessment {
        risks,
        assessed_on,
        catalogue_version: r.text("risk.catalogue_version"),
    });
    let value = RiskRecord {
        assessment,
        origin_partner: r.text("risk.origin_partner"),
        origin_confirmed_on: r.past_date("risk.origin_confirmed_on", cx.today),
        approval_requested_on: r.past_date("risk.approval_requested_on", cx.today),
        approval_requested_by: None,
        supervisor_approval: None,
        supervisor_refusal: None,
        last_threat_on: r.past_date("risk.last_threat_on", cx.today),
        cleared: None,
    };
    r.finish(value)
}

fn parse_reintegration(f: &Fields, cx: &ParseContext) -> Result<ReintegrationPlan, Vec<Problem>> {
    let mut r = Reader::new(f);
    let r_main = r.opt_text("reint.programme");
    let mut household = Vec::new();
    for i in r.rows("person") {
        if let Some(kind) = r.choice(&format!("person.{i}.kind"), &PERSON_KINDS) {
            household.push(kind);
        }
    }
    let mut lines = Vec::new();
    for i in r.rows("line") {
        // "For" and "form" always hold a choice, also in the empty row.
        if r.row_blank("line", i, &["person", "form"]) {
            continue;
        }
        let k = |name: &str| format!("line.{i}.{name}");
        let category = r.choice(&k("category"), &CATEGORIES);
        if category.is_none() {
            r.problem(&k("category"), FieldError::Required);
        }
        let amount = match Money::parse(r.raw(&k("amount")), cx.currency) {
            Ok(m) => m,
            Err(_) => {
                r.problem(&k("amount"), FieldError::Amount);
                Money::zero(cx.currency)
            }
        };
        let person = r.number::<usize>(&k("person"), 0..=20).unwrap_or(0);
        // Charged to the plan's programme unless it names the other.
        let programme = r
            .opt_text(&k("programme"))
            .filter(|p| Some(p) != r_main.as_ref());
        lines.push(SupportLine {
            category: category.unwrap_or(SupportCategory::Immediate),
            description: r.text(&k("description")),
            amount,
            form: r.choice(&k("form"), &FORMS).unwrap_or(Form::InKind),
            person,
            referral_organisation: r.opt_text(&k("referral")),
            programme,
        });
    }
    let combined_programme_id = r
        .opt_text("reint.combined_programme")
        .filter(|p| Some(p) != r_main.as_ref());
    let value = ReintegrationPlan {
        programme_id: r_main,
        combined_programme_id,
        household,
        lines,
        goals: r.text("reint.goals"),
        registered_on: r.past_date("reint.registered_on", cx.today),
        referrals: Vec::new(),
        cap_acceptance: None,
    };
    r.finish(value)
}

/// Reads one item's status fields (`prefix.status`, `.done_on`,
/// `.reason`, `.due`, `.evidence`).
fn parse_item(
    r: &mut Reader,
    prefix: &str,
    cx: &ParseContext,
) -> Option<(ItemStatusKind, ItemParts)> {
    let k = |name: &str| format!("{prefix}.{name}");
    let kind = r.choice(&k("status"), &ITEM_STATUSES)?;
    let parts = ItemParts {
        done_on: r.past_date(&k("done_on"), cx.today),
        reason: r.text(&k("reason")),
        due: r.date(&k("due")),
        evidence: r.opt_text(&k("evidence")),
    };
    Some((kind, parts))
}

struct ItemParts {
    done_on: Option<NaiveDate>,
    reason: String,
    due: Option<NaiveDate>,
    evidence: Option<String>,
}

impl ItemParts {
    /// Nothing recorded: a pending item with no date, evidence or reason
    /// is what the catalogue gives anyway, and is not stored.
    fn untouched(&self, kind: ItemStatusKind) -> bool {
        kind == ItemStatusKind::Pending
            && self.done_on.is_none()
            && self.reason.is_empty()
            && self.due.is_none()
            && self.evidence.is_none()
    }
}

fn parse_travel(f: &Fields, cx: &ParseContext) -> Result<TravelPlan, Vec<Problem>> {
    let mut r = Reader::new(f);
    let mut steps = BTreeMap::new();
    for id in r.names_under("step") {
        let prefix = format!("step.{id}");
        let Some((kind, p)) = parse_item(&mut r, &prefix, cx) else {
            continue;
        };
        if p.untouched(kind) {
            continue;
        }
        let status = match kind {
            ItemStatusKind::Pending => StepStatus::Pending,
            ItemStatusKind::InProgress => StepStatus::InProgress,
            ItemStatusKind::Done => StepStatus::Done {
                on: p.done_on.unwrap_or(cx.today),
            },
            ItemStatusKind::Blocked => StepStatus::Blocked { reason: p.reason },
            ItemStatusKind::Skipped => StepStatus::NotApplicable { reason: p.reason },
        };
        steps.insert(
            id,
            ItemState {
                status,
                due: p.due,
                evidence: p.evidence,
            },
        );
    }
    let destination = r.opt_text("travel.destination").map(|d| d.to_uppercase());
    if destination
        .as_deref()
        .is_some_and(|n| n.len() != 2 || !n.bytes().all(|b| b.is_ascii_uppercase()))
    {
        r.problem("travel.destination", FieldError::Code);
    }
    let value = TravelPlan {
        mission_id: r.opt_text("travel.mission"),
        destination,
        planned_departure: r.date("travel.departure"),
        needs: r.text("travel.needs"),
        contacts: r.text("travel.contacts"),
        steps,
    };
    r.finish(value)
}

/// The family members returning with the client (`dependant.N.relation`,
/// `dependant.N.birth_year`; a blank row is ignored, a blank year is
/// unknown): each needs its relation, and a year not in the future.
fn read_dependants(r: &mut Reader, today: NaiveDate) -> Vec<Dependant> {
    let mut out = Vec::new();
    for i in r.rows("dependant") {
        if r.row_blank("dependant", i, &[]) {
            continue;
        }
        let relation_key = format!("dependant.{i}.relation");
        let relation = r.choice(&relation_key, &RELATIONS);
        if relation.is_none() && r.raw(&relation_key).is_empty() {
            r.problem(&relation_key, FieldError::Required);
        }
        let year: Option<i32> = r.number(
            &format!("dependant.{i}.birth_year"),
            1900..=i64::from(today.year()),
        );
        if let Some(relation) = relation {
            out.push(Dependant {
                relation,
                birth: year.map_or(Birth::Unknown, Birth::Year),
            });
        }
    }
    out
}

fn parse_milestones(f: &Fields, cx: &ParseContext) -> Result<MilestonePlan, Vec<Problem>> {
    let mut r = Reader::new(f);
    let mut items = BTreeMap::new();
    for id in r.names_under("ms") {
        let prefix = format!("ms.{id}");
        let Some((kind, p)) = parse_item(&mut r, &prefix, cx) else {
            continue;
        };
        // "Pending" chosen for a milestone the work ticks off is the hand
        // saying it is not done (left blank, it follows the work).
        if p.untouched(kind) && super::progress::milestone_work(&id).is_none() {
            continue;
        }
        let status = match kind {
            ItemStatusKind::Pending => MilestoneStatus::Pending,
            ItemStatusKind::InProgress => MilestoneStatus::InProgress,
            ItemStatusKind::Done => MilestoneStatus::Done {
                on: p.done_on.unwrap_or(cx.today),
            },
            ItemStatusKind::Blocked => MilestoneStatus::Blocked { reason: p.reason },
            ItemStatusKind::Skipped => MilestoneStatus::Skipped { reason: p.reason },
        };
        items.insert(
            id,
            ItemState {
                status,
                due: p.due,
                evidence: p.evidence,
            },
        );
    }
    r.finish(MilestonePlan {
        items,
        settled_due: BTreeMap::new(),
        follow_ups: Vec::new(),
    })
}

/// Whether a save's moves are judged against the whole plan.
#[derive(Clone, Copy, PartialEq, Eq)]
enum MoveRules {
    Enforce,
    Skip,
}

impl CaseFile {
    /// Parses one section's fields and puts the result in place, or says
    /// every problem; on a problem the file is unchanged. The rules on
    /// moves that are judged against the whole plan (the risk gate for
    /// travel, the need for an approval) hold: this is what a save does.
    pub fn apply(
        &mut self,
        section: Section,
        fields: &Fields,
        cx: &ParseContext,
    ) -> Result<(), Vec<Problem>> {
        self.apply_with(section, fields, cx, MoveRules::Enforce)
    }

    /// Parses and places a section as `apply` does, without the rules on
    /// moves judged against the whole plan. For a copy of the plan that
    /// may lack sections (the browser holds only what its reader may
    /// read), placing what the server has accepted, or will judge.
    pub fn place(
        &mut self,
        section: Section,
        fields: &Fields,
        cx: &ParseContext,
    ) -> Result<(), Vec<Problem>> {
        self.apply_with(section, fields, cx, MoveRules::Skip)
    }

    fn apply_with(
        &mut self,
        section: Section,
        fields: &Fields,
        cx: &ParseContext,
        rules: MoveRules,
    ) -> Result<(), Vec<Problem>> {
        let enforce = rules == MoveRules::Enforce;
        match section {
            Section::Client => {
                let mut first = parse_first_contact(fields, cx)?;
                // Who recorded the status, and when: the save that
                // changes it.
                let before = &self.first_contact.trafficking;
                first.trafficking = if first.trafficking.status == before.status {
                    before.clone()
                } else {
                    StatusRecord {
                        status: first.trafficking.status,
                        recorded_by: Some(cx.user_id.to_string()),
                        recorded_on: Some(cx.today),
                    }
                };
                self.first_contact = first;
            }
            Section::Consent => self.consent = parse_consent(fields, cx)?,
            Section::Screening => self.screening = parse_screening(fields, cx)?,
            Section::Options => self.options = parse_options(fields, cx)?,
            Section::Decision => self.decision = parse_decision(fields, cx)?,
            Section::Risk => {
                let mut risk = parse_risk(fields, cx)?;
                // The sign-offs hold for the assessment they were given
                // for; any change to the risks needs new ones.
                let request_stands = self.risk.settle_sign_offs(&mut risk, cx.today)?;
                // The request for approval is asked with its own button,
                // not typed: a form without it, or with the date it holds,
                // keeps the request that stands; one that sets a new date
                // asks, by the one who saves, judged as the plan stands
                // with the new risks and the request made before (if any).
                let asked_on = risk
                    .approval_requested_on
                    .filter(|on| Some(*on) != self.risk.approval_requested_on);
                (risk.approval_requested_on, risk.approval_requested_by) = if request_stands {
                    let r = &self.risk;
                    (r.approval_requested_on, r.approval_requested_by.clone())
                } else {
                    (None, None)
                };
                let before = std::mem::replace(&mut self.risk, risk);
                // Asked by the form: only as the button may ask (a high-risk
                // return whose gate waits for a supervisor, not asked yet).
                if let Some(on) = asked_on.filter(|_| !enforce) {
                    self.risk.approval_requested_on = Some(on);
                    self.risk.approval_requested_by = Some(cx.user_id.to_string());
                } else if let Some(on) = asked_on {
                    if self.request_approval(cx.user_id, cx.today).is_err() {
                        self.risk = before;
                        return Err(vec![Problem {
                            field: "risk.approval_requested_on".into(),
                            error: FieldError::NotNeeded,
                        }]);
                    }
                    self.risk.approval_requested_on = Some(on);
                }
            }
            Section::Reintegration => {
                let mut plan = parse_reintegration(fields, cx)?;
                if let Some(refused) = self.programme_choice_refused(&plan).filter(|_| enforce) {
                    return Err(vec![refused]);
                }
                // The form does not carry the referrals or a supervisor's
                // acceptance: they stay (an acceptance holds only for the
                // budget it was given for).
                plan.referrals = std::mem::take(&mut self.reintegration.referrals);
                plan.cap_acceptance = self.reintegration.cap_acceptance.take();
                self.reintegration = plan;
            }
            Section::Travel => {
                let travel = parse_travel(fields, cx)?;
                let refused = if enforce {
                    self.travel_moves_refused(&travel, cx.today)
                } else {
                    Vec::new()
                };
                if !refused.is_empty() {
                    return Err(refused);
                }
                self.travel = travel;
            }
            Section::Milestones => {
                let mut milestones = parse_milestones(fields, cx)?;
                milestones.settled_due = self.settled_dates(&milestones);
                milestones.follow_ups = self.milestones.follow_ups.clone();
                let refused = if enforce {
                    self.milestone_moves_refused(&milestones)
                } else {
                    Vec::new()
                };
                if !refused.is_empty() {
                    return Err(refused);
                }
                self.milestones = milestones;
            }
        }
        Ok(())
    }
}

// ---------- writing ----------

fn write_item<S>(
    w: &mut Writer,
    prefix: &str,
    item: &ItemState<S>,
    status: (&str, Option<NaiveDate>, &str),
) {
    let (kind, done_on, reason) = status;
    w.text(format!("{prefix}.status"), kind);
    w.date(format!("{prefix}.done_on"), done_on);
    w.text(format!("{prefix}.reason"), reason);
    w.date(format!("{prefix}.due"), item.due);
    w.text(
        format!("{prefix}.evidence"),
        item.evidence.as_deref().unwrap_or(""),
    );
}

fn step_status_parts(s: &StepStatus) -> (&str, Option<NaiveDate>, &str) {
    match s {
        StepStatus::Pending => ("pending", None, ""),
        StepStatus::InProgress => ("in_progress", None, ""),
        StepStatus::Done { on } => ("done", Some(*on), ""),
        StepStatus::Blocked { reason } => ("blocked", None, reason),
        StepStatus::NotApplicable { reason } => ("skipped", None, reason),
    }
}

fn milestone_status_parts(s: &MilestoneStatus) -> (&str, Option<NaiveDate>, &str) {
    match s {
        MilestoneStatus::Pending => ("pending", None, ""),
        MilestoneStatus::InProgress => ("in_progress", None, ""),
        MilestoneStatus::Done { on } => ("done", Some(*on), ""),
        MilestoneStatus::Blocked { reason } => ("blocked", None, reason),
        MilestoneStatus::Skipped { reason } => ("skipped", None, reason),
    }
}

impl CaseFile {
    /// One section as form fields (what its step's form shows).
    pub fn fields(&self, section: Section) -> Fields {
        let mut w = Writer::default();
        match section {
            Section::Client => {
                let v = &self.first_contact;
                let c = &v.client;
                w.text("client.alias", &c.alias);
                match c.birth {
                    Birth::Unknown => w.text("client.birth", "unknown"),
                    Birth::Date(d) => {
                        w.text("client.birth", "date");
                        w.date("client.birth_date", Some(d));
                    }
                    Birth::Year(y) => {
                        w.text("client.birth", "year");
                        w.number("client.birth_year", Some(i64::from(y)));
                    }
                    Birth::AgeBand {
                        from,
                        to,
                        assessed_on,
                    } => {
                        w.text("client.birth", "age_band");
                        w.number("client.age_from", Some(i64::from(from)));
                        w.number("client.age_to", Some(i64::from(to)));
                        w.date("client.age_assessed_on", Some(assessed_on));
                    }
                }
                w.choice("client.gender", c.gender, &GENDERS);
                w.text("client.nationality", c.nationality.as_deref().unwrap_or(""));
                w.text("client.languages", &c.languages.join(", "));
                w.number("client.children", c.accompanying_children.map(i64::from));
                w.yes_no("client.interpreter", c.interpreter_needed);
                for (i, d) in c.dependants.iter().enumerate() {
                    w.choice(format!("dependant.{i}.relation"), d.relation, &RELATIONS);
                    if let Birth::Year(y) = d.birth {
                        w.number(format!("dependant.{i}.birth_year"), Some(i64::from(y)));
                    }
                }
                w.date("contact.on", v.first_contact_on);
                w.text("contact.referral_source", &v.referral_source);
                w.yes_no("safety.danger", v.immediate_danger);
                w.yes_no("safety.medical", v.urgent_medical);
                w.text("contact.companion", &v.companion);
                w.text("contact.notes", &v.notes);
                // Not assessed is what a form without the field says:
                // written only once something was recorded, so that plans
                // from before the field read as they did.
                match &v.trafficking.status {
                    TraffickingStatus::NotAssessed => {}
                    TraffickingStatus::Identified { authority, on } => {
                        w.text("trafficking.status", "identified");
                        w.text("trafficking.authority", authority);
                        w.date("trafficking.on", Some(*on));
                    }
                    status => w.text("trafficking.status", status.slug()),
                }
            }
            Section::Consent => {
                for (i, c) in self.consent.records.iter().enumerate() {
                    let k = |name: &str| format!("consent.{i}.{name}");
                    let kind = match &c.purpose {
                        Purpose::StoreData => "store_data",
                        Purpose::Share {
                            recipient_organisation_id,
                            sections,
                        } => {
                            w.text(k("recipient"), recipient_organisation_id);
                            for s in sections {
                                w.flag(k(&format!("section_{}", section_slug(*s))), true);
                            }
                            "share"
                        }
                        Purpose::RegisterNationalBody => "register_national_body",
                        Purpose::ContactFamily => "contact_family",
                        Purpose::AnonymisedStatistics => "anonymised_statistics",
                    };
                    w.text(k("purpose"), kind);
                    w.date(k("given_on"), Some(c.given_at.date_naive()));
                    w.text(k("language"), &c.language);
                    w.text(k("explained_by"), &c.explained_by);
                    w.flag(k("interpreter"), c.interpreter_used);
                    w.date(
                        k("expires_on"),
                        c.expires_at.and_then(|e| e.date_naive().pred_opt()),
                    );
                    w.date(k("withdrawn_on"), c.withdrawn_at.map(|t| t.date_naive()));
                }
            }
            Section::Screening => {
                let v = &self.screening;
                w.choice("screening.list", v.list, &LISTS);
                for o in &v.observations {
                    w.flag(format!("obs.{}", o.indicator_id), true);
                    w.choice(format!("obs.{}.source", o.indicator_id), o.source, &SOURCES);
                    w.date(format!("obs.{}.on", o.indicator_id), Some(o.noted_on));
                }
                if let Some(j) = v.judgement {
                    w.choice("screening.judgement", j, &JUDGEMENTS);
                }
                if let Some(referral) = &v.referral {
                    w.text("screening.referral_to", &referral.to);
                    w.date("screening.referral_on", Some(referral.on));
                }
                if let Some(p) = &v.reflection {
                    w.date("reflection.offered_on", Some(p.offered_on));
                    w.date("reflection.start", p.start);
                    w.date("reflection.end", p.end);
                }
                w.text("screening.notes", &v.notes);
                if let Some(c) = &v.catalogue {
                    w.text("screening.catalogue", c);
                }
            }
            Section::Options => {
                for n in &self.options.notes {
                    let Some((slug, _)) = OPTIONS.iter().find(|(_, o)| *o == n.option) else {
                        continue;
                    };
                    let k = |name: &str| format!("option.{slug}.{name}");
                    w.text(k("wishes"), &n.wishes);
                    w.text(k("fears"), &n.fears);
                    w.text(k("legal"), &n.legal_prerequisites);
                    w.choice(k("feasibility"), n.feasibility, &FEASIBILITY);
                    if let Some((topic, on)) = n.information_given.first() {
                        w.text(k("information"), topic);
                        w.date(k("informed_on"), Some(*on));
                    }
                }
            }
            Section::Decision => {
                if let Some(d) = &self.decision.decision {
                    w.choice("decision.choice", d.choice, &CHOICES);
                    w.date("decision.on", Some(d.decided_on));
                    w.flag("decision.free_and_informed", d.free_and_informed);
                    w.flag("decision.capacity_in_doubt", d.capacity_in_doubt);
                    w.date("decision.bid_on", d.best_interests_determined_on);
                }
            }
            Section::Risk => {
                let v = &self.risk;
                if let Some(a) = &v.assessment {
                    w.date("risk.assessed_on", Some(a.assessed_on));
                    w.text("risk.catalogue_version", &a.catalogue_version);
                    for (i, risk) in a.risks.iter().enumerate() {
                        let k = |name: &str| format!("risk.{i}.{name}");
                        w.choice(k("level"), risk.level, &LEVELS);
                        w.text(k("factor"), risk.factor_id.as_deref().unwrap_or(""));
                        w.text(k("description"), &risk.description);
                        if is_rating(risk.likelihood) {
                            w.number(k("likelihood"), Some(i64::from(risk.likelihood)));
                        }
                        if is_rating(risk.severity) {
                            w.number(k("severity"), Some(i64::from(risk.severity)));
                        }
                        for m in &risk.mitigations {
                            match &m.catalogue_id {
                                Some(id) => w.text(k("mitigation"), id),
                                None => w.text(k("mitigation_text"), &m.text),
                            }
                        }
                        w.flag(k("unmitigable"), risk.unmitigable);
                    }
                }
                w.text("risk.origin_partner", &v.origin_partner);
                w.date("risk.origin_confirmed_on", v.origin_confirmed_on);
                w.date("risk.approval_requested_on", v.approval_requested_on);
                w.date("risk.last_threat_on", v.last_threat_on);
            }
            Section::Reintegration => {
                let v = &self.reintegration;
                w.text("reint.programme", v.programme_id.as_deref().unwrap_or(""));
                if let Some(c) = &v.combined_programme_id {
                    w.text("reint.combined_programme", c);
                }
                for (i, kind) in v.household.iter().enumerate() {
                    w.choice(format!("person.{i}.kind"), *kind, &PERSON_KINDS);
                }
                for (i, line) in v.lines.iter().enumerate() {
                    let k = |name: &str| format!("line.{i}.{name}");
                    w.choice(k("category"), line.category, &CATEGORIES);
                    w.text(k("description"), &line.description);
                    w.text(k("amount"), &line.amount.amount().normalize().to_string());
                    w.choice(k("form"), line.form, &FORMS);
                    w.number(k("person"), Some(line.person as i64));
                    w.text(
                        k("referral"),
                        line.referral_organisation.as_deref().unwrap_or(""),
                    );
                    if let Some(p) = &line.programme {
                        w.text(k("programme"), p);
                    }
                }
                w.text("reint.goals", &v.goals);
                w.date("reint.registered_on", v.registered_on);
            }
            Section::Travel => {
                let v = &self.travel;
                w.text("travel.mission", v.mission_id.as_deref().unwrap_or(""));
                w.text("travel.destination", v.destination.as_deref().unwrap_or(""));
                w.date("travel.departure", v.planned_departure);
                w.text("travel.needs", &v.needs);
                w.text("travel.contacts", &v.contacts);
                for (id, item) in &v.steps {
                    write_item(
                        &mut w,
                        &format!("step.{id}"),
                        item,
                        step_status_parts(&item.status),
                    );
                }
            }
            Section::Milestones => {
                for (id, item) in &self.milestones.items {
                    write_item(
                        &mut w,
                        &format!("ms.{id}"),
                        item,
                        milestone_status_parts(&item.status),
                    );
                }
            }
        }
        w.fields
    }

    /// One section as stored (JSON).
    pub fn section_json(&self, section: Section) -> String {
        let json = match section {
            Section::Client => serde_json::to_string(&self.first_contact),
            Section::Consent => serde_json::to_string(&self.consent),
            Section::Screening => serde_json::to_string(&self.screening),
            Section::Options => serde_json::to_string(&self.options),
            Section::Decision => serde_json::to_string(&self.decision),
            Section::Risk => serde_json::to_string(&self.risk),
            Section::Reintegration => serde_json::to_string(&self.reintegration),
            Section::Travel => serde_json::to_string(&self.travel),
            Section::Milestones => serde_json::to_string(&self.milestones),
        };
        json.expect("sections are plain data")
    }

    /// Puts a stored section in place.
    pub fn load_section(&mut self, section: Section, json: &str) -> serde_json::Result<()> {
        match section {
            Section::Client => self.first_contact = serde_json::from_str(json)?,
            Section::Consent => self.consent = serde_json::from_str(json)?,
            Section::Screening => self.screening = serde_json::from_str(json)?,
            Section::Options => self.options = serde_json::from_str(json)?,
            Section::Decision => self.decision = serde_json::from_str(json)?,
            Section::Risk => self.risk = serde_json::from_str(json)?,
            Section::Reintegration => self.reintegration = serde_json::from_str(json)?,
            Section::Travel => self.travel = serde_json::from_str(json)?,
            Section::Milestones => self.milestones = serde_json::from_str(json)?,
        }
        Ok(())
    }
}

fn is_rating(n: u8) -> bool {
    (1..=3).contains(&n)
}

impl CaseFile {
    /// Why the programmes a reintegration form newly chooses are refused:
    /// one the client may not get, or a second one the plan's programme is
    /// not meant to be combined with. Those kept as they were are flagged
    /// by the budget instead (the client's facts may have changed since).
    fn programme_choice_refused(&self, plan: &ReintegrationPlan) -> Option<Problem> {
        let cats = crate::catalog::planning();
        let facts = self.client_facts(cats.eu_eea);
        let find = |id: &str| cats.programmes.iter().find(|p| p.id == id);
        let newly = |new: &Option<String>, old: &Option<String>| {
            new.clone().filter(|id| Some(id) != old.as_ref())
        };
        let refused = |field: &str, error| {
            Some(Problem {
                field: field.into(),
                error,
            })
        };
        let r = &self.reintegration;
        let main = plan.programme_id.as_deref().and_then(find);
        if let Some(p) = newly(&plan.programme_id, &r.programme_id)
            .as_deref()
            .and_then(find)
        {
            if !p.eligibility.refusals(&facts).is_empty() {
                return refused("reint.programme", FieldError::NotEligible);
            }
        }
        let id = newly(&plan.combined_programme_id, &r.combined_programme_id)?;
        let combines = main.is_some_and(|m| m.combines_with.contains(&id));
        match find(&id) {
            Some(p) if !p.eligibility.refusals(&facts).is_empty() => {
                refused("reint.combined_programme", FieldError::NotEligible)
            }
            Some(_) if combines => None,
            _ => refused("reint.combined_programme", FieldError::NotCombinable),
        }
    }
}
