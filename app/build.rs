//! Turns the translation files into Rust: one enum variant per message key
//! and one table of texts per locale, so that a missing key is a compile
//! error, not a blank on screen.
//!
//! A locale's messages come from several files (see [`SOURCES`]): the
//! interface texts in `locales/<code>.toml` and the counselling guidance in
//! `locales/guidance/<code>.toml`, whose keys get the prefix `guide`. All
//! land in one table; a key defined twice is an error.
//!
//! Every locale must have exactly the keys of the first (English), with
//! the same `{placeholders}`; the build stops and says what is wrong.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;

/// The order here is the order of `i18n::Locale`.
const LOCALES: &[&str] = &["en", "nl"];

/// A kind of message file: where it lives under `locales/` and the prefix
/// given to its keys.
struct Source {
    dir: &'static str,
    prefix: &'static str,
}

const SOURCES: &[Source] = &[
    Source {
        dir: "",
        prefix: "",
    },
    Source {
        dir: "guidance/",
        prefix: "guide",
    },
    Source {
        dir: "cases/",
        prefix: "case",
    },
    Source {
        dir: "handovers/",
        prefix: "ho",
    },
    Source {
        dir: "dashboard/",
        prefix: "dash",
    },
];

impl Source {
    /// The file of this source for a locale, relative to `locales/`.
    fn file(&self, code: &str) -> String {
        format!("{}{code}.toml", self.dir)
    }
}

/// A message's text and the index in [`SOURCES`] of the file it came from.
struct Message {
    text: String,
    source: usize,
}

/// Adds the texts of `table` to `out`, nested tables joined with `_`.
fn flatten(prefix: &str, table: &toml::Table, out: &mut BTreeMap<String, String>, file: &str) {
    for (k, v) in table {
        let key = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}_{k}")
        };
        match v {
            toml::Value::String(s) => {
                if out.insert(key.clone(), s.clone()).is_some() {
                    panic!("{file}: {key} is defined twice (as a key and through a table)");
                }
            }
            toml::Value::Table(t) => flatten(&key, t, out, file),
            other => panic!(
                "{file}: {key} must be a text or a table, not {}",
                other.type_str()
            ),
        }
    }
}

/// Reads one message file of a locale into `messages`; a key that an
/// earlier file of the same locale already defined goes into `problems`.
fn read_source(
    dir: &Path,
    code: &str,
    source: usize,
    messages: &mut BTreeMap<String, Message>,
    problems: &mut Vec<String>,
) {
    let file = SOURCES[source].file(code);
    let path = dir.join(&file);
    println!("cargo::rerun-if-changed={}", path.display());
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let table: toml::Table = text
        .parse()
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut flat = BTreeMap::new();
    flatten(SOURCES[source].prefix, &table, &mut flat, &file);
    for (key, text) in flat {
        if let Some(earlier) = messages.get(&key) {
            problems.push(format!(
                "{file}: {key} is already defined in {}",
                SOURCES[earlier.source].file(code)
            ));
        } else {
            messages.insert(key, Message { text, source });
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
    let mut problems = Vec::new();
    let mut tables = Vec::new();
    for code in LOCALES {
        let mut messages = BTreeMap::new();
        for source in 0..SOURCES.len() {
            read_source(&dir, code, source, &mut messages, &mut problems);
        }
        tables.push(messages);
    }
    let base_code = LOCALES[0];
    let base = &tables[0];
    for (code, table) in LOCALES.iter().zip(&tables).skip(1) {
        for (key, en) in base.iter().filter(|(k, _)| !table.contains_key(*k)) {
            let file = SOURCES[en.source].file(code);
            problems.push(format!("{file} lacks {key}"));
        }
        for (key, message) in table {
            let source = &SOURCES[message.source];
            let file = source.file(code);
            match base.get(key) {
                None => problems.push(format!(
                    "{file} has {key}, which {} does not",
                    source.file(base_code)
                )),
                Some(en) if en.source != message.source => problems.push(format!(
                    "{file} has {key}, which belongs in {}",
                    SOURCES[en.source].file(code)
                )),
                Some(en) if placeholders(&en.text) != placeholders(&message.text) => {
                    problems.push(format!(
                        "{file}: {key} has other {{placeholders}} than {}",
                        SOURCES[en.source].file(base_code)
                    ))
                }
                Some(_) => {}
            }
        }
    }
    if !problems.is_empty() {
        panic!("translation files disagree:\n  {}", problems.join("\n  "));
    }
    let mut out = String::new();
    out.push_str("/// A message of the user interface (generated from `locales/en.toml`\n");
    out.push_str("/// and, prefixed `guide_`, `locales/guidance/en.toml`).\n");
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
            writeln!(out, "        {:?},", table[key].text).unwrap();
        }
        out.push_str("    ],\n");
    }
    out.push_str("];\n");
    let dest = Path::new(&std::env::var("OUT_DIR").unwrap()).join("messages.rs");
    std::fs::write(dest, out).unwrap();
}
