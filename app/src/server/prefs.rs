//! Preferences: the language of the interface, kept in the browser and
//! remembered with the account.

use super::auth::{respond_with, set_cookie};
use super::state::app_state;
use crate::domain::navigation::safe_next;
use crate::error::AppError;
use crate::i18n::{Locale, LANGUAGE_COOKIE};

/// A year: the choice is not sensitive and should last.
const MAX_AGE_SECS: u32 = 365 * 24 * 3600;

/// Chooses the language on this browser (a cookie) and, for a signed-in
/// user, remembers it with the account, so that it follows them to other
/// browsers and devices.
pub async fn set_language(lang: &str, next: &str) -> Result<(), AppError> {
    let state = app_state()?;
    let Some(locale) = Locale::from_code(lang) else {
        return Err(respond_with(AppError::invalid(
            "lang",
            crate::i18n::t(crate::i18n::K::field_unknown_language),
        )));
    };
    if let Some(actor) = super::auth::current_actor().await? {
        state
            .store
            .set_user_language(&actor.user_id, locale.code())
            .await
            .map_err(AppError::internal)?;
    }
    set_language_cookie(locale)?;
    leptos_axum::redirect(safe_next(next));
    Ok(())
}

/// Sets the language cookie of this browser.
pub fn set_language_cookie(locale: Locale) -> Result<(), AppError> {
    let state = app_state()?;
    let secure = if state.sessions.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    set_cookie(format!(
        "{LANGUAGE_COOKIE}={}; Path=/; Max-Age={MAX_AGE_SECS}; SameSite=Lax{secure}",
        locale.code()
    ))
}
