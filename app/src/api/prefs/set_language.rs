use crate::error::AppError;
use leptos::prelude::*;

/// Chooses the language of the interface (kept in a cookie on this
/// browser, and with the account when signed in), then goes back to
/// `next`, a local path.
#[server(prefix = "/api", endpoint = "prefs/set_language")]
pub async fn set_language(lang: String, next: String) -> Result<(), AppError> {
    crate::server::prefs::set_language(&lang, &next).await
}
