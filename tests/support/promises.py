"""Helpers shared by the promise checks and the benchmark scripts.

- `Nginx`: Debian's nginx as a child process serving a built site through
  the repository's own deploy/nginx.conf (only `listen` and `root` changed).
- `StaticServer`: a plain loopback HTTP server for a built site.
- `built_pages`: every page of a built site, as URL paths.
"""

from __future__ import annotations

import os
import pwd
import re
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

from .server import StaticServer  # noqa: F401 - the promise suites and the benchmarks import it from here

ROOT = Path(__file__).resolve().parents[2]
NGINX = os.environ.get("CROSSROADS_NGINX", shutil.which("nginx") or "/usr/sbin/nginx")
DEPLOY_CONF = ROOT / "deploy" / "nginx.conf"
# Debian's libnginx-mod-http-brotli-static (scripts/setup.sh installs it):
# with it, the line deploy/nginx.conf leaves for hosts to uncomment is used.
BROTLI_MODULE = Path("/usr/lib/nginx/modules/ngx_http_brotli_static_module.so")
EVALUATOR = "/evaluator/"  # the page that holds the evaluator


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def built_pages(site_dir: Path) -> list[str]:
    """URL paths ('/', '/risks/', ...) of every index.html in a built site, sorted."""
    paths = []
    for index in sorted(Path(site_dir).rglob("index.html")):
        rel = index.parent.relative_to(site_dir).as_posix()
        paths.append("/" if rel == "." else f"/{rel}/")
    return paths


def site_conf(site_dir: Path, port: int, deploy_conf: Path = DEPLOY_CONF) -> str:
    """deploy/nginx.conf with `listen` and `root` pointed at this machine."""
    text = Path(deploy_conf).read_text(encoding="utf-8")
    text, listens = re.subn(r"^(\s*)listen\s+[^;]+;", rf"\g<1>listen 127.0.0.1:{port};", text, flags=re.M)
    text, roots = re.subn(r"^(\s*)root\s+[^;]+;", rf"\g<1>root {Path(site_dir).resolve()};", text, flags=re.M)
    if listens != 1 or roots != 1:
        raise RuntimeError(f"{DEPLOY_CONF} should hold exactly one 'listen' and one 'root' directive "
                           f"(found {listens} and {roots}).")
    return text


class Nginx:
    """Run nginx in the foreground (`daemon off`) with every path inside `work_dir`."""

    def __init__(self, site_dir: Path, work_dir: Path, deploy_conf: Path = DEPLOY_CONF):
        self.deploy_conf = Path(deploy_conf)
        self.site_dir = Path(site_dir)
        self.work = Path(work_dir)
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def write_config(self) -> Path:
        self.work.mkdir(parents=True, exist_ok=True)
        for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (self.work / name).mkdir(exist_ok=True)
        text = site_conf(self.site_dir, self.port, self.deploy_conf)
        self.brotli = BROTLI_MODULE.exists()
        if self.brotli:
            text = re.sub(r"^(\s*)# (brotli_static on;)", r"\1\2", text, flags=re.M)
        (self.work / "crossroads.conf").write_text(text, encoding="utf-8")
        # As root, nginx would hand requests to 'nobody', who cannot read a
        # private temp folder: keep the workers under the current user.
        user = f"user {pwd.getpwuid(os.geteuid()).pw_name};\n" if os.geteuid() == 0 else ""
        w = self.work
        conf = (
            f"{user}{f'load_module {BROTLI_MODULE};' if self.brotli else ''}\ndaemon off;\nmaster_process on;\nworker_processes 1;\n"
            f"pid {w}/nginx.pid;\nerror_log {w}/error.log warn;\n"
            "events { worker_connections 256; }\n"
            "http {\n"
            "    include /etc/nginx/mime.types;\n"
            "    default_type application/octet-stream;\n"
            f"    access_log {w}/access.log;\n"
            f"    client_body_temp_path {w}/client_body;\n    proxy_temp_path {w}/proxy;\n"
            f"    fastcgi_temp_path {w}/fastcgi;\n    uwsgi_temp_path {w}/uwsgi;\n    scgi_temp_path {w}/scgi;\n"
            f"    include {w}/crossroads.conf;\n"
            "}\n"
        )
        path = self.work / "nginx.conf"
        path.write_text(conf, encoding="utf-8")
        return path

    def start(self, timeout: float = 10.0) -> Nginx:
        conf = self.write_config()
        test = subprocess.run([NGINX, "-t", "-q", "-p", str(self.work), "-e", str(self.work / "error.log"), "-c", str(conf)],
                              capture_output=True, text=True)
        if test.returncode != 0:
            raise RuntimeError(f"nginx rejects the configuration:\n{test.stderr}")
        self.process = subprocess.Popen(
            [NGINX, "-p", str(self.work), "-e", str(self.work / "error.log"), "-c", str(conf)],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"nginx exited with {self.process.returncode}:\n{self.errors()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return self
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"nginx did not start listening on port {self.port}:\n{self.errors()}")

    def errors(self) -> str:
        log = self.work / "error.log"
        return log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()  # SIGTERM: fast shutdown of master and workers
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def fetch(url: str, headers: dict | None = None):
    """GET a URL; return (status, headers as a lower-cased dict, raw body). No redirects followed."""

    class _NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(_NoRedirect)
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with opener.open(request, timeout=30) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read()


ENGINE_READY = ".cr-engine[data-state=ready]"
ENGINE_FAILED = ".cr-engine[data-state=failed]"


def wait_for_first_result(page, timeout: float = 60_000) -> None:
    """Wait until the engine is ready and the results panel shows the result of the current answers
    (the panel is drawn anew when that result arrives, a moment after the engine reports ready)."""
    wait_for_engine(page, timeout)
    page.wait_for_selector("#crossroads-evaluator[data-scored='true'] #cr-results:not([aria-busy])", state="attached", timeout=timeout)


def wait_for_engine(page, timeout: float = 60_000) -> None:
    """Wait until the evaluator's engine reports ready (fail fast if it reports failure)."""
    page.wait_for_selector(f"{ENGINE_READY}, {ENGINE_FAILED}", state="attached", timeout=timeout)
    if page.query_selector(ENGINE_FAILED):
        status = page.inner_text("#cr-status") if page.query_selector("#cr-status") else ""
        raise AssertionError(f"the evaluator's engine failed to start: {status}")
