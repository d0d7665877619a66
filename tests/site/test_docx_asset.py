"""The DOCX report's library is served from the site itself: the build copies
the npm package docx's browser build to assets/docx/<version>/docx.mjs and
writes report_docx.js's import of "docx" as that path (and stamps the page
modules' dynamic imports with content hashes, like their static ones)."""

from __future__ import annotations

import json
import re

from site_plugins.crossroads import evaluator
from support.site import ROOT

DOCX = ROOT / "node_modules" / "docx"


def _version() -> str:
    return json.loads((DOCX / "package.json").read_text(encoding="utf-8"))["version"]


def test_the_docx_package_is_served_from_the_site(built_site):
    served = built_site / "assets" / "docx" / _version() / "docx.mjs"
    assert served.read_bytes() == (DOCX / "dist" / "index.mjs").read_bytes()
    # One module without imports of its own: nothing more to fetch, from anywhere.
    assert not re.search(r"^\s*(import|export \*)\b.*\bfrom\b", served.read_text(encoding="utf-8"), re.M)


def test_report_docx_imports_the_served_copy(built_site):
    module = (built_site / "assets" / "evaluator" / "report_docx.js").read_text(encoding="utf-8")
    assert f'from "../docx/{_version()}/docx.mjs"' in module
    assert 'from "docx"' not in module
    source = (evaluator.ASSETS / "report_docx.js").read_text(encoding="utf-8")
    assert 'from "docx"' in source  # the bare name, as Node resolves it in the tests


def test_dynamic_imports_of_page_modules_carry_a_hash():
    stamped = evaluator.MODULE_IMPORT.sub(lambda m: f"{m.group(1)}{m.group(2)}./{m.group(3)}?v=H{m.group(2)}",
                                          'const docx = await import("./report_docx.js"); import { h } from "./dom.js";')
    assert stamped == 'const docx = await import("./report_docx.js?v=H"); import { h } from "./dom.js?v=H";'
