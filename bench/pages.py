"""Bytes per page: what a reader downloads for each page of the built site.

Every page is opened in headless Chromium (a fresh context, so nothing comes
from cache); every same-origin request the page itself makes (not the
service worker's offline copy of the site) is mapped back to its file in the
built site and counted at its gzip -9 size (what a host compressing text
would send; binary formats gain little). Reports handbook pages (median,
max), the evaluator page, and the evaluator page without Pyodide's own
runtime files (target <= 200 KB compressed). Also checks that no handbook
page loads Pyodide or a diagram library.

Run: .venv/bin/python bench/pages.py [--site DIR] [--json]
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from support.promises import StaticServer, built_pages  # noqa: E402

PYTHON = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv" / "bin" / "python").exists() else sys.executable
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
EVALUATOR = "/evaluator/"
PYODIDE_FILES = {p.name for p in (ROOT / "node_modules" / "pyodide").iterdir()} if (ROOT / "node_modules" / "pyodide").exists() else set()
HEAVY_MARKERS = ("pyodide", "python_stdlib", ".wasm", "mermaid", "elkjs", "cytoscape", "d3.", "dagre", "katex", "mathjax")
EVALUATOR_TARGET_KB = 200


def build(out: Path) -> Path:
    result = subprocess.run([PYTHON, "-m", "mkdocs", "build", "--strict", "--quiet", "-d", str(out)],
                            cwd=ROOT, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"mkdocs build --strict failed:\n{result.stdout}\n{result.stderr}")
    return out


class Sizes:
    def __init__(self, site: Path):
        self.site = site
        self.cache: dict[Path, tuple[int, int]] = {}

    def file_for(self, url_path: str) -> Path | None:
        rel = unquote(url_path).lstrip("/")
        candidate = self.site / rel
        if candidate.is_dir() or url_path.endswith("/"):
            candidate = candidate / "index.html"
        return candidate if candidate.is_file() else None

    def of(self, path: Path) -> tuple[int, int]:
        if path not in self.cache:
            raw = path.read_bytes()
            self.cache[path] = (len(raw), len(gzip.compress(raw, compresslevel=9)))
        return self.cache[path]


def wait_until_settled(page, path: str) -> None:
    page.wait_for_load_state("load")
    if path == EVALUATOR:
        # the engine fetches its runtime in a worker after load
        sys.path.insert(0, str(ROOT / "tests"))
        from support.promises import wait_for_engine

        wait_for_engine(page, timeout=60_000)
    with contextlib.suppress(Exception):  # a page that never goes idle is measured as it is
        page.wait_for_load_state("networkidle", timeout=15_000)


def measure(site: Path) -> dict:
    from playwright.sync_api import sync_playwright

    sizes = Sizes(site)
    pages = built_pages(site)
    rows = []
    with StaticServer(site) as server, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        for path in pages:
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            # (url, made by the service worker): the worker's precache is the
            # offline copy of the whole site, not what the page needs, so it
            # counts for foreign requests only.
            urls: list[tuple[str, bool]] = []
            context.on("request", lambda request, urls=urls: urls.append((request.url, request.service_worker is not None)))
            page = context.new_page()
            page.goto(server.url + path)
            wait_until_settled(page, path)
            context.close()
            files, foreign = {}, []
            for url, by_worker in urls:
                parts = urlsplit(url)
                if parts.scheme in ("data", "blob"):
                    continue
                if f"{parts.scheme}://{parts.netloc}" != server.url:
                    foreign.append(url)
                    continue
                if by_worker:
                    continue
                file = sizes.file_for(parts.path)
                if file is not None:
                    files[file] = sizes.of(file)
            raw = sum(s[0] for s in files.values())
            gz = sum(s[1] for s in files.values())
            pyodide_gz = sum(s[1] for f, s in files.items() if f.name in PYODIDE_FILES)
            heavy = sorted({f.relative_to(site).as_posix() for f in files if any(m in f.name.lower() for m in HEAVY_MARKERS)})
            rows.append({"page": path, "files": len(files), "raw_bytes": raw, "gzip_bytes": gz,
                         "pyodide_gzip_bytes": pyodide_gz, "heavy_files": heavy, "foreign_requests": foreign})
        browser.close()

    handbook = [r for r in rows if r["page"] != EVALUATOR]
    evaluator = next(r for r in rows if r["page"] == EVALUATOR)
    handbook_gz = [r["gzip_bytes"] for r in handbook]
    on_top = evaluator["gzip_bytes"] - evaluator["pyodide_gzip_bytes"]
    heaviest = max(handbook, key=lambda r: r["gzip_bytes"])
    return {
        "pages": rows,
        "handbook_pages": len(handbook),
        "handbook_median_gzip_bytes": int(statistics.median(handbook_gz)),
        "handbook_max_gzip_bytes": heaviest["gzip_bytes"],
        "handbook_max_page": heaviest["page"],
        "handbook_pages_loading_heavy_files": {r["page"]: r["heavy_files"] for r in handbook if r["heavy_files"]},
        "evaluator_gzip_bytes": evaluator["gzip_bytes"],
        "evaluator_pyodide_gzip_bytes": evaluator["pyodide_gzip_bytes"],
        "evaluator_on_top_of_pyodide_gzip_bytes": on_top,
        "evaluator_on_top_target_bytes": EVALUATOR_TARGET_KB * 1000,
        "ok_evaluator_on_top": on_top <= EVALUATOR_TARGET_KB * 1000,
        "ok_handbook_light": not any(r["heavy_files"] for r in handbook),
        "foreign_requests": sorted({u for r in rows for u in r["foreign_requests"]}),
    }


def report(r: dict) -> str:
    kb = lambda n: f"{n / 1000:.1f} KB"  # noqa: E731
    lines = [
        f"handbook pages ({r['handbook_pages']}): median {kb(r['handbook_median_gzip_bytes'])}, max {kb(r['handbook_max_gzip_bytes'])} ({r['handbook_max_page']}) gzip -9",
        f"evaluator page: {kb(r['evaluator_gzip_bytes'])} in all, of which Pyodide {kb(r['evaluator_pyodide_gzip_bytes'])}; "
        f"on top of Pyodide {kb(r['evaluator_on_top_of_pyodide_gzip_bytes'])} (target <= {EVALUATOR_TARGET_KB} KB) "
        f"{'OK' if r['ok_evaluator_on_top'] else 'MISSED'}",
        "handbook pages load no Pyodide and no diagram library: " + ("OK" if r["ok_handbook_light"] else
            "NO: " + "; ".join(f"{p}: {', '.join(f)}" for p, f in r["handbook_pages_loading_heavy_files"].items())),
        "requests to other origins: " + (", ".join(r["foreign_requests"]) or "none"),
    ]
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, help="a built site (default: build one in a temp folder)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if args.site:
        results = measure(args.site)
    else:
        with tempfile.TemporaryDirectory(prefix="crossroads-pages-") as tmp:
            results = measure(build(Path(tmp) / "site"))
    print(json.dumps(results, indent=2) if args.json else report(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
