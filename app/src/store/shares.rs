//! Links to the client's copy of a plan: made, listed, revoked, and every
//! opening and wrong PIN counted, each with its audit row in the same
//! transaction. Links are found by the SHA-256 of their token; the token
//! itself is never stored.

use super::{new_id, ts, NewAuditEvent, Result, Store};
use chrono::{DateTime, Utc};

/// A link as the counsellor's list and the link's page need it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShareLink {
    pub id: String,
    pub case_id: String,
    pub case_code: String,
    pub language: String,
    /// The PIN's Argon2id hash, if the link has one.
    pub pin_hash: Option<String>,
    pub created_at: DateTime<Utc>,
    pub created_by_name: String,
    pub expires_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub failed_pins: i64,
    pub locked_until: Option<DateTime<Utc>>,
    pub views: i64,
    pub last_view_at: Option<DateTime<Utc>>,
}

/// A link to make.
#[derive(Clone, Debug)]
pub struct NewShareLink<'a> {
    pub case_id: &'a str,
    pub token_hash: &'a str,
    pub language: &'a str,
    pub pin_hash: Option<&'a str>,
    pub created_by: &'a str,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct LinkRow {
    id: String,
    case_id: String,
    code: String,
    language: String,
    pin_hash: Option<String>,
    created_at: String,
    display_name: String,
    expires_at: String,
    revoked_at: Option<String>,
    failed_pins: i64,
    locked_until: Option<String>,
    views: i64,
    last_view_at: Option<String>,
}

const LINK_SELECT: &str = "SELECT l.id, l.case_id, c.code, l.language, l.pin_hash, l.created_at, \
     u.display_name, l.expires_at, l.revoked_at, l.failed_pins, l.locked_until, l.views, \
     l.last_view_at FROM share_links l JOIN cases c ON c.id = l.case_id \
     JOIN users u ON u.id = l.created_by";

fn opt_ts(s: Option<String>) -> Result<Option<DateTime<Utc>>> {
    s.as_deref().map(ts::from_db).transpose()
}

fn link_from_row(r: LinkRow) -> Result<ShareLink> {
    Ok(ShareLink {
        id: r.id,
        case_id: r.case_id,
        case_code: r.code,
        language: r.language,
        pin_hash: r.pin_hash,
        created_at: ts::from_db(&r.created_at)?,
        created_by_name: r.display_name,
        expires_at: ts::from_db(&r.expires_at)?,
        revoked_at: opt_ts(r.revoked_at)?,
        failed_pins: r.failed_pins,
        locked_until: opt_ts(r.locked_until)?,
        views: r.views,
        last_view_at: opt_ts(r.last_view_at)?,
    })
}

impl Store {
    /// Makes a link; returns its id.
    pub async fn create_share_link(
        &self,
        new: &NewShareLink<'_>,
        audit: &NewAuditEvent,
    ) -> Result<String> {
        let id = new_id();
        let mut tx = self.write().await?;
        sqlx::query(
            "INSERT INTO share_links (id, case_id, token_hash, language, pin_hash, created_at, created_by, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(&id)
        .bind(new.case_id)
        .bind(new.token_hash)
        .bind(new.language)
        .bind(new.pin_hash)
        .bind(ts::to_db(new.created_at))
        .bind(new.created_by)
        .bind(ts::to_db(new.expires_at))
        .execute(&mut *tx)
        .await?;
        Self::append_audit(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The link with this token hash, whatever its state.
    pub async fn share_link_by_token(&self, token_hash: &str) -> Result<Option<ShareLink>> {
        let row: Option<LinkRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{LINK_SELECT} WHERE l.token_hash = $1"
        )))
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await?;
        row.map(link_from_row).transpose()
    }

    /// Every link ever made for a case, the latest first.
    pub async fn share_links_of_case(&self, case_id: &str) -> Result<Vec<ShareLink>> {
        let rows: Vec<LinkRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{LINK_SELECT} WHERE l.case_id = $1 ORDER BY l.created_at DESC, l.id"
        )))
        .bind(case_id)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(link_from_row).collect()
    }

    /// Revokes a link of the case; false if there is no such link or it
    /// was revoked already (then nothing is written).
    pub async fn revoke_share_link(
        &self,
        case_id: &str,
        id: &str,
        by: &str,
        at: DateTime<Utc>,
        audit: &NewAuditEvent,
    ) -> Result<bool> {
        let mut tx = self.write().await?;
        let n = sqlx::query(
            "UPDATE share_links SET revoked_at = $1, revoked_by = $2 \
             WHERE id = $3 AND case_id = $4 AND revoked_at IS NULL",
        )
        .bind(ts::to_db(at))
        .bind(by)
        .bind(id)
        .bind(case_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n == 0 {
            tx.rollback().await?;
            return Ok(false);
        }
        Self::append_audit(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Counts an opening of the link (a right PIN clears the wrong ones).
    pub async fn record_share_view(
        &self,
        id: &str,
        at: DateTime<Utc>,
        audit: &NewAuditEvent,
    ) -> Result<()> {
        let mut tx = self.write().await?;
        sqlx::query(
            "UPDATE share_links SET views = views + 1, last_view_at = $1, failed_pins = 0 WHERE id = $2",
        )
        .bind(ts::to_db(at))
        .bind(id)
        .execute(&mut *tx)
        .await?;
        Self::append_audit(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Counts a PIN try before the PIN is checked, if the link may be
    /// tried now (not locked, fewer than `max_tries` since the last right
    /// one); false: refused, nothing counted. Atomic, so that tries at the
    /// same moment cannot pass the limit (domain::share::PinGuard).
    pub async fn reserve_pin_try(
        &self,
        id: &str,
        now: DateTime<Utc>,
        max_tries: i64,
    ) -> Result<bool> {
        let mut tx = self.write().await?;
        let n = sqlx::query(
            "UPDATE share_links SET failed_pins = failed_pins + 1              WHERE id = $1 AND (locked_until IS NULL OR locked_until <= $2) AND failed_pins < $3",
        )
        .bind(id)
        .bind(ts::to_db(now))
        .bind(max_tries)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        tx.commit().await?;
        Ok(n == 1)
    }

    /// After a wrong PIN: audited, and the link locked until `lock_until`
    /// once `max_tries` wrong ones came in a row (the count starts again).
    pub async fn record_wrong_pin(
        &self,
        id: &str,
        max_tries: i64,
        lock_until: DateTime<Utc>,
        audit: &NewAuditEvent,
    ) -> Result<()> {
        let mut tx = self.write().await?;
        sqlx::query(
            "UPDATE share_links SET locked_until = $1, failed_pins = 0 WHERE id = $2 AND failed_pins >= $3",
        )
        .bind(ts::to_db(lock_until))
        .bind(id)
        .bind(max_tries)
        .execute(&mut *tx)
        .await?;
        Self::append_audit(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(())
    }
}
