"""The language editions: English at the root, German under /de/, Japanese
under /ja/ (mkdocs-static-i18n), and the site's strings catalogs.

Fast tests check the catalogs and the build-time refusal of a broken one
(on the mini method); the slow ones read the real handbook as built once
per session (`built_site`)."""

from __future__ import annotations

import gzip
import io
import json
import re
import shutil
import tarfile
from pathlib import Path

import pytest
import yaml
from support.site import ROOT, config_problems, make_site

from site_plugins.crossroads import sitestrings

LANGUAGES = ("en", "de", "ja")
EDITIONS = {"en": "", "de": "de/", "ja": "ja/"}
CATALOGS = ROOT / "scenarios" / "i18n" / "strings"


def catalog_keys(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


# -- the catalogs ---------------------------------------------------------------------------

def test_shipped_catalogs_have_no_problem():
    from engine.i18n import check_catalogs

    findings, reports = check_catalogs(str(ROOT / "scenarios" / "i18n"), "scenarios/i18n")
    assert [str(f) for f in findings] == []
    assert {report.language for report in reports} >= {"de site", "ja site"}


PLACEHOLDER = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*\}")


@pytest.mark.parametrize("language", ["de", "ja"])
def test_site_catalog_holds_the_english_keys_and_placeholders(language):
    english = catalog_keys(CATALOGS / "site.en.yaml")
    other = catalog_keys(CATALOGS / f"site.{language}.yaml")
    assert set(other) == set(english)
    for key, text in english.items():
        assert set(PLACEHOLDER.findall(other[key])) == set(PLACEHOLDER.findall(text)), key
        assert other[key].strip(), key


def test_every_key_a_template_uses_is_in_the_catalog():
    english = catalog_keys(CATALOGS / "site.en.yaml")
    used = set()
    # The evaluator's and register's templates use the evaluator catalog (tests/site/test_strings.py).
    for template in (ROOT / "site_plugins" / "crossroads" / "templates").iterdir():
        if template.name in ("evaluator.html", "register.html"):
            continue
        used |= set(re.findall(r"""\bt(?:\.n)?\(\s*"([a-z0-9_.-]+)""", template.read_text(encoding="utf-8")))
    counted = {key for key in english if key.endswith((".one", ".other"))}
    missing = {key for key in used if not key.endswith(".") and key not in english and f"{key}.one" not in counted}
    assert not missing, f"templates use keys the catalog lacks: {sorted(missing)}"
    assert len(used) > 100


def _broken_copy(tmp_path: Path) -> Path:
    """The mini site with the shipped site catalogs, the German one broken: a key missing, one extra."""
    site = make_site(tmp_path)
    target = site / "scenarios" / "i18n" / "strings"
    target.mkdir(parents=True)
    shutil.copy(CATALOGS / "site.en.yaml", target / "site.en.yaml")
    german = (CATALOGS / "site.de.yaml").read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [line for line in german if not line.startswith("matrix.caption:")]
    assert len(kept) == len(german) - 1
    kept.append('matrix.no_such_key: "Gibt es nicht"\n')
    (target / "site.de.yaml").write_text("".join(kept), encoding="utf-8")
    return site


def test_a_broken_catalog_stops_the_build_with_file_and_line(tmp_path):
    site = _broken_copy(tmp_path)
    text = "\n".join(config_problems(site))
    extra_line = len((site / "scenarios/i18n/strings/site.de.yaml").read_text(encoding="utf-8").splitlines())
    assert re.search(rf"scenarios/i18n/strings/site\.de\.yaml:{extra_line}: .*matrix\.no_such_key", text), text
    assert re.search(r"scenarios/i18n/strings/site\.de\.yaml(:\d+)?: .*matrix\.caption", text), text


def test_counted_texts_pick_one_or_other():
    t = sitestrings.translator(str(ROOT / "scenarios"), "de")
    assert t.n("unit.step", 1) == "1 Stufe"
    assert t.n("unit.step", 3) == "3 Stufen"


# -- the built editions -------------------------------------------------------------------

def pages_of(site: Path, edition: str) -> set[str]:
    """Every page of an edition, as its path inside the edition (`risks/a1/`)."""
    root = site / edition if edition else site
    found = set()
    for path in root.rglob("index.html"):
        rel = path.relative_to(root).as_posix()
        if not edition and rel.split("/")[0] in ("de", "ja"):
            continue
        if rel.startswith(("assets/", "search/")):
            continue
        found.add(rel[: -len("index.html")])
    return found


@pytest.mark.slow
def test_every_page_exists_in_every_edition(built_site):
    english = pages_of(built_site, "")
    assert len(english) > 40
    for language in ("de", "ja"):
        missing = english - pages_of(built_site, language)
        assert not missing, f"pages without a {language} edition: {sorted(missing)}"


@pytest.mark.slow
@pytest.mark.parametrize("language", ["de", "ja"])
def test_every_hand_written_page_is_translated(language):
    """Lists the pages of docs/ that still have no `<page>.<language>.md` (they show in English)."""
    docs = ROOT / "docs"
    pages = [p for p in docs.rglob("*.md") if "overrides" not in p.parts and not re.search(r"\.[a-z]{2}\.md$", p.name)]
    missing = [p.relative_to(docs).as_posix() for p in pages if not p.with_name(f"{p.stem}.{language}.md").exists()]
    assert not missing, f"{len(missing)} of {len(pages)} pages have no {language} translation yet: {missing}"


@pytest.mark.slow
@pytest.mark.parametrize("language", LANGUAGES)
def test_html_lang_is_the_editions(built_site, language):
    for page in sorted(pages_of(built_site, EDITIONS[language])):
        html = (built_site / EDITIONS[language] / page / "index.html").read_text(encoding="utf-8")
        found = re.search(r"<html lang=\"([^\"]+)\"", html)
        assert found and found.group(1) == language, f"{EDITIONS[language]}{page}: <html lang> is {found and found.group(1)}"


@pytest.mark.slow
@pytest.mark.parametrize("page", ["", "risks/a1/", "evaluator/", "countries/de/", "methodology/"])
def test_the_switcher_links_each_page_to_itself_in_the_other_languages(built_site, page):
    for language, folder in EDITIONS.items():
        here = f"{folder}{page}"
        html = (built_site / here / "index.html").read_text(encoding="utf-8")
        links = dict((lang, href) for href, lang in re.findall(r'<a href="([^"]*)" hreflang="([a-z]{2})" class="md-select__link"', html))
        assert set(links) == set(LANGUAGES), f"{here}: switcher has {links}"
        for other, href in links.items():
            if href.startswith("/"):
                target = href.lstrip("/")
            else:
                target = (Path("/x") / here / href).resolve().relative_to("/x").as_posix() if href != "./" else here.rstrip("/")
            target = "" if target == "." else target.rstrip("/")
            assert not href.startswith("/"), f"{here}: the {other} link {href} is a path from the server's root (breaks under a folder)"
            expected = f"{EDITIONS[other]}{page}".rstrip("/")
            assert target == expected, f"{here}: the {other} link goes to {href} ({target}), not {expected}"


@pytest.mark.slow
@pytest.mark.parametrize("language", ["de", "ja"])
def test_generated_pages_and_nav_are_in_the_editions_language(built_site, language):
    expected = {"de": ("Warnsignale", "Überblick", "Die Risikomatrix der Städtediplomatie"),
                "ja": ("兆候", "概要", "都市外交リスク・マトリクス")}[language]
    scenario = (built_site / language / "risks" / "a1" / "index.html").read_text(encoding="utf-8")
    assert expected[0] in scenario and "Warning signs" not in scenario
    assert f">{expected[1]}<" in re.sub(r"\s+", "", scenario) or expected[1] in scenario
    matrix_page = next(p for p in (built_site / language).rglob("index.html") if 'class="cr-matrix"' in p.read_text(encoding="utf-8"))
    assert expected[2] in matrix_page.read_text(encoding="utf-8")
    # The names of the matrix keep the brief's English beside the translation.
    assert "(Adversarial Proxy Foreign Policy)" in scenario or "（Adversarial Proxy Foreign Policy）" in scenario


@pytest.mark.slow
def test_each_edition_searches_its_own_pages(built_site):
    """One index per edition (searchindex.py): its own pages only, their locations relative to
    the edition's folder, searched with English and the edition's language; each edition's pages
    name their folder as Material's base, from which Material loads the index."""
    indexes = {language: json.loads((built_site / EDITIONS[language] / "search" / "search_index.json").read_text(encoding="utf-8"))
               for language in LANGUAGES}
    assert indexes["en"]["config"]["lang"] == ["en"]
    assert indexes["de"]["config"]["lang"] == ["en", "de"] and indexes["ja"]["config"]["lang"] == ["en", "ja"]
    # Material's Japanese segmenter is served with the site.
    assert (built_site / "assets" / "javascripts" / "lunr" / "tinyseg.js").is_file()
    assert (built_site / "assets" / "javascripts" / "lunr" / "min" / "lunr.ja.min.js").is_file()

    def where(word):
        return {language for language, index in indexes.items() for doc in index["docs"] if word in doc["text"] or word in doc["title"]}

    assert where("Warnsignale") == {"de"} and where("兆候") == {"ja"} and "en" in where("Warning signs")
    for language, index in indexes.items():
        locations = {doc["location"].split("#")[0] for doc in index["docs"]}
        assert "risks/a1/" in locations and not any(location.startswith(("de/", "ja/")) for location in locations), language
        assert len(index["docs"]) == len(indexes["en"]["docs"])
    for language, base in {"en": "..", "de": "../../de/", "ja": "../../ja/"}.items():
        page = (built_site / EDITIONS[language] / "about" / "index.html").read_text(encoding="utf-8")
        assert f'"base": "{base}"' in page, language


@pytest.mark.slow
@pytest.mark.parametrize("language", LANGUAGES)
def test_each_editions_evaluator_holds_the_method_in_its_language(built_site, language):
    folder = built_site / EDITIONS[language] / "assets" / "evaluator"
    with tarfile.open(fileobj=io.BytesIO((folder / "engine.tar.gz").read_bytes()), mode="r:gz") as archive:
        method = json.loads(archive.extractfile("crossroads_method.json").read())
    assert method.get("language", "en") == language
    page = (built_site / EDITIONS[language] / "evaluator" / "index.html").read_text(encoding="utf-8")
    assert 'src="../assets/evaluator/evaluator.js' in page or "../assets/evaluator/" in page


@pytest.mark.slow
def test_one_service_worker_keeps_every_edition_apart(built_site):
    worker = (built_site / "sw.js").read_text(encoding="utf-8")
    manifest = json.loads(re.search(r"const MANIFEST = (\{.*?\});\n", worker).group(1))
    assert manifest["editions"] == ["de/", "ja/"]
    files = manifest["files"]
    for folder in ("", "de/", "ja/"):
        engine = f"{folder}assets/evaluator/engine.tar.gz"
        assert files[engine][1] == "lazy", engine
        wasm = [p for p in files if p.startswith(f"{folder}assets/pyodide/") and p.endswith(".wasm")]
        assert wasm and all(files[p][1] == "runtime" for p in wasm), folder
        assert files[f"{folder}risks/a1/"][1] == "page"
    assert not (built_site / "de" / "sw.js").exists() and not (built_site / "ja" / "sw.js").exists()
    # The precompressed search index is the final one, with every edition.
    index = (built_site / "search" / "search_index.json").read_bytes()
    assert gzip.decompress((built_site / "search" / "search_index.json.gz").read_bytes()) == index


# Labels of the country pages and the methodology's scoring section, as the
# template writes them (the profiles' own notes stay English and may say
# "not verified" in a sentence, hence the <strong> around that label).
COUNTRY_LABELS = {
    "country.roles": "{}",
    "country.duties": "{}",
    "country.th.competent": "<th>{}</th>",
    "country.th.checked": "<th>{}</th>",
    "country.th.rule": "<th>{}</th>",
    "country.not_verified": "<strong>{}</strong>",
}
METHOD_LABELS = {
    "scoring.topics": "{}",
    "scoring.needs": "{}",
    "scoring.th.topic_actions": "<th>{}</th>",
    "scoring.steps": "{}",
    "scoring.th.points_needed": "<th>{}</th>",
    "scoring.th.who_can_tell": "<th>{}</th>",
}


def page_text(site: Path, *parts: str) -> str:
    return (site.joinpath(*parts) / "index.html").read_text(encoding="utf-8")


@pytest.mark.slow
@pytest.mark.parametrize(("language", "country"), [("de", "de"), ("de", "au"), ("ja", "de"), ("ja", "au")])
def test_country_and_methodology_pages_carry_no_english_labels(built_site, language, country):
    english = catalog_keys(CATALOGS / "site.en.yaml")
    local = catalog_keys(CATALOGS / f"site.{language}.yaml")
    pages = {
        "country": (page_text(built_site, language, "countries", country), COUNTRY_LABELS),
        "methodology": (page_text(built_site, language, "methodology"), METHOD_LABELS),
    }
    for name, (html, labels) in pages.items():
        if name == "country" and country == "au":  # the profile with duties that are law
            labels = {**labels, "country.th.deadline": "<th>{}</th>", "country.duties_intro": "{}"}
        for key, form in labels.items():
            assert form.format(english[key]) not in html, (name, key)
            assert form.format(local[key]) in html, (name, key)
    # The English edition keeps the English labels.
    assert "<strong>not verified</strong>" in page_text(built_site, "countries", "au")
    # The topics carry their translated names (the method's catalog of the language).
    method_texts = catalog_keys(ROOT / "scenarios" / "i18n" / f"{language}.yaml")
    topics = {key: text for key, text in method_texts.items() if key.startswith("topics.") and key.endswith(".name")}
    assert topics
    methodology = pages["methodology"][0]
    for key, text in topics.items():
        topic = key.split(".")[1]
        assert re.search(rf'id="topic-{re.escape(topic)}"></span><strong>{re.escape(text)}</strong>', methodology), key


@pytest.mark.slow
@pytest.mark.parametrize("language", ["de", "ja"])
def test_case_and_country_pages_tell_their_story_in_the_editions_language(built_site, language):
    """The case library's and the profiles' prose comes from i18n/cases/ and i18n/countries/:
    each edition's pages show its translation, never the English it replaces."""
    import html as html_lib

    cases = catalog_keys(ROOT / "scenarios" / "i18n" / "cases" / f"{language}.yaml")
    english_case = yaml.safe_load((ROOT / "scenarios" / "cases" / "aachen-reims.yaml").read_text(encoding="utf-8"))["case"]
    page = html_lib.unescape(page_text(built_site, language, "cases", "aachen-reims"))
    assert cases["cases.aachen-reims.title"] in page
    assert cases["cases.aachen-reims.story"][:40] in page
    assert english_case["story"][:60] not in page and english_case["reasoning"][:60] not in page
    # The sources keep their own titles.
    assert english_case["sources"][0]["title"] in page
    profiles = catalog_keys(ROOT / "scenarios" / "i18n" / "countries" / f"{language}.yaml")
    english_profile = yaml.safe_load((ROOT / "scenarios" / "countries" / "au.yaml").read_text(encoding="utf-8"))
    country = html_lib.unescape(page_text(built_site, language, "countries", "au"))
    assert profiles["countries.au.name"] in country
    assert english_profile["summary"][:60] not in country
    assert english_profile["duties"][0]["deadline"] not in country
    assert profiles["countries.au.duties.au-fas-after-entering.deadline"] in country


@pytest.mark.slow
def test_the_404_page_speaks_every_editions_language_with_the_default_editions_chrome(built_site):
    """One 404 page at the root for every address: written by the default edition (the others,
    built later into the same folder, would put their language's chrome on it), with the message
    in each edition's language and a link to that edition's home page, and no language switcher
    (whose links would belong to whichever page was built last)."""
    page = (built_site / "404.html").read_text(encoding="utf-8")
    assert '<html lang="en"' in page
    assert not (built_site / "de" / "404.html").exists() and not (built_site / "ja" / "404.html").exists()
    for language in LANGUAGES:
        texts = catalog_keys(CATALOGS / f"site.{language}.yaml")
        section = re.search(rf'<section class="cr-notfound" lang="{language}">(.*?)</section>', page, re.S)
        assert section, language
        assert texts["notfound.title"] in section.group(1)
        assert f'<a href="/{EDITIONS[language]}">{texts["notfound.home"]}</a>' in section.group(1)
    assert page.count("<h1") == 1
    assert 'class="md-select"' not in page and 'hreflang="' not in page
