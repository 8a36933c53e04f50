//! Password rules, after current NIST guidance (SP 800-63B): a minimum
//! length, no composition rules, and no password that is common, breached
//! or made of the account's own name.

use std::fmt;

pub const MIN_CHARS: usize = 12;
/// Long enough for any passphrase, short enough to bound hashing work.
pub const MAX_CHARS: usize = 256;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PasswordProblem {
    TooShort,
    TooLong,
    /// On the list of common and breached passwords.
    Common,
    /// Made of the username or the name of the service.
    Guessable,
}

impl fmt::Display for PasswordProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PasswordProblem::TooShort => {
                write!(
                    f,
                    "use at least {MIN_CHARS} characters; a few words together work well"
                )
            }
            PasswordProblem::TooLong => write!(f, "use at most {MAX_CHARS} characters"),
            PasswordProblem::Common => {
                write!(
                    f,
                    "this password is on a list of common or leaked passwords; choose another"
                )
            }
            PasswordProblem::Guessable => {
                write!(
                    f,
                    "do not build the password from your username or the name Safeplan"
                )
            }
        }
    }
}

impl std::error::Error for PasswordProblem {}

/// Checks a new password. Length counts characters, not bytes, so that
/// passphrases in any script are treated alike. `is_common` looks the
/// lower-cased password up in the list of common passwords (kept on the
/// server); `context` holds words the password must not be built from.
pub fn check_new_password(
    password: &str,
    is_common: impl Fn(&str) -> bool,
    context: &[&str],
) -> Result<(), PasswordProblem> {
    let n = password.chars().count();
    if n < MIN_CHARS {
        return Err(PasswordProblem::TooShort);
    }
    if n > MAX_CHARS {
        return Err(PasswordProblem::TooLong);
    }
    let lower = password.to_lowercase();
    if is_common(&lower) {
        return Err(PasswordProblem::Common);
    }
    // Guessable: what is left after removing the context words, digits and
    // punctuation is too short to matter ("alice2024!!!!", "safeplan-safeplan").
    let mut rest = lower.clone();
    for word in context.iter().chain(std::iter::once(&"safeplan")) {
        let w = word.trim().to_lowercase();
        if w.chars().count() >= 3 {
            rest = rest.replace(&w, "");
        }
    }
    let meaningful = rest.chars().filter(|c| c.is_alphabetic()).count();
    if rest.len() < lower.len() && meaningful < 4 {
        return Err(PasswordProblem::Guessable);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(pw: &str) -> Result<(), PasswordProblem> {
        check_new_password(pw, |p| p == "correcthorsebatterystaple", &["alice"])
    }

    #[test]
    fn length_is_counted_in_characters() {
        assert_eq!(check("short"), Err(PasswordProblem::TooShort));
        assert_eq!(check("elevenchars"), Err(PasswordProblem::TooShort));
        assert_eq!(check("twelve chars"), Ok(()));
        // Twelve Arabic letters are 24 bytes but twelve characters.
        assert_eq!(check("كلمةالسرهنا!"), Ok(()));
        assert_eq!(
            check(&"x".repeat(MAX_CHARS + 1)),
            Err(PasswordProblem::TooLong)
        );
    }

    #[test]
    fn no_composition_rules() {
        assert_eq!(check("all lower case words"), Ok(()));
    }

    #[test]
    fn common_passwords_are_refused_whatever_the_case() {
        assert_eq!(
            check("CorrectHorseBatteryStaple"),
            Err(PasswordProblem::Common)
        );
    }

    #[test]
    fn the_username_and_service_name_are_not_a_password() {
        assert_eq!(check("Alice2024!!!!"), Err(PasswordProblem::Guessable));
        assert_eq!(check("safeplan-safeplan"), Err(PasswordProblem::Guessable));
        assert_eq!(check("SafePlan123456"), Err(PasswordProblem::Guessable));
        // A name inside a real passphrase is fine.
        assert_eq!(check("alice likes green tea"), Ok(()));
    }
}
