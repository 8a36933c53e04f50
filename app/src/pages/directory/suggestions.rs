//! Suggestions to review (editors): what each one changes, beside the
//! entry as it is now; accept, or reject with a reason.

use super::labels::column_key;
use crate::api::auth::MeView;
use crate::api::directory::{suggestions, DecideSuggestion, SuggestionView};
use crate::components::signed_in::SignedIn;
use crate::components::time::utc_text_from_secs;
use crate::domain::Role;
use crate::error::AppError;
use crate::i18n::map::{mt, mtf, MK};
use crate::i18n::{t, use_locale, K};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;

#[component]
pub fn SuggestionsPage() -> impl IntoView {
    let decide = ServerAction::<DecideSuggestion>::new();
    let list = Resource::new(move || decide.version().get(), |_| suggestions());
    view! {
        <Title text=mt(MK::suggestions_title)/>
        <SignedIn path="/directory/suggestions" page=move |user: MeView| {
            if user.directory_editor || user.role == Role::Admin {
                view! { <SuggestionList list decide/> }.into_any()
            } else {
                view! { <crate::pages::not_found::NotFound/> }.into_any()
            }
        }/>
    }
}

#[component]
fn SuggestionList(
    list: Resource<Result<Vec<SuggestionView>, AppError>>,
    decide: ServerAction<DecideSuggestion>,
) -> impl IntoView {
    let locale = use_locale();
    let problem = move || match decide.value().get() {
        Some(Err(AppError::Invalid(f))) => Some(
            f.into_iter()
                .map(|f| f.message)
                .collect::<Vec<_>>()
                .join("; "),
        ),
        Some(Err(AppError::Conflict)) => Some(mt(MK::changed_meanwhile).to_string()),
        Some(Err(e)) => Some(e.message_in(locale)),
        _ => None,
    };
    view! {
        <main class="wide map-suggestions">
            <p><a href="/directory">{"← "}{mt(MK::heading)}</a></p>
            <h1>{mt(MK::suggestions_heading)}</h1>
            {move || problem().map(|p| view! { <p class="form-error" role="alert" id="suggestion-error">{p}</p> })}
            <Suspense fallback=|| view! { <p class="loading">{t(K::app_loading)}</p> }>
                {move || Suspend::new(async move {
                    match list.await {
                        Ok(items) if items.is_empty() => view! { <p class="notice" id="no-suggestions">{mt(MK::no_suggestions)}</p> }.into_any(),
                        Ok(items) => items.into_iter().map(|s| view! { <SuggestionItem s decide/> }).collect_view().into_any(),
                        Err(e) => view! { <p class="form-error" role="alert">{e.message_in(locale)}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </main>
    }
}

#[component]
fn SuggestionItem(s: SuggestionView, decide: ServerAction<DecideSuggestion>) -> impl IntoView {
    let item_id = format!("suggestion-{}", s.id);
    let reason_id = format!("reason-{}", s.id);
    let (id1, id2) = (s.id.clone(), s.id.clone());
    let version = s.current_version.to_string();
    view! {
        <article class="panel suggestion" id=item_id>
            <h2>
                {if s.is_new {
                    view! { {mt(MK::new_org)}": "{s.entry_name.clone()} }.into_any()
                } else {
                    view! { <a href=format!("/directory/entry/{}", s.entry_id)>{s.entry_name.clone()}</a> }.into_any()
                }}
            </h2>
            <p class="hint">{mtf(MK::suggested_by, &[("who", &s.by), ("when", &utc_text_from_secs(s.at))])}</p>
            {(!s.note.is_empty()).then(|| view! { <blockquote>{s.note.clone()}</blockquote> })}
            {s.entry_changed_since.then(|| view! { <p class="notice">{mt(MK::changed_since)}</p> })}
            <table class="changes">
                <thead>
                    <tr>
                        <th scope="col">{mt(MK::p_column)}</th>
                        <th scope="col">{mt(MK::now_value)}</th>
                        <th scope="col">{mt(MK::suggested_value)}</th>
                    </tr>
                </thead>
                <tbody>
                    {s.changes.into_iter().map(|(c, now, suggested)| view! {
                        <tr>
                            <th scope="row">{column_key(&c).map(mt)}</th>
                            <td>{now}</td>
                            <td><ins>{suggested}</ins></td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            <div class="form-actions">
                <ActionForm action=decide attr:class="inline" attr:action=DecideSuggestion::url()>
                    <input type="hidden" name="id" value=id1/>
                    <input type="hidden" name="accept" value="true"/>
                    <input type="hidden" name="version" value=version/>
                    <button type="submit" class="accept">{mt(MK::accept)}</button>
                </ActionForm>
                <ActionForm action=decide attr:class="inline" attr:action=DecideSuggestion::url()>
                    <input type="hidden" name="id" value=id2/>
                    <input type="hidden" name="accept" value="false"/>
                    <label for=reason_id.clone()>{mt(MK::reason)}</label>
                    <input id=reason_id name="reason" maxlength="1000"/>
                    <button type="submit" class="secondary reject">{mt(MK::reject)}</button>
                </ActionForm>
            </div>
        </article>
    }
}
