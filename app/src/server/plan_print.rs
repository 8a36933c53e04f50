//! The plan for the file (issue #6, item 2): one page built for A4 paper
//! from the same data as the JSON export (so it holds exactly what the
//! reader may read), in the interface's language, with room for the
//! signatures. Rendered on the server, without script.

use crate::components::time::{date_text, money_text};
use crate::domain::export::{ActivityStatus, GateState, GoalStatus, PlanExport};
use crate::i18n::map::{mt, mtf, MK};
use crate::i18n::{t, tf, use_locale, K};
use crate::pages::cases::caseload::stage_key;
use crate::pages::cases::forms::{category_key, option_key, owner_key};
use crate::pages::cases::panels::risk_level_key;
use crate::pages::directory::labels::{purpose_key, status_key};
use chrono::NaiveDate;
use leptos::prelude::*;
use leptos::tachys::view::RenderHtml;

fn activity_key(s: ActivityStatus) -> K {
    match s {
        ActivityStatus::NotStarted | ActivityStatus::Scheduled => K::case_status_pending,
        ActivityStatus::InProgress => K::case_status_in_progress,
        ActivityStatus::OnHold => K::case_status_blocked,
        ActivityStatus::Completed => K::case_status_done,
        ActivityStatus::Cancelled => K::case_status_skipped,
    }
}

fn gate_key(g: GateState) -> K {
    match g {
        GateState::NotAssessed => K::case_print_gate_not_assessed,
        GateState::Passed => K::case_gate_passed,
        GateState::Blocked => K::case_print_gate_blocked,
        GateState::NoGo => K::case_print_gate_no_go,
    }
}

fn day(d: Option<NaiveDate>) -> String {
    d.map(date_text).unwrap_or_else(|| "—".into())
}

/// The whole HTML document; `counsellor` owns the case.
pub fn render(export: &PlanExport, counsellor: &str) -> String {
    let decided = export.goals.iter().find(|g| g.option.is_some());
    let goals = export
        .goals
        .iter()
        .map(|g| {
            let what = g.option.map(|o| t(option_key(o)).to_string()).unwrap_or_else(|| g.description.clone());
            let agreed = matches!(g.status, GoalStatus::Accepted | GoalStatus::Active | GoalStatus::Completed);
            view! {
                <li>
                    <strong>{what}</strong>
                    {g.decided_on.map(|d| format!(" · {}", tf(K::case_print_decided_on, &[("date", &date_text(d))])))}
                    {agreed.then(|| format!(" · {}", t(K::case_free_and_informed)))}
                </li>
            }
        })
        .collect_view();
    let risk = export.risk.clone().map(|r| {
        view! {
            <section>
                <h2>{t(K::case_print_risk)}</h2>
                <p>
                    {r.level.map(|l| tf(K::case_risk_overall, &[("level", t(risk_level_key(l)))]))}
                    {r.assessed_on.map(|d| format!(" · {}", tf(K::case_print_assessed_on, &[("date", &date_text(d))])))}
                </p>
                <p>{t(gate_key(r.gate))}</p>
            </section>
        }
    });
    let budget = export.budget.clone().map(|b| {
        let currency = b.currency;
        view! {
            <section>
                <h2>{t(K::case_budget)}</h2>
                // The programme by its name (its id for one no longer in
                // the catalogue).
                {b.programme.clone().map(|id| view! { <p id="print-programme">{programme_name(id)}</p> })}
                {b.combined_programme.clone().map(|id| {
                    view! { <p id="print-combined-programme">{tf(K::case_budget_combined, &[("programme", &programme_name(id))])}</p> }
                })}
                <table>
                    <tbody>
                        {b.lines.iter().map(|l| view! {
                            <tr>
                                <th scope="row">{t(category_key(l.category))}</th>
                                <td>
                                    {l.description.clone()}
                                    {l.programme.clone().map(|id| view! { <br/><small>{format!("{}: {}", t(K::case_charged_to), programme_name(id))}</small> })}
                                </td>
                                <td>{t(match l.form {
                                    crate::domain::reintegration::Form::Cash => K::case_form_cash,
                                    crate::domain::reintegration::Form::InKind => K::case_form_in_kind,
                                })}</td>
                                <td class="num">{money_text(l.amount, currency)}</td>
                            </tr>
                        }).collect_view()}
                        <tr class="total"><th scope="row" colspan="3">{t(K::case_total)}</th><td class="num">{money_text(b.total, currency)}</td></tr>
                    </tbody>
                </table>
            </section>
        }
    });
    // The client signs this paper: organisations shown to partners only
    // are not on it, only how many referrals were left out.
    let referrals = export
        .referrals
        .clone()
        .filter(|r| !r.is_empty())
        .map(|all| {
            let (hidden, list): (Vec<_>, Vec<_>) = all.into_iter().partition(|r| r.partners_only);
            let hidden = (!hidden.is_empty()).then(|| view! {
                <p id="print-referrals-hidden">{mtf(MK::ref_print_partners_only, &[("n", &hidden.len().to_string())])}</p>
            });
            let rows = list.into_iter().map(|r| {
                let status = mtf(MK::ref_history, &[
                    ("status", mt(status_key(r.status))),
                    ("date", &date_text(r.since)),
                ]);
                let said = r.reason.map(|why| mtf(MK::ref_declined_because, &[("reason", &why)])).or(r.note);
                view! {
                    <tr>
                        <th scope="row">{r.organisation}</th>
                        <td>{mt(purpose_key(r.purpose))}</td>
                        <td>{status}</td>
                        <td>{said}</td>
                    </tr>
                }
            }).collect::<Vec<_>>();
            let table = (!rows.is_empty()).then(|| view! { <table><tbody>{rows}</tbody></table> });
            view! {
                <section id="print-referrals">
                    <h2>{mt(MK::ref_heading)}</h2>
                    {table}
                    {hidden}
                </section>
            }
        });
    let activities = export
        .activities
        .iter()
        .map(|a| {
            view! {
                <tr>
                    <td>{a.title.clone()}</td>
                    <td>{t(owner_key(a.owner))}</td>
                    <td>{day(a.done_on.or(a.scheduled_on))}</td>
                    <td>{t(activity_key(a.status))}</td>
                </tr>
            }
        })
        .collect_view();
    let title = t(K::case_print_title);
    let body = view! {
        <main class="print">
            <header>
                <p class="brand">"Safeplan"</p>
                <h1>{title}</h1>
                <dl>
                    <dt>{t(K::case_print_code)}</dt><dd id="print-code">{export.subject.code.clone()}</dd>
                    {export.subject.alias.clone().map(|a| view! { <dt>{t(K::case_print_alias)}</dt><dd>{a}</dd> })}
                    <dt>{t(K::case_print_stage)}</dt><dd>{t(stage_key(&export.stage))}</dd>
                    <dt>{t(K::case_print_organisation)}</dt><dd>{format!("{} · {counsellor}", export.author.organisation)}</dd>
                    <dt>{t(K::case_print_printed)}</dt><dd>{date_text(export.exported_at.date_naive())}</dd>
                </dl>
            </header>
            <section>
                <h2>{t(K::case_print_goals)}</h2>
                {if export.goals.is_empty() {
                    view! { <p>{t(K::case_choice_undecided)}</p> }.into_any()
                } else {
                    view! { <ul>{goals}</ul> }.into_any()
                }}
            </section>
            {risk}
            {budget}
            {referrals}
            <section>
                <h2>{t(K::case_print_activities)}</h2>
                <table class="activities">
                    <thead><tr>
                        <th scope="col">{t(K::case_print_activity)}</th>
                        <th scope="col">{t(K::case_print_owner)}</th>
                        <th scope="col">{t(K::case_print_when)}</th>
                        <th scope="col">{t(K::case_state)}</th>
                    </tr></thead>
                    <tbody>{activities}</tbody>
                </table>
            </section>
            <p class="hint">{t(K::case_print_sections_note)}</p>
            {decided.map(|_| view! {
                <section class="signatures">
                    <h2>{t(K::case_print_signatures)}</h2>
                    <div class="sign"><span>{t(K::case_print_sign_client)}</span></div>
                    <div class="sign"><span>{t(K::case_print_sign_counsellor)}</span></div>
                </section>
            })}
        </main>
    }
    .to_html();
    let head = view! { <title>{format!("{title} {}", export.subject.code)}</title> }.to_html();
    format!(
        "<!DOCTYPE html><html lang=\"{}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         {head}<link rel=\"stylesheet\" href=\"/plan-print.css\"></head><body>{body}</body></html>",
        use_locale().code()
    )
}

/// A programme by its name (its id for one no longer in the catalogue).
fn programme_name(id: String) -> String {
    crate::catalog::programmes()
        .programmes
        .iter()
        .find(|p| p.id == id)
        .map_or(id, |p| p.name.clone())
}
