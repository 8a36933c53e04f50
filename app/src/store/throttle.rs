use super::{ts, NewAuditEvent, Result, Store};
use crate::domain::throttle::{ThrottlePolicy, ThrottleState};
use chrono::{DateTime, Utc};
use sqlx::{Any, Transaction};

type Row = (i64, String, Option<String>);

fn from_row((failures, window_start, locked_until): Row) -> Result<ThrottleState> {
    Ok(ThrottleState {
        failures: u32::try_from(failures).unwrap_or(u32::MAX),
        window_start: ts::from_db(&window_start)?,
        locked_until: locked_until.as_deref().map(ts::from_db).transpose()?,
    })
}

impl Store {
    /// The throttle state of a key, if it has failures on record.
    pub async fn throttle_state(&self, key: &str) -> Result<Option<ThrottleState>> {
        let row: Option<Row> = sqlx::query_as(
            "SELECT failures, window_start, locked_until FROM sign_in_throttle WHERE key = $1",
        )
        .bind(key)
        .fetch_optional(&self.pool)
        .await?;
        row.map(from_row).transpose()
    }

    /// Records one failed sign-in against each key (with its policy) and
    /// the audit row, in one transaction. Returns the new states.
    pub async fn record_sign_in_failure(
        &self,
        keys: &[(&str, &ThrottlePolicy)],
        now: DateTime<Utc>,
        audit: NewAuditEvent,
    ) -> Result<Vec<ThrottleState>> {
        // Stored times have microsecond precision: compute with the same.
        let now = chrono::SubsecRound::trunc_subsecs(now, 6);
        let mut tx = self.write().await?;
        let mut states = Vec::with_capacity(keys.len());
        for (key, policy) in keys {
            let state = Self::bump(&mut tx, key, policy, now).await?;
            states.push(state);
        }
        // Forget series that are over, so the table stays small.
        let cutoff = keys
            .iter()
            .map(|(_, p)| p.window)
            .max()
            .map(|w| ts::to_db(now - w));
        if let Some(cutoff) = cutoff {
            sqlx::query(
                "DELETE FROM sign_in_throttle WHERE window_start < $1 \
                 AND (locked_until IS NULL OR locked_until < $2)",
            )
            .bind(cutoff)
            .bind(ts::to_db(now))
            .execute(&mut *tx)
            .await?;
        }
        Self::append_audit(&mut tx, &audit).await?;
        tx.commit().await?;
        Ok(states)
    }

    async fn bump(
        tx: &mut Transaction<'static, Any>,
        key: &str,
        policy: &ThrottlePolicy,
        now: DateTime<Utc>,
    ) -> Result<ThrottleState> {
        let row: Option<Row> = sqlx::query_as(
            "SELECT failures, window_start, locked_until FROM sign_in_throttle WHERE key = $1",
        )
        .bind(key)
        .fetch_optional(&mut **tx)
        .await?;
        let current = row.map(from_row).transpose()?;
        let next = policy.after_failure(current.as_ref(), now);
        sqlx::query(
            "INSERT INTO sign_in_throttle (key, failures, window_start, locked_until) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (key) DO UPDATE SET failures = excluded.failures, \
             window_start = excluded.window_start, locked_until = excluded.locked_until",
        )
        .bind(key)
        .bind(i64::from(next.failures))
        .bind(ts::to_db(next.window_start))
        .bind(next.locked_until.map(ts::to_db))
        .execute(&mut **tx)
        .await?;
        Ok(next)
    }

    /// Forgets the failures of a key (after a successful sign-in).
    pub async fn clear_throttle(&self, key: &str) -> Result<()> {
        let mut tx = self.write().await?;
        sqlx::query("DELETE FROM sign_in_throttle WHERE key = $1")
            .bind(key)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }
}
