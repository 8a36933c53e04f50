//! The client's copy shared by link, over HTTP against the real server
//! (issue #6, item 4): a link opens the copy in the client's language
//! (Arabic right to left), without a session; it expires, can be switched
//! off, and may ask for a PIN that locks after five wrong tries. Every
//! opening is in the case's access log, and the token never reaches the
//! server's log.

use app::api::cases::{CaseAccessLog, NewCaseOutcome, ShareLinkView, ShareOutcome};
use app::domain::share::{LinkState, ShareProblem};
use app::domain::{OrgKind, Role};
use tests::{
    add_users, call, call_ok, http_client, make_ready, seed_counsellor, signed_in, Server, TestDb,
};

async fn share(
    c: &reqwest::Client,
    s: &Server,
    code: &str,
    lang: &str,
    days: &str,
    pin: &str,
) -> ShareOutcome {
    call_ok(
        c,
        s,
        "/api/cases/share",
        &[
            ("code", code),
            ("language", lang),
            ("days", days),
            ("pin", pin),
        ],
    )
    .await
}

async fn links(c: &reqwest::Client, s: &Server, code: &str) -> Vec<ShareLinkView> {
    call_ok(c, s, "/api/cases/share_links", &[("code", code)]).await
}

/// A browser with no session: the client's phone.
async fn open(url: &str) -> (u16, String) {
    let r = http_client().get(url).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

#[tokio::test]
async fn a_link_opens_the_clients_copy_until_it_expires_or_is_switched_off() {
    let db = TestDb::sqlite();
    let store = db.store().await;
    let [_, olga] = add_users(
        &store,
        [
            ("Shelter A", OrgKind::Counselling, Role::Counsellor, "carla"),
            ("IOM NL", OrgKind::IomMission, Role::ReturnOfficer, "olga"),
        ],
    )
    .await;
    store.close().await;
    // The request log at its most talkative: the token must not be in it.
    let s = Server::start_with(&db.url, &["--log-level", "debug"]).await;
    let carla = signed_in(&s, "carla").await;
    let r: NewCaseOutcome = call_ok(
        &carla,
        &s,
        "/api/cases/create",
        &[
            ("alias", "Amira Share"),
            ("birth_year", "1990"),
            ("nationality", "MA"),
            ("confirm", "on"),
        ],
    )
    .await;
    let NewCaseOutcome::Created { code } = r else {
        panic!("{r:?}")
    };
    make_ready(&carla, &s, &code, "Amira Share", &olga.organisation_id).await;

    // Bad input: every problem named, nothing made.
    let bad = share(&carla, &s, &code, "xx", "0", "12a").await;
    assert_eq!(
        bad,
        ShareOutcome::Invalid(vec![
            ShareProblem::Days,
            ShareProblem::Pin,
            ShareProblem::Language
        ])
    );
    assert!(links(&carla, &s, &code).await.is_empty());

    // A link in French, no PIN.
    let ShareOutcome::Created(made) = share(&carla, &s, &code, "fr", "30", "").await else {
        panic!("not made")
    };
    let token = made.url.rsplit('/').next().unwrap().to_string();
    assert_eq!(token.len(), 64, "256 bits, hex");
    assert!(made.url.starts_with(&s.base), "{} on {}", made.url, s.base);
    assert!(made.qr_svg.contains("<svg"), "a QR code");
    // The new link's row is shown as the list will show it, language and all.
    assert_eq!(made.link.id, made.id);
    assert_eq!(made.link.language, "fr");
    assert!(!made.link.created_by.is_empty());
    let (status, page) = open(&made.url).await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("<html lang=\"fr\" dir=\"ltr\">"), "{page}");
    assert!(page.contains(&code), "the reference to quote");
    assert!(page.contains("112"), "the emergency number");
    for secret in [
        "Amira",
        "Debt to the recruiter",
        "signs_present",
        "trafficking",
    ] {
        assert!(!page.contains(secret), "{secret} is not for the copy");
    }
    // In Arabic, right to left.
    let (status, page) = open(&format!("{}?lang=ar", made.url)).await;
    assert_eq!(status, 200);
    assert!(page.contains("<html lang=\"ar\" dir=\"rtl\">"), "{page}");
    // A HEAD request (a chat app checking the link before showing it)
    // reads no copy: it answers whether the link works and is no view.
    let head = |url: String| async move {
        let r = tests::http_client().head(&url).send().await.unwrap();
        r.status()
    };
    assert_eq!(head(made.url.clone()).await, 200);
    let listed = links(&carla, &s, &code).await;
    assert_eq!(listed.len(), 1);
    assert_eq!((listed[0].views, listed[0].state), (2, LinkState::Active));

    // A wrong token says so plainly.
    let (status, page) = open(&format!("{}/c/{}", s.base, "0".repeat(64))).await;
    assert_eq!(status, 404);
    assert!(page.contains("This link does not work"), "{page}");

    // Switched off: at once, and said plainly.
    let revoked: bool = call_ok(
        &carla,
        &s,
        "/api/cases/share_revoke",
        &[("code", code.as_str()), ("id", made.id.as_str())],
    )
    .await;
    assert!(revoked);
    let again: bool = call_ok(
        &carla,
        &s,
        "/api/cases/share_revoke",
        &[("code", code.as_str()), ("id", made.id.as_str())],
    )
    .await;
    assert!(!again, "already off");
    let (status, page) = open(&made.url).await;
    assert_eq!(status, 410);
    assert!(page.contains("Ce lien a été désactivé"), "{page}");
    assert_eq!(head(made.url.clone()).await, 410);

    // Expired: a link whose time is up says so.
    let ShareOutcome::Created(short) = share(&carla, &s, &code, "en", "1", "").await else {
        panic!("not made")
    };
    assert_eq!(open(&short.url).await.0, 200);
    let store = db.store().await;
    sqlx::query("UPDATE share_links SET expires_at = $1 WHERE id = $2")
        .bind(app::store::ts::to_db(
            chrono::Utc::now() - chrono::Duration::minutes(1),
        ))
        .bind(&short.id)
        .execute(store.pool())
        .await
        .unwrap();
    store.close().await;
    let (status, page) = open(&short.url).await;
    assert_eq!(status, 410);
    assert!(page.contains("This link has expired"), "{page}");
    assert_eq!(head(short.url.clone()).await, 410);
    let states: Vec<LinkState> = links(&carla, &s, &code)
        .await
        .iter()
        .map(|l| l.state)
        .collect();
    assert_eq!(states, vec![LinkState::Expired, LinkState::Revoked]);

    // Every opening is in the case's access log, the refused ones too
    // (HEAD requests open nothing: they are not there).
    let log: CaseAccessLog = call_ok(
        &carla,
        &s,
        "/api/cases/access_log",
        &[("code", code.as_str()), ("page", "0")],
    )
    .await;
    let views = log
        .entries
        .iter()
        .filter(|e| e.action == "share.view")
        .count();
    assert_eq!(
        views,
        2 + 1 + 2,
        "two opened, one after revocation, one opened and one after expiry"
    );
    assert!(log.entries.iter().any(|e| e.action == "case.share.revoke"));

    // The counsellor's own view of the copy, to print: a page, not a file.
    let r = call(
        &carla,
        &s,
        "/api/cases/client_copy",
        &[("code", code.as_str()), ("language", "nl")],
    )
    .await;
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    assert!(r.text().await.unwrap().contains("<html lang=\"nl\""));

    // As the browser posts them without script (Accept: text/html, with a
    // Referer), the print view and the downloads are answered, not sent
    // back to the page they were posted from.
    for (path, kind) in [
        ("/api/cases/print", "text/html"),
        ("/api/cases/client_copy", "text/html"),
        ("/api/cases/export_json", "application/json"),
        ("/api/cases/export_ics", "text/calendar"),
    ] {
        let r = carla
            .post(s.url(path))
            .header("Origin", &s.base)
            .header("Accept", "text/html,application/xhtml+xml")
            .header("Referer", s.url(&format!("/cases/{code}/review")))
            .form(&[("code", code.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{path}");
        assert!(
            r.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with(kind),
            "{path}"
        );
    }

    // The plan for the file, to print: a page, in the counsellor's language.
    let r = call(&carla, &s, "/api/cases/print", &[("code", code.as_str())]).await;
    assert_eq!(r.status(), 200);
    assert!(
        r.headers().get("content-disposition").is_none(),
        "shown, not saved"
    );
    let page = r.text().await.unwrap();
    assert!(
        page.contains("Return plan") && page.contains(&code),
        "{page}"
    );
    assert!(page.contains("/plan-print.css"));
    assert!(page.contains("Safe return home"), "the decision");

    let text = s.log_text();
    assert!(!text.contains(&token), "the token is in the log");
    assert!(!text.contains(&short.url.rsplit('/').next().unwrap().to_string()));
    assert!(
        text.contains("/c/…"),
        "the request log writes shared links without their token"
    );
    assert!(!text.contains("Amira"));
    s.stop().await;
}

#[tokio::test]
async fn a_pin_guards_the_link_and_five_wrong_ones_lock_it() {
    let db = TestDb::sqlite();
    seed_counsellor(&db).await;
    let s = Server::start(&db.url).await;
    let carla = signed_in(&s, "carla").await;
    let r: NewCaseOutcome = call_ok(
        &carla,
        &s,
        "/api/cases/create",
        &[
            ("alias", "Pin Case"),
            ("birth_year", "1990"),
            ("nationality", "MA"),
            ("confirm", "on"),
        ],
    )
    .await;
    let NewCaseOutcome::Created { code } = r else {
        panic!("{r:?}")
    };
    let ShareOutcome::Created(made) = share(&carla, &s, &code, "en", "30", "4821").await else {
        panic!("not made")
    };
    assert!(made.has_pin);
    let phone = http_client();
    // Without the PIN: the form, and nothing of the plan.
    let r = phone.get(&made.url).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let page = r.text().await.unwrap();
    assert!(page.contains("name=\"pin\""), "{page}");
    assert!(!page.contains(&code), "the copy is not shown");
    let post = |pin: &'static str| {
        phone
            .post(&made.url)
            .header("Origin", &s.base)
            .form(&[("pin", pin)])
            .send()
    };
    let r = post("1111").await.unwrap();
    assert_eq!(r.status(), 403);
    assert!(r.text().await.unwrap().contains("That PIN is not right"));
    // The right PIN: the copy, and the browser remembers it for a while.
    let r = post("4821").await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.text().await.unwrap().contains(&code));
    let r = phone
        .get(format!("{}?lang=fr", made.url))
        .send()
        .await
        .unwrap();
    let page = r.text().await.unwrap();
    assert!(
        page.contains(&code) && page.contains("lang=\"fr\""),
        "{page}"
    );
    // Another browser is asked again.
    let other = http_client()
        .get(&made.url)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(other.contains("name=\"pin\"") && !other.contains(&code));

    // Five wrong PINs in a row lock it: even the right one waits.
    for i in 0..5 {
        let r = post("0000").await.unwrap();
        assert_eq!(r.status(), 403, "try {i}");
    }
    let r = post("4821").await.unwrap();
    assert_eq!(r.status(), 429);
    assert!(r.text().await.unwrap().contains("Too many wrong tries"));
    // Each lock ends (here: made to end), and after the third the link is
    // switched off for good: fifteen guesses in all, whatever the time.
    let end_lock = || async {
        let store = db.store().await;
        sqlx::query("UPDATE share_links SET locked_until = $1 WHERE id = $2")
            .bind(app::store::ts::to_db(
                chrono::Utc::now() - chrono::Duration::minutes(1),
            ))
            .bind(&made.id)
            .execute(store.pool())
            .await
            .unwrap();
        store.close().await;
    };
    end_lock().await;
    for _ in 0..5 {
        assert_eq!(post("0000").await.unwrap().status(), 403);
    }
    end_lock().await;
    for _ in 0..4 {
        assert_eq!(post("0000").await.unwrap().status(), 403);
    }
    let r = post("0000").await.unwrap();
    assert_eq!(r.status(), 410, "the fifteenth wrong PIN switches it off");
    assert_eq!(phone.get(&made.url).send().await.unwrap().status(), 410);
    assert_eq!(post("4821").await.unwrap().status(), 410);
    let listed: Vec<ShareLinkView> = links(&carla, &s, &code).await;
    assert_eq!(listed[0].state, LinkState::Revoked);
    let log: CaseAccessLog = call_ok(
        &carla,
        &s,
        "/api/cases/access_log",
        &[("code", code.as_str()), ("page", "0")],
    )
    .await;
    let count = |action: &str| log.entries.iter().filter(|e| e.action == action).count();
    assert_eq!(count("share.pin"), 1 + 5 + 5 + 5, "every wrong PIN");
    assert_eq!(count("share.pin_locked"), 1, "the try refused while locked");
    assert_eq!(
        count("share.view"),
        2 + 2,
        "two openings, and two refused once it was switched off"
    );
    s.stop().await;
}

/// The log at its most talkative level (trace, every crate) never holds a
/// shared link's token, however the link's path is written: doubled
/// slashes, a percent-encoded letter, another case, a trailing slash.
#[tokio::test]
async fn a_links_token_is_in_no_log_line_even_at_trace() {
    let db = TestDb::sqlite();
    let store = db.store().await;
    let [_, olga] = add_users(
        &store,
        [
            ("Shelter A", OrgKind::Counselling, Role::Counsellor, "carla"),
            ("IOM NL", OrgKind::IomMission, Role::ReturnOfficer, "olga"),
        ],
    )
    .await;
    store.close().await;
    let s = Server::start_with(&db.url, &["--log-level", "trace"]).await;
    let carla = signed_in(&s, "carla").await;
    let code = tests::new_case(&carla, &s, "Tara Trace", "1990").await;
    make_ready(&carla, &s, &code, "Tara Trace", &olga.organisation_id).await;
    let ShareOutcome::Created(made) = share(&carla, &s, &code, "en", "30", "").await else {
        panic!("not made")
    };
    let token = made.url.rsplit('/').next().unwrap().to_string();
    assert_eq!(open(&made.url).await.0, 200);
    for path in [
        format!("/c/{token}?lang=ar"),
        format!("//c/{token}"),
        format!("/%63/{token}"),
        format!("/C/{token}"),
        format!("/c/{token}/"),
    ] {
        let r = http_client()
            .get(format!("{}{path}", s.base))
            .send()
            .await
            .unwrap();
        assert!(r.status().as_u16() < 500, "{path}: {}", r.status());
    }
    let head = http_client().head(&made.url).send().await.unwrap();
    assert_eq!(head.status(), 200);
    let log = s.log_text();
    assert!(log.contains("/c/…"), "the requests were logged");
    assert!(
        log.lines().count() > 100,
        "trace is talkative: {} lines",
        log.lines().count()
    );
    let leaks: Vec<&str> = log.lines().filter(|l| l.contains(&token)).collect();
    assert!(leaks.is_empty(), "the token in the log: {leaks:#?}");
}
