//! Safeplan's Leptos crate.
//!
//! - [`domain`]: pure planning rules, compiled for the server and the browser.
//! - [`api`]: server functions (public HTTP endpoints under `/api`).
//! - [`pages`] and [`components`]: the user interface, rendered on the server and hydrated.
//! - `store` and `server` (feature `ssr`): persistence and request-side services.
//! - `drafts` (feature `hydrate`): local drafts in the browser's storage.
#![forbid(unsafe_code)]

pub mod api;
mod app;
pub mod catalog;
pub mod components;
pub mod domain;
pub mod error;
pub mod i18n;
pub mod pages;

#[cfg(feature = "hydrate")]
pub mod drafts;
#[cfg(feature = "ssr")]
pub mod server;
#[cfg(feature = "ssr")]
pub mod store;

pub use app::{shell, App};

/// Entry point of the WASM bundle: sets up browser logging and hydrates the
/// server-rendered page.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    let mut log = tracing_wasm::WASMLayerConfigBuilder::new();
    log.set_max_level(tracing::Level::INFO);
    tracing_wasm::set_as_global_default_with_config(log.build());
    // A server function that redirects (signing in, signing out) loads the
    // new page in full instead of a client-side route change: nothing of
    // the previous session stays in memory. Set before the router sets its
    // own hook, which then keeps this one.
    let _ = leptos::server_fn::redirect::set_redirect_hook(|path: &str| {
        if let Some(window) = web_sys::window() {
            let _ = window.location().set_href(path);
        }
    });
    // Lazy: pages built as separate WASM files (`--split`) are fetched
    // before their part of the page is hydrated.
    leptos::mount::hydrate_lazy(App);
}
