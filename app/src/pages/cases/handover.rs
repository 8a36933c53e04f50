//! The handover panel beside every step: what still blocks the handover,
//! handing the plan over, and then the conversation with the mission —
//! the counsellor answers questions or withdraws; the return officer
//! accepts, asks or rejects. Every form posts without WASM too (the server
//! sends the browser back to the review step, saying how it went); with
//! WASM a move that went through loads the page again, so that the stage,
//! the shared sections and the conversation are all as the server has
//! them.

use super::forms::section_key;
use super::panels::missing_text;
use crate::api::handovers::{HandOver, HandOverOutcome, HandoverView, MoveResult, Respond};
use crate::components::time::utc_text_from_secs;
use crate::domain::handover::{HandoverStatus, MoveRefusal, Side};
use crate::domain::progress::Progress;
use crate::i18n::{t, tf, K};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_query_map;

pub fn status_key(s: HandoverStatus) -> K {
    match s {
        HandoverStatus::New => K::ho_status_new,
        HandoverStatus::NeedsInformation => K::ho_status_needs_information,
        HandoverStatus::Accepted => K::ho_status_accepted,
        HandoverStatus::Rejected => K::ho_status_rejected,
        HandoverStatus::Withdrawn => K::ho_status_withdrawn,
    }
}

fn kind_key(kind: &str) -> K {
    match kind {
        "accept" => K::ho_kind_accept,
        "reject" => K::ho_kind_reject,
        "ask" => K::ho_kind_ask,
        "answer" => K::ho_kind_answer,
        "withdraw" => K::ho_kind_withdraw,
        _ => K::ho_kind_handover,
    }
}

fn refusal_key(r: MoveRefusal) -> K {
    match r {
        MoveRefusal::NotYourMove => K::ho_refused_not_your_move,
        MoveRefusal::NotNow => K::ho_refused_not_now,
        MoveRefusal::TextRequired => K::ho_refused_text_required,
        MoveRefusal::TextTooLong => K::ho_refused_too_long,
    }
}

/// Whole days since `secs` (unix seconds).
fn days_since(secs: i64) -> i64 {
    ((chrono::Utc::now().timestamp() - secs) / 86_400).max(0)
}

/// Loads the page again once a move went through (with WASM).
fn reload_when(done: bool) {
    #[cfg(feature = "hydrate")]
    if done {
        let _ = window().location().reload();
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = done;
}

#[component]
pub fn HandoverPanel(
    code: String,
    side: Side,
    may_hand_over: bool,
    handover: Option<HandoverView>,
    /// The mission chosen in the travel step, by name.
    mission_name: Signal<Option<String>>,
    progress: Memo<Progress>,
) -> impl IntoView {
    let query = use_query_map();
    // Without WASM the outcome comes back in the address.
    let from_address = match query.read_untracked().get("handover").as_deref() {
        Some("handed_over") => Some(K::ho_result_handed_over),
        Some("moved") => Some(K::ho_result_moved),
        Some("missing") => Some(K::ho_missing),
        Some("already") => Some(K::ho_already),
        Some("refused") => Some(K::ho_refused_text_required),
        Some("stale") => Some(K::ho_stale),
        _ => None,
    };
    let active = handover.clone().filter(|h| h.status.is_active());
    let last_closed = handover.clone().filter(|h| !h.status.is_active());
    view! {
        // It scrolls on its own when long (sticky beside the steps): reachable
        // with the keyboard even when it holds no control.
        <aside class="blockers" aria-labelledby="blockers-heading" id="handover-panel" tabindex="0">
            <h2 id="blockers-heading">{t(K::ho_panel_heading)}</h2>
            {from_address.map(|k| view! { <p class="notice" role="status" id="handover-result">{t(k)}</p> })}
            {match active {
                Some(h) => view! { <ActiveHandover code=code.clone() side may_hand_over h/> }.into_any(),
                None => {
                    let code = code.clone();
                    view! {
                        {last_closed.map(|h| view! { <LastHandover h/> })}
                        {(side == Side::Counselling).then(|| view! {
                            <NotHandedOver code may_hand_over mission_name progress/>
                        })}
                    }
                    .into_any()
                }
            }}
        </aside>
    }
}

#[component]
fn LastHandover(h: HandoverView) -> impl IntoView {
    let reason = h
        .messages
        .iter()
        .rev()
        .find(|m| matches!(m.kind.as_str(), "reject" | "withdraw"))
        .map(|m| m.body.clone());
    view! {
        <div class="last-handover" id="last-handover">
            <p>{tf(K::ho_last_handover, &[("status", t(status_key(h.status)))])}</p>
            {reason.map(|r| view! { <blockquote>{r}</blockquote> })}
            <p class="hint">{t(K::ho_again)}</p>
        </div>
    }
}

/// Before a handover: what is missing, or the form to hand it over.
#[component]
fn NotHandedOver(
    code: String,
    may_hand_over: bool,
    mission_name: Signal<Option<String>>,
    progress: Memo<Progress>,
) -> impl IntoView {
    let action = ServerAction::<HandOver>::new();
    let value = action.value();
    Effect::new(move |_| {
        reload_when(matches!(value.get(), Some(Ok(HandOverOutcome::HandedOver))));
    });
    let outcome = move || match value.get() {
        Some(Ok(HandOverOutcome::Missing(_))) => Some(t(K::ho_missing).to_string()),
        Some(Ok(HandOverOutcome::AlreadyHandedOver)) => Some(t(K::ho_already).to_string()),
        Some(Err(e)) => Some(e.user_message()),
        _ => None,
    };
    move || {
        let p = progress.get();
        if p.ready_for_handover() {
            let mission = mission_name.get().unwrap_or_default();
            let code = code.clone();
            view! {
                <p class="ready" id="handover-ready">{t(K::case_ready_for_handover_long)}</p>
                {move || outcome().map(|o| view! { <p class="form-error" role="alert" id="handover-error">{o}</p> })}
                {may_hand_over.then(|| view! {
                    <ActionForm action attr:id="hand-over-form" attr:action=HandOver::url() attr:class="handover-form">
                        <input type="hidden" name="code" value=code/>
                        <div class="field">
                            <label for="handover-note">{t(K::ho_note)}</label>
                            <span class="field-hint" id="handover-note-hint">{t(K::ho_note_hint)}</span>
                            <textarea id="handover-note" name="note" rows="3" maxlength="4000" aria-describedby="handover-note-hint"></textarea>
                        </div>
                        <button type="submit" id="hand-over">{tf(K::ho_hand_over_to, &[("mission", &mission)])}</button>
                    </ActionForm>
                })}
            }
            .into_any()
        } else if let Some(track) = match p.stage {
            // On the stay and onward tracks nothing goes to IOM: what
            // applies instead, not the return's requirements.
            crate::domain::plan::PlanStatus::StayTrack => Some(K::case_track_stay),
            crate::domain::plan::PlanStatus::OnwardTrack => Some(K::case_track_onward),
            _ => None,
        } {
            let code = code.clone();
            view! {
                <p id="handover-track">{t(track)}</p>
                <ul id="handover-track-steps">
                    <li><a href=format!("/cases/{code}/options") rel="external">{t(K::case_step_options)}</a></li>
                    <li><a href=format!("/cases/{code}/milestones") rel="external">{t(K::case_step_milestones)}</a></li>
                </ul>
            }
            .into_any()
        } else {
            let code = code.clone();
            view! {
                <p>{t(K::case_blocks_handover)}</p>
                <ul id="handover-missing">
                    {p.handover_missing
                        .iter()
                        .map(|m| {
                            let (text, step) = missing_text(m);
                            match step {
                                Some(s) => view! { <li><a href=format!("/cases/{}/{}", code, s.slug()) rel="external">{text}</a></li> }.into_any(),
                                None => view! { <li>{text}</li> }.into_any(),
                            }
                        })
                        .collect_view()}
                </ul>
            }
            .into_any()
        }
    }
}

/// A handover in progress: its state, the conversation and the moves of
/// the signed-in user's side.
#[component]
fn ActiveHandover(code: String, side: Side, may_hand_over: bool, h: HandoverView) -> impl IntoView {
    let action = ServerAction::<Respond>::new();
    let value = action.value();
    Effect::new(move |_| {
        reload_when(matches!(value.get(), Some(Ok(MoveResult::Moved { .. }))));
    });
    let outcome = move || match value.get() {
        Some(Ok(MoveResult::Refused(r))) => Some(t(refusal_key(r)).to_string()),
        Some(Ok(MoveResult::Stale)) => Some(t(K::ho_stale).to_string()),
        Some(Err(e)) => Some(e.user_message()),
        _ => None,
    };
    let who = match side {
        Side::Counselling => tf(K::ho_with_mission, &[("mission", &h.mission_name)]),
        Side::Mission => tf(
            K::ho_from_organisation,
            &[("organisation", &h.organisation_name)],
        ),
    };
    let status = h.status;
    let open_to_mission = matches!(
        status,
        HandoverStatus::New | HandoverStatus::NeedsInformation
    );
    // One form per move; each names the handover and the move.
    let handover_id = h.id.clone();
    let form = move |act: &'static str,
                     id: &'static str,
                     text: Option<(K, &'static str)>,
                     button: K| {
        let code = code.clone();
        let handover = handover_id.clone();
        view! {
            <ActionForm action attr:id=id attr:action=Respond::url() attr:class="handover-form">
                <input type="hidden" name="code" value=code/>
                <input type="hidden" name="handover" value=handover/>
                <input type="hidden" name="act" value=act/>
                {match text {
                    Some((label, field_id)) => view! {
                        <div class="field">
                            <label for=field_id>{t(label)}</label>
                            <textarea id=field_id name="text" rows="3" maxlength="4000" required></textarea>
                        </div>
                    }.into_any(),
                    None => view! { <input type="hidden" name="text" value=""/> }.into_any(),
                }}
                <button type="submit" id=format!("{id}-submit")>{t(button)}</button>
            </ActionForm>
        }
    };
    view! {
        <p class="badge handover-status" id="handover-status" data-status=status.slug()>{t(status_key(status))}</p>
        <p>{who}</p>
        <p class="hint">
            {tf(K::ho_handed_over_on, &[("date", &utc_text_from_secs(h.handed_over_at)), ("who", &h.handed_over_by)])}
            <br/>
            {tf(K::ho_waiting, &[("date", &utc_text_from_secs(h.waiting_since)), ("days", &days_since(h.waiting_since).to_string())])}
        </p>
        <p class="hint">{t(K::ho_shared)}</p>
        <ul class="shared" id="handover-shared">
            {h.shared.iter().map(|s| view! { <li>{t(section_key(*s))}</li> }).collect_view()}
        </ul>
        <h3>{t(K::ho_conversation)}</h3>
        <ol class="conversation" id="handover-messages">
            {h.messages
                .iter()
                .map(|m| {
                    let by = format!("{} · {} · {}", m.by, m.organisation, utc_text_from_secs(m.at));
                    view! {
                        <li class=format!("message kind-{}", m.kind)>
                            <p class="message-head"><strong>{t(kind_key(&m.kind))}</strong>" · "{by}</p>
                            {(!m.body.is_empty()).then(|| view! { <p class="message-body">{m.body.clone()}</p> })}
                        </li>
                    }
                })
                .collect_view()}
        </ol>
        {move || outcome().map(|o| view! { <p class="form-error" role="alert" id="handover-error">{o}</p> })}
        {match side {
            Side::Counselling if may_hand_over => view! {
                {(status == HandoverStatus::NeedsInformation)
                    .then(|| form("answer", "answer-form", Some((K::ho_answer_label, "answer-text")), K::ho_answer))}
                <details class="withdraw">
                    <summary>{t(K::ho_withdraw_summary)}</summary>
                    {form("withdraw", "withdraw-form", Some((K::ho_withdraw_reason, "withdraw-text")), K::ho_withdraw)}
                </details>
            }.into_any(),
            Side::Mission if open_to_mission => view! {
                {form("accept", "accept-form", None, K::ho_accept)}
                {form("ask", "ask-form", Some((K::ho_ask_label, "ask-text")), K::ho_ask)}
                <details class="reject">
                    <summary>{t(K::ho_reject_summary)}</summary>
                    {form("reject", "reject-form", Some((K::ho_reject_label, "reject-text")), K::ho_reject)}
                </details>
            }.into_any(),
            _ => ().into_any(),
        }}
    }
}
