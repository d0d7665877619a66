"""The language editions of the handbook: English at the site's root, every
other language in its own folder (`/de/`, `/ja/`), built one after the other
on the same MkDocs config by the i18n plugin (mkdocs-static-i18n, "suffix"
structure: `docs/x.de.md` beside `docs/x.md`).

The crossroads plugin asks this module which edition is being built, gives
its generated pages and the evaluator's files the edition's folder and the
i18n plugin's attributes (so the language switcher and the sitemap know
them), and refuses an edition whose translations are incomplete.

Without the i18n plugin there is one edition, in `theme.language`.
"""

from __future__ import annotations

import os
import posixpath

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File


DEFAULT = "en"


def _i18n(config):
    plugin = config.plugins.get("i18n")
    return plugin if plugin is not None and hasattr(plugin, "build_languages") else None


def language(config) -> str:
    """The language of the edition being built."""
    plugin = _i18n(config)
    if plugin is not None:
        return plugin.current_language or plugin.default_language
    theme = config.theme
    return (theme.get("language") if hasattr(theme, "get") else None) or DEFAULT


def default_language(config) -> str:
    plugin = _i18n(config)
    return plugin.default_language if plugin is not None else language(config)


def languages(config) -> list[str]:
    """Every edition this build makes, the default one first."""
    plugin = _i18n(config)
    if plugin is None:
        return [language(config)]
    built = plugin.build_languages
    return [plugin.default_language] + [lang for lang in built if lang != plugin.default_language]


def prefix(config, lang: str | None = None) -> str:
    """The edition's folder in the site ('' for the default language, 'de/' for German)."""
    lang = lang or language(config)
    return "" if lang == default_language(config) else f"{lang}/"


def building_editions(config) -> bool:
    """True while the i18n plugin builds the other editions (their own post-build steps wait for the last)."""
    plugin = _i18n(config)
    return bool(plugin is not None and plugin.building)


def hold_theme_files(files, config) -> list[File]:
    """Take the theme's override files (custom_dir inside the docs folder) out of `files`; returns them."""
    custom = config.theme.custom_dir
    if not custom or _i18n(config) is None:
        return []
    custom = os.path.abspath(custom) + os.sep
    held = [file for file in files if file.abs_src_path and os.path.abspath(file.abs_src_path).startswith(custom)]
    for file in held:
        files.remove(file)
    return held


def source(file) -> str:
    """A page's source path without its language suffix (`index.de.md` -> `index.md`)."""
    return getattr(file, "norm_src_uri", None) or file.src_uri


def inside(url: str, folder: str) -> str:
    """A site URL as seen from its edition's root."""
    return url[len(folder):] if folder and url.startswith(folder) else url


def moved(config, file: File, folder: str) -> File:
    """A generated file placed in the edition's folder."""
    if folder:
        file.dest_uri = f"{folder}{file.dest_uri}"
    return file


def generated(config, src: str, content, folder: str) -> File:
    """A generated page of this edition, with the attributes the i18n plugin gives its own
    files: the language switcher links it to the same page in every other edition."""
    file = moved(config, File.generated(config, src, content=content), folder)
    lang = language(config)
    file.locale = lang
    file.localization = None if lang == default_language(config) else lang
    file.locale_alternate_of = lang
    file.norm_src_uri = src
    alternates = {}
    for other in languages(config):
        if other == lang:
            alternates[other] = file
        else:
            alternates[other] = moved(config, File.generated(config, src, content=""), prefix(config, other))
    file.alternates = alternates
    return file


def relative_switcher(config) -> None:
    """Language switcher links that are paths from the server's root become paths from the site's root."""
    if _i18n(config) is None:
        return
    # The i18n plugin sets the list as an attribute of `extra`, which the templates read first.
    for alternate in getattr(config.extra, "alternate", None) or config.extra.get("alternate") or []:
        link = alternate.get("link", "")
        if link.startswith("/") and alternate.get("lang") in languages(config):
            alternate["link"] = prefix(config, alternate["lang"]) or "./"


def record(config, files: list[File]) -> None:
    """Tell the i18n plugin about the generated pages (its sitemap lists each edition's pages)."""
    plugin = _i18n(config)
    if plugin is not None:
        plugin.i18n_files_per_language.setdefault(language(config), []).extend(files)


def localized(method, lang: str, folder: str, display: str):
    """The method in `lang` (engine.i18n.localize, from `<folder>/i18n/<lang>.yaml`); the method itself in English."""
    if lang == DEFAULT:
        return method
    from engine.i18n import LocalizeError, localize

    key = (id(method), lang, folder)
    cached = _localized.get(key)
    if cached is None or cached[0] is not method:
        try:
            cached = _localized[key] = (method, localize(method, lang, os.path.join(folder, "i18n"), posixpath.join(display, "i18n")))
        except LocalizeError as error:
            lines = [str(finding) for finding in getattr(error, "findings", [])] or [str(error)]
            raise PluginError(f"The '{lang}' edition cannot be built; fix these and build again:\n" + "\n".join(lines)) from None
    return cached[1]


_localized: dict[tuple, tuple] = {}


def check(method, folder: str, display: str, langs: list[str]) -> None:
    """Refuse to build editions whose method translation or strings catalogs
    (every area, every language present) have a missing, extra or empty key:
    every problem as `file:line: message` (engine.i18n's checker)."""
    from engine.i18n import check_catalogs, check_folder

    i18n, shown = os.path.join(folder, "i18n"), posixpath.join(display, "i18n")
    findings, _ = check_catalogs(i18n, shown)
    others = [lang for lang in langs if lang != DEFAULT]
    if others:
        findings += check_folder(method.data, i18n, shown, others)[0]
    if findings:
        problems = [str(finding) for finding in findings]
        raise PluginError(f"The translations of the editions {', '.join(langs)} have {len(problems)} problem(s); "
                          "fix them and build again:\n" + "\n".join(problems))
