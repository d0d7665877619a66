"""The in-page evaluator: its build-time HTML and the runtime files it needs.

Interface used by plugin.py (keep the signatures):

    evaluator_files(config, method, profile) -> list[mkdocs.structure.files.File]
        Files to add to the site so the evaluator runs offline: the Pyodide
        runtime from node_modules, the engine archive, the compiled method JSON,
        and the evaluator's own JS/CSS.

    render_evaluator(method, profile, root, config=None) -> str
        The questionnaire form and results panel as HTML, rendered from the
        method at build time. `root` is the relative URL from the page to the
        site root (e.g. "../"), used to reference the evaluator's assets.
        `config` (the MkDocs config) locates node_modules next to mkdocs.yml,
        as evaluator_files does, so that the Pyodide version the page names
        is the one whose files are copied.

Everything the browser needs lives under two folders of the built site:

    assets/pyodide/<version>/   the Pyodide core files that loadPyodide fetches
    assets/docx/<version>/      the browser build of the npm package docx, which
                                report_docx.js imports as "docx" (the bare name,
                                as Node resolves it in the tests, is written at
                                build time as "../docx/<version>/docx.mjs")
    assets/evaluator/           evaluator.js (the page's entry module) and the
                                modules it imports, worker.js (module worker),
                                evaluator.css (screen and print), engine.tar.gz

engine.tar.gz holds the engine package (without its YAML reader and CLI), the
browser adapter `crossroads_web.py`, the compiled method as JSON and the
site's country profile. URLs carry a short content hash (`?v=...`) so that a
new build is never mixed with a cached older one: the page names evaluator.js
with its hash, and each module's `import ... from "./x.js"` is written at build
time as `"./x.js?v=<hash of x.js as served>"` (hashes taken leaves first, so a
change anywhere changes the hash of every module that leads to it).
"""

from __future__ import annotations

import ast
import functools
import gzip
import hashlib
import inspect
import io
import json
import re
import sys
import tarfile
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File

from engine.package import BROWSER_MODULES, browser_modules

from . import buildcache, stdlib, strings as catalogs, templating

HERE = Path(__file__).resolve().parent
ASSETS = HERE / "assets" / "evaluator"
TEMPLATES = HERE / "templates"
REPO = HERE.parent.parent

# The engine modules the browser needs, read from the installed package
# (engine.package); source.py (YAML, build time only), cli.py and __main__.py
# stay out of the archive.
ENGINE_MODULES = BROWSER_MODULES
# What loadPyodide fetches at run time (checked by recording the requests):
# the loader, the Emscripten module, the WebAssembly binary, the standard
# library and the lock file. No package wheels are needed.
PYODIDE_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip")
# The npm package docx (the DOCX report): its browser build, one ES module
# without imports, served as assets/docx/<version>/docx.mjs.
DOCX_FILE = "dist/index.mjs"
# A static import of the bare name "docx".
DOCX_IMPORT = re.compile(r"""(\bfrom\s*)(["'])docx\2""")
# ES modules of other npm packages the pages import, served beside our own as
# `assets/evaluator/<name>` (imported as "./<name>", hashed like ours):
# name -> (package, file in the package). Each must be one self-contained file.
VENDOR_MODULES = {"idb.js": ("idb", "build/index.js")}
# The page's ES modules: every .js file of assets/evaluator but the worker, and the vendor modules.
PAGE_MODULES = tuple(sorted([path.name for path in ASSETS.glob("*.js") if path.name != "worker.js"] + list(VENDOR_MODULES)))
PAGE_ASSETS = PAGE_MODULES + ("worker.js", "evaluator.css")
# An import of a sibling module: `from "./form.js"`, `import "./x.js"` or `import("./x.js")`.
MODULE_IMPORT = re.compile(r"""(\b(?:from|import)\s*\(?\s*)(["'])\./([A-Za-z0-9_-]+\.js)\2""")
ASSET_DIR = "assets/evaluator"
# A fixed timestamp keeps the archive byte-identical between builds.
ARCHIVE_MTIME = 1577836800  # 2020-01-01: a fixed date keeps the archive reproducible


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:12]


def _pyodide_dir(config=None) -> Path:
    """node_modules/pyodide next to mkdocs.yml (the folder of the config
    file, wherever it is), else in this checkout."""
    candidates = []
    config_file = config.get("config_file_path") if config is not None else None
    if config_file:
        candidates.append(Path(config_file).resolve().parent / "node_modules" / "pyodide")
    if REPO / "node_modules" / "pyodide" not in candidates:
        candidates.append(REPO / "node_modules" / "pyodide")
    for folder in candidates:
        if (folder / "package.json").is_file():
            missing = [name for name in PYODIDE_FILES + ("pyodide-lock.json",) if not (folder / name).is_file()]
            if missing:
                raise PluginError(f"Pyodide in {folder} is incomplete: missing {', '.join(missing)}; run 'npm ci'.")
            return folder
    raise PluginError(
        f"Expected the npm package 'pyodide' in {' or '.join(str(c) for c in candidates)} but found none; "
        "run 'npm ci' (or 'bash scripts/setup.sh') in the repository."
    )


def _docx_path(config=None) -> Path:
    """node_modules/docx/dist/index.mjs next to mkdocs.yml, else in this checkout."""
    config_file = config.get("config_file_path") if config is not None else None
    candidates = [Path(config_file).resolve().parent / "node_modules" / "docx"] if config_file else []
    if REPO / "node_modules" / "docx" not in candidates:
        candidates.append(REPO / "node_modules" / "docx")
    for folder in candidates:
        if (folder / "package.json").is_file() and (folder / DOCX_FILE).is_file():
            return folder / DOCX_FILE
    raise PluginError(f"Expected the npm package 'docx' in {' or '.join(str(c) for c in candidates)} but found none; "
                      "run 'npm ci' (or 'bash scripts/setup.sh') in the repository.")


def _docx_url(config=None) -> str:
    """Where the page modules import docx from, relative to assets/evaluator/."""
    return f"../docx/{_pyodide_version(str(_docx_path(config).parent.parent))}/docx.mjs"


@functools.lru_cache(maxsize=4)
def _pyodide_version(folder: str) -> str:
    return json.loads((Path(folder) / "package.json").read_text(encoding="utf-8"))["version"]


def _lock_file(folder: Path) -> bytes:
    """A lock file with Pyodide's own `info` and no packages.

    loadPyodide fetches pyodide-lock.json and checks its ABI version; the full
    file (120 kB) only lists wheels the evaluator never loads.
    """
    lock = json.loads((folder / "pyodide-lock.json").read_text(encoding="utf-8"))
    return (json.dumps({"info": lock["info"], "packages": {}}, indent=1, sort_keys=True) + "\n").encode("utf-8")


def _archive_bytes(entries: list[tuple[str, bytes]]) -> bytes:
    """A gzipped tar of the entries, byte for byte the same on every build."""
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.USTAR_FORMAT) as archive:
        for name, data in entries:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mtime = ARCHIVE_MTIME
            info.mode = 0o644
            archive.addfile(info, io.BytesIO(data))
    packed = io.BytesIO()
    with gzip.GzipFile(fileobj=packed, mode="wb", compresslevel=9, mtime=ARCHIVE_MTIME) as stream:
        stream.write(raw.getvalue())
    return packed.getvalue()


def compact_source(source: bytes) -> bytes:
    """The same module without comments and docstrings, for a smaller download.

    The result is checked to parse to the very same syntax tree as the source
    less its docstrings; if it does not, the source ships unchanged."""
    tree = ast.parse(source)
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if (isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and body
                and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant)
                and isinstance(body[0].value.value, str)):
            node.body = body[1:] or [ast.Pass()]
    compact = ast.unparse(tree) + "\n"
    if ast.dump(ast.parse(compact)) != ast.dump(tree):
        return source
    return compact.encode("utf-8")


# compact_source's result depends on the source, this Python's ast module and
# compact_source itself: all three name the kept result (buildcache.py).
_COMPACT = f"compact-{sys.version}-{hashlib.sha256(inspect.getsource(compact_source).encode()).hexdigest()}"


# One archive per method object and profile: the page names its hash and the
# build writes the file, from the same bytes (a new Method after an edit under
# `mkdocs serve` is a new key; the entry keeps the method alive so its id stays its own).
_archives: dict[tuple[int, str | None], tuple[object, bytes]] = {}


def engine_archive(method, profile: str | None) -> bytes:
    """The archive the worker unpacks: engine package, adapter, method JSON, site config."""
    key = (id(method), profile)
    cached = _archives.get(key)
    if cached is not None and cached[0] is method:
        return cached[1]
    entries = [(f"engine/{name}", buildcache.cached(_COMPACT, source, compact_source)) for name, source in browser_modules()]
    entries.append(("crossroads_web.py", (ASSETS / "crossroads_web.py").read_bytes()))
    entries.append(("crossroads_method.json", method.to_json().encode("utf-8")))
    site = {"profile": profile, "method_version": method.version}
    entries.append(("crossroads_site.json", json.dumps(site, sort_keys=True).encode("utf-8")))
    if len(_archives) >= 4:
        _archives.clear()
    _archives[key] = (method, _archive_bytes(entries))
    return _archives[key][1]


def _asset_path(name: str) -> Path:
    """Where a page file comes from: assets/evaluator, or an npm package in node_modules."""
    if name not in VENDOR_MODULES:
        return ASSETS / name
    package, inside = VENDOR_MODULES[name]
    path = REPO / "node_modules" / package / inside
    if not path.is_file():
        raise PluginError(f"Expected the npm package '{package}' in {REPO / 'node_modules'} (its file {inside}) but found none; "
                          "run 'npm ci' (or 'bash scripts/setup.sh') in the repository.")
    return path


def page_assets(config=None) -> dict[str, bytes]:
    """The evaluator's page files as served: each module's imports of its
    siblings carry the hash of the imported module as served, and an import
    of "docx" names the served copy of that package. Built once until one of
    the files changes (the page's hashes and the files written agree)."""
    paths = {name: _asset_path(name) for name in PAGE_ASSETS}
    stamp = tuple((name, str(path), path.stat().st_mtime_ns, path.stat().st_size) for name, path in paths.items())
    return dict(_page_assets(stamp, _docx_url(config)))


@functools.lru_cache(maxsize=2)
def _page_assets(stamp: tuple, docx_url: str) -> tuple[tuple[str, bytes], ...]:
    paths = {entry[0]: Path(entry[1]) for entry in stamp}
    sources = {name: paths[name].read_text(encoding="utf-8") for name in PAGE_MODULES}
    built: dict[str, bytes] = {}

    def build(name: str, trail: tuple[str, ...]) -> bytes:
        if name in built:
            return built[name]
        if name in trail:
            raise PluginError(f"Expected no import cycle among the evaluator's modules but found: {' -> '.join(trail + (name,))}.")
        if name not in sources:
            raise PluginError(f"Expected every module imported by {trail[-1]} in {ASSETS} but found no {name}.")

        def stamp(match: re.Match) -> str:
            if match.group(3) == name:  # a module naming itself (in a comment) imports nothing
                return match.group(0)
            imported = build(match.group(3), trail + (name,))
            return f"{match.group(1)}{match.group(2)}./{match.group(3)}?v={_digest(imported)}{match.group(2)}"

        source = DOCX_IMPORT.sub(lambda match: f"{match.group(1)}{match.group(2)}{docx_url}{match.group(2)}", sources[name])
        built[name] = MODULE_IMPORT.sub(stamp, source).encode("utf-8")
        return built[name]

    out = {name: build(name, ()) for name in PAGE_MODULES}
    for name in PAGE_ASSETS:
        if name not in out:
            out[name] = paths[name].read_bytes()
    return tuple(out.items())


def _stdlib(folder: Path) -> bytes:
    try:
        return stdlib.trimmed_stdlib(folder)
    except stdlib.StdlibError as error:
        raise PluginError(str(error)) from error


def _asset_versions(method, profile, config=None) -> dict:
    """Short content hashes, used as `?v=` on every evaluator URL."""
    versions = {name: _digest(data) for name, data in page_assets(config).items()}
    versions["engine.tar.gz"] = _digest(engine_archive(method, profile))
    return versions


def _check_profile(method, profile):
    if profile is not None and profile not in method.countries:
        raise PluginError(
            f"Expected the evaluator's country profile to be one of: {', '.join(method.countries) or '(none)'} "
            f"but received: {profile!r}."
        )


def evaluator_files(config, method, profile):
    """Files to add to the site (mkdocs `File` objects, created with `File.generated`)."""
    _check_profile(method, profile)
    folder = _pyodide_dir(config)
    version = _pyodide_version(str(folder))
    files = []
    for name in PYODIDE_FILES:
        if name == "python_stdlib.zip":  # only the part the evaluator uses (stdlib.py)
            files.append(File.generated(config, f"assets/pyodide/{version}/{name}", content=_stdlib(folder)))
        else:
            files.append(File.generated(config, f"assets/pyodide/{version}/{name}", abs_src_path=str(folder / name)))
    files.append(File.generated(config, f"assets/pyodide/{version}/pyodide-lock.json", content=_lock_file(folder)))
    for name, data in page_assets(config).items():
        files.append(File.generated(config, f"{ASSET_DIR}/{name}", content=data))
    files.append(File.generated(config, f"assets/{_docx_url(config)[3:]}", abs_src_path=str(_docx_path(config))))
    files.append(File.generated(config, f"{ASSET_DIR}/engine.tar.gz", content=engine_archive(method, profile)))
    files.append(File.generated(config, f"{ASSET_DIR}/runtime.json", content=runtime_list(method, profile, folder)))
    return files


def runtime_list(method, profile, folder: Path) -> bytes:
    """runtime.json: the addresses the evaluator page fetches, each as it asks
    for it (hashes included), relative to assets/evaluator/; read by
    docs/overrides/assets/crossroads/evaluator-intent.js to prefetch them when
    a reader points at a link to the evaluator."""
    versions = _asset_versions(method, profile)
    version = _pyodide_version(str(folder))
    stdlib_hash = _digest(_stdlib(folder))
    worker = f"worker.js?v={versions['worker.js']}&pyodide={version}&engine={versions['engine.tar.gz']}&stdlib={stdlib_hash}"
    pyodide = [f"../pyodide/{version}/{name}" for name in ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "pyodide-lock.json")]
    files = [f"{name}?v={versions[name]}" for name in PAGE_ASSETS if name != "worker.js"]
    files += [worker, f"engine.tar.gz?v={versions['engine.tar.gz']}", *pyodide, f"../pyodide/{version}/python_stdlib.zip?v={stdlib_hash}"]
    return (json.dumps({"files": files}, indent=1) + "\n").encode("utf-8")


def show_rules(method) -> dict[str, list[str]]:
    """CSS selectors for the conditional questions: "show" matches one while
    the answers call for it (the parent's chosen option is one of its
    `show_if` values, and the parent is shown itself: a hidden parent hides
    its children), "hide" matches it otherwise. Emitted with the form, so that
    the browser shows and hides questions as the reader answers, with or
    without the engine, and the page reads what is shown (and mirrors it in
    the `hidden` attribute) instead of applying the rule again."""
    by_id = {q["id"]: q for q in method.questions}

    def clauses(question) -> list[str]:
        cond = question.get("show_if")
        if cond is None:
            return []
        parent = by_id[cond["question"]]
        chosen = ", ".join(f"#q-{parent['id']}-{n}:checked" for n, option in enumerate(parent["options"], 1)
                           if option["value"] in cond["in"])
        return [*clauses(parent), f":has({chosen})"]

    conditional = [(q["id"], clauses(q)) for q in method.questions if "show_if" in q]
    return {
        "show": [f".cr-form{''.join(found)} #q-{qid}" for qid, found in conditional],
        "hide": [f".cr-form:not({clause}) #q-{qid}" for qid, found in conditional for clause in found],
    }


def evaluator_context(method, profile: str | None, root: str, config=None, register_href: str | None = None) -> dict:
    """Everything the template needs, as plain data (pure: method in, dict out)."""
    from engine.evaluate import MAX_TEXT

    root = root or "./"
    if not root.endswith("/"):
        root += "/"
    sections = []
    for section in method.sections:
        questions = [q for q in method.questions if q["section"] == section["id"]]
        if questions:
            sections.append({"section": section, "questions": questions})
    country = method.countries.get(profile) if profile else None
    try:
        folder = _pyodide_dir(config)
        pyodide_version = _pyodide_version(str(folder))
    except PluginError:
        folder, pyodide_version = None, "missing"
    try:
        stdlib_bytes = _stdlib(folder)
        stdlib_hash = _digest(stdlib_bytes)
        # What the progress bar counts (worker.js): the downloads, decoded.
        sizes = {"pyodide.asm.wasm": (folder / "pyodide.asm.wasm").stat().st_size, "python_stdlib.zip": len(stdlib_bytes),
                 "pyodide-lock.json": len(_lock_file(folder)), "engine.tar.gz": len(engine_archive(method, profile))}
    except (PluginError, OSError, TypeError):
        stdlib_hash, sizes = "missing", {}
    versions = _asset_versions(method, profile, config)
    category_names = {c["id"]: c["name"] for c in method.categories}
    step_labels = {}
    for step in method.foresight_steps:
        step_labels[step["id"]] = f"Foresight, {step['title']}"
    for track in method.tracks:
        for step in track["steps"]:
            step_labels[step["id"]] = f"Managing {category_names.get(track['category'], track['category'])}: {step['title']}"
    page_config = {
        "method_version": method.version,
        "profile": profile,
        "profile_name": country["name"] if country else None,
        "profiles": {cid: c["name"] for cid, c in method.countries.items()},
        "root": root,
        "max_text": MAX_TEXT,
        "pyodide": pyodide_version,
        "engine": versions["engine.tar.gz"],
        "stdlib": stdlib_hash,
        "sizes": sizes,
        "worker": versions["worker.js"],
        "stakeholders": {code: s["name"] for code, s in method.stakeholders.items()},
        "topics": {t["id"]: t["name"] for t in method.topics},  # names of an action's `uncovered` topics
        "levels": method.level_labels,
        "steps": step_labels,
        "decisions": decision_options(method),
        "plan_statuses": PLAN_STATUSES,
    }
    screen = [{"id": q["id"], "short": q["short"]} for q in method.questions if q.get("screen")]
    language = getattr(method, "language", "en")
    strings = catalogs.catalog(language)
    # The reader's country (for contacts and duties): every shipped profile by name, and none.
    profile_options = sorted(({"id": cid, "name": c["name"]} for cid, c in method.countries.items()), key=lambda o: o["name"])
    profile_options.append({"id": "", "name": strings["profile.none"]})
    return {
        "language": language,
        "strings": strings,
        "t": catalogs.translator(strings),
        "profile_options": profile_options,
        "root": root,
        "assets": f"{root}{ASSET_DIR}/",
        "versions": versions,
        "method": method.metadata,
        "method_version": method.version,
        "country": country,
        "sections": sections,
        "levels": method.risk_levels,
        "level_label": method.level_labels,
        "likelihood_levels": list(reversed(method.likelihood_levels)),
        "impact_levels": method.impact_levels,
        "grid": method.grid,
        "max_text": MAX_TEXT,
        "config": page_config,
        "screen": screen,
        "show_rules": show_rules(method),
        "decisions": decision_options(method),
        "register_href": register_href,
    }


def render_evaluator(method, profile, root: str, config=None, register_href: str | None = None) -> str:
    """The evaluator's HTML for the page, with root-relative asset URLs (and a
    link to the register page, when the handbook has one)."""
    _check_profile(method, profile)
    return templating.render("evaluator.html", **evaluator_context(method, profile, root, config, register_href))


# The statuses of a planned action (engine.evaluate checks the same list).
PLAN_STATUSES = {"open": "Open", "in_progress": "In progress", "done": "Done", "dropped": "Dropped"}


def decision_options(method) -> list[dict]:
    """The decisions an officer may record ({id, label, ...}), from the method (scoring.yaml)."""
    return [dict(d) for d in method.scoring.get("decisions", []) if isinstance(d, dict) and "id" in d]


def register_context(method, profile: str | None, root: str, evaluator_href: str | None, config=None) -> dict:
    """Everything the register page's template needs (pure: method in, dict out)."""
    context = evaluator_context(method, profile, root, config)
    stage = next((q for q in method.questions if q["id"] == "stage"), None)
    page_config = {key: context["config"][key] for key in ("method_version", "profile", "profile_name", "profiles", "root", "pyodide", "engine", "worker", "levels")}
    page_config.update(
        level_order=[level["id"] for level in method.risk_levels],
        recommendations={r["id"]: r["label"] for r in method.recommendations},
        recommendation_order=[r["id"] for r in method.recommendations],
        decisions={d["id"]: d.get("label", d["id"]) for d in decision_options(method)},
        stages={o["value"]: o["label"] for o in stage["options"]} if stage else {},
    )
    return {**context, "config": page_config, "evaluator_href": evaluator_href}


def render_register(method, profile, root: str, evaluator_href: str | None, config=None) -> str:
    """The register page's HTML: the table of partnerships, its tools and the comparison view."""
    _check_profile(method, profile)
    return templating.render("register.html", **register_context(method, profile, root, evaluator_href, config))
