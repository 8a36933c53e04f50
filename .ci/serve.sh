#!/usr/bin/env bash
# Safeplan's run command: installs what is missing, builds the release,
# migrates, adds the demo data, prints the demo logins and serves on
# http://127.0.0.1:3000 (SQLite file under ./data/). Existing data is kept.
# Extra arguments are safeplan's options (e.g. --database-url), given to
# migrate, demo and serve alike. The demo's published passwords keep it on
# a loopback address (see README).
set -euo pipefail
cd "$(dirname "$0")/.."
bash .ci/setup.sh build
export PATH="$PWD/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$HOME/.cargo/bin:$PATH"
bash .ci/build.sh
export LEPTOS_SITE_ROOT="$PWD/target/site"
BIN=target/release/safeplan
# The secret key that seals stored second-factor secrets: made once, kept
# beside the database, readable by this user only.
mkdir -p data
if [ ! -s data/secret.key ]; then
  (umask 077 && "$BIN" secret-key > data/secret.key)
fi
export SAFEPLAN_SECRET_KEY_FILE="${SAFEPLAN_SECRET_KEY_FILE:-$PWD/data/secret.key}"
# Every option is global (database, bind, …): migrate and demo get them too,
# so that they work on the database that is served and print its address.
"$BIN" migrate "$@"
# The demo refuses a database that holds a real organisation, or an
# address other machines can reach (its passwords are published): then the
# data there is served without it.
"$BIN" demo "$@" || echo "The demo data was not added (see above); serving the database as it is."
exec "$BIN" serve "$@"
