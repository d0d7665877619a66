"""Build work kept between builds: a small cache in the system's temp folder,
keyed by the bytes the work reads, for results that depend on nothing else
(a gzip copy, a compacted module). A rebuild then redoes only the work whose
input changed, and writes exactly what a build from scratch would.

    cached(kind, data, make) -> make(data), from the cache when the same
    kind of work was done on the same bytes before.

`kind` names the work and everything else its result depends on (the
compression level, the Python version, the code that does it). A cache that
cannot be read or written only makes the build slower.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from collections.abc import Callable

CACHE_DIR = Path(tempfile.gettempdir()) / "crossroads-build-cache"


def cached(kind: str, data: bytes, make: Callable[[bytes], bytes]) -> bytes:
    digest = hashlib.sha256(kind.encode("utf-8") + b"\0")
    digest.update(data)
    key = digest.hexdigest()
    path = CACHE_DIR / key[:2] / key
    try:
        return path.read_bytes()
    except OSError:
        pass
    result = make(data)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f"{key}.{os.getpid()}.tmp")
        partial.write_bytes(result)
        os.replace(partial, path)
    except OSError:
        pass
    return result
