//! Browser journeys in headless Chromium against the release build.

use app::domain::{OrgKind, Role};
use fantoccini::Locator;
use std::time::Duration;
use tests::browser::{Browser, BrowserOptions};
use tests::{add_user, Server, TestDb};

const PASSWORD: &str = "a long enough passphrase";

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
    let store = db.store().await;
    add_user(
        &store,
        "Shelter A",
        OrgKind::Counselling,
        Role::Counsellor,
        "carla",
        PASSWORD,
    )
    .await;
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
    c.find(Locator::Id("username"))
        .await
        .unwrap()
        .send_keys("carla")
        .await
        .unwrap();
    c.find(Locator::Id("password"))
        .await
        .unwrap()
        .send_keys(PASSWORD)
        .await
        .unwrap();
    c.find(Locator::Css("button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let who = c
        .wait()
        .at_most(Duration::from_secs(15))
        .for_element(Locator::Id("who"))
        .await
        .expect("signed in without WASM");
    assert!(who.text().await.unwrap().contains("Shelter A"));
    browser.close().await;
}

/// The main journey with WASM: sign in, see the start page, sign out.
#[tokio::test]
async fn sign_in_and_out_with_wasm() {
    let db = TestDb::sqlite();
    let store = db.store().await;
    add_user(
        &store,
        "Shelter A",
        OrgKind::Counselling,
        Role::Counsellor,
        "carla",
        PASSWORD,
    )
    .await;
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
    c.find(Locator::Id("password"))
        .await
        .unwrap()
        .send_keys("wrong password here")
        .await
        .unwrap();
    c.find(Locator::Id("username"))
        .await
        .unwrap()
        .send_keys("carla")
        .await
        .unwrap();
    c.find(Locator::Css("button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let alert = c
        .wait()
        .at_most(Duration::from_secs(15))
        .for_element(Locator::Css("[role=alert]"))
        .await
        .unwrap();
    assert_eq!(alert.text().await.unwrap(), "invalid credentials");
    let password = c.find(Locator::Id("password")).await.unwrap();
    password.clear().await.unwrap();
    password.send_keys(PASSWORD).await.unwrap();
    c.find(Locator::Css("button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let who = c
        .wait()
        .at_most(Duration::from_secs(15))
        .for_element(Locator::Id("who"))
        .await
        .unwrap();
    assert!(who.text().await.unwrap().contains("Test counsellor"));
    c.find(Locator::Css("header form button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .at_most(Duration::from_secs(15))
        .for_element(Locator::Css("#login-form"))
        .await
        .unwrap();
    browser.close().await;
}
