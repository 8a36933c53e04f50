//! The follow-up after return (domain.md §7.3, issue #15 item 5): the
//! contacts at 1, 3, 6 and 12 months after the confirmed arrival, what was
//! recorded at each (date, how, by whom, the answers and their score per
//! dimension and overall), and a form to record the next one, for the
//! counselling side and the mission holding the plan. The scoring is
//! provisional until IOM's official question set is loaded, and the screen
//! says so. The form posts without WASM too (the server sends the browser
//! back here, saying how it went).

use super::workspace::Workspace;
use crate::api::cases::{FollowUpResult, RecordFollowUp};
use crate::domain::fields::{FieldError, Problem};
use crate::domain::follow_up::{
    ContactMode, FollowUpContact, RssDimension, RssScore, ScheduledContact, ANSWER_SCALE,
    CONTACT_MODES, MAX_WHO,
};
use crate::domain::milestones::WorkPlace;
use crate::domain::policy::Section;
use crate::i18n::follow_up::{ft, ftf, FK};
use crate::i18n::t;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_query_map;

/// The page (a step, or this screen) where the work ticking a milestone is
/// recorded, in words.
pub fn place_text(place: WorkPlace) -> String {
    match place {
        WorkPlace::Step(s) => t(super::case_page::step_key(s)).to_string(),
        WorkPlace::FollowUp => ft(FK::link).to_string(),
    }
}

/// "After 3 months".
fn month_text(n: u32) -> String {
    if n == 1 {
        ft(FK::after_one_month).to_string()
    } else {
        ftf(FK::after_months, &[("n", &n.to_string())])
    }
}

fn mode_key(m: ContactMode) -> FK {
    match m {
        ContactMode::InPerson => FK::mode_in_person,
        ContactMode::Phone => FK::mode_phone,
        ContactMode::Partner => FK::mode_partner,
    }
}

pub fn dimension_key(d: RssDimension) -> FK {
    match d {
        RssDimension::Economic => FK::dimension_economic,
        RssDimension::Social => FK::dimension_social,
        RssDimension::Psychosocial => FK::dimension_psychosocial,
    }
}

const DIMENSIONS: [RssDimension; 3] = [
    RssDimension::Economic,
    RssDimension::Social,
    RssDimension::Psychosocial,
];

/// The answers' scale with its words (blank: not asked or not known).
fn scale_options() -> Vec<(&'static str, FK)> {
    let words = [
        FK::answer_0,
        FK::answer_025,
        FK::answer_05,
        FK::answer_075,
        FK::answer_1,
    ];
    ANSWER_SCALE.into_iter().zip(words).collect()
}

/// The question's text in the catalogue (its id if the catalogue no
/// longer has it).
fn question_text(id: &str) -> String {
    crate::catalog::follow_up()
        .questions
        .iter()
        .find(|q| q.id == id)
        .map_or_else(|| id.to_string(), |q| q.text.clone())
}

/// A field of the form, in words (for the list of problems).
fn field_text(field: &str) -> String {
    match field {
        "fu.month" => ft(FK::month).to_string(),
        "fu.on" => ft(FK::on).to_string(),
        "fu.mode" => ft(FK::mode).to_string(),
        "fu.by" => ft(FK::who).to_string(),
        other => other
            .strip_prefix("fu.answer.")
            .map_or_else(|| other.to_string(), question_text),
    }
}

fn problem_text(p: &Problem) -> String {
    format!(
        "{}: {}",
        field_text(&p.field),
        t(super::inputs::error_key(p.error))
    )
}

/// The problems a form posted without WASM was sent back with
/// (`field:error,…` in the address).
fn problems_from_address(text: &str) -> Vec<Problem> {
    text.split(',')
        .filter_map(|pair| {
            let (field, error) = pair.split_once(':')?;
            let error: FieldError = serde_json::from_value(error.into()).ok()?;
            Some(Problem {
                field: field.to_string(),
                error,
            })
        })
        .collect()
}

fn score_text(v: Option<rust_decimal::Decimal>) -> String {
    v.map_or_else(|| ft(FK::not_scored).to_string(), |v| v.to_string())
}

#[component]
fn ScoreView(score: RssScore) -> impl IntoView {
    let made_with = if score.provisional {
        FK::scored_with_provisional
    } else {
        FK::scored_with
    };
    view! {
        <dl class="scores">
            {DIMENSIONS
                .into_iter()
                .map(|d| {
                    let value = score.dimensions.get(&d).copied().flatten();
                    view! { <dt>{ft(dimension_key(d))}</dt> <dd>{score_text(value)}</dd> }
                })
                .collect_view()}
            <dt>{ft(FK::overall)}</dt>
            <dd class="overall">{score_text(score.composite)}</dd>
        </dl>
        {score.composite.is_none().then(|| view! { <p class="hint">{ft(FK::not_scored_hint)}</p> })}
        <p class="hint">{ftf(made_with, &[("version", &score.catalogue_version)])}</p>
    }
}

#[component]
fn ContactView(contact: FollowUpContact) -> impl IntoView {
    let made = ftf(
        FK::made,
        &[
            ("on", &contact.on.to_string()),
            ("mode", ft(mode_key(contact.mode))),
            ("by", &contact.by),
        ],
    );
    let answers: Vec<(String, String)> = contact
        .answers
        .iter()
        .map(|(id, v)| (question_text(id), v.to_string()))
        .collect();
    view! {
        <article class="panel follow-up-contact" id=format!("follow-up-contact-{}", contact.month)>
            <h3>{month_text(contact.month)}</h3>
            <p>{made}</p>
            <h4>{ft(FK::score)}</h4>
            <ScoreView score=contact.score.clone()/>
            <details>
                <summary>{ft(FK::answers)}</summary>
                {if answers.is_empty() {
                    view! { <p>{ft(FK::no_answers)}</p> }.into_any()
                } else {
                    view! {
                        <dl class="answers">
                            {answers.into_iter().map(|(q, v)| view! { <dt>{q}</dt> <dd>{v}</dd> }).collect_view()}
                        </dl>
                    }
                    .into_any()
                }}
            </details>
        </article>
    }
}

/// The row of a scheduled contact in the schedule's table.
fn schedule_row(c: &ScheduledContact, today: chrono::NaiveDate) -> impl IntoView {
    let (class, status) = match &c.contact {
        Some(done) => (
            "recorded",
            ftf(FK::status_recorded, &[("on", &done.on.to_string())]),
        ),
        None if c.due < today => ("overdue", ft(FK::status_overdue).to_string()),
        None => ("open", ft(FK::status_open).to_string()),
    };
    view! {
        <tr class=format!("follow-up-{class}") id=format!("follow-up-month-{}", c.month)>
            <td>{month_text(c.month)}</td>
            <td><time datetime=c.due.to_string()>{c.due.to_string()}</time></td>
            <td>{status}</td>
        </tr>
    }
}

#[component]
pub fn FollowUpView(
    ws: Workspace,
    readable: StoredValue<Vec<Section>>,
    writable: StoredValue<Vec<Section>>,
) -> impl IntoView {
    let catalogue = crate::catalog::follow_up();
    let reads = |s: Section| readable.with_value(|r| r.contains(&s));
    let today = ws.today;
    let code = ws.code.get_value();
    let (schedule, recorded) = ws.file.with_untracked(|f| {
        (
            f.follow_up_schedule(&catalogue.follow_up_months),
            f.milestones.follow_ups.clone(),
        )
    });
    let arrival_shown = reads(Section::Travel);
    let open_months: Vec<u32> = schedule
        .iter()
        .filter(|c| c.contact.is_none())
        .map(|c| c.month)
        .collect();
    let may_record = arrival_shown
        && writable.with_value(|w| w.contains(&Section::Milestones))
        && !open_months.is_empty();

    let query = use_query_map();
    let from_address: Option<Result<Option<u32>, Vec<Problem>>> = {
        let q = query.read_untracked();
        match q.get("follow_up").as_deref() {
            Some("recorded") => Some(Ok(q.get("month").and_then(|m| m.parse().ok()))),
            Some("invalid") => Some(Err(problems_from_address(
                &q.get("problems").unwrap_or_default(),
            ))),
            Some("conflict") => Some(Err(Vec::new())),
            _ => None,
        }
    };
    let action = ServerAction::<RecordFollowUp>::new();
    let value = action.value();
    #[cfg(feature = "hydrate")]
    {
        let code = code.clone();
        Effect::new(move |_| {
            if let Some(Ok(FollowUpResult::Recorded { month })) = value.get() {
                // The page again, as the server has it now.
                let _ = window().location().set_href(&format!(
                    "/cases/{code}/{}?follow_up=recorded&month={month}",
                    crate::domain::milestones::FOLLOW_UP_SLUG
                ));
            }
        });
    }
    let problems = move || match value.get() {
        Some(Ok(FollowUpResult::Invalid(ps))) => ps.iter().map(problem_text).collect(),
        Some(Err(crate::error::AppError::Conflict)) => vec![ft(FK::conflict).to_string()],
        Some(Err(e)) => vec![e.user_message()],
        _ => Vec::<String>::new(),
    };

    if !reads(Section::Milestones) {
        return view! {
            <section class="follow-up" id="follow-up" aria-labelledby="follow-up-heading">
                <h1 id="follow-up-heading">{ft(FK::heading)}</h1>
                <p class="notice" id="follow-up-not-shared">{ft(FK::milestones_not_shared)}</p>
            </section>
        }
        .into_any();
    }

    let provisional = catalogue.provisional;
    let version = catalogue.info.version.clone();
    let all_recorded = open_months.is_empty();
    let closing_note = if ws.file.with_untracked(|f| f.lifecycle.is_closed()) {
        Some(("follow-up-closed", ft(FK::closed)))
    } else if !arrival_shown {
        Some(("follow-up-travel-not-shared", ft(FK::travel_not_shared)))
    } else if schedule.is_empty() {
        Some(("follow-up-no-arrival", ft(FK::no_arrival)))
    } else if all_recorded {
        Some(("follow-up-all-recorded", ft(FK::all_recorded)))
    } else if !may_record {
        Some(("follow-up-read-only", ft(FK::read_only)))
    } else {
        None
    };
    let form = may_record.then(move || {
        let version_read = ws.version(Section::Milestones);
        view! {
            <section class="panel" id="follow-up-record" aria-labelledby="follow-up-record-heading">
                <h2 id="follow-up-record-heading">{ft(FK::record)}</h2>
                <p class="hint">{ft(FK::record_hint)}</p>
                <ActionForm action attr:id="follow-up-form" attr:action=RecordFollowUp::url()>
                    <input type="hidden" name="code" value=code.clone()/>
                    <input type="hidden" name="version" value=version_read.to_string()/>
                    <div class="field-row">
                        <div class="field">
                            <label for="fu-month">{ft(FK::month)}</label>
                            <select id="fu-month" name="f[fu.month]" required>
                                <option value="">{ft(FK::choose)}</option>
                                {open_months
                                    .iter()
                                    .map(|m| view! { <option value=m.to_string()>{month_text(*m)}</option> })
                                    .collect_view()}
                            </select>
                        </div>
                        <div class="field">
                            <label for="fu-on">{ft(FK::on)}</label>
                            <input id="fu-on" name="f[fu.on]" type="date" max=today.to_string() required/>
                        </div>
                        <div class="field">
                            <label for="fu-mode">{ft(FK::mode)}</label>
                            <select id="fu-mode" name="f[fu.mode]" required>
                                <option value="">{ft(FK::choose)}</option>
                                {CONTACT_MODES
                                    .iter()
                                    .map(|(value, mode)| view! { <option value=*value>{ft(mode_key(*mode))}</option> })
                                    .collect_view()}
                            </select>
                        </div>
                    </div>
                    <div class="field">
                        <label for="fu-by">{ft(FK::who)}</label>
                        <input id="fu-by" name="f[fu.by]" type="text" maxlength=MAX_WHO.to_string() required/>
                    </div>
                    {DIMENSIONS
                        .into_iter()
                        .map(|d| view! {
                            <fieldset class="follow-up-dimension">
                                <legend>{ft(dimension_key(d))}</legend>
                                {crate::catalog::follow_up()
                                    .questions
                                    .iter()
                                    .filter(|q| q.dimension == d)
                                    .map(|q| {
                                        let id = format!("fu-answer-{}", q.id);
                                        view! {
                                            <div class="field">
                                                <label for=id.clone()>{q.text.clone()}</label>
                                                <select id=id name=format!("f[fu.answer.{}]", q.id)>
                                                    <option value="">{ft(FK::answer_blank)}</option>
                                                    {scale_options()
                                                        .into_iter()
                                                        .map(|(v, k)| view! { <option value=v>{ft(k)}</option> })
                                                        .collect_view()}
                                                </select>
                                            </div>
                                        }
                                    })
                                    .collect_view()}
                            </fieldset>
                        })
                        .collect_view()}
                    {move || {
                        let ps = problems();
                        (!ps.is_empty()).then(|| view! {
                            <div class="form-error" role="alert" id="follow-up-problems">
                                <p>{ft(FK::invalid)}</p>
                                <ul>{ps.into_iter().map(|p| view! { <li>{p}</li> }).collect_view()}</ul>
                            </div>
                        })
                    }}
                    <button type="submit" id="follow-up-submit">{ft(FK::submit)}</button>
                </ActionForm>
            </section>
        }
    });
    view! {
        <section class="follow-up" id="follow-up" aria-labelledby="follow-up-heading">
            <h1 id="follow-up-heading">{ft(FK::heading)}</h1>
            <p class="lead">{ft(FK::lead)}</p>
            {if provisional {
                view! { <p class="notice" id="follow-up-provisional">{ftf(FK::provisional, &[("version", &version)])}</p> }.into_any()
            } else {
                view! { <p id="follow-up-catalogue">{ftf(FK::official, &[("version", &version)])}</p> }.into_any()
            }}
            {from_address.map(|outcome| match outcome {
                Ok(month) => view! {
                    <p class="notice" role="status" id="follow-up-result">
                        {month.map_or_else(|| ft(FK::recorded_any).to_string(), |n| ftf(FK::recorded, &[("n", &n.to_string())]))}
                    </p>
                }
                .into_any(),
                Err(problems) => view! {
                    <div class="form-error" role="alert" id="follow-up-result">
                        {if problems.is_empty() {
                            view! { <p>{ft(FK::conflict)}</p> }.into_any()
                        } else {
                            view! {
                                <p>{ft(FK::invalid)}</p>
                                <ul>{problems.iter().map(|p| view! { <li>{problem_text(p)}</li> }).collect_view()}</ul>
                            }
                            .into_any()
                        }}
                    </div>
                }
                .into_any(),
            })}
            {(!schedule.is_empty()).then(|| view! {
                <h2>{ft(FK::schedule)}</h2>
                <table class="follow-up-schedule" id="follow-up-schedule">
                    <thead>
                        <tr><th>{ft(FK::col_contact)}</th><th>{ft(FK::col_due)}</th><th>{ft(FK::col_status)}</th></tr>
                    </thead>
                    <tbody>{schedule.iter().map(|c| schedule_row(c, today)).collect_view()}</tbody>
                </table>
            })}
            {closing_note.map(|(id, text)| view! { <p class="notice" id=id>{text}</p> })}
            {recorded.into_iter().map(|contact| view! { <ContactView contact/> }).collect_view()}
            {form}
        </section>
    }
    .into_any()
}
