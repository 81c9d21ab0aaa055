#!/usr/bin/env bash
# Stop the throw-away test cluster started by scripts/setup_postgres.sh (same MOTCUA_PG_DIR).
# --purge also deletes the cluster's directory. Nothing running is not an error.
set -euo pipefail

PG_DIR="${MOTCUA_PG_DIR:-$PWD/.cache/postgres}"
DATA="$PG_DIR/data"
purge=0
for arg in "$@"; do
  case "$arg" in
    --purge) purge=1 ;;
    *) echo "usage: $0 [--purge]" >&2; exit 2 ;;
  esac
done

if [ -f "$DATA/PG_VERSION" ]; then
  BINDIR="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
  if [ -z "$BINDIR" ] || [ ! -x "$BINDIR/pg_ctl" ]; then
    BINDIR="$(dirname "$(readlink -f "$(command -v pg_ctl)")")"
  fi
  if [ "$(id -u)" = 0 ]; then
    as_owner() { runuser -u postgres -- "$@"; }
  else
    as_owner() { "$@"; }
  fi
  if as_owner "$BINDIR/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
    as_owner "$BINDIR/pg_ctl" -D "$DATA" -m fast -w -t 30 stop >/dev/null
    echo "Stopped the PostgreSQL test cluster in $PG_DIR." >&2
  else
    echo "The PostgreSQL test cluster in $PG_DIR is not running." >&2
  fi
else
  echo "No PostgreSQL test cluster in $PG_DIR." >&2
fi

if [ "$purge" = 1 ] && [ -d "$PG_DIR" ]; then
  rm -rf "$PG_DIR"
  echo "Removed $PG_DIR." >&2
fi
