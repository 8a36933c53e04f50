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
use crate::domain::fields::{differing, merge3, Fields, Problem};
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

/// The other version of a section, saved meanwhile by someone else, and
/// the fields both changed (differently) since this form's version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Conflict {
    pub section: Section,
    pub theirs: Fields,
    pub version: i64,
    pub by: String,
    pub at: i64,
    /// The section as this counsellor's edits started from it.
    pub base: Fields,
    /// The fields both sides changed, each differently: the only ones the
    /// counsellor is asked about.
    pub both_changed: std::collections::BTreeSet<String>,
}

/// A section's unsaved edits, as kept on the device.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Draft {
    pub base_version: i64,
    pub fields: Fields,
    /// The section as the edits started from it (to merge them with a
    /// version saved meanwhile); absent in drafts kept before it was.
    #[serde(default)]
    pub base: Option<Fields>,
}

#[derive(Clone, Copy)]
pub struct Workspace {
    pub code: StoredValue<String>,
    pub user_id: StoredValue<String>,
    pub today: chrono::NaiveDate,
    /// The organisation's wall clock ahead of UTC, in seconds.
    clock_offset_seconds: i64,
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
    /// The step's form is being made anew: what its old controls report
    /// as they go (a `change` fired by the focused field on its way out)
    /// is not an edit.
    pub rendering: StoredValue<bool>,
    /// The ILO indicator list an operator loaded (`None`: the built-in).
    indicator_list: StoredValue<Option<std::sync::Arc<crate::catalog::IloCatalogue>>>,
}

impl Workspace {
    pub fn new(view: &CaseView) -> Self {
        Workspace {
            code: StoredValue::new(view.code.clone()),
            user_id: StoredValue::new(view.user_id.clone()),
            today: view.today,
            clock_offset_seconds: view.clock_offset_seconds,
            file: RwSignal::new(view.file.clone()),
            meta: RwSignal::new(view.sections.clone()),
            edits: RwSignal::new(BTreeMap::new()),
            status: RwSignal::new(SaveStatus::Saved),
            problems: RwSignal::new(Vec::new()),
            conflict: RwSignal::new(None),
            generation: RwSignal::new(0),
            in_flight: RwSignal::new(Vec::new()),
            rendering: StoredValue::new(false),
            indicator_list: StoredValue::new(view.indicator_list.clone().map(std::sync::Arc::new)),
        }
    }

    /// The time on the organisation's wall now, as the planning core
    /// reckons with it (see the server's clock).
    pub fn wall_now(&self) -> chrono::DateTime<chrono::Utc> {
        chrono::Utc::now() + chrono::Duration::seconds(self.clock_offset_seconds)
    }

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
        // The server judges the moves against the whole plan, which this
        // copy may not hold (only the sections its reader may read).
        file.place(section, fields, &cx)
    }

    /// The ILO indicator list screenings use.
    pub fn indicator_list(&self) -> std::sync::Arc<crate::catalog::IloCatalogue> {
        self.indicator_list
            .get_value()
            .unwrap_or_else(crate::catalog::built_in_ilo)
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
            base: Some(self.file.with_untracked(|f| f.fields(section))),
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
                // elsewhere): merged when they changed other fields, both
                // shown when they changed the same; never overwritten.
                let meta = self
                    .meta
                    .with_untracked(|m| m.get(section_slug(section)).cloned());
                let theirs = self.file.with_untracked(|f| f.fields(section));
                // A draft kept without its base: every difference is asked about.
                let base = draft.base.clone().unwrap_or_default();
                self.meet(Conflict {
                    section,
                    both_changed: Default::default(),
                    base,
                    theirs,
                    version: self.version(section),
                    by: meta
                        .as_ref()
                        .and_then(|m| m.updated_by.clone())
                        .unwrap_or_default(),
                    at: meta.and_then(|m| m.updated_at).unwrap_or_default(),
                });
            }
        }
        if restored {
            self.generation.update(|g| *g += 1);
            self.sync_all();
        }
    }

    /// Whether the case is still open on this page. Timers, listeners and
    /// saves on their way may outlive it (the counsellor followed a link):
    /// they then leave it alone.
    pub fn is_open(&self) -> bool {
        !self.file.is_disposed()
    }

    /// Sends every pending edit now, as the page is left (a link followed
    /// within the pause that would have sent it). Runs while the case is
    /// still open; what comes back touches only the drafts on the device.
    pub fn send_before_leaving(&self) {
        if !self.is_open() {
            return;
        }
        let in_conflict = self
            .conflict
            .with_untracked(|c| c.as_ref().map(|c| c.section));
        let pending: Vec<(Section, Fields)> = self.edits.with_untracked(|e| {
            e.iter()
                .filter(|(s, _)| Some(**s) != in_conflict)
                .filter(|(s, _)| !self.in_flight.with_untracked(|f| f.contains(s)))
                .map(|(s, f)| (*s, f.clone()))
                .collect()
        });
        let code = self.code.get_value();
        for (section, fields) in pending {
            let version = untrack(|| self.version(section));
            let key = self.draft_key(section);
            let code = code.clone();
            leptos::task::spawn_local(async move {
                let result = save(
                    code,
                    section_slug(section).to_string(),
                    version,
                    fields.clone(),
                )
                .await;
                forget_draft_if_saved(&key, &fields, &result);
            });
        }
    }

    /// Sends every pending edit (not those in conflict).
    pub fn sync_all(&self) {
        if !self.is_open() {
            return;
        }
        let sections: Vec<Section> = self.edits.with_untracked(|e| e.keys().copied().collect());
        for s in sections {
            self.sync(s);
        }
    }

    /// Sends one section's edits, if any and not already on their way.
    pub fn sync(&self, section: Section) {
        if !self.is_open() {
            return;
        }
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
        let key = ws.draft_key(section);
        leptos::task::spawn_local(async move {
            let result = save(
                ws.code.get_value(),
                section_slug(section).to_string(),
                version,
                fields.clone(),
            )
            .await;
            if !ws.is_open() {
                // The page was left meanwhile.
                forget_draft_if_saved(&key, &fields, &result);
                return;
            }
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
                    // What this form started from: the version it knew.
                    base: self.file.with_untracked(|f| f.fields(section)),
                    both_changed: Default::default(),
                };
                if version == self.version(section) {
                    // Refused on the version this form holds: nothing to
                    // merge onto, the counsellor decides.
                    let mut c = c;
                    c.both_changed = differing(&self.fields(section), &c.theirs);
                    self.conflict.set(Some(c));
                    self.status.set(SaveStatus::Conflict);
                    return;
                }
                // Another save changed other fields (or none this form
                // shows: a referral moved on by the mission): both are
                // kept without asking; only fields both changed are asked
                // about.
                self.meet(c);
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
            base: Some(self.file.with_untracked(|f| f.fields(section))),
        };
        #[cfg(feature = "hydrate")]
        crate::drafts::save_local(&self.draft_key(section), &draft);
        let _ = draft;
    }

    /// A section's fields in the shape the server gives them back (a
    /// blank row, an unticked box, "unknown" written another way), when
    /// they parse; as they are otherwise.
    fn canonical(&self, section: Section, fields: &Fields) -> Fields {
        let mut parsed = self.file.get_untracked();
        match self.apply(&mut parsed, section, fields) {
            Ok(()) => parsed.fields(section),
            Err(_) => fields.clone(),
        }
    }

    /// Meets another version of a section that this counsellor's edits
    /// did not start from: the two merged field by field when they
    /// changed different fields; both shown when they changed the same.
    fn meet(&self, mut c: Conflict) {
        let mine = self.canonical(c.section, &self.fields(c.section));
        let merge = merge3(&c.base, &mine, &c.theirs);
        if merge.conflicts.is_empty() {
            self.adopt_saved(&c);
            self.carry_on_with(c.section, c.version, merge.merged);
            return;
        }
        c.both_changed = merge.conflicts;
        self.conflict.set(Some(c));
        self.status.set(SaveStatus::Conflict);
    }

    /// The section continues from the other version (now adopted) with
    /// `merged` as this counsellor's edits: sent, or nothing left to send.
    /// The form shows the merged fields.
    fn carry_on_with(&self, section: Section, version: i64, merged: Fields) {
        let shown = self.fields(section);
        let saved = self.file.with_untracked(|f| f.fields(section));
        self.conflict.set(None);
        if differing(&merged, &saved).is_empty() {
            self.edits.update(|e| {
                e.remove(&section);
            });
            #[cfg(feature = "hydrate")]
            crate::drafts::clear_local(&self.draft_key(section));
        } else {
            self.edits.update(|e| {
                e.insert(section, merged.clone());
            });
            // The device's draft follows (a reload before the save lands
            // is then no conflict either).
            self.rebase_draft(section, version);
        }
        if !differing(&shown, &merged).is_empty() {
            self.render_form_again();
        }
        if self.edits.with_untracked(|e| e.contains_key(&section)) {
            self.sync(section);
        } else {
            let pending = self.edits.with_untracked(|e| !e.is_empty());
            self.status.set(if pending {
                SaveStatus::Pending
            } else {
                SaveStatus::Saved
            });
        }
    }

    /// Renders the step's form again from the fields as they now are
    /// (made anew: a control the counsellor typed in keeps showing what
    /// was typed when only patched). The field being typed in keeps the
    /// focus and the caret.
    pub fn render_form_again(&self) {
        #[cfg(feature = "hydrate")]
        let focus = focused_field();
        self.rendering.set_value(true);
        self.generation.update(|g| *g += 1);
        // The form is made in a microtask; this runs after it.
        #[cfg(feature = "hydrate")]
        {
            let rendering = self.rendering;
            set_timeout(
                move || {
                    if rendering.is_disposed() {
                        return;
                    }
                    rendering.set_value(false);
                    if let Some(focus) = focus {
                        focus.restore();
                    }
                },
                std::time::Duration::ZERO,
            );
        }
    }

    /// Keeps this counsellor's version of the fields both changed; the
    /// other changes stay. Saved over the other version, knowingly.
    pub fn keep_mine(&self) {
        let Some(c) = self.conflict.get_untracked() else {
            return;
        };
        // What the form says now (typed on while both were shown, too).
        let mine = self.canonical(c.section, &self.fields(c.section));
        let merged = merge3(&c.base, &mine, &c.theirs).merged;
        self.adopt_saved(&c);
        self.carry_on_with(c.section, c.version, merged);
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
        self.render_form_again();
        let pending = self.edits.with_untracked(|e| !e.is_empty());
        self.status.set(if pending {
            SaveStatus::Pending
        } else {
            SaveStatus::Saved
        });
    }
}

/// After a save that outlived its page: the draft on the device goes once
/// the server holds exactly what it says (typed on meanwhile, or refused,
/// it stays and comes back when the case is opened again).
#[cfg_attr(not(feature = "hydrate"), allow(unused_variables))]
fn forget_draft_if_saved(key: &str, sent: &Fields, result: &Result<SaveResult, AppError>) {
    #[cfg(feature = "hydrate")]
    if matches!(result, Ok(SaveResult::Saved { .. }))
        && crate::drafts::load_local::<Draft>(key).is_some_and(|d| d.fields == *sent)
    {
        crate::drafts::clear_local(key);
    }
}

/// The field that has the focus, with its caret, to give it back after the
/// form is made anew.
#[cfg(feature = "hydrate")]
struct Focus {
    id: String,
    selection: Option<(u32, u32)>,
}

#[cfg(feature = "hydrate")]
fn focused_field() -> Option<Focus> {
    use wasm_bindgen::JsCast;
    let active = document().active_element()?;
    let id = active.id();
    if id.is_empty() || active.closest("#step-form").ok().flatten().is_none() {
        return None;
    }
    let selection = if let Some(t) = active.dyn_ref::<web_sys::HtmlTextAreaElement>() {
        t.selection_start()
            .ok()
            .flatten()
            .zip(t.selection_end().ok().flatten())
    } else if let Some(i) = active.dyn_ref::<web_sys::HtmlInputElement>() {
        i.selection_start()
            .ok()
            .flatten()
            .zip(i.selection_end().ok().flatten())
    } else {
        None
    };
    Some(Focus { id, selection })
}

#[cfg(feature = "hydrate")]
impl Focus {
    fn restore(self) {
        use wasm_bindgen::JsCast;
        let Some(el) = document().get_element_by_id(&self.id) else {
            return;
        };
        if let Some(h) = el.dyn_ref::<web_sys::HtmlElement>() {
            let _ = h.focus();
        }
        if let Some((start, end)) = self.selection {
            if let Some(t) = el.dyn_ref::<web_sys::HtmlTextAreaElement>() {
                let _ = t.set_selection_range(start, end);
            } else if let Some(i) = el.dyn_ref::<web_sys::HtmlInputElement>() {
                let _ = i.set_selection_range(start, end);
            }
        }
    }
}
