"""The handbook being built: the method and its case library (read once, and
again only when one of their files changes), the country profile, where each
page lives and which page holds each marker.

The MkDocs plugin fills a `Handbook` from MkDocs' own files; a generator
without the plugin (Zensical) gets one from `standalone()`, which reads the
method folder and the docs folder itself. The Markdown extension renders the
markers of a page through either.
"""

from __future__ import annotations

import hashlib
import os
import threading
from dataclasses import dataclass, field
from typing import Any

import jinja2
from mkdocs.exceptions import PluginError

from engine.cases import load_cases
from engine.errors import MethodError
from engine.overlay import load_method_with_overlay, overlay_cases

from . import buildcache
from . import pages as inventory
from .generated import render_page
from .library import Library
from .links import Links, site_pages
from .markers import MARKERS, render_marker
from .queries import RenderError


def posix(path: str) -> str:
    return path.replace(os.sep, "/")


def shown(path: str, base: str | None) -> str:
    """A folder as the user wrote it: relative to `base` (the folder of mkdocs.yml, or the working folder)."""
    return posix(os.path.relpath(path, base) if base else path)


def method_files(folder: str, subfolders=("", "countries")) -> tuple:
    """What a cache depends on: every YAML file's name, size and modification time in these subfolders."""
    found = []
    for sub in subfolders:
        where = os.path.join(folder, sub)
        if not os.path.isdir(where):
            continue
        try:
            names = sorted(os.listdir(where))
        except OSError:
            # The loader reports an unreadable folder with its name; the cache just notes it.
            found.append((sub, None, None, None))
            continue
        for name in names:
            if name.endswith((".yaml", ".yml")):
                try:
                    stat = os.stat(os.path.join(where, name))
                except OSError:
                    # A dangling link or a vanished file: the loader names it as "cannot read".
                    found.append((sub, name, None, None))
                    continue
                found.append((sub, name, stat.st_mtime_ns, stat.st_size))
    return tuple(found)


def _problems(what: str, error: MethodError) -> PluginError:
    lines = error.lines()
    return PluginError(f"{what} has {len(lines)} problem(s); fix them and build again:\n" + "\n".join(lines))


class Loader:
    """Reads and checks the method and its case library (`cases/` in the method
    folder, each case run through the evaluator), again only when a file changed."""

    def __init__(self):
        self._method: tuple | None = None
        self._library: tuple | None = None

    def method(self, folder: str, display: str, overlay: str | None = None, overlay_display: str | None = None,
               host: str | None = None):
        key = (folder, display, method_files(folder), overlay, host, overlay and method_files(overlay))
        if self._method is not None and self._method[0] == key:
            return self._method[1]
        try:
            method = load_method_with_overlay(folder, overlay, display, overlay_display, host)
        except MethodError as error:
            where = f"The method in '{display}'" + (f" with the additions in '{overlay_display}'" if overlay else "")
            raise _problems(where, error) from None
        self._method = (key, method)
        return method

    def library(self, method, folder: str, display: str, evaluator: bool, inputs: bytes = b"", overlay: str | None = None,
                overlay_display: str | None = None) -> Library:
        cases_dir = os.path.join(folder, "cases")
        where = f"{display}/cases"
        added = os.path.join(overlay, "cases") if overlay else None
        key = (where, evaluator, method_files(cases_dir, ("",)), added and method_files(added, ("",)))
        if self._library is not None and self._library[0] == key and self._library[1] is method:
            return self._library[2]
        try:
            cases = load_cases(method, cases_dir, where)
        except MethodError as error:
            raise _problems(f"The case library in '{where}'", error) from None
        if getattr(method, "language", "en") != "en":
            # The shipped cases' prose in the edition's language (i18n/cases/<language>.yaml); a host's cases stay in its words.
            from engine.i18n import LocalizeError, localize_cases

            try:
                cases = localize_cases(cases, method.language, os.path.join(folder, "i18n"), f"{display}/i18n")
            except LocalizeError as error:
                raise PluginError(f"The '{method.language}' edition of the case library cannot be built; fix these and build "
                                  "again:\n" + "\n".join(error.lines())) from None
        try:
            cases += overlay_cases(method, overlay, cases, overlay_display)
        except MethodError as error:
            raise _problems(f"The cases in '{overlay_display}/cases'", error) from None
        library = Library.build(method, cases, evaluator=evaluator, folder=where, inputs=inputs)
        self._library = (key, method, library)
        return library


@dataclass
class Handbook:
    """What the markers and the generated pages are rendered from."""

    method: Any
    library: Library
    country: str
    evaluator: bool = True
    docs: str = "docs"
    """The docs folder as the user wrote it, for messages."""
    pages: dict[str, str] = field(default_factory=dict)
    """Every page's source path and URL."""
    homes: dict[str, str] = field(default_factory=dict)
    """Which page holds each marker."""
    page: str | None = None
    """The page being rendered, when the generator does not tell the Markdown extension itself."""
    links_from_source: bool = False
    """Raw HTML links relative to each page's source folder (Zensical), not its URL (MkDocs): see links.Links."""
    config_file: str | None = None
    """mkdocs.yml's path: the evaluator's runtime comes from node_modules beside it."""
    inputs: bytes = b""
    """A digest of everything a generated page is made from besides the page map
    (see `render_inputs`): when set, generated pages are kept between builds."""
    _layout: bytes | None = field(default=None, repr=False, compare=False)
    """The page map and the markers' homes as part of a cache key (made once per `place`)."""

    def place(self, pages: dict[str, str], texts: dict[str, str]) -> None:
        """Record where every page lives, and the hand-written pages' text (`{src: markdown}`) for the markers' homes."""
        self.pages = dict(pages)
        self.homes = inventory.find_homes(texts)
        self._layout = None

    def _kept(self, kind: str, parts: tuple, render) -> str:
        """`render(key)` (bytes), kept between builds under `inputs`, the page map, the
        markers' homes and how raw links are written (which decide the links) and `parts`;
        made afresh without `inputs`."""
        if not self.inputs:
            return render(b"").decode("utf-8")
        if self._layout is None:
            self._layout = repr((sorted(self.pages.items()), sorted(self.homes.items()), self.links_from_source)).encode("utf-8")
        return buildcache.cached(kind, self.inputs + self._layout + repr(parts).encode("utf-8"), render).decode("utf-8")

    def links(self, src: str) -> Links:
        return Links(src, self.pages, self.homes, self.links_from_source)

    def generated(self) -> list[tuple[str, str, str]]:
        return inventory.generated_pages(self.method, self.library)

    def nav(self, t=None) -> dict[str, list]:
        return inventory.nav_entries(self.method, self.library, t)

    def render_generated(self, src: str, kind: str, item: str) -> str:
        def render(_key: bytes) -> bytes:
            return render_page(self.method, self.links(src), kind, item, self.country, self.library).encode("utf-8")

        return self._kept("generated-page", (src, kind, item), render)

    def render_marker(self, src: str, name: str | None, argument: str | None) -> str:
        def render(_key: bytes) -> bytes:
            return render_marker(self.method, self.links(src), name, argument, self.country, self.library, self.evaluator,
                                 self.config_file).encode("utf-8")

        try:
            # The evaluator's markers name its files by content hash: they are always made afresh.
            if name not in MARKERS or "config_file" in MARKERS[name].needs:
                return render(b"").decode("utf-8")
            return self._kept("marker", (src, name, argument), render)
        except RenderError as error:
            raise PluginError(f"{self.docs}/{src}: {error}") from None

    def flowchart_warnings(self) -> list[str]:
        return inventory.flowchart_warnings(self.method, self.homes, self.docs)


CODE = os.path.dirname(os.path.abspath(__file__))
ENGINE = os.path.join(os.path.dirname(CODE), os.pardir, "engine")


def render_inputs(folder: str, *options, overlay: str | None = None) -> bytes:
    """A digest of what the generated pages are made from: every file of the
    method folder (cases and profiles included) and of the host's overlay, the
    engine's and this package's code and templates, and the options given."""
    digest = hashlib.sha256(repr((options, jinja2.__version__)).encode("utf-8"))
    for top in (folder, ENGINE, CODE) + ((overlay,) if overlay else ()):
        for root, dirs, names in os.walk(top):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            for name in sorted(names):
                if name.endswith((".yaml", ".yml", ".py", ".md", ".html", ".json")):
                    path = os.path.join(root, name)
                    digest.update(f"{os.path.relpath(path, top)}\0".encode())
                    with open(path, "rb") as handle:
                        digest.update(handle.read())
    return digest.digest()


_lock = threading.Lock()
_loaders: dict[tuple, Loader] = {}
_standalone: dict[tuple, tuple] = {}


def _markdown_files(docs_dir: str) -> dict[str, tuple]:
    found = {}
    for folder, dirs, names in os.walk(docs_dir):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in names:
            if name.endswith(".md") and not name.startswith("."):
                path = os.path.join(folder, name)
                stat = os.stat(path)
                found[posix(os.path.relpath(path, docs_dir))] = (path, stat.st_mtime_ns, stat.st_size)
    return found


def standalone(data_dir: str, docs_dir: str, country: str, evaluator: bool = True, use_directory_urls: bool = True,
               links_from_source: bool = False, config_file: str | None = None, overlay: str | None = None,
               host_name: str | None = None) -> Handbook:
    """The handbook from the method folder and every Markdown page of the docs
    folder (generated pages included, already written there); relative
    folders are taken from the working folder. Kept until a file changes."""
    base = os.getcwd()
    data_dir, docs_dir = os.path.abspath(data_dir), os.path.abspath(docs_dir)
    files = _markdown_files(docs_dir)
    overlay = os.path.abspath(overlay) if overlay else None
    key = (data_dir, docs_dir, country, evaluator, use_directory_urls, links_from_source, config_file, overlay, host_name)
    with _lock:
        loader = _loaders.setdefault(key, Loader())
        display = shown(data_dir, base)
        overlay_display = shown(overlay, base) if overlay else None
        method = loader.method(data_dir, display, overlay, overlay_display, host_name)
        library = loader.library(method, data_dir, display, evaluator, overlay=overlay, overlay_display=overlay_display)
        stamp = (id(method), id(library), tuple(sorted((src, m, s) for src, (_, m, s) in files.items())))
        cached = _standalone.get(key)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        handbook = Handbook(method, library, country, evaluator, docs=shown(docs_dir, base), links_from_source=links_from_source,
                            config_file=config_file)
        generated = {src for src, _, _ in handbook.generated()}
        texts = {}
        for src, (path, _, _) in files.items():
            if src not in generated:
                with open(path, encoding="utf-8-sig") as stream:
                    texts[src] = stream.read()
        handbook.place(site_pages(sorted(files), use_directory_urls), texts)
        _standalone[key] = (stamp, handbook)
        return handbook
