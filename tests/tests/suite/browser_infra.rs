//! The browser tests' own tools: axe-core accessibility checks, screenshots
//! and switching the page's network off and on.

use tests::browser::Browser;
use tests::{seed_counsellor, Server, TestDb, PASSWORD};

/// The sign-in page and the start page after signing in meet WCAG 2.2 A
/// and AA as far as axe-core can tell.
#[tokio::test]
async fn sign_in_and_home_pages_pass_axe() {
    let db = TestDb::sqlite();
    seed_counsellor(&db).await;
    let server = Server::start(&db.url).await;
    let browser = Browser::start().await;
    browser.client.goto(&server.url("/login")).await.unwrap();
    browser.wait_hydrated().await;
    browser.axe_check("sign-in page").await;
    let shot = browser.screenshot("browser-infra/01-sign-in").await;
    assert!(
        std::fs::metadata(&shot).unwrap().len() > 0,
        "{}",
        shot.display()
    );

    browser.submit_sign_in("carla", PASSWORD).await;
    let who = browser.text_of("#who").await;
    assert!(who.contains("Test counsellor"), "{who}");
    browser.wait_hydrated().await;
    browser.axe_check("home page").await;
    // A second check on the same page reuses the axe already loaded there.
    browser.axe_check("home page, again").await;
    let shot = browser.screenshot("browser-infra/02-home").await;
    assert!(
        std::fs::metadata(&shot).unwrap().len() > 0,
        "{}",
        shot.display()
    );
    browser.close().await;
    server.stop().await;
}

/// Probes the server from the page's JavaScript: "ok <status>" or
/// "failed <error>". Never from the HTTP cache, so that only the network
/// can answer.
const PROBE: &str = r#"
const done = arguments[arguments.length - 1];
fetch("/login?probe=" + Math.random(), { cache: "no-store" })
  .then((r) => done("ok " + r.status))
  .catch((e) => done("failed " + e));
"#;

/// Offline, a fetch() from the page fails; back online, it works again.
#[tokio::test]
async fn offline_blocks_the_pages_requests_until_back_online() {
    let db = TestDb::sqlite();
    let server = Server::start(&db.url).await;
    let browser = Browser::start().await;
    let c = &browser.client;
    c.goto(&server.url("/login")).await.unwrap();
    browser.wait_hydrated().await;
    let probe = || async { c.execute_async(PROBE, vec![]).await.unwrap() };
    assert_eq!(probe().await, "ok 200");

    browser.set_offline(true).await;
    let offline = probe().await;
    assert!(
        offline.as_str().is_some_and(|s| s.starts_with("failed ")),
        "offline, yet: {offline}"
    );
    let online = c.execute("return navigator.onLine", vec![]).await.unwrap();
    assert_eq!(online, false, "navigator.onLine while offline");

    browser.set_offline(false).await;
    assert_eq!(probe().await, "ok 200");
    let online = c.execute("return navigator.onLine", vec![]).await.unwrap();
    assert_eq!(online, true, "navigator.onLine when back online");
    browser.close().await;
    server.stop().await;
}

/// The check is not vacuous: elements that break the rules, added to a page
/// that passes, make it fail with a report naming the screen, the rules and
/// the elements.
#[tokio::test]
async fn axe_check_reports_what_breaks_the_rules() {
    let db = TestDb::sqlite();
    let server = Server::start(&db.url).await;
    let browser = std::sync::Arc::new(Browser::start().await);
    browser.client.goto(&server.url("/login")).await.unwrap();
    browser.wait_hydrated().await;
    browser
        .client
        .execute(
            r#"
            const main = document.querySelector("main");
            const img = document.createElement("img");
            img.id = "planted-img";
            img.src = "data:image/gif;base64,R0lGODlhAQABAAAAACw=";
            main.appendChild(img);
            const faint = document.createElement("p");
            faint.id = "planted-faint";
            faint.textContent = "Hard to read";
            faint.style.cssText = "color: #eee; background: #fff";
            main.appendChild(faint);
            "#,
            vec![],
        )
        .await
        .unwrap();
    let checked = browser.clone();
    let failed = tokio::spawn(async move { checked.axe_check("planted screen").await })
        .await
        .expect_err("axe_check must fail on planted violations");
    let report = *failed.into_panic().downcast::<String>().unwrap();
    for expected in [
        "planted screen: 2 accessibility rule(s) violated on 2 element(s)",
        "[critical] image-alt:",
        "#planted-img",
        "<img id=\"planted-img\"",
        "[serious] color-contrast:",
        "#planted-faint",
    ] {
        assert!(
            report.contains(expected),
            "{expected:?} missing in:\n{report}"
        );
    }
    let browser = std::sync::Arc::try_unwrap(browser).ok().unwrap();
    browser.close().await;
    server.stop().await;
}

/// A page error at any time after a page said it was ready fails the
/// test at the next look at the page — also when the test has moved on
/// to another page since — unless the test said it expects it.
#[tokio::test]
async fn a_page_error_after_the_page_is_ready_fails_the_test() {
    let db = TestDb::sqlite();
    let server = Server::start(&db.url).await;
    let browser = Browser::start().await;
    let c = &browser.client;
    c.goto(&server.url("/login")).await.unwrap();
    browser.wait_hydrated().await;
    assert!(browser.page_errors().await.is_empty());
    // A panic of the WASM is written to the console as an error; an
    // exception thrown later is uncaught.
    c.execute(
        "console.error('panicked at planted'); setTimeout(() => { throw new Error('thrown later'); }, 10);",
        vec![],
    )
    .await
    .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    // Then the test leaves for another page: the errors stay found.
    c.goto(&server.url("/login?again")).await.unwrap();
    let errors = browser.page_errors().await.join("\n");
    assert!(errors.contains("panicked at planted"), "{errors}");
    // (Thrown by a script the test ran, its text is hidden: "Script error.")
    assert!(errors.contains("/login: uncaught: "), "{errors}");
    let checked = tokio::spawn(async move {
        browser.wait_hydrated().await;
        browser
    })
    .await;
    let Err(failed) = checked else {
        panic!("the next check fails")
    };
    let message = failed
        .into_panic()
        .downcast::<String>()
        .map(|s| *s)
        .unwrap_or_default();
    assert!(message.contains("page errors"), "{message}");
    assert!(message.contains("/login: panicked at planted"), "{message}");

    // Expected errors are named by the test and do not fail it.
    let browser = Browser::start().await;
    browser.client.goto(&server.url("/login")).await.unwrap();
    browser.wait_hydrated().await;
    browser.allow_page_errors("expected by the test");
    browser
        .client
        .execute("console.error('expected by the test')", vec![])
        .await
        .unwrap();
    browser.wait_hydrated().await;
    browser.close().await;
    server.stop().await;
}
