"""Write gzip and Brotli copies of the built site's text files, for servers
that send precompressed files as they are (nginx `gzip_static on` and
`brotli_static on`, Apache and Caddy equivalents, many static hosts).

Use it from the plugin (one line in `on_post_build`):

    precompress.precompress_site(config.site_dir)

or as a MkDocs hook (`hooks: [site_plugins/crossroads/precompress.py]`),
which calls `on_post_build`.

Each `name.ext.gz` and `name.ext.br` sits next to `name.ext`, byte-for-byte
reproducible (no file name or time stamp inside), and is written only when it
saves space. Brotli at its highest quality takes about a minute for the
Python runtime's WebAssembly (3.5 MB gzipped, 2.7 MB with Brotli): the
content cache below makes that once per machine.
Files that rarely change between builds (everything under assets/: the
theme, the Python runtime, the evaluator) are kept in a small cache in the
system's temp folder, keyed by their content, so that a rebuild compresses
only the pages. Source maps are left alone: readers' browsers never load them.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import tempfile
from pathlib import Path

# Types worth compressing: text, plus WebAssembly (9.6 MB becomes 3.5 MB).
SUFFIXES = (".html", ".css", ".js", ".mjs", ".json", ".svg", ".xml", ".txt", ".wasm")
MIN_SIZE = 1024  # below this, compression saves too little to matter (nginx: gzip_min_length)
LEVEL = 9
BROTLI_QUALITY = 11  # for the cached files (assets/); pages are compressed anew on each build:
PAGE_BROTLI_QUALITY = 6  # milliseconds per page, and still smaller than gzip -9
CACHE_FROM = 256 * 1024  # files this big, and everything under assets/, go through the content cache
CACHE_DIR = Path(tempfile.gettempdir()) / "crossroads-precompress"


def _gzip(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=LEVEL, mtime=0)


def _brotli(data: bytes, quality: int = BROTLI_QUALITY) -> bytes:
    import brotli

    return brotli.compress(data, quality=quality)


def _brotli_page(data: bytes) -> bytes:
    return _brotli(data, PAGE_BROTLI_QUALITY)


# suffix -> (compress, cache tag)
KINDS = {".gz": (_gzip, f"{LEVEL}.gz"), ".br": (_brotli, f"{BROTLI_QUALITY}.br")}
UNCACHED = {".gz": _gzip, ".br": _brotli_page}


def _kinds() -> dict:
    try:
        import brotli  # noqa: F401
    except ImportError:  # without the brotli package: gzip only
        return {".gz": KINDS[".gz"]}
    return KINDS


def _compress_cached(data: bytes, kind: str = ".gz") -> bytes:
    compress, tag = KINDS[kind]
    key = hashlib.sha256(data).hexdigest()
    cached = CACHE_DIR / f"{key}-{tag}"
    try:
        return cached.read_bytes()
    except OSError:
        pass
    packed = compress(data)
    try:
        CACHE_DIR.mkdir(parents=True, exist_ok=True)
        partial = cached.with_suffix(f".{os.getpid()}.tmp")
        partial.write_bytes(packed)
        os.replace(partial, cached)
    except OSError:  # a cache we cannot write is only slower
        pass
    return packed


def precompress_site(site_dir: str | os.PathLike) -> dict:
    """Write `.gz` and `.br` copies next to the text files of a built site; return counts (gzip's)."""
    written = skipped = saved = 0
    root = Path(site_dir)
    kinds = _kinds()
    for path in sorted(root.rglob("*")):
        if path.suffix.lower() not in SUFFIXES or not path.is_file():
            continue
        data = path.read_bytes()
        if len(data) < MIN_SIZE:
            skipped += 1
            continue
        stable = len(data) >= CACHE_FROM or path.relative_to(root).parts[0] == "assets"
        for kind in kinds:
            packed = _compress_cached(data, kind) if stable else UNCACHED[kind](data)
            if len(packed) >= len(data):
                skipped += kind == ".gz"
                continue
            target = path.with_name(path.name + kind)
            target.write_bytes(packed)
            stat = path.stat()
            os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # same Last-Modified as the original
            if kind == ".gz":
                written += 1
                saved += len(data) - len(packed)
    return {"written": written, "skipped": skipped, "bytes_saved": saved}


def on_post_build(config, **kwargs) -> None:
    """MkDocs hook entry point."""
    precompress_site(config["site_dir"])
