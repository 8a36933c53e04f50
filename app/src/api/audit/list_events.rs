use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRow {
    /// Unix seconds, UTC.
    pub at: i64,
    pub actor: Option<String>,
    pub role: Option<String>,
    pub action: String,
    pub case_code: Option<String>,
    pub section: Option<String>,
    /// The user an administrative action was about.
    pub subject: Option<String>,
    pub outcome: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditView {
    pub rows: Vec<AuditRow>,
    pub has_more: bool,
    pub page: i64,
    /// (id, name) of the organisation's users, for the filter.
    pub users: Vec<(String, String)>,
}

/// A page of the organisation's audit log (supervisors only), filtered by
/// user, action, case and period.
#[server(prefix = "/api", endpoint = "audit/list_events")]
pub async fn list_events(
    user_id: String,
    action: String,
    case_code: String,
    from: String,
    until: String,
    page: i64,
) -> Result<AuditView, AppError> {
    use crate::server::audit::{audit_log, AuditFilters};
    let filters = AuditFilters {
        user_id,
        action,
        case_code,
        from,
        until,
        page,
    };
    let (p, users) = audit_log(filters).await?;
    Ok(AuditView {
        rows: p
            .entries
            .into_iter()
            .map(|e| AuditRow {
                at: e.event.at.timestamp(),
                actor: e.actor_name.or(e
                    .event
                    .actor_user_id
                    .map(|_| crate::i18n::t(crate::i18n::K::audit_former_user).into())),
                role: e.event.actor_role,
                action: e.event.action,
                case_code: e.event.case_code,
                section: e.event.section,
                subject: e.subject_name.or(e
                    .event
                    .subject_user_id
                    .map(|_| crate::i18n::t(crate::i18n::K::audit_former_user).into())),
                outcome: e.event.outcome,
            })
            .collect(),
        has_more: p.has_more,
        page,
        users: users.into_iter().map(|u| (u.id, u.display_name)).collect(),
    })
}
