#!/usr/bin/env bash
# Safeplan's test command. Installs what is missing (Debian chromium and
# chromium-driver, PostgreSQL, cargo-leptos, wasm-bindgen, node packages),
# then runs formatting, lints, unit tests, store contract tests on SQLite
# and PostgreSQL, HTTP tests against the real server and browser tests in
# headless Chromium against the release build.
set -euo pipefail
cd "$(dirname "$0")/.."
START=$(date +%s)
# Incremental artefacts only help repeated local builds and grow without
# bound (tens of GB here); the test command builds each profile once.
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"
step() { printf '\n\033[1m==> %s\033[0m  (+%ss)\n' "$*" "$(( $(date +%s) - START ))" >&2; }

step "setup"
bash .ci/setup.sh test
export PATH="$PWD/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$HOME/.cargo/bin:$PATH"
# shellcheck source=postgres.sh
source .ci/postgres.sh
start_postgres

step "cargo fmt --check"
cargo fmt --all -- --check

step "clippy (server, tests; browser build)"
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo clippy -p app --lib --target wasm32-unknown-unknown --no-default-features --features hydrate --locked -- -D warnings

step "release build (server + WASM, precompressed)"
bash .ci/build.sh --cargo-locked

step "tests: unit, store contract (SQLite + PostgreSQL), HTTP, CLI, browser"
export SAFEPLAN_BIN="$PWD/target/release/safeplan"
# Last, so that the output ends with the test runners' own summary lines.
cargo test --workspace --all-targets --locked -- --color never
