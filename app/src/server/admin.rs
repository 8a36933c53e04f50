//! User administration: admins manage the users of their own organisation.

use super::auth::{current_session, respond_with};
use super::password::validate_new;
use super::state::app_state;
use crate::domain::policy::{org_access, Actor, OrgAction};
use crate::domain::Role;
use crate::error::{AppError, FieldError};
use crate::store::{AuditOutcome, NewAuditEvent, SessionActor, StoreError, User};

fn policy_actor(a: &SessionActor) -> Actor {
    Actor {
        user_id: a.user_id.clone(),
        role: a.role,
        organisation_id: a.organisation_id.clone(),
        organisation_kind: a.organisation_kind,
    }
}

fn audit(a: &SessionActor, action: &'static str, outcome: AuditOutcome) -> NewAuditEvent {
    NewAuditEvent::new(action, outcome).by(&a.user_id, a.role, &a.organisation_id)
}

fn invalid(field: &str, message: impl Into<String>) -> AppError {
    respond_with(AppError::Invalid(vec![FieldError {
        field: field.into(),
        message: message.into(),
    }]))
}

/// The signed-in admin, or NotFound (audited) for anyone else: the user
/// administration does not exist for them.
async fn admin(action: &'static str) -> Result<SessionActor, AppError> {
    let state = app_state()?;
    let (actor, _) = current_session().await?;
    if org_access(
        &policy_actor(&actor),
        &actor.organisation_id,
        OrgAction::ManageUsers,
    ) {
        Ok(actor)
    } else {
        state
            .store
            .record_audit(audit(&actor, action, AuditOutcome::Denied))
            .await
            .map_err(AppError::internal)?;
        tracing::warn!(user.id = %actor.user_id, action, "user administration refused");
        Err(respond_with(AppError::NotFound))
    }
}

/// A user of the admin's own organisation, or NotFound.
async fn own_user(
    actor: &SessionActor,
    user_id: &str,
    action: &'static str,
) -> Result<User, AppError> {
    let state = app_state()?;
    let user = state
        .store
        .user(user_id)
        .await
        .map_err(AppError::internal)?;
    match user {
        Some(u) if u.organisation_id == actor.organisation_id => Ok(u),
        _ => {
            state
                .store
                .record_audit(audit(actor, action, AuditOutcome::Denied))
                .await
                .map_err(AppError::internal)?;
            Err(respond_with(AppError::NotFound))
        }
    }
}

pub async fn list_users() -> Result<Vec<User>, AppError> {
    let actor = admin("user.list").await?;
    app_state()?
        .store
        .users_of(&actor.organisation_id)
        .await
        .map_err(AppError::internal)
}

fn parse_role(actor: &SessionActor, role: &str) -> Result<Role, AppError> {
    let role: Role = role.parse().map_err(|_| invalid("role", "choose a role"))?;
    if !role.allowed_in(actor.organisation_kind) {
        return Err(invalid(
            "role",
            format!(
                "a {} cannot belong to a {}",
                role.label(),
                actor.organisation_kind.label()
            ),
        ));
    }
    Ok(role)
}

pub async fn create_user(
    username: String,
    display_name: String,
    role: String,
    password: String,
) -> Result<User, AppError> {
    let actor = admin("user.create").await?;
    let state = app_state()?;
    let username = username.trim().to_string();
    let mut problems = Vec::new();
    if username.is_empty()
        || username.chars().count() > 64
        || username
            .chars()
            .any(|c| c.is_whitespace() || c.is_control())
    {
        problems.push(FieldError {
            field: "username".into(),
            message: "1 to 64 characters, no spaces".into(),
        });
    }
    if display_name.trim().is_empty() || display_name.chars().count() > 120 {
        problems.push(FieldError {
            field: "display_name".into(),
            message: "enter a name of up to 120 characters".into(),
        });
    }
    let role = match parse_role(&actor, &role) {
        Ok(r) => Some(r),
        Err(AppError::Invalid(mut f)) => {
            problems.append(&mut f);
            None
        }
        Err(e) => return Err(e),
    };
    if let Err(p) = validate_new(&password, &username) {
        problems.push(FieldError {
            field: "password".into(),
            message: p.to_string(),
        });
    }
    let (Some(role), true) = (role, problems.is_empty()) else {
        return Err(respond_with(AppError::Invalid(problems)));
    };
    let password_hash = state
        .hasher
        .hash(password)
        .await
        .map_err(AppError::internal)?;
    let new = crate::store::NewUser {
        organisation_id: actor.organisation_id.clone(),
        username,
        display_name: display_name.trim().to_string(),
        role,
        password_hash,
    };
    match state
        .store
        .create_user(&new, audit(&actor, "user.create", AuditOutcome::Allowed))
        .await
    {
        Ok(user) => {
            tracing::info!(user.id = %user.id, by = %actor.user_id, role = %role, "user created");
            Ok(user)
        }
        Err(StoreError::Taken(_)) => Err(invalid("username", "this username is taken")),
        Err(e) => Err(AppError::internal(e)),
    }
}

pub async fn set_active(user_id: String, active: bool) -> Result<(), AppError> {
    let actor = admin("user.set_active").await?;
    let user = own_user(&actor, &user_id, "user.set_active").await?;
    if user.id == actor.user_id && !active {
        return Err(invalid(
            "user",
            "you cannot deactivate yourself; ask another admin",
        ));
    }
    let action = if active {
        "user.activate"
    } else {
        "user.deactivate"
    };
    app_state()?
        .store
        .set_user_active(
            &user.id,
            active,
            audit(&actor, action, AuditOutcome::Allowed),
        )
        .await
        .map_err(AppError::internal)?;
    tracing::info!(user.id = %user.id, by = %actor.user_id, active, "user activity changed");
    Ok(())
}

pub async fn set_role(user_id: String, role: String) -> Result<(), AppError> {
    let actor = admin("user.set_role").await?;
    let user = own_user(&actor, &user_id, "user.set_role").await?;
    let role = parse_role(&actor, &role)?;
    if user.id == actor.user_id && role != Role::Admin {
        return Err(invalid(
            "role",
            "you cannot remove your own admin role; ask another admin",
        ));
    }
    app_state()?
        .store
        .set_user_role(
            &user.id,
            role,
            audit(&actor, "user.set_role", AuditOutcome::Allowed),
        )
        .await
        .map_err(AppError::internal)?;
    Ok(())
}

/// Sets a new password for a user (who forgot theirs); all their sessions end.
pub async fn reset_password(user_id: String, password: String) -> Result<(), AppError> {
    let actor = admin("user.reset_password").await?;
    let user = own_user(&actor, &user_id, "user.reset_password").await?;
    if let Err(p) = validate_new(&password, &user.username) {
        return Err(invalid("password", p.to_string()));
    }
    let state = app_state()?;
    let hash = state
        .hasher
        .hash(password)
        .await
        .map_err(AppError::internal)?;
    state
        .store
        .set_password_hash(
            &user.id,
            &hash,
            None,
            audit(&actor, "user.reset_password", AuditOutcome::Allowed),
        )
        .await
        .map_err(AppError::internal)?;
    Ok(())
}
