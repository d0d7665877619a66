#!/usr/bin/env bash
# Installs everything Crossroads needs on a fresh Debian machine:
#   - Debian packages: chromium (browser tests), nginx with its Brotli module (hosting test),
#     LibreOffice Writer and poppler-utils (the DOCX report test converts to PDF and reads it),
#     fonts-noto-cjk (Japanese text in the browser tests), when run as root
#   - a Python virtual environment in .venv with the project, its test extras and
#     the pinned Zensical (the second way to build the handbook)
#   - the npm packages pinned in package-lock.json (Pyodide runtime, test tools)
# Safe to run again: each step is skipped when already done.
set -euo pipefail
cd "$(dirname "$0")/.."

want_browser="${1:-all}"   # "all" (default) or "nobrowser"

if [ "$want_browser" = "all" ]; then
  missing=()
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx-light)
  command -v soffice >/dev/null 2>&1 || missing+=(libreoffice-writer-nogui)
  command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
  [ -f /usr/lib/nginx/modules/ngx_http_brotli_static_module.so ] || missing+=(libnginx-mod-http-brotli-static)
  # Japanese glyphs for the Japanese edition's screenshots and tests (the site uses the reader's system fonts).
  [ -d /usr/share/fonts/opentype/noto ] && ls /usr/share/fonts/opentype/noto | grep -q CJK || missing+=(fonts-noto-cjk)
  if [ "${#missing[@]}" -gt 0 ]; then
    if [ "$(id -u)" = "0" ]; then
      echo "setup: installing ${missing[*]} with apt-get"
      DEBIAN_FRONTEND=noninteractive apt-get update -qq
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    else
      echo "setup: please install ${missing[*]} (sudo apt-get install ${missing[*]})" >&2
      exit 1
    fi
  fi
fi

if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv"
  python3 -m venv .venv
fi
stamp=.venv/.crossroads-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  echo "setup: installing Python packages"
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e ".[test,zensical]"
  touch "$stamp"
fi

if [ ! -d node_modules/pyodide ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing npm packages"
  npm ci --no-audit --no-fund --loglevel=error
fi
