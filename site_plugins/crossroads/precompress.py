"""Write gzip copies of the built site's text files, for servers that send
precompressed files as they are (nginx `gzip_static on`, Apache and Caddy
equivalents, many static hosts).

Use it from the plugin (one line in `on_post_build`):

    precompress.precompress_site(config.site_dir)

or as a MkDocs hook (`hooks: [site_plugins/crossroads/precompress.py]`),
which calls `on_post_build`.

Each `name.ext.gz` sits next to `name.ext`, byte-for-byte reproducible (no
file name or time stamp inside), and is written only when it saves space.
Every copy is kept in a small cache in the system's temp folder, keyed by
the file's content (buildcache.py), so that a rebuild compresses only the
files that changed. Source maps are left alone: readers' browsers never load them.
"""

from __future__ import annotations

import gzip
import os
from pathlib import Path

from . import buildcache

# Types worth compressing: text, plus WebAssembly (9.6 MB becomes 3.5 MB).
SUFFIXES = (".html", ".css", ".js", ".mjs", ".json", ".svg", ".xml", ".txt", ".wasm")
MIN_SIZE = 1024  # below this, compression saves too little to matter (nginx: gzip_min_length)
LEVEL = 9


def _compress(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=LEVEL, mtime=0)


def _compress_cached(data: bytes) -> bytes:
    return buildcache.cached(f"gzip-{LEVEL}", data, _compress)


def precompress_site(site_dir: str | os.PathLike) -> dict:
    """Write `.gz` copies next to the text files of a built site; return counts."""
    written = skipped = saved = 0
    root = Path(site_dir)
    for path in sorted(root.rglob("*")):
        if path.suffix.lower() not in SUFFIXES or not path.is_file():
            continue
        data = path.read_bytes()
        if len(data) < MIN_SIZE:
            skipped += 1
            continue
        packed = _compress_cached(data)
        if len(packed) >= len(data):
            skipped += 1
            continue
        target = path.with_name(path.name + ".gz")
        target.write_bytes(packed)
        stat = path.stat()
        os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # same Last-Modified as the original
        written += 1
        saved += len(data) - len(packed)
    return {"written": written, "skipped": skipped, "bytes_saved": saved}


def on_post_build(config, **kwargs) -> None:
    """MkDocs hook entry point."""
    precompress_site(config["site_dir"])
