use crate::api::account::ChangePassword;
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
        </main>
    }
}
