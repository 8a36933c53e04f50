use crate::api::prefs::SetLanguage;
use crate::i18n::{t, use_locale, Locale, K};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

/// Buttons for the other languages of the interface; a plain form, so it
/// works without WASM. The page reloads in the chosen language at `here`.
#[component]
pub fn LanguageSwitch(#[prop(into)] here: String) -> impl IntoView {
    let current = use_locale();
    view! {
        <form method="post" action=SetLanguage::url() class="inline language-switch" aria-label=t(K::app_language)>
            <input type="hidden" name="next" value=here/>
            {Locale::ALL
                .into_iter()
                .filter(|l| *l != current)
                .map(|l| view! {
                    <button type="submit" name="lang" value=l.code() lang=l.code() class="link">{l.name()}</button>
                })
                .collect_view()}
        </form>
    }
}
