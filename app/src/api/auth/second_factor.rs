use crate::error::AppError;
use leptos::prelude::*;

/// The second sign-in step: the one-time code from the user's app. Then
/// redirects to where the user was heading.
#[server(prefix = "/api", endpoint = "auth/second_factor")]
pub async fn second_factor(code: String, next: String) -> Result<(), AppError> {
    use crate::domain::navigation::second_factor_path;
    use crate::server::{auth::sign_in_form_result, second_factor::verify};
    let result = verify(&code).await;
    sign_in_form_result(result, &next, second_factor_path).await
}
