"""searchindex.py: the whole site's search index split into one per edition, and each
edition's pages pointing Material's `base` at their edition's folder."""

from __future__ import annotations

import json

from site_plugins.crossroads import searchindex

PAGE = ('<head><script id="__config" type="application/json">{"annotate": null, "base": "../..", "features": [], '
        '"search": "../../assets/javascripts/workers/search.js"}</script></head><p>"base": "kept"</p>')


def test_an_editions_page_names_its_folder_as_base_and_nothing_else_changes():
    moved = searchindex.edition_base(PAGE, "de/")
    assert moved == PAGE.replace('"base": "../.."', '"base": "../../de/"', 1)
    assert '"search": "../../assets/javascripts/workers/search.js"' in moved and '<p>"base": "kept"</p>' in moved
    assert searchindex.edition_base(PAGE, "") == PAGE
    home = PAGE.replace('"base": "../.."', '"base": ".."')
    assert '"base": "../ja/"' in searchindex.edition_base(home, "ja/")


def test_the_index_is_split_by_edition_with_locations_inside_each(tmp_path):
    index = {"config": {"lang": ["en", "de", "ja"], "separator": "[\\\\s\\\\-]+"},
             "docs": [{"location": "", "title": "Home", "text": "a"},
                      {"location": "risks/a1/#signals", "title": "Signals", "text": "b"},
                      {"location": "de/", "title": "Start", "text": "c"},
                      {"location": "de/risks/a1/#signals", "title": "Warnsignale", "text": "d"},
                      {"location": "ja/risks/a1/", "title": "兆候", "text": "e"},
                      {"location": "jam/", "title": "not an edition", "text": "f"}]}
    (tmp_path / "search").mkdir()
    (tmp_path / "search" / "search_index.json").write_text(json.dumps(index), encoding="utf-8")
    counts = searchindex.split(tmp_path, "en", {"de": "de/", "ja": "ja/"})
    assert counts == {"en": 3, "de": 2, "ja": 1}

    def read(*parts):
        return json.loads(tmp_path.joinpath(*parts, "search", "search_index.json").read_text(encoding="utf-8"))

    assert [d["location"] for d in read()["docs"]] == ["", "risks/a1/#signals", "jam/"]
    assert [d["location"] for d in read("de")["docs"]] == ["", "risks/a1/#signals"]
    assert read("ja")["docs"] == [{"location": "risks/a1/", "title": "兆候", "text": "e"}]
    assert (read()["config"]["lang"], read("de")["config"]["lang"], read("ja")["config"]["lang"]) == (["en"], ["en", "de"], ["en", "ja"])
    assert read("de")["config"]["separator"] == index["config"]["separator"]


def test_a_site_with_one_edition_keeps_its_index(tmp_path):
    (tmp_path / "search").mkdir()
    original = json.dumps({"config": {"lang": ["en"]}, "docs": [{"location": "", "title": "t", "text": "x"}]})
    (tmp_path / "search" / "search_index.json").write_text(original, encoding="utf-8")
    assert searchindex.split(tmp_path, "en", {}) == {}
    assert (tmp_path / "search" / "search_index.json").read_text(encoding="utf-8") == original
    assert searchindex.split(tmp_path / "nothing", "en", {"de": "de/"}) == {}
