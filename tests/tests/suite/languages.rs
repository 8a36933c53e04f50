//! The interface in English and Dutch: chosen from the browser's languages
//! or by the user, the same on the server-rendered page and in answers.

use tests::{add_counsellor, http_client, readable, sign_in, Server, TestDb, PASSWORD};

async fn login_page(c: &reqwest::Client, server: &Server, accept_language: Option<&str>) -> String {
    let mut req = c.get(server.url("/login"));
    if let Some(al) = accept_language {
        req = req.header("Accept-Language", al);
    }
    readable(&req.send().await.unwrap().text().await.unwrap())
}

#[tokio::test]
async fn the_browser_language_then_the_users_choice() {
    let db = TestDb::sqlite();
    let server = Server::start(&db.url).await;
    let c = http_client();
    let en = login_page(&c, &server, None).await;
    assert!(en.contains(r#"<html lang="en""#), "{en}");
    assert!(en.contains("Forgot your password?"));
    let nl = login_page(&c, &server, Some("nl-NL,nl;q=0.9,en;q=0.8")).await;
    assert!(nl.contains(r#"<html lang="nl""#), "{nl}");
    assert!(nl.contains("Wachtwoord vergeten?"), "{nl}");
    assert!(nl.contains("Gebruikersnaam"));
    // A language we do not have falls back to English.
    let fr = login_page(&c, &server, Some("fr-FR,fr;q=0.9")).await;
    assert!(fr.contains(r#"<html lang="en""#));
    // The user's choice is kept in a cookie and wins over the browser.
    let r = c
        .post(server.url("/api/prefs/set_language"))
        .header("Origin", &server.base)
        .header("Accept", "text/html")
        .form(&[("lang", "nl"), ("next", "/login?next=/account")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 302);
    assert_eq!(r.headers()["location"], "/login?next=/account");
    let cookie = r.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(cookie.starts_with("safeplan_lang=nl;"), "{cookie}");
    assert!(
        cookie.contains("Path=/") && cookie.contains("Max-Age="),
        "{cookie}"
    );
    let chosen = login_page(&c, &server, Some("en-GB")).await;
    assert!(
        chosen.contains(r#"<html lang="nl""#),
        "the choice wins: {chosen}"
    );
    // Only local addresses, only known languages.
    let r = c
        .post(server.url("/api/prefs/set_language"))
        .header("Origin", &server.base)
        .header("Accept", "text/html")
        .form(&[("lang", "en"), ("next", "https://evil.example/")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["location"], "/");
    let r = c
        .post(server.url("/api/prefs/set_language"))
        .header("Origin", &server.base)
        .header("Accept", "application/json")
        .form(&[("lang", "xx"), ("next", "/")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
}

/// Messages made on the server (errors, field problems) come in the
/// user's language too.
#[tokio::test]
async fn server_messages_follow_the_language() {
    let db = TestDb::sqlite();
    let store = db.store().await;
    add_counsellor(&store).await;
    let server = Server::start(&db.url).await;
    let c = http_client();
    assert!(sign_in(&c, &server, "carla", PASSWORD)
        .await
        .headers()
        .contains_key("set-cookie"));
    let r = c
        .post(server.url("/api/account/change_password"))
        .header("Accept", "application/json")
        .header("Accept-Language", "nl")
        .form(&[
            ("current", PASSWORD),
            ("new", "a fine new passphrase"),
            ("repeat", "another passphrase"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(
        body["Invalid"][0]["message"],
        "de twee nieuwe wachtwoorden verschillen"
    );
    let page = c
        .get(server.url("/account"))
        .header("Accept-Language", "nl")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let page = readable(&page);
    assert!(page.contains("Uw wachtwoord wijzigen"), "{page}");
    assert!(page.contains("begeleider"), "the role in Dutch: {page}");
}

/// A signed-in user's choice is remembered with the account: signing in on
/// another browser (no cookie, an English Accept-Language) shows Dutch.
#[tokio::test]
async fn the_choice_follows_the_user_to_another_browser() {
    let db = TestDb::sqlite();
    let store = db.store().await;
    add_counsellor(&store).await;
    store.close().await;
    let server = Server::start(&db.url).await;
    let first = http_client();
    assert_eq!(
        sign_in(&first, &server, "carla", PASSWORD).await.status(),
        200
    );
    let r = first
        .post(server.url("/api/prefs/set_language"))
        .header("Origin", &server.base)
        .header("Accept", "text/html")
        .form(&[("lang", "nl"), ("next", "/")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 302);

    let other = http_client();
    let r = sign_in(&other, &server, "carla", PASSWORD).await;
    assert_eq!(r.status(), 200);
    let cookies: Vec<String> = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect();
    assert!(
        cookies.iter().any(|c| c.starts_with("safeplan_lang=nl;")),
        "{cookies:?}"
    );
    let page = readable(
        &other
            .get(server.url("/account"))
            .header("Accept-Language", "en")
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
    );
    assert!(page.contains(r#"<html lang="nl""#), "{page}");
}
