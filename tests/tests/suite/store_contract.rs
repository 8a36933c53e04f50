//! The store's contract: every test runs on SQLite and on PostgreSQL.

use app::domain::{OrgKind, Role};
use app::store::{
    AuditOutcome, CaseQuery, CaseSummary, Engine, NewAuditEvent, NewOrganisation, SaveOutcome,
    Store, StoreError, UserChange,
};
use chrono::{Duration, Utc};
use tests::{add_case, add_counsellor, add_duplicate_user, add_user, TestDb};

macro_rules! on_both_engines {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $name() {
                    let db = tests::TestDb::sqlite();
                    let store = db.store().await;
                    super::$name(&store, &db).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test]
                async fn $name() {
                    let db = tests::TestDb::postgres().await;
                    let store = db.store().await;
                    super::$name(&store, &db).await;
                    store.close().await;
                }
            )*
        }
    };
}

on_both_engines!(
    migrations_are_idempotent,
    organisations_are_unique_by_name,
    usernames_are_unique_and_case_insensitive,
    sessions_expire_when_idle_or_old,
    deactivated_users_lose_their_sessions,
    audit_rows_are_append_only,
    failed_writes_store_nothing,
    sign_in_throttle_is_kept_and_cleared,
    parallel_guesses_cannot_pass_the_limit,
    stale_section_saves_conflict_and_write_nothing,
    one_of_simultaneous_saves_of_a_section_wins,
    the_caseload_query_searches_filters_and_pages,
    directory_entries_are_versioned_and_imports_are_all_or_nothing,
    a_closed_case_takes_no_section_save,
);

/// Once a case is closed (its life moved in the store), a section save
/// that raced the closure is refused under the case's lock and writes
/// nothing; the closure itself is recorded with its summary, a snapshot
/// and its audit row.
async fn a_closed_case_takes_no_section_save(store: &Store, _db: &TestDb) {
    let carla = add_counsellor(store).await;
    let case = add_case(store, &carla, "Closing").await;
    let code = case.code.as_str();
    let closed = store
        .move_life(
            &case.id,
            "life.close",
            &carla.id,
            Utc::now(),
            &save_event(code),
            |_, now| {
                assert_eq!(now.life, "[]");
                Ok::<_, ()>((
                    r#"[{"move":"close","reason":"unreachable","on":"2026-12-01","note":"","by":"u","at":"2026-12-01T10:00:00Z"}]"#.to_string(),
                    CaseSummary {
                        closed_on: Some("2026-12-01".into()),
                        ..summary("closed")
                    },
                ))
            },
        )
        .await
        .unwrap();
    assert_eq!(closed, Ok(()));
    let record = store.case_by_code(code).await.unwrap().unwrap();
    assert_eq!(record.summary.stage, "closed");
    assert_eq!(record.summary.closed_on.as_deref(), Some("2026-12-01"));
    assert!(record.life.contains("unreachable"));
    let audit_before = store.recent_audit(1000).await.unwrap();
    let sections_before = store.case_sections(&case.id).await.unwrap();
    let refused = store
        .save_section(
            &case.id,
            "options",
            0,
            &options_body("late"),
            &carla.id,
            Utc::now(),
            &save_event(code),
            |_, _| summary("options_open"),
        )
        .await;
    assert!(matches!(refused, Err(StoreError::Closed)), "{refused:?}");
    assert_eq!(
        store.case_sections(&case.id).await.unwrap(),
        sections_before
    );
    assert_eq!(store.recent_audit(1000).await.unwrap(), audit_before);
    assert_eq!(store.case_by_code(code).await.unwrap().unwrap(), record);
    // A refused move of the life writes nothing either.
    let not_moved = store
        .move_life(
            &case.id,
            "life.hold",
            &carla.id,
            Utc::now(),
            &save_event(code),
            |_, _| Err::<(String, CaseSummary), _>("closed"),
        )
        .await
        .unwrap();
    assert_eq!(not_moved, Err("closed"));
    assert_eq!(store.recent_audit(1000).await.unwrap(), audit_before);
}

async fn migrations_are_idempotent(store: &Store, _db: &TestDb) {
    store.migrate().await.unwrap();
    store.migrate().await.unwrap();
    store.ping().await.unwrap();
}

async fn organisations_are_unique_by_name(store: &Store, _db: &TestDb) {
    let new = NewOrganisation {
        name: "Shelter A".into(),
        kind: OrgKind::Counselling,
        country: "NL".into(),
        is_demo: false,
    };
    let a = store.create_organisation(&new).await.unwrap();
    assert!(matches!(
        store.create_organisation(&new).await,
        Err(StoreError::Taken(_))
    ));
    let again = store.ensure_organisation(&new).await.unwrap();
    assert_eq!(a, again);
    assert_eq!(store.organisation(&a.id).await.unwrap(), Some(a));
}

async fn usernames_are_unique_and_case_insensitive(store: &Store, _db: &TestDb) {
    let u = add_user(
        store,
        "Shelter A",
        OrgKind::Counselling,
        Role::Counsellor,
        "Alice",
        "a long passphrase",
    )
    .await;
    assert_eq!(u.username, "alice");
    let creds = store.user_credentials("ALICE").await.unwrap().unwrap();
    assert_eq!(creds.user, u);
    assert!(creds.password_hash.starts_with("$argon2id$"));
    let dup = add_duplicate_user(store, "Shelter A", "alice").await;
    assert!(matches!(dup, Err(StoreError::Taken("username"))), "{dup:?}");
}

async fn sessions_expire_when_idle_or_old(store: &Store, _db: &TestDb) {
    let u = add_user(
        store,
        "IOM NL",
        OrgKind::IomMission,
        Role::ReturnOfficer,
        "olga",
        "a long passphrase",
    )
    .await;
    let idle = Duration::minutes(30);
    let absolute = Duration::hours(12);
    let t0 = Utc::now();
    let audit = NewAuditEvent::new("auth.login", AuditOutcome::Allowed).by(
        &u.id,
        u.role,
        &u.organisation_id,
    );
    store
        .create_session("h1", &u.id, t0, audit.clone())
        .await
        .unwrap();
    let actor = store
        .session_actor("h1", t0 + Duration::minutes(29), idle, absolute)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(actor.user_id, u.id);
    assert_eq!(actor.role, Role::ReturnOfficer);
    assert_eq!(actor.organisation_kind, OrgKind::IomMission);
    // Used at minute 29, so still alive at minute 58 (idle is measured from last use).
    assert!(store
        .session_actor("h1", t0 + Duration::minutes(58), idle, absolute)
        .await
        .unwrap()
        .is_some());
    // Idle for 31 minutes: gone, and stays gone.
    assert!(store
        .session_actor("h1", t0 + Duration::minutes(89), idle, absolute)
        .await
        .unwrap()
        .is_none());
    assert!(store
        .session_actor("h1", t0 + Duration::minutes(59), idle, absolute)
        .await
        .unwrap()
        .is_none());
    // Absolute lifetime, however active.
    store
        .create_session("h2", &u.id, t0, audit.clone())
        .await
        .unwrap();
    let mut t = t0;
    while t + Duration::minutes(20) < t0 + absolute {
        t += Duration::minutes(20);
        let alive = store.session_actor("h2", t, idle, absolute).await.unwrap();
        assert!(
            alive.is_some(),
            "active session ended early, at {:?}",
            t - t0
        );
    }
    let late = t0 + absolute + Duration::minutes(1);
    assert!(
        store
            .session_actor("h2", late, idle, absolute)
            .await
            .unwrap()
            .is_none(),
        "a session must end at its absolute lifetime however active"
    );
    // Ending a session.
    store.create_session("h3", &u.id, t0, audit).await.unwrap();
    assert!(store.delete_session("h3").await.unwrap());
    assert!(!store.delete_session("h3").await.unwrap());
    assert!(store
        .session_actor("h3", t0, idle, absolute)
        .await
        .unwrap()
        .is_none());
}

async fn deactivated_users_lose_their_sessions(store: &Store, _db: &TestDb) {
    let u = add_user(
        store,
        "Shelter A",
        OrgKind::Counselling,
        Role::Supervisor,
        "sam",
        "a long passphrase",
    )
    .await;
    let now = Utc::now();
    store
        .create_session(
            "hs",
            &u.id,
            now,
            NewAuditEvent::new("auth.login", AuditOutcome::Allowed),
        )
        .await
        .unwrap();
    let alive = || async {
        store
            .session_actor("hs", now, Duration::minutes(30), Duration::hours(12))
            .await
            .unwrap()
            .is_some()
    };
    assert!(alive().await);
    store
        .change_user(
            &u.id,
            UserChange::Active(false),
            NewAuditEvent::new("user.deactivate", AuditOutcome::Allowed),
        )
        .await
        .unwrap();
    assert!(!alive().await);
}

async fn audit_rows_are_append_only(store: &Store, db: &TestDb) {
    store
        .record_audit(NewAuditEvent::new("auth.login", AuditOutcome::Failed))
        .await
        .unwrap();
    let rows = store.recent_audit(10).await.unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].action, "auth.login");
    assert_eq!(rows[0].outcome, "failed");
    let mut raw = <sqlx::AnyConnection as sqlx::Connection>::connect(&db.url)
        .await
        .unwrap();
    let update = sqlx::query("UPDATE audit_events SET outcome = 'allowed'")
        .execute(&mut raw)
        .await;
    assert!(update.is_err(), "audit rows must not be changeable");
    let delete = sqlx::query("DELETE FROM audit_events")
        .execute(&mut raw)
        .await;
    assert!(delete.is_err(), "audit rows must not be deletable");
    if db.url.starts_with("postgres") {
        let truncate = sqlx::query("TRUNCATE audit_events").execute(&mut raw).await;
        assert!(truncate.is_err(), "audit rows must not be truncated");
    }
    assert_eq!(store.recent_audit(10).await.unwrap(), rows);
}

async fn failed_writes_store_nothing(store: &Store, _db: &TestDb) {
    add_counsellor(store).await;
    let before = store.recent_audit(100).await.unwrap().len();
    // The user insert fails (taken), so its audit row must not be written either.
    let dup = add_duplicate_user(store, "Shelter A", "carla").await;
    assert!(dup.is_err());
    assert_eq!(store.recent_audit(100).await.unwrap().len(), before);
}

#[tokio::test]
async fn sqlite_uses_wal_full_sync_and_foreign_keys() {
    let db = TestDb::sqlite();
    let store = db.store().await;
    assert_eq!(store.engine(), Engine::Sqlite);
    // synchronous FULL is 2.
    for (pragma, expected) in [
        ("journal_mode", "wal"),
        ("synchronous", "2"),
        ("foreign_keys", "1"),
        ("secure_delete", "1"),
        ("busy_timeout", "5000"),
    ] {
        let value = store.sqlite_pragma(pragma).await.unwrap();
        assert_eq!(value.as_deref(), Some(expected), "PRAGMA {pragma}");
    }
}

#[tokio::test]
async fn schemas_of_both_engines_match() {
    let lite = TestDb::sqlite();
    let pg = TestDb::postgres().await;
    let a = lite.store().await.schema().await.unwrap();
    let b = pg.store().await.schema().await.unwrap();
    assert!(!a.is_empty());
    assert_eq!(
        a, b,
        "SQLite and PostgreSQL migrations define different tables or columns"
    );
}

#[tokio::test]
async fn concurrent_sqlite_writers_all_succeed() {
    // BEGIN IMMEDIATE makes writers queue for the lock instead of failing
    // with SQLITE_BUSY half-way through a transaction.
    let db = TestDb::sqlite();
    let store = db.store().await;
    let mut tasks = Vec::new();
    for i in 0..32 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            store
                .record_audit(NewAuditEvent::new(
                    if i % 2 == 0 { "a" } else { "b" },
                    AuditOutcome::Allowed,
                ))
                .await
        }));
    }
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    assert_eq!(store.recent_audit(100).await.unwrap().len(), 32);
}

async fn sign_in_throttle_is_kept_and_cleared(store: &Store, _db: &TestDb) {
    use app::domain::throttle::{ACCOUNT, ADDRESS};
    let now = Utc::now();
    let keys = [("account:a", &ACCOUNT), ("address:x", &ADDRESS)];
    let refused = || NewAuditEvent::new("auth.throttled", AuditOutcome::Denied);
    assert_eq!(store.throttle_state("account:a").await.unwrap(), None);
    // Five free attempts, and the sixth is still let through (it sets the wait).
    for attempt in 1..=6 {
        let wait = store
            .claim_sign_in_attempt(&keys, now, refused())
            .await
            .unwrap();
        assert_eq!(wait, None, "attempt {attempt}");
    }
    let kept = store.throttle_state("account:a").await.unwrap().unwrap();
    assert_eq!(kept.failures, 6);
    // The seventh must wait 30 s, is not charged, and is audited.
    let wait = store
        .claim_sign_in_attempt(&keys, now, refused())
        .await
        .unwrap()
        .expect("the seventh attempt waits");
    assert!(
        wait > Duration::seconds(29) && wait <= Duration::seconds(30),
        "{wait:?}"
    );
    assert_eq!(store.throttle_state("account:a").await.unwrap(), Some(kept));
    let audit = store.recent_audit(100).await.unwrap();
    assert_eq!(
        audit
            .iter()
            .filter(|e| e.action == "auth.throttled")
            .count(),
        1
    );
    // A success forgets the account's failures and takes back its charge
    // on the address.
    store
        .settle_sign_in_attempt(Some("account:a"), &keys[1..], now)
        .await
        .unwrap();
    assert_eq!(store.throttle_state("account:a").await.unwrap(), None);
    let address = store.throttle_state("address:x").await.unwrap().unwrap();
    assert_eq!(address.failures, 5);
    assert_eq!(ADDRESS.wait(Some(&address), now), None);
}

async fn parallel_guesses_cannot_pass_the_limit(store: &Store, _db: &TestDb) {
    use app::domain::throttle::ACCOUNT;
    let now = Utc::now();
    let mut tasks = Vec::new();
    for _ in 0..20 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            store
                .claim_sign_in_attempt(
                    &[("account:p", &ACCOUNT)],
                    now,
                    NewAuditEvent::new("auth.throttled", AuditOutcome::Denied),
                )
                .await
                .unwrap()
        }));
    }
    let mut granted = 0;
    for t in tasks {
        if t.await.unwrap().is_none() {
            granted += 1;
        }
    }
    assert_eq!(
        granted,
        ACCOUNT.free_failures + 1,
        "20 simultaneous guesses: only the free ones and the one that sets the wait get through"
    );
    let state = store.throttle_state("account:p").await.unwrap().unwrap();
    assert_eq!(state.failures, ACCOUNT.free_failures + 1);
}

/// A section body as the application stores it: the options talked
/// through, with these wishes for staying.
fn options_body(wishes: &str) -> String {
    use app::domain::case_file::{CaseFile, ParseContext};
    use app::domain::policy::Section;
    let mut file = CaseFile::default();
    let fields = [("option.stay.wishes".to_string(), wishes.to_string())]
        .into_iter()
        .collect();
    file.apply(
        Section::Options,
        &fields,
        &ParseContext {
            today: Utc::now().date_naive(),
            user_id: "u",
            currency: app::domain::Currency::EUR,
        },
    )
    .unwrap();
    file.section_json(Section::Options)
}

fn save_event(code: &str) -> NewAuditEvent {
    NewAuditEvent {
        case_code: Some(code.to_string()),
        section: Some("options".into()),
        ..NewAuditEvent::new("case.section.save", AuditOutcome::Allowed)
    }
}

fn summary(stage: &str) -> CaseSummary {
    CaseSummary {
        alias: "Contract".into(),
        birth: "\"Unknown\"".into(),
        stage: stage.into(),
        ..Default::default()
    }
}

async fn stale_section_saves_conflict_and_write_nothing(store: &Store, _db: &TestDb) {
    let carla = add_counsellor(store).await;
    let case = add_case(store, &carla, "Contract").await;
    let code = case.code.as_str();
    let (id, by) = (case.id.as_str(), carla.id.as_str());
    let save = |base: i64, body: String, stage: &'static str| async move {
        let mut summarised = false;
        let outcome = store
            .save_section(
                id,
                "options",
                base,
                &body,
                by,
                Utc::now(),
                &save_event(code),
                |sections, _| {
                    summarised = true;
                    assert!(sections
                        .iter()
                        .any(|s| s.section == "options" && s.body == body));
                    summary(stage)
                },
            )
            .await
            .unwrap();
        (outcome, summarised)
    };
    assert_eq!(
        save(0, options_body("first"), "draft").await,
        (SaveOutcome::Saved { version: 1 }, true)
    );
    assert_eq!(
        save(1, options_body("second"), "options_open").await,
        (SaveOutcome::Saved { version: 2 }, true)
    );
    let audit_before = store.recent_audit(1000).await.unwrap();
    let case_before = store.case_by_code(code).await.unwrap().unwrap();
    assert_eq!(case_before.summary.stage, "options_open");
    let sections_before = store.case_sections(&case.id).await.unwrap();
    // From version 1 again, and from 0 (as if never saved): refused, with
    // what is stored now; the summary is not even computed.
    for base in [1, 0] {
        let (outcome, summarised) = save(base, options_body("stale"), "decided").await;
        let SaveOutcome::Conflict(current) = outcome else {
            panic!("base {base}: {outcome:?}");
        };
        assert!(!summarised, "base {base}");
        assert_eq!(current.section, "options");
        assert_eq!(current.version, 2);
        assert_eq!(current.body, options_body("second"));
        assert_eq!(current.updated_by, carla.id);
        assert_eq!(current.updated_by_name, carla.display_name);
    }
    assert_eq!(
        store.case_sections(&case.id).await.unwrap(),
        sections_before
    );
    assert_eq!(
        store.case_by_code(code).await.unwrap().unwrap(),
        case_before,
        "the case's summary is unchanged"
    );
    assert_eq!(
        store.recent_audit(1000).await.unwrap(),
        audit_before,
        "no audit row for a save that did not happen"
    );
    // A case that does not exist.
    let missing = store
        .save_section(
            "no-such-case",
            "options",
            0,
            "{}",
            &carla.id,
            Utc::now(),
            &save_event(code),
            |_, _| summary("draft"),
        )
        .await;
    assert!(matches!(missing, Err(StoreError::NotFound)), "{missing:?}");
    assert_eq!(store.recent_audit(1000).await.unwrap(), audit_before);
}

async fn one_of_simultaneous_saves_of_a_section_wins(store: &Store, _db: &TestDb) {
    let carla = add_counsellor(store).await;
    let case = add_case(store, &carla, "Contract").await;
    // Ten saves from the same version, at once: the first save of the
    // section (an insert) and then a later one (an update).
    for (base, expected) in [(0, 1), (1, 2)] {
        let mut tasks = Vec::new();
        for i in 0..10 {
            let store = store.clone();
            let (id, code, by) = (
                case.id.clone(),
                case.code.as_str().to_string(),
                carla.id.clone(),
            );
            tasks.push(tokio::spawn(async move {
                store
                    .save_section(
                        &id,
                        "options",
                        base,
                        &options_body(&format!("writer {i}")),
                        &by,
                        Utc::now(),
                        &save_event(&code),
                        |_, _| summary("draft"),
                    )
                    .await
                    .unwrap()
            }));
        }
        let mut saved = Vec::new();
        let mut conflicts = 0;
        for t in tasks {
            match t.await.unwrap() {
                SaveOutcome::Saved { version } => saved.push(version),
                SaveOutcome::Conflict(current) => {
                    assert_eq!(current.version, expected, "base {base}");
                    conflicts += 1;
                }
            }
        }
        assert_eq!(saved, vec![expected], "base {base}: exactly one save wins");
        assert_eq!(conflicts, 9);
    }
    let sections = store.case_sections(&case.id).await.unwrap();
    let options = sections.iter().find(|s| s.section == "options").unwrap();
    assert_eq!(options.version, 2);
    let saves = store
        .recent_audit(1000)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "case.section.save")
        .count();
    assert_eq!(saves, 2, "one audit row per save that happened");
}

async fn the_caseload_query_searches_filters_and_pages(store: &Store, _db: &TestDb) {
    let carla = add_counsellor(store).await;
    let cora = add_user(
        store,
        "Shelter A",
        OrgKind::Counselling,
        Role::Counsellor,
        "cora",
        "a long passphrase",
    )
    .await;
    let rosa = add_case(store, &carla, "Rósa 100%").await;
    let li = add_case(store, &cora, "Li").await;
    for i in 0..4 {
        add_case(store, &carla, &format!("Client {i}")).await;
    }
    let page = |text: &str, owner: Option<&str>, page: i64| CaseQuery {
        organisation_id: carla.organisation_id.clone(),
        owner_id: owner.map(str::to_string),
        text: Some(text.to_string()),
        page,
        page_size: 2,
        ..Default::default()
    };
    let codes = |p: &app::store::CasePage| {
        p.cases
            .iter()
            .map(|c| c.code.as_str().to_string())
            .collect::<Vec<_>>()
    };
    let code = rosa.code.as_str();
    for text in [
        "rosa",
        "ROSA 1",
        "100%",
        &code[..4],
        &code[..7],
        &code.to_lowercase(),
        &code.replace('-', ""),
        code,
    ] {
        let p = store.case_page(&page(text, None, 0)).await.unwrap();
        assert!(codes(&p).contains(&code.to_string()), "{text:?}: {p:?}");
        if text.len() > 4 {
            assert_eq!(p.total, 1, "{text:?}");
        }
    }
    // LIKE's wildcards are no wildcards (and punctuation is not searched).
    assert_eq!(store.case_page(&page("%", None, 0)).await.unwrap().total, 0);
    assert_eq!(store.case_page(&page("_", None, 0)).await.unwrap().total, 0);
    // Owner, paging, stage.
    let all = store.case_page(&page("", None, 0)).await.unwrap();
    assert_eq!((all.total, all.cases.len(), all.has_more), (6, 2, true));
    let own = store
        .case_page(&page("", Some(&carla.id), 2))
        .await
        .unwrap();
    assert_eq!((own.total, own.cases.len(), own.has_more), (5, 1, false));
    let theirs = store.case_page(&page("", Some(&cora.id), 0)).await.unwrap();
    assert_eq!(codes(&theirs), vec![li.code.as_str().to_string()]);
    let drafts = CaseQuery {
        stage: Some("draft".into()),
        ..page("", None, 0)
    };
    assert_eq!(store.case_page(&drafts).await.unwrap().total, 6);
    let none = CaseQuery {
        stage: Some("stay_track".into()),
        ..page("", None, 0)
    };
    assert_eq!(store.case_page(&none).await.unwrap().total, 0);
}

async fn directory_entries_are_versioned_and_imports_are_all_or_nothing(
    store: &Store,
    _db: &TestDb,
) {
    use app::domain::directory::Organisation;
    use app::store::DirectorySave;
    let now = Utc::now();
    let editor = add_counsellor(store).await;
    let audit = || NewAuditEvent::new("directory.save", AuditOutcome::Allowed);
    // The seed goes into an empty map once.
    let seed = app::catalog::directory_seed_entries();
    assert_eq!(store.seed_directory(&seed, now).await.unwrap(), seed.len());
    assert_eq!(store.seed_directory(&seed, now).await.unwrap(), 0);
    assert_eq!(store.directory_entries().await.unwrap().len(), seed.len());

    // A new entry, an edit, and an edit from a stale version.
    let mut o = Organisation::new("de-test", "Beratungsstelle Test", "DE", "Köln");
    let saved = store
        .save_directory_entry(&o, 0, "create", &editor.id, now, &audit())
        .await
        .unwrap();
    assert_eq!(saved, DirectorySave::Saved { version: 1 });
    assert_eq!(
        store
            .save_directory_entry(&o, 0, "create", &editor.id, now, &audit())
            .await
            .unwrap(),
        DirectorySave::Conflict { current: 1 },
        "the id is taken"
    );
    o.city = "Cologne".into();
    assert_eq!(
        store
            .save_directory_entry(&o, 1, "edit", &editor.id, now, &audit())
            .await
            .unwrap(),
        DirectorySave::Saved { version: 2 }
    );
    let mut late = o.clone();
    late.city = "Bonn".into();
    assert_eq!(
        store
            .save_directory_entry(&late, 1, "edit", &editor.id, now, &audit())
            .await
            .unwrap(),
        DirectorySave::Conflict { current: 2 }
    );
    let (stored, version) = store.directory_entry("de-test").await.unwrap().unwrap();
    assert_eq!((stored.city.as_str(), version), ("Cologne", 2));
    let history: Vec<(i64, String)> = store
        .directory_versions("de-test")
        .await
        .unwrap()
        .into_iter()
        .map(|v| (v.version, v.change))
        .collect();
    assert_eq!(history, vec![(2, "edit".into()), (1, "create".into())]);

    // An import: known entries get their next version if the file has
    // the version they have now, new ones are made.
    use app::domain::directory::{EntryProblem, ImportRow};
    use app::store::ImportOutcome;
    let row = |row: usize, entry: &Organisation, version: Option<i64>| ImportRow {
        row,
        entry: entry.clone(),
        version,
    };
    let mut known = o.clone();
    known.acronym = "BT".into();
    let fresh = Organisation::new("nl-new", "Nieuwe Opvang", "NL", "Utrecht");
    let unchanged = store
        .directory_entry("nl-comensha")
        .await
        .unwrap()
        .unwrap()
        .0;
    // A row from an older export, or without a version, would undo a
    // later edit: the whole file is refused, every such row named.
    let before = store.directory_entries().await.unwrap();
    let mut other = o.clone();
    other.city = "Essen".into();
    assert_eq!(
        store
            .import_directory(
                &[
                    row(2, &fresh, None),
                    row(3, &known, Some(1)),
                    row(4, &other, None),
                    row(5, &unchanged, Some(7)),
                ],
                &editor.id,
                now,
                &audit()
            )
            .await
            .unwrap(),
        ImportOutcome::Refused(vec![
            (3, EntryProblem::ChangedSinceExport),
            (4, EntryProblem::VersionMissing)
        ]),
        "an unchanged row is no problem whatever its version"
    );
    assert_eq!(store.directory_entries().await.unwrap(), before);
    // A row as the entry was at its version (not edited in the file) is
    // left alone: the later change in the map stays.
    let mut as_exported = o.clone();
    as_exported.city = "Köln".into();
    assert_eq!(
        store
            .import_directory(&[row(2, &as_exported, Some(1))], &editor.id, now, &audit())
            .await
            .unwrap(),
        ImportOutcome::Imported(app::store::ImportCounts {
            created: 0,
            updated: 0,
            unchanged: 1
        })
    );
    assert_eq!(store.directory_entries().await.unwrap(), before);
    let n = store
        .import_directory(
            &[
                row(2, &known, Some(2)),
                row(3, &fresh, None),
                row(4, &unchanged, Some(1)),
            ],
            &editor.id,
            now,
            &audit(),
        )
        .await
        .unwrap();
    assert_eq!(
        n,
        ImportOutcome::Imported(app::store::ImportCounts {
            created: 1,
            updated: 1,
            unchanged: 1
        })
    );
    assert_eq!(
        store
            .directory_entry("nl-comensha")
            .await
            .unwrap()
            .unwrap()
            .1,
        1,
        "an unchanged row makes no new version"
    );
    assert_eq!(
        store.directory_entry("de-test").await.unwrap().unwrap().1,
        3
    );
    assert_eq!(store.directory_entry("nl-new").await.unwrap().unwrap().1, 1);
    let mut some: Vec<(String, i64)> = store
        .directory_entries_with_ids(&["nl-new", "no-such-entry", "de-test"])
        .await
        .unwrap()
        .into_iter()
        .map(|(o, v)| (o.id, v))
        .collect();
    some.sort();
    assert_eq!(
        some,
        [("de-test".to_string(), 3), ("nl-new".to_string(), 1)]
    );
    assert!(store
        .directory_entries_with_ids(&[])
        .await
        .unwrap()
        .is_empty());
    // One that fails (by a user who does not exist) writes nothing.
    let before = store.directory_entries().await.unwrap();
    let other = Organisation::new("be-other", "Other", "BE", "Gent");
    assert!(store
        .import_directory(&[row(2, &other, None)], "no-such-user", now, &audit())
        .await
        .is_err());
    assert_eq!(store.directory_entries().await.unwrap(), before);

    // Suggestions: kept pending, accepted onto the entry (written with its
    // version) or rejected, and decided once only.
    use app::store::SuggestionDecision;
    let mut corrected = store.directory_entry("nl-new").await.unwrap().unwrap().0;
    corrected.phone = "+31302000000".into();
    let s1 = store
        .add_suggestion(&corrected, 1, "new number", &editor.id, now, &audit())
        .await
        .unwrap();
    let s2 = store
        .add_suggestion(&corrected, 1, "same", &editor.id, now, &audit())
        .await
        .unwrap();
    let pending = store.suggestions(None).await.unwrap();
    assert_eq!(pending.len(), 2);
    assert_eq!(pending[0].entry, corrected);
    assert_eq!(store.pending_suggestions(None).await.unwrap(), 2);
    assert_eq!(store.pending_suggestions(Some("nl-new")).await.unwrap(), 2);
    assert_eq!(store.pending_suggestions(Some("de-test")).await.unwrap(), 0);
    assert_eq!(
        store.suggestion(&s1).await.unwrap().as_ref(),
        pending.iter().find(|p| p.id == s1)
    );
    assert_eq!(store.suggestion("no-such-id").await.unwrap(), None);
    assert_eq!(
        store
            .decide_suggestion(&s1, Some((&corrected, 1)), "", &editor.id, now, &audit())
            .await
            .unwrap(),
        SuggestionDecision::Done { version: Some(2) }
    );
    assert_eq!(
        store
            .decide_suggestion(&s1, None, "again", &editor.id, now, &audit())
            .await
            .unwrap(),
        SuggestionDecision::NotPending
    );
    // Accepting over a version that is no longer current writes nothing
    // and leaves the suggestion pending.
    assert_eq!(
        store
            .decide_suggestion(&s2, Some((&corrected, 1)), "", &editor.id, now, &audit())
            .await
            .unwrap(),
        SuggestionDecision::Conflict
    );
    assert_eq!(store.suggestions(None).await.unwrap().len(), 1);
    assert_eq!(
        store
            .decide_suggestion(&s2, None, "already done", &editor.id, now, &audit())
            .await
            .unwrap(),
        SuggestionDecision::Done { version: None }
    );
    let about: Vec<(String, String)> = store
        .suggestions(Some("nl-new"))
        .await
        .unwrap()
        .into_iter()
        .map(|s| (s.state, s.reason))
        .collect();
    assert_eq!(about.len(), 2);
    assert!(about.contains(&("rejected".into(), "already done".into())));
    assert!(about.contains(&("accepted".into(), String::new())));
    assert_eq!(
        store
            .directory_entry("nl-new")
            .await
            .unwrap()
            .unwrap()
            .0
            .phone,
        "+31302000000"
    );

    // An editor is designated, and the session says so.
    assert!(
        !store
            .user(&editor.id)
            .await
            .unwrap()
            .unwrap()
            .directory_editor
    );
    store
        .change_user(
            &editor.id,
            app::store::UserChange::DirectoryEditor(true),
            NewAuditEvent::new("user.set_directory_editor", AuditOutcome::Allowed),
        )
        .await
        .unwrap();
    assert!(
        store
            .user(&editor.id)
            .await
            .unwrap()
            .unwrap()
            .directory_editor
    );
}
