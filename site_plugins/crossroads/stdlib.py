"""The trimmed standard library the evaluator's Python runtime loads.

Pyodide's `python_stdlib.zip` holds the whole standard library (2.5 MB
compressed); the evaluator needs a small part of it. The files it needs are
listed in `stdlib_modules.json`, traced by `scripts/stdlib_trace.py` while the
engine runs its reference vectors inside Pyodide (the worker's start, every
kind of request, an error crossing into JavaScript, the memory snapshot).
The build packs only those files, in the same order and layout, into the
`python_stdlib.zip` it serves, each without its comments and docstrings
(`evaluator.compact_source`: the same syntax tree, or the file unchanged),
and the worker names it with its content hash.

    trimmed_stdlib(folder) -> bytes     the archive, byte for byte the same on every build
    listed() -> dict                    the committed list

Traced with another Pyodide version than the one in node_modules, the list
does not apply: the whole standard library ships, with a warning (which stops
a strict build).
"""

from __future__ import annotations

import functools
import io
import json
import logging
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
LIST = HERE / "stdlib_modules.json"
REPO = HERE.parent.parent
log = logging.getLogger("mkdocs.plugins.crossroads")
# A fixed time stamp keeps the archive reproducible.
DATE_TIME = (2020, 1, 1, 0, 0, 0)


def _compact_now(source: bytes) -> bytes:
    from .evaluator import compact_source

    try:
        return compact_source(source)
    except (SyntaxError, ValueError):  # syntax newer than the build's Python: the file as it is
        return source


def _compact(source: bytes) -> bytes:
    """A standard library file without docstrings and comments, kept between builds by content
    (compacting the 131 files anew took about 6 s of every build)."""
    from . import buildcache
    from .evaluator import _COMPACT

    return buildcache.cached(f"stdlib-{_COMPACT}", source, _compact_now)


class StdlibError(Exception):
    """The list does not fit the Pyodide in node_modules."""


def pyodide_version(folder: Path | None = None) -> str:
    folder = folder or REPO / "node_modules" / "pyodide"
    return json.loads((folder / "package.json").read_text(encoding="utf-8"))["version"]


def listed() -> dict:
    return json.loads(LIST.read_text(encoding="utf-8"))


def trimmed_stdlib(folder: Path) -> bytes:
    """The standard library files of `stdlib_modules.json`, from `folder`/python_stdlib.zip."""
    source = folder / "python_stdlib.zip"
    stat = source.stat()
    return _trimmed(str(source), stat.st_mtime_ns, stat.st_size, LIST.stat().st_mtime_ns, pyodide_version(folder))


@functools.lru_cache(maxsize=2)
def _trimmed(source: str, _mtime: int, _size: int, _list_mtime: int, version: str) -> bytes:
    data = listed()
    rerun = "run 'python scripts/stdlib_trace.py' to trace it again"
    if data["pyodide"] != version:
        # Another Pyodide: the whole standard library still works (a warning stops a strict build).
        log.warning(f"{LIST.name} was traced with Pyodide {data['pyodide']} but node_modules holds {version}: "
                    f"the site ships the whole standard library; {rerun}.")
        return Path(source).read_bytes()
    from . import buildcache
    from .evaluator import _COMPACT

    # The whole archive is kept between builds, keyed by the full archive and the list.
    key = LIST.read_bytes() + b"\0" + Path(source).read_bytes()
    return buildcache.cached(f"stdlib-archive-{_COMPACT}", key, lambda _key: _pack(source, set(data["files"]), rerun))


def _pack(source: str, wanted: set, rerun: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(source) as full, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as trimmed:
        names = [info.filename for info in full.infolist() if info.filename in wanted]
        missing = sorted(wanted - set(names))
        if missing:
            raise StdlibError(f"{LIST.name} lists files that {source} does not hold: {', '.join(missing[:5])}; {rerun}.")
        for name in names:
            info = zipfile.ZipInfo(name, DATE_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            trimmed.writestr(info, _compact(full.read(name)))
    return out.getvalue()
