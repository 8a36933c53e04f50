//! Accounts that read cases are set up by the person who holds them, with
//! a one-time code: no admin ever sets, or knows, a password that opens
//! cases (issue #16, "no back door for admins").
//!
//! An admin makes the account, or resets its password, and it waits with
//! no usable password. A supervisor of the organisation — who reads its
//! cases already, so the code gives them nothing new — makes a code and
//! gives it to the person; with it and their username the person chooses
//! their password at `/setup`. Where an organisation has no supervisor to
//! do it, the operator makes the code with `safeplan user setup-code`.

use super::admin::{allowed_to, audit, invalid};
use super::auth::{
    client_address, current_session, request_headers, respond_with, set_cookie, throttle_keys,
    throttled,
};
use super::cookies::{cookie_value, SETUP_CODE};
use super::password::validate_new;
use super::state::app_state;
use crate::domain::policy::OrgAction;
use crate::domain::throttle;
use crate::error::AppError;
use crate::i18n::{t, K};
use crate::store::{AccountSetup, AuditOutcome, NewAuditEvent, SessionActor, StoreError};
use chrono::{DateTime, Duration, Utc};
use sha2::{Digest, Sha256};

/// How long a set-up code works.
pub const CODE_VALID_FOR: Duration = Duration::hours(72);

/// The letters of a code: no 0/O, 1/I, to be read out and typed.
const ALPHABET: &[u8; 32] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";

/// A new code: 12 letters (60 random bits), in groups of four. Guessing is
/// throttled like signing in, and a code works once, for one account, for
/// [`CODE_VALID_FOR`].
pub fn new_code() -> String {
    use rand::Rng;
    let mut rng = rand::thread_rng();
    let letters: Vec<char> = (0..12)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect();
    letters
        .chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}

/// What is stored of a code: the SHA-256 of its letters, upper-case,
/// without spaces or dashes (as the person may type it).
pub fn code_hash(code: &str) -> String {
    let letters: String = code
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    hex::encode(Sha256::digest(letters.as_bytes()))
}

/// The signed-in supervisor, or NotFound (audited) for anyone else.
async fn supervisor(action: &'static str) -> Result<SessionActor, AppError> {
    allowed_to(OrgAction::SetUpAccounts, action).await
}

/// The accounts of the supervisor's organisation waiting to be set up.
pub async fn waiting() -> Result<Vec<AccountSetup>, AppError> {
    let actor = supervisor("user.setup.list").await?;
    app_state()?
        .store
        .account_setups(&actor.organisation_id)
        .await
        .map_err(AppError::internal)
}

/// Makes a new set-up code for an account of the supervisor's organisation
/// that waits to be set up (an earlier code stops working). The code is
/// shown this once: only its hash is kept.
pub async fn issue_code(
    user_id: String,
) -> Result<(crate::store::User, String, DateTime<Utc>), AppError> {
    let action = "user.setup_code.issue";
    let actor = supervisor(action).await?;
    let state = app_state()?;
    let waiting = state
        .store
        .account_setups(&actor.organisation_id)
        .await
        .map_err(AppError::internal)?;
    let Some(setup) = waiting
        .iter()
        .find(|s| s.user.id == user_id && s.user.active && s.user.id != actor.user_id)
    else {
        state
            .store
            .record_audit(audit(&actor, action, AuditOutcome::Denied))
            .await
            .map_err(AppError::internal)?;
        return Err(respond_with(AppError::NotFound));
    };
    let code = new_code();
    let expires = Utc::now() + CODE_VALID_FOR;
    state
        .store
        .issue_setup_code(
            &setup.user.id,
            &code_hash(&code),
            Some(&actor.user_id),
            expires,
            audit(&actor, action, AuditOutcome::Allowed),
        )
        .await
        .map_err(AppError::internal)?;
    tracing::info!(user.id = %setup.user.id, by = %actor.user_id, "set-up code made");
    Ok((setup.user.clone(), code, expires))
}

/// The person sets up their account: their username, the code they were
/// given, and the password they choose (twice). Wrong codes are throttled
/// as wrong passwords are, per account and per address; every wrong code
/// gets the same answer, whatever was wrong.
pub async fn complete(
    username: String,
    code: String,
    password: String,
    repeat: String,
) -> Result<(), AppError> {
    let state = app_state()?;
    let headers = request_headers().await?;
    let address = client_address(&state, &headers).await;
    // Code guesses count per account apart from password guesses (a
    // person locked out by wrong passwords can still set up), and per
    // address together with them.
    let (account_key, address_key) = throttle_keys(&username, &address);
    let setup_key = format!("setup:{account_key}");
    let keys = [
        (setup_key.as_str(), &throttle::ACCOUNT),
        (address_key.as_str(), &throttle::ADDRESS),
    ];
    let now = Utc::now();
    if let Some(wait) = state
        .store
        .claim_sign_in_attempt(
            &keys,
            now,
            NewAuditEvent::new("user.setup.throttled", AuditOutcome::Denied),
        )
        .await
        .map_err(AppError::internal)?
    {
        return Err(throttled(wait));
    }
    // Passwords that differ or break the rules guess no code: the charge
    // is taken back.
    let unfit = if password != repeat {
        Some(invalid("repeat", t(K::field_passwords_differ)))
    } else {
        validate_new(&password, &username)
            .err()
            .map(|problem| invalid("password", crate::i18n::password_problem(problem)))
    };
    if let Some(e) = unfit {
        state
            .store
            .settle_sign_in_attempt(None, &keys, now)
            .await
            .map_err(AppError::internal)?;
        return Err(e);
    }
    let hash = state
        .hasher
        .hash(password)
        .await
        .map_err(AppError::internal)?;
    match state
        .store
        .complete_setup(
            &username,
            &code_hash(&code),
            &hash,
            &[&account_key, &setup_key],
            now,
        )
        .await
    {
        Ok(user) => {
            state
                .store
                .settle_sign_in_attempt(None, &keys[1..], now)
                .await
                .map_err(AppError::internal)?;
            tracing::info!(user.id = %user.id, "account set up by its holder");
            Ok(())
        }
        Err(StoreError::NotFound) => {
            // The attempt stays charged. A known account's supervisors see
            // the failure in their audit log.
            let mut event = NewAuditEvent::new("user.setup.complete", AuditOutcome::Failed);
            if let Some(c) = state
                .store
                .user_credentials(&username)
                .await
                .map_err(AppError::internal)?
            {
                event = event
                    .by(&c.user.id, c.user.role, &c.user.organisation_id)
                    .about_user(&c.user.id);
            }
            state
                .store
                .record_audit(event)
                .await
                .map_err(AppError::internal)?;
            tracing::info!("account set-up refused: no such code");
            Err(invalid("code", t(K::field_setup_code_wrong)))
        }
        Err(e) => Err(AppError::internal(e)),
    }
}

/// A code just made, as the page shows it once: username, display name,
/// code, and until when it works (Unix seconds).
pub type MadeCode = (String, String, String, i64);

/// A code made from a page without WASM (the browser asks for HTML) would
/// be lost in the redirect back to the page: it is sealed with the
/// server's key for the supervisor's own session into a cookie of two
/// minutes, which the page reads once ([`take_made_code`]). Never in the
/// address, where the browser's history would keep it.
pub async fn keep_for_page_without_wasm(made: &MadeCode) -> Result<(), AppError> {
    if !super::cases::accepts_html().await {
        return Ok(());
    }
    let state = app_state()?;
    let (_, session) = current_session().await?;
    let plain = serde_json::to_vec(made).map_err(AppError::internal)?;
    let sealed = state.secret_key.seal(&plain, &session);
    set_cookie(SETUP_CODE.set(&sealed, state.sessions.secure_cookies))?;
    leptos_axum::redirect("/accounts/setup");
    Ok(())
}

/// The code kept by [`keep_for_page_without_wasm`], once: the cookie is
/// cleared as it is read, and opens only for the session it was made in.
pub async fn take_made_code() -> Result<Option<MadeCode>, AppError> {
    let state = app_state()?;
    let secure = state.sessions.secure_cookies;
    let headers = request_headers().await?;
    let Some(sealed) = cookie_value(&headers, &SETUP_CODE.name(secure)) else {
        return Ok(None);
    };
    set_cookie(SETUP_CODE.clear(secure))?;
    let (_, session) = current_session().await?;
    Ok(state
        .secret_key
        .open(&sealed, &session)
        .ok()
        .and_then(|plain| serde_json::from_slice(&plain).ok()))
}

/// A set-up form posted without WASM (the browser asks for HTML): done,
/// the person goes on to sign in; refused, back to the form with what was
/// wrong in its address (`?error=code|repeat|password|wait`), never what
/// they typed.
pub async fn form_result(result: Result<(), AppError>) -> Result<(), AppError> {
    if !super::cases::accepts_html().await {
        return result;
    }
    let code = match &result {
        Ok(()) => {
            leptos_axum::redirect("/login?setup=done");
            return Ok(());
        }
        Err(AppError::Invalid(fields)) => fields
            .first()
            .map(|f| f.field.as_str())
            .filter(|f| matches!(*f, "code" | "repeat" | "password"))
            .unwrap_or("request"),
        Err(AppError::RateLimited { .. }) => "wait",
        Err(_) => return result,
    };
    leptos_axum::redirect(&format!("/setup?error={code}"));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_random_readable_and_typed_loosely() {
        let a = new_code();
        assert_eq!(a.len(), 14, "{a}");
        assert!(a.chars().all(|c| c == '-' || ALPHABET.contains(&(c as u8))));
        assert_ne!(a, new_code());
        let typed = a.to_lowercase().replace('-', " ");
        assert_eq!(code_hash(&typed), code_hash(&a));
        assert_ne!(code_hash(&a), code_hash(&new_code()));
    }
}
