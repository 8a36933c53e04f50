use super::{new_id, taken, ts, Result, Store, StoreError};
use crate::domain::clock::Clock;
use crate::domain::OrgKind;
use chrono::Utc;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Organisation {
    pub id: String,
    pub name: String,
    pub kind: OrgKind,
    /// ISO 3166-1 alpha-2.
    pub country: String,
    /// Demo data, clearly marked in the UI.
    pub is_demo: bool,
    /// The clock its plans are reckoned on (its time zone).
    pub clock: Clock,
    /// How many months it keeps a closed plan before it is due for erasure.
    pub retention_months: u32,
}

#[derive(Clone, Debug)]
pub struct NewOrganisation {
    pub name: String,
    pub kind: OrgKind,
    pub country: String,
    pub is_demo: bool,
}

type OrgRow = (String, String, String, String, i64, String, i64);

macro_rules! org_columns {
    () => {
        "id, name, kind, country, is_demo, time_zone, retention_months"
    };
}

fn from_row((id, name, kind, country, is_demo, zone, retention): OrgRow) -> Result<Organisation> {
    Ok(Organisation {
        id,
        name,
        kind: kind
            .parse()
            .map_err(|_| StoreError::Corrupt("organisations.kind"))?,
        country,
        is_demo: is_demo != 0,
        clock: clock_of(&zone)?,
        retention_months: u32::try_from(retention)
            .map_err(|_| StoreError::Corrupt("organisations.retention_months"))?,
    })
}

/// The clock of a stored time zone (one the store does not know is
/// corrupt data, never silently another zone).
pub(super) fn clock_of(zone: &str) -> Result<Clock> {
    Clock::named(zone).ok_or(StoreError::Corrupt("organisations.time_zone"))
}

impl Store {
    pub async fn create_organisation(&self, new: &NewOrganisation) -> Result<Organisation> {
        let id = new_id();
        let mut tx = self.write().await?;
        sqlx::query(
            "INSERT INTO organisations (id, name, kind, country, is_demo, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&id)
        .bind(&new.name)
        .bind(new.kind.as_str())
        .bind(&new.country)
        .bind(new.is_demo as i64)
        .bind(ts::to_db(Utc::now()))
        .execute(&mut *tx)
        .await
        .map_err(|e| taken(e, "organisation name"))?;
        tx.commit().await?;
        Ok(Organisation {
            id,
            name: new.name.clone(),
            kind: new.kind,
            country: new.country.clone(),
            is_demo: new.is_demo,
            clock: Clock::default(),
            retention_months: crate::domain::lifecycle::DEFAULT_RETENTION_MONTHS,
        })
    }

    pub async fn organisation_by_name(&self, name: &str) -> Result<Option<Organisation>> {
        let row: Option<OrgRow> = sqlx::query_as(concat!(
            "SELECT ",
            org_columns!(),
            " FROM organisations WHERE name = $1"
        ))
        .bind(name)
        .fetch_optional(&self.pool)
        .await?;
        row.map(from_row).transpose()
    }

    pub async fn organisation(&self, id: &str) -> Result<Option<Organisation>> {
        let row: Option<OrgRow> = sqlx::query_as(concat!(
            "SELECT ",
            org_columns!(),
            " FROM organisations WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(from_row).transpose()
    }

    /// The organisations of one kind (e.g. the IOM missions a plan can be
    /// handed to), by name.
    pub async fn organisations_of_kind(&self, kind: OrgKind) -> Result<Vec<Organisation>> {
        let rows: Vec<OrgRow> = sqlx::query_as(concat!(
            "SELECT ",
            org_columns!(),
            " FROM organisations WHERE kind = $1 ORDER BY name"
        ))
        .bind(kind.as_str())
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(from_row).collect()
    }

    /// Returns the organisation with this name, creating it when missing.
    pub async fn ensure_organisation(&self, new: &NewOrganisation) -> Result<Organisation> {
        if let Some(org) = self.organisation_by_name(&new.name).await? {
            return Ok(org);
        }
        match self.create_organisation(new).await {
            // Another instance created it meanwhile.
            Err(StoreError::Taken(_)) => self
                .organisation_by_name(&new.name)
                .await?
                .ok_or(StoreError::NotFound),
            other => other,
        }
    }

    /// The clock of an organisation (its time zone); the default for one
    /// that does not exist (an organisation is never deleted).
    pub async fn organisation_clock(&self, id: &str) -> Result<Clock> {
        let zone: Option<(String,)> =
            sqlx::query_as("SELECT time_zone FROM organisations WHERE id = $1")
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
        zone.map_or(Ok(Clock::default()), |(z,)| clock_of(&z))
    }

    /// Sets the time zone an organisation's plans are reckoned in, with
    /// its audit row in the same transaction.
    pub async fn set_organisation_clock(
        &self,
        id: &str,
        clock: Clock,
        audit: super::NewAuditEvent,
    ) -> Result<()> {
        let mut tx = self.write().await?;
        let done = sqlx::query("UPDATE organisations SET time_zone = $1 WHERE id = $2")
            .bind(clock.zone_name())
            .bind(id)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Self::append_audit(&mut tx, &audit).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Sets how many months an organisation keeps a closed plan, with its
    /// audit row in the same transaction.
    pub async fn set_organisation_retention(
        &self,
        id: &str,
        months: u32,
        audit: super::NewAuditEvent,
    ) -> Result<()> {
        let mut tx = self.write().await?;
        let done = sqlx::query("UPDATE organisations SET retention_months = $1 WHERE id = $2")
            .bind(i64::from(months))
            .bind(id)
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
