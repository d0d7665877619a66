"""Promise: after a first visit, the handbook and the evaluator work offline,
and a new build replaces the kept copy cleanly, with a notice to the reader.

The site is served by nginx with deploy/nginx.conf under a folder
(/handbook/), as a host may publish it. Offline means both: Chromium's network
switched off (`context.set_offline`) and the server stopped."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from support.evaluator import CLEAR_SCREEN, answer_all, clear_form, cli, open_evaluator, wait_answered
from support.promises import Nginx, wait_for_engine
from support.site import build
from support.steps import settle

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
FOLDER = "handbook"
CHANGED = "This sentence exists only in the second build."
NOTICE = "A newer version of this handbook is available."

CONTROLLED = "() => navigator.serviceWorker.controller !== null"
# Cache names of this site (crossroads:/handbook/:site:<build>, ...:runtime:<hash>) and their entry counts.
CACHES = """async () => {
  const out = {};
  for (const name of await caches.keys()) out[name] = (await (await caches.open(name)).keys()).length;
  return out;
}"""
RUNTIME_KEPT = """async () => {
  for (const name of await caches.keys()) {
    if (!name.includes(':runtime:')) continue;
    const urls = (await (await caches.open(name)).keys()).map(r => r.url);
    if (urls.some(u => u.endsWith('.wasm')) && urls.some(u => u.endsWith('python_stdlib.zip'))) return true;
  }
  return false;
}"""


def _manifest(site: Path) -> dict:
    text = (site / "sw.js").read_text(encoding="utf-8")
    line = next(line for line in text.splitlines() if line.startswith("const MANIFEST = "))
    return json.loads(line[len("const MANIFEST = "):-1])


def _rebuild(work: Path, page: str = "", added: str = "", config: tuple[str, str] = ("", "")) -> Path:
    """The real handbook built again from a copy of its sources, with one page or the configuration changed."""
    work.mkdir()
    for name in ("docs", "scenarios", "deploy"):
        shutil.copytree(ROOT / name, work / name)
    (work / "node_modules").symlink_to(ROOT / "node_modules")
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    old, new = config
    assert text.count(old) >= 1
    (work / "mkdocs.yml").write_text(text.replace(old, new, 1) if old else text, encoding="utf-8")
    if page:
        path = work / "docs" / page
        path.write_text(path.read_text(encoding="utf-8") + f"\n\n{added}\n", encoding="utf-8")
    done = build(work)
    assert done.returncode == 0, f"the build in {work} failed:\n{done.stdout}\n{done.stderr}"
    return work / "site"


@pytest.fixture()
def hosted(built_site, tmp_path):
    """A copy of the built site under /handbook/ behind nginx; `swap(site)` publishes another build in its place."""
    public = tmp_path / "public"
    shutil.copytree(built_site, public / FOLDER)
    server = Nginx(public, tmp_path / "nginx")
    server.start()

    def swap(site: Path) -> None:
        shutil.rmtree(public / FOLDER)
        shutil.copytree(site, public / FOLDER)

    server.swap = swap
    server.base = f"{server.url}/{FOLDER}/"
    yield server
    server.stop()


def _visit_first(context, base: str):
    """A first visit: the home page (the worker is installed and takes charge), then the evaluator."""
    page = context.new_page()
    page.goto(base, wait_until="load")
    page.wait_for_function(CONTROLLED)
    return page


def test_the_worker_is_written_for_the_build(built_site):
    manifest = _manifest(built_site)
    files = manifest["files"]
    pages = {path for path, (_, kind) in files.items() if kind == "page"}
    built = {index.parent.relative_to(built_site).as_posix() for index in built_site.rglob("index.html")}
    assert pages == {"" if p == "." else f"{p}/" for p in built}, "every page, and nothing else, is a page entry"
    runtime = {Path(path).name for path, (_, kind) in files.items() if kind == "runtime"}
    assert {"pyodide.asm.wasm", "python_stdlib.zip", "pyodide.mjs"} <= runtime
    assert files["assets/evaluator/engine.tar.gz"][1] == "lazy", "the engine is kept when used, not fetched at installation"
    docx = [p for p in files if p.startswith("assets/docx/") or p.endswith("report_docx.js")]
    assert docx and all(files[p][1] == "lazy" for p in docx), "the Word report's modules wait for the evaluator"
    assert not [p for p in files if p.endswith((".map", ".gz")) and not p.endswith("engine.tar.gz")]
    # The evaluator names its modules with `?v=<hash>`: the worker knows the same hash.
    page = (built_site / "evaluator" / "index.html").read_text(encoding="utf-8")
    assert f"evaluator.js?v={files['assets/evaluator/evaluator.js'][0]}" in page


def test_handbook_and_evaluator_work_offline_after_a_first_visit(browser, hosted, tmp_path, artifacts):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    try:
        page = _visit_first(context, hosted.base)
        page.goto(hosted.base + "risks/", wait_until="load")
        evaluator = open_evaluator(context, hosted.base + "evaluator/")
        evaluator.wait_for_function(RUNTIME_KEPT, timeout=60_000)
        assert _server_hits(hosted, "pyodide.asm.wasm") == 1, "the runtime was downloaded twice"
        urls = []
        context.on("request", lambda request: urls.append(request.url))

        context.set_offline(True)
        hosted.stop()

        # Visited before, and a page never opened: both come from the kept copy.
        for path, title in (("risks/", "risk"), ("glossary/", "Glossary")):
            page.goto(hosted.base + path, wait_until="load")
            assert title.lower() in page.title().lower(), f"{path} offline shows {page.title()!r}"
        evaluator.reload(wait_until="load")
        wait_for_engine(evaluator)
        shown = answer_all(evaluator, CLEAR_SCREEN)
        with evaluator.expect_download() as download:
            evaluator.click("#cr-save")
        saved = tmp_path / "saved.json"
        download.value.save_as(saved)
        done = cli("assess", str(saved))
        assert done.returncode == 0, done.stderr
        assert shown == json.loads(done.stdout), "the result offline differs from the command line's"
        assert json.loads(saved.read_text(encoding="utf-8"))["answers"] == CLEAR_SCREEN
        # The Word report's modules were never opened online: the evaluator's start kept them.
        with evaluator.expect_download() as report:
            evaluator.click("#cr-report-docx")
        assert report.value.suggested_filename.endswith(".docx")

        # Opening a saved file works offline too.
        clear_form(evaluator)
        evaluator.set_input_files("#cr-open-file", str(saved))
        evaluator.wait_for_function("() => document.querySelector('#cr-message').textContent.includes('Opened')")  # a function: the CSP forbids eval
        assert wait_answered(evaluator, len(CLEAR_SCREEN)) == shown
        assert evaluator.errors == []
        foreign = [u for u in urls if not u.startswith((hosted.url + "/", "blob:", "data:"))]
        assert not foreign, f"requests left the site: {foreign}"
    finally:
        context.close()


def _axe(page, axe_path: Path) -> list[str]:
    page.add_script_tag(path=str(axe_path))
    return page.evaluate("""async () => {
      const r = await axe.run('.cr-update', {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa']}});
      return r.violations.map(v => `${v.id}: ${v.nodes.map(n => n.failureSummary).join(' | ')}`);
    }""")


def _server_hits(server: Nginx, name: str) -> int:
    """How many times nginx sent a file of that name (its access log)."""
    log = (server.work / "access.log").read_text(encoding="utf-8")
    sent = re.compile(rf'"GET [^ "]*/{re.escape(name)}(?:\?[^ "]*)? HTTP/[0-9.]+" 200 ')
    return sum(1 for line in log.splitlines() if sent.search(line))


def test_a_first_visit_straight_to_the_evaluator_downloads_the_runtime_once(browser, hosted):
    """The worker is installed while the evaluator already loads its runtime: it keeps
    the files from the browser's own cache, without a second download, and the
    evaluator then starts with the network off."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        evaluator = open_evaluator(context, hosted.base + "evaluator/")
        evaluator.wait_for_function(RUNTIME_KEPT, timeout=60_000)
        for name in ("pyodide.asm.wasm", "python_stdlib.zip", "engine.tar.gz"):
            assert _server_hits(hosted, name) == 1, f"{name} was downloaded {_server_hits(hosted, name)} times"
        context.set_offline(True)
        hosted.stop()
        evaluator.reload(wait_until="load")
        wait_for_engine(evaluator)
        assert answer_all(evaluator, CLEAR_SCREEN)["answered"] == len(CLEAR_SCREEN)
    finally:
        context.close()


def test_a_new_build_is_picked_up_with_a_notice(browser, hosted, tmp_path, artifacts, axe_path):
    first = _manifest(hosted.site_dir / FOLDER)
    second_site = _rebuild(tmp_path / "second", "about.md", CHANGED)
    second = _manifest(second_site)
    assert second["build"] != first["build"] and second["runtime"] == first["runtime"]

    # bypass_csp: axe is added to the page by the test, which the site's policy rightly refuses.
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    try:
        page = _visit_first(context, hosted.base + "about/")
        assert not page.is_visible(".cr-update"), "a first installation is not an update"
        before = page.evaluate(CACHES)
        assert any(f":site:{first['build']}" in name for name in before), before

        hosted.swap(second_site)
        page.reload(wait_until="load")
        # Pages come from the network first: the change is there at once...
        assert CHANGED in page.inner_text("article")
        # ...and the new build, installed in the background, is announced once.
        page.wait_for_selector(".cr-update:not([hidden])", timeout=60_000)
        assert page.inner_text(".cr-update [role=status]") == NOTICE
        assert page.get_attribute(".cr-update [role=status]", "role") == "status"
        settle(page)
        page.screenshot(path=str(artifacts / "offline-update-notice.png"))
        problems = _axe(page, axe_path)
        page.evaluate("() => document.body.setAttribute('data-md-color-scheme', 'slate')")
        settle(page)
        page.screenshot(path=str(artifacts / "offline-update-notice-dark.png"))
        problems += _axe(page, axe_path)
        assert not problems, f"the notice fails accessibility checks: {problems}"
        page.evaluate("() => document.body.setAttribute('data-md-color-scheme', 'default')")

        with page.expect_navigation(wait_until="load"):
            page.click(".cr-update__reload")
        page.wait_for_function(CONTROLLED)
        assert CHANGED in page.inner_text("article")
        assert not page.is_visible(".cr-update")
        page.wait_for_function(f"async () => (await caches.keys()).some(n => n.includes(':site:{second['build']}'))")
        after = page.evaluate(CACHES)
        sites = [name for name in after if ":site:" in name]
        assert sites == [f"crossroads:/{FOLDER}/:site:{second['build']}"], f"the older build's cache was not deleted: {after}"
    finally:
        context.close()


def test_offline_false_removes_the_worker(browser, hosted, tmp_path):
    """A host that turns offline reading off: no sw.js, and a reader's worker from before is removed with its caches."""
    context = browser.new_context()
    try:
        page = _visit_first(context, hosted.base)
        assert page.evaluate(CACHES), "nothing was kept on the first visit"
        off = _rebuild(tmp_path / "off", config=("      evaluator: true\n", "      evaluator: true\n      offline: false\n"))
        assert not (off / "sw.js").exists()
        assert 'data-offline="off"' in (off / "index.html").read_text(encoding="utf-8")
        hosted.swap(off)
        page.reload(wait_until="load")
        page.wait_for_function("async () => (await navigator.serviceWorker.getRegistrations()).length === 0")
        page.wait_for_function(f"async () => !(await caches.keys()).some(n => n.startsWith('crossroads:/{FOLDER}/'))")
    finally:
        context.close()


def test_the_german_edition_works_offline_with_its_own_runtime(browser, hosted, tmp_path):
    """One worker at the site's root serves every edition: after a first visit to /de/,
    the German evaluator starts offline with the German engine, and only its own runtime was fetched."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    try:
        _visit_first(context, hosted.base + "de/")
        evaluator = open_evaluator(context, hosted.base + "de/evaluator/")
        evaluator.wait_for_function(RUNTIME_KEPT, timeout=60_000)
        log = (hosted.work / "access.log").read_text(encoding="utf-8")
        assert f"/{FOLDER}/de/assets/pyodide/" in log
        assert not re.search(rf'"GET /{FOLDER}/(?:ja/)?assets/pyodide/[^ ]*pyodide\.asm\.wasm', log), "another edition's runtime was fetched"

        context.set_offline(True)
        hosted.stop()
        page = context.new_page()
        page.goto(hosted.base + "de/risks/a1/", wait_until="load")
        assert page.evaluate("() => document.documentElement.lang") == "de"
        assert "Warnsignale" in page.inner_text("article")
        evaluator.reload(wait_until="load")
        wait_for_engine(evaluator)
        shown = answer_all(evaluator, CLEAR_SCREEN)
        with evaluator.expect_download() as download:
            evaluator.click("#cr-save")
        saved = tmp_path / "saved.json"
        download.value.save_as(saved)
        done = cli("assess", "--language", "de", str(saved))
        assert done.returncode == 0, done.stderr
        assert shown == json.loads(done.stdout), "the German result offline differs from the command line's in German"
    finally:
        context.close()
