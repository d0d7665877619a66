"""Promise: the site makes no request to anyone but itself, sets no cookie,
and what a reader types into the evaluator never leaves the page."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from support.promises import EVALUATOR
from support.steps import answer_questions, fill_text_fields, wait_for_result
from support.promises import wait_for_engine

SENTINEL = "SENTINEL-7f3a"


def _describe(requests) -> str:
    return "\n".join(f"  {r.method} {r.url} ({r.resource_type}, from {r.page_url}, during {r.phase})" for r in requests)


@pytest.mark.browser
def test_no_page_requests_another_origin_or_sets_a_cookie(request_log_factory, site_url, site_pages):
    context, log = request_log_factory(site_url)
    page = context.new_page()
    log.watch_page(page)
    broken = []
    page.on("response", lambda response: broken.append(f"{response.status} {response.url}") if response.status >= 400 else None)
    for path in site_pages:
        log.phase = path
        page.goto(site_url + path, wait_until="load")
        if path == EVALUATOR:
            wait_for_engine(page)
        page.wait_for_load_state("networkidle")

    assert not log.foreign(), "requests left the site's origin:\n" + _describe(log.foreign())
    foreign_failed = [f"{url} ({why})" for url, why in log.failed if not url.startswith(site_url)]
    assert not foreign_failed, "blocked or failed requests to other origins:\n" + "\n".join(foreign_failed)
    assert context.cookies() == [], f"cookies were set: {context.cookies()}"
    assert not broken, "pages requested files the site does not have:\n" + "\n".join(broken)
    # The recorder must see what the evaluator's worker fetches, or the check above proves nothing.
    worker_files = [r.url for r in log.requests if r.phase == EVALUATOR and r.url.split("?")[0].endswith(".wasm")]
    assert worker_files, "no .wasm request was recorded on the evaluator page: the recorder misses worker traffic"


def typed_in_evaluator(request_log_factory, site_url, **options):
    """The evaluator, loaded, then the sentinel typed into every text field and
    questions answered: (context, log, page, number of requests at load)."""
    context, log = request_log_factory(site_url, **options)
    page = context.new_page()
    log.watch_page(page)
    page.goto(site_url + EVALUATOR, wait_until="load")
    wait_for_engine(page)
    page.wait_for_load_state("networkidle")
    loaded = len(log.requests)

    log.phase = "after load"
    typed = fill_text_fields(page, SENTINEL)
    assert typed >= 4, f"expected the partnership name, partner, date and note fields at least; filled {typed}"
    answered = answer_questions(page)
    assert answered >= 5, f"expected to answer several questions; answered {answered}"
    wait_for_result(page)
    return context, log, page, loaded


@pytest.mark.browser
def test_what_a_reader_types_never_leaves_the_page(request_log_factory, site_url):
    context, log, page, loaded = typed_in_evaluator(request_log_factory, site_url)
    # Exercise the features that write answers somewhere: local storage, a
    # file, a share link (answers after '#', which browsers never send).
    with page.expect_download():
        page.click("#cr-save")
    page.click("#cr-share")
    page.check("#cr-share-notes")
    page.click("#cr-share-copy")
    page.wait_for_function("() => document.querySelector('#cr-share-url').value.includes('#')")
    page.wait_for_load_state("networkidle")

    assert_nothing_sent(context, log, log.requests[loaded:])


def assert_nothing_sent(context, log, after) -> None:
    """No request after the page loaded carried what the reader typed, sent data, or left the origin."""
    leaking = [r for r in after if SENTINEL in r.url or SENTINEL in (r.post_data or "")
               or any(SENTINEL in str(v) for v in r.headers.values())]
    assert not leaking, "requests carried what the reader typed:\n" + _describe(leaking)
    not_static = [r for r in after if r.method != "GET" or r.post_data]
    assert not not_static, "the page sent data after it loaded:\n" + _describe(not_static)
    assert not log.foreign(), "requests left the site's origin:\n" + _describe(log.foreign())
    assert context.cookies() == []


# --- static check: no built file points a resource at another host -------

EXTERNAL = re.compile(r"^\s*(?:[a-z][a-z0-9+.-]*:)?//", re.I)  # http://, https://, //host
# Attributes that make the browser fetch something when the page loads.
FETCHING_ATTRIBUTES = {"src", "srcset", "poster", "data", "action", "formaction", "background", "manifest", "ping", "xlink:href"}
# <link rel=...> values that are only metadata for crawlers, never fetched by the page.
METADATA_LINK_RELS = {"canonical", "alternate", "author", "license", "help", "next", "prev", "search", "sitemap"}
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")\s]+)|@import\s+(?:url\()?\s*['"]([^'"]+)""", re.I)
# JavaScript that loads or sends to an absolute URL written in the code.
JS_EXTERNAL = re.compile(
    r"""(?:\bimport\s*\(\s*|\bimport\s[^;'"`]*?\bfrom\s*|^\s*import\s*|\bimportScripts\s*\(\s*|new\s+(?:Shared)?Worker\s*\(\s*"""
    r"""|\bfetch\s*\(\s*|new\s+(?:EventSource|WebSocket)\s*\(\s*|\bsendBeacon\s*\(\s*|\.open\s*\(\s*['"][A-Z]+['"]\s*,\s*)"""
    r"""['"`]((?:https?:|wss?:)?//[^'"`\s]+)""",
    re.M,
)


class _Refs(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._in = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = {k.lower(): (v or "") for k, v in attrs}
        for name, value in attrs.items():
            if name in FETCHING_ATTRIBUTES or (name == "href" and tag in ("image", "use", "base", "feimage")):
                urls = [part.strip().split(" ")[0] for part in value.split(",")] if name == "srcset" else [value]
                self.found += [f"<{tag} {name}={url}>" for url in urls if EXTERNAL.match(url)]
            if name == "style":
                self.found += [f"<{tag} style> url({u})" for u in _css_urls(value) if EXTERNAL.match(u)]
        if tag == "link":
            rels = set(attrs.get("rel", "").lower().split())
            if not rels <= METADATA_LINK_RELS and EXTERNAL.match(attrs.get("href", "")):
                self.found.append(f"<link rel={attrs.get('rel')} href={attrs['href']}>")
        if tag == "meta" and attrs.get("http-equiv", "").lower() == "refresh" and re.search(r"url=\s*(https?:)?//", attrs.get("content", ""), re.I):
            self.found.append(f"<meta http-equiv=refresh content={attrs['content']}>")
        if tag in ("style", "script"):
            self._in = (tag, attrs.get("type", ""))
            self._text = []

    def handle_data(self, data):
        if self._in:
            self._text.append(data)

    def handle_endtag(self, tag):
        if self._in and tag == self._in[0]:
            text = "".join(self._text)
            if tag == "style":
                self.found += [f"<style> url({u})" for u in _css_urls(text) if EXTERNAL.match(u)]
            elif self._in[1] in ("", "module", "text/javascript", "application/javascript"):
                self.found += [f"<script> {m.group(1)}" for m in JS_EXTERNAL.finditer(text)]
            self._in = None


def _css_urls(text: str) -> list[str]:
    return [a or b for a, b in CSS_URL.findall(text)]


def external_references(site: Path) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}
    for path in sorted(site.rglob("*")):
        if not path.is_file():
            continue
        rel = path.relative_to(site).as_posix()
        suffix = path.suffix.lower()
        if suffix in (".html", ".htm"):
            parser = _Refs()
            parser.feed(path.read_text(encoding="utf-8", errors="replace"))
            found = parser.found
        elif suffix == ".css":
            text = re.sub(r"/\*.*?\*/", "", path.read_text(encoding="utf-8", errors="replace"), flags=re.S)
            found = [f"url({u})" for u in _css_urls(text) if EXTERNAL.match(u)]
        elif suffix in (".js", ".mjs"):
            found = [m.group(1) for m in JS_EXTERNAL.finditer(path.read_text(encoding="utf-8", errors="replace"))]
        elif suffix == ".svg":
            parser = _Refs()
            parser.feed(path.read_text(encoding="utf-8", errors="replace"))
            found = parser.found
        else:
            continue
        if found:
            problems[rel] = sorted(set(found))
    return problems


def test_no_built_file_loads_anything_from_another_host(built_site):
    problems = external_references(built_site)
    assert not problems, "built files point resources at other hosts:\n" + "\n".join(
        f"  {file}: {', '.join(refs)}" for file, refs in problems.items())


def test_the_static_check_catches_what_it_should(tmp_path):
    """The checker itself: each kind of external reference is caught; links and canonical are not."""
    (tmp_path / "a.html").write_text(
        '<link rel="canonical" href="https://example.org/a/"><a href="https://example.org/">x</a>'
        '<link rel="stylesheet" href="https://cdn.example/x.css"><img src="//cdn.example/i.png">'
        '<script src="https://cdn.example/a.js"></script><div style="background:url(https://x.example/b.png)"></div>'
        '<style>@import "https://fonts.example/f.css";</style><script>fetch("https://api.example/v1")</script>',
        encoding="utf-8")
    (tmp_path / "b.css").write_text('/* https://licence.example */ .x{background:url("https://x.example/c.png")}', encoding="utf-8")
    (tmp_path / "c.mjs").write_text('import x from "https://esm.example/m.js";\nimportScripts("https://w.example/w.js");\n'
                                    'const licence = "see https://example.org";', encoding="utf-8")
    found = external_references(tmp_path)
    assert len(found["a.html"]) == 6, found
    assert found["b.css"] == ["url(https://x.example/c.png)"]
    assert sorted(found["c.mjs"]) == ["https://esm.example/m.js", "https://w.example/w.js"]


@pytest.mark.browser
def test_the_register_keeps_what_a_reader_types_in_the_page(request_log_factory, site_url):
    """Saved in the register, listed, compared and exported: still no request carries it."""
    from support.register import REGISTER_PATH, save_in_register, wait_listed

    context, log, page, loaded = typed_in_evaluator(request_log_factory, site_url, accept_downloads=True)
    save_in_register(page)
    page.goto(site_url + REGISTER_PATH, wait_until="load")
    wait_listed(page)
    assert SENTINEL in page.inner_text("#cr-reg-body")
    with page.expect_download():
        page.click("#cr-reg-export")
    page.wait_for_load_state("networkidle")

    assert_nothing_sent(context, log, log.requests[loaded:])
