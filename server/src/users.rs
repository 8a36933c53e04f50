//! `safeplan user add`: creates a user; the password is never an argument.
//! `safeplan user setup-code`: the operator makes the one-time code with
//! which a person sets up an account waiting for it (where no supervisor
//! of the organisation can).

use app::domain::{OrgKind, Role};
use app::server::password::hash_blocking;
use app::server::password::validate_new;
use app::store::{AuditOutcome, NewAuditEvent, NewOrganisation, NewUser, Store, StoreError};
use clap::{Args, Subcommand};
use std::io::{BufRead, IsTerminal};

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add a user (any role). The password is asked for at a prompt, or read
    /// as one line from standard input when that is not a terminal.
    Add(AddUser),
    /// Make a one-time set-up code for an account waiting to be set up (an
    /// admin made it or reset its password), for an organisation with no
    /// supervisor who can. It replaces any earlier code.
    SetupCode(SetupCode),
}

#[derive(Debug, Args)]
pub struct SetupCode {
    /// The account's sign-in name.
    #[arg(long)]
    pub username: String,
}

/// Makes and prints a set-up code for a waiting account; audited as the
/// operator's.
pub async fn setup_code(store: &Store, args: SetupCode) -> anyhow::Result<()> {
    use app::server::account_setup::{code_hash, new_code, CODE_VALID_FOR};
    let Some(creds) = store.user_credentials(&args.username).await? else {
        anyhow::bail!("no user named {:?}", args.username);
    };
    let user = creds.user;
    if !user.waiting_for_setup {
        anyhow::bail!(
            "{:?} is not waiting to be set up: it has a password (an admin asks for a new set-up at /admin/users)",
            user.username
        );
    }
    if !user.active {
        anyhow::bail!("{:?} is deactivated: reactivate it first", user.username);
    }
    let code = new_code();
    let until = chrono::Utc::now() + CODE_VALID_FOR;
    let audit = NewAuditEvent {
        organisation_id: Some(user.organisation_id.clone()),
        ..NewAuditEvent::new("user.setup_code.issue.cli", AuditOutcome::Allowed)
    };
    store
        .issue_setup_code(&user.id, &code_hash(&code), None, until, audit)
        .await?;
    tracing::info!(user.id = %user.id, "set-up code made by the operator");
    println!(
        "Set-up code for {:?}: {code}\nIt works once, until {} UTC. Give it to the person in person or by phone, never by e-mail; they enter it with their username at /setup.",
        user.username,
        until.format("%Y-%m-%d %H:%M")
    );
    Ok(())
}

#[derive(Debug, Args)]
pub struct AddUser {
    /// Name of the user's organisation.
    #[arg(long)]
    pub organisation: String,
    /// Creates the organisation with this kind when it does not exist yet.
    #[arg(long, value_parser = parse_kind)]
    pub organisation_kind: Option<OrgKind>,
    /// Country of a new organisation (ISO 3166-1 alpha-2, e.g. NL).
    #[arg(long, default_value = "NL")]
    pub country: String,
    /// counsellor, return_officer, supervisor or admin.
    #[arg(long, value_parser = parse_role)]
    pub role: Role,
    /// Sign-in name (case-insensitive).
    #[arg(long)]
    pub username: String,
    /// Name shown to colleagues.
    #[arg(long)]
    pub display_name: String,
}

fn parse_role(s: &str) -> Result<Role, String> {
    s.parse()
        .map_err(|e: app::domain::org::UnknownName| e.to_string())
}

fn parse_kind(s: &str) -> Result<OrgKind, String> {
    s.parse()
        .map_err(|e: app::domain::org::UnknownName| e.to_string())
}

fn read_password() -> anyhow::Result<String> {
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("Password (at least 12 characters): ")?;
        let second = rpassword::prompt_password("Same password again: ")?;
        if first != second {
            anyhow::bail!("the two passwords differ; nothing was stored");
        }
        Ok(first)
    } else {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        Ok(line.trim_end_matches(['\r', '\n']).to_string())
    }
}

pub async fn add(store: &Store, args: AddUser) -> anyhow::Result<()> {
    let username = args.username.trim().to_string();
    if username.is_empty()
        || username.len() > 64
        || username
            .chars()
            .any(|c| c.is_whitespace() || c.is_control())
    {
        anyhow::bail!("--username must be 1-64 characters without spaces; nothing was stored");
    }
    if args.display_name.trim().is_empty() {
        anyhow::bail!("--display-name must not be empty; nothing was stored");
    }
    let org = match (store.organisation_by_name(&args.organisation).await?, args.organisation_kind) {
        (Some(org), _) => org,
        (None, Some(kind)) => {
            let country = args.country.trim().to_ascii_uppercase();
            if country.len() != 2 || !country.chars().all(|c| c.is_ascii_alphabetic()) {
                anyhow::bail!("--country must be a two-letter ISO 3166 code; nothing was stored");
            }
            store
                .ensure_organisation(&NewOrganisation {
                    name: args.organisation.trim().to_string(),
                    kind,
                    country,
                    is_demo: false,
                })
                .await?
        }
        (None, None) => anyhow::bail!(
            "no organisation named {:?}; add --organisation-kind (counselling or iom_mission) to create it",
            args.organisation
        ),
    };
    if !args.role.allowed_in(org.kind) {
        anyhow::bail!(
            "a {} cannot belong to a {}; nothing was stored",
            args.role.label(),
            org.kind.label()
        );
    }
    if store.user_credentials(&username).await?.is_some() {
        anyhow::bail!("the username {username:?} is already taken; nothing was stored");
    }
    let password = read_password()?;
    validate_new(&password, &username)
        .map_err(|p| anyhow::anyhow!("password rejected: {p}; nothing was stored"))?;
    let password_hash = tokio::task::spawn_blocking(move || hash_blocking(&password)).await?;
    let audit = NewAuditEvent {
        organisation_id: Some(org.id.clone()),
        ..NewAuditEvent::new("user.create.cli", AuditOutcome::Allowed)
    };
    let user = store
        .create_user(
            &NewUser {
                organisation_id: org.id.clone(),
                username,
                display_name: args.display_name.trim().to_string(),
                role: args.role,
                password_hash,
            },
            audit,
        )
        .await
        .map_err(|e| match e {
            StoreError::Taken(what) => {
                anyhow::anyhow!("{what} is already taken; nothing was stored")
            }
            other => other.into(),
        })?;
    tracing::info!(user.id = %user.id, role = %user.role, "user added");
    println!(
        "Added {} {:?} to {}.",
        user.role.label(),
        user.username,
        org.name
    );
    Ok(())
}
