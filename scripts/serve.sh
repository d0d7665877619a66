#!/usr/bin/env bash
# Serve the handbook with the working evaluator at http://127.0.0.1:8000
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh nobrowser
exec .venv/bin/mkdocs serve --dev-addr "${CROSSROADS_ADDR:-127.0.0.1:8000}" "$@"
