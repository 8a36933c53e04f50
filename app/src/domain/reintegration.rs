//! The reintegration budget (domain.md §7.1–7.2): support lines by
//! category, checked against the caps of a dated programme per person and
//! per household, with totals and what remains. Amounts are exact decimals
//! (never floats); a cap the sources do not state is unknown, not zero.

use super::money::{Currency, Money};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The IOM reintegration plan's support categories (Annex 3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SupportCategory {
    Immediate,
    Economic,
    Social,
    Psychosocial,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Form {
    InKind,
    Cash,
}

/// Who in the household a programme cap is counted for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PersonKind {
    Adult,
    MinorWithFamily,
    UnaccompaniedMinor,
}

/// A dated programme and its caps (from the programme catalogue).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Programme {
    pub id: String,
    pub name: String,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
    pub currency: Currency,
    /// `None`: the sources do not state it.
    pub cap_per_person: BTreeMap<PersonKind, Option<Decimal>>,
    /// How much of a person's support may be cash (0: in kind only);
    /// `None`: the sources do not state it — cash is then flagged.
    pub cash_limit_per_person: Option<Decimal>,
    /// Who the programme is for (anyone, where the sources say nothing).
    #[serde(default)]
    pub eligibility: Eligibility,
    /// The programmes a plan may combine it with (e.g. the REAN cash
    /// allowance beside an in-kind reintegration budget), each line
    /// charged to one of them.
    #[serde(default)]
    pub combines_with: Vec<String>,
}

/// Who a programme is for, as its sources say.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Eligibility {
    /// Only citizens of the EU/EEA, or only those who are not.
    #[serde(default)]
    pub nationality: Option<NationalityGroup>,
    /// Only for victims of trafficking (possible or identified).
    #[serde(default)]
    pub victims_only: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NationalityGroup {
    EuEea,
    NotEuEea,
}

/// Why a client cannot get a programme.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Ineligible {
    /// For EU/EEA citizens only, or only for others.
    Nationality,
    /// It depends on the nationality, which is not recorded.
    NationalityUnknown,
    /// For victims of trafficking, and the client's status says otherwise
    /// (or nothing yet).
    NotAVictim,
}

/// What eligibility is judged on: the client's facts.
#[derive(Clone, Copy, Debug)]
pub struct ClientFacts<'a> {
    /// ISO 3166-1 alpha-2, as recorded.
    pub nationality: Option<&'a str>,
    /// Possible or identified victim of trafficking.
    pub victim: bool,
    /// The EU/EEA countries (ISO 3166-1 alpha-2), from the catalogue.
    pub eu_eea: &'a [String],
}

impl Eligibility {
    /// Why `client` cannot get the programme (empty: eligible).
    pub fn refusals(&self, client: &ClientFacts) -> Vec<Ineligible> {
        let mut why = Vec::new();
        if let Some(group) = self.nationality {
            match client.nationality {
                None => why.push(Ineligible::NationalityUnknown),
                Some(n) => {
                    let eu = client.eu_eea.iter().any(|c| c.eq_ignore_ascii_case(n));
                    if eu != (group == NationalityGroup::EuEea) {
                        why.push(Ineligible::Nationality);
                    }
                }
            }
        }
        if self.victims_only && !client.victim {
            why.push(Ineligible::NotAVictim);
        }
        why
    }
}

impl Programme {
    pub fn valid_on(&self, day: NaiveDate) -> bool {
        self.valid_from <= day && self.valid_to.is_none_or(|to| day <= to)
    }

    fn cap_for(&self, kind: PersonKind) -> Option<Decimal> {
        self.cap_per_person.get(&kind).copied().flatten()
    }
}

/// One line of the budget, for one member of the household (by position).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupportLine {
    pub category: SupportCategory,
    pub description: String,
    pub amount: Money,
    pub form: Form,
    pub person: usize,
    /// The organisation the client is referred to for it, if any.
    pub referral_organisation: Option<String>,
    /// The programme it is charged to, when the plan combines two and it
    /// is the second (`None`: the plan's programme).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub programme: Option<String>,
}

/// What is wrong with a budget, each naming what it is about.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "problem")]
pub enum BudgetProblem {
    /// Over the programme's cap for this person, by this much.
    PersonOverCap { person: usize, excess: Decimal },
    /// More cash than the programme allows for this person.
    CashOverLimit { person: usize, excess: Decimal },
    /// The programme's cap for this person is not known: check it.
    CapUnknown { person: usize },
    /// Cash for a person under a programme whose cash limit is not known.
    CashLimitUnknown { person: usize },
    /// Over the household's total (the sum of its members' caps).
    HouseholdOverCap { excess: Decimal },
    /// A line for someone not in the household.
    NoSuchPerson { line: usize },
    /// A line in another currency than the programme's.
    WrongCurrency { line: usize },
    /// The programme does not apply on the planned departure date.
    ProgrammeNotValid,
    /// The client cannot get the programme, for this reason.
    NotEligible(Ineligible),
    /// The household's first member is the client, and the client's age
    /// on the planned departure day says otherwise: a minor recorded as
    /// an adult (`minor: true`), or an adult recorded as a minor.
    ClientAgeDisagrees { minor: bool },
    /// The household is the client and the family members the client's
    /// facts list as returning with them: `facts` people, not `recorded`.
    HouseholdDisagrees { recorded: usize, facts: usize },
    /// Person `person` (1 is the client) is a family member whose birth
    /// year makes them a minor on the planned departure day, recorded as
    /// an adult (`minor: true`), or the other way round.
    DependantAgeDisagrees { person: usize, minor: bool },
    /// The plan combines its programme with one it is not meant to be
    /// combined with (or one the catalogue does not hold).
    NotCombinable,
    /// A line charged to a programme the plan does not use: counted
    /// against none.
    LineProgrammeNotInPlan { line: usize },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonBudget {
    pub kind: PersonKind,
    pub total: Decimal,
    pub cash: Decimal,
    pub cap: Option<Decimal>,
    /// `None` when the cap is unknown; never negative.
    pub remaining: Option<Decimal>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BudgetSummary {
    pub programme_id: String,
    /// The version of the programme catalogue the caps came from.
    pub catalogue_version: String,
    pub currency: Currency,
    pub total: Decimal,
    pub by_category: BTreeMap<SupportCategory, Decimal>,
    pub people: Vec<PersonBudget>,
    /// The sum of the members' caps; `None` if any is unknown.
    pub household_cap: Option<Decimal>,
    pub household_remaining: Option<Decimal>,
    pub problems: Vec<BudgetProblem>,
    /// The checks of the programme the plan combines with this one, on
    /// the lines charged to it (each with its own caps and cash limit).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub combined: Vec<BudgetSummary>,
}

impl BudgetSummary {
    /// Every problem of the plan's budget, its combined programme's too.
    pub fn all_problems(&self) -> impl Iterator<Item = &BudgetProblem> {
        self.problems
            .iter()
            .chain(self.combined.iter().flat_map(|c| c.problems.iter()))
    }

    /// The lines counted against every programme of the plan.
    pub fn grand_total(&self) -> Decimal {
        self.total + self.combined.iter().map(|c| c.total).sum::<Decimal>()
    }
}

/// Totals the lines and checks them against the programme on `on` (the
/// planned departure, or today).
pub fn summarise(
    programme: &Programme,
    catalogue_version: &str,
    household: &[PersonKind],
    lines: &[SupportLine],
    on: NaiveDate,
) -> BudgetSummary {
    summarise_charged(programme, catalogue_version, household, lines, on, |_| true)
}

/// As [`summarise`], over the lines `charged` to the programme only (the
/// problems name lines by their place among all of them).
pub fn summarise_charged(
    programme: &Programme,
    catalogue_version: &str,
    household: &[PersonKind],
    lines: &[SupportLine],
    on: NaiveDate,
    charged: impl Fn(&SupportLine) -> bool,
) -> BudgetSummary {
    let mut problems = Vec::new();
    if !programme.valid_on(on) {
        problems.push(BudgetProblem::ProgrammeNotValid);
    }
    let mut total = Decimal::ZERO;
    let mut by_category = BTreeMap::new();
    let mut spent = vec![(Decimal::ZERO, Decimal::ZERO); household.len()];
    for (i, line) in lines.iter().enumerate() {
        if !charged(line) {
            continue;
        }
        if line.amount.currency() != programme.currency {
            problems.push(BudgetProblem::WrongCurrency { line: i });
            continue;
        }
        let Some(slot) = spent.get_mut(line.person) else {
            problems.push(BudgetProblem::NoSuchPerson { line: i });
            continue;
        };
        let amount = line.amount.amount();
        total += amount;
        *by_category.entry(line.category).or_insert(Decimal::ZERO) += amount;
        slot.0 += amount;
        if line.form == Form::Cash {
            slot.1 += amount;
        }
    }
    let people: Vec<PersonBudget> = household
        .iter()
        .zip(&spent)
        .enumerate()
        .map(|(person, (kind, (sum, cash)))| {
            let cap = programme.cap_for(*kind);
            match cap {
                None => problems.push(BudgetProblem::CapUnknown { person }),
                Some(cap) if *sum > cap => problems.push(BudgetProblem::PersonOverCap {
                    person,
                    excess: *sum - cap,
                }),
                Some(_) => {}
            }
            match programme.cash_limit_per_person {
                Some(limit) if *cash > limit => problems.push(BudgetProblem::CashOverLimit {
                    person,
                    excess: *cash - limit,
                }),
                None if *cash > Decimal::ZERO => {
                    problems.push(BudgetProblem::CashLimitUnknown { person })
                }
                _ => {}
            }
            PersonBudget {
                kind: *kind,
                total: *sum,
                cash: *cash,
                cap,
                remaining: cap.map(|c| (c - *sum).max(Decimal::ZERO)),
            }
        })
        .collect();
    let household_cap = people
        .iter()
        .map(|p| p.cap)
        .try_fold(Decimal::ZERO, |acc, c| c.map(|c| acc + c));
    if let Some(cap) = household_cap {
        if total > cap {
            problems.push(BudgetProblem::HouseholdOverCap {
                excess: total - cap,
            });
        }
    }
    BudgetSummary {
        programme_id: programme.id.clone(),
        catalogue_version: catalogue_version.to_string(),
        currency: programme.currency,
        total,
        by_category,
        people,
        household_cap,
        household_remaining: household_cap.map(|c| (c - total).max(Decimal::ZERO)),
        problems,
        combined: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::str::FromStr;

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    /// AVRR-NL as in domain.md §7.2: €1,800 per adult, €2,800 per minor,
    /// at most €300 of it cash.
    fn avrr() -> Programme {
        Programme {
            id: "avrr-nl-2017".into(),
            name: "AVRR-NL".into(),
            valid_from: day(2017, 7, 1),
            valid_to: Some(day(2025, 9, 1)),
            currency: Currency::EUR,
            cap_per_person: [
                (PersonKind::Adult, Some(dec("1800"))),
                (PersonKind::MinorWithFamily, Some(dec("2800"))),
                (PersonKind::UnaccompaniedMinor, Some(dec("2800"))),
            ]
            .into_iter()
            .collect(),
            cash_limit_per_person: Some(dec("300")),
            eligibility: Eligibility {
                nationality: Some(NationalityGroup::NotEuEea),
                victims_only: false,
            },
            combines_with: vec!["rean-vot-allowance".into()],
        }
    }

    #[test]
    fn eligibility_follows_the_nationality_group_and_the_victims_status() {
        let eu_eea: Vec<String> = ["NL", "PL", "NO"].iter().map(|s| s.to_string()).collect();
        let client = |nationality, victim| ClientFacts {
            nationality,
            victim,
            eu_eea: &eu_eea,
        };
        let non_eu = avrr().eligibility;
        assert_eq!(non_eu.refusals(&client(Some("NG"), false)), vec![]);
        assert_eq!(
            non_eu.refusals(&client(Some("pl"), true)),
            vec![Ineligible::Nationality]
        );
        assert_eq!(
            non_eu.refusals(&client(None, true)),
            vec![Ineligible::NationalityUnknown]
        );
        let eu_victims = Eligibility {
            nationality: Some(NationalityGroup::EuEea),
            victims_only: true,
        };
        assert_eq!(eu_victims.refusals(&client(Some("PL"), true)), vec![]);
        assert_eq!(
            eu_victims.refusals(&client(Some("NG"), false)),
            vec![Ineligible::Nationality, Ineligible::NotAVictim]
        );
        assert_eq!(
            Eligibility::default().refusals(&client(None, false)),
            vec![]
        );
    }

    fn line(person: usize, amount: &str, form: Form, category: SupportCategory) -> SupportLine {
        SupportLine {
            category,
            description: "support".into(),
            amount: Money::parse(amount, Currency::EUR).unwrap(),
            form,
            person,
            referral_organisation: None,
            programme: None,
        }
    }

    #[test]
    fn caps_per_person_cash_and_household() {
        let on = day(2025, 3, 1);
        let household = [PersonKind::Adult, PersonKind::MinorWithFamily];
        let ok = summarise(
            &avrr(),
            "test.1",
            &household,
            &[
                line(0, "1500", Form::InKind, SupportCategory::Economic),
                line(0, "300", Form::Cash, SupportCategory::Immediate),
                line(1, "2000", Form::InKind, SupportCategory::Social),
            ],
            on,
        );
        assert_eq!(ok.problems, vec![]);
        assert_eq!(ok.total, dec("3800"));
        assert_eq!(ok.household_cap, Some(dec("4600")));
        assert_eq!(ok.household_remaining, Some(dec("800")));
        assert_eq!(ok.people[0].remaining, Some(dec("0")));
        assert_eq!(ok.people[1].remaining, Some(dec("800")));
        assert_eq!(ok.by_category[&SupportCategory::Economic], dec("1500"));

        let over = summarise(
            &avrr(),
            "test.1",
            &household,
            &[
                line(0, "1700", Form::InKind, SupportCategory::Economic),
                line(0, "350", Form::Cash, SupportCategory::Immediate),
                line(1, "2000", Form::InKind, SupportCategory::Social),
                line(2, "10", Form::InKind, SupportCategory::Social),
            ],
            on,
        );
        assert_eq!(
            over.problems,
            vec![
                BudgetProblem::NoSuchPerson { line: 3 },
                BudgetProblem::PersonOverCap {
                    person: 0,
                    excess: dec("250")
                },
                BudgetProblem::CashOverLimit {
                    person: 0,
                    excess: dec("50")
                },
            ]
        );
        assert_eq!(over.people[0].remaining, Some(dec("0")), "never negative");
    }

    #[test]
    fn unknown_caps_and_dates_are_flagged_not_guessed() {
        let mut p = avrr();
        p.cap_per_person.insert(PersonKind::MinorWithFamily, None);
        let s = summarise(
            &p,
            "test.1",
            &[PersonKind::Adult, PersonKind::MinorWithFamily],
            &[],
            day(2025, 3, 1),
        );
        assert_eq!(s.problems, vec![BudgetProblem::CapUnknown { person: 1 }]);
        assert_eq!(s.household_cap, None);
        let mut no_limit = avrr();
        no_limit.cash_limit_per_person = None;
        let cash = summarise(
            &no_limit,
            "test.1",
            &[PersonKind::Adult],
            &[line(0, "50", Form::Cash, SupportCategory::Immediate)],
            day(2025, 3, 1),
        );
        assert_eq!(
            cash.problems,
            vec![BudgetProblem::CashLimitUnknown { person: 0 }]
        );
        let late = summarise(
            &avrr(),
            "test.1",
            &[PersonKind::Adult],
            &[],
            day(2025, 9, 2),
        );
        assert_eq!(late.problems, vec![BudgetProblem::ProgrammeNotValid]);
    }

    proptest! {
        #[test]
        fn totals_are_the_sum_of_the_lines_and_excess_is_always_flagged(
            amounts in proptest::collection::vec((0u32..3000, 0usize..2, any::<bool>()), 0..12)
        ) {
            let household = [PersonKind::Adult, PersonKind::UnaccompaniedMinor];
            let lines: Vec<SupportLine> = amounts
                .iter()
                .map(|(a, p, cash)| line(*p, &a.to_string(), if *cash { Form::Cash } else { Form::InKind }, SupportCategory::Economic))
                .collect();
            let s = summarise(&avrr(), "test.1", &household, &lines, day(2025, 1, 1));
            let sum: Decimal = amounts.iter().map(|(a, _, _)| Decimal::from(*a)).sum();
            prop_assert_eq!(s.total, sum);
            prop_assert_eq!(s.by_category.values().copied().sum::<Decimal>(), sum);
            for (i, p) in s.people.iter().enumerate() {
                if p.total > p.cap.unwrap() {
                    let flagged = s.problems.iter().any(|x| matches!(x, BudgetProblem::PersonOverCap { person, .. } if *person == i));
                    prop_assert!(flagged, "person {} over cap without a flag", i);
                }
                prop_assert!(p.remaining.unwrap() >= Decimal::ZERO);
            }
            let back: BudgetSummary = serde_json::from_str(&serde_json::to_string(&s).unwrap()).unwrap();
            prop_assert_eq!(back, s);
        }
    }
}
