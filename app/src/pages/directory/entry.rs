//! One organisation of the social map: every field, grouped as a
//! counsellor looks for them, with its verification and history; editors
//! verify and archive it here, everyone else suggests a correction.

use super::labels::{
    change_key, column_key, cost_key, group_key, service_key, type_key, visibility_key,
};
use super::Verified;
use crate::api::directory::{entry, ArchiveEntry, EntryView, VerifyEntry};
use crate::components::signed_in::SignedIn;
use crate::components::time::{date_text, utc_text_from_secs};
use crate::error::AppError;
use crate::i18n::map::{mt, mtf, MK};
use crate::i18n::{t, use_locale, K};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn EntryPage() -> impl IntoView {
    let params = use_params_map();
    let verify = ServerAction::<VerifyEntry>::new();
    let archive = ServerAction::<ArchiveEntry>::new();
    let found = Resource::new(
        move || {
            (
                params.read().get("id").unwrap_or_default(),
                verify.version().get(),
                archive.version().get(),
            )
        },
        |(id, _, _)| entry(id),
    );
    view! {
        <Title text=mt(MK::title)/>
        <SignedIn path="/directory" page=move |_user| view! { <EntryLoaded found verify archive/> }/>
    }
}

#[component]
fn EntryLoaded(
    found: Resource<Result<EntryView, AppError>>,
    verify: ServerAction<VerifyEntry>,
    archive: ServerAction<ArchiveEntry>,
) -> impl IntoView {
    let locale = use_locale();
    // How a save went, when the form sent the browser here.
    let query = leptos_router::hooks::use_query_map();
    let from_form = match query.read_untracked().get("result").as_deref() {
        Some("saved") => Some(MK::saved),
        Some("unchanged") => Some(MK::unchanged),
        Some("suggested") => Some(MK::suggested),
        _ => None,
    };
    let problem = move || {
        [
            verify.value().get().map(|r| r.map(|_| ())),
            archive.value().get().map(|r| r.map(|_| ())),
        ]
        .into_iter()
        .flatten()
        .find_map(|r| r.err())
        .map(|e| match e {
            AppError::Conflict => mt(MK::changed_meanwhile).to_string(),
            e => e.message_in(locale),
        })
    };
    view! {
        <main class="wide map-entry">
            {from_form.map(|k| view! { <p class="notice" role="status" id="entry-result">{mt(k)}</p> })}
            {move || problem().map(|p| view! { <p class="form-error" role="alert" id="entry-error">{p}</p> })}
            <Suspense fallback=|| view! { <p class="loading">{t(K::app_loading)}</p> }>
                {move || Suspend::new(async move {
                    match found.await {
                        Ok(v) => view! { <EntryDetails v verify archive/> }.into_any(),
                        Err(AppError::NotFound) => view! { <crate::pages::not_found::NotFound/> }.into_any(),
                        Err(e) => view! { <p class="form-error" role="alert">{e.message_in(locale)}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </main>
    }
}

fn or_not_given(s: &str) -> String {
    if s.trim().is_empty() {
        mt(MK::not_given).to_string()
    } else {
        s.to_string()
    }
}

/// A field's label, marked when it is not yet verified.
fn row(column: &'static str, value: AnyView, unverified: bool) -> impl IntoView {
    view! {
        <tr class:unverified=unverified data-column=column>
            <th scope="row">{column_key(column).map(mt)}</th>
            <td>{value}</td>
        </tr>
    }
}

#[component]
fn EntryDetails(
    v: EntryView,
    verify: ServerAction<VerifyEntry>,
    archive: ServerAction<ArchiveEntry>,
) -> impl IntoView {
    let o = v.entry.clone();
    let un = |c: &str| o.unverified.contains(c);
    let text = |c: &'static str, s: &str| row(c, or_not_given(s).into_any(), un(c));
    let list = |c: &'static str, items: Vec<String>| {
        row(c, or_not_given(&items.join(", ")).into_any(), un(c))
    };
    let yes_no = |b: bool| if b { mt(MK::yes) } else { mt(MK::no) };
    let link = |c: &'static str, href: String, label: &str| {
        let view = if label.is_empty() {
            mt(MK::not_given).into_any()
        } else {
            view! { <a href=href>{label.to_string()}</a> }.into_any()
        };
        row(c, view, un(c))
    };
    let unverified_names = o
        .unverified
        .iter()
        .filter_map(|c| column_key(c).map(mt))
        .collect::<Vec<_>>()
        .join(", ");
    let id = o.id.clone();
    let version = v.version.to_string();
    view! {
        <p><a href="/directory">{"← "}{mt(MK::heading)}</a></p>
        <h1 id="entry-name">{o.name.clone()}{(!o.acronym.is_empty()).then(|| format!(" ({})", o.acronym))}</h1>
        {o.archived.then(|| view! { <p class="notice" id="entry-archived">{mt(MK::archived)}</p> })}
        <p class="badges" id="entry-badges">
            <Verified stale=v.stale last=o.last_verified/>
            {(o.visibility == crate::domain::directory::Visibility::PartnersOnly).then(|| view! { <span class="badge warn">{mt(MK::partners_only)}</span> })}
            {o.emergency_availability.then(|| view! { <span class="badge">{mt(MK::emergency)}</span> })}
        </p>
        {(!o.unverified.is_empty()).then(|| view! {
            <p class="notice" id="entry-unverified">{mtf(MK::unverified_fields, &[("fields", &unverified_names)])}</p>
        })}
        {(v.pending_suggestions > 0).then(|| view! {
            <p class="notice"><a href="/directory/suggestions">{mtf(MK::pending_here, &[("n", &v.pending_suggestions.to_string())])}</a></p>
        })}
        <nav class="map-actions">
            <a href=format!("/directory/entry/{id}/edit") id="entry-edit">
                {if v.can_edit { mt(MK::edit) } else { mt(MK::suggest_correction) }}
            </a>
        </nav>
        {v.can_edit.then(|| {
            let (id2, version2) = (id.clone(), version.clone());
            view! {
                <div class="map-editor-actions">
                    <ActionForm action=verify attr:class="inline" attr:id="entry-verify" attr:action=VerifyEntry::url()>
                        <input type="hidden" name="id" value=id.clone()/>
                        <input type="hidden" name="version" value=version.clone()/>
                        <button type="submit" title=mt(MK::verify_hint)>{mt(MK::verify)}</button>
                    </ActionForm>
                    <ActionForm action=archive attr:class="inline" attr:id="entry-archive" attr:action=ArchiveEntry::url()>
                        <input type="hidden" name="id" value=id2/>
                        <input type="hidden" name="version" value=version2/>
                        <input type="hidden" name="archived" value=(!o.archived).to_string()/>
                        <button type="submit" class="secondary">{if o.archived { mt(MK::restore) } else { mt(MK::archive) }}</button>
                    </ActionForm>
                </div>
            }
        })}
        // Rows inside <tbody>: a browser puts one around rows that have
        // none, and the page would then not hydrate (the markup it holds
        // would no longer be the markup rendered).
        <div class="entry-tables">
            <table class="entry" id="entry-about">
                <caption>{mt(MK::about)}</caption>
                <tbody>
                {row("org_type", o.org_type.map(|k| mt(type_key(k))).unwrap_or(mt(MK::not_given)).into_any(), un("org_type"))}
                {text("local_name", &o.local_name)}
                {text("network", &o.network)}
                </tbody>
            </table>
            <table class="entry" id="entry-where">
                <caption>{mt(MK::place)}</caption>
                <tbody>
                {text("country", &o.country)}
                {text("region", &o.region)}
                {text("city", &o.city)}
                {if o.address_confidential {
                    row("address", mt(MK::address_confidential).into_any(), false).into_any()
                } else {
                    text("address", &o.address).into_any()
                }}
                </tbody>
            </table>
            <table class="entry" id="entry-who">
                <caption>{mt(MK::who)}</caption>
                <tbody>
                {list("services", o.services.iter().map(|s| mt(service_key(*s)).to_string()).collect())}
                {list("target_groups", o.target_groups.iter().map(|g| mt(group_key(*g)).to_string()).collect())}
                {list("nationalities", o.nationalities.iter().cloned().collect())}
                {list("return_countries", o.return_countries.iter().cloned().collect())}
                {list("languages", o.languages.iter().cloned().collect())}
                {text("eligibility", &o.eligibility)}
                {row("capacity_beds", o.capacity_beds.map(|n| mtf(MK::beds, &[("n", &n.to_string())])).unwrap_or_else(|| mt(MK::not_given).to_string()).into_any(), un("capacity_beds"))}
                {row("cost", mt(cost_key(o.cost)).into_any(), un("cost"))}
                </tbody>
            </table>
            <table class="entry" id="entry-refer">
                <caption>{mt(MK::how_to_refer)}</caption>
                <tbody>
                {text("referral_procedure", &o.referral_procedure)}
                </tbody>
            </table>
            <table class="entry" id="entry-contact">
                <caption>{mt(MK::contact)}</caption>
                <tbody>
                {link("phone", format!("tel:{}", o.phone), &o.phone)}
                {link("hotline", format!("tel:{}", o.hotline), &o.hotline)}
                {link("email", format!("mailto:{}", o.email), &o.email)}
                {link("website", o.website.clone(), &o.website)}
                {text("secure_channel", &o.secure_channel)}
                {text("contact_role", &o.contact_role)}
                {text("opening_hours", &crate::domain::directory::hours_text(&o.opening_hours))}
                {row("emergency_availability", yes_no(o.emergency_availability).into_any(), un("emergency_availability"))}
                </tbody>
            </table>
            <table class="entry" id="entry-verification">
                <caption>{mt(MK::verification)}</caption>
                <tbody>
                {text("verified_by", &o.verified_by)}
                {row("last_verified", o.last_verified.map(date_text).unwrap_or_else(|| mt(MK::not_given).to_string()).into_any(), false)}
                {text("source", &o.source)}
                {row("visibility", mt(visibility_key(o.visibility)).into_any(), un("visibility"))}
                </tbody>
            </table>
        </div>
        <h2>{mt(MK::history)}</h2>
        <table class="history" id="entry-history">
            <thead>
                <tr>
                    <th scope="col">{mt(MK::h_version)}</th>
                    <th scope="col">{mt(MK::h_change)}</th>
                    <th scope="col">{mt(MK::h_when)}</th>
                    <th scope="col">{mt(MK::h_who)}</th>
                    <th scope="col">{mt(MK::h_columns)}</th>
                </tr>
            </thead>
            <tbody>
                {v.versions.into_iter().map(|h| {
                    let changed = h
                        .changed
                        .iter()
                        .filter_map(|c| column_key(c).map(mt))
                        .collect::<Vec<_>>()
                        .join(", ");
                    view! {
                        <tr>
                            <td>{h.version}</td>
                            <td>{change_key(&h.change).map(mt).unwrap_or_default()}</td>
                            <td>{utc_text_from_secs(h.at)}</td>
                            <td>{h.by}</td>
                            <td>{changed}</td>
                        </tr>
                    }
                }).collect_view()}
                </tbody>
        </table>
    }
    .into_any()
}
