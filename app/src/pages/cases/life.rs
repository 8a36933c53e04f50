//! The plan's life, on the review step: where it stands (open, on hold,
//! withdrawn, closed and when it is due for erasure), its history, and
//! the moves the counselling side may make from there — put on hold,
//! resume, record that the client withdrew or came back, close with a
//! reason. Each form posts without WASM too (the server sends the browser
//! back here, saying how it went); with WASM a move that went through
//! loads the page again, so that the stage and the forms are as the
//! server has them.

use super::workspace::Workspace;
use crate::api::cases::{LifeResult, MoveLife};
use crate::domain::lifecycle::{
    erasure_due, LifeEvent, LifeMove, LifeProblem, LifeState, CLOSURE_REASONS, MAX_NOTE,
};
use crate::domain::plan::ClosureReason;
use crate::i18n::{t, tf, K};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_query_map;

pub fn closure_key(r: ClosureReason) -> K {
    match r {
        ClosureReason::PlanCompleted => K::case_closure_plan_completed,
        ClosureReason::Stayed => K::case_closure_stayed,
        ClosureReason::MovedOn => K::case_closure_moved_on,
        ClosureReason::Unreachable => K::case_closure_unreachable,
        ClosureReason::Died => K::case_closure_died,
        ClosureReason::Transferred => K::case_closure_transferred,
        ClosureReason::SupportPeriodEnded => K::case_closure_support_period_ended,
        ClosureReason::ClientStopped => K::case_closure_client_stopped,
        ClosureReason::MovedAway => K::case_closure_moved_away,
        ClosureReason::ReMigrated => K::case_closure_re_migrated,
        ClosureReason::FundingEnded => K::case_closure_funding_ended,
    }
}

fn move_key(m: LifeMove) -> K {
    match m {
        LifeMove::Hold => K::case_life_moved_hold,
        LifeMove::Resume => K::case_life_moved_resume,
        LifeMove::Withdraw => K::case_life_moved_withdraw,
        LifeMove::Reopen => K::case_life_moved_reopen,
        LifeMove::Close { .. } => K::case_life_moved_close,
    }
}

/// A problem in words (dates filled in where the problem has one).
fn problem_text(p: &LifeProblem) -> String {
    match p {
        LifeProblem::ClosureReasonMissing => t(K::case_life_problem_reason).into(),
        LifeProblem::NotFrom => t(K::case_life_problem_not_from).into(),
        LifeProblem::Requirement { missing } => {
            let (what, _) = super::panels::missing_text(missing);
            tf(K::case_life_problem_requirement, &[("what", &what)])
        }
        LifeProblem::DateMissing => t(K::case_life_problem_date_missing).into(),
        LifeProblem::DateInvalid => t(K::case_error_date).into(),
        LifeProblem::DateInFuture => t(K::case_error_future).into(),
        LifeProblem::DateBeforeStart { start } => tf(
            K::case_life_problem_before_start,
            &[("on", &start.to_string())],
        ),
        LifeProblem::DateBeforeLast { last } => tf(
            K::case_life_problem_before_last,
            &[("on", &last.to_string())],
        ),
        LifeProblem::NoteRequired => t(K::case_life_problem_note_required).into(),
        LifeProblem::NoteTooLong => t(K::case_error_too_long).into(),
        LifeProblem::NotFollowedUp => t(K::case_life_problem_not_followed_up).into(),
        LifeProblem::NotArrived => t(K::case_life_problem_not_arrived).into(),
        LifeProblem::NotOnTrack => t(K::case_life_problem_not_on_track).into(),
    }
}

/// A problem named in the address by a form posted without WASM (its
/// serde tag; the dates it carries are not in the address).
fn problem_from_slug(slug: &str) -> Option<String> {
    let key = match slug {
        "closure_reason_missing" => K::case_life_problem_reason,
        "not_from" => K::case_life_problem_not_from,
        "requirement" => K::case_life_problem_requirement_any,
        "date_missing" => K::case_life_problem_date_missing,
        "date_invalid" => K::case_error_date,
        "date_in_future" => K::case_error_future,
        "date_before_start" => K::case_life_problem_before_start_any,
        "date_before_last" => K::case_life_problem_before_last_any,
        "note_required" => K::case_life_problem_note_required,
        "note_too_long" => K::case_error_too_long,
        "not_followed_up" => K::case_life_problem_not_followed_up,
        "not_arrived" => K::case_life_problem_not_arrived,
        "not_on_track" => K::case_life_problem_not_on_track,
        _ => return None,
    };
    Some(t(key).to_string())
}

/// Where the plan stands in its life, in words.
pub fn state_text(state: &LifeState) -> String {
    match state {
        LifeState::Open => t(K::case_life_state_open).into(),
        LifeState::OnHold { since } => {
            tf(K::case_life_state_on_hold, &[("on", &since.to_string())])
        }
        LifeState::Withdrawn { on } => tf(K::case_life_state_withdrawn, &[("on", &on.to_string())]),
        LifeState::Closed { reason, on } => tf(
            K::case_life_state_closed,
            &[("on", &on.to_string()), ("reason", t(closure_key(*reason)))],
        ),
    }
}

#[component]
pub fn LifePanel(
    ws: Workspace,
    /// May make the moves (the counselling side).
    may_move: bool,
    /// How long the organisation keeps a closed plan (its own users only).
    retention_months: Option<u32>,
) -> impl IntoView {
    let query = use_query_map();
    let from_address: Option<(bool, Vec<String>)> = {
        let q = query.read_untracked();
        match q.get("life").as_deref() {
            Some("moved") => Some((true, Vec::new())),
            Some("refused") => Some((
                false,
                q.get("life_problems")
                    .unwrap_or_default()
                    .split(',')
                    .filter_map(problem_from_slug)
                    .collect(),
            )),
            _ => None,
        }
    };
    let action = ServerAction::<MoveLife>::new();
    let value = action.value();
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        if matches!(value.get(), Some(Ok(LifeResult::Moved))) {
            let _ = window().location().reload();
        }
    });
    let problems = move || match value.get() {
        Some(Ok(LifeResult::Refused(ps))) => ps.iter().map(problem_text).collect(),
        Some(Err(e)) => vec![e.user_message()],
        _ => Vec::<String>::new(),
    };
    let today = ws.today;
    let code = ws.code.get_value();
    let life = ws.file.with_untracked(|f| f.lifecycle.clone());
    let state = life.state();
    let erasure = match (&state, retention_months) {
        (LifeState::Closed { on, .. }, Some(months)) => Some((months, erasure_due(*on, months))),
        _ => None,
    };
    let moves: Vec<LifeMove> = if !may_move {
        Vec::new()
    } else {
        match state {
            LifeState::Open => vec![LifeMove::Hold, LifeMove::Withdraw],
            LifeState::OnHold { .. } => vec![LifeMove::Resume, LifeMove::Withdraw],
            LifeState::Withdrawn { .. } => vec![LifeMove::Reopen],
            LifeState::Closed { .. } => Vec::new(),
        }
    };
    let may_close = may_move && !matches!(state, LifeState::Closed { .. });
    let history = life.events.clone();
    let form = move |kind: LifeMove| {
        let code = code.clone();
        let slug = kind.slug();
        let (title, submit, hint) = match kind {
            LifeMove::Hold => (
                K::case_life_hold,
                K::case_life_hold_submit,
                K::case_life_hold_hint,
            ),
            LifeMove::Resume => (
                K::case_life_resume,
                K::case_life_resume_submit,
                K::case_life_resume_hint,
            ),
            LifeMove::Withdraw => (
                K::case_life_withdraw,
                K::case_life_withdraw_submit,
                K::case_life_withdraw_hint,
            ),
            LifeMove::Reopen => (
                K::case_life_reopen,
                K::case_life_reopen_submit,
                K::case_life_reopen_hint,
            ),
            LifeMove::Close { .. } => (
                K::case_life_close,
                K::case_life_close_submit,
                K::case_life_close_hint,
            ),
        };
        let closing = matches!(kind, LifeMove::Close { .. });
        let note_required = kind.needs_note();
        view! {
            <details class="life-move" id=format!("life-{slug}")>
                <summary>{t(title)}</summary>
                <p class="hint">{t(hint)}</p>
                <ActionForm action attr:id=format!("life-{slug}-form") attr:action=MoveLife::url()>
                    <input type="hidden" name="code" value=code/>
                    <input type="hidden" name="kind" value=slug/>
                    {closing.then(|| view! {
                        <div class="field">
                            <label for="life-close-reason">{t(K::case_life_reason)}</label>
                            <select id="life-close-reason" name="reason" required>
                                <option value="">{t(K::case_life_reason_choose)}</option>
                                {CLOSURE_REASONS
                                    .iter()
                                    .map(|(value, reason)| view! { <option value=*value>{t(closure_key(*reason))}</option> })
                                    .collect_view()}
                            </select>
                        </div>
                    })}
                    <div class="field">
                        <label for=format!("life-{slug}-on")>{t(K::case_life_on)}</label>
                        <input id=format!("life-{slug}-on") name="on" type="date" value=today.to_string() max=today.to_string() required/>
                    </div>
                    <div class="field">
                        <label for=format!("life-{slug}-note")>
                            {t(if note_required { K::case_life_note_required } else { K::case_life_note })}
                        </label>
                        <textarea id=format!("life-{slug}-note") name="note" rows="2" maxlength=MAX_NOTE.to_string() required=note_required></textarea>
                    </div>
                    {closing.then(|| view! {
                        <label class="choice">
                            <input type="checkbox" id="life-close-confirm" required/>
                            {t(K::case_life_close_confirm)}
                        </label>
                    })}
                    <button type="submit" id=format!("life-{slug}-submit") class:danger=closing>{t(submit)}</button>
                </ActionForm>
            </details>
        }
    };
    view! {
        <section class="panel life" id="life" aria-labelledby="life-heading">
            <h2 id="life-heading">{t(K::case_life_heading)}</h2>
            {from_address.map(|(moved, problems)| {
                if moved {
                    view! { <p class="notice" role="status" id="life-result">{t(K::case_life_result_moved)}</p> }.into_any()
                } else {
                    view! {
                        <div class="form-error" role="alert" id="life-result">
                            <p>{t(K::case_life_result_refused)}</p>
                            <ul>{problems.into_iter().map(|p| view! { <li>{p}</li> }).collect_view()}</ul>
                        </div>
                    }
                    .into_any()
                }
            })}
            <p id="life-state" class=if matches!(state, LifeState::Open) { "" } else { "notice" }>{state_text(&state)}</p>
            {erasure.map(|(months, on)| view! {
                <p id="life-erasure">
                    {tf(K::case_life_erasure, &[("months", &months.to_string()), ("on", &on.to_string())])}
                </p>
            })}
            {(!history.is_empty()).then(|| view! {
                <h3>{t(K::case_life_history)}</h3>
                <ol class="life-history" id="life-history">
                    {history.into_iter().map(|e: LifeEvent| {
                        let what = match e.kind {
                            LifeMove::Close { reason } => format!("{}: {}", t(move_key(e.kind)), t(closure_key(reason))),
                            other => t(move_key(other)).to_string(),
                        };
                        view! {
                            <li>
                                <time datetime=e.on.to_string()>{e.on.to_string()}</time>
                                " — " {what}
                                {(!e.note.is_empty()).then(|| view! { <blockquote>{e.note}</blockquote> })}
                            </li>
                        }
                    }).collect_view()}
                </ol>
            })}
            {move || {
                let ps = problems();
                (!ps.is_empty()).then(|| view! {
                    <div class="form-error" role="alert" id="life-problems">
                        <p>{t(K::case_life_result_refused)}</p>
                        <ul>{ps.into_iter().map(|p| view! { <li>{p}</li> }).collect_view()}</ul>
                    </div>
                })
            }}
            {moves.into_iter().map(&form).collect_view()}
            {may_close.then(|| form(LifeMove::Close { reason: ClosureReason::PlanCompleted }))}
        </section>
    }
}
