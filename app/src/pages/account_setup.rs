//! Setting up an account that reads cases: the supervisor's list of
//! accounts waiting, where codes are made (`/accounts/setup`), and the page
//! where the person chooses their password with the code (`/setup`).

use crate::api::auth::MeView;
use crate::api::setup::{waiting, Complete, IssueCode, IssuedCode, SetupList, SetupRow};
use crate::components::signed_in::SignedIn;
use crate::components::time::utc_text_from_secs;
use crate::domain::Role;
use crate::error::AppError;
use crate::i18n::{role_key, t, tf, use_locale, Locale, K};
use crate::pages::not_found::NotFound;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// Where the person sets up their account.
pub const SETUP_PATH: &str = "/setup";

/// The message of a failed action, field messages joined.
fn problem(locale: Locale, e: AppError) -> String {
    match e {
        AppError::Invalid(fields) => fields
            .into_iter()
            .map(|f| f.message)
            .collect::<Vec<_>>()
            .join("; "),
        e => e.message_in(locale),
    }
}

/// The supervisor's page: accounts waiting to be set up, and their codes.
#[component]
pub fn AccountSetupsPage() -> impl IntoView {
    // Outside the sign-in check's Suspense (see the admin's user page).
    let issue = ServerAction::<IssueCode>::new();
    let rows = Resource::new(move || issue.version().get(), |_| waiting());
    view! {
        <Title text=t(K::setups_title)/>
        <SignedIn
            path="/accounts/setup"
            page=move |user| {
                if user.role == Role::Supervisor {
                    view! { <Setups user rows issue/> }.into_any()
                } else {
                    view! { <NotFound/> }.into_any()
                }
            }
        />
    }
}

#[component]
fn Setups(
    user: MeView,
    rows: Resource<Result<SetupList, AppError>>,
    issue: ServerAction<IssueCode>,
) -> impl IntoView {
    let locale = use_locale();
    let issued = move || {
        issue.value().get().map(|r| match r {
            Ok(code) => view! { <NewCode code/> }.into_any(),
            Err(e) => {
                view! { <p class="form-error" role="alert">{problem(locale, e)}</p> }.into_any()
            }
        })
    };
    view! {
        <main class="wide">
            <h1>{t(K::setups_title)}</h1>
            <p class="hint">{t(K::setups_lede)}</p>
            <p class="hint">{user.organisation_name.clone()}</p>
            {issued}
            <Suspense fallback=|| view! { <p class="loading">{t(K::app_loading)}</p> }>
                {move || Suspend::new(async move {
                    match rows.await {
                        Ok(list) => {
                            // Made from this page without WASM, shown once.
                            let made = list.just_made.map(|code| view! { <NewCode code/> });
                            let table = if list.rows.is_empty() {
                                view! { <p id="setups-none">{t(K::setups_none)}</p> }.into_any()
                            } else {
                                view! { <SetupTable rows=list.rows issue/> }.into_any()
                            };
                            view! { {made} {table} }.into_any()
                        }
                        Err(e) => view! { <p class="form-error" role="alert">{e.message_in(locale)}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </main>
    }
}

/// A code just made, shown this once.
#[component]
fn NewCode(code: IssuedCode) -> impl IntoView {
    let until = utc_text_from_secs(code.until);
    view! {
        <div class="notice" role="status" id="setup-code">
            <p>{tf(K::setups_new_code, &[("name", &code.display_name), ("username", &code.username)])}</p>
            <p class="code-text"><strong id="setup-code-value">{code.code}</strong></p>
            <p class="hint">{tf(K::setups_new_code_hint, &[("until", &until)])}</p>
        </div>
    }
}

#[component]
fn SetupTable(rows: Vec<SetupRow>, issue: ServerAction<IssueCode>) -> impl IntoView {
    view! {
        <div class="table-scroll">
            <table class="users" id="setups">
                <thead>
                    <tr>
                        <th scope="col">{t(K::admin_name)}</th>
                        <th scope="col">{t(K::admin_username)}</th>
                        <th scope="col">{t(K::admin_role)}</th>
                        <th scope="col">{t(K::setups_asked)}</th>
                        <th scope="col">{t(K::setups_code)}</th>
                    </tr>
                </thead>
                <tbody>
                    {rows
                        .into_iter()
                        .map(|r| {
                            let reason = if r.after_reset { t(K::setups_after_reset) } else { t(K::setups_new_account) };
                            let code_state = match r.code_until {
                                Some(until) => tf(K::setups_code_until, &[("until", &utc_text_from_secs(until))]),
                                None => t(K::setups_no_code).to_string(),
                            };
                            let row_id = format!("setup-{}", r.username);
                            view! {
                                <tr id=row_id>
                                    <td>{r.display_name}</td>
                                    <td>{r.username}</td>
                                    <td>{t(role_key(r.role))}</td>
                                    <td>{utc_text_from_secs(r.requested_at)} " · " {reason}</td>
                                    <td>
                                        <ActionForm action=issue attr:class="inline">
                                            <input type="hidden" name="user_id" value=r.user_id/>
                                            <span class="status">{code_state}</span>
                                            <button type="submit" class="secondary small">{t(K::setups_make_code)}</button>
                                        </ActionForm>
                                    </td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// The person's page: username, code and the password they choose. Works
/// as a plain form without WASM (errors come back as `?error=`).
#[component]
pub fn SetupPage() -> impl IntoView {
    let complete = ServerAction::<Complete>::new();
    let query = use_query_map();
    let locale = use_locale();
    let error = move || {
        let message = match complete.value().get() {
            Some(Err(e)) => Some(problem(locale, e)),
            Some(Ok(())) => None,
            None => query
                .read()
                .get("error")
                .map(|code| crate::i18n::text(locale, setup_error_key(&code)).to_string()),
        };
        message.map(|m| view! { <p class="form-error" role="alert">{m}</p> })
    };
    let done = move || matches!(complete.value().get(), Some(Ok(())));
    view! {
        <Title text=t(K::setup_title)/>
        <main class="auth">
            <header class="auth-header">
                <p class="brand">"Safeplan"</p>
                <h1>{t(K::setup_title)}</h1>
            </header>
            <Show
                when=done
                fallback=move || view! {
                    <p class="lede">{t(K::setup_lede)}</p>
                    <ActionForm action=complete attr:class="stack" attr:id="setup-form">
                        <label for="setup-username">{t(K::login_username)}</label>
                        <input id="setup-username" name="username" autocomplete="username" autocapitalize="none" spellcheck="false" required/>
                        <label for="setup-code">{t(K::setup_code)}</label>
                        <input id="setup-code" name="code" autocomplete="one-time-code" autocapitalize="characters" spellcheck="false" required/>
                        <label for="setup-password">{t(K::setup_password)}</label>
                        <input id="setup-password" name="password" type="password" autocomplete="new-password" required/>
                        <label for="setup-repeat">{t(K::setup_repeat)}</label>
                        <input id="setup-repeat" name="repeat" type="password" autocomplete="new-password" required/>
                        {error}
                        <button type="submit" class="primary" disabled=move || complete.pending().get()>{t(K::setup_submit)}</button>
                    </ActionForm>
                }
            >
                <p role="status" id="setup-done">{t(K::setup_done)}</p>
                <p><a href="/login" class="button primary">{t(K::setup_sign_in)}</a></p>
            </Show>
        </main>
    }
}

/// The message of an error a form posted without WASM brought back.
pub fn setup_error_key(code: &str) -> K {
    match code {
        "code" => K::field_setup_code_wrong,
        "repeat" => K::field_passwords_differ,
        "password" => K::setup_password_rule,
        "wait" => K::setup_wait,
        _ => K::field_form_incomplete,
    }
}

/// The route, loaded on demand.
pub struct AccountSetupsRoute;

#[leptos_router::lazy_route]
impl leptos_router::LazyRoute for AccountSetupsRoute {
    fn data() -> Self {
        AccountSetupsRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <AccountSetupsPage/> }.into_any()
    }
}

/// The route, loaded on demand.
pub struct SetupRoute;

#[leptos_router::lazy_route]
impl leptos_router::LazyRoute for SetupRoute {
    fn data() -> Self {
        SetupRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <SetupPage/> }.into_any()
    }
}
