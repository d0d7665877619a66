"""Share links the evaluator makes are links it opens (issue 10, item 5).

The length is checked before a link is offered: a link whose answers would
be refused by the receiving page (more than 400,000 characters after the
"#") is never offered or copied; the reader is told to send a file instead.
Long links are compressed (deflate-raw, "#z=") when that makes them
shorter; the first form ("#a=", base64url of the JSON) is still made for
short links and still opened. Compressed links are unpacked with a size
limit, and a damaged one is refused like any other bad link."""

from __future__ import annotations

import base64
import json
import zlib
from urllib.parse import urlsplit

import pytest
from support.evaluator import axe_violations, click_answer, form_state, message, open_evaluator, wait_scored

pytestmark = pytest.mark.browser

MAX_FRAGMENT_CHARS = 400_000  # evaluator.js: what a receiving page accepts after "#a=" or "#z="

# Fill every note and partnership field: `kind` "repeated" (compresses well) or "random" (does not).
FILL = """
kind => {
  const max = Number(document.querySelector('#cr-p-name').maxLength);
  const text = i => kind === 'repeated'
    ? ('城市外交 ' + i + ' ').repeat(max).slice(0, max)
    : Array.from({length: max}, () => String.fromCharCode(0x4e00 + Math.floor(Math.random() * 20000))).join('');
  const fields = [...document.querySelectorAll('#cr-form textarea, #cr-form input[type=text]')];
  fields.forEach((el, i) => { el.value = text(i); });
  fields[0].dispatchEvent(new Event('input', {bubbles: true}));
  return fields.length;
}
"""


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def deflate_raw(data: bytes) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    return packer.compress(data) + packer.flush()


def open_share_panel(tab, with_notes: bool) -> None:
    if tab.get_attribute("#cr-share", "aria-expanded") != "true":
        tab.click("#cr-share")
    tab.set_checked("#cr-share-notes", with_notes)


def test_long_link_is_compressed_and_opens(new_context, evaluator_url):
    sender = open_evaluator(new_context(permissions=["clipboard-read", "clipboard-write"]), evaluator_url)
    click_answer(sender, "stage", "existing")
    click_answer(sender, "political_system", "hybrid")
    assert sender.evaluate(FILL, "repeated") >= 30
    original = form_state(sender)
    uncompressed = b64(json.dumps({"notes": original["notes"], "partnership": original["partnership"]}, ensure_ascii=False).encode())
    assert len(uncompressed) > MAX_FRAGMENT_CHARS, "the test needs notes that an uncompressed link cannot carry"
    open_share_panel(sender, with_notes=True)
    sender.click("#cr-share-copy")
    sender.wait_for_function("document.querySelector('#cr-share-url').value.includes('#z=')")
    link = sender.input_value("#cr-share-url")
    assert len(urlsplit(link).fragment) - 2 <= MAX_FRAGMENT_CHARS
    sender.wait_for_function("document.querySelector('#cr-message').textContent.includes('copied')")
    assert sender.evaluate("navigator.clipboard.readText()") == link
    if len(link) > 8000:
        assert "cut long links" in sender.inner_text("#cr-share-note")
    receiver = open_evaluator(new_context(), link)
    receiver.wait_for_function("() => !location.hash")
    assert "Opened the answers from the link" in message(receiver)
    assert form_state(receiver) == original
    assert sender.errors == [] and receiver.errors == []


def test_link_too_long_even_compressed_is_not_offered(new_context, evaluator_url):
    tab = open_evaluator(new_context(permissions=["clipboard-read", "clipboard-write"]), evaluator_url)
    click_answer(tab, "stage", "existing")
    tab.evaluate(FILL, "random")
    tab.evaluate("navigator.clipboard.writeText('clipboard before')")
    open_share_panel(tab, with_notes=True)
    tab.click("#cr-share-copy")
    tab.wait_for_selector("#cr-share-note:visible")
    note = tab.inner_text("#cr-share-note")
    assert note.startswith("No link was made") and "Save them to a file" in note and "without the notes" in note
    assert "copied" not in message(tab) and message(tab).startswith("No link was made")
    assert tab.input_value("#cr-share-url") == ""
    assert tab.evaluate("navigator.clipboard.readText()") == "clipboard before"
    # The way out is one key press away: "Save to a file instead" has focus.
    assert tab.evaluate("document.activeElement.id") == "cr-share-file"
    assert axe_violations(tab) == []
    tab.focus("#cr-share-file")
    with tab.expect_download() as download:
        tab.keyboard.press("Enter")
    assert download.value.suggested_filename.endswith(".json")
    # Without the notes, the link fits (and is short: the first form).
    tab.set_checked("#cr-share-notes", False)
    assert not tab.is_visible("#cr-share-note")
    tab.click("#cr-share-copy")
    tab.wait_for_function("document.querySelector('#cr-share-url').value.includes('#a=')")
    tab.wait_for_function("document.querySelector('#cr-message').textContent.includes('copied')")
    assert tab.errors == []


def test_short_link_keeps_the_first_form(shared_page):
    tab = shared_page
    click_answer(tab, "stage", "proposed")
    open_share_panel(tab, with_notes=False)
    tab.click("#cr-share-copy")
    tab.wait_for_function("document.querySelector('#cr-share-url').value !== ''")
    fragment = urlsplit(tab.input_value("#cr-share-url")).fragment
    assert fragment.startswith("a=")
    code = fragment[2:]
    assert json.loads(base64.urlsafe_b64decode(code + "=" * (-len(code) % 4)))["answers"] == {"stage": "proposed"}
    tab.click("#cr-share")
    tab.click("#q-stage [data-clear]")


def test_compressed_link_made_elsewhere_opens(new_context, evaluator_url):
    doc = {"format": "crossroads-assessment", "method_version": "2.0.0", "answers": {"stage": "existing", "visibility": "low"}}
    tab = open_evaluator(new_context(), evaluator_url + "#z=" + b64(deflate_raw(json.dumps(doc).encode())))
    tab.wait_for_function("() => !location.hash")
    assert form_state(tab)["answers"] == doc["answers"]


HOSTILE_LINKS = {
    "not deflate": lambda: "#z=" + b64(b"\x00garbage{" * 40),
    "deflate bomb": lambda: "#z=" + b64(deflate_raw(b"{" + b" " * 60_000_000)),
    "junk after the deflate stream": lambda: "#z=" + b64(deflate_raw(b'{"answers": {}}') + b"trailing junk"),
    "deflate of no JSON": lambda: "#z=" + b64(deflate_raw(b"{not json")),
    "deflate of broken UTF-8": lambda: "#z=" + b64(deflate_raw(b'{"answers": {}, "notes": {"stage": "\xff\xfe"}}')),
    "deflate of an unknown question": lambda: "#z=" + b64(deflate_raw(json.dumps({"answers": {"nope": "x"}}).encode())),
    "compressed and too long": lambda: "#z=" + "A" * (MAX_FRAGMENT_CHARS + 1),
    "characters a link never has": lambda: "#z=abc$def",
}


def test_hostile_compressed_links_are_refused(shared_page, evaluator_url):
    tab = shared_page
    wait_scored(tab)
    click_answer(tab, "stage", "existing")
    before = form_state(tab)
    for name, make in HOSTILE_LINKS.items():
        tab.evaluate("document.querySelector('#cr-message').textContent = ''")
        tab.goto(evaluator_url + make())
        tab.wait_for_function("() => !location.hash && document.querySelector('#cr-message').textContent !== ''", timeout=20_000)
        said = message(tab)
        assert "could not be opened" in said and "unchanged" in said, f"{name}: {said}"
        assert form_state(tab) == before, name
    tab.click("#q-stage [data-clear]")
    assert tab.errors == []


def test_deflate_bomb_is_refused_with_its_reason(shared_page, evaluator_url):
    tab = shared_page
    tab.evaluate("document.querySelector('#cr-message').textContent = ''")
    tab.goto(evaluator_url + HOSTILE_LINKS["deflate bomb"]())
    tab.wait_for_function("() => !location.hash && document.querySelector('#cr-message').textContent !== ''", timeout=20_000)
    assert "unpacks to more than 2 MB" in message(tab)
