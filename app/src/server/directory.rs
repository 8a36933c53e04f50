//! The social map (issue #7): search, entries and their history, changes
//! by editors, suggestions by everyone else, and the CSV exchange. Every
//! change is written with its version row and its audit row in one
//! transaction; the audit row's `section` names the entry's id.

use super::auth::{answer_as_document, require_actor, respond_with};
use super::cases::{event, record};
use super::state::app_state;
use crate::api::directory::{
    EntryCard, EntrySaveResult, EntryVersion, EntryView, ImportResult, MapSearch, SuggestionView,
};
use crate::domain::directory::{
    changed_columns, from_csv, from_fields, may, search as search_map, to_csv, to_fields,
    MapAction, Organisation, Query, RowProblem, Service, TargetGroup, VERSION_COLUMN,
};
use crate::error::AppError;
use crate::error::FieldError;
use crate::i18n::map::{mt, MK};
use crate::store::{
    AuditOutcome, DirectorySave, ImportOutcome, NewAuditEvent, SessionActor, SuggestionDecision,
};
use chrono::Utc;
use std::collections::{BTreeMap, BTreeSet};

/// The most results a search shows.
pub const SHOWN: usize = 50;
/// The longest note with a suggestion or reason for a rejection.
pub const MAX_NOTE: usize = 1000;

fn directory_event(
    a: &SessionActor,
    action: &'static str,
    entry_id: Option<&str>,
) -> NewAuditEvent {
    let mut e = event(a, action, AuditOutcome::Allowed);
    e.section = entry_id.map(str::to_string);
    e
}

/// The signed-in user, if they may do `action` with the map; a refusal is
/// audited and answered as a page that does not exist.
async fn actor_for(
    action: MapAction,
    audit_action: &'static str,
) -> Result<SessionActor, AppError> {
    let a = require_actor().await?;
    if may(a.role, a.directory_editor, action) {
        Ok(a)
    } else {
        record(event(&a, audit_action, AuditOutcome::Denied)).await?;
        tracing::warn!(user.id = %a.user_id, action = audit_action, "social map change refused");
        Err(respond_with(AppError::NotFound))
    }
}

/// Every entry of the map with its version, archived ones too.
async fn all_entries() -> Result<Vec<(Organisation, i64)>, AppError> {
    app_state()?
        .store
        .directory_entries()
        .await
        .map_err(AppError::internal)
}

/// One entry with its version, if there is one with this id.
pub(super) async fn entry_by_id(id: &str) -> Result<Option<(Organisation, i64)>, AppError> {
    app_state()?
        .store
        .directory_entry(id)
        .await
        .map_err(AppError::internal)
}

fn is_editor(a: &SessionActor) -> bool {
    may(a.role, a.directory_editor, MapAction::Edit)
}

/// What a search asks for, as typed in the form.
pub struct SearchArgs {
    pub text: String,
    pub country: String,
    pub city: String,
    pub service: String,
    pub target_group: String,
    pub language: String,
    pub for_case: String,
}

fn non_empty(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_string())
}

/// How many suggestions wait for an editor (about one entry, or all).
async fn pending_count(entry_id: Option<&str>) -> Result<usize, AppError> {
    let n = app_state()?
        .store
        .pending_suggestions(entry_id)
        .await
        .map_err(AppError::internal)?;
    Ok(usize::try_from(n).unwrap_or(0))
}

pub async fn search(args: SearchArgs) -> Result<MapSearch, AppError> {
    let a = require_actor().await?;
    let entries: Vec<Organisation> = all_entries()
        .await?
        .into_iter()
        .filter_map(|(o, _)| (!o.archived).then_some(o))
        .collect();
    let query = Query {
        country: non_empty(&args.country).map(|c| c.to_uppercase()),
        city: non_empty(&args.city),
        service: Service::from_slug(args.service.trim()),
        target_group: TargetGroup::from_slug(args.target_group.trim()),
        language: non_empty(&args.language).map(|l| l.to_lowercase()),
        text: args.text.chars().take(200).collect(),
    };
    let day = a.clock.today();
    let found = search_map(&entries, &query);
    let countries: BTreeSet<String> = entries.iter().map(|o| o.country.clone()).collect();
    let languages: BTreeSet<String> = entries
        .iter()
        .flat_map(|o| o.languages.iter().cloned())
        .collect();
    // Offered as a referral target only for a plan the user may add
    // referrals to (the same rule as saving its reintegration section).
    let for_case = match non_empty(&args.for_case) {
        Some(code) => super::referrals::may_refer(&a, &code)
            .await?
            .then_some(code),
        None => None,
    };
    let pending_suggestions = if is_editor(&a) {
        pending_count(None).await?
    } else {
        0
    };
    Ok(MapSearch {
        matched: found.len(),
        results: found
            .into_iter()
            .take(SHOWN)
            .map(|o| EntryCard::of(o, day))
            .collect(),
        entries: entries.len(),
        countries: countries.into_iter().collect(),
        languages: languages.into_iter().collect(),
        can_edit: is_editor(&a),
        pending_suggestions,
        for_case,
    })
}

/// Display names of users by id (for editors reviewing suggestions), or
/// with `organisations` their organisations' names (for an entry's
/// history, which every user of every organisation reads: it names no
/// one).
async fn names(
    ids: impl IntoIterator<Item = String>,
    organisations: bool,
) -> Result<BTreeMap<String, String>, AppError> {
    let state = app_state()?;
    let mut out = BTreeMap::new();
    for id in ids.into_iter().collect::<BTreeSet<_>>() {
        let Some(u) = state.store.user(&id).await.map_err(AppError::internal)? else {
            continue;
        };
        let name = if organisations {
            match state
                .store
                .organisation(&u.organisation_id)
                .await
                .map_err(AppError::internal)?
            {
                Some(o) => o.name,
                None => continue,
            }
        } else {
            u.display_name
        };
        out.insert(id, name);
    }
    Ok(out)
}

pub async fn entry(id: String) -> Result<EntryView, AppError> {
    let state = app_state()?;
    let a = require_actor().await?;
    let Some((entry, version)) = entry_by_id(&id).await? else {
        return Err(respond_with(AppError::NotFound));
    };
    let history = state
        .store
        .directory_versions(&id)
        .await
        .map_err(AppError::internal)?;
    let who = names(history.iter().filter_map(|v| v.by_user.clone()), true).await?;
    let versions = history
        .iter()
        .enumerate()
        .map(|(i, v)| EntryVersion {
            version: v.version,
            change: v.change.clone(),
            at: v.at.timestamp(),
            by: v
                .by_user
                .as_ref()
                .and_then(|u| who.get(u).cloned())
                .unwrap_or_default(),
            changed: history
                .get(i + 1)
                .map(|before| {
                    changed_columns(&before.entry, &v.entry)
                        .into_iter()
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default(),
        })
        .collect();
    // A confidential address is for the map's editors only: it never
    // leaves the server for anyone else (nor in the history's versions,
    // which carry only the names of the changed columns).
    let mut entry = entry;
    if entry.address_confidential && !is_editor(&a) {
        entry.address.clear();
    }
    let pending_suggestions = if is_editor(&a) {
        pending_count(Some(&id)).await?
    } else {
        0
    };
    let day = a.clock.today();
    Ok(EntryView {
        stale: entry.stale(day),
        entry,
        version,
        can_edit: is_editor(&a),
        versions,
        pending_suggestions,
        today: day,
    })
}

/// A new entry's id: its country and name, made unique.
async fn new_entry_id(name: &str, country: &str) -> Result<String, AppError> {
    let mut slug = String::new();
    for c in crate::domain::case::fold(name).chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug: String = slug.trim_matches('-').chars().take(40).collect();
    let base = format!(
        "{}-{}",
        country.trim().to_lowercase(),
        if slug.is_empty() { "entry" } else { &slug }
    );
    for n in 1.. {
        let id = if n == 1 {
            base.clone()
        } else {
            format!("{base}-{n}")
        };
        if entry_by_id(&id).await?.is_none() {
            return Ok(id);
        }
    }
    unreachable!("an id is always found")
}

fn problems_of(
    found: Vec<(&'static str, crate::domain::directory::EntryProblem)>,
) -> EntrySaveResult {
    EntrySaveResult::Problems(
        found
            .into_iter()
            .map(|(column, problem)| RowProblem {
                row: 0,
                column: column.to_string(),
                problem,
            })
            .collect(),
    )
}

/// The columns a form does not change: verification is its own action,
/// archiving too.
const KEPT: [&str; 4] = ["verified_by", "last_verified", "unverified", "archived"];

/// An editor's change of some columns confirms them: they are no longer
/// marked unverified.
fn confirm_changed(entry: &mut Organisation, before: &Organisation) {
    for c in changed_columns(before, entry) {
        entry.unverified.remove(c);
    }
}

/// Where a form posted without WASM goes next, saying how it went.
fn page_after_save(form_id: &str, result: &EntrySaveResult) -> String {
    let form = |outcome: &str| {
        if form_id.is_empty() {
            format!("/directory/new?result={outcome}")
        } else {
            format!("/directory/entry/{form_id}/edit?result={outcome}")
        }
    };
    match result {
        EntrySaveResult::Saved { id, .. } => format!("/directory/entry/{id}?result=saved"),
        EntrySaveResult::Unchanged { id } => format!("/directory/entry/{id}?result=unchanged"),
        EntrySaveResult::Suggested if form_id.is_empty() => "/directory?result=suggested".into(),
        EntrySaveResult::Suggested => format!("/directory/entry/{form_id}?result=suggested"),
        EntrySaveResult::Problems(_) => form("invalid"),
        EntrySaveResult::Conflict => form("conflict"),
    }
}

pub async fn save_entry(
    id: String,
    version: i64,
    f: BTreeMap<String, String>,
    note: String,
) -> Result<EntrySaveResult, AppError> {
    let form_id = id.clone();
    let result = save_entry_from(id, version, f, note).await?;
    if super::cases::accepts_html().await {
        leptos_axum::redirect(&page_after_save(&form_id, &result));
    }
    Ok(result)
}

async fn save_entry_from(
    id: String,
    version: i64,
    mut f: BTreeMap<String, String>,
    note: String,
) -> Result<EntrySaveResult, AppError> {
    let state = app_state()?;
    let a = require_actor().await?;
    let editor = is_editor(&a);
    let note = note.trim().to_string();
    if note.chars().count() > MAX_NOTE {
        return Err(respond_with(AppError::Invalid(vec![FieldError {
            field: "note".into(),
            message: mt(MK::note_too_long).into(),
        }])));
    }
    let current = if id.is_empty() {
        None
    } else {
        match entry_by_id(&id).await? {
            Some(found) => Some(found),
            None => return Err(respond_with(AppError::NotFound)),
        }
    };
    if let Some((_, v)) = &current {
        if *v != version {
            return Ok(EntrySaveResult::Conflict);
        }
    }
    let kept = current
        .as_ref()
        .map(|(o, _)| to_fields(o))
        .unwrap_or_default();
    // Someone who may not see a confidential address cannot change it.
    let hidden: &[&str] = match &current {
        Some((o, _)) if o.address_confidential && !editor => &["address", "address_confidential"],
        _ => &[],
    };
    for c in KEPT.iter().chain(hidden) {
        match kept.get(*c) {
            Some(v) => f.insert(c.to_string(), v.clone()),
            None => f.remove(*c),
        };
    }
    let new_id = match &current {
        Some((o, _)) => o.id.clone(),
        None => {
            new_entry_id(
                f.get("name").map_or("", |s| s.as_str()),
                f.get("country").map_or("", |s| s.as_str()),
            )
            .await?
        }
    };
    f.insert("id".into(), new_id.clone());
    let day = a.clock.today();
    let mut entry = match from_fields(&f, day) {
        Ok(e) => e,
        Err(found) => return Ok(problems_of(found)),
    };
    if let Some((before, _)) = &current {
        if changed_columns(before, &entry).is_empty() {
            return Ok(EntrySaveResult::Unchanged { id: new_id });
        }
    }
    let base = current.as_ref().map_or(0, |(_, v)| *v);
    let now = Utc::now();
    if !editor {
        let audit = directory_event(&a, "directory.suggest", Some(&new_id));
        state
            .store
            .add_suggestion(&entry, base, &note, &a.user_id, now, &audit)
            .await
            .map_err(AppError::internal)?;
        tracing::info!(entry = %new_id, "social map suggestion kept");
        return Ok(EntrySaveResult::Suggested);
    }
    if let Some((before, _)) = &current {
        confirm_changed(&mut entry, before);
    }
    let (change, action) = if current.is_some() {
        ("edit", "directory.edit")
    } else {
        ("create", "directory.create")
    };
    let audit = directory_event(&a, action, Some(&new_id));
    match state
        .store
        .save_directory_entry(&entry, base, change, &a.user_id, now, &audit)
        .await
        .map_err(AppError::internal)?
    {
        DirectorySave::Saved { version } => {
            tracing::info!(entry = %new_id, version, change, "social map entry saved");
            Ok(EntrySaveResult::Saved {
                id: new_id,
                version,
            })
        }
        DirectorySave::Conflict { .. } => Ok(EntrySaveResult::Conflict),
    }
}

/// Changes an entry at `version` as an editor: `change` names it in the
/// history and `action` in the audit. Returns the new version.
async fn change_entry(
    id: &str,
    version: i64,
    change: &'static str,
    action: &'static str,
    edit: impl FnOnce(&mut Organisation, &SessionActor),
) -> Result<i64, AppError> {
    let state = app_state()?;
    let a = actor_for(MapAction::Edit, action).await?;
    let Some((mut entry, current)) = entry_by_id(id).await? else {
        return Err(respond_with(AppError::NotFound));
    };
    if current != version {
        return Err(respond_with(AppError::Conflict));
    }
    edit(&mut entry, &a);
    let audit = directory_event(&a, action, Some(id));
    match state
        .store
        .save_directory_entry(&entry, version, change, &a.user_id, Utc::now(), &audit)
        .await
        .map_err(AppError::internal)?
    {
        DirectorySave::Saved { version } => {
            tracing::info!(entry = %id, version, change, "social map entry changed");
            Ok(version)
        }
        DirectorySave::Conflict { .. } => Err(respond_with(AppError::Conflict)),
    }
}

pub async fn verify(id: String, version: i64) -> Result<i64, AppError> {
    change_entry(&id, version, "verify", "directory.verify", |e, a| {
        e.verify(&a.organisation_name, a.clock.today())
    })
    .await
}

pub async fn archive(id: String, version: i64, archived: bool) -> Result<i64, AppError> {
    let (change, action) = if archived {
        ("archive", "directory.archive")
    } else {
        ("restore", "directory.restore")
    };
    change_entry(&id, version, change, action, |e, _| e.archived = archived).await
}

/// What the suggester changed: the columns that differ between the
/// version they read and their suggestion (every filled one for a new
/// entry).
async fn suggested_columns(s: &crate::store::Suggestion) -> Result<Vec<&'static str>, AppError> {
    let state = app_state()?;
    if s.base_version == 0 {
        let blank = Organisation::new(&s.entry.id, "", "", "");
        return Ok(changed_columns(&blank, &s.entry));
    }
    let versions = state
        .store
        .directory_versions(&s.entry_id)
        .await
        .map_err(AppError::internal)?;
    let base = versions
        .iter()
        .find(|v| v.version == s.base_version)
        .ok_or_else(|| AppError::internal("suggestion's base version missing"))?;
    Ok(changed_columns(&base.entry, &s.entry))
}

pub async fn suggestions() -> Result<Vec<SuggestionView>, AppError> {
    let state = app_state()?;
    // Only reading: a refusal is not audited (the page asks for it before
    // it knows who is signed in).
    let a = require_actor().await?;
    if !is_editor(&a) {
        return Err(respond_with(AppError::NotFound));
    }
    let pending = state
        .store
        .suggestions(None)
        .await
        .map_err(AppError::internal)?;
    let who = names(pending.iter().map(|s| s.by_user.clone()), false).await?;
    let mut out = Vec::new();
    for s in &pending {
        let current = entry_by_id(&s.entry_id).await?;
        let now_fields = current
            .as_ref()
            .map(|(o, _)| to_fields(o))
            .unwrap_or_default();
        let suggested = to_fields(&s.entry);
        let changes = suggested_columns(s)
            .await?
            .into_iter()
            .filter(|c| *c != "id")
            .map(|c| {
                (
                    c.to_string(),
                    now_fields.get(c).cloned().unwrap_or_default(),
                    suggested.get(c).cloned().unwrap_or_default(),
                )
            })
            .collect();
        out.push(SuggestionView {
            id: s.id.clone(),
            entry_id: s.entry_id.clone(),
            entry_name: current
                .as_ref()
                .map_or_else(|| s.entry.name.clone(), |(o, _)| o.name.clone()),
            is_new: s.base_version == 0,
            note: s.note.clone(),
            by: who.get(&s.by_user).cloned().unwrap_or_default(),
            at: s.at.timestamp(),
            changes,
            entry_changed_since: current.as_ref().is_some_and(|(_, v)| *v != s.base_version),
            current_version: current.as_ref().map_or(0, |(_, v)| *v),
        });
    }
    Ok(out)
}

pub async fn decide_suggestion(
    id: String,
    accept: bool,
    reason: String,
    version: i64,
) -> Result<(), AppError> {
    let state = app_state()?;
    let action = if accept {
        "directory.suggestion.accept"
    } else {
        "directory.suggestion.reject"
    };
    let a = actor_for(MapAction::Edit, action).await?;
    let reason = reason.trim().to_string();
    let invalid = |message: MK| {
        respond_with(AppError::Invalid(vec![FieldError {
            field: "reason".into(),
            message: mt(message).into(),
        }]))
    };
    if reason.chars().count() > MAX_NOTE {
        return Err(invalid(MK::note_too_long));
    }
    if !accept && reason.is_empty() {
        return Err(invalid(MK::reason_required));
    }
    let Some(s) = state
        .store
        .suggestion(&id)
        .await
        .map_err(AppError::internal)?
        .filter(|s| s.state == "pending")
    else {
        return Err(respond_with(AppError::NotFound));
    };
    let audit = directory_event(&a, action, Some(&s.entry_id));
    let now = Utc::now();
    let decision = if accept {
        let current = entry_by_id(&s.entry_id).await?;
        let (entry, base) = match current {
            // A new entry, as suggested.
            None if s.base_version == 0 => (s.entry.clone(), 0),
            None => return Err(respond_with(AppError::NotFound)),
            // Its id was taken meanwhile (another entry of that name): it
            // gets one of its own.
            Some(_) if s.base_version == 0 => {
                let mut entry = s.entry.clone();
                entry.id = new_entry_id(&entry.name, &entry.country).await?;
                (entry, 0)
            }
            // The editor decided on the entry as it was shown to them.
            Some((_, v)) if v != version => return Err(respond_with(AppError::Conflict)),
            // The suggester's changes, over the entry as it is now.
            Some((now_entry, v)) => {
                let mut f = to_fields(&now_entry);
                let suggested = to_fields(&s.entry);
                for c in suggested_columns(&s).await? {
                    if let Some(value) = suggested.get(c) {
                        f.insert(c.to_string(), value.clone());
                    }
                }
                let mut merged = from_fields(&f, a.clock.today()).map_err(|_| {
                    respond_with(AppError::Invalid(vec![FieldError {
                        field: "suggestion".into(),
                        message: mt(MK::suggestion_no_longer_fits).into(),
                    }]))
                })?;
                confirm_changed(&mut merged, &now_entry);
                (merged, v)
            }
        };
        state
            .store
            .decide_suggestion(
                &s.id,
                Some((&entry, base)),
                &reason,
                &a.user_id,
                now,
                &audit,
            )
            .await
    } else {
        state
            .store
            .decide_suggestion(&s.id, None, &reason, &a.user_id, now, &audit)
            .await
    }
    .map_err(AppError::internal)?;
    match decision {
        SuggestionDecision::Done { .. } => {
            tracing::info!(entry = %s.entry_id, action, "suggestion decided");
            Ok(())
        }
        SuggestionDecision::NotPending => Err(respond_with(AppError::NotFound)),
        SuggestionDecision::Conflict => Err(respond_with(AppError::Conflict)),
    }
}

pub async fn export() -> Result<String, AppError> {
    let a = actor_for(MapAction::Exchange, "directory.export").await?;
    let entries = all_entries().await?;
    record(directory_event(&a, "directory.export", None)).await?;
    let name = format!("social-map-{}.csv", a.clock.today().format("%Y-%m-%d"));
    answer_as_document("text/csv; charset=utf-8", Some(&name));
    Ok(to_csv(&entries))
}

pub async fn import(csv: String) -> Result<ImportResult, AppError> {
    let state = app_state()?;
    let a = actor_for(MapAction::Exchange, "directory.import").await?;
    // A spreadsheet may save a byte-order mark first.
    let text = csv.strip_prefix('\u{feff}').unwrap_or(&csv);
    // A refused file changes nothing, but the attempt is audited.
    let refused = |problems: Vec<RowProblem>| async {
        let mut audit = directory_event(&a, "directory.import", None);
        audit.outcome = AuditOutcome::Failed;
        record(audit).await?;
        Ok(ImportResult::Problems(problems))
    };
    let rows = match from_csv(text, a.clock.today()) {
        Ok(rows) => rows,
        Err(problems) => {
            tracing::info!(problems = problems.len(), "social map import refused");
            return refused(problems).await;
        }
    };
    let audit = directory_event(&a, "directory.import", None);
    let counts = match state
        .store
        .import_directory(&rows, &a.user_id, Utc::now(), &audit)
        .await
        .map_err(AppError::internal)?
    {
        ImportOutcome::Imported(counts) => counts,
        ImportOutcome::Refused(stale) => {
            tracing::info!(
                rows = stale.len(),
                "social map import refused: rows changed since their export"
            );
            return refused(
                stale
                    .into_iter()
                    .map(|(row, problem)| RowProblem {
                        row,
                        column: VERSION_COLUMN.into(),
                        problem,
                    })
                    .collect(),
            )
            .await;
        }
    };
    tracing::info!(
        created = counts.created,
        updated = counts.updated,
        unchanged = counts.unchanged,
        "social map imported"
    );
    Ok(ImportResult::Imported {
        created: counts.created,
        updated: counts.updated,
        unchanged: counts.unchanged,
    })
}
