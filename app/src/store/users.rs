use super::{new_id, taken, ts, AuditOutcome, NewAuditEvent, Result, Store, StoreError};
use crate::domain::Role;
use chrono::{DateTime, Utc};

/// The password hash of an account waiting to be set up by its holder: no
/// password matches it (it is not a PHC string).
pub const NO_PASSWORD: &str = "!waiting-for-set-up";

/// A user as the rest of the application sees it (no password hash).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    pub id: String,
    pub organisation_id: String,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub active: bool,
    /// Signs in with a one-time code after the password.
    pub totp_enabled: bool,
    /// Designated by an admin to edit the social map.
    pub directory_editor: bool,
    /// Has no usable password: waits for its holder to set it up with a
    /// one-time code (see [`AccountSetup`]).
    pub waiting_for_setup: bool,
}

/// Why an account waits to be set up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SetupReason {
    /// Made by an admin.
    NewAccount,
    /// An admin reset its password.
    PasswordReset,
}

impl SetupReason {
    pub fn as_str(self) -> &'static str {
        match self {
            SetupReason::NewAccount => "new_account",
            SetupReason::PasswordReset => "password_reset",
        }
    }

    fn parse(s: &str) -> Result<SetupReason> {
        match s {
            "new_account" => Ok(SetupReason::NewAccount),
            "password_reset" => Ok(SetupReason::PasswordReset),
            _ => Err(StoreError::Corrupt("account_setups.reason")),
        }
    }
}

/// user id, reason, requested, issued, expires.
type SetupRow = (String, String, String, Option<String>, Option<String>);

/// An account waiting for its holder to choose a password.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccountSetup {
    pub user: User,
    pub reason: SetupReason,
    pub requested_at: DateTime<Utc>,
    /// When the current set-up code was made, and until when it works.
    pub issued_at: Option<DateTime<Utc>>,
    pub expires_at: Option<DateTime<Utc>>,
}

/// What signing in needs.
#[derive(Clone, Debug)]
pub struct UserCredentials {
    pub user: User,
    pub password_hash: String,
    pub second_factor: SecondFactor,
}

/// A user's TOTP state; secrets sealed with the server's key.
#[derive(Clone, Debug, Default)]
pub struct SecondFactor {
    pub secret: Option<String>,
    /// Being set up, not yet confirmed.
    pub pending: Option<String>,
    /// The challenge or session (token hash) the pending secret was shown to.
    pub pending_for: Option<String>,
    pub last_step: Option<i64>,
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

type UserRow = (
    String,
    String,
    String,
    String,
    String,
    i64,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<i64>,
    i64,
);

fn from_row(row: UserRow) -> Result<UserCredentials> {
    let (
        id,
        organisation_id,
        username,
        display_name,
        role,
        active,
        password_hash,
        secret,
        pending,
        pending_for,
        last_step,
        directory_editor,
    ) = row;
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
            totp_enabled: secret.is_some(),
            directory_editor: directory_editor != 0,
            waiting_for_setup: password_hash == NO_PASSWORD,
        },
        password_hash,
        second_factor: SecondFactor {
            secret,
            pending,
            pending_for,
            last_step,
        },
    })
}

/// Usernames are compared case-insensitively: stored lower-case.
pub fn normalise_username(username: &str) -> String {
    username.trim().to_lowercase()
}

impl Store {
    /// Creates a user and records who did it, in one transaction.
    pub async fn create_user(&self, new: &NewUser, audit: NewAuditEvent) -> Result<User> {
        self.insert_user(new, None, audit).await
    }

    /// Creates a user with no usable password, waiting for its holder to
    /// set it up with a code (asked for by `requested_by`, an admin), in
    /// one transaction with its audit row. `new.password_hash` is ignored.
    pub async fn create_user_for_setup(
        &self,
        new: &NewUser,
        requested_by: &str,
        audit: NewAuditEvent,
    ) -> Result<User> {
        self.insert_user(new, Some(requested_by), audit).await
    }

    async fn insert_user(
        &self,
        new: &NewUser,
        setup_for: Option<&str>,
        audit: NewAuditEvent,
    ) -> Result<User> {
        let id = new_id();
        let now = ts::to_db(Utc::now());
        let username = normalise_username(&new.username);
        let hash = match setup_for {
            Some(_) => NO_PASSWORD,
            None => new.password_hash.as_str(),
        };
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
        .bind(hash)
        .bind(&now)
        .execute(&mut *tx)
        .await
        .map_err(|e| taken(e, "username"))?;
        if let Some(admin) = setup_for {
            sqlx::query(
                "INSERT INTO account_setups (user_id, reason, requested_by, requested_at) \
                 VALUES ($1, $2, $3, $4)",
            )
            .bind(&id)
            .bind(SetupReason::NewAccount.as_str())
            .bind(admin)
            .bind(&now)
            .execute(&mut *tx)
            .await?;
        }
        // The new user is the subject of the creation event.
        Self::append_audit(&mut tx, &audit.about_user(&id)).await?;
        tx.commit().await?;
        Ok(User {
            id,
            organisation_id: new.organisation_id.clone(),
            username,
            display_name: new.display_name.clone(),
            role: new.role,
            active: true,
            totp_enabled: false,
            directory_editor: false,
            waiting_for_setup: setup_for.is_some(),
        })
    }

    /// The accounts of an organisation waiting to be set up, the oldest
    /// request first.
    pub async fn account_setups(&self, organisation_id: &str) -> Result<Vec<AccountSetup>> {
        let rows: Vec<SetupRow> = sqlx::query_as(
            "SELECT s.user_id, s.reason, s.requested_at, s.issued_at, s.expires_at \
                 FROM account_setups s JOIN users u ON u.id = s.user_id \
                 WHERE u.organisation_id = $1 ORDER BY s.requested_at, u.username",
        )
        .bind(organisation_id)
        .fetch_all(&self.pool)
        .await?;
        // The organisation's users in one more query, not one per row.
        let users = self.users_of(organisation_id).await?;
        let mut out = Vec::with_capacity(rows.len());
        for (user_id, reason, requested_at, issued_at, expires_at) in rows {
            let Some(user) = users.iter().find(|u| u.id == user_id).cloned() else {
                continue;
            };
            out.push(AccountSetup {
                user,
                reason: SetupReason::parse(&reason)?,
                requested_at: ts::from_db(&requested_at)?,
                issued_at: issued_at.as_deref().map(ts::from_db).transpose()?,
                expires_at: expires_at.as_deref().map(ts::from_db).transpose()?,
            });
        }
        Ok(out)
    }

    /// Keeps the hash of a new set-up code for an account waiting to be
    /// set up (it replaces an earlier code), with its audit row. NotFound
    /// when the account does not wait.
    pub async fn issue_setup_code(
        &self,
        user_id: &str,
        code_hash: &str,
        issued_by: Option<&str>,
        expires_at: DateTime<Utc>,
        audit: NewAuditEvent,
    ) -> Result<()> {
        let mut tx = self.write().await?;
        let done = sqlx::query(
            "UPDATE account_setups SET code_hash = $1, issued_by = $2, issued_at = $3, expires_at = $4 \
             WHERE user_id = $5",
        )
        .bind(code_hash)
        .bind(issued_by)
        .bind(ts::to_db(Utc::now()))
        .bind(ts::to_db(expires_at))
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Self::append_audit(&mut tx, &audit.about_user(user_id)).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Sets up an active account with its code (by hash, unexpired at
    /// `now`): the password becomes `password_hash`, the code is used up,
    /// the account's throttles (`throttle_keys`) are lifted, and the
    /// holder is audited as having done it. NotFound for any other code.
    pub async fn complete_setup(
        &self,
        username: &str,
        code_hash: &str,
        password_hash: &str,
        throttle_keys: &[&str],
        now: DateTime<Utc>,
    ) -> Result<User> {
        let mut tx = self.write().await?;
        let found: Option<(String,)> = sqlx::query_as(
            "SELECT u.id FROM account_setups s JOIN users u ON u.id = s.user_id \
             WHERE u.username = $1 AND s.code_hash = $2 AND s.expires_at > $3 AND u.active = 1",
        )
        .bind(normalise_username(username))
        .bind(code_hash)
        .bind(ts::to_db(now))
        .fetch_optional(&mut *tx)
        .await?;
        let Some((user_id,)) = found else {
            return Err(StoreError::NotFound);
        };
        sqlx::query("UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3")
            .bind(password_hash)
            .bind(ts::to_db(now))
            .bind(&user_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM account_setups WHERE user_id = $1")
            .bind(&user_id)
            .execute(&mut *tx)
            .await?;
        for key in throttle_keys {
            sqlx::query("DELETE FROM sign_in_throttle WHERE key = $1")
                .bind(*key)
                .execute(&mut *tx)
                .await?;
        }
        let row: UserRow = sqlx::query_as(
            "SELECT id, organisation_id, username, display_name, role, active, password_hash, \
                    totp_secret, totp_pending, totp_pending_for, totp_last_step, directory_editor \
             FROM users WHERE id = $1",
        )
        .bind(&user_id)
        .fetch_one(&mut *tx)
        .await?;
        let user = from_row(row)?.user;
        let audit = NewAuditEvent::new("user.setup.complete", AuditOutcome::Allowed)
            .by(&user.id, user.role, &user.organisation_id)
            .about_user(&user.id);
        Self::append_audit(&mut tx, &audit).await?;
        tx.commit().await?;
        Ok(user)
    }

    pub async fn user_credentials(&self, username: &str) -> Result<Option<UserCredentials>> {
        let row: Option<UserRow> = sqlx::query_as(
            "SELECT id, organisation_id, username, display_name, role, active, password_hash, \
                    totp_secret, totp_pending, totp_pending_for, totp_last_step, directory_editor \
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

    pub async fn user_credentials_by_id(&self, id: &str) -> Result<Option<UserCredentials>> {
        let row: Option<UserRow> = sqlx::query_as(
            "SELECT id, organisation_id, username, display_name, role, active, password_hash, \
                    totp_secret, totp_pending, totp_pending_for, totp_last_step, directory_editor \
             FROM users WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(from_row).transpose()
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
            "SELECT id, organisation_id, username, display_name, role, active, password_hash, \
                    totp_secret, totp_pending, totp_pending_for, totp_last_step, directory_editor \
             FROM users WHERE organisation_id = $1 ORDER BY display_name, username",
        )
        .bind(organisation_id)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|r| from_row(r).map(|c| c.user))
            .collect()
    }

    /// Keeps a second-factor secret being set up, for the one challenge or
    /// session (`owner`, a token hash) it is shown to; it replaces any other.
    pub async fn set_pending_second_factor(
        &self,
        user_id: &str,
        sealed: &str,
        owner: &str,
    ) -> Result<()> {
        let mut tx = self.write().await?;
        sqlx::query(
            "UPDATE users SET totp_pending = $1, totp_pending_for = $2 \
             WHERE id = $3 AND totp_secret IS NULL",
        )
        .bind(sealed)
        .bind(owner)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Records that a one-time code of time step `step` was used, if no
    /// code of that step or a later one was used before: atomic, so two
    /// requests with the same code cannot both succeed.
    pub async fn use_second_factor_step(&self, user_id: &str, step: i64) -> Result<bool> {
        let mut tx = self.write().await?;
        let done = sqlx::query(
            "UPDATE users SET totp_last_step = $1 WHERE id = $2 \
             AND totp_secret IS NOT NULL AND (totp_last_step IS NULL OR totp_last_step < $1)",
        )
        .bind(step)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(done.rows_affected() == 1)
    }

    /// Remembers the user's language for the interface.
    pub async fn set_user_language(&self, user_id: &str, code: &str) -> Result<()> {
        let mut tx = self.write().await?;
        sqlx::query("UPDATE users SET language = $1 WHERE id = $2")
            .bind(code)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The language the user chose, if any.
    pub async fn user_language(&self, user_id: &str) -> Result<Option<String>> {
        let row: Option<(Option<String>,)> =
            sqlx::query_as("SELECT language FROM users WHERE id = $1")
                .bind(user_id)
                .fetch_optional(&self.pool)
                .await?;
        Ok(row.and_then(|(l,)| l))
    }

    /// Changes a user, with its audit row, in one transaction: all or
    /// nothing. Deactivation ends all the user's sessions at once; a new
    /// password ends all but the session making the change, and may clear
    /// the account's sign-in throttle.
    pub async fn change_user(
        &self,
        user_id: &str,
        change: UserChange<'_>,
        audit: NewAuditEvent,
    ) -> Result<()> {
        let now = ts::to_db(Utc::now());
        let mut tx = self.write().await?;
        let update = match &change {
            UserChange::Active(active) => {
                sqlx::query("UPDATE users SET active = $1, updated_at = $2 WHERE id = $3")
                    .bind(*active as i64)
                    .bind(now.clone())
            }
            UserChange::DirectoryEditor(on) => sqlx::query(
                "UPDATE users SET directory_editor = $1, updated_at = $2 WHERE id = $3",
            )
            .bind(*on as i64)
            .bind(now.clone()),
            UserChange::Role(role) => {
                sqlx::query("UPDATE users SET role = $1, updated_at = $2 WHERE id = $3")
                    .bind(role.as_str())
                    .bind(now.clone())
            }
            UserChange::Password { hash, .. } => {
                sqlx::query("UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3")
                    .bind(*hash)
                    .bind(now.clone())
            }
            UserChange::RequireSetup { .. } => {
                sqlx::query("UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3")
                    .bind(NO_PASSWORD)
                    .bind(now.clone())
            }
            UserChange::ClearSecondFactor { .. } => sqlx::query(
                "UPDATE users SET totp_secret = NULL, totp_pending = NULL, totp_pending_for = NULL, \
                 totp_last_step = NULL, updated_at = $1 WHERE id = $2",
            )
            .bind(now.clone()),
            // Only the pending secret that was shown, and only once: a
            // second confirmation (a replayed code, another tab) finds no row.
            UserChange::EnableSecondFactor {
                sealed_secret,
                step,
                ..
            } => sqlx::query(
                "UPDATE users SET totp_secret = totp_pending, totp_pending = NULL, \
                 totp_pending_for = NULL, totp_last_step = $1, updated_at = $2 \
                 WHERE totp_pending = $3 AND totp_secret IS NULL AND id = $4",
            )
            .bind(*step)
            .bind(now.clone())
            .bind(*sealed_secret),
        }
        .bind(user_id);
        let done = update.execute(&mut *tx).await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        let end_sessions_but = match &change {
            UserChange::Active(false) | UserChange::RequireSetup { .. } => Some(""),
            UserChange::Password { keep_session, .. }
            | UserChange::ClearSecondFactor { keep_session }
            | UserChange::EnableSecondFactor { keep_session, .. } => {
                Some(keep_session.unwrap_or(""))
            }
            _ => None,
        };
        if let Some(keep) = end_sessions_but {
            sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND id <> $2")
                .bind(user_id)
                .bind(keep)
                .execute(&mut *tx)
                .await?;
        }
        // A sign-in half-way (password right, code not yet given) must
        // not outlive a change to the account's security: it would finish
        // with the old password, role or second factor.
        if !matches!(
            change,
            UserChange::EnableSecondFactor { .. } | UserChange::Active(true)
        ) {
            sqlx::query("DELETE FROM sign_in_challenges WHERE user_id = $1")
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
        }
        // A secret being set up was shown to someone who knew the old
        // password, or to a user now locked out: forget it.
        if matches!(
            change,
            UserChange::Password { .. }
                | UserChange::RequireSetup { .. }
                | UserChange::Active(false)
        ) {
            sqlx::query(
                "UPDATE users SET totp_pending = NULL, totp_pending_for = NULL WHERE id = $1",
            )
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        }
        if let UserChange::Password {
            clear_throttle: Some(key),
            ..
        } = &change
        {
            sqlx::query("DELETE FROM sign_in_throttle WHERE key = $1")
                .bind(*key)
                .execute(&mut *tx)
                .await?;
        }
        if let UserChange::RequireSetup { requested_by } = &change {
            // A new request replaces an earlier one and its code.
            sqlx::query("DELETE FROM account_setups WHERE user_id = $1")
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "INSERT INTO account_setups (user_id, reason, requested_by, requested_at) \
                 VALUES ($1, $2, $3, $4)",
            )
            .bind(user_id)
            .bind(SetupReason::PasswordReset.as_str())
            .bind(*requested_by)
            .bind(&now)
            .execute(&mut *tx)
            .await?;
        }
        Self::append_audit(&mut tx, &audit).await?;
        tx.commit().await?;
        Ok(())
    }
}

/// One change to a user, for [`Store::change_user`].
#[derive(Clone, Copy, Debug)]
pub enum UserChange<'a> {
    Active(bool),
    Role(Role),
    /// Designates the user an editor of the social map, or no longer.
    DirectoryEditor(bool),
    /// Turns the second factor off (lost phone, or the user's own choice);
    /// ends the user's sessions except `keep_session`.
    ClearSecondFactor {
        keep_session: Option<&'a str>,
    },
    /// Turns a confirmed second factor on, from the step of its first code.
    /// Ends the user's other sessions (all but `keep_session`).
    EnableSecondFactor {
        sealed_secret: &'a str,
        step: i64,
        keep_session: Option<&'a str>,
    },
    /// Takes the account's password away (an admin's reset of an account
    /// that reads cases): it waits for its holder to set it up with a code
    /// a supervisor makes. Ends all its sessions.
    RequireSetup {
        requested_by: Option<&'a str>,
    },
    Password {
        hash: &'a str,
        /// The session (by token hash) that stays: the user's own, when they
        /// change their password themselves.
        keep_session: Option<&'a str>,
        /// The account's throttle key, cleared when an admin sets a new
        /// password (so the user can sign in with it at once).
        clear_throttle: Option<&'a str>,
    },
}
