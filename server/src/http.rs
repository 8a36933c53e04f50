//! The HTTP server: routes, middleware, static assets and graceful shutdown.

use crate::config::Config;
use app::server::{password::Hasher, AppState};
use app::{shell, App};
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, LeptosRoutes};
use std::time::Duration;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{
    MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

/// Largest request body accepted (forms and server-function calls).
pub const MAX_BODY_BYTES: usize = 256 * 1024;

/// Largest social map import (a CSV of some thousands of organisations,
/// sent as one form field).
pub const MAX_IMPORT_BYTES: usize = 8 * 1024 * 1024;

/// The largest body a path takes.
fn body_limit_for(path: &str) -> usize {
    if path == "/api/directory/import" {
        MAX_IMPORT_BYTES
    } else {
        MAX_BODY_BYTES
    }
}

/// Refuses a body over its path's limit: at once when its length is
/// declared (413), else when reading it passes the limit.
async fn body_limit(req: Request<Body>, next: Next) -> Response {
    let limit = body_limit_for(req.uri().path());
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit) {
        return too_large();
    }
    let (parts, body) = req.into_parts();
    let body = if declared.is_some() || matches!(parts.method, Method::GET | Method::HEAD) {
        Body::new(http_body_util::Limited::new(body, limit))
    } else {
        // No declared length (a chunked body): read up to the limit here,
        // so that passing it is answered 413, not found out by the handler
        // half-way through as an unreadable request.
        match axum::body::to_bytes(body, limit).await {
            Ok(bytes) => Body::from(bytes),
            Err(_) => return too_large(),
        }
    };
    next.run(Request::from_parts(parts, body)).await
}

fn too_large() -> Response {
    (
        StatusCode::PAYLOAD_TOO_LARGE,
        [(header::CACHE_CONTROL, NO_STORE)],
        "The request is too large.",
    )
        .into_response()
}

/// A request that takes longer is answered 408 and its work dropped.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// Hashed build outputs never change under the same name.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Pages and API answers may hold case data: never stored by a cache.
const NO_STORE: &str = "no-store";
/// Unhashed public files (favicon).
const SHORT: &str = "public, max-age=3600";

pub fn leptos_options(config: &Config) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name("safeplan")
        .site_root(config.site_root.to_string_lossy().to_string())
        .site_pkg_dir("pkg")
        .site_addr(config.bind)
        .hash_files(true)
        .build()
}

/// Builds the application router with all middleware.
pub fn router(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let options = state.leptos_options.clone();
    let pkg_dir =
        std::path::Path::new(options.site_root.as_ref()).join(options.site_pkg_dir.as_ref());

    let context_state = state.clone();
    let context = move || provide_context(context_state.clone());

    let assets = Router::new()
        .nest_service(
            "/pkg",
            ServeDir::new(pkg_dir)
                .precompressed_br()
                .precompressed_gzip()
                .append_index_html_on_directories(false),
        )
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            immutable_if_found,
        ));

    let fallback_state = state.clone();
    let app = Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        // Browsers ask for it on pages without an icon link (a client's
        // copy opened from a mail, say): the one icon there is.
        .route(
            "/favicon.ico",
            get(|| async { axum::response::Redirect::permanent("/favicon.svg") }),
        )
        // A client's copy shared by link (no session: the token is the key).
        .route(
            "/c/{token}",
            get(app::server::shares::share_get).post(app::server::shares::share_post),
        )
        .leptos_routes_with_context(&state, routes, context.clone(), {
            let options = options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(
            move || provide_context(fallback_state.clone()), shell
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            api_access_guard,
        ))
        .layer(CompressionLayer::new())
        .with_state(state);

    Router::new()
        .merge(assets)
        .merge(app)
        .layer(middleware::from_fn(cache_control))
        .layer(middleware::from_fn(cross_origin_guard))
        .layer(middleware::from_fn(body_limit))
        .layer(middleware::from_fn(log_refusals))
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, REQUEST_TIMEOUT))
        // Inside the security headers, so that a panic's answer has them too.
        .layer(CatchPanicLayer::custom(panic_response))
        .layer(middleware::from_fn(security_headers))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|req: &Request<Body>| {
                    let id = req
                        .extensions()
                        .get::<RequestId>()
                        .and_then(|id| id.header_value().to_str().ok())
                        .unwrap_or("-");
                    // The path only (query strings may carry tokens), and
                    // never a shared link's token.
                    tracing::debug_span!("request", method = %req.method(), path = %loggable_path(req.uri().path()), request.id = %id)
                })
                .on_request(())
                .on_response(
                    tower_http::trace::DefaultOnResponse::new()
                        .level(tracing::Level::DEBUG)
                        .latency_unit(tower_http::LatencyUnit::Millis),
                )
                .on_failure(tower_http::trace::DefaultOnFailure::new().level(tracing::Level::WARN)),
        )
        .layer(SetRequestIdLayer::x_request_id(RandomRequestId))
}

/// Starts serving: opens and migrates the database, binds, prints where
/// it listens, and stops cleanly on Ctrl-C or SIGTERM.
pub async fn serve(config: Config) -> anyhow::Result<()> {
    let store = config.open_store().await?;
    store.migrate().await?;
    // Accounts whose passwords are in the README are never reachable from
    // other machines.
    if !config.bind.ip().is_loopback() {
        let open = crate::demo::open_demo_accounts(&store).await?;
        if !open.is_empty() {
            anyhow::bail!(
                "not serving on {}: the demo accounts {} still have their published passwords. Deactivate them (at /admin/users) or change their passwords first, or serve on a loopback address (127.0.0.1)",
                config.bind,
                open.join(", ")
            );
        }
    }
    // The social map starts with the organisations of domain.md §10.2
    // (once, into an empty map). Instances starting together may race for
    // it: the one that loses only logs it, the map has its seed either way.
    match store
        .seed_directory(&app::catalog::directory_seed_entries(), chrono::Utc::now())
        .await
    {
        Ok(0) => {}
        Ok(n) => tracing::info!(entries = n, "social map seeded"),
        Err(e) => tracing::warn!(error = %e, "social map not seeded by this instance"),
    }
    let state = AppState {
        leptos_options: leptos_options(&config),
        store: store.clone(),
        hasher: Hasher::new(config.hash_concurrency),
        sessions: config.sessions.clone(),
        client_address: config.client_address.clone(),
        secret_key: config
            .secret_key
            .clone()
            .ok_or_else(|| anyhow::anyhow!("no secret key configured"))?,
        require_second_factor: config.require_second_factor,
    };
    let site_index = config.site_root.join("pkg");
    if !site_index.is_dir() {
        tracing::warn!(site_root = %config.site_root.display(), "no built site found: pages will render but not hydrate (build with cargo leptos build --release)");
    }
    let hsts = config.sessions.secure_cookies;
    let app = router(state).layer(middleware::from_fn(move |req, next| {
        strict_transport(hsts, req, next)
    }));
    let listener = tokio::net::TcpListener::bind(config.bind)
        .await
        .map_err(|e| {
            anyhow::anyhow!(
                "cannot listen on {} (--bind / SAFEPLAN_BIND): {e}",
                config.bind
            )
        })?;
    let local = listener.local_addr()?;
    tracing::info!(address = %local, engine = ?config.engine, "safeplan listening");
    println!("Safeplan listening on http://{local}");
    use axum::serve::ListenerExt;
    // Without TCP_NODELAY, streamed responses stall on Nagle's algorithm.
    let listener = listener.tap_io(|tcp| {
        if let Err(e) = tcp.set_nodelay(true) {
            tracing::warn!(error = %e, "cannot set TCP_NODELAY");
        }
    });
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await?;
    store.close().await;
    tracing::info!("safeplan stopped");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}

/// Liveness: the process answers.
async fn healthz() -> &'static str {
    "ok"
}

/// Readiness: the database answers.
async fn readyz(State(state): State<AppState>) -> Response {
    match tokio::time::timeout(Duration::from_secs(3), state.store.ping()).await {
        Ok(Ok(())) => (StatusCode::OK, "ready").into_response(),
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "readiness check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
        }
        Err(_) => (StatusCode::SERVICE_UNAVAILABLE, "database timeout").into_response(),
    }
}

/// The first gate of every server function: an endpoint that is not in
/// `app::api::ENDPOINTS` does not exist (404), and one that needs a
/// signed-in user refuses anonymous callers (401) before its arguments are
/// even read. Each function checks its own rules again.
async fn api_access_guard(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let path = req.uri().path();
    if !path.starts_with("/api/") {
        return next.run(req).await;
    }
    let Some((_, access)) = app::api::ENDPOINTS.iter().find(|(p, _)| *p == path) else {
        return (
            StatusCode::NOT_FOUND,
            [(header::CACHE_CONTROL, NO_STORE)],
            "Not found.",
        )
            .into_response();
    };
    if *access == app::api::Access::SignedIn {
        let token = app::server::auth::session_token(req.headers(), state.sessions.secure_cookies);
        let actor = match token {
            None => None,
            Some(t) => match state
                .session_actor(&app::server::auth::token_hash(&t))
                .await
            {
                Ok(a) => a,
                Err(e) => {
                    let e = app::error::AppError::internal(e);
                    return (StatusCode::INTERNAL_SERVER_ERROR, axum::Json(e)).into_response();
                }
            },
        };
        if actor.is_none() {
            return (
                StatusCode::UNAUTHORIZED,
                [(header::CACHE_CONTROL, NO_STORE)],
                axum::Json(app::error::AppError::Unauthenticated),
            )
                .into_response();
        }
    }
    if !takes_a_form(req.headers()) {
        return (
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            [(header::CACHE_CONTROL, NO_STORE)],
            "This address takes a form (application/x-www-form-urlencoded).",
        )
            .into_response();
    }
    // The body is read here (within its limit) to refuse text that is not
    // UTF-8 before the form reader replaces it.
    let (parts, body) = req.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, body_limit_for(parts.uri.path())).await else {
        return too_large();
    };
    if !form_is_text(&bytes) {
        return (
            StatusCode::BAD_REQUEST,
            [(header::CACHE_CONTROL, NO_STORE)],
            "The form holds text that is not UTF-8.",
        )
            .into_response();
    }
    let req = Request::from_parts(parts, Body::from(bytes));
    error_status(next.run(req).await).await
}

/// Server functions read url-encoded forms only (the browser's forms and
/// the WASM client send them); a request that says it is something else
/// is refused before it is read. No content type at all is read as a form.
fn takes_a_form(headers: &axum::http::HeaderMap) -> bool {
    headers.get(header::CONTENT_TYPE).is_none_or(|v| {
        v.to_str().is_ok_and(|v| {
            v.split(';').next().is_some_and(|m| {
                m.trim()
                    .eq_ignore_ascii_case("application/x-www-form-urlencoded")
            })
        })
    })
}

/// Largest error answer of a server function read back (they are short).
const MAX_ERROR_BODY: usize = 64 * 1024;

/// Gives a server function's error answer the status of its error, in one
/// place: the server-function layer answers every error 500, including
/// the caller's own (arguments it could not read), which the services never
/// see. A plain form post's redirect back to its page is left alone.
async fn error_status(res: Response) -> Response {
    if res.status() != StatusCode::INTERNAL_SERVER_ERROR
        || !res.headers().contains_key("serverfnerror")
    {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_ERROR_BODY).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    if let Ok(e) = serde_json::from_slice::<app::error::AppError>(&bytes) {
        parts.status =
            StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// Hashed assets never change: cached for a year. A missing one (a 404)
/// must not be, or a later deployment could not fill the gap.
fn immutable_if_found<B>(res: &Response<B>) -> Option<HeaderValue> {
    res.status()
        .is_success()
        .then(|| HeaderValue::from_static(IMMUTABLE))
}

/// Pages and API answers are never cached; hashed assets are set above.
async fn cache_control(req: Request, next: Next) -> Response {
    let path = req.uri().path().to_owned();
    let mut res = next.run(req).await;
    if !res.headers().contains_key(header::CACHE_CONTROL) {
        let is_public_file = res.status().is_success()
            && res
                .headers()
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|ct| {
                    !ct.starts_with("text/html") && !ct.starts_with("application/json")
                })
            && !path.starts_with("/api/")
            && path.contains('.');
        let value = if is_public_file { SHORT } else { NO_STORE };
        res.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    }
    res
}

/// Refuses state-changing requests that come from another site. Together
/// with SameSite=Strict cookies and POST-only server functions this is the
/// CSRF defence.
async fn cross_origin_guard(req: Request, next: Next) -> Response {
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if !safe && !same_origin(req.headers()) {
        tracing::warn!(path = %loggable_path(req.uri().path()), "cross-origin request refused");
        return (StatusCode::FORBIDDEN, "Cross-origin request refused.").into_response();
    }
    next.run(req).await
}

fn same_origin(headers: &axum::http::HeaderMap) -> bool {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return site == "same-origin" || site == "none";
    }
    match (
        headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()),
        headers.get(header::HOST).and_then(|v| v.to_str().ok()),
    ) {
        // No Origin (older clients, curl): SameSite=Strict still applies.
        (None, _) => true,
        (Some(origin), Some(host)) => origin
            .split_once("://")
            .map(|(_, rest)| rest.trim_end_matches('/') == host)
            .unwrap_or(false),
        (Some(_), None) => false,
    }
}

/// Strict-Transport-Security when Safeplan is served over HTTPS.
async fn strict_transport(enabled: bool, req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    if enabled {
        res.headers_mut().insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    res
}

/// A request's path as the log may show it: a shared link's token (the
/// key to a client's plan) is left out, whatever form the path takes —
/// doubled slashes, `.` segments, percent-encoded letters, another case —
/// since the log shows what was asked for, not what was routed.
fn loggable_path(path: &str) -> &str {
    let decoded = percent_decoded(path);
    let first = decoded.split('/').find(|s| !matches!(*s, "" | "." | ".."));
    if first.is_some_and(|s| s.eq_ignore_ascii_case("c")) {
        "/c/…"
    } else {
        path
    }
}

/// `path` with its `%XX` escapes decoded (invalid UTF-8 replaced); decoded
/// again while that changes it, so that an escaped escape is seen through.
fn percent_decoded(path: &str) -> String {
    let mut text = path.to_string();
    for _ in 0..4 {
        let next = String::from_utf8_lossy(&percent_decode(text.as_bytes())).into_owned();
        if next == text {
            break;
        }
        text = next;
    }
    text
}

/// `bytes` with each `%XX` escape decoded (once).
fn percent_decode(bytes: &[u8]) -> Vec<u8> {
    let hex = |b: u8| (b as char).to_digit(16);
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match (bytes[i], bytes.get(i + 1), bytes.get(i + 2)) {
            (b'%', Some(&h), Some(&l)) if hex(h).is_some() && hex(l).is_some() => {
                out.push((hex(h).unwrap_or(0) * 16 + hex(l).unwrap_or(0)) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    out
}

/// Whether every name and value of a url-encoded form is UTF-8 text once
/// decoded (the form reader would otherwise put stand-in characters in
/// place of the bytes, and store them).
fn form_is_text(body: &[u8]) -> bool {
    body.split(|b| *b == b'&' || *b == b'=')
        .all(|part| std::str::from_utf8(&percent_decode(part)).is_ok())
}

/// Refused input is logged (path and status only, never the values), so
/// that an operator sees probing and broken clients: too large (413),
/// invalid (422), too many attempts (429), cross-site (403).
async fn log_refusals(req: Request, next: Next) -> Response {
    let path = loggable_path(req.uri().path()).to_owned();
    let method = req.method().clone();
    let res = next.run(req).await;
    let status = res.status();
    if matches!(status.as_u16(), 400 | 403 | 408 | 413 | 415 | 422 | 429) {
        tracing::warn!(%method, %path, status = status.as_u16(), "request refused");
    }
    res
}

async fn security_headers(req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    h.insert("x-frame-options", HeaderValue::from_static("DENY"));
    // same-origin rather than no-referrer: addresses never leave the site,
    // and forms posted without WASM can still come back to their page.
    h.insert("referrer-policy", HeaderValue::from_static("same-origin"));
    h.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
    h.insert(
        "permissions-policy",
        HeaderValue::from_static("camera=(), microphone=(), geolocation=(), payment=()"),
    );
    // Pages set their own policy with the nonce of their inline scripts
    // (app::shell); everything else gets one that allows no script at all.
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'self'; script-src 'none'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'; img-src 'self' data:",
            ),
        );
    }
    res
}

fn panic_response(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let reference = format!("E-{:08X}", rand::random::<u32>());
    tracing::error!(error.reference = %reference, "request handler panicked");
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        [(header::CACHE_CONTROL, HeaderValue::from_static(NO_STORE))],
        format!("Something went wrong on our side (reference {reference})."),
    )
        .into_response()
}

#[derive(Clone, Copy)]
struct RandomRequestId;

impl MakeRequestId for RandomRequestId {
    fn make_request_id<B>(&mut self, _: &axum::http::Request<B>) -> Option<RequestId> {
        let id = format!("{:016x}", rand::random::<u64>());
        HeaderValue::from_str(&id).ok().map(RequestId::new)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderMap;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn forms_are_text_or_refused() {
        for ok in [
            &b""[..],
            b"code=ABC&f%5Bclient.alias%5D=J%C3%BCrgen+M",
            b"name=%E2%82%AC&flag",
            b"bad%2",
        ] {
            assert!(form_is_text(ok), "{}", String::from_utf8_lossy(ok));
        }
        for bad in [&b"a=%FF"[..], b"%C0=1", b"a=\xff\xfe", b"a=1&b=%E2%82"] {
            assert!(!form_is_text(bad), "{}", String::from_utf8_lossy(bad));
        }
    }

    #[test]
    fn forms_and_only_forms_reach_the_server_functions() {
        assert!(takes_a_form(&headers(&[])));
        assert!(takes_a_form(&headers(&[(
            "content-type",
            "application/x-www-form-urlencoded; charset=UTF-8"
        )])));
        for other in [
            "application/json",
            "text/plain",
            "multipart/form-data; boundary=x",
        ] {
            assert!(
                !takes_a_form(&headers(&[("content-type", other)])),
                "{other}"
            );
        }
    }

    #[test]
    fn a_shared_links_token_is_never_in_the_log_whatever_the_paths_form() {
        for path in [
            "/c/0123abcd",
            "//c/0123abcd",
            "///c/0123abcd/",
            "/./c/0123abcd",
            "/../c/0123abcd",
            "/C/0123abcd",
            "/%63/0123abcd",
            "/%43/0123abcd",
            "/%2563/0123abcd",
            "/%2F%63/0123abcd",
            "/c",
        ] {
            assert_eq!(loggable_path(path), "/c/…", "{path}");
        }
        for path in ["/cases/K7QM-2XD4-P", "/api/cases/open", "/", "/css/c/x"] {
            assert_eq!(loggable_path(path), path);
        }
    }

    #[test]
    fn origin_checks() {
        assert!(same_origin(&headers(&[("sec-fetch-site", "same-origin")])));
        assert!(!same_origin(&headers(&[("sec-fetch-site", "cross-site")])));
        assert!(same_origin(&headers(&[
            ("origin", "http://127.0.0.1:3000"),
            ("host", "127.0.0.1:3000")
        ])));
        assert!(!same_origin(&headers(&[
            ("origin", "http://evil.example"),
            ("host", "127.0.0.1:3000")
        ])));
        assert!(same_origin(&headers(&[("host", "127.0.0.1:3000")])));
    }
}
