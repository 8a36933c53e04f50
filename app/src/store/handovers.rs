//! Handovers of plans to IOM missions, their conversation, the missions'
//! inboxes, and the snapshots of plans kept at every move. Each move is
//! checked against the status it started from (`WHERE status = $from`),
//! written with its message, the case's new summary, a snapshot and the
//! audit row in one transaction.

use super::cases::{active_mission, sections_in, snapshot, write_summary, CaseNow};
use super::{
    new_id, taken, ts, CaseSummary, NewAuditEvent, Result, SectionRecord, Store, StoreError,
};
use crate::domain::handover::HandoverStatus;
use crate::domain::policy::Section;
use chrono::{DateTime, Utc};

/// A handover as both sides see it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HandoverRecord {
    pub id: String,
    pub case_id: String,
    pub case_code: String,
    /// The counselling organisation that owns the case.
    pub organisation_id: String,
    pub organisation_name: String,
    pub mission_id: String,
    pub mission_name: String,
    pub status: HandoverStatus,
    /// The sections consented to at the handover.
    pub sections: Vec<Section>,
    pub handed_over_at: DateTime<Utc>,
    pub handed_over_by_name: String,
    /// The last move.
    pub updated_at: DateTime<Utc>,
    pub accepted_at: Option<DateTime<Utc>>,
    /// The case's stage and planned departure (YYYY-MM-DD), for the inbox.
    pub stage: String,
    pub departure_on: Option<String>,
}

/// One message of a handover's conversation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HandoverMessage {
    pub at: DateTime<Utc>,
    pub by_name: String,
    pub by_organisation: String,
    /// handover, accept, reject, ask, answer, withdraw
    pub move_: String,
    pub body: String,
}

#[derive(Clone, Debug)]
pub struct NewHandover {
    pub case_id: String,
    pub mission_id: String,
    pub sections: Vec<Section>,
    /// The counsellor's note to the mission (may be empty).
    pub note: String,
    pub by: String,
    pub at: DateTime<Utc>,
}

/// A move on a handover, as the store writes it.
#[derive(Clone, Debug)]
pub struct HandoverChange {
    pub handover_id: String,
    pub case_id: String,
    pub from: HandoverStatus,
    pub to: HandoverStatus,
    /// accept, reject, ask, answer, withdraw
    pub move_: &'static str,
    pub text: Option<String>,
    pub by: String,
    pub at: DateTime<Utc>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MoveOutcome {
    Moved,
    /// The handover moved since it was read: nothing was written.
    Stale,
}

#[derive(Clone, Debug, Default)]
pub struct InboxQuery {
    pub mission_id: String,
    /// A status slug, or none for every status.
    pub status: Option<String>,
    pub page: i64,
    pub page_size: i64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InboxPage {
    pub items: Vec<HandoverRecord>,
    pub total: i64,
    pub has_more: bool,
    /// How many handovers the mission has in each status.
    pub counts: Vec<(HandoverStatus, i64)>,
}

/// A kept version of a plan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SnapshotMeta {
    pub id: String,
    pub at: DateTime<Utc>,
    pub reason: String,
    pub stage: String,
    pub by_name: String,
}

#[derive(sqlx::FromRow)]
struct HandoverRow {
    id: String,
    case_id: String,
    case_code: String,
    organisation_id: String,
    organisation_name: String,
    mission_id: String,
    mission_name: String,
    status: String,
    sections: String,
    handed_over_at: String,
    handed_over_by_name: String,
    updated_at: String,
    accepted_at: Option<String>,
    stage: String,
    departure_on: Option<String>,
}

const HANDOVER_COLUMNS: &str =
    "h.id, h.case_id, c.code AS case_code, c.organisation_id, co.name AS organisation_name, \
     h.mission_id, mo.name AS mission_name, h.status, h.sections, h.handed_over_at, \
     u.display_name AS handed_over_by_name, h.updated_at, h.accepted_at, c.stage, c.departure_on";

const HANDOVER_FROM: &str = "FROM handovers h JOIN cases c ON c.id = h.case_id \
     JOIN organisations co ON co.id = c.organisation_id \
     JOIN organisations mo ON mo.id = h.mission_id \
     JOIN users u ON u.id = h.handed_over_by";

fn handover_from_row(r: HandoverRow) -> Result<HandoverRecord> {
    Ok(HandoverRecord {
        id: r.id,
        case_id: r.case_id,
        case_code: r.case_code,
        organisation_id: r.organisation_id,
        organisation_name: r.organisation_name,
        mission_id: r.mission_id,
        mission_name: r.mission_name,
        status: HandoverStatus::from_slug(&r.status)
            .ok_or(StoreError::Corrupt("handovers.status"))?,
        sections: serde_json::from_str(&r.sections)
            .map_err(|_| StoreError::Corrupt("handovers.sections"))?,
        handed_over_at: ts::from_db(&r.handed_over_at)?,
        handed_over_by_name: r.handed_over_by_name,
        updated_at: ts::from_db(&r.updated_at)?,
        accepted_at: r.accepted_at.as_deref().map(ts::from_db).transpose()?,
        stage: r.stage,
        departure_on: r.departure_on,
    })
}

impl Store {
    /// Hands a case over. A case already held by a mission (an active
    /// handover) is [`StoreError::Taken`]; nothing is written then.
    /// `summarise` gets every section and the mission now holding the case.
    pub async fn create_handover(
        &self,
        new: &NewHandover,
        audit: &NewAuditEvent,
        summarise: impl FnOnce(&[SectionRecord], &CaseNow) -> CaseSummary,
    ) -> Result<HandoverRecord> {
        let at = ts::to_db(new.at);
        let id = new_id();
        let mut tx = self.write().await?;
        let Some((_, life)) = self.lock_open_case(&mut tx, &new.case_id).await? else {
            return Err(StoreError::NotFound);
        };
        let sections =
            serde_json::to_string(&new.sections).map_err(|_| StoreError::Corrupt("sections"))?;
        sqlx::query(
            "INSERT INTO handovers (id, case_id, mission_id, status, sections, handed_over_at, \
             handed_over_by, updated_at, organisation_id) VALUES ($1, $2, $3, 'new', $4, $5, $6, $5, \
             (SELECT organisation_id FROM cases WHERE id = $2))",
        )
        .bind(&id)
        .bind(&new.case_id)
        .bind(&new.mission_id)
        .bind(&sections)
        .bind(&at)
        .bind(&new.by)
        .execute(&mut *tx)
        .await
        .map_err(|e| taken(e, "handover"))?;
        Self::add_message(&mut tx, &id, &at, &new.by, "handover", &new.note).await?;
        let all = sections_in(&mut tx, &new.case_id).await?;
        let s = summarise(
            &all,
            &CaseNow {
                mission: Some(&new.mission_id),
                life: &life,
            },
        );
        write_summary(&mut tx, &new.case_id, &s, &at).await?;
        snapshot(
            &mut tx,
            &new.case_id,
            &at,
            "handover",
            &s.stage,
            &new.by,
            &all,
        )
        .await?;
        Self::append_audit(&mut tx, audit).await?;
        tx.commit().await?;
        self.handover(&id).await?.ok_or(StoreError::NotFound)
    }

    /// Moves a handover if it is still at `change.from`.
    pub async fn move_handover(
        &self,
        change: &HandoverChange,
        audit: &NewAuditEvent,
        summarise: impl FnOnce(&[SectionRecord], &CaseNow) -> CaseSummary,
    ) -> Result<MoveOutcome> {
        let at = ts::to_db(change.at);
        let mut tx = self.write().await?;
        let Some((_, life)) = self.lock_case(&mut tx, &change.case_id).await? else {
            return Err(StoreError::NotFound);
        };
        let accepted = change.to == HandoverStatus::Accepted;
        let moved = sqlx::query(
            "UPDATE handovers SET status = $1, updated_at = $2, \
             accepted_at = CASE WHEN $3 = 1 THEN $2 ELSE accepted_at END \
             WHERE id = $4 AND case_id = $5 AND status = $6",
        )
        .bind(change.to.slug())
        .bind(&at)
        .bind(accepted as i64)
        .bind(&change.handover_id)
        .bind(&change.case_id)
        .bind(change.from.slug())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if moved == 0 {
            tx.rollback().await?;
            return Ok(MoveOutcome::Stale);
        }
        Self::add_message(
            &mut tx,
            &change.handover_id,
            &at,
            &change.by,
            change.move_,
            change.text.as_deref().unwrap_or(""),
        )
        .await?;
        let all = sections_in(&mut tx, &change.case_id).await?;
        let mission = active_mission(&mut tx, &change.case_id).await?;
        let s = summarise(
            &all,
            &CaseNow {
                mission: mission.as_deref(),
                life: &life,
            },
        );
        write_summary(&mut tx, &change.case_id, &s, &at).await?;
        let reason = format!("handover.{}", change.move_);
        snapshot(
            &mut tx,
            &change.case_id,
            &at,
            &reason,
            &s.stage,
            &change.by,
            &all,
        )
        .await?;
        Self::append_audit(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(MoveOutcome::Moved)
    }

    async fn add_message(
        tx: &mut sqlx::Transaction<'static, sqlx::Any>,
        handover_id: &str,
        at: &str,
        by: &str,
        move_: &str,
        body: &str,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO handover_messages (id, handover_id, at, by_user, move, body) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(new_id())
        .bind(handover_id)
        .bind(at)
        .bind(by)
        .bind(move_)
        .bind(body)
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    pub async fn handover(&self, id: &str) -> Result<Option<HandoverRecord>> {
        let row: Option<HandoverRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {HANDOVER_COLUMNS} {HANDOVER_FROM} WHERE h.id = $1"
        )))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(handover_from_row).transpose()
    }

    /// Every handover of a case, the latest first.
    pub async fn handovers_of_case(&self, case_id: &str) -> Result<Vec<HandoverRecord>> {
        let rows: Vec<HandoverRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {HANDOVER_COLUMNS} {HANDOVER_FROM} WHERE h.case_id = $1 \
             ORDER BY h.handed_over_at DESC, h.id"
        )))
        .bind(case_id)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(handover_from_row).collect()
    }

    /// A handover's conversation, oldest first.
    pub async fn handover_messages(&self, handover_id: &str) -> Result<Vec<HandoverMessage>> {
        let rows: Vec<(String, String, String, String, String)> = sqlx::query_as(
            "SELECT m.at, u.display_name, o.name, m.move, m.body FROM handover_messages m \
             JOIN users u ON u.id = m.by_user JOIN organisations o ON o.id = u.organisation_id \
             WHERE m.handover_id = $1 ORDER BY m.at, m.id",
        )
        .bind(handover_id)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(at, by_name, by_organisation, move_, body)| {
                Ok(HandoverMessage {
                    at: ts::from_db(&at)?,
                    by_name,
                    by_organisation,
                    move_,
                    body,
                })
            })
            .collect()
    }

    /// One page of a mission's handovers: those waiting on the mission or
    /// on the counsellor (new, needs information) the longest waiting
    /// first; any other list (all, accepted, closed) the latest move first.
    pub async fn inbox(&self, q: &InboxQuery) -> Result<InboxPage> {
        let status = q.status.clone().unwrap_or_default();
        let order = if matches!(status.as_str(), "new" | "needs_information") {
            "h.updated_at, h.id"
        } else {
            "h.updated_at DESC, h.id DESC"
        };
        let rows: Vec<HandoverRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {HANDOVER_COLUMNS} {HANDOVER_FROM} WHERE h.mission_id = $1 \
             AND ($2 = '' OR h.status = $2) ORDER BY {order} LIMIT $3 OFFSET $4"
        )))
        .bind(&q.mission_id)
        .bind(&status)
        .bind(q.page_size + 1)
        .bind(q.page * q.page_size)
        .fetch_all(&self.pool)
        .await?;
        let counted: Vec<(String, i64)> = sqlx::query_as(
            "SELECT status, COUNT(*) FROM handovers WHERE mission_id = $1 GROUP BY status",
        )
        .bind(&q.mission_id)
        .fetch_all(&self.pool)
        .await?;
        let counts: Vec<(HandoverStatus, i64)> = HandoverStatus::ALL
            .into_iter()
            .map(|s| {
                let n = counted
                    .iter()
                    .find(|(slug, _)| slug == s.slug())
                    .map_or(0, |(_, n)| *n);
                (s, n)
            })
            .collect();
        let total = if status.is_empty() {
            counts.iter().map(|(_, n)| n).sum()
        } else {
            counts
                .iter()
                .find(|(s, _)| s.slug() == status)
                .map_or(0, |(_, n)| *n)
        };
        let has_more = rows.len() as i64 > q.page_size;
        let items = rows
            .into_iter()
            .take(q.page_size as usize)
            .map(handover_from_row)
            .collect::<Result<Vec<_>>>()?;
        Ok(InboxPage {
            items,
            total,
            has_more,
            counts,
        })
    }

    /// An organisation's handovers waiting on a mission (new) or on the
    /// counsellor (needs information), the longest waiting first.
    pub async fn waiting_handovers(&self, organisation_id: &str) -> Result<Vec<HandoverRecord>> {
        let rows: Vec<HandoverRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {HANDOVER_COLUMNS} {HANDOVER_FROM} WHERE h.organisation_id = $1 \
             AND h.status IN ('new', 'needs_information') ORDER BY h.updated_at, h.id LIMIT 200"
        )))
        .bind(organisation_id)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(handover_from_row).collect()
    }

    /// A case's kept versions, the latest first.
    pub async fn case_snapshots(&self, case_id: &str) -> Result<Vec<SnapshotMeta>> {
        let rows: Vec<(String, String, String, String, String)> = sqlx::query_as(
            "SELECT s.id, s.at, s.reason, s.stage, u.display_name FROM case_snapshots s \
             JOIN users u ON u.id = s.by_user WHERE s.case_id = $1 ORDER BY s.at DESC, s.id",
        )
        .bind(case_id)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(id, at, reason, stage, by_name)| {
                Ok(SnapshotMeta {
                    id,
                    at: ts::from_db(&at)?,
                    reason,
                    stage,
                    by_name,
                })
            })
            .collect()
    }

    /// One kept version of a case: its sections as
    /// `{"section": {"version": n, "body": {...}}}`.
    pub async fn snapshot_body(&self, case_id: &str, id: &str) -> Result<Option<String>> {
        let row: Option<(String,)> =
            sqlx::query_as("SELECT body FROM case_snapshots WHERE case_id = $1 AND id = $2")
                .bind(case_id)
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
        Ok(row.map(|(b,)| b))
    }
}
