#!/usr/bin/env bash
# Build the handbook with Zensical instead of MkDocs, from the same mkdocs.yml
# (see docs/hosting.md and site_plugins/crossroads/zensical.py):
#   bash scripts/zensical.sh build                  # writes site/ (site_dir of mkdocs.yml)
#   bash scripts/zensical.sh build -d public        # writes public/
#   bash scripts/zensical.sh build --keep-stage DIR # keeps the staged pages and configuration
# Zensical comes with `bash scripts/setup.sh` (pip install -e ".[zensical]").
set -euo pipefail
cd "$(dirname "$0")/.."
python=.venv/bin/python
[ -x "$python" ] || python=python3
export NO_MKDOCS_2_WARNING=1
exec "$python" -m site_plugins.crossroads.zensical "$@"
