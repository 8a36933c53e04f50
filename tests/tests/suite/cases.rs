//! Cases over HTTP against the real server: opening a case and the
//! duplicate warning, saving sections with their version check, invalid
//! input, forms posted without WASM, the caseload's search and paging, the
//! access log and the audit, and the demo's sample cases. SQLite; the
//! version check runs on PostgreSQL too.

use app::api::cases::{CaseAccessLog, CaseView, Caseload, NewCaseOutcome, SaveResult};
use app::domain::{OrgKind, Role};
use std::collections::BTreeSet;
use tests::{add_user, call, call_ok, http_client, sign_in, Server, TestDb, PASSWORD};

/// Shelter A: counsellors "carla" ("Test counsellor") and "cora", and
/// supervisor "sam" ("Test supervisor"), each signed in.
struct World {
    server: Server,
    db: TestDb,
    carla: reqwest::Client,
    cora: reqwest::Client,
    sam: reqwest::Client,
}

async fn world(db: TestDb) -> World {
    let store = db.store().await;
    let shelter = "Shelter A";
    for (role, username) in [
        (Role::Counsellor, "carla"),
        (Role::Counsellor, "cora"),
        (Role::Supervisor, "sam"),
    ] {
        add_user(
            &store,
            shelter,
            OrgKind::Counselling,
            role,
            username,
            PASSWORD,
        )
        .await;
    }
    store.close().await;
    let server = Server::start(&db.url).await;
    let signed_in = |username: &'static str| {
        let server = &server;
        async move {
            let c = http_client();
            let r = sign_in(&c, server, username, PASSWORD).await;
            assert!(r.status().is_success(), "{username} signs in");
            c
        }
    };
    let carla = signed_in("carla").await;
    let cora = signed_in("cora").await;
    let sam = signed_in("sam").await;
    World {
        server,
        db,
        carla,
        cora,
        sam,
    }
}

async fn create(
    c: &reqwest::Client,
    s: &Server,
    alias: &str,
    birth_year: &str,
    nationality: &str,
    confirm: bool,
) -> NewCaseOutcome {
    let mut form = vec![
        ("alias", alias),
        ("birth_year", birth_year),
        ("nationality", nationality),
    ];
    if confirm {
        form.push(("confirm", "on"));
    }
    call_ok(c, s, "/api/cases/create", &form).await
}

/// Creates a case that must not look like a duplicate; its code.
async fn created(c: &reqwest::Client, s: &Server, alias: &str, birth_year: &str) -> String {
    match create(c, s, alias, birth_year, "", false).await {
        NewCaseOutcome::Created { code } => code,
        other => panic!("{alias}: {other:?}"),
    }
}

async fn save(
    c: &reqwest::Client,
    s: &Server,
    code: &str,
    section: &str,
    version: i64,
    fields: &[(&str, &str)],
) -> SaveResult {
    tests::save_section(c, s, code, section, version, fields).await
}

async fn open(c: &reqwest::Client, s: &Server, code: &str) -> CaseView {
    call_ok(c, s, "/api/cases/open", &[("code", code)]).await
}

async fn list(c: &reqwest::Client, s: &Server, text: &str, stage: &str, page: i64) -> Caseload {
    let page = page.to_string();
    call_ok(
        c,
        s,
        "/api/cases/list",
        &[
            ("text", text),
            ("stage", stage),
            ("risk", ""),
            ("page", page.as_str()),
        ],
    )
    .await
}

fn codes(l: &Caseload) -> BTreeSet<String> {
    l.items.iter().map(|i| i.code.clone()).collect()
}

fn saved_version(r: &SaveResult) -> i64 {
    match r {
        SaveResult::Saved { version, .. } => *version,
        other => panic!("not saved: {other:?}"),
    }
}

/// Audit rows of an action that were allowed.
async fn allowed(db: &TestDb, action: &str) -> Vec<app::store::AuditEvent> {
    let store = db.store().await;
    let rows = store.recent_audit(10_000).await.unwrap();
    store.close().await;
    rows.into_iter()
        .filter(|e| e.action == action && e.outcome == "allowed")
        .collect()
}

const CONSENT_TO_STORE: [(&str, &str); 3] = [
    ("consent.0.purpose", "store_data"),
    ("consent.0.given_on", "2026-01-05"),
    ("consent.0.language", "en"),
];

const DECISION_STAY: [(&str, &str); 3] = [
    ("decision.choice", "stay"),
    ("decision.on", "2026-01-06"),
    ("decision.free_and_informed", "on"),
];

/// A case like one the organisation has is not created until the
/// counsellor confirms it is another client.
#[tokio::test]
async fn possible_duplicates_are_named_and_nothing_is_created_until_confirmed() {
    let w = world(TestDb::sqlite()).await;
    let (c, s) = (&w.carla, &w.server);
    let NewCaseOutcome::Created { code: first } = create(c, s, "Aster", "1999", "ER", false).await
    else {
        panic!("the first case is created");
    };
    assert_eq!(list(c, s, "", "", 0).await.total, 1);
    // Accents, case and the nationality's case do not make another client.
    match create(c, s, "Astér", "1999", "er", false).await {
        NewCaseOutcome::PossibleDuplicates(hints) => {
            assert_eq!(hints.len(), 1, "{hints:?}");
            assert_eq!(hints[0].code, first);
            assert_eq!(hints[0].likelihood, "likely");
        }
        other => panic!("expected a duplicate warning: {other:?}"),
    }
    assert_eq!(list(c, s, "", "", 0).await.total, 1, "nothing created");
    // Confirmed: a second case.
    let NewCaseOutcome::Created { code: second } = create(c, s, "Astér", "1999", "er", true).await
    else {
        panic!("created once confirmed");
    };
    assert_ne!(second, first);
    let l = list(c, s, "", "", 0).await;
    assert_eq!(l.total, 2);
    assert_eq!(codes(&l), BTreeSet::from([first, second]));
    // A year in the future or an empty alias: nothing is created either.
    match create(c, s, "Nour", "2999", "SY", false).await {
        NewCaseOutcome::Invalid(problems) => {
            assert!(
                problems.iter().any(|p| p.field == "client.birth_year"),
                "{problems:?}"
            );
        }
        other => panic!("{other:?}"),
    }
    match create(c, s, "", "", "", true).await {
        NewCaseOutcome::Invalid(problems) => {
            assert!(
                problems.iter().any(|p| p.field == "client.alias"),
                "{problems:?}"
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(list(c, s, "", "", 0).await.total, 2);
}

/// Each save names the version it started from; one from an older version
/// changes nothing and answers with the other version and who saved it.
async fn a_stale_save_is_a_conflict_and_changes_nothing(w: World) {
    let s = &w.server;
    let code = created(&w.carla, s, "Mira", "1990").await;
    let stay = |wishes: &'static str| {
        [
            ("option.stay.wishes", wishes),
            ("option.stay.feasibility", "difficult"),
        ]
    };
    let v1 = save(&w.carla, s, &code, "options", 0, &stay("A job in care")).await;
    assert_eq!(saved_version(&v1), 1);
    // The supervisor saves on top of version 1.
    let v2 = save(&w.sam, s, &code, "options", 1, &stay("A flat of her own")).await;
    assert_eq!(saved_version(&v2), 2);
    // The counsellor, still at version 1, saves again: refused.
    match save(&w.carla, s, &code, "options", 1, &stay("Overwritten?")).await {
        SaveResult::Conflict {
            fields,
            version,
            updated_by,
            updated_at,
        } => {
            assert_eq!(version, 2);
            assert_eq!(updated_by, "Test supervisor");
            assert!(updated_at > 0);
            assert_eq!(
                fields.get("option.stay.wishes").map(String::as_str),
                Some("A flat of her own"),
                "{fields:?}"
            );
            assert_eq!(
                fields.get("option.stay.feasibility").map(String::as_str),
                Some("difficult")
            );
        }
        other => panic!("expected a conflict: {other:?}"),
    }
    // A section never saved, from version 0 twice: the second is refused.
    assert_eq!(
        saved_version(&save(&w.carla, s, &code, "decision", 0, &DECISION_STAY).await),
        1
    );
    assert!(matches!(
        save(&w.sam, s, &code, "decision", 0, &[]).await,
        SaveResult::Conflict { version: 1, .. }
    ));
    // What is stored is the supervisor's version, and only the two saves
    // of the options (and the one of the decision) are audited.
    let view = open(&w.carla, s, &code).await;
    let stay_notes = view
        .file
        .options
        .notes
        .iter()
        .find(|n| n.option == app::domain::options::FutureOption::Stay)
        .unwrap();
    assert_eq!(stay_notes.wishes, "A flat of her own");
    let meta = &view.sections["options"];
    assert_eq!(meta.version, 2);
    assert_eq!(meta.updated_by.as_deref(), Some("Test supervisor"));
    assert!(
        view.file.decision.decision.is_some(),
        "the first decision kept"
    );
    let saves = allowed(&w.db, "case.section.save").await;
    let of = |section: &str| {
        saves
            .iter()
            .filter(|e| e.section.as_deref() == Some(section))
            .count()
    };
    assert_eq!((of("options"), of("decision")), (2, 1));
}

/// Sections have their own versions: edits of different sections from
/// the same state never conflict, and the caseload's summary takes both.
#[tokio::test]
async fn saves_of_different_sections_do_not_conflict() {
    let w = world(TestDb::sqlite()).await;
    let s = &w.server;
    let code = created(&w.carla, s, "Hana", "1992").await;
    let before = open(&w.carla, s, &code).await;
    assert_eq!(before.sections["consent"].version, 0);
    assert_eq!(before.sections["decision"].version, 0);
    assert_eq!(before.sections["client"].version, 1);
    let (consent, decision) = tokio::join!(
        save(&w.carla, s, &code, "consent", 0, &CONSENT_TO_STORE),
        save(&w.sam, s, &code, "decision", 0, &DECISION_STAY),
    );
    assert_eq!(saved_version(&consent), 1);
    assert_eq!(saved_version(&decision), 1);
    let after = open(&w.sam, s, &code).await;
    assert_eq!(after.file.consent.records.len(), 1);
    assert!(after.file.decision.decision.is_some());
    assert_eq!(after.sections["client"].version, 1);
    // Consent to store and a free decision to stay: the stay track, which
    // neither save alone would give.
    let l = list(&w.carla, s, &code, "", 0).await;
    assert_eq!(l.items.len(), 1);
    assert_eq!(l.items[0].stage, "stay_track");
    // Beside every step, the handover panel says what applies on the stay
    // track, not what a return would still need.
    let page = tests::page_text(&w.carla, s, &format!("/cases/{code}/decision")).await;
    assert!(page.contains(r#"id="handover-track""#), "{page}");
    assert!(page.contains("chose to stay and regularise"), "{page}");
    assert!(!page.contains(r#"id="handover-missing""#), "{page}");
}

/// Observations the chosen indicator list does not count are named under
/// the result (from another list, or unknown to the catalogue), never
/// silently dropped.
#[tokio::test]
async fn observations_the_list_does_not_count_are_named() {
    let w = world(TestDb::sqlite()).await;
    let (c, s) = (&w.carla, &w.server);
    let code = created(c, s, "Selam", "1995").await;
    saved_version(&save(c, s, &code, "consent", 0, &CONSENT_TO_STORE).await);
    let r = save(
        c,
        s,
        &code,
        "screening",
        0,
        &[
            ("screening.list", "adult_sexual"),
            ("obs.d1-nature-of-job", "on"),
            ("obs.x-made-up", "on"),
        ],
    )
    .await;
    assert_eq!(saved_version(&r), 1);
    let page = tests::page_text(c, s, &format!("/cases/{code}/identification")).await;
    assert!(page.contains(r#"id="ilo-not-counted""#), "{page}");
    assert!(page.contains("Not counted with this list (2)"), "{page}");
    assert!(
        page.contains(
            "Deceived about the nature of the job, location or employer (d1-nature-of-job)"
        ),
        "{page}"
    );
    assert!(
        page.contains("An indicator the catalogue does not know (x-made-up)"),
        "{page}"
    );
    // On the list the observation is on, it counts: nothing is said.
    let r = save(
        c,
        s,
        &code,
        "screening",
        1,
        &[
            ("screening.list", "adult_labour"),
            ("obs.d1-nature-of-job", "on"),
        ],
    )
    .await;
    assert_eq!(saved_version(&r), 2);
    let page = tests::page_text(c, s, &format!("/cases/{code}/identification")).await;
    assert!(!page.contains(r#"id="ilo-not-counted""#), "{page}");
}

/// Identification screening through the real server (issue #15, item 1):
/// a client whose age is unclear is judged by the child list, which the
/// catalogue does not hold yet, so the result is "cannot be assessed",
/// never "not consistent"; an adult's negative from the partial adult
/// list is "not established", with how much of the list it rests on.
#[tokio::test]
async fn screening_follows_the_clients_age_and_says_how_much_of_the_list_it_had() {
    let w = world(TestDb::sqlite()).await;
    let (c, s) = (&w.carla, &w.server);
    let code = created(c, s, "Hana Screening", "1995").await;
    saved_version(&save(c, s, &code, "consent", 0, &CONSENT_TO_STORE).await);
    let screening = [
        ("screening.list", "adult_labour"),
        ("obs.d1-nature-of-job", "on"),
    ];
    saved_version(&save(c, s, &code, "screening", 0, &screening).await);
    let page = tests::page_text(c, s, &format!("/cases/{code}/identification")).await;
    assert!(page.contains("Not established"), "{page}");
    assert!(page.contains("Based on 59 of 67 indicators"), "{page}");
    assert!(!page.contains("not (yet) consistent"), "{page}");
    assert!(
        !page.contains(r#"id="ilo-list-by-age""#),
        "an adult: {page}"
    );
    assert!(
        page.contains("No signal from the Dutch lists noted."),
        "{page}"
    );
    // The Dutch signals, the second instrument: their own result, and not
    // among what the ILO list does not count.
    let v = open(c, s, &code).await;
    let screening = [
        ("screening.list", "adult_labour"),
        ("obs.d1-nature-of-job", "on"),
        ("obs.nl-arranged-travel", "on"),
        ("obs.nl-debts", "on"),
    ];
    saved_version(
        &save(
            c,
            s,
            &code,
            "screening",
            v.sections["screening"].version,
            &screening,
        )
        .await,
    );
    let page = tests::page_text(c, s, &format!("/cases/{code}/identification")).await;
    assert!(
        page.contains(r#"id="f-obs-nl-debts""#),
        "the checklist in the step: {page}"
    );
    assert!(
        page.contains("2 signals noted, in 1 of the 4 groups"),
        "{page}"
    );
    assert!(page.contains(r#"id="nl-signals-partial""#), "{page}");
    assert!(!page.contains(r#"id="ilo-not-counted""#), "{page}");
    // The age is assessed again: 16 to 19, so possibly a child.
    let v = open(c, s, &code).await;
    let mut client = v.file.fields(app::domain::policy::Section::Client);
    for (k, val) in [
        ("client.birth", "age_band"),
        ("client.age_from", "16"),
        ("client.age_to", "19"),
        ("client.age_assessed_on", "2026-01-05"),
    ] {
        client.insert(k.into(), val.into());
    }
    let pairs: Vec<(&str, &str)> = client
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    saved_version(&save(c, s, &code, "client", v.sections["client"].version, &pairs).await);
    let page = tests::page_text(c, s, &format!("/cases/{code}/identification")).await;
    assert!(page.contains(r#"id="ilo-list-by-age""#), "{page}");
    assert!(page.contains("Children, labour exploitation"), "{page}");
    assert!(page.contains("Cannot be assessed with this list"), "{page}");
    assert!(!page.contains("Not established"), "{page}");
    assert!(!page.contains("Based on 59"), "{page}");
    // A person decides the status, apart from the screening: recorded in
    // the client's facts, named beside the result, carried by the export.
    let v = open(c, s, &code).await;
    let mut client = v.file.fields(app::domain::policy::Section::Client);
    client.insert("trafficking.status".into(), "identified".into());
    let pairs: Vec<(&str, &str)> = client
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let r = save(c, s, &code, "client", v.sections["client"].version, &pairs).await;
    assert!(
        matches!(&r, SaveResult::Invalid(p) if p.iter().any(|p| p.field == "trafficking.authority")),
        "an identification names who identified: {r:?}"
    );
    client.insert("trafficking.authority".into(), "Police".into());
    client.insert("trafficking.on".into(), "2026-01-06".into());
    let pairs: Vec<(&str, &str)> = client
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    saved_version(&save(c, s, &code, "client", v.sections["client"].version, &pairs).await);
    let page = tests::page_text(c, s, &format!("/cases/{code}/identification")).await;
    assert!(
        page.contains("Status: identified by Police on 2026-01-06"),
        "{page}"
    );
    let json: serde_json::Value = call(c, s, "/api/cases/export_json", &[("code", code.as_str())])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(json["schema_version"], "5");
    assert_eq!(
        json["subject"]["trafficking_status"]["status"],
        "identified"
    );
    assert_eq!(json["subject"]["trafficking_status"]["authority"], "Police");
}

/// Bad input names every field, and nothing is stored or audited.
#[tokio::test]
async fn invalid_input_names_each_field_and_stores_nothing() {
    let w = world(TestDb::sqlite()).await;
    let (c, s) = (&w.carla, &w.server);
    let code = created(c, s, "Selam", "1995").await;
    let result = save(
        c,
        s,
        &code,
        "client",
        1,
        &[
            ("client.alias", ""),
            ("contact.on", "2999-01-01"),
            ("client.nationality", "Eritrea"),
        ],
    )
    .await;
    match result {
        SaveResult::Invalid(problems) => {
            let named: BTreeSet<&str> = problems.iter().map(|p| p.field.as_str()).collect();
            assert_eq!(
                named,
                BTreeSet::from(["client.alias", "contact.on", "client.nationality"]),
                "{problems:?}"
            );
        }
        other => panic!("expected the problems: {other:?}"),
    }
    let view = open(c, s, &code).await;
    assert_eq!(view.file.first_contact.client.alias, "Selam");
    assert_eq!(view.sections["client"].version, 1);
    assert!(view.file.first_contact.first_contact_on.is_some());
    assert_eq!(list(c, s, "selam", "", 0).await.total, 1);
    assert!(allowed(&w.db, "case.section.save").await.is_empty());
    // An unknown section or case is not found.
    let r = call(
        c,
        s,
        "/api/cases/save",
        &[
            ("code", code.as_str()),
            ("section", "diary"),
            ("version", "0"),
        ],
    )
    .await;
    assert_eq!(r.status(), 404);
    let r = call(c, s, "/api/cases/open", &[("code", "0000-0000-0")]).await;
    assert_eq!(r.status(), 404);
}

/// A step's form posted by a browser without WASM comes back to the step,
/// saying how it went.
#[tokio::test]
async fn forms_without_wasm_go_back_to_their_step() {
    let w = world(TestDb::sqlite()).await;
    let (c, s) = (&w.carla, &w.server);
    let code = created(c, s, "Dina", "1993").await;
    let post = |version: &'static str| {
        c.post(s.url("/api/cases/save"))
            .header("Origin", &s.base)
            .header("Accept", "text/html,application/xhtml+xml")
            .form(&[
                ("code", code.as_str()),
                ("section", "options"),
                ("version", version),
                ("f[option.return.wishes]", "See her sister again"),
            ])
            .send()
    };
    let r = post("0").await.unwrap();
    assert!(
        r.status() == 303 || r.status() == 302,
        "status {}",
        r.status()
    );
    assert_eq!(
        r.headers()["location"],
        format!("/cases/{code}/options?result=saved").as_str()
    );
    let view = open(c, s, &code).await;
    assert_eq!(view.sections["options"].version, 1);
    // The same form again, from the old version: back with the conflict.
    let r = post("0").await.unwrap();
    assert!(r.status().is_redirection(), "status {}", r.status());
    assert_eq!(
        r.headers()["location"],
        format!("/cases/{code}/options?result=conflict").as_str()
    );
    assert_eq!(open(c, s, &code).await.sections["options"].version, 1);
}

/// The caseload finds a case by any part of the alias (without accents)
/// or by the start of its code, filters by stage and pages by 25.
#[tokio::test]
async fn the_caseload_searches_filters_and_pages() {
    let w = world(TestDb::sqlite()).await;
    let (c, s) = (&w.carla, &w.server);
    let rosa = created(c, s, "Rósa María", "1990").await;
    let amina = created(c, s, "Amina", "1991").await;
    let joy = created(c, s, "Joy", "1988").await;
    save(c, s, &joy, "consent", 0, &CONSENT_TO_STORE).await;
    save(c, s, &joy, "decision", 0, &DECISION_STAY).await;
    // Alias, accent- and case-insensitive, any part.
    for text in ["rosa", "ROSA", "Rósa", "maria", "a ma"] {
        let l = list(c, s, text, "", 0).await;
        assert_eq!(codes(&l), BTreeSet::from([rosa.clone()]), "{text:?}");
        assert_eq!(l.items[0].alias, "Rósa María");
    }
    assert_eq!(list(c, s, "ami", "", 0).await.total, 1);
    assert_eq!(list(c, s, "nobody", "", 0).await.total, 0);
    // LIKE's wildcards are plain characters.
    assert_eq!(list(c, s, "%", "", 0).await.total, 0);
    assert_eq!(list(c, s, "_", "", 0).await.total, 0);
    // The code: its start, typed as shown or sloppily, or all of it.
    for text in [
        amina[..4].to_string(),
        amina[..7].to_string(),
        amina[..7].to_lowercase(),
        amina.replace('-', " "),
        amina.clone(),
    ] {
        let l = list(c, s, &text, "", 0).await;
        assert!(codes(&l).contains(&amina), "{text:?} finds {amina}");
        if text.len() > 4 {
            assert_eq!(l.total, 1, "{text:?}");
        }
    }
    // Stage.
    let l = list(c, s, "", "stay_track", 0).await;
    assert_eq!(codes(&l), BTreeSet::from([joy.clone()]));
    assert_eq!(l.items[0].stage, "stay_track");
    let l = list(c, s, "", "draft", 0).await;
    assert_eq!(codes(&l), BTreeSet::from([rosa.clone(), amina.clone()]));
    // Most recently active first.
    let all = list(c, s, "", "", 0).await;
    assert_eq!(all.items[0].code, joy);
    assert!(all.may_create);
    assert_eq!(all.items[0].counsellor, "Test counsellor");
    // Paging: 27 more, 30 in all; 25 a page.
    for i in 0..27 {
        created(c, s, &format!("Client {i}"), "").await;
    }
    let first = list(c, s, "", "", 0).await;
    assert_eq!(
        (first.items.len(), first.total, first.has_more),
        (25, 30, true)
    );
    let second = list(c, s, "", "", 1).await;
    assert_eq!(
        (second.items.len(), second.total, second.has_more),
        (5, 30, false)
    );
    assert_eq!(second.page, 1);
    let mut every = codes(&first);
    every.extend(codes(&second));
    assert_eq!(every.len(), 30, "no case twice, none left out");
    assert!(list(c, s, "", "", 2).await.items.is_empty());
    // The supervisor sees the organisation's cases; another counsellor
    // only her own (none), and cannot open them.
    let sup = list(&w.sam, s, "", "", 0).await;
    assert_eq!((sup.total, sup.may_create), (30, false));
    let other = list(&w.cora, s, "", "", 0).await;
    assert_eq!(other.total, 0);
    let r = call(&w.cora, s, "/api/cases/open", &[("code", rosa.as_str())]).await;
    assert_eq!(r.status(), 404);
}

/// Who opened and changed a case is in its access log by name; the audit
/// names the case by its code, and the server's log never names a client.
#[tokio::test]
async fn the_access_log_names_who_and_the_log_names_no_client() {
    let w = world(TestDb::sqlite()).await;
    let s = &w.server;
    let alias = "Zephyrinqua";
    let code = created(&w.carla, s, alias, "1990").await;
    open(&w.carla, s, &code).await;
    save(&w.carla, s, &code, "consent", 0, &CONSENT_TO_STORE).await;
    open(&w.sam, s, &code).await;
    // Another counsellor's attempt is refused and audited.
    let r = call(&w.cora, s, "/api/cases/open", &[("code", code.as_str())]).await;
    assert_eq!(r.status(), 404);
    let log: CaseAccessLog = call_ok(
        &w.carla,
        s,
        "/api/cases/access_log",
        &[("code", code.as_str()), ("page", "0")],
    )
    .await;
    assert_eq!(log.code, code);
    let has = |who: &str, action: &str, section: Option<&str>| {
        log.entries.iter().any(|e| {
            e.who.as_deref() == Some(who)
                && e.action == action
                && e.outcome == "allowed"
                && (section.is_none() || e.section.as_deref() == section)
        })
    };
    assert!(
        has("Test counsellor", "case.create", Some("client")),
        "{log:?}"
    );
    assert!(has("Test counsellor", "case.open", None), "{log:?}");
    assert!(
        has("Test counsellor", "case.section.save", Some("consent")),
        "{log:?}"
    );
    assert!(has("Test supervisor", "case.open", None), "{log:?}");
    assert!(
        log.entries
            .iter()
            .any(|e| e.action == "case.open" && e.outcome == "denied"),
        "{log:?}"
    );
    // Newest first.
    assert!(
        log.entries.windows(2).all(|p| p[0].at >= p[1].at),
        "{log:?}"
    );
    // The audit names the case by its code.
    let opened = allowed(&w.db, "case.open").await;
    assert_eq!(opened.len(), 2);
    assert!(opened
        .iter()
        .all(|e| e.case_code.as_deref() == Some(code.as_str())));
    // The supervisor may read the log too; the other counsellor may not.
    let r = call(
        &w.sam,
        s,
        "/api/cases/access_log",
        &[("code", code.as_str()), ("page", "0")],
    )
    .await;
    assert_eq!(r.status(), 200);
    let r = call(
        &w.cora,
        s,
        "/api/cases/access_log",
        &[("code", code.as_str()), ("page", "0")],
    )
    .await;
    assert_eq!(r.status(), 404);
    // The search by alias is not logged either.
    list(&w.carla, s, alias, "", 0).await;
    let text = w.server.log_text();
    assert!(
        text.contains(&code),
        "the log names the case by its code:\n{text}"
    );
    assert!(
        !text.to_lowercase().contains(&alias.to_lowercase()),
        "the server log names a client:\n{text}"
    );
}

/// `safeplan demo` adds ten invented sample cases of the demo counsellor
/// at different stages — among them plans handed over to the demo mission
/// in every inbox state, one past departure with its follow-up, and a
/// high-risk return waiting for approval — once, logging only their codes.
#[tokio::test]
async fn the_demo_has_sample_cases_at_every_kind_of_stage() {
    let db = TestDb::sqlite();
    let aliases = [
        "Amina", "Rosa", "Joy", "Ada", "Mercy", "Faith", "Blessing", "Grace", "Esther", "Hope",
    ];
    for run in 0..2 {
        let out = tokio::process::Command::new(tests::server_bin())
            .env("DATABASE_URL", &db.url)
            .env("SAFEPLAN_LOG", "info")
            .arg("demo")
            .output()
            .await
            .unwrap();
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(out.status.success(), "{text}");
        let added = text.matches("demo case added").count();
        assert_eq!(added, if run == 0 { 11 } else { 0 }, "run {run}:\n{text}");
        for alias in aliases {
            assert!(!text.contains(alias), "run {run} names {alias}:\n{text}");
        }
    }
    let store = db.store().await;
    let iom = store
        .organisation_by_name(server::demo::IOM_ORG)
        .await
        .unwrap()
        .unwrap();
    store.close().await;
    let server = Server::start(&db.url).await;
    let c = http_client();
    let r = sign_in(&c, &server, "demo.counsellor", "demo-counsellor-pass").await;
    assert!(r.status().is_success());
    let l = list(&c, &server, "", "", 0).await;
    assert_eq!(l.total, 11, "seeded once: {:?}", l.items);
    let stages: BTreeSet<&str> = l.items.iter().map(|i| i.stage.as_str()).collect();
    assert_eq!(
        stages,
        BTreeSet::from([
            "draft",
            "options_open",
            "approved_for_return",
            "stay_track",
            "handed_over",
            "monitoring",
            "risk_assessed",
            // Returned, followed up for a year, and closed.
            "closed",
        ])
    );
    // Rosa, and Blessing whose handover the mission rejected.
    let ready: Vec<_> = l.items.iter().filter(|i| i.ready_for_handover).collect();
    assert_eq!(ready.len(), 2, "{:?}", l.items);
    for item in &l.items {
        let view = open(&c, &server, &item.code).await;
        let now = app::domain::clock::Clock::default().wall(chrono::Utc::now());
        let p = view.file.progress(&app::catalog::planning(), now);
        assert_eq!(p.stage.slug(), item.stage, "{}", item.code);
        assert_eq!(p.ready_for_handover(), item.ready_for_handover);
        if item.ready_for_handover {
            assert_eq!(
                view.file.travel.mission_id.as_deref(),
                Some(iom.id.as_str())
            );
            assert!(view.missions.iter().any(|(id, _)| *id == iom.id));
        }
    }
    let mid = l.items.iter().find(|i| i.stage == "options_open").unwrap();
    let view = open(&c, &server, &mid.code).await;
    assert!(view.file.screening.observations.len() >= 2);
    assert!(view.file.decision.decision.is_none());
    // A child's screening: her age is unclear, so the child list is used,
    // which the catalogue does not hold yet.
    assert_eq!(
        view.file.screening_list(view.today),
        app::domain::screening::IloList::ChildLabour
    );
    let page = tests::page_text(&c, &server, &format!("/cases/{}/identification", mid.code)).await;
    assert!(page.contains("Cannot be assessed with this list"), "{page}");
    // An EU national's budget: the in-kind programme for EU-national
    // victims.
    let eu_budgets = eu_national_budgets(&c, &server, &l).await;
    assert_eq!(eu_budgets, 1);
    // The supervisor sees them too, with the high-risk return waiting for
    // approval and the return that has happened.
    let sup = http_client();
    sign_in(&sup, &server, "demo.supervisor", "demo-supervisor-pass").await;
    assert_eq!(list(&sup, &server, "", "", 0).await.total, 11);
    let d: app::api::dashboard::DashboardView =
        call_ok(&sup, &server, "/api/dashboard/summary", &[]).await;
    assert_eq!(d.figures.awaiting_approval.len(), 1);
    assert_eq!(d.figures.trends.departures.iter().sum::<i64>(), 1);
    // Followed up: the returned plan's first contact, the closed plan's
    // year of contacts (its latest score counts).
    assert_eq!(
        d.figures.scores,
        vec![
            ("low".to_string(), 0),
            ("medium".to_string(), 1),
            ("high".to_string(), 1)
        ]
    );
    assert_eq!(d.waiting.len(), 2, "one new, one with a question");
    // The demo mission's inbox has a plan in every state but withdrawn.
    let officer = http_client();
    sign_in(&officer, &server, "demo.officer", "demo-officer-password").await;
    let inbox: app::api::handovers::InboxView = call_ok(
        &officer,
        &server,
        "/api/handovers/inbox",
        &[("status", ""), ("page", "0")],
    )
    .await;
    let count = |slug: &str| {
        inbox
            .counts
            .iter()
            .find(|(s, _)| s.slug() == slug)
            .map_or(0, |(_, n)| *n)
    };
    assert_eq!(
        [
            count("new"),
            count("needs_information"),
            count("accepted"),
            count("rejected")
        ],
        // Accepted: booking, returned, and the closed plan's.
        [1, 1, 3, 1]
    );
}

tests::on_both_engines!(
    a_stale_save_is_a_conflict_and_changes_nothing,
    a_done_milestone_keeps_its_date_when_the_departure_moves,
    a_programme_the_client_may_not_get_is_neither_offered_nor_taken,
    milestones_follow_the_work_and_the_hand_wins,
);

/// A milestone the work fulfils is ticked by that work, with the step
/// that did it; the counsellor may still untick it by hand, and the hand
/// wins until it is left to the work again (issue #15, item 5).
async fn milestones_follow_the_work_and_the_hand_wins(w: World) {
    let (c, s) = (&w.carla, &w.server);
    let code = created(c, s, "Mira Milestones", "1990").await;
    tests::make_ready(c, s, &code, "Mira Milestones", "iom-mission-test").await;
    let state = |v: &CaseView, id: &str| {
        v.file
            .milestones(&app::catalog::planning())
            .into_iter()
            .find(|m| m.template_id == id)
            .map(|m| (m.status, m.by_work))
            .unwrap()
    };
    use app::domain::case_file::Step;
    use app::domain::milestones::{MilestoneStatus, WorkPlace};
    let v = open(c, s, &code).await;
    let today = v.today;
    let first_contact = v.file.first_contact.first_contact_on.unwrap();
    assert_eq!(
        state(&v, "M1"),
        (
            MilestoneStatus::Done { on: first_contact },
            Some(WorkPlace::Step(Step::FirstContact))
        )
    );
    assert!(matches!(
        state(&v, "M2"),
        (
            MilestoneStatus::Done { .. },
            Some(WorkPlace::Step(Step::Consent))
        )
    ));
    assert!(matches!(
        state(&v, "M6"),
        (
            MilestoneStatus::Done { .. },
            Some(WorkPlace::Step(Step::Decision))
        )
    ));
    assert!(matches!(
        state(&v, "M7"),
        (
            MilestoneStatus::Done { .. },
            Some(WorkPlace::Step(Step::Risk))
        )
    ));
    assert_eq!(state(&v, "M10"), (MilestoneStatus::Pending, None));
    // The travel document is obtained (the travel step, with evidence):
    // its milestone is ticked.
    let mut travel = v.file.fields(app::domain::policy::Section::Travel);
    travel.insert("step.T4.status".into(), "done".into());
    travel.insert("step.T4.done_on".into(), today.to_string());
    travel.insert("step.T4.evidence".into(), "Laissez-passer issued".into());
    let pairs: Vec<(&str, &str)> = travel
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    saved_version(&save(c, s, &code, "travel", v.sections["travel"].version, &pairs).await);
    let v = open(c, s, &code).await;
    assert_eq!(
        state(&v, "M10"),
        (
            MilestoneStatus::Done { on: today },
            Some(WorkPlace::Step(Step::Travel))
        )
    );
    // Unticked by hand: the hand wins over the work.
    let r = save(
        c,
        s,
        &code,
        "milestones",
        v.sections["milestones"].version,
        &[("ms.M7.status", "pending")],
    )
    .await;
    saved_version(&r);
    let v = open(c, s, &code).await;
    assert_eq!(state(&v, "M7"), (MilestoneStatus::Pending, None));
    assert_eq!(
        state(&v, "M10").1,
        Some(WorkPlace::Step(Step::Travel)),
        "the others still follow the work"
    );
    // Left to the work again.
    let r = save(
        c,
        s,
        &code,
        "milestones",
        v.sections["milestones"].version,
        &[("ms.M7.status", "")],
    )
    .await;
    saved_version(&r);
    let v = open(c, s, &code).await;
    assert!(matches!(
        state(&v, "M7"),
        (
            MilestoneStatus::Done { .. },
            Some(WorkPlace::Step(Step::Risk))
        )
    ));
    // The step shows the link to the work.
    let page = tests::page_text(c, s, &format!("/cases/{code}/milestones")).await;
    assert!(page.contains(r#"href="./travel""#), "{page}");
    assert!(page.contains(r#"class="badge by-work""#), "{page}");
}

/// A milestone done (or set aside) keeps the due date it had when the
/// departure moves later; an open one follows the new departure, and one
/// ticked off again follows it too (issue #15, 2.4).
async fn a_done_milestone_keeps_its_date_when_the_departure_moves(w: World) {
    let (c, s) = (&w.carla, &w.server);
    let code = created(c, s, "Dina Milestone", "1991").await;
    tests::make_ready(c, s, &code, "Dina Milestone", "iom-mission-test").await;
    let due = |v: &CaseView, id: &str| {
        v.file
            .milestones(&app::catalog::planning())
            .into_iter()
            .find(|m| m.template_id == id)
            .and_then(|m| m.due)
    };
    let v = open(c, s, &code).await;
    let departure = v.file.travel.planned_departure.expect("a departure");
    let registered_due = due(&v, "M9").expect("dated from the departure");
    assert_eq!(registered_due, departure - chrono::Duration::days(28));
    let today = v.today.to_string();
    let version = v.sections["milestones"].version;
    let r = save(
        c,
        s,
        &code,
        "milestones",
        version,
        &[("ms.M9.status", "done"), ("ms.M9.done_on", today.as_str())],
    )
    .await;
    assert!(matches!(r, SaveResult::Saved { .. }), "{r:?}");
    // The departure moves a month later.
    let later = (departure + chrono::Duration::days(30)).to_string();
    let mut travel = v.file.fields(app::domain::policy::Section::Travel);
    travel.insert("travel.departure".into(), later);
    let pairs: Vec<(&str, &str)> = travel
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let r = save(c, s, &code, "travel", v.sections["travel"].version, &pairs).await;
    assert!(matches!(r, SaveResult::Saved { .. }), "{r:?}");
    let v = open(c, s, &code).await;
    assert_eq!(due(&v, "M9"), Some(registered_due), "done: its date stays");
    assert_eq!(
        due(&v, "M10"),
        Some(departure + chrono::Duration::days(30 - 14)),
        "open: follows the departure"
    );
    // Ticked off again: it follows the departure as it stands.
    let r = save(
        c,
        s,
        &code,
        "milestones",
        v.sections["milestones"].version,
        &[("ms.M9.status", "pending")],
    )
    .await;
    assert!(matches!(r, SaveResult::Saved { .. }), "{r:?}");
    let v = open(c, s, &code).await;
    assert_eq!(
        due(&v, "M9"),
        Some(departure + chrono::Duration::days(30 - 28))
    );
}

/// The budget step offers only the programmes the client may get, and the
/// server refuses a programme newly chosen that the client may not get,
/// whatever sends it (issue #15, item 3).
async fn a_programme_the_client_may_not_get_is_neither_offered_nor_taken(w: World) {
    let (c, s) = (&w.carla, &w.server);
    let code = created(c, s, "Ileana Budget", "1990").await;
    tests::make_ready(c, s, &code, "Ileana Budget", "iom-mission-test").await;
    let path = format!("/cases/{code}/reintegration");
    let offered = tests::page_text(c, s, &path).await;
    assert!(
        offered.contains(r#"value="nl-2025-reintegration""#),
        "{offered}"
    );
    assert!(
        !offered.contains(r#"value="nl-vot-eu-in-kind""#),
        "{offered}"
    );
    // A Nigerian client: the programme for EU nationals is refused.
    let r = choose_programme(c, s, &code, "nl-vot-eu-in-kind").await;
    assert!(
        matches!(&r, SaveResult::Invalid(p) if p.iter().any(|p| p.field == "reint.programme"
            && p.error == app::domain::fields::FieldError::NotEligible)),
        "{r:?}"
    );
    // A Polish national who may be a victim of trafficking may get it.
    let v = open(c, s, &code).await;
    let mut client = v.file.fields(app::domain::policy::Section::Client);
    client.insert("client.nationality".into(), "PL".into());
    client.insert("trafficking.status".into(), "possible_victim".into());
    let pairs: Vec<(&str, &str)> = client
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    saved_version(&save(c, s, &code, "client", v.sections["client"].version, &pairs).await);
    let offered = tests::page_text(c, s, &path).await;
    assert!(
        offered.contains(r#"value="nl-vot-eu-in-kind""#),
        "{offered}"
    );
    let r = choose_programme(c, s, &code, "nl-vot-eu-in-kind").await;
    assert!(matches!(r, SaveResult::Saved { .. }), "{r:?}");
}

/// Saves the reintegration section as it is, with programme `id`.
async fn choose_programme(c: &reqwest::Client, s: &Server, code: &str, id: &str) -> SaveResult {
    let v = open(c, s, code).await;
    let mut reint = v.file.fields(app::domain::policy::Section::Reintegration);
    reint.insert("reint.programme".into(), id.into());
    let pairs: Vec<(&str, &str)> = reint
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    save(
        c,
        s,
        code,
        "reintegration",
        v.sections["reintegration"].version,
        &pairs,
    )
    .await
}

/// How many plans of the caseload `l` have the budget of the in-kind
/// programme for victims from an EU member state.
async fn eu_national_budgets(c: &reqwest::Client, s: &Server, l: &Caseload) -> usize {
    let mut n = 0;
    for item in &l.items {
        let view = open(c, s, &item.code).await;
        if view.file.reintegration.programme_id.as_deref() == Some("nl-vot-eu-in-kind") {
            assert_eq!(
                view.file.first_contact.client.nationality.as_deref(),
                Some("RO")
            );
            let budget = view
                .file
                .budget(&app::catalog::planning(), view.today)
                .expect("a budget");
            assert!(budget.problems.is_empty(), "{:?}", budget.problems);
            // Beside it, the REAN cash allowance, checked on its own line.
            assert_eq!(
                view.file.reintegration.combined_programme_id.as_deref(),
                Some("rean-vot-allowance")
            );
            assert_eq!(budget.combined.len(), 1);
            assert!(
                budget.combined[0].problems.is_empty(),
                "{:?}",
                budget.combined[0].problems
            );
            assert_eq!(budget.grand_total().to_string(), "650");
            let page = tests::page_text(c, s, &format!("/cases/{}/reintegration", item.code)).await;
            assert!(page.contains(r#"id="budget-combined""#), "{page}");
            assert!(
                page.contains("Total of the plan, both programmes"),
                "{page}"
            );
            n += 1;
        }
    }
    n
}
