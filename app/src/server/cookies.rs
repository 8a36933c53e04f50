//! The cookies Safeplan sets, in one place: their names, flags and how
//! they are read back.
//!
//! Over HTTPS (`--secure-cookies`) the security cookies carry the
//! `__Host-` prefix, which browsers accept only when the cookie is Secure,
//! has `Path=/` and no Domain: a neighbouring subdomain cannot plant or
//! shadow them. Only the configured name is read.

use http::header::COOKIE;
use http::HeaderMap;

/// A cookie's fixed properties.
#[derive(Clone, Copy, Debug)]
pub struct CookieSpec {
    /// The name without prefix.
    pub name: &'static str,
    pub same_site: &'static str,
    /// Lifetime in seconds; `None`: until the browser closes.
    pub max_age: Option<i64>,
}

/// The session token (a random 256-bit value).
pub const SESSION: CookieSpec = CookieSpec {
    name: "safeplan_session",
    same_site: "Strict",
    max_age: None,
};

/// A sign-in waiting for its second factor (five minutes).
pub const CHALLENGE: CookieSpec = CookieSpec {
    name: "safeplan_challenge",
    same_site: "Strict",
    max_age: Some(5 * 60),
};

/// A right PIN for a shared link (the link's id and an expiry, sealed
/// with the server's key); half an hour.
pub const SHARE: CookieSpec = CookieSpec {
    name: "safeplan_share",
    same_site: "Strict",
    max_age: Some(30 * 60),
};

/// A set-up code just made from a page without WASM, for that page to show
/// once (sealed with the server's key for the supervisor's session); two
/// minutes.
pub const SETUP_CODE: CookieSpec = CookieSpec {
    name: "safeplan_setup_code",
    same_site: "Strict",
    max_age: Some(2 * 60),
};

impl CookieSpec {
    /// The name, with `__Host-` when served over HTTPS.
    pub fn name(&self, secure: bool) -> String {
        if secure {
            format!("__Host-{}", self.name)
        } else {
            self.name.to_string()
        }
    }

    fn attributes(&self, secure: bool) -> String {
        let secure = if secure { "; Secure" } else { "" };
        format!("Path=/; HttpOnly; SameSite={}{secure}", self.same_site)
    }

    /// The `Set-Cookie` value that stores `value`.
    pub fn set(&self, value: &str, secure: bool) -> String {
        let max_age = self
            .max_age
            .map(|s| format!("; Max-Age={s}"))
            .unwrap_or_default();
        format!(
            "{}={value}; {}{max_age}",
            self.name(secure),
            self.attributes(secure)
        )
    }

    /// The `Set-Cookie` value that removes it.
    pub fn clear(&self, secure: bool) -> String {
        format!(
            "{}=; {}; Max-Age=0",
            self.name(secure),
            self.attributes(secure)
        )
    }

    /// Its value in a request, if it is a token as we make them (64 hex
    /// characters); anything else is ignored.
    pub fn token(&self, headers: &HeaderMap, secure: bool) -> Option<String> {
        let name = self.name(secure);
        cookie_value(headers, &name)
            .filter(|v| v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit()))
    }
}

/// The value of the cookie `name` in a request, if present.
pub fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, value)| value.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    #[test]
    fn flags_and_prefix() {
        let plain = SESSION.set("ab", false);
        assert_eq!(
            plain,
            "safeplan_session=ab; Path=/; HttpOnly; SameSite=Strict"
        );
        let https = SESSION.set("ab", true);
        assert_eq!(
            https,
            "__Host-safeplan_session=ab; Path=/; HttpOnly; SameSite=Strict; Secure"
        );
        assert!(SESSION.clear(true).starts_with("__Host-safeplan_session=;"));
        assert!(SESSION.clear(false).ends_with("Max-Age=0"));
        assert!(CHALLENGE.set("ab", false).ends_with("Max-Age=300"));
    }

    #[test]
    fn only_well_formed_tokens_under_the_configured_name_are_read() {
        let t = "ab".repeat(32);
        let mut h = HeaderMap::new();
        h.insert(
            COOKIE,
            HeaderValue::from_str(&format!("a=b; safeplan_session={t}")).unwrap(),
        );
        assert_eq!(SESSION.token(&h, false), Some(t.clone()));
        // Over HTTPS a cookie without the prefix could have been planted.
        assert_eq!(SESSION.token(&h, true), None);
        h.insert(
            COOKIE,
            HeaderValue::from_str(&format!("__Host-safeplan_session={t}")).unwrap(),
        );
        assert_eq!(SESSION.token(&h, true), Some(t));
        h.insert(
            COOKIE,
            HeaderValue::from_static("safeplan_session=../../etc"),
        );
        assert_eq!(SESSION.token(&h, false), None);
    }
}
