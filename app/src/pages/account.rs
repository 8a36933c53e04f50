use crate::api::account::{second_factor_status, ChangePassword, SecondFactorDisable};
use crate::api::auth::MeView;
use crate::components::signed_in::SignedIn;
use crate::domain::password::MIN_CHARS;
use crate::error::AppError;
use leptos::prelude::*;
use leptos_meta::Title;

/// The user's own account: who they are, and changing their password.
#[component]
pub fn AccountPage() -> impl IntoView {
    view! {
        <Title text="Your account"/>
        <SignedIn path="/account" page=|user| view! { <Account user/> }/>
    }
}

#[component]
fn Account(user: MeView) -> impl IntoView {
    let change = ServerAction::<ChangePassword>::new();
    let field_error = move |field: &'static str| {
        move || {
            match change.value().get() {
            Some(Err(AppError::Invalid(fields))) => fields
                .into_iter()
                .find(|f| f.field == field)
                .map(|f| view! { <p class="field-error" id=format!("{field}-error")>{f.message}</p> }),
            _ => None,
        }
        }
    };
    let other_error = move || match change.value().get() {
        Some(Err(AppError::Invalid(_))) | Some(Ok(())) | None => None,
        Some(Err(e)) => Some(view! { <p class="form-error" role="alert">{e.user_message()}</p> }),
    };
    let done = move || {
        matches!(change.value().get(), Some(Ok(()))).then(|| {
            view! {
                <p class="form-ok" role="status" id="password-changed">
                    "Your password has been changed. Your other sessions have been signed out."
                </p>
            }
        })
    };
    view! {
        <main class="narrow">
            <h1>"Your account"</h1>
            <dl class="facts">
                <dt>"Name"</dt>
                <dd>{user.display_name.clone()}</dd>
                <dt>"Username"</dt>
                <dd>{user.username.clone()}</dd>
                <dt>"Role"</dt>
                <dd>{user.role.label()}</dd>
                <dt>"Organisation"</dt>
                <dd>{user.organisation_name.clone()}</dd>
            </dl>
            <h2>"Change your password"</h2>
            <p class="hint">
                "At least " {MIN_CHARS}
                " characters. A few unrelated words together make a strong password that is easy to remember. Common and leaked passwords are refused."
            </p>
            <ActionForm action=change attr:class="stack" attr:id="password-form">
                <label for="current">"Current password"</label>
                <input id="current" name="current" type="password" autocomplete="current-password" required/>
                {field_error("current")}
                <label for="new">"New password"</label>
                <input id="new" name="new" type="password" autocomplete="new-password" minlength=MIN_CHARS required/>
                {field_error("new")}
                <label for="repeat">"New password again"</label>
                <input id="repeat" name="repeat" type="password" autocomplete="new-password" required/>
                {field_error("repeat")}
                {other_error}
                {done}
                <button type="submit" class="primary" disabled=move || change.pending().get()>
                    "Change password"
                </button>
            </ActionForm>
            <TwoStep/>
        </main>
    }
}

/// Two-step sign-in: its state, and turning it on or off.
#[component]
fn TwoStep() -> impl IntoView {
    let disable = ServerAction::<SecondFactorDisable>::new();
    let status =
        Resource::new_blocking(move || disable.version().get(), |_| second_factor_status());
    let query = leptos_router::hooks::use_query_map();
    let just_on = move || query.read().get("done").as_deref() == Some("second-factor-on");
    let error = move || {
        match disable.value().get() {
            Some(Err(AppError::Invalid(fields))) => fields.into_iter().next().map(|f| f.message),
            Some(Err(e)) => Some(e.user_message()),
            _ => None,
        }
        .map(|m| view! { <p class="form-error" role="alert">{m}</p> })
    };
    view! {
        <h2>"Two-step sign-in"</h2>
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match status.await {
                    Ok(s) if s.enabled => view! {
                        {just_on().then(|| view! {
                            <p class="form-ok" role="status">"Two-step sign-in is now on."</p>
                        })}
                        <p id="two-step-state">"On: each sign-in asks for a code from your authenticator app."</p>
                        {if s.mandatory {
                            view! { <p class="hint">"Your organisation requires it for your role."</p> }.into_any()
                        } else {
                            view! {
                                <ActionForm action=disable attr:class="stack" attr:id="two-step-off">
                                    <label for="off-password">"Your password, to turn it off"</label>
                                    <input id="off-password" name="password" type="password" autocomplete="current-password" required/>
                                    {error}
                                    <button type="submit" class="secondary">"Turn off two-step sign-in"</button>
                                </ActionForm>
                            }.into_any()
                        }}
                    }.into_any(),
                    Ok(s) => view! {
                        <p id="two-step-state">
                            {if s.mandatory {
                                "Off. Your organisation requires it for your role: you will set it up at your next sign-in, or now."
                            } else {
                                "Off. With it, a stolen password alone no longer opens your account."
                            }}
                        </p>
                        <p><a class="button secondary" href="/account/two-step" id="two-step-setup">"Set up two-step sign-in"</a></p>
                    }.into_any(),
                    Err(e) => view! { <p class="form-error" role="alert">{e.user_message()}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}
