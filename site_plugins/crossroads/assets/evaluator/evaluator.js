// Crossroads evaluator: the page's entry module (loaded only on the
// evaluator page).
//
// The questionnaire is plain HTML rendered at build time, with the CSS
// rules that show its conditional questions (evaluator.show_rules); the
// modules of this folder make it live: "none of these" options, autosave in
// this browser, files, share links, reports, and the results panel. Scoring runs in worker.js (Pyodide), which start.js starts while the
// page is still being read (or this module, if start.js has not); the page and the worker exchange JSON strings matched by id
// (client.js). Each module has one job; the Evaluator class below holds the
// page's state and is composed of the mixins that act on it (form.js,
// storage.js, kept.js, tabs.js, files.js, share.js, status.js, scoring.js,
// result_parts.js, results.js, report.js, decision.js, saving.js); api.js
// is window.crossroads (with the register, register_store.js).
// Every import carries the imported file's content hash (`?v=`), written at
// build time by evaluator.py, so a new build never mixes with cached modules.
//
// Embedding and testing API, on the evaluator page (api.js):
//   window.crossroads.ready             Promise of the current engine start:
//                                       resolves with {method_version, profile,
//                                       python, timings}
//                                       when the engine is ready, rejects if it
//                                       fails (after Retry, read it again).
//   window.crossroads.evaluate(answers, {profile}?)
//                                       Promise of the result object, exactly
//                                       what `python -m engine assess --profile
//                                       <site profile>` prints for
//                                       {"answers": answers}. Pass {profile: "de"}
//                                       for another country profile, or
//                                       {profile: null} for none. Rejects with an
//                                       Error (.type, .question) on invalid input,
//                                       and (.type "stopped" or "unavailable") when
//                                       the engine has stopped, could not start, or
//                                       gives no reply within 10 seconds: it always
//                                       settles.
//   window.crossroads.check(document)   Promise of the engine's checked form of a
//                                       saved-assessment document.
//   window.crossroads.method_version, window.crossroads.profile
//   window.crossroads.compare(a, b)    Promise of the engine's comparison of two
//                                       assessment documents (a earlier).
//   window.crossroads.register          list / get / save / remove / export /
//                                       import of the register in this browser
//                                       (register_store.js; the handbook's hosting
//                                       page, "Embedding and automation").
// The evaluator element also fires "crossroads:result" (detail: {ms, result})
// each time the results panel has been updated, and the page records the
// performance marks "crossroads:interactive" (the form is live) and
// "crossroads:engine-ready".
//
// Reader text is only ever set with textContent or as attribute values.
//
// Never a stale verdict (status.js, scoring.js, client.js); never a
// reader's words lost (storage.js, kept.js, tabs.js).

import { publicApi } from "./api.js";
import { EngineClient } from "./client.js";
import { withFiles } from "./files.js";
import { withForm } from "./form.js";
import { withDecision } from "./decision.js";
import { withKept } from "./kept.js";
import { withReport } from "./report.js";
import { withResultParts } from "./result_parts.js";
import { withResults } from "./results.js";
import { withSaving } from "./saving.js";
import { withScoring } from "./scoring.js";
import { withShare } from "./share.js";
import { withStatus } from "./status.js";
import { withStorage } from "./storage.js";
import { withTabs } from "./tabs.js";
import { t } from "./i18n.js";

/* --------------------------------------------------------- evaluator */

class EvaluatorBase {
  constructor(root, client) {
    this.root = root;
    this.client = client;
    this.config = JSON.parse(root.querySelector("#cr-config").textContent);
    this.form = root.querySelector("#cr-form");
    this.el = (id) => root.querySelector(`#${id}`);
    this.noStore = false;
    this.result = null;
    this.scoring = false;
    this.again = false;
    this.inputAt = null;
    this.resultKey = null; // the answers (JSON) this.result was computed from
    this.migration = null; // {from, texts} when the answers came from an older method version
    this.recordedFor = null; // the answers (JSON) for which "Proceed" was recorded on the screen
    this.openDetails = new Set();
    this.scoreError = null; // the engine's error for the answers now in the form
    this.lastStored = null; // the record (text) this tab last read from or wrote to storage
    this.conflict = null; // {at} while another tab's changes and this tab's differ
    this.held = null; // {key, text, reason}: an unreadable record that could not be kept aside
    this.keptProblems = []; // what could not be read of the record kept aside on this load
    this.restoring = null; // {key, text, doc, shown}: the stored record, until the engine has checked it
    this.handledSignals = new Set();
    this.channel = null;
    this.profile = this.config.profile || null; // the reader's country profile (form.js)
    this.readModel();
    this.setProfile(this.profile);
    this.bind();
    this.restore();
    this.updateQuestions();
    this.loadFragment();
    this.renderReport();
    client.onchange = () => this.engineChanged();
    client.onprogress = () => this.showProgress();
    this.engineChanged();
    window.crossroads = publicApi(client, this.config, this.register);
    this.watchPanel();
    this.watchTabs();
    performance.mark("crossroads:interactive");
  }

  // On a phone the results come after the form: while they are out of view,
  // the one-line summary stays at the bottom of the screen (see the CSS).
  watchPanel() {
    if (!("IntersectionObserver" in window)) return;
    const observer = new IntersectionObserver((entries) => {
      for (const entry of entries) this.root.dataset.panelInView = String(entry.isIntersecting);
    });
    observer.observe(this.el("cr-results"));
  }
  /* events */

  bind() {
    this.form.addEventListener("submit", (event) => event.preventDefault());
    this.form.addEventListener("change", (event) => {
      const input = event.target;
      if (!(input instanceof HTMLInputElement) || (input.type !== "radio" && input.type !== "checkbox")) return;
      this.inputAt = performance.now();
      const q = this.byId.get(input.name);
      if (q && q.type === "multi" && input.checked) {
        const option = q.options.find((o) => o.input === input);
        for (const o of q.options) {
          if (o.input !== input && (option.exclusive || o.exclusive)) o.input.checked = false;
        }
      }
      this.updateQuestions();
      this.score();
      this.persist();
    });
    if (this.profileSelect) {
      this.profileSelect.addEventListener("change", () => {
        this.inputAt = performance.now();
        this.setProfile(this.profileSelect.value || null);
        this.score();
        this.renderReport();
        this.persist();
      });
    }
    this.form.addEventListener("input", (event) => {
      const el = event.target;
      if (el instanceof HTMLInputElement && (el.type === "radio" || el.type === "checkbox")) return;
      this.updateQuestions();
      this.persistSoon();
    });
    this.el("cr-results").addEventListener("click", (event) => {
      if (event.target.closest("#cr-record-proceed")) this.recordProceed();
    });
    this.form.addEventListener("click", (event) => {
      const button = event.target.closest("[data-clear]");
      if (!button) return;
      const q = this.byId.get(button.dataset.clear);
      for (const o of q.options) o.input.checked = false;
      this.inputAt = performance.now();
      this.updateQuestions();
      this.score();
      this.persist();
      q.options[0].input.focus();
    });
    this.root.addEventListener("click", (event) => {
      const link = event.target.closest('a[href^="#q-"]');
      if (!link) return;
      const q = this.byId.get(link.getAttribute("href").slice(3));
      if (!q || !q.visible) return;
      event.preventDefault();
      this.focusQuestion(q);
    });
    window.addEventListener("pagehide", () => this.flushPersist());
    // Changes that are not stored anywhere (another tab's version is being
    // kept, an unreadable record waits for the reader, or the stored record
    // waits for the engine's check): ask before leaving.
    window.addEventListener("beforeunload", (event) => {
      if ((this.conflict || this.held || this.restoring) && this.hasContent()) {
        event.preventDefault();
        event.returnValue = "";
      }
    });
    // A share link pasted into a tab already on this page changes only the fragment.
    window.addEventListener("hashchange", () => this.loadFragment());
    window.addEventListener("beforeprint", () => this.renderReport());

    this.el("cr-retry").addEventListener("click", () => {
      this.client.retry();
      this.el("cr-status").focus();
    });
    this.el("cr-restart").addEventListener("click", () => {
      this.client.retry();
      this.el("cr-results-title").focus();
    });
    this.el("cr-conflict-keep").addEventListener("click", () => this.conflictKeep());
    this.el("cr-conflict-use").addEventListener("click", () => this.conflictUse());
    this.el("cr-conflict-download").addEventListener("click", () => this.conflictDownload());
    this.el("cr-conflict-save").addEventListener("click", () => this.saveFile());
    this.el("cr-kept-list").addEventListener("click", (event) => {
      const button = event.target.closest("button[data-kept]");
      if (!button) return;
      if (button.dataset.action === "download") this.downloadKept(button.dataset.kept);
      else this.discardKept(button.dataset.kept);
    });
    this.el("cr-share-file").addEventListener("click", () => this.saveFile());
    this.el("cr-save").addEventListener("click", () => this.saveFile());
    this.el("cr-open").addEventListener("click", () => this.el("cr-open-file").click());
    this.el("cr-open-file").addEventListener("change", (event) => {
      const file = event.target.files && event.target.files[0];
      event.target.value = "";
      if (file) this.openFile(file);
    });
    this.el("cr-share").addEventListener("click", () => this.toggleShare());
    this.el("cr-share-copy").addEventListener("click", () => this.copyShareLink());
    this.el("cr-share-notes").addEventListener("change", () => this.clearShareLink());
    this.el("cr-report-md").addEventListener("click", () => this.downloadReport());
    this.el("cr-print").addEventListener("click", () => {
      this.renderReport();
      // Never on paper: a result computed for other answers than these.
      if (this.isStale()) {
        const down = this.client.state !== "ready" || this.scoreError;
        this.message(
          down
            ? t("print.stale_stopped")
            : t("print.stale_busy"),
          "error",
        );
        return;
      }
      window.print();
    });
    this.el("cr-erase").addEventListener("click", () => this.erase());
    this.el("cr-nostore").addEventListener("change", (event) => this.setNoStore(event.target.checked));
  }


  message(text, kind = "info") {
    const box = this.el("cr-message");
    box.hidden = false;
    if (box.textContent === text && box.dataset.kind === kind) return; // said already: not announced again
    box.dataset.kind = kind;
    box.textContent = text;
  }

  setSummary(text) {
    const live = this.el("cr-summary");
    if (live.textContent !== text) live.textContent = text;
  }

  // A collapsible "Technical detail" under a failure message.
  setDetail(id, text) {
    const box = this.el(id);
    box.hidden = !text;
    if (!text) box.open = false;
    box.querySelector(".cr-detail__text").textContent = text || "";
  }
}

const MIXINS = [withForm, withStorage, withKept, withTabs, withFiles, withShare, withStatus, withScoring, withResultParts, withResults, withReport, withDecision, withSaving];
const Evaluator = MIXINS.reduce((base, mixin) => mixin(base), EvaluatorBase);

/* -------------------------------------------------------------- start */

let client = null;

function start() {
  const root = document.querySelector("[data-crossroads-evaluator]");
  if (!root || root.dataset.live) return;
  root.dataset.live = "true";
  const config = JSON.parse(root.querySelector("#cr-config").textContent);
  // The worker start.js began, else a new one (and after a failed start).
  if (!client && window.crossroadsEngine) client = window.crossroadsEngine;
  if (!client || client.state === "failed") client = new EngineClient(config);
  new Evaluator(root, client);
}

start();
// Material's instant navigation swaps pages without reloading: start again
// when the evaluator page comes back (the engine keeps running meanwhile).
if (window.document$ && typeof window.document$.subscribe === "function") window.document$.subscribe(() => start());
