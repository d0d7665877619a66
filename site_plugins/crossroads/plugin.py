"""The `crossroads` MkDocs plugin: MkDocs' events, dispatched. The method is
rendered by the Markdown extension (markdown.py), which Zensical runs too.

- on_config: check the options (config.py); read and check the method and the
  case library (stop the build with `scenarios/<file>.yaml:<line>: <message>`
  lines if either is invalid); expand the `crossroads:*` placeholders in `nav`;
  hand the extension the handbook and `abbr` the stakeholder codes; watch the
  method folder under `mkdocs serve`; under `mkdocs build`, spare the garbage
  collector what lives until the build ends (gc.freeze);
- on_files: generate the category, scenario, country and case pages, and add
  the evaluator's files;
- on_page_markdown: tell the handbook which page the extension renders;
- on_page_content: let MkDocs' anchor checks see the ids of the blocks the
  extension put back;
- on_env: give the footer the method version and the host, and the pages
  whether offline reading is on;
- on_build_error: let the collector see every object again (see on_config);
- on_post_page: point Material's search of an edition's page at the
  edition's own index (searchindex.py);
- on_post_build: split the search index by edition (searchindex.py); write
  the service worker for offline reading (offline.py),
  then precompressed copies of the built files for hosts.
"""

from __future__ import annotations

import copy
import gc
import logging
import os
import re
from urllib.parse import urlsplit

from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority
from mkdocs.structure.files import File

from . import editions, evaluator, markdown, offline, precompress, searchindex, sitestrings, strings
from .config import CrossroadsConfig
from .generated import footer_context
from .handbook import Handbook, Loader, render_inputs, shown
from .pages import expand_nav
from .queries import glossary

log = logging.getLogger("mkdocs.plugins.crossroads")

_ID = re.compile(r"""\sid=["']([^"']+)["']""")


class CrossroadsPlugin(BasePlugin[CrossroadsConfig]):
    """Renders the city diplomacy risk method from the method folder into the handbook."""

    def __init__(self):
        self.loader = Loader()
        self.handbook: Handbook | None = None
        self._command = "build"
        self._thresholds = None
        self._nav = None
        self._abbr = None
        self._theme_files = []
        self.language = "en"
        self._static_404 = None

    # Defining on_startup keeps this instance across `mkdocs serve` rebuilds,
    # so the method is read again only when a file in the method folder changes.
    def on_startup(self, *, command, dirty):
        self.loader = Loader()
        self._command = command

    def on_config(self, config):
        folder = self.config.data_dir
        base = os.path.dirname(os.path.abspath(config.config_file_path)) if config.config_file_path else None
        display = shown(folder, base)
        overlay = self.config.overlay
        overlay_display = shown(overlay, base) if overlay else None
        english = self.loader.method(folder, display, overlay, overlay_display, self.config.host_name)
        sitestrings.use_folder(folder)
        language = editions.language(config)
        if language == editions.default_language(config):
            editions.check(english, folder, display, editions.languages(config))
        # The host's additions stay in the host's words in every edition (engine.i18n.without_additions).
        method = editions.localized(english, language, folder, display)
        inputs = render_inputs(folder, self.config.country, self.config.evaluator, self.config.host_name, language, overlay=overlay)
        library = self.loader.library(method, folder, display, self.config.evaluator, inputs, overlay, overlay_display)
        if overlay:
            # The host's additions may not move a case out of its band: under --strict, the warning stops the build.
            for line in library.out_of_band():
                log.warning(f"{line} (with the additions in '{overlay_display}'); change the additions, never the band.")
        self.config.check_site(config.docs_dir, method)
        self.handbook = Handbook(method, library, self.config.country, self.config.evaluator, docs=shown(config.docs_dir, base),
                                 config_file=config.config_file_path, inputs=inputs)
        self.language = language
        # The site has one 404 page, at its root, in every language (docs/overrides/404.html): the
        # default edition writes it; the others, built after it into the same folder, would write
        # theirs over it, with their own language's page chrome.
        if self._static_404 is None:
            self._static_404 = "404.html" in config.theme.static_templates
        if self._static_404 and language == editions.default_language(config):
            config.theme.static_templates.add("404.html")
        else:
            config.theme.static_templates.discard("404.html")
        # Each edition is built on the same config (the i18n plugin builds one
        # after the other): the nav and the glossary are made afresh from what
        # mkdocs.yml says, in the edition's language.
        if self._nav is None:
            self._nav = copy.deepcopy(config.nav)
        if self._nav:
            config.nav = expand_nav(copy.deepcopy(self._nav), self.handbook.nav(sitestrings.for_method(method)))
        for name in ("abbr", markdown.NAME):
            if name not in config.markdown_extensions:
                config.markdown_extensions.append(name)
        abbr = config.mdx_configs.setdefault("abbr", {})
        if self._abbr is None:
            self._abbr = dict(abbr.get("glossary", {}))
        abbr["glossary"] = {**glossary(method), **self._abbr}
        config.mdx_configs.setdefault(markdown.NAME, {})["handbook"] = self.handbook
        if self._command == "build":
            self._spare_collector()
        # Under `mkdocs serve`, edits to the method or to the evaluator's own
        # files rebuild the site.
        for watched in (folder, *([overlay] if overlay else []), str(evaluator.ASSETS), str(evaluator.TEMPLATES)):
            if watched not in config.watch:
                config.watch.append(watched)
        return config

    # The theme's own files (custom_dir, docs/overrides) sit inside the docs
    # folder: the i18n plugin would take them for pages' assets and look for
    # them in the wrong place. They are held back from it and put back after.
    @event_priority(-50)
    def _hold_theme_files(self, files, config):
        self._theme_files = editions.hold_theme_files(files, config)
        return files

    # After the i18n plugin (-100) has chosen this edition's files: the
    # generated pages and the evaluator's files are this edition's own.
    @event_priority(-150)
    def _edition_files(self, files, config):
        for file in self._theme_files:
            files.append(file)
        self._theme_files = []
        handbook = self.handbook
        prefix = editions.prefix(config)
        written = {editions.source(file): file for file in files.documentation_pages()}
        generated = []
        for src, kind, item in handbook.generated():
            if src in written:
                raise PluginError(f"{handbook.docs}/{src} exists, but the crossroads plugin generates this page from the method; remove or rename the file.")
            generated.append((editions.generated(config, src, "", prefix), kind, item))
        # URLs inside the edition: every page of an edition moves to its folder together.
        pages = {src: editions.inside(file.url, prefix) for src, file in written.items()}
        pages |= {file.norm_src_uri: editions.inside(file.url, prefix) for file, _, _ in generated}
        handbook.place(pages, {src: file.content_string for src, file in written.items()})
        for warning in handbook.flowchart_warnings():
            log.warning(warning)
        for file, kind, item in generated:
            file.content_string = handbook.render_generated(file.norm_src_uri, kind, item)
            files.append(file)
        editions.record(config, [file for file, _, _ in generated])
        # The update notice's texts in every language (offline.js reads them from the edition's root).
        files.append(File.generated(config, strings.NOTICE_FILE, content=strings.notice_strings()))
        if self.config.evaluator:
            for file in evaluator.evaluator_files(config, handbook.method, self.config.country):
                files.append(editions.moved(config, file, prefix))
        return files

    on_files = CombinedEvent(_hold_theme_files, _edition_files)

    def on_page_markdown(self, markdown, page, config, files):
        self.handbook.page = editions.source(page.file)
        return markdown

    # After the i18n plugin's (50): its language switcher names each edition's home
    # with a path from the server's root (`/de/`), which breaks for a copy served
    # from a folder; a link relative to the site's root works wherever it is served.
    @event_priority(40)
    def on_page_context(self, context, page, config, nav):
        editions.relative_switcher(config)
        return context

    def on_page_content(self, html, page, config, files):
        if page.present_anchor_ids is not None:
            page.present_anchor_ids.update(_ID.findall(html))
        return html

    def on_env(self, env, config, files):
        env.globals["crossroads"] = footer_context(self.handbook.method, self.config.host_name, self.config.host_logo,
                                                  sitestrings.for_method(self.handbook.method))
        # `mkdocs serve` writes no service worker: its pages remove one a build installed at the same address.
        env.globals["crossroads_offline"] = self.config.offline and self._command != "serve"
        # The 404 page speaks every edition's language, each with a link to its home page.
        # It is served at any depth, so its links are absolute: the path of site_url, then the edition's folder.
        root = urlsplit(config.site_url or "/").path.rstrip("/") + "/"
        env.globals["crossroads_editions"] = [
            {"lang": lang, "home": root + editions.prefix(config, lang), "t": sitestrings.translator(self.config.data_dir, lang)}
            for lang in editions.languages(config)
        ]
        return env

    # Each edition's pages search their edition's own index (searchindex.py).
    def on_post_page(self, output, page, config):
        return searchindex.edition_base(output, editions.prefix(config))

    # What is loaded by on_config (MkDocs, the theme, the method, the case library) lives
    # until the build ends, and a build makes many short-lived objects: the collector need
    # not walk the former again and again, nor run as often (its time in a build drops from
    # about 0.15 s to 0.07 s). Restored when the build ends, or fails.
    GC_THRESHOLDS = (10_000, 50, 100)

    def _spare_collector(self):
        if self._thresholds is not None:  # the next edition of the same build
            return
        self._thresholds = gc.get_threshold()
        gc.freeze()
        gc.set_threshold(*self.GC_THRESHOLDS)

    def _restore_collector(self):
        if getattr(self, "_thresholds", None):
            gc.set_threshold(*self._thresholds)
            self._thresholds = None
            gc.unfreeze()

    def on_build_error(self, error):
        self._restore_collector()

    # After the i18n plugin (-100), which builds the other editions from its
    # own on_post_build: the service worker and the compressed copies cover
    # every edition, and the search index as the i18n plugin rewrote it.
    @event_priority(-200)
    def on_post_build(self, config):
        if editions.building_editions(config):
            return
        try:
            # One search index per edition, split from the one the i18n plugin wrote for the whole site.
            langs = editions.languages(config)
            searchindex.split(config.site_dir, langs[0], {lang: editions.prefix(config, lang) for lang in langs[1:]})
            # The service worker lists the built files, so it is written last (a live preview has none).
            if self.config.offline and self._command != "serve":
                offline.write_service_worker(config.site_dir)
            # Hosts serve these .gz copies as they are; a live preview does not need them.
            if self._command != "serve":
                precompress.precompress_site(config.site_dir)
        finally:
            # Restored last: with it, a full collection over the whole build's objects would run here.
            self._restore_collector()
