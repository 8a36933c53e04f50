//! The supervisor's approval of a high-risk return, under the risk step
//! (domain.md §6.3): where it stands (asked for, approved, declined and
//! why) for everyone who reads the step, and the decision form for the
//! organisation's supervisors while a request waits. The form posts
//! without WASM too (the server sends the browser back here, saying how it
//! went); with WASM a decision that went through loads the page again, so
//! that the gate and the stage are as the server has them.

use super::workspace::Workspace;
use crate::api::cases::{ApprovalResult, DecideApproval, RequestApproval};
use crate::domain::progress::ApprovalRefusal;
use crate::i18n::{t, tf, K};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_query_map;

fn refusal_key(r: ApprovalRefusal) -> K {
    match r {
        ApprovalRefusal::NotAwaiting => K::case_approval_refused_not_awaiting,
        ApprovalRefusal::CommentRequired => K::case_approval_refused_comment_required,
        ApprovalRefusal::CommentTooLong => K::case_approval_refused_too_long,
        ApprovalRefusal::NotNeeded => K::case_approval_refused_not_needed,
    }
}

#[component]
pub fn ApprovalPanel(
    ws: Workspace,
    may_approve: bool,
    /// May change the risks, and so ask for approval (the counselling side).
    may_ask: bool,
) -> impl IntoView {
    let query = use_query_map();
    let from_address = match query.read_untracked().get("approval").as_deref() {
        Some("approved") => Some(K::case_approval_result_approved),
        Some("declined") => Some(K::case_approval_result_declined),
        Some("comment_required") => Some(K::case_approval_refused_comment_required),
        Some("not_awaiting") => Some(K::case_approval_refused_not_awaiting),
        Some("too_long") => Some(K::case_approval_refused_too_long),
        Some("conflict") => Some(K::case_approval_conflict),
        Some("requested") => Some(K::case_approval_result_requested),
        Some("not_needed") => Some(K::case_approval_refused_not_needed),
        _ => None,
    };
    let ask = ServerAction::<RequestApproval>::new();
    let asked = ask.value();
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        if matches!(asked.get(), Some(Ok(ApprovalResult::Requested))) {
            let _ = window().location().reload();
        }
    });
    let ask_problem = move || match asked.get() {
        Some(Ok(ApprovalResult::Refused(r))) => Some(t(refusal_key(r)).to_string()),
        Some(Err(e)) => Some(e.user_message()),
        _ => None,
    };
    let user_id = ws.user_id.get_value();
    let action = ServerAction::<DecideApproval>::new();
    let value = action.value();
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        if matches!(value.get(), Some(Ok(ApprovalResult::Decided { .. }))) {
            let _ = window().location().reload();
        }
    });
    let problem = move || match value.get() {
        Some(Ok(ApprovalResult::Refused(r))) => Some(t(refusal_key(r)).to_string()),
        Some(Err(e)) => Some(e.user_message()),
        _ => None,
    };
    let today = ws.today;
    let code = ws.code.get_value();
    move || {
        let file = ws.file.get();
        let risk = &file.risk;
        let high = risk
            .assessment
            .as_ref()
            .is_some_and(|a| a.overall() == crate::domain::risk::RiskLevel::High);
        let awaiting = file.awaiting_approval(today);
        if !high && risk.supervisor_refusal.is_none() {
            return ().into_any();
        }
        let approval = risk.supervisor_approval.clone();
        let refusal = risk.supervisor_refusal.clone();
        let requested = risk.approval_requested_on.filter(|_| awaiting);
        let asked_by_me = risk.approval_requested_by.as_deref() == Some(user_id.as_str());
        // A high risk the gate holds for a supervisor, not asked for yet.
        let to_ask = !awaiting
            && may_ask
            && file.return_track()
            && matches!(
                file.gate(today),
                Some(crate::domain::risk::Gate::Blocked(m))
                    if m.contains(&crate::domain::risk::GateMissing::SupervisorApproval)
            );
        let version = ws.version(crate::domain::policy::Section::Risk);
        let code = code.clone();
        view! {
            <section class="panel approval" id="approval" aria-labelledby="approval-heading">
                <h2 id="approval-heading">{t(K::case_approval_heading)}</h2>
                {from_address.map(|k| view! { <p class="notice" role="status" id="approval-result">{t(k)}</p> })}
                {approval.map(|s| view! {
                    <p class="ready" id="approval-given">{tf(K::case_approved_by, &[("on", &s.on.to_string())])}</p>
                    {(!s.comment.is_empty()).then(|| view! { <blockquote>{s.comment}</blockquote> })}
                })}
                {refusal.map(|s| view! {
                    <p class="form-error" id="approval-declined">{tf(K::case_approval_declined, &[("on", &s.on.to_string())])}</p>
                    <blockquote id="approval-declined-comment">{s.comment}</blockquote>
                })}
                {requested.map(|on| view! {
                    <p id="approval-waiting">
                        {tf(K::case_approval_waiting, &[("on", &on.to_string())])}
                        {asked_by_me.then(|| format!(" {}", t(K::case_approval_asked_by_you)))}
                    </p>
                })}
                {to_ask.then(|| {
                    let code = code.clone();
                    view! {
                        <p class="hint" id="approval-ask-hint">{t(K::case_approval_ask_hint)}</p>
                        {move || ask_problem().map(|p| view! { <p class="form-error" role="alert" id="approval-ask-error">{p}</p> })}
                        <ActionForm action=ask attr:id="approval-ask" attr:action=RequestApproval::url()>
                            <input type="hidden" name="code" value=code/>
                            <input type="hidden" name="version" value=version.to_string()/>
                            <button type="submit" id="approval-ask-submit">{t(K::case_approval_ask)}</button>
                        </ActionForm>
                    }
                })}
                {(awaiting && may_approve).then(|| view! {
                    {move || problem().map(|p| view! { <p class="form-error" role="alert" id="approval-error">{p}</p> })}
                    <ActionForm action attr:id="approval-form" attr:action=DecideApproval::url()>
                        <input type="hidden" name="code" value=code/>
                        // The risks as the supervisor read them.
                        <input type="hidden" name="version" value=version.to_string()/>
                        <fieldset>
                            <legend>{t(K::case_approval_decision)}</legend>
                            <label class="choice">
                                <input type="radio" name="decision" value="approve" id="approval-approve" required/>
                                {t(K::case_approval_approve)}
                            </label>
                            <label class="choice">
                                <input type="radio" name="decision" value="decline" id="approval-decline"/>
                                {t(K::case_approval_decline)}
                            </label>
                        </fieldset>
                        <div class="field">
                            <label for="approval-comment">{t(K::case_approval_comment)}</label>
                            <span class="field-hint" id="approval-comment-hint">{t(K::case_approval_comment_hint)}</span>
                            <textarea id="approval-comment" name="comment" rows="3" maxlength="2000" aria-describedby="approval-comment-hint"></textarea>
                        </div>
                        <button type="submit" id="approval-submit">{t(K::case_approval_record)}</button>
                    </ActionForm>
                })}
            </section>
        }
        .into_any()
    }
}
