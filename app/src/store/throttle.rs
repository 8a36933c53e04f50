use super::{ts, NewAuditEvent, Result, Store};
use crate::domain::throttle::{ThrottlePolicy, ThrottleState};
use chrono::{DateTime, Duration, Utc};
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

    /// Claims one sign-in attempt before the password is checked, in one
    /// transaction: when any key must still wait, nothing is charged, the
    /// refusal is audited and the longest wait is returned; otherwise every
    /// key is charged one failure in advance (taken back by
    /// [`Store::settle_sign_in_attempt`]). Charging before the slow
    /// password check means parallel guesses cannot slip past the limit.
    pub async fn claim_sign_in_attempt(
        &self,
        keys: &[(&str, &ThrottlePolicy)],
        now: DateTime<Utc>,
        refused: NewAuditEvent,
    ) -> Result<Option<Duration>> {
        // Stored times have microsecond precision: compute with the same.
        let now = chrono::SubsecRound::trunc_subsecs(now, 6);
        let mut tx = self.write().await?;
        let mut current = Vec::with_capacity(keys.len());
        for (key, _) in keys {
            current.push(Self::lock_key(&mut tx, key, now).await?);
        }
        let wait = keys
            .iter()
            .zip(&current)
            .filter_map(|((_, policy), state)| policy.wait(Some(state), now))
            .max();
        if wait.is_some() {
            Self::append_audit(&mut tx, &refused).await?;
        } else {
            for ((key, policy), state) in keys.iter().zip(&current) {
                Self::put_key(&mut tx, key, &policy.after_failure(Some(state), now)).await?;
            }
        }
        tx.commit().await?;
        // Forget series that are over, so the table stays small: each kind
        // of key ("account:", "address:" …) after its own window, in a
        // transaction of its own, so that it never waits on rows locked by
        // another claim while holding this claim's locks.
        let mut kinds: Vec<(&str, &ThrottlePolicy)> = keys
            .iter()
            .filter_map(|(key, policy)| key.find(':').map(|i| (&key[..=i], *policy)))
            .collect();
        kinds.dedup_by_key(|(kind, _)| *kind);
        let mut tx = self.write().await?;
        for (kind, policy) in kinds {
            sqlx::query(
                "DELETE FROM sign_in_throttle WHERE substr(key, 1, length($1)) = $1 \
                 AND window_start < $2 AND (locked_until IS NULL OR locked_until < $3)",
            )
            .bind(kind)
            .bind(ts::to_db(now - policy.window))
            .bind(ts::to_db(now))
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(wait)
    }

    /// After a right password (or code): the account's failures are
    /// forgotten (`clear`), and the advance charge on each key of `refund`
    /// is taken back.
    pub async fn settle_sign_in_attempt(
        &self,
        clear: Option<&str>,
        refund: &[(&str, &ThrottlePolicy)],
        now: DateTime<Utc>,
    ) -> Result<()> {
        let now = chrono::SubsecRound::trunc_subsecs(now, 6);
        let mut tx = self.write().await?;
        if let Some(key) = clear {
            sqlx::query("DELETE FROM sign_in_throttle WHERE key = $1")
                .bind(key)
                .execute(&mut *tx)
                .await?;
        }
        for (key, policy) in refund {
            let state = Self::lock_key(&mut tx, key, now).await?;
            Self::put_key(&mut tx, key, &policy.after_refund(&state)).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Reads a key's state with its row locked until the transaction ends
    /// (a no-op upsert takes the row lock on PostgreSQL; SQLite's write
    /// transaction already excludes other writers). A key without a row
    /// reads as zero failures.
    async fn lock_key(
        tx: &mut Transaction<'static, Any>,
        key: &str,
        now: DateTime<Utc>,
    ) -> Result<ThrottleState> {
        sqlx::query(
            "INSERT INTO sign_in_throttle (key, failures, window_start, locked_until) VALUES ($1, 0, $2, NULL) \
             ON CONFLICT (key) DO UPDATE SET failures = sign_in_throttle.failures",
        )
        .bind(key)
        .bind(ts::to_db(now))
        .execute(&mut **tx)
        .await?;
        let row: Row = sqlx::query_as(
            "SELECT failures, window_start, locked_until FROM sign_in_throttle WHERE key = $1",
        )
        .bind(key)
        .fetch_one(&mut **tx)
        .await?;
        from_row(row)
    }

    async fn put_key(
        tx: &mut Transaction<'static, Any>,
        key: &str,
        state: &ThrottleState,
    ) -> Result<()> {
        sqlx::query(
            "UPDATE sign_in_throttle SET failures = $2, window_start = $3, locked_until = $4 WHERE key = $1",
        )
        .bind(key)
        .bind(i64::from(state.failures))
        .bind(ts::to_db(state.window_start))
        .bind(state.locked_until.map(ts::to_db))
        .execute(&mut **tx)
        .await?;
        Ok(())
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
