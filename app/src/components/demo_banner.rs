use crate::i18n::{t, K};
use leptos::prelude::*;

/// A band across the top of every page of a demo organisation, so that
/// nobody mistakes demo data for real cases (or enters real cases there).
#[component]
pub fn DemoBanner() -> impl IntoView {
    view! {
        <div class="demo-banner" role="note">
            {t(K::demo_banner)}
        </div>
    }
}
