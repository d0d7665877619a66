"""Read the method from the YAML files in `scenarios/` (build time and CLI only).

This module is the only one that imports PyYAML; the browser receives the
method as JSON. It is strict where YAML is loose: a key given twice, a bare
yes/no/on/off (which YAML 1.1 reads as a boolean), non-decimal numbers and
merge keys are all errors, and every value remembers its file and line so
that `MethodError` can print `file:line: message`.
"""

from __future__ import annotations

import os
import re

from .errors import MethodError, Problem
from .model import Method, compile_method

_BOOL_WORDS = {"yes", "no", "on", "off", "y", "n"}
_DECIMAL = re.compile(r"^[-+]?(0|[1-9][0-9]*)$")


class Located:
    """Maps a path inside the merged method to (file, line)."""

    def __init__(self):
        self.where: dict[tuple, tuple[str, int]] = {}

    def __call__(self, path: tuple):
        path = tuple(path)
        while True:
            if path in self.where:
                return self.where[path]
            if not path:
                return None
            path = path[:-1]


def _convert(node, path, file, located, problems):
    import yaml

    located.where.setdefault(path, (file, node.start_mark.line + 1))
    line = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        result = {}
        first_line = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                problems.append((file, key_node.start_mark.line + 1, Problem(path, "merge keys ('<<') are not supported; write the keys out.")))
                continue
            key = _convert(key_node, path + ("<key>",), file, located, problems)
            if not isinstance(key, (str, int)) or isinstance(key, bool):
                problems.append((file, key_node.start_mark.line + 1, Problem(path, f"keys must be text, got {key!r}; quote the key.")))
                continue
            key_line = key_node.start_mark.line + 1
            if key in result:
                problems.append((file, key_line, Problem(path + (key,), f"duplicate key '{key}' (first on line {first_line[key]}); YAML would silently keep only the last one, so remove one.")))
                continue
            first_line[key] = key_line
            located.where[path + (key,)] = (file, key_line)
            result[key] = _convert(value_node, path + (key,), file, located, problems)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_convert(item, path + (index,), file, located, problems) for index, item in enumerate(node.value)]
    # Scalars: resolve by hand so YAML 1.1 surprises become errors, not data.
    value = node.value
    tag = node.tag
    if node.style:  # quoted or block text: kept as written (plain is None, or '' from libyaml)
        return value
    if tag == "tag:yaml.org,2002:null":
        return None
    if tag == "tag:yaml.org,2002:bool":
        if value.lower() in ("true", "false"):
            return value.lower() == "true"
        problems.append((file, line, Problem(path, f"bare {value} is read by YAML as a boolean ({'true' if value.lower() in ('yes', 'on', 'y') else 'false'}); write \"{value}\" in quotes if you mean the word, or true/false for a boolean.")))
        return value
    if value.lower() in _BOOL_WORDS:
        problems.append((file, line, Problem(path, f"bare {value} is read by some YAML tools as a boolean; write \"{value}\" in quotes.")))
        return value
    if tag == "tag:yaml.org,2002:str":
        return value
    if tag == "tag:yaml.org,2002:int":
        if not _DECIMAL.match(value):
            problems.append((file, line, Problem(path, f"{value} is not a plain decimal number (YAML 1.1 reads it as {_yaml11_int(value)}); write the number in decimal digits, or quote it as text.")))
            return value
        return int(value)
    if tag == "tag:yaml.org,2002:float":
        problems.append((file, line, Problem(path, f"{value} is a decimal number; the method uses whole numbers only (quote it if it is text).")))
        return value
    # timestamps and anything else: keep the text as written
    return value


def _yaml11_int(value: str):
    import yaml

    try:
        return yaml.safe_load(value)
    except yaml.YAMLError:  # pragma: no cover - the composer accepted it already
        return value


def _compose_fast(yaml, text: str):
    """Compose with libyaml when PyYAML has it (about 15x faster on the method).

    Returns None when libyaml is missing, when the text is empty, or when it
    refuses the text: the pure-Python parser then runs again so that every
    error message and line number stays the same whichever parser is present."""
    loader = getattr(yaml, "CSafeLoader", None)
    if loader is None:
        return None
    try:
        return yaml.compose(text, Loader=loader)
    except yaml.YAMLError:
        return None


def load_yaml_file(path: str, display: str, located: Located, prefix=(), problems=None):
    """Parse one YAML file strictly; return its data (problems appended, not raised)."""
    import yaml

    problems = problems if problems is not None else []
    try:
        with open(path, "rb") as handle:
            raw = handle.read()
    except OSError as error:
        problems.append((display, 1, Problem((), f"cannot read the file ({error.strerror or error}).")))
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        problems.append((display, line, Problem((), f"expected UTF-8 text, got the byte 0x{raw[error.start]:02x} that UTF-8 cannot decode; save the file as UTF-8.")))
        return None
    node = _compose_fast(yaml, text)
    try:
        if node is None:
            node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 1
        what = error.problem or error.context or "cannot be parsed"
        if error.problem and error.context and error.problem.startswith("but "):
            what = f"{error.context}, {error.problem}"
        elif error.problem and error.context and error.context_mark and error.context_mark.line != mark.line:
            what += f" ({error.context} on line {error.context_mark.line + 1})"
        problems.append((display, line, Problem((), f"invalid YAML: {what}; check indentation, colons and quotes near this line.")))
        return None
    except yaml.reader.ReaderError as error:
        # Characters YAML refuses (control characters other than tab and newlines).
        line = text.count("\n", 0, error.position) + 1
        problems.append((display, line, Problem((), f"invalid YAML: the character U+{error.character:04X} is not allowed in YAML text; remove it or write it as an escape in a double-quoted string.")))
        return None
    except yaml.YAMLError as error:  # pragma: no cover - any other refusal by the parser
        problems.append((display, 1, Problem((), f"invalid YAML: {str(error).splitlines()[0]}.")))
        return None
    if node is None:
        problems.append((display, 1, Problem((), "the file is empty; expected a mapping of method keys.")))
        return None
    return _convert(node, tuple(prefix), display, located, problems)


def read_method_dir(folder: str, display_root: str | None = None):
    """Merge the YAML files of a method folder into one dict.

    Returns (data, located, problems) where problems are (file, line, Problem).
    Top-level files each contribute keys; `countries/*.yaml` are one profile each.
    """
    display_root = display_root if display_root is not None else os.path.basename(os.path.normpath(folder))
    located = Located()
    problems: list = []
    data: dict = {}
    owner: dict[str, str] = {}
    if not os.path.isdir(folder):
        raise MethodError([Problem((), f"method folder {folder!r} does not exist; expected the scenarios/ folder of a Crossroads checkout.")])
    for name in sorted(os.listdir(folder)):
        if not name.endswith((".yaml", ".yml")):
            continue
        display = f"{display_root}/{name}"
        content = load_yaml_file(os.path.join(folder, name), display, located, problems=problems)
        if content is None:
            continue
        if not isinstance(content, dict):
            problems.append((display, 1, Problem((), "expected a mapping of top-level method keys, got a list or a value.")))
            continue
        for key, value in content.items():
            if key in owner:
                line = located.where.get((key,), (display, 1))[1]
                problems.append((display, line, Problem((key,), f"key '{key}' is already defined in {owner[key]}; each part of the method lives in one file.")))
                continue
            owner[key] = display
            data[key] = value
    countries_dir = os.path.join(folder, "countries")
    if os.path.isdir(countries_dir):
        if "countries" in owner:
            problems.append((owner["countries"], 1, Problem(("countries",), "country profiles live in countries/*.yaml, not in a top-level 'countries' key.")))
        countries = []
        for name in sorted(os.listdir(countries_dir)):
            if not name.endswith((".yaml", ".yml")):
                continue
            display = f"{display_root}/countries/{name}"
            index = len(countries)
            content = load_yaml_file(os.path.join(countries_dir, name), display, located, prefix=("countries", index), problems=problems)
            if content is None:
                continue
            stem = name.rsplit(".", 1)[0]
            if isinstance(content, dict) and content.get("id") != stem:
                line = located.where.get(("countries", index, "id"), (display, 1))[1]
                problems.append((display, line, Problem(("countries", index, "id"), f"the profile's id must match its file name: expected '{stem}', got {content.get('id')!r}.")))
            countries.append(content)
        data["countries"] = countries
    return data, located, problems


class SourceError(MethodError):
    """A method folder with problems found while reading the YAML itself."""

    def __init__(self, rows):
        self.rows = rows
        problems = [problem for _, _, problem in rows]
        super().__init__(problems, None)

    def lines(self) -> list[str]:
        ordered = sorted(getattr(self, "rows", []), key=lambda row: (row[0], row[1]))
        return [f"{file}:{line}: {problem.describe() if problem.path else problem.message}" for file, line, problem in ordered]


def load_method_dir(folder: str, display_root: str | None = None) -> Method:
    """Read, check and compile a method folder; raise MethodError with file:line on any problem."""
    data, located, problems = read_method_dir(folder, display_root)
    if problems:
        raise SourceError(problems)
    return compile_method(data, located)


def default_method_dir() -> str:
    return os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "scenarios")
