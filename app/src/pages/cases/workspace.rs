//! The working state of an open case in the browser: what is saved, what
//! is being edited, and the autosave that moves one to the other.
//!
//! Every edit is kept at once in local storage (a draft per section, with
//! the version it started from) and sent to the server shortly after. A
//! draft outlives a reload, a crash, a network drop and a session timeout:
//! when the page opens again it is put back and synced — or, when someone
//! else saved the section meanwhile, shown beside their version.

use crate::api::cases::{save, CaseView, SaveResult, SectionMeta};
use crate::domain::case_file::{section_slug, CaseFile, ParseContext};
use crate::domain::fields::{Fields, Problem};
use crate::domain::policy::Section;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What the save indicator says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SaveStatus {
    /// Everything is on the server.
    Saved,
    /// Edits kept on this device, waiting to be sent.
    Pending,
    Saving,
    /// The server cannot be reached; edits are kept on this device.
    Offline,
    /// The session ended; edits are kept on this device.
    SignedOut,
    /// Someone else saved the section; the counsellor decides.
    Conflict,
    /// The server refused some fields; nothing was saved.
    Invalid,
    Failed(String),
}

/// The other version of a section, saved meanwhile by someone else.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Conflict {
    pub section: Section,
    pub theirs: Fields,
    pub version: i64,
    pub by: String,
    pub at: i64,
}

/// A section's unsaved edits, as kept on the device.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Draft {
    pub base_version: i64,
    pub fields: Fields,
}

#[derive(Clone, Copy)]
pub struct Workspace {
    pub code: StoredValue<String>,
    pub user_id: StoredValue<String>,
    pub today: chrono::NaiveDate,
    /// As last saved on the server.
    pub file: RwSignal<CaseFile>,
    pub meta: RwSignal<BTreeMap<String, SectionMeta>>,
    /// Unsaved edits per section.
    pub edits: RwSignal<BTreeMap<Section, Fields>>,
    pub status: RwSignal<SaveStatus>,
    pub problems: RwSignal<Vec<Problem>>,
    pub conflict: RwSignal<Option<Conflict>>,
    /// Bumped to render the step's form again from new fields.
    pub generation: RwSignal<u64>,
    /// Sections whose save is on its way.
    in_flight: RwSignal<Vec<Section>>,
}

impl Workspace {
    pub fn new(view: &CaseView) -> Self {
        Workspace {
            code: StoredValue::new(view.code.clone()),
            user_id: StoredValue::new(view.user_id.clone()),
            today: view.today,
            file: RwSignal::new(view.file.clone()),
            meta: RwSignal::new(view.sections.clone()),
            edits: RwSignal::new(BTreeMap::new()),
            status: RwSignal::new(SaveStatus::Saved),
            problems: RwSignal::new(Vec::new()),
            conflict: RwSignal::new(None),
            generation: RwSignal::new(0),
            in_flight: RwSignal::new(Vec::new()),
        }
    }

    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    fn draft_key(&self, section: Section) -> String {
        format!(
            "draft.{}.{}.{}",
            self.user_id.get_value(),
            self.code.get_value(),
            section_slug(section)
        )
    }

    pub fn version(&self, section: Section) -> i64 {
        self.meta
            .with(|m| m.get(section_slug(section)).map(|s| s.version))
            .unwrap_or(0)
    }

    /// Parses a section's fields into `file`, as the server will (the
    /// currency of the chosen programme, this user as the one explaining a
    /// new consent).
    pub fn apply(
        &self,
        file: &mut CaseFile,
        section: Section,
        fields: &Fields,
    ) -> Result<(), Vec<Problem>> {
        let user_id = self.user_id.get_value();
        let currency = file.currency(&crate::catalog::programmes().programmes);
        let cx = ParseContext {
            today: self.today,
            user_id: &user_id,
            currency,
        };
        file.apply(section, fields, &cx)
    }

    /// The fields a section's form shows: the edits, else the saved ones.
    pub fn fields(&self, section: Section) -> Fields {
        self.edits
            .with_untracked(|e| e.get(&section).cloned())
            .unwrap_or_else(|| self.file.with_untracked(|f| f.fields(section)))
    }

    /// The file with every unsaved edit that parses applied (what the
    /// rules judge while the counsellor types).
    pub fn preview(&self) -> CaseFile {
        let mut file = self.file.get();
        for (section, fields) in self.edits.get() {
            let _ = self.apply(&mut file, section, &fields);
        }
        file
    }

    /// Records an edit: kept on the device at once, sent shortly after.
    pub fn edit(&self, section: Section, fields: Fields) {
        // What the form says may differ in shape from the saved fields
        // ("unknown" ticked, a blank row) and mean the same: not an edit.
        let saved = self.file.with_untracked(|f| f.section_json(section));
        let mut parsed = self.file.get_untracked();
        let same = self.apply(&mut parsed, section, &fields).is_ok()
            && parsed.section_json(section) == saved;
        // While a save is on its way, the server is about to hold what was
        // sent, not what this device last knew as saved: typing a field
        // back is then an edit, sent after it.
        let in_flight = self.in_flight.with_untracked(|f| f.contains(&section));
        if same && !in_flight && self.conflict.with_untracked(|c| c.is_none()) {
            if self.edits.with_untracked(|e| e.contains_key(&section)) {
                self.edits.update(|e| {
                    e.remove(&section);
                });
                #[cfg(feature = "hydrate")]
                crate::drafts::clear_local(&self.draft_key(section));
                if self.edits.with_untracked(|e| e.is_empty()) {
                    self.status.set(SaveStatus::Saved);
                }
            }
            return;
        }
        let draft = Draft {
            base_version: self.version(section),
            fields: fields.clone(),
        };
        #[cfg(feature = "hydrate")]
        crate::drafts::save_local(&self.draft_key(section), &draft);
        let _ = draft;
        self.edits.update(|e| {
            e.insert(section, fields);
        });
        if self.conflict.with_untracked(|c| c.is_none()) {
            self.status.set(SaveStatus::Pending);
        }
    }

    /// Puts back the drafts kept on this device (after a reload, a crash
    /// or a sign-in) and syncs them.
    #[cfg(feature = "hydrate")]
    pub fn restore_drafts(&self) {
        let mut restored = false;
        for section in Section::ALL {
            let Some(draft) = crate::drafts::load_local::<Draft>(&self.draft_key(section)) else {
                continue;
            };
            // Already saved (the page was left while its save was on its
            // way, or another tab saved the same): nothing to put back.
            let saved = self.file.with_untracked(|f| f.section_json(section));
            let mut parsed = self.file.get_untracked();
            if self.apply(&mut parsed, section, &draft.fields).is_ok()
                && parsed.section_json(section) == saved
            {
                crate::drafts::clear_local(&self.draft_key(section));
                continue;
            }
            restored = true;
            self.edits.update(|e| {
                e.insert(section, draft.fields.clone());
            });
            if draft.base_version != self.version(section) {
                // Saved meanwhile by someone else (or by this counsellor
                // elsewhere): show both, never overwrite.
                let meta = self
                    .meta
                    .with_untracked(|m| m.get(section_slug(section)).cloned());
                self.conflict.set(Some(Conflict {
                    section,
                    theirs: self.file.with_untracked(|f| f.fields(section)),
                    version: self.version(section),
                    by: meta
                        .as_ref()
                        .and_then(|m| m.updated_by.clone())
                        .unwrap_or_default(),
                    at: meta.and_then(|m| m.updated_at).unwrap_or_default(),
                }));
                self.status.set(SaveStatus::Conflict);
            }
        }
        if restored {
            self.generation.update(|g| *g += 1);
            self.sync_all();
        }
    }

    /// Sends every pending edit (not those in conflict).
    pub fn sync_all(&self) {
        let sections: Vec<Section> = self.edits.with_untracked(|e| e.keys().copied().collect());
        for s in sections {
            self.sync(s);
        }
    }

    /// Sends one section's edits, if any and not already on their way.
    pub fn sync(&self, section: Section) {
        if self
            .conflict
            .with_untracked(|c| c.as_ref().is_some_and(|c| c.section == section))
            || self.in_flight.with_untracked(|f| f.contains(&section))
        {
            return;
        }
        let Some(fields) = self.edits.with_untracked(|e| e.get(&section).cloned()) else {
            return;
        };
        let ws = *self;
        ws.in_flight.update(|f| f.push(section));
        ws.status.set(SaveStatus::Saving);
        let version = ws.version(section);
        leptos::task::spawn_local(async move {
            let result = save(
                ws.code.get_value(),
                section_slug(section).to_string(),
                version,
                fields.clone(),
            )
            .await;
            ws.in_flight.update(|f| f.retain(|s| *s != section));
            ws.settle(section, fields, result);
        });
    }

    fn settle(&self, section: Section, sent: Fields, result: Result<SaveResult, AppError>) {
        match result {
            Ok(SaveResult::Saved {
                version,
                updated_at,
            }) => {
                self.file.update(|f| {
                    let _ = self.apply(f, section, &sent);
                });
                self.meta.update(|m| {
                    let entry = m
                        .entry(section_slug(section).to_string())
                        .or_insert(SectionMeta {
                            version: 0,
                            updated_at: None,
                            updated_by: None,
                        });
                    entry.version = version;
                    entry.updated_at = Some(updated_at);
                });
                self.problems.set(Vec::new());
                let unchanged = self
                    .edits
                    .with_untracked(|e| e.get(&section) == Some(&sent));
                if unchanged {
                    self.edits.update(|e| {
                        e.remove(&section);
                    });
                    #[cfg(feature = "hydrate")]
                    crate::drafts::clear_local(&self.draft_key(section));
                    let pending = self.edits.with_untracked(|e| !e.is_empty());
                    self.status.set(if pending {
                        SaveStatus::Pending
                    } else {
                        SaveStatus::Saved
                    });
                } else {
                    // Typed on while it was on its way: keep the draft in
                    // step with the new base version and send the rest.
                    self.rebase_draft(section, version);
                    self.sync(section);
                }
            }
            Ok(SaveResult::Conflict {
                fields,
                version,
                updated_at,
                updated_by,
            }) => {
                let c = Conflict {
                    section,
                    theirs: fields,
                    version,
                    by: updated_by,
                    at: updated_at,
                };
                // The other save changed nothing this form shows (a
                // referral moved on by the mission, say): the server
                // applies these edits onto what it holds now, so they are
                // sent again on its version and nothing is lost.
                let untouched = self.file.with_untracked(|f| f.fields(section)) == c.theirs;
                if untouched && version != self.version(section) {
                    self.adopt_saved(&c);
                    // The device's draft follows (a reload before the
                    // second save lands is then no conflict either).
                    self.rebase_draft(section, version);
                    self.sync(section);
                    return;
                }
                self.conflict.set(Some(c));
                self.status.set(SaveStatus::Conflict);
            }
            Ok(SaveResult::Invalid(problems)) => {
                // Typed on (a correction, say) while it was on its way:
                // what the form says now is what counts, so it is sent.
                if self
                    .edits
                    .with_untracked(|e| e.get(&section).is_some_and(|now| *now != sent))
                {
                    self.sync(section);
                    return;
                }
                self.problems.set(problems);
                self.status.set(SaveStatus::Invalid);
            }
            Err(AppError::Unauthenticated) => self.status.set(SaveStatus::SignedOut),
            Err(AppError::Network) => {
                self.status.set(SaveStatus::Offline);
                self.retry_later();
            }
            Err(e) => self.status.set(SaveStatus::Failed(e.user_message())),
        }
    }

    /// Tries again in a few seconds (and when the browser says it is online).
    fn retry_later(&self) {
        let ws = *self;
        set_timeout(move || ws.sync_all(), std::time::Duration::from_secs(4));
    }

    /// Takes the other version as what the server holds now (its content
    /// and version), whatever is done with this counsellor's edits.
    fn adopt_saved(&self, c: &Conflict) {
        self.meta.update(|m| {
            if let Some(entry) = m.get_mut(section_slug(c.section)) {
                entry.version = c.version;
            }
        });
        self.file.update(|f| {
            let _ = self.apply(f, c.section, &c.theirs);
        });
    }

    /// Keeps the device's draft of a section's pending edits (if any) on
    /// `base_version`, the version they are now sent on.
    fn rebase_draft(&self, section: Section, base_version: i64) {
        let Some(fields) = self.edits.with_untracked(|e| e.get(&section).cloned()) else {
            return;
        };
        let draft = Draft {
            base_version,
            fields,
        };
        #[cfg(feature = "hydrate")]
        crate::drafts::save_local(&self.draft_key(section), &draft);
        let _ = draft;
    }

    /// Keeps this counsellor's version: it is saved over the other one,
    /// knowingly.
    pub fn keep_mine(&self) {
        let Some(c) = self.conflict.get_untracked() else {
            return;
        };
        self.adopt_saved(&c);
        self.rebase_draft(c.section, c.version);
        self.conflict.set(None);
        self.sync(c.section);
    }

    /// Takes the other version and drops this counsellor's edits.
    pub fn take_theirs(&self) {
        let Some(c) = self.conflict.get_untracked() else {
            return;
        };
        self.adopt_saved(&c);
        self.edits.update(|e| {
            e.remove(&c.section);
        });
        #[cfg(feature = "hydrate")]
        crate::drafts::clear_local(&self.draft_key(c.section));
        self.conflict.set(None);
        self.generation.update(|g| *g += 1);
        let pending = self.edits.with_untracked(|e| !e.is_empty());
        self.status.set(if pending {
            SaveStatus::Pending
        } else {
            SaveStatus::Saved
        });
    }
}
