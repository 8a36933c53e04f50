//! The form of each step, rendered from the section's fields. A form is a
//! pure function of its fields: restoring a draft, taking the other
//! version of a conflict or adding a row renders it again from new fields.

use super::inputs::*;
use crate::domain::case::{Relation, RELATIONS};
use crate::domain::case_file::*;
use crate::domain::fields::Fields;
use crate::domain::milestones::{Milestone, Owner};
use crate::domain::options::{Choice, Feasibility, FutureOption};
use crate::domain::policy::Section;
use crate::domain::reintegration::{Form, PersonKind, SupportCategory};
use crate::domain::risk::FactorLevel;
use crate::domain::screening::{IloList, Judgement, Source};
use crate::domain::travel::TravelStep;
use crate::i18n::{t, tf, K};
use leptos::prelude::*;

/// What a form needs besides its fields.
#[derive(Clone)]
pub struct FormCx {
    pub problems: Problems,
    /// (id, name) of the IOM missions.
    pub missions: Vec<(String, String)>,
    /// The client may be a minor (asks for a best-interests determination).
    pub maybe_minor: bool,
    /// Travel steps and milestones as the rules date them.
    pub travel_steps: Vec<TravelStep>,
    pub milestones: Vec<Milestone>,
    /// Whether the risk gate is passed (`None`: not for this reader to
    /// know, or not asked): the steps behind it say they wait for it
    /// only while it is not.
    pub gate_passed: Option<bool>,
    /// The milestones' counted dates may be shown (the reader may read the
    /// sections they are counted from).
    pub milestone_dates: bool,
    /// The programmes the client is eligible for (`None`: every programme,
    /// for a reader who may not read the client's facts).
    pub eligible_programmes: Option<Vec<String>>,
    /// The ILO indicator list screenings use.
    pub indicator_list: std::sync::Arc<crate::catalog::IloCatalogue>,
}

/// The ids of the programmes `file`'s client is eligible for.
pub fn eligible_programme_ids(
    file: &crate::domain::case_file::CaseFile,
    today: chrono::NaiveDate,
) -> Vec<String> {
    file.eligible_programmes(&crate::catalog::planning(), today)
        .into_iter()
        .map(|p| p.id.clone())
        .collect()
}

impl FormCx {
    /// For a version shown beside the form (read-only: no problems of its
    /// own), dated by the plan as saved.
    pub fn for_display(
        file: &crate::domain::case_file::CaseFile,
        today: chrono::NaiveDate,
        missions: Vec<(String, String)>,
        indicator_list: std::sync::Arc<crate::catalog::IloCatalogue>,
    ) -> FormCx {
        let cats = crate::catalog::planning();
        FormCx {
            problems: RwSignal::new(Vec::new()),
            missions,
            maybe_minor: file.minority_at_decision(today) != crate::domain::case::Minority::Adult,
            travel_steps: file.travel_steps(&cats),
            milestones: file.milestones(&cats),
            gate_passed: None,
            milestone_dates: true,
            eligible_programmes: None,
            indicator_list,
        }
    }
}

/// The lists of rows in the forms, each with the fields that make a row
/// one in use (until then it is the "new" row, and so labelled).
const ROW_LISTS: [(&str, &[&str]); 5] = [
    ("consent", &["purpose"]),
    ("dependant", &["relation"]),
    ("risk", &["description"]),
    ("person", &["kind"]),
    ("line", &["amount", "description"]),
];

/// Whether row `i` of the list `prefix` is still the new, unused one.
fn row_is_new(f: &Fields, prefix: &str, i: usize) -> bool {
    ROW_LISTS
        .iter()
        .find(|(p, _)| *p == prefix)
        .is_some_and(|(_, naming)| {
            naming
                .iter()
                .all(|n| value(f, &format!("{prefix}.{i}.{n}")).trim().is_empty())
        })
}

/// The rows of a list present in the fields, plus one blank row to add a
/// new one (also without WASM).
fn rows_with_blank(fields: &Fields, prefix: &str) -> Vec<usize> {
    let r = crate::domain::fields::Reader::new(fields);
    let mut rows = r.rows(prefix);
    let next = rows.last().map(|n| n + 1).unwrap_or(0);
    rows.push(next);
    rows
}

/// A row's legend: "New risk" while it is the new row, else "Risk 3".
fn row_legend(is_new: Signal<bool>, new: K, numbered: K, i: usize) -> impl IntoView {
    move || {
        if is_new.get() {
            t(new).to_string()
        } else {
            tf(numbered, &[("n", &(i + 1).to_string())])
        }
    }
}

/// A list of rows filled one after another: the rows present and a blank
/// one below them. Once the blank row is used (its naming fields written),
/// it takes its number and a new blank row appears under it — added to the
/// form, never by making the form anew, so the field being typed in keeps
/// its text and the focus. `row` gets the row's number and whether it is
/// the new row (the blank one, or a saved row whose naming fields are
/// empty).
fn growing_rows<V>(
    f: &Fields,
    prefix: &'static str,
    row: impl Fn(usize, Signal<bool>) -> V + Clone + Send + Sync + 'static,
) -> impl IntoView
where
    V: IntoView + 'static,
{
    let initial = rows_with_blank(f, prefix);
    // Rows saved without their naming fields (the blank row below them is
    // new by being last).
    let named_blank: Vec<usize> = initial[..initial.len() - 1]
        .iter()
        .copied()
        .filter(|i| row_is_new(f, prefix, *i))
        .collect();
    let rows = RwSignal::new(initial);
    let grow = move |_e: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        if let (Some(last), Some(now)) = (
            rows.with_untracked(|r| r.last().copied()),
            super::case_page::read_form(),
        ) {
            if !row_is_new(&now, prefix, last) {
                rows.update(|r| r.push(last + 1));
            }
        }
    };
    view! {
        <div class="row-list" on:input=grow on:change=grow>
            <For
                each=move || rows.get()
                key=|i| *i
                children=move |i| {
                    let saved_blank = named_blank.contains(&i);
                    let is_new = Signal::derive(move || {
                        saved_blank || rows.with(|r| r.last() == Some(&i))
                    });
                    row(i, is_new)
                }
            />
        </div>
    }
}

pub fn owner_key(o: Owner) -> K {
    match o {
        Owner::Counsellor => K::case_owner_counsellor,
        Owner::Iom => K::case_owner_iom,
        Owner::Partner => K::case_owner_partner,
        Owner::Client => K::case_owner_client,
    }
}

pub fn option_key(o: FutureOption) -> K {
    match o {
        FutureOption::Stay => K::case_option_stay,
        FutureOption::Onward => K::case_option_onward,
        FutureOption::Return => K::case_option_return,
    }
}

pub fn step_form(step: Step, fields: Fields, cx: FormCx) -> AnyView {
    match step {
        Step::FirstContact => first_contact(fields, cx).into_any(),
        Step::Consent => consent(fields, cx).into_any(),
        Step::Identification => identification(fields, cx).into_any(),
        Step::Options => options(fields, cx).into_any(),
        Step::Decision => decision(fields, cx).into_any(),
        Step::Risk => risk(fields, cx).into_any(),
        Step::Reintegration => reintegration(fields, cx).into_any(),
        Step::Travel => travel(fields, cx).into_any(),
        Step::Milestones => milestones(fields, cx).into_any(),
        Step::Review => ().into_any(),
    }
}

fn first_contact(f: Fields, cx: FormCx) -> impl IntoView {
    let p = cx.problems;
    let birth_kinds = choices(&BIRTH_KINDS, |k| match k {
        BirthKind::Unknown => K::case_unknown,
        BirthKind::Date => K::case_birth_date,
        BirthKind::Year => K::case_birth_year,
        BirthKind::AgeBand => K::case_birth_age_band,
    });
    let genders = choices(&GENDERS, |g| match g {
        crate::domain::case::Gender::Female => K::case_gender_female,
        crate::domain::case::Gender::Male => K::case_gender_male,
        crate::domain::case::Gender::Other => K::case_gender_other,
        crate::domain::case::Gender::Unknown => K::case_unknown,
    });
    view! {
        <fieldset class="group">
            <legend>{t(K::case_safety_first)}</legend>
            <YesNo field="safety.danger" legend=K::case_safety_danger fields=f.clone() problems=p/>
            <YesNo field="safety.medical" legend=K::case_safety_medical fields=f.clone() problems=p/>
            <TextInput field="contact.companion" label=K::case_companion hint=K::case_companion_hint fields=f.clone() problems=p/>
        </fieldset>
        <fieldset class="group">
            <legend>{t(K::case_client)}</legend>
            <TextInput field="client.alias" label=K::case_alias hint=K::case_alias_hint fields=f.clone() problems=p/>
            // What is known of the birth decides the one input shown (the
            // style sheet hides the others, also without WASM).
            <div class="birth">
                <Select field="client.birth" label=K::case_birth fields=f.clone() problems=p options=birth_kinds no_blank=true/>
                <div class="birth-date">
                    <DateInput field="client.birth_date" label=K::case_birth_date fields=f.clone() problems=p/>
                </div>
                <div class="birth-year">
                    <TextInput field="client.birth_year" label=K::case_birth_year kind="number" fields=f.clone() problems=p/>
                </div>
                <div class="field-row birth-age-band">
                    <TextInput field="client.age_from" label=K::case_age_from kind="number" fields=f.clone() problems=p/>
                    <TextInput field="client.age_to" label=K::case_age_to kind="number" fields=f.clone() problems=p/>
                    <DateInput field="client.age_assessed_on" label=K::case_age_assessed_on fields=f.clone() problems=p/>
                </div>
            </div>
            <Select field="client.gender" label=K::case_gender fields=f.clone() problems=p options=genders/>
            <TextInput field="client.nationality" label=K::case_nationality hint=K::case_nationality_hint size="4" fields=f.clone() problems=p/>
            <TextInput field="client.languages" label=K::case_languages hint=K::case_languages_hint fields=f.clone() problems=p/>
            <YesNo field="client.interpreter" legend=K::case_interpreter fields=f.clone() problems=p/>
            <TextInput field="client.children" label=K::case_children kind="number" fields=f.clone() problems=p/>
        </fieldset>
        <fieldset class="group" id="dependants">
            <legend>{t(K::case_dependants)}</legend>
            <p class="hint">{t(K::case_dependants_hint)}</p>
            {growing_rows(&f, "dependant", {
                let f = f.clone();
                move |i, is_new| {
                    let k = |n: &str| format!("dependant.{i}.{n}");
                    let relations = choices(&RELATIONS, |r| match r {
                        Relation::Child => K::case_relation_child,
                        Relation::Partner => K::case_relation_partner,
                        Relation::OtherRelative => K::case_relation_other_relative,
                    });
                    view! {
                        <fieldset class="group row-group" class:new-row=is_new>
                            <legend>{row_legend(is_new, K::case_dependant_new, K::case_dependant_n, i)}</legend>
                            <div class="field-row">
                                <Select field=k("relation") label=K::case_dependant_relation fields=f.clone() problems=p options=relations/>
                                <TextInput field=k("birth_year") label=K::case_dependant_birth_year kind="number" fields=f.clone() problems=p/>
                            </div>
                        </fieldset>
                    }
                }
            })}
        </fieldset>
        <fieldset class="group">
            <legend>{t(K::case_contact)}</legend>
            <DateInput field="contact.on" label=K::case_contact_on fields=f.clone() problems=p/>
            <TextInput field="contact.referral_source" label=K::case_referral_source fields=f.clone() problems=p/>
            <TextArea field="contact.notes" label=K::case_notes fields=f.clone() problems=p/>
        </fieldset>
        // A person's decision, apart from the screening (which only
        // suggests); the style sheet shows the authority and the day only
        // for an identification.
        <fieldset class="group trafficking">
            <legend>{t(K::case_trafficking_status)}</legend>
            <p class="hint">{t(K::case_trafficking_hint)}</p>
            <Select field="trafficking.status" label=K::case_trafficking_status_label fields=f.clone() problems=p options=trafficking_statuses() no_blank=true/>
            <div class="field-row trafficking-identified">
                <TextInput field="trafficking.authority" label=K::case_trafficking_authority hint=K::case_trafficking_authority_hint fields=f.clone() problems=p/>
                <DateInput field="trafficking.on" label=K::case_trafficking_on fields=f problems=p/>
            </div>
        </fieldset>
    }
}

/// The name of a trafficking status (by its slug).
pub fn trafficking_status_key(slug: &str) -> K {
    match slug {
        "possible_victim" => K::case_trafficking_possible_victim,
        "identified" => K::case_trafficking_identified,
        "not_a_victim" => K::case_trafficking_not_a_victim,
        _ => K::case_trafficking_not_assessed,
    }
}

fn trafficking_statuses() -> Vec<(String, String)> {
    crate::domain::case_file::TRAFFICKING_STATUSES
        .iter()
        .map(|s| (s.to_string(), t(trafficking_status_key(s)).to_string()))
        .collect()
}

fn consent(f: Fields, cx: FormCx) -> impl IntoView {
    let p = cx.problems;
    let purposes = choices(&PURPOSES, |k| match k {
        PurposeKind::StoreData => K::case_purpose_store,
        PurposeKind::Share => K::case_purpose_share,
        PurposeKind::RegisterNationalBody => K::case_purpose_national_body,
        PurposeKind::ContactFamily => K::case_purpose_family,
        PurposeKind::AnonymisedStatistics => K::case_purpose_statistics,
    });
    let missions = cx.missions.clone();
    view! {
        <p class="hint">{t(K::case_consent_hint)}</p>
        {growing_rows(&f, "consent", {
            let f = f.clone();
            move |i, is_new| {
                let k = |n: &str| format!("consent.{i}.{n}");
                let (purposes, missions) = (purposes.clone(), missions.clone());
                view! {
                    <fieldset class="group row-group" class:new-row=is_new>
                        <legend>
                            {row_legend(is_new, K::case_consent_new, K::case_consent_n, i)}
                        </legend>
                        <input type="hidden" name=name(&k("explained_by")) value=value(&f, &k("explained_by"))/>
                        <Select field=k("purpose") label=K::case_purpose fields=f.clone() problems=p options=purposes.clone()/>
                        <Select field=k("recipient") label=K::case_recipient fields=f.clone() problems=p options=missions.clone()/>
                        <fieldset class="checks">
                            <legend>{t(K::case_sections_shared)}</legend>
                            {Section::ALL
                                .into_iter()
                                .map(|s| {
                                    let field = k(&format!("section_{}", section_slug(s)));
                                    view! { <Checkbox field label=t(section_key(s)).to_string() fields=f.clone()/> }
                                })
                                .collect_view()}
                            <FieldProblem field=k("section_client") problems=p/>
                        </fieldset>
                        <div class="field-row">
                            <DateInput field=k("given_on") label=K::case_given_on fields=f.clone() problems=p/>
                            <TextInput field=k("language") label=K::case_explained_in size="4" fields=f.clone() problems=p/>
                            <DateInput field=k("expires_on") label=K::case_expires_on fields=f.clone() problems=p/>
                            <DateInput field=k("withdrawn_on") label=K::case_withdrawn_on fields=f.clone() problems=p/>
                        </div>
                        <Checkbox field=k("interpreter") label=t(K::case_interpreter_used).to_string() fields=f.clone()/>
                    </fieldset>
                }
            }
        })}
    }
}

pub fn section_key(s: Section) -> K {
    match s {
        Section::Client => K::case_section_client,
        Section::Consent => K::case_section_consent,
        Section::Screening => K::case_section_screening,
        Section::Options => K::case_section_options,
        Section::Decision => K::case_section_decision,
        Section::Risk => K::case_section_risk,
        Section::Reintegration => K::case_section_reintegration,
        Section::Travel => K::case_section_travel,
        Section::Milestones => K::case_section_milestones,
    }
}

/// One indicator or signal of a screening list: ticked, with its source
/// and the day it was noted (`obs.<id>`, the same fields for every list).
fn observation(
    f: &Fields,
    p: Problems,
    id: &str,
    text: String,
    sources: Vec<(String, String)>,
) -> impl IntoView {
    let key = format!("obs.{id}");
    let ticked = !value(f, &key).is_empty();
    view! {
        <div class="indicator" class:ticked=ticked>
            <Checkbox field=key.clone() label=text fields=f.clone()/>
            <div class="indicator-detail">
                <Select field=format!("{key}.source") label=K::case_source fields=f.clone() problems=p options=sources no_blank=true/>
                <DateInput field=format!("{key}.on") label=K::case_noted_on fields=f.clone() problems=p/>
            </div>
        </div>
    }
}

fn identification(f: Fields, cx: FormCx) -> impl IntoView {
    let p = cx.problems;
    let ilo = cx.indicator_list.clone();
    let version = ilo.info.version.clone();
    let lists = choices(&LISTS, list_key);
    let sources = choices(&SOURCES, |s| match s {
        Source::SelfReport => K::case_source_self,
        Source::Observed => K::case_source_observed,
        Source::Document => K::case_source_document,
    });
    let judgements = choices(&JUDGEMENTS, |j| match j {
        Judgement::SignsPresent => K::case_judgement_signs,
        Judgement::Unclear => K::case_judgement_unclear,
        Judgement::NoSigns => K::case_judgement_none,
    });
    let off_list: Vec<(String, String)> = f
        .iter()
        .filter_map(|(k, v)| {
            k.strip_prefix("obs.")
                .filter(|id| !id.contains('.') && !v.is_empty())
        })
        .filter(|id| {
            !ilo.indicators.iter().any(|i| i.id == *id)
                && !crate::catalog::nl_signals()
                    .groups
                    .iter()
                    .any(|g| g.signals.iter().any(|s| s.id == *id))
        })
        .map(|id| {
            let text = crate::catalog::ilo()
                .indicators
                .iter()
                .find(|i| i.id == id)
                .map_or_else(
                    || tf(K::case_ilo_unknown_indicator, &[("id", id)]),
                    |i| format!("{} ({id})", i.text),
                );
            (id.to_string(), text)
        })
        .collect();
    view! {
        // The list these indicators are from; the server records the one
        // in use on each save.
        <input type="hidden" name="f[screening.catalogue]" value=version/>
        <Select field="screening.list" label=K::case_ilo_list fields=f.clone() problems=p options=lists no_blank=true/>
        {ilo
            .dimensions
            .iter()
            .map(|d| {
                let f = f.clone();
                let sources = sources.clone();
                view! {
                    <fieldset class="group indicators">
                        <legend>{format!("{}. {}", d.number, d.name)}</legend>
                        {ilo
                            .indicators
                            .iter()
                            .filter(|i| i.dimension == d.number)
                            .map(|i| observation(&f, p, &i.id, i.text.clone(), sources.clone()))
                            .collect_view()}
                    </fieldset>
                }
            })
            .collect_view()}
        // Observations of indicators the list in use does not hold (ticked
        // on an earlier list): kept, and shown to be gone through, never
        // dropped by a save of the form.
        {(!off_list.is_empty()).then(|| {
            let f = f.clone();
            view! {
                <fieldset class="group indicators" id="off-list-observations">
                    <legend>{t(K::case_ilo_off_list)}</legend>
                    <p class="hint">{t(K::case_ilo_off_list_hint)}</p>
                    {off_list
                        .into_iter()
                        .map(|(id, text)| observation(&f, p, &id, text, sources.clone()))
                        .collect_view()}
                </fieldset>
            }
        })}
        // The Dutch signal lists (domain.md §5.3): the second instrument,
        // with its own result (it screens sexual exploitation too, whose
        // ILO list is not loaded).
        <h2 id="nl-signals-heading">{t(K::case_nl_signals)}</h2>
        <p class="hint">{t(K::case_nl_signals_hint)}</p>
        {crate::catalog::nl_signals()
            .groups
            .iter()
            .map(|g| {
                let f = f.clone();
                let sources = sources.clone();
                view! {
                    <fieldset class="group indicators nl-signals" id=format!("nl-group-{}", g.id)>
                        <legend>{g.title.clone()}</legend>
                        {g.signals
                            .iter()
                            .map(|sig| observation(&f, p, &sig.id, sig.text.clone(), sources.clone()))
                            .collect_view()}
                    </fieldset>
                }
            })
            .collect_view()}
        <fieldset class="group">
            <legend>{t(K::case_judgement_and_referral)}</legend>
            <Radios field="screening.judgement" legend=K::case_judgement fields=f.clone() problems=p options=judgements/>
            <div class="field-row">
                <TextInput field="screening.referral_to" label=K::case_referral_to fields=f.clone() problems=p/>
                <DateInput field="screening.referral_on" label=K::case_referral_on fields=f.clone() problems=p/>
            </div>
            <div class="field-row">
                <DateInput field="reflection.offered_on" label=K::case_reflection_offered fields=f.clone() problems=p/>
                <DateInput field="reflection.start" label=K::case_reflection_start fields=f.clone() problems=p/>
                <DateInput field="reflection.end" label=K::case_reflection_end fields=f.clone() problems=p/>
            </div>
            <TextArea field="screening.notes" label=K::case_notes fields=f problems=p/>
        </fieldset>
    }
}

fn options(f: Fields, cx: FormCx) -> impl IntoView {
    let p = cx.problems;
    let feasibility = choices(&FEASIBILITY, |x| match x {
        Feasibility::Unknown => K::case_unknown,
        Feasibility::Feasible => K::case_feasible,
        Feasibility::Difficult => K::case_difficult,
        Feasibility::NotFeasible => K::case_not_feasible,
    });
    view! {
        <p class="hint">{t(K::case_options_hint)}</p>
        <div class="columns three">
            {FutureOption::ALL
                .into_iter()
                .map(|o| {
                    let slug = OPTIONS.iter().find(|(_, x)| *x == o).map(|(s, _)| *s).unwrap_or("stay");
                    let k = |n: &str| format!("option.{slug}.{n}");
                    view! {
                        <fieldset class="group option-column">
                            <legend>{t(option_key(o))}</legend>
                            <TextArea field=k("wishes") label=K::case_wishes fields=f.clone() problems=p/>
                            <TextArea field=k("fears") label=K::case_fears fields=f.clone() problems=p/>
                            <TextArea field=k("legal") label=K::case_legal fields=f.clone() problems=p/>
                            <Select field=k("feasibility") label=K::case_feasibility fields=f.clone() problems=p options=feasibility.clone() no_blank=true/>
                            <TextInput field=k("information") label=K::case_information_given fields=f.clone() problems=p/>
                            <DateInput field=k("informed_on") label=K::case_informed_on fields=f.clone() problems=p/>
                        </fieldset>
                    }
                })
                .collect_view()}
        </div>
    }
}

fn decision(f: Fields, cx: FormCx) -> impl IntoView {
    let p = cx.problems;
    let choices_list = choices(&CHOICES, |c| match c {
        Choice::Option(o) => option_key(o),
        Choice::Undecided => K::case_choice_undecided,
        Choice::LeftUnknownDestination => K::case_choice_left,
    });
    view! {
        <p class="hint">{t(K::case_decision_hint)}</p>
        <Radios field="decision.choice" legend=K::case_choice fields=f.clone() problems=p options=choices_list/>
        <DateInput field="decision.on" label=K::case_decided_on fields=f.clone() problems=p/>
        <Checkbox field="decision.free_and_informed" label=t(K::case_free_and_informed).to_string() fields=f.clone()/>
        <Checkbox field="decision.capacity_in_doubt" label=t(K::case_capacity_in_doubt).to_string() fields=f.clone()/>
        {cx.maybe_minor.then(|| view! { <DateInput field="decision.bid_on" label=K::case_bid_on fields=f.clone() problems=p/> })}
    }
}

fn rating_options() -> Vec<(String, String)> {
    vec![
        ("1".into(), t(K::case_rating_1).into()),
        ("2".into(), t(K::case_rating_2).into()),
        ("3".into(), t(K::case_rating_3).into()),
    ]
}

fn severity_options() -> Vec<(String, String)> {
    vec![
        ("1".into(), t(K::case_severity_1).into()),
        ("2".into(), t(K::case_severity_2).into()),
        ("3".into(), t(K::case_severity_3).into()),
    ]
}

pub fn level_key(l: FactorLevel) -> K {
    match l {
        FactorLevel::Individual => K::case_level_individual,
        FactorLevel::Household => K::case_level_household,
        FactorLevel::Community => K::case_level_community,
        FactorLevel::Structural => K::case_level_structural,
        FactorLevel::Threat => K::case_level_threat,
    }
}

fn risk(f: Fields, cx: FormCx) -> impl IntoView {
    let p = cx.problems;
    let cat = crate::catalog::risk();
    let levels = choices(&LEVELS, level_key);
    let factors: Vec<(String, String)> = cat
        .factors
        .iter()
        .map(|x| {
            (
                x.id.clone(),
                format!("{} — {}", t(level_key(x.level)), x.text),
            )
        })
        .collect();
    let mitigations: Vec<(String, String)> = cat
        .mitigations
        .iter()
        .map(|m| (m.id.clone(), m.text.clone()))
        .collect();
    // A new assessment is made with today's catalogue; one made already
    // keeps the version it names (even none: the form must say what is
    // stored, or merely opening the step would change the assessment and
    // undo a supervisor's approval of it).
    let catalogue_version = if value(&f, "risk.assessed_on").is_empty() {
        cat.info.version.clone()
    } else {
        value(&f, "risk.catalogue_version")
    };
    view! {
        <input type="hidden" name=name("risk.catalogue_version") value=catalogue_version/>
        <DateInput field="risk.assessed_on" label=K::case_assessed_on fields=f.clone() problems=p/>
        {growing_rows(&f, "risk", {
            let f = f.clone();
            move |i, is_new| {
                let k = |n: &str| format!("risk.{i}.{n}");
                let (levels, factors, mitigations) = (levels.clone(), factors.clone(), mitigations.clone());
                view! {
                    <fieldset class="group row-group risk-row" class:new-row=is_new>
                        <legend>
                            {row_legend(is_new, K::case_risk_new, K::case_risk_n, i)}
                        </legend>
                        <div class="field-row">
                            <Select field=k("level") label=K::case_level fields=f.clone() problems=p options=levels.clone()/>
                            <Select field=k("factor") label=K::case_factor fields=f.clone() problems=p options=factors.clone()/>
                        </div>
                        <TextInput field=k("description") label=K::case_risk_description fields=f.clone() problems=p/>
                        <div class="field-row">
                            <Select field=k("likelihood") label=K::case_likelihood fields=f.clone() problems=p options=rating_options()/>
                            <Select field=k("severity") label=K::case_severity fields=f.clone() problems=p options=severity_options()/>
                        </div>
                        <div class="field-row">
                            <Select field=k("mitigation") label=K::case_mitigation fields=f.clone() problems=p options=mitigations.clone()/>
                            <TextInput field=k("mitigation_text") label=K::case_mitigation_own fields=f.clone() problems=p/>
                        </div>
                        <Checkbox field=k("unmitigable") label=t(K::case_unmitigable).to_string() fields=f.clone()/>
                    </fieldset>
                }
            }
        })}
        // The sign-offs (the origin partner's confirmation, the
        // supervisor's approval) are recorded under the form, each for the
        // assessment as it stands.
        <DateInput field="risk.last_threat_on" label=K::case_last_threat_on fields=f problems=p/>
    }
}

/// The name of an ILO list.
pub fn list_key(l: IloList) -> K {
    match l {
        IloList::AdultLabour => K::case_list_adult_labour,
        IloList::AdultSexual => K::case_list_adult_sexual,
        IloList::ChildLabour => K::case_list_child_labour,
        IloList::ChildSexual => K::case_list_child_sexual,
    }
}

pub fn category_key(c: SupportCategory) -> K {
    match c {
        SupportCategory::Immediate => K::case_category_immediate,
        SupportCategory::Economic => K::case_category_economic,
        SupportCategory::Social => K::case_category_social,
        SupportCategory::Psychosocial => K::case_category_psychosocial,
    }
}

pub fn person_key(k: PersonKind) -> K {
    match k {
        PersonKind::Adult => K::case_person_adult,
        PersonKind::MinorWithFamily => K::case_person_minor_with_family,
        PersonKind::UnaccompaniedMinor => K::case_person_unaccompanied_minor,
    }
}

fn reintegration(f: Fields, cx: FormCx) -> impl IntoView {
    let p = cx.problems;
    // Only what the client may get, and the one chosen (flagged in the
    // budget if the client may not get it).
    let chosen = value(&f, "reint.programme");
    let programmes: Vec<(String, String)> = crate::catalog::programmes()
        .programmes
        .iter()
        .filter(|x| {
            x.id == chosen
                || cx
                    .eligible_programmes
                    .as_ref()
                    .is_none_or(|ids| ids.contains(&x.id))
        })
        .map(|x| {
            let dates = match x.valid_to {
                Some(to) => format!("{} – {}", x.valid_from, to),
                None => format!("{} –", x.valid_from),
            };
            (x.id.clone(), format!("{} ({dates})", x.name))
        })
        .collect();
    // A second programme beside it: one the client may get that is meant
    // to be combined with others (the server checks it combines with the
    // plan's own).
    let combined = value(&f, "reint.combined_programme");
    let combinable: Vec<(String, String)> = crate::catalog::programmes()
        .programmes
        .iter()
        .filter(|x| {
            x.id == combined
                || (!x.combines_with.is_empty()
                    && cx
                        .eligible_programmes
                        .as_ref()
                        .is_none_or(|ids| ids.contains(&x.id)))
        })
        .map(|x| (x.id.clone(), x.name.clone()))
        .collect();
    // What a line may be charged to: the plan's programme (blank), or the
    // one combined with it.
    let mut charged_to = vec![(String::new(), t(K::case_charged_to_plan).to_string())];
    charged_to.extend(combinable.iter().cloned());
    let kinds = choices(&PERSON_KINDS, person_key);
    let categories = choices(&CATEGORIES, category_key);
    let forms = choices(&FORMS, |x| match x {
        Form::InKind => K::case_form_in_kind,
        Form::Cash => K::case_form_cash,
    });
    // Everyone in the household, and the next person being added (so that
    // there is always a "Person 1" to give support to).
    let people: Vec<(String, String)> = rows_with_blank(&f, "person")
        .into_iter()
        .map(|i| {
            (
                i.to_string(),
                tf(K::case_person_n, &[("n", &(i + 1).to_string())]),
            )
        })
        .collect();
    view! {
        <Select field="reint.programme" label=K::case_programme hint=K::case_programmes_hint fields=f.clone() problems=p options=programmes/>
        <Select field="reint.combined_programme" label=K::case_combined_programme hint=K::case_combined_programme_hint fields=f.clone() problems=p options=combinable/>
        <fieldset class="group">
            <legend>{t(K::case_household)}</legend>
            {growing_rows(&f, "person", {
                let f = f.clone();
                move |i, _new| {
                    let label = tf(K::case_person_n, &[("n", &(i + 1).to_string())]);
                    let field = format!("person.{i}.kind");
                    let current = value(&f, &field);
                    let kinds = kinds.clone();
                    view! {
                        <div class="field">
                            <label for=id(&field)>{label}</label>
                            <select id=id(&field) name=name(&field)>
                                <option value="">{t(K::case_none_chosen)}</option>
                                {kinds
                                    .into_iter()
                                    .map(|(v, text)| {
                                        let selected = v == current;
                                        view! { <option value=v selected=selected>{text}</option> }
                                    })
                                    .collect_view()}
                            </select>
                        </div>
                    }
                }
            })}
        </fieldset>
        {growing_rows(&f, "line", {
            let f = f.clone();
            move |i, is_new| {
                let k = |n: &str| format!("line.{i}.{n}");
                let (categories, people, forms) = (categories.clone(), people.clone(), forms.clone());
                let charged_to = charged_to.clone();
                view! {
                    <fieldset class="group row-group" class:new-row=is_new>
                        <legend>
                            {row_legend(is_new, K::case_line_new, K::case_line_n, i)}
                        </legend>
                        <div class="field-row">
                            <Select field=k("category") label=K::case_category fields=f.clone() problems=p options=categories.clone()/>
                            <Select field=k("person") label=K::case_for_person fields=f.clone() problems=p options=people.clone() no_blank=true/>
                            <Select field=k("form") label=K::case_form fields=f.clone() problems=p options=forms.clone() no_blank=true/>
                        </div>
                        <div class="field-row">
                            <TextInput field=k("description") label=K::case_line_description fields=f.clone() problems=p/>
                            <TextInput field=k("amount") label=K::case_amount kind="number" fields=f.clone() problems=p/>
                        </div>
                        <div class="field-row">
                            <TextInput field=k("referral") label=K::case_referral_organisation fields=f.clone() problems=p/>
                            <Select field=k("programme") label=K::case_charged_to fields=f.clone() problems=p options=charged_to no_blank=true/>
                        </div>
                    </fieldset>
                }
            }
        })}
        <TextArea field="reint.goals" label=K::case_goals fields=f.clone() problems=p/>
        <DateInput field="reint.registered_on" label=K::case_registered_on fields=f problems=p/>
    }
}

fn item_statuses() -> Vec<(String, String)> {
    choices(&ITEM_STATUSES, |s| match s {
        ItemStatusKind::Pending => K::case_status_pending,
        ItemStatusKind::InProgress => K::case_status_in_progress,
        ItemStatusKind::Done => K::case_status_done,
        ItemStatusKind::Blocked => K::case_status_blocked,
        ItemStatusKind::Skipped => K::case_status_skipped,
    })
}

/// What a travel step's or milestone's row says in its head.
struct ItemHead {
    title: String,
    owner: Owner,
    planned: Option<chrono::NaiveDate>,
    /// The day its window opens (`planned` is then the window's end).
    opens: Option<chrono::NaiveDate>,
    /// Waits for the risk gate (not passed yet).
    gated: bool,
    /// Its date would be counted from sections the reader may not read.
    date_not_shared: bool,
    /// A milestone the work can tick off: its status may be left to the
    /// work (blank), and says which step ticked it (`by_work`), or that
    /// this is not for the reader to know.
    follows_work: bool,
    by_work: Option<crate::domain::milestones::WorkPlace>,
    work_not_shared: bool,
}

/// One travel step or milestone: status, date, evidence.
fn item_row(f: &Fields, p: Problems, prefix: String, head: ItemHead) -> impl IntoView {
    let ItemHead {
        title,
        owner,
        planned,
        opens,
        gated,
        date_not_shared,
        follows_work,
        by_work,
        work_not_shared,
    } = head;
    let k = |n: &str| format!("{prefix}.{n}");
    let status = value(f, &k("status"));
    let status_class = format!(
        "item status-{}",
        match (status.as_str(), by_work) {
            ("", Some(_)) => "done",
            ("", None) => "pending",
            (s, _) => s,
        }
    );
    let mut statuses = item_statuses();
    if follows_work {
        statuses.insert(0, (String::new(), t(K::case_follows_work).to_string()));
    }
    let planned_text = match (opens, planned) {
        (Some(from), Some(d)) => tf(
            K::case_window,
            &[
                ("from", &crate::components::time::date_text(from)),
                ("to", &crate::components::time::date_text(d)),
            ],
        ),
        (_, Some(d)) => crate::components::time::date_text(d),
        (_, None) if date_not_shared => t(K::ho_derived_not_shared).to_string(),
        (_, None) => t(K::case_no_date_yet).to_string(),
    };
    view! {
        <li class=status_class>
            <div class="item-head">
                <span class="item-date">{planned_text}</span>
                <strong class="item-title">{title}</strong>
                <span class="item-owner">{t(owner_key(owner))}</span>
                {gated.then(|| view! { <span class="badge gated">{t(K::case_gated)}</span> })}
                {by_work.map(|place| view! {
                    <a class="badge by-work" href=format!("./{}", place.slug()) rel="external">
                        {tf(K::case_done_by_work, &[("step", &super::follow_up::place_text(place))])}
                    </a>
                })}
                {work_not_shared.then(|| view! { <span class="badge not-shared">{t(K::case_work_not_shared)}</span> })}
            </div>
            <div class="field-row">
                <Select field=k("status") label=K::case_status fields=f.clone() problems=p options=statuses no_blank=true/>
                <DateInput field=k("due") label=K::case_change_date fields=f.clone() problems=p/>
                <DateInput field=k("done_on") label=K::case_done_on fields=f.clone() problems=p/>
            </div>
            <div class="field-row">
                <TextInput field=k("evidence") label=K::case_evidence fields=f.clone() problems=p/>
                <TextInput field=k("reason") label=K::case_reason fields=f.clone() problems=p/>
            </div>
        </li>
    }
}

fn travel(f: Fields, cx: FormCx) -> impl IntoView {
    let p = cx.problems;
    view! {
        <div class="field-row">
            <Select field="travel.mission" label=K::case_mission fields=f.clone() problems=p options=cx.missions.clone()/>
            <TextInput field="travel.destination" label=K::case_destination size="4" fields=f.clone() problems=p/>
            <DateInput field="travel.departure" label=K::case_departure fields=f.clone() problems=p/>
        </div>
        <TextArea field="travel.needs" label=K::case_travel_needs fields=f.clone() problems=p/>
        <TextArea field="travel.contacts" label=K::case_travel_contacts fields=f.clone() problems=p/>
        <h2>{t(K::case_travel_steps)}</h2>
        <ol class="timeline">
            {cx.travel_steps
                .iter()
                .map(|s| {
                    let waits = s.gated && cx.gate_passed == Some(false);
                    item_row(&f, p, format!("step.{}", s.template_id), ItemHead {
                        title: s.title.clone(),
                        owner: s.owner,
                        planned: s.due,
                        opens: None,
                        gated: waits,
                        date_not_shared: false,
                        follows_work: false,
                        by_work: None,
                        work_not_shared: false,
                    })
                })
                .collect_view()}
        </ol>
    }
}

fn milestones(f: Fields, cx: FormCx) -> impl IntoView {
    let p = cx.problems;
    let mut list = cx.milestones.clone();
    list.sort_by_key(|m| (m.due.is_none(), m.due));
    view! {
        <p class="hint">{t(K::case_milestones_hint)}</p>
        <ol class="timeline">
            {list
                .iter()
                .map(|m| {
                    // A date not set by hand is counted from other sections.
                    let hidden = !cx.milestone_dates && !m.due_edited;
                    let due = m.due.filter(|_| !hidden);
                    item_row(&f, p, format!("ms.{}", m.template_id), ItemHead {
                        title: m.title.clone(),
                        owner: m.owner,
                        planned: due,
                        opens: m.opens.filter(|_| !hidden),
                        gated: false,
                        date_not_shared: hidden,
                        follows_work: crate::domain::progress::milestone_work(&m.template_id).is_some(),
                        by_work: m.by_work,
                        work_not_shared: m.work_not_shared,
                    })
                })
                .collect_view()}
        </ol>
    }
}
