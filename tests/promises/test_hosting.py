"""Promise: a host can serve the built site with Debian nginx and the example
configuration in deploy/nginx.conf, and everything works: WebAssembly type,
compression, security headers, the 404 page and the evaluator itself."""

from __future__ import annotations

import base64
import gzip
import hashlib
import re
from collections import defaultdict
from html.parser import HTMLParser
from pathlib import Path

import pytest

from support.promises import EVALUATOR
from support.steps import answer_questions, settle, wait_for_result
from support.promises import DEPLOY_CONF, fetch, wait_for_engine

TEXT_TYPES = {".html": "text/html", ".css": "text/css", ".js": "javascript", ".mjs": "javascript", ".json": "application/json"}
SECURITY_HEADERS = ("content-security-policy", "referrer-policy", "x-content-type-options")
GZIP_MIN_LENGTH = 1024  # deploy/nginx.conf: gzip_min_length

# Collects CSP violations and uncaught errors from the first script on.
WATCH_ERRORS = """
window.__problems = [];
document.addEventListener('securitypolicyviolation', e =>
  window.__problems.push(`CSP blocked ${e.blockedURI || 'inline code'} (${e.violatedDirective}) in ${e.sourceFile || document.URL}:${e.lineNumber}`));
"""


def _url_path(site: Path, file: Path) -> str:
    return "/" + file.relative_to(site).as_posix()


def _samples(site: Path, suffix: str, limit: int = 4) -> list[Path]:
    """Files of one type that nginx should compress: the largest few, above gzip_min_length."""
    files = [f for f in site.rglob(f"*{suffix}") if f.is_file() and f.stat().st_size >= GZIP_MIN_LENGTH]
    return sorted(files, key=lambda f: f.stat().st_size, reverse=True)[:limit]


def test_wasm_is_served_as_application_wasm(nginx, built_site):
    wasm = sorted(built_site.rglob("*.wasm"))
    assert wasm, "the build holds no .wasm file: is the evaluator's runtime missing?"
    for file in wasm:
        status, headers, body = fetch(nginx.url + _url_path(built_site, file))
        assert status == 200, f"{file.name}: HTTP {status}"
        assert headers["content-type"].split(";")[0].strip() == "application/wasm", f"{file.name}: {headers['content-type']}"
        assert len(body) == file.stat().st_size


@pytest.mark.parametrize("suffix", sorted(TEXT_TYPES))
def test_text_assets_come_back_compressed(nginx, built_site, suffix):
    samples = _samples(built_site, suffix)
    assert samples, f"the build holds no {suffix} file of at least {GZIP_MIN_LENGTH} bytes"
    for file in samples:
        url = nginx.url + _url_path(built_site, file).replace("/index.html", "/")
        status, headers, body = fetch(url, {"Accept-Encoding": "gzip"})
        assert status == 200, f"{url}: HTTP {status}"
        assert TEXT_TYPES[suffix] in headers.get("content-type", ""), f"{url}: type {headers.get('content-type')}"
        assert headers.get("content-encoding") == "gzip", f"{url} was sent uncompressed ({len(body)} bytes)"
        assert gzip.decompress(body) == file.read_bytes(), f"{url}: the decompressed body differs from the file"
        assert "accept-encoding" in headers.get("vary", "").lower(), f"{url}: no 'Vary: Accept-Encoding', so a shared cache could send gzip to a client that cannot read it"
        status, headers, body = fetch(url)
        assert "content-encoding" not in headers and body == file.read_bytes(), f"{url}: compressed for a client that did not ask"


def test_precompressed_copies_are_written_and_used(nginx, built_site, repo_root):
    """docs/hosting.md tells hosts the build writes .gz copies; nginx's gzip_static must then send them as they are."""
    promised = "precompressed `.gz` copies" in (repo_root / "docs" / "hosting.md").read_text(encoding="utf-8")
    # MkDocs itself always writes sitemap.xml.gz; it says nothing about the rest.
    copies = sorted(c for c in built_site.rglob("*.gz") if c.name != "sitemap.xml.gz")
    if not copies:
        if promised:
            pytest.fail("docs/hosting.md says the build writes precompressed .gz copies, but the build wrote none")
        pytest.skip("the build writes no .gz copies; nginx compresses on the fly")
    pages = [p for p in built_site.rglob("index.html") if p.stat().st_size >= GZIP_MIN_LENGTH]
    without = [p.relative_to(built_site).as_posix() for p in pages if not p.with_name("index.html.gz").exists()]
    assert not without, f"pages without a .gz copy: {without}"
    for copy in copies[:3] + copies[-3:] + sorted(built_site.rglob("*.wasm.gz")):
        original = copy.with_suffix("")
        assert original.exists(), f"{copy} has no original next to it"
        assert gzip.decompress(copy.read_bytes()) == original.read_bytes(), f"{copy} is stale: it does not match {original.name}"
        status, headers, body = fetch(nginx.url + _url_path(built_site, original), {"Accept-Encoding": "gzip"})
        assert status == 200 and headers.get("content-encoding") == "gzip"
        assert body == copy.read_bytes(), f"nginx compressed {original.name} itself instead of sending {copy.name}"


def test_brotli_copies_are_written_and_sent_to_browsers_that_accept_them(nginx, built_site):
    """The build writes .br copies beside the .gz ones; with the Brotli module, nginx sends them as they are."""
    import brotli

    assert nginx.brotli, "nginx's Brotli module is missing: run bash scripts/setup.sh (libnginx-mod-http-brotli-static)"
    runtime = sorted(built_site.rglob("*.wasm")) + sorted(built_site.rglob("pyodide.asm.mjs")) + [built_site / "evaluator" / "index.html"]
    for original in runtime:
        copy = original.with_name(original.name + ".br")
        assert copy.exists(), f"no Brotli copy of {original.name}"
        assert brotli.decompress(copy.read_bytes()) == original.read_bytes(), f"{copy} is stale"
        assert copy.stat().st_size < original.with_name(original.name + ".gz").stat().st_size, f"{copy.name} is no smaller than gzip"
        url = nginx.url + _url_path(built_site, original)
        status, headers, body = fetch(url, {"Accept-Encoding": "gzip, br"})
        assert status == 200 and headers.get("content-encoding") == "br", f"{url}: {headers.get('content-encoding')}"
        assert body == copy.read_bytes()
        status, headers, body = fetch(url, {"Accept-Encoding": "gzip"})
        assert headers.get("content-encoding") == "gzip", f"{url}: Brotli sent to a client that did not ask for it"


def test_the_runtime_is_kept_by_browsers_and_pages_are_not(nginx, built_site):
    """Versioned runtime paths are immutable for a year; pages carry no caching header; security headers stay."""
    wasm = sorted(built_site.rglob("*.wasm"))[0]
    worker = "/assets/evaluator/worker.js?v=abc"
    for path in (_url_path(built_site, wasm), _url_path(built_site, wasm.with_name("python_stdlib.zip")) + "?v=1", worker):
        status, headers, _ = fetch(nginx.url + path)
        assert status == 200, f"{path}: HTTP {status}"
        assert headers.get("cache-control") == "public, max-age=31536000, immutable", f"{path}: {headers.get('cache-control')}"
        assert "content-security-policy" in headers, f"{path} lost the security headers"
    status, headers, _ = fetch(nginx.url + "/assets/evaluator/worker.js")
    assert headers.get("cache-control") == "public, max-age=604800", "an evaluator file without its hash must not be kept for a year"
    status, headers, _ = fetch(nginx.url + EVALUATOR)
    assert status == 200 and "cache-control" not in headers, "a page must be checked again on each visit"


@pytest.mark.parametrize("path", ["/", EVALUATOR, "/404.html", "/no/such/page/", "wasm", "mjs", "asset"])
def test_security_headers_on_every_kind_of_response(nginx, built_site, path):
    if path in ("wasm", "mjs", "asset"):
        pattern = {"wasm": "*.wasm", "mjs": "*.mjs", "asset": "assets/**/*.css"}[path]
        path = _url_path(built_site, sorted(built_site.glob(pattern) if path == "asset" else built_site.rglob(pattern))[0])
    status, headers, _ = fetch(nginx.url + path)
    missing = [h for h in SECURITY_HEADERS if h not in headers]
    assert not missing, f"{path} (HTTP {status}) lacks {missing}"
    csp = headers["content-security-policy"]
    assert "default-src 'self'" in csp and "object-src 'none'" in csp
    assert headers["x-content-type-options"] == "nosniff"


def test_missing_pages_get_the_site_404_page(nginx, built_site):
    status, headers, body = fetch(nginx.url + "/no/such/page/")
    assert status == 404
    assert body == (built_site / "404.html").read_bytes()
    assert headers["content-type"].startswith("text/html")


@pytest.mark.browser
def test_the_404_page_renders_with_its_styles_from_any_depth(browser, nginx):
    context = browser.new_context()
    try:
        page = context.new_page()
        bad = []
        page.on("response", lambda r: bad.append(f"{r.status} {r.url}") if r.status >= 400 and "/no/such/" not in r.url else None)
        response = page.goto(nginx.url + "/no/such/page/", wait_until="load")
        assert response.status == 404
        assert not bad, f"the 404 page's own files failed to load: {bad}"
        stylesheets = page.evaluate("() => [...document.styleSheets].filter(s => s.href).length")
        assert stylesheets > 0, "the 404 page loaded without its style sheets"
        # The message in every edition's language, each leading to its edition's home page.
        text = page.inner_text("article")
        for title in ("Page not found", "Seite nicht gefunden", "ページが見つかりません"):
            assert title in text
        with page.expect_navigation():
            page.click('a[href="/de/"]')
        assert page.evaluate("() => document.documentElement.lang") == "de" and page.url.endswith("/de/")
    finally:
        context.close()


def _script_sources() -> set[str]:
    """The script-src sources of deploy/nginx.conf's Content-Security-Policy."""
    header = re.search(r'add_header\s+Content-Security-Policy\s+"([^"]+)"', DEPLOY_CONF.read_text(encoding="utf-8"))
    assert header, "deploy/nginx.conf sets no Content-Security-Policy"
    directives = {part.split()[0]: part.split()[1:] for part in header.group(1).split(";") if part.strip()}
    return set(directives.get("script-src", directives.get("default-src", [])))


class _InlineCode(HTMLParser):
    EXECUTED = ("", "text/javascript", "module", "application/javascript")

    def __init__(self):
        super().__init__(convert_charrefs=False)
        self.scripts: list[str] = []
        self.handlers: list[str] = []
        self._open = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.handlers += [f"<{tag} {name}=...>" for name in attrs if name.startswith("on")]
        if tag == "script" and "src" not in attrs and (attrs.get("type") or "").lower() in self.EXECUTED:
            self._open = []

    def handle_data(self, data):
        if self._open is not None:
            self._open.append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._open is not None:
            self.scripts.append("".join(self._open))
            self._open = None


def test_every_inline_script_is_allowed_by_the_security_policy(built_site):
    """Each inline script of every page has its hash in deploy/nginx.conf's script-src (or the browser refuses to run it)."""
    sources = _script_sources()
    if "'unsafe-inline'" in sources and not any(s.startswith(("'sha256-", "'nonce-")) for s in sources):
        return
    refused: dict[str, list[str]] = defaultdict(list)
    handlers = []
    for page in sorted(built_site.rglob("*.html")):
        parser = _InlineCode()
        parser.feed(page.read_text(encoding="utf-8"))
        rel = page.relative_to(built_site).as_posix()
        handlers += [f"{rel}: {h}" for h in parser.handlers]
        for code in parser.scripts:
            digest = base64.b64encode(hashlib.sha256(code.encode("utf-8")).digest()).decode()
            if f"'sha256-{digest}'" not in sources:
                refused[f"'sha256-{digest}' ({code.strip()[:70]}...)"].append(rel)
    assert not refused, "inline scripts the security policy refuses (add the hash to script-src, or move the script to a file):\n  " + "\n  ".join(
        f"{key} on {len(pages)} page(s), e.g. {pages[0]}" for key, pages in refused.items())
    assert not handlers, f"inline event handlers never run under the policy: {handlers[:10]}"


@pytest.mark.browser
def test_every_page_runs_under_the_security_policy(browser, nginx, site_pages):
    """No page breaks under deploy/nginx.conf's Content-Security-Policy (inline scripts, workers, WebAssembly)."""
    context = browser.new_context()
    context.add_init_script(WATCH_ERRORS)
    try:
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))
        problems = []
        for path in site_pages:
            page.goto(nginx.url + path, wait_until="load")
            if path == EVALUATOR:
                wait_for_engine(page)
            settle(page)
            problems += page.evaluate("() => window.__problems")
        assert not problems, "the security policy blocks parts of the site:\n  " + "\n  ".join(dict.fromkeys(problems))
        assert not errors, "scripts failed:\n  " + "\n  ".join(errors)
    finally:
        context.close()


@pytest.mark.browser
def test_the_evaluator_works_end_to_end_behind_nginx(browser, nginx):
    context = browser.new_context()
    context.add_init_script(WATCH_ERRORS)
    try:
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        wasm = []
        page.on("response", lambda r: wasm.append(r.headers.get("content-type")) if r.url.split("?")[0].endswith(".wasm") else None)
        page.goto(nginx.url + EVALUATOR, wait_until="load")
        wait_for_engine(page)
        assert wasm == ["application/wasm"], f"the runtime's .wasm came with types {wasm}"
        page.click("label[for='q-political_system-3']")
        first = wait_for_result(page)
        answer_questions(page)
        page.wait_for_function("before => document.querySelector('#cr-summary').textContent !== before", arg=first)
        assert page.inner_text("#cr-summary") != first
        assert page.evaluate("() => window.__problems") == []
        assert not errors, f"scripts failed: {errors}"
    finally:
        context.close()
