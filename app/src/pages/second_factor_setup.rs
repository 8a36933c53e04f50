use crate::api::account::{second_factor_setup, SecondFactorConfirm};
use crate::components::enrolment::EnrolmentSteps;
use crate::components::signed_in::SignedIn;
use crate::error::AppError;
use leptos::prelude::*;
use leptos_meta::Title;

/// Setting up two-step sign-in from the account page.
#[component]
pub fn SecondFactorSetupPage() -> impl IntoView {
    view! {
        <Title text="Two-step sign-in"/>
        <SignedIn path="/account/two-step" page=|_| view! { <Setup/> }/>
    }
}

#[component]
fn Setup() -> impl IntoView {
    let setup = Resource::new_blocking(|| (), |_| second_factor_setup());
    let confirm = ServerAction::<SecondFactorConfirm>::new();
    let error = move || {
        match confirm.value().get() {
            Some(Err(AppError::Invalid(fields))) => fields.into_iter().next().map(|f| f.message),
            Some(Err(e)) => Some(e.user_message()),
            _ => None,
        }
        .map(|m| view! { <p class="form-error" role="alert">{m}</p> })
    };
    view! {
        <main class="narrow">
            <h1>"Two-step sign-in"</h1>
            <p class="lede">
                "With two-step sign-in, a stolen password alone no longer opens your account: each sign-in also asks for a code from your phone."
            </p>
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match setup.await {
                        Ok(Some(enrolment)) => view! {
                            <EnrolmentSteps enrolment/>
                            <ActionForm action=confirm attr:class="stack" attr:id="confirm-form">
                                <label for="confirm-password">"Your password"</label>
                                <input id="confirm-password" name="password" type="password" autocomplete="current-password" required/>
                                <label for="code">"Code"</label>
                                <input id="code" name="code" inputmode="numeric" autocomplete="one-time-code"
                                    pattern="[0-9 ]{6,7}" maxlength="7" required/>
                                {error}
                                <button type="submit" class="primary" disabled=move || confirm.pending().get()>
                                    "Turn on two-step sign-in"
                                </button>
                            </ActionForm>
                        }.into_any(),
                        Ok(None) => view! {
                            <p class="form-ok" role="status">"Two-step sign-in is on for your account."</p>
                        }.into_any(),
                        Err(e) => view! { <p class="form-error" role="alert">{e.user_message()}</p> }.into_any(),
                    }
                })}
            </Suspense>
            <p><a href="/account">"Back to your account"</a></p>
        </main>
    }
}
