use crate::api::account::{second_factor_setup, SecondFactorConfirm};
use crate::api::auth::Enrolment;
use crate::components::enrolment::EnrolmentSteps;
use crate::components::signed_in::SignedIn;
use crate::error::AppError;
use crate::i18n::{t, use_locale, K};
use leptos::prelude::*;
use leptos_meta::Title;

/// Setting up two-step sign-in from the account page.
#[component]
pub fn SecondFactorSetupPage() -> impl IntoView {
    // Made outside the sign-in check's Suspense: made inside it, the server
    // makes it again on each rendering pass and the browser may hydrate
    // with another one's data.
    let setup = Resource::new_blocking(|| (), |_| second_factor_setup());
    view! {
        <Title text=t(K::two_step_title)/>
        <SignedIn path="/account/two-step" page=move |_| view! { <Setup setup/> }/>
    }
}

#[component]
fn Setup(setup: Resource<Result<Option<Enrolment>, AppError>>) -> impl IntoView {
    let confirm = ServerAction::<SecondFactorConfirm>::new();
    let locale = use_locale();
    let error = move || {
        match confirm.value().get() {
            Some(Err(AppError::Invalid(fields))) => fields.into_iter().next().map(|f| f.message),
            Some(Err(e)) => Some(e.message_in(locale)),
            _ => None,
        }
        .map(|m| view! { <p class="form-error" role="alert">{m}</p> })
    };
    view! {
        <main class="narrow">
            <h1>{t(K::two_step_title)}</h1>
            <p class="lede">{t(K::two_step_lede)}</p>
            <Suspense fallback=|| view! { <p class="loading">{t(K::app_loading)}</p> }>
                {move || Suspend::new(async move {
                    match setup.await {
                        Ok(Some(enrolment)) => view! {
                            <EnrolmentSteps enrolment/>
                            <ActionForm action=confirm attr:class="stack" attr:id="confirm-form">
                                <label for="confirm-password">{t(K::two_step_your_password)}</label>
                                <input id="confirm-password" name="password" type="password" autocomplete="current-password" required/>
                                <label for="code">{t(K::code_label)}</label>
                                <input id="code" name="code" inputmode="numeric" autocomplete="one-time-code"
                                    pattern="[0-9 ]{6,7}" maxlength="7" required/>
                                {error}
                                <button type="submit" class="primary" disabled=move || confirm.pending().get()>
                                    {t(K::two_step_turn_on)}
                                </button>
                            </ActionForm>
                        }.into_any(),
                        Ok(None) => view! {
                            <p class="form-ok" role="status">{t(K::two_step_already_on)}</p>
                        }.into_any(),
                        Err(e) => view! { <p class="form-error" role="alert">{e.user_message()}</p> }.into_any(),
                    }
                })}
            </Suspense>
            <p><a href="/account">{t(K::two_step_back)}</a></p>
        </main>
    }
}

/// The route, loaded on demand: with `cargo leptos build --split` its code
/// is a separate WASM file, fetched when the page is first needed.
pub struct SecondFactorSetupRoute;

#[leptos_router::lazy_route]
impl leptos_router::LazyRoute for SecondFactorSetupRoute {
    fn data() -> Self {
        SecondFactorSetupRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <SecondFactorSetupPage/> }.into_any()
    }
}
