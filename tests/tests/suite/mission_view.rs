//! What an IOM mission is shown of a plan, over HTTP against the real
//! server: nothing worked out from a section it may not read (the stage,
//! the budget, the milestones in its export and print view), and in its
//! inbox, live fields of a plan only while it may open the plan — a row
//! of a handover withdrawn or rejected, or of a plan whose consent to
//! share was withdrawn or ran out, shows what the mission recorded only.

use app::api::handovers::{HandOverOutcome, InboxItem, InboxView, MoveResult};
use app::domain::handover::HandoverStatus;
use app::domain::{OrgKind, Role};
use tests::{
    add_users, call, call_ok, make_ready, page_text, put_section, signed_in, Server, TestDb,
};

struct World {
    server: Server,
    _db: TestDb,
    mission: String,
    carla: reqwest::Client,
    olga: reqwest::Client,
}

async fn world() -> World {
    let db = TestDb::sqlite();
    let store = db.store().await;
    let [_, olga] = add_users(
        &store,
        [
            ("Shelter A", OrgKind::Counselling, Role::Counsellor, "carla"),
            ("IOM NL", OrgKind::IomMission, Role::ReturnOfficer, "olga"),
        ],
    )
    .await;
    store.close().await;
    let server = Server::start(&db.url).await;
    World {
        carla: signed_in(&server, "carla").await,
        olga: signed_in(&server, "olga").await,
        server,
        _db: db,
        mission: olga.organisation_id,
    }
}

/// A case made ready and handed over to the mission; its code.
async fn handed_over(w: &World, alias: &str) -> String {
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
    let app::api::cases::NewCaseOutcome::Created { code } = r else {
        panic!("{r:?}")
    };
    make_ready(&w.carla, &w.server, &code, alias, &w.mission).await;
    let outcome: HandOverOutcome = call_ok(
        &w.carla,
        &w.server,
        "/api/handovers/hand_over",
        &[("code", code.as_str()), ("note", "")],
    )
    .await;
    assert_eq!(outcome, HandOverOutcome::HandedOver);
    code
}

async fn row(w: &World, code: &str) -> InboxItem {
    let i: InboxView = call_ok(
        &w.olga,
        &w.server,
        "/api/handovers/inbox",
        &[("status", ""), ("page", "0")],
    )
    .await;
    i.items
        .into_iter()
        .find(|r| r.code == code)
        .expect("the handover is in the inbox")
}

fn day(offset: i64) -> String {
    (tests::today() + chrono::Duration::days(offset))
        .format("%Y-%m-%d")
        .to_string()
}

/// Saves the consent section: consent to store, and to share `sections`
/// with the mission, with `extra` fields of that consent (withdrawn,
/// expiring).
async fn set_consent(w: &World, code: &str, sections: &[&str], extra: &[(&str, &str)]) {
    let mut f: Vec<(String, String)> = vec![
        ("consent.0.purpose".into(), "store_data".into()),
        ("consent.0.given_on".into(), day(-20)),
        ("consent.0.language".into(), "en".into()),
        ("consent.1.purpose".into(), "share".into()),
        ("consent.1.recipient".into(), w.mission.clone()),
        ("consent.1.given_on".into(), day(-20)),
        ("consent.1.language".into(), "en".into()),
    ];
    for s in sections {
        f.push((format!("consent.1.section_{s}"), "on".into()));
    }
    for (k, v) in extra {
        f.push((k.to_string(), v.to_string()));
    }
    let pairs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    put_section(&w.carla, &w.server, code, "consent", &pairs).await;
}

const ALL_SHARED: [&str; 7] = [
    "client",
    "consent",
    "decision",
    "risk",
    "reintegration",
    "travel",
    "milestones",
];

/// Nothing live: what the mission itself recorded only.
fn assert_closed_row(r: &InboxItem, why: &str) {
    assert!(!r.may_open, "{why}: the plan can no longer be opened");
    assert_eq!(r.stage, None, "{why}: no live stage");
    assert!(!r.travel_shared, "{why}");
    assert_eq!(r.departure_on, None, "{why}: no planned departure");
    assert_eq!(r.registration_due, None, "{why}: no deadline");
    assert_eq!(r.registration, None, "{why}");
}

#[tokio::test]
async fn inbox_rows_show_live_fields_only_while_the_mission_may_read_them() {
    let w = world().await;
    let s = &w.server;

    // Open to the mission: everything its consent covers.
    let code = handed_over(&w, "Rosa Live").await;
    let r = row(&w, &code).await;
    assert!(r.may_open);
    assert_eq!(r.stage.as_deref(), Some("handed_over"));
    assert!(r.travel_shared);
    assert_eq!(r.departure_on.map(|d| d.to_string()), Some(day(60)));
    assert!(r.registration_due.is_some());

    // The client no longer shares the travel plan: no departure, no
    // deadline, no stage (it is worked out from the travel section too);
    // the plan itself can still be opened.
    let without_travel: Vec<&str> = ALL_SHARED.into_iter().filter(|s| *s != "travel").collect();
    set_consent(&w, &code, &without_travel, &[]).await;
    let r = row(&w, &code).await;
    assert!(r.may_open);
    assert!(!r.travel_shared);
    assert_eq!(r.departure_on, None);
    assert_eq!(r.registration_due, None);
    assert_eq!(r.stage, None);

    // The consent to share is withdrawn altogether.
    set_consent(
        &w,
        &code,
        &ALL_SHARED,
        &[("consent.1.withdrawn_on", &day(0))],
    )
    .await;
    assert_eq!(
        call(&w.olga, s, "/api/cases/open", &[("code", &code)])
            .await
            .status(),
        404
    );
    assert_closed_row(&row(&w, &code).await, "consent withdrawn");
    // The counsellor's access log tells the refused attempt from an access.
    let log = page_text(&w.carla, s, &format!("/cases/{code}/access")).await;
    assert!(
        log.contains(r#"data-outcome="denied""#),
        "{log}\n{}",
        s.log_text()
    );
    assert!(log.contains(r#"data-outcome="allowed""#), "{log}");
    assert!(log.contains(">Outcome<"), "an outcome column: {log}");

    // The consent ran out (given for a while, expired yesterday).
    let expired = handed_over(&w, "Ada Expired").await;
    set_consent(
        &w,
        &expired,
        &ALL_SHARED,
        &[("consent.1.expires_on", &day(-1))],
    )
    .await;
    assert_closed_row(&row(&w, &expired).await, "consent expired");

    // The counsellor withdraws the handover.
    let withdrawn = handed_over(&w, "Joy Withdrawn").await;
    let h = row(&w, &withdrawn).await;
    assert!(h.may_open);
    let opened: app::api::cases::CaseView =
        call_ok(&w.olga, s, "/api/cases/open", &[("code", &withdrawn)]).await;
    let id = opened.handover.expect("the handover").id;
    let moved: MoveResult = call_ok(
        &w.carla,
        s,
        "/api/handovers/respond",
        &[
            ("code", withdrawn.as_str()),
            ("handover", id.as_str()),
            ("act", "withdraw"),
            ("text", "The client wants to wait"),
        ],
    )
    .await;
    assert_eq!(
        moved,
        MoveResult::Moved {
            status: HandoverStatus::Withdrawn
        }
    );
    let r = row(&w, &withdrawn).await;
    assert_eq!(r.status, HandoverStatus::Withdrawn, "its own record stays");
    assert_closed_row(&r, "handover withdrawn");

    // The mission rejects a handover.
    let rejected = handed_over(&w, "Eve Rejected").await;
    let opened: app::api::cases::CaseView =
        call_ok(&w.olga, s, "/api/cases/open", &[("code", &rejected)]).await;
    let id = opened.handover.expect("the handover").id;
    let moved: MoveResult = call_ok(
        &w.olga,
        s,
        "/api/handovers/respond",
        &[
            ("code", rejected.as_str()),
            ("handover", id.as_str()),
            ("act", "reject"),
            ("text", "Not our region"),
        ],
    )
    .await;
    assert_eq!(
        moved,
        MoveResult::Moved {
            status: HandoverStatus::Rejected
        }
    );
    let r = row(&w, &rejected).await;
    assert_eq!(r.status, HandoverStatus::Rejected);
    assert_closed_row(&r, "handover rejected");

    // The inbox page shows the same: no stage, no date, no link.
    let page = page_text(&w.olga, s, "/inbox").await;
    assert!(
        !page.contains(&format!("/cases/{rejected}/review")),
        "no link"
    );
    assert!(
        !page.contains(&format!("/cases/{withdrawn}/review")),
        "no link"
    );
    assert!(!page.contains(&format!("/cases/{code}/review")), "no link");
    assert!(page.contains("Not shared with you"));
    w.server.stop().await;
}

#[tokio::test]
async fn the_missions_export_and_print_view_tell_nothing_worked_out_from_unshared_sections() {
    let w = world().await;
    let s = &w.server;
    let code = handed_over(&w, "Rosa Export").await;
    let export = |c: reqwest::Client| {
        let code = code.clone();
        async move {
            let r = call(&c, s, "/api/cases/export_json", &[("code", code.as_str())]).await;
            assert_eq!(r.status(), 200);
            serde_json::from_str::<serde_json::Value>(&r.text().await.unwrap()).unwrap()
        }
    };
    // Everything the stage comes from is shared: the stage is told.
    let e = export(w.olga.clone()).await;
    assert_eq!(e["stage"], "handed_over", "{e}");
    assert_eq!(e["status"], "active");
    assert!(e.get("budget").is_some());

    // Without the travel plan, the stage (worked out from it too) is not
    // told; the budget's lines, the reintegration section's own, still are.
    let without_travel: Vec<&str> = ALL_SHARED.into_iter().filter(|s| *s != "travel").collect();
    set_consent(&w, &code, &without_travel, &[]).await;
    let e = export(w.olga.clone()).await;
    assert_eq!(e["stage"], "not_shared", "{e}");
    assert_eq!(e["status"], "unknown");
    assert!(e.get("budget").is_some(), "{e}");
    assert_eq!(
        crate::export_violations(&e),
        Vec::<String>::new(),
        "the export keeps to its schema"
    );
    // The counsellor, who reads everything, is told the stage (the plan
    // no longer counts as handed over: its travel may not be shared).
    let e = export(w.carla.clone()).await;
    assert_eq!(e["stage"], "approved_for_return");

    let print = call(&w.olga, s, "/api/cases/print", &[("code", code.as_str())])
        .await
        .text()
        .await
        .unwrap();
    assert!(print.contains("Not shared with you"), "{print}");
    assert!(!print.contains("Handed over to IOM"), "{print}");

    // The counsellor's print view names the programme, not its id.
    let print = call(&w.carla, s, "/api/cases/print", &[("code", code.as_str())])
        .await
        .text()
        .await
        .unwrap();
    assert!(
        print.contains("NL reintegration support, in kind after return"),
        "{print}"
    );
    assert!(!print.contains("nl-2025-reintegration"), "{print}");

    // Nor do the plan's versions tell the mission their stage.
    let v: app::api::cases::CaseView =
        call_ok(&w.olga, s, "/api/cases/open", &[("code", &code)]).await;
    assert!(!v.versions.is_empty());
    assert!(
        v.versions.iter().all(|v| v.stage == "not_shared"),
        "{:?}",
        v.versions
    );
    w.server.stop().await;
}

/// Before the mission accepts a plan it reads what was shared, to decide,
/// and changes nothing of it (the no-WASM form post refused too); once it
/// has accepted, it works the travel, support and milestones.
#[tokio::test]
async fn the_mission_changes_nothing_before_it_accepts_the_plan() {
    use app::domain::policy::Section;
    let w = world().await;
    let s = &w.server;
    let code = handed_over(&w, "Rosa Waiting").await;
    let v: app::api::cases::CaseView =
        call_ok(&w.olga, s, "/api/cases/open", &[("code", &code)]).await;
    assert!(v.readable.contains(&Section::Travel));
    assert!(v.writable.is_empty(), "{:?}", v.writable);
    let version = v.sections["travel"].version.to_string();
    let departure = day(60);
    for section in ["travel", "reintegration", "milestones"] {
        let form = [
            ("code", code.as_str()),
            ("section", section),
            ("version", version.as_str()),
            ("f[travel.mission]", w.mission.as_str()),
            ("f[travel.destination]", "NG"),
            ("f[travel.departure]", departure.as_str()),
            ("f[step.T4.status]", "in_progress"),
        ];
        assert_eq!(
            call(&w.olga, s, "/api/cases/save", &form).await.status(),
            404,
            "{section} before accepting"
        );
        // Nor as a plain form post without WASM.
        let r = w
            .olga
            .post(s.url("/api/cases/save"))
            .header("accept", "text/html")
            .form(&form)
            .send()
            .await
            .unwrap();
        assert!(
            r.status() == 404 || r.status().is_redirection(),
            "{section}: {}",
            r.status()
        );
    }
    let after: app::api::cases::CaseView =
        call_ok(&w.carla, s, "/api/cases/open", &[("code", &code)]).await;
    assert_eq!(
        after.sections["travel"].version, v.sections["travel"].version,
        "nothing was written"
    );
    let id = v.handover.expect("the handover").id;
    let moved: MoveResult = call_ok(
        &w.olga,
        s,
        "/api/handovers/respond",
        &[
            ("code", code.as_str()),
            ("handover", id.as_str()),
            ("act", "accept"),
            ("text", ""),
        ],
    )
    .await;
    assert_eq!(
        moved,
        MoveResult::Moved {
            status: HandoverStatus::Accepted
        }
    );
    let v: app::api::cases::CaseView =
        call_ok(&w.olga, s, "/api/cases/open", &[("code", &code)]).await;
    assert_eq!(
        v.writable,
        vec![Section::Reintegration, Section::Travel, Section::Milestones]
    );
    put_section(
        &w.olga,
        s,
        &code,
        "travel",
        &[
            ("travel.mission", w.mission.as_str()),
            ("travel.destination", "NG"),
            ("travel.departure", departure.as_str()),
            ("step.T4.status", "in_progress"),
        ],
    )
    .await;
    w.server.stop().await;
}
