"""The site's interface strings in each language: the `site` area of the
method folder's catalogs, `i18n/strings/site.<language>.yaml` (a flat map
`dotted.key: "text"`; English is the source). engine.i18n checks every
catalog at build time (editions.check); this module only reads them.

    translator(folder, language) -> t(key, **values)
        The `t` of the templates: the text of `key` in `language`, its
        `{placeholders}` filled from `values`; `t.n(key, count)` picks
        `<key>.one` or `<key>.other`.

    for_method(method) -> t
        The translator of the method's language (`Method.language`).
"""

from __future__ import annotations

import functools
import os

import yaml

SUBFOLDER = os.path.join("i18n", "strings")
SOURCE = "en"


def _path(folder: str, area: str, language: str) -> str:
    return os.path.join(folder, SUBFOLDER, f"{area}.{language}.yaml")


def _stamp(path: str) -> tuple:
    try:
        stat = os.stat(path)
    except OSError:
        return (path, None, None)
    return (path, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=64)
def _read(stamp: tuple) -> dict[str, str]:
    if stamp[1] is None:
        return {}
    with open(stamp[0], encoding="utf-8") as stream:
        data = yaml.safe_load(stream)
    return {str(key): str(value) for key, value in (data or {}).items()} if isinstance(data, dict) else {}


def catalog(folder: str, area: str, language: str) -> dict[str, str]:
    """The texts of one area in one language (read again when the file changes)."""
    return _read(_stamp(_path(folder, area, language)))


class Translator:
    """`t(key, **values)`: the site's text of `key` in one language (from the
    method folder's catalogs, or the shipped ones when it has none)."""

    def __init__(self, folder: str, language: str):
        self.language = language
        if not os.path.isfile(_path(folder, "site", SOURCE)):
            folder = SHIPPED
        self.texts = {**catalog(folder, "site", SOURCE), **catalog(folder, "site", language)}

    def __call__(self, key: str, **values) -> str:
        try:
            text = self.texts[key]
        except KeyError:
            raise KeyError(f"the site's strings catalog has no key '{key}' (i18n/strings/site.en.yaml).") from None
        return text.format(**values) if values else text

    def n(self, key: str, count: int, **values) -> str:
        """A counted text: `<key>.one` for 1, `<key>.other` otherwise, with `{count}` filled."""
        return self(f"{key}.one" if count == 1 else f"{key}.other", count=count, **values)


@functools.lru_cache(maxsize=16)
def _translator(folder: str, language: str, stamps: tuple) -> Translator:
    return Translator(folder, language)


def translator(folder: str, language: str) -> Translator:
    stamps = (_stamp(_path(folder, "site", SOURCE)), _stamp(_path(folder, "site", language)))
    return _translator(os.path.abspath(folder), language, stamps)


# The method folder whose catalogs the templates read: set by the plugin (and
# the standalone handbook) before rendering; `scenarios/` beside the code otherwise.
SHIPPED = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, os.pardir, "scenarios"))
FOLDER = SHIPPED


def use_folder(folder: str) -> None:
    global FOLDER
    FOLDER = folder


def for_method(method) -> Translator:
    """The translator of the method's language (`Method.language`, English by default)."""
    return translator(FOLDER, getattr(method, "language", SOURCE))
