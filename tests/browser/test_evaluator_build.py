"""The evaluator's build-time side, without a browser: the engine archive the
worker unpacks, and the HTML rendered from the method."""

from __future__ import annotations

import io
import json
import re
import sys
import tarfile
from html.parser import HTMLParser

import pytest

from site_plugins.crossroads import evaluator
from support.evaluator import ROOT


@pytest.fixture(scope="module")
def archive(method) -> bytes:
    return evaluator.engine_archive(method, "us")


def test_archive_holds_only_what_the_browser_needs(archive):
    with tarfile.open(fileobj=io.BytesIO(archive), mode="r:gz") as unpacked:
        names = sorted(unpacked.getnames())
    assert names == sorted(
        [f"engine/{name}" for name in evaluator.ENGINE_MODULES]
        + ["crossroads_web.py", "crossroads_method.json", "crossroads_site.json"]
    )
    assert "engine/source.py" not in names and "engine/cli.py" not in names


def test_archive_is_reproducible(archive):
    """Another build (the method read again: a new object, so nothing is reused) gives the same bytes."""
    from engine.source import load_method_dir

    again = load_method_dir(str(ROOT / "scenarios"), "scenarios")
    assert evaluator.engine_archive(again, "us") == archive


@pytest.fixture()
def web(archive, tmp_path, monkeypatch):
    """The worker's adapter, unpacked from the archive as the worker does, in
    CPython: message in, parsed reply out."""
    with tarfile.open(fileobj=io.BytesIO(archive), mode="r:gz") as unpacked:
        unpacked.extractall(tmp_path, filter="data")
    monkeypatch.syspath_prepend(str(tmp_path))
    for name in [m for m in sys.modules if m == "engine" or m.startswith("engine.") or m == "crossroads_web"]:
        monkeypatch.delitem(sys.modules, name)
    import crossroads_web

    assert crossroads_web.__file__.startswith(str(tmp_path))
    engine = crossroads_web.create()
    return lambda op, request: json.loads(engine.handle(json.dumps({"id": 1, "op": op, "request": request})))


def test_archive_runs_and_agrees_with_the_cli(web):
    from support.evaluator import cli

    doc = {"answers": {"political_system": "non_democratic", "activities": ["funding", "study_visits"]},
           "partnership": {"name": "Test"}, "notes": {"stage": "A note"}}
    reply = web("assess", doc)
    assert reply["ok"] and reply["result"] == json.loads(cli("assess", "-", "--profile", "us", stdin=json.dumps(doc)).stdout)
    report = web("report", doc)
    assert report["result"]["markdown"] == cli("assess", "-", "--profile", "us", "--format", "markdown", stdin=json.dumps(doc)).stdout
    refused = web("report", {"answers": {"nope": "x"}})
    assert refused["ok"] is False and refused["error"]["question"] == "nope"


class Collect(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def parsed(html: str) -> list[tuple[str, dict]]:
    collector = Collect()
    collector.feed(html)
    return collector.tags


def test_rendered_form_follows_the_method(method):
    html = evaluator.render_evaluator(method, "us", "../")
    tags = parsed(html)
    questions = [attrs for tag, attrs in tags if tag == "fieldset" and "data-question" in attrs]
    assert [q["data-question"] for q in questions] == [q["id"] for q in method.questions]
    for attrs, question in zip(questions, method.questions, strict=True):
        assert ("hidden" in attrs) == ("show_if" in question)
        if "show_if" in question:
            assert json.loads(attrs["data-show-in"]) == question["show_if"]["in"]
            assert attrs["data-show-if"] == question["show_if"]["question"]
    inputs = [attrs for tag, attrs in tags if tag == "input" and attrs.get("name") in method.question_by_id]
    assert len(inputs) == sum(len(q["options"]) for q in method.questions)
    for attrs in inputs:
        question = method.question_by_id[attrs["name"]]
        assert attrs["type"] == ("checkbox" if question["type"] == "multi" else "radio")
        label = [a for t, a in tags if t == "label" and a.get("for") == attrs["id"]]
        assert len(label) == 1, attrs["id"]
    exclusive = {(a["name"], a["value"]) for a in inputs if "data-exclusive" in a}
    assert exclusive == {(q["id"], o["value"]) for q in method.questions for o in q["options"] if o.get("exclusive")}
    ids = [attrs["id"] for _, attrs in tags if "id" in attrs]
    assert len(ids) == len(set(ids)), "ids must be unique"


def test_assets_are_root_relative_and_versioned(method):
    html = evaluator.render_evaluator(method, "us", "../")
    tags = parsed(html)
    links = [a["href"] for t, a in tags if t == "link"]
    scripts = [a for t, a in tags if t == "script"]
    assert len(links) == 1 and re.fullmatch(r"\.\./assets/evaluator/evaluator\.css\?v=[0-9a-f]{12}", links[0])
    assert [s.get("type") for s in scripts] == ["application/json", "application/json", "module", "module"]
    # start.js (async: the engine's worker starts while the page is read), then the page's entry module.
    assert re.fullmatch(r"\.\./assets/evaluator/start\.js\?v=[0-9a-f]{12}", scripts[2]["src"]) and "async" in scripts[2]
    assert re.fullmatch(r"\.\./assets/evaluator/evaluator\.js\?v=[0-9a-f]{12}", scripts[3]["src"])
    config = json.loads(re.search(r'<script type="application/json" id="cr-config">(.*?)</script>', html, re.S).group(1))
    assert config["root"] == "../" and config["profile"] == "us" and config["method_version"] == method.version
    assert set(config["steps"]) >= {a["step"] for a in method.data["scoring"]["actions"]}


def test_method_text_is_escaped(method):
    data = json.loads(json.dumps(method.data))
    data["questionnaire"]["questions"][0]["help"] = "<script>alert(1)</script> & more"
    data["stakeholders"][0]["name"] = "Gov </script><script>alert(2)</script>"  # goes into the JSON island
    from engine.model import compile_method

    html = evaluator.render_evaluator(compile_method(data), "us", "./")
    assert "<script>alert(1)</script>" not in html and "<script>alert(2)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in html


def test_unknown_profile_is_refused(method):
    from mkdocs.exceptions import PluginError

    with pytest.raises(PluginError, match="Expected the evaluator's country profile to be one of: .* but received: 'xx'"):
        evaluator.render_evaluator(method, "xx", "./")


def test_screen_questions_are_marked(method):
    """The short screen's questions carry a badge and data-screen; the form opens with links to them."""
    html = evaluator.render_evaluator(method, "us", "../")
    tags = parsed(html)
    marked = [a["data-question"] for t, a in tags if t == "fieldset" and "data-question" in a and "data-screen" in a]
    assert marked == method.screen and 1 <= len(marked) <= 8
    intro = html[html.index('id="cr-screen-intro"'):html.index("</section>", html.index('id="cr-screen-intro"'))]
    assert re.findall(r'href="#q-([a-z_]+)"', intro) == method.screen
    assert html.count('class="cr-screen-badge"') == len(method.screen) + 1  # one in the intro's text


def test_the_engine_carries_over_files_of_an_earlier_version(web, method):
    """The page opens older files with the engine's own migration table (scenarios/migrations.yaml)."""
    old = next(m for m in method.data["migrations"] if m["to"] == method.version)
    reply = web("check", {"method_version": old["from"], "answers": {}})
    assert reply["ok"] and reply["result"]["migrated_from"] == old["from"]
    assert reply["result"]["migration"] == [f"{old['from']} to {old['to']}: {old['summary']}"]
    refused = web("check", {"method_version": "0.0.1", "answers": {}})
    assert not refused["ok"] and "0.0.1" in refused["error"]["message"]


def test_the_engine_says_what_can_be_read_of_a_stored_record(web, method):
    """'salvage': every answer, note and partnership detail that passes the engine's
    check on its own, and one problem per part that does not, in the page's words."""
    record = {
        "format": "crossroads-assessment", "method_version": method.version, "saved_at": "2026-11-01T10:00:00.000Z",
        "partnership": {"name": "Port deal", "colour": "red"},
        "answers": {"stage": "existing", "political_system": "was_an_option_once", "nope": "x", "activities": ["culture"]},
        "notes": {"stage": "Signed in 2019.", "gone": "A note on a question that is not there."},
    }
    reply = web("salvage", record)
    assert reply["ok"]
    checked, problems = reply["result"]["checked"], reply["result"]["problems"]
    assert checked["answers"] == {"stage": "existing", "activities": ["culture"]}
    assert checked["notes"] == {"stage": "Signed in 2019."} and checked["partnership"] == {"name": "Port deal"}
    assert len(problems) == 4, problems
    assert any("was_an_option_once" in p for p in problems) and any("'nope'" in p for p in problems)
    assert any("'colour'" in p for p in problems) and any("'gone'" in p for p in problems)
    assert not any("python -m engine" in p for p in problems), "no command line in the page's messages"
    valid = dict(record, partnership={"name": "Port deal"}, answers={"stage": "existing"}, notes={})
    assert web("salvage", valid)["result"] == {"checked": web("check", dict(valid, profile=None))["result"], "problems": []}
    assert web("salvage", [1])["result"]["problems"] == ["an assessment must be a JSON object with an 'answers' key, got a list."]
    old = web("salvage", {"method_version": "0.0.1", "answers": {"stage": "existing"}, "notes": {"stage": "kept?"}})["result"]
    assert old["checked"]["answers"] == {} and old["checked"]["notes"] == {}
    assert "not opened" in old["problems"][0]


def test_every_module_import_carries_the_served_files_hash(method):
    """A new build never mixes with cached modules: the page names evaluator.js
    with the hash of the file as served, and every import of a sibling module
    carries the hash of that module as served."""
    served = evaluator.page_assets()
    assert set(served) == set(evaluator.PAGE_ASSETS) and "evaluator.js" in served
    html = evaluator.render_evaluator(method, "us", "../")
    entry = re.search(r'src="\.\./assets/evaluator/evaluator\.js\?v=([0-9a-f]{12})"', html).group(1)
    assert entry == evaluator._digest(served["evaluator.js"])
    imports = 0
    for name in evaluator.PAGE_MODULES:
        text = served[name].decode("utf-8")
        assert not re.search(r"""(?:from|import)\s*["']\./[\w-]+\.js["']""", text), f"{name} imports a module without its hash"
        for imported, digest in re.findall(r"""(?:from|import)\s*["']\./([\w-]+\.js)\?v=([0-9a-f]{12})["']""", text):
            assert digest == evaluator._digest(served[imported]), f"{name} imports {imported} with a stale hash"
            imports += 1
    assert imports >= len(evaluator.PAGE_MODULES) - 1, "every module but the entry is imported by another"


def test_modules_are_small():
    """One job per module: none over about 300 lines."""
    sizes = {name: len((evaluator.ASSETS / name).read_text(encoding="utf-8").splitlines())
             for name in evaluator.PAGE_MODULES if name not in evaluator.VENDOR_MODULES}
    assert len(sizes) >= 8
    assert {name: n for name, n in sizes.items() if n > 300} == {}


def _fake_pyodide(folder, version):
    folder.mkdir(parents=True)
    (folder / "package.json").write_text(json.dumps({"name": "pyodide", "version": version}), encoding="utf-8")
    (folder / "pyodide-lock.json").write_text(json.dumps({"info": {"version": version}, "packages": {}}), encoding="utf-8")
    for name in evaluator.PYODIDE_FILES:
        (folder / name).write_bytes(b"x")


def test_page_names_the_pyodide_it_ships_wherever_mkdocs_yml_is(method, tmp_path, monkeypatch):
    """The Pyodide version in the page and the files copied both come from
    node_modules next to mkdocs.yml, even when that is not this checkout."""
    from mkdocs.config.defaults import MkDocsConfig

    site = tmp_path / "elsewhere"
    (site / "docs").mkdir(parents=True)
    _fake_pyodide(site / "node_modules" / "pyodide", "0.0.1-test")
    monkeypatch.chdir(tmp_path)  # not the folder of mkdocs.yml either
    config = MkDocsConfig(config_file_path=str(site / "mkdocs.yml"))
    config.load_dict({"site_name": "Elsewhere", "docs_dir": str(site / "docs"), "site_dir": str(site / "site")})
    errors, _warnings = config.validate()
    assert errors == []
    config.plugins._current_plugin = "crossroads"  # as while MkDocs runs the plugin's on_files
    html = evaluator.render_evaluator(method, "us", "../", config)
    named = json.loads(re.search(r'<script type="application/json" id="cr-config">(.*?)</script>', html, re.S).group(1))["pyodide"]
    copied = {f.src_uri.split("/")[2] for f in evaluator.evaluator_files(config, method, "us") if f.src_uri.startswith("assets/pyodide/")}
    assert named == "0.0.1-test" and copied == {"0.0.1-test"}
    # Without mkdocs.yml's folder, the checkout's own node_modules serves both.
    checkout = json.loads((evaluator.REPO / "node_modules" / "pyodide" / "package.json").read_text(encoding="utf-8"))["version"]
    assert json.loads(re.search(r'id="cr-config">(.*?)</script>', evaluator.render_evaluator(method, "us", "../"), re.S).group(1))["pyodide"] == checkout
