use crate::api::auth::{challenge, SecondFactor};
use crate::components::enrolment::EnrolmentSteps;
use crate::domain::navigation::login_path;
use crate::error::AppError;
use crate::i18n::{t, use_locale, K};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// The second sign-in step: the one-time code (and, the first time where it
/// is required, setting up the authenticator app). Works without WASM.
#[component]
pub fn SecondFactorPage() -> impl IntoView {
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();
    let state = Resource::new_blocking(|| (), |_| challenge());
    view! {
        <Title text=t(K::code_title)/>
        <main class="auth">
            <header class="auth-header">
                <p class="brand">"Safeplan"</p>
                <h1>{t(K::code_heading)}</h1>
            </header>
            <Suspense fallback=|| view! { <p class="loading">{t(K::app_loading)}</p> }>
                {move || Suspend::new(async move {
                    match state.await {
                        Ok(view) => view! { <CodeForm enrolment=view.enrolment next=next()/> }.into_any(),
                        Err(_) => view! {
                            <p class="form-error" role="alert" id="challenge-expired">
                                {t(K::code_ended)}
                            </p>
                            <p><a class="button primary" href=login_path(&next())>{t(K::session_sign_in_again)}</a></p>
                        }.into_any(),
                    }
                })}
            </Suspense>
        </main>
    }
}

#[component]
fn CodeForm(enrolment: Option<crate::api::auth::Enrolment>, next: String) -> impl IntoView {
    let verify = ServerAction::<SecondFactor>::new();
    let query = use_query_map();
    let setting_up = enrolment.is_some();
    let locale = use_locale();
    let error = move || {
        let code = query.read().get("error");
        super::login::last_sign_in_error(verify.value().get(), code).map(|e| {
            let text = match e {
                AppError::InvalidCredentials => {
                    crate::i18n::text(locale, K::code_wrong).to_string()
                }
                AppError::Unauthenticated => crate::i18n::text(locale, K::code_ended).to_string(),
                e => e.message_in(locale),
            };
            view! { <p class="form-error" role="alert">{text}</p> }
        })
    };
    view! {
        {if setting_up {
            view! {
                <p class="lede">{t(K::code_set_up_lede)}</p>
            }
                .into_any()
        } else {
            view! { <p class="lede">{t(K::code_lede)}</p> }
                .into_any()
        }}
        {enrolment.map(|e| view! { <EnrolmentSteps enrolment=e/> })}
        <ActionForm action=verify attr:class="stack" attr:id="code-form">
            <input type="hidden" name="next" value=next/>
            <label for="code">{t(K::code_label)}</label>
            <input
                id="code"
                name="code"
                inputmode="numeric"
                autocomplete="one-time-code"
                pattern="[0-9 ]{6,7}"
                maxlength="7"
                required
                autofocus
            />
            {error}
            <button type="submit" class="primary" disabled=move || verify.pending().get()>
                {if setting_up { t(K::code_submit_set_up) } else { t(K::code_submit) }}
            </button>
        </ActionForm>
        <p class="fine-print">
            {t(K::code_lost_phone)}
        </p>
    }
}

/// The route, loaded on demand: with `cargo leptos build --split` its code
/// is a separate WASM file, fetched when the page is first needed.
pub struct SecondFactorRoute;

#[leptos_router::lazy_route]
impl leptos_router::LazyRoute for SecondFactorRoute {
    fn data() -> Self {
        SecondFactorRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <SecondFactorPage/> }.into_any()
    }
}
