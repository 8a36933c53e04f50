#!/usr/bin/env bash
# Installs what Safeplan's build, run and test commands need, skipping what is
# already present at the right version. Idempotent; safe to run on every call.
#
#   bash .ci/setup.sh build   # wasm target, cargo-leptos, wasm-bindgen CLI, wasm-opt (npm)
#   bash .ci/setup.sh test    # build + Debian chromium, chromium-driver, PostgreSQL
#   bash .ci/setup.sh bench   # build + wrk (load generator)
set -euo pipefail

cd "$(dirname "$0")/.."

CARGO_LEPTOS_VERSION=0.3.11
# cargo-leptos 0.3.11's dependencies need rustc >= 1.96; installed with its own
# minimal toolchain so the project's default toolchain stays what the machine has.
CARGO_LEPTOS_TOOLCHAIN=1.99.1
# Must equal the wasm-bindgen version in Cargo.lock exactly.
WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/"/,"",$3); print $3; exit}' Cargo.lock)

log() { printf '\033[1m[setup]\033[0m %s\n' "$*" >&2; }

have() { command -v "$1" >/dev/null 2>&1; }

export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$HOME/.cargo/bin:$PATH"

ensure_wasm_target() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    log "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
}

ensure_cargo_leptos() {
  if have cargo-leptos && cargo-leptos --version 2>/dev/null | grep -q "$CARGO_LEPTOS_VERSION"; then
    return
  fi
  if ! rustup toolchain list | grep -q "^$CARGO_LEPTOS_TOOLCHAIN"; then
    log "installing toolchain $CARGO_LEPTOS_TOOLCHAIN (minimal) to build cargo-leptos"
    rustup toolchain install "$CARGO_LEPTOS_TOOLCHAIN" --profile minimal
  fi
  log "installing cargo-leptos $CARGO_LEPTOS_VERSION (about 12 minutes, once per machine)"
  cargo "+$CARGO_LEPTOS_TOOLCHAIN" install cargo-leptos --version "=$CARGO_LEPTOS_VERSION" --locked
}

ensure_wasm_bindgen() {
  if have wasm-bindgen && wasm-bindgen --version 2>/dev/null | grep -q " $WASM_BINDGEN_VERSION\$\| $WASM_BINDGEN_VERSION "; then
    return
  fi
  log "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (matches Cargo.lock)"
  # Not --locked: the CLI's own lockfile references a yanked crate.
  cargo install wasm-bindgen-cli --version "=$WASM_BINDGEN_VERSION" --force
}

ensure_node_packages() {
  # wasm-opt comes from npm's binaryen (Debian's binaryen 108 corrupts release wasm);
  # axe-core is the accessibility checker the browser tests inject into pages.
  if ! have npm; then
    ensure_apt nodejs npm
  fi
  if [ ! -x node_modules/.bin/wasm-opt ] || [ ! -f node_modules/axe-core/axe.min.js ] \
    || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    log "installing node packages (binaryen: wasm-opt; axe-core)"
    npm ci --no-audit --no-fund --loglevel=error
  fi
}

APT_UPDATED=0
ensure_apt() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  if [ "$APT_UPDATED" -eq 0 ]; then
    log "apt-get update"
    $sudo apt-get update -qq
    APT_UPDATED=1
  fi
  log "installing Debian packages: ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

build_tools() {
  ensure_wasm_target
  ensure_node_packages
  ensure_wasm_bindgen
  ensure_cargo_leptos
}

case "${1:-build}" in
  build) build_tools ;;
  test)
    ensure_apt chromium chromium-driver postgresql
    build_tools
    ;;
  bench)
    # Chromium measures the session page's weight as a browser loads it;
    # the scale measures run on PostgreSQL too.
    ensure_apt wrk chromium chromium-driver postgresql
    build_tools
    ;;
  *) echo "usage: $0 [build|test|bench]" >&2; exit 2 ;;
esac
