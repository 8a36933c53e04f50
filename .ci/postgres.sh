# Sourced by test.sh and bench.sh: makes sure a PostgreSQL server runs on
# loopback and exports SAFEPLAN_TEST_POSTGRES_URL (an account that may
# create databases). Skipped when SAFEPLAN_TEST_POSTGRES_URL is already set.

as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi
}

start_postgres() {
  if [ -n "${SAFEPLAN_TEST_POSTGRES_URL:-}" ]; then
    echo "[postgres] using SAFEPLAN_TEST_POSTGRES_URL from the environment" >&2
    return
  fi
  local ver port status
  ver=$(ls /usr/lib/postgresql 2>/dev/null | sort -n | tail -1)
  if [ -z "$ver" ]; then
    echo "[postgres] no PostgreSQL server installed (bash .ci/setup.sh test installs it)" >&2
    exit 1
  fi
  if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -qx "$ver main"; then
    echo "[postgres] creating cluster $ver/main" >&2
    pg_createcluster "$ver" main >/dev/null
  fi
  port=$(pg_lsclusters -h | awk -v v="$ver" '$1==v && $2=="main" {print $3}')
  status=$(pg_lsclusters -h | awk -v v="$ver" '$1==v && $2=="main" {print $4}')
  if [ "$status" != "online" ]; then
    echo "[postgres] starting cluster $ver/main on 127.0.0.1:$port" >&2
    pg_ctlcluster "$ver" main start
  fi
  for _ in $(seq 1 60); do
    pg_isready -q -h 127.0.0.1 -p "$port" && break
    sleep 0.5
  done
  if ! pg_isready -q -h 127.0.0.1 -p "$port"; then
    echo "[postgres] the server on 127.0.0.1:$port did not become ready" >&2
    exit 1
  fi
  as_postgres psql -p "$port" -qtAX -v ON_ERROR_STOP=1 <<'SQL' >/dev/null
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'safeplan_test') THEN
    CREATE ROLE safeplan_test LOGIN CREATEDB PASSWORD 'safeplan_test';
  END IF;
END
$$;
SQL
  # Databases left by earlier runs (each test makes its own).
  as_postgres psql -p "$port" -qtAX -c \
    "SELECT 'DROP DATABASE IF EXISTS ' || quote_ident(datname) || ';' FROM pg_database WHERE datname LIKE 'safeplan_t_%'" \
    | as_postgres psql -p "$port" -qtAX >/dev/null 2>&1 || true
  export SAFEPLAN_TEST_POSTGRES_URL="postgres://safeplan_test:safeplan_test@127.0.0.1:$port/postgres"
}
