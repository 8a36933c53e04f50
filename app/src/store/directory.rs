//! The social map's entries (issue #7): each kept whole as JSON with a
//! version, every version kept in `directory_versions`, each change written
//! with its version row and its audit row in one transaction. An import
//! is one transaction: all entries or none.

use super::{new_id, ts, NewAuditEvent, Result, Store, StoreError};
use crate::domain::directory::{EntryProblem, ImportRow, Organisation};
use chrono::{DateTime, Utc};

/// How saving an entry went.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DirectorySave {
    Saved {
        version: i64,
    },
    /// Someone saved it since `base_version` (or, for a new entry, the id
    /// is taken): nothing was written.
    Conflict {
        current: i64,
    },
}

/// What an import did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ImportCounts {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
}

/// How an import went.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ImportOutcome {
    Imported(ImportCounts),
    /// Rows that would change an organisation without the version it has
    /// now (`row`, and why): nothing was written.
    Refused(Vec<(usize, EntryProblem)>),
}

/// A suggested new entry or correction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suggestion {
    pub id: String,
    pub entry_id: String,
    /// The entry's version the suggester read (0: a new entry).
    pub base_version: i64,
    pub entry: Organisation,
    pub note: String,
    pub by_user: String,
    pub at: DateTime<Utc>,
    /// pending, accepted, rejected.
    pub state: String,
    pub decided_by: Option<String>,
    pub reason: String,
}

/// How deciding on a suggestion went.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SuggestionDecision {
    /// Accepted and written as the entry's `version`, or rejected.
    Done { version: Option<i64> },
    /// Already decided, or unknown.
    NotPending,
    /// The entry changed since the editor read it: nothing written.
    Conflict,
}

/// One version of an entry, for its history.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DirectoryVersion {
    pub version: i64,
    /// create, edit, verify, archive, import, seed.
    pub change: String,
    pub at: DateTime<Utc>,
    pub by_user: Option<String>,
    pub entry: Organisation,
}

fn entry_of(body: &str) -> Result<Organisation> {
    serde_json::from_str(body).map_err(|_| StoreError::Corrupt("directory_entries.body"))
}

fn body_of(entry: &Organisation) -> Result<String> {
    serde_json::to_string(entry).map_err(|_| StoreError::Corrupt("directory entry"))
}

/// A query of suggestions' rows (as [`SuggestionRow`]), the rest given.
macro_rules! select_suggestions {
    ($rest:literal) => {
        concat!(
            "SELECT id, entry_id, base_version, body, note, by_user, at, state, decided_by, reason \
             FROM directory_suggestions ",
            $rest
        )
    };
}

/// Counts pending suggestions, the rest of the condition given.
macro_rules! count_pending {
    ($rest:literal) => {
        concat!(
            "SELECT COUNT(*) FROM directory_suggestions WHERE state = 'pending'",
            $rest
        )
    };
}

type SuggestionRow = (
    String,
    String,
    i64,
    String,
    String,
    String,
    String,
    String,
    Option<String>,
    String,
);

fn suggestion_of(
    (id, entry_id, base_version, body, note, by_user, at, state, decided_by, reason): SuggestionRow,
) -> Result<Suggestion> {
    Ok(Suggestion {
        id,
        entry_id,
        base_version,
        entry: entry_of(&body)?,
        note,
        by_user,
        at: ts::from_db(&at)?,
        state,
        decided_by,
        reason,
    })
}

impl Store {
    /// Every entry with its version, archived ones included, by name.
    pub async fn directory_entries(&self) -> Result<Vec<(Organisation, i64)>> {
        let rows: Vec<(String, i64)> =
            sqlx::query_as("SELECT body, version FROM directory_entries ORDER BY name, id")
                .fetch_all(&self.pool)
                .await?;
        rows.into_iter()
            .map(|(body, v)| Ok((entry_of(&body)?, v)))
            .collect()
    }

    pub async fn directory_entry(&self, id: &str) -> Result<Option<(Organisation, i64)>> {
        let row: Option<(String, i64)> =
            sqlx::query_as("SELECT body, version FROM directory_entries WHERE id = $1")
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
        row.map(|(body, v)| Ok((entry_of(&body)?, v))).transpose()
    }

    /// The entries with these ids (in no particular order; unknown ids
    /// are left out), in one query.
    pub async fn directory_entries_with_ids(
        &self,
        ids: &[&str],
    ) -> Result<Vec<(Organisation, i64)>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        // Only placeholders are formatted into the text; the ids are bound.
        let placeholders: Vec<String> = (1..=ids.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "SELECT body, version FROM directory_entries WHERE id IN ({})",
            placeholders.join(", ")
        );
        let mut q = sqlx::query_as::<_, (String, i64)>(sqlx::AssertSqlSafe(sql));
        for id in ids {
            q = q.bind(*id);
        }
        q.fetch_all(&self.pool)
            .await?
            .into_iter()
            .map(|(body, v)| Ok((entry_of(&body)?, v)))
            .collect()
    }

    /// Writes one entry inside `tx`: a new one at version 1 when
    /// `base_version` is 0, else the next version if it is still at
    /// `base_version`. `None`: not written.
    async fn put_entry(
        tx: &mut sqlx::Transaction<'static, sqlx::Any>,
        entry: &Organisation,
        base_version: i64,
        change: &str,
        by: Option<&str>,
        at: &str,
    ) -> Result<Option<i64>> {
        let body = body_of(entry)?;
        let written = if base_version == 0 {
            sqlx::query(
                "INSERT INTO directory_entries (id, version, body, name, country, archived, updated_at, updated_by) \
                 SELECT $1, 1, $2, $3, $4, $5, $6, $7 WHERE NOT EXISTS (SELECT 1 FROM directory_entries WHERE id = $1)",
            )
            .bind(&entry.id)
            .bind(&body)
            .bind(&entry.name)
            .bind(&entry.country)
            .bind(entry.archived as i64)
            .bind(at)
            .bind(by)
            .execute(&mut **tx)
            .await?
            .rows_affected()
        } else {
            sqlx::query(
                "UPDATE directory_entries SET version = version + 1, body = $1, name = $2, country = $3, \
                 archived = $4, updated_at = $5, updated_by = $6 WHERE id = $7 AND version = $8",
            )
            .bind(&body)
            .bind(&entry.name)
            .bind(&entry.country)
            .bind(entry.archived as i64)
            .bind(at)
            .bind(by)
            .bind(&entry.id)
            .bind(base_version)
            .execute(&mut **tx)
            .await?
            .rows_affected()
        };
        if written == 0 {
            return Ok(None);
        }
        let version = base_version + 1;
        sqlx::query(
            "INSERT INTO directory_versions (entry_id, version, body, change, at, by_user) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&entry.id)
        .bind(version)
        .bind(&body)
        .bind(change)
        .bind(at)
        .bind(by)
        .execute(&mut **tx)
        .await?;
        Ok(Some(version))
    }

    /// Saves one entry from `base_version` (0: a new one), with its
    /// version row and audit row, or nothing on a conflict.
    pub async fn save_directory_entry(
        &self,
        entry: &Organisation,
        base_version: i64,
        change: &str,
        by: &str,
        at: DateTime<Utc>,
        audit: &NewAuditEvent,
    ) -> Result<DirectorySave> {
        let mut tx = self.write().await?;
        match Self::put_entry(
            &mut tx,
            entry,
            base_version,
            change,
            Some(by),
            &ts::to_db(at),
        )
        .await?
        {
            Some(version) => {
                Self::append_audit(&mut tx, audit).await?;
                tx.commit().await?;
                Ok(DirectorySave::Saved { version })
            }
            None => {
                tx.rollback().await?;
                let current = self.directory_entry(&entry.id).await?.map_or(0, |(_, v)| v);
                Ok(DirectorySave::Conflict { current })
            }
        }
    }

    /// Writes an import in one transaction with one audit row: all or
    /// none. New ids are created; rows equal to their entry, or to the
    /// entry as it was at the row's version (not edited in the file), are
    /// left alone; a row edited in the file needs the version its entry
    /// has now, else nothing is written and every such row is returned, so
    /// that an older file cannot undo later edits.
    pub async fn import_directory(
        &self,
        rows: &[ImportRow],
        by: &str,
        at: DateTime<Utc>,
        audit: &NewAuditEvent,
    ) -> Result<ImportOutcome> {
        let at = ts::to_db(at);
        let mut tx = self.write().await?;
        let mut counts = ImportCounts::default();
        let mut refused = Vec::new();
        for r in rows {
            let current: Option<(i64, String)> =
                sqlx::query_as("SELECT version, body FROM directory_entries WHERE id = $1")
                    .bind(&r.entry.id)
                    .fetch_optional(&mut *tx)
                    .await?;
            let base = match current {
                Some((_, body)) if entry_of(&body)? == r.entry => {
                    counts.unchanged += 1;
                    continue;
                }
                Some((v, _)) if r.version == Some(v) => {
                    counts.updated += 1;
                    v
                }
                // The row is as the entry was at the version it was
                // exported at: nobody edited it in the file, and the later
                // change in the map stays.
                Some(_) if Self::exported_as(&mut tx, r).await? => {
                    counts.unchanged += 1;
                    continue;
                }
                Some(_) => {
                    refused.push((
                        r.row,
                        if r.version.is_none() {
                            EntryProblem::VersionMissing
                        } else {
                            EntryProblem::ChangedSinceExport
                        },
                    ));
                    continue;
                }
                None => {
                    counts.created += 1;
                    0
                }
            };
            // Written only if still at `base`: another writer between the
            // read and this write (PostgreSQL) refuses the row as well.
            if Self::put_entry(&mut tx, &r.entry, base, "import", Some(by), &at)
                .await?
                .is_none()
            {
                refused.push((r.row, EntryProblem::ChangedSinceExport));
            }
        }
        if !refused.is_empty() {
            tx.rollback().await?;
            return Ok(ImportOutcome::Refused(refused));
        }
        Self::append_audit(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(ImportOutcome::Imported(counts))
    }

    /// Whether an import row equals its entry as it was at the row's
    /// version (the one it was exported at).
    async fn exported_as(
        tx: &mut sqlx::Transaction<'static, sqlx::Any>,
        r: &ImportRow,
    ) -> Result<bool> {
        let Some(version) = r.version else {
            return Ok(false);
        };
        let body: Option<(String,)> = sqlx::query_as(
            "SELECT body FROM directory_versions WHERE entry_id = $1 AND version = $2",
        )
        .bind(&r.entry.id)
        .bind(version)
        .fetch_optional(&mut **tx)
        .await?;
        match body {
            Some((body,)) => Ok(entry_of(&body)? == r.entry),
            None => Ok(false),
        }
    }

    /// Puts the first entries in an empty map (first start, demo); a map
    /// that has any entry is left alone. Returns how many were added.
    pub async fn seed_directory(
        &self,
        entries: &[Organisation],
        at: DateTime<Utc>,
    ) -> Result<usize> {
        let at = ts::to_db(at);
        let mut tx = self.write().await?;
        let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM directory_entries")
            .fetch_one(&mut *tx)
            .await?;
        if n > 0 {
            tx.rollback().await?;
            return Ok(0);
        }
        for entry in entries {
            Self::put_entry(&mut tx, entry, 0, "seed", None, &at).await?;
        }
        tx.commit().await?;
        Ok(entries.len())
    }

    /// An entry's versions, the latest first.
    pub async fn directory_versions(&self, id: &str) -> Result<Vec<DirectoryVersion>> {
        let rows: Vec<(i64, String, String, String, Option<String>)> = sqlx::query_as(
            "SELECT version, change, at, body, by_user FROM directory_versions \
             WHERE entry_id = $1 ORDER BY version DESC",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(version, change, at, body, by_user)| {
                Ok(DirectoryVersion {
                    version,
                    change,
                    at: ts::from_db(&at)?,
                    by_user,
                    entry: entry_of(&body)?,
                })
            })
            .collect()
    }

    /// Keeps a suggestion (pending) with its audit row.
    pub async fn add_suggestion(
        &self,
        entry: &Organisation,
        base_version: i64,
        note: &str,
        by: &str,
        at: DateTime<Utc>,
        audit: &NewAuditEvent,
    ) -> Result<String> {
        let id = new_id();
        let mut tx = self.write().await?;
        sqlx::query(
            "INSERT INTO directory_suggestions (id, entry_id, base_version, body, note, by_user, at, state) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending')",
        )
        .bind(&id)
        .bind(&entry.id)
        .bind(base_version)
        .bind(body_of(entry)?)
        .bind(note)
        .bind(by)
        .bind(ts::to_db(at))
        .execute(&mut *tx)
        .await?;
        Self::append_audit(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Suggestions waiting for an editor (the oldest first), or those
    /// about one entry (all states, the latest first).
    pub async fn suggestions(&self, entry_id: Option<&str>) -> Result<Vec<Suggestion>> {
        let rows: Vec<SuggestionRow> = match entry_id {
            None => {
                sqlx::query_as(select_suggestions!(
                    "WHERE state = 'pending' ORDER BY at, id"
                ))
                .fetch_all(&self.pool)
                .await?
            }
            Some(e) => {
                sqlx::query_as(select_suggestions!(
                    "WHERE entry_id = $1 ORDER BY at DESC, id"
                ))
                .bind(e)
                .fetch_all(&self.pool)
                .await?
            }
        };
        rows.into_iter().map(suggestion_of).collect()
    }

    /// One suggestion, whatever its state.
    pub async fn suggestion(&self, id: &str) -> Result<Option<Suggestion>> {
        let row: Option<SuggestionRow> = sqlx::query_as(select_suggestions!("WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.map(suggestion_of).transpose()
    }

    /// How many suggestions wait for an editor: all of them, or those
    /// about one entry.
    pub async fn pending_suggestions(&self, entry_id: Option<&str>) -> Result<i64> {
        let (n,): (i64,) = match entry_id {
            None => {
                sqlx::query_as(count_pending!(""))
                    .fetch_one(&self.pool)
                    .await?
            }
            Some(e) => {
                sqlx::query_as(count_pending!(" AND entry_id = $1"))
                    .bind(e)
                    .fetch_one(&self.pool)
                    .await?
            }
        };
        Ok(n)
    }

    /// An editor accepts a pending suggestion — `accept` is the entry to
    /// write (as suggested, or as the editor amended it) over the entry's
    /// `base_version` that the editor read — or rejects it (`None`) with
    /// `reason`. One transaction with its audit row: the suggestion is
    /// decided only if the entry is written.
    #[allow(clippy::too_many_arguments)]
    pub async fn decide_suggestion(
        &self,
        id: &str,
        accept: Option<(&Organisation, i64)>,
        reason: &str,
        by: &str,
        at: DateTime<Utc>,
        audit: &NewAuditEvent,
    ) -> Result<SuggestionDecision> {
        let at = ts::to_db(at);
        let mut tx = self.write().await?;
        let state = if accept.is_some() {
            "accepted"
        } else {
            "rejected"
        };
        let done = sqlx::query(
            "UPDATE directory_suggestions SET state = $1, decided_by = $2, decided_at = $3, reason = $4 \
             WHERE id = $5 AND state = 'pending'",
        )
        .bind(state)
        .bind(by)
        .bind(&at)
        .bind(reason)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            tx.rollback().await?;
            return Ok(SuggestionDecision::NotPending);
        }
        let version = match accept {
            None => None,
            Some((entry, base)) => {
                let change = if base == 0 {
                    "suggestion.create"
                } else {
                    "suggestion.edit"
                };
                match Self::put_entry(&mut tx, entry, base, change, Some(by), &at).await? {
                    Some(v) => Some(v),
                    None => {
                        tx.rollback().await?;
                        return Ok(SuggestionDecision::Conflict);
                    }
                }
            }
        };
        Self::append_audit(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(SuggestionDecision::Done { version })
    }
}
