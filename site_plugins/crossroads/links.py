"""Where pages live and how one page links to another.

The URL arithmetic is MkDocs' own (`File.url`, `get_relative_url`), so a
link computed here is the link MkDocs (or Zensical, which places pages the
same way) writes for the same page.
"""

from __future__ import annotations

import functools
import posixpath
from dataclasses import dataclass, field
from collections.abc import Mapping

from mkdocs.structure.files import File
from mkdocs.utils import get_relative_url

# Pure path arithmetic, asked for the same pairs of pages over and over while
# the pages are rendered: each answer is worked out once.
relative_url = functools.lru_cache(maxsize=1 << 16)(get_relative_url)
_relpath = functools.lru_cache(maxsize=1 << 16)(posixpath.relpath)

__all__ = ["Links", "default_url", "relative_url", "site_pages"]


def default_url(src: str, use_directory_urls: bool = True) -> str:
    """The URL MkDocs gives a Markdown page (`risks/a1.md` -> `risks/a1/`)."""
    return File(src, None, "", use_directory_urls).url


def site_pages(srcs, use_directory_urls: bool = True) -> dict[str, str]:
    """`{src: url}` for a list of page sources, as MkDocs would place them."""
    return {src: default_url(src, use_directory_urls) for src in srcs}


@dataclass(frozen=True)
class Links:
    """Links from one page to the others, for Markdown (`md`) and for raw HTML (`url`).

    `pages` maps every page's source path to its URL; `homes` maps a marker
    (`questionnaire`, `foresight`, `management A`, ...) to the page that holds it.
    A link to a page or marker that does not exist is None, and templates then
    print plain text instead of a broken link.
    """

    page: str
    pages: Mapping[str, str]
    homes: Mapping[str, str] = field(default_factory=dict)
    from_source: bool = False
    """Write `url()` links relative to the page's source folder instead of its URL: Zensical
    rebases relative `href` and `src` values of raw HTML from there onto the page's URL,
    where MkDocs leaves raw HTML as it is."""

    def md(self, src: str | None, anchor: str = "") -> str | None:
        if src is None or src not in self.pages:
            return None
        if src == self.page:
            path = "" if anchor else posixpath.basename(src)
        else:
            path = _relpath(src, posixpath.dirname(self.page) or ".")
        return path + (f"#{anchor}" if anchor else "")

    def url(self, src: str | None, anchor: str = "") -> str | None:
        if src is None or src not in self.pages:
            return None
        if src == self.page and anchor:
            return f"#{anchor}"
        return relative_url(self.pages[src], self._base()) + (f"#{anchor}" if anchor else "")

    def _base(self) -> str:
        return (posixpath.dirname(self.page) or ".") + "/" if self.from_source else self.pages[self.page]

    def root(self) -> str:
        """The site root relative to this page's URL, ending in '/' (for scripts, which run at that URL)."""
        rel = relative_url("./", self.pages[self.page])
        return rel if rel.endswith("/") else rel + "/"

    def attribute_root(self) -> str:
        """The site root as an `href` or `src` of raw HTML on this page writes it (see `from_source`)."""
        if not self.from_source:
            return self.root()
        rel = relative_url("./", self._base())
        return "" if rel == "./" else rel

    def home(self, marker: str) -> str | None:
        return self.homes.get(marker)

    def step_home(self, method, step_id: str) -> str | None:
        step = method.steps.get(step_id)
        if step is None:
            return None
        if "category" in step:
            return self.homes.get(f"management {step['category']}") or self.homes.get("management")
        return self.homes.get("foresight")
