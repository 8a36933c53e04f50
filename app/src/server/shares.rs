//! Links that open the client's copy of a plan (issue #6, item 4).
//!
//! A link is `/c/<token>`: 256 random bits, shown once to the counsellor
//! (and as a QR code); the database keeps only its SHA-256. A link expires
//! (at most 90 days), can be revoked, and may ask for a PIN (4–8 digits,
//! kept as an Argon2id hash; five wrong ones in a row lock it for 15
//! minutes, counted before the PIN is checked). A right PIN leaves a
//! sealed cookie for half an hour, so that switching language does not
//! ask again. Every opening and every wrong PIN is audited by the case's
//! code. The token never reaches the log: the request log writes `/c/…`,
//! and these handlers log the link's id and the case's code only.

use super::auth::{new_token, require_actor, token_hash};
use super::cases::{case_for, event, file_of};
use super::client_copy::{notice_page, pin_page, render, CopyMeta, CopyMode};
use super::cookies::{self, cookie_value};
use super::state::{app_state, AppState};
use crate::api::cases::{ShareCreated, ShareLinkView, ShareOutcome};
use crate::domain::policy::CaseAction;
use crate::domain::share::{
    check_new_link, expiry, link_state, LinkState, PinGuard, ShareProblem, LOCK_MINUTES,
};
use crate::error::AppError;
use crate::i18n::client::{fill, text, ClientLocale, CK};
use crate::store::{AuditOutcome, NewAuditEvent, NewShareLink, ShareLink};
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use http::{header, HeaderMap, HeaderValue, StatusCode};
use leptos::prelude::*;

/// How long a right PIN is remembered by the browser.
const PIN_COOKIE_MINUTES: i64 = 30;

/// The address of a link, as the counsellor's browser reached the server
/// (the `Host` it asked for; https when cookies are marked secure).
fn link_address(headers: &HeaderMap, secure: bool, token: &str) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            h.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b))
        })
        .unwrap_or("localhost");
    let scheme = if secure { "https" } else { "http" };
    format!("{scheme}://{host}/c/{token}")
}

fn qr_svg(text: &str) -> String {
    qrcode::QrCode::new(text.as_bytes())
        .map(|qr| {
            qr.render::<qrcode::render::svg::Color>()
                .min_dimensions(200, 200)
                .quiet_zone(true)
                .build()
        })
        .unwrap_or_default()
}

/// The name of the IOM mission chosen in the plan's travel step.
async fn mission_name(
    store: &crate::store::Store,
    file: &crate::domain::case_file::CaseFile,
) -> Result<Option<String>, crate::store::StoreError> {
    match &file.travel.mission_id {
        Some(id) => Ok(store.organisation(id).await?.map(|o| o.name)),
        None => Ok(None),
    }
}

fn view_of(l: &ShareLink, now: DateTime<Utc>) -> ShareLinkView {
    ShareLinkView {
        id: l.id.clone(),
        language: l.language.clone(),
        has_pin: l.pin_hash.is_some(),
        created_at: l.created_at.timestamp(),
        created_by: l.created_by_name.clone(),
        expires_at: l.expires_at.timestamp(),
        state: link_state(l.expires_at, l.revoked_at, now),
        views: l.views,
        last_view_at: l.last_view_at.map(|t| t.timestamp()),
    }
}

/// Makes a link to the client's copy of the case.
pub async fn create_share(
    code: String,
    language: String,
    days: i64,
    pin: String,
) -> Result<ShareOutcome, AppError> {
    let state = app_state()?;
    let a = require_actor().await?;
    let c = case_for(&a, &code, CaseAction::ShareWithClient, "case.share.create").await?;
    super::cases::refuse_if_closed(&a, &c, "case.share.create").await?;
    if super::cases::accepts_html().await {
        // A form posted without the page's script could not show the new
        // link's address (it is shown once, never put in an address):
        // nothing is made, and the page says why.
        leptos_axum::redirect(&format!("/cases/{}/review?share=script", c.code.as_str()));
        return Ok(ShareOutcome::Invalid(Vec::new()));
    }
    let mut problems = check_new_link(days, &pin).err().unwrap_or_default();
    let locale = ClientLocale::from_code(&language);
    if locale.is_none() {
        problems.push(ShareProblem::Language);
    }
    let Some(locale) = locale.filter(|_| problems.is_empty()) else {
        return Ok(ShareOutcome::Invalid(problems));
    };
    let pin = pin.trim().to_string();
    let pin_hash = if pin.is_empty() {
        None
    } else {
        Some(state.hasher.hash(pin).await.map_err(AppError::internal)?)
    };
    let token = new_token();
    let now = Utc::now();
    let expires_at = expiry(now, days);
    let mut audit = event(&a, "case.share.create", AuditOutcome::Allowed);
    audit.case_code = Some(c.code.as_str().to_string());
    let id = state
        .store
        .create_share_link(
            &NewShareLink {
                case_id: &c.id,
                token_hash: &token_hash(&token),
                language: locale.code(),
                pin_hash: pin_hash.as_deref(),
                created_by: &a.user_id,
                created_at: now,
                expires_at,
            },
            &audit,
        )
        .await
        .map_err(AppError::internal)?;
    tracing::info!(case = %c.code.as_str(), link = %id, "client copy shared by link");
    let headers = super::auth::request_headers().await?;
    let url = link_address(&headers, state.sessions.secure_cookies, &token);
    let link = link_views(&c.id)
        .await?
        .into_iter()
        .find(|l| l.id == id)
        .ok_or_else(|| AppError::internal("a link just made is not listed"))?;
    Ok(ShareOutcome::Created(ShareCreated {
        qr_svg: qr_svg(&url),
        url,
        id,
        expires_at: expires_at.timestamp(),
        has_pin: pin_hash.is_some(),
        link,
    }))
}

/// Every link made for the case, the latest first.
pub async fn share_links(code: String) -> Result<Vec<ShareLinkView>, AppError> {
    let a = require_actor().await?;
    let c = case_for(&a, &code, CaseAction::ShareWithClient, "case.share.list").await?;
    link_views(&c.id).await
}

/// The links of a case as the counsellor's list shows them (the caller
/// checked that the user may see them).
pub(super) async fn link_views(case_id: &str) -> Result<Vec<ShareLinkView>, AppError> {
    let now = Utc::now();
    Ok(app_state()?
        .store
        .share_links_of_case(case_id)
        .await
        .map_err(AppError::internal)?
        .iter()
        .map(|l| view_of(l, now))
        .collect())
}

/// Switches a link off at once; true if it was on.
pub async fn revoke_share(code: String, id: String) -> Result<bool, AppError> {
    let state = app_state()?;
    let a = require_actor().await?;
    let c = case_for(&a, &code, CaseAction::ShareWithClient, "case.share.revoke").await?;
    let mut audit = event(&a, "case.share.revoke", AuditOutcome::Allowed);
    audit.case_code = Some(c.code.as_str().to_string());
    let revoked = state
        .store
        .revoke_share_link(&c.id, &id, &a.user_id, Utc::now(), &audit)
        .await
        .map_err(AppError::internal)?;
    if revoked {
        tracing::info!(case = %c.code.as_str(), link = %id, "client copy link revoked");
    }
    Ok(revoked)
}

// ---------- the link's own pages (no session: the token is the key) ----------

#[derive(serde::Deserialize)]
pub struct LangQuery {
    #[serde(default)]
    lang: String,
}

#[derive(serde::Deserialize)]
pub struct PinForm {
    #[serde(default)]
    pin: String,
}

fn page(status: StatusCode, html: String, cookie: Option<String>) -> Response {
    let mut res = (status, html).into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        "x-robots-tag",
        HeaderValue::from_static("noindex, nofollow"),
    );
    if let Some(c) = cookie.and_then(|c| HeaderValue::from_str(&c).ok()) {
        h.insert(header::SET_COOKIE, c);
    }
    res
}

fn internal(e: impl std::fmt::Display) -> Response {
    let e = AppError::internal(e);
    let reference = match &e {
        AppError::Internal { reference } => reference.clone(),
        _ => String::new(),
    };
    page(
        StatusCode::INTERNAL_SERVER_ERROR,
        notice_page(
            ClientLocale::En,
            CK::share_unknown_title,
            view! { <p>{format!("Something went wrong on our side (reference {reference}).")}</p> },
        ),
        None,
    )
}

/// A share event for the audit log: no actor, the case by its code.
fn share_event(action: &'static str, outcome: AuditOutcome, link: &ShareLink) -> NewAuditEvent {
    let mut e = NewAuditEvent::new(action, outcome);
    e.case_code = Some(link.case_code.clone());
    e
}

/// The link of `token` and the language to show, or the page that says
/// why there is nothing to show. A try at an ended link is audited when
/// `opening` (a person opening it, not a HEAD request checking it).
async fn usable_link(
    state: &AppState,
    token: &str,
    lang: &str,
    opening: bool,
) -> Result<(ShareLink, ClientLocale), Response> {
    let plain = |l: ClientLocale, heading: CK, body: CK, status: StatusCode| {
        page(
            status,
            notice_page(l, heading, view! { <p>{text(l, body)}</p> }),
            None,
        )
    };
    let asked = ClientLocale::from_code(lang);
    // Only tokens as we make them are looked up.
    let link = if token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit()) {
        state
            .store
            .share_link_by_token(&token_hash(token))
            .await
            .map_err(internal)?
    } else {
        None
    };
    let Some(link) = link else {
        return Err(plain(
            asked.unwrap_or_default(),
            CK::share_unknown_title,
            CK::share_unknown,
            StatusCode::NOT_FOUND,
        ));
    };
    let l = asked
        .or_else(|| ClientLocale::from_code(&link.language))
        .unwrap_or_default();
    let (heading, body) = match link_state(link.expires_at, link.revoked_at, Utc::now()) {
        LinkState::Active => return Ok((link, l)),
        LinkState::Expired => (CK::share_expired_title, CK::share_expired),
        LinkState::Revoked => (CK::share_revoked_title, CK::share_revoked),
    };
    if opening {
        state
            .store
            .record_audit(share_event("share.view", AuditOutcome::Denied, &link))
            .await
            .map_err(internal)?;
    }
    Err(plain(l, heading, body, StatusCode::GONE))
}

/// The client's copy of the link's case, counted and audited.
async fn show(
    state: &AppState,
    link: &ShareLink,
    l: ClientLocale,
    path: &str,
    cookie: Option<String>,
) -> Response {
    // A new cookie: the link was opened with its PIN just now.
    let right_pin = cookie.is_some();
    let now = Utc::now();
    let result: Result<String, String> = async {
        let case = state
            .store
            .case_by_code(&link.case_code)
            .await
            .map_err(|e| e.to_string())?
            .ok_or("the case of a link is gone")?;
        let sections = state
            .store
            .case_sections(&case.id)
            .await
            .map_err(|e| e.to_string())?;
        let file = file_of(&sections).map_err(|e| e.to_string())?;
        let organisation = state
            .store
            .organisation(&case.organisation_id)
            .await
            .map_err(|e| e.to_string())?
            .map(|o| o.name)
            .unwrap_or_default();
        let mission = mission_name(&state.store, &file)
            .await
            .map_err(|e| e.to_string())?;
        let copy = file.client_copy(&crate::catalog::planning());
        let meta = CopyMeta {
            code: case.code.as_str().to_string(),
            counsellor: case.owner_name.clone(),
            organisation,
            mission,
            made_on: now.date_naive(),
        };
        let mode = CopyMode::Shared {
            path: path.to_string(),
            valid_until: link.expires_at.date_naive(),
        };
        Ok(render(&copy, &meta, l, &mode))
    }
    .await;
    let html = match result {
        Ok(html) => html,
        Err(e) => return internal(e),
    };
    if let Err(e) = state
        .store
        .record_share_view(
            &link.id,
            now,
            right_pin,
            &share_event("share.view", AuditOutcome::Allowed, link),
        )
        .await
    {
        return internal(e);
    }
    tracing::info!(case = %link.case_code, link = %link.id, "client copy opened by link");
    page(StatusCode::OK, html, cookie)
}

/// Whether the browser holds a right PIN for this link from the last
/// half hour.
fn pin_remembered(state: &AppState, headers: &HeaderMap, link: &ShareLink) -> bool {
    let name = cookies::SHARE.name(state.sessions.secure_cookies);
    cookie_value(headers, &name)
        .and_then(|v| state.secret_key.open(&v, &link.id).ok())
        .and_then(|b| String::from_utf8(b).ok())
        .and_then(|s| s.parse::<i64>().ok())
        .is_some_and(|until| Utc::now().timestamp() < until)
}

/// `GET /c/<token>`: the copy, or the PIN form, or why neither.
pub async fn share_get(
    method: axum::http::Method,
    State(state): State<AppState>,
    Path(token): Path<String>,
    Query(q): Query<LangQuery>,
    headers: HeaderMap,
) -> Response {
    let head = method == axum::http::Method::HEAD;
    let (link, l) = match usable_link(&state, &token, &q.lang, !head).await {
        Ok(found) => found,
        Err(page) => return page,
    };
    // HEAD (a chat app or a link checker looking before it shows the
    // link): whether the link works, without the copy and without
    // counting a view.
    if head {
        return page(StatusCode::OK, String::new(), None);
    }
    let path = format!("/c/{token}");
    if link.pin_hash.is_some() && !pin_remembered(&state, &headers, &link) {
        return page(StatusCode::OK, pin_page(l, &path, None), None);
    }
    show(&state, &link, l, &path, None).await
}

/// `POST /c/<token>` with `pin`: the copy if the PIN is right.
pub async fn share_post(
    State(state): State<AppState>,
    Path(token): Path<String>,
    Query(q): Query<LangQuery>,
    axum::Form(form): axum::Form<PinForm>,
) -> Response {
    let (link, l) = match usable_link(&state, &token, &q.lang, true).await {
        Ok(found) => found,
        Err(page) => return page,
    };
    let path = format!("/c/{token}");
    let Some(hash) = link.pin_hash.clone() else {
        return show(&state, &link, l, &path, None).await;
    };
    let now = Utc::now();
    let guard = PinGuard {
        failed: link.failed_pins,
        locked_until: link.locked_until,
        locks: link.pin_locks,
    };
    // The lock this try would set if it fills the window.
    let lock_until = guard
        .reserve(now)
        .and_then(|g| g.locked_until)
        .unwrap_or(now + chrono::Duration::minutes(LOCK_MINUTES));
    match state.store.reserve_pin_try(&link.id, now, lock_until).await {
        Ok(true) => {}
        Ok(false) => {
            // Locked: say for how long (read again: a try at the same
            // moment may have just set the lock).
            let until = match state.store.share_link_by_token(&token_hash(&token)).await {
                Ok(l) => l.and_then(|l| l.locked_until),
                Err(e) => return internal(e),
            };
            let minutes = until
                .map(|t| ((t - now).num_seconds() + 59) / 60)
                .unwrap_or(LOCK_MINUTES)
                .max(1);
            let problem = fill(
                l,
                CK::share_pin_locked,
                &[("minutes", &minutes.to_string())],
            );
            if let Err(e) = state
                .store
                .record_audit(share_event("share.pin_locked", AuditOutcome::Denied, &link))
                .await
            {
                return internal(e);
            }
            return page(
                StatusCode::TOO_MANY_REQUESTS,
                pin_page(l, &path, Some(problem)),
                None,
            );
        }
        Err(e) => return internal(e),
    }
    let pin = form.pin.trim().to_string();
    let right = match state.hasher.verify(Some(hash), pin).await {
        Ok(right) => right,
        Err(e) => return internal(e),
    };
    if !right {
        let switched_off = match state
            .store
            .record_wrong_pin(
                &link.id,
                now,
                &share_event("share.pin", AuditOutcome::Denied, &link),
            )
            .await
        {
            Ok(off) => off,
            Err(e) => return internal(e),
        };
        tracing::info!(case = %link.case_code, link = %link.id, switched_off, "wrong PIN for a client copy link");
        if switched_off {
            return page(
                StatusCode::GONE,
                notice_page(
                    l,
                    CK::share_revoked_title,
                    view! { <p>{text(l, CK::share_revoked)}</p> },
                ),
                None,
            );
        }
        // Forbidden rather than 401: a PIN is not an HTTP authentication.
        return page(
            StatusCode::FORBIDDEN,
            pin_page(l, &path, Some(text(l, CK::share_pin_wrong).to_string())),
            None,
        );
    }
    let until = (now + chrono::Duration::minutes(PIN_COOKIE_MINUTES)).timestamp();
    let sealed = state
        .secret_key
        .seal(until.to_string().as_bytes(), &link.id);
    let cookie = cookies::SHARE.set(&sealed, state.sessions.secure_cookies);
    show(&state, &link, l, &path, Some(cookie)).await
}

/// The client's copy as the counsellor opens it from the plan, to print
/// or to show: the same page as a link shows, without language links.
/// Audited like an export.
pub async fn preview(code: String, language: String) -> Result<String, AppError> {
    let state = app_state()?;
    let a = require_actor().await?;
    let c = case_for(&a, &code, CaseAction::ShareWithClient, "case.client_copy").await?;
    let sections = state
        .store
        .case_sections(&c.id)
        .await
        .map_err(AppError::internal)?;
    let file = file_of(&sections)?;
    let l = ClientLocale::from_code(&language)
        .unwrap_or_else(|| ClientLocale::for_client(&file.first_contact.client.languages));
    let mission = mission_name(&state.store, &file)
        .await
        .map_err(AppError::internal)?;
    let meta = CopyMeta {
        code: c.code.as_str().to_string(),
        counsellor: c.owner_name.clone(),
        organisation: a.organisation_name.clone(),
        mission,
        made_on: a.clock.today(),
    };
    let html = render(
        &file.client_copy(&crate::catalog::planning()),
        &meta,
        l,
        &CopyMode::Preview,
    );
    let mut audit = event(&a, "case.client_copy", AuditOutcome::Allowed);
    audit.case_code = Some(c.code.as_str().to_string());
    audit.section = Some(l.code().to_string());
    super::cases::record(audit).await?;
    super::auth::answer_as_document("text/html; charset=utf-8", None);
    Ok(html)
}
