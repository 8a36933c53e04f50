//! User administration over HTTP, and who may use it, on both engines.

use app::domain::{OrgKind, Role};
use tests::{add_users, http_client, sign_in, Server, TestDb, PASSWORD};

struct World {
    server: Server,
    db: TestDb,
    carla_id: String,
}

/// Shelter A: admin "ada", supervisor "sam", counsellor "carla".
/// Shelter B: admin "bob".
async fn world(db: TestDb) -> World {
    let store = db.store().await;
    let [_, _, carla, _] = add_users(
        &store,
        [
            ("Shelter A", OrgKind::Counselling, Role::Admin, "ada"),
            ("Shelter A", OrgKind::Counselling, Role::Supervisor, "sam"),
            ("Shelter A", OrgKind::Counselling, Role::Counsellor, "carla"),
            ("Shelter B", OrgKind::Counselling, Role::Admin, "bob"),
        ],
    )
    .await;
    store.close().await;
    let server = Server::start(&db.url).await;
    World {
        server,
        db,
        carla_id: carla.id,
    }
}

async fn client_for(w: &World, username: Option<&str>) -> reqwest::Client {
    let c = http_client();
    if let Some(u) = username {
        let r = sign_in(&c, &w.server, u, PASSWORD).await;
        assert!(r.headers().contains_key("set-cookie"), "{u} signs in");
    }
    c
}

async fn call(c: &reqwest::Client, w: &World, endpoint: &str, form: &[(&str, &str)]) -> u16 {
    c.post(w.server.url(endpoint))
        .header("Accept", "application/json")
        .form(form)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

/// Every admin endpoint for: anonymous, each role, an admin of another
/// organisation. Refusals look like "not found" and are audited.
async fn admin_endpoints_matrix(w: World) {
    let carla = w.carla_id.as_str();
    let who: [(Option<&str>, &[u16]); 5] = [
        (None, &[401]),
        (Some("carla"), &[404]),
        (Some("sam"), &[404]),
        // Bob is an admin, but of another organisation: carla does not exist for him.
        (Some("bob"), &[404, 200]),
        (Some("ada"), &[200]),
    ];
    for (user, expected) in who {
        let c = client_for(&w, user).await;
        let newbie = format!("newbie-{}", user.unwrap_or("anonymous"));
        let calls: Vec<(&str, Vec<(&str, &str)>)> = vec![
            ("/api/admin/list_users", vec![]),
            (
                "/api/admin/set_role",
                vec![("user_id", carla), ("role", "counsellor")],
            ),
            (
                "/api/admin/reset_password",
                vec![("user_id", carla), ("password", "")],
            ),
            (
                "/api/admin/set_user_active",
                vec![("user_id", carla), ("active", "true")],
            ),
            ("/api/admin/reset_second_factor", vec![("user_id", carla)]),
            (
                "/api/admin/create_user",
                vec![
                    ("username", newbie.as_str()),
                    ("display_name", "New"),
                    ("role", "counsellor"),
                    ("password", ""),
                ],
            ),
        ];
        for (endpoint, form) in &calls {
            let status = call(&c, &w, endpoint, form).await;
            let ok = match (user, *endpoint) {
                // Bob may list and create users in his own organisation.
                (Some("bob"), "/api/admin/list_users" | "/api/admin/create_user") => status == 200,
                (Some("bob"), _) => status == 404,
                _ => expected.contains(&status),
            };
            assert!(ok, "{user:?} {endpoint}: {status}");
        }
    }
    let audit = w.db.store().await.recent_audit(500).await.unwrap();
    let denied = audit
        .iter()
        .filter(|e| e.outcome == "denied" && e.action.starts_with("user."))
        .count();
    // carla 6, sam 6, bob 4 (the four calls on carla).
    assert_eq!(denied, 16, "every refusal is audited");
}

/// Deactivating a user throws them out on their next request.
async fn deactivated_users_are_thrown_out(w: World) {
    let carla = client_for(&w, Some("carla")).await;
    assert_eq!(
        carla
            .get(w.server.url("/account"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    let ada = client_for(&w, Some("ada")).await;
    let status = call(
        &ada,
        &w,
        "/api/admin/set_user_active",
        &[("user_id", &w.carla_id), ("active", "false")],
    )
    .await;
    assert_eq!(status, 200);
    let r = carla.get(w.server.url("/account")).send().await.unwrap();
    assert!(
        r.status().is_redirection(),
        "still signed in after deactivation: {}",
        r.status()
    );
    assert_eq!(
        sign_in(&http_client(), &w.server, "carla", PASSWORD)
            .await
            .status(),
        401
    );
    // Admins cannot lock themselves out.
    let ada_id =
        w.db.store()
            .await
            .user_credentials("ada")
            .await
            .unwrap()
            .unwrap()
            .user
            .id;
    let status = call(
        &ada,
        &w,
        "/api/admin/set_user_active",
        &[("user_id", &ada_id), ("active", "false")],
    )
    .await;
    assert_eq!(status, 422);
    // Reactivated, carla signs in again.
    let status = call(
        &ada,
        &w,
        "/api/admin/set_user_active",
        &[("user_id", &w.carla_id), ("active", "true")],
    )
    .await;
    assert_eq!(status, 200);
    assert!(sign_in(&http_client(), &w.server, "carla", PASSWORD)
        .await
        .headers()
        .contains_key("set-cookie"));
}

/// Roles must fit the organisation; passwords must pass the rules.
async fn admin_input_is_checked(w: World) {
    let ada = client_for(&w, Some("ada")).await;
    let r = ada
        .post(w.server.url("/api/admin/create_user"))
        .header("Accept", "application/json")
        .form(&[
            ("username", "olga"),
            ("display_name", "Olga"),
            ("role", "return_officer"),
            ("password", "qwertyqwerty"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let body: serde_json::Value = r.json().await.unwrap();
    let fields: Vec<&str> = body["Invalid"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["role", "password"], "{body}");
    assert!(
        w.db.store()
            .await
            .user_credentials("olga")
            .await
            .unwrap()
            .is_none(),
        "nothing stored"
    );
    let status = call(
        &ada,
        &w,
        "/api/admin/set_role",
        &[("user_id", &w.carla_id), ("role", "supervisor")],
    )
    .await;
    assert_eq!(status, 200);
    let carla = w.db.store().await.user(&w.carla_id).await.unwrap().unwrap();
    assert_eq!(carla.role, Role::Supervisor);
}

tests::on_both_engines!(
    admin_endpoints_matrix,
    deactivated_users_are_thrown_out,
    admin_input_is_checked,
    audit_log_for_supervisors,
    password_resets,
);

/// An admin's reset of a counsellor's password takes it away: her
/// sessions end, and she chooses a new one with a code from a supervisor,
/// which lets her back in at once even when she had locked herself out.
/// An admin sets only an administrator's password, never their own here;
/// refusals are audited with their subject.
async fn password_resets(w: World) {
    let carla = client_for(&w, Some("carla")).await;
    for _ in 0..8 {
        sign_in(&http_client(), &w.server, "carla", "forgot it, again").await;
    }
    assert_eq!(
        sign_in(&http_client(), &w.server, "carla", PASSWORD)
            .await
            .status(),
        429
    );
    let ada = client_for(&w, Some("ada")).await;
    let fresh = "a fresh passphrase for carla";
    // The admin cannot choose it for her.
    let status = call(
        &ada,
        &w,
        "/api/admin/reset_password",
        &[("user_id", &w.carla_id), ("password", fresh)],
    )
    .await;
    assert_eq!(status, 422);
    let status = call(
        &ada,
        &w,
        "/api/admin/reset_password",
        &[("user_id", &w.carla_id), ("password", "")],
    )
    .await;
    assert_eq!(status, 200);
    let r = carla.get(w.server.url("/account")).send().await.unwrap();
    assert!(r.status().is_redirection(), "old session still alive");
    let sam = client_for(&w, Some("sam")).await;
    let r = sam
        .post(w.server.url("/api/setup/issue_code"))
        .header("Accept", "application/json")
        .form(&[("user_id", w.carla_id.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let issued: serde_json::Value = r.json().await.unwrap();
    let code = issued["code"].as_str().unwrap();
    let status = call(
        &http_client(),
        &w,
        "/api/setup/complete",
        &[
            ("username", "carla"),
            ("code", code),
            ("password", fresh),
            ("repeat", fresh),
        ],
    )
    .await;
    assert_eq!(status, 200);
    assert!(
        sign_in(&http_client(), &w.server, "carla", fresh)
            .await
            .headers()
            .contains_key("set-cookie"),
        "the set-up lifts the throttle"
    );
    // Not on oneself: that needs the current password.
    let store = w.db.store().await;
    let ada_id = store
        .user_credentials("ada")
        .await
        .unwrap()
        .unwrap()
        .user
        .id;
    let status = call(
        &ada,
        &w,
        "/api/admin/reset_password",
        &[
            ("user_id", &ada_id),
            ("password", "an admin's own new pass"),
        ],
    )
    .await;
    assert_eq!(status, 422);
    assert!(
        sign_in(&http_client(), &w.server, "ada", PASSWORD)
            .await
            .headers()
            .contains_key("set-cookie"),
        "password unchanged"
    );
    // A refused role change is audited too, naming whom it was about.
    let status = call(
        &ada,
        &w,
        "/api/admin/set_role",
        &[("user_id", &w.carla_id), ("role", "return_officer")],
    )
    .await;
    assert_eq!(status, 422);
    let audit = store.recent_audit(100).await.unwrap();
    let refused = |action: &str, subject: &str| {
        audit.iter().any(|e| {
            e.action == action
                && e.outcome == "denied"
                && e.subject_user_id.as_deref() == Some(subject)
        })
    };
    assert!(refused("user.reset_password", &ada_id));
    assert!(refused("user.reset_password", &w.carla_id));
    assert!(refused("user.set_role", &w.carla_id));
    assert!(audit.iter().any(|e| e.action == "user.reset_password"
        && e.outcome == "allowed"
        && e.subject_user_id.as_deref() == Some(w.carla_id.as_str())));
}

async fn audit_page(
    c: &reqwest::Client,
    w: &World,
    filters: &[(&str, &str)],
) -> (u16, serde_json::Value) {
    let mut form = vec![
        ("user_id", ""),
        ("action", ""),
        ("case_code", ""),
        ("from", ""),
        ("until", ""),
        ("page", "0"),
    ];
    for (k, v) in filters {
        form.retain(|(fk, _)| fk != k);
        form.push((k, v));
    }
    let r = c
        .post(w.server.url("/api/audit/list_events"))
        .header("Accept", "application/json")
        .form(&form)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(serde_json::Value::Null))
}

/// Supervisors read their organisation's audit log, filtered and paged;
/// nobody else may, and other organisations' events never show.
async fn audit_log_for_supervisors(w: World) {
    let ada = client_for(&w, Some("ada")).await;
    client_for(&w, Some("bob")).await;
    call(
        &ada,
        &w,
        "/api/admin/set_role",
        &[("user_id", &w.carla_id), ("role", "counsellor")],
    )
    .await;
    let sam = client_for(&w, Some("sam")).await;
    let (status, all) = audit_page(&sam, &w, &[]).await;
    assert_eq!(status, 200, "{all}");
    let rows = all["rows"].as_array().unwrap();
    assert!(
        rows.iter().any(|r| r["action"] == "user.set_role"
            && r["actor"] == "Test administrator"
            && r["subject"] == "Test counsellor"),
        "who did what to whom: {all}"
    );
    // Bob's sign-in belongs to Shelter B.
    let logins = rows.iter().filter(|r| r["action"] == "auth.login").count();
    assert_eq!(logins, 2, "ada and sam, not bob: {all}");
    // Filter by action and by person.
    let (_, users) = audit_page(&sam, &w, &[("action", "user.")]).await;
    assert!(users["rows"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["action"].as_str().unwrap().starts_with("user.")));
    let ada_id = users["users"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u[1] == "Test administrator")
        .unwrap()[0]
        .as_str()
        .unwrap()
        .to_string();
    // A person's filter shows what they did and what was done to them.
    let (_, by_ada) = audit_page(&sam, &w, &[("user_id", &ada_id)]).await;
    let by_ada = by_ada["rows"].as_array().unwrap();
    assert!(by_ada.iter().any(|r| r["actor"] == "Test administrator"));
    assert!(by_ada
        .iter()
        .all(|r| r["actor"] == "Test administrator" || r["subject"] == "Test administrator"));
    // The action filter is a plain prefix: LIKE wildcards match nothing.
    let (_, wild) = audit_page(&sam, &w, &[("action", "%")]).await;
    assert_eq!(wild["rows"].as_array().unwrap().len(), 0, "{wild}");
    // A period in the past holds nothing; a bad date is a clear error.
    let (_, old) = audit_page(&sam, &w, &[("until", "2001-01-01")]).await;
    assert_eq!(old["rows"].as_array().unwrap().len(), 0);
    let (status, bad) = audit_page(&sam, &w, &[("from", "yesterday")]).await;
    assert_eq!(status, 422);
    assert_eq!(bad["Invalid"][0]["field"], "from");
    // Paging: 50 a page, newest first.
    for _ in 0..60 {
        call(
            &ada,
            &w,
            "/api/admin/set_role",
            &[("user_id", &w.carla_id), ("role", "counsellor")],
        )
        .await;
    }
    let (_, first) = audit_page(&sam, &w, &[]).await;
    assert_eq!(first["rows"].as_array().unwrap().len(), 50);
    assert_eq!(first["has_more"], true);
    let (_, second) = audit_page(&sam, &w, &[("page", "1")]).await;
    assert!(!second["rows"].as_array().unwrap().is_empty());
    assert!(first["rows"][49]["at"].as_i64().unwrap() >= second["rows"][0]["at"].as_i64().unwrap());
    // Nobody else reads it.
    for who in [None, Some("carla"), Some("ada"), Some("bob")] {
        let c = client_for(&w, who).await;
        let (status, _) = audit_page(&c, &w, &[]).await;
        assert_eq!(status, if who.is_none() { 401 } else { 404 }, "{who:?}");
    }
    let store = w.db.store().await;
    let audit = store.recent_audit(500).await.unwrap();
    assert!(audit
        .iter()
        .any(|e| e.action == "audit.read" && e.outcome == "allowed"));
    assert_eq!(
        audit
            .iter()
            .filter(|e| e.action == "audit.read" && e.outcome == "denied")
            .count(),
        3
    );
}
