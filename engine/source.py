"""Read the method from the YAML files in `scenarios/` (build time and CLI only).

This module is the only one that imports PyYAML; the browser receives the
method as JSON. It is strict where YAML is loose: a key given twice, a bare
yes/no/on/off (which YAML 1.1 reads as a boolean), non-decimal numbers and
merge keys are all errors, and every value remembers its file and line so
that `MethodError` can print `file:line: message`. YAML aliases are refused
before anything is expanded (the method never needs them, and a few hundred
bytes of nested aliases expand to gigabytes), and a file that cannot be read
is named with the reason, never a traceback.
"""

from __future__ import annotations

import os
import re
import stat

from .errors import MethodError, Problem, printable, quote, quote_path
from .model import Method, compile_method
from .validate import METHOD_SCHEMA

_BOOL_WORDS = {"yes", "no", "on", "off", "y", "n"}
_DECIMAL = re.compile(r"^[-+]?(0|[1-9][0-9]*)$")
# A method file is tens of kilobytes; anything this large is not one.
MAX_FILE_BYTES = 4 * 1024 * 1024
# Where each top-level key of the method lives in a checkout's scenarios/ folder.
KEY_FILES = {
    "method": "method.yaml",
    "categories": "matrix.yaml",
    "scenarios": "matrix.yaml",
    "stakeholders": "stakeholders.yaml",
    "cooperation_levels": "stakeholders.yaml",
    "flowcharts": "flowcharts.yaml",
    "questionnaire": "questions.yaml",
    "scoring": "scoring.yaml",
    "migrations": "migrations.yaml",
}


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
                problems.append((file, key_line, Problem(path + (key,), f"duplicate key {quote(key)} (first on line {first_line[key]}); YAML would silently keep only the last one, so remove one.")))
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


def read_file_bytes(path: str, limit: int = MAX_FILE_BYTES):
    """The bytes of a file, or (None, reason) in plain words when it cannot be read.

    Returns (bytes, None) on success. A dangling link, a folder, a device or a
    pipe, a file that is unreadable or too large each get their own reason."""
    try:
        info = os.stat(path)
    except OSError as error:
        if os.path.islink(path):
            return None, "cannot read the file: it is a symbolic link to a file that does not exist; restore the file or remove the link."
        return None, f"cannot read the file ({error.strerror or 'it cannot be opened'})."
    if stat.S_ISDIR(info.st_mode):
        return None, "cannot read the file: it is a folder; a method file is a YAML file."
    if not stat.S_ISREG(info.st_mode):
        return None, "cannot read the file: it is not a regular file (a device, pipe or socket); a method file is a YAML file."
    if info.st_size > limit:
        return None, f"cannot read the file: it is {info.st_size // 1024} kB, far larger than any method file (at most {limit // (1024 * 1024)} MiB)."
    try:
        with open(path, "rb") as handle:
            raw = handle.read(limit + 1)
    except OSError as error:
        return None, f"cannot read the file ({error.strerror or 'it cannot be opened'}); check that it exists and can be read."
    if len(raw) > limit:
        return None, f"cannot read the file: it is larger than {limit // (1024 * 1024)} MiB, far larger than any method file."
    return raw, None


def _merge_key(yaml, event) -> bool:
    return (isinstance(event, yaml.ScalarEvent) and event.value == "<<" and event.tag is None and not event.style)


def _aliases(yaml, text: str, display: str) -> list:
    """Problems for every YAML alias ('*name') in the text, one per line, found
    from the parser's events without building anything (so an alias bomb costs
    no more than its own size). Aliases under a merge key ('<<') are left to the
    merge-key check, which refuses them with its own message."""
    loader = getattr(yaml, "CSafeLoader", None) or yaml.SafeLoader
    anchors: dict[str, int] = {}
    lines: dict[int, list[str]] = {}
    # One entry per open collection: [is_mapping, next_is_key, last_key_was_merge, inside_merge_value]
    stack: list[list] = []
    for event in yaml.parse(text, Loader=loader):
        if isinstance(event, yaml.CollectionEndEvent):
            stack.pop()
            continue
        if not isinstance(event, yaml.NodeEvent):
            continue
        inside_merge = False
        if stack:
            top = stack[-1]
            inside_merge = top[3]
            if top[0]:
                if top[1]:
                    top[2] = _merge_key(yaml, event)
                else:
                    inside_merge = inside_merge or top[2]
                top[1] = not top[1]
        line = event.start_mark.line + 1
        if isinstance(event, yaml.AliasEvent):
            if not inside_merge:
                lines.setdefault(line, []).append(event.anchor)
            continue
        if event.anchor is not None:
            anchors.setdefault(event.anchor, line)
        if isinstance(event, yaml.MappingStartEvent):
            stack.append([True, True, False, inside_merge])
        elif isinstance(event, yaml.SequenceStartEvent):
            stack.append([False, True, False, inside_merge])
    problems = []
    for line, names in lines.items():
        shown = []
        for name in dict.fromkeys(names):
            where = f", anchored on line {anchors[name]}" if name in anchors else ""
            shown.append(f"'*{printable(name, 40)}'{where}")
        more = f"; and {len(shown) - 3} more" if len(shown) > 3 else ""
        problems.append((display, line, Problem((), f"YAML aliases are not supported ({'; '.join(shown[:3])}{more}); "
                                                    "write the value out in full: the method never needs them.")))
    return problems


def load_yaml_file(path: str, display: str, located: Located, prefix=(), problems=None):
    """Parse one YAML file strictly; return its data (problems appended, not raised)."""
    import yaml

    problems = problems if problems is not None else []
    raw, reason = read_file_bytes(path)
    if raw is None:
        problems.append((display, None, Problem((), reason)))
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        problems.append((display, line, Problem((), f"expected UTF-8 text, got the byte 0x{raw[error.start]:02x} that UTF-8 cannot decode; save the file as UTF-8.")))
        return None
    too_deep = Problem((), "the file nests lists and mappings too deeply to be read; the method needs only a few levels.")
    try:
        node = _compose_fast(yaml, text)
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
        problems.append((display, 1, Problem((), f"invalid YAML: {printable(str(error).splitlines()[0], 200)}.")))
        return None
    except RecursionError:
        problems.append((display, 1, too_deep))
        return None
    if node is None:
        problems.append((display, 1, Problem((), "the file is empty; expected a mapping of method keys.")))
        return None
    if "*" in text:
        refused = _aliases(yaml, text, display)
        if refused:
            problems.extend(refused)
            return None
    try:
        return _convert(node, tuple(prefix), display, located, problems)
    except RecursionError:
        problems.append((display, 1, too_deep))
        return None


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
        raise MethodError([Problem((), f"method folder {quote_path(folder)} does not exist; expected the scenarios/ folder of a Crossroads checkout.")])
    try:
        names = sorted(os.listdir(folder))
    except OSError as error:
        raise MethodError([Problem((), f"cannot read the method folder {quote_path(folder)} ({error.strerror or 'it cannot be listed'}).")]) from None
    for name in names:
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
        try:
            names = sorted(os.listdir(countries_dir))
        except OSError as error:
            problems.append((f"{display_root}/countries", None, Problem((), f"cannot read the folder ({error.strerror or 'it cannot be listed'}).")))
            names = []
        for name in names:
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


# The English fixed texts of results and reports, read with the method (i18n/README.md).
STRINGS_FILE = "report.en.yaml"


def _read_strings(folder: str, display_root: str, located: Located, problems: list, data: dict) -> None:
    """The method's fixed texts (key -> text) from i18n/strings/report.en.yaml of the method
    folder, or of this checkout's scenarios/ when the folder has none (a host's own copy)."""
    path = os.path.join(folder, "i18n", "strings", STRINGS_FILE)
    display = f"{display_root}/i18n/strings/{STRINGS_FILE}"
    if not os.path.exists(path):
        path = os.path.join(default_method_dir(), "i18n", "strings", STRINGS_FILE)
        display = f"scenarios/i18n/strings/{STRINGS_FILE}"
    content = load_yaml_file(path, display, located, prefix=("strings",), problems=problems)
    if content is not None:
        data["strings"] = content


class SourceError(MethodError):
    """A method folder with problems found while reading the YAML itself."""

    def __init__(self, rows):
        self.rows = rows
        problems = [problem for _, _, problem in rows]
        super().__init__(problems, None)

    def lines(self) -> list[str]:
        ordered = sorted(getattr(self, "rows", []), key=lambda row: (row[0], row[1] or 0))
        return [f"{printable(file)}{'' if line is None else f':{line}'}: {problem.describe() if problem.path else problem.message}"
                for file, line, problem in ordered]


def missing_keys(data: dict, folder: str, display_root: str, located: Located) -> list:
    """Rows for each required top-level key that no file gave, naming the file
    expected to hold it (and for each unknown top-level key, often the same key misspelt)."""
    rows = []
    allowed = {**METHOD_SCHEMA.required, **METHOD_SCHEMA.optional}
    for key in data:
        if key not in allowed:
            file, line = located.where.get((key,), (display_root, None))
            rows.append((file, line, Problem((key,), f"unknown key {quote(key)}; expected one of: {', '.join(allowed)}.")))
    for key in METHOD_SCHEMA.required:
        if key in data:
            continue
        home = KEY_FILES.get(key)
        if home is None:
            rows.append((display_root, None, Problem((), f"the method has no {quote(key)}; add it to one of the files of {display_root}/.")))
        elif os.path.exists(os.path.join(folder, home)):
            rows.append((f"{display_root}/{home}", None, Problem((), f"the method has no {quote(key)} (expected in {display_root}/{home}); add it to that file.")))
        else:
            rows.append((display_root, None, Problem((), f"the method has no {quote(key)} (expected in {display_root}/{home}, which is missing); restore that file.")))
    return rows


def read_whole_method_dir(folder: str, display_root: str) -> tuple[dict, Located]:
    """The data of a method folder with every required top-level key; raise SourceError (file:line) otherwise."""
    data, located, problems = read_method_dir(folder, display_root)
    if "strings" in data:
        line = located.where.get(("strings",), (display_root, None))
        problems.append((line[0], line[1], Problem(("strings",), "the fixed texts of the reports live in "
                                                                 f"i18n/strings/{STRINGS_FILE}, not in a top-level 'strings' key.")))
    else:
        _read_strings(folder, display_root, located, problems, data)
    if problems:
        raise SourceError(problems)
    missing = missing_keys(data, folder, display_root, located)
    if any(problem.path == () for _, _, problem in missing):
        raise SourceError(missing)
    return data, located


def load_method_dir(folder: str, display_root: str | None = None) -> Method:
    """Read, check and compile a method folder; raise MethodError with file:line on any problem."""
    display_root = display_root if display_root is not None else os.path.basename(os.path.normpath(folder))
    return compile_method(*read_whole_method_dir(folder, display_root))


def default_method_dir() -> str:
    return os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "scenarios")
