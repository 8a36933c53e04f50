//! In headless Chromium against the release build (issue #7): a counsellor
//! in a session opens the plan's referrals, goes to the social map, finds
//! an organisation by service, country and language, refers the client to
//! it for reception on arrival, and moves the referral on as it happens
//! (contacted, accepted); the plan shows how to reach the organisation and
//! how to refer. An editor then corrects the entry through its form and
//! the counsellor's plan shows the new number. Every screen is checked
//! with axe-core and photographed under
//! `target/test-output/screenshots/social-map/`.

use app::domain::directory::{Organisation, Service, TargetGroup};
use app::domain::{OrgKind, Role};
use app::store::{AuditOutcome, NewAuditEvent, UserChange};
use tests::browser::Browser;
use tests::journey::Session;
use tests::{add_case, add_users, seed_counsellor, Server, TestDb};

#[tokio::test]
async fn a_counsellor_finds_an_organisation_and_refers_the_client() {
    let db = TestDb::sqlite();
    let store = db.store().await;
    let [carla, ed] = add_users(
        &store,
        [
            ("Shelter A", OrgKind::Counselling, Role::Counsellor, "carla"),
            ("Shelter A", OrgKind::Counselling, Role::Supervisor, "ed"),
        ],
    )
    .await;
    store
        .change_user(
            &ed.id,
            UserChange::DirectoryEditor(true),
            NewAuditEvent::new("user.set_directory_editor", AuditOutcome::Allowed),
        )
        .await
        .unwrap();
    let case = add_case(&store, &carla, "Joy").await;
    let code = case.code.as_str().to_string();
    store.close().await;
    let server = Server::start(&db.url).await;
    // The first start seeded the map; one more organisation, with the
    // languages it works in (the seed knows none).
    let store = db.store().await;
    let mut org = Organisation::new("ng-test-return", "Edo Return Support", "NG", "Benin City");
    org.services = [Service::Reintegration, Service::AirportReception].into();
    org.target_groups = [TargetGroup::Returnees, TargetGroup::Women].into();
    org.languages = ["en".to_string(), "pcm".to_string()].into();
    org.phone = "+2348011110000".into();
    org.referral_procedure = "Call two days ahead with the flight number.".into();
    store
        .save_directory_entry(
            &org,
            0,
            "create",
            &ed.id,
            chrono::Utc::now(),
            &NewAuditEvent::new("directory.create", AuditOutcome::Allowed),
        )
        .await
        .unwrap();
    store.close().await;

    let browser = Browser::start().await;
    let mut s = Session::new(&browser, "social-map");
    let reintegration = format!("/cases/{code}/reintegration");

    // The plan has no referral yet; the counsellor goes to the map.
    s.sign_in_as(&server, "carla", &reintegration).await;
    s.live("reintegration").await;
    s.wait_text("no-referrals", "no referral yet", |t| !t.is_empty())
        .await;
    s.check("plan-without-referrals").await;
    s.click("find-referral").await;
    s.wait_text("map-count", "the whole map", |t| {
        t.contains("organisations found")
    })
    .await;
    browser.wait_hydrated().await;
    s.check("map").await;

    // Found by service, country and language.
    s.set("map-service", "reintegration").await;
    s.set("map-country", "NG").await;
    s.set("map-language", "pcm").await;
    s.click("map-find").await;
    s.wait_text("map-count", "one organisation", |t| t.starts_with("1 of 1"))
        .await;
    let name = browser.text_of("#org-ng-test-return h2").await;
    assert!(name.contains("Edo Return Support"), "{name}");
    s.check("map-found").await;

    // Referred for reception on arrival: back in the plan.
    s.set("refer-purpose-ng-test-return", "reception").await;
    s.type_into("refer-note-ng-test-return", "meet her at the airport")
        .await;
    s.click("refer-ng-test-return").await;
    s.live("reintegration").await;
    s.wait_text("referral-result", "the referral recorded", |t| {
        t.contains("Referral recorded")
    })
    .await;
    let item = browser.text_of("#referral-r1").await;
    assert!(item.contains("Edo Return Support"), "{item}");
    assert!(item.contains("Reception on arrival"), "{item}");
    assert!(item.contains("+2348011110000"), "the contacts: {item}");
    assert!(item.contains("two days ahead"), "the procedure: {item}");
    s.wait_text("referral-r1", "proposed", |t| t.contains("Proposed"))
        .await;
    s.check("referred").await;

    // The referral moves on as it happens.
    browser.click("#referral-r1 button.advance").await;
    s.wait_text("referral-r1", "contacted", |t| {
        t.contains("Contacted since")
    })
    .await;
    browser.click("#referral-r1 button.advance").await;
    s.wait_text("referral-r1", "accepted", |t| t.contains("Accepted since"))
        .await;
    s.check("accepted").await;
    // The budget form still saves on the section the referrals moved on.
    s.type_into("f-reint-goals", "A tailoring shop in Benin City")
        .await;
    s.wait_saved().await;

    // Someone else (the IOM mission, or the counsellor on another device)
    // marks the service delivered while the form is open. The form's next
    // save is no conflict: that change is not in the form, and neither
    // change is lost.
    let elsewhere = tests::signed_in(&server, "carla").await;
    let moved: app::api::cases::ReferralResult = tests::call_ok(
        &elsewhere,
        &server,
        "/api/cases/referral",
        &[
            ("code", code.as_str()),
            ("op", "move"),
            ("referral_id", "r1"),
            ("from", "accepted"),
            ("to", "delivered"),
        ],
    )
    .await;
    assert!(
        matches!(moved, app::api::cases::ReferralResult::Done { .. }),
        "{moved:?}"
    );
    s.type_into(
        "f-reint-goals",
        "A tailoring shop in Benin City, with two sewing machines",
    )
    .await;
    s.wait_saved().await;
    assert!(
        browser
            .client
            .find(fantoccini::Locator::Id("conflict"))
            .await
            .is_err(),
        "no conflict to resolve"
    );

    // Reloaded, everything is as the server has it: both changes.
    browser.client.refresh().await.unwrap();
    s.live("reintegration").await;
    s.wait_text("referral-r1", "delivered", |t| {
        t.contains("Service delivered")
    })
    .await;
    let goals = browser.value_of("f-reint-goals").await;
    assert_eq!(
        goals,
        "A tailoring shop in Benin City, with two sewing machines"
    );

    // A last word typed, and the organisation's page opened at once (a
    // link inside the application, within the pause before autosave):
    // the edit is sent as the case page is left, and the page it leads
    // to has no error.
    s.type_into(
        "f-reint-goals",
        "A tailoring shop in Benin City, with two sewing machines and a stall",
    )
    .await;
    browser.click("#referral-r1 h3 a").await;
    s.wait_text("entry-name", "the organisation", |t| {
        t.contains("Edo Return Support")
    })
    .await;
    let start = std::time::Instant::now();
    loop {
        let opened: serde_json::Value =
            tests::call_ok(&elsewhere, &server, "/api/cases/open", &[("code", &code)]).await;
        let goals = opened["file"]["reintegration"]["goals"].clone();
        if goals == "A tailoring shop in Benin City, with two sewing machines and a stall" {
            break;
        }
        assert!(
            start.elapsed() < std::time::Duration::from_secs(10),
            "the last edit never reached the server: {goals}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    s.check("entry").await;
    s.sign_in_as(&server, "ed", "/directory/entry/ng-test-return/edit")
        .await;
    browser.wait_hydrated().await;
    s.check("entry-form").await;
    // Written as people do; kept in E.164 form.
    s.type_into("f-phone", "+234 802 222 0000").await;
    s.click("entry-save").await;
    s.wait_text("entry-name", "the saved entry", |t| {
        t.contains("Edo Return Support")
    })
    .await;
    let contact = browser.text_of("#entry-contact").await;
    assert!(contact.contains("+2348022220000"), "{contact}");
    let history = browser.text_of("#entry-history").await;
    assert!(history.contains("edited"), "{history}");

    // The counsellor's plan shows the new number.
    s.sign_in_as(&server, "carla", &reintegration).await;
    s.live("reintegration").await;
    let item = browser.text_of("#referral-r1").await;
    assert!(item.contains("+2348022220000"), "{item}");

    // The editor opens the entry with a page load (it hydrates without a
    // page error) and verifies it: the page says so at once.
    s.sign_in_as(&server, "ed", "/directory/entry/ng-test-return")
        .await;
    browser.wait_hydrated().await;
    s.wait_text("entry-badges", "never verified", |t| {
        t.contains("Never verified")
    })
    .await;
    browser.click("#entry-verify button[type=submit]").await;
    s.wait_text("entry-badges", "verified today", |t| {
        t.contains("Verified ") && !t.contains("Never verified")
    })
    .await;
    s.check("entry-verified").await;
    browser.close().await;
}

/// The map's pages are one route loaded on demand that picks the page by
/// its address: moving between them inside the application (no page
/// load) shows the page asked for.
#[tokio::test]
async fn the_map_pages_follow_links_without_a_page_load() {
    let db = TestDb::sqlite();
    seed_counsellor(&db).await;
    let server = Server::start(&db.url).await;
    let browser = Browser::start().await;
    let s = Session::new(&browser, "social-map/links");
    s.sign_in_as(&server, "carla", "/directory").await;
    browser.wait_hydrated().await;
    s.wait_text("map-count", "the whole map", |t| {
        t.contains("organisations found")
    })
    .await;
    browser.click("#org-nl-comensha h2 a").await;
    s.wait_text("entry-name", "the entry", |t| t.contains("CoMensha"))
        .await;
    browser.click("#entry-edit").await;
    browser.text_of("#entry-form").await;
    let heading = browser.text_of("main h1").await;
    assert!(
        heading.starts_with("Suggest a correction to CoMensha"),
        "{heading}"
    );
    let url = browser.client.current_url().await.unwrap();
    assert_eq!(url.path(), "/directory/entry/nl-comensha/edit");
}
