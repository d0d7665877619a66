"""Write gzip and Brotli copies of the built site's text files, for servers
that send precompressed files as they are (nginx `gzip_static on` and
`brotli_static on`, Apache and Caddy equivalents, many static hosts).

Use it from the plugin (one line in `on_post_build`):

    precompress.precompress_site(config.site_dir)

or as a MkDocs hook (`hooks: [site_plugins/crossroads/precompress.py]`),
which calls `on_post_build`.

Each `name.ext.gz` and `name.ext.br` sits next to `name.ext`, byte-for-byte
reproducible (no file name or time stamp inside), and is written only when it
saves space (a Brotli copy: at least BROTLI_MIN_GAIN bytes over the gzip one). Brotli at its highest quality takes about a minute for the
Python runtime's WebAssembly (3.5 MB gzipped, 2.7 MB with Brotli); pages get
a lower quality, still smaller than gzip -9. Every copy is kept in a small
cache in the system's temp folder, keyed by the file's content
(buildcache.py), so that a rebuild compresses only the files that changed.
Source maps are left alone: readers' browsers never load them.
"""

from __future__ import annotations

import gzip
import hashlib
import os
from pathlib import Path

from . import buildcache

# Types worth compressing: text, plus WebAssembly (9.6 MB becomes 3.5 MB).
SUFFIXES = (".html", ".css", ".js", ".mjs", ".json", ".svg", ".xml", ".txt", ".wasm")
MIN_SIZE = 1024  # below this, compression saves too little to matter (nginx: gzip_min_length)
LEVEL = 9
BROTLI_QUALITY = 11  # for assets/ and large files, which rarely change between builds
PAGE_BROTLI_QUALITY = 6  # for pages: milliseconds per page, and still smaller than gzip -9
CACHE_FROM = 256 * 1024  # files this big, and everything under assets/, get the highest quality
# A Brotli copy is written only when it is at least this much smaller than the
# gzip one: otherwise the server sends the gzip copy, nearly as small. Each
# file a build creates costs about a millisecond of the build; this leaves out
# most pages' and small scripts' copies (about 100 of 136), which saved less
# than 1 KB each.
BROTLI_MIN_GAIN = 1024


def _gzip(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=LEVEL, mtime=0)


def _brotli(data: bytes, quality: int = BROTLI_QUALITY) -> bytes:
    import brotli

    return brotli.compress(data, quality=quality)


def _brotli_page(data: bytes) -> bytes:
    return _brotli(data, PAGE_BROTLI_QUALITY)


# suffix -> compression for stable files (assets/, large files) and for pages
KINDS = {".gz": (_gzip, _gzip), ".br": (_brotli, _brotli_page)}


def _kinds() -> dict:
    try:
        import brotli  # noqa: F401
    except ImportError:  # without the brotli package: gzip only
        return {".gz": KINDS[".gz"]}
    return KINDS


def _compress_cached(data: bytes, kind: str = ".gz", stable: bool = True, digest: bytes | None = None) -> bytes:
    """`data` compressed, from the cache when done before; `digest` (the data's
    SHA-256) saves hashing a file again for each kind of copy."""
    compress = KINDS[kind][0 if stable else 1]
    name = f"{compress.__name__}-{LEVEL}-{BROTLI_QUALITY}-{PAGE_BROTLI_QUALITY}-sha256"
    return buildcache.cached(name, digest or hashlib.sha256(data).digest(), lambda _digest: compress(data))


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
        digest = hashlib.sha256(data).digest()
        smallest = len(data)
        for kind in kinds:  # .gz first
            packed = _compress_cached(data, kind, stable, digest)
            if len(packed) >= len(data):
                skipped += kind == ".gz"
                continue
            if kind == ".br" and len(packed) > smallest - BROTLI_MIN_GAIN:
                continue
            smallest = len(packed)
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
