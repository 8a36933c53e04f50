//! Handovers: the counselling side hands a plan over when the status
//! machine allows it, answers the mission's questions and may withdraw it;
//! the mission accepts, rejects with a reason or asks. Every move is
//! checked by the domain (`domain::handover`), written with a snapshot of
//! the plan and an audit row, and logged by the case's code only.

use super::auth::{require_actor, respond_with};
use super::cases::{
    accepts_html, actor_of, case_for, event, file_of, mission_handovers, record, summarised,
    PAGE_SIZE,
};
use super::state::app_state;
use crate::api::handovers::{
    HandOverOutcome, HandoverView, InboxItem, InboxView, MessageView, MoveResult,
};
use crate::domain::case_file::section_slug;
use crate::domain::consent::shareable_sections;
use crate::domain::derived::Derived;
use crate::domain::handover::{
    deadline_state, make_move, registration_deadline, HandoverMove, HandoverStatus, Side,
};
use crate::domain::policy::{case_access, CaseAction, CaseFacts, Section};
use crate::domain::{OrgKind, Role};
use crate::error::AppError;
use crate::store::{
    AuditOutcome, CaseRecord, HandoverChange, HandoverRecord, InboxQuery, MoveOutcome, NewHandover,
    SessionActor, StoreError,
};
use chrono::{NaiveDate, Utc};
use std::collections::BTreeMap;

/// The latest handover of a case as `a` may see it: the counselling side
/// sees every handover's latest; a mission only its own active one.
pub(super) async fn latest_view(
    a: &SessionActor,
    c: &CaseRecord,
    facts: &CaseFacts,
) -> Result<Option<(HandoverRecord, HandoverView)>, AppError> {
    let store = &app_state()?.store;
    let all = store
        .handovers_of_case(&c.id)
        .await
        .map_err(AppError::internal)?;
    let latest = match a.organisation_kind {
        OrgKind::Counselling => all.into_iter().next(),
        OrgKind::IomMission => all
            .into_iter()
            .find(|h| h.status.is_active() && h.mission_id == a.organisation_id),
    };
    let Some(h) = latest else {
        return Ok(None);
    };
    let messages = store
        .handover_messages(&h.id)
        .await
        .map_err(AppError::internal)?
        .into_iter()
        .map(|m| MessageView {
            at: m.at.timestamp(),
            by: m.by_name,
            organisation: m.by_organisation,
            kind: m.move_,
            body: m.body,
        })
        .collect();
    let shared = if h.status.is_active() {
        facts
            .handovers
            .iter()
            .find(|f| f.mission_id == h.mission_id)
            .map(|f| f.shared_sections.clone())
            .unwrap_or_else(|| h.sections.clone())
    } else {
        Vec::new()
    };
    let view = HandoverView {
        id: h.id.clone(),
        mission_name: h.mission_name.clone(),
        organisation_name: h.organisation_name.clone(),
        status: h.status,
        handed_over_at: h.handed_over_at.timestamp(),
        handed_over_by: h.handed_over_by_name.clone(),
        waiting_since: h.updated_at.timestamp(),
        accepted_at: h.accepted_at.map(|t| t.timestamp()),
        shared,
        messages,
    };
    Ok(Some((h, view)))
}

/// Where a form posted without WASM goes back to.
async fn back_to_review(code: &str, outcome: &str) {
    if accepts_html().await {
        leptos_axum::redirect(&format!("/cases/{code}/review?handover={outcome}"));
    }
}

pub async fn hand_over(code: String, note: String) -> Result<HandOverOutcome, AppError> {
    let state = app_state()?;
    let a = require_actor().await?;
    let c = case_for(&a, &code, CaseAction::HandOver, "handover.create").await?;
    super::cases::refuse_if_closed(&a, &c, "handover.create").await?;
    let code = c.code.as_str().to_string();
    if note.chars().count() > crate::domain::handover::MAX_TEXT {
        return Err(respond_with(AppError::Invalid(Vec::new())));
    }
    let sections = state
        .store
        .case_sections(&c.id)
        .await
        .map_err(AppError::internal)?;
    let file = file_of(&sections)?;
    let now = Utc::now();
    let wall = a.clock.wall(now);
    let progress = file.progress(&crate::catalog::planning(), wall);
    if !progress.handover_missing.is_empty() {
        back_to_review(&code, "missing").await;
        return Ok(HandOverOutcome::Missing(progress.handover_missing));
    }
    let Some(mission_id) = file.travel.mission_id.clone() else {
        return Err(AppError::internal("ready for handover without a mission"));
    };
    // Everything the client consented to share with this mission, which
    // includes every section the handover needs (checked above).
    let shared = shareable_sections(&file.consent.records, &mission_id, wall);
    let mut audit = event(&a, "handover.create", AuditOutcome::Allowed);
    audit.case_code = Some(code.clone());
    let new = NewHandover {
        case_id: c.id.clone(),
        mission_id,
        sections: shared,
        note: note.trim().to_string(),
        by: a.user_id.clone(),
        at: now,
    };
    match state
        .store
        .create_handover(&new, &audit, |all, held| {
            summarised(all, held, &file, a.clock)
        })
        .await
    {
        Ok(h) => {
            tracing::info!(case = %code, mission = %h.mission_id, "plan handed over");
            back_to_review(&code, "handed_over").await;
            Ok(HandOverOutcome::HandedOver)
        }
        Err(StoreError::Taken(_)) => {
            back_to_review(&code, "already").await;
            Ok(HandOverOutcome::AlreadyHandedOver)
        }
        Err(e) => Err(super::cases::store_refusal(e)),
    }
}

fn move_of(act: &str, text: String) -> Option<HandoverMove> {
    Some(match act {
        "accept" => HandoverMove::Accept,
        "reject" => HandoverMove::Reject { reason: text },
        "ask" => HandoverMove::AskInformation { question: text },
        "answer" => HandoverMove::Answer { text },
        "withdraw" => HandoverMove::Withdraw { reason: text },
        _ => return None,
    })
}

pub async fn respond(
    code: String,
    handover: String,
    act: String,
    text: String,
) -> Result<MoveResult, AppError> {
    let state = app_state()?;
    let a = require_actor().await?;
    let Some(mv) = move_of(&act, text.trim().to_string()) else {
        return Err(respond_with(AppError::NotFound));
    };
    let (side, action) = match a.organisation_kind {
        OrgKind::IomMission => (Side::Mission, CaseAction::RespondToHandover),
        OrgKind::Counselling => (Side::Counselling, CaseAction::HandOver),
    };
    let audit_action = match mv {
        HandoverMove::Accept => "handover.accept",
        HandoverMove::Reject { .. } => "handover.reject",
        HandoverMove::AskInformation { .. } => "handover.ask",
        HandoverMove::Answer { .. } => "handover.answer",
        HandoverMove::Withdraw { .. } => "handover.withdraw",
    };
    let c = case_for(&a, &code, action, audit_action).await?;
    // A closed plan's handover can still be ended, nothing more.
    if !matches!(
        mv,
        HandoverMove::Reject { .. } | HandoverMove::Withdraw { .. }
    ) {
        super::cases::refuse_if_closed(&a, &c, audit_action).await?;
    }
    let code = c.code.as_str().to_string();
    let h = state
        .store
        .handover(&handover)
        .await
        .map_err(AppError::internal)?
        .filter(|h| h.case_id == c.id)
        // A mission moves only the handovers made to it.
        .filter(|h| side == Side::Counselling || h.mission_id == a.organisation_id)
        .ok_or_else(|| respond_with(AppError::NotFound))?;
    let to = match make_move(h.status, side, &mv) {
        Ok(to) => to,
        Err(refusal) => {
            back_to_review(&code, "refused").await;
            return Ok(MoveResult::Refused(refusal));
        }
    };
    let sections = state
        .store
        .case_sections(&c.id)
        .await
        .map_err(AppError::internal)?;
    let file = file_of(&sections)?;
    let mut audit = event(&a, audit_action, AuditOutcome::Allowed);
    audit.case_code = Some(code.clone());
    let change = HandoverChange {
        handover_id: h.id.clone(),
        case_id: c.id.clone(),
        from: h.status,
        to,
        move_: mv.slug(),
        text: mv.text().map(str::to_string),
        by: a.user_id.clone(),
        at: Utc::now(),
    };
    let outcome = state
        .store
        .move_handover(&change, &audit, |all, held| {
            summarised(all, held, &file, a.clock)
        })
        .await
        .map_err(AppError::internal)?;
    let result = match outcome {
        MoveOutcome::Moved => {
            tracing::info!(case = %code, status = to.slug(), "handover moved");
            MoveResult::Moved { status: to }
        }
        MoveOutcome::Stale => MoveResult::Stale,
    };
    back_to_review(
        &code,
        match result {
            MoveResult::Moved { .. } => "moved",
            _ => "stale",
        },
    )
    .await;
    Ok(result)
}

pub async fn inbox(status: String, page: i64) -> Result<InboxView, AppError> {
    let state = app_state()?;
    let a = require_actor().await?;
    let is_mission_staff = a.organisation_kind == OrgKind::IomMission
        && matches!(a.role, Role::ReturnOfficer | Role::Supervisor);
    if !is_mission_staff {
        record(event(&a, "handover.inbox", AuditOutcome::Denied)).await?;
        return Err(respond_with(AppError::NotFound));
    }
    let status = HandoverStatus::from_slug(status.trim());
    let page = page.clamp(0, 100_000);
    let p = state
        .store
        .inbox(&InboxQuery {
            mission_id: a.organisation_id.clone(),
            status: status.map(|s| s.slug().to_string()),
            page,
            page_size: PAGE_SIZE,
        })
        .await
        .map_err(AppError::internal)?;
    record(event(&a, "handover.inbox", AuditOutcome::Allowed)).await?;
    let today = a.clock.today();
    // What each row may show of the live plan is decided by the rule that
    // guards opening it: this handover active, and the section consented
    // to at the handover and still now. A row the mission may no longer
    // open shows what the mission itself recorded only.
    let active: Vec<&str> = p
        .items
        .iter()
        .filter(|h| h.status.is_active())
        .map(|h| h.case_id.as_str())
        .collect();
    let consents: BTreeMap<String, String> = state
        .store
        .section_of_cases(&active, section_slug(Section::Consent))
        .await
        .map_err(AppError::internal)?
        .into_iter()
        .collect();
    let actor = actor_of(&a);
    let mut items = Vec::with_capacity(p.items.len());
    // Each consent is judged on the clock of the organisation that
    // recorded it.
    let mut clocks = BTreeMap::new();
    for h in p.items {
        if !clocks.contains_key(&h.organisation_id) {
            let clock = state
                .store
                .organisation_clock(&h.organisation_id)
                .await
                .map_err(AppError::internal)?;
            clocks.insert(h.organisation_id.clone(), clock);
        }
        let facts = CaseFacts {
            organisation_id: h.organisation_id.clone(),
            owner_id: String::new(),
            assignee_ids: Vec::new(),
            handovers: mission_handovers(
                &a,
                std::iter::once(&h),
                consents.get(&h.case_id).map(String::as_str),
                clocks[&h.organisation_id],
            )?,
        };
        let readable: Vec<Section> = Section::ALL
            .into_iter()
            .filter(|s| case_access(&actor, &facts, CaseAction::Read(*s)).allowed())
            .collect();
        let travel = readable.contains(&Section::Travel);
        let departure_on = h
            .departure_on
            .as_deref()
            .filter(|_| travel)
            .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
        let registration_due = departure_on.and_then(registration_deadline);
        items.push(InboxItem {
            may_open: readable.contains(&Section::Client),
            code: h.case_code,
            organisation: h.organisation_name,
            status: h.status,
            handed_over_at: h.handed_over_at.timestamp(),
            waiting_since: h.updated_at.timestamp(),
            stage: Derived::Stage.shown_to(&readable).then_some(h.stage),
            travel_shared: travel,
            departure_on,
            registration_due,
            registration: registration_due.map(|d| deadline_state(d, today)),
        });
    }
    Ok(InboxView {
        items,
        total: p.total,
        page,
        has_more: p.has_more,
        counts: p.counts,
        status,
        today,
    })
}
