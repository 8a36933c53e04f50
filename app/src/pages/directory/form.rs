//! An entry's form: an editor's change is saved at once, anyone else's is
//! sent as a suggestion for an editor. The fields are the CSV columns
//! (docs/SOCIAL_MAP.md), so a form and a file are checked by the same
//! rules; services and target groups are check boxes.

use super::labels::{
    column_key, cost_key, group_key, problem_key, service_key, type_key, visibility_key,
};
use crate::api::auth::MeView;
use crate::api::directory::{entry, EntrySaveResult, EntryView, SaveEntry};
use crate::components::signed_in::SignedIn;
use crate::domain::directory::{to_fields, Cost, OrgType, Service, TargetGroup, Visibility};
use crate::domain::Role;
use crate::error::AppError;
use crate::i18n::map::{mt, mtf, MK};
use crate::i18n::{t, use_locale, K};
use crate::pages::cases::inputs::escape_text;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn EntryFormPage() -> impl IntoView {
    let params = use_params_map();
    // A new entry has nothing to load.
    let found = Resource::new(
        move || params.read().get("id").unwrap_or_default(),
        |id| async move {
            if id.is_empty() {
                Ok(None)
            } else {
                entry(id).await.map(Some)
            }
        },
    );
    view! {
        <Title text=mt(MK::title)/>
        <SignedIn path="/directory" page=move |user| view! { <FormLoaded user found/> }/>
    }
}

#[component]
fn FormLoaded(user: MeView, found: Resource<Result<Option<EntryView>, AppError>>) -> impl IntoView {
    let locale = use_locale();
    let editor = user.directory_editor || user.role == Role::Admin;
    view! {
        <main class="wide map-form">
            <Suspense fallback=|| view! { <p class="loading">{t(K::app_loading)}</p> }>
                {move || Suspend::new(async move {
                    match found.await {
                        Ok(v) => view! { <EntryForm v editor/> }.into_any(),
                        Err(AppError::NotFound) => view! { <crate::pages::not_found::NotFound/> }.into_any(),
                        Err(e) => view! { <p class="form-error" role="alert">{e.message_in(locale)}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </main>
    }
}

fn input_id(column: &str) -> String {
    format!("f-{}", column.replace(['.', '_'], "-"))
}

#[component]
fn EntryForm(v: Option<EntryView>, editor: bool) -> impl IntoView {
    let save = ServerAction::<SaveEntry>::new();
    let value = save.value();
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        if let Some(Ok(EntrySaveResult::Saved { id, .. })) = value.get() {
            let _ = window()
                .location()
                .assign(&format!("/directory/entry/{id}?result=saved"));
        }
    });
    let query = use_query_map();
    let from_address = query.read_untracked().get("result");
    let (fields, id, version, name) = match &v {
        Some(v) => (
            to_fields(&v.entry),
            v.entry.id.clone(),
            v.version,
            v.entry.name.clone(),
        ),
        None => (
            to_fields(&crate::domain::directory::Organisation::new("", "", "", "")),
            String::new(),
            0,
            String::new(),
        ),
    };
    let heading = match (editor, v.is_some()) {
        (true, true) => mtf(MK::edit_heading, &[("name", &name)]),
        (true, false) => mt(MK::new_heading).to_string(),
        (false, true) => mtf(MK::suggest_heading, &[("name", &name)]),
        (false, false) => mt(MK::suggest_new_heading).to_string(),
    };
    let problems = move || match value.get() {
        Some(Ok(EntrySaveResult::Problems(p))) => p,
        _ => Vec::new(),
    };
    let message = move || match value.get() {
        Some(Ok(EntrySaveResult::Saved { .. })) => Some((false, mt(MK::saved).to_string())),
        Some(Ok(EntrySaveResult::Suggested)) => Some((false, mt(MK::suggested).to_string())),
        Some(Ok(EntrySaveResult::Unchanged { .. })) => Some((false, mt(MK::unchanged).to_string())),
        Some(Ok(EntrySaveResult::Problems(_))) => Some((true, mt(MK::form_problems).to_string())),
        Some(Ok(EntrySaveResult::Conflict)) => Some((true, mt(MK::changed_meanwhile).to_string())),
        Some(Err(e)) => Some((true, e.user_message())),
        None => match from_address.as_deref() {
            Some("suggested") => Some((false, mt(MK::suggested).to_string())),
            Some("unchanged") => Some((false, mt(MK::unchanged).to_string())),
            Some("invalid") => Some((true, mt(MK::form_problems).to_string())),
            Some("conflict") => Some((true, mt(MK::changed_meanwhile).to_string())),
            _ => None,
        },
    };
    let back = if id.is_empty() {
        "/directory".to_string()
    } else {
        format!("/directory/entry/{id}")
    };
    let f = fields.clone();
    let get = move |c: &str| f.get(c).cloned().unwrap_or_default();
    let text = {
        let get = get.clone();
        move |c: &'static str, hint: Option<MK>| {
            let hint_id = format!("{}-hint", input_id(c));
            view! {
                <div class="field">
                    <label for=input_id(c)>{column_key(c).map(mt)}</label>
                    {hint.map(|h| view! { <span class="field-hint" id=hint_id.clone()>{mt(h)}</span> })}
                    <input id=input_id(c) name=format!("f[{c}]") value=get(c) aria-describedby=hint.map(|_| hint_id.clone())
                        aria-invalid=move || problems().iter().any(|p| p.column == c).then_some("true")/>
                    <ColumnProblem column=c problems=Signal::derive(problems)/>
                </div>
            }
        }
    };
    let area = {
        let get = get.clone();
        move |c: &'static str| {
            view! {
                <div class="field">
                    <label for=input_id(c)>{column_key(c).map(mt)}</label>
                    <textarea id=input_id(c) name=format!("f[{c}]") rows="3" inner_html=escape_text(&get(c))></textarea>
                    <ColumnProblem column=c problems=Signal::derive(problems)/>
                </div>
            }
        }
    };
    let flag = {
        let get = get.clone();
        move |c: &'static str| {
            view! {
                <label class="choice">
                    <input type="checkbox" id=input_id(c) name=format!("f[{c}]") value="yes" checked=get(c) == "yes"/>
                    {column_key(c).map(mt)}
                </label>
            }
        }
    };
    let services: Vec<String> = get("services").split('|').map(String::from).collect();
    let groups: Vec<String> = get("target_groups").split('|').map(String::from).collect();
    let (org_type, cost, visibility) = (get("org_type"), get("cost"), get("visibility"));
    view! {
        <p><a href=back.clone()>{"← "}{mt(MK::cancel)}</a></p>
        <h1>{heading}</h1>
        {(!editor).then(|| view! { <p class="hint">{mt(MK::suggest_intro)}</p> })}
        {move || message().map(|(bad, m)| view! { <p class:form-error=bad class:notice=!bad role=if bad { "alert" } else { "status" } id="entry-form-result">{m}</p> })}
        {move || {
            let p = problems();
            (!p.is_empty()).then(|| view! {
                <ul class="form-error" id="entry-form-problems">
                    {p.into_iter().map(|p| view! {
                        <li><a href=format!("#{}", input_id(&p.column))>{column_key(&p.column).map(mt)}": "{mt(problem_key(p.problem))}</a></li>
                    }).collect_view()}
                </ul>
            })
        }}
        <ActionForm action=save attr:id="entry-form" attr:class="stack" attr:action=SaveEntry::url() attr:novalidate=true>
            <input type="hidden" name="id" value=id.clone()/>
            <input type="hidden" name="version" value=version.to_string()/>
            <fieldset>
                <legend>{mt(MK::about)}</legend>
                {text("name", None)}
                {text("local_name", None)}
                {text("acronym", None)}
                <div class="field">
                    <label for=input_id("org_type")>{mt(MK::col_org_type)}</label>
                    <select id=input_id("org_type") name="f[org_type]">
                        <option value="">"—"</option>
                        {OrgType::ALL.iter().map(|k| view! { <option value=k.slug() selected=k.slug() == org_type>{mt(type_key(*k))}</option> }).collect_view()}
                    </select>
                </div>
                {text("network", None)}
            </fieldset>
            <fieldset>
                <legend>{mt(MK::place)}</legend>
                {text("country", Some(MK::country_hint))}
                {text("region", None)}
                {text("city", None)}
                {area("address")}
                {flag("address_confidential")}
            </fieldset>
            <fieldset>
                <legend>{mt(MK::who)}</legend>
                <fieldset class="checks" id="f-services">
                    <legend>{mt(MK::col_services)}</legend>
                    {Service::ALL.iter().map(|s| {
                        let name = format!("f[services.{}]", s.slug());
                        let checked = services.iter().any(|x| x == s.slug());
                        view! { <label class="choice"><input type="checkbox" name=name value="yes" checked=checked/>{mt(service_key(*s))}</label> }
                    }).collect_view()}
                    <ColumnProblem column="services" problems=Signal::derive(problems)/>
                </fieldset>
                <fieldset class="checks" id="f-target-groups">
                    <legend>{mt(MK::col_target_groups)}</legend>
                    {TargetGroup::ALL.iter().map(|g| {
                        let name = format!("f[target_groups.{}]", g.slug());
                        let checked = groups.iter().any(|x| x == g.slug());
                        view! { <label class="choice"><input type="checkbox" name=name value="yes" checked=checked/>{mt(group_key(*g))}</label> }
                    }).collect_view()}
                </fieldset>
                {text("nationalities", Some(MK::list_hint))}
                {text("return_countries", Some(MK::list_hint))}
                {text("languages", Some(MK::languages_hint))}
                {area("eligibility")}
                {text("capacity_beds", None)}
                <div class="field">
                    <label for=input_id("cost")>{mt(MK::col_cost)}</label>
                    <select id=input_id("cost") name="f[cost]">
                        {Cost::ALL.iter().map(|k| view! { <option value=k.slug() selected=k.slug() == cost>{mt(cost_key(*k))}</option> }).collect_view()}
                    </select>
                </div>
            </fieldset>
            <fieldset>
                <legend>{mt(MK::how_to_refer)}</legend>
                {area("referral_procedure")}
            </fieldset>
            <fieldset>
                <legend>{mt(MK::contact)}</legend>
                {text("phone", Some(MK::phone_hint))}
                {text("hotline", Some(MK::phone_hint))}
                {text("email", None)}
                {text("website", None)}
                {text("secure_channel", None)}
                {text("contact_role", None)}
                {text("opening_hours", Some(MK::hours_hint))}
                {flag("emergency_availability")}
            </fieldset>
            <fieldset>
                <legend>{mt(MK::verification)}</legend>
                {text("source", None)}
                <div class="field">
                    <label for=input_id("visibility")>{mt(MK::col_visibility)}</label>
                    <select id=input_id("visibility") name="f[visibility]">
                        {Visibility::ALL.iter().map(|k| view! { <option value=k.slug() selected=k.slug() == visibility>{mt(visibility_key(*k))}</option> }).collect_view()}
                    </select>
                </div>
            </fieldset>
            {(!editor).then(|| view! {
                <div class="field">
                    <label for="entry-note">{mt(MK::note)}</label>
                    <textarea id="entry-note" name="note" rows="3" maxlength="1000"></textarea>
                </div>
            })}
            <button type="submit" id="entry-save">{if editor { mt(MK::save) } else { mt(MK::send_suggestion) }}</button>
        </ActionForm>
    }
    .into_any()
}

/// The problem of one column, under its field.
#[component]
fn ColumnProblem(
    column: &'static str,
    problems: Signal<Vec<crate::domain::directory::RowProblem>>,
) -> impl IntoView {
    move || {
        problems
            .get()
            .into_iter()
            .find(|p| p.column == column)
            .map(|p| view! { <span class="field-error">{mt(problem_key(p.problem))}</span> })
    }
}
