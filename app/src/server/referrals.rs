//! Referrals from a plan to the social map (issue #7): kept in the plan's
//! reintegration section, so whoever may change that section (the
//! counsellor; the IOM mission once it was shared) tracks them, and each
//! change is a new version of it, audited by the case's code.

use super::auth::{require_actor, respond_with};
use super::cases::{accepts_html, actor_of, case_for, event, facts_for, file_of, summarised};
use super::state::app_state;
use crate::api::cases::{ReferralContact, ReferralResult};
use crate::domain::case::CaseCode;
use crate::domain::case_file::{section_slug, Step};
use crate::domain::directory::{hours_text, Organisation, Visibility};
use crate::domain::policy::{case_access, CaseAction, Section};
use crate::domain::referral::{move_to, propose, ReferralPurpose, ReferralRefusal, ReferralStatus};
use crate::error::AppError;
use crate::store::{AuditOutcome, SaveOutcome, SessionActor};
use chrono::Utc;

/// What a referral change asks for, as posted.
pub struct Change {
    pub code: String,
    pub op: String,
    pub organisation_id: String,
    pub purpose: String,
    pub note: String,
    pub referral_id: String,
    pub from: String,
    pub to: String,
    pub reason: String,
}

/// May `a` add referrals to the plan with this code? (Quietly: used to
/// offer the choice, not to act.)
pub async fn may_refer(a: &SessionActor, code: &str) -> Result<bool, AppError> {
    let Some(code) = CaseCode::parse(code) else {
        return Ok(false);
    };
    let found = app_state()?
        .store
        .case_by_code(code.as_str())
        .await
        .map_err(AppError::internal)?;
    Ok(match found {
        Some(c) => case_access(
            &actor_of(a),
            &facts_for(a, &c).await?,
            CaseAction::Update(Section::Reintegration),
        )
        .allowed(),
        None => false,
    })
}

pub async fn change(c: Change) -> Result<ReferralResult, AppError> {
    let state = app_state()?;
    let a = require_actor().await?;
    let bad = || respond_with(AppError::Invalid(Vec::new()));
    let case = case_for(
        &a,
        &c.code,
        CaseAction::Update(Section::Reintegration),
        "case.referral",
    )
    .await?;
    let sections = state
        .store
        .case_sections(&case.id)
        .await
        .map_err(AppError::internal)?;
    let slug = section_slug(Section::Reintegration);
    let version = sections
        .iter()
        .find(|s| s.section == slug)
        .map_or(0, |s| s.version);
    let mut file = file_of(&sections)?;
    let now = Utc::now();
    let day = a.clock.date_at(now);
    let list = &mut file.reintegration.referrals;
    let (outcome, action) = match c.op.as_str() {
        "propose" => {
            let purpose = ReferralPurpose::from_slug(&c.purpose).ok_or_else(bad)?;
            // Only an entry of the map that is not archived.
            let entry = super::directory::entry_by_id(&c.organisation_id)
                .await?
                .map(|(o, _)| o)
                .filter(|o| !o.archived)
                .ok_or_else(|| respond_with(AppError::NotFound))?;
            (
                propose(
                    list,
                    &entry.id,
                    &entry.name,
                    purpose,
                    &c.note,
                    &a.user_id,
                    day,
                )
                .map(|_| ()),
                "case.referral.propose",
            )
        }
        "move" => {
            let from = ReferralStatus::from_slug(&c.from).ok_or_else(bad)?;
            let to = ReferralStatus::from_slug(&c.to).ok_or_else(bad)?;
            (
                move_to(list, &c.referral_id, from, to, &c.reason, &a.user_id, day),
                "case.referral.move",
            )
        }
        _ => return Err(bad()),
    };
    let result = match outcome {
        Err(refusal) => ReferralResult::Refused(refusal),
        Ok(()) => {
            let mut audit = event(&a, action, AuditOutcome::Allowed);
            audit.case_code = Some(case.code.as_str().to_string());
            audit.section = Some(slug.to_string());
            let saved = state
                .store
                .save_section_marked(
                    &case.id,
                    slug,
                    version,
                    &file.section_json(Section::Reintegration),
                    &a.user_id,
                    now,
                    &audit,
                    None,
                    |all, now| summarised(all, now, &file, a.clock),
                )
                .await
                .map_err(super::cases::store_refusal)?;
            match saved {
                SaveOutcome::Saved { version } => {
                    tracing::info!(case = %case.code.as_str(), action, "referral recorded");
                    ReferralResult::Done {
                        version,
                        referrals: file.reintegration.referrals.clone(),
                    }
                }
                // The section was saved meanwhile: do it again on what is
                // there now.
                SaveOutcome::Conflict(_) => return Err(respond_with(AppError::Conflict)),
            }
        }
    };
    if accepts_html().await {
        let outcome = match &result {
            ReferralResult::Done { .. } => "done",
            ReferralResult::Refused(r) => refusal_slug(*r),
        };
        leptos_axum::redirect(&format!(
            "/cases/{}/{}?referral={outcome}#referrals",
            case.code.as_str(),
            Step::Reintegration.slug()
        ));
    }
    Ok(result)
}

fn refusal_slug(r: ReferralRefusal) -> &'static str {
    match r {
        ReferralRefusal::AlreadyReferred => "already_referred",
        ReferralRefusal::TooMany => "too_many",
        ReferralRefusal::TooLong => "too_long",
        ReferralRefusal::UnknownReferral => "unknown",
        ReferralRefusal::NotAllowed => "not_allowed",
        ReferralRefusal::ReasonRequired => "reason_required",
    }
}

/// The organisations a plan refers to, as the map has them now, in the
/// order the plan first names them (one query).
pub(super) async fn referred_organisations(
    file: &crate::domain::case_file::CaseFile,
) -> Result<Vec<Organisation>, AppError> {
    let mut ids: Vec<&str> = Vec::new();
    for r in &file.reintegration.referrals {
        if !ids.contains(&r.organisation_id.as_str()) {
            ids.push(&r.organisation_id);
        }
    }
    let mut found = app_state()?
        .store
        .directory_entries_with_ids(&ids)
        .await
        .map_err(AppError::internal)?;
    found.sort_by_key(|(o, _)| ids.iter().position(|id| *id == o.id));
    Ok(found.into_iter().map(|(o, _)| o).collect())
}

/// The contacts of the organisations `file` refers to, as the map has
/// them now (an address kept confidential is left out), judged on `day`.
pub async fn contacts_for(
    file: &crate::domain::case_file::CaseFile,
    day: chrono::NaiveDate,
) -> Result<Vec<ReferralContact>, AppError> {
    Ok(referred_organisations(file)
        .await?
        .into_iter()
        .map(|o| ReferralContact {
            organisation_id: o.id.clone(),
            name: o.name.clone(),
            city: o.city.clone(),
            country: o.country.clone(),
            address: if o.address_confidential {
                String::new()
            } else {
                o.address.clone()
            },
            address_confidential: o.address_confidential,
            phone: o.phone.clone(),
            hotline: o.hotline.clone(),
            email: o.email.clone(),
            website: o.website.clone(),
            secure_channel: o.secure_channel.clone(),
            contact_role: o.contact_role.clone(),
            opening_hours: hours_text(&o.opening_hours),
            referral_procedure: o.referral_procedure.clone(),
            partners_only: o.visibility == Visibility::PartnersOnly,
            stale: o.stale(day),
            archived: o.archived,
        })
        .collect())
}
