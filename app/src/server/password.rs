//! Argon2id password hashing, off the async threads and behind a cap.
//!
//! Each hash takes about 19 MiB and tens of milliseconds of CPU. Hashing runs
//! in `spawn_blocking`, and a semaphore bounds how many run at once, so a
//! burst of sign-ins queues instead of exhausting memory.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use std::sync::Arc;
use tokio::sync::Semaphore;

/// OWASP's minimum for Argon2id: 19 MiB, two passes, one lane.
pub const MEMORY_KIB: u32 = 19 * 1024;
pub const PASSES: u32 = 2;
pub const LANES: u32 = 1;

fn argon2() -> Argon2<'static> {
    let params = Params::new(MEMORY_KIB, PASSES, LANES, None).expect("valid Argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes a password (blocking; prefer [`Hasher::hash`] in async code).
pub fn hash_blocking(password: &str) -> String {
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .expect("Argon2 hashing with valid parameters cannot fail")
        .to_string()
}

/// Verifies a password against a stored PHC string (blocking).
pub fn verify_blocking(hash: &str, password: &str) -> bool {
    match PasswordHash::new(hash) {
        Ok(parsed) => argon2()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

#[derive(Clone)]
pub struct Hasher {
    permits: Arc<Semaphore>,
    /// Verified against when the user does not exist, so that an unknown
    /// username takes as long as a wrong password.
    dummy_hash: Arc<str>,
}

impl std::fmt::Debug for Hasher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hasher")
            .field("available", &self.permits.available_permits())
            .finish()
    }
}

#[derive(Debug, thiserror::Error)]
#[error("password hashing task failed: {0}")]
pub struct HashTaskError(String);

impl Hasher {
    /// `concurrency` hashes may run at once (at least one).
    pub fn new(concurrency: usize) -> Self {
        Hasher {
            permits: Arc::new(Semaphore::new(concurrency.max(1))),
            dummy_hash: hash_blocking("safeplan timing equaliser, not a password").into(),
        }
    }

    pub async fn hash(&self, password: String) -> Result<String, HashTaskError> {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|e| HashTaskError(e.to_string()))?;
        tokio::task::spawn_blocking(move || hash_blocking(&password))
            .await
            .map_err(|e| HashTaskError(e.to_string()))
    }

    /// Verifies `password` against `hash`, or against the dummy hash when
    /// there is no user (and then always answers false).
    pub async fn verify(
        &self,
        hash: Option<String>,
        password: String,
    ) -> Result<bool, HashTaskError> {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|e| HashTaskError(e.to_string()))?;
        let real = hash.is_some();
        let hash = hash.unwrap_or_else(|| self.dummy_hash.to_string());
        let ok = tokio::task::spawn_blocking(move || verify_blocking(&hash, &password))
            .await
            .map_err(|e| HashTaskError(e.to_string()))?;
        Ok(real && ok)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_argon2id_with_the_required_cost() {
        let h = hash_blocking("correct horse battery staple");
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(verify_blocking(&h, "correct horse battery staple"));
        assert!(!verify_blocking(&h, "correct horse battery stapl"));
        assert!(!verify_blocking("not a hash", "x"));
    }

    #[tokio::test]
    async fn unknown_users_never_verify() {
        let hasher = Hasher::new(2);
        assert!(!hasher
            .verify(None, "safeplan timing equaliser, not a password".into())
            .await
            .unwrap());
    }
}

/// The bundled list of common and breached passwords (12+ characters,
/// lower-cased; see app/data/README.md).
static COMMON: std::sync::LazyLock<std::collections::HashSet<&'static str>> =
    std::sync::LazyLock::new(|| {
        include_str!("../../data/common-passwords.txt")
            .lines()
            .collect()
    });

/// Whether a lower-cased password is on the bundled list.
pub fn is_common(lowercase_password: &str) -> bool {
    COMMON.contains(lowercase_password)
}

/// Checks a new password for `username` against every rule.
pub fn validate_new(
    password: &str,
    username: &str,
) -> Result<(), crate::domain::password::PasswordProblem> {
    crate::domain::password::check_new_password(password, is_common, &[username])
}

#[cfg(test)]
mod list_tests {
    use super::*;
    use crate::domain::password::PasswordProblem;

    #[test]
    fn the_bundled_list_is_loaded_and_used() {
        assert!(COMMON.len() > 40_000);
        assert!(is_common("1qaz2wsx3edc"));
        assert_eq!(
            validate_new("1QAZ2wsx3EDC", "bob"),
            Err(PasswordProblem::Common)
        );
        assert_eq!(
            validate_new("qwertyqwerty", "bob"),
            Err(PasswordProblem::Common)
        );
        assert_eq!(validate_new("a walk by the river", "bob"), Ok(()));
    }
}
