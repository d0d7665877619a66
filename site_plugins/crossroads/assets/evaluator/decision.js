// Crossroads evaluator: the decision record and the action plan of an
// assessment (kept in the document as `decision` and `plan`, shown in the
// print report and in the register). The next review date defaults from
// the decision date and the result's review interval (`review.months`,
// from the method); the page says when the decision differs from the
// recommendation and then requires a reason. A mixin of the Evaluator
// class (see evaluator.js).

import { h } from "./dom.js";
import { language, t, tn } from "./i18n.js";

// A calendar date plus whole months, clamped to the last day of the month
// (2026-01-31 + 1 month = 2026-02-28), as the engine's review.default.
export function addMonths(iso, months) {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || "");
  if (!match || !months) return "";
  const total = Number(match[1]) * 12 + Number(match[2]) - 1 + months;
  const year = Math.floor(total / 12);
  const month = (total % 12) + 1;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const day = Math.min(Number(match[3]), last);
  const pad = (n) => String(n).padStart(2, "0");
  return `${String(year).padStart(4, "0")}-${pad(month)}-${pad(day)}`;
}

const PLAN_DEFAULT = { owner: "", due: "", status: "open" };

export const withDecision = (Base) =>
  class extends Base {
    readModel() {
      super.readModel();
      this.decisionFields = Object.fromEntries([...this.root.querySelectorAll("[data-decision]")].map((el) => [el.dataset.decision, el]));
      this.plan = new Map(); // action id -> {owner, due, status}
      this.planShown = null; // the action ids the plan table shows (JSON)
      this.reviewAuto = null; // the next review date last filled in by the page
      this.versionId = null; // the id of this version in the register
    }

    bind() {
      super.bind();
      const fields = this.decisionFields;
      fields.date.addEventListener("input", () => this.defaultReview());
      fields.next_review.addEventListener("input", () => {
        this.reviewAuto = null; // the reader's own date from now on
      });
      fields.decision.addEventListener("change", () => this.renderDiffers());
      const onPlan = (event) => {
        const row = event.target.closest("tr[data-action]");
        if (!row) return;
        const entry = { ...(this.plan.get(row.dataset.action) || PLAN_DEFAULT) };
        entry[event.target.dataset.plan] = event.target.value;
        this.plan.set(row.dataset.action, entry);
      };
      this.el("cr-plan-body").addEventListener("input", onPlan);
      this.el("cr-plan-body").addEventListener("change", onPlan);
      this.root.addEventListener("crossroads:result", () => {
        this.renderPlan();
        this.renderDiffers();
        this.defaultReview();
      });
    }

    // The result for the answers now in the form, or null.
    currentResult() {
      return this.result && this.resultKey === this.answersKey() ? this.result : null;
    }

    /* the decision record */

    decision() {
      const out = {};
      for (const [key, field] of Object.entries(this.decisionFields)) {
        const value = field.value;
        if (value === "") continue;
        if (key.startsWith("decided_by.")) {
          out.decided_by = out.decided_by || {};
          out.decided_by[key.slice("decided_by.".length)] = value;
        } else out[key] = value;
      }
      return out;
    }

    setDecision(decision) {
      const d = decision || {};
      for (const [key, field] of Object.entries(this.decisionFields)) {
        const value = key.startsWith("decided_by.") ? (d.decided_by || {})[key.slice("decided_by.".length)] : d[key];
        field.value = typeof value === "string" ? value : "";
      }
      this.reviewAuto = null;
    }

    // The decision that matches the recommendation, as the method says (scoring.yaml).
    matches(decisionId, recommendation) {
      const d = (this.config.decisions || []).find((x) => x.id === decisionId);
      if (!d) return true;
      const recs = [].concat(d.recommendation ?? d.recommendations ?? d.matches ?? []);
      return recs.includes(recommendation);
    }

    differs() {
      const result = this.currentResult();
      const chosen = this.decisionFields.decision.value;
      if (!result || !chosen || result.overall.recommendation === null) return null;
      return this.matches(chosen, result.overall.recommendation) ? null : result.overall.recommendation_label;
    }

    renderDiffers() {
      const rec = this.differs();
      const box = this.el("cr-d-differs");
      const reason = this.decisionFields.reason;
      box.hidden = rec === null;
      box.textContent = rec === null ? "" : t("decision.differs", { recommendation: rec });
      reason.required = rec !== null;
      reason.setAttribute("aria-required", String(rec !== null));
      this.el("cr-d-reason-label").textContent = rec === null ? t("decision.reason") : t("decision.reason_required");
    }

    // The next review date follows the decision date and the result's
    // interval until the reader sets a date of their own.
    defaultReview() {
      const result = this.currentResult();
      const months = result && result.review ? result.review.months : null;
      const field = this.decisionFields.next_review;
      const hint = this.el("cr-d-review-help");
      if (!months || result.overall.recommendation === null) {
        hint.textContent = t("decision.review_pending");
        return;
      }
      hint.textContent = tn("decision.review_every", months, { level: this.label(result, result.overall.level).toLocaleLowerCase(language()) });
      const suggested = addMonths(this.decisionFields.date.value, months);
      if (suggested && (field.value === "" || field.value === this.reviewAuto) && field.value !== suggested) {
        field.value = suggested;
        this.reviewAuto = suggested;
        this.persistSoon();
      }
    }

    /* the action plan */

    planEntries() {
      const result = this.currentResult();
      if (!result || result.overall.recommendation === null) {
        // No result for these answers (yet): the plan stays as it was read.
        return [...this.plan].map(([action, entry]) => ({ action, ...PLAN_DEFAULT, ...entry }));
      }
      return result.actions.map((a) => ({ action: a.id, ...PLAN_DEFAULT, ...(this.plan.get(a.id) || {}) }));
    }

    setPlan(plan) {
      this.plan = new Map((Array.isArray(plan) ? plan : []).filter((p) => p && typeof p.action === "string").map((p) => [p.action, { owner: p.owner || "", due: p.due || "", status: p.status || "open" }]));
      this.planShown = null;
      this.renderPlan();
    }

    renderPlan() {
      const result = this.currentResult();
      const actions = result && result.overall.recommendation !== null ? result.actions : [];
      const ids = JSON.stringify(actions.map((a) => a.id));
      const table = this.el("cr-plan-table");
      table.hidden = !actions.length;
      this.el("cr-plan-intro").textContent = actions.length
        ? t("plan.intro_ready")
        : t("plan.intro");
      if (ids === this.planShown) return; // the same actions: the rows (and focus) stay
      this.planShown = ids;
      const statuses = this.config.plan_statuses || {};
      const rows = actions.map((a, i) => {
        const entry = { ...PLAN_DEFAULT, ...(this.plan.get(a.id) || {}) };
        const n = i + 1;
        const labelled = `cr-plan-${n}-action`;
        return h(
          "tr",
          { "data-action": a.id },
          h("th", { scope: "row", id: labelled, text: a.text }),
          h("td", {}, h("label", { class: "cr-sr", for: `cr-plan-${n}-owner`, text: t("plan.owner") }), h("input", { type: "text", id: `cr-plan-${n}-owner`, "data-plan": "owner", value: entry.owner, maxlength: String(this.config.max_text), "aria-describedby": labelled, autocomplete: "off" })),
          h("td", {}, h("label", { class: "cr-sr", for: `cr-plan-${n}-due`, text: t("plan.due_date") }), h("input", { type: "date", id: `cr-plan-${n}-due`, "data-plan": "due", value: entry.due, "aria-describedby": labelled })),
          h(
            "td",
            {},
            h("label", { class: "cr-sr", for: `cr-plan-${n}-status`, text: t("plan.status") }),
            h("select", { id: `cr-plan-${n}-status`, "data-plan": "status", "aria-describedby": labelled }, Object.entries(statuses).map(([value, label]) => h("option", { value, text: label, selected: value === entry.status }))),
          ),
        );
      });
      this.el("cr-plan-body").replaceChildren(...rows);
    }

    /* the document and the form */

    // The partnership's id is there once the register has given it one.
    partnership() {
      const out = super.partnership();
      if (!out.id) delete out.id;
      return out;
    }

    assessment() {
      const doc = super.assessment();
      const saved = doc.saved_at;
      delete doc.saved_at;
      if (this.versionId) doc.id = this.versionId;
      const decision = this.decision();
      if (Object.keys(decision).length) doc.decision = decision;
      const plan = this.planEntries();
      if (plan.length) doc.plan = plan;
      doc.saved_at = saved;
      return doc;
    }

    hasContent() {
      return super.hasContent() || Object.keys(this.decision()).length > 0 || [...this.plan.values()].some((p) => p.owner || p.due || p.status !== "open");
    }

    apply(checked, options) {
      this.versionId = typeof checked.id === "string" ? checked.id : null;
      this.setDecision(checked.decision);
      this.setPlan(checked.plan);
      super.apply(checked, options);
      this.renderDiffers();
    }

    eraseHere() {
      this.versionId = null;
      this.plan = new Map();
      this.planShown = null;
      this.reviewAuto = null;
      super.eraseHere();
      this.renderPlan();
      this.renderDiffers();
    }

    /* the print report gains the decision record and the action plan */

    renderReport() {
      super.renderReport();
      if (!this.decisionFields) return;
      const body = this.el("cr-report-body");
      const country = this.partnership().country;
      const partner = [...body.querySelectorAll(".cr-report__facts dt")].find((dt) => dt.textContent === t("about.partner"));
      if (country) {
        const after = partner ? partner.nextElementSibling.nextSibling : body.querySelector(".cr-report__facts").firstChild;
        body.querySelector(".cr-report__facts").insertBefore(h("dt", { text: t("about.country") }), after);
        body.querySelector(".cr-report__facts").insertBefore(h("dd", { text: country }), after);
      }
      const answers = body.querySelector(".cr-report__answers");
      const before = answers ? answers.previousElementSibling : null;
      const d = this.decision();
      const labels = Object.fromEntries((this.config.decisions || []).map((x) => [x.id, x.label]));
      const dl = h("dl", { class: "cr-report__facts" });
      const fact = (term, value) => {
        if (value) dl.append(h("dt", { text: term }), h("dd", { text: value }));
      };
      const by = d.decided_by || {};
      fact(t("decision.assessed_by"), d.assessed_by);
      fact(t("decision.decided_by"), [by.name, by.role].filter(Boolean).join(", "));
      fact(t("decision.date"), d.date);
      fact(t("decision.decision"), d.decision && (labels[d.decision] || d.decision));
      fact(t("decision.reason_short"), d.reason);
      fact(t("decision.conditions"), d.conditions);
      fact(t("register.col_review"), d.next_review);
      const parts = [h("h3", { text: t("decision.title") }), dl.childElementCount ? dl : h("p", { text: t("decision.none_recorded") })];
      const plan = this.planEntries();
      const result = this.currentResult();
      const text = Object.fromEntries(((result && result.actions) || []).map((a) => [a.id, a.text]));
      if (plan.length) {
        const statuses = this.config.plan_statuses || {};
        parts.push(
          h("h3", { text: t("plan.title") }),
          h(
            "table",
            { class: "cr-report__plan" },
            h("thead", {}, h("tr", {}, h("th", { text: t("plan.action") }), h("th", { text: t("plan.owner") }), h("th", { text: t("plan.due") }), h("th", { text: t("plan.status") }))),
            h("tbody", {}, plan.map((p) => h("tr", {}, h("td", { text: text[p.action] || p.action }), h("td", { text: p.owner || t("register.not_set") }), h("td", { text: p.due || t("register.not_set") }), h("td", { text: statuses[p.status] || p.status })))),
          ),
        );
      }
      for (const node of parts) body.insertBefore(node, before);
    }
  };
