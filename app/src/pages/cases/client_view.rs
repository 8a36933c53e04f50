//! "Options side by side": the view the counsellor turns towards the
//! client. Plain language, large type, the three options in the same
//! shape, none first or preferred (return is never pre-selected).

use super::forms::option_key;
use crate::domain::options::FutureOption;
use crate::i18n::guide::GK;
use crate::i18n::{t, K};
use leptos::prelude::*;

fn texts(o: FutureOption) -> [(K, GK); 6] {
    match o {
        FutureOption::Stay => [
            (K::case_client_meaning, GK::client_option_stay_meaning),
            (K::case_client_needed, GK::client_option_stay_needed),
            (K::case_client_duration, GK::client_option_stay_duration),
            (K::case_client_support, GK::client_option_stay_support),
            (K::case_client_risks, GK::client_option_stay_risks),
            (K::case_client_contacts, GK::client_option_stay_contacts),
        ],
        FutureOption::Onward => [
            (K::case_client_meaning, GK::client_option_onward_meaning),
            (K::case_client_needed, GK::client_option_onward_needed),
            (K::case_client_duration, GK::client_option_onward_duration),
            (K::case_client_support, GK::client_option_onward_support),
            (K::case_client_risks, GK::client_option_onward_risks),
            (K::case_client_contacts, GK::client_option_onward_contacts),
        ],
        FutureOption::Return => [
            (K::case_client_meaning, GK::client_option_return_meaning),
            (K::case_client_needed, GK::client_option_return_needed),
            (K::case_client_duration, GK::client_option_return_duration),
            (K::case_client_support, GK::client_option_return_support),
            (K::case_client_risks, GK::client_option_return_risks),
            (K::case_client_contacts, GK::client_option_return_contacts),
        ],
    }
}

#[component]
pub fn ClientView(code: String) -> impl IntoView {
    view! {
        <section class="client-view" aria-labelledby="client-view-heading">
            <h1 id="client-view-heading">{t(K::case_client_view_heading)}</h1>
            <p class="lead">{t(K::case_client_view_lead)}</p>
            <div class="columns three">
                {FutureOption::ALL
                    .into_iter()
                    .map(|o| view! {
                        <article class="option-card">
                            <h2>{t(option_key(o))}</h2>
                            {texts(o)
                                .into_iter()
                                .map(|(heading, k)| view! { <h3>{t(heading)}</h3> {super::case_page::bullets(k)} })
                                .collect_view()}
                        </article>
                    })
                    .collect_view()}
            </div>
            <p><a href=format!("/cases/{code}/options") class="button secondary" rel="external">{t(K::case_back_to_session)}</a></p>
        </section>
    }
}
