"""Translations of the method's texts (engine/i18n.py, scenarios/i18n/): the key
scheme, the shipped German and Japanese files, and every kind of problem the
checker reports, each with its file and line (broken copies in tmp_path)."""

from __future__ import annotations

import copy
import json
import shutil

import pytest
import yaml

from engine.i18n import (LocalizeError, case_texts, check_cases, check_folder, check_language, is_matrix_name, languages, localize,
                         localize_cases, profile_texts, text_keys)
from engine.model import compile_method
from support.engine import ROOT, cli

I18N = ROOT / "scenarios" / "i18n"
SHOWN = "scenarios/i18n"

# Fields whose strings are not reader text: ids, references, numbers' names, page
# paths, dates and citations; and parts of the method that hold no reader text
# or are outside the scheme (country profiles, conditions, the lookup grid).
NOT_TEXT_FIELDS = {"id", "category", "kind", "type", "section", "value", "step", "page", "to", "from_level", "stakeholders",
                   "ask", "activates", "combine", "source", "citation", "version", "released", "date", "level", "at_least", "from",
                   "applies_from", "matches", "language", "topics"}
NOT_TEXT_PARTS = {"strings", "when", "show_if", "grid", "base", "additions", "rename_options", "rename_questions", "drop_questions"}
# In a country profile: official names of bodies, web addresses, contact points and dates stay as written.
PROFILE_NOT_TEXT = {"url", "contact", "since", "checked", "as_of", "body"}


def _leaves(value, path=()):
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, path + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _leaves(item, path + (index,))
    else:
        yield path, value


def _line_of(path, key: str) -> int:
    """The line of `key:` in a translation file."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.startswith(f"{key}:"):
            return number
    raise AssertionError(f"{key} not in {path}")


@pytest.fixture()
def i18n_copy(tmp_path):
    """A private copy of scenarios/i18n/ to break."""
    folder = tmp_path / "i18n"
    shutil.copytree(I18N, folder)
    return folder


def _edit(path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def _problems(method_data, folder, language="de"):
    findings, coverage = check_language(method_data, str(folder), language, SHOWN)
    return [str(f) for f in findings], coverage


# -- the key scheme --------------------------------------------------------------------------

def test_keys_are_built_from_ids(method):
    keys = {t.key: t.english for t in text_keys(method.data)}
    assert keys["matrix.categories.A.name"] == "Geopolitical Risk"
    assert keys["matrix.scenarios.C2.impacts.C2-reputation.name"] == "Tarnished Reputation of the City Government"
    assert keys["questions.stage.text"] == "Where does the partnership stand?"
    assert keys["questions.political_system.options.dont_know.label"] == "Don't know"
    assert keys["scoring.levels.high.label"] == "High"
    assert keys["scoring.likelihood.levels.almost_certain.label"] == "Almost certain"
    assert keys["scoring.recommendations.pause_and_consult.headline"].startswith("Pause new commitments")
    assert keys["scoring.rules.war.reason"].startswith("The two countries are at war")
    assert keys["actions.verify-counterpart.text"].startswith("Confirm the counterpart's identity")
    assert keys["flowcharts.steps.manage-a-review.next.manage-a-disengage.label"] == "No"
    assert keys["stakeholders.Nac.name"] == "National association of cities"
    assert keys["cooperation.domestic.functions.3"] == "vetting"
    assert keys["method.history.2.0.0.changes"].startswith("Calibrated")
    assert keys["migrations.1.0.0.summary"].startswith('"Unclear"')


def test_keys_do_not_move_when_items_with_ids_are_reordered(method_data):
    before = {t.key: t.english for t in text_keys(method_data)}
    shuffled = copy.deepcopy(method_data)
    for items in (shuffled["questionnaire"]["questions"], shuffled["scenarios"], shuffled["scoring"]["actions"],
                  shuffled["stakeholders"], shuffled["scoring"]["levels"]):
        items.reverse()
    for question in shuffled["questionnaire"]["questions"]:
        question["options"].reverse()
    assert {t.key: t.english for t in text_keys(shuffled)} == before


def test_every_reader_text_has_a_key(method):
    """Every string of the method is either a text with a key or one of the known non-text fields:
    a new text field must get a key (or be listed here as not reader text)."""
    texts = {t.path: t for t in text_keys(method.data) + profile_texts(method.data)}
    for path, value in _leaves(method.data):
        if not isinstance(value, str) or NOT_TEXT_PARTS & {p for p in path if isinstance(p, str)}:
            continue
        field = next(p for p in reversed(path) if isinstance(p, str))
        if field in NOT_TEXT_FIELDS:
            continue
        if path[0] == "countries" and (field in PROFILE_NOT_TEXT or (field == "name" and "bodies" in path)):
            continue
        assert path in texts, f"{path} ({value!r}) has no translation key"
        assert texts[path].english == value


def test_two_texts_cannot_share_a_key(method_data):
    method_data["scoring"]["actions"][1]["id"] = method_data["scoring"]["actions"][0]["id"]
    with pytest.raises(ValueError, match="share the key 'actions.disengage-a-running.text'"):
        text_keys(method_data)


# -- the shipped translations -----------------------------------------------------------------

def test_the_shipped_translations_are_complete_and_clean(method):
    assert languages(str(I18N)) == ["de", "ja"]
    findings, reports = check_folder(method.data, str(I18N), SHOWN)
    assert [str(f) for f in findings] == []
    total = len(text_keys(method.data)) + len(profile_texts(method.data))
    for report in reports:
        assert (report.language, report.translated, report.total, report.missing) == (report.language, total, total, [])


@pytest.mark.parametrize("language", ["de", "ja"])
def test_the_shipped_files_follow_the_order_of_the_scheme(method, language):
    entries = yaml.safe_load((I18N / f"{language}.yaml").read_text(encoding="utf-8"))
    assert list(entries) == [t.key for t in text_keys(method.data)]


@pytest.mark.parametrize("language, example", [
    ("de", "Scheinpartnerschaften (Non-Genuine Partnerships)"),
    ("ja", "偽装された提携（Non-Genuine Partnerships）"),
])
def test_matrix_names_keep_the_english_name(method, language, example):
    entries = yaml.safe_load((I18N / f"{language}.yaml").read_text(encoding="utf-8"))
    assert entries["matrix.scenarios.C2.name"] == example
    for text in text_keys(method.data):
        if is_matrix_name(text.key):
            assert text.english in entries[text.key] and entries[text.key] != text.english, text.key


def test_the_command_reports_coverage(method):
    texts = text_keys(method.data) + profile_texts(method.data)
    matrix = sum(1 for t in texts if t.key.startswith("matrix."))
    completed = cli("i18n-check")
    assert completed.returncode == 0, completed.stderr
    assert f"de: {len(texts)} of {len(texts)} texts translated (100.0%)" in completed.stdout
    assert completed.stdout.splitlines()[1].split() == ["matrix", str(matrix), "/", str(matrix)]
    assert completed.stderr == "2 language(s), every text translated and checked.\n"
    assert cli("i18n-check", "ja").stdout.startswith("ja: ")


# -- each problem, with its file and line ---------------------------------------------------------

def test_a_missing_key_names_the_english_text_and_its_place(method_data, i18n_copy):
    de = i18n_copy / "de.yaml"
    line = _line_of(de, "questions.stage.short")
    _edit(de, 'questions.stage.text: "Wo steht die Partnerschaft?"\n', "")
    problems, coverage = _problems(method_data, i18n_copy)
    assert problems == [f"{SHOWN}/de.yaml:{line}: missing key 'questions.stage.text' (its place is after 'questions.stage.short'); "
                        "translate the English 'Where does the partnership stand?'."]
    assert coverage.missing == ["questions.stage.text"] and coverage.translated == coverage.total - 1
    assert "  questionnaire   268 / 269  (1 missing)" in "\n".join(coverage.lines())


def test_a_misspelt_key_names_the_closest_known_key(method_data, i18n_copy):
    de = i18n_copy / "de.yaml"
    line = _line_of(de, "actions.consult-gov.text")
    _edit(de, "actions.consult-gov.text:", "actions.consult-gouv.text:")
    problems, _ = _problems(method_data, i18n_copy)
    assert f"{SHOWN}/de.yaml:{line}: unknown key 'actions.consult-gouv.text': did you mean 'actions.consult-gov.text'?" in problems
    assert any(p.startswith(f"{SHOWN}/de.yaml:{line - 1}: missing key 'actions.consult-gov.text'") for p in problems)
    assert len(problems) == 2


def test_an_extra_key_far_from_any_other(method_data, i18n_copy):
    ja = i18n_copy / "ja.yaml"
    with ja.open("a", encoding="utf-8") as handle:
        handle.write('zzz: "余分"\n')
    problems, _ = _problems(method_data, i18n_copy, "ja")
    line = len(ja.read_text(encoding="utf-8").splitlines())
    assert problems == [f"{SHOWN}/ja.yaml:{line}: unknown key 'zzz': it is not a text of the method; remove it."]


def _name_problem(language: str, pattern: str, english: str, got: str) -> str:
    """The message for a name of the matrix that does not follow the glossary's pattern."""
    return (f"a name of the matrix keeps its English original in the pattern '{pattern}' of {SHOWN}/glossary.{language}.yaml: "
            f"expected '{pattern.replace('{english}', english)}' with the translated name as {{term}}, got '{got}'.")


# One edit of a key's line, and the one problem it must give at that line: (language, key, old, new, message).
ONE_LINE_CASES = {
    "empty text": ("ja", "scoring.levels.high.label", '"高"', '"  "', "the text is empty; translate the English 'High'."),
    "not text": ("de", "scoring.levels.low.label", '"Niedrig"', "1",
                 "expected the translated text in quotes, got the number 1; translate the English 'Low'."),
    "nested map": ("de", "scoring.levels.low.label", '"Niedrig"', "{de: Niedrig}",
                   "expected the translated text in quotes, got a mapping (keys are written flat, with dots, not nested); "
                   "translate the English 'Low'."),
    "matrix name": ("de", "matrix.scenarios.C2.name", " (Non-Genuine Partnerships)", "",
                    _name_problem("de", "{term} ({english})", "Non-Genuine Partnerships", "Scheinpartnerschaften")),
    "matrix name, Japanese": ("ja", "matrix.categories.B.name", "（Economic and IP Risk）", "(Economic and IP Risk)",
                              _name_problem("ja", "{term}（{english}）", "Economic and IP Risk", "経済・知的財産リスク(Economic and IP Risk)")),
    "a text that is a matrix name": ("de", "questions.unmanageable.options.B.label", " (Economic and IP Risk)", "",
                                     _name_problem("de", "{term} ({english})", "Economic and IP Risk",
                                                   "Risiko für Wirtschaft und geistiges Eigentum")),
    "glossary term": ("de", "matrix.scenarios.A1.signals.2", "langjährigen Städtepartnerschaft", "langen Verbindung",
                      "the English says 'twinning', which {glossary}:{twinning} translates as 'Städtepartnerschaft'; the text does "
                      "not use it: 'Das Vertrauen aus einer langen Verbindung wird in Investitionsvorschläge umgemünzt.'."),
}


@pytest.mark.parametrize("case", list(ONE_LINE_CASES))
def test_one_problem_at_the_line_of_its_key(method_data, i18n_copy, case):
    language, key, old, new, message = ONE_LINE_CASES[case]
    path, glossary = i18n_copy / f"{language}.yaml", i18n_copy / f"glossary.{language}.yaml"
    line = _line_of(path, key)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    assert lines[line - 1].count(old) == 1
    lines[line - 1] = lines[line - 1].replace(old, new)
    path.write_text("".join(lines), encoding="utf-8")
    problems, coverage = _problems(method_data, i18n_copy, language)
    message = message.replace("{glossary}", f"{SHOWN}/glossary.{language}.yaml").replace(
        "{twinning}", str(_line_of_nested(glossary, "twinning")))
    assert problems == [f"{SHOWN}/{language}.yaml:{line}: '{key}': {message}"]
    assert coverage.missing == [key] and coverage.translated == coverage.total - 1


def test_placeholders_must_match_the_english(method_data, i18n_copy):
    for action in method_data["scoring"]["actions"]:
        if action["id"] == "consult-gov":
            action["text"] = "Consult {body} in {country} on the partner."
    de = i18n_copy / "de.yaml"
    line = _line_of(de, "actions.consult-gov.text")
    _edit(de, "Halten Sie mit der nationalen Regierung Rücksprache", "Halten Sie mit {body} in {land} Rücksprache")
    problems, _ = _problems(method_data, i18n_copy)
    assert problems == [f"{SHOWN}/de.yaml:{line}: 'actions.consult-gov.text': placeholders differ from the English: expected "
                        "{{body}, {country}}, got {{body}, {land}}; keep each placeholder exactly as in "
                        "'Consult {body} in {country} on the partner.'."]


def test_a_checked_glossary_term_needs_match_and_forms(method_data, i18n_copy):
    glossary = i18n_copy / "glossary.ja.yaml"
    _edit(glossary, '    forms: ["姉妹都市提携"]\n', "")
    problems, _ = _problems(method_data, i18n_copy, "ja")
    assert problems == [f"{SHOWN}/glossary.ja.yaml:{_line_of_nested(glossary, 'twinning')}: terms.twinning: a checked term has "
                        "both 'match' (the English words to look for) and 'forms' (a list of the translations that count)."]


def test_yaml_problems_keep_the_method_loaders_messages(method_data, i18n_copy):
    de = i18n_copy / "de.yaml"
    first = _line_of(de, "scoring.levels.low.label")
    with de.open("a", encoding="utf-8") as handle:
        handle.write('scoring.levels.low.label: "Gering"\n')
    line = len(de.read_text(encoding="utf-8").splitlines())
    problems, coverage = _problems(method_data, i18n_copy)
    assert problems == [f"{SHOWN}/de.yaml:{line}: duplicate key 'scoring.levels.low.label' (first on line {first}); YAML would "
                        "silently keep only the last one, so remove one."]
    # Nothing of de.yaml counts; the profiles, in their own file, still do.
    assert coverage.translated == coverage.parts["countries"][0] == len(profile_texts(method_data))


def test_a_glossary_is_required_and_checked(method_data, i18n_copy):
    (i18n_copy / "glossary.ja.yaml").unlink()
    problems, _ = _problems(method_data, i18n_copy, "ja")
    assert problems == [f"{SHOWN}/glossary.ja.yaml: the glossary of 'ja' is missing; every language keeps one, with the pattern "
                        "of the matrix's names (see i18n/README.md)."]
    glossary = i18n_copy / "glossary.de.yaml"
    _edit(glossary, 'matrix_names: "{term} ({english})"', 'matrix_names: "{term}"')
    problems, _ = _problems(method_data, i18n_copy)
    assert problems == [f"{SHOWN}/glossary.de.yaml:{_line_of_nested(glossary, 'matrix_names')}: conventions.matrix_names: the "
                        "pattern must hold {term} once and {english}."]


def _line_of_nested(path, key: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip().startswith(f"{key}:"):
            return number
    raise AssertionError(key)


def test_the_command_fails_with_file_and_line(tmp_path):
    folder = tmp_path / "scenarios"
    shutil.copytree(ROOT / "scenarios", folder)
    de = folder / "i18n" / "de.yaml"
    line = _line_of(de, "stakeholders.Med.name")
    _edit(de, 'stakeholders.Med.name: "Medien"', 'stakeholders.Med.name: ""')
    completed = cli("--method", str(folder), "i18n-check", "de")
    assert completed.returncode == 1
    assert completed.stderr.splitlines() == [
        f"scenarios/i18n/de.yaml:{line}: 'stakeholders.Med.name': the text is empty; translate the English 'Media'.",
        "1 problem(s) in the translations."]
    assert "  stakeholders     31 / 32  (1 missing)" in completed.stdout.splitlines()
    unknown = cli("--method", str(folder), "i18n-check", "fr")
    assert unknown.returncode == 1
    assert unknown.stderr.splitlines()[0] == "scenarios/i18n/fr.yaml: no translation file for 'fr'; the languages here are: de, ja."


# -- localize: the method in a language --------------------------------------------------------

@pytest.mark.parametrize("language", ["de", "ja"])
def test_localize_translates_every_keyed_text_and_nothing_else(method, language):
    local = localize(method, language)
    assert local.language == language and method.language == "en"
    entries = yaml.safe_load((I18N / f"{language}.yaml").read_text(encoding="utf-8"))
    texts = text_keys(local.data)
    assert {t.key: t.english for t in texts} == entries
    # Blank every keyed text in both: what is left (ids, points, conditions, grid, profiles) is identical.
    profiles = yaml.safe_load((I18N / "countries" / f"{language}.yaml").read_text(encoding="utf-8"))
    assert {t.key: t.english for t in profile_texts(local.data)} == profiles
    english, translated = copy.deepcopy(method.data), copy.deepcopy(local.data)
    for data in (english, translated):
        for text in text_keys(data) + profile_texts(data):
            node = data
            for part in text.path[:-1]:
                node = node[part]
            node[text.path[-1]] = ""
    assert translated.pop("language") == language
    assert translated.pop("strings").keys() == english.pop("strings").keys()
    assert translated == english
    assert local.level_rank == method.level_rank and list(local.question_by_id) == list(method.question_by_id)


def test_english_is_the_method_itself_and_the_language_survives_json(method):
    assert localize(method, "en") is method
    local = localize(method, "ja")
    assert localize(local, "ja") is local
    again = compile_method(json.loads(local.to_json()))
    assert again.language == "ja" and again.data == local.data
    assert compile_method(json.loads(method.to_json())).language == "en"


def test_localize_refuses_an_unknown_language(method):
    with pytest.raises(LocalizeError) as caught:
        localize(method, "fr")
    assert caught.value.lines() == ["scenarios/i18n/fr.yaml: unknown language 'fr': there is no translation file for it; "
                                    "the languages are: en, de, ja."]


def test_localize_refuses_a_translated_method(method):
    with pytest.raises(LocalizeError, match="already in 'de'"):
        localize(localize(method, "de"), "ja")


def test_localize_refuses_missing_and_extra_keys_with_their_lines(method, i18n_copy):
    de = i18n_copy / "de.yaml"
    line = _line_of(de, "scoring.decisions.engage.description")
    _edit(de, "scoring.decisions.engage.label:", "scoring.decisions.engag.label:")
    with pytest.raises(LocalizeError) as caught:
        localize(method, "de", str(i18n_copy))
    assert caught.value.lines() == [
        f"{SHOWN}/de.yaml:{line - 2}: missing key 'scoring.decisions.engage.label' (its place is after "
        "'scoring.rules.standing-system.reason'); translate the English 'Engage'.",
        f"{SHOWN}/de.yaml:{line - 1}: unknown key 'scoring.decisions.engag.label': did you mean 'scoring.decisions.engage.label'?",
    ]


# -- the narratives: country profiles and case library (i18n/countries/, i18n/cases/) ----------

@pytest.fixture(scope="module")
def cases(method):
    from engine.cases import load_cases

    return load_cases(method, str(ROOT / "scenarios" / "cases"), "scenarios/cases")


def test_every_text_of_a_case_has_a_key(cases):
    """Every string of a case is a keyed text, or its id, years, kinds, sources or answers."""
    keyed = {t.path: t for t in case_texts(cases)}
    for index, case in enumerate(cases):
        for path, value in _leaves(case, (index,)):
            if isinstance(value, str) and path[1] not in ("id", "years", "kind", "sources", "assessment", "expected", "file") \
                    and path[2:3] not in (("answers",), ("expected",)):
                assert path in keyed and keyed[path].english == value, path


@pytest.mark.parametrize("language", ["de", "ja"])
def test_the_shipped_case_translations_are_complete_and_follow_the_cases(cases, language):
    findings, reports = check_cases(cases, str(I18N), SHOWN, [language])
    assert [str(f) for f in findings] == []
    assert reports[0].translated == reports[0].total == len(case_texts(cases))
    entries = yaml.safe_load((I18N / "cases" / f"{language}.yaml").read_text(encoding="utf-8"))
    assert list(entries) == [t.key for t in case_texts(cases)]
    local = localize_cases(cases, language)
    assert [c["id"] for c in local] == [c["id"] for c in cases]
    assert local[0]["title"] == entries[f"cases.{cases[0]['id']}.title"] != cases[0]["title"]
    assert local[0]["assessment"] == cases[0]["assessment"] and local[0]["sources"] == cases[0]["sources"]
    assert localize_cases(cases, "en") is cases


def test_a_case_translation_with_a_missing_and_an_unknown_key_is_refused_with_its_lines(cases, i18n_copy):
    de = i18n_copy / "cases" / "de.yaml"
    first = cases[0]["id"]
    line = _line_of(de, f"cases.{first}.story")
    _edit(de, f"cases.{first}.story:", f"cases.{first}.stroy:")
    with pytest.raises(LocalizeError) as caught:
        localize_cases(cases, "de", str(i18n_copy))
    lines = caught.value.lines()
    assert lines[0].startswith(f"{SHOWN}/cases/de.yaml:{line - 1}: missing key 'cases.{first}.story' (its place is after "
                               f"'cases.{first}.cities.")
    assert lines[1] == f"{SHOWN}/cases/de.yaml:{line}: unknown key 'cases.{first}.stroy': did you mean 'cases.{first}.story'?"


def test_a_missing_profile_translation_stops_the_language(method, i18n_copy):
    (i18n_copy / "countries" / "ja.yaml").unlink()
    findings, coverage = check_language(method.data, str(i18n_copy), "ja", SHOWN)
    assert [str(f) for f in findings] == [
        f"{SHOWN}/countries/ja.yaml: the countries have no 'ja' translation; create it with one key per text "
        "(`python -m engine i18n-check ja` lists each with its English)."]
    assert coverage.parts["countries"] == [0, len(profile_texts(method.data))]
    with pytest.raises(LocalizeError):
        localize(method, "ja", str(i18n_copy))


def test_a_profile_in_german_keeps_its_bodies_names_addresses_and_dates(method):
    german = localize(method, "de").countries["au"]
    english = method.countries["au"]
    assert german["name"] == "Australien"
    assert german["summary"] != english["summary"]
    for code, role in english["roles"].items():
        for body, local in zip(role["bodies"], german["roles"][code]["bodies"], strict=True):
            assert (local["id"], local["name"], local.get("url"), local["checked"]) == (body["id"], body["name"], body.get("url"), body["checked"])
            assert local["note"] != body["note"]
