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

/// Room for wasm-split (`cargo leptos build --split`) to move the split
/// pages' data out of the first WASM file.
///
/// wasm-split lays each data segment out again, grouped by the module that
/// needs it, each group aligned. When that makes a segment longer than the
/// linker made it, it gives up and keeps the whole segment in the first
/// file ("Overlong segment … putting it in main module"): 130 KB of page
/// data more to load before the first page works, flipped on or off by
/// unrelated changes. These bytes are kept by the linker (`#[used]`) but
/// needed by no module, so wasm-split drops them; they leave that much room
/// in the segment for the alignment padding of its new layout.
/// `http::assets_are_hashed_compressed_and_cached_for_long` checks the
/// first file's size.
#[cfg(feature = "hydrate")]
#[used]
static WASM_SPLIT_ROOM: [u8; 8192] = [0x5a; 8192];

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
