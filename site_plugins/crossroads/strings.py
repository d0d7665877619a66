"""The interface strings of the evaluator and register pages, per language.

    catalog(language, area="evaluator") -> dict[str, str]
        The flat map `dotted.key: "text"` of scenarios/i18n/strings/<area>.<language>.yaml
        (English is the source; every other language holds exactly its keys
        and placeholders). A catalog that is missing, unreadable or out of step
        with the English one stops the build with file:line and the fix.

    translator(strings) -> t(key, **values) -> str
        The templates' `t`: the text of `key` with each `{name}` replaced by
        values[name]. An unknown key stops the build (a template never shows a
        key instead of a text).

The pages hand the same catalog to their scripts as a JSON block
(`<script type="application/json" id="cr-strings">`), read by
assets/evaluator/i18n.js.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import yaml
from mkdocs.exceptions import PluginError

REPO = Path(__file__).resolve().parent.parent.parent
FOLDER = REPO / "scenarios" / "i18n" / "strings"
PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


def _display(path: Path) -> str:
    try:
        return str(path.relative_to(REPO))
    except ValueError:
        return str(path)


def _read(path: Path) -> tuple[dict[str, str], dict[str, int]]:
    """The catalog's texts and the line of each key; PluginError naming file:line."""
    shown = _display(path)
    if not path.is_file():
        raise PluginError(f"{shown}: expected an interface catalog here but found no file; "
                          f"copy the English one (evaluator.en.yaml) and translate each text.")
    try:
        node = yaml.compose(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"{shown}:{mark.line + 1}" if mark else shown
        raise PluginError(f"{where}: expected YAML but could not read it ({getattr(error, 'problem', error)}).") from error
    if not isinstance(node, yaml.MappingNode):
        raise PluginError(f"{shown}:1: expected a map of `dotted.key: \"text\"`.")
    texts: dict[str, str] = {}
    lines: dict[str, int] = {}
    for key_node, value_node in node.value:
        line = key_node.start_mark.line + 1
        key = key_node.value
        if key in texts:
            raise PluginError(f"{shown}:{line}: key '{key}' appears twice; keep one.")
        if not isinstance(value_node, yaml.ScalarNode) or value_node.style != '"' or not value_node.value.strip():
            raise PluginError(f"{shown}:{line}: expected the text of '{key}' as a non-empty double-quoted string.")
        texts[key] = value_node.value
        lines[key] = line
    return texts, lines


@functools.lru_cache(maxsize=16)
def _catalog(folder: str, area: str, language: str, stamp: tuple) -> dict[str, str]:
    base = Path(folder)
    english, _ = _read(base / f"{area}.en.yaml")
    if language == "en":
        return english
    path = base / f"{area}.{language}.yaml"
    texts, lines = _read(path)
    shown = _display(path)
    for key, text in texts.items():
        if key not in english:
            raise PluginError(f"{shown}:{lines[key]}: key '{key}' is not in {area}.en.yaml; remove it or add it there.")
        if set(PLACEHOLDER.findall(text)) != set(PLACEHOLDER.findall(english[key])):
            raise PluginError(f"{shown}:{lines[key]}: '{key}' must keep the placeholders of the English text "
                              f"({', '.join(sorted(PLACEHOLDER.findall(english[key]))) or 'none'}).")
    missing = [key for key in english if key not in texts]
    if missing:
        raise PluginError(f"{shown}:{max(lines.values(), default=1)}: missing key(s) {', '.join(missing)}; "
                          f"translate them from {area}.en.yaml.")
    return {key: texts[key] for key in english}


def catalog(language: str, area: str = "evaluator", folder: Path | None = None) -> dict[str, str]:
    """The catalog of `area` in `language` (see the module's docstring)."""
    base = folder or FOLDER
    stamp = tuple((p.name, p.stat().st_mtime_ns) for p in sorted(base.glob(f"{area}.*.yaml")))
    return dict(_catalog(str(base), area, language, stamp))


def translator(strings: dict[str, str]):
    """The templates' `t(key, **values)`."""

    def t(key: str, **values) -> str:
        if key not in strings:
            raise PluginError(f"Expected the interface string '{key}' in scenarios/i18n/strings/evaluator.en.yaml but found none; add it.")
        return PLACEHOLDER.sub(lambda m: str(values[m.group(1)]) if m.group(1) in values else m.group(0), strings[key])

    return t


# The update notice of offline.js (on every page): its texts in every
# language with a catalog, one small file the script reads from the site.
NOTICE_KEYS = ("offline.available", "offline.reload", "offline.later")
NOTICE_FILE = "assets/crossroads/notice-strings.json"


def languages(area: str = "evaluator", folder: Path | None = None) -> list[str]:
    base = folder or FOLDER
    return sorted(path.name.split(".")[1] for path in base.glob(f"{area}.*.yaml"))


def notice_strings(folder: Path | None = None) -> str:
    """The JSON written to NOTICE_FILE: {language: {key: text}}."""
    import json

    texts = {lang: {key: catalog(lang, folder=folder)[key] for key in NOTICE_KEYS} for lang in languages(folder=folder)}
    return json.dumps(texts, ensure_ascii=False, sort_keys=True)
