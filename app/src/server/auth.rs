//! Sessions and sign-in.
//!
//! The session cookie holds a random 256-bit token; the database holds only
//! its SHA-256, so a copy of the sessions table cannot be replayed.

use super::cookies;
use super::state::{app_state, AppState};
use crate::domain::navigation::safe_next;
use crate::domain::policy::second_factor_mandatory;
use crate::domain::throttle::{self, retry_after_secs};
use crate::error::AppError;
use crate::store::{AuditOutcome, NewAuditEvent, SessionActor};
use chrono::Utc;
use http::header::SET_COOKIE;
use http::{HeaderMap, HeaderValue};
use sha2::{Digest, Sha256};

pub fn new_token() -> String {
    use rand::RngCore;
    let mut b = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut b);
    hex::encode(b)
}

pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// The session token from a request's cookies, if any.
pub fn session_token(headers: &HeaderMap, secure: bool) -> Option<String> {
    cookies::SESSION.token(headers, secure)
}

/// The `Set-Cookie` value for a session token (or for clearing it).
pub fn session_cookie(token: Option<&str>, secure: bool) -> String {
    match token {
        Some(t) => cookies::SESSION.set(t, secure),
        None => cookies::SESSION.clear(secure),
    }
}

pub(crate) async fn request_headers() -> Result<HeaderMap, AppError> {
    leptos_axum::extract::<HeaderMap>()
        .await
        .map_err(AppError::internal)
}

/// The signed-in actor of the current request, if any.
pub async fn current_actor() -> Result<Option<SessionActor>, AppError> {
    let state = app_state()?;
    let headers = request_headers().await?;
    let Some(token) = session_token(&headers, state.sessions.secure_cookies) else {
        return Ok(None);
    };
    state
        .session_actor(&token_hash(&token))
        .await
        .map_err(AppError::internal)
}

/// The signed-in actor and the hash of their session token, or
/// `Unauthenticated` (answered with 401).
pub async fn current_session() -> Result<(SessionActor, String), AppError> {
    let state = app_state()?;
    let headers = request_headers().await?;
    let Some(token) = session_token(&headers, state.sessions.secure_cookies) else {
        return Err(respond_with(AppError::Unauthenticated));
    };
    let hash = token_hash(&token);
    let actor = state
        .session_actor(&hash)
        .await
        .map_err(AppError::internal)?;
    match actor {
        Some(a) => Ok((a, hash)),
        None => Err(respond_with(AppError::Unauthenticated)),
    }
}

/// The signed-in actor, or `Unauthenticated` (answered with 401).
pub async fn require_actor() -> Result<SessionActor, AppError> {
    match current_actor().await? {
        Some(actor) => Ok(actor),
        None => Err(respond_with(AppError::Unauthenticated)),
    }
}

/// Sets the HTTP status of the current response to match the error.
pub fn respond_with(e: AppError) -> AppError {
    if let Some(res) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
        // A page that sends the visitor elsewhere (to sign in, say) keeps
        // its redirect, whichever of its parts failed first.
        let redirecting = res
            .0
            .read()
            .is_ok_and(|parts| parts.headers.contains_key(http::header::LOCATION));
        if redirecting {
            return e;
        }
        res.set_status(
            http::StatusCode::from_u16(e.status())
                .unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR),
        );
    }
    e
}

/// Makes the current server function's answer a document the browser
/// shows or saves (a download, a page to print): this content type, never
/// cached, saved as `filename` if given. The status is set to 200 because
/// leptos_axum answers a plain form post with a redirect back to the
/// posting page unless told otherwise, and the document would be lost.
pub(crate) fn answer_as_document(content_type: &'static str, filename: Option<&str>) {
    let Some(res) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() else {
        return;
    };
    res.set_status(http::StatusCode::OK);
    res.insert_header(
        http::header::CONTENT_TYPE,
        HeaderValue::from_static(content_type),
    );
    res.insert_header(
        http::header::CACHE_CONTROL,
        HeaderValue::from_static("no-store"),
    );
    // Names are made of codes and fixed words: safe in a header.
    if let Some(v) =
        filename.and_then(|f| HeaderValue::from_str(&format!("attachment; filename=\"{f}\"")).ok())
    {
        res.insert_header(http::header::CONTENT_DISPOSITION, v);
    }
}

pub(crate) fn set_cookie(value: String) -> Result<(), AppError> {
    let res = leptos::prelude::use_context::<leptos_axum::ResponseOptions>()
        .ok_or_else(|| AppError::internal("ResponseOptions missing"))?;
    res.append_header(
        SET_COOKIE,
        HeaderValue::from_str(&value).map_err(AppError::internal)?,
    );
    Ok(())
}

/// The client's address: the socket peer, or the last value of the
/// configured proxy header when Safeplan runs behind a reverse proxy.
pub(crate) async fn client_address(state: &AppState, headers: &HeaderMap) -> String {
    match leptos_axum::extract::<axum::extract::ConnectInfo<std::net::SocketAddr>>().await {
        Ok(ci) => state.client_address.resolve(ci.0.ip(), headers).to_string(),
        Err(_) => "unknown".into(),
    }
}

/// Throttle keys are hashed, so that a password typed into the username
/// field is never stored.
pub fn throttle_key_for_account(username: &str) -> String {
    let account = crate::store::normalise_username(username);
    format!(
        "account:{}",
        hex::encode(Sha256::digest(account.as_bytes()))
    )
}

pub(crate) fn throttle_keys(username: &str, address: &str) -> (String, String) {
    (
        throttle_key_for_account(username),
        format!(
            "address:{}",
            hex::encode(Sha256::digest(address.as_bytes()))
        ),
    )
}

/// Answers 429 with Retry-After.
pub(crate) fn throttled(wait: chrono::Duration) -> AppError {
    let secs = retry_after_secs(wait);
    if let Some(res) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
        if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
            res.insert_header(http::header::RETRY_AFTER, v);
        }
    }
    respond_with(AppError::RateLimited {
        retry_after_secs: secs,
    })
}

/// Checks the credentials, starts a new session (a fresh id at every
/// sign-in), sets the cookie and redirects to `next` (a local path).
///
/// Failed attempts are throttled per account and per client address
/// (state in the database, shared by all instances): a throttled attempt is
/// refused with 429 before the password is even checked.
pub async fn sign_in(username: &str, password: String, next: &str) -> Result<(), AppError> {
    let state: AppState = app_state()?;
    let headers = request_headers().await?;
    let address = client_address(&state, &headers).await;
    let (account_key, address_key) = throttle_keys(username, &address);
    let now = Utc::now();
    let creds = state
        .store
        .user_credentials(username)
        .await
        .map_err(AppError::internal)?;
    // Events about a known account carry its organisation, so that its
    // supervisors see them; an unknown name has none.
    let about = |action: &'static str, outcome: AuditOutcome| {
        let event = NewAuditEvent::new(action, outcome);
        match &creds {
            Some(c) => event.by(&c.user.id, c.user.role, &c.user.organisation_id),
            None => event,
        }
    };
    let keys = [
        (account_key.as_str(), &throttle::ACCOUNT),
        (address_key.as_str(), &throttle::ADDRESS),
    ];
    if let Some(wait) = state
        .store
        .claim_sign_in_attempt(&keys, now, about("auth.throttled", AuditOutcome::Denied))
        .await
        .map_err(AppError::internal)?
    {
        tracing::warn!(
            retry_after_secs = retry_after_secs(wait),
            "sign-in throttled"
        );
        return Err(throttled(wait));
    }
    // An account waiting to be set up has no password: it is checked
    // against the stand-in hash, so that it takes as long as any other.
    let active = creds
        .as_ref()
        .filter(|c| c.user.active && !c.user.waiting_for_setup);
    let ok = state
        .hasher
        .verify(active.map(|c| c.password_hash.clone()), password)
        .await
        .map_err(AppError::internal)?;
    let user = match (ok, active) {
        (true, Some(c)) => &c.user,
        _ => {
            // The failure was charged by the claim above.
            state
                .store
                .record_audit(about("auth.login", AuditOutcome::Failed))
                .await
                .map_err(AppError::internal)?;
            tracing::info!(
                user.id = creds.as_ref().map(|c| c.user.id.as_str()),
                "sign-in refused"
            );
            return Err(respond_with(AppError::InvalidCredentials));
        }
    };
    if user.totp_enabled || second_factor_mandatory(user.role, state.require_second_factor) {
        // The password was right, so its advance charge is taken back; the
        // account's earlier failures stay until the second factor is
        // passed too (or a right password would reset the code guesses).
        state
            .store
            .settle_sign_in_attempt(None, &keys, now)
            .await
            .map_err(AppError::internal)?;
        return super::second_factor::ask_for_code(&state, user, next).await;
    }
    state
        .store
        .settle_sign_in_attempt(Some(&account_key), &keys[1..], now)
        .await
        .map_err(AppError::internal)?;
    start_session(&state, &headers, user, None, next).await
}

/// Starts a new session for `user` (a fresh id, replacing any session the
/// request presented), consuming a passed sign-in challenge; sets the
/// cookie and redirects to `next` (a local path).
pub(crate) async fn start_session(
    state: &AppState,
    headers: &HeaderMap,
    user: &crate::store::User,
    challenge_hash: Option<&str>,
    next: &str,
) -> Result<(), AppError> {
    if let Some(old) = session_token(headers, state.sessions.secure_cookies) {
        state
            .store
            .delete_session(&token_hash(&old))
            .await
            .map_err(AppError::internal)?;
    }
    let token = new_token();
    let audit = NewAuditEvent::new("auth.login", AuditOutcome::Allowed).by(
        &user.id,
        user.role,
        &user.organisation_id,
    );
    match state
        .store
        .create_session_after(
            challenge_hash,
            &token_hash(&token),
            &user.id,
            Utc::now(),
            audit,
        )
        .await
    {
        Ok(()) => {}
        // The challenge was used by a request racing with this one.
        Err(crate::store::StoreError::NotFound) => {
            return Err(respond_with(AppError::Unauthenticated))
        }
        Err(e) => return Err(AppError::internal(e)),
    }
    set_cookie(session_cookie(Some(&token), state.sessions.secure_cookies))?;
    // The language the user chose follows them to this browser.
    let language = state
        .store
        .user_language(&user.id)
        .await
        .map_err(AppError::internal)?;
    if let Some(locale) = language.as_deref().and_then(crate::i18n::Locale::from_code) {
        super::prefs::set_language_cookie(locale)?;
    }
    tracing::info!(user.id = %user.id, role = %user.role, "signed in");
    leptos_axum::redirect(safe_next(next));
    Ok(())
}

/// A sign-in form (password or code) posted without WASM (the browser asks
/// for HTML) gets its error back in the address of its own page, made by
/// `page` from `next`; a sign-in that has ended goes back to the first
/// step. (The server-function machinery would use the Referer, which sign-in
/// pages must not depend on.)
pub async fn sign_in_form_result(
    result: Result<(), AppError>,
    next: &str,
    page: fn(&str) -> String,
) -> Result<(), AppError> {
    let Err(e) = &result else { return result };
    let Some(code) = e.sign_in_code() else {
        return result;
    };
    let accepts_html = request_headers()
        .await?
        .get(http::header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"));
    if !accepts_html {
        return result;
    }
    let page = match e {
        AppError::Unauthenticated => crate::domain::navigation::login_path(next),
        _ => page(next),
    };
    leptos_axum::redirect(&format!("{page}&error={code}"));
    Ok(())
}

/// Ends the current session (if any), clears the cookie and redirects to
/// the sign-in page.
pub async fn sign_out() -> Result<(), AppError> {
    let state = app_state()?;
    if let Some(token) = session_token(&request_headers().await?, state.sessions.secure_cookies) {
        let hash = token_hash(&token);
        let actor = state
            .session_actor(&hash)
            .await
            .map_err(AppError::internal)?;
        let mut audit = NewAuditEvent::new("auth.logout", AuditOutcome::Allowed);
        if let Some(a) = &actor {
            audit = audit.by(&a.user_id, a.role, &a.organisation_id);
            tracing::info!(user.id = %a.user_id, "signed out");
        }
        state
            .store
            .end_session(&hash, audit)
            .await
            .map_err(AppError::internal)?;
    }
    set_cookie(session_cookie(None, state.sessions.secure_cookies))?;
    leptos_axum::redirect("/login");
    Ok(())
}

/// Marks the current session as used now.
pub async fn keep_alive() -> Result<(), AppError> {
    let state = app_state()?;
    let (_actor, hash) = current_session().await?;
    state
        .store
        .touch_session(&hash, Utc::now())
        .await
        .map_err(AppError::internal)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_stored_hashed() {
        let t = new_token();
        assert_eq!(t.len(), 64);
        assert_ne!(t, new_token());
        assert_ne!(token_hash(&t), t);
        assert_eq!(token_hash(&t).len(), 64);
    }
}
