use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::{StreamingText, TextStream};

/// The plan as JSON (schema: docs/plan-export-5.schema.json), with only the
/// sections the signed-in user may read. A download posted by a plain form
/// (every server function is POST: a GET would pass SameSite defences).
#[server(prefix = "/api", endpoint = "cases/export_json", output = StreamingText)]
pub async fn export_json(code: String) -> Result<TextStream<AppError>, AppError> {
    let body = crate::server::cases::export(code, crate::server::cases::ExportFormat::Json).await?;
    Ok(TextStream::new(futures::stream::once(async move {
        Ok::<String, AppError>(body)
    })))
}

/// The plan's dated milestones and travel steps as an iCalendar file
/// (named by the case's code only).
#[server(prefix = "/api", endpoint = "cases/export_ics", output = StreamingText)]
pub async fn export_ics(code: String) -> Result<TextStream<AppError>, AppError> {
    let body = crate::server::cases::export(code, crate::server::cases::ExportFormat::Ics).await?;
    Ok(TextStream::new(futures::stream::once(async move {
        Ok::<String, AppError>(body)
    })))
}

/// The plan for the file as a page built for A4 paper (what the signed-in
/// user may read), posted by a plain form that opens it in a new tab.
#[server(prefix = "/api", endpoint = "cases/print", output = StreamingText)]
pub async fn print_plan(code: String) -> Result<TextStream<AppError>, AppError> {
    let body =
        crate::server::cases::export(code, crate::server::cases::ExportFormat::Print).await?;
    Ok(TextStream::new(futures::stream::once(async move {
        Ok::<String, AppError>(body)
    })))
}
