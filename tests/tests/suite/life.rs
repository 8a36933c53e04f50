//! The end of a plan and its pauses over HTTP against the real server
//! (issue #15, item 6): on hold and resumed, withdrawn and reopened,
//! closed with a reason the plan's work supports; every move a status
//! move the machine checks, with a snapshot and an audit row; a closed
//! plan refused on every path that would change it; the caseload filters
//! on the states; missions neither move a plan's life nor read the
//! reasons; the retention clock on the case page. On SQLite and
//! PostgreSQL.

use app::api::cases::{CaseView, Caseload, LifeResult};
use app::domain::lifecycle::{LifeProblem, LifeState};
use tests::{call, call_ok, Server, TestDb};

type World = tests::ShelterAndMission;

async fn world(db: TestDb) -> World {
    tests::shelter_and_mission(db).await
}

tests::on_both_engines!(
    a_plan_is_paused_resumed_and_closed_and_then_stays_as_it_was,
    a_client_who_withdrew_comes_back_to_open_options,
    missions_neither_move_a_plans_life_nor_read_why,
);

async fn new_ready_case(w: &World, alias: &str) -> String {
    let r: app::api::cases::NewCaseOutcome = call_ok(
        &w.carla,
        &w.server,
        "/api/cases/create",
        &[
            ("alias", alias),
            ("birth_year", "1992"),
            ("nationality", "NG"),
            ("confirm", "on"),
        ],
    )
    .await;
    let code = match r {
        app::api::cases::NewCaseOutcome::Created { code } => code,
        other => panic!("{other:?}"),
    };
    tests::make_ready(&w.carla, &w.server, &code, alias, &w.mission).await;
    code
}

async fn open(c: &reqwest::Client, s: &Server, code: &str) -> CaseView {
    call_ok(c, s, "/api/cases/open", &[("code", code)]).await
}

async fn life(
    c: &reqwest::Client,
    s: &Server,
    code: &str,
    kind: &str,
    reason: &str,
    on: &str,
    note: &str,
) -> LifeResult {
    call_ok(
        c,
        s,
        "/api/cases/life",
        &[
            ("code", code),
            ("kind", kind),
            ("reason", reason),
            ("on", on),
            ("note", note),
        ],
    )
    .await
}

async fn stage_in_caseload(c: &reqwest::Client, s: &Server, code: &str, stage: &str) -> bool {
    let page: Caseload = call_ok(
        c,
        s,
        "/api/cases/list",
        &[("text", ""), ("stage", stage), ("risk", ""), ("page", "0")],
    )
    .await;
    page.items
        .iter()
        .any(|i| i.code == code && i.stage == stage)
}

fn refused_with(r: &LifeResult, problem: &LifeProblem) -> bool {
    matches!(r, LifeResult::Refused(ps) if ps.contains(problem))
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

async fn a_plan_is_paused_resumed_and_closed_and_then_stays_as_it_was(w: World) {
    let (c, s) = (&w.carla, &w.server);
    let code = new_ready_case(&w, "Nora Life").await;
    let today = tests::today().to_string();
    let tomorrow = (tests::today() + chrono::Duration::days(1)).to_string();
    let before = open(c, s, &code).await;
    let worked = before
        .file
        .progress(&app::catalog::planning(), tests::wall_now())
        .stage
        .slug()
        .to_string();

    // A pause says why; refused, nothing changes.
    let r = life(c, s, &code, "hold", "", &today, "  ").await;
    assert!(refused_with(&r, &LifeProblem::NoteRequired), "{r:?}");
    assert!(open(c, s, &code).await.file.lifecycle.events.is_empty());
    // Resuming a plan that is not paused is not a move the plan has.
    let r = life(c, s, &code, "resume", "", &today, "").await;
    assert!(refused_with(&r, &LifeProblem::NotFrom), "{r:?}");

    // A form posted without WASM goes back to the review step, saying how
    // it went and why.
    let location = tests::post_without_wasm(
        c,
        s,
        "/api/cases/life",
        &[
            ("code", code.as_str()),
            ("kind", "resume"),
            ("on", today.as_str()),
            ("note", ""),
        ],
    )
    .await;
    assert!(
        location.ends_with(&format!(
            "/cases/{code}/review?life=refused&life_problems=not_from"
        )),
        "{location}"
    );

    let r = life(
        c,
        s,
        &code,
        "hold",
        "",
        &today,
        "Waiting for the court's date",
    )
    .await;
    assert_eq!(r, LifeResult::Moved);
    let v = open(c, s, &code).await;
    assert!(matches!(v.file.lifecycle.state(), LifeState::OnHold { .. }));
    assert!(stage_in_caseload(c, s, &code, "on_hold").await);
    assert!(
        v.versions.iter().any(|v| v.reason == "life.hold"),
        "a snapshot of the plan at the pause"
    );
    assert!(audited(&w, "case.life.hold", &code).await);
    // Still worked on while paused (it is not closed).
    assert!(!v.writable.is_empty());

    // Resumed by the supervisor: back at the stage its work stands at.
    let r = life(&w.sam, s, &code, "resume", "", &today, "").await;
    assert_eq!(r, LifeResult::Moved);
    assert!(stage_in_caseload(c, s, &code, &worked).await, "{worked}");

    // A closure's reason must be true of the plan, and its day not ahead.
    let r = life(c, s, &code, "close", "plan_completed", &today, "").await;
    assert!(refused_with(&r, &LifeProblem::NotFollowedUp), "{r:?}");
    let r = life(c, s, &code, "close", "", &today, "").await;
    assert!(
        refused_with(&r, &LifeProblem::ClosureReasonMissing),
        "{r:?}"
    );
    let r = life(c, s, &code, "close", "unreachable", &tomorrow, "").await;
    assert!(refused_with(&r, &LifeProblem::DateInFuture), "{r:?}");
    // An unknown move is a bad request, not a server fault.
    let r = call(
        c,
        s,
        "/api/cases/life",
        &[("code", code.as_str()), ("kind", "delete"), ("on", &today)],
    )
    .await;
    assert_eq!(r.status(), 422);

    let r = life(
        c,
        s,
        &code,
        "close",
        "unreachable",
        &today,
        "No answer since October",
    )
    .await;
    assert_eq!(r, LifeResult::Moved);
    assert!(audited(&w, "case.life.close", &code).await);
    let v = open(c, s, &code).await;
    assert_eq!(v.file.lifecycle.closed_on(), Some(tests::today()));
    assert!(v.writable.is_empty(), "a closed plan is read-only");
    assert_eq!(v.retention_months, Some(60));
    assert!(stage_in_caseload(c, s, &code, "closed").await);
    let page = tests::page_text(c, s, &format!("/cases/{code}/review")).await;
    let due = app::domain::lifecycle::erasure_due(tests::today(), 60).to_string();
    assert!(page.contains(r#"id="life-erasure""#), "{page}");
    assert!(page.contains(&due), "the day it is due for erasure: {due}");
    assert!(page.contains(r#"id="life-banner""#));
    // No new link to the client's copy is offered (the server refuses
    // one, below); the panel says why.
    assert!(page.contains(r#"id="share-closed""#), "{page}");
    assert!(!page.contains(r#"id="share-form""#));
    // Its follow-up screen says it is closed, and offers no form.
    let page = tests::page_text(c, s, &format!("/cases/{code}/follow-up")).await;
    assert!(page.contains(r#"id="follow-up-closed""#), "{page}");
    assert!(!page.contains(r#"id="follow-up-form""#), "{page}");

    // Every path that would change it refuses, and changes nothing.
    let version = v.sections["client"].version;
    let r = call(
        c,
        s,
        "/api/cases/save",
        &[
            ("code", code.as_str()),
            ("section", "client"),
            ("version", &version.to_string()),
            ("f[client.alias]", "Nora Changed"),
        ],
    )
    .await;
    assert_eq!(r.status(), 409);
    let body = r.text().await.unwrap();
    assert_eq!(
        serde_json::from_str::<app::error::AppError>(&body).ok(),
        Some(app::error::AppError::PlanClosed),
        "{body}"
    );
    let risk_version = v.sections["risk"].version.to_string();
    for (path, form) in [
        (
            "/api/cases/request_approval",
            vec![("code", code.as_str()), ("version", risk_version.as_str())],
        ),
        (
            "/api/cases/confirm_origin",
            vec![
                ("code", code.as_str()),
                ("version", risk_version.as_str()),
                ("partner", "Partner"),
                ("on", today.as_str()),
            ],
        ),
        (
            "/api/cases/share",
            vec![
                ("code", code.as_str()),
                ("language", "en"),
                ("days", "7"),
                ("pin", ""),
            ],
        ),
        (
            "/api/handovers/hand_over",
            vec![("code", code.as_str()), ("note", "")],
        ),
    ] {
        let r = call(c, s, path, &form).await;
        assert_eq!(r.status(), 409, "{path}");
    }
    let after = open(c, s, &code).await;
    assert_eq!(after.sections, v.sections, "nothing was stored");
    assert_eq!(after.file.first_contact.client.alias, "Nora Life");
    // No way back from closed: refused as every other change.
    for (kind, reason) in [
        ("hold", ""),
        ("resume", ""),
        ("withdraw", ""),
        ("reopen", ""),
        ("close", "died"),
    ] {
        let r = call(
            c,
            s,
            "/api/cases/life",
            &[
                ("code", code.as_str()),
                ("kind", kind),
                ("reason", reason),
                ("on", today.as_str()),
                ("note", "why"),
            ],
        )
        .await;
        assert_eq!(r.status(), 409, "{kind}");
    }
    assert_eq!(open(c, s, &code).await.file.lifecycle.events.len(), 3);
}

async fn a_client_who_withdrew_comes_back_to_open_options(w: World) {
    let (c, s) = (&w.carla, &w.server);
    let code = new_ready_case(&w, "Olu Withdrawn").await;
    let today = tests::today().to_string();
    let r = life(
        c,
        s,
        &code,
        "withdraw",
        "",
        &today,
        "Wants to stay with her sister",
    )
    .await;
    assert_eq!(r, LifeResult::Moved);
    assert!(stage_in_caseload(c, s, &code, "withdrawn_by_client").await);
    let v = open(c, s, &code).await;
    assert!(
        v.file
            .progress(&app::catalog::planning(), tests::wall_now())
            .next_milestone
            .is_none(),
        "nothing comes up on a plan the client withdrew from"
    );
    // Resuming is for pauses; the client coming back reopens the options.
    let r = life(c, s, &code, "resume", "", &today, "").await;
    assert!(refused_with(&r, &LifeProblem::NotFrom), "{r:?}");
    let r = life(c, s, &code, "reopen", "", &today, "").await;
    assert_eq!(r, LifeResult::Moved);
    let v = open(c, s, &code).await;
    assert_eq!(v.file.lifecycle.state(), LifeState::Open);
    assert_eq!(v.file.lifecycle.events.len(), 2);
    assert!(audited(&w, "case.life.reopen", &code).await);
}

async fn missions_neither_move_a_plans_life_nor_read_why(w: World) {
    let (c, s) = (&w.carla, &w.server);
    let code = new_ready_case(&w, "Pat Mission").await;
    let today = tests::today().to_string();
    let r: app::api::handovers::HandOverOutcome = call_ok(
        c,
        s,
        "/api/handovers/hand_over",
        &[("code", code.as_str()), ("note", "")],
    )
    .await;
    assert!(
        matches!(r, app::api::handovers::HandOverOutcome::HandedOver),
        "{r:?}"
    );
    let r = life(
        c,
        s,
        &code,
        "hold",
        "",
        &today,
        "Her brother was threatened",
    )
    .await;
    assert_eq!(r, LifeResult::Moved);
    // The mission reads that the plan is paused, not why.
    let v = open(&w.olga, s, &code).await;
    assert!(matches!(v.file.lifecycle.state(), LifeState::OnHold { .. }));
    assert!(v.file.lifecycle.events.iter().all(|e| e.note.is_empty()));
    assert!(!v.may_move_life);
    assert_eq!(v.retention_months, None);
    // And may not move it: as for a case it does not know.
    let r = call(
        &w.olga,
        s,
        "/api/cases/life",
        &[
            ("code", code.as_str()),
            ("kind", "resume"),
            ("on", today.as_str()),
        ],
    )
    .await;
    assert_eq!(r.status(), 404);
    assert!(matches!(
        open(c, s, &code).await.file.lifecycle.state(),
        LifeState::OnHold { .. }
    ));
    // Closing the plan leaves its handover, which can still be ended.
    let r = life(
        c,
        s,
        &code,
        "close",
        "transferred",
        &today,
        "To the shelter in Utrecht",
    )
    .await;
    assert_eq!(r, LifeResult::Moved);
    let v = open(c, s, &code).await;
    let handover = v.handover.expect("the handover").id;
    let r: app::api::handovers::MoveResult = call_ok(
        c,
        s,
        "/api/handovers/respond",
        &[
            ("code", code.as_str()),
            ("handover", handover.as_str()),
            ("act", "withdraw"),
            ("text", "The plan is closed"),
        ],
    )
    .await;
    assert!(
        matches!(r, app::api::handovers::MoveResult::Moved { .. }),
        "{r:?}"
    );
}
