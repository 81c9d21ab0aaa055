#!/usr/bin/env bash
# Set up, build the search index if it is missing or stale, and ask questions in the terminal.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 TOKENIZERS_PARALLELISM=false
# The same cache inside the clone as the tests use: the model is converted and the index built once.
export MOTCUA_CACHE_DIR="${MOTCUA_CACHE_DIR:-$PWD/.cache/motcua}"
.venv/bin/motcua index build
exec .venv/bin/motcua ask "$@"
