//! The follow-up after return over HTTP against the real server (issue
//! #15, item 5): a contact is recorded only after the confirmed arrival,
//! once per scheduled month, with its date, how, by whom and the answers;
//! it is scored with the (provisional) catalogue, ticks its milestone,
//! outlives a save of the milestones step, and shows on the case's
//! follow-up screen and on the supervisor's dashboard. The mission records
//! contacts once it holds the plan; nobody records on a stale read. On
//! SQLite and PostgreSQL.

use app::api::cases::{CaseView, FollowUpResult};
use app::domain::fields::{FieldError, Problem};
use app::domain::milestones::{MilestoneStatus, WorkPlace};
use tests::{call, call_ok, put_section, Server, TestDb};

type World = tests::ShelterAndMission;

async fn world(db: TestDb) -> World {
    tests::shelter_and_mission(db).await
}

tests::on_both_engines!(
    a_contact_after_arrival_is_scored_ticks_its_milestone_and_reaches_the_dashboard,
    the_mission_records_contacts_once_it_holds_the_plan,
);

async fn open(c: &reqwest::Client, s: &Server, code: &str) -> CaseView {
    call_ok(c, s, "/api/cases/open", &[("code", code)]).await
}

/// A case ready for handover whose client left and arrived today.
async fn arrived_case(w: &World, alias: &str) -> String {
    let code = tests::new_case(&w.carla, &w.server, alias, "1991").await;
    tests::make_ready(&w.carla, &w.server, &code, alias, &w.mission).await;
    code
}

async fn confirm_arrival(w: &World, code: &str) {
    let today = tests::today().to_string();
    let departure = (tests::today() + chrono::Duration::days(60)).to_string();
    put_section(
        &w.carla,
        &w.server,
        code,
        "travel",
        &[
            ("travel.mission", w.mission.as_str()),
            ("travel.destination", "NG"),
            ("travel.departure", &departure),
            ("step.T10.status", "done"),
            ("step.T10.done_on", &today),
            ("step.T10.evidence", "Left from Schiphol"),
            ("step.T12.status", "done"),
            ("step.T12.done_on", &today),
            ("step.T12.evidence", "Met at the airport by the partner"),
        ],
    )
    .await;
}

async fn hand_over(w: &World, code: &str) {
    let r: app::api::handovers::HandOverOutcome = call_ok(
        &w.carla,
        &w.server,
        "/api/handovers/hand_over",
        &[("code", code), ("note", "")],
    )
    .await;
    assert_eq!(r, app::api::handovers::HandOverOutcome::HandedOver);
}

/// The mission accepts the plan handed over to it.
async fn accept(w: &World, code: &str) {
    let h = open(&w.olga, &w.server, code)
        .await
        .handover
        .expect("the handover");
    let r: app::api::handovers::MoveResult = call_ok(
        &w.olga,
        &w.server,
        "/api/handovers/respond",
        &[
            ("code", code),
            ("handover", h.id.as_str()),
            ("act", "accept"),
            ("text", ""),
        ],
    )
    .await;
    assert!(
        matches!(r, app::api::handovers::MoveResult::Moved { .. }),
        "{r:?}"
    );
}

/// Records a contact as the form would post it (with WASM).
async fn record(
    c: &reqwest::Client,
    s: &Server,
    code: &str,
    version: i64,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let version = version.to_string();
    let mut form = vec![
        ("code".to_string(), code.to_string()),
        ("version".into(), version),
    ];
    for (k, v) in fields {
        form.push((format!("f[{k}]"), v.to_string()));
    }
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    call(c, s, "/api/cases/follow_up", &form).await
}

async fn recorded(
    c: &reqwest::Client,
    s: &Server,
    code: &str,
    fields: &[(&str, &str)],
) -> FollowUpResult {
    let version = open(c, s, code).await.sections["milestones"].version;
    let r = record(c, s, code, version, fields).await;
    let status = r.status();
    let body = r.text().await.unwrap();
    assert_eq!(status, 200, "{body}");
    serde_json::from_str(&body).unwrap()
}

fn invalid(fields: &[(&str, FieldError)]) -> FollowUpResult {
    FollowUpResult::Invalid(
        fields
            .iter()
            .map(|(f, e)| Problem {
                field: f.to_string(),
                error: *e,
            })
            .collect(),
    )
}

async fn audited(w: &World, action: &str, code: &str) -> bool {
    let store = w.db.store().await;
    let found = store
        .recent_audit(200)
        .await
        .unwrap()
        .iter()
        .any(|e| e.action == action && e.case_code.as_deref() == Some(code));
    store.close().await;
    found
}

async fn a_contact_after_arrival_is_scored_ticks_its_milestone_and_reaches_the_dashboard(w: World) {
    let (c, s) = (&w.carla, &w.server);
    let code = arrived_case(&w, "Fola Follow").await;
    let today = tests::today().to_string();
    let contact = [
        ("fu.month", "1"),
        ("fu.on", today.as_str()),
        ("fu.mode", "phone"),
        ("fu.by", "Counsellor on the phone"),
        ("fu.answer.eco-income", "0.75"),
        ("fu.answer.soc-housing", "1"),
        ("fu.answer.psy-safety", "0.75"),
        ("fu.answer.psy-remigrate", ""),
    ];

    // Before the arrival is confirmed there is nothing to follow up.
    assert_eq!(
        recorded(c, s, &code, &contact).await,
        invalid(&[("fu.on", FieldError::BeforeArrival)])
    );
    confirm_arrival(&w, &code).await;
    let before = open(c, s, &code).await;

    // Every problem at once; nothing is kept.
    let tomorrow = (tests::today() + chrono::Duration::days(1)).to_string();
    assert_eq!(
        recorded(
            c,
            s,
            &code,
            &[
                ("fu.month", "2"),
                ("fu.on", &tomorrow),
                ("fu.mode", "carrier pigeon"),
                ("fu.answer.eco-income", "0.6"),
                ("fu.answer.no-such-question", "1"),
            ]
        )
        .await,
        invalid(&[
            ("fu.month", FieldError::Choice),
            ("fu.on", FieldError::Future),
            ("fu.mode", FieldError::Choice),
            ("fu.by", FieldError::Required),
            ("fu.answer.eco-income", FieldError::Choice),
            ("fu.answer.no-such-question", FieldError::Choice),
        ])
    );
    assert_eq!(open(c, s, &code).await.sections, before.sections);

    // Without WASM the form comes back to the screen, saying why.
    let version = before.sections["milestones"].version.to_string();
    let location = tests::post_without_wasm(
        c,
        s,
        "/api/cases/follow_up",
        &[
            ("code", code.as_str()),
            ("version", version.as_str()),
            ("f[fu.month]", "1"),
            ("f[fu.on]", today.as_str()),
            ("f[fu.mode]", "phone"),
        ],
    )
    .await;
    assert!(
        location.ends_with(&format!(
            "/cases/{code}/follow-up?follow_up=invalid&problems=fu.by:required"
        )),
        "{location}"
    );
    let page = tests::page_text(c, s, &location).await;
    assert!(page.contains(r#"id="follow-up-result""#), "{page}");
    // A question posted by hand under a name the form never offers is
    // refused like any other bad answer, and the way back stays an address.
    let location = tests::post_without_wasm(
        c,
        s,
        "/api/cases/follow_up",
        &[
            ("code", code.as_str()),
            ("version", version.as_str()),
            ("f[fu.answer.é]", "1"),
        ],
    )
    .await;
    assert!(location.contains("fu.answer._"), "{location}");
    assert_eq!(open(c, s, &code).await.sections, before.sections);

    // Recorded: scored per dimension, overall only when every dimension
    // has an answer, with the catalogue's version, provisional.
    assert_eq!(
        recorded(c, s, &code, &contact).await,
        FollowUpResult::Recorded { month: 1 }
    );
    assert!(audited(&w, "case.follow_up.record", &code).await);
    let v = open(c, s, &code).await;
    let got = &v.file.milestones.follow_ups;
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].by, "Counsellor on the phone");
    assert_eq!(got[0].answers.len(), 3, "a blank answer is not a 0");
    let score = &got[0].score;
    assert!(score.provisional);
    assert_eq!(score.composite.map(|c| c.to_string()), Some("0.833".into()));
    assert!(v.versions.iter().any(|x| x.reason == "follow_up.record"));
    let m16a = v
        .file
        .milestones(&app::catalog::planning())
        .into_iter()
        .find(|m| m.template_id == "M16a")
        .unwrap();
    assert!(matches!(m16a.status, MilestoneStatus::Done { .. }));
    assert_eq!(m16a.by_work, Some(WorkPlace::FollowUp));

    // The export carries it (schema version 4), with its score.
    let json: serde_json::Value = call(c, s, "/api/cases/export_json", &[("code", code.as_str())])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(json["follow_up"][0]["by"], "Counsellor on the phone");
    assert_eq!(json["follow_up"][0]["score"]["overall"], "0.833");
    assert_eq!(json["follow_up"][0]["score"]["provisional"], true);

    // Once per scheduled contact; and never on what someone changed since.
    assert_eq!(
        recorded(c, s, &code, &contact).await,
        invalid(&[("fu.month", FieldError::AlreadyRecorded)])
    );
    let stale = record(c, s, &code, before.sections["milestones"].version, &contact).await;
    assert_eq!(stale.status(), 409);

    // A save of the milestones step keeps the contacts.
    put_section(
        c,
        s,
        &code,
        "milestones",
        &[("ms.M13.status", "in_progress")],
    )
    .await;
    assert_eq!(open(c, s, &code).await.file.milestones.follow_ups.len(), 1);

    // The screen shows the schedule, the contact and its score, and says
    // the scoring is provisional.
    let page = tests::page_text(c, s, &format!("/cases/{code}/follow-up")).await;
    for id in [
        "follow-up-schedule",
        "follow-up-contact-1",
        "follow-up-provisional",
        "follow-up-form",
        "follow-up-month-3",
    ] {
        assert!(page.contains(&format!(r#"id="{id}""#)), "{id}: {page}");
    }
    assert!(page.contains("0.833"), "the overall score");

    // The supervisor's dashboard: the next contact (3 months on) is not
    // due yet; the score is in the high band.
    let d: app::api::dashboard::DashboardView =
        call_ok(&w.sam, s, "/api/dashboard/summary", &[]).await;
    assert_eq!(
        (d.figures.follow_ups_overdue, d.figures.follow_ups_due_soon),
        (0, 0)
    );
    assert_eq!(
        d.figures.scores,
        vec![
            ("low".to_string(), 0),
            ("medium".to_string(), 0),
            ("high".to_string(), 1)
        ]
    );
    let page = tests::page_text(&w.sam, s, "/dashboard").await;
    assert!(page.contains(r#"id="dash-score-high""#), "{page}");
    assert!(page.contains(r#"id="dash-scores-provisional""#));
}

async fn the_mission_records_contacts_once_it_holds_the_plan(w: World) {
    let (c, s) = (&w.carla, &w.server);
    let code = arrived_case(&w, "Mira Mission").await;
    confirm_arrival(&w, &code).await;
    let today = tests::today().to_string();
    let contact = [
        ("fu.month", "1"),
        ("fu.on", today.as_str()),
        ("fu.mode", "partner"),
        ("fu.by", "Partner caseworker, Lagos"),
    ];
    // Not handed over: the mission does not know the case.
    let r = record(&w.olga, s, &code, 0, &contact).await;
    assert_eq!(r.status(), 404);
    hand_over(&w, &code).await;
    // Handed over but not accepted: it reads, and records nothing.
    let v = open(&w.olga, s, &code).await;
    let version = v.sections["milestones"].version;
    assert_eq!(
        record(&w.olga, s, &code, version, &contact).await.status(),
        404
    );
    accept(&w, &code).await;
    assert_eq!(
        recorded(&w.olga, s, &code, &contact).await,
        FollowUpResult::Recorded { month: 1 }
    );
    // The counselling side sees what the mission recorded.
    let v = open(c, s, &code).await;
    assert_eq!(
        v.file.milestones.follow_ups[0].by,
        "Partner caseworker, Lagos"
    );
    assert_eq!(v.file.milestones.follow_ups[0].score.composite, None);
}

/// In headless Chromium against the release build: the mission's return
/// officer opens the follow-up screen of a plan whose client arrived,
/// dates a contact before the arrival and is told why in the form, then
/// records it; the screen shows the contact with its score, and the
/// milestones step shows the milestone ticked by it. Every screen is
/// checked with axe-core and photographed under
/// `target/test-output/screenshots/follow-up/`.
#[tokio::test]
async fn the_return_officer_records_a_contact_in_the_browser() {
    let w = world(TestDb::sqlite()).await;
    let code = arrived_case(&w, "Bisi Browser").await;
    confirm_arrival(&w, &code).await;
    hand_over(&w, &code).await;
    accept(&w, &code).await;

    let browser = tests::browser::Browser::start().await;
    let mut s = tests::journey::Session::new(&browser, "follow-up");
    let screen = format!("/cases/{code}/follow-up");
    s.sign_in_as(&w.server, "olga", &screen).await;
    s.live("follow-up").await;
    s.wait_text("follow-up-provisional", "the provisional scoring", |t| {
        !t.is_empty()
    })
    .await;
    s.check("follow-up-empty").await;

    let yesterday = (tests::today() - chrono::Duration::days(1)).to_string();
    s.set("fu-month", "1").await;
    s.set("fu-on", &yesterday).await;
    s.set("fu-mode", "partner").await;
    s.type_into("fu-by", "Partner caseworker, Lagos").await;
    s.set("fu-answer-eco-income", "0.5").await;
    s.set("fu-answer-soc-housing", "0.75").await;
    s.set("fu-answer-psy-safety", "1").await;
    s.click("follow-up-submit").await;
    s.wait_text("follow-up-problems", "why the date is refused", |t| {
        t.contains("arrival")
    })
    .await;
    s.check("follow-up-refused").await;

    s.set("fu-on", &tests::today().to_string()).await;
    s.click("follow-up-submit").await;
    s.wait_text("follow-up-result", "the contact recorded", |t| {
        !t.is_empty()
    })
    .await;
    s.live("follow-up").await;
    let card = s.text("follow-up-contact-1").await;
    assert!(card.contains("Partner caseworker, Lagos"), "{card}");
    assert!(card.contains("0.75"), "the overall score: {card}");
    s.check("follow-up-recorded").await;

    // The milestones step: the first contact's milestone is ticked by it,
    // with a link to this screen.
    s.b.client
        .goto(&w.server.url(&format!("/cases/{code}/milestones")))
        .await
        .unwrap();
    s.live("milestones").await;
    let link = s
        .b
        .client
        .execute(
            "return [...document.querySelectorAll('a.badge.by-work')].map(a => a.getAttribute('href'));",
            vec![],
        )
        .await
        .unwrap();
    assert!(
        link.as_array()
            .is_some_and(|l| l.iter().any(|h| h == "./follow-up")),
        "{link}"
    );
    browser.close().await;
}
