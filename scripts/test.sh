#!/usr/bin/env bash
# Run every test: engine, Pyodide parity, site build, browser, accessibility, privacy, hosting.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PATH="$PWD/.venv/bin:$PATH"
echo "== building the site (strict)"
mkdocs build --strict --quiet
echo "== running the tests"
exec python -m pytest "$@"
