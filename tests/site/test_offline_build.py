"""Offline reading at build time: the service worker the build writes (sw.js),
the `offline` option, and the list of files the worker keeps. The worker in a
browser is tested in tests/promises/test_offline.py."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from site_plugins.crossroads import offline
from site_plugins.crossroads.plugin import CrossroadsPlugin
from support.site import MINI, build_here, make_site, read


def manifest_of(site: Path) -> dict:
    line = next(line for line in (site / "sw.js").read_text(encoding="utf-8").splitlines() if line.startswith("const MANIFEST = "))
    return json.loads(line[len("const MANIFEST = "):-1])


def test_the_worker_lists_every_page_and_file(mini_site):
    files = manifest_of(mini_site)["files"]
    pages = {path for path, (_, kind) in files.items() if kind == "page"}
    built = {index.parent.relative_to(mini_site).as_posix() for index in mini_site.rglob("index.html")}
    assert pages == {"" if p == "." else f"{p}/" for p in built}
    for path, (digest, kind) in files.items():
        source = mini_site / (path + "index.html" if kind == "page" else path)
        assert digest == hashlib.sha256(source.read_bytes()).hexdigest()[:12], path
    assert "sw.js" not in files and "404.html" not in files
    assert not [p for p in files if p.endswith((".gz", ".map"))]
    assert files["assets/crossroads/offline.js"][1] == "file"
    assert [kind for path, (_, kind) in files.items() if path.startswith("assets/stylesheets/main.")] == ["fixed"]


def test_every_page_registers_the_worker(mini_site):
    for page in ("", "risks", "cases"):
        html = read(mini_site, page) if page else (mini_site / "index.html").read_text(encoding="utf-8")
        assert 'offline.js" data-root="' in html and 'data-offline="on"' in html, page


def test_offline_false_writes_no_worker_and_removes_one(tmp_path):
    make_site(tmp_path, plugin={"offline": False}, config={"site_dir": str(tmp_path / "site")})
    built, lines = build_here(tmp_path)
    assert built, lines
    assert not (tmp_path / "site" / "sw.js").exists()
    assert 'data-offline="off"' in (tmp_path / "site" / "index.html").read_text(encoding="utf-8")


def test_offline_must_be_true_or_false(tmp_path):
    shutil.copytree(MINI, tmp_path / "scenarios")
    plugin = CrossroadsPlugin()
    errors, _ = plugin.load_config({"offline": "no"}, str(tmp_path / "mkdocs.yml"))
    assert [(key, str(error)) for key, error in errors] == [("offline", "Expected type: <class 'bool'> but received: <class 'str'>")]
    errors, _ = plugin.load_config({}, str(tmp_path / "mkdocs.yml"))
    assert errors == [] and plugin.config.offline is True


def _site(folder: Path, pages: dict[str, str]) -> Path:
    for name, text in pages.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return folder


def test_a_changed_page_changes_the_build_but_not_the_runtime(tmp_path):
    pages = {"index.html": "home", "a/index.html": "page a", "assets/pyodide/1.0/pyodide.asm.wasm": "runtime",
             "assets/evaluator/engine.tar.gz": "engine", "assets/evaluator/engine.tar.gz.gz": "copy", "a/index.html.gz": "copy"}
    first = offline.manifest(_site(tmp_path / "one", pages))
    second = offline.manifest(_site(tmp_path / "two", {**pages, "a/index.html": "page a, changed"}))
    assert first["files"] == {
        "": [hashlib.sha256(b"home").hexdigest()[:12], "page"],
        "a/": [hashlib.sha256(b"page a").hexdigest()[:12], "page"],
        "assets/evaluator/engine.tar.gz": [hashlib.sha256(b"engine").hexdigest()[:12], "lazy"],
        "assets/pyodide/1.0/pyodide.asm.wasm": [hashlib.sha256(b"runtime").hexdigest()[:12], "runtime"],
    }
    assert second["build"] != first["build"] and second["runtime"] == first["runtime"]


def test_the_template_declares_the_manifest_once(tmp_path, monkeypatch):
    template = tmp_path / "sw.js"
    template.write_text("// no manifest here\n", encoding="utf-8")
    monkeypatch.setattr(offline, "TEMPLATE", template)
    with pytest.raises(RuntimeError, match="should declare MANIFEST once"):
        offline.write_service_worker(_site(tmp_path / "site", {"index.html": "home"}))
