"""Build-time benchmark for the handbook.

Measures, as the median of several strict builds each:
  * plain     - the same hand-written pages built by Material alone (a copy of
                docs/ and a configuration inheriting mkdocs.yml with the
                crossroads plugin removed; the plugin's markers stay as HTML
                comments; same theme and Markdown extensions);
  * crossroads - the real site;
  * crossroads_10x - the real site built from a synthetic method with every
                scenario and question copied ten times (see bench/synthetic.py;
                the copy passes `python -m engine --method DIR check`).

  * plain_same_pages - Material alone on the very pages of the real site: the
                hand-written ones and those the plugin generates, written out as
                files (as for Zensical, site_plugins/crossroads/zensical.py),
                built without the plugin and its Markdown extension; the cost
                per page is the real build's time over this one's, on the same
                number of pages.

Targets: crossroads / plain <= 1.5; the cost per page, crossroads /
plain_same_pages (the same number of pages), <= 1.3; the extra time per extra
scenario at 10x no more than the plugin's own time per scenario at 1x (growth
no worse than linear).

Run: .venv/bin/python bench/site.py [--runs 3] [--json]
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT))  # first: the `engine` package, not bench/engine.py
from synthetic import check_method, multiply_method  # noqa: E402

from site_plugins.crossroads import markdown as crossroads_markdown  # noqa: E402
from site_plugins.crossroads.zensical import read_config as read_tagged, stage, with_extension, write_config  # noqa: E402

PYTHON = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv" / "bin" / "python").exists() else sys.executable
RATIO_TARGET = 1.5
PER_PAGE_TARGET = 1.3


class _TolerantLoader(yaml.SafeLoader):
    """Reads mkdocs.yml without running its tags (!ENV, !!python/name:...)."""


def _any_tag(loader, suffix, node):
    if isinstance(node, yaml.ScalarNode):
        return f"<tag {suffix} {loader.construct_scalar(node)}>"
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    return loader.construct_mapping(node)


_TolerantLoader.add_multi_constructor("", _any_tag)


def read_config(path: Path) -> dict:
    with open(path, encoding="utf-8") as handle:
        return yaml.load(handle, Loader=_TolerantLoader)


def _plugin_name(entry) -> str:
    return entry if isinstance(entry, str) else next(iter(entry))


def child_config(workdir: Path, plugins: list, extra: dict | None = None) -> Path:
    """A configuration in `workdir` inheriting the repository's mkdocs.yml.

    MkDocs replaces lists when it merges an inherited file, so `plugins` given
    here is the complete list. Paths that MkDocs resolves against the
    configuration's folder (docs_dir, hooks, custom_dir) are written out.
    """
    parent = read_config(ROOT / "mkdocs.yml")
    child = {"INHERIT": str(ROOT / "mkdocs.yml"), "plugins": plugins}
    child["docs_dir"] = str(workdir / "docs")
    if parent.get("hooks"):
        child["hooks"] = [str((ROOT / h).resolve()) for h in parent["hooks"]]
    theme = parent.get("theme")
    if isinstance(theme, dict) and theme.get("custom_dir"):
        child["theme"] = {"custom_dir": str((ROOT / theme["custom_dir"]).resolve())}
    child.update(extra or {})
    path = workdir / "mkdocs.yml"
    write_config(child, path)
    return path


def same_pages_config(workdir: Path) -> Path:
    """A configuration for Material alone over the very pages of the real site: the
    hand-written ones and those the plugin generates, staged as files, with the
    navigation expanded; without the plugin, its Markdown extension and the
    stakeholder abbreviations it adds."""
    staged = stage(str(ROOT / "mkdocs.yml"), workdir)
    settings = read_tagged(staged)
    extensions = with_extension(settings.get("markdown_extensions"), crossroads_markdown.NAME, None)
    settings["markdown_extensions"] = with_extension(extensions, "abbr", {})
    settings["docs_dir"] = str(workdir / "docs")
    settings.pop("site_dir", None)
    path = workdir / "plain.yml"
    write_config(settings, path)
    return path


def _children_cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def timed_build(config: Path, site_dir: Path, strict: bool, cpu: list | None = None) -> float:
    """Wall time of one build; its CPU time (user + system, less disturbed by other work on the machine) goes to `cpu`."""
    command = [PYTHON, "-m", "mkdocs", "build", "--quiet", "--clean", "-f", str(config), "-d", str(site_dir)]
    if strict:
        command.insert(4, "--strict")
    start, start_cpu = time.perf_counter(), _children_cpu()
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if cpu is not None:
        cpu.append(_children_cpu() - start_cpu)
    if result.returncode != 0:
        raise RuntimeError(f"build failed ({' '.join(command)}):\n{result.stdout}\n{result.stderr}")
    return elapsed


def median_build(config: Path, site_dir: Path, runs: int, strict: bool) -> tuple[float, list[float]]:
    times = [timed_build(config, site_dir, strict) for _ in range(runs)]
    return statistics.median(times), times


def method_option(plugin_options: dict) -> str:
    """The crossroads plugin option that names the method folder."""
    if "data_dir" in plugin_options:
        return "data_dir"
    try:
        from site_plugins.crossroads.plugin import CrossroadsPlugin

        schema = dict(CrossroadsPlugin.config_class._schema)  # type: ignore[attr-defined]
        for name in ("data_dir", "method_dir", "method", "scenarios_dir", "scenarios", "data"):
            if name in schema:
                return name
    except Exception:  # the plugin may not expose a schema
        pass
    raise RuntimeError("cannot tell which crossroads plugin option names the method folder")


def run(runs: int = 3) -> dict:
    parent = read_config(ROOT / "mkdocs.yml")
    plugins = parent.get("plugins") or ["search"]
    plain_plugins = [p for p in plugins if _plugin_name(p) != "crossroads"]
    crossroads = next((p for p in plugins if _plugin_name(p) == "crossroads"), None)
    if crossroads is None:
        raise RuntimeError("mkdocs.yml does not list the crossroads plugin")
    options = dict(crossroads["crossroads"] or {}) if isinstance(crossroads, dict) else {}

    with tempfile.TemporaryDirectory(prefix="crossroads-bench-") as tmp:
        tmp = Path(tmp)
        results: dict = {"runs": runs}

        # 1. plain Material build of the same hand-written pages (not strict:
        #    links to the plugin's generated pages cannot resolve without it)
        plain_dir = tmp / "plain"
        plain_dir.mkdir()
        shutil.copytree(ROOT / "docs", plain_dir / "docs")
        # Without the plugin, and without the Markdown extension that renders the markers.
        extensions = with_extension(read_tagged(ROOT / "mkdocs.yml").get("markdown_extensions"), crossroads_markdown.NAME, None)
        plain_conf = child_config(plain_dir, plain_plugins, {"markdown_extensions": extensions})
        results["plain_s"], results["plain_runs"] = median_build(plain_conf, tmp / "out-plain", runs, strict=False)

        # 2. the real site, and 2b. Material alone on the same pages: what the
        #    plugin generates written out as files (the Zensical staging), built
        #    without the plugin and its Markdown extension. Runs alternate, so
        #    that other work on the machine weighs on both alike.
        same_conf = same_pages_config(tmp / "same")
        real, same, real_cpu, same_cpu = [], [], [], []
        for _ in range(runs):
            real.append(timed_build(ROOT / "mkdocs.yml", tmp / "out-real", True, real_cpu))
            same.append(timed_build(same_conf, tmp / "out-same", False, same_cpu))
        results["crossroads_s"], results["crossroads_runs"] = statistics.median(real), real
        results["plain_same_pages_s"], results["plain_same_pages_runs"] = statistics.median(same), same
        results["crossroads_cpu_s"], results["plain_same_pages_cpu_s"] = statistics.median(real_cpu), statistics.median(same_cpu)
        results["plain_same_pages"] = sum(1 for _ in (tmp / "out-same").rglob("index.html"))

        # 3. the real site from a method with 10x the scenarios and questions
        big = tmp / "method-10x"
        counts = multiply_method(str(ROOT / "scenarios"), str(big), 10)
        results["method_10x"] = counts
        results["method_10x_check"] = check_method(str(big), PYTHON)
        option = method_option(options)
        big_plugins = [p if _plugin_name(p) != "crossroads" else {"crossroads": {**options, option: str(big)}} for p in plugins]
        big_conf_dir = tmp / "big"
        big_conf_dir.mkdir()
        shutil.copytree(ROOT / "docs", big_conf_dir / "docs")
        big_conf = child_config(big_conf_dir, big_plugins)
        results["crossroads_10x_s"], results["crossroads_10x_runs"] = median_build(big_conf, tmp / "out-big", runs, strict=True)
        results["pages_1x"] = sum(1 for _ in (tmp / "out-real").rglob("index.html"))
        results["pages_10x"] = sum(1 for _ in (tmp / "out-big").rglob("index.html"))

    base_scenarios = 7
    try:
        from engine.source import load_method_dir

        base_scenarios = len(load_method_dir(str(ROOT / "scenarios"), "scenarios").scenarios)
    except Exception:
        pass
    extra_scenarios = counts["scenarios"] - base_scenarios
    results["ratio_vs_plain"] = results["crossroads_s"] / results["plain_s"]
    results["ms_per_page"] = 1000 * results["crossroads_s"] / results["pages_1x"]
    results["plain_ms_per_page"] = 1000 * results["plain_same_pages_s"] / results["plain_same_pages"]
    results["ratio_per_page"] = results["ms_per_page"] / results["plain_ms_per_page"]
    results["ratio_per_page_cpu"] = results["crossroads_cpu_s"] / results["plain_same_pages_cpu_s"]
    # Judged on CPU time: on a machine shared with other work, wall times of the same build vary twofold.
    results["ok_per_page"] = results["ratio_per_page_cpu"] <= PER_PAGE_TARGET
    results["ratio_10x_vs_1x"] = results["crossroads_10x_s"] / results["crossroads_s"]
    results["plugin_s_per_scenario_1x"] = (results["crossroads_s"] - results["plain_s"]) / base_scenarios
    results["extra_s_per_extra_scenario"] = (results["crossroads_10x_s"] - results["crossroads_s"]) / extra_scenarios
    results["targets"] = {
        "ratio_vs_plain": f"<= {RATIO_TARGET}",
        "ratio_per_page_cpu": f"<= {PER_PAGE_TARGET}",
        "extra_s_per_extra_scenario": "<= plugin_s_per_scenario_1x (no worse than linear)",
    }
    results["ok_ratio"] = results["ratio_vs_plain"] <= RATIO_TARGET
    results["ok_linear"] = results["extra_s_per_extra_scenario"] <= max(results["plugin_s_per_scenario_1x"], 0.0) + 0.005
    return results


def report(results: dict) -> str:
    r = results
    lines = [
        f"plain Material build        {r['plain_s']:.2f} s (median of {r['runs']})",
        f"crossroads build            {r['crossroads_s']:.2f} s  ratio {r['ratio_vs_plain']:.2f}x (target <= {RATIO_TARGET}x) {'OK' if r['ok_ratio'] else 'MISSED'}",
        f"cost per page, CPU time     {1000 * r['crossroads_cpu_s'] / r['pages_1x']:.0f} ms ({r['pages_1x']} pages) vs plain Material "
        f"{1000 * r['plain_same_pages_cpu_s'] / r['plain_same_pages']:.0f} ms ({r['plain_same_pages']} pages): {r['ratio_per_page_cpu']:.2f}x "
        f"(target <= {PER_PAGE_TARGET}x) {'OK' if r['ok_per_page'] else 'MISSED'}",
        f"  in wall time              {r['ms_per_page']:.0f} ms vs {r['plain_ms_per_page']:.0f} ms: {r['ratio_per_page']:.2f}x",
        f"crossroads build, 10x method {r['crossroads_10x_s']:.2f} s  ({r['method_10x']['scenarios']} scenarios, {r['method_10x']['questions']} questions, {r['pages_10x']} pages vs {r['pages_1x']})",
        f"  10x / 1x                  {r['ratio_10x_vs_1x']:.2f}x",
        f"  extra time per extra scenario {1000 * r['extra_s_per_extra_scenario']:.1f} ms vs plugin time per scenario at 1x {1000 * r['plugin_s_per_scenario_1x']:.1f} ms: "
        f"{'no worse than linear' if r['ok_linear'] else 'WORSE THAN LINEAR'}",
    ]
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args(argv)
    results = run(args.runs)
    print(json.dumps(results, indent=2) if args.json else report(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
