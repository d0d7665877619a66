"""Helpers of the site tests: build a tiny handbook from the mini method in a
temporary folder, optionally with one edit to the method or the pages."""

from __future__ import annotations

import logging
from html.parser import HTMLParser
import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort, PluginError

ROOT = Path(__file__).resolve().parents[2]
HERE = ROOT / "tests" / "site"
FIXTURES = HERE / "fixtures"
MINI = FIXTURES / "mini"
MINI_SITE = FIXTURES / "mini_site"
GOLDEN = HERE / "golden"
PYTHON = sys.executable

# Set CROSSROADS_REGEN_GOLDEN=1 to rewrite tests/site/golden/ from the current output.
REGENERATE = os.environ.get("CROSSROADS_REGEN_GOLDEN") == "1"


def copy_method(target: Path, edits=()) -> Path:
    """Copy the mini method to `target`, applying `(file, old, new)` text edits.

    Each `old` must occur exactly once in its file, so an edit can never
    silently stop applying when the mini method changes.
    """
    shutil.copytree(MINI, target)
    for name, old, new in edits:
        path = target / name
        text = path.read_text(encoding="utf-8") if path.exists() else ""
        if old is None:
            path.write_text(new, encoding="utf-8")
            continue
        count = text.count(old)
        assert count == 1, f"edit for {name} expects {old!r} once, found it {count} times"
        path.write_text(text.replace(old, new), encoding="utf-8")
    return target


def make_site(tmp: Path, *, method_edits=(), plugin=None, pages=None, config=None) -> Path:
    """A tiny handbook in `tmp`: mkdocs.yml, docs/ and scenarios/ (the mini method).

    `plugin` updates the crossroads options, `config` the top-level mkdocs.yml
    keys, and `pages` adds or replaces docs pages ({'bad.md': '...'}).
    """
    shutil.copytree(MINI_SITE / "docs", tmp / "docs")
    copy_method(tmp / "scenarios", method_edits)
    settings = yaml.safe_load((MINI_SITE / "mkdocs.yml").read_text(encoding="utf-8"))
    settings["theme"]["custom_dir"] = str(ROOT / "docs" / "overrides")  # the real footer
    if plugin:
        settings["plugins"][0]["crossroads"].update(plugin)
    if config:
        settings.update(config)
    (tmp / "mkdocs.yml").write_text(yaml.safe_dump(settings, sort_keys=False), encoding="utf-8")
    for name, text in (pages or {}).items():
        path = tmp / "docs" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp


def build(tmp: Path, strict: bool = True) -> subprocess.CompletedProcess:
    """`mkdocs build` in `tmp`, as a separate process (exit code and output as a user sees them)."""
    command = [PYTHON, "-m", "mkdocs", "build", "--site-dir", str(tmp / "site")]
    if strict:
        command.append("--strict")
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONPATH=str(ROOT))
    return subprocess.run(command, cwd=tmp, capture_output=True, text=True, env=env, timeout=180)


class _Lines(logging.Handler):
    def __init__(self):
        super().__init__(logging.INFO)
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.extend(record.getMessage().splitlines())


def build_here(tmp: Path, strict: bool = True) -> tuple[bool, list[str]]:
    """`mkdocs build` of the site in `tmp`, in this process: whether it succeeded, and each line it logged."""
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    handler, logger = _Lines(), logging.getLogger("mkdocs")
    logger.addHandler(handler)
    try:
        config = load_config(str(tmp / "mkdocs.yml"), strict=strict)
        config.plugins.on_startup(command="build", dirty=False)
        mkdocs_build(config)
        return True, handler.lines
    except Abort:
        return False, handler.lines
    finally:
        logger.removeHandler(handler)


def config_problems(tmp: Path) -> list[str]:
    """The lines of the error that the crossroads plugin stops the build of `tmp` with when it reads the configuration."""
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    config = load_config(str(tmp / "mkdocs.yml"))
    config.plugins.on_startup(command="build", dirty=False)
    try:
        config.plugins.on_config(config)
    except PluginError as error:
        return str(error).splitlines()
    raise AssertionError(f"the plugin accepted the site in {tmp}")


def output_lines(result: subprocess.CompletedProcess) -> list[str]:
    return (result.stdout + "\n" + result.stderr).splitlines()


def check_golden(name: str, text: str) -> None:
    """Compare `text` with tests/site/golden/<name>, or rewrite it when regenerating."""
    path = GOLDEN / name
    if REGENERATE or not path.exists():
        if not REGENERATE:
            raise AssertionError(f"golden file {path} is missing; run with CROSSROADS_REGEN_GOLDEN=1 to create it")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return
    expected = path.read_text(encoding="utf-8")
    assert text == expected, f"{name} differs from its golden file; if the change is intended, run with CROSSROADS_REGEN_GOLDEN=1 and review the diff"


def read(site: Path, page: str) -> str:
    return (site / page / "index.html").read_text(encoding="utf-8")


def text_of(html: str) -> str:
    """The visible text of a page, whitespace collapsed (what a reader sees)."""

    class Text(HTMLParser):
        def __init__(self):
            super().__init__()
            self.parts, self.skip = [], 0

        def handle_starttag(self, tag, attrs):
            self.skip += tag in ("script", "style")

        def handle_endtag(self, tag):
            self.skip -= tag in ("script", "style")

        def handle_data(self, data):
            if not self.skip:
                self.parts.append(data)

    parser = Text()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())
