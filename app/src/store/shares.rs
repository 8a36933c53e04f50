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
    pub pin_locks: i64,
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
    pin_locks: i64,
    views: i64,
    last_view_at: Option<String>,
}

const LINK_SELECT: &str = "SELECT l.id, l.case_id, c.code, l.language, l.pin_hash, l.created_at, \
     u.display_name, l.expires_at, l.revoked_at, l.failed_pins, l.locked_until, l.pin_locks, l.views, \
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
        pin_locks: r.pin_locks,
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

    /// Counts an opening of the link; `right_pin`: it was opened with its
    /// PIN just now, which starts the PIN window again.
    pub async fn record_share_view(
        &self,
        id: &str,
        at: DateTime<Utc>,
        right_pin: bool,
        audit: &NewAuditEvent,
    ) -> Result<()> {
        let mut tx = self.write().await?;
        let sql = if right_pin {
            "UPDATE share_links SET views = views + 1, last_view_at = $1, failed_pins = 0, locked_until = NULL WHERE id = $2"
        } else {
            "UPDATE share_links SET views = views + 1, last_view_at = $1 WHERE id = $2"
        };
        sqlx::query(sql)
            .bind(ts::to_db(at))
            .bind(id)
            .execute(&mut *tx)
            .await?;
        Self::append_audit(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Counts a PIN try before the PIN is checked, if one may be made now
    /// (the rule of `domain::share::PinGuard::reserve`, applied in one
    /// statement): false when refused, and then nothing is counted. The try
    /// that fills the window sets the lock until `lock_until` and counts a
    /// lock, so that tries at the same moment cannot pass the limit and no
    /// count is left without its lock.
    pub async fn reserve_pin_try(
        &self,
        id: &str,
        now: DateTime<Utc>,
        lock_until: DateTime<Utc>,
    ) -> Result<bool> {
        use crate::domain::share::{MAX_LOCKS, PIN_TRIES};
        let mut tx = self.write().await?;
        // The try's number in its window: a lock that is over starts anew.
        let n = "(CASE WHEN locked_until IS NOT NULL THEN 1 ELSE failed_pins + 1 END)";
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "UPDATE share_links SET failed_pins = {n}, \
             locked_until = CASE WHEN {n} >= $3 THEN $4 ELSE NULL END, \
             pin_locks = pin_locks + CASE WHEN {n} >= $3 THEN 1 ELSE 0 END \
             WHERE id = $1 AND revoked_at IS NULL AND pin_locks < $5 \
               AND (locked_until IS NULL OR locked_until <= $2) \
               AND (locked_until IS NOT NULL OR failed_pins < $3)"
        )))
        .bind(id)
        .bind(ts::to_db(now))
        .bind(PIN_TRIES)
        .bind(ts::to_db(lock_until))
        .bind(MAX_LOCKS)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        tx.commit().await?;
        Ok(rows == 1)
    }

    /// After a wrong PIN: audited, and the link switched off once it has
    /// had its last lock; true if it was switched off now.
    pub async fn record_wrong_pin(
        &self,
        id: &str,
        now: DateTime<Utc>,
        audit: &NewAuditEvent,
    ) -> Result<bool> {
        let mut tx = self.write().await?;
        let off = sqlx::query(
            "UPDATE share_links SET revoked_at = $1 WHERE id = $2 AND pin_locks >= $3 AND revoked_at IS NULL",
        )
        .bind(ts::to_db(now))
        .bind(id)
        .bind(crate::domain::share::MAX_LOCKS)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        Self::append_audit(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(off == 1)
    }
}
