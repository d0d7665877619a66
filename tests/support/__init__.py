"""Helpers shared by the test suites, in one place.

- support.engine: the CLI in-process, reference vectors, the engine's import graph;
- support.site: tiny handbooks built from the mini method, golden files, page text;
- support.promises: the built site's pages, a static server and nginx for the hosting tests;
- support.evaluator: driving the evaluator in Chromium (answers, form state, results, axe, requests);
- support.steps: answering the evaluator in a browser page, for the promise tests;
- support.server: one static server for a built site;
- support.catalogue: the catalogue of bad input, as data.

Test modules import from here, never from one another.
"""
