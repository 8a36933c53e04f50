//! The organisation's audit log, for supervisors.

use super::auth::{current_session, respond_with};
use super::state::app_state;
use crate::domain::policy::{org_access, Actor, OrgAction};
use crate::error::{AppError, FieldError};
use crate::i18n::{t, K};
use crate::store::{AuditOutcome, AuditPage, AuditQuery, NewAuditEvent, User};
use chrono::{NaiveDate, TimeZone, Utc};

pub const PAGE_SIZE: i64 = 50;

/// The filters as typed in the form (empty = no filter).
#[derive(Clone, Debug, Default)]
pub struct AuditFilters {
    pub user_id: String,
    pub action: String,
    pub case_code: String,
    /// YYYY-MM-DD, inclusive.
    pub from: String,
    /// YYYY-MM-DD, inclusive.
    pub until: String,
    pub page: i64,
}

fn date(field: &str, s: &str) -> Result<Option<NaiveDate>, FieldError> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map(Some)
        .map_err(|_| FieldError {
            field: field.into(),
            message: t(K::field_date_format).into(),
        })
}

/// A page of the audit log of the supervisor's organisation, and the
/// organisation's users (for the filter). Reading it is audited too.
pub async fn audit_log(f: AuditFilters) -> Result<(AuditPage, Vec<User>), AppError> {
    let state = app_state()?;
    let (a, _) = current_session().await?;
    let actor = Actor {
        user_id: a.user_id.clone(),
        role: a.role,
        organisation_id: a.organisation_id.clone(),
        organisation_kind: a.organisation_kind,
    };
    let by = |outcome| {
        NewAuditEvent::new("audit.read", outcome).by(&a.user_id, a.role, &a.organisation_id)
    };
    if !org_access(&actor, &a.organisation_id, OrgAction::ReadAuditLog) {
        state
            .store
            .record_audit(by(AuditOutcome::Denied))
            .await
            .map_err(AppError::internal)?;
        return Err(respond_with(AppError::NotFound));
    }
    let mut problems = Vec::new();
    let from = date("from", &f.from).unwrap_or_else(|e| {
        problems.push(e);
        None
    });
    let until = date("until", &f.until).unwrap_or_else(|e| {
        problems.push(e);
        None
    });
    if !problems.is_empty() {
        return Err(respond_with(AppError::Invalid(problems)));
    }
    let start_of =
        |d: NaiveDate| Utc.from_utc_datetime(&d.and_hms_opt(0, 0, 0).expect("midnight exists"));
    let non_empty = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
    let query = AuditQuery {
        organisation_id: a.organisation_id.clone(),
        user_id: non_empty(&f.user_id),
        action_prefix: non_empty(&f.action),
        case_code: non_empty(&f.case_code),
        from: from.map(start_of),
        until: until.and_then(|d| d.succ_opt()).map(start_of),
        page: f.page.clamp(0, 100_000),
        page_size: PAGE_SIZE,
    };
    state
        .store
        .record_audit(by(AuditOutcome::Allowed))
        .await
        .map_err(AppError::internal)?;
    let page = state
        .store
        .audit_page(&query)
        .await
        .map_err(AppError::internal)?;
    let users = state
        .store
        .users_of(&a.organisation_id)
        .await
        .map_err(AppError::internal)?;
    Ok((page, users))
}
