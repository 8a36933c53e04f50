//! Two people on one plan section, in headless Chromium: the counsellor on
//! the Options step in the browser, her supervisor saving the same section
//! meanwhile. Changes to different fields merge without asking; only a
//! field both changed is asked about, side by side; "Use their version"
//! shows exactly the saved version and later edits never bring the
//! discarded text back; "Keep my version" keeps her field and their other
//! changes. Screens under `target/test-output/screenshots/conflict/`.

use app::domain::{OrgKind, Role};
use std::collections::BTreeMap;
use tests::browser::Browser;
use tests::journey::Session;
use tests::{add_case, add_counsellor, add_users, call_ok, put_section, signed_in, Server, TestDb};

/// The options section as the server holds it, by form field.
async fn saved_options(c: &reqwest::Client, s: &Server, code: &str) -> BTreeMap<String, String> {
    let v: app::api::cases::CaseView = call_ok(c, s, "/api/cases/open", &[("code", code)]).await;
    v.file
        .fields(app::domain::policy::Section::Options)
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .collect()
}

/// The supervisor saves the options section with `changes` on top of what
/// the server holds.
async fn supervisor_saves(c: &reqwest::Client, s: &Server, code: &str, changes: &[(&str, &str)]) {
    let mut f = saved_options(c, s, code).await;
    for (k, v) in changes {
        f.insert(k.to_string(), v.to_string());
    }
    let pairs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    put_section(c, s, code, "options", &pairs).await;
}

fn get<'a>(f: &'a BTreeMap<String, String>, k: &str) -> &'a str {
    f.get(k).map(String::as_str).unwrap_or("")
}

#[tokio::test]
async fn two_people_on_one_section_merge_and_decide_without_losing_a_word() {
    let db = TestDb::sqlite();
    let store = db.store().await;
    let carla = add_counsellor(&store).await;
    add_users(
        &store,
        [("Shelter A", OrgKind::Counselling, Role::Supervisor, "sam")],
    )
    .await;
    let code = add_case(&store, &carla, "Rosa")
        .await
        .code
        .as_str()
        .to_string();
    store.close().await;
    let server = Server::start(&db.url).await;
    let sam = signed_in(&server, "sam").await;
    let browser = Browser::start().await;
    let mut s = Session::new(&browser, "conflict");
    s.sign_in_as(&server, "carla", &format!("/cases/{code}/options"))
        .await;
    s.live("options").await;
    s.type_into("f-option-stay-wishes", "Stay with her cousin")
        .await;
    s.wait_saved().await;

    // Different fields: merged without asking, and the form shows both.
    supervisor_saves(
        &sam,
        &server,
        &code,
        &[("option.return.fears", "Debt to the recruiter")],
    )
    .await;
    s.type_into("f-option-onward-wishes", "Maybe Belgium").await;
    s.wait_saved().await;
    assert!(
        browser
            .client
            .find(fantoccini::Locator::Id("conflict"))
            .await
            .is_err(),
        "nothing to ask about"
    );
    s.wait_value("f-option-return-fears", "Debt to the recruiter")
        .await;
    let saved = saved_options(&sam, &server, &code).await;
    assert_eq!(get(&saved, "option.onward.wishes"), "Maybe Belgium");
    assert_eq!(get(&saved, "option.return.fears"), "Debt to the recruiter");
    assert_eq!(get(&saved, "option.stay.wishes"), "Stay with her cousin");

    // The same field: asked about, that field only, side by side.
    supervisor_saves(
        &sam,
        &server,
        &code,
        &[
            ("option.return.fears", "Debt, as the supervisor noted it"),
            ("option.stay.legal", "Asylum refused in 2025"),
        ],
    )
    .await;
    s.type_into("f-option-return-fears", "Debt of 2,000 EUR")
        .await;
    let text = s
        .wait_text("conflict", "the conflict", |t| !t.is_empty())
        .await;
    assert!(text.contains("Test supervisor"), "{text}");
    assert!(text.contains("you both changed 1 field"), "{text}");
    assert_eq!(
        browser.value_of("theirs-f-option-return-fears").await,
        "Debt, as the supervisor noted it"
    );
    assert_eq!(
        browser.value_of("mine-f-option-return-fears").await,
        "Debt of 2,000 EUR"
    );
    // Only the field in question is shown in the two versions.
    let shown: bool = browser
        .client
        .execute(
            "const el = document.getElementById('theirs-f-option-stay-wishes');
             return !!el && el.offsetParent !== null;",
            vec![],
        )
        .await
        .unwrap()
        .as_bool()
        .unwrap();
    assert!(!shown, "a field only one side changed is not asked about");
    s.check("asked").await;

    // "Use their version": the form shows exactly what is saved...
    s.click("take-theirs").await;
    s.wait_saved().await;
    s.wait_value("f-option-return-fears", "Debt, as the supervisor noted it")
        .await;
    s.wait_value("f-option-stay-legal", "Asylum refused in 2025")
        .await;
    s.check("theirs-taken").await;
    // ...and the next edit of another field does not bring hers back.
    s.type_into("f-option-stay-fears", "Being found by the recruiter")
        .await;
    s.wait_saved().await;
    let saved = saved_options(&sam, &server, &code).await;
    assert_eq!(
        get(&saved, "option.return.fears"),
        "Debt, as the supervisor noted it",
        "the discarded text never reaches the server"
    );
    assert_eq!(
        get(&saved, "option.stay.fears"),
        "Being found by the recruiter"
    );

    // "Keep my version": her field, and their other change too.
    supervisor_saves(
        &sam,
        &server,
        &code,
        &[
            ("option.return.fears", "Debt, and threats to her brother"),
            ("option.return.legal", "Has a lawyer in Lagos"),
        ],
    )
    .await;
    s.type_into("f-option-return-fears", "Debt of 2,000 EUR")
        .await;
    s.wait_text("conflict", "the conflict", |t| !t.is_empty())
        .await;
    s.click("keep-mine").await;
    s.wait_saved().await;
    s.wait_value("f-option-return-legal", "Has a lawyer in Lagos")
        .await;
    let saved = saved_options(&sam, &server, &code).await;
    assert_eq!(get(&saved, "option.return.fears"), "Debt of 2,000 EUR");
    assert_eq!(get(&saved, "option.return.legal"), "Has a lawyer in Lagos");
    assert_eq!(
        get(&saved, "option.stay.fears"),
        "Being found by the recruiter"
    );
    browser.close().await;
    server.stop().await;
}
