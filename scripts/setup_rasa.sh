#!/usr/bin/env bash
# Create .venv-rasa (Python 3.10) with Rasa Open Source 3.6.21 for the dialogue server. Safe to re-run.
# Rasa 3.6.21 needs Python < 3.11; it holds only Rasa and our NLU components (nlu/), which it imports from the repo.
set -euo pipefail
cd "$(dirname "$0")/.."

pick_python310() {
  for candidate in "${MOTCUA_PYTHON310:-}" "${PYENV_ROOT:-/root/.pyenv}/versions/3.10.13/bin/python3.10" python3.10; do
    [ -n "$candidate" ] || continue
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 10) else 1)' 2>/dev/null; then
      command -v "$candidate"; return 0
    fi
  done
  echo "Rasa 3.6.21 needs Python 3.10 (set MOTCUA_PYTHON310 to its path)" >&2
  return 1
}

constraints=env/rasa-3.6.21-py310-constraints.txt
stamp=.venv-rasa/.motcua-installed
if [ -f "$stamp" ] && [ ! "$constraints" -nt "$stamp" ]; then
  exit 0
fi
[ -x .venv/bin/python ] || bash scripts/setup.sh
# uv resolves Rasa's pins in seconds where pip backtracks for minutes; it lives in the main venv.
[ -x .venv/bin/uv ] || .venv/bin/python -m pip install --quiet 'uv>=0.5'
[ -x .venv-rasa/bin/python ] || .venv/bin/uv venv --quiet --python "$(pick_python310)" .venv-rasa
echo "Installing Rasa 3.6.21 into .venv-rasa (about a minute)…" >&2
.venv/bin/uv pip install --quiet --python .venv-rasa/bin/python -c "$constraints" rasa==3.6.21 setuptools==70.3.0
touch "$stamp"
