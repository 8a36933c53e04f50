use super::SaveResult;
use crate::domain::fields::Fields;
use crate::error::AppError;
use leptos::prelude::*;

/// Saves one section of a case from its form fields (`f[name]=value`), if
/// nobody saved it since `version`.
#[server(prefix = "/api", endpoint = "cases/save")]
pub async fn save(
    code: String,
    section: String,
    version: i64,
    #[server(default)] f: Fields,
) -> Result<SaveResult, AppError> {
    crate::server::cases::save_section(code, section, version, f).await
}
