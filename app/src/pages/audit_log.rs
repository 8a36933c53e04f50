use crate::api::audit::{list_events, AuditView};
use crate::api::auth::MeView;
use crate::components::signed_in::SignedIn;
use crate::components::time::utc_text_from_secs;
use crate::domain::Role;
use crate::i18n::{role_key, t, tf, use_locale, K};
use crate::pages::not_found::NotFound;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// The audit log of the supervisor's organisation, with filters and paging.
/// The filters are a plain GET form, so the page works without WASM and
/// its address can be bookmarked.
#[component]
pub fn AuditLogPage() -> impl IntoView {
    // Made here, outside the sign-in check's Suspense: made inside it, the
    // server made it (and audited the read) once per rendering pass.
    let query = use_query_map();
    let q = move |k: &str| query.read().get(k).unwrap_or_default();
    let events = Resource::new(
        move || {
            (
                q("user"),
                q("action"),
                q("case"),
                q("from"),
                q("until"),
                q("page").parse::<i64>().unwrap_or(0),
            )
        },
        |(user_id, action, case_code, from, until, page)| {
            list_events(user_id, action, case_code, from, until, page)
        },
    );
    view! {
        <Title text=t(K::audit_title)/>
        <SignedIn
            path="/audit"
            page=move |user| {
                if user.role == Role::Supervisor {
                    view! { <AuditLog user events/> }.into_any()
                } else {
                    view! { <NotFound/> }.into_any()
                }
            }
        />
    }
}

const ACTIONS: [(&str, K); 5] = [
    ("", K::audit_all_actions),
    ("auth.", K::audit_sign_ins),
    ("user.", K::audit_user_admin),
    ("audit.", K::audit_reading_log),
    ("case.", K::audit_case_data),
];

#[component]
fn AuditLog(
    user: MeView,
    events: Resource<Result<AuditView, crate::error::AppError>>,
) -> impl IntoView {
    let query = use_query_map();
    let q = move |k: &str| query.read().get(k).unwrap_or_default();
    let locale = use_locale();
    view! {
        <main class="wide">
            <h1>{tf(K::audit_heading, &[("organisation", &user.organisation_name)])}</h1>
            <p class="hint">{t(K::audit_hint)}</p>
            <Suspense fallback=|| view! { <p class="loading">{t(K::app_loading)}</p> }>
                {move || Suspend::new(async move {
                    match events.await {
                        Ok(view) => view! { <Filters view=view.clone() q/> <Events view/> }.into_any(),
                        Err(e) => view! { <p class="form-error" role="alert">{e.message_in(locale)}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </main>
    }
}

#[component]
fn Filters(
    view: AuditView,
    q: impl Fn(&str) -> String + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let selected_user = q("user");
    let selected_action = q("action");
    view! {
        <form method="get" action="/audit" class="filters" id="audit-filters">
            <label>
                {t(K::audit_person)}
                <select name="user">
                    <option value="">{t(K::audit_everyone)}</option>
                    {view
                        .users
                        .into_iter()
                        .map(|(id, name)| {
                            let selected = id == selected_user;
                            view! { <option value=id selected=selected>{name}</option> }
                        })
                        .collect_view()}
                </select>
            </label>
            <label>
                {t(K::audit_action)}
                <select name="action">
                    {ACTIONS
                        .into_iter()
                        .map(|(value, label)| view! { <option value=value selected=value == selected_action>{t(label)}</option> })
                        .collect_view()}
                </select>
            </label>
            <label>{t(K::audit_case_code)} <input name="case" value=q("case") size="10"/></label>
            <label>{t(K::audit_from)} <input name="from" type="date" value=q("from")/></label>
            <label>{t(K::audit_until)} <input name="until" type="date" value=q("until")/></label>
            <button type="submit" class="secondary">{t(K::audit_show)}</button>
        </form>
    }
}

#[component]
fn Events(view: AuditView) -> impl IntoView {
    let page = view.page;
    let link = move |p: i64| {
        let query = use_query_map();
        let mut parts: Vec<String> = ["user", "action", "case", "from", "until"]
            .into_iter()
            .filter_map(|k| {
                query
                    .read_untracked()
                    .get(k)
                    .filter(|v| !v.is_empty())
                    .map(|v| format!("{k}={}", encode(&v)))
            })
            .collect();
        parts.push(format!("page={p}"));
        format!("/audit?{}", parts.join("&"))
    };
    let empty = view.rows.is_empty();
    view! {
        {empty.then(|| view! { <p id="audit-empty">{t(K::audit_empty)}</p> })}
        <table class="users audit" id="audit">
            <thead>
                <tr>
                    <th scope="col">{t(K::audit_when)}</th>
                    <th scope="col">{t(K::audit_who)}</th>
                    <th scope="col">{t(K::audit_action)}</th>
                    <th scope="col">{t(K::audit_about)}</th>
                    <th scope="col">{t(K::audit_outcome)}</th>
                </tr>
            </thead>
            <tbody>
                {view
                    .rows
                    .into_iter()
                    .map(|r| {
                        let role_name = |role: &str| {
                            role.parse::<crate::domain::Role>()
                                .map(|r| t(role_key(r)).to_string())
                                .unwrap_or_else(|_| role.replace('_', " "))
                        };
                        let who = match (r.actor, r.role) {
                            (Some(a), Some(role)) => format!("{a} ({})", role_name(&role)),
                            (Some(a), None) => a,
                            _ => "—".into(),
                        };
                        let case = match (r.case_code, r.section, r.subject) {
                            (Some(c), Some(s), _) => format!("{c} · {s}"),
                            (Some(c), None, _) => c,
                            (None, _, Some(user)) => user,
                            _ => "—".into(),
                        };
                        let class = format!("outcome-{}", r.outcome);
                        view! {
                            <tr class=class>
                                <td>{utc_text_from_secs(r.at)}</td>
                                <td>{who}</td>
                                <td>{r.action}</td>
                                <td>{case}</td>
                                <td>{outcome_text(&r.outcome)}</td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
        <nav class="pager" aria-label=t(K::audit_pages)>
            {(page > 0).then(|| view! { <a href=link(page - 1) rel="prev">{t(K::audit_newer)}</a> })}
            <span>{tf(K::audit_page, &[("n", &(page + 1).to_string())])}</span>
            {view.has_more.then(|| view! { <a href=link(page + 1) rel="next" id="older">{t(K::audit_older)}</a> })}
        </nav>
    }
}

/// Percent-encodes a query value.
fn encode(v: &str) -> String {
    v.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// An audit outcome in the page's language.
pub fn outcome_text(outcome: &str) -> String {
    match outcome {
        "allowed" => t(K::outcome_allowed).into(),
        "denied" => t(K::outcome_denied).into(),
        "failed" => t(K::outcome_failed).into(),
        other => other.into(),
    }
}

/// The route, loaded on demand: with `cargo leptos build --split` its code
/// is a separate WASM file, fetched when the page is first needed.
pub struct AuditLogRoute;

#[leptos_router::lazy_route]
impl leptos_router::LazyRoute for AuditLogRoute {
    fn data() -> Self {
        AuditLogRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <AuditLogPage/> }.into_any()
    }
}
