//! Versioned reference data: the catalogues of `app/catalog/*.json`,
//! embedded at build time and read once. Rules in `domain` take them as
//! arguments and record the version they used; nothing here decides.

use crate::domain::screening::Indicator;
use serde::{Deserialize, Serialize};
use std::sync::LazyLock;

pub mod indicator_list;

/// A catalogue's identity, kept with every result that used it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogueInfo {
    pub catalogue: String,
    pub version: String,
    pub source: String,
    /// False while the catalogue holds only part of its source.
    pub complete: bool,
    #[serde(default)]
    pub note: String,
}

/// The ILO operational indicators (domain.md §5.1): the version built in,
/// or one an operator loaded (see [`indicator_list`]).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IloCatalogue {
    #[serde(flatten)]
    pub info: CatalogueInfo,
    pub dimensions: Vec<IloDimension>,
    pub indicators: Vec<Indicator>,
    /// How many indicators each list has in the source, where the
    /// catalogue holds only part of it ("based on 59 of 67").
    #[serde(default)]
    pub source_sizes: std::collections::BTreeMap<crate::domain::screening::IloList, usize>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IloDimension {
    pub number: u8,
    pub name: String,
    pub element: crate::domain::screening::Element,
}

static ILO: LazyLock<IloCatalogue> = LazyLock::new(|| {
    serde_json::from_str(include_str!("../../catalog/ilo_indicators.json"))
        .expect("app/catalog/ilo_indicators.json is checked by the catalogue tests")
});

/// The ILO indicator catalogue built into the binary (screenings use the
/// newest list an operator loaded instead, where there is one).
pub fn ilo() -> &'static IloCatalogue {
    &ILO
}

static ILO_SHARED: LazyLock<std::sync::Arc<IloCatalogue>> =
    LazyLock::new(|| std::sync::Arc::new(ilo().clone()));

/// The built-in ILO catalogue, shared.
pub fn built_in_ilo() -> std::sync::Arc<IloCatalogue> {
    ILO_SHARED.clone()
}

/// Risk factors by level, and mitigations (domain.md §6.2, §6.4).
#[derive(Clone, Debug, Deserialize)]
pub struct RiskCatalogue {
    #[serde(flatten)]
    pub info: CatalogueInfo,
    pub factors: Vec<RiskFactor>,
    pub mitigations: Vec<MitigationEntry>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct RiskFactor {
    pub id: String,
    pub level: crate::domain::risk::FactorLevel,
    pub text: String,
}

#[derive(Clone, Debug, Deserialize)]
pub struct MitigationEntry {
    pub id: String,
    pub text: String,
}

static RISK: LazyLock<RiskCatalogue> = LazyLock::new(|| {
    serde_json::from_str(include_str!("../../catalog/risk.json"))
        .expect("app/catalog/risk.json is checked by the catalogue tests")
});

/// Return and reintegration programmes with their dated caps (§7.2).
#[derive(Clone, Debug, Deserialize)]
pub struct ProgrammeCatalogue {
    #[serde(flatten)]
    pub info: CatalogueInfo,
    pub programmes: Vec<crate::domain::reintegration::Programme>,
    /// The EU and EEA countries (ISO 3166-1 alpha-2), for the programmes
    /// whose eligibility depends on nationality.
    pub eu_eea: Vec<String>,
}

static PROGRAMMES: LazyLock<ProgrammeCatalogue> = LazyLock::new(|| {
    serde_json::from_str(include_str!("../../catalog/programmes.json"))
        .expect("app/catalog/programmes.json is checked by the catalogue tests")
});

/// The programme catalogue.
pub fn programmes() -> &'static ProgrammeCatalogue {
    &PROGRAMMES
}

/// Milestone templates (§9).
#[derive(Clone, Debug, Deserialize)]
pub struct MilestoneCatalogue {
    #[serde(flatten)]
    pub info: CatalogueInfo,
    pub milestones: Vec<crate::domain::milestones::MilestoneTemplate>,
}

static MILESTONES: LazyLock<MilestoneCatalogue> = LazyLock::new(|| {
    serde_json::from_str(include_str!("../../catalog/milestones.json"))
        .expect("app/catalog/milestones.json is checked by the catalogue tests")
});

/// The milestone templates.
pub fn milestones() -> &'static MilestoneCatalogue {
    &MILESTONES
}

/// The Dutch signal lists (§5.3).
#[derive(Clone, Debug, Deserialize)]
pub struct NlSignalCatalogue {
    #[serde(flatten)]
    pub info: CatalogueInfo,
    pub groups: Vec<crate::domain::screening::SignalGroup>,
}

static NL_SIGNALS: LazyLock<NlSignalCatalogue> = LazyLock::new(|| {
    serde_json::from_str(include_str!("../../catalog/nl_signals.json"))
        .expect("app/catalog/nl_signals.json is checked by the catalogue tests")
});

/// The Dutch signal groups.
pub fn nl_signals() -> &'static NlSignalCatalogue {
    &NL_SIGNALS
}

/// Travel steps (§8).
#[derive(Clone, Debug, Deserialize)]
pub struct TravelCatalogue {
    #[serde(flatten)]
    pub info: CatalogueInfo,
    pub steps: Vec<crate::domain::travel::TravelStepTemplate>,
}

static TRAVEL: LazyLock<TravelCatalogue> = LazyLock::new(|| {
    serde_json::from_str(include_str!("../../catalog/travel_steps.json"))
        .expect("app/catalog/travel_steps.json is checked by the catalogue tests")
});

/// The travel step checklist.
pub fn travel_steps() -> &'static TravelCatalogue {
    &TRAVEL
}

/// The catalogues a case's progress is computed with.
pub fn planning() -> crate::domain::progress::Catalogues<'static> {
    crate::domain::progress::Catalogues {
        milestones: &milestones().milestones,
        milestones_version: &milestones().info.version,
        travel_steps: &travel_steps().steps,
        travel_version: &travel_steps().info.version,
        programmes: &programmes().programmes,
        programmes_version: &programmes().info.version,
        eu_eea: &programmes().eu_eea,
    }
}

/// Follow-up after return and the sustainability score (§7.3).
#[derive(Clone, Debug, Deserialize)]
pub struct FollowUpCatalogue {
    #[serde(flatten)]
    pub info: CatalogueInfo,
    pub provisional: bool,
    pub follow_up_months: Vec<u32>,
    pub composite_weights:
        std::collections::BTreeMap<crate::domain::follow_up::RssDimension, rust_decimal::Decimal>,
    pub questions: Vec<crate::domain::follow_up::RssQuestion>,
}

impl FollowUpCatalogue {
    /// The scoring model, carrying the catalogue's version.
    pub fn model(&self) -> crate::domain::follow_up::RssModel {
        crate::domain::follow_up::RssModel {
            version: self.info.version.clone(),
            provisional: self.provisional,
            composite_weights: self.composite_weights.clone(),
            questions: self.questions.clone(),
        }
    }
}

static FOLLOW_UP: LazyLock<FollowUpCatalogue> = LazyLock::new(|| {
    serde_json::from_str(include_str!("../../catalog/follow_up.json"))
        .expect("app/catalog/follow_up.json is checked by the catalogue tests")
});

/// The follow-up schedule and sustainability questions.
pub fn follow_up() -> &'static FollowUpCatalogue {
    &FOLLOW_UP
}

/// The risk factor and mitigation catalogue.
pub fn risk() -> &'static RiskCatalogue {
    &RISK
}

/// The social map's first entries (domain.md §10.2): real, public
/// organisations with their city and kind of service only.
#[derive(Clone, Debug, Deserialize)]
pub struct DirectorySeed {
    #[serde(flatten)]
    pub info: CatalogueInfo,
    pub organisations: Vec<SeedOrganisation>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct SeedOrganisation {
    pub id: String,
    pub name: String,
    pub country: String,
    pub city: String,
    pub org_type: String,
    pub services: Vec<String>,
    /// The source's own words for what they do.
    pub services_text: String,
}

static DIRECTORY_SEED: LazyLock<DirectorySeed> = LazyLock::new(|| {
    serde_json::from_str(include_str!("../../catalog/directory_seed.json"))
        .expect("app/catalog/directory_seed.json is checked by the catalogue tests")
});

pub fn directory_seed() -> &'static DirectorySeed {
    &DIRECTORY_SEED
}

/// The seed as entries of the map: name, country and city from the
/// source; the type and the services are the planner's reading of the
/// source's words, so they and every other field are marked unverified,
/// and no entry is verified (each is flagged until an editor does).
pub fn directory_seed_entries() -> Vec<crate::domain::directory::Organisation> {
    use crate::domain::directory::{OrgType, Organisation, Service, COLUMNS};
    let seed = directory_seed();
    seed.organisations
        .iter()
        .map(|s| {
            let mut o = Organisation::new(&s.id, &s.name, &s.country, &s.city);
            o.org_type = OrgType::from_slug(&s.org_type);
            o.services = s
                .services
                .iter()
                .filter_map(|x| Service::from_slug(x))
                .collect();
            o.eligibility = s.services_text.clone();
            o.source = format!("{} ({})", seed.info.source, seed.info.version);
            o.unverified = COLUMNS
                .iter()
                .filter(|c| {
                    !matches!(
                        **c,
                        "id" | "name" | "country" | "city" | "source" | "unverified" | "archived"
                    )
                })
                .map(|c| c.to_string())
                .collect();
            o
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::screening::{IloList, DIMENSIONS};
    use std::collections::BTreeSet;

    #[test]
    fn the_directory_seed_is_valid_and_unverified() {
        let seed = directory_seed();
        let entries = directory_seed_entries();
        assert_eq!(entries.len(), seed.organisations.len());
        assert!(entries.len() >= 19, "every organisation of domain.md §10.2");
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 29).unwrap();
        let mut ids = BTreeSet::new();
        for (o, s) in entries.iter().zip(&seed.organisations) {
            assert!(ids.insert(o.id.clone()), "{} twice", o.id);
            assert_eq!(o.problems(today), vec![], "{}", o.id);
            assert!(o.org_type.is_some(), "{}: type {}", o.id, s.org_type);
            assert_eq!(
                o.services.len(),
                s.services.len(),
                "{}: a service is not in the list",
                o.id
            );
            assert!(o.stale(today), "{}: nobody verified it", o.id);
            assert!(o.unverified.contains("services") && !o.unverified.contains("name"));
        }
        // The seed goes through the CSV unchanged.
        let with_versions: Vec<_> = entries.iter().map(|o| (o.clone(), 0)).collect();
        let text = crate::domain::directory::to_csv(&with_versions);
        let read: Vec<_> = crate::domain::directory::from_csv(&text, today)
            .unwrap()
            .into_iter()
            .map(|r| r.entry)
            .collect();
        assert_eq!(read, entries);
    }

    #[test]
    fn the_ilo_catalogue_is_well_formed() {
        let c = ilo();
        assert!(!c.info.version.is_empty());
        let dims: Vec<(u8, _)> = c.dimensions.iter().map(|d| (d.number, d.element)).collect();
        assert_eq!(dims, DIMENSIONS.to_vec(), "dimensions and their elements");
        let mut ids = BTreeSet::new();
        for i in &c.indicators {
            assert!(ids.insert(i.id.as_str()), "{} twice", i.id);
            assert!((1..=6).contains(&i.dimension), "{}", i.id);
            assert!(!i.grades.is_empty(), "{} is on no list", i.id);
        }
        // What domain.md §5.1 names for the adult labour list.
        let graded = |list| {
            c.indicators
                .iter()
                .filter(|i| i.grades.contains_key(&list))
                .count()
        };
        assert!(graded(IloList::AdultLabour) >= 50);
        // The partial catalogue says so (the other lists are still to load).
        assert_eq!(c.info.complete, graded(IloList::AdultSexual) > 0);
    }

    #[test]
    fn the_programme_catalogue_matches_the_sources() {
        use crate::domain::reintegration::PersonKind;
        use rust_decimal::Decimal;
        let c = programmes();
        let avrr = c
            .programmes
            .iter()
            .find(|p| p.id == "avrr-nl-2017")
            .unwrap();
        assert_eq!(
            avrr.cap_per_person[&PersonKind::Adult],
            Some(Decimal::from(1800))
        );
        assert_eq!(
            avrr.cap_per_person[&PersonKind::MinorWithFamily],
            Some(Decimal::from(2800))
        );
        assert_eq!(avrr.cash_limit_per_person, Some(Decimal::from(300)));
        let rean = c
            .programmes
            .iter()
            .find(|p| p.id == "rean-vot-allowance")
            .unwrap();
        assert_eq!(
            rean.cap_per_person[&PersonKind::Adult],
            Some(Decimal::from(200))
        );
        // What the sources do not state stays unknown.
        let newer = c
            .programmes
            .iter()
            .find(|p| p.id == "nl-2025-reintegration")
            .unwrap();
        assert_eq!(newer.cap_per_person[&PersonKind::MinorWithFamily], None);
        let ids: BTreeSet<&str> = c.programmes.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(ids.len(), c.programmes.len());
        for p in &c.programmes {
            assert!(p.valid_to.is_none_or(|to| p.valid_from <= to), "{}", p.id);
            // Combinations name programmes of the catalogue, both ways.
            for other in &p.combines_with {
                assert!(ids.contains(other.as_str()), "{}: {other}", p.id);
                assert_ne!(other, &p.id);
                let back = c.programmes.iter().find(|q| q.id == *other).unwrap();
                assert!(back.combines_with.contains(&p.id), "{other} ~ {}", p.id);
            }
        }
        // The REAN cash allowance goes beside each in-kind budget.
        assert_eq!(
            rean.combines_with,
            ["avrr-nl-2017", "nl-2025-reintegration", "nl-vot-eu-in-kind"]
        );
    }

    #[test]
    fn milestone_templates_follow_the_sources() {
        use crate::domain::milestones::Anchor;
        let c = milestones();
        let by_id = |id: &str| c.milestones.iter().find(|m| m.id == id).unwrap();
        // Registration with the partner at least 4 weeks before departure.
        let m9 = by_id("M9");
        assert_eq!(m9.anchor, Anchor::PlannedDeparture);
        assert!(m9.offset_days <= -28);
        // Follow-up at 1, 3, 6 and 12 months after arrival.
        for (id, months) in [("M16a", 1), ("M16b", 3), ("M16c", 6), ("M16d", 12)] {
            assert_eq!(
                (by_id(id).anchor, by_id(id).offset_months),
                (Anchor::Arrival, months)
            );
        }
        // §9: the risk assessment is approved before the application, and
        // re-checked close enough to departure to be under 30 days old.
        assert!(by_id("M7").offset_days < by_id("M8").offset_days);
        assert!(by_id("M7b").offset_days > -30);
        let ids: BTreeSet<&str> = c.milestones.iter().map(|m| m.id.as_str()).collect();
        assert_eq!(ids.len(), c.milestones.len());
    }

    #[test]
    fn the_dutch_signal_groups_are_there() {
        let c = nl_signals();
        let ids: Vec<&str> = c.groups.iter().map(|g| g.id.as_str()).collect();
        assert_eq!(ids, ["dependency", "restriction", "conditions", "threats"]);
        let mut all = BTreeSet::new();
        for g in &c.groups {
            for s in &g.signals {
                assert!(all.insert(s.id.as_str()), "{} twice", s.id);
            }
        }
        // No clash with the ILO indicators: both checklists share observations.
        assert!(ilo()
            .indicators
            .iter()
            .all(|i| !all.contains(i.id.as_str())));
    }

    #[test]
    fn travel_steps_gate_booking() {
        let c = travel_steps();
        assert_eq!(c.steps.len(), 13, "domain.md §8 lists 13 steps");
        let booking = c.steps.iter().find(|s| s.id == "T8").unwrap();
        assert!(booking.gated, "booking waits for the risk gate");
        assert!(!c.steps.iter().find(|s| s.id == "T4").unwrap().gated);
    }

    #[test]
    fn the_sustainability_model_is_provisional_until_the_official_set() {
        use crate::domain::follow_up::RssDimension;
        let c = follow_up();
        assert_eq!(c.follow_up_months, [1, 3, 6, 12]);
        let m = c.model();
        assert!(m.provisional && !c.info.complete);
        for d in [
            RssDimension::Economic,
            RssDimension::Social,
            RssDimension::Psychosocial,
        ] {
            assert!(m.questions.iter().any(|q| q.dimension == d), "{d:?}");
            assert!(m.composite_weights.contains_key(&d));
        }
    }

    #[test]
    fn the_risk_catalogue_is_well_formed() {
        use crate::domain::risk::FactorLevel;
        let c = risk();
        assert!(!c.info.version.is_empty());
        let ids: BTreeSet<&str> = c
            .factors
            .iter()
            .map(|f| f.id.as_str())
            .chain(c.mitigations.iter().map(|m| m.id.as_str()))
            .collect();
        assert_eq!(
            ids.len(),
            c.factors.len() + c.mitigations.len(),
            "ids are unique"
        );
        for level in [
            FactorLevel::Individual,
            FactorLevel::Household,
            FactorLevel::Community,
            FactorLevel::Structural,
            FactorLevel::Threat,
        ] {
            assert!(
                c.factors.iter().any(|f| f.level == level),
                "{level:?} has factors"
            );
        }
        assert!(c.mitigations.len() >= 10);
    }
}
