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
}

/// The signed-in user, or `None` when nobody is signed in.
#[server(prefix = "/api", endpoint = "auth/me")]
pub async fn me() -> Result<Option<MeView>, AppError> {
    let actor = crate::server::current_actor().await?;
    Ok(actor.map(|a| MeView {
        display_name: a.display_name,
        username: a.username,
        role: a.role,
        organisation_name: a.organisation_name,
        organisation_kind: a.organisation_kind,
        organisation_is_demo: a.organisation_is_demo,
    }))
}
