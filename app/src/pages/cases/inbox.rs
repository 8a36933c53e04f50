//! A mission's inbox: the plans handed over to it, by status, the longest
//! waiting first, with their age and the registration deadline (four
//! weeks before departure). Pseudonymous: cases by code only. A plain GET
//! form and links: it works without WASM.

use super::caseload::stage_key;
use crate::api::auth::MeView;
use crate::api::handovers::{inbox, InboxView};
use crate::components::signed_in::SignedIn;
use crate::components::time::{date_text, utc_text_from_secs};
use crate::domain::handover::{DeadlineState, HandoverStatus};
use crate::i18n::{t, tf, use_locale, K};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

fn inbox_status_key(s: HandoverStatus) -> K {
    match s {
        HandoverStatus::New => K::ho_inbox_status_new,
        HandoverStatus::NeedsInformation => K::ho_inbox_status_needs_information,
        HandoverStatus::Accepted => K::ho_inbox_status_accepted,
        HandoverStatus::Rejected => K::ho_inbox_status_rejected,
        HandoverStatus::Withdrawn => K::ho_inbox_status_withdrawn,
    }
}

#[component]
pub fn InboxPage() -> impl IntoView {
    // Made here, outside the sign-in check's Suspense (see the case page).
    let query = use_query_map();
    let q = move |k: &str| query.read().get(k).unwrap_or_default();
    let items = Resource::new(
        move || (q("status"), q("page").parse::<i64>().unwrap_or(0)),
        |(status, page)| inbox(status, page),
    );
    view! {
        <Title text=t(K::ho_inbox_title)/>
        <SignedIn path="/inbox" page=move |user| view! { <InboxScreen user items/> }/>
    }
}

#[component]
fn InboxScreen(
    user: MeView,
    items: Resource<Result<InboxView, crate::error::AppError>>,
) -> impl IntoView {
    let locale = use_locale();
    view! {
        <main class="wide">
            <h1>{tf(K::ho_inbox_heading, &[("mission", &user.organisation_name)])}</h1>
            <p class="hint">{t(K::ho_inbox_hint)}</p>
            <Suspense fallback=|| view! { <p class="loading">{t(K::app_loading)}</p> }>
                {move || Suspend::new(async move {
                    match items.await {
                        Ok(i) => view! { <InboxTable i/> }.into_any(),
                        Err(e) => view! { <p class="form-error" role="alert">{e.message_in(locale)}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </main>
    }
}

#[component]
fn InboxTable(i: InboxView) -> impl IntoView {
    let current = i.status;
    let status_param = current.map(|s| s.slug()).unwrap_or("");
    let page = i.page;
    let link = move |p: i64| format!("/inbox?status={status_param}&page={p}");
    let all: i64 = i.counts.iter().map(|(_, n)| n).sum();
    let tab = move |label: String, slug: &'static str, n: i64, selected: bool| {
        view! {
            <li>
                <a href=format!("/inbox?status={slug}") aria-current=selected.then_some("page") id=format!("inbox-tab-{}", if slug.is_empty() { "all" } else { slug })>
                    {label}" "<span class="count">{n}</span>
                </a>
            </li>
        }
    };
    let empty = i.items.is_empty();
    view! {
        <nav class="tabs" aria-label=t(K::ho_filter_label)>
            <ul>
                {tab(t(K::ho_all).to_string(), "", all, current.is_none())}
                {i.counts
                    .iter()
                    .map(|(s, n)| tab(t(inbox_status_key(*s)).to_string(), s.slug(), *n, current == Some(*s)))
                    .collect_view()}
            </ul>
        </nav>
        <p id="inbox-total">{tf(K::ho_count, &[("n", &i.total.to_string())])}</p>
        {empty.then(|| view! { <p id="inbox-empty">{t(K::ho_inbox_empty)}</p> })}
        <table class="users inbox" id="inbox">
            <thead>
                <tr>
                    <th scope="col">{t(K::ho_col_case)}</th>
                    <th scope="col">{t(K::ho_col_from)}</th>
                    <th scope="col">{t(K::ho_col_status)}</th>
                    <th scope="col">{t(K::ho_col_handed_over)}</th>
                    <th scope="col">{t(K::ho_col_waiting)}</th>
                    <th scope="col">{t(K::ho_col_stage)}</th>
                    <th scope="col">{t(K::ho_col_departure)}</th>
                    <th scope="col">{t(K::ho_col_registration)}</th>
                </tr>
            </thead>
            <tbody>
                {i.items
                    .into_iter()
                    .map(|item| {
                        let waiting_days = ((chrono::Utc::now().timestamp() - item.waiting_since) / 86_400).max(0);
                        let deadline = item.registration_due.map(|d| {
                            let (class, note) = match item.registration {
                                Some(DeadlineState::Overdue) => ("deadline overdue", Some(t(K::ho_overdue))),
                                Some(DeadlineState::DueSoon) => ("deadline due-soon", Some(t(K::ho_due_soon))),
                                _ => ("deadline", None),
                            };
                            view! {
                                <span class=class>{date_text(d)}{note.map(|n| format!(" · {n}"))}</span>
                            }
                        });
                        view! {
                            <tr data-status=item.status.slug()>
                                // A plan the mission may no longer open (the
                                // handover rejected or withdrawn, the consent to
                                // share withdrawn or expired): its code only.
                                <td>
                                    {if item.may_open {
                                        view! { <a href=format!("/cases/{}/review", item.code) class="case-link" rel="external">{item.code.clone()}</a> }.into_any()
                                    } else {
                                        view! { <span class="case-code-closed">{item.code.clone()}</span> }.into_any()
                                    }}
                                </td>
                                <td>{item.organisation}</td>
                                <td>{t(inbox_status_key(item.status))}</td>
                                <td>{utc_text_from_secs(item.handed_over_at)}</td>
                                <td>{tf(K::ho_days, &[("days", &waiting_days.to_string())])}</td>
                                // Live fields only while the mission may read what
                                // they come from.
                                <td class="stage">{t(item.stage.as_deref().map_or(K::ho_derived_not_shared, stage_key))}</td>
                                <td class="departure">{if item.travel_shared {
                                    item.departure_on.map(date_text).unwrap_or_else(|| "—".into())
                                } else {
                                    t(K::ho_derived_not_shared).to_string()
                                }}</td>
                                <td>{deadline}</td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
        <nav class="pager" aria-label=t(K::audit_pages)>
            {(page > 0).then(|| view! { <a href=link(page - 1) rel="prev">{t(K::ho_earlier)}</a> })}
            <span>{tf(K::audit_page, &[("n", &(page + 1).to_string())])}</span>
            {i.has_more.then(|| view! { <a href=link(page + 1) rel="next" id="inbox-next">{t(K::ho_later)}</a> })}
        </nav>
    }
}
