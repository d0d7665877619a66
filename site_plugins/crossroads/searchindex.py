"""One search index per language edition.

Material's search loads `search/search_index.json` from the `base` of the
page's config (`<script id="__config">`), and the i18n plugin writes one index
for the whole site: a search on a German page listed English and Japanese
pages as well. After the build the index is split (`split`): each edition's
pages go to `<edition>/search/search_index.json`, their locations relative to
the edition's folder, and the root keeps the default edition's. Each page of
an edition names its edition's folder as Material's `base` (`edition_base`),
which Material uses for the index's address and the results' links only (the
theme's files and the search worker have addresses of their own).

The index of an edition is searched with English and its own language (the
method's names keep the brief's English beside the translation); the default
edition's with its language alone.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

INDEX = Path("search") / "search_index.json"
_BASE = re.compile(r'(<script id="__config" type="application/json">\{[^<]*?"base": ")([^"]*)(")')


def edition_base(html: str, folder: str) -> str:
    """The page with Material's `base` pointing at its edition's folder (`folder`, such as 'de/')."""
    if not folder:
        return html
    return _BASE.sub(lambda m: m.group(1) + m.group(2).rstrip("/") + "/" + folder + m.group(3), html, count=1)


def split(site_dir: str | Path, default: str, folders: dict[str, str]) -> dict[str, int]:
    """Split the site's index by edition: `folders` maps each other language to its folder
    ('de' -> 'de/'). Returns the number of entries per language; nothing to do without editions."""
    root = Path(site_dir)
    path = root / INDEX
    if not folders or not path.is_file():
        return {}
    index = json.loads(path.read_text(encoding="utf-8"))
    docs: dict[str, list] = {default: [], **{lang: [] for lang in folders}}
    for doc in index["docs"]:
        lang = next((lang for lang, folder in folders.items() if doc["location"].startswith(folder)), default)
        if lang != default:
            doc = dict(doc, location=doc["location"][len(folders[lang]):])
        docs[lang].append(doc)
    languages = list(index["config"].get("lang") or [default])
    for lang, entries in docs.items():
        target = root / (folders.get(lang, "")) / INDEX
        target.parent.mkdir(parents=True, exist_ok=True)
        wanted = [default] if lang == default else [code for code in languages if code in ("en", lang)] or [lang]
        config = dict(index["config"], lang=wanted)
        target.write_text(json.dumps({"config": config, "docs": entries}, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    return {lang: len(entries) for lang, entries in docs.items()}
