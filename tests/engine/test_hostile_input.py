"""Hostile input to the engine and the CLI (issue 10, items 2 and 6 to 10).

Reader text in the Markdown report is shown literally (rendered with
python-markdown, and with CommonMark when markdown-it-py is installed); a
crafted file is refused in linear time and input is bounded at 2 MiB; the YAML
loader refuses aliases before they expand and names unreadable files and
missing keys; closed, full and endless standard streams end in one line; error
messages are cut, escaped and free of Python internals.
"""

from __future__ import annotations

import collections
import contextlib
import html
import html.parser
import json
import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from support.engine import PYTHON, ROOT, cli

from engine import api
from engine.api import MAX_INPUT_BYTES, Engine, parse_json
from engine.errors import BIDI_CONTROLS, InputError, RequestError, quote
from engine.evaluate import check_request
from engine.report import markdown_report, reader_text

ENV = dict(os.environ, PYTHONPATH=str(ROOT))
# Python's own words, which a reader must never see: exception names, tracebacks, errno numbers.
INTERNALS = re.compile(r"Traceback|\b[A-Z][A-Za-z]*(?:Error|Exception)\b|\[Errno|File \"|NoneType|object has no attribute")
BIDI = "".join(chr(code) for code in sorted(BIDI_CONTROLS))


def _bash(command: str, *, timeout: float = 30, stdin=None) -> subprocess.CompletedProcess:
    """A shell command line as a reader types it; `{python}` is the project's Python."""
    completed = subprocess.run(["bash", "-c", command.replace("{python}", PYTHON)], cwd=ROOT, env=ENV, capture_output=True,
                               timeout=timeout, stdin=stdin)
    return subprocess.CompletedProcess(completed.args, completed.returncode, completed.stdout.decode("utf-8", "replace"),
                                       completed.stderr.decode("utf-8", "replace"))


def _one_line_failure(completed) -> str:
    assert completed.returncode != 0, completed
    assert not INTERNALS.search(completed.stderr), completed.stderr
    lines = completed.stderr.splitlines()
    assert len(lines) == 1, completed.stderr
    assert lines[0].startswith("error: "), lines
    assert len(lines[0]) < 400, lines[0][:200]
    return lines[0]


# -- item 2: reader text in the Markdown report -----------------------------------------------

PAYLOADS = [
    pytest.param("<img src=x onerror=alert(1)>", id="img-onerror"),
    pytest.param("<script>alert(1)</script>", id="script"),
    pytest.param("[a](javascript:alert(1))", id="javascript-link"),
    pytest.param("![i](https://example.org/i.png)", id="image"),
    pytest.param("<https://example.org>", id="autolink"),
    pytest.param("<!-- hidden -->", id="html-comment"),
    pytest.param("&lt;script&gt;alert(1)&lt;/script&gt;", id="entities"),
    pytest.param("\r# Heading", id="cr-heading"),
    pytest.param("a\n\n# Heading\n\n    code\n---\n", id="lf-heading-code-rule"),
    pytest.param("a\u2028# Heading\u2029b\x85c\x0bd\x0ce", id="unicode-line-separators"),
    pytest.param("| cell | cell |\n|---|---|", id="table"),
    pytest.param("**bold** _em_ `code` ~~del~~", id="emphasis-code"),
    pytest.param("x {: onclick=\"alert(1)\" }", id="attr-list"),
    pytest.param("closing ##", id="closing-hashes"),
    pytest.param("1. item", id="ordered-list-marker"),
    pytest.param("- item", id="list-marker"),
    pytest.param("> quote", id="blockquote-marker"),
    pytest.param("a\x1b[31mred\x1b[0m\x00b\x07\x7f\x9b", id="esc-nul-del-c1"),
    pytest.param("abc\u202edcb\u2066x\u2069\u200e\u200f\u061c", id="bidi-controls"),
    pytest.param("\x02wzxhzdk:0\x03", id="python-markdown-placeholder"),
    pytest.param("a \\*b\\* \\\\", id="backslashes"),
]


class _Html(html.parser.HTMLParser):
    """The tags and visible text of rendered HTML."""

    def __init__(self, markup: str):
        super().__init__(convert_charrefs=True)
        self.tags: collections.Counter = collections.Counter()
        self.attributes: collections.Counter = collections.Counter()
        self.hrefs: list[str] = []
        self.text: list[str] = []
        self.feed(markup)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags[tag] += 1
        self.attributes.update(f"{tag}[{name}]" for name, _ in attrs)
        self.hrefs += [value or "" for name, value in attrs if name in ("href", "src")]

    def handle_data(self, data):
        self.text.append(data)


def _document(value: str) -> dict:
    return {"answers": {"stage": "proposed"},
            "partnership": {"name": value, "partner": value, "country": value, "date": value, "note": value},
            "notes": {"money": value, "sg_gov": value, "stage": value},
            "decision": {"assessed_by": value, "decided_by": {"name": value, "role": value}, "conditions": value, "reason": value},
            "plan": [{"action": "keep-monitoring", "owner": value}]}


def _report(method, value: str) -> str:
    document = _document(value)
    checked = check_request(method, document)
    return markdown_report(method, checked, api.run(method, checked))


def _python_markdown(text: str) -> str:
    import markdown

    # The extensions a MkDocs site turns on most often, besides the core syntax.
    return markdown.markdown(text, extensions=["tables", "attr_list", "md_in_html", "fenced_code", "def_list", "abbr"])


def _commonmark(text: str) -> str:
    import markdown_it
    return markdown_it.MarkdownIt("commonmark", {"html": True}).enable("table").render(text)


def _spaces(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.mark.parametrize("render", [_python_markdown, _commonmark], ids=["python-markdown", "commonmark"])
@pytest.mark.parametrize("payload", PAYLOADS)
def test_report_shows_reader_text_literally(method, render, payload):
    baseline = _Html(render(_report(method, "plain")))
    markup = render(_report(method, payload))
    rendered = _Html(markup)
    # The same elements as with plain text: no script, image, link, heading, table, code, emphasis or rule from the reader.
    assert rendered.tags == baseline.tags, markup[:2000]
    assert rendered.attributes == baseline.attributes, markup[:2000]
    assert "<script" not in markup and "<img" not in markup and "<!--" not in markup
    assert not any("javascript:" in href for href in rendered.hrefs)
    visible = "".join(rendered.text)
    # Name, partner, country, date, note, three notes, the decision record (five texts) and a plan owner: each shows
    # the reader's text as typed (line breaks as spaces, controls gone).
    typed = re.sub("[\r\n\t\x0b\x0c\x1c-\x1e\x85\u2028\u2029]", " ", payload)
    wanted = _spaces(re.sub("[\x00-\x1f\x7f-\x9f" + BIDI + "]", "", typed))
    assert wanted and _spaces(visible).count(wanted) >= 14, (wanted, visible[:600])
    for char in "\x00\x1b\x7f\x9b" + BIDI:
        assert char not in visible


@pytest.mark.parametrize("payload", PAYLOADS)
def test_report_text_is_one_line_without_controls(method, payload):
    text = _report(method, payload)
    assert text.count("\n") == _report(method, "plain").count("\n")
    assert not re.search("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029" + BIDI + "]", text), repr(text[:300])


def test_reader_text_escapes():
    assert reader_text("<b>&amp;") == "&lt;b&gt;&amp;amp;"
    assert reader_text("[a](b) *c* _d_ `e` #f +g -h .i !j {k} \\l |m") == (
        "\\[a\\]\\(b\\) \\*c\\* \\_d\\_ \\`e\\` \\#f +g -h .i \\!j \\{k\\} \\\\l &#124;m")
    assert reader_text("a\r\nb\rc\nd\u2028e\u2029f\tg") == "a b c d e f g"
    assert reader_text("\x1b[1mx\x00\x7f\x85\u202e\u2066\u200e\u061c") == "\\[1mx"
    assert reader_text(" \r ") == ""


def test_report_title_falls_back_when_the_name_is_only_controls(method):
    assert _report(method, "\x1b\x00\u202e").startswith("# City diplomacy risk assessment: Partnership\n")


def test_cli_markdown_never_emits_reader_markup(tmp_path):
    payload = "<script>alert(1)</script>\r# Heading\x1b[31m\x00\u202e[a](javascript:alert(1))<img src=x onerror=alert(1)>"
    path = tmp_path / "hostile.json"
    path.write_text(json.dumps(_document(payload)), encoding="utf-8")
    completed = cli("assess", str(path), "--format", "markdown")
    plain = tmp_path / "plain.json"
    plain.write_text(json.dumps(_document("plain")), encoding="utf-8")
    baseline = cli("assess", str(plain), "--format", "markdown")
    assert completed.returncode == 0 and completed.stderr == ""
    out = completed.stdout
    for raw in ("<script", "<img", "](javascript:", "\r", "\x1b", "\x00", "\u202e"):
        assert raw not in out, raw
    headings = [line for line in out.splitlines() if line.startswith("#")]
    assert len(headings) == len([line for line in baseline.stdout.splitlines() if line.startswith("#")])
    rendered = _Html(_python_markdown(out))
    assert rendered.tags == _Html(_python_markdown(baseline.stdout)).tags
    assert "alert(1)" in "".join(rendered.text)


# -- item 6: a crafted file is refused in linear time; input is bounded --------------------------

CRAFTED = "[" * 40 + '"' + '\\"' * 64000


@pytest.mark.parametrize("text", [
    pytest.param(CRAFTED, id="128KB-unterminated-escapes"),
    pytest.param("[" * 40 + '"' + '\\"' * (MAX_INPUT_BYTES // 2 - 30), id="2MiB-unterminated-escapes"),
    pytest.param('["' + '\\"' * (MAX_INPUT_BYTES // 2 - 30) + '"]' + "[" * 40, id="2MiB-long-string-then-brackets"),
])
def test_crafted_input_is_refused_quickly_by_the_cli(text):
    started = time.monotonic()
    completed = cli("assess", "-", stdin=text)
    assert completed.returncode == 1
    assert completed.stderr == (
        "error: standard input: the input nests lists and objects more than 32 levels deep; an assessment needs only a few levels.\n")
    assert time.monotonic() - started < 5


def test_brackets_inside_strings_do_not_count():
    deep_in_text = json.dumps({"answers": {}, "notes": {"money": "[" * 200 + '\\"{' * 100}})
    assert parse_json(deep_in_text)["notes"]["money"].startswith("[[[")


def test_input_over_2_mib_is_refused_by_the_api():
    too_large = " " * MAX_INPUT_BYTES + "{}"
    with pytest.raises(RequestError) as caught:
        parse_json(too_large)
    assert caught.value.message == "the input is larger than 2 MiB, far larger than any Crossroads assessment."
    assert parse_json(" " * (MAX_INPUT_BYTES - 2) + "{}") == {}


def test_engine_handle_refuses_over_2_mib(method):
    engine = Engine(method.to_json())
    reply = json.loads(engine.handle('{"op": "check", "request": {"answers": {}}}' + " " * MAX_INPUT_BYTES))
    assert reply == {"ok": False, "error": {"type": "request", "question": None,
                                            "message": "the input is larger than 2 MiB, far larger than any Crossroads assessment."}}


def test_cli_reads_at_most_2_mib(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # relative names: the messages below are written out in full
    Path("exact.json").write_bytes(b'{"answers": {}}'.ljust(MAX_INPUT_BYTES))
    assert cli("assess", "exact.json").returncode == 0
    Path("over.json").write_bytes(b'{"answers": {}}'.ljust(MAX_INPUT_BYTES + 1))
    assert _one_line_failure(cli("assess", "over.json")) == (
        "error: 'over.json': the input is larger than 2 MiB, far larger than any Crossroads assessment.")
    piped = cli("assess", "-", stdin=b'{"answers": {}}'.ljust(MAX_INPUT_BYTES + 1))
    assert _one_line_failure(piped) == "error: standard input: the input is larger than 2 MiB, far larger than any Crossroads assessment."


# -- item 7: loading the method ----------------------------------------------------------------

# 342 bytes (the bomb was 384) that expand to 9**9 (387 million) strings when aliases are followed.
ALIAS_BOMB = "".join(
    f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9 if prev else ['"lol"'] * 9) + "]\n"
    for prev, name in zip([None, "a", "b", "c", "d", "e", "f", "g", "h"], "abcdefghi", strict=True)
)


@pytest.fixture()
def scenarios_copy(tmp_path) -> Path:
    """A private copy of scenarios/ (named so, so that messages say scenarios/...)."""
    folder = tmp_path / "scenarios"
    shutil.copytree(ROOT / "scenarios", folder, ignore=shutil.ignore_patterns("cases"))
    return folder


def _check(folder: Path, timeout: float = 30) -> subprocess.CompletedProcess:
    started = time.monotonic()
    completed = cli("--method", str(folder), "check")
    assert time.monotonic() - started < timeout
    assert completed.returncode == 2 and completed.stdout == ""
    assert not INTERNALS.search(completed.stderr), completed.stderr
    return completed


def test_alias_bomb_fails_fast_with_file_and_line(scenarios_copy):
    assert len(ALIAS_BOMB.encode()) <= 400
    (scenarios_copy / "bomb.yaml").write_text(ALIAS_BOMB, encoding="utf-8")
    lines = _check(scenarios_copy, timeout=5).stderr.splitlines()
    assert lines[0] == ("scenarios/bomb.yaml:2: YAML aliases are not supported ('*a', anchored on line 1); "
                        "write the value out in full: the method never needs them.")
    assert [line.split(":")[1] for line in lines[:-1]] == [str(n) for n in range(2, 10)]
    assert lines[-1] == "8 problem(s) in the method data."


def test_an_alias_anywhere_is_refused(tmp_path):
    from engine.source import SourceError, load_method_dir

    folder = tmp_path / "scenarios"
    folder.mkdir()
    (folder / "a.yaml").write_text('a:\n  first: &x "text"\n  list:\n    - *x\n    - {k: *x, *x : 1}\n  again: *y\n', encoding="utf-8")
    with pytest.raises(SourceError) as caught:
        load_method_dir(str(folder))
    assert caught.value.lines() == [
        "scenarios/a.yaml:6: invalid YAML: found undefined alias 'y'; check indentation, colons and quotes near this line."]
    (folder / "a.yaml").write_text('a:\n  first: &x "text"\n  list:\n    - *x\n    - {k: *x, *x : 1}\n', encoding="utf-8")
    with pytest.raises(SourceError) as caught:
        load_method_dir(str(folder))
    assert caught.value.lines() == [
        "scenarios/a.yaml:4: YAML aliases are not supported ('*x', anchored on line 2); write the value out in full: the method never needs them.",
        "scenarios/a.yaml:5: YAML aliases are not supported ('*x', anchored on line 2); write the value out in full: the method never needs them.",
    ]


def test_dangling_symlink_is_named(scenarios_copy):
    (scenarios_copy / "zz.yaml").symlink_to(scenarios_copy / "gone.yaml")
    (scenarios_copy / "countries" / "xx.yaml").symlink_to(scenarios_copy / "gone.yaml")
    lines = _check(scenarios_copy).stderr.splitlines()
    reason = "cannot read the file: it is a symbolic link to a file that does not exist; restore the file or remove the link."
    assert lines == [f"scenarios/countries/xx.yaml: {reason}", f"scenarios/zz.yaml: {reason}", "2 problem(s) in the method data."]


def test_a_folder_named_like_a_yaml_file_is_named(scenarios_copy):
    (scenarios_copy / "extra.yaml").mkdir()
    assert _check(scenarios_copy).stderr.splitlines()[0] == "scenarios/extra.yaml: cannot read the file: it is a folder; a method file is a YAML file."


def test_unreadable_file_is_named_in_process(tmp_path, monkeypatch):
    from engine import source

    path = tmp_path / "a.yaml"
    path.write_text("a: 1\n", encoding="utf-8")
    real_open = open

    def refuse(file, *args, **kwargs):
        if str(file) == str(path):
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr("builtins.open", refuse)
    problems: list = []
    assert source.load_yaml_file(str(path), "scenarios/a.yaml", source.Located(), problems=problems) is None
    assert [(file, line, problem.message) for file, line, problem in problems] == [
        ("scenarios/a.yaml", None, "cannot read the file (Permission denied); check that it exists and can be read.")]


def test_missing_questions_file_names_the_key_and_the_file(scenarios_copy):
    (scenarios_copy / "questions.yaml").unlink()
    assert _check(scenarios_copy).stderr.splitlines() == [
        "scenarios: the method has no 'questionnaire' (expected in scenarios/questions.yaml, which is missing); restore that file.",
        "1 problem(s) in the method data.",
    ]


def test_missing_key_in_an_existing_file_names_the_file(scenarios_copy):
    questions = scenarios_copy / "questions.yaml"
    questions.write_text(questions.read_text(encoding="utf-8").replace("questionnaire:", "questionaire:", 1), encoding="utf-8")
    lines = _check(scenarios_copy).stderr.splitlines()
    assert lines[0] == "scenarios/questions.yaml: the method has no 'questionnaire' (expected in scenarios/questions.yaml); add it to that file."
    assert re.fullmatch(r"scenarios/questions\.yaml:\d+: questionaire: unknown key 'questionaire'; expected one of: .*", lines[1])
    assert "flowcharts.yaml" not in "\n".join(lines)


def test_deeply_nested_yaml_is_refused(scenarios_copy):
    (scenarios_copy / "deep.yaml").write_text("deep: " + "[" * 50000 + "]" * 50000 + "\n", encoding="utf-8")
    assert _check(scenarios_copy).stderr.splitlines()[0] == (
        "scenarios/deep.yaml:1: the file nests lists and mappings too deeply to be read; the method needs only a few levels.")


def test_file_names_with_newlines_stay_on_one_line(scenarios_copy):
    (scenarios_copy / "bad\nname\u202e.yaml").write_text("x: [\n", encoding="utf-8")
    lines = _check(scenarios_copy).stderr.splitlines()
    assert lines[0].startswith("scenarios/bad\\x0aname\\u202e.yaml:2: invalid YAML: ")
    assert len(lines) == 2


# -- item 8: closed, full and endless standard streams -------------------------------------------

@pytest.fixture()
def answers_file(tmp_path) -> Path:
    path = tmp_path / "answers.json"
    path.write_text('{"answers": {"political_system": "hybrid"}, "partnership": {"name": "Harbour"}}', encoding="utf-8")
    return path


# End to end, in a new process whose streams the shell closes or points at a full device.
PROCESS_STREAMS = [
    pytest.param("{python} -m engine assess - <&-",
                 "error: cannot read standard input: it is closed; give a file name, or '-' with the assessment piped in.", id="closed-stdin"),
    pytest.param("{python} -m engine assess {file} >&-", "error: cannot write the output: standard output is closed.", id="closed-stdout"),
    pytest.param("{python} -m engine assess {file} >/dev/full", "error: cannot write the output (No space left on device).", id="full-disk"),
]


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize("command, expected", PROCESS_STREAMS)
def test_streams_of_a_process_end_in_one_line(answers_file, command, expected):
    completed = _bash(command.replace("{file}", str(answers_file)), timeout=10)
    assert _one_line_failure(completed) == expected
    assert completed.returncode == 2


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_stderr_full_too_still_exits_non_zero(answers_file):
    completed = _bash(f"{{python}} -m engine assess {answers_file} >&- 2>/dev/full")
    assert completed.returncode == 2 and completed.stderr == ""


# The same cases and more, in-process: None is a closed stream.
STREAMS = [
    pytest.param(["assess", "-"], None, "keep",
                 "error: cannot read standard input: it is closed; give a file name, or '-' with the assessment piped in.", id="closed-stdin"),
    pytest.param(["assess", "{file}"], b"", None, "error: cannot write the output: standard output is closed.", id="closed-stdout"),
    pytest.param(["check"], b"", None, "error: cannot write the output: standard output is closed.", id="closed-stdout-check"),
    pytest.param(["assess", "{file}"], b"", "/dev/full", "error: cannot write the output (No space left on device).", id="full-disk"),
    pytest.param(["assess", "{file}", "--format", "markdown"], b"", "/dev/full", "error: cannot write the output (No space left on device).",
                 id="full-disk-markdown"),
    pytest.param(["questions"], b"", "/dev/full", "error: cannot write the output (No space left on device).", id="full-disk-questions"),
    pytest.param(["compile"], b"", "/dev/full", "error: cannot write the output (No space left on device).", id="full-disk-compile"),
    pytest.param(["assess", "-"], "/dev/zero", "keep",
                 "error: standard input: the input is larger than 2 MiB, far larger than any Crossroads assessment.", id="dev-zero-stdin"),
    pytest.param(["assess", "/dev/zero"], b"", "keep",
                 "error: '/dev/zero': the input is larger than 2 MiB, far larger than any Crossroads assessment.", id="dev-zero-file"),
    pytest.param(["assess", "/dev/null"], b"", "keep", "error: '/dev/null': the input is not valid JSON at line 1, column 1: Expecting value.",
                 id="dev-null-file"),
]


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full and /dev/zero")
@pytest.mark.parametrize("args, stdin, stdout, expected", STREAMS)
def test_streams_end_in_one_line(answers_file, args, stdin, stdout, expected):
    with contextlib.ExitStack() as stack:
        if isinstance(stdin, str):
            stdin = stack.enter_context(open(stdin, "rb"))
        kwargs = {}
        if stdout != "keep":
            kwargs["stdout"] = stack.enter_context(open(stdout, "w", encoding="utf-8")) if stdout else None
        completed = cli(*[arg.replace("{file}", str(answers_file)) for arg in args], stdin=stdin, **kwargs)
    assert _one_line_failure(completed) == expected
    assert completed.returncode in (1, 2)


# -- item 9: messages ----------------------------------------------------------------------------

def test_quote_escapes_bidirectional_controls():
    for char in BIDI:
        assert quote(f"a{char}b") == f"'a\\u{ord(char):04x}b'"
    assert quote("evil\u202etxt.exe") == "'evil\\u202etxt.exe'"
    assert quote("x" * 1000) == "'" + "x" * 77 + "...'"


HUGE = "k" * 1_500_000


@pytest.mark.parametrize("document", [
    pytest.param({"answers": {HUGE: "x"}}, id="question-id"),
    pytest.param({"answers": {"political_system": HUGE}}, id="option-value"),
    pytest.param({"answers": {"activities": [HUGE]}}, id="option-in-list"),
    pytest.param({"answers": {}, HUGE: 1}, id="request-key"),
    pytest.param({"answers": {}, "partnership": {HUGE: "x"}}, id="partnership-key"),
    pytest.param({"answers": {}, "notes": {HUGE: "x"}}, id="note-question"),
    pytest.param({"answers": {}, "profile": HUGE}, id="profile"),
    pytest.param({"answers": {}, "format": HUGE}, id="format"),
    pytest.param({"answers": {}, "method_version": HUGE}, id="method-version"),
    pytest.param({"answers": {}, "partnership": {"name": HUGE}}, id="long-name"),
])
def test_messages_cut_the_input_they_quote(method, document):
    with pytest.raises(InputError) as caught:
        check_request(method, document)
    assert len(caught.value.message) < 400, caught.value.message[:200]


def test_cli_cuts_a_huge_key_and_escapes_bidi():
    completed = cli("assess", "-", stdin=json.dumps({"answers": {"\u202e" + HUGE: "x"}}))
    line = _one_line_failure(completed)
    assert line.startswith("error: standard input: unknown question '\\u202ekkk") and "\u202e" not in line


def test_file_name_with_a_newline_stays_on_one_line(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # relative names: the messages below are written out in full
    line = _one_line_failure(cli("assess", "a\nb\u202e.json"))
    assert line == "error: cannot read 'a\\x0ab\\u202e.json': No such file or directory."
    Path("c\rd.json").write_text("{", encoding="utf-8")
    assert _one_line_failure(cli("assess", "c\rd.json")) == (
        "error: 'c\\x0dd.json': the input is not valid JSON at line 1, column 2: Expecting property name enclosed in double quotes.")


def test_a_long_file_name_is_cut_in_the_middle(tmp_path):
    missing = str(tmp_path) + "/" + "folder/" * 300 + "answers.json"
    line = _one_line_failure(cli("assess", missing))
    assert len(line) < 200 and "answers.json'" in line and "..." in line


def test_command_line_errors_are_cut_and_escaped():
    completed = cli("assess", "-", "--format", "x\u202e" + "y" * 5000, stdin="{}")
    assert completed.returncode == 2 and "\u202e" not in completed.stderr and "Traceback" not in completed.stderr
    assert all(len(line) < 400 for line in completed.stderr.splitlines())


@pytest.mark.parametrize("profile", ["", " "])
def test_an_empty_profile_is_refused(profile):
    completed = cli("assess", "-", "--profile", profile, stdin='{"answers": {}}')
    assert _one_line_failure(completed) == (
        "error: --profile is empty; give a country id (for example us or de), or leave the option out for no profile.")
    assert completed.returncode == 2


# -- item 10: no internals in what the CLI says -----------------------------------------------

def test_cli_failures_never_show_python_internals(tmp_path, scenarios_copy):
    (scenarios_copy / "zz.yaml").symlink_to(tmp_path / "nowhere.yaml")
    runs = [
        cli("assess", str(tmp_path)),
        cli("assess", str(tmp_path / "missing.json")),
        cli("assess", "-", stdin=b"\xff\xfe{}"),
        cli("assess", "-", stdin="[" * 100000),
        cli("--method", str(tmp_path / "nowhere"), "check"),
        cli("--method", str(scenarios_copy), "check"),
        cli("--method", str(ROOT / "README.md"), "check"),
        cli("cases", "--folder", str(tmp_path / "missing")),
    ]
    for completed in runs:
        assert not INTERNALS.search(completed.stderr), completed.stderr
        assert completed.stderr.strip()


def test_an_internal_fault_is_one_plain_line(method, monkeypatch):
    from engine import cli as cli_module

    def broken(*args, **kwargs):
        raise KeyError("scenario_by_id")

    monkeypatch.setattr(cli_module, "_load", lambda folder: method)
    monkeypatch.setattr("engine.api.run", broken)
    monkeypatch.delenv("CROSSROADS_DEBUG", raising=False)
    completed = cli("assess", "-", stdin=b'{"answers": {}}')
    assert completed.returncode == 70 and completed.stdout == ""
    assert completed.stderr == ("error: the evaluator stopped on an internal fault; please report it with the command you ran "
                                "(set CROSSROADS_DEBUG=1 to see the details).\n")
    monkeypatch.setenv("CROSSROADS_DEBUG", "1")
    with pytest.raises(KeyError):
        cli("assess", "-", stdin=b'{"answers": {}}')
