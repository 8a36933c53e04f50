//! No back door for admins: an admin never sets or knows a password that
//! opens cases. Accounts that read cases are set up by the person holding
//! them, with a one-time code from a supervisor of the organisation (or the
//! operator). On both engines, over HTTP, with the operator's command.

use app::domain::{OrgKind, Role};
use tests::{
    add_users, call, http_client, output_text, post_without_wasm, run_cli, sign_in, signed_in,
    Server, TestDb, PASSWORD,
};

struct World {
    server: Server,
    db: TestDb,
}

/// Shelter A: admin "ada", admin "alex", supervisor "sam", counsellor
/// "carla". Shelter B: admin "bob", supervisor "sue".
async fn world(db: TestDb) -> World {
    let store = db.store().await;
    add_users(
        &store,
        [
            ("Shelter A", OrgKind::Counselling, Role::Admin, "ada"),
            ("Shelter A", OrgKind::Counselling, Role::Admin, "alex"),
            ("Shelter A", OrgKind::Counselling, Role::Supervisor, "sam"),
            ("Shelter A", OrgKind::Counselling, Role::Counsellor, "carla"),
            ("Shelter B", OrgKind::Counselling, Role::Admin, "bob"),
            ("Shelter B", OrgKind::Counselling, Role::Supervisor, "sue"),
        ],
    )
    .await;
    store.close().await;
    let server = Server::start(&db.url).await;
    World { server, db }
}

async fn user_id(w: &World, username: &str) -> String {
    w.db.store()
        .await
        .user_credentials(username)
        .await
        .unwrap()
        .unwrap()
        .user
        .id
}

/// The code a supervisor makes for `user_id`, or the status refusing it.
async fn issue(c: &reqwest::Client, w: &World, user_id: &str) -> Result<String, u16> {
    let r = call(
        c,
        &w.server,
        "/api/setup/issue_code",
        &[("user_id", user_id)],
    )
    .await;
    if r.status() != 200 {
        return Err(r.status().as_u16());
    }
    let body: serde_json::Value = r.json().await.unwrap();
    Ok(body["code"].as_str().unwrap().to_string())
}

async fn complete(w: &World, username: &str, code: &str, password: &str, repeat: &str) -> u16 {
    call(
        &http_client(),
        &w.server,
        "/api/setup/complete",
        &[
            ("username", username),
            ("code", code),
            ("password", password),
            ("repeat", repeat),
        ],
    )
    .await
    .status()
    .as_u16()
}

async fn signs_in(w: &World, username: &str, password: &str) -> bool {
    sign_in(&http_client(), &w.server, username, password)
        .await
        .headers()
        .contains_key("set-cookie")
}

/// A new counsellor: the admin gives no password, nobody can sign in as
/// her, only her organisation's supervisor makes her code, and with it she
/// chooses her own password, once.
async fn a_new_account_is_set_up_by_its_holder(w: World) {
    let ada = signed_in(&w.server, "ada").await;
    let new_user = |password: &'static str| {
        vec![
            ("username", "cleo"),
            ("display_name", "Cleo"),
            ("role", "counsellor"),
            ("password", password),
        ]
    };
    // The admin may not choose the password of someone who reads cases.
    let r = call(
        &ada,
        &w.server,
        "/api/admin/create_user",
        &new_user(PASSWORD),
    )
    .await;
    assert_eq!(r.status(), 422);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["Invalid"][0]["field"], "password", "{body}");
    assert!(w
        .db
        .store()
        .await
        .user_credentials("cleo")
        .await
        .unwrap()
        .is_none());
    let r = call(&ada, &w.server, "/api/admin/create_user", &new_user("")).await;
    assert_eq!(r.status(), 200);
    let cleo = user_id(&w, "cleo").await;
    for guess in ["", PASSWORD] {
        assert!(!signs_in(&w, "cleo", guess).await, "no password opens it");
    }
    let users: serde_json::Value = call(&ada, &w.server, "/api/admin/list_users", &[])
        .await
        .json()
        .await
        .unwrap();
    let row = users
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["username"] == "cleo")
        .unwrap();
    assert_eq!(row["waiting_for_setup"], true, "the admin sees it waits");

    // Nobody but a supervisor of Shelter A makes her code.
    for who in ["ada", "carla", "bob", "sue"] {
        let c = signed_in(&w.server, who).await;
        assert_eq!(issue(&c, &w, &cleo).await, Err(404), "{who}");
        let r = call(&c, &w.server, "/api/setup/waiting", &[]).await;
        let listed = r.status() == 200 && r.text().await.unwrap().contains("cleo");
        assert!(!listed, "{who} does not see the waiting account");
    }
    let sam = signed_in(&w.server, "sam").await;
    let waiting: serde_json::Value = call(&sam, &w.server, "/api/setup/waiting", &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(waiting["rows"][0]["username"], "cleo", "{waiting}");
    assert_eq!(waiting["rows"][0]["after_reset"], false);
    assert!(waiting["rows"][0]["code_until"].is_null(), "no code yet");
    let first = issue(&sam, &w, &cleo).await.unwrap();
    let code = issue(&sam, &w, &cleo).await.unwrap();
    assert_ne!(first, code);
    assert_eq!(first.len(), 14, "{first}");

    let mine = "cleo's own long passphrase";
    // A code replaced by a newer one, a wrong code, a code for another
    // account, and two passwords that differ all fail, and change nothing.
    assert_eq!(complete(&w, "cleo", &first, mine, mine).await, 422);
    assert_eq!(
        complete(&w, "cleo", "2222-3333-4444", mine, mine).await,
        422
    );
    assert_eq!(complete(&w, "carla", &code, mine, mine).await, 422);
    assert_eq!(
        complete(&w, "cleo", &code, mine, "something else").await,
        422
    );
    assert_eq!(complete(&w, "cleo", &code, "short", "short").await, 422);
    assert!(!signs_in(&w, "cleo", mine).await);
    // Typed loosely (lower case, spaces), the code works, once.
    let typed = code.to_lowercase().replace('-', " ");
    assert_eq!(complete(&w, "cleo", &typed, mine, mine).await, 200);
    assert!(signs_in(&w, "cleo", mine).await);
    assert_eq!(
        complete(
            &w,
            "cleo",
            &code,
            "another passphrase",
            "another passphrase"
        )
        .await,
        422,
        "a code works once"
    );
    assert!(signs_in(&w, "cleo", mine).await);
    assert!(signs_in(&w, "carla", PASSWORD).await, "carla untouched");

    let audit = w.db.store().await.recent_audit(200).await.unwrap();
    let about = |action: &str, outcome: &str| {
        audit
            .iter()
            .filter(|e| {
                e.action == action
                    && e.outcome == outcome
                    && e.subject_user_id.as_deref() == Some(cleo.as_str())
            })
            .count()
    };
    assert_eq!(about("user.create", "allowed"), 1);
    assert_eq!(about("user.setup_code.issue", "allowed"), 2);
    assert_eq!(about("user.setup.complete", "allowed"), 1);
    // The replaced code, the wrong one, the used one.
    assert_eq!(about("user.setup.complete", "failed"), 3);
    assert!(
        audit
            .iter()
            .filter(|e| e.action == "user.setup_code.issue" && e.outcome == "denied")
            .count()
            >= 4,
        "refused codes are audited"
    );
}

/// An admin's reset takes a counsellor's password away instead of setting
/// one; administrators' own accounts keep admin-set passwords, and never
/// become accounts that read cases.
async fn resets_and_roles_leave_the_admin_no_key(w: World) {
    let carla = signed_in(&w.server, "carla").await;
    let carla_id = user_id(&w, "carla").await;
    let ada = signed_in(&w.server, "ada").await;
    let reset = |id: String, password: &'static str| {
        let ada = ada.clone();
        let server = &w.server;
        async move {
            call(
                &ada,
                server,
                "/api/admin/reset_password",
                &[("user_id", id.as_str()), ("password", password)],
            )
            .await
            .status()
            .as_u16()
        }
    };
    assert_eq!(reset(carla_id.clone(), "the admin's choice!").await, 422);
    assert!(
        signs_in(&w, "carla", PASSWORD).await,
        "a refusal changes nothing"
    );
    assert_eq!(reset(carla_id.clone(), "").await, 200);
    let r = carla.get(w.server.url("/account")).send().await.unwrap();
    assert!(r.status().is_redirection(), "her sessions end");
    assert!(
        !signs_in(&w, "carla", PASSWORD).await,
        "her old password is gone"
    );
    let sam = signed_in(&w.server, "sam").await;
    let waiting: serde_json::Value = call(&sam, &w.server, "/api/setup/waiting", &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(waiting["rows"][0]["username"], "carla");
    assert_eq!(waiting["rows"][0]["after_reset"], true);

    // Another administrator's password is the admin's to set.
    let alex = user_id(&w, "alex").await;
    let fresh = "alex's fresh admin passphrase";
    assert_eq!(reset(alex.clone(), fresh).await, 200);
    assert!(signs_in(&w, "alex", fresh).await);
    // And alex's account does not become one that reads cases.
    for role in ["supervisor", "counsellor"] {
        let r = call(
            &ada,
            &w.server,
            "/api/admin/set_role",
            &[("user_id", alex.as_str()), ("role", role)],
        )
        .await;
        assert_eq!(r.status(), 422, "{role}");
    }
    let store = w.db.store().await;
    assert_eq!(store.user(&alex).await.unwrap().unwrap().role, Role::Admin);
    // A supervisor made an admin may be turned back: it reads nothing now.
    let sam_id = user_id(&w, "sam").await;
    let r = call(
        &ada,
        &w.server,
        "/api/admin/set_role",
        &[("user_id", sam_id.as_str()), ("role", "admin")],
    )
    .await;
    assert_eq!(r.status(), 200);
    let r = call(
        &ada,
        &w.server,
        "/api/admin/set_role",
        &[("user_id", sam_id.as_str()), ("role", "supervisor")],
    )
    .await;
    assert_eq!(r.status(), 422, "an admin account stays an admin account");
}

/// Without WASM: the person's form lands on the sign-in page when done, and
/// back on its own page with what was wrong (never what was typed).
async fn the_set_up_form_works_without_wasm(w: World) {
    let store = w.db.store().await;
    tests::add_user_waiting_for_setup(&store, "Shelter A", "nina").await;
    let nina = user_id(&w, "nina").await;
    // The supervisor makes the code without WASM: the page shows it once,
    // and the address never holds it.
    let sam = signed_in(&w.server, "sam").await;
    let back = post_without_wasm(
        &sam,
        &w.server,
        "/api/setup/issue_code",
        &[("user_id", nina.as_str())],
    )
    .await;
    assert_eq!(back, "/accounts/setup");
    let page = |c: reqwest::Client| {
        let url = w.server.url("/accounts/setup");
        async move { tests::readable(&c.get(url).send().await.unwrap().text().await.unwrap()) }
    };
    let html = page(sam.clone()).await;
    let code = html
        .split("id=\"setup-code-value\">")
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .unwrap_or_else(|| panic!("the code is shown: {html}"))
        .to_string();
    assert_eq!(code.len(), 14, "{code}");
    let again = page(sam.clone()).await;
    assert!(!again.contains(&code), "shown once");
    assert!(again.contains("id=\"setup-nina\""), "the list is there");
    let c = http_client();
    let page = c.get(w.server.url("/setup")).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("id=\"setup-form\""), "the form is served");
    let mine = "nina chooses this passphrase";
    let back = post_without_wasm(
        &c,
        &w.server,
        "/api/setup/complete",
        &[
            ("username", "nina"),
            ("code", &code),
            ("password", mine),
            ("repeat", "no"),
        ],
    )
    .await;
    assert_eq!(back, "/setup?error=repeat");
    let html = c
        .get(w.server.url(&back))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("the two new passwords differ"), "{html}");
    let back = post_without_wasm(
        &c,
        &w.server,
        "/api/setup/complete",
        &[
            ("username", "nina"),
            ("code", "2222-3333-4444"),
            ("password", mine),
            ("repeat", mine),
        ],
    )
    .await;
    assert_eq!(back, "/setup?error=code");
    let done = post_without_wasm(
        &c,
        &w.server,
        "/api/setup/complete",
        &[
            ("username", "nina"),
            ("code", &code),
            ("password", mine),
            ("repeat", mine),
        ],
    )
    .await;
    assert_eq!(done, "/login?setup=done");
    let html = c
        .get(w.server.url(&done))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("id=\"setup-done\""),
        "the sign-in page says so"
    );
    assert!(signs_in(&w, "nina", mine).await);
}

/// The operator makes the code where no supervisor can; a code past its
/// time does not work.
async fn the_operator_makes_a_code_and_codes_expire(w: World) {
    let store = w.db.store().await;
    tests::add_user_waiting_for_setup(&store, "Shelter B", "omar").await;
    let out = run_cli(&w.db, &["user", "setup-code", "--username", "omar"], None);
    let text = output_text(&out);
    assert!(out.status.success(), "{text}");
    let code = text
        .split_whitespace()
        .find(|w| w.len() == 14 && w.matches('-').count() == 2)
        .unwrap_or_else(|| panic!("a code in {text}"))
        .to_string();
    let mine = "omar's long passphrase";
    assert_eq!(complete(&w, "omar", &code, mine, mine).await, 200);
    assert!(signs_in(&w, "omar", mine).await);
    // Set up now: no code is made for it.
    let out = run_cli(&w.db, &["user", "setup-code", "--username", "omar"], None);
    assert!(!out.status.success());
    assert!(
        output_text(&out).contains("not waiting"),
        "{}",
        output_text(&out)
    );
    let audit = store.recent_audit(50).await.unwrap();
    assert!(audit
        .iter()
        .any(|e| e.action == "user.setup_code.issue.cli" && e.outcome == "allowed"));

    // A code past its time.
    let olivia = tests::add_user_waiting_for_setup(&store, "Shelter B", "olivia").await;
    let code = app::server::account_setup::new_code();
    store
        .issue_setup_code(
            &olivia.id,
            &app::server::account_setup::code_hash(&code),
            None,
            chrono::Utc::now() - chrono::Duration::minutes(1),
            app::store::NewAuditEvent::new("test", app::store::AuditOutcome::Allowed),
        )
        .await
        .unwrap();
    assert_eq!(complete(&w, "olivia", &code, mine, mine).await, 422);
    assert!(!signs_in(&w, "olivia", mine).await);
}

tests::on_both_engines!(
    a_new_account_is_set_up_by_its_holder,
    resets_and_roles_leave_the_admin_no_key,
    the_set_up_form_works_without_wasm,
    the_operator_makes_a_code_and_codes_expire,
);

/// In Chromium, as the three people do it: the admin adds a counsellor
/// without a password, the supervisor makes her code from the start page,
/// and she sets up her account from the sign-in page and signs in; no page
/// error at any time.
#[tokio::test]
async fn admin_supervisor_and_counsellor_set_up_an_account_in_the_browser() {
    let db = TestDb::sqlite();
    let w = world(db).await;
    let browser = tests::browser::Browser::start().await;
    let c = &browser.client;
    let sign_in_as = |username: &'static str| {
        let browser = &browser;
        let server = &w.server;
        async move {
            browser.client.goto(&server.url("/login")).await.unwrap();
            browser.wait_hydrated().await;
            browser.submit_sign_in(username, PASSWORD).await;
            browser.text_of("#who").await;
            browser.wait_hydrated().await;
        }
    };
    let sign_out = || async {
        browser.click("#sign-out button").await;
        browser.text_of("main.auth h1").await;
    };

    sign_in_as("ada").await;
    c.goto(&w.server.url("/admin/users")).await.unwrap();
    browser.wait_hydrated().await;
    browser.fill("new-username", "cleo").await;
    browser.fill("new-display-name", "Cleo").await;
    browser.click("#create-user button[type=submit]").await;
    let row = browser.text_of("#user-cleo").await;
    assert!(row.contains("waiting to be set up"), "{row}");
    sign_out().await;

    sign_in_as("sam").await;
    browser.click("#setups-link").await;
    let row = browser.text_of("#setup-cleo").await;
    assert!(
        row.contains("new account") && row.contains("none yet"),
        "{row}"
    );
    browser.wait_hydrated().await;
    browser.click("#setup-cleo button[type=submit]").await;
    let code = browser.text_of("#setup-code-value").await;
    assert_eq!(code.len(), 14, "{code}");
    let row = browser.text_of("#setup-cleo").await;
    assert!(
        row.contains("valid until"),
        "the list shows the code's time: {row}"
    );
    sign_out().await;

    c.goto(&w.server.url("/login")).await.unwrap();
    browser.wait_hydrated().await;
    browser.click("#set-up-link").await;
    browser.text_of("#setup-form").await;
    browser.wait_hydrated().await;
    let mine = "cleo's own long passphrase";
    browser.fill("setup-username", "cleo").await;
    browser.fill("setup-code", &code.to_lowercase()).await;
    browser.fill("setup-password", mine).await;
    browser.fill("setup-repeat", mine).await;
    browser.click("#setup-form button[type=submit]").await;
    browser.text_of("#setup-done").await;
    browser.click("a.button.primary").await;
    browser.text_of("#login-form").await;
    browser.wait_hydrated().await;
    browser.submit_sign_in("cleo", mine).await;
    let who = browser.text_of("#who").await;
    assert!(who.contains("Cleo"), "{who}");
    browser.assert_no_page_errors("after the set-up").await;
    browser.close().await;
    w.server.stop().await;
}
