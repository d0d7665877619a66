"""The evaluator's start, as a reader sees it: a progress bar read from the
download itself on a slow line, one announcement at the start and one when
ready, a second visit started from the copy kept in this browser (and the
normal start whenever that copy cannot be used), and the runtime fetched
ahead when a reader points at a link to the evaluator, never otherwise.

Screenshots of the throttled start land in test-artifacts/.
"""

from __future__ import annotations

import json

import pytest

from support.evaluator import RequestLog, click_answer, open_evaluator, wait_scored

pytestmark = pytest.mark.browser

MBIT = 1_000_000 / 8  # bytes per second
ROOT = "document.querySelector('#crossroads-evaluator')"

# Every text the two live regions take, from the first script on.
WATCH_LIVE = """
window.__live = {status: [], summary: []};
new MutationObserver(() => {
  for (const [key, id] of [['status', 'cr-status'], ['summary', 'cr-summary']]) {
    const el = document.getElementById(id);
    const list = window.__live[key];
    if (el && list[list.length - 1] !== el.textContent) list.push(el.textContent);
  }
}).observe(document, {subtree: true, childList: true, characterData: true});
"""

KEPT_RECORD = """async () => {
  const db = await new Promise((ok, no) => { const r = indexedDB.open('crossroads-runtime'); r.onsuccess = () => ok(r.result); r.onerror = () => no(r.error); });
  const record = await new Promise((ok, no) => { const r = db.transaction('snapshot').objectStore('snapshot').get('runtime'); r.onsuccess = () => ok(r.result); r.onerror = () => no(r.error); });
  db.close();
  if (!record) return null;
  const bytes = new Uint8Array(record.bytes);
  const digest = Array.from(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes)), b => b.toString(16).padStart(2, '0')).join('');
  return {key: record.key, size: bytes.length, sha256: record.sha256, actual: digest, head: Array.from(bytes.subarray(0, 4))};
}"""

# Damage the kept copy: "checksum" flips bytes in the middle and leaves the
# checksum as it was; "refused" writes bytes that are not a snapshot at all,
# with their own correct checksum, so that only Pyodide can refuse them.
DAMAGE = """async (how) => {
  const db = await new Promise((ok, no) => { const r = indexedDB.open('crossroads-runtime'); r.onsuccess = () => ok(r.result); r.onerror = () => no(r.error); });
  const store = (mode) => db.transaction('snapshot', mode).objectStore('snapshot');
  const record = await new Promise((ok) => { const r = store('readonly').get('runtime'); r.onsuccess = () => ok(r.result); });
  let bytes = new Uint8Array(record.bytes);
  if (how === 'checksum') {
    bytes = bytes.slice();
    for (let i = 0; i < 4096; i++) bytes[(bytes.length >> 1) + i] ^= 0x5a;
  } else {
    bytes = new Uint8Array(1 << 20).fill(7);
    record.sha256 = Array.from(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes)), b => b.toString(16).padStart(2, '0')).join('');
  }
  record.bytes = bytes.buffer;
  await new Promise((ok, no) => { const tx = db.transaction('snapshot', 'readwrite'); tx.objectStore('snapshot').put(record, 'runtime'); tx.oncomplete = ok; tx.onerror = () => no(tx.error); });
  db.close();
}"""

# Whether the kept copy holds a string, searched byte by byte.
KEPT_HOLDS = """async (text) => {
  const db = await new Promise((ok, no) => { const r = indexedDB.open('crossroads-runtime'); r.onsuccess = () => ok(r.result); r.onerror = () => no(r.error); });
  const record = await new Promise((ok) => { const r = db.transaction('snapshot').objectStore('snapshot').get('runtime'); r.onsuccess = () => ok(r.result); });
  db.close();
  const bytes = new Uint8Array(record.bytes);
  const needle = new TextEncoder().encode(text);
  outer: for (let i = bytes.indexOf(needle[0]); i >= 0 && i <= bytes.length - needle.length; i = bytes.indexOf(needle[0], i + 1)) {
    for (let j = 1; j < needle.length; j++) if (bytes[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}"""


def throttle(context, tab, mbit: float) -> None:
    cdp = context.new_cdp_session(tab)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": 20, "downloadThroughput": mbit * MBIT, "uploadThroughput": mbit * MBIT})


def reading(tab) -> dict:
    return tab.evaluate("""() => ({
      value: document.querySelector('#cr-load-bar').value,
      max: document.querySelector('#cr-load-bar').max,
      determinate: document.querySelector('#cr-load-bar').hasAttribute('value'),
      label: document.querySelector('#cr-load-label').textContent,
      waiting: document.querySelector('#cr-waiting-text').textContent,
      panel: document.querySelector('#cr-load-panel-bar').value,
      shown: !document.querySelector('#cr-load').hidden,
    })""")


def wait_kept(tab, state: str = "stored") -> None:
    tab.wait_for_function(f"{ROOT}.dataset.kept === '{state}'", timeout=60_000)


def test_progress_bar_shows_the_download_on_a_slow_line(new_context, evaluator_url, artifacts):
    context = new_context()
    context.add_init_script(WATCH_LIVE)
    tab = context.new_page()
    throttle(context, tab, 10)
    tab.goto(evaluator_url, wait_until="commit")
    tab.wait_for_function("() => { const b = document.querySelector('#cr-load-bar'); return b && b.hasAttribute('value') && b.value > 0.15 * b.max; }", timeout=60_000)
    first = reading(tab)
    tab.screenshot(path=str(artifacts / "evaluator-progress-1.png"))
    # The reader can answer meanwhile.
    click_answer(tab, "political_system", "hybrid")
    tab.evaluate("document.querySelector('#q-political_system').scrollIntoView({block: 'center'})")
    tab.wait_for_function("() => { const b = document.querySelector('#cr-load-bar'); return b.value > 0.6 * b.max; }", timeout=60_000)
    second = reading(tab)
    tab.screenshot(path=str(artifacts / "evaluator-progress-2.png"))
    assert first["shown"] and second["shown"] and first["determinate"]
    assert tab.is_visible("#cr-load-panel-bar") and second["panel"] >= second["value"]
    assert first["value"] < second["value"] <= second["max"] == first["max"]
    left = [float(r["label"].split(": ")[1].split(" MB left")[0]) for r in (first, second)]
    assert left[0] > left[1] > 0, (first["label"], second["label"])
    assert first["label"].startswith("Downloading the Python runtime and the engine:") and f"of {first['max'] / 1e6:.1f} MB" in first["label"]
    assert first["waiting"].startswith("Waiting for the scoring engine: downloading"), first["waiting"]
    tab.evaluate("window.crossroads.ready")
    wait_scored(tab)
    assert not tab.is_visible("#cr-load") and not tab.is_visible("#cr-waiting")
    live = tab.evaluate("window.__live")
    # One polite announcement at the start and one when ready; the bytes are not read out.
    started = [text for text in live["status"] if text.startswith("Loading the scoring engine")]
    assert len(started) == 1 and live["status"][-1].startswith("Scoring engine ready"), live["status"]
    assert len(live["status"]) <= 3, live["status"]  # the text without JavaScript, then the two
    assert not any("MB" in text for text in live["status"] + live["summary"])


def test_phone_bottom_bar_shows_the_progress(new_context, evaluator_url, artifacts):
    context = new_context(viewport={"width": 390, "height": 760}, is_mobile=True, has_touch=True)
    tab = context.new_page()
    throttle(context, tab, 10)
    tab.goto(evaluator_url, wait_until="commit")
    tab.wait_for_selector("#q-stage", state="attached")
    tab.evaluate("document.querySelector('#q-stage').scrollIntoView()")
    tab.wait_for_function("() => { const b = document.querySelector('#cr-load-mobile-bar'); return b && b.hasAttribute('value') && b.value > 0.1 * b.max; }", timeout=60_000)
    assert tab.is_visible("#cr-load-mobile-bar") and tab.is_visible("#cr-load-mobile-label")
    assert "MB left" in tab.inner_text("#cr-load-mobile-label")
    tab.screenshot(path=str(artifacts / "evaluator-progress-phone.png"))
    tab.evaluate("window.crossroads.ready")
    tab.wait_for_function(f"{ROOT}.dataset.engine === 'ready'")
    assert not tab.is_visible("#cr-load-mobile-bar")


def test_second_visit_starts_from_the_kept_copy(new_context, evaluator_url, cli_assess, site_config):
    context = new_context()
    tab = open_evaluator(context, evaluator_url)
    assert tab.evaluate("window.crossroads.ready.then(r => r.start)") == "fresh"
    wait_kept(tab)
    record = tab.evaluate(KEPT_RECORD)
    assert record["sha256"] == record["actual"] and record["size"] > 1_000_000
    assert site_config["engine"] in record["key"] and site_config["stdlib"] in record["key"] and site_config["pyodide"] in record["key"]
    tab.reload()
    ready = tab.evaluate("window.crossroads.ready")
    assert ready["start"] == "kept" and ready["kept_problem"] is None, ready
    answers = {"political_system": "non_democratic", "activities": ["study_visits", "investment"], "sg_gov": "yes"}
    assert tab.evaluate("a => window.crossroads.evaluate(a)", answers) == cli_assess({"answers": answers}, site_config["profile"])
    click_answer(tab, "stage", "proposed")
    wait_scored(tab)
    assert tab.errors == []


def test_the_kept_copy_never_holds_answers(new_context, evaluator_url):
    """Answers waiting in the worker's queue while it starts are answered after the copy is made."""
    marker = "Kestrelharbour delegation 4417"
    context = new_context()
    tab = open_evaluator(context, evaluator_url)
    click_answer(tab, "stage", "proposed")
    tab.fill("[data-partnership='name']", marker)
    tab.wait_for_function("m => Object.values(localStorage).some(v => v.includes(m))", arg=marker)
    wait_kept(tab)
    # Drop the copy: the next start is a normal one, with the stored answers checked meanwhile.
    tab.evaluate("() => new Promise(ok => { const r = indexedDB.deleteDatabase('crossroads-runtime'); r.onsuccess = r.onerror = ok; })")
    tab.reload()
    tab.evaluate("window.crossroads.ready")
    assert tab.input_value("[data-partnership='name']") == marker
    wait_kept(tab)
    assert tab.evaluate(KEPT_HOLDS, "Kestrelharbour") is False
    assert tab.evaluate(KEPT_HOLDS, "political_system") is True  # the search does find what the engine holds


@pytest.mark.parametrize("how", ["checksum", "refused"])
def test_a_damaged_kept_copy_falls_back_to_the_normal_start_and_is_replaced(new_context, evaluator_url, how):
    context = new_context()
    tab = open_evaluator(context, evaluator_url)
    wait_kept(tab)
    good = tab.evaluate(KEPT_RECORD)
    tab.evaluate(DAMAGE, how)
    damaged = tab.evaluate(KEPT_RECORD)
    assert (damaged["sha256"] != damaged["actual"]) == (how == "checksum")
    tab.reload()
    ready = tab.evaluate("window.crossroads.ready")
    assert ready["start"] == "fresh", ready
    assert ("damaged" if how == "checksum" else "refused") in ready["kept_problem"], ready
    wait_scored(tab)
    wait_kept(tab)
    again = tab.evaluate(KEPT_RECORD)
    assert again["sha256"] == again["actual"] and again["head"] == good["head"] and again["size"] == good["size"]
    tab.reload()
    assert tab.evaluate("window.crossroads.ready.then(r => r.start)") == "kept"
    assert tab.errors == []


def test_dont_store_anything_removes_the_kept_copy(new_context, evaluator_url):
    context = new_context()
    tab = open_evaluator(context, evaluator_url)
    wait_kept(tab)
    tab.check("#cr-nostore")
    tab.wait_for_function("async () => !(await indexedDB.databases()).some(d => d.name === 'crossroads-runtime')")
    assert "copy of the scoring engine" in tab.inner_text("#cr-nostore-help")


def _runtime_requests(log: RequestLog) -> list[str]:
    """What the page asked for of the runtime (the service worker keeps the small list runtime.json with the site)."""
    return [url for url in log.page_urls if "runtime.json" in url or "pyodide" in url or "engine.tar.gz" in url]


def test_pointing_at_a_link_to_the_evaluator_fetches_the_runtime(new_context, site_root_url):
    context = new_context()
    log = RequestLog(context)
    tab = context.new_page()
    tab.goto(site_root_url + "/risks/")
    tab.wait_for_load_state("networkidle")
    tab.mouse.move(5, 400)
    tab.wait_for_timeout(300)
    assert _runtime_requests(log) == [], "a page load alone fetched the evaluator's runtime"
    link = tab.locator("a[href$='evaluator/']").first
    link.hover()
    tab.wait_for_function("() => [...document.querySelectorAll('link[rel=prefetch]')].some(l => l.href.includes('pyodide.asm.wasm'))")
    tab.wait_for_function("() => performance.getEntriesByType('resource').some(e => e.name.includes('pyodide.asm.wasm') && e.responseEnd > 0)", timeout=60_000)
    fetched = _runtime_requests(log)
    assert any("pyodide.asm.wasm" in url for url in fetched) and any("python_stdlib.zip?v=" in url for url in fetched), fetched
    assert log.foreign(site_root_url) == []


def test_focusing_a_link_to_the_evaluator_fetches_the_runtime_and_other_links_do_not(new_context, site_root_url):
    context = new_context()
    log = RequestLog(context)
    tab = context.new_page()
    tab.goto(site_root_url + "/")
    tab.wait_for_load_state("networkidle")
    tab.locator("a[href$='risks/']").first.focus()
    tab.locator("a[href$='risks/']").first.hover()
    tab.wait_for_timeout(500)
    assert _runtime_requests(log) == []
    tab.locator("a[href$='evaluator/']").first.focus()
    tab.wait_for_function("() => document.querySelectorAll('link[rel=prefetch]').length > 0")
    files = json.loads(tab.evaluate("fetch('assets/evaluator/runtime.json').then(r => r.text())"))["files"]
    prefetched = tab.evaluate("[...document.querySelectorAll('link[rel=prefetch]')].map(l => l.href)")
    assert len(prefetched) == len(files)


def test_the_evaluator_page_itself_prefetches_nothing_ahead(new_context, evaluator_url):
    context = new_context()
    log = RequestLog(context)
    tab = open_evaluator(context, evaluator_url)
    tab.locator("a.md-tabs__link[href='./']").hover()  # the evaluator's own tab
    tab.wait_for_timeout(300)
    assert log.page_matching("runtime.json") == []
    assert tab.evaluate("document.querySelectorAll('link[rel=prefetch]').length") == 0
