//! HTTP tests against the real `safeplan` binary on a random port.

use app::domain::{OrgKind, Role};
use tests::{
    add_counsellor, add_user, http_client, readable, seed_counsellor, sign_in, Server, TestDb,
    PASSWORD,
};

async fn server_with_user(db: &TestDb) -> Server {
    seed_counsellor(db).await;
    Server::start(&db.url).await
}

#[tokio::test]
async fn health_and_readiness() {
    let db = TestDb::sqlite();
    let server = Server::start(&db.url).await;
    let c = http_client();
    let r = c.get(server.url("/healthz")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let r = c.get(server.url("/readyz")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.text().await.unwrap(), "ready");
}

#[tokio::test]
async fn a_first_start_seeds_the_social_map_once() {
    let db = TestDb::sqlite();
    Server::start(&db.url).await.stop().await;
    // A second start adds nothing: the map is no longer empty.
    let server = Server::start(&db.url).await;
    let store = db.store().await;
    let entries = store.directory_entries().await.unwrap();
    let seed = app::catalog::directory_seed_entries();
    assert_eq!(entries.len(), seed.len());
    for (o, version) in &entries {
        assert_eq!(*version, 1, "{}", o.id);
        assert!(!o.unverified.is_empty(), "{}: marked unverified", o.id);
    }
    assert_eq!(
        store.directory_versions(&seed[0].id).await.unwrap().len(),
        1
    );
    store.close().await;
    server.stop().await;
}

#[tokio::test]
async fn sign_in_page_is_server_rendered_and_never_cached() {
    let db = TestDb::sqlite();
    let server = Server::start(&db.url).await;
    let r = http_client()
        .get(server.url("/login"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["cache-control"], "no-store");
    assert_eq!(r.headers()["x-content-type-options"], "nosniff");
    assert_eq!(r.headers()["x-frame-options"], "DENY");
    // No HSTS on plain HTTP (it would lock browsers out of a local install).
    assert!(!r.headers().contains_key("strict-transport-security"));
    assert!(r.headers().contains_key("x-request-id"));
    let csp = r.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    let html = r.text().await.unwrap();
    // Inline scripts run only with this response's nonce.
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .unwrap_or_else(|| panic!("no nonce in CSP: {csp}"));
    assert!(
        html.contains(&format!(r#"<script type="module" nonce="{nonce}">"#)),
        "{html}"
    );
    assert!(
        csp.contains("frame-ancestors 'none'") && !csp.contains("unsafe-inline"),
        "{csp}"
    );
    // Readable and submittable before any WASM runs.
    assert!(readable(&html).contains("<h1>Sign in</h1>"), "{html}");
    assert!(
        html.contains(r#"action="/api/auth/login" method="post""#),
        "{html}"
    );
    assert!(html.contains(r#"name="username""#) && html.contains(r#"name="password""#));
    // The hydration marker is set only in the browser.
    assert!(!html.contains("data-hydrated"));
}

#[tokio::test]
async fn anonymous_visitors_are_sent_to_sign_in() {
    let db = TestDb::sqlite();
    let server = Server::start(&db.url).await;
    let r = http_client()
        .get(server.url("/"))
        .header("Accept", "text/html")
        .send()
        .await
        .unwrap();
    assert!(r.status().is_redirection(), "status {}", r.status());
    assert_eq!(r.headers()["location"], "/login?next=/");
}

#[tokio::test]
async fn sign_in_sets_a_strict_session_cookie_and_shows_who_is_signed_in() {
    let db = TestDb::sqlite();
    let server = server_with_user(&db).await;
    let c = http_client();
    let r = sign_in(&c, &server, "Carla", PASSWORD).await;
    assert!(
        r.status().is_success() || r.status().is_redirection(),
        "status {}",
        r.status()
    );
    let cookie = r.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(cookie.starts_with("safeplan_session="), "{cookie}");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    assert!(
        !cookie.contains("Secure"),
        "Secure is off by default on plain HTTP: {cookie}"
    );
    let home = c.get(server.url("/")).send().await.unwrap();
    assert_eq!(home.status(), 200);
    let html = readable(&home.text().await.unwrap());
    assert!(html.contains("Welcome, Test counsellor"), "{html}");
    assert!(html.contains("Shelter A"));
    // The token never reaches the log.
    let token = cookie
        .split(';')
        .next()
        .unwrap()
        .trim_start_matches("safeplan_session=");
    assert!(!server.log_text().contains(token));

    // Signing out ends the session on the server, not only in the browser.
    let out = c
        .post(server.url("/api/auth/logout"))
        .header("Origin", &server.base)
        .header("Accept", "application/json")
        .send()
        .await
        .unwrap();
    assert!(out.status().is_success() || out.status().is_redirection());
    let replay = http_client()
        .get(server.url("/"))
        .header("Cookie", format!("safeplan_session={token}"))
        .send()
        .await
        .unwrap();
    assert!(
        replay.status().is_redirection(),
        "a signed-out token must not work"
    );
}

#[tokio::test]
async fn secure_cookies_when_configured() {
    let db = TestDb::sqlite();
    seed_counsellor(&db).await;
    let server = Server::start_with(&db.url, &["--secure-cookies", "true"]).await;
    let c = http_client();
    let r = sign_in(&c, &server, "carla", PASSWORD).await;
    let cookie = r.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(cookie.contains("; Secure"), "{cookie}");
    // The __Host- prefix: no subdomain can plant or shadow it.
    assert!(cookie.starts_with("__Host-safeplan_session="), "{cookie}");
    assert_eq!(
        r.headers()["strict-transport-security"],
        "max-age=31536000; includeSubDomains"
    );
    let token = cookie
        .split(';')
        .next()
        .unwrap()
        .split_once('=')
        .unwrap()
        .1
        .to_string();
    let me = |name: &str| {
        http_client()
            .get(server.url("/account"))
            .header("Cookie", format!("{name}={token}"))
            .send()
    };
    assert_eq!(me("__Host-safeplan_session").await.unwrap().status(), 200);
    // Without the prefix, the same token is not accepted over HTTPS.
    assert!(me("safeplan_session")
        .await
        .unwrap()
        .status()
        .is_redirection());
}

#[tokio::test]
async fn failed_sign_ins_say_the_same_for_unknown_users_and_wrong_passwords() {
    let db = TestDb::sqlite();
    let server = server_with_user(&db).await;
    let c = http_client();
    let wrong = sign_in(&c, &server, "carla", "not the password at all").await;
    assert_eq!(wrong.status(), 401);
    assert!(!wrong.headers().contains_key("set-cookie"));
    let wrong = wrong.text().await.unwrap();
    let unknown = sign_in(&c, &server, "nobody", "not the password at all").await;
    assert_eq!(unknown.status(), 401);
    assert_eq!(wrong, unknown.text().await.unwrap());
    assert!(wrong.contains("InvalidCredentials"), "{wrong}");
    // Failed sign-ins are audited.
    let store = db.store().await;
    let audit = store.recent_audit(10).await.unwrap();
    assert_eq!(
        audit
            .iter()
            .filter(|e| e.action == "auth.login" && e.outcome == "failed")
            .count(),
        2
    );
}

#[tokio::test]
async fn cross_site_posts_are_refused() {
    let db = TestDb::sqlite();
    let server = server_with_user(&db).await;
    let r = http_client()
        .post(server.url("/api/auth/login"))
        .header("Origin", "https://evil.example")
        .form(&[("username", "carla"), ("password", PASSWORD), ("next", "/")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    assert!(!r.headers().contains_key("set-cookie"));
    let r = http_client()
        .post(server.url("/api/auth/login"))
        .header("Sec-Fetch-Site", "cross-site")
        .form(&[("username", "carla"), ("password", PASSWORD), ("next", "/")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
}

#[tokio::test]
async fn oversized_bodies_are_refused() {
    let db = TestDb::sqlite();
    let server = Server::start(&db.url).await;
    let big = "x".repeat(300 * 1024);
    let r = http_client()
        .post(server.url("/api/auth/login"))
        .form(&[("username", big.as_str()), ("password", "x"), ("next", "/")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 413);
}

#[tokio::test]
async fn unknown_pages_are_404_without_internals() {
    let db = TestDb::sqlite();
    let server = Server::start(&db.url).await;
    let r = http_client()
        .get(server.url("/no/such/page"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let html = r.text().await.unwrap();
    assert!(html.contains("Page not found"));
    let r = http_client()
        .post(server.url("/api/no/such/function"))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_client_error(), "{}", r.status());
}

#[tokio::test]
async fn assets_are_hashed_compressed_and_cached_for_long() {
    let db = TestDb::sqlite();
    let server = Server::start(&db.url).await;
    let c = http_client();
    let html = c
        .get(server.url("/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let find = |ext: &str| -> String {
        let end = html.find(ext).unwrap_or_else(|| panic!("no {ext} in page"));
        let start = html[..end].rfind("/pkg/").unwrap();
        html[start..end + ext.len()].to_string()
    };
    let wasm = find(".wasm");
    let css = find(".css");
    // A content hash in the name: safeplan.<hash>.wasm
    assert!(wasm.split('.').count() >= 3, "{wasm}");
    for (path, ct) in [(&wasm, "application/wasm"), (&css, "text/css")] {
        let raw = c.get(server.url(path)).send().await.unwrap();
        assert_eq!(raw.status(), 200, "{path}");
        assert_eq!(
            raw.headers()["cache-control"],
            "public, max-age=31536000, immutable"
        );
        assert!(raw.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with(ct));
        let raw_len = raw.bytes().await.unwrap().len();
        for enc in ["br", "gzip"] {
            let r = c
                .get(server.url(path))
                .header("Accept-Encoding", enc)
                .send()
                .await
                .unwrap();
            assert_eq!(r.headers()["content-encoding"], enc, "{path}");
            let len = r.bytes().await.unwrap().len();
            assert!(len < raw_len, "{path} {enc}: {len} >= {raw_len}");
            // The budget of the WASM every page loads first: 350 KB as
            // sent with gzip. A size, the same on any machine for the same
            // code (wasm-split once stopped moving the pages' data out of
            // it after a small change, and it grew by 110 KB unnoticed).
            if path == &wasm && enc == "gzip" {
                assert!(len <= 350_000, "{path}: {len} bytes gzip, budget 350 000");
            }
        }
    }
    // A missing asset is a plain 404 that no cache may keep.
    let missing = c
        .get(server.url("/pkg/safeplan.0123456789abcdef.wasm"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
    assert_eq!(missing.headers()["cache-control"], "no-store");
    // Pages are compressed on the fly too.
    let page = c
        .get(server.url("/login"))
        .header("Accept-Encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(page.headers()["content-encoding"], "gzip");
}

#[tokio::test]
async fn logs_are_structured_and_name_no_one() {
    let db = TestDb::sqlite();
    let server = server_with_user(&db).await;
    let c = http_client();
    sign_in(&c, &server, "carla", PASSWORD).await;
    sign_in(&c, &server, "carla", "wrong password, surely").await;
    // Refused input is logged by path and status, never by its values.
    let r = c
        .post(server.url("/api/account/change_password"))
        .header("Accept", "application/json")
        .form(&[("current", PASSWORD), ("new", "short"), ("repeat", "short")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let log = server.log_text();
    assert!(log.lines().any(|l| l.contains("signed in")), "{log}");
    assert!(
        log.lines().any(|l| l.contains("request refused")
            && l.contains("/api/account/change_password")
            && l.contains("422")),
        "{log}"
    );
    assert!(!log.contains("short\""), "input values are not logged");
    for line in log.lines() {
        let v: serde_json::Value =
            serde_json::from_str(line).unwrap_or_else(|_| panic!("not JSON: {line}"));
        assert!(v.get("level").is_some(), "{line}");
    }
    assert!(
        !log.contains("carla"),
        "usernames must not be logged:\n{log}"
    );
    assert!(
        !log.contains("Test counsellor"),
        "names must not be logged:\n{log}"
    );
    assert!(!log.contains(PASSWORD));
}

/// Two instances on one PostgreSQL database are interchangeable: a session
/// made through one is honoured by the other, and signing out through the
/// second ends it for the first.
#[tokio::test]
async fn two_instances_share_one_postgres() {
    let db = TestDb::postgres().await;
    seed_counsellor(&db).await;
    let a = Server::start(&db.url).await;
    let b = Server::start(&db.url).await;
    assert_ne!(a.base, b.base);
    for s in [&a, &b] {
        assert_eq!(
            http_client()
                .get(s.url("/readyz"))
                .send()
                .await
                .unwrap()
                .status(),
            200
        );
    }
    let via_a = http_client();
    let r = sign_in(&via_a, &a, "carla", PASSWORD).await;
    let cookie = r.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let on_b = http_client()
        .get(b.url("/"))
        .header("Cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(on_b.status(), 200);
    assert!(readable(&on_b.text().await.unwrap()).contains("Welcome, Test counsellor"));
    let out = http_client()
        .post(b.url("/api/auth/logout"))
        .header("Cookie", &cookie)
        .header("Accept", "application/json")
        .send()
        .await
        .unwrap();
    assert!(out.status().is_success() || out.status().is_redirection());
    let on_a = http_client()
        .get(a.url("/"))
        .header("Cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert!(
        on_a.status().is_redirection(),
        "signed out through B, still signed in on A"
    );
}

/// After five wrong passwords an account must wait, even with the right
/// password; the answer is 429 with Retry-After, and another account from
/// the same address is not affected.
#[tokio::test]
async fn repeated_failures_are_throttled_per_account() {
    let db = TestDb::sqlite();
    let store = db.store().await;
    add_counsellor(&store).await;
    add_user(
        &store,
        "Shelter A",
        OrgKind::Counselling,
        Role::Supervisor,
        "sam",
        PASSWORD,
    )
    .await;
    let server = Server::start(&db.url).await;
    let c = http_client();
    for i in 0..6 {
        let r = sign_in(&c, &server, "carla", "not the password at all").await;
        assert_eq!(r.status(), 401, "attempt {i}");
    }
    let r = sign_in(&c, &server, "carla", PASSWORD).await;
    assert_eq!(r.status(), 429);
    let retry: u64 = r.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=30).contains(&retry), "Retry-After {retry}");
    assert!(!r.headers().contains_key("set-cookie"));
    let body = r.text().await.unwrap();
    assert!(body.contains("RateLimited"), "{body}");
    // Another account from the same address signs in.
    let r = sign_in(&http_client(), &server, "sam", PASSWORD).await;
    assert!(
        r.headers().contains_key("set-cookie"),
        "status {}",
        r.status()
    );
    // The throttle is in the database: a second instance honours it.
    let other = Server::start(&db.url).await;
    let r = sign_in(&http_client(), &other, "carla", PASSWORD).await;
    assert_eq!(r.status(), 429);
    let audit = store.recent_audit(100).await.unwrap();
    assert!(audit
        .iter()
        .any(|e| e.action == "auth.throttled" && e.outcome == "denied"));
}

async fn sign_in_via(server: &Server, forwarded_for: &str, username: &str, password: &str) -> u16 {
    http_client()
        .post(server.url("/api/auth/login"))
        .header("Origin", &server.base)
        .header("Accept", "application/json")
        .header("X-Forwarded-For", forwarded_for)
        .form(&[
            ("username", username),
            ("password", password),
            ("next", "/"),
        ])
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

/// Behind a proxy the client's address comes from the proxy's header, but
/// only on requests from a trusted proxy: a client cannot escape the
/// per-address limit by writing addresses of its own.
#[tokio::test]
async fn the_address_throttle_believes_only_trusted_proxies() {
    let db = TestDb::sqlite();
    let store = db.store().await;
    add_counsellor(&store).await;
    let free = app::domain::throttle::ADDRESS.free_failures as usize;
    // The proxy is on this machine (loopback, trusted by default).
    let proxied = Server::start_with(&db.url, &["--client-ip-header", "x-forwarded-for"]).await;
    for i in 0..=free {
        let status = sign_in_via(
            &proxied,
            "203.0.113.7",
            &format!("nobody{i}"),
            "wrong guess 123",
        )
        .await;
        assert_eq!(status, 401, "guess {i}");
    }
    assert_eq!(
        sign_in_via(&proxied, "203.0.113.7", "nobody", "wrong guess 123").await,
        429,
        "the guessing address must wait"
    );
    assert_eq!(
        sign_in_via(&proxied, "203.0.113.8", "carla", PASSWORD).await,
        200,
        "another client behind the same proxy is not affected"
    );
    // Here the proxies are elsewhere: the header is the client's own claim
    // and is ignored, so changing it does not help.
    let direct = Server::start_with(
        &db.url,
        &[
            "--client-ip-header",
            "x-forwarded-for",
            "--trusted-proxies",
            "10.0.0.0/8",
        ],
    )
    .await;
    for i in 0..=free {
        let status = sign_in_via(
            &direct,
            &format!("198.51.100.{i}"),
            &format!("nobody{i}"),
            "wrong guess 123",
        )
        .await;
        assert_eq!(status, 401, "guess {i}");
    }
    assert_eq!(
        sign_in_via(&direct, "198.51.100.200", "nobody", "wrong guess 123").await,
        429,
        "a made-up forwarding header must not reset the limit"
    );
}

async fn change_password(
    c: &reqwest::Client,
    server: &Server,
    current: &str,
    new: &str,
    repeat: &str,
) -> reqwest::Response {
    c.post(server.url("/api/account/change_password"))
        .header("Accept", "application/json")
        .form(&[("current", current), ("new", new), ("repeat", repeat)])
        .send()
        .await
        .unwrap()
}

/// Users change their own password: the current one is required, the new
/// one must pass the rules, and every other session ends.
#[tokio::test]
async fn users_change_their_own_password() {
    let db = TestDb::sqlite();
    let server = server_with_user(&db).await;
    let here = http_client();
    let elsewhere = http_client();
    sign_in(&here, &server, "carla", PASSWORD).await;
    sign_in(&elsewhere, &server, "carla", PASSWORD).await;

    let r = change_password(&http_client(), &server, PASSWORD, "x", "x").await;
    assert_eq!(r.status(), 401, "anonymous callers are refused");

    let cases = [
        (
            "not my password",
            "a brand new passphrase",
            "a brand new passphrase",
            "current",
        ),
        (PASSWORD, "short", "short", "new"),
        (PASSWORD, "1qaz2wsx3edc", "1qaz2wsx3edc", "new"),
        (
            PASSWORD,
            "a brand new passphrase",
            "a brand new passphrase!",
            "repeat",
        ),
    ];
    for (current, new, repeat, field) in cases {
        let r = change_password(&here, &server, current, new, repeat).await;
        assert_eq!(r.status(), 422, "{field}");
        let body: serde_json::Value = r.json().await.unwrap();
        assert_eq!(body["Invalid"][0]["field"], field, "{body}");
    }
    let r = change_password(
        &here,
        &server,
        PASSWORD,
        "a brand new passphrase",
        "a brand new passphrase",
    )
    .await;
    assert_eq!(r.status(), 200);
    // This session goes on; the other one has ended.
    assert_eq!(
        here.get(server.url("/account"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    assert!(elsewhere
        .get(server.url("/"))
        .send()
        .await
        .unwrap()
        .status()
        .is_redirection());
    // Only the new password works now.
    assert_eq!(
        sign_in(&http_client(), &server, "carla", PASSWORD)
            .await
            .status(),
        401
    );
    let r = sign_in(&http_client(), &server, "carla", "a brand new passphrase").await;
    assert!(r.headers().contains_key("set-cookie"));
    let audit = db.store().await.recent_audit(100).await.unwrap();
    assert!(audit
        .iter()
        .any(|e| e.action == "user.password.change" && e.outcome == "allowed"));
    assert!(audit
        .iter()
        .any(|e| e.action == "user.password.change" && e.outcome == "failed"));
}

/// Every endpoint that needs a signed-in user refuses anonymous callers
/// with 401, before doing anything.
#[tokio::test]
async fn signed_in_endpoints_refuse_anonymous_callers() {
    let db = TestDb::sqlite();
    let server = Server::start(&db.url).await;
    for (path, access) in app::api::ENDPOINTS {
        if *access != app::api::Access::SignedIn {
            continue;
        }
        let r = http_client()
            .post(server.url(path))
            .header("Accept", "application/json")
            .body("")
            .header("Content-Type", "application/x-www-form-urlencoded")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 401, "{path}");
    }
}

/// A database failure inside a server function reaches the browser only as
/// a reference; the cause (SQL, table names, paths) goes to the log, under
/// the same reference.
#[tokio::test]
async fn database_errors_reach_the_browser_only_as_a_reference() {
    let db = TestDb::sqlite();
    let server = server_with_user(&db).await;
    // Break the database under the running server.
    let mut raw = <sqlx::AnyConnection as sqlx::Connection>::connect(&db.url)
        .await
        .unwrap();
    sqlx::query("DROP TABLE sign_in_throttle")
        .execute(&mut raw)
        .await
        .unwrap();
    let r = sign_in(&http_client(), &server, "carla", PASSWORD).await;
    assert_eq!(r.status(), 500);
    let body = r.text().await.unwrap();
    for leak in [
        "sign_in_throttle",
        "no such table",
        "SELECT",
        "sqlite",
        "/tmp",
        "safeplan.db",
    ] {
        assert!(
            !body.to_lowercase().contains(&leak.to_lowercase()),
            "{leak} in {body}"
        );
    }
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    let reference = v["Internal"]["reference"]
        .as_str()
        .unwrap_or_else(|| panic!("{body}"));
    assert!(reference.starts_with("E-"), "{reference}");
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let log = server.log_text();
    let line = log
        .lines()
        .find(|l| l.contains(reference))
        .unwrap_or_else(|| panic!("reference {reference} not in the log:\n{log}"));
    assert!(
        line.contains("sign_in_throttle"),
        "the cause is logged: {line}"
    );
}

/// Users see where they are signed in and end a session they no longer
/// want; someone else's session does not exist for them.
#[tokio::test]
async fn users_list_and_end_their_own_sessions() {
    let db = TestDb::sqlite();
    let store = db.store().await;
    add_counsellor(&store).await;
    add_user(
        &store,
        "Shelter A",
        OrgKind::Counselling,
        Role::Supervisor,
        "sam",
        PASSWORD,
    )
    .await;
    let server = Server::start(&db.url).await;
    let here = http_client();
    let laptop = http_client();
    let sam = http_client();
    for (c, who) in [(&here, "carla"), (&laptop, "carla"), (&sam, "sam")] {
        assert!(sign_in(c, &server, who, PASSWORD)
            .await
            .headers()
            .contains_key("set-cookie"));
    }
    let list = |c: &reqwest::Client| {
        c.post(server.url("/api/account/list_sessions"))
            .header("Accept", "application/json")
            .send()
    };
    let sessions: serde_json::Value = list(&here).await.unwrap().json().await.unwrap();
    let sessions = sessions.as_array().unwrap().clone();
    assert_eq!(sessions.len(), 2, "{sessions:?}");
    assert_eq!(sessions.iter().filter(|s| s["current"] == true).count(), 1);
    let other = sessions.iter().find(|s| s["current"] == false).unwrap()["handle"]
        .as_str()
        .unwrap()
        .to_string();
    let sams: serde_json::Value = list(&sam).await.unwrap().json().await.unwrap();
    let sams_handle = sams[0]["handle"].as_str().unwrap().to_string();
    let end = |c: &reqwest::Client, handle: &str| {
        c.post(server.url("/api/account/end_session"))
            .header("Accept", "application/json")
            .form(&[("handle", handle)])
            .send()
    };
    assert_eq!(end(&here, &sams_handle).await.unwrap().status(), 404);
    // This browser's own session is ended by signing out, not from the list.
    let mine = sessions.iter().find(|s| s["current"] == true).unwrap()["handle"]
        .as_str()
        .unwrap()
        .to_uppercase();
    assert_eq!(end(&here, &mine).await.unwrap().status(), 404);
    assert_eq!(
        sam.get(server.url("/account"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    assert_eq!(end(&here, &other).await.unwrap().status(), 200);
    assert!(laptop
        .get(server.url("/account"))
        .send()
        .await
        .unwrap()
        .status()
        .is_redirection());
    assert_eq!(
        here.get(server.url("/account"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    let audit = store.recent_audit(100).await.unwrap();
    assert!(audit.iter().any(|e| e.action == "auth.session.end"));
}

/// Showing the audit log to a supervisor records exactly one read (the
/// page's data is fetched once per view, not once per rendering pass).
#[tokio::test]
async fn a_view_of_the_audit_log_is_one_audited_read() {
    let db = TestDb::sqlite();
    let store = db.store().await;
    tests::add_user(
        &store,
        "Shelter A",
        OrgKind::Counselling,
        Role::Supervisor,
        "sam",
        PASSWORD,
    )
    .await;
    let server = Server::start(&db.url).await;
    let c = http_client();
    assert_eq!(sign_in(&c, &server, "sam", PASSWORD).await.status(), 200);
    let r = c.get(server.url("/audit")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let reads = store
        .recent_audit(100)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "audit.read")
        .count();
    assert_eq!(reads, 1);
    store.close().await;
}
