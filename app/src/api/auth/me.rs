use crate::domain::{OrgKind, Role};
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// What the signed-in user may know about themselves.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeView {
    pub display_name: String,
    pub username: String,
    pub role: Role,
    pub organisation_name: String,
    pub organisation_kind: OrgKind,
    pub organisation_is_demo: bool,
    /// Minutes of inactivity after which the session ends.
    pub idle_timeout_secs: i64,
    /// When the session ends however active the user is (Unix seconds:
    /// cheaper to read in the browser than a formatted time).
    pub session_ends_at: i64,
    /// Designated an editor of the social map (admins edit it too).
    pub directory_editor: bool,
}

/// The signed-in user, or `None` when nobody is signed in.
#[server(prefix = "/api", endpoint = "auth/me")]
pub async fn me() -> Result<Option<MeView>, AppError> {
    let actor = crate::server::current_actor().await?;
    let sessions = crate::server::state::app_state()?.sessions;
    Ok(actor.map(|a| MeView {
        idle_timeout_secs: sessions.idle.num_seconds(),
        session_ends_at: (a.session_started_at + sessions.absolute).timestamp(),
        display_name: a.display_name,
        username: a.username,
        role: a.role,
        organisation_name: a.organisation_name,
        organisation_kind: a.organisation_kind,
        organisation_is_demo: a.organisation_is_demo,
        directory_editor: a.directory_editor,
    }))
}
