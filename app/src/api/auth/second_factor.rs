use crate::error::AppError;
use leptos::prelude::*;

/// The second sign-in step: the one-time code from the user's app. Then
/// redirects to where the user was heading.
#[server(prefix = "/api", endpoint = "auth/second_factor")]
pub async fn second_factor(code: String, next: String) -> Result<(), AppError> {
    use crate::server::second_factor::{form_result, verify};
    let result = verify(&code).await;
    form_result(result, &next).await
}
