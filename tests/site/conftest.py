"""Fixtures of the site tests: the mini method, and one strict build of the
tiny handbook made from it (the real site comes from tests/conftest.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from support.site import MINI, MINI_SITE, build, make_site, output_lines


@pytest.fixture(scope="session")
def mini_method():
    from engine.source import load_method_dir

    return load_method_dir(str(MINI), "scenarios")


@pytest.fixture(scope="session")
def mini_homes() -> dict[str, str]:
    """Which page of the tiny handbook holds each marker, as the plugin finds them."""
    from site_plugins.crossroads.pages import find_markers

    homes = {}
    docs = MINI_SITE / "docs"
    for path in sorted(docs.rglob("*.md")):
        src = path.relative_to(docs).as_posix()
        for _, name, arg in find_markers(path.read_text(encoding="utf-8")):
            if name:
                homes.setdefault(f"{name} {arg}" if arg else name, src)
    return homes


@pytest.fixture(scope="session")
def mini_pages(mini_method) -> dict[str, str]:
    """Every page of the tiny handbook (hand-written and generated) and its URL."""
    from site_plugins.crossroads.links import site_pages
    from site_plugins.crossroads.pages import generated_pages

    docs = MINI_SITE / "docs"
    srcs = [p.relative_to(docs).as_posix() for p in sorted(docs.rglob("*.md"))]
    srcs += [src for src, _, _ in generated_pages(mini_method)]
    return site_pages(srcs)


@pytest.fixture(scope="session")
def mini_site(tmp_path_factory) -> Path:
    """The tiny handbook built once with `mkdocs build --strict`; returns its site folder."""
    tmp = make_site(tmp_path_factory.mktemp("mini"))
    result = build(tmp)
    assert result.returncode == 0, "\n".join(output_lines(result))
    return tmp / "site"
