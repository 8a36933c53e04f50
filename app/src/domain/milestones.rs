//! Milestones from decision to a year after return (domain.md §9):
//! generated from templates relative to anchor dates, editable afterwards,
//! with overdue and due-soon for a given day and a plan's progress.

use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};

/// The dates milestones are counted from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Anchor {
    FirstContact,
    Decision,
    PlannedDeparture,
    Arrival,
}

/// Who carries a milestone or a travel step.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Owner {
    Counsellor,
    Iom,
    Partner,
    Client,
}

/// A catalogue entry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MilestoneTemplate {
    pub id: String,
    pub title: String,
    pub anchor: Anchor,
    /// Calendar months after (or, negative, before) the anchor…
    #[serde(default)]
    pub offset_months: i32,
    /// …then days.
    #[serde(default)]
    pub offset_days: i64,
    pub owner: Owner,
    /// Only on the return track.
    pub return_only: bool,
    /// Where the sources give a window ("within a month of return",
    /// "day 0–7"): the day it opens, counted from the same anchor; the due
    /// date is the window's end.
    #[serde(default)]
    pub opens: Option<Offset>,
}

/// A time from an anchor: calendar months, then days (negative: before).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Offset {
    #[serde(default)]
    pub months: i32,
    #[serde(default)]
    pub days: i64,
}

impl Offset {
    /// `anchor` shifted by the months, then the days.
    pub fn from(self, anchor: NaiveDate) -> Option<NaiveDate> {
        let months = chrono::Months::new(self.months.unsigned_abs());
        let shifted = if self.months >= 0 {
            anchor.checked_add_months(months)
        } else {
            anchor.checked_sub_months(months)
        }?;
        shifted.checked_add_signed(Duration::days(self.days))
    }
}

/// The anchor dates a plan knows so far.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Anchors {
    pub first_contact: Option<NaiveDate>,
    pub decision: Option<NaiveDate>,
    pub planned_departure: Option<NaiveDate>,
    pub arrival: Option<NaiveDate>,
}

impl MilestoneTemplate {
    /// The due date from the anchor date.
    pub fn due_from(&self, anchor: NaiveDate) -> Option<NaiveDate> {
        Offset {
            months: self.offset_months,
            days: self.offset_days,
        }
        .from(anchor)
    }

    /// The day its window opens from the anchor date (`None`: no window).
    pub fn opens_from(&self, anchor: NaiveDate) -> Option<NaiveDate> {
        self.opens?.from(anchor)
    }
}

impl Anchors {
    fn get(&self, a: Anchor) -> Option<NaiveDate> {
        match a {
            Anchor::FirstContact => self.first_contact,
            Anchor::Decision => self.decision,
            Anchor::PlannedDeparture => self.planned_departure,
            Anchor::Arrival => self.arrival,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "status")]
pub enum MilestoneStatus {
    Pending,
    InProgress,
    Done { on: NaiveDate },
    Blocked { reason: String },
    Skipped { reason: String },
}

impl MilestoneStatus {
    /// Done or skipped: nothing more to do.
    pub fn is_settled(&self) -> bool {
        matches!(
            self,
            MilestoneStatus::Done { .. } | MilestoneStatus::Skipped { .. }
        )
    }
}

/// Where the work that ticks a milestone is recorded: a step of the plan,
/// or the screen of the follow-up contacts after return.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WorkPlace {
    Step(super::case_file::Step),
    FollowUp,
}

/// The address of the follow-up screen under a case (`/cases/<code>/…`).
pub const FOLLOW_UP_SLUG: &str = "follow-up";

impl WorkPlace {
    /// The page under the case's address.
    pub fn slug(self) -> &'static str {
        match self {
            WorkPlace::Step(s) => s.slug(),
            WorkPlace::FollowUp => FOLLOW_UP_SLUG,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Milestone {
    pub template_id: String,
    pub title: String,
    /// `None` until its anchor date is known. For a window, its end.
    pub due: Option<NaiveDate>,
    /// The day its window opens, where the sources give a window.
    #[serde(default)]
    pub opens: Option<NaiveDate>,
    pub owner: Owner,
    pub status: MilestoneStatus,
    pub evidence: Option<String>,
    /// Changed by hand: later anchor changes leave its date alone.
    pub due_edited: bool,
    /// The version of the template catalogue it came from.
    pub catalogue_version: String,
    /// Ticked by the work that fulfils it (recorded in this step), not by
    /// hand.
    #[serde(default)]
    pub by_work: Option<WorkPlace>,
    /// Whether the work fulfilled it is worked out from a section the
    /// reader may not read: its status is not shared with them.
    #[serde(default)]
    pub work_not_shared: bool,
}

/// The plan's milestones from the templates (return-only ones only on the
/// return track), dated where their anchor is known.
pub fn generate(
    templates: &[MilestoneTemplate],
    catalogue_version: &str,
    anchors: &Anchors,
    return_track: bool,
) -> Vec<Milestone> {
    templates
        .iter()
        .filter(|t| return_track || !t.return_only)
        .map(|t| Milestone {
            template_id: t.id.clone(),
            title: t.title.clone(),
            due: anchors.get(t.anchor).and_then(|d| t.due_from(d)),
            opens: anchors.get(t.anchor).and_then(|d| t.opens_from(d)),
            owner: t.owner,
            status: MilestoneStatus::Pending,
            evidence: None,
            due_edited: false,
            catalogue_version: catalogue_version.to_string(),
            by_work: None,
            work_not_shared: false,
        })
        .collect()
}

/// Re-dates milestones after an anchor changed, except those edited by hand
/// or already settled (a window's opening follows the anchor always).
pub fn redate(milestones: &mut [Milestone], templates: &[MilestoneTemplate], anchors: &Anchors) {
    for m in milestones.iter_mut() {
        if let Some(t) = templates.iter().find(|t| t.id == m.template_id) {
            m.opens = anchors.get(t.anchor).and_then(|d| t.opens_from(d));
        }
    }
    for m in milestones
        .iter_mut()
        .filter(|m| !m.due_edited && !m.status.is_settled())
    {
        if let Some(t) = templates.iter().find(|t| t.id == m.template_id) {
            m.due = anchors.get(t.anchor).and_then(|d| t.due_from(d));
        }
    }
}

/// Past its due date and not settled.
pub fn is_overdue(m: &Milestone, today: NaiveDate) -> bool {
    !m.status.is_settled() && m.due.is_some_and(|d| d < today)
}

/// Due within `days` from today (today included) and not settled.
pub fn is_due_soon(m: &Milestone, today: NaiveDate, days: i64) -> bool {
    !m.status.is_settled()
        && m.due
            .is_some_and(|d| d >= today && d <= today + Duration::days(days))
}

/// Settled and total, for a progress bar.
pub fn progress(milestones: &[Milestone]) -> (usize, usize) {
    (
        milestones.iter().filter(|m| m.status.is_settled()).count(),
        milestones.len(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, day).unwrap()
    }

    fn templates() -> Vec<MilestoneTemplate> {
        let t = |id: &str, anchor, offset_days, return_only| MilestoneTemplate {
            id: id.into(),
            title: id.into(),
            anchor,
            offset_months: 0,
            offset_days,
            owner: Owner::Counsellor,
            return_only,
            opens: None,
        };
        vec![
            t("M2", Anchor::FirstContact, 7, false),
            t("M9", Anchor::PlannedDeparture, -28, true),
            t("M11", Anchor::PlannedDeparture, 0, true),
            t("M16a", Anchor::Arrival, 30, true),
        ]
    }

    #[test]
    fn generated_from_anchors_and_editable() {
        let anchors = Anchors {
            first_contact: Some(d(9, 1)),
            planned_departure: Some(d(12, 1)),
            ..Anchors::default()
        };
        let mut ms = generate(&templates(), "test.1", &anchors, true);
        let due: Vec<Option<NaiveDate>> = ms.iter().map(|m| m.due).collect();
        assert_eq!(
            due,
            vec![Some(d(9, 8)), Some(d(11, 3)), Some(d(12, 1)), None]
        );
        // Not on the return track: no return milestones.
        assert_eq!(generate(&templates(), "test.1", &anchors, false).len(), 1);
        // A hand-edited date stays when the departure moves; others follow.
        ms[1].due = Some(d(10, 20));
        ms[1].due_edited = true;
        let moved = Anchors {
            planned_departure: Some(d(12, 15)),
            ..anchors
        };
        redate(&mut ms, &templates(), &moved);
        assert_eq!(ms[1].due, Some(d(10, 20)));
        assert_eq!(ms[2].due, Some(d(12, 15)));
    }

    #[test]
    fn months_are_calendar_months() {
        let t = MilestoneTemplate {
            id: "M16a".into(),
            title: "Follow-up after 1 month".into(),
            anchor: Anchor::Arrival,
            offset_months: 1,
            offset_days: 0,
            owner: Owner::Partner,
            return_only: true,
            opens: None,
        };
        let arrival = NaiveDate::from_ymd_opt(2026, 1, 31).unwrap();
        assert_eq!(t.due_from(arrival), NaiveDate::from_ymd_opt(2026, 2, 28));
        let before = MilestoneTemplate {
            offset_months: -1,
            offset_days: -3,
            ..t
        };
        assert_eq!(
            before.due_from(arrival),
            NaiveDate::from_ymd_opt(2025, 12, 28)
        );
    }

    #[test]
    fn a_window_opens_at_its_start_and_is_due_at_its_end() {
        // "Within a month of return": from the arrival to a month later.
        let t = MilestoneTemplate {
            id: "M13".into(),
            title: "Final plan".into(),
            anchor: Anchor::Arrival,
            offset_months: 1,
            offset_days: 0,
            owner: Owner::Partner,
            return_only: true,
            opens: Some(Offset::default()),
        };
        let anchors = Anchors {
            arrival: Some(d(3, 31)),
            ..Anchors::default()
        };
        let ms = generate(std::slice::from_ref(&t), "test.1", &anchors, true);
        assert_eq!((ms[0].opens, ms[0].due), (Some(d(3, 31)), Some(d(4, 30))));
        assert!(!is_overdue(&ms[0], d(4, 30)), "open until its end");
        assert!(is_overdue(&ms[0], d(5, 1)));
        // "1 to 3 months after arrival".
        let later = MilestoneTemplate {
            offset_months: 3,
            opens: Some(Offset { months: 1, days: 0 }),
            ..t
        };
        let mut ms = generate(std::slice::from_ref(&later), "test.1", &anchors, true);
        assert_eq!((ms[0].opens, ms[0].due), (Some(d(4, 30)), Some(d(6, 30))));
        // The arrival moves: the window moves with it.
        let moved = Anchors {
            arrival: Some(d(4, 10)),
            ..anchors
        };
        redate(&mut ms, std::slice::from_ref(&later), &moved);
        assert_eq!((ms[0].opens, ms[0].due), (Some(d(5, 10)), Some(d(7, 10))));
    }

    #[test]
    fn overdue_due_soon_and_progress() {
        let anchors = Anchors {
            first_contact: Some(d(9, 1)),
            planned_departure: Some(d(12, 1)),
            ..Anchors::default()
        };
        let mut ms = generate(&templates(), "test.1", &anchors, true);
        assert!(is_overdue(&ms[0], d(9, 9)));
        assert!(!is_overdue(&ms[0], d(9, 8)), "due today is not overdue");
        assert!(is_due_soon(&ms[1], d(10, 30), 7));
        assert!(!is_due_soon(&ms[1], d(10, 20), 7));
        assert!(!is_overdue(&ms[3], d(12, 31)), "no date, never overdue");
        ms[0].status = MilestoneStatus::Done { on: d(9, 10) };
        assert!(!is_overdue(&ms[0], d(9, 20)));
        ms[3].status = MilestoneStatus::Skipped {
            reason: "client stayed".into(),
        };
        assert_eq!(progress(&ms), (2, 4));
    }

    proptest! {
        #[test]
        fn overdue_never_turns_back_as_days_pass(offset in -60i64..60, a in 0i64..200, b in 0i64..200) {
            let anchors = Anchors { first_contact: Some(d(1, 1) + Duration::days(offset)), ..Anchors::default() };
            let ms = generate(&templates(), "test.1", &anchors, false);
            let (early, late) = (d(1, 1) + Duration::days(a.min(b)), d(1, 1) + Duration::days(a.max(b)));
            for m in &ms {
                prop_assert!(!is_overdue(m, early) || is_overdue(m, late));
            }
            let back: Vec<Milestone> = serde_json::from_str(&serde_json::to_string(&ms).unwrap()).unwrap();
            prop_assert_eq!(back, ms);
        }
    }
}
