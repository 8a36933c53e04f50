//! The shared plan in headless Chromium against the release build: the
//! counsellor hands a ready plan over to IOM; the return officer finds it
//! in the mission's inbox, sees only what was shared and asks a question;
//! the counsellor answers in the plan; the officer accepts, books travel
//! and records departure and arrival; the supervisor's dashboard shows the
//! plan at its stage. Every screen is checked with axe-core and photographed under
//! `target/test-output/screenshots/handover/`.

use app::domain::{OrgKind, Role};
use tests::browser::Browser;
use tests::journey::Session;
use tests::{add_user, call_ok, http_client, make_ready, sign_in, Server, TestDb, PASSWORD};

#[tokio::test]
async fn a_plan_goes_to_iom_and_the_client_travels() {
    let db = TestDb::sqlite();
    let store = db.store().await;
    for (org, kind, role, name) in [
        ("Shelter A", OrgKind::Counselling, Role::Counsellor, "carla"),
        ("Shelter A", OrgKind::Counselling, Role::Supervisor, "sam"),
        (
            "IOM Netherlands",
            OrgKind::IomMission,
            Role::ReturnOfficer,
            "olga",
        ),
    ] {
        add_user(&store, org, kind, role, name, PASSWORD).await;
    }
    let mission = store
        .organisation_by_name("IOM Netherlands")
        .await
        .unwrap()
        .unwrap()
        .id;
    store.close().await;
    let server = Server::start(&db.url).await;

    // A plan made ready over HTTP (the session itself is case_session's).
    let carla_http = http_client();
    assert!(sign_in(&carla_http, &server, "carla", PASSWORD)
        .await
        .status()
        .is_success());
    let created: app::api::cases::NewCaseOutcome = call_ok(
        &carla_http,
        &server,
        "/api/cases/create",
        &[
            ("alias", "Rosa"),
            ("birth_year", "1994"),
            ("nationality", "NG"),
        ],
    )
    .await;
    let app::api::cases::NewCaseOutcome::Created { code } = created else {
        panic!("{created:?}");
    };
    make_ready(&carla_http, &server, &code, "Rosa", &mission).await;

    let browser = Browser::start().await;
    let mut s = Session::new(&browser, "handover");
    let review = format!("/cases/{code}/review");

    // The counsellor hands it over, with a note.
    s.sign_in_as(&server, "carla", &review).await;
    s.live("review").await;
    s.wait_text("handover-ready", "ready for handover", |t| !t.is_empty())
        .await;
    s.check("counsellor-ready").await;
    s.type_into("handover-note", "Passport is with the police until March.")
        .await;
    s.click("hand-over").await;
    s.wait_text("handover-status", "handed over", |t| {
        t == "Handed over, waiting for IOM"
    })
    .await;
    s.live("review").await;
    s.wait_text("case-stage", "the handed-over stage", |t| {
        t == "Handed over to IOM"
    })
    .await;
    s.check("counsellor-handed-over").await;

    // The return officer finds it in the inbox.
    s.sign_in_as(&server, "olga", "/inbox").await;
    let row = s
        .wait_text("inbox", "the plan in the inbox", |t| t.contains(&code))
        .await;
    assert!(row.contains("Shelter A") && row.contains("New"), "{row}");
    assert!(!row.contains("Rosa"), "the inbox names cases by code only");
    s.check("inbox").await;
    s.b.click(&format!("#inbox a[href='/cases/{code}/review']"))
        .await;
    s.live("review").await;
    // Only the shared sections: no identification, no options.
    let steps = s.b.text_of("nav.stepper").await;
    assert!(!steps.contains("Identification"), "{steps}");
    let messages = s.text("handover-messages").await;
    assert!(
        messages.contains("Passport is with the police until March."),
        "{messages}"
    );
    s.check("officer-opens").await;

    // She asks for information.
    s.type_into("ask-text", "Has the laissez-passer been requested?")
        .await;
    s.click("ask-form-submit").await;
    s.wait_text("handover-status", "asks for information", |t| {
        t == "IOM asks for information"
    })
    .await;
    s.live("review").await;
    s.check("officer-asked").await;

    // The counsellor sees the question and how long it has waited, and
    // answers in the plan.
    s.sign_in_as(&server, "carla", &review).await;
    s.live("review").await;
    s.wait_text("handover-status", "the question", |t| {
        t == "IOM asks for information"
    })
    .await;
    let messages = s.text("handover-messages").await;
    assert!(messages.contains("laissez-passer"), "{messages}");
    let panel = s.text("handover-panel").await;
    assert!(panel.contains("In this state since"), "{panel}");
    s.check("counsellor-question").await;
    s.type_into("answer-text", "Yes, on 3 December; it takes four weeks.")
        .await;
    s.click("answer-form-submit").await;
    s.wait_text("handover-status", "waiting for IOM again", |t| {
        t == "Handed over, waiting for IOM"
    })
    .await;
    s.live("review").await;

    // The officer accepts and works the plan: travel document,
    // registration, booking; then departure and arrival.
    s.sign_in_as(&server, "olga", &review).await;
    s.live("review").await;
    let messages = s.text("handover-messages").await;
    assert!(messages.contains("it takes four weeks"), "{messages}");
    s.click("accept-form-submit").await;
    s.wait_text("handover-status", "accepted", |t| t == "Accepted by IOM")
        .await;
    s.live("review").await;
    s.check("officer-accepted").await;
    s.step("travel", "Travel").await;
    for (step, evidence) in [
        ("T4", "Laissez-passer LP-2291"),
        ("T5", "Registered with the partner"),
        ("T8", "Flight booked via Istanbul"),
    ] {
        // The evidence first: a step is done with its evidence.
        s.type_into(&format!("f-step-{step}-evidence"), evidence)
            .await;
        s.set(&format!("f-step-{step}-status"), "done").await;
    }
    s.wait_saved().await;
    s.wait_text("case-stage", "travel booked", |t| t == "Travel booked")
        .await;
    s.check("travel-booked").await;
    s.type_into(
        "f-step-T10-evidence",
        "Left from Schiphol, met by the escort",
    )
    .await;
    s.set("f-step-T10-status", "done").await;
    s.wait_saved().await;
    s.wait_text("case-stage", "departed", |t| t == "Departed")
        .await;
    s.step("milestones", "Milestones").await;
    s.set("f-ms-M12-status", "done").await;
    s.wait_saved().await;
    s.wait_text("case-stage", "arrived", |t| t == "Arrived")
        .await;
    s.check("arrived").await;
    // Identification was not shared: not even by its address.
    browser
        .client
        .goto(&server.url(&format!("/cases/{code}/identification")))
        .await
        .unwrap();
    s.live("identification").await;
    s.wait_text("not-shared", "not shared", |t| !t.is_empty())
        .await;

    // The supervisor's dashboard shows the plan at its stage; the bar
    // opens the plans behind it.
    s.sign_in_as(&server, "sam", "/dashboard").await;
    let funnel = s.wait_text("funnel", "the funnel", |t| !t.is_empty()).await;
    assert!(funnel.contains("Arrived"), "{funnel}");
    let arrived =
        s.b.client
            .find(fantoccini::Locator::Css("#funnel a[href*='stage=arrived']"))
            .await
            .expect("a bar for the arrived plans");
    let count =
        s.b.text_of("#funnel a[href*='stage=arrived'] .bar-count")
            .await;
    assert_eq!(count, "1", "one plan has arrived");
    s.check("supervisor-dashboard").await;
    arrived.click().await.unwrap();
    let caseload = s
        .wait_text("caseload", "the plan in the caseload", |t| {
            t.contains(&code)
        })
        .await;
    assert!(caseload.contains("Arrived"), "{caseload}");
    s.check("supervisor-caseload").await;

    assert!(!server.log_text().contains("Rosa"));
    browser.close().await;
    server.stop().await;
}
