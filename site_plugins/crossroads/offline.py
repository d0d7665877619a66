"""Offline reading: the service worker written into the built site.

Interface used by plugin.py:

    write_service_worker(site_dir) -> dict
        After the build: write `sw.js` at the root of the site, holding the
        list of the site's files with a content hash of each (see
        assets/offline/sw.js for what the worker does with it). Returns the
        manifest written.

The page side is docs/overrides/assets/crossroads/offline.js, included by
docs/overrides/partials/javascripts/base.html: it registers the worker, tells
the reader when a newer build is ready, and unregisters the worker (and
deletes its caches) when the plugin option `offline` is false.

What the worker keeps, decided here from the built files:

- every page (`x/index.html`, as `x/`), the search index, the theme's and the
  evaluator's files: fetched when the worker is installed;
- the Python runtime (`assets/pyodide/`) and the engine archive: not fetched at
  installation (megabytes a reader of the handbook alone never needs), but kept
  once the evaluator has loaded them;
- every language edition (de/, ja/) the same way: one worker at the site's
  root keeps them all;
- left out: precompressed copies, source maps, the sitemap, the 404 page and
  the search language files of other languages (kept if ever fetched).
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from .evaluator import ASSET_DIR

HERE = Path(__file__).resolve().parent
TEMPLATE = HERE / "assets" / "offline" / "sw.js"
WORKER = "sw.js"
PLACEHOLDER = 'const MANIFEST = { build: "", runtime: "", files: {} };'
SKIPPED_SUFFIXES = (".map",)
COPY_SUFFIXES = (".gz", ".br")  # a precompressed copy sits next to its original
SKIPPED_NAMES = {WORKER, "sitemap.xml", "sitemap.xml.gz", "404.html"}
SKIPPED_FOLDERS = ("assets/javascripts/lunr/",)
RUNTIME_FOLDER = "assets/pyodide/"
# Not fetched at installation but kept once the evaluator has started: the
# engine, and the Word report's modules (about 1 MB that a reader of the
# handbook alone never needs).
LAZY = {f"{ASSET_DIR}/engine.tar.gz", f"{ASSET_DIR}/report_docx.js"}
LAZY_FOLDERS = ("assets/docx/",)
# The theme's bundles carry a hash of their content in their name (main.57a0d79d.min.css).
HASHED_NAME = re.compile(r"\.[0-9a-f]{8,}\.min\.(?:js|css)$")


def _digest(data: bytes) -> str:
    # The same short hash as the evaluator's `?v=` (evaluator._digest), so the
    # worker can tell whether a versioned URL is this build's file.
    return hashlib.sha256(data).hexdigest()[:12]


# A language edition's folder (de/, ja/): each edition holds its own
# evaluator files, kept by the one worker at the site's root like the default edition's.
EDITION = re.compile(r"^[a-z]{2}(?:[-_][A-Za-z]{2,4})?/(?=assets/)")


def _kind(path: str) -> str:
    path = EDITION.sub("", path)
    if path.startswith(RUNTIME_FOLDER):
        return "runtime"
    if path in LAZY or path.startswith(LAZY_FOLDERS):
        return "lazy"
    if path == "" or path.endswith("/"):
        return "page"
    if HASHED_NAME.search(path):
        return "fixed"
    return "file"


def manifest(site_dir: str | Path) -> dict:
    """The build's files as the worker sees them: path -> [hash, kind], plus the build and runtime hashes."""
    root = Path(site_dir)
    files: dict[str, list[str]] = {}
    for file in sorted(root.rglob("*")):
        if not file.is_file():
            continue
        rel = file.relative_to(root).as_posix()
        if file.suffix in SKIPPED_SUFFIXES or rel in SKIPPED_NAMES or rel.startswith(SKIPPED_FOLDERS):
            continue
        if file.suffix in COPY_SUFFIXES and file.with_suffix("").is_file():
            continue
        path = rel[: -len("index.html")] if file.name == "index.html" else rel
        files[path] = [_digest(file.read_bytes()), ""]
    for path, entry in files.items():
        entry[1] = _kind(path)
    runtime = hashlib.sha256(json.dumps({p: e for p, e in files.items() if e[1] == "runtime"}, sort_keys=True).encode())
    build = hashlib.sha256(json.dumps(files, sort_keys=True).encode())
    editions = sorted({match.group(0) for path in files if (match := EDITION.match(path))})
    return {"build": build.hexdigest()[:12], "runtime": runtime.hexdigest()[:12], "files": files, "editions": editions}


def write_service_worker(site_dir: str | Path) -> dict:
    found = manifest(site_dir)
    template = TEMPLATE.read_text(encoding="utf-8")
    if template.count(PLACEHOLDER) != 1:
        raise RuntimeError(f"{TEMPLATE} should declare MANIFEST once as: {PLACEHOLDER}")
    line = f"const MANIFEST = {json.dumps(found, sort_keys=True, separators=(',', ':'))};"
    (Path(site_dir) / WORKER).write_text(template.replace(PLACEHOLDER, line), encoding="utf-8")
    return found
