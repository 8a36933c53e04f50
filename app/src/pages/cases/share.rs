//! The client's copy under the review step (counselling side): open it to
//! print or to turn towards the client, and share it by link — with an
//! expiry, an optional PIN and a QR code — and see and switch off every
//! link made. A new link's address is shown only once (the server keeps
//! only its hash).

use crate::api::cases::{CreateShare, RevokeShare, ShareLinkView, ShareOutcome};
use crate::components::time::{date_text, utc_text_from_secs};
use crate::domain::share::{LinkState, ShareProblem, COPY_LANGUAGES, DEFAULT_DAYS, MAX_DAYS};
use crate::i18n::{t, tf, K};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

fn state_key(s: LinkState) -> K {
    match s {
        LinkState::Active => K::case_share_state_active,
        LinkState::Expired => K::case_share_state_expired,
        LinkState::Revoked => K::case_share_state_revoked,
    }
}

fn problem_key(p: ShareProblem) -> K {
    match p {
        ShareProblem::Days => K::case_share_problem_days,
        ShareProblem::Pin => K::case_share_problem_pin,
        ShareProblem::Language => K::case_share_problem_language,
    }
}

fn day_of(secs: i64) -> String {
    chrono::DateTime::from_timestamp(secs, 0)
        .map(|t| date_text(t.date_naive()))
        .unwrap_or_default()
}

/// The copy's languages as options, `chosen` selected.
fn language_options(chosen: &'static str) -> impl IntoView {
    COPY_LANGUAGES
        .iter()
        .map(|(code, name)| view! { <option value=*code lang=*code selected=*code == chosen>{*name}</option> })
        .collect_view()
}

#[component]
pub fn ClientCopyPanel(
    code: String,
    /// The client's language if the copy has it, else English.
    language: &'static str,
    links: Vec<ShareLinkView>,
    /// The plan is closed: no new link (the server refuses one), while the
    /// links made before can still be switched off.
    closed: bool,
) -> impl IntoView {
    let links = RwSignal::new(links);
    let create = ServerAction::<CreateShare>::new();
    let created = create.value();
    // A new link joins the list at the top.
    Effect::new(move |_| {
        if let Some(Ok(ShareOutcome::Created(c))) = created.get() {
            links.update(|l| {
                if !l.iter().any(|x| x.id == c.id) {
                    // As the server lists it: its language and maker too.
                    l.insert(0, c.link.clone())
                }
            });
        }
    });
    let outcome = move || {
        match created.get() {
        Some(Ok(ShareOutcome::Created(c))) => view! {
            <div class="share-created" id="share-created" role="status">
                <p>{t(K::case_share_created)}</p>
                <p>
                    <label for="share-url">{t(K::case_share_url)}</label>
                    <input id="share-url" type="text" readonly value=c.url.clone() dir="ltr"/>
                </p>
                <p>{tf(K::case_share_expires, &[("date", &day_of(c.expires_at))])}
                    {c.has_pin.then(|| view! { " " {t(K::case_share_with_pin)} })}</p>
                <figure class="qr">
                    <div role="img" aria-label=t(K::case_share_qr) inner_html=c.qr_svg.clone()></div>
                </figure>
            </div>
        }
        .into_any(),
        Some(Ok(ShareOutcome::Invalid(problems))) => view! {
            <ul class="form-error" role="alert" id="share-problems">
                {problems.into_iter().map(|p| view! { <li>{t(problem_key(p))}</li> }).collect_view()}
            </ul>
        }
        .into_any(),
        Some(Err(e)) => view! { <p class="form-error" role="alert">{e.user_message()}</p> }.into_any(),
        None => ().into_any(),
    }
    };
    let revoke_code = code.clone();
    let needs_script = leptos_router::hooks::use_query_map()
        .read_untracked()
        .get("share")
        .is_some_and(|v| v == "script");
    view! {
        <section class="panel client-copy" id="client-copy" aria-labelledby="copy-heading">
            <h2 id="copy-heading">{t(K::case_copy_heading)}</h2>
            {needs_script.then(|| view! { <p class="form-error" role="alert" id="share-needs-script">{t(K::case_share_needs_script)}</p> })}
            <p class="hint">{t(K::case_copy_hint)}</p>
            // Opens in a new tab: the page is the copy itself, to print.
            <form method="post" action="/api/cases/client_copy" target="_blank" class="inline" id="copy-open-form">
                <input type="hidden" name="code" value=code.clone()/>
                <label for="copy-language">{t(K::case_copy_language)}</label>
                " "
                <select id="copy-language" name="language">{language_options(language)}</select>
                " "
                <button type="submit" class="secondary" id="copy-open">{t(K::case_copy_open)}</button>
            </form>
            <h3>{t(K::case_share_heading)}</h3>
            {if closed {
                view! { <p class="notice" id="share-closed">{t(K::case_share_closed)}</p> }.into_any()
            } else {
                view! {
                <ActionForm action=create attr:id="share-form" attr:action=CreateShare::url() attr:class="share-form">
                    <input type="hidden" name="code" value=code.clone()/>
                    <div class="field-row">
                        <div class="field">
                            <label for="share-language">{t(K::case_copy_language)}</label>
                            <select id="share-language" name="language">{language_options(language)}</select>
                        </div>
                        <div class="field">
                            <label for="share-days">{t(K::case_share_days)}</label>
                            <input id="share-days" name="days" type="number" min="1" max=MAX_DAYS.to_string() value=DEFAULT_DAYS.to_string() required/>
                        </div>
                        <div class="field">
                            <label for="share-pin">{t(K::case_share_pin)}</label>
                            <span class="field-hint" id="share-pin-hint">{t(K::case_share_pin_hint)}</span>
                            <input id="share-pin" name="pin" type="text" inputmode="numeric" autocomplete="off" maxlength="8" aria-describedby="share-pin-hint"/>
                        </div>
                    </div>
                    <button type="submit" id="share-create">{t(K::case_share_create)}</button>
                </ActionForm>
                }
                .into_any()
            }}
            {outcome}
            <h3>{t(K::case_share_links)}</h3>
            {move || {
                let list = links.get();
                if list.is_empty() {
                    return view! { <p id="share-none">{t(K::case_share_none)}</p> }.into_any();
                }
                let code = revoke_code.clone();
                view! {
                    <table class="users" id="share-links">
                        <thead><tr>
                            <th scope="col">{t(K::case_share_col_made)}</th>
                            <th scope="col">{t(K::case_share_col_language)}</th>
                            <th scope="col">{t(K::case_share_col_pin)}</th>
                            <th scope="col">{t(K::case_share_col_state)}</th>
                            <th scope="col">{t(K::case_share_col_views)}</th>
                            <td></td>
                        </tr></thead>
                        <tbody>
                            {list.into_iter().map(|l| {
                                let code = code.clone();
                                // Each row its own action: once it answers (off
                                // now, or off already) the link no longer works.
                                let revoke = ServerAction::<RevokeShare>::new();
                                let was = l.state;
                                let state = move || {
                                    if matches!(revoke.value().get(), Some(Ok(_))) {
                                        LinkState::Revoked
                                    } else {
                                        was
                                    }
                                };
                                // And the list remembers it, for when it is drawn again.
                                let id = l.id.clone();
                                Effect::new(move |_| {
                                    if matches!(revoke.value().get(), Some(Ok(_))) {
                                        links.update(|all| {
                                            if let Some(x) = all.iter_mut().find(|x| x.id == id) {
                                                x.state = LinkState::Revoked;
                                            }
                                        });
                                    }
                                });
                                view! {
                                    <tr>
                                        <td>{utc_text_from_secs(l.created_at)}" "{l.created_by.clone()}</td>
                                        <td>{l.language.clone()}</td>
                                        <td>{if l.has_pin { t(K::case_yes) } else { t(K::case_no) }}</td>
                                        <td class="share-state">{move || t(state_key(state()))}" · "{tf(K::case_share_expires, &[("date", &day_of(l.expires_at))])}</td>
                                        <td>{l.views}{l.last_view_at.map(|v| format!(" · {}", utc_text_from_secs(v)))}</td>
                                        <td hidden=move || state() != LinkState::Active>{(was == LinkState::Active).then(|| view! {
                                            <ActionForm action=revoke attr:action=RevokeShare::url() attr:class="inline">
                                                <input type="hidden" name="code" value=code/>
                                                <input type="hidden" name="id" value=l.id.clone()/>
                                                <button type="submit" class="secondary revoke">{t(K::case_share_revoke)}</button>
                                            </ActionForm>
                                        })}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                }
                .into_any()
            }}
        </section>
    }
}
