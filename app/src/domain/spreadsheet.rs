//! Cells of the CSV files people open in a spreadsheet (the social map's
//! exchange file, the statistics), safe from formula injection: a cell that
//! begins with `=`, `+`, `-`, `@`, a tab or a carriage return is read by
//! Excel, LibreOffice and Google Sheets as a formula, which can run
//! commands or send the sheet's data away (OWASP, "CSV Injection"). Such a
//! cell is written with a leading apostrophe, which the spreadsheets show
//! as text, and the import takes it off again, so that a file exported and
//! imported holds exactly what it held.
//!
//! The rule is exact both ways: a cell whose text, after any leading
//! apostrophes, begins with one of those characters gets one apostrophe
//! more; on import such a cell loses one. Every other cell is left as it
//! is ("'s-Hertogenbosch" stays as written).

use std::borrow::Cow;

/// The characters a spreadsheet reads as the start of a formula.
const FORMULA_START: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

fn formula_after_quotes(cell: &str) -> bool {
    cell.trim_start_matches('\'')
        .starts_with(FORMULA_START.as_slice())
}

/// The cell as written to the file.
pub fn neutralise(cell: &str) -> Cow<'_, str> {
    if formula_after_quotes(cell) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// The cell as it was before [`neutralise`].
pub fn restore(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if formula_after_quotes(rest) => rest,
        _ => cell,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn formula_cells_get_an_apostrophe_and_lose_it_on_import() {
        for (cell, written) in [
            (
                "=HYPERLINK(\"http://x\",\"y\")",
                "'=HYPERLINK(\"http://x\",\"y\")",
            ),
            ("+31 20 123", "'+31 20 123"),
            ("-1", "'-1"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("'=x", "''=x"),
            ("'s-Hertogenbosch", "'s-Hertogenbosch"),
            ("Comensha", "Comensha"),
            ("", ""),
            ("a=b", "a=b"),
        ] {
            assert_eq!(neutralise(cell), written, "{cell:?}");
            assert_eq!(restore(written), cell, "{written:?}");
        }
    }

    proptest! {
        /// No written cell starts a formula, and every cell comes back.
        #[test]
        fn every_cell_is_safe_and_comes_back(
            cell in "['=+@\\-\t\r a-z]{0,6}",
        ) {
            let written = neutralise(&cell);
            prop_assert!(!written.starts_with(FORMULA_START.as_slice()));
            prop_assert_eq!(restore(&written), cell.as_str());
        }
    }
}
