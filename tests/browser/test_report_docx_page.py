"""The DOCX report module in Chromium, as the built site serves it: it loads
the docx package from the site itself (no other host), and turns the
engine's report view into a Word file whose text holds the reader's text
escaped, never as markup."""

from __future__ import annotations

import base64
import html
import io
import json
import re
import zipfile
from urllib.parse import urlsplit

import pytest

from engine import api
from engine.report import report_view
from support.register import FULL

pytestmark = pytest.mark.browser

NOTE = "<script>alert(1)</script> =HYPERLINK(\"x\") **bold**"


def test_docx_report_in_the_page(browser, site_root_url, method):
    document = dict(FULL, notes={"stage": NOTE})
    checked, result = api.assessment(method, document)
    view = report_view(method, checked, result)
    context = browser.new_context()
    try:
        page = context.new_page()
        requests = []
        page.on("request", lambda request: requests.append(request.url))
        errors = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(site_root_url + "/")
        reply = page.evaluate("""async ([url, view]) => {
          const module = await import(url);
          const blob = await module.docxReport(view);
          const bytes = new Uint8Array(await blob.arrayBuffer());
          let text = "";
          for (const b of bytes) text += String.fromCharCode(b);
          return { type: blob.type, data: btoa(text) };
        }""", [site_root_url + "/assets/evaluator/report_docx.js", view])
    finally:
        context.close()
    assert errors == []
    assert reply["type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    with zipfile.ZipFile(io.BytesIO(base64.b64decode(reply["data"]))) as archive:
        body = archive.read("word/document.xml").decode("utf-8")
    # The reader's note is one text run, XML-escaped; read back as text, it is what was typed.
    texts = html.unescape("".join(re.findall(r"<w:t(?: [^>]*)?>(.*?)</w:t>", body)))
    assert NOTE in texts and "<script>" not in body and "&lt;script&gt;" in body
    assert "Harbour twinning" in body and "Engage with conditions" in body
    origin = urlsplit(site_root_url).netloc
    assert all(urlsplit(url).netloc == origin for url in requests if url.startswith("http")), requests
    assert any("/assets/docx/" in url and url.endswith("/docx.mjs") for url in requests), requests
    json.dumps(view)
