//! In headless Chromium against the release build: a supervisor declines,
//! then approves, a high-risk return in the risk step; the counsellor
//! changes a risk, reads that both sign-offs must be asked again and
//! records the origin partner's new confirmation; the counsellor
//! opens the client's copy to print, shares it in Arabic by link with a
//! PIN; the client's phone opens the link, gives the PIN and reads the
//! copy right to left; the counsellor switches the link off and the link
//! says so; the counsellor puts the plan on hold, is told why it cannot
//! close as "returned and followed up", and closes it as "lost contact":
//! read-only from then on. Every screen is checked with axe-core and photographed under
//! `target/test-output/screenshots/client-copy/`.

use app::domain::{OrgKind, Role};
use fantoccini::Locator;
use tests::browser::Browser;
use tests::journey::Session;
use tests::{
    add_user, ask_for_approval, call_ok, http_client, make_ready, sign_in, Server, TestDb, PASSWORD,
};

#[tokio::test]
async fn a_high_risk_return_is_approved_and_the_client_gets_a_copy_in_arabic() {
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
    let carla = http_client();
    assert!(sign_in(&carla, &server, "carla", PASSWORD)
        .await
        .status()
        .is_success());
    let created: app::api::cases::NewCaseOutcome = call_ok(
        &carla,
        &server,
        "/api/cases/create",
        &[
            ("alias", "Amal"),
            ("birth_year", "1992"),
            ("nationality", "MA"),
        ],
    )
    .await;
    let app::api::cases::NewCaseOutcome::Created { code } = created else {
        panic!("{created:?}");
    };
    make_ready(&carla, &server, &code, "Amal", &mission).await;
    ask_for_approval(&carla, &server, &code).await;

    let browser = Browser::start().await;
    let mut s = Session::new(&browser, "client-copy");
    let risk = format!("/cases/{code}/risk");

    // The supervisor declines without a reason: refused; with one: done.
    s.sign_in_as(&server, "sam", &risk).await;
    s.live("risk").await;
    s.wait_text("approval-waiting", "the request", |t| !t.is_empty())
        .await;
    s.check("approval-asked").await;
    s.click("approval-decline").await;
    s.click("approval-submit").await;
    s.wait_text("approval-error", "a reason is needed", |t| {
        t.contains("Say why")
    })
    .await;
    s.type_into(
        "approval-comment",
        "No shelter on arrival is confirmed yet.",
    )
    .await;
    s.click("approval-submit").await;
    s.wait_text("approval-declined-comment", "the comment", |t| {
        t.contains("No shelter on arrival")
    })
    .await;
    s.live("risk").await;
    s.check("approval-declined").await;

    // Asked again (over HTTP); approved in the browser.
    ask_for_approval(&carla, &server, &code).await;
    s.b.client.goto(&server.url(&risk)).await.unwrap();
    s.live("risk").await;
    s.click("approval-approve").await;
    s.click("approval-submit").await;
    s.wait_text("approval-given", "approved", |t| !t.is_empty())
        .await;
    s.live("risk").await;
    s.check("approval-given").await;

    // The counsellor changes a risk: both sign-offs were for the earlier
    // assessment, and the step says both must be asked again.
    s.sign_in_as(&server, "carla", &risk).await;
    s.live("risk").await;
    s.type_into("f-risk-0-description", "The recruiter knows her family")
        .await;
    s.wait_saved().await;
    s.wait_text("sign-offs-cleared", "both sign-offs to ask again", |t| {
        t.contains("supervisor") && t.contains("partner")
    })
    .await;
    s.check("sign-offs-cleared").await;
    // The partner confirms the new assessment: recorded from the panel
    // (the partner's name and today's date are filled in).
    s.click("origin-submit").await;
    s.wait_text("origin-confirmed", "the partner's confirmation", |t| {
        t.contains("Partner in Benin City")
    })
    .await;
    s.live("risk").await;
    let left = s
        .wait_text("sign-offs-cleared", "the approval still to ask", |t| {
            t.contains("supervisor")
        })
        .await;
    assert!(!left.contains("partner in origin"), "{left}");
    s.check("origin-confirmed").await;

    // The counsellor shares the copy in Arabic with a PIN.
    let review = format!("/cases/{code}/review");
    s.sign_in_as(&server, "carla", &review).await;
    s.live("review").await;
    s.wait_text("share-none", "no links yet", |t| !t.is_empty())
        .await;
    s.check("review").await;
    s.set("share-language", "ar").await;
    s.type_into("share-pin", "2468").await;
    s.click("share-create").await;
    s.wait_text("share-created", "the new link", |t| !t.is_empty())
        .await;
    let url = s.b.value_of("share-url").await;
    assert!(url.contains("/c/"), "{url}");
    s.check("link-made").await;

    // The client's phone: the PIN, then the copy, right to left.
    let phone = Browser::start().await;
    let mut p = Session::new(&phone, "client-copy/phone");
    phone.client.goto(&url).await.unwrap();
    phone.text_of("#pin").await;
    p.check("pin").await;
    phone.fill("pin", "2468").await;
    phone.click("main form button[type=submit]").await;
    let dir = phone
        .client
        .wait()
        .at_most(std::time::Duration::from_secs(30))
        .for_element(Locator::Css("html[dir='rtl'] ol.steps"))
        .await;
    assert!(dir.is_ok(), "the copy in Arabic, right to left");
    let page = phone.client.source().await.unwrap();
    assert!(page.contains(&code) && page.contains("112"));
    assert!(!page.contains("Amal"), "no name on the copy");
    p.check("copy-ar").await;

    // Switched off: the phone is told so.
    s.b.click("#share-links .revoke").await;
    s.wait_text("share-links", "switched off", |t| {
        t.contains("Switched off")
    })
    .await;
    s.check("link-off").await;
    phone.client.goto(&url).await.unwrap();
    let gone = phone.text_of("main h1").await;
    assert!(!gone.is_empty());
    let page = phone.client.source().await.unwrap();
    assert!(
        page.contains("dir=\"rtl\""),
        "still in the client's language"
    );
    assert!(!page.contains(&code), "nothing of the plan");
    p.check("link-off").await;

    // The plan's life, on the review step: paused with a reason, then a
    // closure whose reason the plan does not support is refused with why,
    // and one it does closes the plan, read-only from then on.
    s.b.client.goto(&server.url(&review)).await.unwrap();
    s.live("review").await;
    s.b.click("#life-hold summary").await;
    s.type_into("life-hold-note", "Waiting for her new passport photo")
        .await;
    s.click("life-hold-submit").await;
    s.wait_text("life-banner", "on hold", |t| t.contains("On hold since"))
        .await;
    s.live("review").await;
    s.check("life-on-hold").await;
    s.b.click("#life-close summary").await;
    s.set("life-close-reason", "plan_completed").await;
    s.click("life-close-confirm").await;
    s.click("life-close-submit").await;
    s.wait_text("life-problems", "why it cannot close so", |t| {
        t.contains("follow-up contact")
    })
    .await;
    s.check("life-refused").await;
    s.set("life-close-reason", "unreachable").await;
    s.type_into("life-close-note", "No answer since the handover")
        .await;
    s.click("life-close-submit").await;
    s.wait_text("life-banner", "closed", |t| t.contains("Closed on"))
        .await;
    s.live("review").await;
    s.wait_text("life-erasure", "when it is erased", |t| {
        t.contains("60 months")
    })
    .await;
    s.check("life-closed").await;
    let first = format!("/cases/{code}/first-contact");
    s.b.client.goto(&server.url(&first)).await.unwrap();
    s.live("first-contact").await;
    let save_shown = s
        .b
        .client
        .execute(
            "const b = document.getElementById('save-step'); return !!b && !b.closest('[hidden]');",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        save_shown,
        serde_json::json!(false),
        "a closed plan is read-only"
    );

    phone.close().await;
    browser.close().await;
    server.stop().await;
}
