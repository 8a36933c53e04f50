//! What copying a database needs: a consistent copy of a live SQLite
//! database, its integrity check, and an inventory (rows per table and a
//! digest of the content) to compare a copy with its source, on either
//! engine.

use super::{Engine, Result, Store, StoreError};
use sha2::{Digest, Sha256};
use sqlx::Row;

/// Rows per table and a digest of every row, independent of row order and
/// of the engine's storage: two databases with the same inventory hold the
/// same data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Inventory {
    /// Each table, by name, with its number of rows.
    pub tables: Vec<(String, i64)>,
    /// SHA-256, hex, over the tables' names and their rows' digests.
    pub digest: String,
}

impl Inventory {
    pub fn rows(&self) -> i64 {
        self.tables.iter().map(|(_, n)| n).sum()
    }
}

impl Store {
    /// Writes a consistent copy of this SQLite database to `path` (which
    /// must not exist) while it is in use: `VACUUM INTO` reads one snapshot,
    /// so writes that go on meanwhile are either all in it or not at all.
    pub async fn copy_into(&self, path: &std::path::Path) -> Result<()> {
        if self.engine != Engine::Sqlite {
            return Err(StoreError::BadUrl(
                "online copies are for SQLite; use pg_dump for PostgreSQL",
            ));
        }
        let path = path
            .to_str()
            .ok_or(StoreError::BadUrl("the copy's path is not UTF-8"))?;
        sqlx::query("VACUUM INTO $1")
            .bind(path)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// SQLite's `PRAGMA integrity_check`: "ok", or what is wrong.
    pub async fn integrity_check(&self) -> Result<String> {
        if self.engine != Engine::Sqlite {
            return Ok("ok".into());
        }
        let rows = sqlx::query("PRAGMA integrity_check")
            .fetch_all(&self.pool)
            .await?;
        let found: Vec<String> = rows
            .iter()
            .map(|r| r.try_get::<String, _>(0))
            .collect::<std::result::Result<_, _>>()?;
        Ok(found.join("; "))
    }

    /// Every table with its rows counted and digested.
    pub async fn inventory(&self) -> Result<Inventory> {
        let list = match self.engine {
            Engine::Sqlite => {
                "SELECT name FROM sqlite_master WHERE type = 'table' \
                 AND name NOT LIKE 'sqlite_%' ORDER BY name"
            }
            Engine::Postgres => {
                "SELECT table_name::text FROM information_schema.tables \
                 WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' \
                 ORDER BY table_name"
            }
        };
        let names: Vec<(String,)> = sqlx::query_as(list).fetch_all(&self.pool).await?;
        let mut all = Sha256::new();
        let mut tables = Vec::with_capacity(names.len());
        for (name,) in names {
            let columns = self.columns(&name).await?;
            // Every value as an SQL literal, so that each column reads as
            // text whatever its type (the Any driver knows few types).
            let values: Vec<String> = columns
                .iter()
                .map(|c| match self.engine {
                    Engine::Sqlite => format!("quote({c})"),
                    Engine::Postgres => format!("quote_nullable({c}::text)"),
                })
                .collect();
            let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
                "SELECT {} FROM {name}",
                values.join(", ")
            )))
            .fetch_all(&self.pool)
            .await?;
            let mut digests = Vec::with_capacity(rows.len());
            for row in &rows {
                let mut h = Sha256::new();
                for (i, column) in columns.iter().enumerate() {
                    let value: String = row.try_get(i)?;
                    h.update(column.as_bytes());
                    h.update([0]);
                    h.update((value.len() as u64).to_be_bytes());
                    h.update(value.as_bytes());
                }
                digests.push(<[u8; 32]>::from(h.finalize()));
            }
            digests.sort_unstable();
            all.update(name.as_bytes());
            all.update((digests.len() as u64).to_be_bytes());
            for d in &digests {
                all.update(d);
            }
            tables.push((name, digests.len() as i64));
        }
        Ok(Inventory {
            tables,
            digest: hex::encode(all.finalize()),
        })
    }
}

impl Store {
    /// The columns of a table, in order (names checked to be plain).
    async fn columns(&self, table: &str) -> Result<Vec<String>> {
        if !plain(table) {
            return Err(StoreError::Corrupt("a table name"));
        }
        let query = match self.engine {
            Engine::Sqlite => "SELECT name FROM pragma_table_info($1) ORDER BY cid",
            Engine::Postgres => {
                "SELECT column_name::text FROM information_schema.columns \
                 WHERE table_schema = current_schema() AND table_name = $1 \
                 ORDER BY ordinal_position"
            }
        };
        let names: Vec<(String,)> = sqlx::query_as(query)
            .bind(table)
            .fetch_all(&self.pool)
            .await?;
        let names: Vec<String> = names.into_iter().map(|(n,)| n).collect();
        if names.iter().any(|n| !plain(n)) {
            return Err(StoreError::Corrupt("a column name"));
        }
        Ok(names)
    }
}

/// A name of letters, digits and underscores (safe in a query).
fn plain(name: &str) -> bool {
    !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}
