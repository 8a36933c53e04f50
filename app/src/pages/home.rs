use crate::api::auth::{me, Logout, MeView};
use crate::components::demo_banner::DemoBanner;
use crate::components::sign_in_redirect::SignInRedirect;
use leptos::prelude::*;
use leptos_meta::Title;

/// The start page of a signed-in user; anonymous visitors are sent to sign in.
#[component]
pub fn HomePage() -> impl IntoView {
    let me = Resource::new(|| (), |_| me());
    view! {
        <Title text="Start"/>
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match me.await {
                    Ok(Some(user)) => view! { <Start user/> }.into_any(),
                    Ok(None) => view! { <SignInRedirect next="/"/> }.into_any(),
                    Err(e) => view! {
                        <main class="narrow"><p class="form-error" role="alert">{e.user_message()}</p></main>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Start(user: MeView) -> impl IntoView {
    let logout = ServerAction::<Logout>::new();
    let demo = user.organisation_is_demo;
    view! {
        {demo.then(|| view! { <DemoBanner/> })}
        <header class="topbar">
            <span class="brand">"Safeplan"</span>
            <span class="who" id="who">
                {user.display_name.clone()} " · " {user.role.label()} " · " {user.organisation_name.clone()}
            </span>
            <ActionForm action=logout attr:class="inline">
                <button type="submit" class="secondary">"Sign out"</button>
            </ActionForm>
        </header>
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
