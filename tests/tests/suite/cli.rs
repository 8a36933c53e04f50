//! The `safeplan` command line: help, configuration errors, users, demo.

use std::process::{Command, Output};
use tests::{output_text as text, server_bin, TestDb};

fn safeplan(db: &TestDb, args: &[&str], stdin: Option<&str>) -> Output {
    tests::run_cli(db, args, stdin)
}

#[test]
fn help_documents_every_command_and_setting() {
    let db = TestDb::sqlite();
    let out = safeplan(&db, &["--help"], None);
    assert!(out.status.success());
    let help = text(&out);
    for word in [
        "serve",
        "migrate",
        "demo",
        "user",
        "organisation",
        "catalogue",
        "--database-url",
        "DATABASE_URL",
        "--bind",
        "--log-level",
        "--log-format",
        "--secure-cookies",
        "--session-idle-minutes",
        "--session-max-hours",
        "--secret-key-file",
        "SAFEPLAN_SECRET_KEY_FILE",
        "--require-second-factor",
        "--trusted-proxies",
        "secret-key",
    ] {
        assert!(
            help.contains(word),
            "--help does not mention {word}:\n{help}"
        );
    }
    let out = safeplan(&db, &["user", "add", "--help"], None);
    assert!(text(&out).contains("--role"));
}

#[test]
fn invalid_configuration_fails_at_start_naming_the_setting() {
    let db = TestDb::sqlite();
    let out = safeplan(&db, &["--session-idle-minutes", "0", "migrate"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out).contains("--session-idle-minutes"),
        "{}",
        text(&out)
    );
    let out = Command::new(server_bin())
        .env("DATABASE_URL", "mysql://localhost/x")
        .arg("migrate")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(text(&out).contains("DATABASE_URL"), "{}", text(&out));
    let out = safeplan(&db, &["--bind", "localhost:port"], None);
    assert!(!out.status.success());
    assert!(text(&out).contains("--bind"), "{}", text(&out));
}

/// Serving needs the secret key that seals second-factor secrets; the
/// binary makes one, and a key file is read and checked.
#[test]
fn serving_needs_a_secret_key() {
    let db = TestDb::sqlite();
    let out = safeplan(&db, &["serve", "--bind", "127.0.0.1:0"], None);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        text(&out).contains("SAFEPLAN_SECRET_KEY_FILE"),
        "{}",
        text(&out)
    );
    let out = safeplan(&db, &["secret-key"], None);
    assert!(out.status.success());
    let key = String::from_utf8(out.stdout).unwrap();
    let key = key.trim();
    assert_eq!(key.len(), 64);
    assert!(key.bytes().all(|b| b.is_ascii_hexdigit()));
    let again = safeplan(&db, &["secret-key"], None);
    assert_ne!(
        String::from_utf8(again.stdout).unwrap().trim(),
        key,
        "random"
    );
    let file = std::env::temp_dir().join(format!("safeplan-key-{}", tests::random_suffix()));
    std::fs::write(&file, "not a key\n").unwrap();
    let out = safeplan(
        &db,
        &["--secret-key-file", file.to_str().unwrap(), "serve"],
        None,
    );
    std::fs::remove_file(&file).ok();
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).contains("--secret-key-file"), "{}", text(&out));
    assert!(
        !text(&out).contains("not a key"),
        "the file's content is not echoed"
    );
}

#[test]
fn user_add_reads_the_password_from_stdin_and_checks_it() {
    let db = TestDb::sqlite();
    let base = [
        "user",
        "add",
        "--organisation",
        "Shelter A",
        "--organisation-kind",
        "counselling",
        "--role",
        "admin",
        "--username",
        "ada",
        "--display-name",
        "Ada",
    ];
    let out = safeplan(&db, &base, Some("short\n"));
    assert!(!out.status.success());
    assert!(
        text(&out).contains("at least 12 characters"),
        "{}",
        text(&out)
    );
    let out = safeplan(&db, &base, Some("a perfectly long passphrase\n"));
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("Added administrator \"ada\""),
        "{}",
        text(&out)
    );
    // Taken usernames are refused, and nothing else is stored.
    let out = safeplan(&db, &base, Some("a perfectly long passphrase\n"));
    assert!(!out.status.success());
    assert!(text(&out).contains("already taken"));
    // A return officer cannot belong to a counselling organisation.
    let out = safeplan(
        &db,
        &[
            "user",
            "add",
            "--organisation",
            "Shelter A",
            "--role",
            "return_officer",
            "--username",
            "ro",
            "--display-name",
            "R",
        ],
        Some("a perfectly long passphrase\n"),
    );
    assert!(!out.status.success());
    assert!(text(&out).contains("cannot belong"), "{}", text(&out));
}

#[test]
fn demo_is_idempotent_and_prints_logins() {
    let db = TestDb::sqlite();
    let first = safeplan(&db, &["demo"], None);
    assert!(first.status.success(), "{}", text(&first));
    let t = text(&first);
    for who in [
        "demo.counsellor",
        "demo.officer",
        "demo.supervisor",
        "demo.admin",
        "(DEMO)",
    ] {
        assert!(t.contains(who), "{t}");
    }
    let second = safeplan(&db, &["demo"], None);
    assert!(second.status.success(), "{}", text(&second));
}

/// An organisation's time zone is set from the command line: an unknown
/// zone or organisation changes nothing; a known one is stored and
/// audited.
#[tokio::test]
async fn organisation_time_zone_is_set_and_checked() {
    let db = TestDb::sqlite();
    let store = db.store().await;
    tests::add_user(
        &store,
        "Shelter A",
        app::domain::OrgKind::Counselling,
        app::domain::Role::Counsellor,
        "carla",
        tests::PASSWORD,
    )
    .await;
    let org = store
        .organisation_by_name("Shelter A")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(org.clock.zone_name(), "Europe/Amsterdam", "the default");
    store.close().await;
    let set = |org: &str, zone: &str| {
        safeplan(
            &db,
            &[
                "organisation",
                "time-zone",
                "--organisation",
                org,
                "--zone",
                zone,
            ],
            None,
        )
    };
    let out = set("Shelter A", "Europe/Atlantis");
    assert!(!out.status.success());
    assert!(text(&out).contains("not a time zone"), "{}", text(&out));
    let out = set("Shelter Z", "Europe/Brussels");
    assert!(!out.status.success());
    assert!(text(&out).contains("no organisation"), "{}", text(&out));
    let store = db.store().await;
    let org = store
        .organisation_by_name("Shelter A")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(org.clock.zone_name(), "Europe/Amsterdam", "nothing changed");
    store.close().await;
    let out = set("Shelter A", "Europe/Brussels");
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("Europe/Brussels"), "{}", text(&out));
    let store = db.store().await;
    let org = store
        .organisation_by_name("Shelter A")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(org.clock.zone_name(), "Europe/Brussels");
    let audit = store.recent_audit(10).await.unwrap();
    assert!(audit
        .iter()
        .any(|e| e.action == "organisation.time_zone.cli"
            && e.organisation_id.as_deref() == Some(org.id.as_str())));
    store.close().await;
}

/// `safeplan organisation retention` sets how long the organisation keeps
/// a closed plan (60 months unless set), refusing a period out of range or
/// an unknown organisation and changing nothing then; audited.
#[tokio::test]
async fn organisation_retention_is_set_and_checked() {
    let db = TestDb::sqlite();
    let store = db.store().await;
    tests::add_user(
        &store,
        "Shelter A",
        app::domain::OrgKind::Counselling,
        app::domain::Role::Counsellor,
        "carla",
        tests::PASSWORD,
    )
    .await;
    let months = |store: &app::store::Store| {
        let store = store.clone();
        async move {
            store
                .organisation_by_name("Shelter A")
                .await
                .unwrap()
                .unwrap()
                .retention_months
        }
    };
    assert_eq!(months(&store).await, 60, "the default");
    store.close().await;
    let set = |org: &str, months: &str| {
        safeplan(
            &db,
            &[
                "organisation",
                "retention",
                "--organisation",
                org,
                "--months",
                months,
            ],
            None,
        )
    };
    let out = set("Shelter A", "0");
    assert!(!out.status.success());
    assert!(text(&out).contains("1 to 600"), "{}", text(&out));
    let out = set("Shelter Z", "24");
    assert!(!out.status.success());
    assert!(text(&out).contains("no organisation"), "{}", text(&out));
    let store = db.store().await;
    assert_eq!(months(&store).await, 60, "nothing changed");
    store.close().await;
    let out = set("Shelter A", "24");
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("24 months"), "{}", text(&out));
    let store = db.store().await;
    assert_eq!(months(&store).await, 24);
    let audit = store.recent_audit(10).await.unwrap();
    assert!(audit
        .iter()
        .any(|e| e.action == "organisation.retention.cli"));
    store.close().await;
}

/// The demo's passwords are published, so the demo stays on this machine
/// (issue #16): `safeplan demo` adds nothing to a database that holds a
/// real organisation, nor for an address other machines can reach; and
/// `safeplan serve` refuses such an address while a demo account still has
/// its published password and is active.
#[tokio::test]
async fn the_demo_with_its_published_passwords_stays_on_this_machine() {
    // A real organisation's database: no demo accounts are added.
    let real = TestDb::sqlite();
    let store = real.store().await;
    tests::add_user(
        &store,
        "Shelter A",
        app::domain::OrgKind::Counselling,
        app::domain::Role::Counsellor,
        "carla",
        tests::PASSWORD,
    )
    .await;
    store.close().await;
    let out = safeplan(&real, &["demo"], None);
    assert!(!out.status.success());
    assert!(text(&out).contains("Shelter A"), "{}", text(&out));
    assert!(text(&out).contains("nothing was added"), "{}", text(&out));
    let store = real.store().await;
    assert!(store
        .user_credentials("demo.counsellor")
        .await
        .unwrap()
        .is_none());
    store.close().await;

    // Reachable from other machines: refused too.
    let db = TestDb::sqlite();
    let out = safeplan(&db, &["--bind", "0.0.0.0:3000", "demo"], None);
    assert!(!out.status.success());
    assert!(text(&out).contains("loopback"), "{}", text(&out));
    let out = safeplan(&db, &["demo"], None);
    assert!(out.status.success(), "{}", text(&out));

    // Serving the demo database on every address is refused, naming the
    // accounts; once they are deactivated it starts.
    let serve_public = || {
        Command::new(server_bin())
            .env("DATABASE_URL", &db.url)
            .env("SAFEPLAN_LOG", "warn")
            .env("SAFEPLAN_SECRET_KEY", tests::TEST_SECRET_KEY)
            .args(["--bind", "0.0.0.0:0", "serve"])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("run safeplan")
    };
    let out = serve_public().wait_with_output().unwrap();
    assert!(!out.status.success());
    let said = text(&out);
    assert!(said.contains("published passwords"), "{said}");
    assert!(said.contains("demo.counsellor"), "{said}");
    let store = db.store().await;
    for login in [
        "demo.counsellor",
        "demo.supervisor",
        "demo.admin",
        "demo.officer",
    ] {
        let user = store.user_credentials(login).await.unwrap().unwrap().user;
        store
            .change_user(
                &user.id,
                app::store::UserChange::Active(false),
                app::store::NewAuditEvent::new(
                    "user.deactivate.test",
                    app::store::AuditOutcome::Allowed,
                ),
            )
            .await
            .unwrap();
    }
    store.close().await;
    let mut child = serve_public();
    let stdout = child.stdout.take().unwrap();
    let mut first = String::new();
    std::io::BufRead::read_line(&mut std::io::BufReader::new(stdout), &mut first).unwrap();
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        first.contains("Safeplan listening on http://0.0.0.0:"),
        "{first:?}"
    );
}
