//! The plan's life from the case page: put on hold, resumed, withdrawn,
//! reopened, closed. Each move is judged by the status machine on the plan
//! as it is stored when the move arrives (in the transaction that records
//! it), and recorded with a snapshot and an audit row.

use super::auth::{require_actor, respond_with};
use super::cases::{accepts_html, case_for, event, file_of, life_from, summary_of};
use super::state::app_state;
use crate::api::cases::LifeResult;
use crate::domain::case_file::Step;
use crate::domain::lifecycle::{LifeMove, LifeProblem};
use crate::domain::policy::CaseAction;
use crate::error::AppError;
use crate::store::AuditOutcome;
use chrono::Utc;

/// The audit action and snapshot mark of a move.
fn names(kind: LifeMove) -> (&'static str, &'static str) {
    match kind {
        LifeMove::Hold => ("case.life.hold", "life.hold"),
        LifeMove::Resume => ("case.life.resume", "life.resume"),
        LifeMove::Withdraw => ("case.life.withdraw", "life.withdraw"),
        LifeMove::Reopen => ("case.life.reopen", "life.reopen"),
        LifeMove::Close { .. } => ("case.life.close", "life.close"),
    }
}

/// Why a move in the transaction did not go through.
enum NotMoved {
    Refused(Vec<LifeProblem>),
    Broken(AppError),
}

pub async fn move_life(
    code: String,
    kind: String,
    reason: String,
    on: String,
    note: String,
) -> Result<LifeResult, AppError> {
    let a = require_actor().await?;
    let c = case_for(&a, &code, CaseAction::MoveLife, "case.life").await?;
    let result = match LifeMove::from_form(&kind, &reason) {
        None if kind == "close" => LifeResult::Refused(vec![LifeProblem::ClosureReasonMissing]),
        None => return Err(respond_with(AppError::Invalid(Vec::new()))),
        Some(kind) => record(&a, &c, kind, &on, &note).await?,
    };
    if accepts_html().await {
        // A form posted without WASM goes back to the review step, saying
        // how it went (and each problem by its name).
        let outcome = match &result {
            LifeResult::Moved => "moved".to_string(),
            LifeResult::Refused(problems) => {
                let names: Vec<String> = problems.iter().map(problem_slug).collect();
                format!("refused&life_problems={}", names.join(","))
            }
        };
        leptos_axum::redirect(&format!(
            "/cases/{}/{}?life={outcome}",
            c.code.as_str(),
            Step::Review.slug()
        ));
    }
    Ok(result)
}

async fn record(
    a: &crate::store::SessionActor,
    c: &crate::store::CaseRecord,
    kind: LifeMove,
    on: &str,
    note: &str,
) -> Result<LifeResult, AppError> {
    let (action, mark) = names(kind);
    let now = Utc::now();
    let wall = a.clock.wall(now);
    let cats = crate::catalog::planning();
    let mut audit = event(a, action, AuditOutcome::Allowed);
    audit.case_code = Some(c.code.as_str().to_string());
    let outcome = app_state()?
        .store
        .move_life(&c.id, mark, &a.user_id, now, &audit, |all, held| {
            let mut file = file_of(all).map_err(NotMoved::Broken)?;
            file.handed_over_to = held.mission.map(str::to_string);
            file.lifecycle = life_from(held.life).map_err(NotMoved::Broken)?;
            file.record_life_move(&cats, kind, on, note, &a.user_id, wall, now)
                .map_err(NotMoved::Refused)?;
            let life = serde_json::to_string(&file.lifecycle)
                .map_err(|e| NotMoved::Broken(AppError::internal(e)))?;
            Ok((life, summary_of(&file, wall)))
        })
        .await
        .map_err(AppError::internal)?;
    match outcome {
        Ok(()) => {
            tracing::info!(case = %c.code.as_str(), action, "plan's life moved");
            Ok(LifeResult::Moved)
        }
        Err(NotMoved::Refused(problems)) => {
            tracing::info!(case = %c.code.as_str(), action, "move of the plan's life refused");
            Ok(LifeResult::Refused(problems))
        }
        Err(NotMoved::Broken(e)) => Err(e),
    }
}

/// A problem's name in the review step's address (its serde tag).
pub fn problem_slug(p: &LifeProblem) -> String {
    serde_json::to_value(p)
        .ok()
        .and_then(|v| {
            v.get("problem")
                .and_then(|t| t.as_str())
                .map(str::to_string)
        })
        .unwrap_or_default()
}
