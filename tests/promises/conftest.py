"""Fixtures for the promise checks: the built site's pages, nginx serving it,
and a recorder for every request a browser context makes."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from support.promises import EVALUATOR, Nginx, built_pages

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="session")
def site_pages(built_site) -> list[str]:
    """URL paths of every built page (each index.html), e.g. '/', '/risks/'."""
    pages = built_pages(built_site)
    assert "/" in pages and EVALUATOR in pages, f"the build lacks the home or evaluator page: {pages}"
    return pages


@pytest.fixture(scope="session")
def nginx(built_site, tmp_path_factory):
    """The built site behind Debian nginx with deploy/nginx.conf; stopped at the end."""
    server = Nginx(built_site, tmp_path_factory.mktemp("nginx"))
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def axe_path() -> Path:
    assert AXE.exists(), f"{AXE} is missing: run 'bash scripts/setup.sh' (npm ci installs axe-core)."
    return AXE


@dataclass
class Recorded:
    method: str
    url: str
    resource_type: str
    headers: dict
    post_data: str | None
    page_url: str
    phase: str


@dataclass
class RequestLog:
    """Every request of a browser context, from pages and from their workers."""

    origin: str
    requests: list[Recorded] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    phase: str = "load"

    def attach(self, context) -> None:
        context.on("request", self._on_request)
        context.on("requestfailed", lambda request: self.failed.append((request.url, request.failure or "")))

    def watch_page(self, page) -> None:
        page.on("requestfailed", lambda request: self.failed.append((request.url, request.failure or "")))

    def _on_request(self, request) -> None:
        try:
            post = request.post_data
        except Exception:  # binary bodies cannot be decoded as text
            post = repr(request.post_data_buffer)
        try:
            page_url = request.frame.page.url
        except Exception:  # requests from workers have no frame
            page_url = "(worker)"
        self.requests.append(Recorded(request.method, request.url, request.resource_type,
                                      dict(request.headers), post, page_url, self.phase))

    def foreign(self) -> list[Recorded]:
        """Requests that left the site's own origin (data: and blob: URLs stay in the page)."""
        out = []
        for item in self.requests:
            scheme = urlsplit(item.url).scheme
            if scheme in ("data", "blob", "about"):
                continue
            if not item.url.startswith(self.origin + "/") and item.url != self.origin:
                out.append(item)
        return out


@pytest.fixture()
def request_log_factory(browser):
    """Make a fresh browser context with a RequestLog attached; closed after the test."""
    contexts = []

    def make(origin: str, **options):
        context = browser.new_context(viewport={"width": 1280, "height": 900}, **options)
        log = RequestLog(origin)
        log.attach(context)
        contexts.append(context)
        return context, log

    yield make
    for context in contexts:
        context.close()
