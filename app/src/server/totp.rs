//! Time-based one-time codes (RFC 6238: HMAC-SHA1, 6 digits, 30-second
//! steps), the kind every authenticator app reads from a QR code.
//!
//! A code is accepted for the current step and one step either side (clock
//! drift), and never for a step at or before the last one accepted, so a
//! code seen over someone's shoulder cannot be used again.

pub use crate::api::auth::Enrolment;
use totp_rs::{Algorithm, Secret, TOTP};

const DIGITS: usize = 6;
const STEP_SECS: u64 = 30;
const ISSUER: &str = "Safeplan";

/// A new random secret (160 bits, as RFC 4226 recommends).
pub fn new_secret() -> Vec<u8> {
    use rand::RngCore;
    let mut b = vec![0u8; 20];
    rand::rngs::OsRng.fill_bytes(&mut b);
    b
}

fn totp(secret: &[u8], account: &str) -> Option<TOTP> {
    TOTP::new(
        Algorithm::SHA1,
        DIGITS,
        1,
        STEP_SECS,
        secret.to_vec(),
        Some(ISSUER.to_string()),
        // The label may not hold a colon.
        account.replace(':', "_"),
    )
    .ok()
}

/// The enrolment details for `secret`, labelled with the username.
pub fn enrolment(secret: &[u8], username: &str) -> Enrolment {
    let t = totp(secret, username).expect("a 160-bit secret is valid");
    let url = t.get_url();
    let qr_svg = qrcode::QrCode::new(url.as_bytes())
        .map(|qr| {
            qr.render::<qrcode::render::svg::Color>()
                .min_dimensions(200, 200)
                .quiet_zone(true)
                .build()
        })
        .unwrap_or_default();
    let base32 = Secret::Raw(secret.to_vec()).to_encoded().to_string();
    let secret_text = base32
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ");
    Enrolment {
        secret_text,
        otpauth_url: url,
        qr_svg,
    }
}

/// The time step a typed code belongs to, if it is right at `now_unix`
/// and newer than `last_step`. Spaces in the code are ignored.
pub fn matching_step(
    secret: &[u8],
    code: &str,
    now_unix: u64,
    last_step: Option<i64>,
) -> Option<i64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != DIGITS || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let t = totp(secret, "check")?;
    let now_step = (now_unix / STEP_SECS) as i64;
    (now_step - 1..=now_step + 1)
        .filter(|step| last_step.is_none_or(|last| *step > last))
        .find(|step| {
            let expected = t.generate(*step as u64 * STEP_SECS);
            constant_time_eq(expected.as_bytes(), code.as_bytes())
        })
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The code for `now_unix` (for tests and the demo; never shown to users).
pub fn code_at(secret: &[u8], now_unix: u64) -> String {
    totp(secret, "code")
        .expect("valid secret")
        .generate(now_unix)
}

#[cfg(test)]
mod tests {
    use super::*;

    // RFC 6238 appendix B, SHA-1, truncated to six digits.
    const RFC_SECRET: &[u8] = b"12345678901234567890";

    #[test]
    fn rfc_6238_vectors() {
        for (time, code) in [
            (59, "287082"),
            (1_111_111_109, "081804"),
            (1_234_567_890, "005924"),
            (2_000_000_000, "279037"),
        ] {
            assert_eq!(code_at(RFC_SECRET, time), code, "t={time}");
        }
    }

    #[test]
    fn one_step_of_drift_either_way_and_no_replay() {
        let now = 1_234_567_890;
        let step = (now / 30) as i64;
        let code = code_at(RFC_SECRET, now);
        assert_eq!(matching_step(RFC_SECRET, &code, now, None), Some(step));
        assert_eq!(matching_step(RFC_SECRET, &code, now + 30, None), Some(step));
        assert_eq!(matching_step(RFC_SECRET, &code, now - 30, None), Some(step));
        assert_eq!(
            matching_step(RFC_SECRET, &code, now + 90, None),
            None,
            "too old"
        );
        assert_eq!(
            matching_step(RFC_SECRET, &code, now, Some(step)),
            None,
            "replayed"
        );
        assert_eq!(
            matching_step(RFC_SECRET, &code, now, Some(step - 1)),
            Some(step)
        );
        let spaced = format!("{} {}", &code[..3], &code[3..]);
        assert_eq!(matching_step(RFC_SECRET, &spaced, now, None), Some(step));
    }

    #[test]
    fn malformed_codes_never_match() {
        for code in ["", "12345", "1234567", "abcdef", "12345a", "١٢٣٤٥٦"] {
            assert_eq!(matching_step(RFC_SECRET, code, 59, None), None, "{code:?}");
        }
    }

    #[test]
    fn enrolment_is_what_authenticator_apps_read() {
        let secret = new_secret();
        let e = enrolment(&secret, "carla");
        assert!(
            e.otpauth_url.starts_with("otpauth://totp/Safeplan:carla?"),
            "{}",
            e.otpauth_url
        );
        assert!(e.otpauth_url.contains("issuer=Safeplan"));
        assert!(e.qr_svg.contains("<svg"), "QR as SVG");
        let typed: String = e.secret_text.split(' ').collect();
        assert_eq!(typed.len(), 32, "160 bits in base32");
        assert!(e.otpauth_url.contains(&typed));
    }
}
