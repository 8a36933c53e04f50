//! Test harness: databases on both engines, the real `safeplan` server on a
//! random port, and headless Chromium through chromedriver.
//!
//! Environment:
//! - `SAFEPLAN_TEST_POSTGRES_URL`: an administrative PostgreSQL URL; each
//!   test gets a fresh database made from it. `.ci/test.sh` starts a local
//!   PostgreSQL and sets it when it is not given.
//! - `SAFEPLAN_BIN`: the server binary (default `target/release/safeplan`,
//!   built with the site by `cargo leptos build --release`).

use app::domain::{OrgKind, Role};
use app::server::password::hash_blocking;
use app::store::{AuditOutcome, NewAuditEvent, NewOrganisation, NewUser, Store, StoreOptions};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// The date on the wall of an organisation with the default clock
/// (Europe/Amsterdam): "today" as the server judges it for the test
/// organisations, which is not the UTC date late in the evening.
pub fn today() -> chrono::NaiveDate {
    app::domain::clock::Clock::default().today()
}

/// Now on the wall of an organisation with the default clock, as the
/// rules reckon it (`progress`, `milestones`): `Utc::now()` is a day behind
/// late in the evening.
pub fn wall_now() -> chrono::DateTime<chrono::Utc> {
    app::domain::clock::Clock::default().now()
}

pub mod browser;
pub mod journey;

/// The workspace root (the folder holding `Cargo.lock`).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

pub fn random_suffix() -> String {
    format!("{:016x}", rand::random::<u64>())
}

/// A fresh, empty database for one test; removed (SQLite) when dropped.
pub struct TestDb {
    pub url: String,
    dir: Option<PathBuf>,
}

impl TestDb {
    pub fn sqlite() -> TestDb {
        let dir = std::env::temp_dir().join(format!("safeplan-test-{}", random_suffix()));
        std::fs::create_dir_all(&dir).unwrap();
        TestDb {
            url: format!("sqlite://{}/safeplan.db", dir.display()),
            dir: Some(dir),
        }
    }

    /// The database at `url`, made elsewhere (left in place).
    pub fn at(url: &str) -> TestDb {
        TestDb {
            url: url.to_string(),
            dir: None,
        }
    }

    /// A new database on the test PostgreSQL server.
    pub async fn postgres() -> TestDb {
        let admin = std::env::var("SAFEPLAN_TEST_POSTGRES_URL").expect(
            "SAFEPLAN_TEST_POSTGRES_URL is not set: run the tests with `bash .ci/test.sh`, \
             which starts PostgreSQL, or point it at a server where this user may create databases",
        );
        sqlx::any::install_default_drivers();
        let name = format!("safeplan_t_{}", random_suffix());
        let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(&admin)
            .await
            .expect("connect to the test PostgreSQL");
        sqlx::Executor::execute(
            &mut conn,
            sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")),
        )
        .await
        .expect("create test database");
        let (base, _) = admin.rsplit_once('/').expect("URL with a database name");
        TestDb {
            url: format!("{base}/{name}"),
            dir: None,
        }
    }

    pub async fn store(&self) -> Store {
        let store = Store::connect(&self.url, StoreOptions::default())
            .await
            .expect("open store");
        store.migrate().await.expect("migrate");
        store
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some(dir) = &self.dir {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

/// Creates an organisation (if needed) and a user in it.
pub async fn add_user(
    store: &Store,
    org: &str,
    kind: OrgKind,
    role: Role,
    username: &str,
    password: &str,
) -> app::store::User {
    let org = store
        .ensure_organisation(&NewOrganisation {
            name: org.into(),
            kind,
            country: "NL".into(),
            is_demo: false,
        })
        .await
        .unwrap();
    let password = password.to_string();
    let password_hash = tokio::task::spawn_blocking(move || hash_blocking(&password))
        .await
        .unwrap();
    store
        .create_user(
            &NewUser {
                organisation_id: org.id.clone(),
                username: username.into(),
                display_name: format!("Test {}", role.label()),
                role,
                password_hash,
            },
            NewAuditEvent::new("user.create.test", AuditOutcome::Allowed),
        )
        .await
        .unwrap()
}

/// The server binary under test.
pub fn server_bin() -> PathBuf {
    std::env::var_os("SAFEPLAN_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target/release/safeplan"))
}

/// Adds the demo organisations, users and sample cases to `db` with
/// `safeplan demo`, as the run command does.
/// Runs the `safeplan` command line on `db` (logging warnings only),
/// with `stdin` as its input.
pub fn run_cli(db: &TestDb, args: &[&str], stdin: Option<&str>) -> std::process::Output {
    use std::io::Write;
    let mut child = std::process::Command::new(server_bin())
        .env("DATABASE_URL", &db.url)
        .env("SAFEPLAN_LOG", "warn")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run safeplan");
    let mut input = child.stdin.take().unwrap();
    if let Some(s) = stdin {
        input.write_all(s.as_bytes()).unwrap();
    }
    drop(input);
    child.wait_with_output().unwrap()
}

/// What a command printed, standard output then errors.
pub fn output_text(o: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

pub fn seed_demo(db: &TestDb) {
    let seeded = std::process::Command::new(server_bin())
        .env("DATABASE_URL", &db.url)
        .env("SAFEPLAN_LOG", "warn")
        .arg("demo")
        .output()
        .unwrap();
    assert!(
        seeded.status.success(),
        "safeplan demo: {}",
        String::from_utf8_lossy(&seeded.stderr)
    );
}

/// A running `safeplan` process on a random loopback port.
pub struct Server {
    pub base: String,
    child: Child,
    pub log: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

/// The secret key test servers run with (tests may open sealed values).
pub const TEST_SECRET_KEY: &str =
    "5afe91a45afe91a45afe91a45afe91a45afe91a45afe91a45afe91a45afe91a4";

impl Server {
    pub async fn start(db_url: &str) -> Server {
        Self::start_with(db_url, &[]).await
    }

    /// Starts the server with extra arguments and waits until it listens.
    pub async fn start_with(db_url: &str, extra: &[&str]) -> Server {
        let bin = server_bin();
        assert!(
            bin.exists(),
            "{} is missing: build it with `cargo leptos build --release` (bash .ci/test.sh does)",
            bin.display()
        );
        let mut child = Command::new(&bin)
            .current_dir(workspace_root())
            .env("DATABASE_URL", db_url)
            .env("LEPTOS_SITE_ROOT", workspace_root().join("target/site"))
            .env("SAFEPLAN_LOG", "info")
            .env("SAFEPLAN_LOG_FORMAT", "json")
            .env("SAFEPLAN_SECRET_KEY", TEST_SECRET_KEY)
            .args([
                "serve",
                "--bind",
                "127.0.0.1:0",
                "--db-max-connections",
                "4",
            ])
            .args(extra)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("start safeplan");
        let log = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let stderr = child.stderr.take().unwrap();
        {
            let log = log.clone();
            tokio::spawn(async move {
                let mut lines = BufReader::new(stderr).lines();
                while let Ok(Some(line)) = lines.next_line().await {
                    log.lock().unwrap().push(line);
                }
            });
        }
        let stdout = child.stdout.take().unwrap();
        let mut lines = BufReader::new(stdout).lines();
        let base = tokio::time::timeout(Duration::from_secs(60), async {
            while let Ok(Some(line)) = lines.next_line().await {
                if let Some(url) = line.strip_prefix("Safeplan listening on ") {
                    return Some(url.trim().to_string());
                }
            }
            None
        })
        .await
        .ok()
        .flatten();
        let Some(base) = base else {
            let _ = child.kill().await;
            panic!(
                "safeplan did not start; its log:\n{}",
                log.lock().unwrap().join("\n")
            );
        };
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        Server { base, child, log }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub fn log_text(&self) -> String {
        self.log.lock().unwrap().join("\n")
    }

    pub async fn stop(mut self) {
        let _ = self.child.kill().await;
    }
}

/// An HTTP client that keeps cookies and does not follow redirects.
pub fn http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap()
}

/// Signs in through the sign-in endpoint, as the browser's form would.
pub async fn sign_in(
    client: &reqwest::Client,
    server: &Server,
    username: &str,
    password: &str,
) -> reqwest::Response {
    client
        .post(server.url("/api/auth/login"))
        .header("Origin", &server.base)
        .header("Accept", "application/json")
        .form(&[
            ("username", username),
            ("password", password),
            ("next", "/"),
        ])
        .send()
        .await
        .unwrap()
}

/// Server-rendered HTML without Leptos' hydration markers (`<!>`), so that
/// tests can look for text as a reader sees it.
pub fn readable(html: &str) -> String {
    html.replace("<!>", "")
}

/// Adds users, each `(organisation, its kind, role, username)` with
/// [`PASSWORD`], in order; the organisations are made as needed.
pub async fn add_users<const N: usize>(
    store: &Store,
    users: [(&str, OrgKind, Role, &str); N],
) -> [app::store::User; N] {
    let mut made = Vec::with_capacity(N);
    for (org, kind, role, username) in users {
        made.push(add_user(store, org, kind, role, username, PASSWORD).await);
    }
    match made.try_into() {
        Ok(all) => all,
        Err(_) => unreachable!("one user per entry"),
    }
}

/// Adds a counsellor of the counselling organisation `org` as an admin
/// would: no password, waiting for the holder to set it up with a code.
pub async fn add_user_waiting_for_setup(
    store: &Store,
    org: &str,
    username: &str,
) -> app::store::User {
    let org = store.organisation_by_name(org).await.unwrap().unwrap();
    store
        .create_user_for_setup(
            &NewUser {
                organisation_id: org.id,
                username: username.into(),
                display_name: format!("Waiting {username}"),
                role: Role::Counsellor,
                password_hash: String::new(),
            },
            "an admin",
            NewAuditEvent::new("user.create.test", AuditOutcome::Allowed),
        )
        .await
        .unwrap()
}

/// The password of the test users made by [`add_counsellor`].
pub const PASSWORD: &str = "a long enough passphrase";

/// Adds the counsellor "carla" (display name "Test counsellor") of
/// "Shelter A", with [`PASSWORD`].
pub async fn add_counsellor(store: &Store) -> app::store::User {
    add_user(
        store,
        "Shelter A",
        OrgKind::Counselling,
        Role::Counsellor,
        "carla",
        PASSWORD,
    )
    .await
}

/// A database holding [`add_counsellor`]'s user; the store is closed again.
pub async fn seed_counsellor(db: &TestDb) {
    let store = db.store().await;
    add_counsellor(&store).await;
    store.close().await;
}

/// Tries to add a second user with a taken username.
pub async fn add_duplicate_user(
    store: &Store,
    org_name: &str,
    username: &str,
) -> Result<app::store::User, app::store::StoreError> {
    let org = store.organisation_by_name(org_name).await.unwrap().unwrap();
    store
        .create_user(
            &NewUser {
                organisation_id: org.id,
                username: username.into(),
                display_name: "Duplicate".into(),
                role: Role::Counsellor,
                password_hash: "x".into(),
            },
            NewAuditEvent::new("user.create.test", AuditOutcome::Allowed),
        )
        .await
}

/// A new client signed in as `username` (with [`PASSWORD`]).
pub async fn signed_in(server: &Server, username: &str) -> reqwest::Client {
    let c = http_client();
    let r = sign_in(&c, server, username, PASSWORD).await;
    assert!(r.status().is_success(), "{username} signs in");
    c
}

/// Calls a server function as the WASM client does: a url-encoded POST
/// from the site's own origin, asking for JSON.
pub async fn call(
    client: &reqwest::Client,
    server: &Server,
    path: &str,
    form: &[(&str, &str)],
) -> reqwest::Response {
    client
        .post(server.url(path))
        .header("Origin", &server.base)
        .header("Accept", "application/json")
        .form(form)
        .send()
        .await
        .unwrap()
}

/// The HTML of a page as `client` is served it (whatever its status).
pub async fn page_text(client: &reqwest::Client, server: &Server, path: &str) -> String {
    client
        .get(server.url(path))
        .send()
        .await
        .unwrap_or_else(|e| panic!("GET {path}: {e}"))
        .text()
        .await
        .unwrap()
}

/// [`call`], expecting 200, and reads the JSON answer.
pub async fn call_ok<T: serde::de::DeserializeOwned>(
    client: &reqwest::Client,
    server: &Server,
    path: &str,
    form: &[(&str, &str)],
) -> T {
    let r = call(client, server, path, form).await;
    let status = r.status();
    let body = r.text().await.unwrap();
    assert_eq!(status, 200, "{path}: {body}");
    serde_json::from_str(&body).unwrap_or_else(|e| panic!("{path}: {e}: {body}"))
}

/// Opens a case for `owner` directly in the store, with only the client's
/// first contact (alias, today's date), as a new case starts.
pub async fn add_case(
    store: &Store,
    owner: &app::store::User,
    alias: &str,
) -> app::store::CaseRecord {
    use app::domain::case::CaseCode;
    use app::domain::case_file::{section_slug, CaseFile, ParseContext};
    use app::domain::policy::Section;
    let now = chrono::Utc::now();
    let mut file = CaseFile::default();
    let fields = [
        ("client.alias".to_string(), alias.to_string()),
        (
            "contact.on".to_string(),
            now.date_naive().format("%Y-%m-%d").to_string(),
        ),
    ]
    .into_iter()
    .collect();
    file.apply(
        Section::Client,
        &fields,
        &ParseContext {
            today: now.date_naive(),
            user_id: &owner.id,
            currency: app::domain::Currency::EUR,
        },
    )
    .expect("a valid first contact");
    let code = CaseCode::from_random(rand::random());
    let new = app::store::NewCase {
        code: code.clone(),
        organisation_id: owner.organisation_id.clone(),
        owner_id: owner.id.clone(),
        summary: app::server::cases::summary_of(&file, chrono::Utc::now()),
        section: section_slug(Section::Client).into(),
        body: file.section_json(Section::Client),
        at: now,
    };
    let audit = NewAuditEvent {
        case_code: Some(code.as_str().to_string()),
        ..NewAuditEvent::new("case.create.test", AuditOutcome::Allowed).by(
            &owner.id,
            owner.role,
            &owner.organisation_id,
        )
    };
    store.create_case(&new, &audit).await.unwrap()
}

/// Saves one section of a case over HTTP from its form fields, starting
/// from `version`.
pub async fn save_section(
    client: &reqwest::Client,
    server: &Server,
    code: &str,
    section: &str,
    version: i64,
    fields: &[(&str, &str)],
) -> app::api::cases::SaveResult {
    let version = version.to_string();
    let names: Vec<String> = fields.iter().map(|(k, _)| format!("f[{k}]")).collect();
    let mut form = vec![
        ("code", code),
        ("section", section),
        ("version", version.as_str()),
    ];
    form.extend(
        names
            .iter()
            .map(String::as_str)
            .zip(fields.iter().map(|(_, v)| *v)),
    );
    call_ok(client, server, "/api/cases/save", &form).await
}

/// The version a section of the case is at, as `client` sees it.
pub async fn section_version(
    client: &reqwest::Client,
    server: &Server,
    code: &str,
    section: &str,
) -> i64 {
    let v: app::api::cases::CaseView =
        call_ok(client, server, "/api/cases/open", &[("code", code)]).await;
    v.sections.get(section).map_or(0, |m| m.version)
}

/// Saves a section over whatever version it is at, expecting it saved.
pub async fn put_section(
    client: &reqwest::Client,
    server: &Server,
    code: &str,
    section: &str,
    fields: &[(&str, &str)],
) {
    let version = section_version(client, server, code, section).await;
    let r = save_section(client, server, code, section, version, fields).await;
    assert!(
        matches!(r, app::api::cases::SaveResult::Saved { .. }),
        "{section}: {r:?}"
    );
}

/// Fills a case over HTTP until it is ready to be handed over to
/// `mission_id`: consents (store; share every section but screening and
/// options with the mission), a free return decision, a fresh medium-risk
/// assessment, a budget and the travel plan (departure in 60 days).
pub async fn make_ready(
    client: &reqwest::Client,
    server: &Server,
    code: &str,
    alias: &str,
    mission_id: &str,
) {
    let today = today();
    let day = |d: chrono::NaiveDate| d.format("%Y-%m-%d").to_string();
    let (t, departure) = (day(today), day(today + chrono::Duration::days(60)));
    put_section(
        client,
        server,
        code,
        "client",
        &[
            ("client.alias", alias),
            ("client.birth", "year"),
            ("client.birth_year", "1994"),
            ("client.nationality", "NG"),
            ("contact.on", &t),
            ("safety.danger", "no"),
            ("safety.medical", "unknown"),
        ],
    )
    .await;
    put_section(
        client,
        server,
        code,
        "consent",
        &[
            ("consent.0.purpose", "store_data"),
            ("consent.0.given_on", &t),
            ("consent.0.language", "en"),
            ("consent.1.purpose", "share"),
            ("consent.1.recipient", mission_id),
            ("consent.1.section_client", "on"),
            ("consent.1.section_consent", "on"),
            ("consent.1.section_decision", "on"),
            ("consent.1.section_risk", "on"),
            ("consent.1.section_reintegration", "on"),
            ("consent.1.section_travel", "on"),
            ("consent.1.section_milestones", "on"),
            ("consent.1.given_on", &t),
            ("consent.1.language", "en"),
        ],
    )
    .await;
    put_section(
        client,
        server,
        code,
        "screening",
        &[("screening.judgement", "signs_present")],
    )
    .await;
    put_section(
        client,
        server,
        code,
        "options",
        &[
            ("option.stay.feasibility", "difficult"),
            ("option.onward.feasibility", "not_feasible"),
            ("option.return.wishes", "Back to her mother"),
        ],
    )
    .await;
    put_section(
        client,
        server,
        code,
        "decision",
        &[
            ("decision.choice", "return"),
            ("decision.on", &t),
            ("decision.free_and_informed", "on"),
        ],
    )
    .await;
    put_section(
        client,
        server,
        code,
        "risk",
        &[
            ("risk.assessed_on", &t),
            ("risk.0.level", "household"),
            ("risk.0.description", "Debt to the recruiter's family"),
            ("risk.0.likelihood", "2"),
            ("risk.0.severity", "2"),
            ("risk.0.mitigation", "mit-other-region"),
        ],
    )
    .await;
    put_section(
        client,
        server,
        code,
        "reintegration",
        &[
            ("reint.programme", "nl-2025-reintegration"),
            ("person.0.kind", "adult"),
            ("line.0.category", "economic"),
            ("line.0.description", "Sewing machine and stock"),
            ("line.0.amount", "1500"),
            ("line.0.form", "in_kind"),
            ("line.0.person", "0"),
        ],
    )
    .await;
    put_section(
        client,
        server,
        code,
        "travel",
        &[
            ("travel.mission", mission_id),
            ("travel.destination", "NG"),
            ("travel.departure", &departure),
        ],
    )
    .await;
}

/// Makes the plan's one risk high (mitigated, confirmed by the partner in
/// origin, assessed today) and asks for a supervisor's approval.
pub async fn ask_for_approval(client: &reqwest::Client, server: &Server, code: &str) {
    let today = today().format("%Y-%m-%d").to_string();
    put_section(
        client,
        server,
        code,
        "risk",
        &[
            ("risk.assessed_on", &today),
            ("risk.0.level", "community"),
            ("risk.0.description", "The recruiter lives in the same town"),
            ("risk.0.likelihood", "3"),
            ("risk.0.severity", "3"),
            ("risk.0.mitigation", "mit-other-region"),
        ],
    )
    .await;
    // The partner's confirmation of this assessment, recorded with its
    // panel's call.
    let version = section_version(client, server, code, "risk").await;
    let confirmed: app::api::cases::ApprovalResult = call_ok(
        client,
        server,
        "/api/cases/confirm_origin",
        &[
            ("code", code),
            ("version", &version.to_string()),
            ("partner", "Partner in Benin City"),
            ("on", &today),
        ],
    )
    .await;
    assert_eq!(confirmed, app::api::cases::ApprovalResult::OriginConfirmed);
    // Asked with the button's call, which records who asked and when.
    let version = section_version(client, server, code, "risk").await;
    let asked: app::api::cases::ApprovalResult = call_ok(
        client,
        server,
        "/api/cases/request_approval",
        &[("code", code), ("version", &version.to_string())],
    )
    .await;
    assert_eq!(asked, app::api::cases::ApprovalResult::Requested);
    // Asking twice changes nothing.
    let version = section_version(client, server, code, "risk").await;
    let again: app::api::cases::ApprovalResult = call_ok(
        client,
        server,
        "/api/cases/request_approval",
        &[("code", code), ("version", &version.to_string())],
    )
    .await;
    assert_eq!(
        again,
        app::api::cases::ApprovalResult::Refused(app::domain::progress::ApprovalRefusal::NotNeeded)
    );
}

/// One test per name, run on SQLite and on PostgreSQL: each `$name(world)`
/// gets the world the calling module's `world(db)` makes on that engine.
#[macro_export]
macro_rules! on_both_engines {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test] async fn $name() { super::$name(super::world(tests::TestDb::sqlite()).await).await; })*
        }
        mod postgres {
            $(#[tokio::test] async fn $name() { super::$name(super::world(tests::TestDb::postgres().await).await).await; })*
        }
    };
}

/// A shelter (counsellor carla, supervisor sam) and an IOM mission
/// (return officer olga), each signed in, on a server over `db`.
pub struct ShelterAndMission {
    pub server: Server,
    pub db: TestDb,
    /// The mission's organisation id.
    pub mission: String,
    pub carla: reqwest::Client,
    pub sam: reqwest::Client,
    pub olga: reqwest::Client,
}

pub async fn shelter_and_mission(db: TestDb) -> ShelterAndMission {
    let store = db.store().await;
    let [_, _, olga] = add_users(
        &store,
        [
            ("Shelter A", OrgKind::Counselling, Role::Counsellor, "carla"),
            ("Shelter A", OrgKind::Counselling, Role::Supervisor, "sam"),
            ("IOM NL", OrgKind::IomMission, Role::ReturnOfficer, "olga"),
        ],
    )
    .await;
    store.close().await;
    let server = Server::start(&db.url).await;
    ShelterAndMission {
        carla: signed_in(&server, "carla").await,
        sam: signed_in(&server, "sam").await,
        olga: signed_in(&server, "olga").await,
        server,
        db,
        mission: olga.organisation_id,
    }
}

/// Creates a case as the new-case form does (alias, birth year, Nigerian,
/// the duplicate check confirmed); its code.
pub async fn new_case(
    client: &reqwest::Client,
    server: &Server,
    alias: &str,
    birth_year: &str,
) -> String {
    let r: app::api::cases::NewCaseOutcome = call_ok(
        client,
        server,
        "/api/cases/create",
        &[
            ("alias", alias),
            ("birth_year", birth_year),
            ("nationality", "NG"),
            ("confirm", "on"),
        ],
    )
    .await;
    match r {
        app::api::cases::NewCaseOutcome::Created { code } => code,
        other => panic!("{other:?}"),
    }
}

/// Posts `form` to `path` as a browser without WASM does (a plain form,
/// accepting HTML) and returns where the server sends it back (a 302).
pub async fn post_without_wasm(
    client: &reqwest::Client,
    server: &Server,
    path: &str,
    form: &[(&str, &str)],
) -> String {
    let r = client
        .post(server.url(path))
        .header("Origin", &server.base)
        .header("Accept", "text/html")
        .form(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 302, "{path}");
    r.headers()["location"].to_str().unwrap().to_string()
}
