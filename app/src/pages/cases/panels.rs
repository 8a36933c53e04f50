//! What the rules make of a step as the counsellor types: the ILO result,
//! what the decision lacks, the risk level and gate, the budget, and the
//! review of the whole plan. Computed in the browser by the same domain
//! functions the server runs on save.

use super::case_page::step_key;
use super::forms::{category_key, person_key, section_key};
use super::workspace::Workspace;
use crate::components::time::money_text;
use crate::domain::case_file::Step;
use crate::domain::options::DecisionMissing;
use crate::domain::plan::Missing;
use crate::domain::policy::Section;
use crate::domain::progress::{Progress, StepState};
use crate::domain::reintegration::BudgetProblem;
use crate::domain::risk::{Gate, GateMissing, RiskLevel};
use crate::i18n::{t, tf, K};
use leptos::prelude::*;

pub fn risk_level_key(l: RiskLevel) -> K {
    match l {
        RiskLevel::Low => K::case_risk_low,
        RiskLevel::Medium => K::case_risk_medium,
        RiskLevel::High => K::case_risk_high,
    }
}

fn decision_missing_text(m: &DecisionMissing) -> String {
    t(match m {
        DecisionMissing::NoOptionChosen => K::case_missing_no_option,
        DecisionMissing::FreeAndInformedStatement => K::case_missing_free_and_informed,
        DecisionMissing::CapacityAssessment => K::case_missing_capacity,
        DecisionMissing::BestInterestsDetermination => K::case_missing_bid,
    })
    .to_string()
}

fn gate_missing_text(m: &GateMissing) -> String {
    match m {
        GateMissing::RiskNotRated(r) => tf(K::case_gate_not_rated, &[("risk", r)]),
        GateMissing::HighRiskWithoutMitigation(r) => {
            tf(K::case_gate_high_unmitigated, &[("risk", r)])
        }
        GateMissing::MediumRiskWithoutMitigation(r) => {
            tf(K::case_gate_medium_unmitigated, &[("risk", r)])
        }
        GateMissing::SupervisorApproval => t(K::case_gate_supervisor).into(),
        GateMissing::OriginPartnerConfirmation => t(K::case_gate_origin_partner).into(),
        GateMissing::AssessmentStale => t(K::case_gate_stale).into(),
    }
}

/// A handover blocker in words, and the step that resolves it.
pub fn missing_text(m: &Missing) -> (String, Option<Step>) {
    let step_of = |s: Section| Step::ALL.into_iter().find(|st| st.section() == Some(s));
    match m {
        Missing::NotAllowedFrom => (t(K::case_missing_not_allowed).into(), None),
        Missing::ConsentToStore => (t(K::case_missing_consent_store).into(), Some(Step::Consent)),
        Missing::NoDecision => (t(K::case_missing_decision).into(), Some(Step::Decision)),
        Missing::Decision { what } => (decision_missing_text(what), Some(Step::Decision)),
        Missing::ChoiceIsNot { .. } => (t(K::case_missing_not_return).into(), Some(Step::Decision)),
        Missing::NoRiskAssessment => (t(K::case_missing_risk).into(), Some(Step::Risk)),
        Missing::Risk { what } => (gate_missing_text(what), Some(Step::Risk)),
        Missing::NoGo { risks } => (
            tf(K::case_missing_no_go, &[("risks", &risks.join(", "))]),
            Some(Step::Risk),
        ),
        Missing::NoConsentToShare { section, .. } => (
            tf(
                K::case_missing_share,
                &[("section", t(section_key(*section)))],
            ),
            Some(Step::Consent),
        ),
        Missing::SectionIncomplete { section } => (
            tf(
                K::case_missing_section,
                &[("section", t(section_key(*section)))],
            ),
            step_of(*section),
        ),
        Missing::MissionNotChosen => (t(K::case_missing_mission).into(), Some(Step::Travel)),
        Missing::BudgetNotAccepted => (
            t(K::case_missing_budget_accepted).into(),
            Some(Step::Reintegration),
        ),
        Missing::TravelDocument => (
            t(K::case_missing_travel_document).into(),
            Some(Step::Travel),
        ),
        Missing::ReintegrationRegistration => (
            t(K::case_missing_registration).into(),
            Some(Step::Reintegration),
        ),
        Missing::DepartureConfirmation | Missing::ArrivalConfirmation => {
            (t(K::case_missing_confirmation).into(), Some(Step::Travel))
        }
    }
}

/// In place of a figure worked out from what the reader may not read.
fn not_shared(id: &'static str, heading: K) -> AnyView {
    view! {
        <section class="panel not-shared" id=id>
            <h2>{t(heading)}</h2>
            <p class="notice">{t(K::ho_derived_not_shared_long)}</p>
        </section>
    }
    .into_any()
}

/// The live result under a step's form. Each result is shown only to a
/// reader of every section it is worked out from.
#[component]
pub fn StepPanel(
    ws: Workspace,
    step: Step,
    /// The sections the signed-in user may read.
    readable: Vec<Section>,
) -> impl IntoView {
    use crate::domain::derived::Derived;
    move || {
        let file = ws.preview();
        let today = ws.today;
        let hidden = |d: Derived| !d.shown_to(&readable);
        match step {
            Step::Identification if hidden(Derived::Screening) => {
                not_shared("ilo-result", K::case_ilo_result)
            }
            Step::Decision if hidden(Derived::DecisionMissing) => ().into_any(),
            Step::Risk if hidden(Derived::RiskLevel) || hidden(Derived::RiskGate) => {
                not_shared("risk-result", K::case_gate)
            }
            Step::Reintegration if hidden(Derived::Budget) => not_shared("budget", K::case_budget),
            Step::Identification => {
                use crate::domain::screening::Verdict;
                let ilo = ws.indicator_list();
                let r = file.screening_result(&ilo.indicators, &ilo.info.version, today);
                // The result names the list it was worked out with; ticks
                // saved against another one are to be gone through again.
                let list_version = tf(
                    K::case_ilo_list_version,
                    &[
                        ("version", &r.catalogue_version),
                        ("source", &ilo.info.source),
                    ],
                );
                let saved_against = ws
                    .file
                    .with(|f| {
                        f.screening
                            .saved_against_another_list(
                                &ilo.info.version,
                                &crate::catalog::ilo().info.version,
                            )
                            .map(str::to_string)
                    })
                    .map(|old| {
                        tf(
                            K::case_ilo_list_changed,
                            &[("old", &old), ("new", &ilo.info.version)],
                        )
                    });
                let list_name = t(super::forms::list_key(r.list));
                let verdict = match r.verdict(ilo.info.complete) {
                    Verdict::CannotAssess => tf(K::case_ilo_no_list, &[("list", list_name)]),
                    Verdict::Consistent => t(K::case_ilo_consistent).to_string(),
                    Verdict::NotConsistent => t(K::case_ilo_not_consistent).to_string(),
                    Verdict::NotEstablished => t(K::case_ilo_not_established).to_string(),
                };
                // A verdict from part of a list says how much of it.
                let coverage = (r.list_available && !ilo.info.complete).then(|| {
                    let n = r.indicators_on_list.to_string();
                    match ilo.source_sizes.get(&r.list) {
                        Some(m) => tf(K::case_ilo_based_on, &[("n", &n), ("m", &m.to_string())]),
                        None => tf(K::case_ilo_based_on_part, &[("n", &n)]),
                    }
                });
                // The list follows the client's age on the day: a
                // (possible) minor is judged by the child list.
                let by_age = (r.list != file.screening.list).then(|| {
                    let key = if r.list.is_child() {
                        K::case_ilo_child_list
                    } else {
                        K::case_ilo_adult_list
                    };
                    tf(
                        key,
                        &[
                            ("on", &file.screened_on(today).to_string()),
                            ("list", list_name),
                        ],
                    )
                });
                // The decision a person made, beside what the screening
                // suggests.
                let status = &file.first_contact.trafficking;
                let status_name = t(super::forms::trafficking_status_key(status.status.slug()));
                let status_line = match (&status.status, status.recorded_on) {
                    (
                        crate::domain::screening::TraffickingStatus::Identified {
                            authority,
                            on: identified,
                        },
                        Some(on),
                    ) => tf(
                        K::case_trafficking_recorded_identified,
                        &[
                            ("authority", authority),
                            ("identified", &identified.to_string()),
                            ("on", &on.to_string()),
                        ],
                    ),
                    (_, Some(on)) => tf(
                        K::case_trafficking_recorded,
                        &[("status", status_name), ("on", &on.to_string())],
                    ),
                    (_, None) => format!("{}: {status_name}", t(K::case_trafficking_status)),
                };
                let yes_no = |b: bool| if b { t(K::case_yes) } else { t(K::case_no) };
                let nl = crate::catalog::nl_signals();
                let nl_found = crate::domain::screening::signal_groups_present(
                    &nl.groups,
                    &file.screening.observations,
                );
                let not_counted: Vec<String> = r
                    .not_on_list
                    .iter()
                    .filter(|id| {
                        !nl.groups
                            .iter()
                            .any(|g| g.signals.iter().any(|s| s.id == **id))
                    })
                    .cloned()
                    .collect();
                view! {
                    <section class="panel" aria-live="polite" id="ilo-result">
                        <h2>{t(K::case_ilo_result)}</h2>
                        {by_age.map(|c| view! { <p class="notice" id="ilo-list-by-age">{c}</p> })}
                        {saved_against.map(|c| view! { <p class="notice" id="ilo-list-changed">{c}</p> })}
                        <p class="verdict" id="ilo-verdict"><strong>{verdict}</strong></p>
                        {coverage.map(|c| view! { <p id="ilo-coverage">{c}</p> })}
                        <p class="hint" id="ilo-list-version">{list_version}</p>
                        <p class="hint">{t(K::case_ilo_caveat)}</p>
                        <p id="trafficking-status">{status_line}</p>
                        <ul class="dimensions">
                            {r.dimensions.iter().map(|d| view! {
                                <li class:positive=d.positive>
                                    {tf(K::case_ilo_dimension, &[
                                        ("n", &d.dimension.to_string()),
                                        ("strong", &d.strong.to_string()),
                                        ("medium", &d.medium.to_string()),
                                        ("weak", &d.weak.to_string()),
                                    ])}
                                </li>
                            }).collect_view()}
                        </ul>
                        <p>
                            {tf(K::case_ilo_elements, &[
                                ("recruitment", yes_no(r.recruitment)),
                                ("exploitation", yes_no(r.exploitation)),
                                ("coercion", yes_no(r.coercion)),
                            ])}
                        </p>
                        // Observations this list does not count are said,
                        // never silently dropped (the Dutch signals have
                        // their own result, below).
                        {(!not_counted.is_empty()).then(|| {
                            let named: Vec<String> = not_counted
                                .iter()
                                .map(|id| match ilo.indicators.iter().find(|i| i.id == *id) {
                                    Some(i) => format!("{} ({id})", i.text),
                                    None => tf(K::case_ilo_unknown_indicator, &[("id", id)]),
                                })
                                .collect();
                            view! {
                                <div class="notice" id="ilo-not-counted">
                                    <p>{tf(K::case_ilo_not_counted, &[("n", &named.len().to_string())])}</p>
                                    <ul>{named.into_iter().map(|n| view! { <li>{n}</li> }).collect_view()}</ul>
                                </div>
                            }
                        })}
                    </section>
                    <section class="panel" aria-live="polite" id="nl-signals-result">
                        <h2>{t(K::case_nl_signals_result)}</h2>
                        <p id="nl-signals-verdict">
                            <strong>{if nl_found.is_empty() {
                                t(K::case_nl_signals_none).to_string()
                            } else {
                                tf(K::case_nl_signals_found, &[
                                    ("n", &nl_found.iter().map(|(_, n)| n).sum::<usize>().to_string()),
                                    ("groups", &nl_found.len().to_string()),
                                    ("of", &nl.groups.len().to_string()),
                                ])
                            }}</strong>
                        </p>
                        <ul class="dimensions">
                            {nl_found.iter().map(|(id, n)| {
                                let title = nl.groups.iter().find(|g| g.id == *id).map(|g| g.title.clone()).unwrap_or_default();
                                view! { <li class="positive">{format!("{title}: {n}")}</li> }
                            }).collect_view()}
                        </ul>
                        {(!nl.info.complete).then(|| view! {
                            <p class="hint" id="nl-signals-partial">{tf(K::case_nl_signals_partial, &[("version", &nl.info.version)])}</p>
                        })}
                    </section>
                }
                .into_any()
            }
            Step::Decision => {
                let missing = file
                    .decision
                    .decision
                    .as_ref()
                    .map(|d| {
                        crate::domain::options::decision_missing(
                            d,
                            file.minority_at_decision(today),
                        )
                    })
                    .unwrap_or_default();
                (!missing.is_empty())
                    .then(|| view! {
                        <section class="panel" aria-live="polite" id="decision-missing">
                            <h2>{t(K::case_decision_needs)}</h2>
                            <ul>{missing.iter().map(|m| view! { <li>{decision_missing_text(m)}</li> }).collect_view()}</ul>
                        </section>
                    })
                    .into_any()
            }
            Step::Risk => {
                let Some(a) = file.risk.assessment.clone() else {
                    return ().into_any();
                };
                let gate = file.gate(today);
                let gate_view = match gate {
                    Some(Gate::Passed) => view! { <p class="ready">{t(K::case_gate_passed)}</p> }.into_any(),
                    Some(Gate::NoGo(risks)) => view! { <p class="form-error">{tf(K::case_missing_no_go, &[("risks", &risks.join(", "))])}</p> }.into_any(),
                    Some(Gate::Blocked(missing)) => view! {
                        <ul>{missing.iter().map(|m| view! { <li>{gate_missing_text(m)}</li> }).collect_view()}</ul>
                    }.into_any(),
                    None => ().into_any(),
                };
                view! {
                    <section class="panel" aria-live="polite" id="risk-result">
                        <h2>{tf(K::case_risk_overall, &[("level", t(risk_level_key(a.overall())))])}</h2>
                        <ul class="risk-levels">
                            {a.risks.iter().map(|r| view! {
                                <li>{format!("{} · {} · {}", r.id, r.description, t(risk_level_key(r.risk_level())))}</li>
                            }).collect_view()}
                        </ul>
                        <h3>{t(K::case_gate)}</h3>
                        {gate_view}
                    </section>
                }
                .into_any()
            }
            Step::Reintegration => {
                let cats = crate::catalog::planning();
                let Some(b) = file.budget(&cats, today) else {
                    return ().into_any();
                };
                let currency = b.currency;
                view! {
                    <section class="panel" aria-live="polite" id="budget">
                        <h2>{t(K::case_budget)}</h2>
                        <table class="budget">
                            <tbody>
                                {b.by_category.iter().map(|(c, amount)| view! {
                                    <tr><th scope="row">{t(category_key(*c))}</th><td>{money_text(*amount, currency)}</td></tr>
                                }).collect_view()}
                                <tr class="total"><th scope="row">{t(K::case_total)}</th><td id="budget-total">{money_text(b.total, currency)}</td></tr>
                                <tr><th scope="row">{t(K::case_household_cap)}</th><td>{b.household_cap.map(|c| money_text(c, currency)).unwrap_or_else(|| t(K::case_cap_unknown).into())}</td></tr>
                                <tr><th scope="row">{t(K::case_remaining)}</th><td id="budget-remaining">{b.household_remaining.map(|c| money_text(c, currency)).unwrap_or_else(|| t(K::case_cap_unknown).into())}</td></tr>
                            </tbody>
                        </table>
                        <ul class="people">
                            {b.people.iter().enumerate().map(|(i, p)| view! {
                                <li>{tf(K::case_person_budget, &[
                                    ("n", &(i + 1).to_string()),
                                    ("kind", t(person_key(p.kind))),
                                    ("total", &money_text(p.total, currency)),
                                    ("cap", &p.cap.map(|c| money_text(c, currency)).unwrap_or_else(|| t(K::case_cap_unknown).into())),
                                ])}</li>
                            }).collect_view()}
                        </ul>
                        <ul class="budget-problems" id="budget-problems">
                            {b.problems.iter().map(|p| view! { <li class="warning">{budget_problem_text(p, currency)}</li> }).collect_view()}
                        </ul>
                        // The programme combined with the plan's: its own
                        // caps and cash limit, on the lines charged to it.
                        {b.combined.iter().map(|c| {
                            let name = crate::catalog::programmes()
                                .programmes
                                .iter()
                                .find(|p| p.id == c.programme_id)
                                .map_or_else(|| c.programme_id.clone(), |p| p.name.clone());
                            let currency = c.currency;
                            view! {
                                <div class="budget-combined" id="budget-combined">
                                    <h3>{tf(K::case_budget_combined, &[("programme", &name)])}</h3>
                                    <table class="budget">
                                        <tbody>
                                            <tr class="total"><th scope="row">{t(K::case_total)}</th><td id="budget-combined-total">{money_text(c.total, currency)}</td></tr>
                                            <tr><th scope="row">{t(K::case_household_cap)}</th><td>{c.household_cap.map(|x| money_text(x, currency)).unwrap_or_else(|| t(K::case_cap_unknown).into())}</td></tr>
                                            <tr><th scope="row">{t(K::case_remaining)}</th><td>{c.household_remaining.map(|x| money_text(x, currency)).unwrap_or_else(|| t(K::case_cap_unknown).into())}</td></tr>
                                        </tbody>
                                    </table>
                                    <ul class="budget-problems" id="budget-combined-problems">
                                        {c.problems.iter().map(|p| view! { <li class="warning">{budget_problem_text(p, currency)}</li> }).collect_view()}
                                    </ul>
                                </div>
                            }
                        }).collect_view()}
                        {(!b.combined.is_empty()).then(|| view! {
                            <p id="budget-grand-total"><strong>{tf(K::case_budget_grand_total, &[("total", &money_text(b.grand_total(), currency))])}</strong></p>
                        })}
                    </section>
                }
                .into_any()
            }
            _ => ().into_any(),
        }
    }
}

fn budget_problem_text(p: &BudgetProblem, currency: crate::domain::Currency) -> String {
    let n = |i: &usize| (i + 1).to_string();
    match p {
        BudgetProblem::PersonOverCap { person, excess } => tf(
            K::case_budget_over_cap,
            &[
                ("n", &n(person)),
                ("excess", &money_text(*excess, currency)),
            ],
        ),
        BudgetProblem::CashOverLimit { person, excess } => tf(
            K::case_budget_cash_over,
            &[
                ("n", &n(person)),
                ("excess", &money_text(*excess, currency)),
            ],
        ),
        BudgetProblem::CapUnknown { person } => {
            tf(K::case_budget_cap_unknown, &[("n", &n(person))])
        }
        BudgetProblem::CashLimitUnknown { person } => {
            tf(K::case_budget_cash_limit_unknown, &[("n", &n(person))])
        }
        BudgetProblem::HouseholdOverCap { excess } => tf(
            K::case_budget_household_over,
            &[("excess", &money_text(*excess, currency))],
        ),
        BudgetProblem::NoSuchPerson { line } => tf(K::case_budget_no_person, &[("n", &n(line))]),
        BudgetProblem::WrongCurrency { line } => {
            tf(K::case_budget_wrong_currency, &[("n", &n(line))])
        }
        BudgetProblem::ProgrammeNotValid => t(K::case_budget_programme_not_valid).into(),
        BudgetProblem::NotEligible(why) => t(ineligible_key(*why)).into(),
        BudgetProblem::ClientAgeDisagrees { minor: true } => {
            t(K::case_budget_client_is_minor).into()
        }
        BudgetProblem::ClientAgeDisagrees { minor: false } => {
            t(K::case_budget_client_is_adult).into()
        }
        BudgetProblem::HouseholdDisagrees { recorded, facts } => tf(
            K::case_budget_household_disagrees,
            &[
                ("recorded", &recorded.to_string()),
                ("facts", &facts.to_string()),
            ],
        ),
        BudgetProblem::NotCombinable => t(K::case_budget_not_combinable).into(),
        BudgetProblem::LineProgrammeNotInPlan { line } => {
            tf(K::case_budget_line_programme, &[("n", &n(line))])
        }
        BudgetProblem::DependantAgeDisagrees { person, minor } => tf(
            if *minor {
                K::case_budget_dependant_is_minor
            } else {
                K::case_budget_dependant_is_adult
            },
            &[("n", &person.to_string())],
        ),
    }
}

/// Why the client cannot get a programme.
pub fn ineligible_key(why: crate::domain::reintegration::Ineligible) -> K {
    use crate::domain::reintegration::Ineligible;
    match why {
        Ineligible::Nationality => K::case_budget_not_eligible_nationality,
        Ineligible::NationalityUnknown => K::case_budget_not_eligible_nationality_unknown,
        Ineligible::NotAVictim => K::case_budget_not_eligible_victim,
    }
}

/// The review: each step's state, and the plan's readiness.
#[component]
pub fn Review(
    ws: Workspace,
    progress: Memo<Progress>,
    /// The sections the signed-in user may read (a mission: those shared).
    readable: Vec<crate::domain::policy::Section>,
) -> impl IntoView {
    use crate::domain::derived::Derived;
    let code = ws.code.get_value();
    move || {
        let p = progress.get();
        let code = code.clone();
        let readable = readable.clone();
        let stage_shown = Derived::Stage.shown_to(&readable);
        view! {
            <section class="review" id="review">
                {if !stage_shown {
                    view! { <p class="notice" id="review-not-shared">{t(K::ho_derived_not_shared_long)}</p> }.into_any()
                } else if p.handed_over {
                    view! { <p class="ready big" id="review-handed-over">{t(super::caseload::stage_key(p.stage.slug()))}</p> }.into_any()
                } else if p.ready_for_handover() {
                    view! { <p class="ready big" id="review-ready">{t(K::case_ready_for_handover_long)}</p> }.into_any()
                } else {
                    view! { <p class="notice">{t(K::case_review_not_ready)}</p> }.into_any()
                }}
                // Downloads are plain form posts (the browser saves the answer).
                <div class="downloads">
                    <form method="post" action="/api/cases/export_json" class="inline">
                        <input type="hidden" name="code" value=code.clone()/>
                        <button type="submit" class="secondary" id="export-json">{t(K::case_export_json)}</button>
                    </form>
                    " "
                    <form method="post" action="/api/cases/export_ics" class="inline">
                        <input type="hidden" name="code" value=code.clone()/>
                        <button type="submit" class="secondary" id="export-ics">{t(K::case_export_ics)}</button>
                    </form>
                    " "
                    // A page of its own, in a new tab, to print.
                    <form method="post" action="/api/cases/print" target="_blank" class="inline">
                        <input type="hidden" name="code" value=code.clone()/>
                        <button type="submit" class="secondary" id="print-plan">{t(K::case_print_open)}</button>
                    </form>
                </div>
                <table class="review-table">
                    <thead><tr><th scope="col">{t(K::case_step)}</th><th scope="col">{t(K::case_state)}</th></tr></thead>
                    <tbody>
                        {p.steps
                            .iter()
                            .filter(|(s, _)| *s != Step::Review)
                            // A mission: only the steps shared with it.
                            .filter(|(s, _)| s.section().is_none_or(|sec| readable.contains(&sec)))
                            .map(|(s, state)| {
                            let text = t(match state {
                                _ if !Derived::StepState(*s).shown_to(&readable) => K::ho_derived_not_shared,
                                StepState::Empty => K::case_state_empty,
                                StepState::Started => K::case_state_started,
                                StepState::Complete => K::case_state_complete,
                                StepState::NotApplicable => K::case_state_na,
                            });
                            view! {
                                <tr>
                                    <td><a href=format!("/cases/{}/{}", code, s.slug()) rel="external">{t(step_key(*s))}</a></td>
                                    <td>{text}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </section>
        }
    }
}
