//! Import and export of the whole map as CSV (editors and admins). The
//! export is a plain form (a download); the import reads the chosen file
//! in the browser and sends its text, and shows what happened: how many
//! entries were added, updated and left alone, or every problem of every
//! row (then nothing was changed).

use super::labels::{column_key, problem_key};
use crate::api::auth::MeView;
use crate::api::directory::{ExportCsv, ImportCsv, ImportResult};
use crate::components::signed_in::SignedIn;
use crate::domain::Role;
use crate::i18n::map::{mt, mtf, MK};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;

#[component]
pub fn ExchangePage() -> impl IntoView {
    view! {
        <Title text=mt(MK::exchange_title)/>
        <SignedIn path="/directory/exchange" page=move |user: MeView| {
            if user.directory_editor || user.role == Role::Admin {
                view! { <Exchange/> }.into_any()
            } else {
                view! { <crate::pages::not_found::NotFound/> }.into_any()
            }
        }/>
    }
}

#[component]
fn Exchange() -> impl IntoView {
    let import = ServerAction::<ImportCsv>::new();
    let value = import.value();
    let unreadable = RwSignal::new(false);
    let reading = RwSignal::new(false);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            let file = document()
                .get_element_by_id("import-file")
                .and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok())
                .and_then(|i| i.files())
                .and_then(|f| f.get(0));
            let Some(file) = file else { return };
            unreadable.set(false);
            reading.set(true);
            leptos::task::spawn_local(async move {
                let text = wasm_bindgen_futures::JsFuture::from(file.text())
                    .await
                    .ok()
                    .and_then(|v| v.as_string());
                reading.set(false);
                match text {
                    Some(csv) => {
                        import.dispatch(ImportCsv { csv });
                    }
                    None => unreadable.set(true),
                }
            });
        }
    };
    view! {
        <main class="wide map-exchange">
            <p><a href="/directory">{"← "}{mt(MK::heading)}</a></p>
            <h1>{mt(MK::exchange_heading)}</h1>
            <section class="panel">
                <h2>{mt(MK::export_heading)}</h2>
                <p class="hint">{mt(MK::export_hint)}</p>
                // A plain form: the browser saves the answer as a file.
                <form method="post" action=ExportCsv::url() id="export-form">
                    <button type="submit" id="export-submit">{mt(MK::export_submit)}</button>
                </form>
            </section>
            <section class="panel">
                <h2>{mt(MK::import_heading)}</h2>
                <p class="hint">{mt(MK::import_hint)}</p>
                <form id="import-form" on:submit=on_submit>
                    <div class="field">
                        <label for="import-file">{mt(MK::import_file)}</label>
                        <input type="file" id="import-file" accept=".csv,text/csv" required/>
                    </div>
                    <button type="submit" id="import-submit" disabled=move || reading.get() || import.pending().get()>{mt(MK::import_submit)}</button>
                </form>
                {move || (reading.get() || import.pending().get()).then(|| view! { <p class="loading" role="status">{mt(MK::import_reading)}</p> })}
                {move || unreadable.get().then(|| view! { <p class="form-error" role="alert">{mt(MK::import_unreadable)}</p> })}
                {move || value.get().map(|r| match r {
                    Ok(ImportResult::Imported { created, updated, unchanged }) => view! {
                        <p class="notice" role="status" id="import-result">
                            {mtf(MK::imported, &[("created", &created.to_string()), ("updated", &updated.to_string()), ("unchanged", &unchanged.to_string())])}
                        </p>
                    }.into_any(),
                    Ok(ImportResult::Problems(problems)) => view! {
                        <div class="form-error" role="alert" id="import-problems">
                            <p>{mtf(MK::import_problems, &[("n", &problems.len().to_string())])}</p>
                            <table>
                                <thead>
                                    <tr>
                                        <th scope="col">{mt(MK::p_row)}</th>
                                        <th scope="col">{mt(MK::p_column)}</th>
                                        <th scope="col">{mt(MK::p_problem)}</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {problems.into_iter().map(|p| view! {
                                        <tr>
                                            <td>{p.row}</td>
                                            <td>{column_key(&p.column).map(mt).unwrap_or_default()}</td>
                                            <td>{mt(problem_key(p.problem))}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }.into_any(),
                    Err(e) => view! { <p class="form-error" role="alert">{e.user_message()}</p> }.into_any(),
                })}
            </section>
        </main>
    }
}
