//! The social map (issue #7): searching it, reading an entry with its
//! history, changing it (editors) or suggesting a change (everyone else),
//! deciding on suggestions, and exchanging it as CSV.

mod archive;
mod decide_suggestion;
mod entry;
mod exchange;
mod save_entry;
mod search;
mod suggestions;
mod verify;

pub use archive::{archive_entry, ArchiveEntry};
pub use decide_suggestion::{decide_suggestion, DecideSuggestion};
pub use entry::{entry, Entry};
pub use exchange::{export_csv, import_csv, ExportCsv, ImportCsv};
pub use save_entry::{save_entry, SaveEntry};
pub use search::{search, Search};
pub use suggestions::{suggestions, Suggestions};
pub use verify::{verify_entry, VerifyEntry};

use crate::domain::directory::{Organisation, RowProblem};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// One entry in a list of results.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntryCard {
    pub id: String,
    pub name: String,
    pub local_name: String,
    pub acronym: String,
    pub org_type: Option<String>,
    pub country: String,
    pub city: String,
    /// Service slugs.
    pub services: Vec<String>,
    pub languages: Vec<String>,
    pub hotline: String,
    pub phone: String,
    pub emergency: bool,
    pub partners_only: bool,
    pub last_verified: Option<NaiveDate>,
    /// Not verified for a year, or never.
    pub stale: bool,
}

impl EntryCard {
    pub fn of(o: &Organisation, today: NaiveDate) -> EntryCard {
        EntryCard {
            id: o.id.clone(),
            name: o.name.clone(),
            local_name: o.local_name.clone(),
            acronym: o.acronym.clone(),
            org_type: o.org_type.map(|t| t.slug().to_string()),
            country: o.country.clone(),
            city: o.city.clone(),
            services: o.services.iter().map(|s| s.slug().to_string()).collect(),
            languages: o.languages.iter().cloned().collect(),
            hotline: o.hotline.clone(),
            phone: o.phone.clone(),
            emergency: o.emergency_availability,
            partners_only: o.visibility == crate::domain::directory::Visibility::PartnersOnly,
            last_verified: o.last_verified,
            stale: o.stale(today),
        }
    }
}

/// A page of search results.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MapSearch {
    pub results: Vec<EntryCard>,
    /// How many matched (more than shown when over the page size).
    pub matched: usize,
    /// How many entries the map has (archived ones left out).
    pub entries: usize,
    pub countries: Vec<String>,
    pub languages: Vec<String>,
    /// May change the map (editors and admins).
    pub can_edit: bool,
    /// Suggestions waiting (shown to editors).
    pub pending_suggestions: usize,
    /// The plan the counsellor is finding referrals for, if any and if
    /// they may add referrals to it: its code.
    pub for_case: Option<String>,
}

/// One version of an entry in its history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntryVersion {
    pub version: i64,
    /// create, edit, verify, archive, import, seed, suggestion.create,
    /// suggestion.edit.
    pub change: String,
    /// Unix seconds.
    pub at: i64,
    pub by: String,
    /// The columns changed from the version before.
    pub changed: Vec<String>,
}

/// One entry with what the reader may do with it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntryView {
    pub entry: Organisation,
    pub version: i64,
    pub stale: bool,
    pub can_edit: bool,
    pub versions: Vec<EntryVersion>,
    /// Suggestions about this entry waiting for an editor.
    pub pending_suggestions: usize,
    pub today: NaiveDate,
}

/// A suggestion as an editor reviews it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SuggestionView {
    pub id: String,
    pub entry_id: String,
    pub entry_name: String,
    /// A new entry (nothing to compare with).
    pub is_new: bool,
    pub note: String,
    pub by: String,
    /// Unix seconds.
    pub at: i64,
    /// Column, value now, value suggested: only what the suggester changed.
    pub changes: Vec<(String, String, String)>,
    /// The entry was changed since the suggester read it (the changes are
    /// applied to what is there now).
    pub entry_changed_since: bool,
    /// The entry's version as shown (0: a new entry); accepting checks it.
    pub current_version: i64,
}

/// How saving an entry went.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum EntrySaveResult {
    /// Written by an editor.
    Saved { id: String, version: i64 },
    /// Kept as a suggestion for an editor.
    Suggested,
    /// Nothing changed.
    Unchanged { id: String },
    /// Nothing stored: every problem, by column (row 0).
    Problems(Vec<RowProblem>),
    /// Someone changed the entry since `version` was read: nothing stored.
    Conflict,
}

/// How an import went.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ImportResult {
    Imported {
        created: usize,
        updated: usize,
        unchanged: usize,
    },
    /// Nothing imported: every problem of every row.
    Problems(Vec<RowProblem>),
}
