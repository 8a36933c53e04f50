use crate::api::auth::MeView;
use crate::components::signed_in::SignedIn;
use crate::i18n::{org_kind_key, role_key, t, tf, K};
use leptos::prelude::*;
use leptos_meta::Title;

/// The start page of a signed-in user; anonymous visitors are sent to sign in.
#[component]
pub fn HomePage() -> impl IntoView {
    view! {
        <Title text=t(K::home_title)/>
        <SignedIn path="/" page=|user| view! { <Start user/> }/>
    }
}

#[component]
fn Start(user: MeView) -> impl IntoView {
    let signed_in_as = tf(
        K::home_signed_in_as,
        &[
            ("role", t(role_key(user.role))),
            ("organisation", &user.organisation_name),
            ("kind", t(org_kind_key(user.organisation_kind))),
        ],
    );
    view! {
        <main class="narrow">
            <h1>{tf(K::home_welcome, &[("name", &user.display_name)])}</h1>
            <p>{signed_in_as}</p>
            {(user.role == crate::domain::Role::Supervisor).then(|| view! {
                <p><a href="/accounts/setup" id="setups-link">{t(K::setups_link)}</a></p>
            })}
        </main>
    }
}
