//! Cases: who may see which, opening, saving sections with their version
//! check, and the access log. Every read of a case and every change is
//! audited by the case's code (never by the client's alias).

use super::auth::{request_headers, require_actor, respond_with};
use super::state::app_state;
use crate::api::cases::{
    AccessLogEntry, ApprovalResult, CaseAccessLog, CaseListItem, CaseView, Caseload,
    CaseloadFilters, DuplicateHint, FollowUpResult, NewCaseOutcome, SaveResult, SectionMeta,
    SinceHandover, VersionView,
};
use crate::domain::case::{duplicate_candidate, Birth, CaseCode, Client, DuplicateLikelihood};
use crate::domain::case_file::{section_from_slug, section_slug, CaseFile, ParseContext, Step};
use crate::domain::clock::Clock;
use crate::domain::consent::shareable_sections;
use crate::domain::fields::{FieldError, Fields, Problem};
use crate::domain::handover::Side;
use crate::domain::lifecycle::Lifecycle;
use crate::domain::money::Currency;
use crate::domain::options::Choice;
use crate::domain::policy::{
    case_access, org_access, Actor, CaseAction, CaseFacts, HandoverFacts, OrgAction, Section,
};
use crate::domain::progress::{ApprovalDecision, ApprovalRefusal};
use crate::domain::OrgKind;
use crate::error::AppError;
use crate::store::{
    AuditOutcome, AuditQuery, CaseNow, CaseQuery, CaseRecord, CaseSummary, NewAuditEvent, NewCase,
    SaveOutcome, SectionRecord, SessionActor, StoreError,
};
use chrono::{Datelike, SubsecRound, Utc};
use std::collections::BTreeMap;

pub const PAGE_SIZE: i64 = 25;

pub(super) fn actor_of(a: &SessionActor) -> Actor {
    Actor {
        user_id: a.user_id.clone(),
        role: a.role,
        organisation_id: a.organisation_id.clone(),
        organisation_kind: a.organisation_kind,
    }
}

/// What the access rules need to know about a case. For a user of an IOM
/// mission, its active handovers to that mission, each with the sections
/// consented to at the handover that the client's consent still covers
/// now (a consent withdrawn or expired since takes effect at once).
pub(super) async fn facts_for(a: &SessionActor, c: &CaseRecord) -> Result<CaseFacts, AppError> {
    let mut facts = CaseFacts {
        organisation_id: c.organisation_id.clone(),
        owner_id: c.owner_id.clone(),
        assignee_ids: Vec::new(),
        handovers: Vec::new(),
    };
    if a.organisation_kind != OrgKind::IomMission {
        return Ok(facts);
    }
    let store = &app_state()?.store;
    let handovers = store
        .handovers_of_case(&c.id)
        .await
        .map_err(AppError::internal)?;
    if !handovers
        .iter()
        .any(|h| h.status.is_active() && h.mission_id == a.organisation_id)
    {
        return Ok(facts);
    }
    let sections = store
        .case_sections(&c.id)
        .await
        .map_err(AppError::internal)?;
    let consent = sections
        .iter()
        .find(|s| s.section == section_slug(Section::Consent))
        .map(|s| s.body.as_str());
    let clock = store
        .organisation_clock(&c.organisation_id)
        .await
        .map_err(AppError::internal)?;
    facts.handovers = mission_handovers(a, handovers.iter(), consent, clock)?;
    Ok(facts)
}

/// A mission's handovers of a case as the rules see them: the active ones
/// to the user's mission, each with the sections consented to at the
/// handover that the client's consent (`consent`: the stored consent
/// section) still covers now, on the clock of the organisation that
/// recorded the consent (`clock`: a withdrawal or expiry takes effect at
/// its midnight, wherever the mission is).
pub(super) fn mission_handovers<'a>(
    a: &SessionActor,
    handovers: impl Iterator<Item = &'a crate::store::HandoverRecord>,
    consent: Option<&str>,
    clock: Clock,
) -> Result<Vec<HandoverFacts>, AppError> {
    let mut file = CaseFile::default();
    if let Some(body) = consent {
        file.load_section(Section::Consent, body)
            .map_err(|e| AppError::internal(unreadable(section_slug(Section::Consent), &e)))?;
    }
    let now_shareable = shareable_sections(&file.consent.records, &a.organisation_id, clock.now());
    Ok(handovers
        .filter(|h| h.status.is_active() && h.mission_id == a.organisation_id)
        .map(|h| HandoverFacts {
            mission_id: h.mission_id.clone(),
            active: true,
            accepted: h.status == crate::domain::handover::HandoverStatus::Accepted,
            shared_sections: h
                .sections
                .iter()
                .copied()
                .filter(|s| now_shareable.contains(s))
                .collect(),
        })
        .collect())
}

pub(super) fn event(
    a: &SessionActor,
    action: &'static str,
    outcome: AuditOutcome,
) -> NewAuditEvent {
    NewAuditEvent::new(action, outcome).by(&a.user_id, a.role, &a.organisation_id)
}

/// Appends an audit row of its own (a read, or a refusal).
pub(super) async fn record(e: NewAuditEvent) -> Result<(), AppError> {
    app_state()?
        .store
        .record_audit(e)
        .await
        .map_err(AppError::internal)
}

/// The case with this code if `a` may do `action` on it; otherwise the
/// attempt is audited and the answer is "not found", as for a code that
/// does not exist.
pub(super) async fn case_for(
    a: &SessionActor,
    code: &str,
    action: CaseAction,
    audit_action: &'static str,
) -> Result<CaseRecord, AppError> {
    let state = app_state()?;
    let code = CaseCode::parse(code).ok_or_else(|| respond_with(AppError::NotFound))?;
    let found = state
        .store
        .case_by_code(code.as_str())
        .await
        .map_err(AppError::internal)?;
    let allowed = match &found {
        Some(c) => case_access(&actor_of(a), &facts_for(a, c).await?, action).allowed(),
        None => false,
    };
    match found {
        Some(c) if allowed => {
            if !open_or_read(false, action) {
                // Every change to a closed plan is refused here, on every path.
                refuse_if_closed(a, &c, audit_action).await?;
            }
            Ok(c)
        }
        _ => {
            let mut e = event(a, audit_action, AuditOutcome::Denied);
            e.case_code = Some(code.as_str().to_string());
            record(e).await?;
            Err(respond_with(AppError::NotFound))
        }
    }
}

/// Why a stored section cannot be read, for the log: where and what kind of
/// error, never the text (serde's messages quote the offending value).
pub(super) fn unreadable(section: &str, e: &serde_json::Error) -> String {
    format!(
        "section {section} unreadable: {:?} error at line {} column {}",
        e.classify(),
        e.line(),
        e.column()
    )
}

/// The case file from its stored sections. A section that cannot be read
/// is an internal error (logged), never silently replaced by a blank one.
pub(super) fn file_of(sections: &[SectionRecord]) -> Result<CaseFile, AppError> {
    let mut file = CaseFile::default();
    for s in sections {
        let Some(section) = section_from_slug(&s.section) else {
            return Err(AppError::internal(format!("unknown section {}", s.section)));
        };
        file.load_section(section, &s.body)
            .map_err(|e| AppError::internal(unreadable(&s.section, &e)))?;
    }
    Ok(file)
}

/// The case file as `readable` may see it: only those sections, and
/// nothing computed from the others.
pub(super) fn file_for_reader(
    sections: Vec<SectionRecord>,
    readable: &[Section],
) -> Result<(CaseFile, Vec<SectionRecord>), AppError> {
    let sections: Vec<SectionRecord> = sections
        .into_iter()
        .filter(|s| section_from_slug(&s.section).is_some_and(|s| readable.contains(&s)))
        .collect();
    let mut file = file_of(&sections)?;
    file.forget_derived_unless(readable);
    Ok((file, sections))
}

/// The caseload's summary of a file (also used by the demo seeding), as
/// it stands at `now` on the organisation's wall clock.
pub fn summary_of(file: &CaseFile, now: chrono::DateTime<Utc>) -> CaseSummary {
    let cats = crate::catalog::planning();
    let p = file.progress(&cats, now);
    let client = &file.first_contact.client;
    CaseSummary {
        alias: client.alias.clone(),
        nationality: client.nationality.clone(),
        birth: serde_json::to_string(&client.birth).unwrap_or_else(|_| "null".into()),
        stage: p.stage.slug().to_string(),
        risk_level: p.risk_level.map(|r| slug_of(&r)),
        ready_for_handover: p.ready_for_handover(),
        next_milestone: p.next_milestone.as_ref().map(|m| m.template_id.clone()),
        next_due: p
            .next_milestone
            .and_then(|m| m.due)
            .map(|d| d.format("%Y-%m-%d").to_string()),
        first_contact_on: day(file.first_contact.first_contact_on),
        screened_on: day(file.screening.observations.iter().map(|o| o.noted_on).max()),
        screening: file.screening.judgement.as_ref().map(slug_of),
        decided_on: day(file.decision.decision.as_ref().map(|d| d.decided_on)),
        decision: file.decision.decision.as_ref().map(|d| match d.choice {
            Choice::Option(o) => slug_of(&o),
            other => slug_of(&other),
        }),
        departure_on: day(file.travel.planned_departure),
        departed_on: day(file.departed_on()),
        arrived_on: day(file.arrived_on()),
        awaiting_approval: file.awaiting_approval(now.date_naive()),
        closed_on: day(file.lifecycle.closed_on()),
        follow_up_due: day(file
            .next_follow_up(&crate::catalog::follow_up().follow_up_months)
            .map(|c| c.due)),
        follow_up_score: file
            .latest_score()
            .and_then(|s| s.composite)
            .map(|c| c.to_string()),
    }
}

fn day(d: Option<chrono::NaiveDate>) -> Option<String> {
    d.map(|d| d.format("%Y-%m-%d").to_string())
}

/// A unit enum value's serde name ("signs_present").
fn slug_of(v: &impl serde::Serialize) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// The summary from every section as it is in the transaction that
/// changes the case, with the mission holding it and its life then;
/// `fallback` (the file as this request sees it) if a stored section or
/// the life cannot be read.
pub(super) fn summarised(
    all: &[SectionRecord],
    now: &CaseNow,
    fallback: &CaseFile,
    clock: Clock,
) -> CaseSummary {
    let mut file = file_of(all).unwrap_or_else(|_| fallback.clone());
    file.handed_over_to = now.mission.map(str::to_string);
    file.lifecycle = life_from(now.life).unwrap_or_else(|_| fallback.lifecycle.clone());
    summary_of(&file, clock.now())
}

/// A case's life as stored (JSON); unreadable is an internal error
/// (logged), never silently an open plan.
pub(super) fn life_from(json: &str) -> Result<Lifecycle, AppError> {
    serde_json::from_str(json).map_err(|e| AppError::internal(unreadable("life", &e)))
}

/// The life of a case as `a` may read it: the moves' reasons in words
/// stay with the organisation that keeps the case (a mission reads the
/// states and dates).
pub(super) fn life_for(a: &SessionActor, c: &CaseRecord) -> Result<Lifecycle, AppError> {
    let life = life_from(&c.life)?;
    Ok(if a.organisation_id == c.organisation_id {
        life
    } else {
        life.without_notes()
    })
}

/// Whether `action` is still possible on a plan that is `open`. On a
/// closed one: reading; the links already made, to revoke them; and the
/// handover, to end it (the paths that would start something new refuse
/// a closed plan themselves).
fn open_or_read(open: bool, action: CaseAction) -> bool {
    open || matches!(
        action,
        CaseAction::Read(_)
            | CaseAction::ReadAccessLog
            | CaseAction::ShareWithClient
            | CaseAction::HandOver
            | CaseAction::RespondToHandover
    )
}

/// A store error as the user is told it: a case closed meanwhile is the
/// plan-closed refusal; anything else is internal (logged).
pub(super) fn store_refusal(e: StoreError) -> AppError {
    match e {
        StoreError::Closed => respond_with(AppError::PlanClosed),
        e => AppError::internal(e),
    }
}

/// Refuses a change to a closed plan (it is read-only: the retention
/// clock runs), audited as refused; `Ok` for any other.
pub(super) async fn refuse_if_closed(
    a: &SessionActor,
    c: &CaseRecord,
    audit_action: &'static str,
) -> Result<(), AppError> {
    if !life_from(&c.life)?.is_closed() {
        return Ok(());
    }
    let mut e = event(a, audit_action, AuditOutcome::Denied);
    e.case_code = Some(c.code.as_str().to_string());
    record(e).await?;
    tracing::info!(case = %c.code.as_str(), action = audit_action, "change refused: the plan is closed");
    Err(respond_with(AppError::PlanClosed))
}

fn non_empty(s: &str) -> Option<String> {
    Some(s.trim().to_string()).filter(|s| !s.is_empty())
}

/// The dashboard's trend filter, if both parts are well formed (others
/// are ignored, as an unknown filter always is).
fn trend_filter(event: &str, month: &str) -> Option<(String, String)> {
    const EVENTS: [&str; 7] = [
        "intake",
        "screening",
        "stay",
        "return",
        "onward",
        "departure",
        "arrival",
    ];
    let month_ok = month.len() == 7
        && month.as_bytes()[4] == b'-'
        && month
            .bytes()
            .enumerate()
            .all(|(i, b)| i == 4 || b.is_ascii_digit());
    (EVENTS.contains(&event) && month_ok).then(|| (event.to_string(), month.to_string()))
}

pub async fn caseload(
    text: String,
    stage: String,
    risk: String,
    page: i64,
    more: CaseloadFilters,
) -> Result<Caseload, AppError> {
    let state = app_state()?;
    let a = require_actor().await?;
    let actor = actor_of(&a);
    let sees_whole_org =
        a.organisation_kind == OrgKind::Counselling && a.role == crate::domain::Role::Supervisor;
    let may_create = org_access(&actor, &a.organisation_id, OrgAction::CreateCase);
    if !sees_whole_org && !may_create {
        // Return officers work from handovers (#6); admins see no cases.
        record(event(&a, "case.list", AuditOutcome::Denied)).await?;
        return Err(respond_with(AppError::NotFound));
    }
    let page = page.clamp(0, 100_000);
    let q = CaseQuery {
        organisation_id: a.organisation_id.clone(),
        // A supervisor may narrow to one counsellor; a counsellor sees her own.
        owner_id: if sees_whole_org {
            non_empty(&more.counsellor)
        } else {
            Some(a.user_id.clone())
        },
        text: non_empty(&text).map(|t| t.chars().take(60).collect()),
        stage: non_empty(&stage),
        risk_level: non_empty(&risk),
        due: Some(more.due).filter(|d| {
            ["overdue", "soon", "follow_up_overdue", "follow_up_soon"].contains(&d.as_str())
        }),
        today: Some(a.clock.today().format("%Y-%m-%d").to_string()),
        awaiting_approval: more.approval,
        event_in_month: trend_filter(&more.event, &more.month),
        page,
        page_size: PAGE_SIZE,
    };
    let p = state
        .store
        .case_page(&q)
        .await
        .map_err(AppError::internal)?;
    record(event(&a, "case.list", AuditOutcome::Allowed)).await?;
    Ok(Caseload {
        items: p
            .cases
            .into_iter()
            .map(|c| CaseListItem {
                code: c.code.as_str().to_string(),
                alias: c.alias,
                stage: c.summary.stage,
                ready_for_handover: c.summary.ready_for_handover,
                risk_level: c.summary.risk_level,
                next_milestone: c.summary.next_milestone,
                next_due: c
                    .summary
                    .next_due
                    .and_then(|d| chrono::NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok()),
                last_activity: c.updated_at.timestamp(),
                counsellor: c.owner_name,
            })
            .collect(),
        total: p.total,
        page,
        has_more: p.has_more,
        may_create,
    })
}

pub async fn create_case(
    alias: String,
    birth_year: String,
    nationality: String,
    confirm: bool,
) -> Result<NewCaseOutcome, AppError> {
    let state = app_state()?;
    let a = require_actor().await?;
    if !org_access(&actor_of(&a), &a.organisation_id, OrgAction::CreateCase) {
        record(event(&a, "case.create", AuditOutcome::Denied)).await?;
        return Err(respond_with(AppError::NotFound));
    }
    let now = Utc::now();
    let today = a.clock.date_at(now);
    let mut fields = Fields::new();
    fields.insert("client.alias".into(), alias);
    if let Some(y) = non_empty(&birth_year) {
        fields.insert("client.birth".into(), "year".into());
        fields.insert("client.birth_year".into(), y);
    }
    fields.insert("client.nationality".into(), nationality);
    fields.insert("contact.on".into(), today.format("%Y-%m-%d").to_string());
    let mut file = CaseFile::default();
    let cx = ParseContext {
        today,
        user_id: &a.user_id,
        currency: Currency::EUR,
    };
    if let Err(problems) = file.apply(Section::Client, &fields, &cx) {
        return Ok(NewCaseOutcome::Invalid(problems));
    }
    if let Birth::Year(y) = file.first_contact.client.birth {
        if y > today.year() {
            return Ok(NewCaseOutcome::Invalid(vec![Problem {
                field: "client.birth_year".into(),
                error: FieldError::Future,
            }]));
        }
    }
    if !confirm {
        let existing = state
            .store
            .case_clients(&a.organisation_id)
            .await
            .map_err(AppError::internal)?;
        let new_client = &file.first_contact.client;
        let mut hints: Vec<(DuplicateLikelihood, DuplicateHint)> = existing
            .into_iter()
            .filter_map(|(code, alias, nationality, birth, owner_id)| {
                // Only what the counsellor may read anyway is named: the
                // alias of a colleague's case stays unsaid.
                let facts = CaseFacts {
                    organisation_id: a.organisation_id.clone(),
                    owner_id,
                    assignee_ids: Vec::new(),
                    handovers: Vec::new(),
                };
                let may_read =
                    case_access(&actor_of(&a), &facts, CaseAction::Read(Section::Client)).allowed();
                let birth: Birth = serde_json::from_str(&birth).unwrap_or(Birth::Unknown);
                let other = Client {
                    alias: alias.clone(),
                    birth,
                    nationality,
                    ..new_client.clone()
                };
                duplicate_candidate(new_client, &other).map(|l| {
                    let likelihood = match l {
                        DuplicateLikelihood::Likely => "likely",
                        DuplicateLikelihood::Possible => "possible",
                    };
                    (
                        l,
                        DuplicateHint {
                            code,
                            alias: if may_read { alias } else { String::new() },
                            likelihood: likelihood.into(),
                        },
                    )
                })
            })
            .collect();
        if !hints.is_empty() {
            hints.sort_by(|x, y| x.0.cmp(&y.0).then(x.1.code.cmp(&y.1.code)));
            if accepts_html().await {
                // Without WASM: back to the form, naming the cases by code only.
                let codes: Vec<&str> = hints
                    .iter()
                    .take(10)
                    .map(|(_, h)| h.code.as_str())
                    .collect();
                leptos_axum::redirect(&format!("/cases/new?duplicates={}", codes.join(",")));
            }
            return Ok(NewCaseOutcome::PossibleDuplicates(
                hints.into_iter().take(10).map(|(_, h)| h).collect(),
            ));
        }
    }
    let summary = summary_of(&file, a.clock.wall(now));
    for _ in 0..5 {
        let code = CaseCode::from_random(rand::random());
        let mut audit = event(&a, "case.create", AuditOutcome::Allowed);
        audit.case_code = Some(code.as_str().to_string());
        audit.section = Some(section_slug(Section::Client).into());
        let new = NewCase {
            code: code.clone(),
            organisation_id: a.organisation_id.clone(),
            owner_id: a.user_id.clone(),
            summary: summary.clone(),
            section: section_slug(Section::Client).into(),
            body: file.section_json(Section::Client),
            at: now,
        };
        match state.store.create_case(&new, &audit).await {
            Ok(c) => {
                tracing::info!(case = %c.code.as_str(), "case opened");
                if accepts_html().await {
                    leptos_axum::redirect(&format!(
                        "/cases/{}/{}",
                        c.code.as_str(),
                        Step::FirstContact.slug()
                    ));
                }
                return Ok(NewCaseOutcome::Created {
                    code: c.code.as_str().to_string(),
                });
            }
            Err(StoreError::Taken(_)) => continue,
            Err(e) => return Err(AppError::internal(e)),
        }
    }
    Err(AppError::internal("no free case code after 5 draws"))
}

/// Whether the request is a form posted by a browser without WASM (it
/// asks for a page, not data).
pub(super) async fn accepts_html() -> bool {
    request_headers()
        .await
        .ok()
        .and_then(|h| {
            h.get(http::header::ACCEPT)
                .and_then(|v| v.to_str().ok())
                .map(|v| v.contains("text/html"))
        })
        .unwrap_or(false)
}

pub async fn open_case(code: String) -> Result<CaseView, AppError> {
    let state = app_state()?;
    let a = require_actor().await?;
    let c = case_for(&a, &code, CaseAction::Read(Section::Client), "case.open").await?;
    let actor = actor_of(&a);
    let facts = facts_for(&a, &c).await?;
    let may = |action| case_access(&actor, &facts, action).allowed();
    let readable: Vec<Section> = Section::ALL
        .into_iter()
        .filter(|s| may(CaseAction::Read(*s)))
        .collect();
    let life = life_for(&a, &c)?;
    // A closed plan is read-only for everyone.
    let open = !life.is_closed();
    let may = |action| open_or_read(open, action) && may(action);
    let writable: Vec<Section> = Section::ALL
        .into_iter()
        .filter(|s| may(CaseAction::Update(*s)))
        .collect();
    // Only the sections this user may read leave the server.
    let all = state
        .store
        .case_sections(&c.id)
        .await
        .map_err(AppError::internal)?;
    let (mut file, sections) = file_for_reader(all, &readable)?;
    let mut meta = std::collections::BTreeMap::new();
    for section in readable.iter().copied() {
        let slug = section_slug(section);
        let m = match sections.iter().find(|s| s.section == slug) {
            Some(s) => SectionMeta {
                version: s.version,
                updated_at: Some(s.updated_at.timestamp()),
                updated_by: Some(s.updated_by_name.clone()),
            },
            None => SectionMeta {
                version: 0,
                updated_at: None,
                updated_by: None,
            },
        };
        meta.insert(slug.to_string(), m);
    }
    let missions = state
        .store
        .organisations_of_kind(OrgKind::IomMission)
        .await
        .map_err(AppError::internal)?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect();
    let handover = super::handovers::latest_view(&a, &c, &facts).await?;
    file.handed_over_to = handover
        .as_ref()
        .filter(|(h, _)| h.status.is_active())
        .map(|(h, _)| h.mission_id.clone());
    file.lifecycle = life;
    let held = file.handed_over_to.is_some();
    let retention_months = if a.organisation_id == c.organisation_id {
        Some(
            state
                .store
                .organisation(&c.organisation_id)
                .await
                .map_err(AppError::internal)?
                .map_or(crate::domain::lifecycle::DEFAULT_RETENTION_MONTHS, |o| {
                    o.retention_months
                }),
        )
    } else {
        None
    };
    let (versions, since_handover) =
        versions_of(&c.id, &readable, a.organisation_kind == OrgKind::IomMission).await?;
    let share_links = if may(CaseAction::ShareWithClient) {
        Some(super::shares::link_views(&c.id).await?)
    } else {
        None
    };
    let referral_contacts = if readable.contains(&Section::Reintegration) {
        super::referrals::contacts_for(&file, a.clock.today()).await?
    } else {
        Vec::new()
    };
    // The screening's reader gets the list an operator loaded; the
    // built-in one is in the page's code already.
    let indicator_list = if readable.contains(&Section::Screening) {
        let (list, loaded) = super::indicator_lists::in_use(&state.store).await?;
        loaded.then(|| (*list).clone())
    } else {
        None
    };
    let mut audit = event(&a, "case.open", AuditOutcome::Allowed);
    audit.case_code = Some(c.code.as_str().to_string());
    record(audit).await?;
    Ok(CaseView {
        referral_contacts,
        indicator_list,
        code: c.code.as_str().to_string(),
        counsellor: c.owner_name,
        file,
        sections: meta,
        missions,
        today: a.clock.today(),
        clock_offset_seconds: a.clock.offset_seconds(Utc::now()),
        user_id: a.user_id.clone(),
        may_read_access_log: may(CaseAction::ReadAccessLog),
        readable,
        writable,
        side: if a.organisation_kind == OrgKind::IomMission {
            Side::Mission
        } else {
            Side::Counselling
        },
        // Ending a handover stays possible on a closed plan (from the
        // handover's own panel); a new one is not.
        may_hand_over: may(CaseAction::HandOver) && (open || held),
        may_approve: may(CaseAction::ApproveHighRisk),
        may_move_life: may(CaseAction::MoveLife),
        retention_months,
        share_links,
        versions,
        since_handover,
        handover: handover.map(|(_, v)| v),
    })
}

/// The snapshots of a case, the latest first, and the plan as it was at
/// the latest handover (the sections in `readable` only).
/// A mission sees only the versions since the latest handover, and none
/// of the counselling side's own decisions (a supervisor's approval tells
/// of the risks even where they were not shared).
async fn versions_of(
    case_id: &str,
    readable: &[Section],
    mission: bool,
) -> Result<(Vec<VersionView>, Option<SinceHandover>), AppError> {
    let store = &app_state()?.store;
    let snapshots = store
        .case_snapshots(case_id)
        .await
        .map_err(AppError::internal)?;
    let handed_at = snapshots
        .iter()
        .find(|s| s.reason == "handover")
        .map(|s| s.at);
    let stage_shown = crate::domain::derived::Derived::Stage.shown_to(readable);
    let versions: Vec<VersionView> = snapshots
        .iter()
        .filter(|s| {
            !mission || (handed_at.is_some_and(|h| s.at >= h) && !s.reason.starts_with("approval"))
        })
        .map(|s| VersionView {
            at: s.at.timestamp(),
            reason: s.reason.clone(),
            // Worked out from the whole plan: told to readers of all it
            // comes from only.
            stage: if stage_shown {
                s.stage.clone()
            } else {
                crate::domain::export::NOT_SHARED.to_string()
            },
            by: s.by_name.clone(),
        })
        .collect();
    let Some(handed) = snapshots.iter().find(|s| s.reason == "handover") else {
        return Ok((versions, None));
    };
    let Some(body) = store
        .snapshot_body(case_id, &handed.id)
        .await
        .map_err(AppError::internal)?
    else {
        return Ok((versions, None));
    };
    let all: BTreeMap<String, serde_json::Value> =
        serde_json::from_str(&body).map_err(|e| AppError::internal(unreadable("snapshot", &e)))?;
    let mut sections = BTreeMap::new();
    for section in readable.iter().copied() {
        let slug = section_slug(section);
        let mut file = CaseFile::default();
        if let Some(b) = all.get(slug).and_then(|v| v.get("body")) {
            file.load_section(section, &b.to_string())
                .map_err(|e| AppError::internal(unreadable(slug, &e)))?;
        }
        sections.insert(slug.to_string(), file.fields(section));
    }
    Ok((
        versions,
        Some(SinceHandover {
            at: handed.at.timestamp(),
            sections,
        }),
    ))
}

/// The formats a plan is exported in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportFormat {
    Json,
    Ics,
    /// The plan for the file: an HTML page to print (not a download).
    Print,
}

/// A plan as a download: what `a` may read of it, as JSON or iCalendar.
/// Audited like an opening of the case.
pub async fn export(code: String, format: ExportFormat) -> Result<String, AppError> {
    let state = app_state()?;
    let a = require_actor().await?;
    let c = case_for(&a, &code, CaseAction::Read(Section::Client), "case.export").await?;
    let facts = facts_for(&a, &c).await?;
    let actor = actor_of(&a);
    let readable: Vec<Section> = Section::ALL
        .into_iter()
        .filter(|s| case_access(&actor, &facts, CaseAction::Read(*s)).allowed())
        .collect();
    let all = state
        .store
        .case_sections(&c.id)
        .await
        .map_err(AppError::internal)?;
    let (mut file, _) = file_for_reader(all, &readable)?;
    file.handed_over_to = state
        .store
        .handovers_of_case(&c.id)
        .await
        .map_err(AppError::internal)?
        .into_iter()
        .find(|h| h.status.is_active())
        .map(|h| h.mission_id);
    file.lifecycle = life_for(&a, &c)?;
    let cats = crate::catalog::planning();
    let now = Utc::now();
    let code = c.code.as_str().to_string();
    // The referred organisations the social map shows to partners only
    // (marked in the JSON, never printed on the client's paper); the
    // calendar has no referrals.
    let partners_only = if format == ExportFormat::Ics {
        Vec::new()
    } else {
        super::referrals::referred_organisations(&file)
            .await?
            .into_iter()
            .filter(|o| o.visibility == crate::domain::directory::Visibility::PartnersOnly)
            .map(|o| o.id)
            .collect()
    };
    // What the JSON and the print view say about themselves.
    let meta = crate::domain::export::ExportMeta {
        code: code.clone(),
        organisation: a.organisation_name.clone(),
        exported_by_role: a.role.label().to_string(),
        readable: readable.clone(),
        schema_version: crate::domain::export::SCHEMA_VERSION,
        partners_only,
    };
    let (body, content_type, extension) = match format {
        ExportFormat::Json => {
            let export = plan_export_at(&file, &cats, &meta, a.clock, now);
            let body = serde_json::to_string_pretty(&export).map_err(AppError::internal)?;
            (body, "application/json; charset=utf-8", "json")
        }
        ExportFormat::Ics => {
            let milestones = if readable.contains(&Section::Milestones) {
                file.milestones_for(&cats, &readable)
            } else {
                Vec::new()
            };
            let travel = if readable.contains(&Section::Travel) {
                file.travel_steps(&cats)
            } else {
                Vec::new()
            };
            let body = crate::domain::calendar::plan_ics(&code, &milestones, &travel, now);
            (body, "text/calendar; charset=utf-8", "ics")
        }
        ExportFormat::Print => {
            let export = plan_export_at(&file, &cats, &meta, a.clock, now);
            let body = super::plan_print::render(&export, &c.owner_name);
            (body, "text/html; charset=utf-8", "print")
        }
    };
    let mut audit = event(&a, "case.export", AuditOutcome::Allowed);
    audit.case_code = Some(code.clone());
    audit.section = Some(extension.to_string());
    record(audit).await?;
    // The print view is a page, not a file.
    let filename = format!("safeplan-{code}.{extension}");
    super::auth::answer_as_document(
        content_type,
        (format != ExportFormat::Print).then_some(filename.as_str()),
    );
    Ok(body)
}

/// The plan's export as it stands on the organisation's wall clock at
/// `now`, stamped with the real instant.
fn plan_export_at(
    file: &CaseFile,
    cats: &crate::domain::progress::Catalogues,
    meta: &crate::domain::export::ExportMeta,
    clock: Clock,
    now: chrono::DateTime<Utc>,
) -> crate::domain::export::PlanExport {
    let mut export = crate::domain::export::plan_export(file, cats, meta, clock.wall(now));
    export.exported_at = now.trunc_subsecs(0);
    export
}

pub async fn save_section(
    code: String,
    section: String,
    version: i64,
    fields: Fields,
) -> Result<SaveResult, AppError> {
    let state = app_state()?;
    let a = require_actor().await?;
    let Some(section) = section_from_slug(&section) else {
        return Err(respond_with(AppError::NotFound));
    };
    let c = case_for(&a, &code, CaseAction::Update(section), "case.section.save").await?;
    if fields.len() > 2_000 {
        return Err(respond_with(AppError::Invalid(Vec::new())));
    }
    let now = Utc::now();
    let sections = state
        .store
        .case_sections(&c.id)
        .await
        .map_err(AppError::internal)?;
    let mut file = file_of(&sections)?;
    let cx = ParseContext {
        today: a.clock.date_at(now),
        user_id: &a.user_id,
        currency: file.currency(&crate::catalog::programmes().programmes),
    };
    let before = file.consent.clone();
    let result = match file.apply(section, &fields, &cx) {
        Err(problems) => SaveResult::Invalid(problems),
        Ok(()) => {
            if section == Section::Consent {
                file.consent.settle_explainers(&before, &a.user_id);
            }
            if section == Section::Screening {
                // The list the observations were ticked against is the one
                // in use now, whatever the form says.
                let (list, _) = super::indicator_lists::in_use(&state.store).await?;
                file.screening.catalogue = Some(list.info.version.clone());
            }
            let body = file.section_json(section);
            let slug = section_slug(section);
            let mut audit = event(&a, "case.section.save", AuditOutcome::Allowed);
            audit.case_code = Some(c.code.as_str().to_string());
            audit.section = Some(slug.to_string());
            let outcome = state
                .store
                .save_section(
                    &c.id,
                    slug,
                    version,
                    &body,
                    &a.user_id,
                    now,
                    &audit,
                    |all, now| summarised(all, now, &file, a.clock),
                )
                .await
                .map_err(|e| match e {
                    // A version of a section that was never saved.
                    StoreError::NotFound => respond_with(AppError::Conflict),
                    e => store_refusal(e),
                })?;
            match outcome {
                SaveOutcome::Saved { version } => {
                    tracing::info!(case = %c.code.as_str(), section = slug, version, "section saved");
                    SaveResult::Saved {
                        version,
                        updated_at: now.timestamp(),
                    }
                }
                SaveOutcome::Conflict(current) => {
                    let mut theirs = CaseFile::default();
                    theirs
                        .load_section(section, &current.body)
                        .map_err(|e| AppError::internal(unreadable(slug, &e)))?;
                    tracing::info!(case = %c.code.as_str(), section = slug, "save refused: section changed meanwhile");
                    SaveResult::Conflict {
                        fields: theirs.fields(section),
                        version: current.version,
                        updated_at: current.updated_at.timestamp(),
                        updated_by: current.updated_by_name,
                    }
                }
            }
        }
    };
    if accepts_html().await {
        // A form posted without WASM goes back to its step, saying how it went.
        let step = crate::domain::case_file::Step::ALL
            .into_iter()
            .find(|s| s.section() == Some(section))
            .unwrap_or(Step::FirstContact);
        let outcome = match &result {
            SaveResult::Saved { .. } => "saved",
            SaveResult::Conflict { .. } => "conflict",
            SaveResult::Invalid(_) => "invalid",
        };
        leptos_axum::redirect(&format!(
            "/cases/{}/{}?result={outcome}",
            c.code.as_str(),
            step.slug()
        ));
    }
    Ok(result)
}

/// A supervisor's decision on a high-risk return (domain.md §6.3): the
/// risk section is saved with the sign-off (or the refusal and its
/// reason) at the version it was read at, with a snapshot of the plan and
/// an audit row, all in one transaction.
pub async fn decide_approval(
    code: String,
    decision: String,
    version: i64,
    comment: String,
) -> Result<ApprovalResult, AppError> {
    let a = require_actor().await?;
    let decision = match decision.as_str() {
        "approve" => ApprovalDecision::Approve,
        "decline" => ApprovalDecision::Decline,
        _ => return Err(respond_with(AppError::Invalid(Vec::new()))),
    };
    let c = case_for(&a, &code, CaseAction::ApproveHighRisk, "case.risk.approval").await?;
    let now = Utc::now();
    // The risks changed since the supervisor read them: decide on what is
    // there now.
    let mut file = risk_at_version(&c, version).await?;
    let result = match file.decide_approval(decision, &a.user_id, &comment, a.clock.date_at(now)) {
        Err(refusal) => ApprovalResult::Refused(refusal),
        Ok(()) => {
            let (action, mark) = match decision {
                ApprovalDecision::Approve => ("case.risk.approve", "approval.approve"),
                ApprovalDecision::Decline => ("case.risk.decline", "approval.decline"),
            };
            save_risk_move(&a, &c, &file, version, action, Some(mark), now).await?;
            tracing::info!(case = %c.code.as_str(), action, "supervisor decision recorded");
            ApprovalResult::Decided {
                approved: decision == ApprovalDecision::Approve,
            }
        }
    };
    if accepts_html().await {
        leptos_axum::redirect(&back_to_risk(&c, approval_outcome(&result)));
    }
    Ok(result)
}

/// The counsellor asks for a supervisor's approval of a high-risk return
/// (the risk section at `version`): recorded with who asked and when, in
/// the section's transaction with its audit row.
pub async fn request_approval(code: String, version: i64) -> Result<ApprovalResult, AppError> {
    let a = require_actor().await?;
    let action = "case.risk.approval_request";
    let c = case_for(&a, &code, CaseAction::Update(Section::Risk), action).await?;
    let now = Utc::now();
    let mut file = risk_at_version(&c, version).await?;
    let result = match file.request_approval(&a.user_id, a.clock.date_at(now)) {
        Err(refusal) => ApprovalResult::Refused(refusal),
        Ok(()) => {
            save_risk_move(&a, &c, &file, version, action, None, now).await?;
            tracing::info!(case = %c.code.as_str(), action, "approval asked for");
            ApprovalResult::Requested
        }
    };
    if accepts_html().await {
        leptos_axum::redirect(&back_to_risk(&c, approval_outcome(&result)));
    }
    Ok(result)
}

/// The counsellor records that the partner in origin confirmed the
/// mitigations of the assessment at `version`: saved in the section's
/// transaction with its audit row; a refused confirmation says its fields'
/// problems and keeps nothing.
pub async fn confirm_origin(
    code: String,
    version: i64,
    partner: String,
    on: String,
) -> Result<ApprovalResult, AppError> {
    let a = require_actor().await?;
    let action = "case.risk.origin_confirm";
    let c = case_for(&a, &code, CaseAction::Update(Section::Risk), action).await?;
    let now = Utc::now();
    let mut file = risk_at_version(&c, version).await?;
    let cx = ParseContext {
        today: a.clock.date_at(now),
        user_id: &a.user_id,
        currency: file.currency(&crate::catalog::programmes().programmes),
    };
    let result = match file.confirm_origin(&partner, &on, &cx) {
        Err(problems) => ApprovalResult::OriginInvalid(problems),
        Ok(()) => {
            save_risk_move(&a, &c, &file, version, action, None, now).await?;
            tracing::info!(case = %c.code.as_str(), action, "origin partner's confirmation recorded");
            ApprovalResult::OriginConfirmed
        }
    };
    if accepts_html().await {
        leptos_axum::redirect(&back_to_risk(&c, approval_outcome(&result)));
    }
    Ok(result)
}

/// A supervisor accepts a budget checked against a cap the catalogue does
/// not know (domain.md §7.2: not a blank cheque), on the reintegration
/// section at `version` as they read it: recorded with who, when and why,
/// a snapshot of the plan and an audit row, in one transaction. Four eyes:
/// never on a case of their own.
pub async fn accept_budget(
    code: String,
    version: i64,
    comment: String,
) -> Result<ApprovalResult, AppError> {
    let a = require_actor().await?;
    let action = "case.budget.accept";
    let c = case_for(&a, &code, CaseAction::ApproveHighRisk, action).await?;
    let now = Utc::now();
    let back = |outcome: &str| {
        format!(
            "/cases/{}/{}?budget={outcome}",
            c.code.as_str(),
            Step::Reintegration.slug()
        )
    };
    let mut file =
        section_at_version(&c, Section::Reintegration, version, &back("conflict")).await?;
    let cats = crate::catalog::planning();
    let result = match file.accept_budget(&cats, &a.user_id, &comment, a.clock.date_at(now)) {
        Err(refusal) => ApprovalResult::Refused(refusal),
        Ok(()) => {
            save_section_move(
                &a,
                &c,
                &file,
                Section::Reintegration,
                version,
                action,
                Some("budget.accept"),
                now,
            )
            .await?;
            tracing::info!(case = %c.code.as_str(), action, "budget accepted against an unknown cap");
            ApprovalResult::BudgetAccepted
        }
    };
    if accepts_html().await {
        leptos_axum::redirect(&back(approval_outcome(&result)));
    }
    Ok(result)
}

/// Records a follow-up contact after return (domain.md §7.3) on the
/// milestones section at `version` as the user read it: scored with the
/// follow-up catalogue of the day, saved with a snapshot and an audit row
/// in one transaction. The contacts are counted from the arrival (the
/// travel section): only someone who may read it records one.
pub async fn record_follow_up(
    code: String,
    version: i64,
    fields: Fields,
) -> Result<FollowUpResult, AppError> {
    let a = require_actor().await?;
    let action = "case.follow_up.record";
    case_for(&a, &code, CaseAction::Read(Section::Travel), action).await?;
    let c = case_for(&a, &code, CaseAction::Update(Section::Milestones), action).await?;
    let now = Utc::now();
    let back = |outcome: &str| {
        format!(
            "/cases/{}/{}?follow_up={outcome}",
            c.code.as_str(),
            crate::domain::milestones::FOLLOW_UP_SLUG
        )
    };
    let mut file = section_at_version(&c, Section::Milestones, version, &back("conflict")).await?;
    let catalogue = crate::catalog::follow_up();
    let recorded = file.record_follow_up(
        &fields,
        &catalogue.model(),
        &catalogue.follow_up_months,
        &a.user_id,
        a.clock.date_at(now),
    );
    let result = match recorded {
        Err(problems) => FollowUpResult::Invalid(problems),
        Ok(month) => {
            save_section_move(
                &a,
                &c,
                &file,
                Section::Milestones,
                version,
                action,
                Some("follow_up.record"),
                now,
            )
            .await?;
            tracing::info!(case = %c.code.as_str(), action, month, "follow-up contact recorded");
            FollowUpResult::Recorded { month }
        }
    };
    if accepts_html().await {
        let outcome = match &result {
            FollowUpResult::Recorded { month } => format!("recorded&month={month}"),
            // Without WASM the form comes back empty: the address says
            // which fields to look at, and why.
            FollowUpResult::Invalid(problems) => format!(
                "invalid&problems={}",
                problems
                    .iter()
                    .map(|p| format!("{}:{}", address_safe(&p.field), field_error_slug(p.error)))
                    .collect::<Vec<_>>()
                    .join(",")
            ),
        };
        leptos_axum::redirect(&back(&outcome));
    }
    Ok(result)
}

/// A field's name as it may go into an address: a name posted by hand
/// may hold anything (a header refuses some of it), and the page only
/// needs to recognise the names it offers.
fn address_safe(field: &str) -> String {
    field
        .chars()
        .take(100)
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// A field error as its serde name ("required", "before_arrival").
fn field_error_slug(e: FieldError) -> String {
    serde_json::to_value(e)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// How an approval move went, as the risk step's address says it.
fn approval_outcome(result: &ApprovalResult) -> &'static str {
    match result {
        ApprovalResult::Decided { approved: true } => "approved",
        ApprovalResult::Decided { approved: false } => "declined",
        ApprovalResult::Requested => "requested",
        ApprovalResult::Refused(ApprovalRefusal::NotAwaiting) => "not_awaiting",
        ApprovalResult::Refused(ApprovalRefusal::CommentRequired) => "comment_required",
        ApprovalResult::Refused(ApprovalRefusal::CommentTooLong) => "too_long",
        ApprovalResult::Refused(ApprovalRefusal::NotNeeded) => "not_needed",
        ApprovalResult::OriginConfirmed => "origin_confirmed",
        ApprovalResult::BudgetAccepted => "accepted",
        ApprovalResult::OriginInvalid(_) => "origin_invalid",
    }
}

/// The risk step of a case, with how a move went (for a form posted
/// without WASM).
fn back_to_risk(c: &CaseRecord, outcome: &str) -> String {
    format!(
        "/cases/{}/{}?approval={outcome}",
        c.code.as_str(),
        Step::Risk.slug()
    )
}

/// The case's file for a move on its risk section, if that section is
/// still at `version` (what the user read); otherwise a conflict, and a
/// form posted without WASM goes back to the risk step saying so.
async fn risk_at_version(c: &CaseRecord, version: i64) -> Result<CaseFile, AppError> {
    section_at_version(c, Section::Risk, version, &back_to_risk(c, "conflict")).await
}

/// The case's file for a move on `section`, if that section is still at
/// `version` (what the user read); otherwise a conflict, and a form
/// posted without WASM goes to `back`.
async fn section_at_version(
    c: &CaseRecord,
    section: Section,
    version: i64,
    back: &str,
) -> Result<CaseFile, AppError> {
    let sections = app_state()?
        .store
        .case_sections(&c.id)
        .await
        .map_err(AppError::internal)?;
    let current = sections
        .iter()
        .find(|s| s.section == section_slug(section))
        .map_or(0, |s| s.version);
    if version != current {
        if accepts_html().await {
            leptos_axum::redirect(back);
        }
        return Err(respond_with(AppError::Conflict));
    }
    file_of(&sections)
}

/// Writes the risk section of `file` after an approval move, at `version`,
/// with its audit row (and a snapshot named `mark`); changed meanwhile: a
/// conflict, nothing written.
async fn save_risk_move(
    a: &SessionActor,
    c: &CaseRecord,
    file: &CaseFile,
    version: i64,
    action: &'static str,
    mark: Option<&str>,
    now: chrono::DateTime<Utc>,
) -> Result<(), AppError> {
    save_section_move(a, c, file, Section::Risk, version, action, mark, now).await
}

/// Writes `section` of `file` after a move on it (an approval, an
/// acceptance), at `version`, with its audit row (and a snapshot named
/// `mark`); changed meanwhile: a conflict, nothing written.
#[allow(clippy::too_many_arguments)]
async fn save_section_move(
    a: &SessionActor,
    c: &CaseRecord,
    file: &CaseFile,
    section: Section,
    version: i64,
    action: &'static str,
    mark: Option<&str>,
    now: chrono::DateTime<Utc>,
) -> Result<(), AppError> {
    let mut audit = event(a, action, AuditOutcome::Allowed);
    audit.case_code = Some(c.code.as_str().to_string());
    audit.section = Some(section_slug(section).to_string());
    let outcome = app_state()?
        .store
        .save_section_marked(
            &c.id,
            section_slug(section),
            version,
            &file.section_json(section),
            &a.user_id,
            now,
            &audit,
            mark,
            |all, now| summarised(all, now, file, a.clock),
        )
        .await
        .map_err(store_refusal)?;
    match outcome {
        SaveOutcome::Saved { .. } => Ok(()),
        SaveOutcome::Conflict(_) => Err(respond_with(AppError::Conflict)),
    }
}

pub async fn access_log(code: String, page: i64) -> Result<CaseAccessLog, AppError> {
    let state = app_state()?;
    let a = require_actor().await?;
    let c = case_for(&a, &code, CaseAction::ReadAccessLog, "case.access_log").await?;
    let page = page.clamp(0, 100_000);
    let p = state
        .store
        .audit_page(&AuditQuery {
            // Every organisation's rows about this case: the missions' too.
            organisation_id: String::new(),
            case_code: Some(c.code.as_str().to_string()),
            page,
            page_size: 50,
            ..Default::default()
        })
        .await
        .map_err(AppError::internal)?;
    let mut audit = event(&a, "case.access_log", AuditOutcome::Allowed);
    audit.case_code = Some(c.code.as_str().to_string());
    record(audit).await?;
    Ok(CaseAccessLog {
        code: c.code.as_str().to_string(),
        entries: p
            .entries
            .into_iter()
            .map(|e| AccessLogEntry {
                at: e.event.at.timestamp(),
                who: e.actor_name,
                role: e.event.actor_role,
                action: e.event.action,
                section: e.event.section,
                outcome: e.event.outcome,
            })
            .collect(),
        page,
        has_more: p.has_more,
    })
}
