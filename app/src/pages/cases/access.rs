//! Who has opened or changed this case (from the audit log).

use crate::api::cases::{access_log, CaseAccessLog};
use crate::components::time::utc_text_from_secs;
use crate::i18n::{role_key, t, use_locale, K};
use leptos::prelude::*;

/// The access log's data, made by the case page before anything renders
/// (a resource made inside the page's Suspense would be made again on
/// each server pass, and the browser would hydrate with another one's data).
#[derive(Clone, Copy)]
pub struct AccessLogData(pub Resource<Result<CaseAccessLog, crate::error::AppError>>);

impl AccessLogData {
    pub fn new(code: String) -> Self {
        AccessLogData(Resource::new(
            move || code.clone(),
            |code| access_log(code, 0),
        ))
    }
}

#[component]
pub fn AccessLogView() -> impl IntoView {
    let locale = use_locale();
    let Some(AccessLogData(log)) = use_context::<AccessLogData>() else {
        return ().into_any();
    };
    view! {
        <section class="access-log" aria-labelledby="access-heading">
            <h1 id="access-heading">{t(K::case_access_log)}</h1>
            <p class="hint">{t(K::case_access_hint)}</p>
            <Suspense fallback=|| view! { <p class="loading">{t(K::app_loading)}</p> }>
                {move || Suspend::new(async move {
                    match log.await {
                        Ok(l) => view! {
                            <table class="users" id="access-table">
                                <thead><tr>
                                    <th scope="col">{t(K::audit_when)}</th>
                                    <th scope="col">{t(K::audit_who)}</th>
                                    <th scope="col">{t(K::audit_action)}</th>
                                    <th scope="col">{t(K::case_section)}</th>
                                    <th scope="col">{t(K::audit_outcome)}</th>
                                </tr></thead>
                                <tbody>
                                    {l.entries.into_iter().map(|e| {
                                        let role = e.role.and_then(|r| r.parse::<crate::domain::Role>().ok()).map(|r| t(role_key(r)).to_string());
                                        let who = match (e.who, role) {
                                            (Some(w), Some(r)) => format!("{w} ({r})"),
                                            (Some(w), None) => w,
                                            _ => "—".into(),
                                        };
                                        // A refused attempt must not read like an access.
                                        let refused = e.outcome != "allowed";
                                        view! {
                                            <tr class:refused=refused data-outcome=e.outcome.clone()>
                                                <td>{utc_text_from_secs(e.at)}</td>
                                                <td>{who}</td>
                                                <td>{e.action}</td>
                                                <td>{e.section.unwrap_or_default()}</td>
                                                <td>{if refused {
                                                    view! { <strong>{crate::pages::audit_log::outcome_text(&e.outcome)}</strong> }.into_any()
                                                } else {
                                                    crate::pages::audit_log::outcome_text(&e.outcome).into_any()
                                                }}</td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                        }.into_any(),
                        Err(e) => view! { <p class="form-error" role="alert">{e.message_in(locale)}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
    .into_any()
}
