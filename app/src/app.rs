use crate::components::hydration::HydrationMarker;
use crate::pages::{
    account::AccountRoute,
    account_setup::{AccountSetupsRoute, SetupRoute},
    admin_users::AdminUsersRoute,
    audit_log::AuditLogRoute,
    cases::{CaseRoute, CaseloadRoute, InboxRoute, NewCaseRoute},
    dashboard::DashboardRoute,
    directory::MapRoute,
    home::HomePage,
    login::LoginPage,
    not_found::NotFound,
    second_factor::SecondFactorRoute,
    second_factor_setup::SecondFactorSetupRoute,
};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, HashedStylesheet, MetaTags, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    path, Lazy, SsrMode,
};

/// The HTML document around the app, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    set_content_security_policy();
    // The page's language, settled here once for the request; the browser
    // reads it back from <html lang> when it hydrates.
    let locale = crate::i18n::use_locale();
    provide_context(locale);
    view! {
        <!DOCTYPE html>
        <html lang=locale.code()>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="referrer" content="same-origin"/>
                <meta name="robots" content="noindex, nofollow"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <HashedStylesheet options=options.clone() id="leptos"/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    provide_context(crate::i18n::use_locale());

    view! {
        <Title formatter=|text: String| if text.is_empty() { "Safeplan".to_string() } else { format!("{text} · Safeplan") }/>
        <HydrationMarker/>
        <Router>
            <Routes fallback=NotFound>
                // Pages behind sign-in render in one piece (SsrMode::Async), so that
                // a redirect to the sign-in page is a real HTTP redirect.
                <Route path=path!("/") view=HomePage ssr=SsrMode::Async/>
                <Route path=path!("/account") view={Lazy::<AccountRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/accounts/setup") view={Lazy::<AccountSetupsRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/setup") view={Lazy::<SetupRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/admin/users") view={Lazy::<AdminUsersRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/audit") view={Lazy::<AuditLogRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/cases") view={Lazy::<CaseloadRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/cases/new") view={Lazy::<NewCaseRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/cases/:code/:step") view={Lazy::<CaseRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/inbox") view={Lazy::<InboxRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/dashboard") view={Lazy::<DashboardRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/directory") view={Lazy::<MapRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/directory/new") view={Lazy::<MapRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/directory/suggestions") view={Lazy::<MapRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/directory/exchange") view={Lazy::<MapRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/directory/entry/:id") view={Lazy::<MapRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/directory/entry/:id/edit") view={Lazy::<MapRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/login") view=LoginPage/>
                <Route path=path!("/login/code") view={Lazy::<SecondFactorRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/account/two-step") view={Lazy::<SecondFactorSetupRoute>::new()} ssr=SsrMode::Async/>
            </Routes>
        </Router>
    }
}

/// Scripts run only from this site or with this response's nonce (the
/// inline hydration scripts); WASM may be compiled; nothing may frame the page.
#[cfg(feature = "ssr")]
fn set_content_security_policy() {
    let (Some(nonce), Some(res)) = (
        leptos::nonce::use_nonce(),
        use_context::<leptos_axum::ResponseOptions>(),
    ) else {
        return;
    };
    let policy = format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; \
         base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
    );
    if let Ok(value) = http::HeaderValue::from_str(&policy) {
        res.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
    }
}
