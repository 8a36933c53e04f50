use crate::api::auth::{challenge, SecondFactor};
use crate::components::enrolment::EnrolmentSteps;
use crate::domain::navigation::login_path;
use crate::error::AppError;
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
        <Title text="Sign in: code"/>
        <main class="auth">
            <header class="auth-header">
                <p class="brand">"Safeplan"</p>
                <h1>"Two-step sign-in"</h1>
            </header>
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match state.await {
                        Ok(view) => view! { <CodeForm enrolment=view.enrolment next=next()/> }.into_any(),
                        Err(_) => view! {
                            <p class="form-error" role="alert" id="challenge-expired">
                                "This sign-in has ended: it expired after five minutes, three wrong codes were entered, or the account changed. Please start again."
                            </p>
                            <p><a class="button primary" href=login_path(&next())>"Sign in again"</a></p>
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
    let error = move || {
        let e = match verify.value().get() {
            Some(result) => result.err(),
            None => query
                .read()
                .get("error")
                .and_then(|code| AppError::from_sign_in_code(&code)),
        };
        e.map(|e| {
            let text = match e {
                AppError::InvalidCredentials => {
                    "This code is not right. Enter the code your app shows now; codes change every 30 seconds."
                        .to_string()
                }
                e => e.user_message(),
            };
            view! { <p class="form-error" role="alert">{text}</p> }
        })
    };
    view! {
        {if setting_up {
            view! {
                <p class="lede">
                    "Your organisation asks you to confirm each sign-in with a code from an app on your phone. Set it up once:"
                </p>
            }
                .into_any()
        } else {
            view! { <p class="lede">"Enter the six-digit code that your authenticator app shows for Safeplan."</p> }
                .into_any()
        }}
        {enrolment.map(|e| view! { <EnrolmentSteps enrolment=e/> })}
        <ActionForm action=verify attr:class="stack" attr:id="code-form">
            <input type="hidden" name="next" value=next/>
            <label for="code">"Code"</label>
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
                {if setting_up { "Confirm and sign in" } else { "Sign in" }}
            </button>
        </ActionForm>
        <p class="fine-print">
            "Lost your phone? Ask the administrator of your organisation to turn two-step sign-in off for you."
        </p>
    }
}
