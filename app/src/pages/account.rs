use crate::api::account::{
    list_sessions, second_factor_status, ChangePassword, EndSession, SecondFactorDisable,
    SecondFactorStatusView, SessionView,
};
use crate::api::auth::MeView;
use crate::components::signed_in::SignedIn;
use crate::components::time::utc_text_from_secs;
use crate::domain::password::MIN_CHARS;
use crate::error::AppError;
use crate::i18n::{role_key, t, tf, use_locale, K};
use leptos::prelude::*;
use leptos_meta::Title;

/// The user's own account: who they are, and changing their password.
#[component]
pub fn AccountPage() -> impl IntoView {
    // The page's data is made here, outside the sign-in check's Suspense:
    // made inside it, the server makes it again on each rendering pass and
    // the browser may hydrate with another one's data.
    let disable = ServerAction::<SecondFactorDisable>::new();
    let status =
        Resource::new_blocking(move || disable.version().get(), |_| second_factor_status());
    let end = ServerAction::<EndSession>::new();
    let sessions = Resource::new_blocking(move || end.version().get(), |_| list_sessions());
    view! {
        <Title text=t(K::account_title)/>
        <SignedIn path="/account" page=move |user| view! { <Account user disable status end sessions/> }/>
    }
}

#[component]
fn Account(
    user: MeView,
    disable: ServerAction<SecondFactorDisable>,
    status: Resource<Result<SecondFactorStatusView, AppError>>,
    end: ServerAction<EndSession>,
    sessions: Resource<Result<Vec<SessionView>, AppError>>,
) -> impl IntoView {
    let change = ServerAction::<ChangePassword>::new();
    let locale = use_locale();
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
        Some(Err(e)) => {
            Some(view! { <p class="form-error" role="alert">{e.message_in(locale)}</p> })
        }
    };
    let done = move || {
        matches!(change.value().get(), Some(Ok(()))).then(|| {
            view! {
                <p class="form-ok" role="status" id="password-changed">
                    {crate::i18n::text(locale, K::account_changed)}
                </p>
            }
        })
    };
    view! {
        <main class="narrow">
            <h1>{t(K::account_title)}</h1>
            <dl class="facts">
                <dt>{t(K::account_name)}</dt>
                <dd>{user.display_name.clone()}</dd>
                <dt>{t(K::account_username)}</dt>
                <dd>{user.username.clone()}</dd>
                <dt>{t(K::account_role)}</dt>
                <dd>{t(role_key(user.role))}</dd>
                <dt>{t(K::account_organisation)}</dt>
                <dd>{user.organisation_name.clone()}</dd>
            </dl>
            <h2>{t(K::account_change_heading)}</h2>
            <p class="hint">{tf(K::account_change_hint, &[("n", &MIN_CHARS.to_string())])}</p>
            <ActionForm action=change attr:class="stack" attr:id="password-form">
                <label for="current">{t(K::account_current)}</label>
                <input id="current" name="current" type="password" autocomplete="current-password" required/>
                {field_error("current")}
                <label for="new">{t(K::account_new)}</label>
                <input id="new" name="new" type="password" autocomplete="new-password" minlength=MIN_CHARS required/>
                {field_error("new")}
                <label for="repeat">{t(K::account_repeat)}</label>
                <input id="repeat" name="repeat" type="password" autocomplete="new-password" required/>
                {field_error("repeat")}
                {other_error}
                {done}
                <button type="submit" class="primary" disabled=move || change.pending().get()>
                    {t(K::account_change_submit)}
                </button>
            </ActionForm>
            <TwoStep disable status/>
            <Sessions end sessions/>
        </main>
    }
}

/// Two-step sign-in: its state, and turning it on or off.
#[component]
fn TwoStep(
    disable: ServerAction<SecondFactorDisable>,
    status: Resource<Result<SecondFactorStatusView, AppError>>,
) -> impl IntoView {
    let locale = use_locale();
    let query = leptos_router::hooks::use_query_map();
    let just_on = move || query.read().get("done").as_deref() == Some("second-factor-on");
    let error = move || {
        match disable.value().get() {
            Some(Err(AppError::Invalid(fields))) => fields.into_iter().next().map(|f| f.message),
            Some(Err(e)) => Some(e.message_in(locale)),
            _ => None,
        }
        .map(|m| view! { <p class="form-error" role="alert">{m}</p> })
    };
    view! {
        <h2>{t(K::account_two_step_heading)}</h2>
        <Suspense fallback=|| view! { <p class="loading">{t(K::app_loading)}</p> }>
            {move || Suspend::new(async move {
                match status.await {
                    Ok(s) if s.enabled => view! {
                        {just_on().then(|| view! {
                            <p class="form-ok" role="status">{crate::i18n::text(locale, K::account_two_step_now_on)}</p>
                        })}
                        <p id="two-step-state">{crate::i18n::text(locale, K::account_two_step_on)}</p>
                        {if s.mandatory {
                            view! { <p class="hint">{crate::i18n::text(locale, K::account_two_step_required)}</p> }.into_any()
                        } else {
                            view! {
                                <ActionForm action=disable attr:class="stack" attr:id="two-step-off">
                                    <label for="off-password">{crate::i18n::text(locale, K::account_off_password)}</label>
                                    <input id="off-password" name="password" type="password" autocomplete="current-password" required/>
                                    {error}
                                    <button type="submit" class="secondary">{crate::i18n::text(locale, K::account_turn_off)}</button>
                                </ActionForm>
                            }.into_any()
                        }}
                    }.into_any(),
                    Ok(s) => view! {
                        <p id="two-step-state">
                            {crate::i18n::text(locale, if s.mandatory { K::account_off_but_required } else { K::account_off })}
                        </p>
                        <p><a class="button secondary" href="/account/two-step" id="two-step-setup">{crate::i18n::text(locale, K::account_set_up)}</a></p>
                    }.into_any(),
                    Err(e) => view! { <p class="form-error" role="alert">{e.user_message()}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The user's sessions, with a way to end the others.
#[component]
fn Sessions(
    end: ServerAction<EndSession>,
    sessions: Resource<Result<Vec<SessionView>, AppError>>,
) -> impl IntoView {
    let locale = use_locale();
    let error = move || match end.value().get() {
        Some(Err(e)) => {
            Some(view! { <p class="form-error" role="alert">{e.message_in(locale)}</p> })
        }
        _ => None,
    };
    view! {
        <h2>{t(K::account_sessions_heading)}</h2>
        <p class="hint">{t(K::account_sessions_hint)}</p>
        {error}
        <Suspense fallback=|| view! { <p class="loading">{t(K::app_loading)}</p> }>
            {move || Suspend::new(async move {
                match sessions.await {
                    Ok(list) => view! {
                        <table class="users" id="sessions">
                            <thead>
                                <tr>
                                    <th scope="col">{crate::i18n::text(locale, K::account_session_started)}</th>
                                    <th scope="col">{crate::i18n::text(locale, K::account_session_last_seen)}</th>
                                    <th scope="col"></th>
                                </tr>
                            </thead>
                            <tbody>
                                {list
                                    .into_iter()
                                    .map(|s| view! {
                                        <tr class:current=s.current>
                                            <td>{utc_text_from_secs(s.created_at)}</td>
                                            <td>{utc_text_from_secs(s.last_seen_at)}</td>
                                            <td>
                                                {if s.current {
                                                    view! { <span class="status">{crate::i18n::text(locale, K::account_session_this)}</span> }.into_any()
                                                } else {
                                                    view! {
                                                        <ActionForm action=end attr:class="inline">
                                                            <input type="hidden" name="handle" value=s.handle/>
                                                            <button type="submit" class="secondary small">{crate::i18n::text(locale, K::account_session_end)}</button>
                                                        </ActionForm>
                                                    }.into_any()
                                                }}
                                            </td>
                                        </tr>
                                    })
                                    .collect_view()}
                            </tbody>
                        </table>
                    }.into_any(),
                    Err(e) => view! { <p class="form-error" role="alert">{e.message_in(locale)}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The route, loaded on demand: with `cargo leptos build --split` its code
/// is a separate WASM file, fetched when the page is first needed.
pub struct AccountRoute;

#[leptos_router::lazy_route]
impl leptos_router::LazyRoute for AccountRoute {
    fn data() -> Self {
        AccountRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <AccountPage/> }.into_any()
    }
}
