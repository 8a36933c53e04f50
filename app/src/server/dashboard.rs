//! The supervisor's dashboard: the organisation's plans read once, the
//! figures computed by `domain::dashboard`, the handovers waiting; and the
//! anonymised statistics export. Reading either is audited.

use super::auth::{require_actor, respond_with};
use super::cases::{actor_of, event, record};
use super::state::app_state;
use crate::api::dashboard::{DashboardView, WaitingHandover};
use crate::domain::dashboard::{figures, statistics_csv, Filters};
use crate::domain::policy::{org_access, OrgAction};
use crate::domain::Role;
use crate::error::AppError;
use crate::store::{AuditOutcome, SessionActor};
use chrono::NaiveDate;

/// Months of trends on the dashboard.
const TREND_MONTHS: usize = 12;

async fn supervisor(audit_action: &'static str) -> Result<SessionActor, AppError> {
    let a = require_actor().await?;
    if !org_access(&actor_of(&a), &a.organisation_id, OrgAction::ReadDashboard) {
        record(event(&a, audit_action, AuditOutcome::Denied)).await?;
        return Err(respond_with(AppError::NotFound));
    }
    Ok(a)
}

fn non_empty(s: &str) -> Option<String> {
    Some(s.trim().to_string()).filter(|s| !s.is_empty())
}

pub async fn summary(
    counsellor: String,
    stage: String,
    risk: String,
    from: String,
    until: String,
) -> Result<DashboardView, AppError> {
    let a = supervisor("dashboard.read").await?;
    let store = &app_state()?.store;
    let day = |s: &str| NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok();
    let filters = Filters {
        counsellor: non_empty(&counsellor),
        stage: non_empty(&stage),
        risk_level: non_empty(&risk),
        from: day(&from),
        until: day(&until),
    };
    let today = a.clock.today();
    let rows = store
        .dashboard_rows(&a.organisation_id)
        .await
        .map_err(AppError::internal)?;
    let figures = figures(&rows, &filters, today, TREND_MONTHS);
    let counsellors = store
        .users_of(&a.organisation_id)
        .await
        .map_err(AppError::internal)?
        .into_iter()
        .filter(|u| u.role == Role::Counsellor)
        .map(|u| (u.id, u.display_name))
        .collect();
    let waiting = store
        .waiting_handovers(&a.organisation_id)
        .await
        .map_err(AppError::internal)?
        .into_iter()
        .map(|h| WaitingHandover {
            code: h.case_code,
            mission: h.mission_name,
            status: h.status.slug().to_string(),
            since: h.updated_at.timestamp(),
        })
        .collect();
    record(event(&a, "dashboard.read", AuditOutcome::Allowed)).await?;
    Ok(DashboardView {
        organisation: a.organisation_name.clone(),
        figures,
        counsellors,
        waiting,
        filters,
        today,
    })
}

pub async fn statistics(months: i64) -> Result<String, AppError> {
    let a = supervisor("statistics.export").await?;
    let store = &app_state()?.store;
    let months = months.clamp(12, 60) as usize;
    let today = a.clock.today();
    let rows = store
        .dashboard_rows(&a.organisation_id)
        .await
        .map_err(AppError::internal)?;
    let f = figures(&rows, &Filters::default(), today, months);
    record(event(&a, "statistics.export", AuditOutcome::Allowed)).await?;
    super::auth::answer_as_document("text/csv; charset=utf-8", Some("safeplan-statistics.csv"));
    Ok(statistics_csv(&f.trends))
}
