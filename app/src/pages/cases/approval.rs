//! The supervisor's approval of a high-risk return, under the risk step
//! (domain.md §6.3): where it stands (asked for, approved, declined and
//! why) for everyone who reads the step, and the decision form for the
//! organisation's supervisors while a request waits. The form posts
//! without WASM too (the server sends the browser back here, saying how it
//! went); with WASM a decision that went through loads the page again, so
//! that the gate and the stage are as the server has them.

use super::inputs::error_key;
use super::workspace::Workspace;
use crate::api::cases::{
    AcceptBudget, ApprovalResult, ConfirmOrigin, DecideApproval, RequestApproval,
};
use crate::domain::fields::Problem;
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
        Some("origin_confirmed") => Some(K::case_origin_result_confirmed),
        Some("origin_invalid") => Some(K::case_origin_result_invalid),
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
    let confirm = ServerAction::<ConfirmOrigin>::new();
    let confirmed = confirm.value();
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        if matches!(confirmed.get(), Some(Ok(ApprovalResult::OriginConfirmed))) {
            let _ = window().location().reload();
        }
    });
    // Each field's problem, or the call's own failure (a conflict, a
    // lost connection), as the last attempt to record one left them.
    let confirm_problems = move || match confirmed.get() {
        Some(Ok(ApprovalResult::OriginInvalid(problems))) => problems,
        _ => Vec::new(),
    };
    let confirm_failed = move || match confirmed.get() {
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
        if risk.assessment.is_none() && risk.supervisor_refusal.is_none() {
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
        let cleared = risk.still_cleared();
        let origin = risk
            .origin_confirmed_on
            .map(|on| (risk.origin_partner.clone(), on));
        // Recorded by those who may change the risks, for an assessment
        // not confirmed yet.
        let to_confirm = may_ask && origin.is_none() && risk.assessment.is_some();
        let partner = risk.origin_partner.clone();
        let approval_part = high || approval.is_some() || refusal.is_some();
        view! {
            <section class="panel approval" id="approval" aria-labelledby="approval-heading">
                <h2 id="approval-heading">{t(K::case_sign_offs)}</h2>
                {from_address.map(|k| view! { <p class="notice" role="status" id="approval-result">{t(k)}</p> })}
                {cleared.map(|(on, approval, origin)| view! {
                    <div class="notice" role="status" id="sign-offs-cleared">
                        <p>{tf(K::case_sign_offs_cleared, &[("on", &on.to_string())])}</p>
                        <ul>
                            {approval.then(|| view! { <li id="sign-offs-cleared-approval">{t(K::case_sign_offs_cleared_approval)}</li> })}
                            {origin.then(|| view! { <li id="sign-offs-cleared-origin">{t(K::case_sign_offs_cleared_origin)}</li> })}
                        </ul>
                    </div>
                })}
                <h3 id="origin-heading">{t(K::case_origin_heading)}</h3>
                {match origin {
                    Some((partner, on)) => view! {
                        <p class="ready" id="origin-confirmed">
                            {tf(K::case_origin_confirmed, &[("partner", &partner), ("on", &on.to_string())])}
                        </p>
                    }
                    .into_any(),
                    None => view! {
                        <p class:form-error=high id="origin-missing">
                            {t(if high { K::case_origin_missing_high } else { K::case_origin_missing })}
                        </p>
                    }
                    .into_any(),
                }}
                {to_confirm.then(|| {
                    let code = code.clone();
                    let problem = move |field: &'static str| {
                        move || {
                            confirm_problems()
                                .into_iter()
                                .find(|p: &Problem| p.field == field)
                                .map(|p| view! { <span class="field-error" id=format!("{}-error", field_id(field))>{t(error_key(p.error))}</span> })
                        }
                    };
                    view! {
                        <p class="hint" id="origin-hint">{t(K::case_origin_hint)}</p>
                        {move || confirm_failed().map(|p| view! { <p class="form-error" role="alert" id="origin-error">{p}</p> })}
                        <ActionForm action=confirm attr:id="origin-form" attr:action=ConfirmOrigin::url()>
                            <input type="hidden" name="code" value=code/>
                            // The assessment as the counsellor read it.
                            <input type="hidden" name="version" value=version.to_string()/>
                            <div class="field-row">
                                <div class="field">
                                    <label for="origin-partner">{t(K::case_origin_partner)}</label>
                                    <input id="origin-partner" name="partner" type="text" value=partner required maxlength="200" aria-describedby="origin-partner-error"/>
                                    {problem("risk.origin_partner")}
                                </div>
                                <div class="field">
                                    <label for="origin-on">{t(K::case_origin_confirmed_on)}</label>
                                    <input id="origin-on" name="on" type="date" value=today.to_string() max=today.to_string() required aria-describedby="origin-on-error"/>
                                    {problem("risk.origin_confirmed_on")}
                                </div>
                            </div>
                            <button type="submit" id="origin-submit">{t(K::case_origin_record)}</button>
                        </ActionForm>
                    }
                })}
                {approval_part.then(|| view! { <h3 id="approval-part-heading">{t(K::case_approval_heading)}</h3> })}
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

/// The id of a confirmation field's element (`risk.origin_partner` →
/// `origin-partner`).
fn field_id(field: &str) -> &'static str {
    match field {
        "risk.origin_partner" => "origin-partner",
        _ => "origin-on",
    }
}

/// A budget checked against a cap the catalogue does not know (domain.md
/// §7.2): it is not a blank cheque. Under the reintegration step, for
/// everyone who reads it: the cap is unknown and a supervisor must accept
/// the budget as it stands before the handover; accepted, by whom and
/// why; changed since it was accepted. The organisation's supervisors get
/// the form (it posts without WASM too).
#[component]
pub fn BudgetAcceptancePanel(ws: Workspace, may_approve: bool) -> impl IntoView {
    let query = use_query_map();
    let from_address = match query.read_untracked().get("budget").as_deref() {
        Some("accepted") => Some(K::case_cap_result_accepted),
        Some("comment_required") => Some(K::case_approval_refused_comment_required),
        Some("too_long") => Some(K::case_approval_refused_too_long),
        Some("not_needed") => Some(K::case_cap_refused_not_needed),
        Some("conflict") => Some(K::case_approval_conflict),
        _ => None,
    };
    let action = ServerAction::<AcceptBudget>::new();
    let value = action.value();
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        if matches!(value.get(), Some(Ok(ApprovalResult::BudgetAccepted))) {
            let _ = window().location().reload();
        }
    });
    let problem = move || match value.get() {
        Some(Ok(ApprovalResult::Refused(ApprovalRefusal::NotNeeded))) => {
            Some(t(K::case_cap_refused_not_needed).to_string())
        }
        Some(Ok(ApprovalResult::Refused(r))) => Some(t(refusal_key(r)).to_string()),
        Some(Err(e)) => Some(e.user_message()),
        _ => None,
    };
    let today = ws.today;
    let code = ws.code.get_value();
    move || {
        let file = ws.file.get();
        let cats = crate::catalog::planning();
        let unknown = file.budget_cap_unknown(&cats, today);
        let acceptance = file.reintegration.cap_acceptance.clone();
        if !unknown && acceptance.is_none() {
            return ().into_any();
        }
        let accepted = file.budget_accepted();
        let total = file
            .budget(&cats, today)
            .map(|b| crate::components::time::money_text(b.grand_total(), b.currency))
            .unwrap_or_default();
        let version = ws.version(crate::domain::policy::Section::Reintegration);
        let code = code.clone();
        view! {
            <section class="panel approval" id="budget-acceptance" aria-labelledby="budget-acceptance-heading">
                <h2 id="budget-acceptance-heading">{t(K::case_cap_acceptance)}</h2>
                {from_address.map(|k| view! { <p class="notice" role="status" id="budget-result">{t(k)}</p> })}
                {match (accepted, acceptance) {
                    (true, Some(a)) => view! {
                        <p class="ready" id="budget-accepted">{tf(K::case_cap_accepted, &[("on", &a.on.to_string()), ("total", &total)])}</p>
                        <blockquote>{a.comment}</blockquote>
                    }
                    .into_any(),
                    (_, changed) => view! {
                        <p class="form-error" id="budget-needs-acceptance">{tf(K::case_cap_needs_acceptance, &[("total", &total)])}</p>
                        {changed.map(|a| view! { <p id="budget-changed">{tf(K::case_cap_changed, &[("on", &a.on.to_string())])}</p> })}
                    }
                    .into_any(),
                }}
                {(unknown && !accepted && may_approve).then(|| view! {
                    {move || problem().map(|p| view! { <p class="form-error" role="alert" id="budget-error">{p}</p> })}
                    <ActionForm action attr:id="budget-form" attr:action=AcceptBudget::url()>
                        <input type="hidden" name="code" value=code/>
                        // The budget as the supervisor read it.
                        <input type="hidden" name="version" value=version.to_string()/>
                        <div class="field">
                            <label for="budget-comment">{t(K::case_cap_comment)}</label>
                            <textarea id="budget-comment" name="comment" rows="3" maxlength="2000" required></textarea>
                        </div>
                        <button type="submit" id="budget-submit">{t(K::case_cap_accept)}</button>
                    </ActionForm>
                })}
            </section>
        }
        .into_any()
    }
}
