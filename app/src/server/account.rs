//! The signed-in user's own account.

use super::auth::{current_session, respond_with, throttle_key_for_account};
use super::password::validate_new;
use super::state::{app_state, AppState};
use crate::domain::throttle;
use crate::error::{AppError, FieldError};
use crate::i18n::{t, K};
use crate::store::{AuditOutcome, NewAuditEvent, SessionActor, UserChange};
use chrono::Utc;

/// Changes the signed-in user's password. The current password is required
/// (and wrong guesses count towards the account's sign-in throttle); every
/// other session of the user ends.
pub async fn change_own_password(
    current: String,
    new: String,
    repeat: String,
) -> Result<(), AppError> {
    let state = app_state()?;
    let (actor, session_hash) = current_session().await?;
    verify_own_password(&state, &actor, current, "user.password.change").await?;
    if new != repeat {
        return Err(respond_with(field_error(
            "repeat",
            t(K::field_passwords_differ),
        )));
    }
    if let Err(problem) = validate_new(&new, &actor.username) {
        return Err(respond_with(field_error(
            "new",
            crate::i18n::password_problem(problem),
        )));
    }
    let hash = state.hasher.hash(new).await.map_err(AppError::internal)?;
    let audit = NewAuditEvent::new("user.password.change", AuditOutcome::Allowed).by(
        &actor.user_id,
        actor.role,
        &actor.organisation_id,
    );
    state
        .store
        .change_user(
            &actor.user_id,
            UserChange::Password {
                hash: &hash,
                keep_session: Some(&session_hash),
                clear_throttle: None,
            },
            audit,
        )
        .await
        .map_err(AppError::internal)?;
    tracing::info!(user.id = %actor.user_id, "password changed");
    Ok(())
}

/// Checks the signed-in user's password before a change to their account.
/// Wrong guesses count towards the account's sign-in throttle and are
/// audited as failed `action`s; a field error on "current" or "password"
/// is returned.
pub(crate) async fn verify_own_password(
    state: &AppState,
    actor: &SessionActor,
    password: String,
    action: &'static str,
) -> Result<(), AppError> {
    let key = throttle_key_for_account(&actor.username);
    let now = Utc::now();
    let event = |action, outcome| {
        NewAuditEvent::new(action, outcome).by(&actor.user_id, actor.role, &actor.organisation_id)
    };
    let keys = [(key.as_str(), &throttle::ACCOUNT)];
    if let Some(wait) = state
        .store
        .claim_sign_in_attempt(&keys, now, event("auth.throttled", AuditOutcome::Denied))
        .await
        .map_err(AppError::internal)?
    {
        return Err(super::auth::throttled(wait));
    }
    let creds = state
        .store
        .user_credentials_by_id(&actor.user_id)
        .await
        .map_err(AppError::internal)?
        .ok_or_else(|| respond_with(AppError::Unauthenticated))?;
    let ok = state
        .hasher
        .verify(Some(creds.password_hash), password)
        .await
        .map_err(AppError::internal)?;
    if !ok {
        // The failure was charged by the claim above.
        state
            .store
            .record_audit(event(action, AuditOutcome::Failed))
            .await
            .map_err(AppError::internal)?;
        return Err(respond_with(field_error(
            "current",
            t(K::field_not_current_password),
        )));
    }
    state
        .store
        .settle_sign_in_attempt(Some(&key), &[], now)
        .await
        .map_err(AppError::internal)
}

fn field_error(field: &str, message: impl Into<String>) -> AppError {
    AppError::Invalid(vec![FieldError {
        field: field.into(),
        message: message.into(),
    }])
}

/// The signed-in user's live sessions, this one marked.
pub async fn list_own_sessions() -> Result<Vec<crate::api::account::SessionView>, AppError> {
    let state = app_state()?;
    let (actor, session_hash) = current_session().await?;
    let sessions = state
        .store
        .sessions_of(
            &actor.user_id,
            Utc::now(),
            state.sessions.idle,
            state.sessions.absolute,
        )
        .await
        .map_err(AppError::internal)?;
    Ok(sessions
        .into_iter()
        .map(|s| crate::api::account::SessionView {
            current: s.token_hash == session_hash,
            handle: s.handle,
            created_at: s.created_at.timestamp(),
            last_seen_at: s.last_seen_at.timestamp(),
        })
        .collect())
}

/// Ends one of the user's own sessions; someone else's does not exist.
pub async fn end_own_session(handle: String) -> Result<(), AppError> {
    let state = app_state()?;
    let (actor, session_hash) = current_session().await?;
    let handle = handle.trim().to_ascii_lowercase();
    // This browser's own session is ended by signing out, not from the list.
    if session_hash.starts_with(&handle) {
        return Err(respond_with(AppError::NotFound));
    }
    let audit = NewAuditEvent::new("auth.session.end", AuditOutcome::Allowed).by(
        &actor.user_id,
        actor.role,
        &actor.organisation_id,
    );
    let ended = state
        .store
        .end_own_session(&actor.user_id, &handle, audit)
        .await
        .map_err(AppError::internal)?;
    if ended {
        tracing::info!(user.id = %actor.user_id, "session ended from the account page");
        Ok(())
    } else {
        Err(respond_with(AppError::NotFound))
    }
}
