// Crossroads evaluator: the engine's state and the freshness of the result,
// in plain words. A result is never shown as current for other answers: the
// moment the answers change it is marked out of date (panel, summary,
// print); a failed or stopped engine is explained, with the technical detail
// folded. A mixin of the Evaluator class (see evaluator.js).

import { GIVE_UP_AFTER_MS, REQUEST_TIMEOUT_MS } from "./client.js";
import { language, t } from "./i18n.js";

const STALE_NOTICE_MS = 300; // an update slower than this shows the "out of date" notice
const STALE_ANNOUNCE_MS = 1500; // an update slower than this is announced

// What each file the engine needs is, in plain words (see worker.js).
const FILE_ROLES = {
  "worker.js": "status.file_worker",
  "engine.tar.gz": "status.file_engine",
  "pyodide.mjs": "status.file_loader",
  "pyodide.asm.mjs": "status.file_runtime",
  "pyodide.asm.wasm": "status.file_wasm",
  "python_stdlib.zip": "status.file_stdlib",
  "pyodide-lock.json": "status.file_lock",
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
        const text = t(c.wasReady ? "status.restarting" : "status.loading");
        if (status.textContent !== text) status.textContent = text;
        retry.hidden = true;
        this.setDetail("cr-status-detail", null);
      } else if (c.state === "ready") {
        status.textContent = t("status.ready");
        retry.hidden = true;
        this.setDetail("cr-status-detail", null);
        if (this.restoring) this.checkRestored(this.restoring);
        this.score();
      } else {
        const { text, detail } = this.failureText();
        status.textContent = text;
        this.setDetail("cr-status-detail", detail);
        retry.textContent = c.state === "stopped" ? t("results.restart") : t("status.retry");
        retry.hidden = false;
        if (!this.result) this.setSummary(t(c.state === "stopped" ? "status.no_result_stopped" : "status.no_result_failed"));
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
      const mb = (bytes) => new Intl.NumberFormat(language(), { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(bytes / 1e6);
      let label = "";
      let value = null;
      if (loading) {
        const downloading = total > 0 && c.step.step <= 1 && !c.step.kept;
        if (c.step.kept) label = t("status.step_kept");
        else if (downloading && loaded < total) label = t("status.step_download", { left: mb(total - loaded), total: mb(total) });
        else if (c.step.step <= 1) label = c.step.step ? t("status.step_python") : t("status.step_worker");
        else label = c.step.step === 2 ? t("status.step_method") : t("status.step_check");
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
      const slow = c.slow ? ` ${t("status.slow")}` : "";
      // In English the step reads on after a colon in lower case (German nouns keep theirs).
      const step = language() === "en" ? `${label.charAt(0).toLowerCase()}${label.slice(1)}` : label;
      const note = loading ? `${t("status.waiting", { step })}${slow}` : "";
      const said = this.el("cr-waiting-text");
      if (said.textContent !== note) said.textContent = note;
    }

    // What went wrong and what the reader can do, in plain words; the
    // technical detail goes in a collapsible part below.
    failureText() {
      const c = this.client;
      const f = c.failure || {};
      const file = f.file ? t("status.file", { name: f.file, role: t(FILE_ROLES[f.file] || "status.file_part") }) : t("status.file_part");
      const kept = t("status.kept");
      if (c.state === "stopped") {
        const what = f.problem === "timeout" ? t("status.stopped_timeout", { seconds: REQUEST_TIMEOUT_MS / 1000 }) : t("status.stopped");
        return { text: `${what} ${kept} ${t("status.stopped_do")}`, detail: f.reason };
      }
      const plain = {
        download: [t("status.why_download", { file }), t("status.do_download")],
        damaged: [t("status.why_damaged", { file }), t("status.do_damaged")],
        method: [t("status.why_method", { file }), t("status.do_method")],
        refused: [t("status.why_refused"), t("status.do_refused")],
        unsupported: [t("status.why_unsupported"), t("status.do_unsupported")],
        slow: [t("status.why_slow", { seconds: GIVE_UP_AFTER_MS / 1000 }), t("status.do_slow")],
        crashed: [t("status.why_crashed"), t("status.do_retry")],
      }[f.problem] || [t("status.why_unexpected"), t("status.do_retry")];
      return { text: `${t("status.failed", { why: plain[0] })} ${kept} ${plain[1]}`, detail: f.reason };
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
        kicker.textContent = stale ? t("status.kicker_stale", { kicker: kicker.dataset.text.toLocaleLowerCase(language()) }) : kicker.dataset.text;
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
      this.el("cr-restart").textContent = c.state === "failed" ? t("status.retry") : t("results.restart");
      if (noResult) {
        this.el("cr-stale-text").textContent = down
          ? t(c.state === "stopped" ? "status.panel_stopped" : "status.panel_failed")
          : t("status.panel_error");
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
        text = t("status.stale_down");
        detail = c.failure && c.failure.reason;
      } else if (this.scoreError) {
        text = t("status.stale_error");
        detail = this.scoreError.message;
      } else if (c.state === "loading") {
        text = t("status.stale_loading");
      } else {
        text = t("status.stale_updating");
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
