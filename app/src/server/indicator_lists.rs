//! The ILO indicator list screenings use: the newest version an operator
//! loaded (`safeplan catalogue load-indicators`), else the one built into
//! the binary. Asked on each case opened and each screening saved, since
//! another instance may have loaded one; a version's file never changes,
//! so the parsed list is kept by its version.

use crate::catalog::IloCatalogue;
use crate::error::AppError;
use crate::store::Store;
use std::sync::{Arc, Mutex};

static PARSED: Mutex<Option<Arc<IloCatalogue>>> = Mutex::new(None);

/// The list in use, and whether it is one an operator loaded.
pub async fn in_use(store: &Store) -> Result<(Arc<IloCatalogue>, bool), AppError> {
    let Some(version) = store
        .newest_indicator_list()
        .await
        .map_err(AppError::internal)?
    else {
        return Ok((crate::catalog::built_in_ilo(), false));
    };
    let cached = PARSED
        .lock()
        .ok()
        .and_then(|c| c.clone())
        .filter(|c| c.info.version == version);
    if let Some(c) = cached {
        return Ok((c, true));
    }
    let body = store
        .indicator_list_body(&version)
        .await
        .map_err(AppError::internal)?;
    let parsed: IloCatalogue = serde_json::from_str(&body).map_err(|e| {
        AppError::internal(format!(
            "indicator list {version} as stored does not read: {e}"
        ))
    })?;
    let parsed = Arc::new(parsed);
    if let Ok(mut c) = PARSED.lock() {
        *c = Some(parsed.clone());
    }
    Ok((parsed, true))
}
