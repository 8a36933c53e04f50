//! Browser journeys in headless Chromium against the release build.

use fantoccini::Locator;
use std::time::Duration;
use tests::browser::{Browser, BrowserOptions};
use tests::{seed_counsellor, Server, TestDb, PASSWORD};

/// The page hydrates, and an interaction that only WASM handles changes the DOM.
#[tokio::test]
async fn sign_in_page_hydrates_and_reacts() {
    let db = TestDb::sqlite();
    let server = Server::start(&db.url).await;
    let browser = Browser::start().await;
    let c = &browser.client;
    c.goto(&server.url("/login")).await.unwrap();
    browser.wait_hydrated().await;
    let password = c.find(Locator::Id("password")).await.unwrap();
    assert_eq!(
        password.attr("type").await.unwrap().as_deref(),
        Some("password")
    );
    let toggle = c.find(Locator::Id("toggle-password")).await.unwrap();
    assert_eq!(toggle.text().await.unwrap(), "Show");
    toggle.click().await.unwrap();
    assert_eq!(
        password.attr("type").await.unwrap().as_deref(),
        Some("text")
    );
    assert_eq!(toggle.text().await.unwrap(), "Hide");
    assert_eq!(
        toggle.attr("aria-pressed").await.unwrap().as_deref(),
        Some("true")
    );
    browser.close().await;
}

/// Without JavaScript at all, the server-rendered page is complete and the
/// form still signs in.
#[tokio::test]
async fn page_content_is_there_before_any_wasm() {
    let db = TestDb::sqlite();
    seed_counsellor(&db).await;
    let server = Server::start(&db.url).await;
    let browser = Browser::start_with(BrowserOptions { javascript: false }).await;
    let c = &browser.client;
    c.goto(&server.url("/login")).await.unwrap();
    let h1 = c.find(Locator::Css("h1")).await.unwrap();
    assert_eq!(h1.text().await.unwrap(), "Sign in");
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(
        !browser.is_hydrated().await,
        "no script may run in this browser"
    );
    // A failed attempt comes back to the sign-in page with its message.
    browser.submit_sign_in("carla", "not the password").await;
    assert_eq!(browser.text_of("[role=alert]").await, "invalid credentials");
    browser.submit_sign_in("carla", PASSWORD).await;
    let who = browser.text_of("#who").await;
    assert!(who.contains("Shelter A"), "{who}");
    browser.close().await;
}

/// The main journey with WASM: sign in, see the start page, sign out.
#[tokio::test]
async fn sign_in_and_out_with_wasm() {
    let db = TestDb::sqlite();
    seed_counsellor(&db).await;
    let server = Server::start(&db.url).await;
    let browser = Browser::start().await;
    let c = &browser.client;
    c.goto(&server.url("/")).await.unwrap();
    // Sent to the sign-in page, which remembers where to return.
    c.wait()
        .at_most(Duration::from_secs(15))
        .for_url(&url::Url::parse(&server.url("/login?next=/")).unwrap())
        .await
        .unwrap();
    browser.wait_hydrated().await;
    browser.submit_sign_in("carla", "wrong password here").await;
    assert_eq!(browser.text_of("[role=alert]").await, "invalid credentials");
    browser.submit_sign_in("carla", PASSWORD).await;
    let who = browser.text_of("#who").await;
    assert!(who.contains("Test counsellor"), "{who}");
    browser.click("#sign-out button").await;
    assert_eq!(browser.text_of("main.auth h1").await, "Sign in");
    // The session is over on the server too.
    c.goto(&server.url("/")).await.unwrap();
    assert_eq!(browser.text_of("main.auth h1").await, "Sign in");
    browser.close().await;
}

/// A few minutes before the idle timeout the page warns and offers to stay
/// signed in; staying signed in restarts the countdown.
#[tokio::test]
async fn session_expiry_is_announced_with_a_way_to_stay() {
    let db = TestDb::sqlite();
    seed_counsellor(&db).await;
    // A one-minute idle timeout is inside the five-minute warning window.
    let server = Server::start_with(&db.url, &["--session-idle-minutes", "1"]).await;
    let browser = Browser::start().await;
    browser.client.goto(&server.url("/login")).await.unwrap();
    browser.wait_hydrated().await;
    browser.submit_sign_in("carla", PASSWORD).await;
    let warning = browser.text_of("#session-warning").await;
    assert!(warning.contains("You will be signed out in"), "{warning}");
    tokio::time::sleep(Duration::from_secs(3)).await;
    let before = browser.text_of("#session-warning strong").await;
    browser.click("#session-warning button").await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let after = browser.text_of("#session-warning strong").await;
    assert!(after > before, "countdown restarted: {before} -> {after}");
    browser.close().await;
}

/// Each demo role signs in and sees only what that role may: the user
/// administration exists for the admin alone.
#[tokio::test]
async fn each_demo_role_sees_only_its_own_pages() {
    let db = TestDb::sqlite();
    tests::seed_demo(&db);
    let server = Server::start(&db.url).await;
    let browser = Browser::start().await;
    let c = &browser.client;
    for (username, password, role_label, admin) in [
        (
            "demo.counsellor",
            "demo-counsellor-pass",
            "counsellor",
            false,
        ),
        (
            "demo.supervisor",
            "demo-supervisor-pass",
            "supervisor",
            false,
        ),
        (
            "demo.officer",
            "demo-officer-password",
            "return officer",
            false,
        ),
        ("demo.admin", "demo-admin-password", "administrator", true),
    ] {
        c.goto(&server.url("/login")).await.unwrap();
        browser.wait_hydrated().await;
        browser.submit_sign_in(username, password).await;
        let who = browser.text_of("#who").await;
        assert!(who.contains(role_label), "{username}: {who}");
        assert!(browser
            .text_of(".demo-banner")
            .await
            .contains("Demo organisation"));
        let nav = browser.text_of("header nav").await;
        assert_eq!(nav.contains("Users"), admin, "{username} nav: {nav}");
        c.goto(&server.url("/admin/users")).await.unwrap();
        browser.wait_hydrated().await;
        let heading = browser.text_of("main h1").await;
        if admin {
            assert!(heading.starts_with("Users of"), "{heading}");
            let table = browser.text_of("#users").await;
            assert!(
                table.contains("demo.counsellor") && table.contains("demo.supervisor"),
                "{table}"
            );
            // Only its own organisation's users.
            assert!(!table.contains("demo.officer"), "{table}");
        } else {
            assert_eq!(heading, "Page not found", "{username}");
            assert!(c
                .find(fantoccini::Locator::Id("create-user"))
                .await
                .is_err());
        }
        browser.click("#sign-out button").await;
        browser.text_of("main.auth h1").await;
    }
    browser.close().await;
}

/// Where the installation requires it, a supervisor sets up two-step
/// sign-in at sign-in: the code page shows the QR code and the key, and
/// the code from the app completes the sign-in.
#[tokio::test]
async fn a_supervisor_sets_up_two_step_sign_in() {
    let db = TestDb::sqlite();
    let store = db.store().await;
    tests::add_user(
        &store,
        "Shelter A",
        app::domain::OrgKind::Counselling,
        app::domain::Role::Supervisor,
        "sam",
        PASSWORD,
    )
    .await;
    let server = Server::start_with(&db.url, &["--require-second-factor", "true"]).await;
    let browser = Browser::start().await;
    browser
        .client
        .goto(&server.url("/login?next=/account"))
        .await
        .unwrap();
    browser.wait_hydrated().await;
    browser.submit_sign_in("sam", PASSWORD).await;
    let key = browser.text_of("#enrolment-key").await;
    assert_eq!(key.replace(' ', "").len(), 32, "{key}");
    assert!(browser.client.find(Locator::Css(".qr svg")).await.is_ok());
    browser.wait_hydrated().await;
    browser.fill("code", "000000").await;
    browser.click("#code-form button[type=submit]").await;
    let alert = browser.text_of("#code-form [role=alert]").await;
    assert!(alert.contains("not right"), "{alert}");
    let creds = store.user_credentials("sam").await.unwrap().unwrap();
    let secret = app::server::secrets::SecretKey::from_hex(tests::TEST_SECRET_KEY)
        .unwrap()
        .open(
            creds.second_factor.pending.as_deref().unwrap(),
            &creds.user.id,
        )
        .unwrap();
    let code = app::server::totp::code_at(&secret, chrono::Utc::now().timestamp() as u64);
    browser.fill("code", &code).await;
    browser.click("#code-form button[type=submit]").await;
    // Signed in, and back where the sign-in was heading.
    browser
        .client
        .wait()
        .at_most(Duration::from_secs(30))
        .for_url(&url::Url::parse(&server.url("/account")).unwrap())
        .await
        .unwrap();
    assert_eq!(browser.text_of("main h1").await, "Your account");
    let state = browser.text_of("#two-step-state").await;
    assert!(state.starts_with("On"), "{state}");
    browser.close().await;
}

/// A user deactivated by their admin is thrown out on their next request.
#[tokio::test]
async fn a_deactivated_user_is_thrown_out() {
    let db = TestDb::sqlite();
    seed_counsellor(&db).await;
    let server = Server::start(&db.url).await;
    let browser = Browser::start().await;
    browser.client.goto(&server.url("/login")).await.unwrap();
    browser.wait_hydrated().await;
    browser.submit_sign_in("carla", PASSWORD).await;
    assert!(browser.text_of("#who").await.contains("Test counsellor"));
    let store = db.store().await;
    let carla = store.user_credentials("carla").await.unwrap().unwrap().user;
    store
        .change_user(
            &carla.id,
            app::store::UserChange::Active(false),
            app::store::NewAuditEvent::new("user.deactivate", app::store::AuditOutcome::Allowed),
        )
        .await
        .unwrap();
    browser.client.goto(&server.url("/account")).await.unwrap();
    assert_eq!(browser.text_of("main.auth h1").await, "Sign in");
    browser.close().await;
}

/// The language switch reloads the page in Dutch, which hydrates like the
/// English one; signed in, the whole interface follows, and back.
#[tokio::test]
async fn the_interface_switches_to_dutch_and_back() {
    let db = TestDb::sqlite();
    seed_counsellor(&db).await;
    let server = Server::start(&db.url).await;
    let browser = Browser::start().await;
    browser
        .client
        .goto(&server.url("/login?next=/account"))
        .await
        .unwrap();
    browser.wait_hydrated().await;
    browser.click(".language-switch button[lang=nl]").await;
    browser.text_of("html[lang=nl] main.auth h1").await;
    browser.wait_hydrated().await;
    assert_eq!(browser.text_of("main.auth h1").await, "Aanmelden");
    // WASM works on the Dutch page: the password toggle speaks Dutch too.
    browser.click("#toggle-password").await;
    assert_eq!(browser.text_of("#toggle-password").await, "Verbergen");
    browser.submit_sign_in("carla", "wrong password here").await;
    assert_eq!(
        browser.text_of("[role=alert]").await,
        "ongeldige aanmeldgegevens"
    );
    browser.submit_sign_in("carla", PASSWORD).await;
    browser
        .client
        .wait()
        .at_most(Duration::from_secs(30))
        .for_url(&url::Url::parse(&server.url("/account")).unwrap())
        .await
        .unwrap();
    assert_eq!(browser.text_of("main h1").await, "Uw account");
    assert!(browser.text_of("#who").await.contains("begeleider"));
    browser.wait_hydrated().await;
    browser
        .click(".topbar .language-switch button[lang=en]")
        .await;
    browser.text_of("html[lang=en] main h1").await;
    assert_eq!(browser.text_of("main h1").await, "Your account");
    browser.close().await;
}

/// A page behind sign-in hydrates after the sign-in redirect: its own
/// WASM file (pages other than sign-in and start are split off, fetched when
/// needed) is loaded, and its form answers in place.
#[tokio::test]
async fn the_account_page_hydrates_and_answers_in_place() {
    let db = TestDb::sqlite();
    seed_counsellor(&db).await;
    let server = Server::start(&db.url).await;
    let browser = Browser::start().await;
    browser
        .client
        .goto(&server.url("/login?next=/account"))
        .await
        .unwrap();
    browser.wait_hydrated().await;
    browser.submit_sign_in("carla", PASSWORD).await;
    browser.text_of("#password-form").await;
    browser.wait_hydrated().await;
    // A file appears among the page's resources once it has arrived: the
    // page's own WASM may still be on its way after the chunks it needs
    // (a busy machine), so wait for it (30 s at most).
    let start = std::time::Instant::now();
    loop {
        let loaded = browser
            .client
            .execute(
                "return performance.getEntriesByType('resource').map(e => e.name).join(' ')",
                vec![],
            )
            .await
            .unwrap();
        let loaded = loaded.as_str().unwrap_or_default().to_string();
        if loaded.contains("split___account_route_view") {
            break;
        }
        assert!(
            start.elapsed() < std::time::Duration::from_secs(30),
            "the account page's own WASM was fetched: {loaded}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    browser.fill("current", PASSWORD).await;
    browser.fill("new", "a long enough passphrase").await;
    browser.fill("repeat", "a different passphrase").await;
    browser.click("#password-form button[type=submit]").await;
    let error = browser.text_of("#repeat-error").await;
    assert_eq!(error, "the two new passwords differ");
    assert_eq!(
        browser.client.current_url().await.unwrap().path(),
        "/account",
        "answered in place"
    );
    browser.close().await;
}
