use super::{new_id, ts, Result, Store, StoreError};
use crate::domain::Role;
use chrono::{DateTime, Utc};
use sqlx::{Any, Transaction};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuditOutcome {
    Allowed,
    Denied,
    Failed,
}

impl AuditOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            AuditOutcome::Allowed => "allowed",
            AuditOutcome::Denied => "denied",
            AuditOutcome::Failed => "failed",
        }
    }
}

/// One audit row to append. Refers to people by id and to cases by code,
/// never by name.
#[derive(Clone, Debug)]
pub struct NewAuditEvent {
    pub actor_user_id: Option<String>,
    pub actor_role: Option<Role>,
    pub organisation_id: Option<String>,
    pub action: &'static str,
    pub case_code: Option<String>,
    pub section: Option<String>,
    /// The user an administrative action was about.
    pub subject_user_id: Option<String>,
    pub outcome: AuditOutcome,
    pub at: DateTime<Utc>,
}

impl NewAuditEvent {
    pub fn new(action: &'static str, outcome: AuditOutcome) -> Self {
        NewAuditEvent {
            actor_user_id: None,
            actor_role: None,
            organisation_id: None,
            action,
            case_code: None,
            section: None,
            subject_user_id: None,
            outcome,
            at: Utc::now(),
        }
    }

    /// The user the action was about.
    pub fn about_user(mut self, user_id: &str) -> Self {
        self.subject_user_id = Some(user_id.to_string());
        self
    }

    pub fn by(mut self, user_id: &str, role: Role, organisation_id: &str) -> Self {
        self.actor_user_id = Some(user_id.to_string());
        self.actor_role = Some(role);
        self.organisation_id = Some(organisation_id.to_string());
        self
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditEvent {
    pub id: String,
    pub at: DateTime<Utc>,
    pub actor_user_id: Option<String>,
    pub actor_role: Option<String>,
    pub organisation_id: Option<String>,
    pub action: String,
    pub case_code: Option<String>,
    pub section: Option<String>,
    pub subject_user_id: Option<String>,
    pub outcome: String,
}

type AuditRow = (
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    String,
);

/// The columns of an [`AuditRow`] (a macro, so that queries stay static strings).
macro_rules! audit_columns {
    () => {
        "a.id, a.occurred_at, a.actor_user_id, a.actor_role, a.organisation_id, \
         a.action, a.case_code, a.section, a.subject_user_id, a.outcome"
    };
}

impl Store {
    /// Appends an audit row inside the caller's transaction.
    pub(super) async fn append_audit(
        tx: &mut Transaction<'static, Any>,
        e: &NewAuditEvent,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO audit_events (id, occurred_at, actor_user_id, actor_role, organisation_id, action, case_code, section, subject_user_id, outcome) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(new_id())
        .bind(ts::to_db(e.at))
        .bind(e.actor_user_id.clone())
        .bind(e.actor_role.map(|r| r.as_str().to_string()))
        .bind(e.organisation_id.clone())
        .bind(e.action)
        .bind(e.case_code.clone())
        .bind(e.section.clone())
        .bind(e.subject_user_id.clone())
        .bind(e.outcome.as_str())
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    /// Appends an audit row on its own (for events with no other change,
    /// such as a failed sign-in).
    pub async fn record_audit(&self, e: NewAuditEvent) -> Result<()> {
        let mut tx = self.write().await?;
        Self::append_audit(&mut tx, &e).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The most recent audit rows, newest first.
    pub async fn recent_audit(&self, limit: i64) -> Result<Vec<AuditEvent>> {
        let rows: Vec<AuditRow> = sqlx::query_as(concat!(
            "SELECT ",
            audit_columns!(),
            " FROM audit_events a ORDER BY a.occurred_at DESC, a.id DESC LIMIT $1"
        ))
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(event_from_row).collect()
    }

    /// One page of an organisation's audit log, newest first, with the
    /// display names of the actor and the subject (users of the organisation).
    pub async fn audit_page(&self, q: &AuditQuery) -> Result<AuditPage> {
        // Filters are bound as values; absent ones match everything. The
        // action filter is an exact prefix (no LIKE wildcards, same case
        // rules on both engines).
        let sql = concat!(
            "SELECT ",
            audit_columns!(),
            ", u.display_name, s.display_name \
             FROM audit_events a LEFT JOIN users u ON u.id = a.actor_user_id \
             LEFT JOIN users s ON s.id = a.subject_user_id \
             WHERE ($1 = '' OR a.organisation_id = $1) \
               AND ($2 = '' OR a.actor_user_id = $2 OR a.subject_user_id = $2) \
               AND ($3 = '' OR substr(a.action, 1, length($3)) = $3) \
               AND ($4 = '' OR a.case_code = $4) \
               AND ($5 = '' OR a.occurred_at >= $5) \
               AND ($6 = '' OR a.occurred_at < $6) \
             ORDER BY a.occurred_at DESC, a.id DESC LIMIT $7 OFFSET $8"
        );
        let rows: Vec<AuditJoinRow> = sqlx::query_as(sql)
            .bind(&q.organisation_id)
            .bind(q.user_id.clone().unwrap_or_default())
            .bind(q.action_prefix.clone().unwrap_or_default())
            .bind(q.case_code.clone().unwrap_or_default())
            .bind(q.from.map(ts::to_db).unwrap_or_default())
            .bind(q.until.map(ts::to_db).unwrap_or_default())
            .bind(q.page_size + 1)
            .bind(q.page * q.page_size)
            .fetch_all(&self.pool)
            .await?;
        let has_more = rows.len() as i64 > q.page_size;
        let entries = rows
            .into_iter()
            .take(q.page_size as usize)
            .map(|r| {
                Ok(AuditEntry {
                    event: event_from_row((r.0, r.1, r.2, r.3, r.4, r.5, r.6, r.7, r.8, r.9))?,
                    actor_name: r.10,
                    subject_name: r.11,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(AuditPage { entries, has_more })
    }
}

fn event_from_row(r: AuditRow) -> Result<AuditEvent> {
    Ok(AuditEvent {
        id: r.0,
        at: ts::from_db(&r.1).map_err(|_| StoreError::Corrupt("audit_events.occurred_at"))?,
        actor_user_id: r.2,
        actor_role: r.3,
        organisation_id: r.4,
        action: r.5,
        case_code: r.6,
        section: r.7,
        subject_user_id: r.8,
        outcome: r.9,
    })
}

/// An audit row and the display names of its actor and subject.
type AuditJoinRow = (
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    String,
    Option<String>,
    Option<String>,
);

/// Filters for [`Store::audit_page`].
#[derive(Clone, Debug, Default)]
pub struct AuditQuery {
    /// Empty: every organisation (only with a case code: a case's own log,
    /// which includes the reads of the missions it was handed over to).
    pub organisation_id: String,
    pub user_id: Option<String>,
    /// "auth." matches every sign-in event.
    pub action_prefix: Option<String>,
    pub case_code: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
    /// Zero-based.
    pub page: i64,
    pub page_size: i64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditEntry {
    pub event: AuditEvent,
    pub actor_name: Option<String>,
    pub subject_name: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    pub has_more: bool,
}
