"""The `crossroads` plugin's options and every check on them: MkDocs' own config
machinery checks each option as it reads it, and `check_site` the ones that
depend on the rest of the site (the docs folder, the method as read)."""

from __future__ import annotations

import os

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.exceptions import PluginError


def profile_ids(data_dir: str) -> list[str]:
    """The country profile ids of a method folder: the names of countries/*.yaml."""
    folder = os.path.join(data_dir, "countries")
    if not os.path.isdir(folder):
        return []
    return sorted(name.rsplit(".", 1)[0] for name in os.listdir(folder) if name.endswith((".yaml", ".yml")))


class ProfileChoice(c.Type):
    """A country profile id; checked against the profiles found in `data_dir`."""

    def __init__(self, default: str):
        super().__init__(str, default=default)

    def post_validation(self, config: base.Config, key_name: str) -> None:
        value = config[key_name]
        known = profile_ids(config["data_dir"])
        if value not in known:
            expected = ", ".join(known) if known else "(no profiles in countries/)"
            raise base.ValidationError(f"Expected one of: {expected} but received: {value!r}")


class CrossroadsConfig(base.Config):
    data_dir = c.Dir(exists=True, default="scenarios")
    """Folder holding the method's YAML files, relative to mkdocs.yml."""

    country = ProfileChoice(default="us")
    """Country profile whose roles and contacts this copy shows (a file name in data_dir/countries/)."""

    host_name = c.Optional(c.Type(str))
    """Name of the association hosting this copy, shown in the footer."""

    host_logo = c.Optional(c.Type(str))
    """Logo of the hosting association, a path inside docs/, shown in the footer."""

    evaluator = c.Type(bool, default=True)
    """Include the in-browser evaluator on the page that holds its marker."""

    offline = c.Type(bool, default=True)
    """Let readers keep the site for offline use (a service worker, sw.js); false removes a worker installed before."""

    def check_site(self, docs_dir: str, method) -> None:
        """The checks that need the docs folder and the method as read; a PluginError names the option."""
        if self.country not in method.countries:
            known = ", ".join(sorted(method.countries)) or "(none)"
            raise PluginError(f"Plugin 'crossroads' option 'country': Expected one of: {known} but received: {self.country!r}")
        logo = self.host_logo
        if logo is not None:
            inside = not os.path.isabs(logo) and not os.path.normpath(logo).startswith("..")
            if not inside or not os.path.isfile(os.path.join(docs_dir, logo)):
                raise PluginError(f"Plugin 'crossroads' option 'host_logo': expected a file inside the docs folder, but '{logo}' is not one.")
