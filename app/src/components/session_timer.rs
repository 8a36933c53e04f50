use crate::api::auth::KeepAlive;
use crate::domain::navigation::login_path;
use crate::domain::session::{clock, session_notice, SessionNotice};
use crate::i18n::{t, K};
use chrono::{DateTime, Duration, Utc};
use leptos::prelude::*;

/// When the server last saw this user; components that call the server
/// move it on (`bump`), so that the warning tracks the server's idle timer.
#[derive(Clone, Copy)]
pub struct SessionActivity(pub RwSignal<DateTime<Utc>>);

impl SessionActivity {
    pub fn bump(&self) {
        self.0.set(Utc::now());
    }
}

/// Warns a few minutes before the session ends and offers to stay signed
/// in; once it has ended, says so and links to sign in again (returning to
/// this page). Runs only in the browser.
#[component]
pub fn SessionTimer(
    idle_timeout_secs: i64,
    ends_at: DateTime<Utc>,
    #[prop(into)] here: String,
) -> impl IntoView {
    let activity = SessionActivity(RwSignal::new(Utc::now()));
    provide_context(activity);
    let now = RwSignal::new(Utc::now());
    let idle = Duration::seconds(idle_timeout_secs);
    Effect::new(move |_| {
        let handle = set_interval_with_handle(
            move || now.set(Utc::now()),
            std::time::Duration::from_secs(1),
        );
        if let Ok(handle) = handle {
            on_cleanup(move || handle.clear());
        }
    });
    let keep = ServerAction::<KeepAlive>::new();
    Effect::new(move |_| {
        if let Some(Ok(())) = keep.value().get() {
            activity.bump();
        }
    });
    let notice = move || session_notice(now.get(), activity.0.get(), idle, ends_at);
    let sign_in_again = login_path(&here);
    move || {
        match notice() {
        SessionNotice::None => None,
        SessionNotice::IdleSoon { secs_left } => Some(
            view! {
                <div class="session-notice" role="alertdialog" aria-live="assertive" id="session-warning">
                    <p>
                        {t(K::session_idle_before)} <strong>{clock(secs_left)}</strong>
                        {t(K::session_idle_after)}
                    </p>
                    <button type="button" class="primary" on:click=move |_| { keep.dispatch(KeepAlive {}); }>
                        {t(K::session_stay)}
                    </button>
                </div>
            }
            .into_any(),
        ),
        SessionNotice::EndsSoon { secs_left } => Some(
            view! {
                <div class="session-notice" role="alert" id="session-warning">
                    <p>
                        {t(K::session_ends_before)} <strong>{clock(secs_left)}</strong>
                        {t(K::session_ends_after)}
                    </p>
                </div>
            }
            .into_any(),
        ),
        SessionNotice::Ended => Some(
            view! {
                <div class="session-notice ended" role="alert" id="session-ended">
                    <p>{t(K::session_ended)}</p>
                    <a class="button primary" href=sign_in_again.clone()>{t(K::session_sign_in_again)}</a>
                </div>
            }
            .into_any(),
        ),
    }
    }
}
