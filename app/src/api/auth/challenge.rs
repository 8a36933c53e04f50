use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// What a user needs to add Safeplan to their authenticator app.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Enrolment {
    /// The secret in base32, for typing in by hand, in groups of four.
    pub secret_text: String,
    /// The otpauth:// address the QR code holds.
    pub otpauth_url: String,
    /// The QR code as an SVG document (made on the server from the above).
    pub qr_svg: String,
}

/// What the second sign-in step shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChallengeView {
    /// Set when the user must first add Safeplan to an authenticator app.
    pub enrolment: Option<Enrolment>,
}

/// The sign-in in progress (after a right password), for the code page;
/// `Unauthenticated` when there is none or it has expired.
#[server(prefix = "/api", endpoint = "auth/challenge")]
pub async fn challenge() -> Result<ChallengeView, AppError> {
    crate::server::second_factor::challenge_view().await
}
