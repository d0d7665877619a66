"""Work kept between builds is keyed by everything it is made from: a change
to the method, the engine or a template is never answered from the cache."""

from __future__ import annotations

import shutil
from pathlib import Path

from site_plugins.crossroads import buildcache
from site_plugins.crossroads.handbook import render_inputs

ROOT = Path(__file__).resolve().parents[2]


def test_the_inputs_change_with_any_method_file_and_with_the_options(tmp_path):
    folder = tmp_path / "scenarios"
    shutil.copytree(ROOT / "scenarios", folder)
    before = render_inputs(str(folder), "us", True)
    assert render_inputs(str(folder), "us", True) == before, "the same inputs give the same digest"
    assert render_inputs(str(folder), "de", True) != before, "the country is an input"
    assert render_inputs(str(folder), "us", False) != before, "the evaluator option is an input"
    case = sorted((folder / "cases").glob("*.yaml"))[0]
    case.write_text(case.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert render_inputs(str(folder), "us", True) != before, "a case file is an input"


def test_a_cached_result_is_returned_only_for_the_same_bytes(tmp_path, monkeypatch):
    monkeypatch.setattr(buildcache, "CACHE_DIR", tmp_path)
    made = []

    def make(data: bytes) -> bytes:
        made.append(data)
        return data.upper()

    assert buildcache.cached("kind", b"a", make) == b"A"
    assert buildcache.cached("kind", b"a", make) == b"A"
    assert buildcache.cached("kind", b"b", make) == b"B"
    assert buildcache.cached("other", b"a", make) == b"A"
    assert made == [b"a", b"b", b"a"], "made again only for new bytes or another kind of work"
