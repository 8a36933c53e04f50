use crate::domain::navigation::login_path;
use leptos::prelude::*;
use leptos_router::components::Redirect;

/// Sends an anonymous visitor to the sign-in page, which returns them to
/// `next` afterwards. On the server this is a real `302 Found` for every
/// client (not only those that ask for HTML); in the browser a navigation.
#[component]
pub fn SignInRedirect(#[prop(into)] next: String) -> impl IntoView {
    let path = login_path(&next);
    #[cfg(feature = "ssr")]
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        if let Ok(location) = http::HeaderValue::from_str(&path) {
            res.set_status(http::StatusCode::FOUND);
            res.insert_header(http::header::LOCATION, location);
        }
    }
    view! { <Redirect path/> }
}
