#!/usr/bin/env bash
# Run every check: lint (ruff, ESLint), the strict build, then every test
# (engine, Pyodide parity, site, Zensical, browser, accessibility, privacy,
# hosting). Arguments go to pytest; `-m ""` selects every marker, which plain
# `pytest` leaves out (see pyproject.toml).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PATH="$PWD/.venv/bin:$PATH"
echo "== lint: ruff (Python), ESLint (JavaScript)"
ruff check --quiet .
npx --no-install eslint --max-warnings 0 .
echo "== building the site (strict)"
mkdocs build --strict --quiet
echo "== running the tests"
exec python -m pytest -m "" "$@"
