//! Times as the interface shows them.

/// "2026-11-29 06:41:07" (without chrono's formatting machinery, which
/// would weigh on the browser build).
pub fn utc_text(t: chrono::DateTime<chrono::Utc>) -> String {
    use chrono::{Datelike, Timelike};
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
        t.year(),
        t.month(),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// From Unix seconds (as DTOs carry times).
pub fn utc_text_from_secs(secs: i64) -> String {
    utc_text(chrono::DateTime::from_timestamp(secs, 0).unwrap_or_default())
}
