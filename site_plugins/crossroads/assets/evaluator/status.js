// Crossroads evaluator: the engine's state and the freshness of the result,
// in plain words. A result is never shown as current for other answers: the
// moment the answers change it is marked out of date (panel, summary,
// print); a failed or stopped engine is explained, with the technical detail
// folded. A mixin of the Evaluator class (see evaluator.js).

import { GIVE_UP_AFTER_MS, REQUEST_TIMEOUT_MS } from "./client.js";

const STALE_NOTICE_MS = 300; // an update slower than this shows the "out of date" notice
const STALE_ANNOUNCE_MS = 1500; // an update slower than this is announced

// What each file the engine needs is, in plain words (see worker.js).
const FILE_ROLES = {
  "worker.js": "the script that runs the engine in the background",
  "engine.tar.gz": "the scoring engine and the method",
  "pyodide.mjs": "the loader of the Python runtime",
  "pyodide.asm.mjs": "the Python runtime",
  "pyodide.asm.wasm": "the Python runtime, compiled to WebAssembly",
  "python_stdlib.zip": "Python's standard library",
  "pyodide-lock.json": "the list of the Python runtime's parts",
};

export const withStatus = (Base) =>
  class extends Base {
    /* engine status and scoring */

    engineChanged() {
      const c = this.client;
      const status = this.el("cr-status");
      const retry = this.el("cr-retry");
      this.root.querySelector(".cr-engine").dataset.state = c.state;
      this.root.dataset.engine = c.state;
      // How the engine started ("fresh" or "kept": from the copy kept in this
      // browser) and whether that copy was stored afterwards.
      this.root.dataset.start = c.info ? c.info.start || "fresh" : "";
      this.root.dataset.kept = c.kept || "";
      this.el("cr-report-md").disabled = c.state !== "ready";
      this.showProgress();
      if (c.state === "loading") {
        // The live region changes at the start and when ready, not with each
        // step: the steps, the bytes and a slow start are in the progress
        // bar's label and the results panel's note.
        const what = c.wasReady ? "Restarting the scoring engine." : "Loading the scoring engine.";
        const text = `${what} You can answer meanwhile; the result appears when it is ready.`;
        if (status.textContent !== text) status.textContent = text;
        retry.hidden = true;
        this.setDetail("cr-status-detail", null);
      } else if (c.state === "ready") {
        status.textContent = "Scoring engine ready: the result updates as you answer.";
        retry.hidden = true;
        this.setDetail("cr-status-detail", null);
        if (this.restoring) this.checkRestored(this.restoring);
        this.score();
      } else {
        const { text, detail } = this.failureText();
        status.textContent = text;
        this.setDetail("cr-status-detail", detail);
        retry.textContent = c.state === "stopped" ? "Restart the engine" : "Retry";
        retry.hidden = false;
        if (!this.result) this.setSummary(`No result: the scoring engine ${c.state === "stopped" ? "stopped" : "could not start"}. Your answers are kept.`);
      }
      this.updateFreshness();
      this.renderReport();
    }

    // The progress bars (top of the page, phone's bottom bar) and the
    // results panel's note while the engine loads: what is loading and how
    // much is left, in bytes received from the download itself.
    showProgress() {
      const c = this.client;
      const loading = c.state === "loading";
      const { loaded, total } = c.download();
      const mb = (bytes) => (bytes / 1e6).toFixed(1);
      let label = "";
      let value = null;
      if (loading) {
        const downloading = total > 0 && c.step.step <= 1 && !c.step.kept;
        if (c.step.kept) label = "Starting from the copy kept in this browser";
        else if (downloading && loaded < total) label = `Downloading the Python runtime and the engine: ${mb(total - loaded)} MB left of ${mb(total)} MB`;
        else if (c.step.step <= 1) label = c.step.step ? "Starting Python" : "Starting the background worker";
        else label = c.step.step === 2 ? "Loading the method" : "Checking the method";
        value = downloading ? loaded : total > 0 && c.step.step >= 1 ? total : null;
      }
      for (const [box, text] of [
        ["cr-load", "cr-load-label"],
        ["cr-load-mobile", "cr-load-mobile-label"],
      ]) {
        this.el(box).hidden = !loading;
        if (this.el(text).textContent !== label) this.el(text).textContent = label;
      }
      for (const bar of ["cr-load-bar", "cr-load-mobile-bar", "cr-load-panel-bar"]) {
        const progress = this.el(bar);
        if (total > 0) progress.max = total;
        if (value === null) progress.removeAttribute("value");
        else progress.value = value;
      }
      const waiting = this.el("cr-waiting");
      waiting.hidden = !loading || this.result !== null;
      const slow = c.slow ? " This is taking longer than usual; it carries on in the background." : "";
      const note = loading
        ? `Waiting for the scoring engine: ${label.charAt(0).toLowerCase()}${label.slice(1)}. Answer meanwhile: your result appears here as soon as it is ready.${slow}`
        : "";
      const said = this.el("cr-waiting-text");
      if (said.textContent !== note) said.textContent = note;
    }

    // What went wrong and what the reader can do, in plain words; the
    // technical detail goes in a collapsible part below.
    failureText() {
      const c = this.client;
      const f = c.failure || {};
      const file = f.file ? `the file “${f.file}” (${FILE_ROLES[f.file] || "a part of the engine"})` : "a part of the engine";
      const kept = "Your answers are kept: you can go on answering, and save them to a file.";
      const tell = "tell whoever publishes this handbook, and give them the technical detail below";
      const tellIt = "tell whoever publishes it, and give them the technical detail below";
      if (c.state === "stopped") {
        const what =
          f.problem === "timeout"
            ? `The scoring engine stopped working: it gave no reply within ${REQUEST_TIMEOUT_MS / 1000} seconds.`
            : "The scoring engine stopped working: it failed while scoring.";
        return {
          text: `${what} ${kept} Press “Restart the engine” to start it again; if this keeps happening, reload the page, or open your saved file in another browser.`,
          detail: f.reason,
        };
      }
      const plain = {
        download: [`${file} could not be downloaded from this site`, `Check your internet connection and press Retry. If it fails again, this copy of the handbook may be incomplete: ${tellIt}.`],
        damaged: [`${file} was downloaded but is damaged`, `Press Retry. If it fails again, this copy of the handbook is broken: ${tellIt}.`],
        method: [`the method in ${file} could not be loaded`, `This copy of the handbook is broken: ${tellIt}.`],
        refused: [
          "this browser refused to run the engine, which needs WebAssembly (it may be turned off, or blocked by a security setting)",
          "Try another browser, or ask whoever looks after this computer.",
        ],
        unsupported: ["this browser cannot run the engine in the background", "Use a recent version of Firefox, Chrome, Edge or Safari."],
        slow: [`it did not finish starting within ${GIVE_UP_AFTER_MS / 1000} seconds`, "Check your internet connection and press Retry."],
        crashed: ["its background worker stopped with an error while starting", `Press Retry. If it fails again, ${tell}.`],
      }[f.problem] || ["an unexpected error stopped it while starting", `Press Retry. If it fails again, ${tell}.`];
      return { text: `The scoring engine could not start: ${plain[0]}. ${kept} ${plain[1]}`, detail: f.reason };
    }

    /* freshness: a result is never shown as current for other answers */

    isStale() {
      return this.result !== null && this.resultKey !== this.answersKey();
    }

    updateFreshness() {
      const c = this.client;
      const stale = this.isStale();
      const down = c.state === "failed" || c.state === "stopped";
      const failed = down || this.scoreError !== null;
      this.root.dataset.stale = String(stale);
      const results = this.el("cr-results");
      if (stale && !failed) results.setAttribute("aria-busy", "true");
      else if (stale || !this.scoring) results.removeAttribute("aria-busy");
      const kicker = this.el("cr-rec").querySelector(".cr-rec__kicker");
      if (kicker) {
        if (!kicker.dataset.text) kicker.dataset.text = kicker.textContent;
        kicker.textContent = stale ? `Out of date: ${kicker.dataset.text.toLowerCase()} for your earlier answers` : kicker.dataset.text;
      }
      // Recording "Proceed" needs a current result.
      const record = this.el("cr-record-proceed");
      if (record) record.disabled = stale;
      clearTimeout(this.staleTimer);
      clearTimeout(this.revealTimer);
      const noResult = !stale && this.result === null && (this.scoreError !== null || down);
      this.el("cr-stale").hidden = !stale && !noResult;
      this.root.dataset.staleShown = String(stale);
      this.root.dataset.staleSaid = "false";
      this.el("cr-restart").textContent = c.state === "failed" ? "Retry" : "Restart the engine";
      if (noResult) {
        this.el("cr-stale-text").textContent = down
          ? `No result: the scoring engine ${c.state === "stopped" ? "stopped" : "could not start"} (the message at the top of the page says why). Your answers are kept.`
          : "No result: the result for your answers could not be computed. Restart the engine to try again; your answers are kept.";
        this.el("cr-restart").hidden = false;
        this.setDetail("cr-stale-detail", down ? null : this.scoreError.message);
        return;
      }
      if (!stale) {
        this.el("cr-restart").hidden = true;
        this.setDetail("cr-stale-detail", null);
        return;
      }
      let text;
      let detail = null;
      if (down) {
        text =
          "Out of date: this result was computed for your earlier answers, and the scoring engine has stopped, so it cannot be updated. " +
          "Restart the engine to update it; your answers are kept.";
        detail = c.failure && c.failure.reason;
      } else if (this.scoreError) {
        text = "Out of date: the result for your new answers could not be computed. Restart the engine to try again; your answers are kept.";
        detail = this.scoreError.message;
      } else if (c.state === "loading") {
        text = "Out of date: this result was computed for your earlier answers. The scoring engine is starting; the result will be updated when it is ready.";
      } else {
        text = "Out of date: updating the result for your new answers…";
      }
      this.el("cr-stale-text").textContent = text;
      this.el("cr-restart").hidden = !failed;
      this.setDetail("cr-stale-detail", detail);
      // The summary is the panel's live region (and the phone's bottom bar):
      // at once when the result cannot come, else if it is slow to come. A
      // running engine replies in milliseconds: its notice waits a moment, so
      // that each answer does not make the panel flicker (the kicker, the
      // print report and aria-busy say "out of date" at once).
      const announce = () => {
        if (!this.isStale()) return;
        this.setSummary(text);
        this.root.dataset.staleSaid = "true";
      };
      if (failed || c.state !== "ready") {
        announce();
      } else {
        this.el("cr-stale").hidden = true;
        this.root.dataset.staleShown = "false";
        this.revealTimer = setTimeout(() => {
          if (!this.isStale()) return;
          this.el("cr-stale").hidden = false;
          this.root.dataset.staleShown = "true";
        }, STALE_NOTICE_MS);
        this.staleTimer = setTimeout(announce, STALE_ANNOUNCE_MS);
      }
    }
  };
