use crate::api::auth::MeView;
use crate::components::signed_in::SignedIn;
use leptos::prelude::*;
use leptos_meta::Title;

/// The start page of a signed-in user; anonymous visitors are sent to sign in.
#[component]
pub fn HomePage() -> impl IntoView {
    view! {
        <Title text="Start"/>
        <SignedIn path="/" page=|user| view! { <Start user/> }/>
    }
}

#[component]
fn Start(user: MeView) -> impl IntoView {
    view! {
        <main class="narrow">
            <h1>"Welcome, " {user.display_name.clone()}</h1>
            <p>
                "You are signed in as " <strong>{user.role.label()}</strong> " at "
                <strong>{user.organisation_name.clone()}</strong> " ("
                {user.organisation_kind.label()} ")."
            </p>
        </main>
    }
}
