// Crossroads evaluator: the assessment in the register (register_store.js)
// and the reports made from the engine's report view (Markdown, DOCX, the
// action plan as CSV). "Save in the register" stores the assessment as a
// version of its partnership (ids made on the first save); it replaces the
// stored version only if that is the one this tab last read or wrote,
// otherwise the reader is asked. The register page opens a version here
// with ?open=VERSION, starts a new assessment of a partnership from its
// last answers with ?again=PARTNERSHIP, and an empty one with ?new.
// A mixin of the Evaluator class (see evaluator.js).

import { check } from "./check.js";
import { download, slug, today } from "./dom.js";
import { Register, newPartnershipId, newVersionId } from "./register_store.js";
import { t, tn } from "./i18n.js";

// Which stored version this tab last read or wrote ({id, saved_at}), kept
// for this tab only (sessionStorage) so that a reload still knows it.
const READ_KEY = "crossroads:register-read";

function readMark() {
  try {
    const mark = JSON.parse(sessionStorage.getItem(READ_KEY));
    return mark && typeof mark.id === "string" ? mark : null;
  } catch {
    return null;
  }
}

function setReadMark(id, savedAt) {
  try {
    if (id && savedAt) sessionStorage.setItem(READ_KEY, JSON.stringify({ id, saved_at: savedAt }));
    else sessionStorage.removeItem(READ_KEY);
  } catch {
    /* without it, a save after a reload asks first */
  }
}

export const withSaving = (Base) =>
  class extends Base {
    bind() {
      this.register = new Register(() => this.client);
      this.versionReadAt = null; // saved_at of the stored version as this tab last read or wrote it
      super.bind();
      this.el("cr-reg-save").addEventListener("click", () => this.saveToRegister());
      this.el("cr-report-docx").addEventListener("click", () => this.downloadDocx());
      this.el("cr-plan-csv").addEventListener("click", () => this.downloadCsv());
    }

    engineChanged() {
      super.engineChanged();
      const off = this.client.state !== "ready";
      this.el("cr-report-docx").disabled = off;
      this.el("cr-plan-csv").disabled = off;
    }

    apply(checked, options) {
      super.apply(checked, options);
      const mark = readMark();
      if (typeof checked.register_saved_at === "string") this.versionReadAt = checked.register_saved_at;
      else this.versionReadAt = mark && mark.id === this.versionId ? mark.saved_at : null;
      if (!this.noStore) setReadMark(this.versionId, this.versionReadAt);
    }

    eraseHere() {
      this.versionReadAt = null;
      setReadMark(null);
      super.eraseHere();
    }

    setNoStore(on, fromOtherTab = false) {
      super.setNoStore(on, fromOtherTab);
      if (on) setReadMark(null);
      if (on && !fromOtherTab) this.register.clear().catch(() => {});
    }

    erase() {
      const before = this.handledSignals.size;
      super.erase();
      // Erased (the reader confirmed): the register goes too.
      if (this.handledSignals.size > before) {
        this.register.clear().then(
          () => this.message(t("saving.erased")),
          (error) => this.message(t("saving.erase_failed", { reason: error.message }), "error"),
        );
      }
    }

    partnershipName() {
      return this.partnership().name || "";
    }

    /* the register */

    async saveToRegister() {
      if (this.noStore) {
        this.message(t("saving.nostore"), "error");
        return;
      }
      if (this.differs() !== null && !this.decisionFields.reason.value.trim()) {
        this.message(t("saving.needs_reason"), "error");
        this.decisionFields.reason.focus();
        return;
      }
      this.flushPersist();
      if (!this.partnershipFields.id.value) this.partnershipFields.id.value = newPartnershipId();
      if (!this.versionId) this.versionId = newVersionId();
      if (this.client.state === "loading") this.message(t("saving.waiting"));
      let doc = this.assessment();
      try {
        let done = await this.register.save(doc, { expect: this.versionReadAt });
        if (done.conflict) {
          const at = String(done.conflict.saved_at || "").replace("T", " ").slice(0, 16);
          if (
            window.confirm(
              t("saving.conflict", { at }),
            )
          ) {
            done = await this.register.save(doc, { force: true });
          } else {
            this.versionId = newVersionId();
            doc = this.assessment();
            done = await this.register.save(doc, { expect: null });
          }
        }
        this.versionReadAt = done.saved_at;
        setReadMark(this.versionId, done.saved_at);
        this.persist();
        const name = doc.partnership.name ? t("files.quoted", { name: doc.partnership.name }) : t("saving.this_partnership");
        this.message(t("saving.saved", { date: doc.saved_at.slice(0, 10), name }));
        this.renderRegisterStatus();
      } catch (error) {
        this.message(t("saving.failed", { reason: error.message }), "error");
      }
    }

    async renderRegisterStatus() {
      const box = this.el("cr-reg-status");
      const pid = this.partnershipFields.id.value;
      if (!pid || this.noStore) {
        box.hidden = true;
        return;
      }
      try {
        const got = await this.register.get(pid);
        const n = got ? got.versions.length : 0;
        const here = got && got.versions.some((v) => v.id === this.versionId);
        box.hidden = n === 0;
        box.textContent = n === 0 ? "" : tn(here ? "saving.status_here" : "saving.status_not_here", n);
      } catch {
        box.hidden = true;
      }
    }

    // Open what the register page asked for (?open, ?again, ?new), once.
    loadFragment() {
      const result = super.loadFragment();
      if (!this.queryDone) {
        this.queryDone = true;
        this.openFromQuery();
      }
      return result;
    }

    async openFromQuery() {
      const params = new URLSearchParams(window.location.search);
      const clear = () => history.replaceState(history.state, "", window.location.pathname + window.location.hash);
      const wants = ["open", "again", "new"].find((k) => params.has(k));
      if (!wants) {
        this.renderRegisterStatus();
        return;
      }
      clear();
      if (wants === "new") {
        if (this.hasContent() && !window.confirm(t("saving.confirm_new"))) return;
        this.eraseHere();
        // The record in progress is cleared on purpose: not a change from another tab.
        this.lastStored = this.otherVersion();
        this.persist();
        this.message(t("saving.new"));
        return;
      }
      let doc;
      try {
        if (wants === "open") doc = await this.register.version(params.get("open"));
        else {
          const got = await this.register.get(params.get("again"));
          doc = got ? got.versions[got.versions.length - 1] : null;
        }
      } catch (error) {
        this.message(t("saving.unreadable", { reason: error.message }), "error");
        return;
      }
      if (!doc) {
        this.message(t("saving.not_found"), "error");
        return;
      }
      let checked;
      try {
        checked = await check(this.client, doc);
      } catch (error) {
        this.message(t("saving.open_failed", { reason: error.message }), "error");
        return;
      }
      const name = doc.partnership.name ? t("files.quoted", { name: doc.partnership.name }) : t("saving.the_partnership");
      if (this.hasContent() && (wants === "again" || this.versionId !== doc.id) &&
          !window.confirm(t("saving.confirm_open", { name }))) {
        this.message(t("saving.not_opened"));
        return;
      }
      const full = { ...checked, partnership: { ...doc.partnership, ...checked.partnership }, id: doc.id, decision: doc.decision, plan: doc.plan, register_saved_at: doc.saved_at };
      if (wants === "again") {
        full.id = newVersionId();
        full.register_saved_at = null;
        delete full.decision;
      }
      this.apply(full);
      this.message(
        wants === "again"
          ? t("saving.again", { name })
          : t("saving.opened", { date: String(doc.saved_at).slice(0, 10), name }),
      );
      this.renderRegisterStatus();
    }

    /* reports from the engine's report view */

    async view() {
      return this.client.call({ op: "view", request: this.assessment() });
    }

    fileName(kind, extension) {
      return `crossroads-${kind}-${slug(this.partnershipName())}-${today()}.${extension}`;
    }

    async downloadReport() {
      try {
        const { markdown } = await this.view();
        const name = this.fileName("report", "md");
        download(name, markdown, "text/markdown;charset=utf-8");
        this.message(t("report.saved", { name }));
      } catch (error) {
        this.message(t("report.failed", { reason: error.message }), "error");
      }
    }

    async downloadDocx() {
      try {
        const { view } = await this.view();
        const { docxReport } = await import("./report_docx.js");
        const blob = await docxReport(view);
        const name = this.fileName("report", "docx");
        download(name, blob, "application/vnd.openxmlformats-officedocument.wordprocessingml.document");
        this.message(t("report.saved", { name }));
      } catch (error) {
        this.message(t("saving.docx_failed", { reason: error.message }), "error");
      }
    }

    async downloadCsv() {
      try {
        const { csv } = await this.view();
        const name = this.fileName("actions", "csv");
        // UTF-8 with a byte order mark, so that spreadsheet programs read the accents right.
        download(name, csv.startsWith("\ufeff") ? csv : `\ufeff${csv}`, "text/csv;charset=utf-8");
        this.message(t("saving.plan_saved", { name }));
      } catch (error) {
        this.message(t("saving.plan_failed", { reason: error.message }), "error");
      }
    }
  };
