"""Translations of the method's texts: the key of every text a reader sees,
and the check of a translation file against those keys.

`text_keys(data)` walks the method (as loaded from `scenarios/`, or the
compiled JSON) and returns, in a fixed order, one stable key per reader text
with its English wording. A key is the text's place in the method, with every
list item named by its id (an option by its value, a release by its version,
a flowchart link by the step it leads to); only lists whose items have no id
(signals, evidence, tasks, outputs, outcomes, functions) use positions,
counted from 1. Ids, numbers, conditions, page paths, stakeholder codes and
source citations are not reader text and have no key.

`check_translation(...)` compares a translation (a flat map key -> text) with
those keys and returns every problem with its line: a missing key (with the
English text to translate), an unknown key (with the closest known one), an
empty text, text that is not a string, placeholders (`{country}`) that differ
from the English, a name of the matrix (or a text that is exactly such a name,
like an answer naming a category) that does not keep its English original in
the pattern the language's glossary defines, and a term the glossary enforces
that the translation does not use.

`localize(method, language)` returns the method with every keyed text in
that language (ids, points and conditions unchanged) and `Method.language`
set; it refuses a translation the checker finds any problem in.

Reading the files (`load_glossary`, `check_language`, `check_folder`,
`localize`) needs PyYAML through `engine.source`; everything else is standard
library only.
"""

from __future__ import annotations

import difflib
import json
import os
import re
from dataclasses import dataclass, field

from .errors import MethodError, printable, quote
from .schema import describe_value

# A placeholder a program fills in: {country}, {name}. The method's English
# texts have none today; a translation must keep exactly the English set.
PLACEHOLDER = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*\}")

# The names of the matrix's categories, scenarios and impacts: translations
# keep the brief's English name beside their own, in the glossary's pattern.
_NAME_KEY = re.compile(r"^matrix\.(categories\.[^.]+|scenarios\.[^.]+|scenarios\.[^.]+\.impacts\.[^.]+)\.name$")

# Parts of the method, for the coverage report: key prefix -> part.
PARTS = (
    ("matrix.", "matrix"),
    ("stakeholders.", "stakeholders"),
    ("cooperation.", "stakeholders"),
    ("flowcharts.", "flowcharts"),
    ("scoring.", "scoring"),
    ("actions.", "scoring"),
    ("questionnaire.", "questionnaire"),
    ("questions.", "questionnaire"),
    ("method.", "method"),
    ("migrations.", "method"),
    ("countries.", "countries"),
    ("cases.", "cases"),
)
PART_ORDER = ("matrix", "scoring", "flowcharts", "stakeholders", "questionnaire", "method", "countries", "cases")

GLOSSARY_PREFIX = "glossary."
SOURCE_LANGUAGE = "en"
# The catalog of the fixed texts of results and reports, carried in the method (`Method.strings`).
REPORT_AREA = "report"
_FLAT = " (keys are written flat, with dots, not nested)"
MATRIX_NAME_FIELDS = ("{term}", "{english}")


@dataclass(frozen=True)
class Text:
    """One reader text of the method: its key, its English wording and its path in the method data."""

    key: str
    english: str
    path: tuple


def is_matrix_name(key: str) -> bool:
    """Whether the key is the name of a category, scenario or impact of the matrix."""
    return bool(_NAME_KEY.match(key))


def part_of(key: str) -> str:
    """The part of the method a key belongs to (matrix, scoring, ...), for the coverage report."""
    for prefix, part in PARTS:
        if key.startswith(prefix):
            return part
    return "other"


def placeholders(text: str) -> set[str]:
    """The placeholders of a text: {'{country}'}."""
    return set(PLACEHOLDER.findall(text))


def _items(out: list, prefix: str, path: tuple, values: list) -> None:
    """A list of texts without ids: one key per item, counted from 1."""
    for index, value in enumerate(values):
        out.append(Text(f"{prefix}.{index + 1}", value, path + (index,)))


def _fields(out: list, prefix: str, path: tuple, item: dict, names: tuple) -> None:
    for name in names:
        if name in item:
            out.append(Text(f"{prefix}.{name}", item[name], path + (name,)))


def _steps(out: list, steps: list, path: tuple) -> None:
    for si, step in enumerate(steps):
        prefix, here = f"flowcharts.steps.{step['id']}", path + (si,)
        _fields(out, prefix, here, step, ("title", "summary"))
        for name in ("tasks", "outputs", "outcomes"):
            _items(out, f"{prefix}.{name}", here + (name,), step.get(name, []))
        for ni, link in enumerate(step["next"]):
            if "label" in link:
                out.append(Text(f"{prefix}.next.{link['to']}.label", link["label"], here + ("next", ni, "label")))


def text_keys(data: dict) -> list[Text]:
    """Every reader text of the method, in the order of the method's files.

    `data` is the method as a JSON-able dict whose structure holds (what
    `source.read_method_dir` reads and `compile_method` accepts). Raises
    ValueError if two texts would share a key (ids that are not unique)."""
    out: list[Text] = []
    method = data["method"]
    _fields(out, "method", ("method",), method, ("title", "summary"))
    for i, source in enumerate(method["sources"]):
        out.append(Text(f"method.sources.{source['id']}.role", source["role"], ("method", "sources", i, "role")))
    for i, entry in enumerate(method["history"]):
        out.append(Text(f"method.history.{entry['version']}.changes", entry["changes"], ("method", "history", i, "changes")))

    for i, category in enumerate(data["categories"]):
        _fields(out, f"matrix.categories.{category['id']}", ("categories", i), category, ("name", "summary"))
    for i, scenario in enumerate(data["scenarios"]):
        prefix, path = f"matrix.scenarios.{scenario['id']}", ("scenarios", i)
        _fields(out, prefix, path, scenario, ("name", "summary"))
        _items(out, f"{prefix}.signals", path + ("signals",), scenario["signals"])
        for ei, evidence in enumerate(scenario.get("evidence", [])):
            out.append(Text(f"{prefix}.evidence.{ei + 1}", evidence["text"], path + ("evidence", ei, "text")))
        for ii, impact in enumerate(scenario["impacts"]):
            _fields(out, f"{prefix}.impacts.{impact['id']}", path + ("impacts", ii), impact, ("name", "description"))

    for i, stakeholder in enumerate(data["stakeholders"]):
        _fields(out, f"stakeholders.{stakeholder['id']}", ("stakeholders", i), stakeholder, ("name", "description"))
    for i, level in enumerate(data["cooperation_levels"]):
        prefix, path = f"cooperation.{level['id']}", ("cooperation_levels", i)
        _fields(out, prefix, path, level, ("name", "led_by", "purpose"))
        _items(out, f"{prefix}.functions", path + ("functions",), level["functions"])

    charts = data["flowcharts"]
    for chart in ("foresight", "management"):
        _fields(out, f"flowcharts.{chart}", ("flowcharts", chart), charts[chart], ("title", "summary"))
    _steps(out, charts["foresight"]["steps"], ("flowcharts", "foresight", "steps"))
    for ti, track in enumerate(charts["management"]["tracks"]):
        _steps(out, track["steps"], ("flowcharts", "management", "tracks", ti, "steps"))

    for i, section in enumerate(data["questionnaire"]["sections"]):
        _fields(out, f"questionnaire.sections.{section['id']}", ("questionnaire", "sections", i), section, ("title", "intro"))
    for qi, question in enumerate(data["questionnaire"]["questions"]):
        prefix, path = f"questions.{question['id']}", ("questionnaire", "questions", qi)
        _fields(out, prefix, path, question, ("short", "text", "help"))
        for oi, option in enumerate(question["options"]):
            out.append(Text(f"{prefix}.options.{option['value']}.label", option["label"], path + ("options", oi, "label")))

    scoring = data["scoring"]
    for i, level in enumerate(scoring["levels"]):
        _fields(out, f"scoring.levels.{level['id']}", ("scoring", "levels", i), level, ("label", "description"))
    for axis in ("likelihood", "impact"):
        out.append(Text(f"scoring.{axis}.label", scoring[axis]["label"], ("scoring", axis, "label")))
        for i, level in enumerate(scoring[axis]["levels"]):
            out.append(Text(f"scoring.{axis}.levels.{level['id']}.label", level["label"], ("scoring", axis, "levels", i, "label")))
    for i, rec in enumerate(scoring["recommendations"]):
        _fields(out, f"scoring.recommendations.{rec['id']}", ("scoring", "recommendations", i), rec, ("label", "headline", "description"))
    for i, rule in enumerate(scoring["recommendation_rules"]):
        out.append(Text(f"scoring.rules.{rule['id']}.reason", rule["reason"], ("scoring", "recommendation_rules", i, "reason")))
    for i, decision in enumerate(scoring.get("decisions", [])):
        _fields(out, f"scoring.decisions.{decision['id']}", ("scoring", "decisions", i), decision, ("label", "description"))
    for i, action in enumerate(scoring["actions"]):
        out.append(Text(f"actions.{action['id']}.text", action["text"], ("scoring", "actions", i, "text")))

    for i, topic in enumerate(data.get("topics", [])):
        _fields(out, f"topics.{topic['id']}", ("topics", i), topic, ("name", "description"))

    for i, step in enumerate(data.get("migrations", [])):
        out.append(Text(f"migrations.{step['from']}.summary", step["summary"], ("migrations", i, "summary")))

    seen: dict[str, tuple] = {}
    for text in out:
        if text.key in seen:
            raise ValueError(f"two texts of the method share the key {text.key!r} (at {seen[text.key]} and {text.path}); ids must be unique.")
        seen[text.key] = text.path
    return out


# -- checking one translation ---------------------------------------------------------------

@dataclass
class Finding:
    """One problem of a translation file: where it is and what is wrong."""

    file: str
    line: int | None
    message: str

    def __str__(self) -> str:
        return f"{printable(self.file)}{'' if self.line is None else f':{self.line}'}: {self.message}"


@dataclass
class Coverage:
    """How many of the method's texts a translation covers, in total and per part."""

    language: str
    total: int = 0
    translated: int = 0
    parts: dict[str, list[int]] = field(default_factory=dict)  # part -> [translated, total]
    missing: list[str] = field(default_factory=list)  # keys without a usable translation, in the method's order

    @property
    def percent(self) -> float:
        return 100.0 * self.translated / self.total if self.total else 100.0

    def lines(self) -> list[str]:
        """The coverage report: one line for the language, one per part."""
        rows = [f"{self.language}: {self.translated} of {self.total} texts translated ({self.percent:.1f}%)"]
        for part in sorted(self.parts, key=lambda p: PART_ORDER.index(p) if p in PART_ORDER else len(PART_ORDER)):
            done, total = self.parts[part]
            rows.append(f"  {part:<14} {done:>4} / {total}" + ("" if done == total else f"  ({total - done} missing)"))
        return rows


@dataclass(frozen=True)
class TermCheck:
    """A glossary term the checker enforces: where the English text uses `match`, the
    translation holds one of `forms` (both compared without regard to case)."""

    english: str  # the glossary entry
    match: str
    forms: tuple[str, ...]
    line: int | None

    def applies_to(self, english: str) -> bool:
        return re.search(r"(?<![A-Za-z])" + re.escape(self.match), english, re.I) is not None

    def holds_in(self, text: str) -> bool:
        return any(form.casefold() in text.casefold() for form in self.forms)


@dataclass
class Glossary:
    """What the checker reads from a language's glossary: the pattern of the matrix's names and the enforced terms."""

    file: str
    matrix_names: str
    checks: list[TermCheck] = field(default_factory=list)


def matrix_name_pattern(pattern: str):
    """The compiled form of a glossary's `matrix_names` pattern ('{term} ({english})'),
    or None when the pattern lacks {term} or {english}."""
    if not all(field_ in pattern for field_ in MATRIX_NAME_FIELDS) or pattern.count("{term}") != 1:
        return None

    def compile_for(english: str):
        parts = re.split(r"(\{term\}|\{english\})", pattern)
        regex = "".join("(.*\\S.*)" if p == "{term}" else re.escape(english) if p == "{english}" else re.escape(p) for p in parts)
        return re.compile("^" + regex + "$", re.S)

    return compile_for


def check_translation(texts: list[Text], entries: dict, lines: dict[str, int], file: str, language: str,
                      glossary: Glossary | None = None) -> tuple[list[Finding], Coverage]:
    """Check a translation against the method's texts.

    `entries` is the translation as read (key -> value), `lines` the line of
    each key in `file`. With a `glossary`, the matrix's names must follow its
    pattern and its enforced terms must be used. Returns (findings, coverage)."""
    findings: list[Finding] = []
    coverage = Coverage(language)
    known = {text.key: text for text in texts}
    names = {text.english for text in texts if is_matrix_name(text.key)}
    last_line = 1
    previous_key = None
    for text in texts:
        done = False
        part = coverage.parts.setdefault(part_of(text.key), [0, 0])
        part[1] += 1
        coverage.total += 1
        if text.key not in entries:
            where = f"after {quote(previous_key, 120)}" if previous_key else "at the top of the file"
            findings.append(Finding(file, last_line, f"missing key {quote(text.key, 120)} (its place is {where}); "
                                                     f"translate the English {quote(text.english, 160)}."))
        else:
            value = entries[text.key]
            line = lines.get(text.key)
            last_line, previous_key = line or last_line, text.key
            if not isinstance(value, str):
                findings.append(Finding(file, line, f"{quote(text.key, 120)}: expected the translated text in quotes, got "
                                                    f"{describe_value(value)}{_FLAT if isinstance(value, dict) else ''}; translate the English {quote(text.english, 160)}."))
            elif not value.strip():
                findings.append(Finding(file, line, f"{quote(text.key, 120)}: the text is empty; translate the English {quote(text.english, 160)}."))
            else:
                problems = _text_problems(text, value, glossary, is_matrix_name(text.key) or text.english in names)
                findings.extend(Finding(file, line, f"{quote(text.key, 120)}: {message}") for message in problems)
                done = not problems
        if done:
            part[0] += 1
            coverage.translated += 1
        else:
            coverage.missing.append(text.key)
    for key in entries:
        if key in known:
            continue
        close = difflib.get_close_matches(str(key), known, n=1, cutoff=0.6)
        hint = f"did you mean {quote(close[0], 120)}?" if close else "it is not a text of the method; remove it."
        findings.append(Finding(file, lines.get(key), f"unknown key {quote(str(key), 120)}: {hint}"))
    findings.sort(key=lambda f: (f.line or 0))
    return findings, coverage


def _text_problems(text: Text, value: str, glossary: Glossary | None, a_name: bool) -> list[str]:
    """What is wrong with a translated text that is not empty: placeholders, the matrix's name pattern
    (when `a_name`: the text is a name of the matrix), glossary terms."""
    problems = []
    want, got = placeholders(text.english), placeholders(value)
    if want != got:
        problems.append(f"placeholders differ from the English: expected {_set(want)}, got {_set(got)}; keep each placeholder "
                        f"exactly as in {quote(text.english, 160)}.")
    if glossary is None:
        return problems
    if a_name and not matrix_name_pattern(glossary.matrix_names)(text.english).match(value):
        shown = glossary.matrix_names.replace("{english}", text.english)
        problems.append(f"a name of the matrix keeps its English original in the pattern {quote(glossary.matrix_names)} of "
                        f"{glossary.file}: expected {quote(shown, 160)} with the translated name as {{term}}, got {quote(value, 160)}.")
    for check in glossary.checks:
        if check.applies_to(text.english) and not check.holds_in(value):
            forms = " or ".join(quote(form) for form in check.forms)
            which = "it" if len(check.forms) == 1 else "any of them"
            problems.append(f"the English says {quote(check.match)}, which {glossary.file}:{check.line} translates as {forms}; "
                            f"the text does not use {which}: {quote(value, 160)}.")
    return problems


def _set(values: set[str]) -> str:
    return "{" + ", ".join(sorted(values)) + "}" if values else "none"


# -- reading the files (PyYAML, through engine.source) ---------------------------------------

def _load(path: str, display: str, findings: list[Finding]):
    """(content, located) of a YAML file read with the method's strict loader, or (None, None)
    when it cannot be read; its problems go to findings with their lines."""
    from .source import Located, load_yaml_file

    located = Located()
    problems: list = []
    content = load_yaml_file(path, display, located, problems=problems)
    for file, line, problem in problems:
        findings.append(Finding(file, line, problem.message))
    return (None, None) if problems else (content, located)


def _read_translation(path: str, display: str, findings: list[Finding]):
    """(entries, key -> line) of a translation file, or (None, {}) when it cannot be used."""
    content, located = _load(path, display, findings)
    if located is None:
        return None, {}
    if not isinstance(content, dict):
        findings.append(Finding(display, 1, "expected a mapping of keys to texts, got a list or a single value."))
        return None, {}
    lines = {path[0]: where[1] for path, where in located.where.items() if len(path) == 1}
    return content, lines


def load_glossary(path: str, display: str, findings: list[Finding]) -> Glossary | None:
    """A language's glossary, read from {'conventions': {'matrix_names': ..., <notes>},
    'terms': {english: {'term', 'note', 'match', 'forms'}}}.

    Its structure is checked; problems go to findings (with file and line)."""
    content, located = _load(path, display, findings)
    if located is None:
        return None

    def line_of(*path):
        found = located(path)
        return found[1] if found else 1

    if not isinstance(content, dict) or set(content) != {"conventions", "terms"}:
        findings.append(Finding(display, 1, "expected a mapping with exactly two keys, 'conventions' and 'terms'."))
        return None
    conventions, terms = content["conventions"], content["terms"]
    ok = True
    checks: list[TermCheck] = []
    if not isinstance(conventions, dict) or not isinstance(conventions.get("matrix_names"), str):
        findings.append(Finding(display, line_of("conventions"), "conventions: expected 'matrix_names', the pattern of the matrix's "
                                                                 "names, such as '{term} ({english})'."))
        ok = False
    elif matrix_name_pattern(conventions["matrix_names"]) is None:
        findings.append(Finding(display, line_of("conventions", "matrix_names"), "conventions.matrix_names: the pattern must hold "
                                                                                 "{term} once and {english}."))
        ok = False
    else:
        for name, value in conventions.items():
            if not isinstance(value, str) or not value.strip():
                findings.append(Finding(display, line_of("conventions", name), f"conventions.{name}: expected a note in words "
                                                                               "(every convention is text)."))
                ok = False
    if not isinstance(terms, dict) or not terms:
        findings.append(Finding(display, line_of("terms"), "terms: expected a mapping of English terms to their chosen translation."))
        return None
    for english, entry in terms.items():
        where = line_of("terms", english)
        if not isinstance(entry, dict) or not isinstance(entry.get("term"), str) or not entry["term"].strip():
            findings.append(Finding(display, where, f"terms.{english}: expected 'term' (the chosen translation) and, where the "
                                                    "choice needs explaining, 'note'."))
            ok = False
            continue
        unknown = set(entry) - {"term", "note", "match", "forms"}
        if unknown:
            findings.append(Finding(display, where, f"terms.{english}: unknown key(s) {', '.join(sorted(unknown))}; "
                                                    "expected 'term', 'note', 'match' and 'forms'."))
            ok = False
        elif "match" in entry or "forms" in entry:
            match, forms = entry.get("match"), entry.get("forms")
            if (not isinstance(match, str) or not match.strip() or not isinstance(forms, list) or not forms
                    or not all(isinstance(form, str) and form.strip() for form in forms)):
                findings.append(Finding(display, where, f"terms.{english}: a checked term has both 'match' (the English words "
                                                        "to look for) and 'forms' (a list of the translations that count)."))
                ok = False
            else:
                checks.append(TermCheck(str(english), match, tuple(forms), where))
    return Glossary(display, conventions["matrix_names"], checks) if ok else None


def languages(folder: str) -> list[str]:
    """The languages that have a translation file in `folder` (i18n/), sorted."""
    if not os.path.isdir(folder):
        return []
    return sorted(name[:-5] for name in os.listdir(folder)
                  if name.endswith(".yaml") and not name.startswith(GLOSSARY_PREFIX) and not name.startswith("."))


def check_language(data: dict, folder: str, language: str, display_folder: str) -> tuple[list[Finding], Coverage]:
    """Check `<folder>/<language>.yaml` and its glossary against the method `data`.

    `display_folder` is how files are named in messages ('scenarios/i18n')."""
    findings: list[Finding] = []
    texts = text_keys(without_additions(data))
    display = f"{display_folder}/{language}.yaml"
    glossary_display = f"{display_folder}/{GLOSSARY_PREFIX}{language}.yaml"
    glossary_path = os.path.join(folder, f"{GLOSSARY_PREFIX}{language}.yaml")
    glossary = None
    if not os.path.exists(glossary_path):
        findings.append(Finding(glossary_display, None, f"the glossary of {quote(language)} is missing; every language keeps "
                                                        "one, with the pattern of the matrix's names (see i18n/README.md)."))
    else:
        glossary = load_glossary(glossary_path, glossary_display, findings)
    entries, lines = _read_translation(os.path.join(folder, f"{language}.yaml"), display, findings)
    if entries is None:
        coverage = _untranslated(language, texts)
    else:
        more, coverage = check_translation(texts, entries, lines, display, language, glossary)
        findings += more
    profiles, profile_coverage, _ = check_narrative(profile_texts(data), folder, "countries", language, display_folder)
    _merge(coverage, profile_coverage)
    return findings + profiles, coverage


def check_folder(data: dict, folder: str, display_folder: str, only: list[str] | None = None):
    """Check every language of an i18n folder (or those in `only`).

    Returns (findings, [coverage per language])."""
    found = languages(folder)
    findings: list[Finding] = []
    reports: list[Coverage] = []
    for language in only or found:
        if language not in found:
            listed = ", ".join(found) or "none"
            findings.append(Finding(f"{display_folder}/{language}.yaml", None,
                                    f"no translation file for {quote(language)}; the languages here are: {listed}."))
            continue
        more, coverage = check_language(data, folder, language, display_folder)
        findings.extend(more)
        reports.append(coverage)
    return findings, reports


# -- interface strings catalogs (i18n/strings/<area>.<language>.yaml) ------------------------

STRINGS_FOLDER = "strings"
# The areas whose translations must also use the glossary's enforced terms.
GLOSSARY_AREAS = ("report",)
_CATALOG = re.compile(r"^([a-z][a-z0-9_-]*)\.([a-z]{2,3}(?:-[A-Za-z0-9]+)?)\.yaml$")


def catalogs(folder: str) -> dict[str, list[str]]:
    """The catalogs of an i18n folder's strings/ subfolder: area -> its languages (sorted, 'en' first)."""
    found: dict[str, list[str]] = {}
    strings = os.path.join(folder, STRINGS_FOLDER)
    if not os.path.isdir(strings):
        return found
    for name in sorted(os.listdir(strings)):
        match = _CATALOG.match(name)
        if match:
            found.setdefault(match.group(1), []).append(match.group(2))
    for area in found:
        found[area].sort(key=lambda language: (language != SOURCE_LANGUAGE, language))
    return found


def _source_texts(path: str, display: str, findings: list[Finding]) -> list[Text] | None:
    """The English catalog as Texts (key, English), or None when it cannot be used (problems to findings)."""
    entries, lines = _read_translation(path, display, findings)
    if entries is None:
        return None
    texts, ok = [], True
    for key, value in entries.items():
        if not isinstance(value, str) or not value.strip():
            shown = "the text is empty" if isinstance(value, str) else f"expected the text in quotes, got {describe_value(value)}"
            findings.append(Finding(display, lines.get(key), f"{quote(str(key), 120)}: {shown}; every English text is the source "
                                                             "of its translations."))
            ok = False
            continue
        texts.append(Text(str(key), value, (key,)))
    return texts if ok else None


def check_catalog(folder: str, area: str, language: str, display_folder: str,
                  glossary: Glossary | None = None) -> tuple[list[Finding], Coverage, dict | None]:
    """Check strings/<area>.<language>.yaml against strings/<area>.en.yaml: missing keys (with the
    English text), unknown keys (with the closest known key), empty texts, texts that are not
    text, placeholders that differ (and, with a glossary, its enforced terms).

    Returns (findings, coverage, the translated catalog or None when it cannot be read)."""
    findings: list[Finding] = []
    base = f"{display_folder}/{STRINGS_FOLDER}/{area}"
    texts = _source_texts(os.path.join(folder, STRINGS_FOLDER, f"{area}.{SOURCE_LANGUAGE}.yaml"), f"{base}.{SOURCE_LANGUAGE}.yaml", findings)
    coverage = Coverage(f"{language} {area}")
    path = os.path.join(folder, STRINGS_FOLDER, f"{area}.{language}.yaml")
    display = f"{base}.{language}.yaml"
    if texts is None:
        return findings, coverage, None
    if not os.path.exists(path):
        findings.append(Finding(display, None, f"the {quote(area)} strings have no {quote(language)} catalog; copy "
                                               f"{base}.{SOURCE_LANGUAGE}.yaml to it and translate every text."))
        coverage.total = len(texts)
        coverage.missing = [t.key for t in texts]
        return findings, coverage, None
    entries, lines = _read_translation(path, display, findings)
    if entries is None:
        coverage.total = len(texts)
        coverage.missing = [t.key for t in texts]
        return findings, coverage, None
    more, coverage = check_translation(texts, entries, lines, display, f"{language} {area}", glossary)
    return findings + more, coverage, entries


def check_catalogs(folder: str, display_folder: str, only: list[str] | None = None,
                   glossaries: dict[str, Glossary | None] | None = None) -> tuple[list[Finding], list[Coverage]]:
    """Check every catalog of strings/ (every area, every language of the folder and of strings/,
    or those in `only`). Returns (findings, [coverage per area and language])."""
    findings: list[Finding] = []
    reports: list[Coverage] = []
    found = catalogs(folder)
    wanted = set(languages(folder)) | {language for langs in found.values() for language in langs}
    wanted.discard(SOURCE_LANGUAGE)
    for area, langs in found.items():
        if SOURCE_LANGUAGE not in langs:
            findings.append(Finding(f"{display_folder}/{STRINGS_FOLDER}/{area}.{SOURCE_LANGUAGE}.yaml", None,
                                    f"the {quote(area)} strings have translations but no English source catalog; "
                                    "add it (the English is the source of every translation)."))
            continue
        for language in sorted(wanted):
            if only and language not in only:
                continue
            glossary = (glossaries or {}).get(language) if area in GLOSSARY_AREAS else None
            more, coverage, _ = check_catalog(folder, area, language, display_folder, glossary)
            findings.extend(more)
            reports.append(coverage)
    return findings, reports


# -- narratives: country profiles and case library (i18n/countries/, i18n/cases/) ---------

# The prose of the country profiles and of the case library is translated in
# files of its own, one folder per kind: `i18n/<kind>/<language>.yaml`, flat
# maps like the method's. They are checked like the method's translation
# (missing, unknown and empty keys, placeholders), but without the glossary's
# enforced terms: a narrative is free prose, and the glossary guides it.


def profile_texts(data: dict) -> list[Text]:
    """Every reader text of the country profiles of the method `data`, but the bodies a host's
    overlay added (they stay in the host's words): each profile's name and summary, each body's
    note, each duty's text and deadline, each rule (counted from 1). Body names are official
    names and stay as written."""
    added = {(contact["country"], contact["id"]) for contact in (data.get("additions") or {}).get("contacts", [])}
    out: list[Text] = []
    for i, country in enumerate(data.get("countries", [])):
        prefix, path = f"countries.{country['id']}", ("countries", i)
        _fields(out, prefix, path, country, ("name", "summary"))
        for code, role in country["roles"].items():
            for bi, body in enumerate(role["bodies"]):
                if (country["id"], body["id"]) not in added:
                    out.append(Text(f"{prefix}.bodies.{body['id']}.note", body["note"], path + ("roles", code, "bodies", bi, "note")))
        for di, duty in enumerate(country.get("duties", [])):
            _fields(out, f"{prefix}.duties.{duty['id']}", path + ("duties", di), duty, ("text", "deadline"))
        for ri, rule in enumerate(country.get("rules", [])):
            out.append(Text(f"{prefix}.rules.{ri + 1}", rule["text"], path + ("rules", ri, "text")))
    return out


def case_texts(cases: list[dict]) -> list[Text]:
    """Every reader text of the case library (`cases` as engine.cases.load_cases reads them; a
    path starts with the case's place in the list): title, cities (counted from 1), story, what
    was known before, outcome, reasoning and the run with safeguards. Years, answers and the
    citations of sources are not translated."""
    out: list[Text] = []
    for i, case in enumerate(cases):
        prefix = f"cases.{case['id']}"
        _fields(out, prefix, (i,), case, ("title",))
        _items(out, f"{prefix}.cities", (i, "cities"), case["cities"])
        _fields(out, prefix, (i,), case, ("story", "known_before", "outcome", "reasoning"))
        if case.get("after_safeguards"):
            _fields(out, f"{prefix}.after_safeguards", (i, "after_safeguards"), case["after_safeguards"], ("label", "reasoning"))
    return out


def check_narrative(texts: list[Text], folder: str, kind: str, language: str,
                    display_folder: str) -> tuple[list[Finding], Coverage, dict | None]:
    """Check `<folder>/<kind>/<language>.yaml` against `texts` (profile_texts or case_texts).
    Returns (findings, coverage, the entries or None when the file cannot be used)."""
    findings: list[Finding] = []
    display = f"{display_folder}/{kind}/{language}.yaml"
    path = os.path.join(folder, kind, f"{language}.yaml")
    if not os.path.exists(path):
        findings.append(Finding(display, None, f"the {kind} have no {quote(language)} translation; create it with one key per text "
                                               f"(`python -m engine i18n-check {language}` lists each with its English)."))
    else:
        entries, lines = _read_translation(path, display, findings)
        if entries is not None:
            more, coverage = check_translation(texts, entries, lines, display, language)
            return findings + more, coverage, entries
    return findings, _untranslated(language, texts), None


def _untranslated(language: str, texts: list[Text]) -> Coverage:
    """The coverage of a translation that cannot be read: every text missing, counted per part."""
    coverage = Coverage(language, total=len(texts), missing=[t.key for t in texts])
    for text in texts:
        coverage.parts.setdefault(part_of(text.key), [0, 0])[1] += 1
    return coverage


def _merge(coverage: Coverage, more: Coverage) -> None:
    coverage.total += more.total
    coverage.translated += more.translated
    coverage.missing.extend(more.missing)
    for part, (done, total) in more.parts.items():
        counts = coverage.parts.setdefault(part, [0, 0])
        counts[0] += done
        counts[1] += total


def check_cases(cases: list[dict], folder: str, display_folder: str, only: list[str] | None = None):
    """Check the case library's translation in every language of an i18n folder (or those in
    `only`). Returns (findings, [coverage per language])."""
    texts = case_texts(cases)
    findings: list[Finding] = []
    reports: list[Coverage] = []
    for language in only or languages(folder):
        more, coverage, _ = check_narrative(texts, folder, "cases", language, display_folder)
        findings.extend(more)
        reports.append(coverage)
    return findings, reports


def localize_cases(cases: list[dict], language: str, folder: str | None = None,
                   display_folder: str = "scenarios/i18n") -> list[dict]:
    """The cases with their reader texts in `language` (case_texts); English returns them as they
    are. Raises LocalizeError for any problem in `i18n/cases/<language>.yaml`, with file:line."""
    if language == SOURCE_LANGUAGE:
        return cases
    texts = case_texts(cases)
    findings, _coverage, entries = check_narrative(texts, folder or default_folder(), "cases", language, display_folder)
    if findings or entries is None:
        raise LocalizeError(findings)
    out = json.loads(json.dumps(cases))
    for text in texts:
        _set_at(out, text.path, entries[text.key])
    return out


# -- a method in another language ---------------------------------------------------------

class LocalizeError(MethodError):
    """A translation that cannot be used: an unknown language, or a file with problems
    (each a `Finding` with its file and line, as `check_language` reports them)."""

    def __init__(self, findings: list[Finding]):
        self.findings = list(findings)
        self.problems = self.findings  # what callers of MethodError count
        self.locate = None
        Exception.__init__(self, "\n".join(self.lines()))

    def lines(self) -> list[str]:
        return [str(finding) for finding in self.findings]


def default_folder() -> str:
    """The i18n/ folder of this checkout's method (scenarios/i18n)."""
    return os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "scenarios", "i18n")


def _set_at(data, path: tuple, value: str) -> None:
    for part in path[:-1]:
        data = data[part]
    data[path[-1]] = value


def without_additions(data: dict) -> dict:
    """The method `data` without the questions, sections, actions and sources a host's overlay
    added (`additions`, engine/overlay.py): those are in the host's own words, outside
    the translation files, and stay as written in every edition."""
    added = data.get("additions") or {}
    if not any(added.get(kind) for kind in ("questions", "sections", "actions", "sources")):
        return data
    out = json.loads(json.dumps(data))
    questionnaire, scoring = out.get("questionnaire", {}), out.get("scoring", {})
    for holder, key, kind in ((questionnaire, "questions", "questions"), (questionnaire, "sections", "sections"),
                              (scoring, "actions", "actions"), (out.get("method", {}), "sources", "sources")):
        ids = set(added.get(kind) or [])
        holder[key] = [item for item in holder.get(key, []) if not (isinstance(item, dict) and item.get("id") in ids)]
    return out


def translated_data(data: dict, entries: dict, language: str, strings: dict | None = None) -> dict:
    """A copy of the method `data` with every keyed text replaced by its entry in `entries`
    (key -> text), `language` set and, when given, the fixed texts of the reports replaced by
    `strings`. Both must cover every key (`check_translation`, `check_catalog`)."""
    out = json.loads(json.dumps(data))
    hosts = {text.key for text in text_keys(out)} - {text.key for text in text_keys(without_additions(out))}
    for text in text_keys(out):
        if text.key not in hosts:  # a host's additions keep the host's words
            _set_at(out, text.path, entries[text.key])
    out["language"] = language
    if strings is not None:
        out["strings"] = {key: strings[key] for key in out.get("strings", strings)}
    return out


def localize(method, language: str, folder: str | None = None, display_folder: str = "scenarios/i18n"):
    """The method with its reader texts in `language` ('en', 'de', 'ja', ...): ids, points,
    conditions and everything else unchanged, `Method.language` set to `language`.

    English (the method's own language) returns the method unchanged. `folder` is the
    i18n/ folder (default: this checkout's scenarios/i18n). Raises LocalizeError for a
    language without a translation file, or for any problem the checker finds in it
    (missing, unknown or empty keys, placeholders, glossary), each with file:line."""
    from .model import compile_method

    current = getattr(method, "language", SOURCE_LANGUAGE)
    if language == current:
        return method
    if current != SOURCE_LANGUAGE:
        raise LocalizeError([Finding(display_folder, None, f"the method is already in {quote(current)}; localize the English "
                                                           f"method to {quote(language)} instead.")])
    folder = folder or default_folder()
    found = languages(folder)
    if language not in found:
        listed = ", ".join([SOURCE_LANGUAGE, *found])
        raise LocalizeError([Finding(f"{display_folder}/{language}.yaml", None,
                                     f"unknown language {quote(language)}: there is no translation file for it; the languages "
                                     f"are: {listed}.")])
    findings, _coverage = check_language(method.data, folder, language, display_folder)
    glossary = None if findings else load_glossary(os.path.join(folder, f"{GLOSSARY_PREFIX}{language}.yaml"),
                                                    f"{display_folder}/{GLOSSARY_PREFIX}{language}.yaml", [])
    more, _coverage, strings = check_catalog(folder, REPORT_AREA, language, display_folder, glossary)
    findings.extend(more)
    if findings:
        raise LocalizeError(findings)
    entries, _lines = _read_translation(os.path.join(folder, f"{language}.yaml"), f"{display_folder}/{language}.yaml", findings)
    data = translated_data(method.data, entries, language, strings)
    # The country profiles' prose, from i18n/countries/<language>.yaml (checked with the method above).
    texts = profile_texts(data)
    _found, _coverage, profiles = check_narrative(texts, folder, "countries", language, display_folder)
    for text in texts:
        _set_at(data, text.path, profiles[text.key])
    return compile_method(data)
