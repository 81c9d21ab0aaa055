#!/usr/bin/env bash
# Debian's Chromium for the web widget's browser tests (Playwright drives it; its own browser download is not used).
set -euo pipefail
CHROMIUM="${MOTCUA_CHROMIUM:-/usr/bin/chromium}"
if [ -x "$CHROMIUM" ]; then
  exit 0
fi
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  echo "Installing Debian's chromium for the browser tests (about a minute)…" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
else
  echo "The browser tests need Chromium at $CHROMIUM: install Debian's chromium package (as root)." >&2
  exit 1
fi
