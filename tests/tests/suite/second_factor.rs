//! Two-step sign-in (TOTP) against the real server, on SQLite and PostgreSQL.

use app::domain::{OrgKind, Role};
use app::server::secrets::SecretKey;
use app::server::totp::code_at;
use tests::{add_user, http_client, sign_in, Server, TestDb, PASSWORD, TEST_SECRET_KEY};

struct World {
    server: Server,
    db: TestDb,
}

async fn world(db: TestDb, extra: &[&str]) -> World {
    let store = db.store().await;
    for (role, name) in [
        (Role::Admin, "ada"),
        (Role::Supervisor, "sam"),
        (Role::Counsellor, "carla"),
    ] {
        add_user(
            &store,
            "Shelter A",
            OrgKind::Counselling,
            role,
            name,
            PASSWORD,
        )
        .await;
    }
    store.close().await;
    let server = Server::start_with(&db.url, extra).await;
    World { server, db }
}

async fn post(
    c: &reqwest::Client,
    w: &World,
    endpoint: &str,
    form: &[(&str, &str)],
) -> reqwest::Response {
    c.post(w.server.url(endpoint))
        .header("Accept", "application/json")
        .form(form)
        .send()
        .await
        .unwrap()
}

fn now() -> u64 {
    chrono::Utc::now().timestamp() as u64
}

/// The user's secret as the server sealed it (pending or confirmed).
async fn secret_of(w: &World, username: &str) -> Vec<u8> {
    let creds =
        w.db.store()
            .await
            .user_credentials(username)
            .await
            .unwrap()
            .unwrap();
    let sealed = creds
        .second_factor
        .secret
        .or(creds.second_factor.pending)
        .expect("a secret is stored");
    SecretKey::from_hex(TEST_SECRET_KEY)
        .unwrap()
        .open(&sealed, &creds.user.id)
        .expect("sealed with the server's key, for this user")
}

fn redirected_to(r: &reqwest::Response) -> String {
    r.headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

fn sets_session(r: &reqwest::Response) -> bool {
    r.headers().get_all("set-cookie").iter().any(|v| {
        v.to_str().unwrap().starts_with("safeplan_session=")
            && !v.to_str().unwrap().contains("Max-Age=0")
    })
}

/// A counsellor turns it on from the account page; from then on a password
/// alone gives no session, the right code does, and no code works twice.
async fn optional_second_factor(w: World) {
    let carla = http_client();
    assert!(sets_session(
        &sign_in(&carla, &w.server, "carla", PASSWORD).await
    ));
    let r = post(&carla, &w, "/api/account/second_factor_status", &[]).await;
    let status: serde_json::Value = r.json().await.unwrap();
    assert_eq!(
        status,
        serde_json::json!({"enabled": false, "mandatory": false})
    );
    let r = post(&carla, &w, "/api/account/second_factor_setup", &[]).await;
    let enrolment: serde_json::Value = r.json().await.unwrap();
    let text = enrolment["secret_text"].as_str().unwrap().replace(' ', "");
    assert!(enrolment["qr_svg"].as_str().unwrap().contains("<svg"));
    // The secret is stored sealed, never as the text the user sees.
    let raw =
        w.db.store()
            .await
            .user_credentials("carla")
            .await
            .unwrap()
            .unwrap();
    assert!(!raw
        .second_factor
        .pending
        .as_deref()
        .unwrap()
        .contains(&text));
    let secret = secret_of(&w, "carla").await;
    // A wrong first code is a field error; the right one turns it on.
    let r = post(
        &carla,
        &w,
        "/api/account/second_factor_confirm",
        &[("code", "000000"), ("password", PASSWORD)],
    )
    .await;
    assert_eq!(r.status(), 422);
    // The password is asked again, and a wrong one changes nothing.
    let r = post(
        &carla,
        &w,
        "/api/account/second_factor_confirm",
        &[
            ("code", &code_at(&secret, now())),
            ("password", "not my password at all"),
        ],
    )
    .await;
    assert_eq!(r.status(), 422);
    let other_session = http_client();
    assert!(sets_session(
        &sign_in(&other_session, &w.server, "carla", PASSWORD).await
    ));
    let code = code_at(&secret, now());
    let r = post(
        &carla,
        &w,
        "/api/account/second_factor_confirm",
        &[("code", &code), ("password", PASSWORD)],
    )
    .await;
    assert!(r.status().is_success(), "{}", r.status());
    // Other sessions end when a factor is added; this one stays.
    let r = other_session
        .get(w.server.url("/account"))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_redirection(), "other session still alive");
    let r = carla.get(w.server.url("/account")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    // Password alone: no session, off to the code page.
    let c = http_client();
    let r = sign_in(&c, &w.server, "carla", PASSWORD).await;
    assert!(!sets_session(&r));
    assert!(
        redirected_to(&r).starts_with("/login/code?next="),
        "{}",
        redirected_to(&r)
    );
    let page = c.get(w.server.url("/")).send().await.unwrap();
    assert!(page.status().is_redirection(), "not signed in yet");
    let r = post(&c, &w, "/api/auth/challenge", &[]).await;
    let view: serde_json::Value = r.json().await.unwrap();
    assert_eq!(
        view["enrolment"],
        serde_json::Value::Null,
        "already set up: just the code"
    );
    // The code used to confirm cannot be used again.
    let r = post(
        &c,
        &w,
        "/api/auth/second_factor",
        &[("code", &code), ("next", "/")],
    )
    .await;
    assert_eq!(r.status(), 401, "a code works once");
    // Wait for the next time step, then it works.
    let fresh = loop {
        let candidate = code_at(&secret, now());
        if candidate != code {
            break candidate;
        }
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    };
    let r = post(
        &c,
        &w,
        "/api/auth/second_factor",
        &[("code", &fresh), ("next", "/account")],
    )
    .await;
    assert!(sets_session(&r), "status {}", r.status());
    // Where the sign-in was heading (kept with the challenge, not taken
    // from the code form).
    assert_eq!(redirected_to(&r), "/");
    assert_eq!(
        c.get(w.server.url("/account"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    // Without a challenge (a second use of the same cookie) there is nothing to answer.
    let r = post(
        &c,
        &w,
        "/api/auth/second_factor",
        &[("code", &fresh), ("next", "/")],
    )
    .await;
    assert_eq!(r.status(), 401);
    // The admin turns it off (lost phone): carla's sessions end.
    let ada = http_client();
    assert!(sets_session(
        &sign_in(&ada, &w.server, "ada", PASSWORD).await
    ));
    let carla_id = raw.user.id.clone();
    let r = post(
        &ada,
        &w,
        "/api/admin/reset_second_factor",
        &[("user_id", &carla_id)],
    )
    .await;
    assert_eq!(r.status(), 200);
    assert!(c
        .get(w.server.url("/account"))
        .send()
        .await
        .unwrap()
        .status()
        .is_redirection());
    assert!(sets_session(
        &sign_in(&http_client(), &w.server, "carla", PASSWORD).await
    ));
    let audit = w.db.store().await.recent_audit(200).await.unwrap();
    for action in ["user.second_factor.enable", "user.second_factor.reset"] {
        assert!(
            audit
                .iter()
                .any(|e| e.action == action
                    && e.subject_user_id.as_deref() == Some(carla_id.as_str())),
            "{action} audited"
        );
    }
    assert!(audit
        .iter()
        .any(|e| e.action == "auth.second_factor" && e.outcome == "failed"));
}

/// Code guesses count against the account's sign-in throttle.
async fn code_guesses_are_throttled(w: World) {
    let carla = http_client();
    sign_in(&carla, &w.server, "carla", PASSWORD).await;
    post(&carla, &w, "/api/account/second_factor_setup", &[]).await;
    let secret = secret_of(&w, "carla").await;
    let code = code_at(&secret, now());
    post(
        &carla,
        &w,
        "/api/account/second_factor_confirm",
        &[("code", &code), ("password", PASSWORD)],
    )
    .await;
    let c = http_client();
    let mut statuses = Vec::new();
    for _ in 0..8 {
        // A right password each time does not reset the count of wrong codes.
        sign_in(&c, &w.server, "carla", PASSWORD).await;
        let r = post(
            &c,
            &w,
            "/api/auth/second_factor",
            &[("code", "123456"), ("next", "/")],
        )
        .await;
        statuses.push(r.status().as_u16());
    }
    assert!(statuses.contains(&429), "{statuses:?}");
    assert_eq!(
        statuses.iter().filter(|s| **s == 401).count(),
        6,
        "{statuses:?}"
    );
}

/// Where the installation requires it, admins and supervisors set it up at
/// their next sign-in before they get a session; counsellors are not asked.
async fn mandatory_for_admins_and_supervisors(w: World) {
    let c = http_client();
    let r = sign_in(&c, &w.server, "sam", PASSWORD).await;
    assert!(!sets_session(&r));
    assert!(redirected_to(&r).starts_with("/login/code"));
    let r = post(&c, &w, "/api/auth/challenge", &[]).await;
    let view: serde_json::Value = r.json().await.unwrap();
    let url = view["enrolment"]["otpauth_url"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(url.starts_with("otpauth://totp/"));
    // Someone else who knows the password is shown another secret, never
    // the one being set up, and the first one no longer works.
    let intruder = http_client();
    sign_in(&intruder, &w.server, "sam", PASSWORD).await;
    let r = post(&intruder, &w, "/api/auth/challenge", &[]).await;
    let other: serde_json::Value = r.json().await.unwrap();
    assert_ne!(other["enrolment"]["otpauth_url"].as_str().unwrap(), url);
    let r = post(&c, &w, "/api/auth/challenge", &[]).await;
    assert_eq!(r.status(), 401, "one sign-in in progress per user");
    // Three wrong codes end the challenge.
    for i in 0..3 {
        let r = post(
            &intruder,
            &w,
            "/api/auth/second_factor",
            &[("code", "000000"), ("next", "/")],
        )
        .await;
        assert_eq!(r.status(), 401, "wrong code {i}");
    }
    let r = post(&intruder, &w, "/api/auth/challenge", &[]).await;
    assert_eq!(
        r.status(),
        401,
        "the challenge is over after three wrong codes"
    );
    // The real user starts again and sets it up.
    let c = http_client();
    sign_in(&c, &w.server, "sam", PASSWORD).await;
    post(&c, &w, "/api/auth/challenge", &[]).await;
    let secret = secret_of(&w, "sam").await;
    let r = post(
        &c,
        &w,
        "/api/auth/second_factor",
        &[("code", &code_at(&secret, now())), ("next", "/")],
    )
    .await;
    assert!(sets_session(&r), "status {}", r.status());
    let status: serde_json::Value = post(&c, &w, "/api/account/second_factor_status", &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        status,
        serde_json::json!({"enabled": true, "mandatory": true})
    );
    // It cannot be turned off where it is required.
    let r = post(
        &c,
        &w,
        "/api/account/second_factor_disable",
        &[("password", PASSWORD)],
    )
    .await;
    assert_eq!(r.status(), 422);
    // A counsellor signs in with the password alone; promoted to
    // supervisor, that session ends, and the next sign-in asks for set-up.
    let carla = http_client();
    assert!(sets_session(
        &sign_in(&carla, &w.server, "carla", PASSWORD).await
    ));
    let ada = http_client();
    sign_in(&ada, &w.server, "ada", PASSWORD).await;
    post(&ada, &w, "/api/auth/challenge", &[]).await;
    let ada_secret = secret_of(&w, "ada").await;
    let r = post(
        &ada,
        &w,
        "/api/auth/second_factor",
        &[("code", &code_at(&ada_secret, now())), ("next", "/")],
    )
    .await;
    assert!(sets_session(&r));
    let carla_id =
        w.db.store()
            .await
            .user_credentials("carla")
            .await
            .unwrap()
            .unwrap()
            .user
            .id;
    let r = post(
        &ada,
        &w,
        "/api/admin/set_role",
        &[("user_id", &carla_id), ("role", "supervisor")],
    )
    .await;
    assert_eq!(r.status(), 200);
    let page = carla.get(w.server.url("/account")).send().await.unwrap();
    assert!(
        page.status().is_redirection(),
        "a session without a second factor ends"
    );
    let r = sign_in(&carla, &w.server, "carla", PASSWORD).await;
    assert!(redirected_to(&r).starts_with("/login/code"));
    // A password reset ends a sign-in half-way.
    let r = post(
        &ada,
        &w,
        "/api/admin/reset_password",
        &[("user_id", &carla_id), ("password", "")],
    )
    .await;
    assert_eq!(r.status(), 200);
    let r = post(&carla, &w, "/api/auth/challenge", &[]).await;
    assert_eq!(r.status(), 401, "the challenge of the old password is gone");
}

macro_rules! on_both_engines {
    ($($name:ident $(, $arg:expr)*);* $(;)?) => {
        mod sqlite {
            $(#[tokio::test] async fn $name() { super::$name(super::world(tests::TestDb::sqlite(), &[$($arg),*]).await).await; })*
        }
        mod postgres {
            $(#[tokio::test] async fn $name() { super::$name(super::world(tests::TestDb::postgres().await, &[$($arg),*]).await).await; })*
        }
    };
}

on_both_engines!(
    optional_second_factor;
    code_guesses_are_throttled;
    mandatory_for_admins_and_supervisors, "--require-second-factor", "true";
);
