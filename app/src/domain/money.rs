//! Money: an exact decimal amount with its currency, never a float.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// An ISO 4217 currency code (three upper-case letters).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Currency([u8; 3]);

impl Currency {
    pub const EUR: Currency = Currency(*b"EUR");

    pub fn as_str(&self) -> &str {
        // Only ASCII upper-case letters are ever stored.
        std::str::from_utf8(&self.0).unwrap_or("???")
    }
}

impl FromStr for Currency {
    type Err = MoneyError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let b = s.trim().as_bytes();
        if b.len() == 3 && b.iter().all(|c| c.is_ascii_alphabetic()) {
            Ok(Currency([
                b[0].to_ascii_uppercase(),
                b[1].to_ascii_uppercase(),
                b[2].to_ascii_uppercase(),
            ]))
        } else {
            Err(MoneyError::Currency)
        }
    }
}

impl TryFrom<String> for Currency {
    type Error = MoneyError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<Currency> for String {
    fn from(c: Currency) -> String {
        c.as_str().to_string()
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MoneyError {
    Currency,
    Amount,
    Negative,
    CurrencyMismatch,
    /// "1,800" or "1.800": a thousand, or one point eight?
    Ambiguous,
}

impl fmt::Display for MoneyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            MoneyError::Currency => "a currency is three letters, such as EUR",
            MoneyError::Amount => "enter an amount such as 1250 or 1250.50",
            MoneyError::Negative => "the amount cannot be negative",
            MoneyError::CurrencyMismatch => "amounts in different currencies cannot be added",
            MoneyError::Ambiguous => {
                "write 1800 or 1800.00 (is 1,800 a thousand or less than two?)"
            }
        })
    }
}

impl std::error::Error for MoneyError {}

/// The largest amount a single value may hold (a thousand million).
pub const MAX_AMOUNT: i64 = 1_000_000_000;

/// A non-negative amount of money, exact to the cent. Read from JSON it
/// goes through the same checks as [`Money::new`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawMoney")]
pub struct Money {
    amount: Decimal,
    currency: Currency,
}

#[derive(Deserialize)]
struct RawMoney {
    amount: Decimal,
    currency: Currency,
}

impl TryFrom<RawMoney> for Money {
    type Error = MoneyError;
    fn try_from(raw: RawMoney) -> Result<Self, Self::Error> {
        Money::new(raw.amount, raw.currency)
    }
}

impl Money {
    pub fn new(amount: Decimal, currency: Currency) -> Result<Self, MoneyError> {
        if amount.is_sign_negative() && !amount.is_zero() {
            return Err(MoneyError::Negative);
        }
        // Far above any support amount, and low enough that no sum of the
        // lines of a plan can overflow.
        if amount > Decimal::from(MAX_AMOUNT) {
            return Err(MoneyError::Amount);
        }
        if amount.scale() > 2 && amount.round_dp(2) != amount {
            return Err(MoneyError::Amount);
        }
        Ok(Money {
            amount: amount.round_dp(2),
            currency,
        })
    }

    pub fn zero(currency: Currency) -> Self {
        Money {
            amount: Decimal::ZERO,
            currency,
        }
    }

    /// Parses what a person types: `1250`, `1250.5`, `1 250,50`,
    /// `1,800.00` (English), `1.800,00` (Dutch). With both separators the
    /// last one is the decimal mark; a separator used more than once groups
    /// thousands. A single separator followed by exactly three digits
    /// (`1,800`, `1.800`) means a thousand in one language and not in the
    /// other: it is refused rather than guessed.
    pub fn parse(input: &str, currency: Currency) -> Result<Self, MoneyError> {
        let compact: String = input
            .trim()
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '\u{a0}')
            .collect();
        let last_dot = compact.rfind('.');
        let last_comma = compact.rfind(',');
        let cleaned = match (last_dot, last_comma) {
            (Some(d), Some(c)) => {
                let (decimal, group) = if d > c { ('.', ',') } else { (',', '.') };
                compact
                    .chars()
                    .filter(|ch| *ch != group)
                    .map(|ch| if ch == decimal { '.' } else { ch })
                    .collect::<String>()
            }
            (Some(_), None) | (None, Some(_)) => {
                let sep = if last_dot.is_some() { '.' } else { ',' };
                let parts: Vec<&str> = compact.split(sep).collect();
                if parts.len() > 2 {
                    // Used more than once: thousands groups of three digits.
                    if parts[1..].iter().any(|p| p.len() != 3) {
                        return Err(MoneyError::Amount);
                    }
                    parts.concat()
                } else if parts[1].len() == 3 {
                    return Err(MoneyError::Ambiguous);
                } else {
                    format!("{}.{}", parts[0], parts[1])
                }
            }
            (None, None) => compact,
        };
        if cleaned.is_empty() || cleaned.matches('.').count() > 1 {
            return Err(MoneyError::Amount);
        }
        let amount = Decimal::from_str(&cleaned).map_err(|_| MoneyError::Amount)?;
        Money::new(amount, currency)
    }

    pub fn amount(&self) -> Decimal {
        self.amount
    }

    pub fn currency(&self) -> Currency {
        self.currency
    }

    pub fn checked_add(self, other: Money) -> Result<Money, MoneyError> {
        if self.currency != other.currency {
            return Err(MoneyError::CurrencyMismatch);
        }
        let amount = self
            .amount
            .checked_add(other.amount)
            .ok_or(MoneyError::Amount)?;
        Ok(Money {
            amount,
            currency: self.currency,
        })
    }
}

/// How numbers are written: `€1,800.00` in English, `€ 1.800,00` in Dutch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NumberStyle {
    English,
    Dutch,
}

impl Money {
    /// The amount as people of that language write it.
    pub fn format(&self, style: NumberStyle) -> String {
        let (group, decimal) = match style {
            NumberStyle::English => (',', '.'),
            NumberStyle::Dutch => ('.', ','),
        };
        let text = format!("{:.2}", self.amount);
        let (whole, cents) = text.split_once('.').unwrap_or((&text, "00"));
        let mut grouped = String::new();
        for (i, c) in whole.chars().enumerate() {
            if i > 0 && (whole.len() - i) % 3 == 0 {
                grouped.push(group);
            }
            grouped.push(c);
        }
        let number = format!("{grouped}{decimal}{cents}");
        match (self.currency == Currency::EUR, style) {
            (true, NumberStyle::English) => format!("€{number}"),
            (true, NumberStyle::Dutch) => format!("€ {number}"),
            (false, _) => format!("{} {number}", self.currency),
        }
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {:.2}", self.currency, self.amount)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn thousands_and_decimal_marks_of_both_languages() {
        let eur = Currency::EUR;
        let ok = |s: &str| Money::parse(s, eur).unwrap().to_string();
        assert_eq!(ok("1,800.00"), "EUR 1800.00");
        assert_eq!(ok("1.800,00"), "EUR 1800.00");
        assert_eq!(ok("1,234,567.5"), "EUR 1234567.50");
        assert_eq!(ok("1.234.567"), "EUR 1234567.00");
        assert_eq!(ok("12,5"), "EUR 12.50");
        assert_eq!(Money::parse("1,800", eur), Err(MoneyError::Ambiguous));
        assert_eq!(Money::parse("1.250", eur), Err(MoneyError::Ambiguous));
        assert_eq!(Money::parse("1.23.4", eur), Err(MoneyError::Amount));
        // What the app writes, it reads back.
        for s in ["1800", "0.5", "1234567.89"] {
            let m = Money::parse(s, eur).unwrap();
            assert_eq!(
                Money::parse(&m.format(NumberStyle::English).replace('€', ""), eur),
                Ok(m)
            );
            assert_eq!(
                Money::parse(&m.format(NumberStyle::Dutch).replace('€', ""), eur),
                Ok(m)
            );
        }
    }

    #[test]
    fn stored_money_is_checked_like_typed_money() {
        assert!(serde_json::from_str::<Money>(r#"{"amount":"-5","currency":"EUR"}"#).is_err());
        assert!(serde_json::from_str::<Money>(r#"{"amount":"1.005","currency":"EUR"}"#).is_err());
        let ok: Money = serde_json::from_str(r#"{"amount":"12.5","currency":"EUR"}"#).unwrap();
        assert_eq!(ok.to_string(), "EUR 12.50");
    }

    #[test]
    fn amounts_are_written_per_language() {
        let m = |s| Money::parse(s, Currency::EUR).unwrap();
        let table = [
            ("1800", NumberStyle::English, "€1,800.00"),
            ("1800", NumberStyle::Dutch, "€ 1.800,00"),
            ("300", NumberStyle::Dutch, "€ 300,00"),
            ("1234567.5", NumberStyle::English, "€1,234,567.50"),
            ("0", NumberStyle::Dutch, "€ 0,00"),
        ];
        for (amount, style, text) in table {
            assert_eq!(m(amount).format(style), text);
        }
        let usd = Money::parse("2500", "USD".parse().unwrap()).unwrap();
        assert_eq!(usd.format(NumberStyle::English), "USD 2,500.00");
    }

    #[test]
    fn parses_what_people_type() {
        let eur = Currency::EUR;
        assert_eq!(
            Money::parse("1250", eur).unwrap().to_string(),
            "EUR 1250.00"
        );
        assert_eq!(
            Money::parse("1 250,5", eur).unwrap().to_string(),
            "EUR 1250.50"
        );
        assert_eq!(Money::parse("0.1", eur).unwrap().to_string(), "EUR 0.10");
        assert_eq!(Money::parse("", eur), Err(MoneyError::Amount));
        assert_eq!(Money::parse("1.2.3", eur), Err(MoneyError::Amount));
        assert_eq!(Money::parse("-5", eur), Err(MoneyError::Negative));
        // A thousand in Dutch, a tenth of a cent too many in English.
        assert_eq!(Money::parse("1.005", eur), Err(MoneyError::Ambiguous));
        assert_eq!(Money::parse("1.0055", eur), Err(MoneyError::Amount));
    }

    #[test]
    fn currencies_do_not_mix() {
        let a = Money::parse("10", Currency::EUR).unwrap();
        let b = Money::parse("10", "ngn".parse().unwrap()).unwrap();
        assert_eq!(a.checked_add(b), Err(MoneyError::CurrencyMismatch));
        assert_eq!(b.currency().as_str(), "NGN");
        assert!("EURO".parse::<Currency>().is_err());
    }

    proptest! {
        #[test]
        fn cents_add_exactly(a in 0u32..10_000_000, b in 0u32..10_000_000) {
            let eur = Currency::EUR;
            let ma = Money::new(Decimal::new(a as i64, 2), eur).unwrap();
            let mb = Money::new(Decimal::new(b as i64, 2), eur).unwrap();
            let sum = ma.checked_add(mb).unwrap();
            prop_assert_eq!(sum.amount(), Decimal::new(a as i64 + b as i64, 2));
            // What is displayed parses back to the same amount.
            let shown = sum.to_string();
            let back = Money::parse(shown.trim_start_matches("EUR "), eur).unwrap();
            prop_assert_eq!(back, sum);
        }
    }
}
