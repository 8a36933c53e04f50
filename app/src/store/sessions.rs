use super::{ts, NewAuditEvent, Result, Store, StoreError};
use crate::domain::{OrgKind, Role};
use chrono::{DateTime, Duration, Utc};

/// Who is behind a valid session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionActor {
    pub user_id: String,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub organisation_id: String,
    pub organisation_name: String,
    pub organisation_kind: OrgKind,
    pub organisation_is_demo: bool,
    pub session_started_at: DateTime<Utc>,
    /// The user signs in with a second factor.
    pub has_second_factor: bool,
    /// Designated an editor of the social map.
    pub directory_editor: bool,
    /// The organisation's clock: "today" for what this user does.
    pub clock: crate::domain::clock::Clock,
}

type ActorRow = (
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    i64,
    String,
    String,
    i64,
    Option<String>,
    i64,
    String,
);

/// One of a user's sessions, as the account page lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionRecord {
    /// The first 16 hex characters of the token hash: names the session
    /// to its owner without giving anything usable away.
    pub handle: String,
    pub token_hash: String,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
}

/// A sign-in waiting for its second factor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Challenge {
    pub user_id: String,
    pub next_path: String,
    /// Wrong codes given so far.
    pub failures: i64,
}

impl Store {
    /// Stores a sign-in challenge (by the hash of its token), and forgets
    /// expired ones.
    pub async fn create_challenge(
        &self,
        token_hash: &str,
        challenge: &Challenge,
        now: DateTime<Utc>,
        lifetime: Duration,
        audit: NewAuditEvent,
    ) -> Result<()> {
        let mut tx = self.write().await?;
        sqlx::query("DELETE FROM sign_in_challenges WHERE expires_at < $1 OR user_id = $2")
            .bind(ts::to_db(now))
            .bind(&challenge.user_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO sign_in_challenges (id, user_id, next_path, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(token_hash)
        .bind(&challenge.user_id)
        .bind(&challenge.next_path)
        .bind(ts::to_db(now))
        .bind(ts::to_db(now + lifetime))
        .execute(&mut *tx)
        .await?;
        Self::append_audit(&mut tx, &audit).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Counts a wrong code against a challenge; at `max` wrong codes the
    /// challenge ends (the user starts again with their password). Returns
    /// whether it ended.
    pub async fn record_challenge_failure(&self, token_hash: &str, max: i64) -> Result<bool> {
        let mut tx = self.write().await?;
        sqlx::query("UPDATE sign_in_challenges SET failures = failures + 1 WHERE id = $1")
            .bind(token_hash)
            .execute(&mut *tx)
            .await?;
        let ended = sqlx::query("DELETE FROM sign_in_challenges WHERE id = $1 AND failures >= $2")
            .bind(token_hash)
            .bind(max)
            .execute(&mut *tx)
            .await?
            .rows_affected()
            > 0;
        tx.commit().await?;
        Ok(ended)
    }

    /// A live challenge, or `None` (unknown or expired).
    pub async fn challenge(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<Challenge>> {
        let row: Option<(String, String, i64)> = sqlx::query_as(
            "SELECT user_id, next_path, failures FROM sign_in_challenges \
             WHERE id = $1 AND expires_at > $2",
        )
        .bind(token_hash)
        .bind(ts::to_db(now))
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|(user_id, next_path, failures)| Challenge {
            user_id,
            next_path,
            failures,
        }))
    }

    /// Stores a new session (by the hash of its token) with the audit row
    /// of the sign-in, in one transaction.
    pub async fn create_session(
        &self,
        token_hash: &str,
        user_id: &str,
        now: DateTime<Utc>,
        audit: NewAuditEvent,
    ) -> Result<()> {
        self.create_session_after(None, token_hash, user_id, now, audit)
            .await
    }

    /// Like [`Store::create_session`], consuming the sign-in challenge
    /// `challenge_hash` (if given) in the same transaction.
    pub async fn create_session_after(
        &self,
        challenge_hash: Option<&str>,
        token_hash: &str,
        user_id: &str,
        now: DateTime<Utc>,
        audit: NewAuditEvent,
    ) -> Result<()> {
        let now = ts::to_db(now);
        let mut tx = self.write().await?;
        if let Some(challenge) = challenge_hash {
            // A challenge is used once: of two requests racing with it,
            // only one finds it (the other's transaction is rolled back).
            let consumed = sqlx::query("DELETE FROM sign_in_challenges WHERE id = $1")
                .bind(challenge)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if consumed != 1 {
                return Err(StoreError::NotFound);
            }
        }
        sqlx::query(
            "INSERT INTO sessions (id, user_id, created_at, last_seen_at) VALUES ($1, $2, $3, $3)",
        )
        .bind(token_hash)
        .bind(user_id)
        .bind(&now)
        .execute(&mut *tx)
        .await?;
        Self::append_audit(&mut tx, &audit).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The actor of a live session, or `None` when the session does not
    /// exist, has been idle longer than `idle`, is older than `absolute`, or
    /// its user is deactivated. An expired session is deleted; a live one
    /// has its last-seen time moved on (at most once a minute, to spare writes).
    pub async fn session_actor(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
        idle: Duration,
        absolute: Duration,
    ) -> Result<Option<SessionActor>> {
        let row: Option<ActorRow> = sqlx::query_as(
            "SELECT u.id, u.username, u.display_name, u.role, o.id, o.name, o.kind, o.is_demo, \
                    s.created_at, s.last_seen_at, u.active, u.totp_secret, u.directory_editor, o.time_zone \
             FROM sessions s JOIN users u ON u.id = s.user_id \
             JOIN organisations o ON o.id = u.organisation_id WHERE s.id = $1",
        )
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let (
            user_id,
            username,
            display_name,
            role,
            org_id,
            org_name,
            org_kind,
            is_demo,
            created,
            seen,
            active,
            totp_secret,
            directory_editor,
            zone,
        ) = row;
        let created = ts::from_db(&created)?;
        let seen = ts::from_db(&seen)?;
        if active == 0 || now - seen > idle || now - created > absolute {
            self.delete_session(token_hash).await?;
            return Ok(None);
        }
        if now - seen > Duration::seconds(60) {
            let mut tx = self.write().await?;
            sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id = $2")
                .bind(ts::to_db(now))
                .bind(token_hash)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
        }
        Ok(Some(SessionActor {
            user_id,
            username,
            display_name,
            role: role
                .parse()
                .map_err(|_| StoreError::Corrupt("users.role"))?,
            organisation_id: org_id,
            organisation_name: org_name,
            organisation_kind: org_kind
                .parse()
                .map_err(|_| StoreError::Corrupt("organisations.kind"))?,
            organisation_is_demo: is_demo != 0,
            session_started_at: created,
            has_second_factor: totp_secret.is_some(),
            directory_editor: directory_editor != 0,
            clock: super::organisations::clock_of(&zone)?,
        }))
    }

    /// Ends a session. Returns whether it existed.
    pub async fn delete_session(&self, token_hash: &str) -> Result<bool> {
        let mut tx = self.write().await?;
        let done = sqlx::query("DELETE FROM sessions WHERE id = $1")
            .bind(token_hash)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(done.rows_affected() > 0)
    }

    /// A user's live sessions (under the given timeouts), newest first.
    pub async fn sessions_of(
        &self,
        user_id: &str,
        now: DateTime<Utc>,
        idle: Duration,
        absolute: Duration,
    ) -> Result<Vec<SessionRecord>> {
        let rows: Vec<(String, String, String)> = sqlx::query_as(
            "SELECT id, created_at, last_seen_at FROM sessions WHERE user_id = $1 \
             ORDER BY created_at DESC",
        )
        .bind(user_id)
        .fetch_all(&self.pool)
        .await?;
        let mut live = Vec::new();
        for (id, created, seen) in rows {
            let created_at = ts::from_db(&created)?;
            let last_seen_at = ts::from_db(&seen)?;
            if now - last_seen_at <= idle && now - created_at <= absolute {
                live.push(SessionRecord {
                    handle: id[..16.min(id.len())].to_string(),
                    token_hash: id,
                    created_at,
                    last_seen_at,
                });
            }
        }
        Ok(live)
    }

    /// Ends one of the user's own sessions, named by its handle, with its
    /// audit row; `false` when the user has no such session.
    pub async fn end_own_session(
        &self,
        user_id: &str,
        handle: &str,
        audit: NewAuditEvent,
    ) -> Result<bool> {
        if handle.len() != 16 || !handle.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Ok(false);
        }
        let mut tx = self.write().await?;
        let done =
            sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND substr(id, 1, 16) = $2")
                .bind(user_id)
                .bind(handle)
                .execute(&mut *tx)
                .await?;
        if done.rows_affected() > 0 {
            Self::append_audit(&mut tx, &audit).await?;
        }
        tx.commit().await?;
        Ok(done.rows_affected() > 0)
    }

    /// Ends a session and records the sign-out, in one transaction.
    pub async fn end_session(&self, token_hash: &str, audit: NewAuditEvent) -> Result<bool> {
        let mut tx = self.write().await?;
        let done = sqlx::query("DELETE FROM sessions WHERE id = $1")
            .bind(token_hash)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() > 0 {
            Self::append_audit(&mut tx, &audit).await?;
        }
        tx.commit().await?;
        Ok(done.rows_affected() > 0)
    }

    /// Marks a session as used now (the user asked to stay signed in).
    /// Returns whether it exists.
    pub async fn touch_session(&self, token_hash: &str, now: DateTime<Utc>) -> Result<bool> {
        let mut tx = self.write().await?;
        let done = sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id = $2")
            .bind(ts::to_db(now))
            .bind(token_hash)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(done.rows_affected() > 0)
    }
}
