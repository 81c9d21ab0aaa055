#!/usr/bin/env bash
# Create .venv (Python 3.11) and install motcua with its test tools. Safe to re-run; offline except the registries.
set -euo pipefail
cd "$(dirname "$0")/.."

pick_python() {
  for candidate in "${MOTCUA_PYTHON:-}" python3.11 python3; do
    [ -n "$candidate" ] || continue
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else 1)' 2>/dev/null; then
      command -v "$candidate"; return 0
    fi
  done
  echo "motcua needs Python 3.11 (set MOTCUA_PYTHON to its path)" >&2
  return 1
}

if [ ! -x .venv/bin/python ]; then
  "$(pick_python)" -m venv .venv
fi
stamp=.venv/.motcua-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  .venv/bin/python -m pip install --quiet --upgrade pip
  # torch 2.13.0 (CPU) is pinned in pyproject.toml: plain pip takes the CPU wheel this machine provides.
  .venv/bin/python -m pip install --quiet -e '.[dev]'
  touch "$stamp"
fi
