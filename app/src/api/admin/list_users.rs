use crate::domain::Role;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A user as the admin page shows them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserRow {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub active: bool,
    pub totp_enabled: bool,
    /// Designated an editor of the social map.
    pub directory_editor: bool,
    /// Has no usable password until its holder sets it up with a code.
    pub waiting_for_setup: bool,
}

/// The users of the admin's organisation (admins only).
#[server(prefix = "/api", endpoint = "admin/list_users")]
pub async fn list_users() -> Result<Vec<UserRow>, AppError> {
    let users = crate::server::admin::list_users().await?;
    Ok(users
        .into_iter()
        .map(|u| UserRow {
            id: u.id,
            username: u.username,
            display_name: u.display_name,
            role: u.role,
            active: u.active,
            totp_enabled: u.totp_enabled,
            directory_editor: u.directory_editor,
            waiting_for_setup: u.waiting_for_setup,
        })
        .collect())
}
