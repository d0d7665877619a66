"""The in-page evaluator: its build-time HTML and the runtime files it needs.

Interface used by plugin.py (keep the signatures):

    evaluator_files(config, method, profile) -> list[mkdocs.structure.files.File]
        Files to add to the site so the evaluator runs offline: the Pyodide
        runtime from node_modules, the engine archive, the compiled method JSON,
        and the evaluator's own JS/CSS.

    render_evaluator(method, profile, root) -> str
        The questionnaire form and results panel as HTML, rendered from the
        method at build time. `root` is the relative URL from the page to the
        site root (e.g. "../"), used to reference the evaluator's assets.
"""

from __future__ import annotations


def evaluator_files(config, method, profile):
    return []


def render_evaluator(method, profile, root: str) -> str:
    return '<div class="crossroads-evaluator" data-pending="true"><p>The evaluator is being built.</p></div>'
