"""Lighthouse scores for a handbook page and the evaluator page.

The built site is served on 127.0.0.1 by Debian nginx with the repository's
deploy/nginx.conf (as a host would serve it: compressed, with its headers);
without nginx, by Python's http.server. Lighthouse (npm) drives Debian's
Chromium with its default mobile profile and simulated throttling; each page
is measured `--runs` times and the median score per category is kept.

Offline: Chromium would otherwise look up accounts.google.com and
clients2.google.com in the background even with --disable-background-networking;
`--host-resolver-rules` makes every name but 127.0.0.1 unresolvable, so the
runs make no network request at all.

This machine's CPU may be slower than the one Lighthouse's 4x CPU slowdown
assumes (Lighthouse warns below a benchmark index of 1000). `--calibrated`
adds a second set of runs with the slowdown scaled to this machine
(benchmark index / 264, the index DevTools gives its low-tier mobile preset),
reported next to the default runs, never instead of them.

Targets: performance >= 95 (handbook) / >= 90 (evaluator), accessibility 100,
best practices >= 95, SEO >= 90.

Run: .venv/bin/python bench/lighthouse.py [--site DIR] [--runs 3] [--calibrated] [--nginx-conf FILE] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from pages import build  # the bench scripts share one strict-build helper

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from support.promises import NGINX, Nginx, StaticServer  # noqa: E402

PYTHON = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv" / "bin" / "python").exists() else sys.executable
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = os.environ.get("CROSSROADS_CHROMIUM", "/usr/bin/chromium")
CHROME_FLAGS = ("--headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update "
                "--disable-sync --no-first-run --host-resolver-rules=\"MAP * ~NOTFOUND, EXCLUDE 127.0.0.1\"")
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
PAGES = {"handbook": "/risks/", "evaluator": "/evaluator/"}
TARGETS = {
    "handbook": {"performance": 95, "accessibility": 100, "best-practices": 95, "seo": 90},
    "evaluator": {"performance": 90, "accessibility": 100, "best-practices": 95, "seo": 90},
}
LOW_TIER_INDEX = 264


def lighthouse(url: str, out: Path, cpu_multiplier: float | None = None) -> dict:
    command = [str(LIGHTHOUSE), url, "--output=json", f"--output-path={out}", "--quiet",
               f"--only-categories={','.join(CATEGORIES)}", "--max-wait-for-load=45000",
               f"--chrome-flags={CHROME_FLAGS}"]
    if cpu_multiplier is not None:
        command.append(f"--throttling.cpuSlowdownMultiplier={cpu_multiplier:.2f}")
    env = dict(os.environ, CHROME_PATH=CHROMIUM)
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    if result.returncode != 0 or not out.exists():
        raise RuntimeError(f"lighthouse failed on {url}:\n{result.stderr[-3000:]}")
    return json.loads(out.read_text(encoding="utf-8"))


def summarise(reports: list[dict]) -> dict:
    scores = {c: statistics.median(round(100 * (r["categories"][c]["score"] or 0)) for r in reports) for c in CATEGORIES}
    last = reports[-1]
    failing = {}
    for category in CATEGORIES:
        for ref in last["categories"][category]["auditRefs"]:
            audit = last["audits"][ref["id"]]
            if ref.get("weight", 0) > 0 and audit.get("score") is not None and audit["score"] < 1:
                failing.setdefault(category, []).append(f"{ref['id']} ({audit.get('displayValue') or audit['score']})")
    metrics = {k: last["audits"][k].get("displayValue") for k in (
        "first-contentful-paint", "largest-contentful-paint", "total-blocking-time", "cumulative-layout-shift", "speed-index")}
    requests = [item["url"] for item in last["audits"].get("network-requests", {}).get("details", {}).get("items", [])]
    return {
        "scores": scores,
        "runs": [{c: round(100 * (r["categories"][c]["score"] or 0)) for c in CATEGORIES} for r in reports],
        "metrics": metrics,
        "below_full_marks": failing,
        "benchmark_index": last["environment"].get("benchmarkIndex"),
        "warnings": last.get("runWarnings", []),
        "requests": len(requests),
        "foreign_requests": [u for u in requests if not u.startswith(("http://127.0.0.1:", "data:", "blob:"))],
    }


def measure(site: Path, runs: int = 3, calibrated: bool = False, nginx_conf: Path | None = None) -> dict:
    results: dict = {"server": None, "pages": {}}
    with tempfile.TemporaryDirectory(prefix="crossroads-lh-") as tmp:
        tmp = Path(tmp)
        conf = nginx_conf or ROOT / "deploy" / "nginx.conf"
        server = Nginx(site, tmp / "nginx", conf) if Path(NGINX).exists() else StaticServer(site)
        results["server"] = f"nginx ({conf.relative_to(ROOT) if conf.is_relative_to(ROOT) else conf})" if isinstance(server, Nginx) else "python http.server"
        with server:
            for name, path in PAGES.items():
                reports = [lighthouse(server.url + path, tmp / f"{name}-{i}.json") for i in range(runs)]
                entry = {"path": path, "default": summarise(reports)}
                if calibrated:
                    index = entry["default"]["benchmark_index"] or 1000
                    multiplier = max(1.0, min(4.0, index / LOW_TIER_INDEX))
                    cal = [lighthouse(server.url + path, tmp / f"{name}-cal-{i}.json", multiplier) for i in range(runs)]
                    entry["calibrated"] = summarise(cal)
                    entry["calibrated"]["cpu_multiplier"] = round(multiplier, 2)
                entry["targets"] = TARGETS[name]
                entry["ok"] = all(entry["default"]["scores"][c] >= t for c, t in TARGETS[name].items())
                results["pages"][name] = entry
    return results


def report(results: dict) -> str:
    lines = [f"served by {results['server']}"]
    for name, entry in results["pages"].items():
        for kind in ("default", "calibrated"):
            if kind not in entry:
                continue
            data = entry[kind]
            label = kind if kind == "default" else f"calibrated (CPU x{data['cpu_multiplier']})"
            scores = "  ".join(f"{c} {data['scores'][c]:.0f}/{entry['targets'][c]}" for c in CATEGORIES)
            lines.append(f"{name:9} {entry['path']:12} {label:26} {scores}")
            lines.append(f"{'':9} metrics: " + ", ".join(f"{k} {v}" for k, v in data["metrics"].items()))
            for category, audits in data["below_full_marks"].items():
                lines.append(f"{'':9} {category} below full marks: {', '.join(audits)}")
            if data["foreign_requests"]:
                lines.append(f"{'':9} requests to other origins: {', '.join(data['foreign_requests'])}")
        lines.append(f"{'':9} benchmark index {entry['default']['benchmark_index']}; targets met (default runs): {'yes' if entry['ok'] else 'NO'}")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, help="a built site (default: build one in a temp folder)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--calibrated", action="store_true", help="also run with the CPU slowdown scaled to this machine")
    parser.add_argument("--nginx-conf", type=Path, help="a server block to use instead of deploy/nginx.conf")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if not LIGHTHOUSE.exists() or not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        print("lighthouse or chromium missing: run 'bash scripts/setup.sh'", file=sys.stderr)
        return 2
    if args.site:
        results = measure(args.site, args.runs, args.calibrated, args.nginx_conf)
    else:
        with tempfile.TemporaryDirectory(prefix="crossroads-lh-site-") as tmp:
            results = measure(build(Path(tmp) / "site"), args.runs, args.calibrated, args.nginx_conf)
    print(json.dumps(results, indent=2) if args.json else report(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
