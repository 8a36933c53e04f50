//! ILO indicator lists loaded by an operator (see
//! `catalog::indicator_list`): each version kept whole, never changed, and
//! written with its audit row in one transaction.

use super::{taken, ts, NewAuditEvent, Result, Store, StoreError};
use chrono::{DateTime, Utc};

/// A loaded version, without its body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IndicatorListRow {
    pub version: String,
    pub digest: String,
    pub source: String,
    pub verified_by: String,
    pub loaded_at: DateTime<Utc>,
}

impl Store {
    /// Keeps a new version. `Taken` when the version, or the same file, is
    /// already loaded: nothing is written then.
    pub async fn add_indicator_list(
        &self,
        row: &IndicatorListRow,
        body: &str,
        audit: &NewAuditEvent,
    ) -> Result<()> {
        let mut tx = self.write().await?;
        sqlx::query(
            "INSERT INTO indicator_lists (version, body, digest, source, verified_by, loaded_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&row.version)
        .bind(body)
        .bind(&row.digest)
        .bind(&row.source)
        .bind(&row.verified_by)
        .bind(ts::to_db(row.loaded_at))
        .execute(&mut *tx)
        .await
        .map_err(|e| taken(e, "indicator list"))?;
        Self::append_audit(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Every loaded version, the newest first.
    pub async fn indicator_lists(&self) -> Result<Vec<IndicatorListRow>> {
        let rows: Vec<(String, String, String, String, String)> = sqlx::query_as(
            "SELECT version, digest, source, verified_by, loaded_at FROM indicator_lists \
             ORDER BY loaded_at DESC, version DESC",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(version, digest, source, verified_by, at)| {
                Ok(IndicatorListRow {
                    version,
                    digest,
                    source,
                    verified_by,
                    loaded_at: ts::from_db(&at)?,
                })
            })
            .collect()
    }

    /// The newest version's name, if any was loaded (a cheap question,
    /// asked on each case opened: another instance may have loaded one).
    pub async fn newest_indicator_list(&self) -> Result<Option<String>> {
        let row: Option<(String,)> = sqlx::query_as(
            "SELECT version FROM indicator_lists ORDER BY loaded_at DESC, version DESC LIMIT 1",
        )
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|(v,)| v))
    }

    /// A version's file as loaded.
    pub async fn indicator_list_body(&self, version: &str) -> Result<String> {
        let row: Option<(String,)> =
            sqlx::query_as("SELECT body FROM indicator_lists WHERE version = $1")
                .bind(version)
                .fetch_optional(&self.pool)
                .await?;
        row.map(|(b,)| b).ok_or(StoreError::NotFound)
    }
}
