//! Demo data: two clearly marked organisations, one user per role, and a
//! few invented sample cases of the demo counsellor at different stages.
//!
//! Seeding is idempotent: what exists is kept (including changed passwords
//! and edited sample cases). Sample cases have fixed codes, so a case that
//! is there already is recognised by its code and left alone. Only case
//! codes are logged, never an alias.

use app::domain::case::CaseCode;
use app::domain::case_file::{section_slug, CaseFile, ParseContext};
use app::domain::clock::Clock;
use app::domain::consent::shareable_sections;
use app::domain::fields::Fields;
use app::domain::handover::{make_move, HandoverMove, Side};
use app::domain::lifecycle::LifeMove;
use app::domain::money::Currency;
use app::domain::plan::ClosureReason;
use app::domain::policy::Section;
use app::domain::{OrgKind, Role};
use app::server::cases::summary_of;
use app::server::password::hash_blocking;
use app::store::{
    AuditOutcome, HandoverChange, NewAuditEvent, NewCase, NewHandover, NewOrganisation, NewUser,
    SaveOutcome, Store, StoreError, User, UserChange,
};
use chrono::{Duration, NaiveDate, Utc};

pub const COUNSELLING_ORG: &str = "Demo Shelter Amsterdam (DEMO)";
pub const IOM_ORG: &str = "Demo IOM Netherlands mission (DEMO)";

/// One demo sign-in.
#[derive(Clone, Debug)]
pub struct DemoLogin {
    pub username: &'static str,
    pub password: &'static str,
    pub role: Role,
    pub organisation: &'static str,
    /// Designated an editor of the social map.
    pub map_editor: bool,
}

pub const DEMO_LOGINS: [DemoLogin; 4] = [
    DemoLogin {
        username: "demo.counsellor",
        password: "demo-counsellor-pass",
        role: Role::Counsellor,
        organisation: COUNSELLING_ORG,
        map_editor: false,
    },
    DemoLogin {
        username: "demo.supervisor",
        password: "demo-supervisor-pass",
        role: Role::Supervisor,
        organisation: COUNSELLING_ORG,
        map_editor: true,
    },
    DemoLogin {
        username: "demo.admin",
        password: "demo-admin-password",
        role: Role::Admin,
        organisation: COUNSELLING_ORG,
        map_editor: false,
    },
    DemoLogin {
        username: "demo.officer",
        password: "demo-officer-password",
        role: Role::ReturnOfficer,
        organisation: IOM_ORG,
        map_editor: false,
    },
];

fn display_name(role: Role) -> &'static str {
    match role {
        Role::Counsellor => "Demo Counsellor",
        Role::ReturnOfficer => "Demo Return Officer",
        Role::Supervisor => "Demo Supervisor",
        Role::Admin => "Demo Admin",
    }
}

/// Why `safeplan demo` refuses to add its accounts, whose passwords are
/// published in the README: the database holds a real organisation's data
/// (it is not a demo installation), or the server is to be reachable from
/// other machines (`bind` not a loopback address). `None`: it may.
pub async fn refusal(store: &Store, bind: std::net::SocketAddr) -> anyhow::Result<Option<String>> {
    if !bind.ip().is_loopback() {
        return Ok(Some(format!(
            "the demo accounts' passwords are published; they are not added to a server reachable at {bind}. Serve the demo on a loopback address (127.0.0.1), or create real accounts with `safeplan user add`"
        )));
    }
    let mut real = Vec::new();
    for kind in [OrgKind::Counselling, OrgKind::IomMission] {
        real.extend(
            store
                .organisations_of_kind(kind)
                .await?
                .into_iter()
                .filter(|o| !o.is_demo)
                .map(|o| o.name),
        );
    }
    Ok((!real.is_empty()).then(|| {
        format!(
            "this database holds {} organisation(s) that are not the demo's ({}); the demo accounts, whose passwords are published, are not added to it",
            real.len(),
            real.join(", ")
        )
    }))
}

/// The demo accounts that still have their published password and may
/// sign in: `safeplan serve` refuses a non-loopback address while any is
/// left.
pub async fn open_demo_accounts(store: &Store) -> anyhow::Result<Vec<&'static str>> {
    let mut open = Vec::new();
    for login in DEMO_LOGINS.iter() {
        let Some(c) = store.user_credentials(login.username).await? else {
            continue;
        };
        if !c.user.active {
            continue;
        }
        let (hash, password) = (c.password_hash, login.password);
        let known = tokio::task::spawn_blocking(move || {
            app::server::password::verify_blocking(&hash, password)
        })
        .await?;
        if known {
            open.push(login.username);
        }
    }
    Ok(open)
}

/// Adds what is missing of the demo set; returns the logins.
pub async fn seed(store: &Store) -> anyhow::Result<Vec<DemoLogin>> {
    let counselling = store
        .ensure_organisation(&NewOrganisation {
            name: COUNSELLING_ORG.into(),
            kind: OrgKind::Counselling,
            country: "NL".into(),
            is_demo: true,
        })
        .await?;
    let iom = store
        .ensure_organisation(&NewOrganisation {
            name: IOM_ORG.into(),
            kind: OrgKind::IomMission,
            country: "NL".into(),
            is_demo: true,
        })
        .await?;
    for login in DEMO_LOGINS.iter() {
        if store.user_credentials(login.username).await?.is_some() {
            continue;
        }
        let org = if login.organisation == IOM_ORG {
            &iom
        } else {
            &counselling
        };
        let password = login.password.to_string();
        let password_hash = tokio::task::spawn_blocking(move || hash_blocking(&password)).await?;
        let new = NewUser {
            organisation_id: org.id.clone(),
            username: login.username.into(),
            display_name: display_name(login.role).into(),
            role: login.role,
            password_hash,
        };
        let audit = NewAuditEvent {
            organisation_id: Some(org.id.clone()),
            ..NewAuditEvent::new("user.create.demo", AuditOutcome::Allowed)
        };
        match store.create_user(&new, audit).await {
            Ok(user) => {
                if login.map_editor {
                    let audit = NewAuditEvent {
                        organisation_id: Some(org.id.clone()),
                        ..NewAuditEvent::new(
                            "user.set_directory_editor.demo",
                            AuditOutcome::Allowed,
                        )
                    };
                    store
                        .change_user(&user.id, UserChange::DirectoryEditor(true), audit)
                        .await?;
                }
                tracing::info!(user.id = %user.id, role = %login.role, "demo user added")
            }
            // Another instance seeded it meanwhile.
            Err(StoreError::Taken(_)) => {}
            Err(e) => return Err(e.into()),
        }
    }
    if let Some(creds) = store.user_credentials("demo.counsellor").await? {
        if creds.user.organisation_id == counselling.id && creds.user.role == Role::Counsellor {
            let officer = store
                .user_credentials("demo.officer")
                .await?
                .map(|c| c.user)
                .filter(|u| u.organisation_id == iom.id);
            seed_cases(store, &creds.user, officer.as_ref(), &iom.id).await?;
        }
    }
    Ok(DEMO_LOGINS.to_vec())
}

/// One sample case: its fixed code (from these bytes), and the fields of
/// each section in the order a counsellor fills them in (the client's
/// first contact first).
struct SampleCase {
    code_bytes: [u8; 5],
    sections: Vec<(Section, Fields)>,
    /// Handed over to the demo mission, then these moves (by the mission
    /// or the counselling side), in order.
    handover: Option<Vec<HandoverMove>>,
    /// Then these moves of the plan's life: (move, days ago, why).
    life: Vec<(LifeMove, i64, &'static str)>,
    /// Follow-up contacts after return (their forms' fields), recorded with
    /// the milestones.
    contacts: Vec<Fields>,
}

/// A return plan ready for handover, with the dates relative to `today`
/// shifted `days_ago` into the past (first contact, consents, decision),
/// the risk assessment `assessed_ago`, departure `departure_in` days ahead
/// (negative: past) and extra travel and milestone fields.
struct ReturnPlan<'a> {
    code_bytes: [u8; 5],
    alias: &'a str,
    nationality: &'a str,
    birth_year: &'a str,
    days_ago: i64,
    assessed_ago: i64,
    departure_in: i64,
    risk: Vec<(&'static str, String)>,
    travel: Vec<(String, String)>,
    milestones: Vec<(String, String)>,
    /// Follow-up contacts after return, each as its form's fields.
    contacts: Vec<Fields>,
    handover: Option<Vec<HandoverMove>>,
}

/// Answers to the sustainability questions (question id, 0–1) at the
/// demo's contacts.
const ANSWERS_FIRST: [(&str, &str); 9] = [
    ("eco-income", "0.25"),
    ("eco-work-access", "0.5"),
    ("eco-debt", "0.25"),
    ("soc-housing", "0.75"),
    ("soc-services", "0.5"),
    ("soc-documents", "1"),
    ("psy-support", "0.75"),
    ("psy-safety", "0.75"),
    ("psy-remigrate", "0.5"),
];
const ANSWERS_MIDWAY: [(&str, &str); 9] = [
    ("eco-income", "0.5"),
    ("eco-work-access", "0.5"),
    ("eco-debt", "0.5"),
    ("soc-housing", "0.75"),
    ("soc-services", "0.75"),
    ("soc-documents", "1"),
    ("psy-support", "0.75"),
    ("psy-safety", "0.75"),
    ("psy-remigrate", "0.75"),
];
const ANSWERS_SETTLED: [(&str, &str); 9] = [
    ("eco-income", "0.75"),
    ("eco-work-access", "0.75"),
    ("eco-debt", "0.75"),
    ("soc-housing", "1"),
    ("soc-services", "0.75"),
    ("soc-documents", "1"),
    ("psy-support", "1"),
    ("psy-safety", "0.75"),
    ("psy-remigrate", "1"),
];

/// A follow-up contact's form: the contact `month` months after arrival,
/// made `on` (YYYY-MM-DD), how and by whom, with these answers.
fn contact(month: u32, on: String, mode: &str, by: &str, answers: &[(&str, &str)]) -> Fields {
    let mut f: Fields = [
        ("fu.month", month.to_string()),
        ("fu.on", on),
        ("fu.mode", mode.to_string()),
        ("fu.by", by.to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    for (id, value) in answers {
        f.insert(format!("fu.answer.{id}"), value.to_string());
    }
    f
}

fn fields(pairs: &[(&str, String)]) -> Fields {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect()
}

/// The sample cases, with dates relative to `today`. Aliases are
/// invented; the IOM mission is the demo mission.
fn sample_cases(today: NaiveDate, mission_id: &str) -> Vec<SampleCase> {
    let ago = |days: i64| {
        (today - Duration::days(days))
            .format("%Y-%m-%d")
            .to_string()
    };
    let s = |v: &str| v.to_string();
    let consent_to_store = |on: String| {
        vec![
            ("consent.0.purpose", s("store_data")),
            ("consent.0.given_on", on),
            ("consent.0.language", s("en")),
        ]
    };
    // A new intake: only the first contact so far.
    let new_intake = SampleCase {
        handover: None,
        life: Vec::new(),
        contacts: Vec::new(),
        code_bytes: [0xde, 0x30, 0x00, 0x00, 0x01],
        sections: vec![(
            Section::Client,
            fields(&[
                ("client.alias", s("Amina")),
                ("client.birth", s("year")),
                ("client.birth_year", s("1998")),
                ("client.gender", s("female")),
                ("client.nationality", s("ER")),
                ("client.languages", s("ti, en")),
                ("client.interpreter", s("yes")),
                ("contact.on", ago(2)),
                ("contact.referral_source", s("Police (sample)")),
                ("safety.danger", s("no")),
                ("safety.medical", s("no")),
            ]),
        )],
    };
    // Mid-session: consent given, screened, options talked through, no
    // decision yet.
    let mid_session = SampleCase {
        handover: None,
        life: Vec::new(),
        contacts: Vec::new(),
        code_bytes: [0xde, 0x30, 0x00, 0x00, 0x02],
        sections: vec![
            (
                Section::Client,
                fields(&[
                    ("client.alias", s("Li")),
                    // Her age is unclear (16 to 18): her screening is
                    // judged by the child list.
                    ("client.birth", s("age_band")),
                    ("client.age_from", s("16")),
                    ("client.age_to", s("18")),
                    ("client.age_assessed_on", ago(21)),
                    ("client.gender", s("female")),
                    ("client.nationality", s("CN")),
                    ("client.languages", s("zh")),
                    ("client.interpreter", s("yes")),
                    ("contact.on", ago(21)),
                    ("safety.danger", s("no")),
                    ("safety.medical", s("no")),
                ]),
            ),
            (Section::Consent, fields(&consent_to_store(ago(21)))),
            (
                Section::Screening,
                fields(&[
                    ("screening.list", s("adult_labour")),
                    ("obs.d1-wages", s("on")),
                    ("obs.d1-wages.source", s("self_report")),
                    ("obs.d1-wages.on", ago(14)),
                    ("obs.d2-documents", s("on")),
                    ("obs.d2-documents.source", s("self_report")),
                    ("obs.d2-documents.on", ago(14)),
                    ("obs.d2-debt-bondage", s("on")),
                    ("obs.d2-debt-bondage.source", s("document")),
                    ("obs.d2-debt-bondage.on", ago(14)),
                    ("screening.judgement", s("signs_present")),
                ]),
            ),
            (
                Section::Options,
                fields(&[
                    ("option.stay.wishes", s("Keep working in the Netherlands")),
                    ("option.stay.feasibility", s("difficult")),
                    ("option.onward.feasibility", s("not_feasible")),
                    ("option.return.fears", s("The debt to the recruiter")),
                    ("option.return.feasibility", s("unknown")),
                    ("option.return.information", s("Reintegration support")),
                    ("option.return.informed_on", ago(7)),
                ]),
            ),
        ],
    };
    // On the stay track: she chose to stay.
    let stay = SampleCase {
        handover: None,
        life: Vec::new(),
        contacts: Vec::new(),
        code_bytes: [0xde, 0x30, 0x00, 0x00, 0x04],
        sections: vec![
            (
                Section::Client,
                fields(&[
                    ("client.alias", s("Joy")),
                    ("client.birth", s("year")),
                    ("client.birth_year", s("1987")),
                    ("client.gender", s("female")),
                    ("client.nationality", s("GH")),
                    ("client.languages", s("en")),
                    ("contact.on", ago(45)),
                    ("safety.danger", s("no")),
                    ("safety.medical", s("no")),
                ]),
            ),
            (Section::Consent, fields(&consent_to_store(ago(45)))),
            (
                Section::Screening,
                fields(&[("screening.judgement", s("signs_present"))]),
            ),
            (
                Section::Options,
                fields(&[
                    ("option.stay.wishes", s("Finish her training as a nurse")),
                    ("option.stay.feasibility", s("feasible")),
                    ("option.onward.feasibility", s("not_feasible")),
                    ("option.return.fears", s("Threats against her family")),
                    ("option.return.feasibility", s("difficult")),
                ]),
            ),
            (
                Section::Decision,
                fields(&[
                    ("decision.choice", s("stay")),
                    ("decision.on", ago(10)),
                    ("decision.free_and_informed", s("on")),
                ]),
            ),
        ],
    };
    let mut cases = vec![new_intake, mid_session, stay];
    let step = |id: &str, what: &str| format!("step.{id}.{what}");
    let ms = |id: &str, what: &str| format!("ms.{id}.{what}");
    let mut travel_done: Vec<(String, String)> = Vec::new();
    for (id, days, evidence) in [
        ("T4", 75, "Laissez-passer issued"),
        ("T5", 80, "Registered with the partner in Lagos"),
        ("T8", 55, "Flight booked, direct"),
        ("T10", 50, "Left from Schiphol"),
        ("T12", 50, "Met at the airport by the partner"),
    ] {
        travel_done.push((step(id, "status"), s("done")));
        travel_done.push((step(id, "done_on"), ago(days)));
        travel_done.push((step(id, "evidence"), s(evidence)));
    }
    let mut follow_ups: Vec<(String, String)> = Vec::new();
    for (id, days) in [("M11", 50), ("M12", 50), ("M13", 30)] {
        follow_ups.push((ms(id, "status"), s("done")));
        follow_ups.push((ms(id, "done_on"), ago(days)));
    }
    let plans = [
        // On the return track, ready to be handed over to the IOM mission
        // (as `domain::progress`'s complete return case): an EU national,
        // whose budget is the in-kind programme for EU-national victims.
        ReturnPlan {
            code_bytes: [0xde, 0x30, 0x00, 0x00, 0x03],
            alias: "Rosa",
            nationality: "RO",
            birth_year: "1994",
            days_ago: 60,
            assessed_ago: 5,
            departure_in: 45,
            risk: Vec::new(),
            travel: Vec::new(),
            milestones: Vec::new(),
            contacts: Vec::new(),
            handover: None,
        },
        // Handed over, waiting for the mission.
        ReturnPlan {
            code_bytes: [0xde, 0x30, 0x00, 0x00, 0x05],
            alias: "Ada",
            nationality: "NG",
            birth_year: "1998",
            days_ago: 50,
            assessed_ago: 3,
            departure_in: 40,
            risk: Vec::new(),
            travel: Vec::new(),
            milestones: Vec::new(),
            contacts: Vec::new(),
            handover: Some(Vec::new()),
        },
        // The mission asked a question.
        ReturnPlan {
            code_bytes: [0xde, 0x30, 0x00, 0x00, 0x06],
            alias: "Mercy",
            nationality: "GH",
            birth_year: "1991",
            days_ago: 70,
            assessed_ago: 8,
            departure_in: 25,
            risk: Vec::new(),
            travel: Vec::new(),
            milestones: Vec::new(),
            contacts: Vec::new(),
            handover: Some(vec![HandoverMove::AskInformation {
                question: "Is her passport still held by the police, or can she collect it?".into(),
            }]),
        },
        // Accepted: the mission books travel.
        ReturnPlan {
            code_bytes: [0xde, 0x30, 0x00, 0x00, 0x07],
            alias: "Faith",
            nationality: "NG",
            birth_year: "1996",
            days_ago: 90,
            assessed_ago: 6,
            departure_in: 30,
            risk: Vec::new(),
            travel: vec![
                (step("T4", "status"), s("done")),
                (
                    step("T4", "evidence"),
                    s("Laissez-passer requested and issued"),
                ),
            ],
            milestones: Vec::new(),
            contacts: Vec::new(),
            handover: Some(vec![HandoverMove::Accept]),
        },
        // Rejected by the mission, with its reason.
        ReturnPlan {
            code_bytes: [0xde, 0x30, 0x00, 0x00, 0x08],
            alias: "Blessing",
            nationality: "ER",
            birth_year: "1993",
            days_ago: 40,
            assessed_ago: 4,
            departure_in: 60,
            risk: Vec::new(),
            travel: Vec::new(),
            milestones: Vec::new(),
            contacts: Vec::new(),
            handover: Some(vec![HandoverMove::Reject {
                reason: "Return to this region is suspended; please consider the stay track."
                    .into(),
            }]),
        },
        // Returned seven weeks ago: arrival confirmed, first follow-up done.
        ReturnPlan {
            code_bytes: [0xde, 0x30, 0x00, 0x00, 0x09],
            alias: "Grace",
            nationality: "NG",
            birth_year: "1989",
            days_ago: 160,
            assessed_ago: 60,
            departure_in: -50,
            risk: Vec::new(),
            travel: travel_done.clone(),
            milestones: follow_ups.clone(),
            // The first contact after return, by phone through the mission.
            contacts: vec![contact(
                1,
                ago(18),
                "phone",
                "IOM return officer",
                &ANSWERS_FIRST,
            )],
            handover: Some(vec![HandoverMove::Accept]),
        },
        // A high risk, mitigated, waiting for the supervisor's approval.
        ReturnPlan {
            code_bytes: [0xde, 0x30, 0x00, 0x00, 0x0a],
            alias: "Esther",
            nationality: "UG",
            birth_year: "1995",
            days_ago: 45,
            assessed_ago: 2,
            departure_in: 50,
            risk: vec![
                ("risk.1.level", s("threat")),
                (
                    "risk.1.description",
                    s("The recruiter has threatened her brother"),
                ),
                ("risk.1.likelihood", s("3")),
                ("risk.1.severity", s("3")),
                ("risk.1.mitigation", s("mit-other-region")),
                ("risk.origin_partner", s("Partner shelter in Kampala")),
                ("risk.origin_confirmed_on", ago(1)),
                ("risk.approval_requested_on", ago(1)),
            ],
            travel: Vec::new(),
            milestones: Vec::new(),
            contacts: Vec::new(),
            handover: None,
        },
    ];
    for p in plans {
        cases.push(return_plan(p, today, mission_id));
    }
    // Returned thirteen months ago and followed up for a year: the plan is
    // closed, and the organisation's retention clock runs.
    let a_year_on = |days: i64| ago(days + 330);
    let mut travel_then: Vec<(String, String)> = Vec::new();
    for (id, days, evidence) in [
        ("T4", 75, "Travel document issued"),
        ("T5", 80, "Registered with the partner in Accra"),
        ("T8", 55, "Flight booked, direct"),
        ("T10", 50, "Left from Schiphol"),
        ("T12", 50, "Met at the airport by the partner"),
    ] {
        travel_then.push((step(id, "status"), s("done")));
        travel_then.push((step(id, "done_on"), a_year_on(days)));
        travel_then.push((step(id, "evidence"), s(evidence)));
    }
    let mut year_of_follow_ups: Vec<(String, String)> = Vec::new();
    for (id, on) in [
        ("M11", a_year_on(50)),
        ("M12", a_year_on(50)),
        ("M13", a_year_on(30)),
    ] {
        year_of_follow_ups.push((ms(id, "status"), s("done")));
        year_of_follow_ups.push((ms(id, "done_on"), on));
    }
    let mut closed = return_plan(
        ReturnPlan {
            code_bytes: [0xde, 0x30, 0x00, 0x00, 0x0b],
            alias: "Hope",
            nationality: "GH",
            birth_year: "1990",
            days_ago: 160 + 330,
            assessed_ago: 60 + 330,
            departure_in: -50 - 330,
            risk: Vec::new(),
            travel: travel_then,
            milestones: year_of_follow_ups,
            // A year of contacts: the score rises as the shop takes off.
            contacts: vec![
                contact(
                    1,
                    a_year_on(18),
                    "phone",
                    "IOM return officer",
                    &ANSWERS_FIRST,
                ),
                contact(
                    3,
                    a_year_on(-40),
                    "partner",
                    "Partner caseworker, Accra",
                    &ANSWERS_MIDWAY,
                ),
                contact(
                    6,
                    a_year_on(-130),
                    "in_person",
                    "Partner caseworker, Accra",
                    &ANSWERS_SETTLED,
                ),
                contact(
                    12,
                    ago(12),
                    "in_person",
                    "Partner caseworker, Accra",
                    &ANSWERS_SETTLED,
                ),
            ],
            handover: Some(vec![HandoverMove::Accept]),
        },
        today,
        mission_id,
    );
    closed.life = vec![(
        LifeMove::Close {
            reason: ClosureReason::PlanCompleted,
        },
        10,
        "Her shop runs; the last follow-up found her safe and settled.",
    )];
    cases.push(closed);
    cases
}

/// A return plan as [`ReturnPlan`] describes it.
fn return_plan(p: ReturnPlan, today: NaiveDate, mission_id: &str) -> SampleCase {
    let ago = |days: i64| {
        (today - Duration::days(days))
            .format("%Y-%m-%d")
            .to_string()
    };
    let s = |v: &str| v.to_string();
    let consent = vec![
        ("consent.0.purpose", s("store_data")),
        ("consent.0.given_on", ago(p.days_ago)),
        ("consent.0.language", s("en")),
        ("consent.1.purpose", s("share")),
        ("consent.1.recipient", s(mission_id)),
        ("consent.1.section_client", s("on")),
        ("consent.1.section_consent", s("on")),
        ("consent.1.section_decision", s("on")),
        ("consent.1.section_risk", s("on")),
        ("consent.1.section_reintegration", s("on")),
        ("consent.1.section_travel", s("on")),
        ("consent.1.section_milestones", s("on")),
        ("consent.1.given_on", ago(p.days_ago - 10)),
        ("consent.1.language", s("en")),
    ];
    let mut risk = vec![
        ("risk.assessed_on", ago(p.assessed_ago)),
        ("risk.0.level", s("household")),
        ("risk.0.description", s("Debt to the recruiter's family")),
        ("risk.0.likelihood", s("2")),
        ("risk.0.severity", s("2")),
        ("risk.0.mitigation", s("mit-other-region")),
    ];
    risk.extend(p.risk);
    let departure = (today + Duration::days(p.departure_in))
        .format("%Y-%m-%d")
        .to_string();
    let mut travel = vec![
        ("travel.mission", s(mission_id)),
        ("travel.destination", s(p.nationality)),
        ("travel.departure", departure),
        // What the client's copy lists under "other contacts" (no real
        // numbers in demo data).
        (
            "travel.contacts",
            s("Reception on arrival: IOM staff meet you at the airport\nShelter day line: the number on your shelter card"),
        ),
    ];
    travel.extend(p.travel.iter().map(|(k, v)| (k.as_str(), v.clone())));
    // An EU national who may be a victim of trafficking may get only the
    // in-kind programme for victims from an EU member state (€500).
    let eu = app::catalog::programmes()
        .eu_eea
        .iter()
        .any(|c| c == p.nationality);
    let (programme, description, amount) = if eu {
        ("nl-vot-eu-in-kind", "Vocational course fees", "450")
    } else {
        (
            "nl-2025-reintegration",
            "Small shop: stock and a fridge",
            "1400",
        )
    };
    let mut reintegration = vec![
        ("reint.programme", s(programme)),
        ("person.0.kind", s("adult")),
        ("line.0.category", s("economic")),
        ("line.0.description", s(description)),
        ("line.0.amount", s(amount)),
        ("line.0.form", s("in_kind")),
        ("line.0.person", s("0")),
    ];
    // Beside it, the REAN cash return allowance for victims (€200): two
    // programmes combined, each line charged to one.
    if eu {
        reintegration.extend([
            ("reint.combined_programme", s("rean-vot-allowance")),
            ("line.1.category", s("immediate")),
            (
                "line.1.description",
                s("Return allowance, paid at departure"),
            ),
            ("line.1.amount", s("200")),
            ("line.1.form", s("cash")),
            ("line.1.person", s("0")),
            ("line.1.programme", s("rean-vot-allowance")),
        ]);
    }
    let mut sections = vec![
        (
            Section::Client,
            fields(&[
                ("client.alias", s(p.alias)),
                ("client.birth", s("year")),
                ("client.birth_year", s(p.birth_year)),
                ("client.gender", s("female")),
                ("client.nationality", s(p.nationality)),
                ("client.languages", s("en")),
                ("contact.on", ago(p.days_ago)),
                ("safety.danger", s("no")),
                ("safety.medical", s("no")),
                // Signs of trafficking: a possible victim, as decided by
                // the counsellor (the screening only suggests).
                ("trafficking.status", s("possible_victim")),
            ]),
        ),
        (Section::Consent, fields(&consent)),
        (
            Section::Screening,
            fields(&[("screening.judgement", s("signs_present"))]),
        ),
        (
            Section::Options,
            fields(&[
                ("option.stay.feasibility", s("difficult")),
                ("option.onward.feasibility", s("not_feasible")),
                ("option.return.wishes", s("Back to her family")),
                ("option.return.feasibility", s("feasible")),
            ]),
        ),
        (
            Section::Decision,
            fields(&[
                ("decision.choice", s("return")),
                ("decision.on", ago(p.days_ago - 20)),
                ("decision.free_and_informed", s("on")),
            ]),
        ),
        (Section::Risk, fields(&risk)),
        (Section::Reintegration, fields(&reintegration)),
        (Section::Travel, fields(&travel)),
    ];
    if !p.milestones.is_empty() || !p.contacts.is_empty() {
        let milestones: Vec<(&str, String)> = p
            .milestones
            .iter()
            .map(|(k, v)| (k.as_str(), v.clone()))
            .collect();
        sections.push((Section::Milestones, fields(&milestones)));
    }
    SampleCase {
        code_bytes: p.code_bytes,
        sections,
        handover: p.handover,
        life: Vec::new(),
        contacts: p.contacts,
    }
}

/// Adds the sample cases the demo counsellor does not have yet, through
/// the store as the application would (summary, versions, audit).
async fn seed_cases(
    store: &Store,
    owner: &User,
    officer: Option<&User>,
    mission_id: &str,
) -> anyhow::Result<()> {
    let now = Utc::now();
    // The demo organisation keeps the default clock.
    let wall = Clock::default().wall(now);
    let cx = ParseContext {
        today: wall.date_naive(),
        user_id: &owner.id,
        currency: Currency::EUR,
    };
    for sample in sample_cases(wall.date_naive(), mission_id) {
        let code = CaseCode::from_random(sample.code_bytes);
        if store.case_by_code(code.as_str()).await?.is_some() {
            continue;
        }
        let audit = |action: &'static str, section: Section| NewAuditEvent {
            organisation_id: Some(owner.organisation_id.clone()),
            case_code: Some(code.as_str().to_string()),
            section: Some(section_slug(section).to_string()),
            ..NewAuditEvent::new(action, AuditOutcome::Allowed)
        };
        let mut file = CaseFile::default();
        let mut sections = sample.sections.into_iter();
        let (first, first_fields) = sections.next().expect("a first contact");
        apply(&mut file, first, &first_fields, &cx)?;
        let new = NewCase {
            code: code.clone(),
            organisation_id: owner.organisation_id.clone(),
            owner_id: owner.id.clone(),
            summary: summary_of(&file, wall),
            section: section_slug(first).into(),
            body: file.section_json(first),
            at: now,
        };
        let case = match store
            .create_case(&new, &audit("case.create.demo", first))
            .await
        {
            Ok(c) => c,
            // Another instance seeded it meanwhile.
            Err(StoreError::Taken(_)) => continue,
            Err(e) => return Err(e.into()),
        };
        for (section, f) in sections {
            apply(&mut file, section, &f, &cx)?;
            if section == Section::Milestones {
                let catalogue = app::catalog::follow_up();
                let by = officer.map_or(&owner.id, |o| &o.id);
                for contact in &sample.contacts {
                    file.record_follow_up(
                        contact,
                        &catalogue.model(),
                        &catalogue.follow_up_months,
                        by,
                        cx.today,
                    )
                    .map_err(|p| anyhow::anyhow!("demo follow-up refused: {p:?}"))?;
                }
            }
            let summary = summary_of(&file, wall);
            let outcome = store
                .save_section(
                    &case.id,
                    section_slug(section),
                    0,
                    &file.section_json(section),
                    &owner.id,
                    now,
                    &audit("case.section.save.demo", section),
                    |_, _| summary,
                )
                .await?;
            if let SaveOutcome::Conflict(_) = outcome {
                anyhow::bail!(
                    "demo case {}: section {} was saved meanwhile",
                    code.as_str(),
                    section_slug(section)
                );
            }
        }
        if let Some(moves) = sample.handover {
            hand_over(
                store,
                owner,
                officer,
                &case.id,
                code.as_str(),
                mission_id,
                &file,
                moves,
            )
            .await?;
        }
        for (kind, days_ago, why) in sample.life {
            let on = (wall.date_naive() - Duration::days(days_ago)).to_string();
            let audit = NewAuditEvent {
                organisation_id: Some(owner.organisation_id.clone()),
                case_code: Some(code.as_str().to_string()),
                ..NewAuditEvent::new("case.life.demo", AuditOutcome::Allowed)
            };
            let cats = app::catalog::planning();
            store
                .move_life(&case.id, "life.demo", &owner.id, now, &audit, |_, held| {
                    let mut f = file.clone();
                    f.handed_over_to = held.mission.map(str::to_string);
                    f.lifecycle = serde_json::from_str(held.life)?;
                    f.record_life_move(&cats, kind, &on, why, &owner.id, wall, now)
                        .map_err(|p| anyhow::anyhow!("demo life move refused: {p:?}"))?;
                    Ok::<_, anyhow::Error>((
                        serde_json::to_string(&f.lifecycle)?,
                        summary_of(&f, wall),
                    ))
                })
                .await??;
        }
        tracing::info!(case = %code.as_str(), "demo case added");
    }
    Ok(())
}

/// Hands a sample case over to the demo mission and makes the moves, as
/// the application would (snapshots, audit, the conversation).
#[allow(clippy::too_many_arguments)]
async fn hand_over(
    store: &Store,
    owner: &User,
    officer: Option<&User>,
    case_id: &str,
    code: &str,
    mission_id: &str,
    file: &CaseFile,
    moves: Vec<HandoverMove>,
) -> anyhow::Result<()> {
    let now = Utc::now();
    let wall = Clock::default().wall(now);
    let summarise = |mission: Option<&str>| {
        let mut f = file.clone();
        f.handed_over_to = mission.map(str::to_string);
        summary_of(&f, wall)
    };
    let audit = |action: &'static str, by: &User| NewAuditEvent {
        organisation_id: Some(by.organisation_id.clone()),
        case_code: Some(code.to_string()),
        ..NewAuditEvent::new(action, AuditOutcome::Allowed).by(&by.id, by.role, &by.organisation_id)
    };
    let shared = shareable_sections(&file.consent.records, mission_id, wall);
    let h = store
        .create_handover(
            &NewHandover {
                case_id: case_id.to_string(),
                mission_id: mission_id.to_string(),
                sections: shared,
                note: "Sample handover (demo).".into(),
                by: owner.id.clone(),
                at: now,
            },
            &audit("handover.create.demo", owner),
            |_, held| summarise(held.mission),
        )
        .await?;
    let mut status = h.status;
    for mv in moves {
        let side = match mv {
            HandoverMove::Answer { .. } | HandoverMove::Withdraw { .. } => Side::Counselling,
            _ => Side::Mission,
        };
        let by = match side {
            Side::Counselling => owner,
            Side::Mission => match officer {
                Some(o) => o,
                None => anyhow::bail!("no demo return officer to move the handover"),
            },
        };
        let to = make_move(status, side, &mv)
            .map_err(|r| anyhow::anyhow!("demo handover move refused: {r:?}"))?;
        let change = HandoverChange {
            handover_id: h.id.clone(),
            case_id: case_id.to_string(),
            from: status,
            to,
            move_: mv.slug(),
            text: mv.text().map(str::to_string),
            by: by.id.clone(),
            at: Utc::now(),
        };
        store
            .move_handover(&change, &audit("handover.move.demo", by), |_, held| {
                summarise(held.mission)
            })
            .await?;
        status = to;
    }
    Ok(())
}

fn apply(
    file: &mut CaseFile,
    section: Section,
    fields: &Fields,
    cx: &ParseContext,
) -> anyhow::Result<()> {
    file.apply(section, fields, cx).map_err(|problems| {
        let named: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        anyhow::anyhow!(
            "demo case section {} is invalid: {named:?}",
            section_slug(section)
        )
    })
}

pub fn print_logins(logins: &[DemoLogin], url: Option<&str>) {
    println!();
    println!("Demo organisations (sample data only; never enter real client data):");
    println!("  {COUNSELLING_ORG}  and  {IOM_ORG}");
    println!();
    println!("  {:<18} {:<24} role", "username", "password");
    for l in logins {
        let editor = if l.map_editor {
            ", social map editor"
        } else {
            ""
        };
        println!(
            "  {:<18} {:<24} {}{editor}",
            l.username,
            l.password,
            l.role.label()
        );
    }
    if let Some(url) = url {
        println!();
        println!("Sign in at {url}/login");
    }
    println!();
}
