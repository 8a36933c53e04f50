use crate::error::AppError;
use leptos::prelude::*;

/// Keeps the current session from ending through inactivity ("stay signed
/// in"). Does not extend its maximum lifetime.
#[server(prefix = "/api", endpoint = "auth/keep_alive")]
pub async fn keep_alive() -> Result<(), AppError> {
    crate::server::auth::keep_alive().await
}
