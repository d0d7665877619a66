"""The site's interface strings in each language: `i18n/strings/<area>.<lang>.yaml`
in the method folder, a flat map `dotted.key: "text"` per area and language
(`en` is the source; every other language holds exactly the same keys, with
the same `{placeholders}`).

    catalog(folder, area, language) -> dict[str, str]
        The texts of one area in one language (cached until a file changes).

    translator(folder, language) -> t(key, **values)
        The `t` of the templates: the `site` area's text of `key` in
        `language`, its `{placeholders}` filled from `values`.

    check_catalogs(folder, display, languages) -> list[str]
        Every problem of the catalogs of those languages, each as
        `<file>:<line>: <message>` (missing, extra or empty keys, texts that
        are not quoted strings, placeholders that differ from the English).
"""

from __future__ import annotations

import functools
import os
import re

import yaml

SUBFOLDER = os.path.join("i18n", "strings")
SOURCE = "en"
PLACEHOLDER = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*\}")


def _path(folder: str, area: str, language: str) -> str:
    return os.path.join(folder, SUBFOLDER, f"{area}.{language}.yaml")


def areas(folder: str) -> list[str]:
    """The areas with an English catalog: `site`, `report`, `evaluator`, ..."""
    where = os.path.join(folder, SUBFOLDER)
    if not os.path.isdir(where):
        return []
    return sorted(name[: -len(f".{SOURCE}.yaml")] for name in os.listdir(where) if name.endswith(f".{SOURCE}.yaml"))


def _stamp(path: str) -> tuple:
    try:
        stat = os.stat(path)
    except OSError:
        return (path, None, None)
    return (path, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=64)
def _read(stamp: tuple) -> tuple[dict, dict, list[tuple[int | None, str]]]:
    """(texts, lines, problems) of one catalog file; problems carry their line."""
    path = stamp[0]
    problems: list[tuple[int | None, str]] = []
    if stamp[1] is None:
        return {}, {}, [(None, "the file is missing; every language holds each area's catalog (copy the English one and translate it).")]
    try:
        with open(path, encoding="utf-8") as stream:
            root = yaml.compose(stream)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        return {}, {}, [(mark.line + 1 if mark else None, f"not valid YAML: {getattr(error, 'problem', error)}")]
    if root is None:
        return {}, {}, [(1, "the file is empty; expected a map of `dotted.key: \"text\"`.")]
    if not isinstance(root, yaml.MappingNode):
        return {}, {}, [(root.start_mark.line + 1, "expected a map of `dotted.key: \"text\"` (keys written flat, with dots).")]
    texts: dict[str, str] = {}
    lines: dict[str, int] = {}
    for key_node, value_node in root.value:
        line = key_node.start_mark.line + 1
        key = key_node.value
        if key in texts:
            problems.append((line, f"the key '{key}' appears twice (first on line {lines[key]})."))
            continue
        if not isinstance(value_node, yaml.ScalarNode) or value_node.style not in ("'", '"'):
            problems.append((line, f"the text of '{key}' must be a quoted string (\"...\")."))
            texts[key] = value_node.value if isinstance(value_node, yaml.ScalarNode) else ""
        else:
            texts[key] = value_node.value
        lines[key] = line
    return texts, lines, problems


def catalog(folder: str, area: str, language: str) -> dict[str, str]:
    return _read(_stamp(_path(folder, area, language)))[0]


def present(folder: str) -> list[str]:
    """The languages that have a catalog file in the folder."""
    where = os.path.join(folder, SUBFOLDER)
    if not os.path.isdir(where):
        return []
    return sorted({name.split(".")[-2] for name in os.listdir(where) if name.endswith(".yaml") and name.count(".") == 2})


def check_catalogs(folder: str, display: str, languages) -> list[str]:
    """Every problem of the catalogs of `languages` and of every catalog file
    present (English always), as `file:line: message`."""
    out: list[str] = []
    languages = list(dict.fromkeys([*languages, *present(folder)]))
    for area in areas(folder):
        english, english_lines, problems = _read(_stamp(_path(folder, area, SOURCE)))
        shown = f"{display}/i18n/strings/{area}.{SOURCE}.yaml"
        out += [f"{shown}{'' if line is None else f':{line}'}: {message}" for line, message in problems]
        for key, text in english.items():
            if not text.strip():
                out.append(f"{shown}:{english_lines[key]}: the text of '{key}' is empty.")
        for language in languages:
            if language == SOURCE:
                continue
            shown = f"{display}/i18n/strings/{area}.{language}.yaml"
            texts, lines, problems = _read(_stamp(_path(folder, area, language)))
            out += [f"{shown}{'' if line is None else f':{line}'}: {message}" for line, message in problems]
            if problems and not texts:
                continue
            last = max(lines.values(), default=1)
            for key, text in english.items():
                if key not in texts:
                    out.append(f"{shown}:{last}: the key '{key}' is missing; add it with the translation of: \"{text}\" "
                               f"({display}/i18n/strings/{area}.{SOURCE}.yaml:{english_lines[key]}).")
                    continue
                if not texts[key].strip():
                    out.append(f"{shown}:{lines[key]}: the text of '{key}' is empty; translate: \"{text}\".")
                wanted, found = set(PLACEHOLDER.findall(text)), set(PLACEHOLDER.findall(texts[key]))
                if wanted != found:
                    out.append(f"{shown}:{lines[key]}: the placeholders of '{key}' must be {', '.join(sorted(wanted)) or 'none'} "
                               f"as in English, but are {', '.join(sorted(found)) or 'none'}.")
            for key in texts:
                if key not in english:
                    out.append(f"{shown}:{lines[key]}: the key '{key}' is not in the English catalog; remove it or add it to "
                               f"{display}/i18n/strings/{area}.{SOURCE}.yaml.")
    return out


class Translator:
    """`t(key, **values)`: the site's text of `key` in one language (from the
    method folder's catalogs, or the shipped ones when it has none)."""

    def __init__(self, folder: str, language: str):
        self.language = language
        if not os.path.isfile(_path(folder, "site", SOURCE)):
            folder = SHIPPED
        self.texts = {**catalog(folder, "site", SOURCE), **catalog(folder, "site", language)}

    def __call__(self, key: str, **values) -> str:
        try:
            text = self.texts[key]
        except KeyError:
            raise KeyError(f"the site's strings catalog has no key '{key}' (i18n/strings/site.en.yaml).") from None
        return text.format(**values) if values else text

    def n(self, key: str, count: int, **values) -> str:
        """A counted text: `<key>.one` for 1, `<key>.other` otherwise, with `{count}` filled."""
        return self(f"{key}.one" if count == 1 else f"{key}.other", count=count, **values)


@functools.lru_cache(maxsize=16)
def _translator(folder: str, language: str, stamps: tuple) -> Translator:
    return Translator(folder, language)


def translator(folder: str, language: str) -> Translator:
    stamps = (_stamp(_path(folder, "site", SOURCE)), _stamp(_path(folder, "site", language)))
    return _translator(os.path.abspath(folder), language, stamps)


# The method folder whose catalogs the templates read: set by the plugin (and
# the standalone handbook) before rendering; `scenarios/` beside the code otherwise.
SHIPPED = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, os.pardir, "scenarios"))
FOLDER = SHIPPED


def use_folder(folder: str) -> None:
    global FOLDER
    FOLDER = folder


def for_method(method) -> Translator:
    """The translator of the method's language (`Method.language`, English by default)."""
    return translator(FOLDER, getattr(method, "language", SOURCE))
