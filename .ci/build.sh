#!/usr/bin/env bash
# The release build used by the run, test and bench commands: server and
# WASM through cargo-leptos, static files precompressed (brotli and gzip).
# cargo-leptos writes gzip at a fast level; the files are recompressed here
# at the highest level (-9), since they are compressed once and sent often.
# Expects the tools of `.ci/setup.sh build` on PATH. Extra arguments go to
# `cargo leptos build`.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo leptos build --release --precompress --split "$@"
find target/site -type f -name '*.gz' | while read -r gz; do
  src="${gz%.gz}"
  if [ -f "$src" ]; then
    gzip -9 -n -c "$src" > "$gz.tmp"
    mv "$gz.tmp" "$gz"
  fi
done
