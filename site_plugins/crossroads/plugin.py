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
- on_post_build: write the service worker for offline reading (offline.py),
  then precompressed copies of the built files for hosts.
"""

from __future__ import annotations

import gc
import logging
import os
import re

from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File

from . import evaluator, markdown, offline, precompress, strings
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

    # Defining on_startup keeps this instance across `mkdocs serve` rebuilds,
    # so the method is read again only when a file in the method folder changes.
    def on_startup(self, *, command, dirty):
        self.loader = Loader()
        self._command = command

    def on_config(self, config):
        folder = self.config.data_dir
        base = os.path.dirname(os.path.abspath(config.config_file_path)) if config.config_file_path else None
        display = shown(folder, base)
        method = self.loader.method(folder, display)
        inputs = render_inputs(folder, self.config.country, self.config.evaluator)
        library = self.loader.library(method, folder, display, self.config.evaluator, inputs)
        self.config.check_site(config.docs_dir, method)
        self.handbook = Handbook(method, library, self.config.country, self.config.evaluator, docs=shown(config.docs_dir, base),
                                 config_file=config.config_file_path, inputs=inputs)
        if config.nav:
            config.nav = expand_nav(config.nav, self.handbook.nav())
        for name in ("abbr", markdown.NAME):
            if name not in config.markdown_extensions:
                config.markdown_extensions.append(name)
        abbr = config.mdx_configs.setdefault("abbr", {})
        abbr["glossary"] = {**glossary(method), **abbr.get("glossary", {})}
        config.mdx_configs.setdefault(markdown.NAME, {})["handbook"] = self.handbook
        if self._command == "build":
            self._spare_collector()
        # Under `mkdocs serve`, edits to the method or to the evaluator's own
        # files rebuild the site.
        for watched in (folder, str(evaluator.ASSETS), str(evaluator.TEMPLATES)):
            if watched not in config.watch:
                config.watch.append(watched)
        return config

    def on_files(self, files, config):
        handbook = self.handbook
        written = {file.src_uri: file for file in files.documentation_pages()}
        generated = []
        for src, kind, item in handbook.generated():
            if src in written:
                raise PluginError(f"{handbook.docs}/{src} exists, but the crossroads plugin generates this page from the method; remove or rename the file.")
            generated.append((File.generated(config, src, content=""), kind, item))
        pages = {src: file.url for src, file in written.items()} | {file.src_uri: file.url for file, _, _ in generated}
        handbook.place(pages, {src: file.content_string for src, file in written.items()})
        for warning in handbook.flowchart_warnings():
            log.warning(warning)
        for file, kind, item in generated:
            file.content_string = handbook.render_generated(file.src_uri, kind, item)
            files.append(file)
        # The update notice's texts per language (offline.js reads them).
        files.append(File.generated(config, strings.NOTICE_FILE, content=strings.notice_strings()))
        if self.config.evaluator:
            for file in evaluator.evaluator_files(config, handbook.method, self.config.country):
                files.append(file)
        return files

    def on_page_markdown(self, markdown, page, config, files):
        self.handbook.page = page.file.src_uri
        return markdown

    def on_page_content(self, html, page, config, files):
        if page.present_anchor_ids is not None:
            page.present_anchor_ids.update(_ID.findall(html))
        return html

    def on_env(self, env, config, files):
        env.globals["crossroads"] = footer_context(self.handbook.method, self.config.host_name, self.config.host_logo)
        # `mkdocs serve` writes no service worker: its pages remove one a build installed at the same address.
        env.globals["crossroads_offline"] = self.config.offline and self._command != "serve"
        return env

    # What is loaded by on_config (MkDocs, the theme, the method, the case library) lives
    # until the build ends, and a build makes many short-lived objects: the collector need
    # not walk the former again and again, nor run as often (its time in a build drops from
    # about 0.15 s to 0.07 s). Restored when the build ends, or fails.
    GC_THRESHOLDS = (10_000, 50, 100)

    def _spare_collector(self):
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

    def on_post_build(self, config):
        try:
            # The service worker lists the built files, so it is written last (a live preview has none).
            if self.config.offline and self._command != "serve":
                offline.write_service_worker(config.site_dir)
            # Hosts serve these .gz copies as they are; a live preview does not need them.
            if self._command != "serve":
                precompress.precompress_site(config.site_dir)
        finally:
            # Restored last: with it, a full collection over the whole build's objects would run here.
            self._restore_collector()
