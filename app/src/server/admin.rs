//! User administration: admins manage the users of their own organisation.

use super::auth::{current_session, respond_with};
use super::password::validate_new;
use super::state::app_state;
use crate::domain::policy::{
    admin_credential, admin_may_change_role, org_access, Actor, AdminCredential, OrgAction,
};
use crate::domain::Role;
use crate::error::{AppError, FieldError};
use crate::i18n::{t, K};
use crate::store::{AuditOutcome, NewAuditEvent, SessionActor, StoreError, User, UserChange};

pub(super) fn policy_actor(a: &SessionActor) -> Actor {
    Actor {
        user_id: a.user_id.clone(),
        role: a.role,
        organisation_id: a.organisation_id.clone(),
        organisation_kind: a.organisation_kind,
    }
}

pub(super) fn audit(
    a: &SessionActor,
    action: &'static str,
    outcome: AuditOutcome,
) -> NewAuditEvent {
    NewAuditEvent::new(action, outcome).by(&a.user_id, a.role, &a.organisation_id)
}

pub(super) fn invalid(field: &str, message: impl Into<String>) -> AppError {
    respond_with(AppError::Invalid(vec![FieldError {
        field: field.into(),
        message: message.into(),
    }]))
}

/// The signed-in user when they may do `what` in their organisation, or
/// NotFound (audited as a denied `action`) for anyone else: the page or
/// function does not exist for them.
pub(super) async fn allowed_to(
    what: OrgAction,
    action: &'static str,
) -> Result<SessionActor, AppError> {
    let state = app_state()?;
    let (actor, _) = current_session().await?;
    if org_access(&policy_actor(&actor), &actor.organisation_id, what) {
        return Ok(actor);
    }
    state
        .store
        .record_audit(audit(&actor, action, AuditOutcome::Denied))
        .await
        .map_err(AppError::internal)?;
    tracing::warn!(user.id = %actor.user_id, action, "organisation action refused");
    Err(respond_with(AppError::NotFound))
}

/// The signed-in admin, or NotFound (audited) for anyone else: the user
/// administration does not exist for them.
async fn admin(action: &'static str) -> Result<SessionActor, AppError> {
    allowed_to(OrgAction::ManageUsers, action).await
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
    let role: Role = role
        .parse()
        .map_err(|_| invalid("role", t(K::field_choose_role)))?;
    if !role.allowed_in(actor.organisation_kind) {
        return Err(invalid(
            "role",
            crate::i18n::tf(
                K::field_role_not_allowed,
                &[
                    ("role", t(crate::i18n::role_key(role))),
                    (
                        "kind",
                        t(crate::i18n::org_kind_key(actor.organisation_kind)),
                    ),
                ],
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
            message: t(K::field_username_rule).into(),
        });
    }
    if display_name.trim().is_empty() || display_name.chars().count() > 120 {
        problems.push(FieldError {
            field: "display_name".into(),
            message: t(K::field_display_name_rule).into(),
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
    // A person who reads cases chooses their own password (with a code
    // from a supervisor); the admin sets only administrators' passwords.
    let holder_sets_up = role.is_some_and(|r| admin_credential(r) == AdminCredential::HolderSetsUp);
    if holder_sets_up {
        if !password.is_empty() {
            problems.push(FieldError {
                field: "password".into(),
                message: t(K::field_password_set_by_holder).into(),
            });
        }
    } else if let Err(p) = validate_new(&password, &username) {
        problems.push(FieldError {
            field: "password".into(),
            message: crate::i18n::password_problem(p),
        });
    }
    let (Some(role), true) = (role, problems.is_empty()) else {
        return Err(respond_with(AppError::Invalid(problems)));
    };
    let password_hash = if holder_sets_up {
        String::new()
    } else {
        state
            .hasher
            .hash(password)
            .await
            .map_err(AppError::internal)?
    };
    let new = crate::store::NewUser {
        organisation_id: actor.organisation_id.clone(),
        username,
        display_name: display_name.trim().to_string(),
        role,
        password_hash,
    };
    let event = audit(&actor, "user.create", AuditOutcome::Allowed);
    let created = if holder_sets_up {
        state
            .store
            .create_user_for_setup(&new, &actor.user_id, event)
            .await
    } else {
        state.store.create_user(&new, event).await
    };
    match created {
        Ok(user) => {
            tracing::info!(user.id = %user.id, by = %actor.user_id, role = %role, "user created");
            Ok(user)
        }
        Err(StoreError::Taken(_)) => Err(invalid("username", t(K::field_username_taken))),
        Err(e) => Err(AppError::internal(e)),
    }
}

/// Records a refused administrative action on `user`, and returns the
/// refusal.
async fn refuse(
    actor: &SessionActor,
    action: &'static str,
    user: &User,
    err: AppError,
) -> Result<(), AppError> {
    app_state()?
        .store
        .record_audit(audit(actor, action, AuditOutcome::Denied).about_user(&user.id))
        .await
        .map_err(AppError::internal)?;
    tracing::info!(user.id = %user.id, by = %actor.user_id, action, "user administration refused");
    Err(err)
}

/// Applies a change to a user of the admin's organisation, audited with
/// the user as subject.
async fn apply(
    actor: &SessionActor,
    action: &'static str,
    user: &User,
    change: UserChange<'_>,
) -> Result<(), AppError> {
    app_state()?
        .store
        .change_user(
            &user.id,
            change,
            audit(actor, action, AuditOutcome::Allowed).about_user(&user.id),
        )
        .await
        .map_err(AppError::internal)?;
    tracing::info!(user.id = %user.id, by = %actor.user_id, action, "user changed");
    Ok(())
}

/// Activates or deactivates a user; deactivation ends their sessions.
pub async fn set_active(user_id: String, active: bool) -> Result<(), AppError> {
    let action = if active {
        "user.activate"
    } else {
        "user.deactivate"
    };
    let actor = admin(action).await?;
    let user = own_user(&actor, &user_id, action).await?;
    if user.id == actor.user_id && !active {
        let err = invalid("user", t(K::field_no_self_deactivate));
        return refuse(&actor, action, &user, err).await;
    }
    apply(&actor, action, &user, UserChange::Active(active)).await
}

pub async fn set_role(user_id: String, role: String) -> Result<(), AppError> {
    let action = "user.set_role";
    let actor = admin(action).await?;
    let user = own_user(&actor, &user_id, action).await?;
    let role = match parse_role(&actor, &role) {
        Ok(role) => role,
        Err(err) => return refuse(&actor, action, &user, err).await,
    };
    if user.id == actor.user_id && role != Role::Admin {
        let err = invalid("role", t(K::field_no_self_demote));
        return refuse(&actor, action, &user, err).await;
    }
    if !admin_may_change_role(user.role, role) {
        let err = invalid("role", t(K::field_admin_account_stays_admin));
        return refuse(&actor, action, &user, err).await;
    }
    apply(&actor, action, &user, UserChange::Role(role)).await
}

/// Designates a user an editor of the social map, or no longer.
pub async fn set_directory_editor(user_id: String, editor: bool) -> Result<(), AppError> {
    let action = "user.set_directory_editor";
    let actor = admin(action).await?;
    let user = own_user(&actor, &user_id, action).await?;
    apply(&actor, action, &user, UserChange::DirectoryEditor(editor)).await
}

/// Resets the password of a user who forgot theirs; all their sessions
/// end. An account that reads cases gets no password from the admin: it
/// waits for its holder to set it up with a supervisor's code (`password`
/// must be empty). An administrator's account gets `password`, and its
/// sign-in throttle is lifted. Not for the admin's own password: that is
/// changed on the account page, with the current one.
pub async fn reset_password(user_id: String, password: String) -> Result<(), AppError> {
    let action = "user.reset_password";
    let actor = admin(action).await?;
    let user = own_user(&actor, &user_id, action).await?;
    if user.id == actor.user_id {
        let err = invalid("password", t(K::field_own_password_on_account));
        return refuse(&actor, action, &user, err).await;
    }
    if admin_credential(user.role) == AdminCredential::HolderSetsUp {
        if !password.is_empty() {
            let err = invalid("password", t(K::field_password_set_by_holder));
            return refuse(&actor, action, &user, err).await;
        }
        return apply(
            &actor,
            action,
            &user,
            UserChange::RequireSetup {
                requested_by: Some(&actor.user_id),
            },
        )
        .await;
    }
    if let Err(p) = validate_new(&password, &user.username) {
        return Err(invalid("password", crate::i18n::password_problem(p)));
    }
    let state = app_state()?;
    let hash = state
        .hasher
        .hash(password)
        .await
        .map_err(AppError::internal)?;
    let throttle_key = super::auth::throttle_key_for_account(&user.username);
    apply(
        &actor,
        action,
        &user,
        UserChange::Password {
            hash: &hash,
            keep_session: None,
            clear_throttle: Some(&throttle_key),
        },
    )
    .await
}

/// Turns a user's second factor off (a lost phone): all their sessions end.
pub async fn reset_second_factor(user_id: String) -> Result<(), AppError> {
    let action = "user.second_factor.reset";
    let actor = admin(action).await?;
    let user = own_user(&actor, &user_id, action).await?;
    if user.id == actor.user_id {
        let err = invalid("user", t(K::field_own_two_step_on_account));
        return refuse(&actor, action, &user, err).await;
    }
    apply(
        &actor,
        action,
        &user,
        UserChange::ClearSecondFactor { keep_session: None },
    )
    .await
}
