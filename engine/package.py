"""The engine as the browser gets it: the modules the worker imports, read
from the installed package (a checkout, site-packages or a zip alike).

Only the build (the site plugin) uses this module; the browser never loads it.
"""

from __future__ import annotations

from importlib.resources import files

# What the worker's adapter imports (engine.api, .errors, .evaluate, .report
# and the package itself) and everything those import in turn: standard
# library only. The YAML reader (source.py), the case library (cases.py), the
# command line (cli.py, __main__.py) and this module stay out.
BROWSER_MODULES = ("__init__.py", "api.py", "compare.py", "errors.py", "evaluate.py", "invariants.py", "model.py", "register.py", "report.py", "scale.py",
                   "schema.py", "validate.py")


def browser_modules() -> list[tuple[str, bytes]]:
    """(file name, contents) of each engine module the browser needs, in a fixed order."""
    package = files(__package__)
    return [(name, package.joinpath(name).read_bytes()) for name in BROWSER_MODULES]
