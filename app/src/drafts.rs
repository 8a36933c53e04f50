//! Local drafts in the browser (gloo-storage).
//!
//! Typed work is written to the browser's storage at once, so that a
//! reload, a crash or a forced re-login does not lose it. Values are JSON
//! under a versioned key; an unreadable value is treated as absent.

use gloo_storage::{LocalStorage, SessionStorage, Storage};
use serde::{de::DeserializeOwned, Serialize};

const PREFIX: &str = "safeplan.v1.";

/// The username typed on the sign-in page (this tab only).
pub const LOGIN_USERNAME: &str = "login.username";

fn key(name: &str) -> String {
    format!("{PREFIX}{name}")
}

/// Keeps a value for this tab only (cleared when the tab closes).
pub fn save_session<T: Serialize>(name: &str, value: &T) {
    if let Err(e) = SessionStorage::set(key(name), value) {
        tracing::warn!(draft = name, error = %e, "could not keep draft in session storage");
    }
}

pub fn load_session<T: DeserializeOwned>(name: &str) -> Option<T> {
    SessionStorage::get(key(name)).ok()
}

/// Keeps a value on this device until cleared.
pub fn save_local<T: Serialize>(name: &str, value: &T) {
    if let Err(e) = LocalStorage::set(key(name), value) {
        tracing::warn!(draft = name, error = %e, "could not keep draft in local storage");
    }
}

pub fn load_local<T: DeserializeOwned>(name: &str) -> Option<T> {
    LocalStorage::get(key(name)).ok()
}

pub fn clear_local(name: &str) {
    LocalStorage::delete(key(name));
}
