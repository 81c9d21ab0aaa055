#!/usr/bin/env bash
# Debian's Chromium for the web widget's browser tests (Playwright drives it; its own browser download is not used)
# and poppler-utils (pdftoppm) to look at generated PDF forms as images.
set -euo pipefail
CHROMIUM="${MOTCUA_CHROMIUM:-/usr/bin/chromium}"
missing=()
[ -x "$CHROMIUM" ] || missing+=(chromium)
command -v pdftoppm >/dev/null 2>&1 || missing+=(poppler-utils)
if [ "${#missing[@]}" -eq 0 ]; then
  exit 0
fi
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  echo "Installing Debian's ${missing[*]} for the tests (about a minute)…" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "The tests need Debian's ${missing[*]}: install them as root." >&2
  exit 1
fi
