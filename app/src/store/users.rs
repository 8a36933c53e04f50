use super::{new_id, taken, ts, NewAuditEvent, Result, Store, StoreError};
use crate::domain::Role;
use chrono::Utc;

/// A user as the rest of the application sees it (no password hash).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    pub id: String,
    pub organisation_id: String,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub active: bool,
}

/// What signing in needs.
#[derive(Clone, Debug)]
pub struct UserCredentials {
    pub user: User,
    pub password_hash: String,
}

#[derive(Clone, Debug)]
pub struct NewUser {
    pub organisation_id: String,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    /// An Argon2id PHC string, never the password.
    pub password_hash: String,
}

type UserRow = (String, String, String, String, String, i64, String);

fn from_row(row: UserRow) -> Result<UserCredentials> {
    let (id, organisation_id, username, display_name, role, active, password_hash) = row;
    Ok(UserCredentials {
        user: User {
            id,
            organisation_id,
            username,
            display_name,
            role: role
                .parse()
                .map_err(|_| StoreError::Corrupt("users.role"))?,
            active: active != 0,
        },
        password_hash,
    })
}

/// Usernames are compared case-insensitively: stored lower-case.
pub fn normalise_username(username: &str) -> String {
    username.trim().to_lowercase()
}

impl Store {
    /// Creates a user and records who did it, in one transaction.
    pub async fn create_user(&self, new: &NewUser, audit: NewAuditEvent) -> Result<User> {
        let id = new_id();
        let now = ts::to_db(Utc::now());
        let username = normalise_username(&new.username);
        let mut tx = self.write().await?;
        sqlx::query(
            "INSERT INTO users (id, organisation_id, username, display_name, role, password_hash, active, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $7)",
        )
        .bind(&id)
        .bind(&new.organisation_id)
        .bind(&username)
        .bind(&new.display_name)
        .bind(new.role.as_str())
        .bind(&new.password_hash)
        .bind(&now)
        .execute(&mut *tx)
        .await
        .map_err(|e| taken(e, "username"))?;
        Self::append_audit(&mut tx, &audit).await?;
        tx.commit().await?;
        Ok(User {
            id,
            organisation_id: new.organisation_id.clone(),
            username,
            display_name: new.display_name.clone(),
            role: new.role,
            active: true,
        })
    }

    pub async fn user_credentials(&self, username: &str) -> Result<Option<UserCredentials>> {
        let row: Option<UserRow> = sqlx::query_as(
            "SELECT id, organisation_id, username, display_name, role, active, password_hash \
             FROM users WHERE username = $1",
        )
        .bind(normalise_username(username))
        .fetch_optional(&self.pool)
        .await?;
        row.map(from_row).transpose()
    }

    pub async fn user(&self, id: &str) -> Result<Option<User>> {
        Ok(self.user_credentials_by_id(id).await?.map(|c| c.user))
    }

    /// Activates or deactivates a user. Deactivation ends all their
    /// sessions at once, in the same transaction.
    pub async fn set_user_active(
        &self,
        user_id: &str,
        active: bool,
        audit: NewAuditEvent,
    ) -> Result<()> {
        let mut tx = self.write().await?;
        let done = sqlx::query("UPDATE users SET active = $1, updated_at = $2 WHERE id = $3")
            .bind(active as i64)
            .bind(ts::to_db(Utc::now()))
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        if !active {
            sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
        }
        Self::append_audit(&mut tx, &audit).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn user_credentials_by_id(&self, id: &str) -> Result<Option<UserCredentials>> {
        let row: Option<UserRow> = sqlx::query_as(
            "SELECT id, organisation_id, username, display_name, role, active, password_hash \
             FROM users WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(from_row).transpose()
    }

    /// Replaces a user's password hash and ends all their sessions except
    /// `keep_session` (the one making the change), in one transaction.
    pub async fn set_password_hash(
        &self,
        user_id: &str,
        password_hash: &str,
        keep_session: Option<&str>,
        audit: NewAuditEvent,
    ) -> Result<()> {
        let mut tx = self.write().await?;
        let done =
            sqlx::query("UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3")
                .bind(password_hash)
                .bind(ts::to_db(Utc::now()))
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND id <> $2")
            .bind(user_id)
            .bind(keep_session.unwrap_or(""))
            .execute(&mut *tx)
            .await?;
        Self::append_audit(&mut tx, &audit).await?;
        tx.commit().await?;
        Ok(())
    }

    /// How many live sessions a user has (for tests and the account page).
    pub async fn session_count(&self, user_id: &str) -> Result<i64> {
        let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM sessions WHERE user_id = $1")
            .bind(user_id)
            .fetch_one(&self.pool)
            .await?;
        Ok(n)
    }

    /// The users of an organisation, by display name.
    pub async fn users_of(&self, organisation_id: &str) -> Result<Vec<User>> {
        let rows: Vec<UserRow> = sqlx::query_as(
            "SELECT id, organisation_id, username, display_name, role, active, password_hash \
             FROM users WHERE organisation_id = $1 ORDER BY display_name, username",
        )
        .bind(organisation_id)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|r| from_row(r).map(|c| c.user))
            .collect()
    }

    /// Changes a user's role, with its audit row, in one transaction.
    pub async fn set_user_role(
        &self,
        user_id: &str,
        role: Role,
        audit: NewAuditEvent,
    ) -> Result<()> {
        let mut tx = self.write().await?;
        let done = sqlx::query("UPDATE users SET role = $1, updated_at = $2 WHERE id = $3")
            .bind(role.as_str())
            .bind(ts::to_db(Utc::now()))
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Self::append_audit(&mut tx, &audit).await?;
        tx.commit().await?;
        Ok(())
    }
}
