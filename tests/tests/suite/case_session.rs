//! The counselling session in headless Chromium against the release build:
//! a new case taken through every step to "ready for handover" on the
//! return track, with a period without network (edits kept on the device,
//! through a reload, and saved afterwards) and a conflicting edit by a
//! second user resolved in the side-by-side view. Every screen is checked
//! with axe-core (WCAG 2.x A/AA) and photographed under
//! `target/test-output/screenshots/case-session/`.

use app::domain::{OrgKind, Role};
use fantoccini::Locator;
use serde_json::json;
use tests::browser::Browser;
use tests::journey::Session;
use tests::{add_counsellor, add_users, call_ok, http_client, sign_in, Server, TestDb, PASSWORD};

#[tokio::test]
async fn a_counsellor_runs_a_full_session_to_handover() {
    let db = TestDb::sqlite();
    let store = db.store().await;
    add_counsellor(&store).await;
    add_users(
        &store,
        [
            ("Shelter A", OrgKind::Counselling, Role::Supervisor, "sam"),
            (
                "IOM Netherlands",
                OrgKind::IomMission,
                Role::ReturnOfficer,
                "olga",
            ),
        ],
    )
    .await;
    let mission = store
        .organisation_by_name("IOM Netherlands")
        .await
        .unwrap()
        .unwrap()
        .id;
    store.close().await;
    let server = Server::start(&db.url).await;
    let browser = Browser::start().await;
    let c = &browser.client;
    let mut s = Session::new(&browser, "case-session");
    let today = tests::today();
    let day = |offset: i64| {
        (today + chrono::Duration::days(offset))
            .format("%Y-%m-%d")
            .to_string()
    };

    // Sign in and open the caseload.
    c.goto(&server.url("/login?next=/cases")).await.unwrap();
    browser.wait_hydrated().await;
    browser.submit_sign_in("carla", PASSWORD).await;
    s.wait_text("caseload-total", "an empty caseload", |t| {
        t.starts_with('0')
    })
    .await;
    browser.wait_hydrated().await;
    s.check("caseload").await;

    // A new case.
    s.click("new-case").await;
    s.wait_text("create-case", "the new-case form", |t| !t.is_empty())
        .await;
    s.check("new-case").await;
    s.type_into("new-alias", "Rosa").await;
    s.type_into("new-birth-year", "1994").await;
    s.type_into("new-nationality", "NG").await;
    s.click("create-case").await;
    let code = s
        .wait_text("case-code", "the new case's code", |t| t.len() >= 8)
        .await;
    s.live("first-contact").await;
    assert!(c
        .current_url()
        .await
        .unwrap()
        .path()
        .ends_with("/first-contact"));
    s.wait_text("case-stage", "a new intake", |t| t == "New intake")
        .await;
    s.check("first-contact").await;
    let missing = s.text("handover-missing").await;
    assert!(missing.contains("Consent to store"), "{missing}");
    // One input for the date of birth, the one for what is known (the
    // year here); choosing "date" shows the date instead.
    let shown = |id: &'static str| {
        let c = c.clone();
        async move {
            c.execute(
                "const el = document.getElementById(arguments[0]); return !!el && el.offsetParent !== null;",
                vec![json!(id)],
            )
            .await
            .unwrap()
                == json!(true)
        }
    };
    assert!(shown("f-client-birth-year").await);
    assert!(!shown("f-client-birth-date").await);
    assert!(!shown("f-client-age-from").await);

    // S0: safety first; "unknown" is an answer.
    s.click("f-safety-danger-1").await;
    s.click("f-safety-medical-2").await;
    s.type_into("f-contact-companion", "came alone").await;
    s.wait_saved().await;

    // S1: consent to store, and to share with the IOM mission.
    s.step("consent", "Consent").await;
    s.set("f-consent-0-purpose", "store_data").await;
    s.set("f-consent-0-given-on", &day(0)).await;
    s.set("f-consent-0-language", "en").await;
    // The row in use took its number; a blank one appeared under it.
    browser.text_of("#f-consent-1-purpose").await;
    assert_eq!(
        row_legends(&browser).await,
        ["Consent 1", "New consent"],
        "the consent rows"
    );
    s.set("f-consent-1-purpose", "share").await;
    s.set("f-consent-1-recipient", &mission).await;
    for section in [
        "client",
        "consent",
        "decision",
        "risk",
        "reintegration",
        "travel",
    ] {
        s.click(&format!("f-consent-1-section-{section}")).await;
    }
    s.set("f-consent-1-given-on", &day(0)).await;
    s.set("f-consent-1-language", "en").await;
    s.wait_saved().await;
    s.wait_text("case-stage", "options open", |t| {
        t == "Options being discussed"
    })
    .await;

    // S2: the ILO result follows the ticks as they are made.
    s.step("identification", "Identification").await;
    // Nothing ticked, from a catalogue holding part of the list: no
    // finding either way, and the result says how much of it.
    let result = s.text("ilo-result").await;
    assert!(result.contains("Not established"), "{result}");
    assert!(result.contains("Based on 59 of 67 indicators"), "{result}");
    for indicator in [
        "d1-nature-of-job",
        "d1-wages",
        "d4-excessive-hours",
        "d4-low-salary",
        "d5-documents",
        "d5-threats",
    ] {
        s.click(&format!("f-obs-{indicator}")).await;
    }
    s.wait_text("ilo-result", "a consistent profile", |t| {
        t.contains("Indicator profile consistent with trafficking")
    })
    .await;
    s.click("f-screening-judgement-0").await;
    s.wait_saved().await;
    s.check("identification-result").await;

    // S3: options, all open. An offline period here.
    s.step("options", "Options").await;
    s.set("f-option-stay-feasibility", "difficult").await;
    s.set("f-option-onward-feasibility", "not_feasible").await;
    s.wait_saved().await;
    browser.set_offline(true).await;
    s.type_into("f-option-return-wishes", "Back to her mother in Benin City")
        .await;
    s.wait_text("save-status", "offline", |t| t.starts_with("Offline"))
        .await;
    s.check("options-offline").await;
    // Still without a way to save, the page is reloaded: the edit is kept
    // on the device and put back.
    browser
        .cdp(
            "Network.setBlockedURLs",
            json!({ "urls": ["*/api/cases/save*"] }),
        )
        .await;
    browser.set_offline(false).await;
    c.refresh().await.unwrap();
    s.live("options").await;
    s.wait_value("f-option-return-wishes", "Back to her mother in Benin City")
        .await;
    s.wait_text("save-status", "offline", |t| t.starts_with("Offline"))
        .await;
    // The network is back: the draft is saved by itself.
    browser
        .cdp("Network.setBlockedURLs", json!({ "urls": [] }))
        .await;
    s.wait_saved().await;

    // S4: the client's own decision.
    s.step("decision", "Decision").await;
    s.click("f-decision-choice-2").await;
    s.set("f-decision-on", &day(0)).await;
    s.click("f-decision-free-and-informed").await;
    s.wait_saved().await;
    s.wait_text("case-stage", "decided", |t| t == "Decided")
        .await;

    // S5: a medium risk with a mitigation passes the gate.
    s.step("risk", "Risk assessment").await;
    // The keyboard: the first Tab reaches "Skip to the form", Enter the
    // step's first field.
    c.find(Locator::Css("body"))
        .await
        .unwrap()
        .send_keys("\u{E004}")
        .await
        .unwrap();
    let focused: serde_json::Value = c
        .execute("return document.activeElement.id", vec![])
        .await
        .unwrap();
    assert_eq!(focused, json!("skip-to-form"), "the first Tab");
    c.active_element()
        .await
        .unwrap()
        .send_keys("\u{E007}")
        .await
        .unwrap();
    let focused: serde_json::Value = c
        .execute("return document.activeElement.id", vec![])
        .await
        .unwrap();
    assert_eq!(
        focused,
        json!("f-risk-assessed-on"),
        "Enter on the skip link"
    );
    s.set("f-risk-assessed-on", &day(0)).await;
    s.set("f-risk-0-level", "household").await;
    s.type_into("f-risk-0-description", "Debt to the recruiter's family")
        .await;
    // Typing in the new row names it and puts a blank row under it; the
    // field typed in kept every keystroke and the focus.
    browser.text_of("#f-risk-1-description").await;
    assert_eq!(row_legends(&browser).await, ["Risk 1", "New risk"]);
    assert_eq!(
        browser.value_of("f-risk-0-description").await,
        "Debt to the recruiter's family"
    );
    let focused = browser
        .client
        .execute("return document.activeElement.id", vec![])
        .await
        .unwrap();
    assert_eq!(focused, json!("f-risk-0-description"));
    s.set("f-risk-0-likelihood", "2").await;
    s.set("f-risk-0-severity", "2").await;
    s.wait_text("risk-result", "an unmitigated medium risk", |t| {
        t.contains("Add a mitigation for the medium risk R1")
    })
    .await;
    s.set("f-risk-0-mitigation", "mit-other-region").await;
    s.wait_text("risk-result", "the gate passed", |t| {
        t.contains("the risk gate is passed")
    })
    .await;
    s.wait_saved().await;
    s.wait_text("case-stage", "approved for return", |t| {
        t == "Approved for return"
    })
    .await;
    s.check("risk-gate").await;

    // A second user changes the same section meanwhile.
    let other = http_client();
    assert_eq!(
        sign_in(&other, &server, "sam", PASSWORD).await.status(),
        200
    );
    let opened: serde_json::Value =
        call_ok(&other, &server, "/api/cases/open", &[("code", &code)]).await;
    let version = opened["sections"]["risk"]["version"]
        .as_i64()
        .unwrap()
        .to_string();
    let mut fields: Vec<(String, String)> = vec![
        ("code".into(), code.clone()),
        ("section".into(), "risk".into()),
        ("version".into(), version),
        ("f[risk.assessed_on]".into(), day(0)),
        ("f[risk.0.level]".into(), "household".into()),
        (
            "f[risk.0.description]".into(),
            "Debt, as the supervisor noted it".into(),
        ),
        ("f[risk.0.likelihood]".into(), "2".into()),
        ("f[risk.0.severity]".into(), "2".into()),
        ("f[risk.0.mitigation]".into(), "mit-other-region".into()),
    ];
    fields.push(("f[risk.catalogue_version]".into(), "2026-11.1".into()));
    let form: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let saved: serde_json::Value = call_ok(&other, &server, "/api/cases/save", &form).await;
    assert!(saved.get("Saved").is_some(), "{saved}");
    // The counsellor, still on the old version, edits the same section.
    s.type_into(
        "f-risk-0-description",
        "Debt to the recruiter's family, 2,000 EUR",
    )
    .await;
    s.wait_text("save-status", "a conflict", |t| {
        t.contains("someone else changed")
    })
    .await;
    let conflict = s.text("conflict").await;
    assert!(conflict.contains("Test supervisor"), "{conflict}");
    let theirs = browser.value_of("theirs-f-risk-0-description").await;
    assert_eq!(theirs, "Debt, as the supervisor noted it");
    s.check("risk-conflict").await;
    s.click("keep-mine").await;
    s.wait_saved().await;
    let reopened: serde_json::Value =
        call_ok(&other, &server, "/api/cases/open", &[("code", &code)]).await;
    assert_eq!(
        reopened["file"]["risk"]["assessment"]["risks"][0]["description"],
        json!("Debt to the recruiter's family, 2,000 EUR"),
        "the counsellor's version was kept, knowingly"
    );

    // S6–S7: the budget within the programme's caps.
    s.step("reintegration", "Reintegration").await;
    s.set("f-reint-programme", "nl-2025-reintegration").await;
    s.set("f-person-0-kind", "adult").await;
    s.set("f-line-0-category", "economic").await;
    s.type_into("f-line-0-description", "Sewing machine and stock")
        .await;
    s.set("f-line-0-amount", "1500").await;
    s.wait_text("budget-total", "the total", |t| t == "€1,500.00")
        .await;
    s.wait_text("budget-remaining", "what remains", |t| t == "€500.00")
        .await;
    s.wait_saved().await;
    s.check("reintegration-budget").await;

    // S9: travel, to the mission the client consented to share with.
    s.step("travel", "Travel").await;
    // The gate has passed: no step still says it waits for it.
    let waiting = c.find_all(Locator::Css(".badge.gated")).await.unwrap();
    assert!(
        waiting.is_empty(),
        "{} steps wait for a passed gate",
        waiting.len()
    );
    s.set("f-travel-mission", &mission).await;
    s.type_into("f-travel-destination", "NG").await;
    s.set("f-travel-departure", &day(60)).await;
    s.wait_saved().await;

    s.step("milestones", "Milestones").await;
    s.step("review", "Review").await;
    s.wait_text("review-ready", "ready for handover", |t| {
        t.contains("ready to be handed over")
    })
    .await;
    s.wait_text("case-stage", "ready for handover", |t| {
        t == "Ready for handover"
    })
    .await;

    // The client's view and the safe screen.
    c.goto(&server.url(&format!("/cases/{code}/client-view")))
        .await
        .unwrap();
    s.live("client-view").await;
    s.wait_text("client-view-heading", "the client's view", |t| {
        t == "Your options"
    })
    .await;
    s.check("client-view").await;
    c.find(Locator::Css("body"))
        .await
        .unwrap()
        .send_keys("\u{E00C}")
        .await
        .unwrap();
    s.wait_text("show-again", "the safe screen", |t| !t.is_empty())
        .await;
    let hidden: serde_json::Value = c
        .execute(
            "return getComputedStyle(document.getElementById('case-content')).display",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(hidden, json!("none"), "Esc hides every bit of the case");
    // The keyboard is on the way back.
    let start = std::time::Instant::now();
    loop {
        let focused: serde_json::Value = c
            .execute(
                "return document.activeElement && document.activeElement.id",
                vec![],
            )
            .await
            .unwrap();
        if focused == json!("show-again") {
            break;
        }
        assert!(
            start.elapsed() < std::time::Duration::from_secs(5),
            "after Esc the focus is on {focused}, not on \"Show the case again\""
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    s.check("safe-screen").await;
    s.click("show-again").await;

    // The caseload shows the case as ready; the access log who saw it.
    c.goto(&server.url("/cases")).await.unwrap();
    browser.wait_hydrated().await;
    let row = s.text("caseload").await;
    assert!(
        row.contains(&code) && row.contains("Ready for handover"),
        "{row}"
    );
    c.goto(&server.url(&format!("/cases/{code}/access")))
        .await
        .unwrap();
    let log = s.text("access-table").await;
    assert!(
        log.contains("case.section.save") && log.contains("Test supervisor"),
        "{log}"
    );
    s.check("access-log").await;

    browser.close().await;
    assert!(
        !server.log_text().contains("Rosa"),
        "the server log never names the client"
    );
}

/// Without JavaScript at all, a step is readable and its form saves: the
/// browser posts it and comes back to the step, saying so.
#[tokio::test]
async fn a_step_works_without_wasm() {
    let db = TestDb::sqlite();
    let store = db.store().await;
    let carla = add_counsellor(&store).await;
    let case = tests::add_case(&store, &carla, "Joy").await;
    store.close().await;
    let server = Server::start(&db.url).await;
    let browser = Browser::start_with(tests::browser::BrowserOptions { javascript: false }).await;
    let c = &browser.client;
    let code = case.code.as_str().to_string();
    c.goto(&server.url(&format!("/login?next=/cases/{code}/options")))
        .await
        .unwrap();
    browser.submit_sign_in("carla", PASSWORD).await;
    assert_eq!(browser.text_of("#step-heading").await, "Options");
    assert!(
        !browser.is_hydrated().await,
        "no script may run in this browser"
    );
    browser
        .fill("f-option-stay-wishes", "To keep working here, legally")
        .await;
    browser.click("#save-step").await;
    assert_eq!(browser.text_of("#form-result").await, "Saved.");
    let kept = browser.value_of("f-option-stay-wishes").await;
    assert_eq!(kept, "To keep working here, legally");
    // The stepper and the handover list are there, as links.
    let steps = browser.text_of("nav.stepper").await;
    assert!(steps.contains("Risk assessment"), "{steps}");
    browser.close().await;
}

/// The legends of the step form's rows ("Risk 1", "New risk", …).
async fn row_legends(b: &Browser) -> Vec<String> {
    let legends = b
        .client
        .execute(
            "return [...document.querySelectorAll('#step-form .row-group > legend')]\
               .map(l => l.textContent.trim())",
            vec![],
        )
        .await
        .unwrap();
    serde_json::from_value(legends).unwrap()
}
