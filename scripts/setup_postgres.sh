#!/usr/bin/env bash
# A throw-away PostgreSQL cluster for the dossier backend's tests, on 127.0.0.1 only.
#
#   eval "$(bash scripts/setup_postgres.sh)"     # sets MOTCUA_TEST_POSTGRES_URL
#   bash scripts/stop_postgres.sh [--purge]
#
# Installs Debian's postgresql package when no pg_ctl is found (as root), initialises a cluster in
# ${MOTCUA_PG_DIR:-$PWD/.cache/postgres} (data in data/, the Unix socket and the log beside it) owned by the
# postgres OS user (the current user when not root), starts it listening on 127.0.0.1:${MOTCUA_PG_PORT:-54329}
# only, with password-less (trust) access for the postgres role over that address and the socket and nothing else,
# and creates the database motcua_test. The only line on stdout is the export; everything else goes to stderr.
# When the cluster already runs it just prints the line. Durability is switched off: the data is disposable.
set -euo pipefail

PG_DIR="${MOTCUA_PG_DIR:-$PWD/.cache/postgres}"
PG_PORT="${MOTCUA_PG_PORT:-54329}"
DB_NAME=motcua_test
DATA="$PG_DIR/data"
URL_PORT=""

find_bindir() {
  local dir
  dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
  if [ -n "$dir" ] && [ -x "$dir/pg_ctl" ] && [ -x "$dir/initdb" ]; then
    echo "$dir"
  fi
}

# initdb refuses root, so as root the cluster belongs to (and runs as) the postgres OS user.
if [ "$(id -u)" = 0 ]; then
  as_owner() { runuser -u postgres -- "$@"; }
  OWNER=postgres
else
  as_owner() { "$@"; }
  OWNER="$(id -un)"
fi

write_config() {
  # Only the postgres role, only over the socket and 127.0.0.1, without a password.
  as_owner tee "$DATA/pg_hba.conf" >/dev/null <<'EOF'
# TYPE  DATABASE  USER      ADDRESS        METHOD
local   all       postgres                 trust
host    all       postgres  127.0.0.1/32   trust
EOF
  as_owner tee -a "$DATA/postgresql.conf" >/dev/null <<EOF

# motcua test cluster (scripts/setup_postgres.sh)
listen_addresses = '127.0.0.1'
unix_socket_directories = '$PG_DIR'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 50
EOF
}

main() {
  local bindir tool port
  bindir="$(find_bindir)"
  if [ -z "$bindir" ] && ! command -v pg_ctl >/dev/null 2>&1; then
    if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
      echo "PostgreSQL is not installed: install Debian's postgresql package (as root), then run this again."
      return 1
    fi
    echo "Installing Debian's postgresql package…"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql </dev/null
    bindir="$(find_bindir)"
  fi
  if [ -z "$bindir" ]; then
    # pg_ctl on PATH but not in Debian's layout (another distribution, a source build).
    bindir="$(dirname "$(readlink -f "$(command -v pg_ctl)")")"
  fi
  for tool in pg_ctl initdb psql createdb; do
    if [ ! -x "$bindir/$tool" ]; then
      echo "$bindir/$tool not found: the PostgreSQL installation is incomplete."
      return 1
    fi
  done
  if [ "$OWNER" = postgres ] && ! id postgres >/dev/null 2>&1; then
    echo "No postgres OS user (Debian's postgresql package creates it)."
    return 1
  fi

  # Already running on this data directory: its port is line 4 of postmaster.pid.
  if [ -f "$DATA/postmaster.pid" ] && as_owner "$bindir/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
    port="$(sed -n 4p "$DATA/postmaster.pid")"
    if [ "$port" != "$PG_PORT" ]; then
      echo "The cluster in $PG_DIR already runs on port $port (not $PG_PORT); using it."
    fi
    URL_PORT="$port"
    return 0
  fi

  mkdir -p "$PG_DIR"
  chown "$OWNER" "$PG_DIR"
  chmod 700 "$PG_DIR"
  if ! as_owner test -w "$PG_DIR"; then
    echo "$OWNER cannot write to $PG_DIR (a parent directory is not traversable): set MOTCUA_PG_DIR."
    return 1
  fi

  if [ ! -f "$DATA/PG_VERSION" ]; then
    echo "Initialising a throw-away cluster in $DATA…"
    as_owner "$bindir/initdb" -D "$DATA" -U postgres --auth-local=trust --auth-host=reject \
      --encoding=UTF8 --locale=C --no-sync >/dev/null
    write_config
  fi

  echo "Starting PostgreSQL on 127.0.0.1:$PG_PORT…"
  if ! as_owner "$bindir/pg_ctl" -D "$DATA" -l "$PG_DIR/postgres.log" -w -t 30 \
    -o "-p $PG_PORT -c listen_addresses=127.0.0.1" start </dev/null >/dev/null; then
    echo "PostgreSQL did not start; the end of $PG_DIR/postgres.log:"
    tail -n 20 "$PG_DIR/postgres.log" || true
    return 1
  fi

  if [ "$(as_owner "$bindir/psql" -h "$PG_DIR" -p "$PG_PORT" -U postgres -X -d postgres -tAc \
    "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'")" != 1 ]; then
    as_owner "$bindir/createdb" -h "$PG_DIR" -p "$PG_PORT" -U postgres "$DB_NAME"
  fi
  URL_PORT="$PG_PORT"
}

# main's stdout goes to stderr, so no child (the server daemon above all) holds the caller's stdout open and a
# "$(…)" around this script returns as soon as the script ends.
main 1>&2
echo "export MOTCUA_TEST_POSTGRES_URL=postgresql+psycopg://postgres@127.0.0.1:$URL_PORT/$DB_NAME"
