"""The method in German and Japanese (engine.i18n.localize): the same answers give the same
ids and levels in every language, only labels differ; the reports carry no English fixed text;
the command line takes --language; the catalogs of scenarios/i18n/strings/ are checked with
file:line (missing, unknown and empty keys, placeholders)."""

from __future__ import annotations

import json
import re
import shutil

import pytest
import yaml

from engine import api
from engine.errors import InputError
from engine.compare import compare, comparison_markdown
from engine.i18n import LocalizeError, check_catalogs, localize
from engine.report import markdown_report, plan_csv
from support.engine import ROOT, cli, load_vector, vector_files, vector_request
from support.register import FULL, PAUSE

STRINGS = ROOT / "scenarios" / "i18n" / "strings"
SHOWN = "scenarios/i18n"
LANGUAGES = ("de", "ja")
# Fields of a result that hold words (labels, reasons, names): they differ between languages.
WORDS = {"label", "text", "name", "headline", "description", "short", "who", "step_title", "answer_label",
         "recommendation_label", "target_label", "concerns", "impacts", "migration"}


@pytest.fixture(scope="module")
def localized(method):
    return {"en": method, **{language: localize(method, language) for language in LANGUAGES}}


def _catalog(language: str) -> dict:
    return yaml.safe_load((STRINGS / f"report.{language}.yaml").read_text(encoding="utf-8"))


def _differences(english, other, path=()):
    """The paths where two results differ: in structure (keys, lengths, types) or in a value."""
    if isinstance(english, dict) and isinstance(other, dict):
        if set(english) != set(other):
            return [(path, "keys")]
        return [d for key in english for d in _differences(english[key], other[key], path + (key,))]
    if isinstance(english, list) and isinstance(other, list):
        if len(english) != len(other):
            return [(path, "length")]
        return [d for i, (a, b) in enumerate(zip(english, other, strict=True)) for d in _differences(a, b, path + (i,))]
    return [] if english == other else [(path, "value")]


def _assess(method, request) -> dict:
    try:
        return api.assess(method, request)
    except InputError as error:
        return error.to_dict()


def _field(path) -> str:
    return next(p for p in reversed(path) if isinstance(p, str))


@pytest.mark.parametrize("path", vector_files(), ids=[p.stem for p in vector_files()])
def test_every_vector_gives_the_same_ids_and_levels_in_every_language(localized, path):
    request = vector_request(load_vector(path))
    english = _assess(localized["en"], request)
    for language in LANGUAGES:
        other = _assess(localized[language], request)
        if "overall" not in english:  # an invalid request: the same error (error messages stay English)
            assert other == english and english["type"] in ("request", "answer")
            continue
        differences = _differences(english, other)
        assert all(kind == "value" for _, kind in differences), differences
        moved = sorted({_field(p) for p, _ in differences} - WORDS)
        assert moved == [], f"{language}: fields other than words differ: {moved}"
        assert (other["overall"]["recommendation"], other["overall"]["level"]) == (english["overall"]["recommendation"],
                                                                                   english["overall"]["level"])
        if english["overall"]["recommendation"] is not None:
            # The labels really are translated: the headline is not the English one.
            assert other["overall"]["headline"] != english["overall"]["headline"]


def _matrix_names(method) -> list[str]:
    """The English names of the matrix's categories, scenarios and impacts, longest first."""
    names = [c["name"] for c in method.categories]
    for scenario in method.scenarios:
        names += [scenario["name"], *(impact["name"] for impact in scenario["impacts"])]
    return sorted(names, key=len, reverse=True)


def _fragments(text: str) -> list[str]:
    """The literal parts of a catalog text with at least one word of four letters (placeholders and Markdown cut out)."""
    parts = re.split(r"\{[A-Za-z_]+\}|\*\*", text)
    return [part.strip(" .,:;()'\"-") for part in parts if re.search(r"[A-Za-z]{4}", part)]


def _english_left(text: str, language: str, method) -> list[str]:
    """The English catalog texts (their literal parts, as whole words) found in `text`, once the
    English names of the matrix, which every language keeps beside its own, are taken out."""
    for name in _matrix_names(method):
        text = text.replace(name, "")
    english, translated = _catalog("en"), _catalog(language)
    left = []
    for key, value in english.items():
        if value == translated[key]:
            continue  # the same in both languages ("Partner", separators)
        left += [f"{key}: {fragment!r}" for fragment in _fragments(value)
                 if fragment and re.search(r"(?<![A-Za-z])" + re.escape(fragment) + r"(?![A-Za-z])", text)]
    return left


REPORT_REQUEST = dict(FULL, notes={"stage": "Rat am 4. März informiert."},
                      plan=[{"action": "pause-and-consult", "owner": "Büro für Internationales", "due": "2026-02-28", "status": "open"},
                            {"action": "keep-monitoring", "owner": "", "due": "", "status": "in_progress"}])


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_report_has_no_english_fixed_text_left(localized, language):
    checked, result = api.assessment(localized[language], REPORT_REQUEST, "de")
    report = markdown_report(localized[language], checked, result)
    assert _english_left(report, language, localized["en"]) == []
    checked, result = api.assessment(localized["en"], REPORT_REQUEST, "de")
    english = markdown_report(localized["en"], checked, result)
    # The check can fail: the English report holds many of the catalog's fragments.
    assert len(_english_left(english, language, localized["en"])) > 30
    assert report.splitlines()[0] == {"de": "# Risikobewertung der Städtediplomatie: Harbour twinning",
                                      "ja": "# 都市外交リスク評価：Harbour twinning"}[language]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_plan_csv_and_the_comparison_have_no_english_fixed_text_left(localized, language):
    method = localized[language]
    checked, result = api.assessment(method, REPORT_REQUEST)
    table = plan_csv(method, checked, result)
    assert _english_left(table, language, localized["en"]) == []
    assert table.splitlines()[0].split(",")[0] == {"de": "Maßnahme", "ja": "取組"}[language]
    later = dict(FULL, id="v-2027-01", answers=dict(PAUSE, sg_gov="yes", sg_nac="yes", sg_screening="yes"))
    text = comparison_markdown(compare(method, FULL, later))
    assert _english_left(text, language, localized["en"]) == []
    assert text.startswith({"de": "# Vergleich zweier Bewertungen", "ja": "# 二つの評価の比較"}[language])


def test_a_saved_assessment_opens_in_another_language_with_the_same_result(localized):
    saved = json.loads(json.dumps(dict(REPORT_REQUEST, profile="de")))
    results = {language: api.assess(method, saved) for language, method in localized.items()}
    ids = {language: (r["overall"]["recommendation"], r["overall"]["level"], [s["residual"] for s in r["scenarios"]],
                      [a["id"] for a in r["actions"]], r["first_steps"]) for language, r in results.items()}
    assert ids["de"] == ids["en"] == ids["ja"]
    assert "language" not in saved and all("language" not in r for r in results.values())


# -- the command line ----------------------------------------------------------------------------

def test_assess_takes_the_language(tmp_path):
    request = tmp_path / "request.json"
    request.write_text(json.dumps(REPORT_REQUEST), encoding="utf-8")
    outputs = {}
    for language in ("en", "de", "ja"):
        completed = cli("assess", str(request), "--language", language, "--format", "json")
        assert completed.returncode == 0, completed.stderr
        outputs[language] = json.loads(completed.stdout)
    assert outputs["de"]["overall"]["recommendation"] == outputs["en"]["overall"]["recommendation"] == outputs["ja"]["overall"]["recommendation"]
    assert outputs["de"]["overall"]["recommendation_label"] == "Aussetzen und Rücksprache halten"
    assert cli("assess", str(request)).stdout == cli("assess", str(request), "--language", "en").stdout
    markdown = cli("assess", str(request), "--language", "ja", "--format", "markdown")
    assert markdown.returncode == 0 and markdown.stdout.startswith("# 都市外交リスク評価：Harbour twinning\n")
    what_if = cli("assess", str(request), "--language", "de", "--what-if")
    assert what_if.returncode == 0 and what_if.stdout.startswith("Empfehlung: Aussetzen und Rücksprache halten (Gesamtrisikostufe ")


def test_compare_compile_and_questions_take_the_language(tmp_path):
    old, new = tmp_path / "old.json", tmp_path / "new.json"
    old.write_text(json.dumps(FULL), encoding="utf-8")
    new.write_text(json.dumps(dict(FULL, answers=dict(PAUSE, sg_gov="yes"))), encoding="utf-8")
    completed = cli("compare", str(old), str(new), "--format", "markdown", "--language", "de")
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.startswith("# Vergleich zweier Bewertungen\n\n- **Frühere Bewertung:**")
    compiled = json.loads(cli("compile", "--language", "ja").stdout)
    assert compiled["language"] == "ja" and compiled["strings"]["report.title"] == "都市外交リスク評価：{name}"
    questions = json.loads(cli("questions", "--language", "de").stdout)
    assert "Wo steht die Partnerschaft?" in json.dumps(questions, ensure_ascii=False)


def test_an_unknown_language_is_refused_with_the_languages_there_are(tmp_path):
    request = tmp_path / "request.json"
    request.write_text(json.dumps(FULL), encoding="utf-8")
    completed = cli("assess", str(request), "--language", "fr")
    assert completed.returncode == 2 and completed.stdout == ""
    assert completed.stderr == ("scenarios/i18n/fr.yaml: unknown language 'fr': there is no translation file for it; the languages "
                                "are: en, de, ja.\n--language fr: the method cannot be shown in this language.\n")


# -- the catalogs of i18n/strings/ ---------------------------------------------------------------

@pytest.fixture()
def i18n_copy(tmp_path):
    folder = tmp_path / "i18n"
    shutil.copytree(ROOT / "scenarios" / "i18n", folder)
    return folder


def _line(path, key: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.startswith(f"{key}:"):
            return number
    raise AssertionError(key)


def _edit(path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def _findings(folder, only=None) -> list[str]:
    findings, _ = check_catalogs(str(folder), SHOWN, only)
    return [str(f) for f in findings]


def test_the_shipped_catalogs_are_complete_and_hold_the_same_keys():
    findings, reports = check_catalogs(str(ROOT / "scenarios" / "i18n"), SHOWN)
    assert [str(f) for f in findings] == []
    english = _catalog("en")
    for language in LANGUAGES:
        assert list(_catalog(language)) == list(english)
    assert {(r.language, r.translated, r.total) for r in reports} >= {(f"{language} report", len(english), len(english))
                                                                       for language in LANGUAGES}


def test_a_missing_catalog_key_is_named_with_its_english_text(i18n_copy):
    de = i18n_copy / "strings" / "report.de.yaml"
    line = _line(de, "report.partner")
    _edit(de, 'report.country: "Land"\n', "")
    assert _findings(i18n_copy, ["de"]) == [f"{SHOWN}/strings/report.de.yaml:{line}: missing key 'report.country' (its place is after "
                                            "'report.partner'); translate the English 'Country'."]


def test_an_extra_catalog_key_names_the_closest_known_key(i18n_copy):
    ja = i18n_copy / "strings" / "report.ja.yaml"
    line = _line(ja, "csv.owner")
    _edit(ja, "csv.owner:", "csv.ownr:")
    found = _findings(i18n_copy, ["ja"])
    assert f"{SHOWN}/strings/report.ja.yaml:{line}: unknown key 'csv.ownr': did you mean 'csv.owner'?" in found and len(found) == 2


def test_an_empty_catalog_text_and_a_text_that_is_not_text(i18n_copy):
    de = i18n_copy / "strings" / "report.de.yaml"
    _edit(de, 'csv.yes: "ja"', 'csv.yes: " "')
    _edit(de, 'csv.no: "nein"', "csv.no: 0")
    assert _findings(i18n_copy, ["de"]) == [
        f"{SHOWN}/strings/report.de.yaml:{_line(de, 'csv.yes')}: 'csv.yes': the text is empty; translate the English 'yes'.",
        f"{SHOWN}/strings/report.de.yaml:{_line(de, 'csv.no')}: 'csv.no': expected the translated text in quotes, got the number 0; "
        "translate the English 'no'.",
    ]


def test_placeholders_must_match_the_english(i18n_copy):
    ja = i18n_copy / "strings" / "report.ja.yaml"
    _edit(ja, 'report.answered_of: "{visible}問中{answered}問"', 'report.answered_of: "{visible}問中{answerd}問"')
    assert _findings(i18n_copy, ["ja"]) == [
        f"{SHOWN}/strings/report.ja.yaml:{_line(ja, 'report.answered_of')}: 'report.answered_of': placeholders differ from the "
        "English: expected {{answered}, {visible}}, got {{answerd}, {visible}}; keep each placeholder exactly as in '{answered} of {visible}'."]


def test_every_area_is_checked_and_a_missing_catalog_is_named(i18n_copy):
    strings = i18n_copy / "strings"
    (strings / "sample.en.yaml").write_text('panel.title: "Result"\npanel.count: "{count} answers"\n', encoding="utf-8")
    (strings / "sample.de.yaml").write_text('panel.title: "Ergebnis"\npanel.count: "Antworten"\n', encoding="utf-8")
    assert _findings(i18n_copy) == [
        f"{SHOWN}/strings/sample.de.yaml:2: 'panel.count': placeholders differ from the English: expected {{{{count}}}}, got none; "
        "keep each placeholder exactly as in '{count} answers'.",
        f"{SHOWN}/strings/sample.ja.yaml: the 'sample' strings have no 'ja' catalog; copy "
        f"{SHOWN}/strings/sample.en.yaml to it and translate every text.",
    ]
    completed = cli("--method", str(_method_with(i18n_copy)), "i18n-check")
    assert completed.returncode == 1
    assert "sample.ja.yaml: the 'sample' strings have no 'ja' catalog" in completed.stderr


def _method_with(i18n_folder):
    """A copy of scenarios/ whose i18n/ is the given folder."""
    folder = i18n_folder.parent / "scenarios"
    shutil.copytree(ROOT / "scenarios", folder, ignore=shutil.ignore_patterns("i18n", "cases"))
    shutil.copytree(i18n_folder, folder / "i18n")
    return folder


def test_localize_refuses_a_broken_catalog_and_replaces_the_strings(method, i18n_copy):
    assert localize(method, "de").strings == _catalog("de")
    _edit(i18n_copy / "strings" / "report.de.yaml", 'report.country: "Land"\n', "")
    with pytest.raises(LocalizeError) as caught:
        localize(method, "de", str(i18n_copy))
    assert [line.split(": ", 1)[1] for line in caught.value.lines()] == [
        "missing key 'report.country' (its place is after 'report.partner'); translate the English 'Country'."]


def test_an_area_without_its_english_source_is_named(i18n_copy):
    (i18n_copy / "strings" / "sample.de.yaml").write_text('panel.title: "Ergebnis"\n', encoding="utf-8")
    assert _findings(i18n_copy) == [f"{SHOWN}/strings/sample.en.yaml: the 'sample' strings have translations but no English "
                                    "source catalog; add it (the English is the source of every translation)."]


def test_a_count_picks_the_singular_or_the_plural(localized):
    german = localized["de"]
    assert german.text_count("reason.combined", 1, points=-1, axis="Auswirkung").startswith("Das stärkste Anzeichen zählt voll, 1 weiteres")
    assert german.text_count("reason.combined", 3, points=-4, axis="Auswirkung").startswith("Das stärkste Anzeichen zählt voll, die 3 weiteren")
    # A value is inserted as it is, never read as a placeholder itself.
    assert german.text("pair", question="{answer}", answer="x") == "{answer}: x"
