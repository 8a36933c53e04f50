use crate::error::AppError;
use leptos::prelude::*;

/// Ends one of the signed-in user's other sessions (a forgotten browser).
#[server(prefix = "/api", endpoint = "account/end_session")]
pub async fn end_session(handle: String) -> Result<(), AppError> {
    crate::server::account::end_own_session(handle).await
}
