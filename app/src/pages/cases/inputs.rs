//! Form inputs of the session steps. Every input is a plain named HTML
//! control (`f[<field>]`), so the step's form posts without WASM and the
//! autosave reads the same names; each is labelled, and says what is wrong
//! with it next to it.

use crate::domain::fields::{FieldError, Fields, Problem};
use crate::i18n::{t, K};
use leptos::prelude::*;

/// The problems of the last save attempt, shared by a step's inputs.
pub type Problems = RwSignal<Vec<Problem>>;

/// The form name of a field.
pub fn name(field: &str) -> String {
    format!("f[{field}]")
}

/// Given to the other version's form in the conflict view: its ids get a
/// prefix (ids stay unique on the page) and the fields that differ from
/// the counsellor's are marked.
#[derive(Clone, Debug)]
pub struct Differs {
    pub fields: std::collections::BTreeSet<String>,
    pub id_prefix: &'static str,
}

/// The element id of a field.
pub fn id(field: &str) -> String {
    let prefix = use_context::<Differs>().map(|d| d.id_prefix).unwrap_or("");
    format!("{prefix}f-{}", field.replace(['.', '_'], "-"))
}

/// Whether a field differs from the other version (conflict view only).
fn differs(field: &str) -> bool {
    use_context::<Differs>().is_some_and(|d| d.fields.contains(field))
}

pub fn value(fields: &Fields, field: &str) -> String {
    fields.get(field).cloned().unwrap_or_default()
}

pub fn error_key(e: FieldError) -> K {
    match e {
        FieldError::Date => K::case_error_date,
        FieldError::Number => K::case_error_number,
        FieldError::Choice => K::case_error_choice,
        FieldError::Required => K::case_error_required,
        FieldError::TooLong => K::case_error_too_long,
        FieldError::Amount => K::case_error_amount,
        FieldError::Code => K::case_error_code,
        FieldError::Future => K::case_error_future,
        FieldError::Range => K::case_error_range,
        FieldError::NotNeeded => K::case_error_not_needed,
        FieldError::GateNotPassed => K::case_error_gate_not_passed,
        FieldError::GateNotPassedThatDay => K::case_error_gate_not_passed_that_day,
        FieldError::BeforeAssessment => K::case_error_before_assessment,
        FieldError::NotEligible => K::case_error_not_eligible,
        FieldError::NotCombinable => K::case_error_not_combinable,
        FieldError::AlreadyRecorded => K::case_error_already_recorded,
        FieldError::BeforeArrival => K::case_error_before_arrival,
    }
}

/// The message under a field, when the last save found it wrong.
#[component]
pub fn FieldProblem(#[prop(into)] field: String, problems: Problems) -> impl IntoView {
    let error_id = format!("{}-error", id(&field));
    move || {
        problems.with(|ps| {
            ps.iter().find(|p| p.field == field).map(|p| {
                view! { <span class="field-error" id=error_id.clone()>{t(error_key(p.error))}</span> }
            })
        })
    }
}

fn invalid(
    problems: Problems,
    field: &str,
) -> impl Fn() -> Option<&'static str> + Send + Sync + 'static {
    let field = field.to_string();
    move || {
        problems
            .with(|ps| ps.iter().any(|p| p.field == field))
            .then_some("true")
    }
}

#[component]
pub fn TextInput(
    #[prop(into)] field: String,
    label: K,
    fields: Fields,
    problems: Problems,
    #[prop(optional)] hint: Option<K>,
    #[prop(optional, into)] kind: Option<String>,
    #[prop(optional, into)] size: Option<String>,
) -> impl IntoView {
    let v = value(&fields, &field);
    let kind = kind.unwrap_or_else(|| "text".into());
    view! {
        <div class="field" class:differs=differs(&field)>
            <label for=id(&field)>{t(label)}</label>
            {hint.map(|h| view! { <span class="field-hint">{t(h)}</span> })}
            <input
                id=id(&field)
                name=name(&field)
                type=kind
                value=v
                size=size
                aria-invalid=invalid(problems, &field)
                aria-describedby=format!("{}-error", id(&field))
            />
            <FieldProblem field=field.clone() problems/>
        </div>
    }
}

#[component]
pub fn DateInput(
    #[prop(into)] field: String,
    label: K,
    fields: Fields,
    problems: Problems,
) -> impl IntoView {
    view! { <TextInput field label fields problems kind="date"/> }
}

/// Text made safe to place inside an element as markup.
pub(crate) fn escape_text(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[component]
pub fn TextArea(
    #[prop(into)] field: String,
    label: K,
    fields: Fields,
    problems: Problems,
) -> impl IntoView {
    let v = value(&fields, &field);
    view! {
        <div class="field wide" class:differs=differs(&field)>
            <label for=id(&field)>{t(label)}</label>
            // The text goes in as markup: a child text node would get the
            // renderer's marker comment after it, which a <textarea> shows
            // as text (and hydration then trips over).
            <textarea
                id=id(&field)
                name=name(&field)
                rows="3"
                aria-invalid=invalid(problems, &field)
                inner_html=escape_text(&v)
            ></textarea>
            <FieldProblem field=field.clone() problems/>
        </div>
    }
}

/// A drop-down; the first option is "—" (nothing chosen) unless `required`.
#[component]
pub fn Select(
    #[prop(into)] field: String,
    label: K,
    fields: Fields,
    problems: Problems,
    /// (value, text)
    options: Vec<(String, String)>,
    #[prop(optional)] no_blank: bool,
    #[prop(optional)] hint: Option<K>,
) -> impl IntoView {
    let current = value(&fields, &field);
    view! {
        <div class="field" class:differs=differs(&field)>
            <label for=id(&field)>{t(label)}</label>
            {hint.map(|h| view! { <span class="field-hint">{t(h)}</span> })}
            <select id=id(&field) name=name(&field) aria-invalid=invalid(problems, &field)>
                {(!no_blank).then(|| view! { <option value="">{t(K::case_none_chosen)}</option> })}
                {options
                    .into_iter()
                    .map(|(v, text)| {
                        let selected = v == current;
                        view! { <option value=v selected=selected>{text}</option> }
                    })
                    .collect_view()}
            </select>
            <FieldProblem field=field.clone() problems/>
        </div>
    }
}

/// Radio buttons in a fieldset; "unknown" is always one of the answers
/// when `unknown` is given.
#[component]
pub fn Radios(
    #[prop(into)] field: String,
    legend: K,
    fields: Fields,
    problems: Problems,
    options: Vec<(String, String)>,
) -> impl IntoView {
    let current = value(&fields, &field);
    let group = id(&field);
    view! {
        <fieldset class="radios" class:differs=differs(&field) id=group.clone()>
            <legend>{t(legend)}</legend>
            {options
                .into_iter()
                .enumerate()
                .map(|(i, (v, text))| {
                    let input_id = format!("{group}-{i}");
                    let checked = v == current;
                    let for_id = input_id.clone();
                    view! {
                        <label class="radio" for=for_id>
                            <input type="radio" id=input_id name=name(&field) value=v checked=checked/>
                            {text}
                        </label>
                    }
                })
                .collect_view()}
            <FieldProblem field=field.clone() problems/>
        </fieldset>
    }
}

/// Yes / no / unknown (unknown is an answer, never an error).
#[component]
pub fn YesNo(
    #[prop(into)] field: String,
    legend: K,
    fields: Fields,
    problems: Problems,
) -> impl IntoView {
    let mut fields = fields;
    if value(&fields, &field).is_empty() {
        fields.insert(field.clone(), "unknown".into());
    }
    view! {
        <Radios
            field
            legend
            fields
            problems
            options=vec![
                ("yes".into(), t(K::case_yes).into()),
                ("no".into(), t(K::case_no).into()),
                ("unknown".into(), t(K::case_unknown).into()),
            ]
        />
    }
}

#[component]
pub fn Checkbox(#[prop(into)] field: String, label: String, fields: Fields) -> impl IntoView {
    let checked = !matches!(value(&fields, &field).as_str(), "" | "off");
    view! {
        <label class="check" class:differs=differs(&field) for=id(&field)>
            <input type="checkbox" id=id(&field) name=name(&field) checked=checked/>
            {label}
        </label>
    }
}

/// Choices from a form-value table with a message per value.
pub fn choices<T: Copy>(table: &[(&str, T)], key: impl Fn(T) -> K) -> Vec<(String, String)> {
    table
        .iter()
        .map(|(v, x)| (v.to_string(), t(key(*x)).to_string()))
        .collect()
}
