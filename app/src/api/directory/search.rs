use super::MapSearch;
use crate::error::AppError;
use leptos::prelude::*;

/// Searches the social map: by country, city, service, target group and
/// language (empty: any) and free text, the best match first. `for_case`:
/// the code of a plan the results may be referred from.
#[server(prefix = "/api", endpoint = "directory/search")]
pub async fn search(
    #[server(default)] text: String,
    #[server(default)] country: String,
    #[server(default)] city: String,
    #[server(default)] service: String,
    #[server(default)] target_group: String,
    #[server(default)] language: String,
    #[server(default)] for_case: String,
) -> Result<MapSearch, AppError> {
    crate::server::directory::search(crate::server::directory::SearchArgs {
        text,
        country,
        city,
        service,
        target_group,
        language,
        for_case,
    })
    .await
}
