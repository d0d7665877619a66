"""The `crossroads` MkDocs plugin: a thin adapter between MkDocs and render.py.

- on_config: load and check the method and the case library (`cases/` in the
  method folder) with the engine's loaders (stop the build with
  `scenarios/<file>.yaml:<line>: <message>` lines if either is invalid), run
  every case through the evaluator, expand the `crossroads:*` placeholders in
  `nav`, register the stakeholder abbreviations and watch the method folder
  under `mkdocs serve`;
- on_files: generate the category, scenario, country and case pages and add
  the evaluator's files;
- on_page_markdown: replace the `<!-- crossroads:NAME -->` markers and park the
  HTML blocks that Markdown must not touch;
- on_page_content: put those blocks back;
- on_env: give the footer the method version and the host;
- on_post_build: write precompressed copies of the built files for hosts.
"""

from __future__ import annotations

import logging
import os
import re

from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File

from engine.cases import load_cases
from engine.errors import MethodError
from engine.source import load_method_dir

from . import evaluator, precompress, render
from .config import CrossroadsConfig

log = logging.getLogger("mkdocs.plugins.crossroads")

_MARKER = re.compile(r"^<!-- crossroads:(?P<name>[A-Za-z][A-Za-z0-9_-]*)(?: (?P<arg>[A-Za-z0-9_-]+))? -->$")
_LOOKS_LIKE_MARKER = re.compile(r"^\s*<!--\s*crossroads:")
_FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
_HTML_BLOCK = re.compile(re.escape(render.HTML_OPEN) + r"\n(.*?)\n" + re.escape(render.HTML_CLOSE) + r"\n?", re.S)
_ID = re.compile(r"""\sid=["']([^"']+)["']""")
# The checklists' boxes cannot be ticked (disabled) and carry no name of their
# own: hide them from assistive technology, which then reads a plain list.
_TASK_BOX = '<label class="task-list-control"><input type="checkbox" disabled'
_TASK_BOX_HIDDEN = '<label class="task-list-control" aria-hidden="true"><input type="checkbox" disabled tabindex="-1"'


def _posix(path: str) -> str:
    return path.replace(os.sep, "/")


def _display(path: str, config_file_path: str | None) -> str:
    """A folder as the user wrote it: relative to mkdocs.yml when it lies below it."""
    if not config_file_path:
        return _posix(path)
    rel = os.path.relpath(path, os.path.dirname(os.path.abspath(config_file_path)))
    return _posix(rel)


def _method_files(folder: str, subfolders=("", "countries")) -> tuple:
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


def _expand_nav(items, entries):
    """Replace `crossroads:risks` / `crossroads:countries` / `crossroads:cases` in a nav list by the generated pages."""
    if not isinstance(items, list):
        return items
    out = []
    for item in items:
        if isinstance(item, str) and item in entries:
            out.extend(entries[item])
        elif isinstance(item, dict):
            out.append({title: (entries[value] if isinstance(value, str) and value in entries else _expand_nav(value, entries)) for title, value in item.items()})
        else:
            out.append(item)
    return out


def find_markers(markdown: str):
    """Yield `(line_index, name, argument)` for each marker line, or `(line_index, None, text)` for a malformed one."""
    fence = None
    for index, line in enumerate(markdown.split("\n")):
        opened = _FENCE.match(line)
        if fence is not None:
            if opened and opened.group(1)[0] == fence[0] and len(opened.group(1)) >= len(fence):
                fence = None
            continue
        if opened:
            fence = opened.group(1)
            continue
        match = _MARKER.match(line.rstrip())
        if match:
            yield index, match.group("name"), match.group("arg")
        elif _LOOKS_LIKE_MARKER.match(line):
            yield index, None, line.strip()


class CrossroadsPlugin(BasePlugin[CrossroadsConfig]):
    """Renders the city diplomacy risk method from the method folder into the handbook."""

    def __init__(self):
        self._cache: tuple | None = None
        self._cases_cache: tuple | None = None
        self.method = None
        self.library = render.Library()
        self.pages: dict[str, str] = {}
        self.homes: dict[str, str] = {}
        self._stash: dict[str, list[str]] = {}
        self._docs_display = "docs"
        self._command = "build"
        self._config_file_path = None

    # Defining on_startup keeps this instance across `mkdocs serve` rebuilds,
    # so the method is read again only when a file in the method folder changes.
    def on_startup(self, *, command, dirty):
        self._cache = None
        self._cases_cache = None
        self._command = command

    # -- config ----------------------------------------------------------------
    def on_config(self, config):
        folder = self.config.data_dir
        display = _display(folder, config.config_file_path)
        self.method = self._load(folder, display)
        self.library = self._load_cases(folder, display)
        country = self.config.country
        if country not in self.method.countries:
            known = ", ".join(sorted(self.method.countries)) or "(none)"
            raise PluginError(f"Plugin 'crossroads' option 'country': Expected one of: {known} but received: {country!r}")
        logo = self.config.host_logo
        if logo is not None:
            inside = not os.path.isabs(logo) and not os.path.normpath(logo).startswith("..")
            if not inside or not os.path.isfile(os.path.join(config.docs_dir, logo)):
                raise PluginError(f"Plugin 'crossroads' option 'host_logo': expected a file inside the docs folder, but '{logo}' is not one.")
        self._docs_display = _display(config.docs_dir, config.config_file_path)
        self._config_file_path = config.config_file_path  # the evaluator finds node_modules next to it
        if config.nav:
            config.nav = _expand_nav(config.nav, render.nav_entries(self.method, self.library))
        if "abbr" not in config.markdown_extensions:
            config.markdown_extensions.append("abbr")
        abbr = config.mdx_configs.setdefault("abbr", {})
        abbr["glossary"] = {**render.glossary(self.method), **abbr.get("glossary", {})}
        # Under `mkdocs serve`, edits to the method or to the evaluator's own
        # files rebuild the site.
        for watched in (folder, str(evaluator.ASSETS), str(evaluator.TEMPLATES)):
            if watched not in config.watch:
                config.watch.append(watched)
        return config

    def _load(self, folder: str, display: str):
        key = (folder, display, _method_files(folder))
        if self._cache is not None and self._cache[0] == key:
            return self._cache[1]
        try:
            method = load_method_dir(folder, display)
        except MethodError as error:
            lines = error.lines()
            raise PluginError(f"The method in '{display}' has {len(lines)} problem(s); fix them and build again:\n" + "\n".join(lines)) from None
        self._cache = (key, method)
        return method

    def _load_cases(self, folder: str, display: str) -> render.Library:
        """Read and check the case library, and run each case through the evaluator (once per change)."""
        cases_dir = os.path.join(folder, "cases")
        shown = f"{display}/cases"
        key = (self._cache[0] if self._cache else None, shown, self.config.evaluator, _method_files(cases_dir, ("",)))
        if self._cases_cache is not None and self._cases_cache[0] == key:
            return self._cases_cache[1]
        try:
            cases = load_cases(self.method, cases_dir, shown)
        except MethodError as error:
            lines = error.lines()
            raise PluginError(f"The case library in '{shown}' has {len(lines)} problem(s); fix them and build again:\n" + "\n".join(lines)) from None
        library = render.Library.build(self.method, cases, evaluator=self.config.evaluator, folder=shown)
        self._cases_cache = (key, library)
        return library

    # -- files -----------------------------------------------------------------
    def on_files(self, files, config):
        method = self.method
        existing = {f.src_uri for f in files.documentation_pages()}
        self.homes = self._find_homes(files)
        self._check_flowchart_pages()
        generated = []
        for src, kind, item in render.generated_pages(method, self.library):
            if src in existing:
                raise PluginError(f"{self._docs_display}/{src} exists, but the crossroads plugin generates this page from the method; remove or rename the file.")
            generated.append((File.generated(config, src, content=""), kind, item))
        self.pages = {f.src_uri: f.url for f in files.documentation_pages()}
        self.pages.update({f.src_uri: f.url for f, _, _ in generated})
        for file, kind, item in generated:
            links = render.Links(file.src_uri, self.pages, self.homes)
            file.content_string = render.render_page(method, links, kind, item, self.config.country, self.library)
            files.append(file)
        if self.config.evaluator:
            for file in evaluator.evaluator_files(config, method, self.config.country):
                files.append(file)
        return files

    def _find_homes(self, files) -> dict[str, str]:
        """Which page holds each marker (links to steps, questions and actions point there)."""
        homes: dict[str, str] = {}
        for file in sorted(files.documentation_pages(), key=lambda f: f.src_uri):
            for _, name, arg in find_markers(file.content_string):
                if name is not None:
                    homes.setdefault(f"{name} {arg}" if arg else name, file.src_uri)
        return homes

    def _check_flowchart_pages(self):
        """The method names the page of each flowchart; it must be where the diagram is."""
        charts = self.method.data["flowcharts"]
        wanted = [("foresight", charts["foresight"]["page"])]
        wanted += [(f"management {t['category']}", charts["management"]["page"]) for t in charts["management"]["tracks"]]
        for marker, page in wanted:
            home = self.homes.get(marker) or (self.homes.get("management") if marker.startswith("management ") else None)
            if home is None:
                continue
            if render.default_url(home) != page and render.default_url(home, False) != page:
                log.warning(f"flowcharts: the method places '{marker}' on page '{page}', but its marker is in {self._docs_display}/{home}; links to its steps would break. Move the marker or change 'page'.")

    # -- pages -----------------------------------------------------------------
    def on_page_markdown(self, markdown, page, config, files):
        src = page.file.src_uri
        lines = markdown.split("\n")
        for index, name, arg in reversed(list(find_markers(markdown))):
            lines[index] = self._marker(src, name, arg).rstrip("\n")
        markdown = "\n".join(lines)
        stash: list[str] = []

        def park(match):
            stash.append(match.group(1))
            return f"<!-- crossroads-stash-{len(stash) - 1} -->\n"

        markdown = _HTML_BLOCK.sub(park, markdown)
        self._stash[src] = stash
        return markdown

    def _marker(self, src: str, name: str | None, arg: str | None) -> str:
        known = list(render.MARKERS) + [f"management {c['id']}" for c in self.method.categories]
        if name is None or name not in render.MARKERS or (arg is not None and name != "management"):
            shown = arg if name is None else f"<!-- crossroads:{name}{' ' + arg if arg else ''} -->"
            raise PluginError(f"{self._docs_display}/{src}: unknown marker {shown!r}; known markers: {', '.join(sorted(known))}.")
        links = render.Links(src, self.pages, self.homes)
        if name == "evaluator":
            if not self.config.evaluator:
                return render.render_evaluator_absent(self.method, links)
            html = evaluator.render_evaluator(self.method, self.config.country, links.root(), {"config_file_path": self._config_file_path})
            return f"{render.HTML_OPEN}\n{html.strip()}\n{render.HTML_CLOSE}\n"
        try:
            return render.render_marker(self.method, links, name, arg, self.config.country, self.library)
        except render.RenderError as error:
            raise PluginError(f"{self._docs_display}/{src}: {error} Known markers: {', '.join(sorted(known))}.") from None

    def on_page_content(self, html, page, config, files):
        src = page.file.src_uri
        for index, block in enumerate(self._stash.pop(src, [])):
            placeholder = f"<!-- crossroads-stash-{index} -->"
            if placeholder not in html:
                raise PluginError(f"{self._docs_display}/{src}: a block rendered for a crossroads marker was lost; put markers on their own line, outside lists and admonitions.")
            html = html.replace(placeholder, block, 1)
            if page.present_anchor_ids is not None:
                page.present_anchor_ids.update(_ID.findall(block))
        return html.replace(_TASK_BOX, _TASK_BOX_HIDDEN)

    def on_post_build(self, config):
        # Hosts serve these .gz copies as they are; a live preview does not need them.
        if self._command != "serve":
            precompress.precompress_site(config.site_dir)

    def on_env(self, env, config, files):
        env.globals["crossroads"] = render.footer_context(self.method, self.config.host_name, self.config.host_logo)
        return env
