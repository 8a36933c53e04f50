use super::password::Hasher;
use crate::store::Store;
use leptos::config::LeptosOptions;

/// Session policy, from configuration.
#[derive(Clone, Debug)]
pub struct SessionSettings {
    /// A session unused for this long ends.
    pub idle: chrono::Duration,
    /// A session ends this long after sign-in, used or not.
    pub absolute: chrono::Duration,
    /// Add `Secure` to the session cookie (set when served over TLS).
    pub secure_cookies: bool,
}

impl Default for SessionSettings {
    fn default() -> Self {
        SessionSettings {
            idle: chrono::Duration::minutes(30),
            absolute: chrono::Duration::hours(12),
            secure_cookies: false,
        }
    }
}

/// Everything a request handler or server function needs; cheap to clone.
#[derive(Clone, Debug)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub store: Store,
    pub hasher: Hasher,
    pub sessions: SessionSettings,
    /// Where a request's client address comes from (peer or proxy header).
    pub client_address: super::client_address::ClientAddressPolicy,
    /// Seals stored second-factor secrets.
    pub secret_key: super::secrets::SecretKey,
    /// Admins and supervisors must use a second factor.
    pub require_second_factor: bool,
}

impl axum::extract::FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

impl AppState {
    /// The actor of a live session, by the hash of its token, under the
    /// configured timeouts (an expired session is removed).
    pub async fn session_actor(
        &self,
        token_hash: &str,
    ) -> Result<Option<crate::store::SessionActor>, crate::store::StoreError> {
        let actor = self
            .store
            .session_actor(
                token_hash,
                chrono::Utc::now(),
                self.sessions.idle,
                self.sessions.absolute,
            )
            .await?;
        // A session that never passed a second factor ends once the user's
        // role requires one (a promotion, or the requirement switched on).
        if let Some(a) = &actor {
            if !a.has_second_factor
                && crate::domain::policy::second_factor_mandatory(
                    a.role,
                    self.require_second_factor,
                )
            {
                self.store.delete_session(token_hash).await?;
                return Ok(None);
            }
        }
        Ok(actor)
    }
}

/// The state, inside a server function or a component rendered on the server.
pub fn app_state() -> Result<AppState, crate::error::AppError> {
    leptos::prelude::use_context::<AppState>()
        .ok_or_else(|| crate::error::AppError::internal("AppState missing from context"))
}
