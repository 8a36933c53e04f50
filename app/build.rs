//! Turns the translation files (`locales/<code>.toml`) into Rust: one enum
//! variant per message key and one table of texts per locale, so that a
//! missing key is a compile error, not a blank on screen.
//!
//! Every locale must have exactly the keys of the first (English), with
//! the same `{placeholders}`; the build stops and says what is wrong.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;

/// The order here is the order of `i18n::Locale`.
const LOCALES: &[&str] = &["en", "nl"];

fn flatten(prefix: &str, table: &toml::Table, out: &mut BTreeMap<String, String>, file: &str) {
    for (k, v) in table {
        let key = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}_{k}")
        };
        match v {
            toml::Value::String(s) => {
                out.insert(key, s.clone());
            }
            toml::Value::Table(t) => flatten(&key, t, out, file),
            other => panic!(
                "{file}: {key} must be a text or a table, not {}",
                other.type_str()
            ),
        }
    }
}

fn placeholders(text: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut rest = text;
    while let Some(start) = rest.find('{') {
        let Some(len) = rest[start..].find('}') else {
            break;
        };
        found.insert(rest[start + 1..start + len].to_string());
        rest = &rest[start + len + 1..];
    }
    found
}

fn main() {
    let dir = Path::new(&std::env::var("CARGO_MANIFEST_DIR").unwrap()).join("locales");
    println!("cargo::rerun-if-changed={}", dir.display());
    let mut tables = Vec::new();
    for code in LOCALES {
        let path = dir.join(format!("{code}.toml"));
        println!("cargo::rerun-if-changed={}", path.display());
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        let table: toml::Table = text
            .parse()
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let mut flat = BTreeMap::new();
        flatten("", &table, &mut flat, &format!("{code}.toml"));
        tables.push(flat);
    }
    let base = &tables[0];
    let mut problems = Vec::new();
    for (code, table) in LOCALES.iter().zip(&tables).skip(1) {
        for key in base.keys().filter(|k| !table.contains_key(*k)) {
            problems.push(format!("{code}.toml lacks {key}"));
        }
        for key in table.keys().filter(|k| !base.contains_key(*k)) {
            problems.push(format!("{code}.toml has {key}, which en.toml does not"));
        }
        for (key, text) in table {
            if let Some(en) = base.get(key) {
                if placeholders(en) != placeholders(text) {
                    problems.push(format!(
                        "{code}.toml: {key} has other {{placeholders}} than en.toml"
                    ));
                }
            }
        }
    }
    if !problems.is_empty() {
        panic!("translation files disagree:\n  {}", problems.join("\n  "));
    }
    let mut out = String::new();
    out.push_str("/// A message of the user interface (generated from `locales/en.toml`).\n");
    out.push_str("#[allow(non_camel_case_types, clippy::enum_variant_names)]\n");
    out.push_str("#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]\npub enum K {\n");
    for key in base.keys() {
        writeln!(out, "    {key},").unwrap();
    }
    out.push_str("}\n\n");
    writeln!(out, "const KEYS: usize = {};", base.len()).unwrap();
    writeln!(out, "static TEXTS: [[&str; KEYS]; {}] = [", LOCALES.len()).unwrap();
    for table in &tables {
        out.push_str("    [\n");
        for key in base.keys() {
            writeln!(out, "        {:?},", table[key]).unwrap();
        }
        out.push_str("    ],\n");
    }
    out.push_str("];\n");
    let dest = Path::new(&std::env::var("OUT_DIR").unwrap()).join("messages.rs");
    std::fs::write(dest, out).unwrap();
}
