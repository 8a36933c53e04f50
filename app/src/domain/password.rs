//! Password rules, after current NIST guidance (SP 800-63B): a minimum
//! length and no composition rules. The check against a list of common and
//! breached passwords belongs here too and comes with account management.

use std::fmt;

pub const MIN_CHARS: usize = 12;
/// Long enough for any passphrase, short enough to bound hashing work.
pub const MAX_CHARS: usize = 256;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PasswordProblem {
    TooShort,
    TooLong,
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
        }
    }
}

impl std::error::Error for PasswordProblem {}

/// Checks a new password. Length counts characters, not bytes, so that
/// passphrases in any script are treated alike.
pub fn check_new_password(password: &str) -> Result<(), PasswordProblem> {
    let n = password.chars().count();
    if n < MIN_CHARS {
        Err(PasswordProblem::TooShort)
    } else if n > MAX_CHARS {
        Err(PasswordProblem::TooLong)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn length_is_counted_in_characters() {
        assert_eq!(check_new_password("short"), Err(PasswordProblem::TooShort));
        assert_eq!(
            check_new_password("elevenchars"),
            Err(PasswordProblem::TooShort)
        );
        assert_eq!(check_new_password("twelve chars"), Ok(()));
        // Twelve Arabic letters are 24 bytes but twelve characters.
        assert_eq!(check_new_password("كلمةالسرهنا!"), Ok(()));
        assert_eq!(
            check_new_password(&"x".repeat(MAX_CHARS + 1)),
            Err(PasswordProblem::TooLong)
        );
    }

    #[test]
    fn no_composition_rules() {
        assert_eq!(check_new_password("all lower case words"), Ok(()));
    }
}
