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
}

impl fmt::Display for MoneyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            MoneyError::Currency => "a currency is three letters, such as EUR",
            MoneyError::Amount => "enter an amount such as 1250 or 1250.50",
            MoneyError::Negative => "the amount cannot be negative",
            MoneyError::CurrencyMismatch => "amounts in different currencies cannot be added",
        })
    }
}

impl std::error::Error for MoneyError {}

/// A non-negative amount of money, exact to the cent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Money {
    amount: Decimal,
    currency: Currency,
}

impl Money {
    pub fn new(amount: Decimal, currency: Currency) -> Result<Self, MoneyError> {
        if amount.is_sign_negative() && !amount.is_zero() {
            return Err(MoneyError::Negative);
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

    /// Parses what a person types: `1250`, `1250.5`, `1 250,50`.
    pub fn parse(input: &str, currency: Currency) -> Result<Self, MoneyError> {
        let cleaned: String = input
            .trim()
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '\u{a0}')
            .map(|c| if c == ',' { '.' } else { c })
            .collect();
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
        assert_eq!(Money::parse("1.005", eur), Err(MoneyError::Amount));
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
