#!/usr/bin/env bash
# Set up, build the search index if it is missing or stale, and ask questions in the terminal.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export RASA_TELEMETRY_ENABLED=false HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
.venv/bin/motcua index build
exec .venv/bin/motcua ask "$@"
