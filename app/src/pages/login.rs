use crate::api::auth::Login;
use crate::components::language_switch::LanguageSwitch;
use crate::domain::navigation::login_path;
use crate::error::AppError;
use crate::i18n::{t, use_locale, K};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// The sign-in page. Works as a plain HTML form without WASM; with WASM it
/// signs in without a page reload, offers "show password", and keeps the
/// typed username across a reload of this tab.
#[component]
pub fn LoginPage() -> impl IntoView {
    let login = ServerAction::<Login>::new();
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();
    let (show_password, set_show_password) = signal(false);
    let username = RwSignal::new(String::new());
    let locale = use_locale();

    #[cfg(feature = "hydrate")]
    {
        // Restore the username typed earlier in this tab.
        Effect::new(move |_| {
            if let Some(saved) =
                crate::drafts::load_session::<String>(crate::drafts::LOGIN_USERNAME)
            {
                username.set(saved);
            }
        });
    }

    let on_username = move |ev| {
        let value = event_target_value(&ev);
        #[cfg(feature = "hydrate")]
        crate::drafts::save_session(crate::drafts::LOGIN_USERNAME, &value);
        username.set(value);
    };

    // The error of the last attempt: from the action (with WASM) or from
    // the address (a form posted without WASM comes back with ?error=).
    let error = move || {
        let code = query.read().get("error");
        last_sign_in_error(login.value().get(), code).map(|e| {
            let text = match e {
                AppError::Unauthenticated => {
                    crate::i18n::text(locale, K::login_expired).to_string()
                }
                e => e.message_in(locale),
            };
            view! { <p class="form-error" role="alert">{text}</p> }
        })
    };

    let (show, hide) = (t(K::login_show), t(K::login_hide));
    let (submit, submitting) = (t(K::login_submit), t(K::login_submitting));
    view! {
        <Title text=t(K::login_title)/>
        <main class="auth">
            <header class="auth-header">
                <p class="brand">"Safeplan"</p>
                <h1>{t(K::login_title)}</h1>
                <p class="lede">{t(K::app_tagline)}</p>
                <LanguageSwitch here=login_path(&next())/>
            </header>
            {move || query.read().get("setup").is_some_and(|v| v == "done").then(|| view! {
                <p role="status" id="setup-done">{t(K::setup_done)}</p>
            })}
            <ActionForm action=login attr:class="stack" attr:id="login-form">
                <input type="hidden" name="next" value=next/>
                <label for="username">{t(K::login_username)}</label>
                <input
                    id="username"
                    name="username"
                    autocomplete="username"
                    autocapitalize="none"
                    spellcheck="false"
                    required
                    prop:value=move || username.get()
                    on:input=on_username
                />
                <label for="password">{t(K::login_password)}</label>
                <div class="password-row">
                    <input
                        id="password"
                        name="password"
                        type=move || if show_password.get() { "text" } else { "password" }
                        autocomplete="current-password"
                        required
                    />
                    <button
                        type="button"
                        id="toggle-password"
                        class="secondary needs-wasm"
                        aria-controls="password"
                        aria-pressed=move || show_password.get().to_string()
                        on:click=move |_| set_show_password.update(|s| *s = !*s)
                    >
                        {move || if show_password.get() { hide } else { show }}
                    </button>
                </div>
                {error}
                <button type="submit" class="primary" disabled=move || login.pending().get()>
                    {move || if login.pending().get() { submitting } else { submit }}
                </button>
            </ActionForm>
            <p class="fine-print">
                {t(K::login_forgot)}
            </p>
            <p class="fine-print">
                {t(K::login_have_code)} " " <a href="/setup" id="set-up-link">{t(K::login_set_up)}</a>
            </p>
        </main>
    }
}

/// The error of a sign-in step's last attempt: the action's (with WASM) or
/// the one a form posted without WASM brought back in the address.
pub(crate) fn last_sign_in_error(
    action: Option<Result<(), AppError>>,
    code_in_address: Option<String>,
) -> Option<AppError> {
    match action {
        Some(result) => result.err(),
        None => code_in_address.and_then(|code| AppError::from_sign_in_code(&code)),
    }
}
