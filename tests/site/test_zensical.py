"""The handbook built with Zensical (the version pinned in pyproject.toml) from
the same mkdocs.yml, by `python -m site_plugins.crossroads.zensical build`:
the matrix, both flowcharts, the scenario pages and the evaluator are there,
every page says what the MkDocs build says, and the evaluator gives the
command line's result in Chromium."""

from __future__ import annotations

import difflib
import functools
import http.server
import json
import os
import re
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from support.server import StaticServer
from support.site import ROOT

pytestmark = pytest.mark.slow

from support.evaluator import CLEAR_SCREEN, answer_all, cli, form_state, open_evaluator


@pytest.fixture(scope="module")
def zensical_site(tmp_path_factory) -> Path:
    """The real handbook built once with Zensical; returns its site folder."""
    try:
        import zensical  # noqa: F401
    except ImportError:
        pytest.fail("zensical is not installed: run 'bash scripts/setup.sh' (it installs the version pinned in pyproject.toml).")
    out = tmp_path_factory.mktemp("zensical") / "site"
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONPATH=str(ROOT))
    result = subprocess.run([sys.executable, "-m", "site_plugins.crossroads.zensical", "build", "-d", str(out)],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, f"the Zensical build failed:\n{result.stdout}\n{result.stderr}"
    return out


def page(site: Path, path: str) -> str:
    return (site / path / "index.html").read_text(encoding="utf-8")


def test_matrix(zensical_site, method):
    matrix = page(zensical_site, "risks")
    for scenario in method.scenarios:
        assert f'id="matrix-{scenario["id"].lower()}"' in matrix and scenario["name"] in matrix
        assert f'href="{scenario["id"].lower()}/"' in matrix


def test_both_flowcharts(zensical_site, method):
    foresight, management = page(zensical_site, "foresight"), page(zensical_site, "management")
    assert foresight.count('<svg class="cr-flow__svg" role="img"') == 1
    for step in method.data["flowcharts"]["foresight"]["steps"]:
        assert f'<li id="{step["id"]}"' in foresight
    tracks = method.data["flowcharts"]["management"]["tracks"]
    assert management.count('<svg class="cr-flow__svg" role="img"') == len(tracks)
    for track in tracks:
        for step in track["steps"]:
            assert f'<li id="{step["id"]}"' in management


def test_scenario_page(zensical_site, method):
    scenario = method.scenarios[0]
    html = page(zensical_site, f"risks/{scenario['id'].lower()}")
    for text in [scenario["name"], *scenario["signals"], *(i["name"] for i in scenario["impacts"])]:
        assert text.replace("'", "&#39;") in html or text in html
    assert f'href="../../management/#track-{scenario["category"].lower()}"' in html
    assert 'href="../../evaluator/"' in html


def test_the_evaluator_and_its_files(zensical_site):
    html = page(zensical_site, "evaluator")
    assert 'id="crossroads-evaluator"' in html
    config = json.loads(re.search(r'<script type="application/json" id="cr-config">(.*?)</script>', html, re.S).group(1))
    assert config["root"] == "../"
    base = "http://site/evaluator/"
    urls = re.findall(r'(?:href|src)="([^"]*assets/evaluator/[^"]*)"', html)
    names = sorted(urlsplit(url).path.rsplit("/", 1)[-1] for url in urls)
    assert names == ["evaluator.css", "evaluator.js", "start.js"], urls  # the page's style, its modules, the early start
    for url in urls:
        path = urlsplit(urljoin(base, url)).path
        assert path.startswith("/assets/evaluator/") and (zensical_site / path.lstrip("/")).is_file(), url
    for name in ("engine.tar.gz", "worker.js"):
        assert (zensical_site / "assets" / "evaluator" / name).is_file()
    assert (zensical_site / "assets" / "pyodide" / config["pyodide"] / "pyodide.asm.wasm").is_file()


def _article(html: str) -> list[str]:
    """The page's own content as lines, without blank lines and the theme's skip target."""
    body = re.search(r"<article[^>]*>(.*?)</article>", html, re.S).group(1)
    return [line for line in body.splitlines() if line.strip() and 'id="__skip"' not in line]


def test_every_page_says_what_the_mkdocs_build_says(zensical_site, built_site):
    # Zensical builds the English edition; the German and Japanese ones come from the i18n plugin under MkDocs.
    pages = sorted(path.relative_to(built_site) for path in built_site.rglob("index.html") if path.relative_to(built_site).parts[0] not in ("de", "ja"))
    assert len(pages) > 40
    differences = []
    for path in pages:
        ours = zensical_site / path
        if not ours.is_file():
            differences.append(f"{path}: missing")
            continue
        diff = list(difflib.unified_diff(_article((built_site / path).read_text(encoding="utf-8")),
                                         _article(ours.read_text(encoding="utf-8")), lineterm="", n=0))
        if diff:
            differences.append(f"{path}:\n" + "\n".join(line[:200] for line in diff[:6]))
    assert differences == []
    assert "Method version" in page(zensical_site, "")  # the footer too


# -- in Chromium ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def zensical_url(zensical_site):
    with StaticServer(zensical_site) as server:
        yield server.url


@pytest.mark.browser
def test_the_evaluator_gives_the_command_lines_result(browser, zensical_url):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        tab = open_evaluator(context, zensical_url + "/evaluator/")
        shown = answer_all(tab, CLEAR_SCREEN)
        profile = json.loads(tab.inner_text("#cr-config"))["profile"]
        answers = form_state(tab)["answers"]
        assert answers == CLEAR_SCREEN
        done = cli("assess", "-", *(["--profile", profile] if profile else []), stdin=json.dumps({"answers": answers}))
        assert done.returncode == 0, done.stderr
        assert shown == json.loads(done.stdout)
        assert shown["overall"]["recommendation"] is not None
        assert tab.errors == []
    finally:
        context.close()
