"""The one Jinja2 setup of the site: every template under templates/ is
rendered by one of two environments of this module, which differ only in how
a bare `{{ value }}` is written out.

    environment(markdown: bool) -> jinja2.Environment
        markdown=True: for templates that write Markdown (`*.md`): every
        `{{ value }}` that is not already markup is escaped for Markdown.
        markdown=False: for templates that write HTML (`*.html`, the
        evaluator's page too): plain HTML autoescaping.
        Both share the loader (templates/), the filters, the globals, the
        strict undefined and the whitespace rules; each is built once.

    render(template, **context) -> str
        Render a template by name, in the environment its suffix calls for.

    html_block(template, **context) -> Markup
    wrap_html(html) -> Markup
        An HTML template's output (or finished HTML) wrapped in
        `<!-- crossroads-html -->` ... `<!-- /crossroads-html -->`: the
        Markdown extension keeps such a block out of Markdown's hands.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path

from jinja2 import Environment, FileSystemBytecodeCache, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

TEMPLATES = Path(__file__).resolve().parent / "templates"

HTML_OPEN = "<!-- crossroads-html -->"
HTML_CLOSE = "<!-- /crossroads-html -->"

_MD_SPECIAL = re.compile(r"([\\`*_\[\]{}|])")


def md_text(value) -> str:
    """Text from the method, made safe to drop into Markdown (and the HTML it becomes)."""
    text = str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", text)


def _finalize_md(value):
    """Every `{{ value }}` in a Markdown template: escaped for Markdown unless already markup."""
    if value is None:
        return Markup("")
    if isinstance(value, Markup):
        return value
    return Markup(md_text(value))


def _yaml_string(value) -> Markup:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return Markup(json.dumps(str(value), ensure_ascii=False))


def _attr(value) -> Markup:
    """Text for an HTML attribute value, in either kind of template."""
    return Markup(escape(value))


def _capitalize_first(value) -> Markup:
    """Upper-case the first letter of a clause that may start with markup."""
    text = str(value)
    return Markup(text[:1].upper() + text[1:] if text[:1].isalpha() else text)


def _count(number: int, word: str) -> str:
    """`1 point`, `2 points`."""
    return f"{number} {word}" if number == 1 else f"{number} {word}s"


@functools.cache
def environment(markdown: bool) -> Environment:
    """The environment for Markdown templates (`markdown=True`) or HTML templates."""
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        # Compiled templates are kept in a private per-user temp folder, keyed
        # by each template's source, so later builds skip compiling them.
        bytecode_cache=FileSystemBytecodeCache(),
        autoescape=True,
        finalize=_finalize_md if markdown else None,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["yaml"] = _yaml_string
    env.filters["attr"] = _attr
    env.filters["raw"] = Markup
    env.filters["capitalize_first"] = _capitalize_first
    env.filters["pl"] = _count
    env.globals["HTML_OPEN"] = Markup(HTML_OPEN)
    env.globals["HTML_CLOSE"] = Markup(HTML_CLOSE)
    return env


def render(template: str, **context) -> str:
    """Render `template` (a name under templates/) in the environment its suffix calls for."""
    return environment(template.endswith(".md")).get_template(template).render(**context)


def wrap_html(html: str) -> Markup:
    """Finished HTML as a block Markdown leaves alone."""
    return Markup(f"{HTML_OPEN}\n{html}\n{HTML_CLOSE}\n")


def html_block(template: str, **context) -> Markup:
    """Render an HTML template as a block Markdown leaves alone."""
    return wrap_html(render(template, **context).strip("\n"))
