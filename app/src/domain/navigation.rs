//! Where a user may be sent after signing in.

/// Returns `next` when it is a path on this site, and `/` otherwise.
///
/// The login page carries the page the user came from, so that a forced
/// re-login returns them there. That value comes from the URL, so it must
/// never send the user to another site (`//evil.example`, `https://…`,
/// `/\evil.example`) or carry control characters.
pub fn safe_next(next: &str) -> &str {
    let ok = next.starts_with('/')
        && !next.starts_with("//")
        && !next.starts_with("/\\")
        && next.len() <= 512
        && !next.chars().any(|c| c.is_control() || c == '\\')
        && !next.starts_with("/api/");
    if ok {
        next
    } else {
        "/"
    }
}

/// The sign-in page's address that returns to `next` afterwards.
pub fn login_path(next: &str) -> String {
    with_next("/login", next)
}

/// The second sign-in step's address (the one-time code), returning to
/// `next` afterwards.
pub fn second_factor_path(next: &str) -> String {
    with_next("/login/code", next)
}

fn with_next(page: &str, next: &str) -> String {
    let next = safe_next(next);
    let mut out = format!("{page}?next=");
    for b in next.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{login_path, safe_next};

    #[test]
    fn login_path_encodes_the_return_address() {
        assert_eq!(login_path("/"), "/login?next=/");
        assert_eq!(
            login_path("/cases/K7?step=risk&x=1"),
            "/login?next=/cases/K7%3Fstep%3Drisk%26x%3D1"
        );
        assert_eq!(login_path("https://evil.example"), "/login?next=/");
        assert_eq!(
            super::second_factor_path("/audit?page=2"),
            "/login/code?next=/audit%3Fpage%3D2"
        );
    }
    use proptest::prelude::*;

    #[test]
    fn local_paths_are_kept() {
        assert_eq!(safe_next("/cases/K7Q2?step=risk"), "/cases/K7Q2?step=risk");
        assert_eq!(safe_next("/"), "/");
    }

    #[test]
    fn anything_else_goes_home() {
        for bad in [
            "",
            "cases",
            "//evil.example/x",
            "/\\evil.example",
            "https://evil.example/",
            "javascript:alert(1)",
            "/ok\r\nSet-Cookie: x=y",
            "/api/auth/logout",
        ] {
            assert_eq!(safe_next(bad), "/", "{bad:?}");
        }
    }

    proptest! {
        #[test]
        fn result_is_always_a_local_path(s in ".{0,600}") {
            let out = safe_next(&s);
            prop_assert!(out.starts_with('/'));
            prop_assert!(!out.starts_with("//"));
            prop_assert!(!out.contains('\\'));
            prop_assert!(!out.chars().any(|c| c.is_control()));
        }
    }
}
