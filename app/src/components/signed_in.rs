use crate::api::auth::{me, MeView};
use crate::components::sign_in_redirect::SignInRedirect;
use crate::components::topbar::TopBar;
use crate::i18n::{t, K};
use leptos::prelude::*;

/// A page for signed-in users: loads who is signed in, sends anonymous
/// visitors to the sign-in page (returning to `path` afterwards), and
/// renders the top bar and `page` for the user.
#[component]
pub fn SignedIn<F, V>(#[prop(into)] path: String, page: F) -> impl IntoView
where
    F: Fn(MeView) -> V + Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let user = Resource::new(|| (), |_| me());
    view! {
        <Suspense fallback=|| view! { <p class="loading">{t(K::app_loading)}</p> }>
            {
                let path = path.clone();
                let page = page.clone();
                move || {
                    let path = path.clone();
                    let page = page.clone();
                    Suspend::new(async move {
                        match user.await {
                            Ok(Some(u)) => {
                                view! {
                                    <TopBar user=u.clone() here=path.clone()/>
                                    {page(u)}
                                }
                                    .into_any()
                            }
                            Ok(None) => view! { <SignInRedirect next=path/> }.into_any(),
                            Err(e) => {
                                view! {
                                    <main class="narrow">
                                        <p class="form-error" role="alert">{e.user_message()}</p>
                                    </main>
                                }
                                    .into_any()
                            }
                        }
                    })
                }
            }
        </Suspense>
    }
}
