//! The second sign-in step: a one-time code from an authenticator app
//! (TOTP), its set-up and its removal.
//!
//! After a right password, a user with a second factor (or one who must
//! have one) gets no session yet: a short-lived challenge cookie takes them
//! to the code page. Code guesses count against the account's sign-in
//! throttle, and each code works once.

use super::auth::{
    client_address, current_session, request_headers, respond_with, set_cookie, start_session,
    throttle_keys, throttled,
};
use super::cookies;
use super::state::{app_state, AppState};
use super::totp;
use crate::api::account::SecondFactorStatusView;
use crate::api::auth::{ChallengeView, Enrolment};
use crate::domain::navigation::{safe_next, second_factor_path};
use crate::domain::policy::second_factor_mandatory;
use crate::domain::throttle;
use crate::error::AppError;
use crate::i18n::{t, K};
use crate::store::{
    AuditOutcome, Challenge, NewAuditEvent, SessionActor, StoreError, User, UserChange,
    UserCredentials,
};
use chrono::Utc;
use http::HeaderMap;

/// Wrong codes after which a challenge ends (back to the password).
const CHALLENGE_MAX_FAILURES: i64 = 3;

fn challenge_cookie(token: Option<&str>, secure: bool) -> String {
    match token {
        Some(t) => cookies::CHALLENGE.set(t, secure),
        None => cookies::CHALLENGE.clear(secure),
    }
}

fn by(user: &User, action: &'static str, outcome: AuditOutcome) -> NewAuditEvent {
    NewAuditEvent::new(action, outcome).by(&user.id, user.role, &user.organisation_id)
}

/// After a right password: opens a challenge and sends the user to the
/// code page.
pub(crate) async fn ask_for_code(
    state: &AppState,
    user: &User,
    next: &str,
) -> Result<(), AppError> {
    let token = super::auth::new_token();
    state
        .store
        .create_challenge(
            &super::auth::token_hash(&token),
            &Challenge {
                user_id: user.id.clone(),
                next_path: safe_next(next).to_string(),
                failures: 0,
            },
            Utc::now(),
            chrono::Duration::seconds(cookies::CHALLENGE.max_age.unwrap_or(300)),
            by(user, "auth.challenge", AuditOutcome::Allowed),
        )
        .await
        .map_err(AppError::internal)?;
    set_cookie(challenge_cookie(
        Some(&token),
        state.sessions.secure_cookies,
    ))?;
    tracing::info!(user.id = %user.id, "password accepted, asking for the second factor");
    leptos_axum::redirect(&second_factor_path(next));
    Ok(())
}

/// The challenge of this request and its user, or `Unauthenticated`: no
/// challenge, an expired or used one, a user deactivated meanwhile, or one
/// who no longer needs a second factor.
async fn open_challenge(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<(String, Challenge, UserCredentials), AppError> {
    let expired = || respond_with(AppError::Unauthenticated);
    let token = cookies::CHALLENGE
        .token(headers, state.sessions.secure_cookies)
        .ok_or_else(expired)?;
    let hash = super::auth::token_hash(&token);
    let challenge = state
        .store
        .challenge(&hash, Utc::now())
        .await
        .map_err(AppError::internal)?
        .ok_or_else(expired)?;
    let creds = state
        .store
        .user_credentials_by_id(&challenge.user_id)
        .await
        .map_err(AppError::internal)?
        .filter(|c| c.user.active)
        .filter(|c| {
            c.user.totp_enabled || second_factor_mandatory(c.user.role, state.require_second_factor)
        })
        .ok_or_else(expired)?;
    Ok((hash, challenge, creds))
}

/// For the code page: whether the user has yet to set up their app (then
/// with what to scan).
pub async fn challenge_view() -> Result<ChallengeView, AppError> {
    let state = app_state()?;
    let headers = request_headers().await?;
    let (hash, _, creds) = open_challenge(&state, &headers).await?;
    let enrolment = match creds.second_factor.secret {
        Some(_) => None,
        None => Some(pending_enrolment(&state, &creds, &hash).await?),
    };
    Ok(ChallengeView { enrolment })
}

/// The set-up details of a secret being set up for `owner` (the challenge
/// or session, by token hash), made now if that owner has none: a reload
/// shows the same code to scan, and nobody else ever sees it.
async fn pending_enrolment(
    state: &AppState,
    creds: &UserCredentials,
    owner: &str,
) -> Result<Enrolment, AppError> {
    let user = &creds.user;
    let f = &creds.second_factor;
    let secret = match (&f.pending, &f.pending_for) {
        (Some(sealed), Some(for_owner)) if for_owner == owner => state
            .secret_key
            .open(sealed, &user.id)
            .map_err(AppError::internal)?,
        _ => {
            let secret = totp::new_secret();
            let sealed = state.secret_key.seal(&secret, &user.id);
            state
                .store
                .set_pending_second_factor(&user.id, &sealed, owner)
                .await
                .map_err(AppError::internal)?;
            secret
        }
    };
    Ok(totp::enrolment(&secret, &user.username))
}

/// Checks a code against the user's secret (or, while setting up, the
/// pending one shown to `owner`, which then becomes theirs). Wrong codes
/// count against the account's throttle and a day-long count of its own;
/// each code works once.
async fn check_code(
    state: &AppState,
    headers: &HeaderMap,
    creds: &UserCredentials,
    code: &str,
    owner: &str,
) -> Result<(), AppError> {
    let user = &creds.user;
    let address = client_address(state, headers).await;
    let (account_key, address_key) = throttle_keys(&user.username, &address);
    let code_key = format!("second-factor:{}", user.id);
    let keys = [
        (account_key.as_str(), &throttle::ACCOUNT),
        (code_key.as_str(), &throttle::SECOND_FACTOR),
        (address_key.as_str(), &throttle::ADDRESS),
    ];
    let now = Utc::now();
    if let Some(wait) = state
        .store
        .claim_sign_in_attempt(&keys, now, by(user, "auth.throttled", AuditOutcome::Denied))
        .await
        .map_err(AppError::internal)?
    {
        return Err(throttled(wait));
    }
    let now_unix = now.timestamp().max(0) as u64;
    let f = &creds.second_factor;
    let pending = f
        .pending
        .as_ref()
        .filter(|_| f.pending_for.as_deref() == Some(owner));
    let accepted = match (&f.secret, pending) {
        (Some(sealed), _) => {
            let secret = state
                .secret_key
                .open(sealed, &user.id)
                .map_err(AppError::internal)?;
            match totp::matching_step(&secret, code, now_unix, f.last_step) {
                Some(step) => state
                    .store
                    .use_second_factor_step(&user.id, step)
                    .await
                    .map_err(AppError::internal)?,
                None => false,
            }
        }
        (None, Some(sealed)) => {
            let secret = state
                .secret_key
                .open(sealed, &user.id)
                .map_err(AppError::internal)?;
            match totp::matching_step(&secret, code, now_unix, None) {
                Some(step) => match state
                    .store
                    .change_user(
                        &user.id,
                        // The owner is the session (or the sign-in
                        // challenge) setting it up: other sessions end.
                        UserChange::EnableSecondFactor {
                            sealed_secret: sealed,
                            step,
                            keep_session: Some(owner),
                        },
                        by(user, "user.second_factor.enable", AuditOutcome::Allowed)
                            .about_user(&user.id),
                    )
                    .await
                {
                    Ok(()) => true,
                    // Confirmed meanwhile by another request: not twice.
                    Err(StoreError::NotFound) => false,
                    Err(e) => return Err(AppError::internal(e)),
                },
                None => false,
            }
        }
        (None, None) => false,
    };
    if !accepted {
        state
            .store
            .record_audit(by(user, "auth.second_factor", AuditOutcome::Failed))
            .await
            .map_err(AppError::internal)?;
        tracing::info!(user.id = %user.id, "one-time code refused");
        return Err(respond_with(AppError::InvalidCredentials));
    }
    // A right code ends the account's and the day-long count of failures,
    // and takes back its charge on the address.
    state
        .store
        .settle_sign_in_attempt(Some(&account_key), &keys[2..], now)
        .await
        .map_err(AppError::internal)?;
    state
        .store
        .settle_sign_in_attempt(Some(&code_key), &[], now)
        .await
        .map_err(AppError::internal)
}

/// The second sign-in step: with the right code the session starts and
/// the user goes where they were heading. A few wrong codes end the
/// challenge (back to the password).
pub async fn verify(code: &str) -> Result<(), AppError> {
    let state = app_state()?;
    let headers = request_headers().await?;
    let (hash, challenge, creds) = match open_challenge(&state, &headers).await {
        Ok(open) => open,
        Err(e) => {
            state
                .store
                .record_audit(NewAuditEvent::new(
                    "auth.second_factor",
                    AuditOutcome::Denied,
                ))
                .await
                .map_err(AppError::internal)?;
            return Err(e);
        }
    };
    match check_code(&state, &headers, &creds, code, &hash).await {
        Ok(()) => {}
        Err(AppError::InvalidCredentials) => {
            let ended = state
                .store
                .record_challenge_failure(&hash, CHALLENGE_MAX_FAILURES)
                .await
                .map_err(AppError::internal)?;
            if ended {
                set_cookie(challenge_cookie(None, state.sessions.secure_cookies))?;
                return Err(respond_with(AppError::Unauthenticated));
            }
            return Err(AppError::InvalidCredentials);
        }
        Err(e) => return Err(e),
    }
    set_cookie(challenge_cookie(None, state.sessions.secure_cookies))?;
    start_session(
        &state,
        &headers,
        &creds.user,
        Some(&hash),
        &challenge.next_path,
    )
    .await
}

async fn own_credentials(
    state: &AppState,
) -> Result<(SessionActor, UserCredentials, String), AppError> {
    let (actor, session_hash) = current_session().await?;
    let creds = state
        .store
        .user_credentials_by_id(&actor.user_id)
        .await
        .map_err(AppError::internal)?
        .ok_or_else(|| respond_with(AppError::Unauthenticated))?;
    Ok((actor, creds, session_hash))
}

pub async fn status() -> Result<SecondFactorStatusView, AppError> {
    let state = app_state()?;
    let (_, creds, _) = own_credentials(&state).await?;
    Ok(SecondFactorStatusView {
        enabled: creds.user.totp_enabled,
        mandatory: second_factor_mandatory(creds.user.role, state.require_second_factor),
    })
}

/// Set-up details for a signed-in user without a second factor (`None`
/// when they have one already).
pub async fn setup() -> Result<Option<Enrolment>, AppError> {
    let state = app_state()?;
    let (_, creds, session_hash) = own_credentials(&state).await?;
    if creds.user.totp_enabled {
        return Ok(None);
    }
    pending_enrolment(&state, &creds, &session_hash)
        .await
        .map(Some)
}

/// Confirms the set-up with the user's password and a first code; the
/// user's other sessions end.
pub async fn confirm(code: &str, password: String) -> Result<(), AppError> {
    let state = app_state()?;
    let headers = request_headers().await?;
    let (actor, creds, session_hash) = own_credentials(&state).await?;
    if creds.user.totp_enabled {
        return Err(respond_with(AppError::Conflict));
    }
    super::account::verify_own_password(&state, &actor, password, "user.second_factor.enable")
        .await
        .map_err(|e| match e {
            AppError::Invalid(_) => respond_with(AppError::invalid(
                "password",
                t(K::field_not_current_password),
            )),
            e => e,
        })?;
    check_code(&state, &headers, &creds, code, &session_hash)
        .await
        .map_err(|e| match e {
            AppError::InvalidCredentials => {
                respond_with(AppError::invalid("code", t(K::field_code_not_right)))
            }
            e => e,
        })?;
    tracing::info!(user.id = %creds.user.id, "second factor set up");
    Ok(())
}

/// Turns the signed-in user's second factor off (their password again
/// required); refused where the installation requires it. Their other
/// sessions end.
pub async fn disable(password: String) -> Result<(), AppError> {
    let state = app_state()?;
    let (actor, creds, session_hash) = own_credentials(&state).await?;
    let user = &creds.user;
    if second_factor_mandatory(user.role, state.require_second_factor) {
        state
            .store
            .record_audit(
                by(user, "user.second_factor.disable", AuditOutcome::Denied).about_user(&user.id),
            )
            .await
            .map_err(AppError::internal)?;
        return Err(respond_with(AppError::invalid(
            "password",
            t(K::field_two_step_required),
        )));
    }
    super::account::verify_own_password(&state, &actor, password, "user.second_factor.disable")
        .await
        .map_err(|e| match e {
            AppError::Invalid(_) => respond_with(AppError::invalid(
                "password",
                t(K::field_not_current_password),
            )),
            e => e,
        })?;
    state
        .store
        .change_user(
            &user.id,
            UserChange::ClearSecondFactor {
                keep_session: Some(&session_hash),
            },
            by(user, "user.second_factor.disable", AuditOutcome::Allowed).about_user(&user.id),
        )
        .await
        .map_err(AppError::internal)?;
    tracing::info!(user.id = %user.id, "second factor turned off");
    Ok(())
}
