//! The caseload (pseudonymous: code and alias only) with search, filters
//! and paging, and opening a new case with a duplicate warning. Both are
//! plain forms: they work without WASM.

use super::panels::risk_level_key;
use crate::api::auth::MeView;
use crate::api::cases::{create, list, Caseload, Create, NewCaseOutcome};
use crate::components::signed_in::SignedIn;
use crate::components::time::{date_text, utc_text_from_secs};
use crate::domain::plan::STAGES;
use crate::domain::risk::RiskLevel;
use crate::i18n::follow_up::{ft, ftf, FK};
use crate::i18n::{t, tf, use_locale, K};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// A stage's name on screen.
pub fn stage_key(slug: &str) -> K {
    match slug {
        "draft" => K::case_stage_draft,
        "options_open" => K::case_stage_options_open,
        "decided" => K::case_stage_decided,
        "risk_assessed" => K::case_stage_risk_assessed,
        "approved_for_return" => K::case_stage_approved,
        "no_go_high_risk" => K::case_stage_no_go,
        "stay_track" => K::case_stage_stay,
        "onward_track" => K::case_stage_onward,
        "handed_over" => K::case_stage_handed_over,
        "travel_booked" => K::case_stage_travel_booked,
        "departed" => K::case_stage_departed,
        "arrived" => K::case_stage_arrived,
        "reintegration" => K::case_stage_reintegration,
        "monitoring" => K::case_stage_monitoring,
        "closed" => K::case_stage_closed,
        "on_hold" => K::case_stage_on_hold,
        "withdrawn_by_client" => K::case_stage_withdrawn,
        // Worked out from what is not shared with the reader.
        crate::domain::export::NOT_SHARED => K::ho_derived_not_shared,
        _ => K::case_stage_other,
    }
}

#[component]
pub fn CaseloadPage() -> impl IntoView {
    // Made here, outside the sign-in check's Suspense (see the case page).
    let query = use_query_map();
    let q = move |k: &str| query.read().get(k).unwrap_or_default();
    let cases = Resource::new(
        move || {
            (
                (q("q"), q("stage"), q("risk")),
                q("page").parse::<i64>().unwrap_or(0),
                (q("due"), q("approval"), q("counsellor")),
                (q("event"), q("month")),
            )
        },
        |((text, stage, risk), page, (due, approval, counsellor), (event, month))| {
            list(
                text, stage, risk, page, due, approval, counsellor, event, month,
            )
        },
    );
    view! {
        <Title text=t(K::caseload_title)/>
        <SignedIn path="/cases" page=move |user| view! { <CaseloadView user cases/> }/>
    }
}

#[component]
fn CaseloadView(
    user: MeView,
    cases: Resource<Result<Caseload, crate::error::AppError>>,
) -> impl IntoView {
    let _ = user;
    let query = use_query_map();
    let q = move |k: &str| query.read().get(k).unwrap_or_default();
    let locale = use_locale();
    view! {
        <main class="wide">
            <h1>{t(K::caseload_heading)}</h1>
            <Suspense fallback=|| view! { <p class="loading">{t(K::app_loading)}</p> }>
                {move || Suspend::new(async move {
                    match cases.await {
                        Ok(c) => view! { <Filters q/> <Table caseload=c q/> }.into_any(),
                        Err(e) => view! { <p class="form-error" role="alert">{e.message_in(locale)}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </main>
    }
}

#[component]
fn Filters(q: impl Fn(&str) -> String + Copy + Send + Sync + 'static) -> impl IntoView {
    let stage = q("stage");
    let risk = q("risk");
    view! {
        <form method="get" action="/cases" class="filters" id="caseload-filters" role="search">
            <label>{t(K::caseload_search)} <input name="q" type="search" value=q("q") id="caseload-search"/></label>
            <label>
                {t(K::caseload_stage)}
                <select name="stage" id="caseload-stage">
                    <option value="">{t(K::caseload_all)}</option>
                    {STAGES
                        .into_iter()
                        .map(|s| view! { <option value=s selected=s == stage>{t(stage_key(s))}</option> })
                        .collect_view()}
                </select>
            </label>
            <label>
                {t(K::caseload_risk)}
                <select name="risk" id="caseload-risk">
                    <option value="">{t(K::caseload_all)}</option>
                    {[("low", RiskLevel::Low), ("medium", RiskLevel::Medium), ("high", RiskLevel::High)]
                        .into_iter()
                        .map(|(v, l)| view! { <option value=v selected=v == risk>{t(risk_level_key(l))}</option> })
                        .collect_view()}
                </select>
            </label>
            // The dashboard's narrower filters stay until cleared.
            {["due", "approval", "counsellor", "event", "month"]
                .into_iter()
                .filter(|k| !q(k).is_empty())
                .map(|k| view! { <input type="hidden" name=k value=q(k)/> })
                .collect_view()}
            <button type="submit" class="secondary">{t(K::caseload_apply)}</button>
        </form>
        {(!q("due").is_empty() || !q("approval").is_empty() || !q("counsellor").is_empty() || !q("event").is_empty()).then(|| {
            let what = match (q("due").as_str(), q("approval").as_str()) {
                ("overdue", _) => t(K::dash_overdue).to_string(),
                ("soon", _) => t(K::dash_due_soon).to_string(),
                ("follow_up_overdue", _) => ft(FK::dash_overdue).to_string(),
                ("follow_up_soon", _) => ftf(
                    FK::dash_due_soon,
                    &[("days", &crate::domain::dashboard::DUE_SOON_DAYS.to_string())],
                ),
                (_, "1") => t(K::dash_awaiting_approval).to_string(),
                _ if !q("event").is_empty() => format!(
                    "{} · {}",
                    crate::pages::dashboard::trend_key(&q("event")).map(t).unwrap_or_default(),
                    q("month")
                ),
                _ => t(K::dash_one_counsellor).to_string(),
            };
            view! {
                <p class="notice" id="caseload-narrowed">
                    {what}" · "<a href="/cases">{t(K::dash_clear_filter)}</a>
                </p>
            }
        })}
    }
}

#[component]
fn Table(
    caseload: Caseload,
    q: impl Fn(&str) -> String + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let page = caseload.page;
    let link = move |p: i64| {
        let enc = |v: String| {
            v.bytes()
                .map(|b| match b {
                    b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' => {
                        (b as char).to_string()
                    }
                    _ => format!("%{b:02X}"),
                })
                .collect::<String>()
        };
        format!(
            "/cases?q={}&stage={}&risk={}&due={}&approval={}&counsellor={}&event={}&month={}&page={p}",
            enc(q("q")),
            enc(q("stage")),
            enc(q("risk")),
            enc(q("due")),
            enc(q("approval")),
            enc(q("counsellor")),
            enc(q("event")),
            enc(q("month"))
        )
    };
    let templates = &crate::catalog::milestones().milestones;
    let empty = caseload.items.is_empty();
    view! {
        <div class="caseload-head">
            <p id="caseload-total">{tf(K::caseload_total, &[("n", &caseload.total.to_string())])}</p>
            {caseload.may_create.then(|| view! { <a class="button primary" href="/cases/new" id="new-case">{t(K::caseload_new)}</a> })}
        </div>
        {empty.then(|| view! { <p id="caseload-empty">{t(K::caseload_empty)}</p> })}
        <table class="users caseload" id="caseload">
            <thead>
                <tr>
                    <th scope="col">{t(K::caseload_code)}</th>
                    <th scope="col">{t(K::caseload_alias)}</th>
                    <th scope="col">{t(K::caseload_stage)}</th>
                    <th scope="col">{t(K::caseload_next)}</th>
                    <th scope="col">{t(K::caseload_risk)}</th>
                    <th scope="col">{t(K::caseload_last_activity)}</th>
                </tr>
            </thead>
            <tbody>
                {caseload
                    .items
                    .into_iter()
                    .map(|c| {
                        let stage = if c.ready_for_handover {
                            t(K::case_ready_for_handover).to_string()
                        } else {
                            t(stage_key(&c.stage)).to_string()
                        };
                        let next = match (&c.next_milestone, c.next_due) {
                            (Some(id), Some(due)) => {
                                let title = templates.iter().find(|m| &m.id == id).map(|m| m.title.clone()).unwrap_or_else(|| id.clone());
                                format!("{title} · {}", date_text(due))
                            }
                            _ => "—".into(),
                        };
                        let risk = c
                            .risk_level
                            .as_deref()
                            .map(|r| match r {
                                "low" => t(K::case_risk_low),
                                "medium" => t(K::case_risk_medium),
                                "high" => t(K::case_risk_high),
                                _ => "—",
                            })
                            .unwrap_or("—");
                        view! {
                            <tr>
                                <td><a href=format!("/cases/{}/first-contact", c.code) class="case-link">{c.code.clone()}</a></td>
                                <td>{c.alias}</td>
                                <td>{stage}</td>
                                <td>{next}</td>
                                <td>{risk}</td>
                                <td>{utc_text_from_secs(c.last_activity)}</td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
        <nav class="pager" aria-label=t(K::audit_pages)>
            {(page > 0).then(|| view! { <a href=link(page - 1) rel="prev">{t(K::caseload_previous)}</a> })}
            <span>{tf(K::audit_page, &[("n", &(page + 1).to_string())])}</span>
            {caseload.has_more.then(|| view! { <a href=link(page + 1) rel="next" id="caseload-next">{t(K::caseload_more)}</a> })}
        </nav>
    }
}

#[component]
pub fn NewCasePage() -> impl IntoView {
    view! {
        <Title text=t(K::case_new_title)/>
        <SignedIn path="/cases/new" page=|_user| view! { <NewCase/> }/>
    }
}

#[component]
fn NewCase() -> impl IntoView {
    let action = ServerAction::<Create>::new();
    let query = use_query_map();
    // Without WASM a duplicate warning comes back in the address, by code only.
    let duplicates_from_address = query.read_untracked().get("duplicates").unwrap_or_default();
    let value = action.value();
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        if let Some(Ok(NewCaseOutcome::Created { code })) = value.get() {
            // A fresh page for the new case (as without WASM).
            let _ = window()
                .location()
                .assign(&format!("/cases/{code}/first-contact"));
        }
    });
    let outcome = move || value.get().and_then(|r| r.ok());
    let error = move || value.get().and_then(|r| r.err()).map(|e| e.user_message());
    let duplicates = move || match outcome() {
        Some(NewCaseOutcome::PossibleDuplicates(d)) => Some(d),
        _ => None,
    };
    let invalid = move || match outcome() {
        Some(NewCaseOutcome::Invalid(p)) => p,
        _ => Vec::new(),
    };
    let _ = create;
    view! {
        <main class="narrow">
            <h1>{t(K::case_new_heading)}</h1>
            <p class="hint">{t(K::case_new_hint)}</p>
            {move || error().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
            {move || {
                let p = invalid();
                (!p.is_empty()).then(|| view! {
                    <div class="form-error" role="alert" id="new-case-problems">
                        <ul>{p.into_iter().map(|p| view! { <li>{t(super::inputs::error_key(p.error))}</li> }).collect_view()}</ul>
                    </div>
                })
            }}
            {(!duplicates_from_address.is_empty()).then(|| view! {
                <div class="notice" role="alert" id="duplicates">
                    <p>{t(K::case_duplicates)}</p>
                    <p>{duplicates_from_address.clone()}</p>
                </div>
            })}
            {move || duplicates().map(|d| view! {
                <div class="notice" role="alert" id="duplicates">
                    <p>{t(K::case_duplicates)}</p>
                    <ul>
                        {d.into_iter().map(|h| {
                            let likelihood = if h.likelihood == "likely" { t(K::case_duplicate_likely) } else { t(K::case_duplicate_possible) };
                            let alias = if h.alias.is_empty() { t(K::case_duplicate_colleague).to_string() } else { h.alias };
                            view! { <li><a href=format!("/cases/{}/first-contact", h.code)>{format!("{} · {alias} · {likelihood}", h.code)}</a></li> }
                        }).collect_view()}
                    </ul>
                </div>
            })}
            <ActionForm action attr:id="new-case-form" attr:action=Create::url()>
                <div class="field">
                    <label for="new-alias">{t(K::case_alias)}</label>
                    <span class="field-hint">{t(K::case_alias_hint)}</span>
                    <input id="new-alias" name="alias" required maxlength="60" autocomplete="off"/>
                </div>
                <div class="field">
                    <label for="new-birth-year">{t(K::case_birth_year_optional)}</label>
                    <input id="new-birth-year" name="birth_year" type="number" min="1900" max="2100"/>
                </div>
                <div class="field">
                    <label for="new-nationality">{t(K::case_nationality)}</label>
                    <span class="field-hint">{t(K::case_nationality_hint)}</span>
                    <input id="new-nationality" name="nationality" size="4" maxlength="2" autocomplete="off"/>
                </div>
                {move || duplicates().map(|_| view! {
                    <label class="check" for="new-confirm">
                        <input type="checkbox" id="new-confirm" name="confirm"/>
                        {t(K::case_create_anyway)}
                    </label>
                })}
                {(!duplicates_from_address.is_empty()).then(|| view! {
                    <label class="check" for="new-confirm-plain">
                        <input type="checkbox" id="new-confirm-plain" name="confirm"/>
                        {t(K::case_create_anyway)}
                    </label>
                })}
                <button type="submit" id="create-case">{t(K::case_create)}</button>
            </ActionForm>
        </main>
    }
}
