//! The authorization matrix: every server function, called by anonymous,
//! by each role, and by an admin of another organisation, with the answer
//! each must get. A server function missing from the matrix fails the test,
//! so nobody can add an endpoint without deciding who may call it. Runs on
//! SQLite and PostgreSQL.

use app::domain::{OrgKind, Role};
use std::collections::BTreeSet;
use tests::{add_case, add_user, add_users, http_client, sign_in, Server, TestDb, PASSWORD};

/// Who calls.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Caller {
    Anonymous,
    Counsellor,
    ReturnOfficer,
    Supervisor,
    Admin,
    /// An admin of another counselling organisation.
    OtherAdmin,
}

const CALLERS: [Caller; 6] = [
    Caller::Anonymous,
    Caller::Counsellor,
    Caller::ReturnOfficer,
    Caller::Supervisor,
    Caller::Admin,
    Caller::OtherAdmin,
];

impl Caller {
    fn username(self) -> Option<&'static str> {
        match self {
            Caller::Anonymous => None,
            Caller::Counsellor => Some("carla"),
            Caller::ReturnOfficer => Some("rita"),
            Caller::Supervisor => Some("sam"),
            Caller::Admin => Some("ada"),
            Caller::OtherAdmin => Some("bob"),
        }
    }
}

/// The expected status for each caller, in the order of [`CALLERS`].
type Row = [u16; 6];

/// An endpoint, the form it is called with, and the expected answers.
type Entry<'a> = (&'a str, Vec<(&'a str, String)>, Row);

/// Anyone; the same answer for all.
const ALL: fn(u16) -> Row = |s| [s; 6];
/// Any signed-in user gets `s`; anonymous 401.
const SIGNED_IN: fn(u16) -> Row = |s| [401, s, s, s, s, s];
/// Only the admin of the organisation gets `s`; other roles and the other
/// organisation's admin get 404 (it does not exist for them).
const ADMIN_OF_ORG: fn(u16) -> Row = |s| [401, 404, 404, 404, s, 404];
/// Admins only, any organisation (acting on their own).
const ANY_ADMIN: fn(u16) -> Row = |s| [401, 404, 404, 404, s, s];
/// A case of the counsellor: she and her organisation's supervisor get
/// `s`; everyone else 404 (admins never see case content, the mission has
/// no handover, the other organisation does not know it exists).
const CASE_OF_COUNSELLOR: fn(u16) -> Row = |s| [401, s, 404, s, 404, 404];

/// The server, the database, the counsellor's id and the code of a case
/// she owns.
async fn world(db: TestDb) -> (Server, TestDb, String, String, String) {
    let store = db.store().await;
    let a = "Shelter A";
    add_user(
        &store,
        a,
        OrgKind::Counselling,
        Role::Admin,
        "ada",
        PASSWORD,
    )
    .await;
    add_user(
        &store,
        a,
        OrgKind::Counselling,
        Role::Supervisor,
        "sam",
        PASSWORD,
    )
    .await;
    let carla = add_user(
        &store,
        a,
        OrgKind::Counselling,
        Role::Counsellor,
        "carla",
        PASSWORD,
    )
    .await;
    add_users(
        &store,
        [
            (
                "IOM Mission",
                OrgKind::IomMission,
                Role::ReturnOfficer,
                "rita",
            ),
            ("Shelter B", OrgKind::Counselling, Role::Admin, "bob"),
        ],
    )
    .await;
    let case = add_case(&store, &carla, "Matrix").await;
    // An account an admin made, waiting to be set up.
    let wendy = tests::add_user_waiting_for_setup(&store, a, "wendy").await;
    store.close().await;
    let server = Server::start(&db.url).await;
    (
        server,
        db,
        carla.id,
        case.code.as_str().to_string(),
        wendy.id,
    )
}

async fn matrix(db: TestDb) {
    let (server, db, carla, case, wendy) = world(db).await;
    let carla = carla.as_str();
    let wendy = wendy.as_str();
    let case = case.as_str();
    // Every server function, the arguments it is called with, and the
    // answer for each caller. Arguments are chosen so that nothing a later
    // call needs is destroyed (wrong passwords, no-op changes).
    let table: Vec<Entry> = vec![
        (
            "/api/auth/login",
            vec![
                // One unknown name per caller: no throttle between them.
                ("username", "nobody-{caller}".into()),
                ("password", "not the password".into()),
                ("next", "/".into()),
            ],
            ALL(401),
        ),
        ("/api/auth/me", vec![], ALL(200)),
        ("/api/auth/keep_alive", vec![], SIGNED_IN(200)),
        // Without a sign-in in progress there is nothing to answer.
        ("/api/auth/challenge", vec![], ALL(401)),
        (
            "/api/auth/second_factor",
            vec![("code", "000000".into()), ("next", "/".into())],
            ALL(401),
        ),
        (
            "/api/account/change_password",
            vec![
                ("current", "not the password".into()),
                ("new", "x".into()),
                ("repeat", "x".into()),
            ],
            SIGNED_IN(422),
        ),
        ("/api/account/list_sessions", vec![], SIGNED_IN(200)),
        // Nobody has a session by this name: not found for all signed in.
        (
            "/api/account/end_session",
            vec![("handle", "0000000000000000".into())],
            SIGNED_IN(404),
        ),
        ("/api/account/second_factor_status", vec![], SIGNED_IN(200)),
        ("/api/account/second_factor_setup", vec![], SIGNED_IN(200)),
        (
            "/api/account/second_factor_confirm",
            vec![
                ("code", "000000".into()),
                ("password", "not the password".into()),
            ],
            SIGNED_IN(422),
        ),
        (
            "/api/account/second_factor_disable",
            vec![("password", "not the password".into())],
            SIGNED_IN(422),
        ),
        ("/api/admin/list_users", vec![], ANY_ADMIN(200)),
        (
            "/api/admin/create_user",
            vec![
                ("username", String::new()),
                ("display_name", String::new()),
                ("role", "counsellor".into()),
                ("password", String::new()),
            ],
            ANY_ADMIN(422),
        ),
        (
            "/api/admin/set_user_active",
            vec![("user_id", carla.into()), ("active", "true".into())],
            ADMIN_OF_ORG(200),
        ),
        (
            "/api/admin/set_role",
            vec![("user_id", carla.into()), ("role", "counsellor".into())],
            ADMIN_OF_ORG(200),
        ),
        // A counsellor's password: she sets it up again with a code (she
        // has had her turn by then).
        (
            "/api/admin/reset_password",
            vec![("user_id", carla.into()), ("password", String::new())],
            ADMIN_OF_ORG(200),
        ),
        // Accounts waiting to be set up, and their codes: supervisors of the
        // organisation only.
        ("/api/setup/waiting", vec![], [401, 404, 404, 200, 404, 404]),
        (
            "/api/setup/issue_code",
            vec![("user_id", wendy.into())],
            [401, 404, 404, 200, 404, 404],
        ),
        // Anyone, with a code: none of these works.
        (
            "/api/setup/complete",
            vec![
                ("username", "nobody-{caller}".into()),
                ("code", "2222-3333-4444".into()),
                ("password", PASSWORD.into()),
                ("repeat", PASSWORD.into()),
            ],
            ALL(422),
        ),
        (
            "/api/admin/reset_second_factor",
            vec![("user_id", carla.into())],
            ADMIN_OF_ORG(200),
        ),
        (
            "/api/admin/set_directory_editor",
            vec![("user_id", carla.into()), ("editor", "false".into())],
            ADMIN_OF_ORG(200),
        ),
        (
            "/api/audit/list_events",
            vec![
                ("user_id", String::new()),
                ("action", String::new()),
                ("case_code", String::new()),
                ("from", String::new()),
                ("until", String::new()),
                ("page", "0".into()),
            ],
            [401, 404, 404, 200, 404, 404],
        ),
        (
            "/api/prefs/set_language",
            vec![("lang", "en".into()), ("next", "/".into())],
            ALL(200),
        ),
        // The counsellor's own cases; the supervisor's whole organisation.
        (
            "/api/cases/list",
            vec![
                ("text", String::new()),
                ("stage", String::new()),
                ("risk", String::new()),
                ("page", "0".into()),
            ],
            CASE_OF_COUNSELLOR(200),
        ),
        // Only counsellors open cases; an empty alias creates nothing.
        (
            "/api/cases/create",
            vec![
                ("alias", String::new()),
                ("birth_year", String::new()),
                ("nationality", String::new()),
            ],
            [401, 200, 404, 404, 404, 404],
        ),
        (
            "/api/cases/open",
            vec![("code", case.into())],
            CASE_OF_COUNSELLOR(200),
        ),
        // A section never saved, from version 0: the first allowed caller
        // saves it, the next gets the conflict (200 as well); the
        // client's section is left alone.
        (
            "/api/cases/save",
            vec![
                ("code", case.into()),
                ("section", "options".into()),
                ("version", "0".into()),
                ("f[option.stay.wishes]", "{caller}".into()),
            ],
            CASE_OF_COUNSELLOR(200),
        ),
        (
            "/api/cases/access_log",
            vec![("code", case.into()), ("page", "0".into())],
            CASE_OF_COUNSELLOR(200),
        ),
        // The case is not ready: the counselling side is told what is
        // missing (200), nothing is handed over.
        (
            "/api/handovers/hand_over",
            vec![("code", case.into()), ("note", String::new())],
            CASE_OF_COUNSELLOR(200),
        ),
        // There is no such handover, for anyone.
        (
            "/api/handovers/respond",
            vec![
                ("code", case.into()),
                ("handover", "0000".into()),
                ("act", "accept".into()),
                ("text", String::new()),
            ],
            [401, 404, 404, 404, 404, 404],
        ),
        // Only the staff of IOM missions have an inbox.
        (
            "/api/handovers/inbox",
            vec![("status", String::new()), ("page", "0".into())],
            [401, 404, 200, 404, 404, 404],
        ),
        (
            "/api/cases/export_json",
            vec![("code", case.into())],
            CASE_OF_COUNSELLOR(200),
        ),
        (
            "/api/cases/export_ics",
            vec![("code", case.into())],
            CASE_OF_COUNSELLOR(200),
        ),
        // Nothing waits for approval on the case: the organisation's
        // supervisor is told so (200); nobody else may decide.
        (
            "/api/cases/approval",
            vec![
                ("code", case.into()),
                ("decision", "approve".into()),
                ("version", "0".into()),
                ("comment", String::new()),
            ],
            [401, 404, 404, 200, 404, 404],
        ),
        // Accepting a budget against an unknown cap: the organisation's
        // supervisor, who is told there is nothing to accept (200).
        (
            "/api/cases/accept_budget",
            vec![
                ("code", case.into()),
                ("version", "0".into()),
                ("comment", "ok".into()),
            ],
            [401, 404, 404, 200, 404, 404],
        ),
        // Asking for approval: those who may change the risks; nothing
        // needs approval on the case, so they are told so (200).
        (
            "/api/cases/request_approval",
            vec![("code", case.into()), ("version", "0".into())],
            CASE_OF_COUNSELLOR(200),
        ),
        // Recording the origin partner's confirmation: those who may
        // change the risks; the case has no assessment to confirm, so
        // they are told so (200).
        (
            "/api/cases/confirm_origin",
            vec![
                ("code", case.into()),
                ("version", "0".into()),
                ("partner", "Partner".into()),
                ("on", "2026-01-01".into()),
            ],
            CASE_OF_COUNSELLOR(200),
        ),
        (
            "/api/cases/print",
            vec![("code", case.into())],
            CASE_OF_COUNSELLOR(200),
        ),
        // The plan's life: the counselling side of the case; the plan is
        // not on hold, so resuming it is refused (200).
        (
            "/api/cases/life",
            vec![
                ("code", case.into()),
                ("kind", "resume".into()),
                ("on", "2026-01-01".into()),
            ],
            CASE_OF_COUNSELLOR(200),
        ),
        // A follow-up contact: those who may change the milestones and read
        // the travel; the client has not arrived, so it is refused (200).
        (
            "/api/cases/follow_up",
            vec![
                ("code", case.into()),
                ("version", "0".into()),
                ("f[fu.month]", "1".into()),
                ("f[fu.on]", "2026-01-01".into()),
                ("f[fu.mode]", "phone".into()),
                ("f[fu.by]", "{caller}".into()),
            ],
            CASE_OF_COUNSELLOR(200),
        ),
        // The client's copy and its links: the counselling side of the case.
        (
            "/api/cases/client_copy",
            vec![("code", case.into()), ("language", "fr".into())],
            CASE_OF_COUNSELLOR(200),
        ),
        // No such referral: refused (200) to those who may change the
        // plan's referrals, 404 for the others.
        (
            "/api/cases/referral",
            vec![
                ("code", case.into()),
                ("op", "move".into()),
                ("referral_id", "r9".into()),
                ("from", "proposed".into()),
                ("to", "contacted".into()),
            ],
            CASE_OF_COUNSELLOR(200),
        ),
        // The social map: everyone signed in searches, reads and saves (an
        // editor's save is written, anyone else's becomes a suggestion);
        // only editors and admins verify, archive, review suggestions and
        // exchange CSV. The second admin verifies a version already
        // replaced by the first: a conflict.
        ("/api/directory/search", vec![], SIGNED_IN(200)),
        (
            "/api/directory/entry",
            vec![("id", "nl-comensha".into())],
            SIGNED_IN(200),
        ),
        (
            "/api/directory/save",
            vec![
                ("f[name]", "Matrix {caller}".into()),
                ("f[country]", "NL".into()),
                ("f[city]", "Utrecht".into()),
            ],
            SIGNED_IN(200),
        ),
        (
            "/api/directory/verify",
            vec![("id", "nl-comensha".into()), ("version", "1".into())],
            [401, 404, 404, 404, 200, 409],
        ),
        (
            "/api/directory/archive",
            vec![
                ("id", "nl-fairwork".into()),
                ("version", "1".into()),
                ("archived", "true".into()),
            ],
            [401, 404, 404, 404, 200, 409],
        ),
        ("/api/directory/suggestions", vec![], ANY_ADMIN(200)),
        (
            "/api/directory/decide_suggestion",
            vec![
                ("id", "none".into()),
                ("accept", "false".into()),
                ("reason", "x".into()),
            ],
            [401, 404, 404, 404, 404, 404],
        ),
        ("/api/directory/export", vec![], ANY_ADMIN(200)),
        (
            "/api/directory/import",
            vec![("csv", app::domain::directory::to_csv(&[]))],
            ANY_ADMIN(200),
        ),
        (
            "/api/cases/share",
            vec![
                ("code", case.into()),
                ("language", "en".into()),
                ("days", "7".into()),
                ("pin", String::new()),
            ],
            CASE_OF_COUNSELLOR(200),
        ),
        (
            "/api/cases/share_links",
            vec![("code", case.into())],
            CASE_OF_COUNSELLOR(200),
        ),
        // No such link: false for those who may revoke, 404 for the others.
        (
            "/api/cases/share_revoke",
            vec![("code", case.into()), ("id", "0000".into())],
            CASE_OF_COUNSELLOR(200),
        ),
        // The dashboard and the statistics: supervisors of counselling
        // organisations only.
        (
            "/api/dashboard/summary",
            vec![
                ("counsellor", String::new()),
                ("stage", String::new()),
                ("risk", String::new()),
                ("from", String::new()),
                ("until", String::new()),
            ],
            [401, 404, 404, 200, 404, 404],
        ),
        (
            "/api/dashboard/statistics",
            vec![("months", "12".into())],
            [401, 404, 404, 200, 404, 404],
        ),
        // Last: it ends the caller's session.
        ("/api/auth/logout", vec![], ALL(200)),
    ];
    let in_matrix: BTreeSet<&str> = table.iter().map(|(p, _, _)| *p).collect();
    let endpoints: BTreeSet<&str> = app::api::ENDPOINTS.iter().map(|(p, _)| *p).collect();
    assert_eq!(
        endpoints.difference(&in_matrix).collect::<Vec<_>>(),
        Vec::<&&str>::new(),
        "server functions missing from the authorization matrix"
    );
    assert_eq!(in_matrix.len(), table.len(), "an endpoint is listed twice");
    let mut failures = Vec::new();
    for (i, caller) in CALLERS.into_iter().enumerate() {
        let c = http_client();
        if let Some(user) = caller.username() {
            let r = sign_in(&c, &server, user, PASSWORD).await;
            assert!(
                r.headers().contains_key("set-cookie"),
                "{caller:?} signs in"
            );
        }
        for (path, form, expected) in &table {
            let form: Vec<(&str, String)> = form
                .iter()
                .map(|(k, v)| (*k, v.replace("{caller}", &format!("{caller:?}"))))
                .collect();
            let request = c
                .post(server.url(path))
                .header("Origin", &server.base)
                .form(&form);
            let status = request
                .header("Accept", "application/json")
                .send()
                .await
                .unwrap()
                .status()
                .as_u16();
            if status != expected[i] {
                failures.push(format!(
                    "{caller:?} {path}: {status}, expected {}",
                    expected[i]
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "authorization matrix:\n{}",
        failures.join("\n")
    );
    // Every refusal is audited: the six admin endpoints for three roles,
    // the four calls on another organisation's user, the audit log for the
    // four who may not read it.
    let audit = db.store().await.recent_audit(1000).await.unwrap();
    let denied = |prefix: &str| {
        audit
            .iter()
            .filter(|e| e.outcome == "denied" && e.action.starts_with(prefix))
            .count()
    };
    // And the two set-up endpoints for the four who are not the
    // organisation's supervisor.
    assert_eq!(
        denied("user."),
        3 * 7 + 5 + 2 * 4,
        "user administration refusals"
    );
    assert_eq!(denied("audit.read"), 4, "audit log refusals");
    // The eight case endpoints (the two exports and the print view
    // included), each refused to
    // the return officer, the admin and the other organisation's admin, and
    // the supervisor may not hand over; the approval, refused to all but
    // the supervisor; the four endpoints of the client's copy, refused to
    // the return officer and both admins; the referrals, refused to the
    // return officer and both admins; asking for approval and recording
    // the origin partner's confirmation, each refused to the return
    // officer and both admins; the plan's life, refused to the return
    // officer and both admins; accepting a budget, refused to all but the
    // supervisor; a follow-up contact, refused to the return officer and
    // both admins (once each). A refusal on a case names it.
    assert_eq!(
        denied("case."),
        8 * 3 + 1 + 4 + 4 * 3 + 3 + 3 + 3 + 3 + 4 + 3,
        "case refusals"
    );
    // The five endpoints that change the map, decide on suggestions or
    // exchange CSV, refused to the counsellor, the return officer and the
    // supervisor (none of them an editor). Reading the suggestions is
    // refused too, without an audit row (the page asks before it knows who
    // is signed in).
    assert_eq!(denied("directory."), 5 * 3, "social map refusals");
    for action in ["case.open", "case.section.save", "case.access_log"] {
        let named = audit
            .iter()
            .filter(|e| e.outcome == "denied" && e.action == action)
            .filter(|e| e.case_code.as_deref() == Some(case))
            .count();
        assert_eq!(named, 3, "{action} refusals name the case");
    }
    // The counsellor saved the section; the supervisor's save came too late.
    let store = db.store().await;
    let c = store.case_by_code(case).await.unwrap().unwrap();
    let options = store
        .case_sections(&c.id)
        .await
        .unwrap()
        .into_iter()
        .find(|s| s.section == "options")
        .expect("the options section was saved");
    assert_eq!(options.version, 1);
    assert!(options.body.contains("Counsellor"), "{}", options.body);
}

#[tokio::test]
async fn every_server_function_on_sqlite() {
    matrix(TestDb::sqlite()).await;
}

#[tokio::test]
async fn every_server_function_on_postgres() {
    matrix(TestDb::postgres().await).await;
}
