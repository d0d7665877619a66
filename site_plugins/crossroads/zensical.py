"""Build the handbook with Zensical, from the same mkdocs.yml.

    python -m site_plugins.crossroads.zensical build [-f mkdocs.yml] [-d SITE_DIR] [--keep-stage DIR]
    (or: bash scripts/zensical.sh build ...)

Zensical renders the pages with the project's Markdown extension
(site_plugins.crossroads.markdown) but does not run MkDocs plugins. So this
command first does what the crossroads plugin would: it reads mkdocs.yml with
MkDocs (every option checked as in `mkdocs build`), runs the plugins' `config`
and `files` events, and writes their result into a staging folder outside the
repository:

    <stage>/docs/        every page and file MkDocs would build: the
                         hand-written ones, the generated category, scenario,
                         country and case pages, and the evaluator's files
    <stage>/overrides/   the theme overrides, the footer reading the method
                         version and the host from `extra.crossroads`
    <stage>/mkdocs.yml   mkdocs.yml with the navigation expanded, the stakeholder
                         abbreviations, the extension's options, the footer's
                         data, the folders of the stage, and the classic
                         (Material) look

then runs `zensical build` on it (from the folder of mkdocs.yml, so paths in
Markdown options such as the snippets' base path mean the same), copies the
site to SITE_DIR (default: `site_dir` of mkdocs.yml) and writes the
precompressed copies that the plugin writes after a MkDocs build.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

from . import markdown, offline, precompress
from .generated import footer_context

REPO = Path(__file__).resolve().parents[2]
_PYTHON_NAME = "tag:yaml.org,2002:python/name:"


# -- mkdocs.yml read and written again, tags kept -----------------------------------

class PythonName(str):
    """A `!!python/name:...` value, kept as written."""


class EnvTag:
    """An `!ENV` value, kept as written."""

    def __init__(self, value):
        self.value = value


class _Loader(yaml.SafeLoader):
    pass


class _Dumper(yaml.SafeDumper):
    pass


def _env(loader, node):
    return EnvTag(loader.construct_scalar(node) if isinstance(node, yaml.ScalarNode) else loader.construct_sequence(node))


def _env_out(dumper, value: EnvTag):
    if isinstance(value.value, list):
        return dumper.represent_sequence("!ENV", value.value)
    return dumper.represent_scalar("!ENV", value.value)


_Loader.add_multi_constructor(_PYTHON_NAME, lambda loader, suffix, node: PythonName(suffix))
_Loader.add_constructor("!ENV", _env)
_Dumper.add_representer(PythonName, lambda dumper, value: dumper.represent_scalar(_PYTHON_NAME + str(value), ""))
_Dumper.add_representer(EnvTag, _env_out)


def read_config(path: str | os.PathLike) -> dict:
    """mkdocs.yml as data, its `!!python/name:` and `!ENV` values kept for `write_config`."""
    with open(path, encoding="utf-8") as stream:
        return yaml.load(stream, Loader=_Loader) or {}


def write_config(data: dict, path: str | os.PathLike) -> None:
    with open(path, "w", encoding="utf-8") as stream:
        yaml.dump(data, stream, Dumper=_Dumper, sort_keys=False, allow_unicode=True)


def _name(entry) -> str:
    return entry if isinstance(entry, str) else next(iter(entry))


def with_extension(extensions: list, name: str, options: dict | None) -> list:
    """The `markdown_extensions` list with `name` set to `options` (None: left out), in its place or at the end."""
    out, placed = [], False
    for entry in extensions or []:
        if _name(entry) != name:
            out.append(entry)
        elif options is not None and not placed:
            out.append({name: options})
            placed = True
    if options is not None and not placed:
        out.append({name: options})
    return out


# -- the stage ----------------------------------------------------------------------

def _mkdocs_site(config_file: str):
    """MkDocs' configuration and files after the plugins' `config` and `files` events."""
    from mkdocs.config import load_config
    from mkdocs.structure.files import get_files

    config = load_config(config_file)
    config.plugins.on_startup(command="build", dirty=False)
    config = config.plugins.on_config(config)
    # The generated pages' raw HTML links, written as Zensical reads them (links.Links.from_source).
    config.plugins["crossroads"].handbook.links_from_source = True
    files = config.plugins.on_files(get_files(config), config=config)
    return config, files


def _overrides(source: Path, target: Path) -> Path:
    """A copy of the theme overrides whose footer finds the plugin's `crossroads` data in `config.extra`
    (Zensical renders templates without MkDocs' `on_env` event)."""
    shutil.copytree(source, target)
    footer = target / "partials" / "copyright.html"
    if footer.is_file():
        footer.write_text("{%- set crossroads = config.extra.crossroads -%}\n" + footer.read_text(encoding="utf-8"), encoding="utf-8")
    scripts = target / "partials" / "javascripts" / "base.html"
    if scripts.is_file():
        scripts.write_text("{%- set crossroads_offline = config.extra.crossroads_offline -%}\n" + scripts.read_text(encoding="utf-8"),
                           encoding="utf-8")
    return target


def stage(config_file: str, where: Path) -> Path:
    """Write the pages, the files and a Zensical configuration into `where`; return the configuration's path."""
    config, files = _mkdocs_site(config_file)
    plugin = config.plugins["crossroads"]
    docs = where / "docs"
    for file in files:
        if file.inclusion.is_excluded():
            continue
        target = docs / file.src_uri
        target.parent.mkdir(parents=True, exist_ok=True)
        if file.abs_src_path:
            shutil.copyfile(file.abs_src_path, target)
        else:
            target.write_bytes(file.content_bytes)
    settings = read_config(config_file)
    # Relative to the stage: Zensical wants both folders inside the configuration's folder.
    settings["docs_dir"] = "docs"
    settings["site_dir"] = "site"
    settings["nav"] = config.nav
    theme = settings.setdefault("theme", {})
    if theme.get("custom_dir"):
        theme["custom_dir"] = str(_overrides(Path(config.theme.custom_dir), where / "overrides"))
    # What the plugin gives the footer (on_env), for the staged footer template.
    settings.setdefault("extra", {})["crossroads"] = footer_context(plugin.handbook.method, plugin.config.host_name, plugin.config.host_logo)
    settings["extra"]["crossroads_offline"] = plugin.config.offline  # offline reading (offline.py), for the staged base.html
    theme.setdefault("variant", "classic")  # Material's look
    settings["plugins"] = [entry for entry in settings.get("plugins") or [] if _name(entry) != "crossroads"]
    extensions = with_extension(settings.get("markdown_extensions"), "abbr", dict(config.mdx_configs.get("abbr") or {}))
    settings["markdown_extensions"] = with_extension(extensions, markdown.NAME, {
        "data_dir": str(plugin.config.data_dir),
        "docs_dir": str(docs),
        "country": plugin.config.country,
        "evaluator": plugin.config.evaluator,
        "use_directory_urls": config.use_directory_urls,
        "links_from_source": True,
        "config_file": str(Path(config.config_file_path).resolve()),
    })
    path = where / "mkdocs.yml"
    write_config(settings, path)
    return path


def build(config_file: str = "mkdocs.yml", site_dir: str | None = None, keep_stage: str | None = None) -> Path:
    """Stage the handbook, build it with Zensical and return the site folder."""
    config_file = os.path.abspath(config_file)
    root = os.path.dirname(config_file)
    if keep_stage:
        where = Path(keep_stage).resolve()
        shutil.rmtree(where, ignore_errors=True)
        where.mkdir(parents=True)
    else:
        where = Path(tempfile.mkdtemp(prefix="crossroads-zensical-"))
    try:
        staged = stage(config_file, where)
        offline_reading = read_config(staged)["extra"]["crossroads_offline"]
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])))
        done = subprocess.run([sys.executable, "-m", "zensical", "build", "--clean", "-f", str(staged)], cwd=root, env=env, check=False)
        if done.returncode != 0:
            raise SystemExit(f"zensical build failed (exit code {done.returncode}); the stage is in {where}" if keep_stage
                             else f"zensical build failed (exit code {done.returncode})")
        target = Path(site_dir).resolve() if site_dir else Path(root, read_config(config_file).get("site_dir") or "site")
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(where / "site", target)
    finally:
        if not keep_stage:
            shutil.rmtree(where, ignore_errors=True)
    if offline_reading:
        offline.write_service_worker(target)
    precompress.precompress_site(target)
    return target


def main(argv=None) -> int:
    from mkdocs.exceptions import Abort, PluginError

    parser = argparse.ArgumentParser(prog="python -m site_plugins.crossroads.zensical", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    command = commands.add_parser("build", help="build the handbook with Zensical")
    command.add_argument("-f", "--config-file", default="mkdocs.yml", help="the MkDocs configuration (default: mkdocs.yml)")
    command.add_argument("-d", "--site-dir", help="where to write the site (default: site_dir of the configuration)")
    command.add_argument("--keep-stage", metavar="DIR", help="stage in DIR and keep it (default: a temporary folder)")
    args = parser.parse_args(argv)
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    try:
        site = build(args.config_file, args.site_dir, args.keep_stage)
    except (PluginError, Abort) as error:
        print(f"Error: {error}", file=sys.stderr)
        return 1
    print(f"Zensical built the handbook in {site}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
