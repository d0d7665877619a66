"""`mkdocs serve` rebuilds when a file of the method changes."""

from __future__ import annotations

import os
import queue
import socket
import subprocess
import threading
import time
import urllib.request

import pytest

from support.site import PYTHON, ROOT, make_site

pytestmark = pytest.mark.slow


class ServerLog:
    """The lines `mkdocs serve` logs, read as they come; `wait_for` blocks until one says what is awaited."""

    def __init__(self, stream):
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, args=(stream,), daemon=True).start()

    def _read(self, stream):
        for line in stream:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)  # the server stopped

    def wait_for(self, text: str, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                line = self.lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(f"mkdocs serve never said {text!r}; it said:\n" + "\n".join(self.seen)) from None
            if line is None:
                raise AssertionError(f"mkdocs serve stopped before saying {text!r}:\n" + "\n".join(self.seen))
            self.seen.append(line)
            if text in line:
                return


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode("utf-8")


def test_editing_the_method_rebuilds_the_site(tmp_path):
    make_site(tmp_path)
    port = _free_port()
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONPATH=str(ROOT))
    server = subprocess.Popen(
        [PYTHON, "-m", "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{port}"],
        cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    try:
        log = ServerLog(server.stderr)
        log.wait_for(f"Serving on http://127.0.0.1:{port}/")
        url = f"http://127.0.0.1:{port}/risks/a1/"
        assert "Alpha Scenario" in fetch(url)
        matrix = tmp_path / "scenarios" / "matrix.yaml"
        matrix.write_text(matrix.read_text(encoding="utf-8").replace('name: "Alpha Scenario"', 'name: "Alpha Scenario Renamed"'), encoding="utf-8")
        log.wait_for("Detected file changes")
        log.wait_for("Reloading browsers")
        assert "Alpha Scenario Renamed" in fetch(url)
    finally:
        server.terminate()
        server.wait(timeout=30)
