use crate::api::auth::{Logout, MeView};
use crate::components::demo_banner::DemoBanner;
use crate::components::language_switch::LanguageSwitch;
use crate::components::session_timer::SessionTimer;
use crate::domain::{OrgKind, Role};
use crate::i18n::{role_key, t, K};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

/// The band at the top of every signed-in page: who is signed in, where to
/// go, and signing out. Demo organisations get the demo banner above it.
#[component]
pub fn TopBar(user: MeView, #[prop(into)] here: String) -> impl IntoView {
    // Back to the same page, filters and all, in the other language.
    let location = leptos_router::hooks::use_location();
    let here_with_query = {
        let search = location.search.get_untracked();
        let path = location.pathname.get_untracked();
        if search.is_empty() {
            path
        } else {
            format!("{path}?{search}")
        }
    };
    // On a step of a case: the first thing the keyboard reaches leads
    // straight to the step's form.
    let on_step = {
        let parts: Vec<&str> = here.trim_matches('/').split('/').collect();
        matches!(parts.as_slice(), ["cases", _, step] if crate::domain::case_file::Step::from_slug(step).is_some())
    };
    view! {
        {user.organisation_is_demo.then(|| view! { <DemoBanner/> })}
        {on_step.then(|| view! {
            <a class="skip-link" href="#step-form" id="skip-to-form" on:click=|e| {
                // With WASM the first field takes the focus; without, the
                // browser goes to the form and the next Tab reaches it.
                #[cfg(feature = "hydrate")]
                {
                    use wasm_bindgen::JsCast;
                    let first = document()
                        .query_selector("#step-form fieldset:not([disabled]) :is(input:not([type=hidden]), select, textarea):not([disabled])")
                        .ok()
                        .flatten()
                        .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok());
                    if let Some(el) = first {
                        e.prevent_default();
                        let _ = el.focus();
                    }
                }
                #[cfg(not(feature = "hydrate"))]
                let _ = e;
            }>{t(K::nav_skip_to_form)}</a>
        })}
        <header class="topbar">
            <a class="brand" href="/">"Safeplan"</a>
            <nav aria-label=t(K::nav_label)>
                <a href="/">{t(K::nav_start)}</a>
                {(user.organisation_kind == OrgKind::Counselling
                    && matches!(user.role, Role::Counsellor | Role::Supervisor))
                    .then(|| view! { <a href="/cases" id="nav-cases">{t(K::nav_cases)}</a> })}
                {(user.organisation_kind == OrgKind::IomMission
                    && matches!(user.role, Role::ReturnOfficer | Role::Supervisor))
                    .then(|| view! { <a href="/inbox" id="nav-inbox">{t(K::nav_inbox)}</a> })}
                <a href="/directory" id="nav-map">{t(K::nav_map)}</a>
                <a href="/account">{t(K::nav_account)}</a>
                {(user.role == crate::domain::Role::Admin).then(|| view! { <a href="/admin/users">{t(K::nav_users)}</a> })}
                {(user.organisation_kind == OrgKind::Counselling && user.role == Role::Supervisor)
                    .then(|| view! { <a href="/dashboard" id="nav-dashboard">{t(K::nav_dashboard)}</a> })}
                {(user.role == crate::domain::Role::Supervisor)
                    .then(|| view! { <a href="/audit">{t(K::nav_audit)}</a> })}
            </nav>
            <span class="who" id="who">
                {user.display_name.clone()} " · " {t(role_key(user.role))} " · "
                {user.organisation_name.clone()}
            </span>
            // A plain form, also with WASM: signing out loads a fresh page,
            // so nothing of the session stays in the browser's memory.
            <LanguageSwitch here=here_with_query/>
            <form method="post" action=Logout::url() class="inline" id="sign-out">
                <button type="submit" class="secondary">{t(K::nav_sign_out)}</button>
            </form>
        </header>
        <SessionTimer idle_timeout_secs=user.idle_timeout_secs ends_at=chrono::DateTime::from_timestamp(user.session_ends_at, 0).unwrap_or_default() here/>
    }
}
