//! The social map's screens (issue #7): search, an entry, its form,
//! suggestions to review, import and export. Every screen is served
//! whole by the server and works without WASM; nothing loads from
//! outside (no map tiles: the app works on a closed network).

pub mod entry;
pub mod exchange;
pub mod form;
pub mod labels;
pub mod suggestions;

use crate::api::cases::{ChangeReferral, ReferralResult};
use crate::api::directory::{search, EntryCard, MapSearch};
use crate::components::signed_in::SignedIn;
use crate::components::time::date_text;
use crate::domain::directory::{Service, TargetGroup};
use crate::domain::referral::ReferralPurpose;
use crate::error::AppError;
use crate::i18n::map::{mt, mtf, MK};
use crate::i18n::{t, use_locale, K};
use labels::{group_key, purpose_key, service_key, type_key};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// The stale flag or the date of the last verification.
#[component]
pub fn Verified(stale: bool, last: Option<chrono::NaiveDate>) -> impl IntoView {
    match (stale, last) {
        (true, None) => view! { <span class="badge warn stale">{mt(MK::never_verified)}</span> }.into_any(),
        (true, Some(_)) => view! { <span class="badge warn stale">{mt(MK::stale)}</span> }.into_any(),
        (false, Some(d)) => view! { <span class="badge ok">{mtf(MK::verified_on, &[("date", &date_text(d))])}</span> }.into_any(),
        (false, None) => ().into_any(),
    }
}

#[component]
pub fn MapPage() -> impl IntoView {
    // Made here, outside the sign-in check's Suspense (see the caseload).
    let query = use_query_map();
    let q = move |k: &str| query.read().get(k).unwrap_or_default();
    let results = Resource::new(
        move || {
            (
                (q("q"), q("country"), q("city")),
                (q("service"), q("group"), q("language")),
                q("for"),
            )
        },
        |((text, country, city), (service, group, language), for_case)| {
            search(text, country, city, service, group, language, for_case)
        },
    );
    view! {
        <Title text=mt(MK::title)/>
        <SignedIn path="/directory" page=move |_user| view! { <MapView results/> }/>
    }
}

#[component]
fn MapView(results: Resource<Result<MapSearch, AppError>>) -> impl IntoView {
    let locale = use_locale();
    // A new organisation suggested by a form posted without WASM.
    let suggested = use_query_map().read_untracked().get("result").as_deref() == Some("suggested");
    view! {
        <main class="wide map">
            <h1>{mt(MK::heading)}</h1>
            {suggested.then(|| view! { <p class="notice" role="status" id="map-result">{mt(MK::suggested)}</p> })}
            <p class="hint">{mt(MK::intro)}</p>
            <Suspense fallback=|| view! { <p class="loading">{t(K::app_loading)}</p> }>
                {move || Suspend::new(async move {
                    match results.await {
                        Ok(r) => view! { <Results r/> }.into_any(),
                        Err(e) => view! { <p class="form-error" role="alert">{e.message_in(locale)}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </main>
    }
}

#[component]
fn Results(r: MapSearch) -> impl IntoView {
    let query = use_query_map();
    let q = move |k: &str| query.read_untracked().get(k).unwrap_or_default();
    let (service, group, country, language) =
        (q("service"), q("group"), q("country"), q("language"));
    let for_case = r.for_case.clone();
    let shown = r.results.len();
    view! {
        <nav class="map-actions" aria-label=mt(MK::heading)>
            {for_case.clone().map(|code| view! {
                <a href=format!("/cases/{code}/reintegration#referrals") rel="external" id="back-to-plan">{"← "}{mtf(MK::back_to_plan, &[("code", &code)])}</a>
            })}
            {if r.can_edit {
                view! {
                    <a href="/directory/new" id="map-new">{mt(MK::new_entry)}</a>
                    <a href="/directory/suggestions" id="map-suggestions">{mtf(MK::suggestions_link, &[("n", &r.pending_suggestions.to_string())])}</a>
                    <a href="/directory/exchange" id="map-exchange">{mt(MK::exchange_link)}</a>
                }.into_any()
            } else {
                view! { <a href="/directory/new" id="map-new">{mt(MK::suggest_new)}</a> }.into_any()
            }}
        </nav>
        <form method="get" action="/directory" class="filters" id="map-filters" role="search">
            {for_case.clone().map(|code| view! { <input type="hidden" name="for" value=code/> })}
            <label>{mt(MK::search)}
                <input name="q" type="search" value=q("q") id="map-q" placeholder=mt(MK::search_hint)/>
            </label>
            <label>{mt(MK::country)}
                <select name="country" id="map-country">
                    <option value="">{mt(MK::any)}</option>
                    {r.countries.iter().map(|c| view! { <option value=c.clone() selected=*c == country>{c.clone()}</option> }).collect_view()}
                </select>
            </label>
            <label>{mt(MK::city)} <input name="city" value=q("city") id="map-city"/></label>
            <label>{mt(MK::service)}
                <select name="service" id="map-service">
                    <option value="">{mt(MK::any)}</option>
                    {Service::ALL.iter().map(|s| view! { <option value=s.slug() selected=s.slug() == service>{mt(service_key(*s))}</option> }).collect_view()}
                </select>
            </label>
            <label>{mt(MK::target_group)}
                <select name="group" id="map-group">
                    <option value="">{mt(MK::any)}</option>
                    {TargetGroup::ALL.iter().map(|g| view! { <option value=g.slug() selected=g.slug() == group>{mt(group_key(*g))}</option> }).collect_view()}
                </select>
            </label>
            <label>{mt(MK::language)}
                <select name="language" id="map-language">
                    <option value="">{mt(MK::any)}</option>
                    {r.languages.iter().map(|l| view! { <option value=l.clone() selected=*l == language>{l.clone()}</option> }).collect_view()}
                </select>
            </label>
            <button type="submit" id="map-find">{mt(MK::find)}</button>
            <a href=match &for_case { Some(c) => format!("/directory?for={c}"), None => "/directory".into() } class="button secondary">{mt(MK::clear)}</a>
        </form>
        <p role="status" id="map-count">
            {mtf(MK::results, &[("shown", &shown.to_string()), ("matched", &r.matched.to_string()), ("entries", &r.entries.to_string())])}
        </p>
        {(r.matched > shown).then(|| view! { <p class="hint">{mtf(MK::refine, &[("n", &shown.to_string())])}</p> })}
        {(r.matched == 0).then(|| view! { <p class="notice" id="map-none">{mt(MK::none_found)}</p> })}
        <ol class="map-results" id="map-results">
            {r.results.into_iter().map(|e| {
                let for_case = for_case.clone();
                view! { <Card e for_case/> }
            }).collect_view()}
        </ol>
    }
    .into_any()
}

#[component]
fn Card(e: EntryCard, for_case: Option<String>) -> impl IntoView {
    let kind = e
        .org_type
        .as_deref()
        .and_then(crate::domain::directory::OrgType::from_slug)
        .map(|k| mt(type_key(k)));
    let services = e
        .services
        .iter()
        .filter_map(|s| Service::from_slug(s))
        .map(|s| mt(service_key(s)))
        .collect::<Vec<_>>()
        .join(", ");
    let card_id = format!("org-{}", e.id);
    view! {
        <li class="map-card" id=card_id data-entry=e.id.clone()>
            <h2>
                <a href=format!("/directory/entry/{}", e.id)>{e.name.clone()}</a>
                {(!e.acronym.is_empty()).then(|| view! { " " <span class="acronym">"(" {e.acronym.clone()} ")"</span> })}
            </h2>
            {(!e.local_name.is_empty()).then(|| view! { <p class="local-name" lang="">{e.local_name.clone()}</p> })}
            <p class="where">{kind.map(|k| view! { <span>{k}" · "</span> })}{e.city.clone()}", "{e.country.clone()}</p>
            <p class="services">{services}</p>
            {(!e.languages.is_empty()).then(|| view! { <p class="languages">{mt(MK::language)}": "{e.languages.join(", ")}</p> })}
            <p class="contact">
                {(!e.hotline.is_empty()).then(|| view! { <a href=format!("tel:{}", e.hotline)>{e.hotline.clone()}</a>" " })}
                {(!e.phone.is_empty()).then(|| view! { <a href=format!("tel:{}", e.phone)>{e.phone.clone()}</a> })}
            </p>
            <p class="badges">
                <Verified stale=e.stale last=e.last_verified/>
                {e.emergency.then(|| view! { <span class="badge">{mt(MK::emergency)}</span> })}
                {e.partners_only.then(|| view! { <span class="badge warn">{mt(MK::partners_only)}</span> })}
            </p>
            {for_case.map(|code| view! { <ReferForm code organisation_id=e.id.clone()/> })}
        </li>
    }
}

/// Refers the client of plan `code` to this organisation.
#[component]
fn ReferForm(code: String, organisation_id: String) -> impl IntoView {
    let action = ServerAction::<ChangeReferral>::new();
    let value = action.value();
    #[cfg(feature = "hydrate")]
    {
        let code = code.clone();
        Effect::new(move |_| {
            if matches!(value.get(), Some(Ok(ReferralResult::Done { .. }))) {
                let _ = window().location().assign(&format!(
                    "/cases/{code}/reintegration?referral=done#referrals"
                ));
            }
        });
    }
    let message = move || match value.get() {
        Some(Ok(ReferralResult::Done { .. })) => Some((false, mt(MK::referred).to_string())),
        Some(Ok(ReferralResult::Refused(r))) => Some((
            true,
            mt(crate::pages::cases::referrals::refusal_key(r)).to_string(),
        )),
        Some(Err(e)) => Some((true, e.user_message())),
        None => None,
    };
    let id = organisation_id.clone();
    view! {
        <ActionForm action attr:class="refer" attr:action=ChangeReferral::url()>
            <input type="hidden" name="code" value=code/>
            <input type="hidden" name="op" value="propose"/>
            <input type="hidden" name="organisation_id" value=organisation_id/>
            <label>{mt(MK::refer_purpose)}
                <select name="purpose" id=format!("refer-purpose-{id}")>
                    {ReferralPurpose::ALL.iter().map(|p| view! { <option value=p.slug()>{mt(purpose_key(*p))}</option> }).collect_view()}
                </select>
            </label>
            <label>{mt(MK::refer_note)} <input name="note" maxlength="1000" id=format!("refer-note-{id}")/></label>
            <button type="submit" id=format!("refer-{id}")>{mt(MK::refer_submit)}</button>
            {move || message().map(|(bad, m)| view! { <p class:form-error=bad class:notice=!bad role="status">{m}</p> })}
        </ActionForm>
    }
}

/// Every map page in one route loaded on demand: one split point for the
/// area rather than one per page, so that wasm-split cuts the code these
/// pages share with the rest of the application into fewer, larger chunks
/// (each chunk a file of its own, with its own headers).
pub struct MapRoute;

#[leptos_router::lazy_route]
impl leptos_router::LazyRoute for MapRoute {
    fn data() -> Self {
        MapRoute
    }

    fn view(_this: Self) -> AnyView {
        let path = leptos_router::hooks::use_location()
            .pathname
            .get_untracked();
        match path.trim_end_matches('/') {
            "/directory/new" => view! { <form::EntryFormPage/> }.into_any(),
            "/directory/suggestions" => view! { <suggestions::SuggestionsPage/> }.into_any(),
            "/directory/exchange" => view! { <exchange::ExchangePage/> }.into_any(),
            p if p.starts_with("/directory/entry/") && p.ends_with("/edit") => {
                view! { <form::EntryFormPage/> }.into_any()
            }
            p if p.starts_with("/directory/entry/") => view! { <entry::EntryPage/> }.into_any(),
            _ => view! { <MapPage/> }.into_any(),
        }
    }
}
