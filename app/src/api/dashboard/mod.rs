//! The supervisor's dashboard over the organisation's plans, and the
//! anonymised statistics export (counts only, small cells suppressed).

use crate::domain::dashboard::{Figures, Filters};
use crate::error::AppError;
use chrono::NaiveDate;
use leptos::prelude::*;
use leptos::server_fn::codec::{StreamingText, TextStream};
use serde::{Deserialize, Serialize};

/// A handover waiting on a mission or on the counsellor.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WaitingHandover {
    pub code: String,
    pub mission: String,
    /// `HandoverStatus` slug: new (waiting on IOM) or needs_information.
    pub status: String,
    /// Since the last move (unix seconds).
    pub since: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DashboardView {
    pub organisation: String,
    pub figures: Figures,
    /// The organisation's counsellors: (id, name).
    pub counsellors: Vec<(String, String)>,
    pub waiting: Vec<WaitingHandover>,
    pub filters: Filters,
    pub today: NaiveDate,
}

/// The dashboard, narrowed by counsellor, stage, risk level and the
/// period of first contact (`YYYY-MM-DD`, both optional).
#[server(prefix = "/api", endpoint = "dashboard/summary")]
pub async fn summary(
    #[server(default)] counsellor: String,
    #[server(default)] stage: String,
    #[server(default)] risk: String,
    #[server(default)] from: String,
    #[server(default)] until: String,
) -> Result<DashboardView, AppError> {
    crate::server::dashboard::summary(counsellor, stage, risk, from, until).await
}

/// The anonymised monthly statistics of the last `months` months (12 to
/// 60) as a CSV download (a plain form's POST): counts only, cells under 5
/// suppressed.
#[server(prefix = "/api", endpoint = "dashboard/statistics", output = StreamingText)]
pub async fn statistics(#[server(default)] months: i64) -> Result<TextStream<AppError>, AppError> {
    let csv = crate::server::dashboard::statistics(months).await?;
    Ok(TextStream::new(futures::stream::once(async move {
        Ok::<String, AppError>(csv)
    })))
}
