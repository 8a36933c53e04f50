//! The client's own copy of the plan (issue #6, item 3; product.md "a copy
//! to take home"): only what the client should carry — the next steps
//! that concern them with their dates, the support planned with them, and
//! whom to call. Nothing about screening, risks or the reasons for the
//! plan is in it: the copy may be read by others, and it is shared by link.

use super::case_file::CaseFile;
use super::milestones::MilestoneStatus;
use super::progress::Catalogues;
use super::reintegration::{Form, SupportCategory};
use super::travel::StepStatus;
use chrono::NaiveDate;

/// A step of the plan as the client's copy names it (in plain words, in
/// the client's language; the texts are in `locales/client/`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ClientItem {
    Residence,
    TravelDocument,
    HealthCheck,
    Booking,
    Briefing,
    Departure,
    Arrival,
    SupportPlan,
    FollowUp1,
    FollowUp3,
    FollowUp6,
    FollowUp12,
}

/// Where each item's state comes from: a travel step or a milestone of
/// the catalogues (the first one with a date or a record wins).
const ITEMS: &[(ClientItem, &[&str], &[&str])] = &[
    (ClientItem::Residence, &["T2"], &[]),
    (ClientItem::TravelDocument, &["T4"], &["M10"]),
    (ClientItem::HealthCheck, &["T7"], &[]),
    (ClientItem::Booking, &["T8"], &[]),
    (ClientItem::Briefing, &["T9"], &[]),
    (ClientItem::Departure, &["T10"], &["M11"]),
    (ClientItem::Arrival, &["T12"], &["M12"]),
    (ClientItem::SupportPlan, &[], &["M13"]),
    (ClientItem::FollowUp1, &[], &["M16a"]),
    (ClientItem::FollowUp3, &[], &["M16b"]),
    (ClientItem::FollowUp6, &[], &["M16c"]),
    (ClientItem::FollowUp12, &[], &["M16d"]),
];

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientStep {
    pub item: ClientItem,
    /// When it was done, or when it is planned (`None`: not set yet).
    pub date: Option<NaiveDate>,
    pub done: bool,
    /// What the date means when the step is not done.
    pub when: When,
}

/// What a step's date says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum When {
    /// Done then, or planned for then.
    On,
    /// Before the departure: by that day at the latest.
    By,
    /// Reckoned from the planned departure (the arrival is not confirmed
    /// yet): about then.
    Around,
}

/// The steps done before the departure, which have no date of their own:
/// by the departure at the latest.
const BEFORE_DEPARTURE: &[ClientItem] = &[
    ClientItem::Residence,
    ClientItem::TravelDocument,
    ClientItem::HealthCheck,
    ClientItem::Booking,
    ClientItem::Briefing,
];

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientSupport {
    pub category: SupportCategory,
    /// As the counsellor wrote it with the client.
    pub description: String,
    pub form: Form,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClientCopy {
    pub departure: Option<NaiveDate>,
    /// In the order of the plan; done ones included (the client sees how
    /// far it has come), skipped and not applicable ones left out.
    pub steps: Vec<ClientStep>,
    pub support: Vec<ClientSupport>,
    /// One contact per line, as the counsellor entered them.
    pub contacts: Vec<String>,
}

impl CaseFile {
    /// The client's copy of this plan. Before return is chosen it carries
    /// the contacts only.
    pub fn client_copy(&self, cats: &Catalogues) -> ClientCopy {
        let contacts = self
            .travel
            .contacts
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(String::from)
            .collect();
        if !self.return_track() {
            return ClientCopy {
                contacts,
                ..ClientCopy::default()
            };
        }
        let travel = self.travel_steps(cats);
        let milestones = self.milestones(cats);
        // Before the arrival is confirmed, the steps after it are reckoned
        // from the planned departure.
        let anchors = self.anchors();
        let estimated: Vec<_> = if anchors.arrival.is_none() {
            super::milestones::generate(
                cats.milestones,
                cats.milestones_version,
                &super::milestones::Anchors {
                    arrival: anchors.planned_departure,
                    ..anchors
                },
                true,
            )
        } else {
            Vec::new()
        };
        let mut steps = Vec::new();
        for (item, step_ids, milestone_ids) in ITEMS {
            let mut done = None;
            let mut due = None;
            let mut skipped = false;
            for s in travel
                .iter()
                .filter(|s| step_ids.contains(&s.template_id.as_str()))
            {
                match &s.status {
                    StepStatus::Done { on } => done = done.or(Some(*on)),
                    StepStatus::NotApplicable { .. } => skipped = true,
                    _ => due = due.or(s.due),
                }
            }
            for m in milestones
                .iter()
                .filter(|m| milestone_ids.contains(&m.template_id.as_str()))
            {
                match &m.status {
                    MilestoneStatus::Done { on } => done = done.or(Some(*on)),
                    MilestoneStatus::Skipped { .. } => skipped = true,
                    _ => due = due.or(m.due),
                }
            }
            if *item == ClientItem::Departure {
                due = due.or(self.travel.planned_departure);
            }
            if skipped && done.is_none() {
                continue;
            }
            let mut when = When::On;
            if due.is_none() && BEFORE_DEPARTURE.contains(item) {
                due = self.travel.planned_departure;
                when = When::By;
            }
            if due.is_none() {
                due = estimated
                    .iter()
                    .filter(|m| milestone_ids.contains(&m.template_id.as_str()))
                    .find_map(|m| m.due);
                when = When::Around;
            }
            steps.push(ClientStep {
                item: *item,
                date: done.or(due),
                done: done.is_some(),
                when,
            });
        }
        let support = self
            .reintegration
            .lines
            .iter()
            .filter(|l| !l.description.trim().is_empty())
            .map(|l| ClientSupport {
                category: l.category,
                description: l.description.trim().to_string(),
                form: l.form,
            })
            .collect();
        ClientCopy {
            departure: self.departed_on().or(self.travel.planned_departure),
            steps,
            support,
            contacts,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::case_file::ParseContext;
    use crate::domain::fields::Fields;
    use crate::domain::money::Currency;
    use crate::domain::policy::Section;

    fn cx() -> ParseContext<'static> {
        ParseContext {
            today: NaiveDate::from_ymd_opt(2026, 11, 20).unwrap(),
            user_id: "u-counsellor",
            currency: Currency::EUR,
        }
    }

    fn put(f: &mut CaseFile, section: Section, pairs: &[(&str, &str)]) {
        let fields: Fields = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        f.apply(section, &fields, &cx())
            .unwrap_or_else(|p| panic!("{section:?}: {p:?}"));
    }

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn returning() -> CaseFile {
        let mut f = CaseFile::default();
        put(
            &mut f,
            Section::Decision,
            &[
                ("decision.choice", "return"),
                ("decision.on", "2026-11-02"),
                ("decision.free_and_informed", "on"),
            ],
        );
        put(
            &mut f,
            Section::Reintegration,
            &[
                ("reint.programme", "nl-2025-reintegration"),
                ("person.0.kind", "adult"),
                ("line.0.category", "economic"),
                ("line.0.description", "Sewing machine and stock"),
                ("line.0.amount", "1500"),
                ("line.0.form", "in_kind"),
                ("line.0.person", "0"),
            ],
        );
        put(
            &mut f,
            Section::Travel,
            &[
                ("travel.mission", "org-iom-nl"),
                ("travel.destination", "NG"),
                ("travel.departure", "2027-01-15"),
                (
                    "travel.contacts",
                    "IOM Lagos reception: +234 1 000 0000\n\n  Hotline: 0800 000  ",
                ),
                ("step.T4.status", "done"),
                ("step.T4.done_on", "2026-11-18"),
                ("step.T4.evidence", "Laissez-passer LP-1"),
            ],
        );
        f
    }

    #[test]
    fn the_copy_carries_the_clients_steps_dates_support_and_contacts() {
        let f = returning();
        let c = f.client_copy(&crate::catalog::planning());
        assert_eq!(c.departure, Some(d("2027-01-15")));
        let doc = c
            .steps
            .iter()
            .find(|s| s.item == ClientItem::TravelDocument)
            .unwrap();
        assert_eq!((doc.date, doc.done), (Some(d("2026-11-18")), true));
        let dep = c
            .steps
            .iter()
            .find(|s| s.item == ClientItem::Departure)
            .unwrap();
        assert_eq!((dep.date, dep.done), (Some(d("2027-01-15")), false));
        let follow = c
            .steps
            .iter()
            .find(|s| s.item == ClientItem::FollowUp12)
            .unwrap();
        assert_eq!(
            (follow.date, follow.when),
            (Some(d("2028-01-15")), When::Around),
            "no arrival yet: reckoned from the planned departure"
        );
        // A step before the departure without a date of its own: by then.
        let booking = c
            .steps
            .iter()
            .find(|s| s.item == ClientItem::Booking)
            .unwrap();
        assert_eq!(
            (booking.date, booking.when),
            (Some(d("2027-01-15")), When::By)
        );
        // Nothing is left without a date once the departure is planned.
        assert!(c.steps.iter().all(|s| s.date.is_some()), "{:?}", c.steps);
        assert_eq!(
            c.support,
            vec![ClientSupport {
                category: SupportCategory::Economic,
                description: "Sewing machine and stock".into(),
                form: Form::InKind,
            }]
        );
        assert_eq!(
            c.contacts,
            vec!["IOM Lagos reception: +234 1 000 0000", "Hotline: 0800 000"]
        );
    }

    #[test]
    fn nothing_of_the_screening_or_the_risks_is_in_it() {
        // The copy's type has no place for them; this guards that the
        // internal steps (criminal case, risk approval) stay out too.
        let c = returning().client_copy(&crate::catalog::planning());
        let items: Vec<ClientItem> = c.steps.iter().map(|s| s.item).collect();
        assert_eq!(items.len(), ITEMS.len());
        assert!(ITEMS
            .iter()
            .all(|(_, steps, _)| !steps.contains(&"T3") && !steps.contains(&"T6")));
    }

    #[test]
    fn before_return_is_chosen_only_the_contacts() {
        let mut f = CaseFile::default();
        put(
            &mut f,
            Section::Travel,
            &[("travel.contacts", "Shelter night line: 0800 111")],
        );
        let c = f.client_copy(&crate::catalog::planning());
        assert!(c.steps.is_empty() && c.support.is_empty());
        assert_eq!(c.contacts, vec!["Shelter night line: 0800 111"]);
    }
}
