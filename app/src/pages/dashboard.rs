//! The supervisor's dashboard: the funnel of plans per stage, overdue and
//! due-soon milestones, high-risk returns waiting for approval, handovers
//! waiting and for how long, open plans per counsellor, medians, and the
//! monthly trends. Charts are SVG drawn on the server (no script, no
//! external service); every count links to the plans behind it, in the
//! caseload with the matching filter. The filters are a GET form: it all
//! works without WASM.

use crate::api::auth::MeView;
use crate::api::dashboard::{summary, DashboardView};
use crate::components::signed_in::SignedIn;
use crate::components::time::utc_text_from_secs;
use crate::domain::plan::STAGES;
use crate::i18n::follow_up::{ft, ftf, FK};
use crate::i18n::{t, tf, use_locale, K};
use crate::pages::cases::caseload::stage_key;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// A query value made safe for an address.
fn enc(v: &str) -> String {
    v.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[component]
pub fn DashboardPage() -> impl IntoView {
    // Made here, outside the sign-in check's Suspense (see the case page).
    let query = use_query_map();
    let q = move |k: &str| query.read().get(k).unwrap_or_default();
    let data = Resource::new(
        move || {
            (
                q("counsellor"),
                q("stage"),
                q("risk"),
                q("from"),
                q("until"),
            )
        },
        |(counsellor, stage, risk, from, until)| summary(counsellor, stage, risk, from, until),
    );
    view! {
        <Title text=t(K::dash_title)/>
        <SignedIn path="/dashboard" page=move |user| view! { <Dashboard user data/> }/>
    }
}

#[component]
fn Dashboard(
    user: MeView,
    data: Resource<Result<DashboardView, crate::error::AppError>>,
) -> impl IntoView {
    let _ = user;
    let locale = use_locale();
    view! {
        <main class="wide dashboard">
            <Suspense fallback=|| view! { <p class="loading">{t(K::app_loading)}</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(d) => view! { <Figures d/> }.into_any(),
                        Err(e) => view! { <p class="form-error" role="alert">{e.message_in(locale)}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </main>
    }
}

/// One bar of a horizontal bar chart.
struct Bar {
    label: String,
    n: i64,
    href: String,
}

/// A horizontal bar chart in SVG; each bar (with its label and count) is
/// a link to the plans it counts.
fn bar_chart(id: &'static str, labelled_by: &'static str, bars: Vec<Bar>) -> impl IntoView {
    let max = bars.iter().map(|b| b.n).max().unwrap_or(0).max(1);
    let row_h = 28;
    let height = (bars.len() as i32 * row_h).max(row_h);
    let (label_w, bar_w) = (210, 330);
    view! {
        <svg class="chart bars" id=id viewBox=format!("0 0 {} {height}", label_w + bar_w + 60) aria-labelledby=labelled_by>
            {bars
                .into_iter()
                .enumerate()
                .map(|(i, b)| {
                    let y = i as i32 * row_h;
                    let w = ((b.n as f64 / max as f64) * bar_w as f64).round() as i64;
                    let name = tf(K::dash_bar, &[("label", &b.label), ("n", &b.n.to_string())]);
                    // The link's name is its visible label and count.
                    view! {
                        <a href=b.href>
                            <title>{name}</title>
                            <text x="0" y=y + 19 class="bar-label">{b.label}</text>
                            <rect x=label_w y=y + 5 width=w.max(2) height="18" rx="3" class="bar"/>
                            <text x=label_w as i64 + w.max(2) + 6 y=y + 19 class="bar-count">{b.n}</text>
                        </a>
                    }
                })
                .collect_view()}
        </svg>
    }
}

/// A band of the sustainability scores, in words.
fn band_key(band: &str) -> FK {
    match band {
        "low" => FK::dash_band_low,
        "medium" => FK::dash_band_medium,
        _ => FK::dash_band_high,
    }
}

/// The name of a trend by the caseload's event filter.
pub fn trend_key(event: &str) -> Option<K> {
    Some(match event {
        "intake" => K::dash_t_intakes,
        "screening" => K::dash_t_screenings,
        "stay" => K::dash_t_decisions_stay,
        "return" => K::dash_t_decisions_return,
        "onward" => K::dash_t_decisions_onward,
        "departure" => K::dash_t_departures,
        "arrival" => K::dash_t_arrivals,
        _ => return None,
    })
}

/// A small monthly column chart in SVG (the numbers are in the table
/// beside it).
fn month_chart(title: String, months: &[String], values: &[i64]) -> impl IntoView {
    let max = values.iter().copied().max().unwrap_or(0).max(1);
    let (w, h) = (300, 90);
    let n = values.len().max(1) as i64;
    let col = w / n;
    let summary = format!(
        "{title}: {}",
        months
            .iter()
            .zip(values)
            .map(|(m, v)| format!("{m} {v}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    view! {
        <figure class="trend">
            <figcaption>{title}</figcaption>
            <svg class="chart columns" viewBox=format!("0 0 {w} {}", h + 16) role="img" aria-label=summary>
                {values
                    .iter()
                    .enumerate()
                    .map(|(i, v)| {
                        let bh = ((*v as f64 / max as f64) * h as f64).round() as i64;
                        let x = i as i64 * col;
                        view! {
                            <rect x=x + 2 y=h - bh width=(col - 4).max(1) height=bh.max(1) class="bar"/>
                            <text x=x + col / 2 y=h + 13 class="col-count" text-anchor="middle">{*v}</text>
                        }
                    })
                    .collect_view()}
            </svg>
        </figure>
    }
}

#[component]
fn Figures(d: DashboardView) -> impl IntoView {
    let f = d.figures.clone();
    let name_of = {
        let counsellors = d.counsellors.clone();
        move |id: &str| {
            counsellors
                .iter()
                .find(|(i, _)| i == id)
                .map(|(_, n)| n.clone())
                .unwrap_or_else(|| id.to_string())
        }
    };
    // The caseload with the dashboard's counsellor and risk filters, and more.
    let filters = d.filters.clone();
    let cases = move |extra: &str| {
        let mut q = vec![];
        if let Some(c) = &filters.counsellor {
            q.push(format!("counsellor={}", enc(c)));
        }
        if let Some(r) = &filters.risk_level {
            q.push(format!("risk={}", enc(r)));
        }
        if !extra.is_empty() {
            q.push(extra.to_string());
        }
        format!("/cases?{}", q.join("&"))
    };
    let funnel: Vec<Bar> = f
        .per_stage
        .iter()
        .filter(|(s, n)| *n > 0 || STAGES[..12].contains(&s.as_str()))
        .map(|(s, n)| Bar {
            label: t(stage_key(s)).to_string(),
            n: *n,
            href: cases(&format!("stage={s}")),
        })
        .collect();
    let per_counsellor: Vec<Bar> = f
        .per_counsellor
        .iter()
        .map(|(id, n)| Bar {
            label: name_of(id),
            n: *n,
            href: cases(&format!("counsellor={}", enc(id))),
        })
        .collect();
    let days = |n: Option<i64>| match n {
        Some(n) => tf(K::dash_days, &[("days", &n.to_string())]),
        None => t(K::dash_no_data).to_string(),
    };
    let tr = f.trends.clone();
    // Each series with the caseload's event filter that lists its plans.
    let series: Vec<(K, &'static str, Vec<i64>)> = vec![
        (K::dash_t_intakes, "intake", tr.intakes.clone()),
        (
            K::dash_t_screenings,
            "screening",
            tr.screenings_with_signs.clone(),
        ),
        (K::dash_t_decisions_stay, "stay", tr.decisions_stay.clone()),
        (
            K::dash_t_decisions_return,
            "return",
            tr.decisions_return.clone(),
        ),
        (
            K::dash_t_decisions_onward,
            "onward",
            tr.decisions_onward.clone(),
        ),
        (K::dash_t_departures, "departure", tr.departures.clone()),
        (K::dash_t_arrivals, "arrival", tr.arrivals.clone()),
    ];
    let now = chrono::Utc::now().timestamp();
    let header = view! {
        <h1>{tf(K::dash_heading, &[("organisation", &d.organisation)])}</h1>
        <p class="hint">{t(K::dash_hint)}" "<a href=cases("") id="dash-plans">{tf(K::dash_plans, &[("n", &f.plans.to_string())])}</a></p>
        <DashFilters d=d.clone()/>
    }
    .into_any();
    let tiles = view! {
        <div class="tiles">
            <a class="tile" href=cases("due=overdue") id="dash-overdue">
                <span class="tile-n">{f.overdue}</span><span>{t(K::dash_overdue)}</span>
            </a>
            <a class="tile" href=cases("due=soon") id="dash-due-soon">
                <span class="tile-n">{f.due_soon}</span><span>{t(K::dash_due_soon)}</span>
            </a>
            <a class="tile" href=cases("approval=1") id="dash-approval">
                <span class="tile-n">{f.awaiting_approval.len()}</span><span>{t(K::dash_awaiting_approval)}</span>
            </a>
            <div class="tile">
                <span class="tile-label">{t(K::dash_medians)}</span>
                <span>{t(K::dash_to_decision)}": "<strong id="dash-median-decision">{days(f.median_days_to_decision)}</strong></span>
                <span>{t(K::dash_to_departure)}": "<strong id="dash-median-departure">{days(f.median_days_to_departure)}</strong></span>
            </div>
        </div>
    }
    .into_any();
    let follow_up = view! {
        <section class="dash-follow-up" id="dash-follow-up" aria-labelledby="dash-follow-up-heading">
            <h2 id="dash-follow-up-heading">{ft(FK::dash_heading)}</h2>
            <div class="tiles">
                <a class="tile" href=cases("due=follow_up_overdue") id="dash-follow-up-overdue">
                    <span class="tile-n">{f.follow_ups_overdue}</span><span>{ft(FK::dash_overdue)}</span>
                </a>
                <a class="tile" href=cases("due=follow_up_soon") id="dash-follow-up-soon">
                    <span class="tile-n">{f.follow_ups_due_soon}</span>
                    <span>{ftf(FK::dash_due_soon, &[("days", &crate::domain::dashboard::DUE_SOON_DAYS.to_string())])}</span>
                </a>
            </div>
            <h3 id="scores-heading">{ft(FK::dash_scores)}</h3>
            {if f.scores.iter().all(|(_, n)| *n == 0) {
                view! { <p id="dash-scores-none">{ft(FK::dash_no_scores)}</p> }.into_any()
            } else {
                view! {
                    <table class="users" id="dash-scores" aria-labelledby="scores-heading">
                        <tbody>
                            {f.scores.iter().map(|(band, n)| view! {
                                <tr id=format!("dash-score-{band}")>
                                    <th scope="row">{ft(band_key(band))}</th>
                                    <td>{*n}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
            {crate::catalog::follow_up().provisional.then(|| view! {
                <p class="hint" id="dash-scores-provisional">{ft(FK::dash_scores_provisional)}</p>
            })}
        </section>
    }
    .into_any();
    let grid = view! {
        <div class="dash-grid">
            <section aria-labelledby="funnel-heading">
                <h2 id="funnel-heading">{t(K::dash_funnel)}</h2>
                {bar_chart("funnel", "funnel-heading", funnel)}
            </section>
            <section aria-labelledby="counsellor-heading">
                <h2 id="counsellor-heading">{t(K::dash_per_counsellor)}</h2>
                {if per_counsellor.is_empty() {
                    view! { <p>{t(K::dash_none)}</p> }.into_any()
                } else {
                    bar_chart("per-counsellor", "counsellor-heading", per_counsellor).into_any()
                }}
            </section>
            <section aria-labelledby="approval-heading">
                <h2 id="approval-heading">{t(K::dash_awaiting_approval)}</h2>
                {if f.awaiting_approval.is_empty() {
                    view! { <p>{t(K::dash_none)}</p> }.into_any()
                } else {
                    view! {
                        <ul id="dash-approval-list">
                            {f.awaiting_approval.iter().map(|(code, alias)| view! {
                                <li><a href=format!("/cases/{code}/risk") rel="external">{format!("{code} · {alias}")}</a></li>
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }}
            </section>
            <section aria-labelledby="waiting-heading">
                <h2 id="waiting-heading">{t(K::dash_waiting)}</h2>
                {if d.waiting.is_empty() {
                    view! { <p>{t(K::dash_none)}</p> }.into_any()
                } else {
                    view! {
                        <table class="users" id="dash-waiting">
                            <thead><tr>
                                <th scope="col">{t(K::dash_col_case)}</th>
                                <th scope="col">{t(K::dash_col_mission)}</th>
                                <th scope="col">{t(K::dash_col_status)}</th>
                                <th scope="col">{t(K::dash_col_waiting)}</th>
                            </tr></thead>
                            <tbody>
                                {d.waiting.iter().map(|w| {
                                    let status = if w.status == "new" { t(K::dash_waiting_on_iom) } else { t(K::dash_waiting_on_us) };
                                    let waited = ((now - w.since) / 86_400).max(0);
                                    view! {
                                        <tr>
                                            <td><a href=format!("/cases/{}/review", w.code) rel="external">{w.code.clone()}</a></td>
                                            <td>{w.mission.clone()}</td>
                                            <td>{status}</td>
                                            <td title=utc_text_from_secs(w.since)>{tf(K::dash_days, &[("days", &waited.to_string())])}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any()
                }}
            </section>
        </div>
    }
    .into_any();
    let trends = view! {
        <section aria-labelledby="trends-heading">
            <h2 id="trends-heading">{t(K::dash_trends)}</h2>
            <div class="trends">
                {series.iter().map(|(k, _, v)| month_chart(t(*k).to_string(), &tr.months, v)).collect_view()}
            </div>
            <details>
                <summary>{t(K::dash_numbers)}</summary>
                <div class="table-scroll" tabindex="0" role="region" aria-labelledby="trends-heading">
                    <table class="users" id="dash-trends">
                        <thead><tr>
                            <th scope="col">{t(K::dash_month)}</th>
                            {series.iter().map(|(k, _, _)| view! { <th scope="col">{t(*k)}</th> }).collect_view()}
                        </tr></thead>
                        <tbody>
                            {tr.months.iter().enumerate().map(|(i, m)| view! {
                                <tr>
                                    <th scope="row">{m.clone()}</th>
                                    // A count opens the plans behind it.
                                    {series.iter().map(|(_, event, v)| {
                                        let n = v.get(i).copied().unwrap_or(0);
                                        let href = cases(&format!("event={event}&month={m}"));
                                        let count = if n > 0 {
                                            view! { <a href=href>{n}</a> }.into_any()
                                        } else {
                                            view! { "0" }.into_any()
                                        };
                                        view! { <td>{count}</td> }
                                    }).collect_view()}
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            </details>
            <div>
                <form method="post" action="/api/dashboard/statistics" class="inline" id="dash-export-form">
                    <input type="hidden" name="months" value="12"/>
                    <button type="submit" class="secondary" id="dash-export">{t(K::dash_export)}</button>
                </form>
            </div>
            <p class="hint">{t(K::dash_export_hint)}</p>
        </section>
    }
    .into_any();
    view! { {header} {tiles} {follow_up} {grid} {trends} }
}

#[component]
fn DashFilters(d: DashboardView) -> impl IntoView {
    let f = d.filters;
    let counsellor = f.counsellor.unwrap_or_default();
    let stage = f.stage.unwrap_or_default();
    let risk = f.risk_level.unwrap_or_default();
    let day = |d: Option<chrono::NaiveDate>| {
        d.map(|d| d.format("%Y-%m-%d").to_string())
            .unwrap_or_default()
    };
    view! {
        <form method="get" action="/dashboard" class="filters" id="dash-filters" aria-label=t(K::dash_filters)>
            <label>
                {t(K::dash_counsellor)}
                <select name="counsellor" id="dash-counsellor">
                    <option value="">{t(K::dash_all)}</option>
                    {d.counsellors.iter().map(|(id, name)| view! {
                        <option value=id.clone() selected=*id == counsellor>{name.clone()}</option>
                    }).collect_view()}
                </select>
            </label>
            <label>
                {t(K::dash_stage)}
                <select name="stage" id="dash-stage">
                    <option value="">{t(K::dash_all)}</option>
                    {STAGES.into_iter().map(|s| view! { <option value=s selected=s == stage>{t(stage_key(s))}</option> }).collect_view()}
                </select>
            </label>
            <label>
                {t(K::dash_risk)}
                <select name="risk" id="dash-risk">
                    <option value="">{t(K::dash_all)}</option>
                    {[("low", K::case_risk_low), ("medium", K::case_risk_medium), ("high", K::case_risk_high)]
                        .into_iter()
                        .map(|(v, k)| view! { <option value=v selected=v == risk>{t(k)}</option> })
                        .collect_view()}
                </select>
            </label>
            <label>{t(K::dash_from)} <input type="date" name="from" value=day(f.from) id="dash-from"/></label>
            <label>{t(K::dash_until)} <input type="date" name="until" value=day(f.until) id="dash-until"/></label>
            <button type="submit" class="secondary">{t(K::dash_apply)}</button>
        </form>
    }
}

/// The dashboard, loaded on demand (its own WASM file with `--split`).
pub struct DashboardRoute;

#[leptos_router::lazy_route]
impl leptos_router::LazyRoute for DashboardRoute {
    fn data() -> Self {
        DashboardRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <DashboardPage/> }.into_any()
    }
}
