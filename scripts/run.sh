#!/usr/bin/env bash
# Set up both environments, build the search index and train the Rasa model if missing or stale, start the
# action server and the Rasa server on 127.0.0.1, and chat with the assistant in this terminal.
# Ctrl-D leaves the chat and stops everything; Ctrl-C stops everything too.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/setup_rasa.sh
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 TOKENIZERS_PARALLELISM=false
# The same cache inside the clone as the tests use: the model is converted and the index built once.
export MOTCUA_CACHE_DIR="${MOTCUA_CACHE_DIR:-$PWD/.cache/motcua}"
.venv/bin/motcua index build
if [ -t 0 ]; then
  exec .venv/bin/motcua up --chat "$@"
fi
exec .venv/bin/motcua up "$@"
