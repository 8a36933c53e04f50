#!/usr/bin/env bash
# Safeplan's benchmark command (separate from the tests). Builds the
# release, starts the server on loopback with an SQLite database, drives it
# with wrk (64 connections) and records in BENCHMARKS.md, with date,
# machine and commit:
#   - requests/s and p50/p99 latency of the server-rendered sign-in page
#     and of a static asset of similar size from the same server, and their ratio;
#   - the WASM size raw and as the server actually transfers it (br, gzip),
#     for the file loaded first and the pages split off and loaded on demand;
#   - the counselling session: the time of one autosave round trip, and the
#     session page's weight as headless Chromium loads it;
#   - scale: the dashboard's and the inbox's server time with 100 000
#     synthetic plans (SAFEPLAN_BENCH_PLANS), on SQLite and PostgreSQL;
#   - the backup drill at that scale: sealed backup and restore, timed, and
#     whether their content digests agree.
# Budgets checked: release WASM <= 350 KB gzip; page throughput >= 50% of the asset's;
# dashboard and inbox <= 100 ms (p95) at 100 000 plans on both engines.
# Usage: bash .ci/bench.sh [seconds per run, default 10]
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION="${1:-10}"
CONNECTIONS=64

bash .ci/setup.sh bench
export PATH="$PWD/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$HOME/.cargo/bin:$PATH"
bash .ci/build.sh

WORK=$(mktemp -d)
trap 'kill "$SERVER_PID" 2>/dev/null || true; rm -rf "$WORK"' EXIT
export LEPTOS_SITE_ROOT="$PWD/target/site"
export DATABASE_URL="sqlite://$WORK/bench.db"
export SAFEPLAN_LOG=warn
# The demo's people and cases (the session measurements sign in as its counsellor).
target/release/safeplan demo > /dev/null
SAFEPLAN_SECRET_KEY="$(target/release/safeplan secret-key)" target/release/safeplan serve --bind 127.0.0.1:0 > "$WORK/out" 2> "$WORK/err" &
SERVER_PID=$!
for _ in $(seq 1 100); do
  grep -q "listening on" "$WORK/out" 2>/dev/null && break
  sleep 0.1
done
BASE=$(sed -n 's/^Safeplan listening on //p' "$WORK/out")
[ -n "$BASE" ] || { cat "$WORK/err"; echo "server did not start" >&2; exit 1; }

PAGE=/login
PAGE_BYTES=$(curl -s "$BASE$PAGE" | wc -c)
# The static file from the same server whose size is closest to the page's.
ASSET=""; ASSET_BYTES=0; BEST=-1
for f in target/site/pkg/*.css target/site/pkg/*.js target/site/favicon.svg; do
  size=$(stat -c %s "$f")
  diff=$(( size > PAGE_BYTES ? size - PAGE_BYTES : PAGE_BYTES - size ))
  if [ "$BEST" -lt 0 ] || [ "$diff" -lt "$BEST" ]; then
    BEST=$diff; ASSET="/${f#target/site/}"; ASSET_BYTES=$size
  fi
done

run_wrk() { # url -> "rps p50 p99"
  wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency "$1" > "$WORK/wrk" 2>&1
  local rps p50 p99 non2xx
  rps=$(awk '/^Requests\/sec:/ {print $2}' "$WORK/wrk")
  p50=$(awk '$1=="50%" {print $2}' "$WORK/wrk")
  p99=$(awk '$1=="99%" {print $2}' "$WORK/wrk")
  non2xx=$(awk '/Non-2xx/ {print $NF}' "$WORK/wrk")
  if [ -n "$non2xx" ]; then echo "wrk saw $non2xx non-2xx answers for $1" >&2; cat "$WORK/wrk" >&2; exit 1; fi
  echo "$rps $p50 $p99"
}

curl -s -o /dev/null "$BASE$PAGE"  # warm up
read -r PAGE_RPS PAGE_P50 PAGE_P99 < <(run_wrk "$BASE$PAGE")
read -r ASSET_RPS ASSET_P50 ASSET_P99 < <(run_wrk "$BASE$ASSET")
RATIO=$(awk -v a="$PAGE_RPS" -v b="$ASSET_RPS" 'BEGIN { printf "%.0f", 100 * a / b }')

# The WASM the sign-in page loads first (the one its preload link names);
# pages split off with --split are separate files, summed below.
WASM_URL=$(curl -s "$BASE$PAGE" | grep -o '/pkg/[^"]*\.wasm' | head -1)
[ -n "$WASM_URL" ] || { echo "no WASM link in $PAGE" >&2; exit 1; }
WASM="target/site${WASM_URL}"
SPLIT_FILES=$(find target/site/pkg -name '*.wasm' ! -path "$WASM" | wc -l)
SPLIT_GZ=0; SPLIT_MAX=0
for f in $(find target/site/pkg -name '*.wasm' ! -path "$WASM"); do
  n=$(curl -s -H 'Accept-Encoding: gzip' -o /dev/null -w '%{size_download}' "$BASE/pkg/$(basename "$f")")
  SPLIT_GZ=$(( SPLIT_GZ + n ))
  [ "$n" -gt "$SPLIT_MAX" ] && SPLIT_MAX=$n
done
WASM_RAW=$(stat -c %s "$WASM")
WASM_BR=$(curl -s -H 'Accept-Encoding: br' -o /dev/null -w '%{size_download}' "$BASE$WASM_URL")
WASM_GZ=$(curl -s -H 'Accept-Encoding: gzip' -o /dev/null -w '%{size_download}' "$BASE$WASM_URL")
kb() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1000 }'; }

# The counselling session: one autosave round trip, and the session page's
# weight as headless Chromium loads it (tests/src/bin/case_bench.rs).
cargo build --release --locked -p tests --bin case_bench -q
target/release/case_bench "$BASE" 300 > "$WORK/case"
case_value() { sed -n "s/^$1=//p" "$WORK/case"; }

# Scale: N synthetic plans (default 100 000) with milestones, handovers and
# audit rows (tests/src/bin/plan_gen.rs), on SQLite and on PostgreSQL; the
# server's time for the busiest supervisor's dashboard and the busiest
# mission's inbox (tests/src/bin/scale_bench.rs). Budget: 100 ms (p95).
PLANS="${SAFEPLAN_BENCH_PLANS:-100000}"
cargo build --release --locked -p tests --bin plan_gen --bin scale_bench -q
source .ci/postgres.sh
start_postgres
PG_DB="safeplan_bench_$$"
scale_run() { # engine database-url
  local engine=$1 url=$2 start end
  start=$(date +%s)
  target/release/plan_gen --database-url "$url" --plans "$PLANS" > "$WORK/gen-$engine"
  end=$(date +%s)
  echo "generated_s=$(( end - start ))" > "$WORK/scale-$engine"
  DATABASE_URL="$url" SAFEPLAN_SECRET_KEY="$(target/release/safeplan secret-key)" \
    target/release/safeplan serve --bind 127.0.0.1:0 > "$WORK/out-$engine" 2> "$WORK/err-$engine" &
  local pid=$!
  for _ in $(seq 1 300); do
    grep -q "listening on" "$WORK/out-$engine" 2>/dev/null && break
    sleep 0.1
  done
  local base
  base=$(sed -n 's/^Safeplan listening on //p' "$WORK/out-$engine")
  [ -n "$base" ] || { cat "$WORK/err-$engine"; echo "server on $engine did not start" >&2; exit 1; }
  target/release/scale_bench "$base" 40 >> "$WORK/scale-$engine"
  kill "$pid"; wait "$pid" 2>/dev/null || true
}
scale_run sqlite "sqlite://$WORK/scale.db"
# The backup drill at scale: the SQLite database of $PLANS plans copied,
# checked and sealed (safeplan backup), then restored and checked into a
# new place (safeplan restore); both print the content digest.
secs_between() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
target/release/safeplan secret-key > "$WORK/backup.key"
T0=$(date +%s.%N)
target/release/safeplan --database-url "sqlite://$WORK/scale.db" \
  backup --to "$WORK/scale.backup" --key-file "$WORK/backup.key" > "$WORK/backup-out"
T1=$(date +%s.%N)
target/release/safeplan --database-url "sqlite://$WORK/restored.db" \
  restore --from "$WORK/scale.backup" --key-file "$WORK/backup.key" > "$WORK/restore-out"
T2=$(date +%s.%N)
BACKUP_S=$(secs_between "$T0" "$T1"); RESTORE_S=$(secs_between "$T1" "$T2")
DB_MB=$(( $(stat -c %s "$WORK/scale.db") / 1048576 ))
BACKUP_MB=$(( $(stat -c %s "$WORK/scale.backup") / 1048576 ))
BACKUP_ROWS=$(sed -n 's/^[0-9]* tables, \([0-9]*\) rows.*/\1/p' "$WORK/backup-out")
digest_of() { grep -o 'content digest [0-9a-f]*' "$1"; }
BACKUP_SAME=$([ "$(digest_of "$WORK/backup-out")" = "$(digest_of "$WORK/restore-out")" ] && echo yes || echo NO)
rm -f "$WORK/scale.backup" "$WORK/restored.db"
PG_ADMIN="$SAFEPLAN_TEST_POSTGRES_URL"
psql "$PG_ADMIN" -qc "CREATE DATABASE $PG_DB" > /dev/null
scale_run postgres "${PG_ADMIN%/*}/$PG_DB"
psql "$PG_ADMIN" -qc "DROP DATABASE $PG_DB" > /dev/null
scale() { sed -n "s/^$2=//p" "$WORK/scale-$1"; }
within() { awk -v v="$1" 'BEGIN { exit !(v <= 100) }' && echo pass || echo FAIL; }
SCALE_OK=pass
for e in sqlite postgres; do
  for m in dashboard inbox_all inbox_new; do
    [ "$(within "$(scale $e ${m}_p95)")" = pass ] || SCALE_OK=FAIL
  done
done
scale_row() { # label key
  echo "| $1 | $(scale sqlite "$2_p50") / $(scale sqlite "$2_p95") / $(scale sqlite "$2_max") ms | $(scale postgres "$2_p50") / $(scale postgres "$2_p95") / $(scale postgres "$2_max") ms |"
}

GZ_OK=$([ "$WASM_GZ" -le 350000 ] && echo "pass" || echo "FAIL")
RATIO_OK=$([ "$RATIO" -ge 50 ] && echo "pass" || echo "FAIL")

CPU=$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)
MEM=$(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)
COMMIT=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
DIRTY=$(git diff --quiet 2>/dev/null || echo " (uncommitted changes)")

ENTRY="$WORK/entry.md"
cat > "$ENTRY" <<MD
### $(date -u +%Y-%m-%d\ %H:%M) UTC — commit $COMMIT$DIRTY

Machine: $(nproc) cores ($CPU), $MEM, $(uname -sr); load generator wrk on the same machine, loopback,
$CONNECTIONS connections, 2 threads, ${DURATION} s per run; server log level warn; SQLite.

| target | size | requests/s | p50 | p99 |
|---|---|---|---|---|
| server-rendered page \`$PAGE\` | $(kb "$PAGE_BYTES") KB | $PAGE_RPS | $PAGE_P50 | $PAGE_P99 |
| static asset \`$ASSET\` | $(kb "$ASSET_BYTES") KB | $ASSET_RPS | $ASSET_P50 | $ASSET_P99 |

Page throughput is **${RATIO}%** of the static asset's (budget ≥ 50%: $RATIO_OK).

| WASM \`$(basename "$WASM")\` | bytes |
|---|---|
| raw | $WASM_RAW ($(kb "$WASM_RAW") KB) |
| transferred, brotli | $WASM_BR ($(kb "$WASM_BR") KB) |
| transferred, gzip | $WASM_GZ ($(kb "$WASM_GZ") KB) (budget ≤ 350 KB: $GZ_OK) |

Pages loaded on demand: $SPLIT_FILES further WASM files, $(kb "$SPLIT_GZ") KB gzip in all, the largest $(kb "$SPLIT_MAX") KB.

Counselling session (demo data, one counsellor):

| measure | value |
|---|---|
| autosave round trip (\`/api/cases/save\`, $(case_value autosave_count) sequential saves, loopback) | p50 $(case_value autosave_p50_ms) ms · p95 $(case_value autosave_p95_ms) ms · p99 $(case_value autosave_p99_ms) ms · max $(case_value autosave_max_ms) ms |
| session page \`$(case_value page_path)\`, as Chromium transfers it (cold cache) | $(case_value page_total_kb) KB in $(case_value page_files) files: document $(case_value page_document_kb) KB, WASM $(case_value page_wasm_kb) KB, JS $(case_value page_js_kb) KB, CSS $(case_value page_css_kb) KB, other $(case_value page_other_kb) KB ($(case_value page_decoded_kb) KB decoded) |

Scale: $PLANS synthetic plans in 20 counselling organisations and 4 missions (plan_gen, seed 7), with
their sections, handovers, messages, snapshots and audit rows; generated in $(scale sqlite generated_s) s on SQLite,
$(scale postgres generated_s) s on PostgreSQL. Server time of one request on loopback, 40 sequential calls
each (p50 / p95 / max); the dashboard of the busiest organisation's supervisor, the inbox of the busiest
mission's return officer. Budget: dashboard and inbox ≤ 100 ms at p95 on both engines: **$SCALE_OK**.

| measure | SQLite | PostgreSQL |
|---|---|---|
$(scale_row "dashboard (all plans of the organisation)" dashboard)
$(scale_row "dashboard, filtered (high risk, first contact since 2025)" dashboard_filtered)
$(scale_row "inbox, all statuses" inbox_all)
$(scale_row "inbox, new" inbox_new)
$(scale_row "caseload, first page (for comparison)" caseload)
$(scale_row "social map, 3 000 organisations: search by words" map_text)
$(scale_row "social map: by service, country and language" map_facets)

Backup drill at scale (SQLite, the $PLANS plans above, $DB_MB MB, $BACKUP_ROWS rows): \`safeplan backup\`
(copy, integrity check, inventory, sealing) took $BACKUP_S s for a $BACKUP_MB MB sealed file; \`safeplan restore\`
(opening, integrity check, inventory) $RESTORE_S s; content digests of copy and restore equal: **$BACKUP_SAME**.

MD

if [ ! -f BENCHMARKS.md ]; then
  cat > BENCHMARKS.md <<'MD'
# Benchmarks

Written by `bash .ci/bench.sh` (see README). Newest run first. Machines are
shared and noisy: compare figures as ratios within one run, not across runs.

<!-- runs -->
MD
fi
awk -v entry="$ENTRY" '{ print } /^<!-- runs -->$/ { print ""; while ((getline line < entry) > 0) print line }' BENCHMARKS.md > "$WORK/b.md"
mv "$WORK/b.md" BENCHMARKS.md
cat "$ENTRY"
[ "$GZ_OK" = pass ] && [ "$RATIO_OK" = pass ] && [ "$SCALE_OK" = pass ]
