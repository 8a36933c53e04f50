//! Handovers over HTTP against the real server: a plan goes to an IOM
//! mission only when nothing is missing; the mission sees only the
//! sections the client consented to share with it, asks, accepts, works
//! the travel steps and milestones; the counsellor answers and sees it
//! all; withdrawing ends the mission's access; a consent withdrawn after
//! the handover does at once. SQLite, and the whole conversation on
//! PostgreSQL too.

use app::api::cases::{CaseAccessLog, CaseView, Caseload};
use app::api::handovers::{HandOverOutcome, InboxView, MoveResult};
use app::domain::handover::{HandoverStatus, MoveRefusal};
use app::domain::policy::Section;
use app::domain::{OrgKind, Role};
use tests::{
    add_users, call, call_ok, make_ready, put_section, section_version, signed_in, Server, TestDb,
};

/// Shelter A (counsellor carla, supervisor sam), IOM NL (return officer
/// olga) and IOM BE (return officer bert), each signed in.
struct World {
    server: Server,
    db: TestDb,
    mission: String,
    carla: reqwest::Client,
    sam: reqwest::Client,
    olga: reqwest::Client,
    bert: reqwest::Client,
}

async fn world(db: TestDb) -> World {
    let store = db.store().await;
    let [_, _, olga, _] = add_users(
        &store,
        [
            ("Shelter A", OrgKind::Counselling, Role::Counsellor, "carla"),
            ("Shelter A", OrgKind::Counselling, Role::Supervisor, "sam"),
            ("IOM NL", OrgKind::IomMission, Role::ReturnOfficer, "olga"),
            ("IOM BE", OrgKind::IomMission, Role::ReturnOfficer, "bert"),
        ],
    )
    .await;
    store.close().await;
    let server = Server::start(&db.url).await;
    World {
        carla: signed_in(&server, "carla").await,
        sam: signed_in(&server, "sam").await,
        olga: signed_in(&server, "olga").await,
        bert: signed_in(&server, "bert").await,
        server,
        db,
        mission: olga.organisation_id,
    }
}

async fn new_case(w: &World, alias: &str) -> String {
    let r: app::api::cases::NewCaseOutcome = call_ok(
        &w.carla,
        &w.server,
        "/api/cases/create",
        &[
            ("alias", alias),
            ("birth_year", "1994"),
            ("nationality", "NG"),
            ("confirm", "on"),
        ],
    )
    .await;
    match r {
        app::api::cases::NewCaseOutcome::Created { code } => code,
        other => panic!("{other:?}"),
    }
}

async fn hand_over(c: &reqwest::Client, s: &Server, code: &str, note: &str) -> HandOverOutcome {
    call_ok(
        c,
        s,
        "/api/handovers/hand_over",
        &[("code", code), ("note", note)],
    )
    .await
}

async fn open(c: &reqwest::Client, s: &Server, code: &str) -> CaseView {
    call_ok(c, s, "/api/cases/open", &[("code", code)]).await
}

async fn inbox(c: &reqwest::Client, s: &Server, status: &str) -> InboxView {
    call_ok(
        c,
        s,
        "/api/handovers/inbox",
        &[("status", status), ("page", "0")],
    )
    .await
}

async fn respond(
    c: &reqwest::Client,
    s: &Server,
    code: &str,
    handover: &str,
    act: &str,
    text: &str,
) -> MoveResult {
    call_ok(
        c,
        s,
        "/api/handovers/respond",
        &[
            ("code", code),
            ("handover", handover),
            ("act", act),
            ("text", text),
        ],
    )
    .await
}

async fn stage_in_caseload(c: &reqwest::Client, s: &Server, code: &str) -> String {
    let l: Caseload = call_ok(
        c,
        s,
        "/api/cases/list",
        &[("text", code), ("stage", ""), ("risk", ""), ("page", "0")],
    )
    .await;
    l.items
        .into_iter()
        .find(|i| i.code == code)
        .map(|i| i.stage)
        .expect("the case is listed")
}

fn count(i: &InboxView, status: HandoverStatus) -> i64 {
    i.counts
        .iter()
        .find(|(s, _)| *s == status)
        .map_or(0, |(_, n)| *n)
}

/// The whole conversation, on one engine.
async fn the_conversation(db: TestDb) {
    let w = world(db).await;
    let s = &w.server;
    let code = new_case(&w, "Rosa Handover").await;

    // Not ready: nothing is handed over, and everything missing is named.
    match hand_over(&w.carla, s, &code, "").await {
        HandOverOutcome::Missing(m) => assert!(m.len() >= 5, "{m:?}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(inbox(&w.olga, s, "").await.total, 0);

    make_ready(&w.carla, s, &code, "Rosa Handover", &w.mission).await;
    assert_eq!(
        hand_over(
            &w.carla,
            s,
            &code,
            "Passport is with the police until March."
        )
        .await,
        HandOverOutcome::HandedOver
    );
    assert_eq!(
        hand_over(&w.carla, s, &code, "").await,
        HandOverOutcome::AlreadyHandedOver,
        "one mission at a time"
    );
    assert_eq!(stage_in_caseload(&w.sam, s, &code).await, "handed_over");

    // The mission's inbox has it; another mission's has nothing.
    let i = inbox(&w.olga, s, "").await;
    assert_eq!(i.items.len(), 1);
    assert_eq!(i.items[0].code, code);
    assert_eq!(i.items[0].status, HandoverStatus::New);
    assert_eq!(i.items[0].organisation, "Shelter A");
    let due = i.items[0]
        .registration_due
        .expect("a departure date gives a deadline");
    assert_eq!((i.items[0].departure_on.unwrap() - due).num_days(), 28);
    assert!(
        !format!("{i:?}").contains("Rosa"),
        "the inbox is pseudonymous"
    );
    assert_eq!(inbox(&w.bert, s, "").await.total, 0);
    // Counsellors have no inbox.
    assert_eq!(
        call(&w.carla, s, "/api/handovers/inbox", &[("status", "")])
            .await
            .status(),
        404
    );

    // The mission reads only what was shared.
    let v = open(&w.olga, s, &code).await;
    assert!(!v.readable.contains(&Section::Screening));
    assert!(!v.readable.contains(&Section::Options));
    assert_eq!(v.file.screening, Default::default(), "not shared, not sent");
    assert!(!v.sections.contains_key("screening"));
    assert_eq!(v.file.first_contact.client.alias, "Rosa Handover");
    // Nothing of it is the mission's to change before it accepts the plan.
    assert_eq!(v.writable, vec![]);
    let h = v.handover.clone().expect("the handover");
    assert_eq!(h.messages.len(), 1);
    assert_eq!(
        h.messages[0].body,
        "Passport is with the police until March."
    );
    // Another mission: as if the case did not exist.
    assert_eq!(
        call(&w.bert, s, "/api/cases/open", &[("code", &code)])
            .await
            .status(),
        404
    );
    assert_eq!(
        call(
            &w.bert,
            s,
            "/api/handovers/respond",
            &[
                ("code", &code),
                ("handover", &h.id),
                ("act", "accept"),
                ("text", "")
            ]
        )
        .await
        .status(),
        404
    );

    // A question needs words; then the counsellor sees it and answers.
    assert_eq!(
        respond(&w.olga, s, &code, &h.id, "ask", "  ").await,
        MoveResult::Refused(MoveRefusal::TextRequired)
    );
    assert_eq!(
        respond(
            &w.olga,
            s,
            &code,
            &h.id,
            "ask",
            "Is the laissez-passer requested?"
        )
        .await,
        MoveResult::Moved {
            status: HandoverStatus::NeedsInformation
        }
    );
    assert_eq!(
        count(
            &inbox(&w.olga, s, "").await,
            HandoverStatus::NeedsInformation
        ),
        1
    );
    let mine = open(&w.carla, s, &code).await.handover.unwrap();
    assert_eq!(mine.status, HandoverStatus::NeedsInformation);
    assert_eq!(
        mine.messages.last().unwrap().body,
        "Is the laissez-passer requested?"
    );
    assert_eq!(mine.messages.last().unwrap().organisation, "IOM NL");
    assert_eq!(
        respond(&w.olga, s, &code, &h.id, "answer", "myself").await,
        MoveResult::Refused(MoveRefusal::NotYourMove)
    );
    assert_eq!(
        respond(&w.carla, s, &code, &h.id, "answer", "Yes, on 3 December.").await,
        MoveResult::Moved {
            status: HandoverStatus::New
        }
    );
    // The counselling side cannot accept its own handover.
    assert_eq!(
        respond(&w.carla, s, &code, &h.id, "accept", "").await,
        MoveResult::Refused(MoveRefusal::NotYourMove)
    );
    assert_eq!(
        respond(&w.olga, s, &code, &h.id, "accept", "").await,
        MoveResult::Moved {
            status: HandoverStatus::Accepted
        }
    );

    // The mission works the plan: travel document, registration, booking.
    let mission = w.mission.clone();
    let departure = open(&w.olga, s, &code)
        .await
        .file
        .travel
        .planned_departure
        .unwrap()
        .format("%Y-%m-%d")
        .to_string();
    let mut travel = vec![
        ("travel.mission", mission.as_str()),
        ("travel.destination", "NG"),
        ("travel.departure", departure.as_str()),
        ("step.T4.status", "done"),
        ("step.T4.evidence", "Laissez-passer LP-1"),
        ("step.T5.status", "done"),
        ("step.T5.evidence", "Registered with the partner"),
        ("step.T8.status", "done"),
        ("step.T8.evidence", "Flight booked"),
    ];
    put_section(&w.olga, s, &code, "travel", &travel).await;
    assert_eq!(stage_in_caseload(&w.sam, s, &code).await, "travel_booked");
    travel.push(("step.T10.status", "done"));
    travel.push(("step.T10.evidence", "Left from Schiphol"));
    put_section(&w.olga, s, &code, "travel", &travel).await;
    assert_eq!(stage_in_caseload(&w.sam, s, &code).await, "departed");
    put_section(
        &w.olga,
        s,
        &code,
        "milestones",
        &[("ms.M12.status", "done")],
    )
    .await;
    assert_eq!(stage_in_caseload(&w.sam, s, &code).await, "arrived");

    // Versions: both sides see what changed since the handover (the
    // travel steps), and what did not (the decision).
    for (reader, mission) in [(&w.carla, false), (&w.olga, true)] {
        let v = open(reader, s, &code).await;
        let since = v.since_handover.expect("handed over");
        let changed = app::domain::fields::differing(
            &since.sections["travel"],
            &v.file.fields(app::domain::policy::Section::Travel),
        );
        assert!(changed.contains("step.T8.status"), "{changed:?}");
        assert!(app::domain::fields::differing(
            &since.sections["decision"],
            &v.file.fields(app::domain::policy::Section::Decision)
        )
        .is_empty());
        assert_eq!(
            since.sections.contains_key("screening"),
            !mission,
            "not shared with the mission, not in its versions either"
        );
        let reasons: Vec<&str> = v.versions.iter().map(|x| x.reason.as_str()).collect();
        assert!(
            reasons.contains(&"handover") && reasons.contains(&"stage"),
            "{reasons:?}"
        );
        assert_eq!(v.versions[0].stage, "arrived", "the latest first");
    }
    // Not the mission's to change, even though it may read it.
    let v = section_version(&w.olga, s, &code, "decision").await;
    let r = call(
        &w.olga,
        s,
        "/api/cases/save",
        &[
            ("code", code.as_str()),
            ("section", "decision"),
            ("version", &v.to_string()),
            ("f[decision.choice]", "stay"),
        ],
    )
    .await;
    assert_eq!(r.status(), 404);

    // The mission's download of the plan: valid against the published
    // schema, with only what was shared; the calendar parses.
    let r = call(
        &w.olga,
        s,
        "/api/cases/export_json",
        &[("code", code.as_str())],
    )
    .await;
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains(&format!("safeplan-{code}.json")));
    let json: serde_json::Value = r.json().await.unwrap();
    let errors = crate::export_violations(&json);
    assert!(errors.is_empty(), "{errors:?}");
    let included = json["sections_included"].to_string();
    assert!(!included.contains("screening"), "{included}");
    assert_eq!(json["id"], code.as_str());
    let activities = json["activities"].as_array().unwrap();
    assert!(activities
        .iter()
        .any(|a| a["id"] == "T8" && a["status"] == "completed"));
    let ics = call(
        &w.olga,
        s,
        "/api/cases/export_ics",
        &[("code", code.as_str())],
    )
    .await;
    assert!(ics.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/calendar"));
    let ics = ics.text().await.unwrap();
    let calendar: icalendar::Calendar = ics.parse().expect("a calendar a library can read");
    let events = calendar
        .components
        .iter()
        .filter(|c| matches!(c, icalendar::CalendarComponent::Event(_)))
        .count();
    assert!(events >= 5, "{events} events");
    assert!(
        !ics.contains("Rosa"),
        "the calendar names the case by code only"
    );
    // Another mission: nothing.
    let r = call(
        &w.bert,
        s,
        "/api/cases/export_json",
        &[("code", code.as_str())],
    )
    .await;
    assert_eq!(r.status(), 404);

    // The counsellor sees the mission's reads in the case's access log.
    let log: CaseAccessLog = call_ok(
        &w.carla,
        s,
        "/api/cases/access_log",
        &[("code", &code), ("page", "0")],
    )
    .await;
    assert!(
        log.entries
            .iter()
            .any(|e| e.action == "case.open" && e.role.as_deref() == Some("return_officer")),
        "{:?}",
        log.entries
    );
    assert!(log.entries.iter().any(|e| e.action == "handover.accept"));

    // Snapshots: at the handover, at every move, at every change of stage.
    let store = w.db.store().await;
    let case = store.case_by_code(&code).await.unwrap().unwrap();
    let reasons: Vec<String> = store
        .case_snapshots(&case.id)
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.reason)
        .collect();
    for r in [
        "handover",
        "handover.ask",
        "handover.answer",
        "handover.accept",
        "stage",
    ] {
        assert!(reasons.iter().any(|x| x == r), "{r} in {reasons:?}");
    }
    store.close().await;
    // The log names the case by code, never the client.
    assert!(!s.log_text().contains("Rosa"));
    w.server.stop().await;
}

#[tokio::test]
async fn a_plan_goes_to_the_mission_and_back_and_forth() {
    the_conversation(TestDb::sqlite()).await;
}

#[tokio::test]
async fn the_conversation_on_postgres() {
    the_conversation(TestDb::postgres().await).await;
}

#[tokio::test]
async fn withdrawing_ends_the_missions_access_and_the_plan_can_go_again() {
    let w = world(TestDb::sqlite()).await;
    let s = &w.server;
    let code = new_case(&w, "Joy Withdrawn").await;
    make_ready(&w.carla, s, &code, "Joy Withdrawn", &w.mission).await;
    assert_eq!(
        hand_over(&w.carla, s, &code, "").await,
        HandOverOutcome::HandedOver
    );
    let h = open(&w.olga, s, &code).await.handover.unwrap();
    assert_eq!(
        respond(&w.carla, s, &code, &h.id, "withdraw", "").await,
        MoveResult::Refused(MoveRefusal::TextRequired),
        "a withdrawal says why"
    );
    assert_eq!(
        respond(
            &w.carla,
            s,
            &code,
            &h.id,
            "withdraw",
            "The client wants to wait"
        )
        .await,
        MoveResult::Moved {
            status: HandoverStatus::Withdrawn
        }
    );
    assert_eq!(
        call(&w.olga, s, "/api/cases/open", &[("code", &code)])
            .await
            .status(),
        404
    );
    assert_eq!(
        count(&inbox(&w.olga, s, "").await, HandoverStatus::Withdrawn),
        1
    );
    // The mission no longer holds it: for it, the case is gone.
    let late = [
        ("code", code.as_str()),
        ("handover", h.id.as_str()),
        ("act", "accept"),
        ("text", ""),
    ];
    assert_eq!(
        call(&w.olga, s, "/api/handovers/respond", &late)
            .await
            .status(),
        404
    );
    assert_eq!(
        stage_in_caseload(&w.carla, s, &code).await,
        "approved_for_return"
    );
    // Ready again, and handed over again.
    assert_eq!(
        hand_over(&w.carla, s, &code, "Now she is ready").await,
        HandOverOutcome::HandedOver
    );
    assert_eq!(count(&inbox(&w.olga, s, "").await, HandoverStatus::New), 1);
    w.server.stop().await;
}

#[tokio::test]
async fn a_consent_withdrawn_after_the_handover_closes_the_plan_to_the_mission() {
    let w = world(TestDb::sqlite()).await;
    let s = &w.server;
    let code = new_case(&w, "Ada Consent").await;
    make_ready(&w.carla, s, &code, "Ada Consent", &w.mission).await;
    assert_eq!(
        hand_over(&w.carla, s, &code, "").await,
        HandOverOutcome::HandedOver
    );
    assert!(open(&w.olga, s, &code)
        .await
        .readable
        .contains(&Section::Travel));
    // The client withdraws the consent to share the travel plan.
    let today = tests::today().format("%Y-%m-%d").to_string();
    let mission = w.mission.clone();
    put_section(
        &w.carla,
        s,
        &code,
        "consent",
        &[
            ("consent.0.purpose", "store_data"),
            ("consent.0.given_on", &today),
            ("consent.0.language", "en"),
            ("consent.1.purpose", "share"),
            ("consent.1.recipient", &mission),
            ("consent.1.section_client", "on"),
            ("consent.1.section_consent", "on"),
            ("consent.1.section_decision", "on"),
            ("consent.1.section_risk", "on"),
            ("consent.1.section_reintegration", "on"),
            ("consent.1.section_milestones", "on"),
            ("consent.1.given_on", &today),
            ("consent.1.language", "en"),
        ],
    )
    .await;
    let v = open(&w.olga, s, &code).await;
    assert!(!v.readable.contains(&Section::Travel), "{:?}", v.readable);
    assert_eq!(v.file.travel, Default::default());
    assert_eq!(
        call(
            &w.olga,
            s,
            "/api/cases/save",
            &[
                ("code", code.as_str()),
                ("section", "travel"),
                ("version", "1"),
                ("f[travel.needs]", "x")
            ]
        )
        .await
        .status(),
        404
    );
    w.server.stop().await;
}
