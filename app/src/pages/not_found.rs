use crate::i18n::{t, K};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        res.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text=t(K::not_found_title)/>
        <main class="narrow">
            <h1>{t(K::not_found_heading)}</h1>
            <p>{t(K::not_found_text)}</p>
            <p><a href="/">{t(K::not_found_home)}</a></p>
        </main>
    }
}
