"""The Markdown extension on its own, in plain Python-Markdown: markers
expanded, HTML blocks put back as rendered, marker lines in code left alone,
the checklists' boxes hidden, and the same page whether the handbook comes
from the MkDocs plugin or is read from the folders (as under Zensical)."""

from __future__ import annotations

import shutil

import markdown
import pytest
from mkdocs.exceptions import PluginError

from site_plugins.crossroads import handbook as handbooks
from site_plugins.crossroads.library import Library
from site_plugins.crossroads.markdown import NAME, CrossroadsExtension
from site_plugins.crossroads.markers import MARKERS, render_matrix
from site_plugins.crossroads.pages import generated_pages
from support.site import MINI, MINI_SITE, check_golden


@pytest.fixture(scope="module")
def mini_handbook(mini_method, mini_pages, mini_homes):
    book = handbooks.Handbook(mini_method, Library(), "us", evaluator=False)
    book.pages, book.homes = dict(mini_pages), dict(mini_homes)
    return book


def convert(book, page: str, text: str, extensions=()) -> str:
    book.page = page
    return markdown.markdown(text, extensions=[*extensions, CrossroadsExtension(handbook=book)])


def test_a_marker_becomes_its_block_untouched(mini_handbook, mini_method):
    html = convert(mini_handbook, "risks/index.md", "# The matrix\n\n<!-- crossroads:matrix -->\n\nAfter.\n")
    block = render_matrix(mini_method, mini_handbook.links("risks/index.md"))
    inner = block.split("\n", 1)[1].rsplit("<!-- /crossroads-html -->", 1)[0].rstrip("\n")
    assert inner in html and "crossroads-stash" not in html and "crossroads-html" not in html
    assert html.index("The matrix") < html.index(inner) < html.index("After.")
    check_golden("matrix.html", block)


def test_markers_in_code_stay_text(mini_handbook):
    html = convert(mini_handbook, "about.md", "```\n<!-- crossroads:matrix -->\n```\n", ["fenced_code"])
    assert "&lt;!-- crossroads:matrix --&gt;" in html and "cr-matrix" not in html


def test_a_bad_marker_names_the_page(mini_handbook):
    with pytest.raises(PluginError, match=r"^docs/bad\.md: unknown marker '<!-- crossroads:nope -->'; known markers: calibration, "):
        convert(mini_handbook, "bad.md", "<!-- crossroads:nope -->\n")


def test_checklist_boxes_are_hidden(mini_handbook):
    mini_handbook.page = "about.md"
    html = markdown.markdown("- [x] done\n", extensions=["pymdownx.tasklist", CrossroadsExtension(handbook=mini_handbook)],
                             extension_configs={"pymdownx.tasklist": {"custom_checkbox": True}})
    assert '<label class="task-list-control" aria-hidden="true"><input type="checkbox" disabled tabindex="-1"' in html


def test_every_marker_is_declared_once_with_its_renderer():
    assert sorted(MARKERS) == ["calibration", "cases", "contacts", "countries", "evaluator", "foresight", "guidelines", "levels",
                               "management", "matrix", "questionnaire", "register", "scoring", "screen", "stakeholders", "version"]
    assert [name for name, entry in MARKERS.items() if entry.argument] == ["management"]


def test_standalone_needs_to_know_the_page(tmp_path, monkeypatch):
    monkeypatch.chdir(MINI_SITE)
    extension = CrossroadsExtension(data_dir=str(MINI), docs_dir="docs", country="us", evaluator=False)
    with pytest.raises(PluginError, match="cannot tell which page it renders"):
        markdown.markdown("<!-- crossroads:matrix -->\n", extensions=[extension])


def test_standalone_reads_the_folders_like_the_plugin(tmp_path, mini_method, mini_handbook, monkeypatch):
    """Read from the method and docs folders (generated pages written there, as for Zensical), the
    handbook places pages and markers as the plugin does, and a page comes out the same."""
    shutil.copytree(MINI_SITE / "docs", tmp_path / "docs")
    for src, _, _ in generated_pages(mini_method):
        (tmp_path / "docs" / src).write_text("# Generated\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    book = handbooks.standalone(str(MINI), "docs", "us", evaluator=False)
    assert (book.pages, book.homes) == (mini_handbook.pages, mini_handbook.homes)
    assert handbooks.standalone(str(MINI), "docs", "us", evaluator=False) is book  # kept until a file changes
    text = (MINI_SITE / "docs" / "management.md").read_text(encoding="utf-8")
    ours = convert(book, "management.md", text)
    assert "cr-flow__svg" in ours and ours == convert(mini_handbook, "management.md", text)


def test_the_extension_name_is_what_mkdocs_yml_lists():
    from support.site import ROOT

    assert f"  - {NAME}\n" in (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
