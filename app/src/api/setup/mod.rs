//! Setting up an account that reads cases: the holder chooses its password
//! with a one-time code from a supervisor (see `server::account_setup`).

use crate::domain::Role;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// An account waiting to be set up, as its supervisors see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetupRow {
    pub user_id: String,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    /// An admin reset its password (else: a new account).
    pub after_reset: bool,
    /// Unix seconds, UTC.
    pub requested_at: i64,
    /// Until when the current code works (none made yet: None).
    pub code_until: Option<i64>,
}

/// A code just made: shown this once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssuedCode {
    pub username: String,
    pub display_name: String,
    pub code: String,
    /// Unix seconds, UTC.
    pub until: i64,
}

/// The accounts waiting, and a code just made from the page without WASM
/// (shown once).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetupList {
    pub rows: Vec<SetupRow>,
    pub just_made: Option<IssuedCode>,
}

/// The accounts of the organisation waiting to be set up (supervisors).
#[server(prefix = "/api", endpoint = "setup/waiting")]
pub async fn waiting() -> Result<SetupList, AppError> {
    use crate::server::account_setup::{take_made_code, waiting};
    let rows = waiting().await?;
    let just_made = take_made_code()
        .await?
        .map(|(username, display_name, code, until)| IssuedCode {
            username,
            display_name,
            code,
            until,
        });
    let rows = rows
        .into_iter()
        .map(|s| SetupRow {
            user_id: s.user.id,
            username: s.user.username,
            display_name: s.user.display_name,
            role: s.user.role,
            after_reset: s.reason == crate::store::SetupReason::PasswordReset,
            requested_at: s.requested_at.timestamp(),
            code_until: s.expires_at.map(|t| t.timestamp()),
        })
        .collect();
    Ok(SetupList { rows, just_made })
}

/// Makes a new set-up code for one of those accounts (supervisors).
#[server(prefix = "/api", endpoint = "setup/issue_code")]
pub async fn issue_code(user_id: String) -> Result<IssuedCode, AppError> {
    use crate::server::account_setup::{issue_code, keep_for_page_without_wasm};
    let (user, code, until) = issue_code(user_id).await?;
    let made = (user.username, user.display_name, code, until.timestamp());
    keep_for_page_without_wasm(&made).await?;
    let (username, display_name, code, until) = made;
    Ok(IssuedCode {
        username,
        display_name,
        code,
        until,
    })
}

/// The person sets up their account with the code (anyone: the code is
/// the key).
#[server(prefix = "/api", endpoint = "setup/complete")]
pub async fn complete(
    username: String,
    code: String,
    password: String,
    repeat: String,
) -> Result<(), AppError> {
    use crate::server::account_setup::{complete, form_result};
    form_result(complete(username, code, password, repeat).await).await
}
