//! Turns the translation files into Rust: one enum variant per message key
//! and one table of texts per locale, so that a missing key is a compile
//! error, not a blank on screen.
//!
//! A locale's messages come from several files (see [`SOURCES`]): the
//! interface texts in `locales/<code>.toml` and those of `locales/cases/`,
//! `handovers/` and `dashboard/`, whose keys get a prefix. All land in one
//! table; a key defined twice is an error. Texts read only by pages that
//! load on demand (the counselling guidance, the social map, the
//! follow-up) get tables of their own, so that the WASM file every page
//! loads first carries none of them (see [`TABLES`]).
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

/// The social map's screens: a table of their own, used only by pages that
/// load on demand, so that the first WASM file carries none of its texts.
const MAP_SOURCES: &[Source] = &[Source {
    dir: "directory/",
    prefix: "",
}];

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
    sources: &[Source],
    code: &str,
    source: usize,
    messages: &mut BTreeMap<String, Message>,
    problems: &mut Vec<String>,
) {
    let file = sources[source].file(code);
    let path = dir.join(&file);
    println!("cargo::rerun-if-changed={}", path.display());
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let table: toml::Table = text
        .parse()
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut flat = BTreeMap::new();
    flatten(sources[source].prefix, &table, &mut flat, &file);
    for (key, text) in flat {
        if let Some(earlier) = messages.get(&key) {
            problems.push(format!(
                "{file}: {key} is already defined in {}",
                sources[earlier.source].file(code)
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

/// One generated table: its languages (the first is the reference), its
/// message files, and the names of what is generated.
struct Table {
    locales: &'static [&'static str],
    sources: &'static [Source],
    /// The enum of message keys, and the static array of texts.
    keys: &'static str,
    texts: &'static str,
    doc: &'static str,
    out: &'static str,
}

/// The counselling guidance shown beside a case's steps and on the view
/// turned towards the client: read only by the case's pages (loaded on
/// demand), so a table of its own.
const GUIDE_SOURCES: &[Source] = &[Source {
    dir: "guidance/",
    prefix: "",
}];

/// The follow-up after return: read only by the case's pages and the
/// dashboard (both loaded on demand), so a table of its own.
const FOLLOW_UP_SOURCES: &[Source] = &[Source {
    dir: "follow_up/",
    prefix: "",
}];

/// The client's own copy of a plan (printed or opened from a shared link):
/// in the languages of the clients, not of the interface, and rendered on
/// the server only, so that it adds nothing to the browser's code.
const CLIENT_LOCALES: &[&str] = &["en", "nl", "fr", "ar"];
const CLIENT_SOURCES: &[Source] = &[Source {
    dir: "client/",
    prefix: "",
}];

const TABLES: &[Table] = &[
    Table {
        locales: LOCALES,
        sources: SOURCES,
        keys: "K",
        texts: "TEXTS",
        doc: "A message of the user interface (generated from `locales/en.toml`\n/// and the files of the other sources, their keys prefixed).",
        out: "messages.rs",
    },
    Table {
        locales: LOCALES,
        sources: MAP_SOURCES,
        keys: "MK",
        texts: "MAP_TEXTS",
        doc: "A message of the social map's screens (generated from\n/// `locales/directory/en.toml`).",
        out: "map_messages.rs",
    },
    Table {
        locales: LOCALES,
        sources: GUIDE_SOURCES,
        keys: "GK",
        texts: "GUIDE_TEXTS",
        doc: "A text of the counselling guidance (generated from\n/// `locales/guidance/en.toml`).",
        out: "guide_messages.rs",
    },
    Table {
        locales: LOCALES,
        sources: FOLLOW_UP_SOURCES,
        keys: "FK",
        texts: "FOLLOW_UP_TEXTS",
        doc: "A text of the follow-up after return (generated from\n/// `locales/follow_up/en.toml`).",
        out: "follow_up_messages.rs",
    },
    Table {
        locales: CLIENT_LOCALES,
        sources: CLIENT_SOURCES,
        keys: "CK",
        texts: "CLIENT_TEXTS",
        doc: "A message of the client's copy (generated from `locales/client/en.toml`).",
        out: "client_messages.rs",
    },
];

fn generate(dir: &Path, t: &Table) {
    let mut problems = Vec::new();
    let mut tables = Vec::new();
    for code in t.locales {
        let mut messages = BTreeMap::new();
        for source in 0..t.sources.len() {
            read_source(dir, t.sources, code, source, &mut messages, &mut problems);
        }
        tables.push(messages);
    }
    let base_code = t.locales[0];
    let base = &tables[0];
    for (code, table) in t.locales.iter().zip(&tables).skip(1) {
        for (key, en) in base.iter().filter(|(k, _)| !table.contains_key(*k)) {
            let file = t.sources[en.source].file(code);
            problems.push(format!("{file} lacks {key}"));
        }
        for (key, message) in table {
            let source = &t.sources[message.source];
            let file = source.file(code);
            match base.get(key) {
                None => problems.push(format!(
                    "{file} has {key}, which {} does not",
                    source.file(base_code)
                )),
                Some(en) if en.source != message.source => problems.push(format!(
                    "{file} has {key}, which belongs in {}",
                    t.sources[en.source].file(code)
                )),
                Some(en) if placeholders(&en.text) != placeholders(&message.text) => {
                    problems.push(format!(
                        "{file}: {key} has other {{placeholders}} than {}",
                        t.sources[en.source].file(base_code)
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
    writeln!(out, "/// {}", t.doc).unwrap();
    out.push_str("#[allow(non_camel_case_types, clippy::enum_variant_names)]\n");
    writeln!(
        out,
        "#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]\npub enum {} {{",
        t.keys
    )
    .unwrap();
    for key in base.keys() {
        writeln!(out, "    {key},").unwrap();
    }
    out.push_str("}\n\n");
    writeln!(
        out,
        "static {}: [[&str; {}]; {}] = [",
        t.texts,
        base.len(),
        t.locales.len()
    )
    .unwrap();
    for table in &tables {
        out.push_str("    [\n");
        for key in base.keys() {
            writeln!(out, "        {:?},", table[key].text).unwrap();
        }
        out.push_str("    ],\n");
    }
    out.push_str("];\n");
    let dest = Path::new(&std::env::var("OUT_DIR").unwrap()).join(t.out);
    std::fs::write(dest, out).unwrap();
}

fn main() {
    let dir = Path::new(&std::env::var("CARGO_MANIFEST_DIR").unwrap()).join("locales");
    println!("cargo::rerun-if-changed={}", dir.display());
    for t in TABLES {
        generate(&dir, t);
    }
}
