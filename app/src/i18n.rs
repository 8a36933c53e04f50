//! The languages of the user interface.
//!
//! Texts live in `locales/<code>.toml` (content, not code); the build turns
//! them into [`K`], one variant per message, and a table per language, and
//! refuses to build when a language lacks a message or its placeholders
//! differ. The language of a page is settled on the server (the user's
//! choice in a cookie, else the browser's Accept-Language, else English),
//! written into `<html lang>`, and read back from there by the browser, so
//! both render the same words. Changing language reloads the page.

include!(concat!(env!("OUT_DIR"), "/messages.rs"));

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The cookie holding the user's choice of language.
pub const LANGUAGE_COOKIE: &str = "safeplan_lang";

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Locale {
    #[default]
    En,
    Nl,
}

impl Locale {
    /// In the order of the translation tables.
    pub const ALL: [Locale; 2] = [Locale::En, Locale::Nl];

    /// The BCP 47 code, as in `<html lang>`.
    pub fn code(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::Nl => "nl",
        }
    }

    /// The language's own name, for the language switch.
    pub fn name(self) -> &'static str {
        match self {
            Locale::En => "English",
            Locale::Nl => "Nederlands",
        }
    }

    /// From a code such as "nl", "NL" or "nl-BE".
    pub fn from_code(code: &str) -> Option<Locale> {
        let primary = code.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        Locale::ALL.into_iter().find(|l| l.code() == primary)
    }

    pub(crate) fn index(self) -> usize {
        self as usize
    }
}

/// The text of a message in a language.
pub fn text(locale: Locale, key: K) -> &'static str {
    TEXTS[locale.index()][key as usize]
}

/// A message with its `{placeholders}` filled in.
pub fn fill(locale: Locale, key: K, args: &[(&str, &str)]) -> String {
    fill_in(text(locale, key), args)
}

/// `text` with its `{placeholders}` replaced by the values given.
fn fill_in(text: &str, args: &[(&str, &str)]) -> String {
    let mut out = text.to_string();
    for (name, value) in args {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

/// The message naming a role ("counsellor", "begeleider").
pub fn role_key(role: crate::domain::Role) -> K {
    use crate::domain::Role;
    match role {
        Role::Counsellor => K::role_counsellor,
        Role::ReturnOfficer => K::role_return_officer,
        Role::Supervisor => K::role_supervisor,
        Role::Admin => K::role_admin,
    }
}

/// The message naming a kind of organisation.
pub fn org_kind_key(kind: crate::domain::OrgKind) -> K {
    use crate::domain::OrgKind;
    match kind {
        OrgKind::Counselling => K::org_kind_counselling,
        OrgKind::IomMission => K::org_kind_iom_mission,
    }
}

/// What is wrong with a new password, in the page's language.
pub fn password_problem(problem: crate::domain::password::PasswordProblem) -> String {
    use crate::domain::password::{PasswordProblem, MAX_CHARS, MIN_CHARS};
    match problem {
        PasswordProblem::TooShort => tf(K::password_too_short, &[("n", &MIN_CHARS.to_string())]),
        PasswordProblem::TooLong => tf(K::password_too_long, &[("n", &MAX_CHARS.to_string())]),
        PasswordProblem::Common => t(K::password_common).into(),
        PasswordProblem::Guessable => t(K::password_guessable).into(),
    }
}

/// The language for a request: the user's choice (cookie) if it names a
/// language we have, else the first language we have in the browser's
/// Accept-Language (by preference), else English.
pub fn negotiate(choice: Option<&str>, accept_language: Option<&str>) -> Locale {
    if let Some(l) = choice.and_then(Locale::from_code) {
        return l;
    }
    let mut offered: Vec<(f32, usize, Locale)> = accept_language
        .unwrap_or_default()
        .split(',')
        .enumerate()
        .filter_map(|(i, part)| {
            let mut bits = part.split(';');
            let locale = Locale::from_code(bits.next()?)?;
            let q = bits
                .find_map(|b| b.trim().strip_prefix("q="))
                .map(|q| q.trim().parse::<f32>().unwrap_or(0.0))
                .unwrap_or(1.0);
            (q > 0.0).then_some((q, i, locale))
        })
        .collect();
    offered.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    offered.first().map(|o| o.2).unwrap_or_default()
}

/// The language of a request, from its headers.
#[cfg(feature = "ssr")]
pub fn locale_of(headers: &http::HeaderMap) -> Locale {
    let choice = crate::server::cookies::cookie_value(headers, LANGUAGE_COOKIE);
    let accept = headers
        .get(http::header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok());
    negotiate(choice.as_deref(), accept)
}

/// The language of the page being rendered (server) or shown (browser).
pub fn use_locale() -> Locale {
    if let Some(l) = use_context::<Locale>() {
        return l;
    }
    #[cfg(feature = "ssr")]
    {
        use_context::<http::request::Parts>()
            .map(|parts| locale_of(&parts.headers))
            .unwrap_or_default()
    }
    #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
    {
        document()
            .document_element()
            .and_then(|html| html.get_attribute("lang"))
            .and_then(|code| Locale::from_code(&code))
            .unwrap_or_default()
    }
    #[cfg(not(any(feature = "ssr", feature = "hydrate")))]
    Locale::default()
}

/// The text of a message in the page's language.
pub fn t(key: K) -> &'static str {
    text(use_locale(), key)
}

/// A message in the page's language with its placeholders filled in.
pub fn tf(key: K, args: &[(&str, &str)]) -> String {
    fill(use_locale(), key, args)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_choice_wins_then_the_browser_then_english() {
        let cases = [
            (Some("nl"), Some("en-GB,en;q=0.9"), Locale::Nl),
            (Some("xx"), Some("nl-BE,nl;q=0.9,en;q=0.8"), Locale::Nl),
            (None, Some("fr-FR,fr;q=0.9,nl;q=0.5,en;q=0.4"), Locale::Nl),
            (None, Some("fr-FR, en;q=0.3, nl;q=0.2"), Locale::En),
            (None, Some("de, nl;q=0"), Locale::En),
            (None, Some("en;q=0.5, nl;q=0.8"), Locale::Nl),
            (None, Some("NL"), Locale::Nl),
            (None, None, Locale::En),
            (None, Some(""), Locale::En),
        ];
        for (choice, accept, want) in cases {
            assert_eq!(negotiate(choice, accept), want, "{choice:?} {accept:?}");
        }
    }

    #[test]
    fn placeholders_are_filled() {
        let s = fill(Locale::En, K::time_seconds, &[("n", "45")]);
        assert_eq!(s, "45 seconds");
        let s = fill(Locale::Nl, K::time_seconds, &[("n", "45")]);
        assert!(s.contains("45") && !s.contains('{'), "{s}");
    }

    #[test]
    fn every_message_has_a_text_in_every_language() {
        for locale in Locale::ALL {
            for row in TEXTS[locale.index()].iter() {
                assert!(!row.trim().is_empty(), "{locale:?} has an empty message");
            }
        }
    }

    proptest! {
        #[test]
        fn any_header_gives_a_language(accept in ".{0,200}", choice in proptest::option::of(".{0,10}")) {
            let l = negotiate(choice.as_deref(), Some(&accept));
            prop_assert!(Locale::ALL.contains(&l));
        }
    }
}

/// A table of texts read only by pages that load on demand: with
/// `--split`, such a table goes into their WASM files, so the first one,
/// which every page loads, carries none of it. Gives the module its
/// `text(locale, key)`, a text in the page's language and one with its
/// placeholders filled in.
macro_rules! on_demand_texts {
    ($(#[$doc:meta])* $module:ident, $file:literal, $key:ident, $texts:ident, $t:ident, $tf:ident) => {
        $(#[$doc])*
        pub mod $module {
            use super::Locale;
            include!(concat!(env!("OUT_DIR"), "/", $file));

            pub fn text(locale: Locale, key: $key) -> &'static str {
                $texts[locale.index()][key as usize]
            }

            /// A text in the page's language.
            pub fn $t(key: $key) -> &'static str {
                text(super::use_locale(), key)
            }

            /// A text in the page's language with its placeholders filled in.
            #[allow(dead_code)]
            pub fn $tf(key: $key, args: &[(&str, &str)]) -> String {
                super::fill_in($t(key), args)
            }

            #[cfg(test)]
            #[test]
            fn every_text_is_there_in_every_language() {
                for locale in Locale::ALL {
                    for row in $texts[locale.index()].iter() {
                        assert!(!row.trim().is_empty(), "{locale:?} has an empty text");
                    }
                }
            }
        }
    };
}

on_demand_texts!(
    /// The social map's texts (`locales/directory/`), read only by the
    /// map's pages and the plan's referrals.
    map, "map_messages.rs", MK, MAP_TEXTS, mt, mtf
);

on_demand_texts!(
    /// The counselling guidance (`locales/guidance/`), read only by the
    /// case's pages.
    guide, "guide_messages.rs", GK, GUIDE_TEXTS, gt, gtf
);

on_demand_texts!(
    /// The follow-up after return (`locales/follow_up/`), read only by the
    /// case's pages and the dashboard.
    follow_up, "follow_up_messages.rs", FK, FOLLOW_UP_TEXTS, ft, ftf
);

/// The client's copy of a plan: its own languages (those of the clients,
/// not of the interface) and texts, from `locales/client/`. Rendered on
/// the server only, so none of it is in the browser's code.
#[cfg(feature = "ssr")]
pub mod client {
    include!(concat!(env!("OUT_DIR"), "/client_messages.rs"));

    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
    pub enum ClientLocale {
        #[default]
        En,
        Nl,
        Fr,
        Ar,
    }

    impl ClientLocale {
        /// In the order of the translation tables.
        pub const ALL: [ClientLocale; 4] = [
            ClientLocale::En,
            ClientLocale::Nl,
            ClientLocale::Fr,
            ClientLocale::Ar,
        ];

        /// The BCP 47 code, as in `<html lang>`.
        pub fn code(self) -> &'static str {
            match self {
                ClientLocale::En => "en",
                ClientLocale::Nl => "nl",
                ClientLocale::Fr => "fr",
                ClientLocale::Ar => "ar",
            }
        }

        /// The language's own name.
        pub fn name(self) -> &'static str {
            match self {
                ClientLocale::En => "English",
                ClientLocale::Nl => "Nederlands",
                ClientLocale::Fr => "Français",
                ClientLocale::Ar => "العربية",
            }
        }

        /// The direction of its script, for `<html dir>`.
        pub fn dir(self) -> &'static str {
            match self {
                ClientLocale::Ar => "rtl",
                _ => "ltr",
            }
        }

        /// From a code such as "fr", "FR" or "ar-MA".
        pub fn from_code(code: &str) -> Option<ClientLocale> {
            let primary = code.trim().split(['-', '_']).next()?.to_ascii_lowercase();
            ClientLocale::ALL.into_iter().find(|l| l.code() == primary)
        }

        /// The first of the client's languages (ISO 639, most fluent
        /// first) the copy is written in; English otherwise.
        pub fn for_client(languages: &[String]) -> ClientLocale {
            ClientLocale::from_code(crate::domain::share::copy_language(languages))
                .unwrap_or_default()
        }
    }

    pub fn text(locale: ClientLocale, key: CK) -> &'static str {
        CLIENT_TEXTS[locale as usize][key as usize]
    }

    /// A message with its `{placeholders}` filled in.
    pub fn fill(locale: ClientLocale, key: CK, args: &[(&str, &str)]) -> String {
        super::fill_in(text(locale, key), args)
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn every_language_has_every_text_and_arabic_runs_right_to_left() {
            for l in ClientLocale::ALL {
                assert!(!text(l, CK::title).is_empty());
                assert!(fill(l, CK::reference, &[("code", "K7Q2-M9XD-F")]).contains("K7Q2-M9XD-F"));
                assert_eq!(ClientLocale::from_code(l.code()), Some(l));
            }
            assert_eq!(ClientLocale::Ar.dir(), "rtl");
            assert_eq!(ClientLocale::Fr.dir(), "ltr");
            assert_eq!(
                ClientLocale::for_client(&["ti".into(), "ar".into()]),
                ClientLocale::Ar
            );
            assert_eq!(ClientLocale::for_client(&["ti".into()]), ClientLocale::En);
        }
    }
}
