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

/// A date in the page's language: "15 Jan 2027", "15 jan 2027" (month
/// names are translation texts).
pub fn date_text(d: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    let months = crate::i18n::t(crate::i18n::K::case_months);
    let month = months
        .split_whitespace()
        .nth(d.month0() as usize)
        .unwrap_or("");
    format!("{} {month} {}", d.day(), d.year())
}

/// Money in the page's language: "€1,800.00", "€ 1.800,00".
pub fn money_text(amount: rust_decimal::Decimal, currency: crate::domain::Currency) -> String {
    let style = match crate::i18n::use_locale() {
        crate::i18n::Locale::En => crate::domain::money::NumberStyle::English,
        crate::i18n::Locale::Nl => crate::domain::money::NumberStyle::Dutch,
    };
    crate::domain::Money::new(amount.abs(), currency)
        .map(|m| {
            let text = m.format(style);
            if amount.is_sign_negative() && !amount.is_zero() {
                format!("−{text}")
            } else {
                text
            }
        })
        .unwrap_or_else(|_| amount.to_string())
}
