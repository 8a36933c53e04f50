//! Preferences kept in the browser: the language of the interface.

use super::auth::{respond_with, set_cookie};
use super::state::app_state;
use crate::domain::navigation::safe_next;
use crate::error::AppError;
use crate::i18n::{Locale, LANGUAGE_COOKIE};

/// A year: the choice is not sensitive and should last.
const MAX_AGE_SECS: u32 = 365 * 24 * 3600;

pub fn set_language(lang: &str, next: &str) -> Result<(), AppError> {
    let state = app_state()?;
    let Some(locale) = Locale::from_code(lang) else {
        return Err(respond_with(AppError::invalid(
            "lang",
            crate::i18n::t(crate::i18n::K::field_unknown_language),
        )));
    };
    let secure = if state.sessions.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    set_cookie(format!(
        "{LANGUAGE_COOKIE}={}; Path=/; Max-Age={MAX_AGE_SECS}; SameSite=Lax{secure}",
        locale.code()
    ))?;
    leptos_axum::redirect(safe_next(next));
    Ok(())
}
