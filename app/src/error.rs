//! The one error type every server function returns.
//!
//! It is serialised to the browser, so it never carries internal text: a
//! database or I/O failure becomes [`AppError::Internal`] with a reference
//! that is also written to the server log next to the real cause.

use serde::{Deserialize, Serialize};
use server_fn_error::*;

mod server_fn_error {
    pub use leptos::server_fn::codec::JsonEncoding;
    pub use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
}

/// A problem with one input field, worded for the user.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// No valid session: the user must sign in.
    #[error("please sign in")]
    Unauthenticated,
    /// Wrong username or password. One message for every cause.
    #[error("invalid credentials")]
    InvalidCredentials,
    /// The thing does not exist, or the caller may not know that it exists.
    #[error("not found")]
    NotFound,
    /// Someone else changed the same thing meanwhile.
    #[error("changed by someone else meanwhile")]
    Conflict,
    /// The plan is closed: it is kept read-only until it is erased.
    #[error("the plan is closed; nothing can be changed")]
    PlanClosed,
    /// Bad input; nothing was stored.
    #[error("please correct the highlighted fields")]
    Invalid(Vec<FieldError>),
    /// Too many attempts; try again after the given number of seconds.
    #[error("too many attempts; please wait {} before trying again", wait_words_en(*.retry_after_secs))]
    RateLimited { retry_after_secs: u64 },
    /// The request was refused (for example a cross-site form post).
    #[error("request refused")]
    Forbidden,
    /// Something failed on the server. The reference is in the server log.
    #[error("something went wrong on our side (reference {reference})")]
    Internal { reference: String },
    /// The browser could not reach the server, or the answer was unreadable.
    #[error("the server could not be reached; your work is kept on this device")]
    Network,
}

/// "45 seconds", "1 second", "15 minutes" (in English for the log).
fn wait_words_en(secs: u64) -> String {
    wait_words(crate::i18n::Locale::En, secs)
}

/// "45 seconds", "1 second", "15 minutes".
fn wait_words(locale: crate::i18n::Locale, secs: u64) -> String {
    use crate::i18n::{fill, text, K};
    if secs == 1 {
        text(locale, K::time_one_second).into()
    } else if secs < 90 {
        fill(locale, K::time_seconds, &[("n", &secs.to_string())])
    } else {
        fill(
            locale,
            K::time_minutes,
            &[("n", &secs.div_ceil(60).to_string())],
        )
    }
}

impl AppError {
    /// The message shown to the user, in the page's language.
    pub fn user_message(&self) -> String {
        self.message_in(crate::i18n::use_locale())
    }

    /// The message in a given language.
    pub fn message_in(&self, locale: crate::i18n::Locale) -> String {
        use crate::i18n::{fill, text, K};
        match self {
            AppError::Unauthenticated => text(locale, K::error_please_sign_in).into(),
            AppError::InvalidCredentials => text(locale, K::error_invalid_credentials).into(),
            AppError::NotFound => text(locale, K::error_not_found).into(),
            AppError::Conflict => text(locale, K::error_conflict).into(),
            AppError::PlanClosed => text(locale, K::error_plan_closed).into(),
            AppError::Invalid(_) => text(locale, K::error_invalid).into(),
            AppError::RateLimited { retry_after_secs } => fill(
                locale,
                K::error_rate_limited,
                &[("time", &wait_words(locale, *retry_after_secs))],
            ),
            AppError::Forbidden => text(locale, K::error_forbidden).into(),
            AppError::Internal { reference } => {
                fill(locale, K::error_internal, &[("reference", reference)])
            }
            AppError::Network => text(locale, K::error_network).into(),
        }
    }

    /// A short code for the sign-in errors, carried in the sign-in page's
    /// address when a form was posted without WASM.
    pub fn sign_in_code(&self) -> Option<String> {
        match self {
            AppError::InvalidCredentials => Some("invalid".into()),
            AppError::Unauthenticated => Some("expired".into()),
            AppError::RateLimited { retry_after_secs } => Some(format!("wait-{retry_after_secs}")),
            _ => None,
        }
    }

    /// The error a [`AppError::sign_in_code`] stands for.
    pub fn from_sign_in_code(code: &str) -> Option<AppError> {
        match code {
            "invalid" => Some(AppError::InvalidCredentials),
            "expired" => Some(AppError::Unauthenticated),
            _ => code
                .strip_prefix("wait-")
                .and_then(|n| n.parse().ok())
                .map(|retry_after_secs| AppError::RateLimited { retry_after_secs }),
        }
    }

    /// Builds an `Invalid` error for one field.
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        AppError::Invalid(vec![FieldError {
            field: field.to_string(),
            message: message.into(),
        }])
    }

    /// The HTTP status this error is answered with.
    pub fn status(&self) -> u16 {
        match self {
            AppError::Unauthenticated | AppError::InvalidCredentials => 401,
            AppError::NotFound => 404,
            AppError::Conflict | AppError::PlanClosed => 409,
            AppError::Invalid(_) => 422,
            AppError::RateLimited { .. } => 429,
            AppError::Forbidden => 403,
            AppError::Internal { .. } => 500,
            AppError::Network => 502,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            // Malformed or missing arguments: the caller's fault, and safe to say so.
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::MissingArg(_) => AppError::invalid(
                "request",
                crate::i18n::t(crate::i18n::K::field_form_incomplete),
            ),
            // On the server these come from a request that could not be
            // read (invalid UTF-8, say): the caller's fault too. In the
            // browser they mean the answer never arrived.
            ServerFnErrorErr::Request(_) | ServerFnErrorErr::Deserialization(_) => {
                if cfg!(feature = "ssr") {
                    AppError::invalid(
                        "request",
                        crate::i18n::t(crate::i18n::K::field_form_incomplete),
                    )
                } else {
                    AppError::Network
                }
            }
            // Anything else happened on the server: never forward its text.
            other => AppError::internal(other),
        }
    }
}

impl AppError {
    /// Logs the cause with a fresh reference and returns the opaque error.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        let reference = new_reference();
        tracing::error!(error.reference = %reference, error.cause = %cause, "internal error");
        AppError::Internal { reference }
    }
}

/// A short, random reference that a user can read out to support.
fn new_reference() -> String {
    #[cfg(feature = "ssr")]
    {
        use rand::Rng;
        let n: u64 = rand::thread_rng().gen();
        format!("E-{:08X}", n as u32)
    }
    #[cfg(not(feature = "ssr"))]
    {
        let n = (js_now_millis() as u64) & 0xFFFF_FFFF;
        format!("C-{n:08X}")
    }
}

#[cfg(not(feature = "ssr"))]
fn js_now_millis() -> f64 {
    chrono::Utc::now().timestamp_millis() as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_errors_do_not_carry_their_cause() {
        let e = AppError::internal("relation \"users\" does not exist at /srv/db");
        let json = serde_json::to_string(&e).unwrap();
        assert!(!json.contains("relation"), "{json}");
        assert!(!json.contains("/srv"), "{json}");
        assert!(e.user_message().contains("reference E-"));
    }

    #[test]
    fn server_fn_internals_become_opaque() {
        let e = AppError::from_server_fn_error(ServerFnErrorErr::ServerError(
            "sqlx: UNIQUE constraint failed: users.username".into(),
        ));
        assert!(matches!(e, AppError::Internal { .. }));
        assert!(!e.user_message().contains("UNIQUE"));
    }

    #[test]
    fn sign_in_codes_round_trip() {
        for e in [
            AppError::InvalidCredentials,
            AppError::Unauthenticated,
            AppError::RateLimited {
                retry_after_secs: 42,
            },
        ] {
            let code = e.sign_in_code().unwrap();
            assert_eq!(AppError::from_sign_in_code(&code), Some(e));
        }
        assert_eq!(AppError::NotFound.sign_in_code(), None);
        assert_eq!(AppError::from_sign_in_code("wait-x"), None);
        assert_eq!(AppError::from_sign_in_code("<script>"), None);
    }

    #[test]
    fn waits_are_worded_for_people() {
        let e = |s| {
            AppError::RateLimited {
                retry_after_secs: s,
            }
            .message_in(crate::i18n::Locale::En)
        };
        assert_eq!(
            e(1),
            "too many attempts; please wait 1 second before trying again"
        );
        assert_eq!(
            e(30),
            "too many attempts; please wait 30 seconds before trying again"
        );
        assert_eq!(
            e(900),
            "too many attempts; please wait 15 minutes before trying again"
        );
        let nl = AppError::RateLimited {
            retry_after_secs: 30,
        }
        .message_in(crate::i18n::Locale::Nl);
        assert_eq!(
            nl,
            "te veel pogingen; wacht 30 seconden voordat u het opnieuw probeert"
        );
    }

    #[test]
    fn statuses_match_meaning() {
        assert_eq!(AppError::InvalidCredentials.status(), 401);
        assert_eq!(AppError::NotFound.status(), 404);
        assert_eq!(
            AppError::RateLimited {
                retry_after_secs: 3
            }
            .status(),
            429
        );
        assert_eq!(AppError::invalid("x", "y").status(), 422);
    }
}
