//! Nobody adds an endpoint without deciding who may call it.

use std::collections::BTreeSet;

#[test]
fn every_server_function_is_listed_with_its_access_rule() {
    let registered: BTreeSet<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path.to_string())
        .collect();
    let listed: BTreeSet<String> = app::api::ENDPOINTS
        .iter()
        .map(|(p, _)| p.to_string())
        .collect();
    assert!(!registered.is_empty(), "no server functions registered");
    let unlisted: Vec<_> = registered.difference(&listed).collect();
    assert!(
        unlisted.is_empty(),
        "server functions missing from app::api::ENDPOINTS: {unlisted:?}"
    );
    let stale: Vec<_> = listed.difference(&registered).collect();
    assert!(
        stale.is_empty(),
        "app::api::ENDPOINTS lists functions that do not exist: {stale:?}"
    );
}

#[test]
fn every_server_function_is_post_only() {
    for (path, method) in leptos::server_fn::axum::server_fn_paths() {
        assert_eq!(
            method,
            http::Method::POST,
            "{path} must be POST (GET bypasses SameSite defences)"
        );
    }
}
