//! The client's copy of a plan: opened by the counsellor (to print or
//! show), and shared with the client by link.

use crate::domain::share::{LinkState, ShareProblem};
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::{StreamingText, TextStream};
use serde::{Deserialize, Serialize};

/// A link as the counsellor's list shows it (never its token).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShareLinkView {
    pub id: String,
    pub language: String,
    pub has_pin: bool,
    /// Unix seconds.
    pub created_at: i64,
    pub created_by: String,
    pub expires_at: i64,
    pub state: LinkState,
    pub views: i64,
    pub last_view_at: Option<i64>,
}

/// A link just made: its address is shown this once (only its hash is
/// kept), with its QR code.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShareCreated {
    pub id: String,
    pub url: String,
    pub qr_svg: String,
    pub expires_at: i64,
    pub has_pin: bool,
    /// The link as the list shows it (its language, who made it).
    pub link: ShareLinkView,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ShareOutcome {
    Created(ShareCreated),
    /// Nothing was made.
    Invalid(Vec<ShareProblem>),
}

/// Makes a link to the client's copy: `language` en, nl, fr or ar; valid
/// `days` (1–90); `pin` blank or 4–8 digits.
#[server(prefix = "/api", endpoint = "cases/share")]
pub async fn create_share(
    code: String,
    language: String,
    days: i64,
    #[server(default)] pin: String,
) -> Result<ShareOutcome, AppError> {
    crate::server::shares::create_share(code, language, days, pin).await
}

/// Every link made for the case, the latest first.
#[server(prefix = "/api", endpoint = "cases/share_links")]
pub async fn share_links(code: String) -> Result<Vec<ShareLinkView>, AppError> {
    crate::server::shares::share_links(code).await
}

/// Switches a link off; false if it was off already.
#[server(prefix = "/api", endpoint = "cases/share_revoke")]
pub async fn revoke_share(code: String, id: String) -> Result<bool, AppError> {
    crate::server::shares::revoke_share(code, id).await
}

/// The client's copy as a page, in `language` (blank: the client's first
/// language the copy has, else English). Posted by a plain form that opens
/// it in a new tab, to print or to turn towards the client.
#[server(prefix = "/api", endpoint = "cases/client_copy", output = StreamingText)]
pub async fn client_copy(
    code: String,
    #[server(default)] language: String,
) -> Result<TextStream<AppError>, AppError> {
    let body = crate::server::shares::preview(code, language).await?;
    Ok(TextStream::new(futures::stream::once(async move {
        Ok::<String, AppError>(body)
    })))
}
