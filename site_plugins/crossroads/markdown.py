"""The Python-Markdown extension that renders the method into the pages; MkDocs
and Zensical both run it (`markdown_extensions` in mkdocs.yml).

On every page it:
- replaces each `<!-- crossroads:NAME -->` marker line by what the marker's
  renderer writes (markers.MARKERS), before any other preprocessor, so
  markers inside code blocks stay text;
- keeps the HTML blocks those renderers (and the generated pages) wrap in
  `<!-- crossroads-html -->` ... `<!-- /crossroads-html -->` away from
  Markdown, and puts them back, unchanged, into the finished HTML;
- hides the checklists' disabled boxes from assistive technology.

Options:
    handbook            a handbook.Handbook: the MkDocs plugin passes its own,
                        and tells it which page is being rendered
    data_dir, docs_dir, country, evaluator, use_directory_urls, links_from_source
                        without `handbook`: read the method and the docs
                        folder (relative to the working folder), as
                        handbook.standalone() does; the page being rendered
                        is the one Zensical names
"""

from __future__ import annotations

import re

from markdown import Extension, Markdown
from markdown.postprocessors import Postprocessor
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor
from mkdocs.exceptions import PluginError

from . import handbook as handbooks
from .pages import find_markers
from .templating import HTML_CLOSE, HTML_OPEN

#: The name this extension goes by under `markdown_extensions`.
NAME = "site_plugins.crossroads.markdown"

_HTML_BLOCK = re.compile(re.escape(HTML_OPEN) + r"\n(.*?)\n" + re.escape(HTML_CLOSE) + r"\n?", re.S)
# The checklists' boxes cannot be ticked (disabled) and carry no name of their
# own: hide them from assistive technology, which then reads a plain list.
_TASK_BOX = '<label class="task-list-control"><input type="checkbox" disabled'
_TASK_BOX_HIDDEN = '<label class="task-list-control" aria-hidden="true"><input type="checkbox" disabled tabindex="-1"'


def _placeholder(index: int) -> str:
    return f"<!-- crossroads-stash-{index} -->"


def _zensical_page(md: Markdown) -> str | None:
    """The page Zensical is rendering, from the context it hands its own extensions."""
    for processor in md.preprocessors:
        page = getattr(processor, "page", None)
        if type(processor).__name__ == "ContextPreprocessor" and isinstance(getattr(page, "path", None), str):
            return page.path
    return None


class _Markers(Preprocessor):
    """Expand the markers and park the HTML blocks (a comment stands in for each)."""

    def __init__(self, md: Markdown, extension: CrossroadsExtension):
        super().__init__(md)
        self.extension = extension
        self.blocks: list[str] = []
        self.page = ""
        self.docs = "docs"
        self.tree_done = False

    def run(self, lines: list[str]) -> list[str]:
        handbook, self.page = self.extension.context(self.md)
        self.docs = handbook.docs
        for index, name, argument in reversed(list(find_markers("\n".join(lines)))):
            lines[index] = handbook.render_marker(self.page, name, argument).rstrip("\n")
        self.blocks = []
        self.tree_done = False

        def park(match):
            self.blocks.append(match.group(1))
            return _placeholder(len(self.blocks) - 1) + "\n"

        return _HTML_BLOCK.sub(park, "\n".join(lines)).split("\n")


class _TreeDone(Treeprocessor):
    """Note that the tree is done: postprocessors run before it only on pieces (the table of contents' labels)."""

    def __init__(self, md: Markdown, markers: _Markers):
        super().__init__(md)
        self.markers = markers

    def run(self, root) -> None:
        self.markers.tree_done = True


class _Blocks(Postprocessor):
    """Put the parked HTML blocks back into the finished page, and hide the checklists' boxes."""

    def __init__(self, md: Markdown, markers: _Markers):
        super().__init__(md)
        self.markers = markers

    def run(self, text: str) -> str:
        if not self.markers.tree_done:
            return text
        for index, block in enumerate(self.markers.blocks):
            if _placeholder(index) not in text:
                raise PluginError(f"{self.markers.docs}/{self.markers.page}: a block rendered for a crossroads marker was lost; "
                                  "put markers on their own line, outside lists and admonitions.")
            text = text.replace(_placeholder(index), block, 1)
        return text.replace(_TASK_BOX, _TASK_BOX_HIDDEN)


class CrossroadsExtension(Extension):
    def __init__(self, **kwargs):
        self.config = {
            # A default of None would turn a given handbook into True (Extension.setConfig).
            "handbook": ["", "The MkDocs plugin's handbook.Handbook; without it, the options below are read."],
            "data_dir": ["scenarios", "The method folder."],
            "docs_dir": ["docs", "The docs folder, every Markdown page of it included generated ones."],
            "country": ["us", "The country profile whose roles and contacts the pages show."],
            "evaluator": [True, "Whether this copy has the in-browser evaluator."],
            "use_directory_urls": [True, "Whether pages live at folder URLs (risks/a1/), as MkDocs and Zensical place them by default."],
            "links_from_source": [False, "Write raw HTML links relative to each page's source folder, as Zensical reads them."],
            "config_file": ["", "mkdocs.yml's path: the evaluator's runtime comes from node_modules beside it."],
            "overlay": ["", "The host's additions folder (engine/overlay.py), if any."],
            "host_name": ["", "The hosting association's name, for the additions it makes."],
        }
        super().__init__(**kwargs)

    def context(self, md: Markdown) -> tuple[handbooks.Handbook, str]:
        """The handbook and the page being rendered."""
        options = self.getConfigs()
        handbook = options["handbook"]
        if not handbook:
            handbook = handbooks.standalone(options["data_dir"], options["docs_dir"], options["country"], options["evaluator"],
                                            options["use_directory_urls"], options["links_from_source"], options["config_file"] or None,
                                            overlay=options["overlay"] or None, host_name=options["host_name"] or None)
        page = _zensical_page(md) or handbook.page
        if page is None:
            raise PluginError("crossroads: the Markdown extension cannot tell which page it renders; "
                              "build with MkDocs (and the crossroads plugin) or Zensical.")
        return handbook, page

    def extendMarkdown(self, md: Markdown) -> None:
        md.registerExtension(self)
        markers = _Markers(md, self)
        # Before pymdownx.snippets (32) and whitespace normalisation (30): the
        # page as its author wrote it, as the MkDocs plugin used to see it.
        md.preprocessors.register(markers, "crossroads", 33)
        # After every other processor: the blocks go into the finished HTML.
        md.treeprocessors.register(_TreeDone(md, markers), "crossroads", -100)
        md.postprocessors.register(_Blocks(md, markers), "crossroads", -100)


def makeExtension(**kwargs) -> CrossroadsExtension:
    return CrossroadsExtension(**kwargs)
