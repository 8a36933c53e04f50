//! Cases and their sections. Each section is saved on its own with a
//! version check (`UPDATE … WHERE version = $base`): a save that started
//! from an older version changes nothing and returns the current one, so
//! nothing is ever overwritten silently. The audit row and the case's
//! summary are written in the same transaction as the section.

use super::{new_id, taken, ts, NewAuditEvent, Result, Store, StoreError};
use crate::domain::case::CaseCode;
use chrono::{DateTime, Utc};
use sqlx::{Any, Transaction};

/// A case as the caseload lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaseRecord {
    pub id: String,
    pub code: CaseCode,
    pub organisation_id: String,
    pub owner_id: String,
    pub owner_name: String,
    pub alias: String,
    pub nationality: Option<String>,
    /// `domain::case::Birth` as JSON.
    pub birth: String,
    pub summary: CaseSummary,
    /// Its pauses, withdrawal and closure
    /// (`domain::lifecycle::Lifecycle` as JSON).
    pub life: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// What a case's summary is worked out from besides its sections, as it
/// stands in the transaction that changes the case.
#[derive(Clone, Copy, Debug)]
pub struct CaseNow<'a> {
    /// The IOM mission holding the case (its active handover).
    pub mission: Option<&'a str>,
    /// Its life's moves (`domain::lifecycle::Lifecycle` as JSON).
    pub life: &'a str,
}

/// What the caseload shows of a case's progress (computed from the
/// sections by the application).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CaseSummary {
    pub alias: String,
    pub nationality: Option<String>,
    pub birth: String,
    pub stage: String,
    pub risk_level: Option<String>,
    pub next_milestone: Option<String>,
    /// YYYY-MM-DD.
    pub next_due: Option<String>,
    pub ready_for_handover: bool,
    /// The dates and outcomes the dashboard counts (YYYY-MM-DD; slugs).
    pub first_contact_on: Option<String>,
    pub screened_on: Option<String>,
    pub screening: Option<String>,
    pub decided_on: Option<String>,
    pub decision: Option<String>,
    pub departure_on: Option<String>,
    pub departed_on: Option<String>,
    pub arrived_on: Option<String>,
    /// A high-risk return waits for a supervisor's approval.
    pub awaiting_approval: bool,
    /// The day the plan was closed (the retention clock's start).
    pub closed_on: Option<String>,
    /// The next follow-up contact after return not recorded yet
    /// (YYYY-MM-DD), and the latest sustainability score (0–1).
    pub follow_up_due: Option<String>,
    pub follow_up_score: Option<String>,
}

/// A stored section.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SectionRecord {
    pub section: String,
    pub version: i64,
    pub body: String,
    pub updated_at: DateTime<Utc>,
    pub updated_by: String,
    pub updated_by_name: String,
}

#[derive(Clone, Debug)]
pub struct NewCase {
    pub code: CaseCode,
    pub organisation_id: String,
    pub owner_id: String,
    pub summary: CaseSummary,
    /// The first section (the client's first contact).
    pub section: String,
    pub body: String,
    pub at: DateTime<Utc>,
}

/// The outcome of saving a section.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SaveOutcome {
    Saved {
        version: i64,
    },
    /// Someone saved this section since `base_version`: nothing was
    /// written; this is what is stored now.
    Conflict(SectionRecord),
}

/// Filters for [`Store::case_page`].
#[derive(Clone, Debug, Default)]
pub struct CaseQuery {
    pub organisation_id: String,
    /// Only the cases this user owns.
    pub owner_id: Option<String>,
    /// Matches the start of the code or any part of the alias (folded).
    pub text: Option<String>,
    pub stage: Option<String>,
    pub risk_level: Option<String>,
    /// "overdue" (next milestone before `today`) or "soon" (within 14
    /// days); "follow_up_overdue" or "follow_up_soon": the same of the next
    /// follow-up contact after return.
    pub due: Option<String>,
    pub today: Option<String>,
    /// Only high-risk returns waiting for approval.
    pub awaiting_approval: bool,
    /// Only the cases with this event in this month (YYYY-MM): "intake",
    /// "screening" (signs of trafficking), "stay", "return", "onward" (a
    /// decision), "departure" or "arrival" — the dashboard's trends.
    pub event_in_month: Option<(String, String)>,
    /// Zero-based.
    pub page: i64,
    pub page_size: i64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CasePage {
    pub cases: Vec<CaseRecord>,
    pub has_more: bool,
    pub total: i64,
}

#[derive(sqlx::FromRow)]
struct CaseRow {
    id: String,
    code: String,
    organisation_id: String,
    owner_id: String,
    owner_name: String,
    alias: String,
    nationality: Option<String>,
    birth: String,
    stage: String,
    risk_level: Option<String>,
    next_milestone: Option<String>,
    next_due: Option<String>,
    ready_for_handover: i64,
    first_contact_on: Option<String>,
    screened_on: Option<String>,
    screening: Option<String>,
    decided_on: Option<String>,
    decision: Option<String>,
    departure_on: Option<String>,
    departed_on: Option<String>,
    arrived_on: Option<String>,
    awaiting_approval: i64,
    closed_on: Option<String>,
    follow_up_due: Option<String>,
    follow_up_score: Option<String>,
    life: String,
    created_at: String,
    updated_at: String,
}

macro_rules! case_columns {
    () => {
        "c.id, c.code, c.organisation_id, c.owner_id, u.display_name AS owner_name, c.alias, \
         c.nationality, c.birth, c.stage, c.risk_level, c.next_milestone, c.next_due, \
         c.ready_for_handover, c.first_contact_on, c.screened_on, c.screening, c.decided_on, \
         c.decision, c.departure_on, c.departed_on, c.arrived_on, c.awaiting_approval, \
         c.closed_on, c.follow_up_due, c.follow_up_score, c.life, c.created_at, c.updated_at"
    };
}

fn case_from_row(r: CaseRow) -> Result<CaseRecord> {
    Ok(CaseRecord {
        id: r.id,
        code: CaseCode::parse(&r.code).ok_or(StoreError::Corrupt("cases.code"))?,
        organisation_id: r.organisation_id,
        owner_id: r.owner_id,
        owner_name: r.owner_name,
        alias: r.alias.clone(),
        nationality: r.nationality.clone(),
        birth: r.birth.clone(),
        summary: CaseSummary {
            alias: r.alias,
            nationality: r.nationality,
            birth: r.birth,
            stage: r.stage,
            risk_level: r.risk_level,
            next_milestone: r.next_milestone,
            next_due: r.next_due,
            ready_for_handover: r.ready_for_handover != 0,
            first_contact_on: r.first_contact_on,
            screened_on: r.screened_on,
            screening: r.screening,
            decided_on: r.decided_on,
            decision: r.decision,
            departure_on: r.departure_on,
            departed_on: r.departed_on,
            arrived_on: r.arrived_on,
            awaiting_approval: r.awaiting_approval != 0,
            closed_on: r.closed_on,
            follow_up_due: r.follow_up_due,
            follow_up_score: r.follow_up_score,
        },
        life: r.life,
        created_at: ts::from_db(&r.created_at)?,
        updated_at: ts::from_db(&r.updated_at)?,
    })
}

type SectionRow = (String, i64, String, String, String, String);

fn section_from_row(r: SectionRow) -> Result<SectionRecord> {
    Ok(SectionRecord {
        section: r.0,
        version: r.1,
        body: r.2,
        updated_at: ts::from_db(&r.3)?,
        updated_by: r.4,
        updated_by_name: r.5,
    })
}

/// Every section of a case (`$1`), with the name of who saved it last.
const SECTIONS_OF_CASE: &str =
    "SELECT s.section, s.version, s.body, s.updated_at, s.updated_by, u.display_name \
     FROM case_sections s JOIN users u ON u.id = s.updated_by \
     WHERE s.case_id = $1 ORDER BY s.section";

/// `text` with LIKE's wildcards escaped (escape character `\`).
fn like_escaped(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// The IOM mission holding the case now (its active handover), read in `tx`.
pub(super) async fn active_mission(
    tx: &mut Transaction<'static, Any>,
    case_id: &str,
) -> Result<Option<String>> {
    let row: Option<(String,)> = sqlx::query_as(
        "SELECT mission_id FROM handovers WHERE case_id = $1 \
         AND status IN ('new', 'needs_information', 'accepted')",
    )
    .bind(case_id)
    .fetch_optional(&mut **tx)
    .await?;
    Ok(row.map(|(m,)| m))
}

/// Keeps every section of a case as it stands, with why (`reason`).
pub(super) async fn snapshot(
    tx: &mut Transaction<'static, Any>,
    case_id: &str,
    at: &str,
    reason: &str,
    stage: &str,
    by: &str,
    sections: &[SectionRecord],
) -> Result<()> {
    let mut body = serde_json::Map::new();
    for s in sections {
        let value: serde_json::Value =
            serde_json::from_str(&s.body).map_err(|_| StoreError::Corrupt("case_sections.body"))?;
        body.insert(
            s.section.clone(),
            serde_json::json!({ "version": s.version, "body": value }),
        );
    }
    sqlx::query(
        "INSERT INTO case_snapshots (id, case_id, at, reason, stage, by_user, body) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(new_id())
    .bind(case_id)
    .bind(at)
    .bind(reason)
    .bind(stage)
    .bind(by)
    .bind(serde_json::Value::Object(body).to_string())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Every section of a case, read in `tx`.
pub(super) async fn sections_in(
    tx: &mut Transaction<'static, Any>,
    case_id: &str,
) -> Result<Vec<SectionRecord>> {
    let rows: Vec<SectionRow> = sqlx::query_as(SECTIONS_OF_CASE)
        .bind(case_id)
        .fetch_all(&mut **tx)
        .await?;
    rows.into_iter().map(section_from_row).collect()
}

/// Writes a case's summary (and its last activity) in `tx`.
pub(super) async fn write_summary(
    tx: &mut Transaction<'static, Any>,
    case_id: &str,
    s: &CaseSummary,
    at: &str,
) -> Result<()> {
    sqlx::query(
        "UPDATE cases SET alias = $1, alias_folded = $2, nationality = $3, birth = $4, stage = $5, \
         risk_level = $6, next_milestone = $7, next_due = $8, ready_for_handover = $9, \
         first_contact_on = $10, screened_on = $11, screening = $12, decided_on = $13, decision = $14, \
         departure_on = $15, departed_on = $16, arrived_on = $17, awaiting_approval = $18, \
         updated_at = $19, closed_on = $21, follow_up_due = $22, follow_up_score = $23 WHERE id = $20",
    )
    .bind(&s.alias)
    .bind(crate::domain::case::fold(&s.alias))
    .bind(s.nationality.clone())
    .bind(&s.birth)
    .bind(&s.stage)
    .bind(s.risk_level.clone())
    .bind(s.next_milestone.clone())
    .bind(s.next_due.clone())
    .bind(s.ready_for_handover as i64)
    .bind(s.first_contact_on.clone())
    .bind(s.screened_on.clone())
    .bind(s.screening.clone())
    .bind(s.decided_on.clone())
    .bind(s.decision.clone())
    .bind(s.departure_on.clone())
    .bind(s.departed_on.clone())
    .bind(s.arrived_on.clone())
    .bind(s.awaiting_approval as i64)
    .bind(at)
    .bind(case_id)
    .bind(s.closed_on.clone())
    .bind(s.follow_up_due.clone())
    .bind(s.follow_up_score.clone())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

impl Store {
    /// Creates a case with its first section. A code already taken (one in
    /// a few billion) is [`StoreError::Taken`]; the caller draws another.
    pub async fn create_case(&self, new: &NewCase, audit: &NewAuditEvent) -> Result<CaseRecord> {
        let id = new_id();
        let at = ts::to_db(new.at);
        let s = &new.summary;
        let mut tx = self.write().await?;
        sqlx::query(
            "INSERT INTO cases (id, code, organisation_id, owner_id, alias, alias_folded, birth, stage, \
             created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)",
        )
        .bind(&id)
        .bind(new.code.as_str())
        .bind(&new.organisation_id)
        .bind(&new.owner_id)
        .bind(&s.alias)
        .bind(crate::domain::case::fold(&s.alias))
        .bind(&s.birth)
        .bind(&s.stage)
        .bind(&at)
        .execute(&mut *tx)
        .await
        .map_err(|e| taken(e, "case code"))?;
        write_summary(&mut tx, &id, s, &at).await?;
        sqlx::query(
            "INSERT INTO case_sections (case_id, section, version, body, updated_at, updated_by) \
             VALUES ($1, $2, 1, $3, $4, $5)",
        )
        .bind(&id)
        .bind(&new.section)
        .bind(&new.body)
        .bind(&at)
        .bind(&new.owner_id)
        .execute(&mut *tx)
        .await?;
        Self::append_audit(&mut tx, audit).await?;
        tx.commit().await?;
        self.case_by_code(new.code.as_str())
            .await?
            .ok_or(StoreError::NotFound)
    }

    pub async fn case_by_code(&self, code: &str) -> Result<Option<CaseRecord>> {
        let row: Option<CaseRow> = sqlx::query_as(concat!(
            "SELECT ",
            case_columns!(),
            " FROM cases c JOIN users u ON u.id = c.owner_id WHERE c.code = $1"
        ))
        .bind(code)
        .fetch_optional(&self.pool)
        .await?;
        row.map(case_from_row).transpose()
    }

    /// Every saved section of a case.
    pub async fn case_sections(&self, case_id: &str) -> Result<Vec<SectionRecord>> {
        let rows: Vec<SectionRow> = sqlx::query_as(SECTIONS_OF_CASE)
            .bind(case_id)
            .fetch_all(&self.pool)
            .await?;
        rows.into_iter().map(section_from_row).collect()
    }

    /// One section's stored body for each of these cases that has it
    /// saved, by case id, in one query.
    pub async fn section_of_cases(
        &self,
        case_ids: &[&str],
        section: &str,
    ) -> Result<Vec<(String, String)>> {
        if case_ids.is_empty() {
            return Ok(Vec::new());
        }
        // Only placeholders are formatted into the text; the ids are bound.
        let placeholders: Vec<String> = (2..=case_ids.len() + 1).map(|i| format!("${i}")).collect();
        let sql = format!(
            "SELECT case_id, body FROM case_sections WHERE section = $1 AND case_id IN ({})",
            placeholders.join(", ")
        );
        let mut q = sqlx::query_as::<_, (String, String)>(sqlx::AssertSqlSafe(sql)).bind(section);
        for id in case_ids {
            q = q.bind(*id);
        }
        Ok(q.fetch_all(&self.pool).await?)
    }

    /// Locks a case for a change (SQLite's `BEGIN IMMEDIATE` serialises
    /// writers already; on PostgreSQL this row lock does) and returns its
    /// stage and its life's moves (JSON), or `None` when there is no such
    /// case.
    pub(super) async fn lock_case(
        &self,
        tx: &mut Transaction<'static, Any>,
        case_id: &str,
    ) -> Result<Option<(String, String)>> {
        Ok(self
            .lock_case_state(tx, case_id)
            .await?
            .map(|(stage, life, _)| (stage, life)))
    }

    /// As [`Store::lock_case`], for a change only an open case takes: a
    /// closed one is [`StoreError::Closed`] (checked under the lock, so a
    /// change that raced a closure cannot land after it).
    pub(super) async fn lock_open_case(
        &self,
        tx: &mut Transaction<'static, Any>,
        case_id: &str,
    ) -> Result<Option<(String, String)>> {
        match self.lock_case_state(tx, case_id).await? {
            Some((_, _, Some(_))) => Err(StoreError::Closed),
            found => Ok(found.map(|(stage, life, _)| (stage, life))),
        }
    }

    async fn lock_case_state(
        &self,
        tx: &mut Transaction<'static, Any>,
        case_id: &str,
    ) -> Result<Option<(String, String, Option<String>)>> {
        let lock = match self.engine {
            super::Engine::Sqlite => "SELECT stage, life, closed_on FROM cases WHERE id = $1",
            super::Engine::Postgres => {
                "SELECT stage, life, closed_on FROM cases WHERE id = $1 FOR UPDATE"
            }
        };
        Ok(sqlx::query_as(lock)
            .bind(case_id)
            .fetch_optional(&mut **tx)
            .await?)
    }

    /// Saves one section if it is still at `base_version` (0: never saved);
    /// a closed case is [`StoreError::Closed`], nothing written.
    /// `summarise` gets every section as it will be after the save (read
    /// in the same transaction, so two saves of different sections cannot
    /// leave a summary that misses one of them) and the case's mission and
    /// life then, and returns the case's new summary.
    #[allow(clippy::too_many_arguments)]
    pub async fn save_section(
        &self,
        case_id: &str,
        section: &str,
        base_version: i64,
        body: &str,
        by: &str,
        at: DateTime<Utc>,
        audit: &NewAuditEvent,
        summarise: impl FnOnce(&[SectionRecord], &CaseNow) -> CaseSummary,
    ) -> Result<SaveOutcome> {
        self.save_section_marked(
            case_id,
            section,
            base_version,
            body,
            by,
            at,
            audit,
            None,
            summarise,
        )
        .await
    }

    /// As [`Store::save_section`], and a snapshot of the whole plan marked
    /// `mark` (e.g. a supervisor's approval) in the same transaction.
    #[allow(clippy::too_many_arguments)]
    pub async fn save_section_marked(
        &self,
        case_id: &str,
        section: &str,
        base_version: i64,
        body: &str,
        by: &str,
        at: DateTime<Utc>,
        audit: &NewAuditEvent,
        mark: Option<&str>,
        summarise: impl FnOnce(&[SectionRecord], &CaseNow) -> CaseSummary,
    ) -> Result<SaveOutcome> {
        let at_db = ts::to_db(at);
        let mut tx = self.write().await?;
        let Some((old_stage, life)) = self.lock_open_case(&mut tx, case_id).await? else {
            return Err(StoreError::NotFound);
        };
        let written = if base_version == 0 {
            sqlx::query(
                "INSERT INTO case_sections (case_id, section, version, body, updated_at, updated_by) \
                 SELECT $1, $2, 1, $3, $4, $5 WHERE NOT EXISTS \
                 (SELECT 1 FROM case_sections WHERE case_id = $1 AND section = $2)",
            )
            .bind(case_id)
            .bind(section)
            .bind(body)
            .bind(&at_db)
            .bind(by)
            .execute(&mut *tx)
            .await?
            .rows_affected()
        } else {
            sqlx::query(
                "UPDATE case_sections SET version = version + 1, body = $1, updated_at = $2, updated_by = $3 \
                 WHERE case_id = $4 AND section = $5 AND version = $6",
            )
            .bind(body)
            .bind(&at_db)
            .bind(by)
            .bind(case_id)
            .bind(section)
            .bind(base_version)
            .execute(&mut *tx)
            .await?
            .rows_affected()
        };
        let sections = sections_in(&mut tx, case_id).await?;
        if written == 0 {
            // Someone else saved it first: nothing changes.
            tx.rollback().await?;
            let current = sections
                .into_iter()
                .find(|s| s.section == section)
                .ok_or(StoreError::NotFound)?;
            return Ok(SaveOutcome::Conflict(current));
        }
        let version = sections
            .iter()
            .find(|s| s.section == section)
            .map(|s| s.version)
            .ok_or(StoreError::NotFound)?;
        let mission = active_mission(&mut tx, case_id).await?;
        let s = summarise(
            &sections,
            &CaseNow {
                mission: mission.as_deref(),
                life: &life,
            },
        );
        write_summary(&mut tx, case_id, &s, &at_db).await?;
        if let Some(mark) = mark {
            snapshot(&mut tx, case_id, &at_db, mark, &s.stage, by, &sections).await?;
        }
        if s.stage != old_stage {
            snapshot(&mut tx, case_id, &at_db, "stage", &s.stage, by, &sections).await?;
        }
        Self::append_audit(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(SaveOutcome::Saved { version })
    }

    /// Records a move of a plan's life (on hold, resumed, withdrawn,
    /// reopened, closed). `decide` judges it on every section and the
    /// case's mission and life as they are in this transaction, and
    /// returns the new life (JSON) and summary, or why not (then nothing
    /// is written). The life, the summary, a snapshot marked `mark` and
    /// the audit row are written together.
    #[allow(clippy::too_many_arguments)]
    pub async fn move_life<E>(
        &self,
        case_id: &str,
        mark: &str,
        by: &str,
        at: DateTime<Utc>,
        audit: &NewAuditEvent,
        decide: impl FnOnce(&[SectionRecord], &CaseNow) -> std::result::Result<(String, CaseSummary), E>,
    ) -> Result<std::result::Result<(), E>> {
        let at_db = ts::to_db(at);
        let mut tx = self.write().await?;
        let Some((_, life)) = self.lock_case(&mut tx, case_id).await? else {
            return Err(StoreError::NotFound);
        };
        let sections = sections_in(&mut tx, case_id).await?;
        let mission = active_mission(&mut tx, case_id).await?;
        let now = CaseNow {
            mission: mission.as_deref(),
            life: &life,
        };
        let (life, summary) = match decide(&sections, &now) {
            Ok(moved) => moved,
            Err(refusal) => {
                tx.rollback().await?;
                return Ok(Err(refusal));
            }
        };
        sqlx::query("UPDATE cases SET life = $1 WHERE id = $2")
            .bind(&life)
            .bind(case_id)
            .execute(&mut *tx)
            .await?;
        write_summary(&mut tx, case_id, &summary, &at_db).await?;
        snapshot(
            &mut tx,
            case_id,
            &at_db,
            mark,
            &summary.stage,
            by,
            &sections,
        )
        .await?;
        Self::append_audit(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(Ok(()))
    }

    /// One page of cases, most recently active first.
    pub async fn case_page(&self, q: &CaseQuery) -> Result<CasePage> {
        let text = q.text.as_deref().map(str::trim).unwrap_or("");
        let code_prefix = like_escaped(&text.to_uppercase().replace([' ', '-'], ""));
        let folded = like_escaped(&crate::domain::case::fold(text));
        let today = q.today.clone().unwrap_or_default();
        let soon_until = chrono::NaiveDate::parse_from_str(&today, "%Y-%m-%d")
            .ok()
            .and_then(|d| {
                d.checked_add_signed(chrono::Duration::days(
                    crate::domain::dashboard::DUE_SOON_DAYS,
                ))
            })
            .map(|d| d.format("%Y-%m-%d").to_string())
            .unwrap_or_default();
        let filter = "FROM cases c JOIN users u ON u.id = c.owner_id \
             WHERE c.organisation_id = $1 \
               AND ($2 = '' OR c.owner_id = $2) \
               AND ($3 = '' OR REPLACE(c.code, '-', '') LIKE $4 || '%' ESCAPE '\\' OR ($5 <> '' AND c.alias_folded LIKE '%' || $5 || '%' ESCAPE '\\')) \
               AND ($6 = '' OR c.stage = $6) \
               AND ($7 = '' OR c.risk_level = $7) \
               AND ($8 = '' OR (c.stage NOT IN ('closed', 'withdrawn_by_client', 'on_hold') AND \
                    (($8 = 'overdue' AND c.next_due < $9) OR ($8 = 'soon' AND c.next_due >= $9 AND c.next_due <= $10) \
                     OR ($8 = 'follow_up_overdue' AND c.follow_up_due < $9) \
                     OR ($8 = 'follow_up_soon' AND c.follow_up_due >= $9 AND c.follow_up_due <= $10)))) \
               AND ($11 = 0 OR c.awaiting_approval = 1) \
               AND ($12 = '' OR ($12 = 'intake' AND substr(c.first_contact_on, 1, 7) = $13) \
                    OR ($12 = 'screening' AND c.screening = 'signs_present' AND substr(c.screened_on, 1, 7) = $13) \
                    OR ($12 IN ('stay', 'return', 'onward') AND c.decision = $12 AND substr(c.decided_on, 1, 7) = $13) \
                    OR ($12 = 'departure' AND substr(c.departed_on, 1, 7) = $13) \
                    OR ($12 = 'arrival' AND substr(c.arrived_on, 1, 7) = $13))";
        let (event, month) = q.event_in_month.clone().unwrap_or_default();
        // The filter's values, in the order of its placeholders.
        macro_rules! filtered {
            ($query:expr) => {
                $query
                    .bind(&q.organisation_id)
                    .bind(q.owner_id.clone().unwrap_or_default())
                    .bind(text)
                    .bind(&code_prefix)
                    .bind(&folded)
                    .bind(q.stage.clone().unwrap_or_default())
                    .bind(q.risk_level.clone().unwrap_or_default())
                    .bind(q.due.clone().unwrap_or_default())
                    .bind(&today)
                    .bind(&soon_until)
                    .bind(q.awaiting_approval as i64)
                    .bind(&event)
                    .bind(&month)
            };
        }
        let rows: Vec<CaseRow> = filtered!(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {} {filter} ORDER BY c.updated_at DESC, c.id LIMIT $14 OFFSET $15",
            case_columns!()
        ))))
        .bind(q.page_size + 1)
        .bind(q.page * q.page_size)
        .fetch_all(&self.pool)
        .await?;
        let (total,): (i64,) = filtered!(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT COUNT(*) {filter}"
        ))))
        .fetch_one(&self.pool)
        .await?;
        let has_more = rows.len() as i64 > q.page_size;
        let cases = rows
            .into_iter()
            .take(q.page_size as usize)
            .map(case_from_row)
            .collect::<Result<Vec<_>>>()?;
        Ok(CasePage {
            cases,
            has_more,
            total,
        })
    }

    /// Every plan of an organisation as the dashboard reads it. The
    /// client's alias is read only for the plans waiting for approval (the
    /// only ones the dashboard names).
    pub async fn dashboard_rows(
        &self,
        organisation_id: &str,
    ) -> Result<Vec<crate::domain::dashboard::PlanRow>> {
        // One text value per row: through sqlx's Any driver every value
        // costs microseconds, and an organisation has thousands of plans
        // (measured: 14 columns of 6 800 rows ≈ 40 ms; one ≈ 8 ms). Every
        // part is a code, an id, a slug, a date or a flag: none holds "|".
        let rows: Vec<(String,)> = sqlx::query_as(
            "SELECT code || '|' || owner_id || '|' || stage || '|' || COALESCE(risk_level, '') \
             || '|' || COALESCE(next_due, '') || '|' || COALESCE(first_contact_on, '') \
             || '|' || COALESCE(screened_on, '') || '|' || COALESCE(screening, '') \
             || '|' || COALESCE(decided_on, '') || '|' || COALESCE(decision, '') \
             || '|' || COALESCE(departed_on, '') || '|' || COALESCE(arrived_on, '') \
             || '|' || CAST(awaiting_approval AS TEXT) || '|' || COALESCE(follow_up_due, '') \
             || '|' || COALESCE(follow_up_score, '') \
             FROM cases WHERE organisation_id = $1",
        )
        .bind(organisation_id)
        .fetch_all(&self.pool)
        .await?;
        let aliases: Vec<(String, String)> = sqlx::query_as(
            "SELECT code, alias FROM cases WHERE organisation_id = $1 AND awaiting_approval = 1",
        )
        .bind(organisation_id)
        .fetch_all(&self.pool)
        .await?;
        let day = |d: &str| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok();
        let text = |t: &str| Some(t.to_string()).filter(|t| !t.is_empty());
        rows.into_iter()
            .map(|(line,)| {
                let f: Vec<&str> = line.split('|').collect();
                if f.len() != 15 {
                    return Err(StoreError::Corrupt("cases (dashboard row)"));
                }
                let awaiting_approval = f[12] == "1";
                let alias = if awaiting_approval {
                    aliases
                        .iter()
                        .find(|(c, _)| c == f[0])
                        .map(|(_, a)| a.clone())
                        .unwrap_or_default()
                } else {
                    String::new()
                };
                Ok(crate::domain::dashboard::PlanRow {
                    code: f[0].to_string(),
                    alias,
                    owner_id: f[1].to_string(),
                    stage: f[2].to_string(),
                    risk_level: text(f[3]),
                    next_due: day(f[4]),
                    first_contact_on: day(f[5]),
                    screened_on: day(f[6]),
                    screening: text(f[7]),
                    decided_on: day(f[8]),
                    decision: text(f[9]),
                    departed_on: day(f[10]),
                    arrived_on: day(f[11]),
                    awaiting_approval,
                    follow_up_due: day(f[13]),
                    follow_up_score: f[14].parse().ok(),
                })
            })
            .collect()
    }

    /// The organisation's clients as the duplicate check needs them:
    /// code, alias, nationality, birth (JSON) and the owner's id.
    pub async fn case_clients(
        &self,
        organisation_id: &str,
    ) -> Result<Vec<(String, String, Option<String>, String, String)>> {
        Ok(sqlx::query_as(
            "SELECT code, alias, nationality, birth, owner_id FROM cases WHERE organisation_id = $1",
        )
        .bind(organisation_id)
        .fetch_all(&self.pool)
        .await?)
    }
}
