"""`mkdocs serve` rebuilds when a file of the method changes."""

from __future__ import annotations

import os
import socket
import subprocess
import time
import urllib.request
from urllib.error import URLError

import pytest

from site_support import PYTHON, ROOT, make_site

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(url: str, text: str, timeout: float = 90) -> str:
    deadline = time.monotonic() + timeout
    body = ""
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                body = response.read().decode("utf-8")
            if text in body:
                return body
        except (URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.5)
    raise AssertionError(f"{url} never showed {text!r}")


def test_editing_the_method_rebuilds_the_site(tmp_path):
    make_site(tmp_path)
    port = _free_port()
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONPATH=str(ROOT))
    server = subprocess.Popen(
        [PYTHON, "-m", "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{port}"],
        cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        url = f"http://127.0.0.1:{port}/risks/a1/"
        _wait_for(url, "Alpha Scenario")
        matrix = tmp_path / "scenarios" / "matrix.yaml"
        matrix.write_text(matrix.read_text(encoding="utf-8").replace('name: "Alpha Scenario"', 'name: "Alpha Scenario Renamed"'), encoding="utf-8")
        _wait_for(url, "Alpha Scenario Renamed")
    finally:
        server.terminate()
        server.wait(timeout=30)
