//! Demo data: two clearly marked organisations and one user per role.
//!
//! Seeding is idempotent: what exists is kept (including changed passwords).

use app::domain::{OrgKind, Role};
use app::server::password::hash_blocking;
use app::store::{AuditOutcome, NewAuditEvent, NewOrganisation, NewUser, Store, StoreError};

pub const COUNSELLING_ORG: &str = "Demo Shelter Amsterdam (DEMO)";
pub const IOM_ORG: &str = "Demo IOM Netherlands mission (DEMO)";

/// One demo sign-in.
#[derive(Clone, Debug)]
pub struct DemoLogin {
    pub username: &'static str,
    pub password: &'static str,
    pub role: Role,
    pub organisation: &'static str,
}

pub const DEMO_LOGINS: [DemoLogin; 4] = [
    DemoLogin {
        username: "demo.counsellor",
        password: "demo-counsellor-pass",
        role: Role::Counsellor,
        organisation: COUNSELLING_ORG,
    },
    DemoLogin {
        username: "demo.supervisor",
        password: "demo-supervisor-pass",
        role: Role::Supervisor,
        organisation: COUNSELLING_ORG,
    },
    DemoLogin {
        username: "demo.admin",
        password: "demo-admin-password",
        role: Role::Admin,
        organisation: COUNSELLING_ORG,
    },
    DemoLogin {
        username: "demo.officer",
        password: "demo-officer-password",
        role: Role::ReturnOfficer,
        organisation: IOM_ORG,
    },
];

fn display_name(role: Role) -> &'static str {
    match role {
        Role::Counsellor => "Demo Counsellor",
        Role::ReturnOfficer => "Demo Return Officer",
        Role::Supervisor => "Demo Supervisor",
        Role::Admin => "Demo Admin",
    }
}

/// Adds what is missing of the demo set; returns the logins.
pub async fn seed(store: &Store) -> anyhow::Result<Vec<DemoLogin>> {
    let counselling = store
        .ensure_organisation(&NewOrganisation {
            name: COUNSELLING_ORG.into(),
            kind: OrgKind::Counselling,
            country: "NL".into(),
            is_demo: true,
        })
        .await?;
    let iom = store
        .ensure_organisation(&NewOrganisation {
            name: IOM_ORG.into(),
            kind: OrgKind::IomMission,
            country: "NL".into(),
            is_demo: true,
        })
        .await?;
    for login in DEMO_LOGINS.iter() {
        if store.user_credentials(login.username).await?.is_some() {
            continue;
        }
        let org = if login.organisation == IOM_ORG {
            &iom
        } else {
            &counselling
        };
        let password = login.password.to_string();
        let password_hash = tokio::task::spawn_blocking(move || hash_blocking(&password)).await?;
        let new = NewUser {
            organisation_id: org.id.clone(),
            username: login.username.into(),
            display_name: display_name(login.role).into(),
            role: login.role,
            password_hash,
        };
        let audit = NewAuditEvent {
            organisation_id: Some(org.id.clone()),
            ..NewAuditEvent::new("user.create.demo", AuditOutcome::Allowed)
        };
        match store.create_user(&new, audit).await {
            Ok(user) => tracing::info!(user.id = %user.id, role = %login.role, "demo user added"),
            // Another instance seeded it meanwhile.
            Err(StoreError::Taken(_)) => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(DEMO_LOGINS.to_vec())
}

pub fn print_logins(logins: &[DemoLogin], url: Option<&str>) {
    println!();
    println!("Demo organisations (sample data only; never enter real client data):");
    println!("  {COUNSELLING_ORG}  and  {IOM_ORG}");
    println!();
    println!("  {:<18} {:<24} role", "username", "password");
    for l in logins {
        println!("  {:<18} {:<24} {}", l.username, l.password, l.role.label());
    }
    if let Some(url) = url {
        println!();
        println!("Sign in at {url}/login");
    }
    println!();
}
