//! Every page of every role of the demo, in headless Chromium against the
//! release build, each loaded as a page (so that it hydrates, lazily
//! loaded routes included): no page error at any time, the case pages come
//! alive, and axe-core finds no WCAG 2.x A/AA violation. Screenshots under
//! `target/test-output/screenshots/page-audit/`.

use app::domain::case_file::Step;
use fantoccini::Locator;
use tests::browser::Browser;
use tests::journey::Session;
use tests::{Server, TestDb};

/// The `href` of the first element matching `css`.
async fn first_link(b: &Browser, css: &str) -> String {
    b.text_of(css).await;
    b.client
        .find(Locator::Css(css))
        .await
        .unwrap()
        .attr("href")
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("{css} has no href"))
}

/// The case code in a link to a case page (`/cases/<code>/<step>`).
fn code_of(href: &str) -> String {
    href.trim_start_matches("/cases/")
        .split('/')
        .next()
        .unwrap()
        .to_string()
}

/// Each section of case `code` with its version.
async fn versions(store: &app::store::Store, code: &str) -> Vec<(String, i64)> {
    let case = store.case_by_code(code).await.unwrap().expect("the case");
    store
        .case_sections(&case.id)
        .await
        .unwrap()
        .into_iter()
        .map(|s| (s.section, s.version))
        .collect()
}

#[tokio::test]
async fn every_page_of_every_role_hydrates_without_an_error_and_passes_axe() {
    let db = TestDb::sqlite();
    tests::seed_demo(&db);
    let server = Server::start(&db.url).await;
    let store = db.store().await;
    let browser = Browser::start().await;
    let c = &browser.client;
    let mut s = Session::new(&browser, "page-audit");
    let mut seen = 0;
    for (username, password) in [
        ("demo.counsellor", "demo-counsellor-pass"),
        ("demo.supervisor", "demo-supervisor-pass"),
        ("demo.officer", "demo-officer-password"),
        ("demo.admin", "demo-admin-password"),
    ] {
        c.goto(&server.url("/setup")).await.unwrap();
        browser.wait_hydrated().await;
        s.check(&format!("{username}-setup")).await;
        c.goto(&server.url("/login")).await.unwrap();
        browser.wait_hydrated().await;
        s.check(&format!("{username}-login")).await;
        browser.submit_sign_in(username, password).await;
        browser.text_of("#who").await;
        browser.wait_hydrated().await;

        let mut pages: Vec<String> = vec![
            "/".into(),
            "/account".into(),
            "/directory".into(),
            "/directory/entry/nl-comensha".into(),
            "/directory/entry/nl-comensha/edit".into(),
            "/directory/new".into(),
        ];
        let mut cases: Vec<String> = Vec::new();
        match username {
            "demo.counsellor" | "demo.supervisor" => {
                pages.extend(["/cases".into(), "/cases/new".into()]);
                c.goto(&server.url("/cases")).await.unwrap();
                browser.wait_hydrated().await;
                cases.push(code_of(&first_link(&browser, "a.case-link").await));
                if username == "demo.supervisor" {
                    pages.extend([
                        "/dashboard".into(),
                        "/audit".into(),
                        "/accounts/setup".into(),
                        "/directory/suggestions".into(),
                        "/directory/exchange".into(),
                    ]);
                }
            }
            "demo.officer" => {
                pages.push("/inbox".into());
                c.goto(&server.url("/inbox")).await.unwrap();
                browser.wait_hydrated().await;
                cases.push(code_of(&first_link(&browser, "#inbox a.case-link").await));
            }
            _ => pages.push("/admin/users".into()),
        }
        for path in &pages {
            c.goto(&server.url(path)).await.unwrap();
            browser.wait_hydrated().await;
            s.check(&format!("{username}{}", path.replace('/', "-")))
                .await;
            seen += 1;
        }
        // Every step of a case the role works on, its client view and
        // access log where it has them.
        for code in &cases {
            let before = versions(&store, code).await;
            let mut slugs: Vec<&str> = Step::ALL.iter().map(|s| s.slug()).collect();
            slugs.push(app::domain::milestones::FOLLOW_UP_SLUG);
            if username != "demo.officer" {
                slugs.extend(["client-view", "access"]);
            }
            for slug in slugs {
                c.goto(&server.url(&format!("/cases/{code}/{slug}")))
                    .await
                    .unwrap();
                browser.wait_hydrated().await;
                if slug != "access" {
                    s.live(slug).await;
                }
                s.check(&format!("{username}-case-{slug}")).await;
                seen += 1;
            }
            // Opening a step is not an edit: nothing was saved, and
            // nothing waits on the device to be.
            let drafts = c
                .execute(
                    "return Object.keys(localStorage).filter(k => k.includes('draft.'))",
                    vec![],
                )
                .await
                .unwrap();
            assert_eq!(
                drafts,
                serde_json::json!([]),
                "{username}: drafts of {code}"
            );
            assert_eq!(
                versions(&store, code).await,
                before,
                "{username} opened every step of {code}"
            );
        }
        browser.click("#sign-out button").await;
        browser.text_of("main.auth h1").await;
    }
    assert!(seen > 50, "{seen} pages seen");
    browser.close().await;
    store.close().await;
    server.stop().await;
}
