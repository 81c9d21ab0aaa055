#!/usr/bin/env bash
# Set up, lint, and run every test (unit and integration). Exit code 5 (no tests collected) counts as failure.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh || exit 1
bash scripts/setup_rasa.sh || exit 1
bash scripts/setup_browser.sh || exit 1
# The widget's browser tests must run here, never skip.
export MOTCUA_REQUIRE_BROWSER=1
# A throw-away PostgreSQL server on 127.0.0.1 (Debian's package): the dossier backend tests run on it and on SQLite.
pg_env="$(bash scripts/setup_postgres.sh)" || exit 1
eval "$pg_env"
export MOTCUA_REQUIRE_POSTGRES=1
trap 'bash scripts/stop_postgres.sh >/dev/null 2>&1 || true' EXIT
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 TOKENIZERS_PARALLELISM=false
# A cache inside the clone: a fresh clone converts the model and builds the index from scratch.
export MOTCUA_CACHE_DIR="${MOTCUA_CACHE_DIR:-$PWD/.cache/motcua}"
.venv/bin/ruff check . || exit 1
.venv/bin/python -m pytest "$@"
status=$?
if [ "$status" -eq 5 ]; then
  echo "pytest collected no tests: failing" >&2
  exit 1
fi
exit "$status"
