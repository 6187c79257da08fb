#!/usr/bin/env bash
# Makes the test prerequisites that live outside node_modules available: PostgreSQL and MariaDB for the
# integration tests (exports TEST_PG_URL and TEST_MYSQL_URL) and Debian's Chromium for the browser tests
# (exports CHROMIUM_PATH).
#
# The project's machines already run PostgreSQL on 127.0.0.1:5432 and MariaDB on 127.0.0.1:3306; those are
# used when they answer. On a plain Debian machine the packages are installed with apt and private servers
# are started on free ports with their data under .test-data/, and stopped again by stop_test_services.
#
# scripts/test.sh sources this file. Run it directly to get the services around one command, or until
# Ctrl-C when no command is given:
#   bash scripts/ensure-test-services.sh npx vitest run server/connectors
#
# Overrides: TEST_PG_URL / TEST_MYSQL_URL (use that server, fail if it does not answer),
# TEST_PG_PORT / TEST_MYSQL_PORT (where to look for running servers; 5432 / 3306),
# TEST_PG_PRIVATE_PORT / TEST_MYSQL_PRIVATE_PORT (first port tried for private servers; 55432 / 53306),
# CHROMIUM_PATH (a Chromium binary to use instead of /usr/bin/chromium).
# Needs node_modules (pg and mysql2 answer the "is it there?" questions), so run it after npm ci.

TEST_SERVICES_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TEST_SERVICES_DATA="$TEST_SERVICES_ROOT/.test-data"
test_services_apt_updated=""
test_services_pg_bin=""
test_services_pg_root=""
test_services_pg_in_tmp=""
test_services_mysql_pid=""
test_services_mysql_root=""
test_services_mysql_run=""

services_log() {
  printf '[services] %s\n' "$*"
}

services_die() {
  printf '[services] ERROR: %s\n' "$*" >&2
  return 1
}

as_root() {
  if [[ $EUID -eq 0 ]]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    services_die "need root (or sudo) to run: $*"
  fi
}

apt_install() {
  command -v apt-get >/dev/null 2>&1 || services_die "apt-get not found: install $* yourself (this script knows Debian only)"
  if [[ -z $test_services_apt_updated ]]; then
    services_log "apt-get update"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    test_services_apt_updated=1
  fi
  services_log "apt-get install $*"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

free_port() {
  local port=$1
  while port_in_use "$port"; do
    port=$((port + 1))
  done
  echo "$port"
}

# Connects as the URL's user and runs a trivial query: "answers" means usable, not merely listening.
postgres_answers() {
  node -e '
    const { Client } = require("pg");
    const client = new Client({ connectionString: process.argv[1], connectionTimeoutMillis: 5000 });
    client.connect().then(() => client.query("select 1")).then(() => client.end())
      .then(() => process.exit(0), () => process.exit(1));
  ' "$1" 2>/dev/null
}

# Connects without a database, then creates the URL's database when it is missing.
mysql_answers() {
  node -e '
    const mysql = require("mysql2/promise");
    const url = new URL(process.argv[1]);
    const database = decodeURIComponent(url.pathname.slice(1));
    url.pathname = "/";
    (async () => {
      const conn = await mysql.createConnection({ uri: url.toString(), connectTimeout: 5000 });
      if (database) await conn.query("CREATE DATABASE IF NOT EXISTS " + conn.escapeId(database));
      await conn.end();
    })().then(() => process.exit(0), () => process.exit(1));
  ' "$1" 2>/dev/null
}

ensure_chromium() {
  local path=${CHROMIUM_PATH:-/usr/bin/chromium}
  if [[ ! -x $path ]]; then
    [[ -z ${CHROMIUM_PATH:-} ]] || services_die "CHROMIUM_PATH=$CHROMIUM_PATH is not an executable file"
    apt_install chromium
    [[ -x $path ]] || services_die "apt-get installed chromium but $path does not exist"
  fi
  export CHROMIUM_PATH=$path
  services_log "Chromium: $path ($("$path" --version 2>/dev/null || echo 'version unknown'))"
}

postgres_bin_dir() {
  local dir
  for dir in /usr/lib/postgresql/15/bin $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -rV); do
    if [[ -x $dir/initdb && -x $dir/pg_ctl ]]; then
      echo "$dir"
      return 0
    fi
  done
  return 1
}

# PostgreSQL refuses to run as root, so as root the server runs as the package's postgres user.
as_postgres() {
  if [[ $EUID -eq 0 ]]; then
    (cd "$test_services_pg_root" && runuser -u postgres -- "$@")
  else
    (cd "$test_services_pg_root" && "$@")
  fi
}

stop_leftover_postgres() {
  local data=$1/data
  [[ -f $data/postmaster.pid && -n $test_services_pg_bin ]] || return 0
  services_log "stopping a PostgreSQL left running by an earlier run"
  as_postgres "$test_services_pg_bin/pg_ctl" -D "$data" stop -m immediate >/dev/null 2>&1 || true
}

start_private_postgres() {
  test_services_pg_bin=$(postgres_bin_dir) || {
    apt_install --no-install-recommends postgresql
    test_services_pg_bin=$(postgres_bin_dir) || services_die "apt-get installed postgresql but no initdb was found under /usr/lib/postgresql"
  }
  local root=$TEST_SERVICES_DATA/pg
  test_services_pg_root=$root
  mkdir -p "$root"
  stop_leftover_postgres "$root"
  rm -rf "$root"
  mkdir -p "$root"
  if [[ $EUID -eq 0 ]]; then
    id postgres >/dev/null 2>&1 || services_die "no 'postgres' system user to run PostgreSQL as (the postgresql package creates it)"
    chown postgres: "$root"
    # A checkout under a private home folder is out of the postgres user's reach.
    if ! runuser -u postgres -- test -w "$root"; then
      root=$(mktemp -d "${TMPDIR:-/tmp}/tidewater-pg.XXXXXX")
      chown postgres: "$root"
      test_services_pg_root=$root
      test_services_pg_in_tmp=1
    fi
  fi

  local port
  port=$(free_port "${TEST_PG_PRIVATE_PORT:-55432}")
  services_log "starting a private PostgreSQL ($test_services_pg_bin) on 127.0.0.1:$port, data in $root"
  as_postgres "$test_services_pg_bin/initdb" -D "$root/data" -U postgres -A trust -E UTF8 --no-sync >"$root/initdb.log" 2>&1 \
    || { cat "$root/initdb.log" >&2; services_die "initdb failed"; }
  # Throwaway test data: durability settings off for speed; TCP only, so no socket folder is needed.
  cat >>"$root/data/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = ''
max_connections = 200
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
  as_postgres "$test_services_pg_bin/pg_ctl" -D "$root/data" -l "$root/server.log" -w -t 60 start >/dev/null \
    || { tail -n 30 "$root/server.log" >&2; services_die "PostgreSQL did not start (log: $root/server.log)"; }
  export TEST_PG_URL="postgres://postgres@127.0.0.1:$port/postgres"
  postgres_answers "$TEST_PG_URL" || services_die "the private PostgreSQL started but does not answer at $TEST_PG_URL"
}

ensure_postgres() {
  if [[ -n ${TEST_PG_URL:-} ]]; then
    postgres_answers "$TEST_PG_URL" || services_die "TEST_PG_URL is set but nothing answers there"
    services_log "PostgreSQL: $TEST_PG_URL (given)"
    return 0
  fi
  local url="postgres://postgres@127.0.0.1:${TEST_PG_PORT:-5432}/postgres"
  if port_in_use "${TEST_PG_PORT:-5432}" && postgres_answers "$url"; then
    export TEST_PG_URL=$url
    services_log "PostgreSQL: $TEST_PG_URL (already running)"
    return 0
  fi
  start_private_postgres
  services_log "PostgreSQL: $TEST_PG_URL (private)"
}

mariadb_binary() {
  local name
  for name in mariadbd /usr/sbin/mariadbd mysqld /usr/sbin/mysqld; do
    if command -v "$name" >/dev/null 2>&1; then
      command -v "$name"
      return 0
    fi
  done
  return 1
}

stop_leftover_mariadb() {
  local pid_file=$1/mariadbd.pid pid
  [[ -f $pid_file ]] || return 0
  pid=$(cat "$pid_file")
  if kill -0 "$pid" 2>/dev/null; then
    services_log "stopping a MariaDB left running by an earlier run"
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  fi
}

# Runs SQL as MariaDB's root through the private server's socket.
mariadb_socket_sql() {
  if command -v mariadb >/dev/null 2>&1; then
    mariadb --no-defaults --protocol=socket --socket="$test_services_mysql_run/sock" -uroot -e "$1"
  else
    node -e '
      const mysql = require("mysql2/promise");
      (async () => {
        const conn = await mysql.createConnection({ socketPath: process.argv[1], user: "root", multipleStatements: true });
        await conn.query(process.argv[2]);
        await conn.end();
      })().catch((e) => { console.error(e.message); process.exit(1); });
    ' "$test_services_mysql_run/sock" "$1"
  fi
}

start_private_mariadb() {
  local server install_db
  server=$(mariadb_binary) || {
    apt_install --no-install-recommends mariadb-server
    server=$(mariadb_binary) || services_die "apt-get installed mariadb-server but no mariadbd was found"
  }
  install_db=$(command -v mariadb-install-db || command -v mysql_install_db) \
    || services_die "mariadb-install-db not found (package mariadb-server)"

  local root=$TEST_SERVICES_DATA/mysql user
  user=$(id -un)
  mkdir -p "$root"
  stop_leftover_mariadb "$root"
  rm -rf "$root"
  mkdir -p "$root"
  test_services_mysql_root=$root
  # Unix socket paths are limited to about 100 characters, and the checkout's path can be long.
  test_services_mysql_run=$(mktemp -d "${TMPDIR:-/tmp}/tidewater-mysql.XXXXXX")

  local port
  port=$(free_port "${TEST_MYSQL_PRIVATE_PORT:-53306}")
  services_log "starting a private MariaDB ($server) on 127.0.0.1:$port, data in $root"
  "$install_db" --no-defaults --user="$user" --datadir="$root/data" --auth-root-authentication-method=normal \
    --skip-test-db >"$root/install.log" 2>&1 \
    || { tail -n 30 "$root/install.log" >&2; services_die "mariadb-install-db failed (log: $root/install.log)"; }

  local user_flag=()
  [[ $EUID -ne 0 ]] || user_flag=(--user=root)
  "$server" --no-defaults "${user_flag[@]}" --datadir="$root/data" --port="$port" \
    --socket="$test_services_mysql_run/sock" --bind-address=127.0.0.1 --skip-name-resolve \
    --pid-file="$root/mariadbd.pid" --log-error="$root/server.log" --skip-log-bin \
    --innodb-buffer-pool-size=128M --innodb-log-file-size=16M --innodb-flush-log-at-trx-commit=0 \
    --max-connections=200 >/dev/null 2>&1 &
  test_services_mysql_pid=$!

  local ready=""
  for _ in $(seq 1 120); do
    if ! kill -0 "$test_services_mysql_pid" 2>/dev/null; then
      break
    fi
    if [[ -S $test_services_mysql_run/sock ]] && port_in_use "$port"; then
      ready=1
      break
    fi
    sleep 0.5
  done
  if [[ -z $ready ]]; then
    tail -n 30 "$root/server.log" >&2 || true
    services_die "MariaDB did not start (log: $root/server.log)"
  fi

  # With name resolution off, a TCP client from 127.0.0.1 needs an account for that exact host.
  mariadb_socket_sql "CREATE USER IF NOT EXISTS 'root'@'127.0.0.1' IDENTIFIED BY '';
    GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;
    CREATE DATABASE IF NOT EXISTS test;" \
    || services_die "could not create the root@127.0.0.1 account in the private MariaDB"
  export TEST_MYSQL_URL="mysql://root@127.0.0.1:$port/test"
  mysql_answers "$TEST_MYSQL_URL" || services_die "the private MariaDB started but does not answer at $TEST_MYSQL_URL"
}

ensure_mysql() {
  if [[ -n ${TEST_MYSQL_URL:-} ]]; then
    mysql_answers "$TEST_MYSQL_URL" || services_die "TEST_MYSQL_URL is set but nothing answers there"
    services_log "MariaDB: $TEST_MYSQL_URL (given)"
    return 0
  fi
  local url="mysql://root@127.0.0.1:${TEST_MYSQL_PORT:-3306}/test"
  if port_in_use "${TEST_MYSQL_PORT:-3306}" && mysql_answers "$url"; then
    export TEST_MYSQL_URL=$url
    services_log "MariaDB: $TEST_MYSQL_URL (already running)"
    return 0
  fi
  start_private_mariadb
  services_log "MariaDB: $TEST_MYSQL_URL (private)"
}

ensure_test_services() {
  ensure_chromium
  ensure_postgres
  ensure_mysql
}

# Safe to call more than once and when nothing was started.
stop_test_services() {
  if [[ -n $test_services_pg_root && -f $test_services_pg_root/data/postmaster.pid ]]; then
    services_log "stopping the private PostgreSQL"
    as_postgres "$test_services_pg_bin/pg_ctl" -D "$test_services_pg_root/data" stop -m fast -w >/dev/null 2>&1 || true
    if [[ -n $test_services_pg_in_tmp ]]; then
      rm -rf "$test_services_pg_root"
    else
      rm -rf "$test_services_pg_root/data"
    fi
  fi
  test_services_pg_root=""
  if [[ -n $test_services_mysql_pid ]]; then
    services_log "stopping the private MariaDB"
    kill "$test_services_mysql_pid" 2>/dev/null || true
    for _ in $(seq 1 60); do kill -0 "$test_services_mysql_pid" 2>/dev/null || break; sleep 0.5; done
    kill -9 "$test_services_mysql_pid" 2>/dev/null || true
    wait "$test_services_mysql_pid" 2>/dev/null || true
    rm -rf "$test_services_mysql_root/data" "$test_services_mysql_run"
  fi
  test_services_mysql_pid=""
}

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
  set -euo pipefail
  cd "$TEST_SERVICES_ROOT"
  trap stop_test_services EXIT
  trap 'exit 130' INT TERM
  ensure_test_services
  if [[ $# -gt 0 ]]; then
    "$@"
  else
    services_log "TEST_PG_URL=$TEST_PG_URL TEST_MYSQL_URL=$TEST_MYSQL_URL CHROMIUM_PATH=$CHROMIUM_PATH"
    services_log "press Ctrl-C to stop"
    sleep infinity &
    idle_pid=$!
    trap 'kill "$idle_pid" 2>/dev/null; stop_test_services' EXIT
    wait "$idle_pid"
  fi
fi
