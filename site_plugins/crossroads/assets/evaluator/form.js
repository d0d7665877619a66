// Crossroads evaluator: the form. Reads the questionnaire rendered at build
// time into a model (questions, options, notes, partnership fields), shows
// the questions the answers call for, and reads and fills the answers.
// A mixin of the Evaluator class (see evaluator.js).

import { FORMAT } from "./check.js";
import { t } from "./i18n.js";

function shown(el) {
  return getComputedStyle(el).display !== "none";
}

export const withForm = (Base) =>
  class extends Base {
    /* model, read from the HTML rendered at build time */

    readModel() {
      this.questions = [...this.root.querySelectorAll(".cr-question")].map((el) => {
        const inputs = [...el.querySelectorAll(".cr-options input")];
        return {
          id: el.dataset.question,
          type: el.dataset.type,
          short: el.dataset.short,
          text: el.querySelector(".cr-question__label").textContent.trim(),
          screen: el.hasAttribute("data-screen"),
          el,
          options: inputs.map((input) => ({
            value: input.value,
            label: this.root.querySelector(`label[for="${input.id}"]`).textContent.trim(),
            exclusive: input.hasAttribute("data-exclusive"),
            input,
          })),
          note: el.querySelector("textarea[data-note]"),
          noteMark: el.querySelector(".cr-note__mark"),
          details: el.querySelector("details.cr-note"),
          clear: el.querySelector("[data-clear]"),
          visible: shown(el),
        };
      });
      this.byId = new Map(this.questions.map((q) => [q.id, q]));
      this.profileSelect = this.root.querySelector("#cr-profile");
      this.partnershipFields = Object.fromEntries(
        [...this.root.querySelectorAll("[data-partnership]")].map((el) => [el.dataset.partnership, el]),
      );
    }

    rawValue(question) {
      const checked = question.options.filter((o) => o.input.checked).map((o) => o.value);
      if (!checked.length) return null;
      return question.type === "single" ? checked[0] : checked;
    }

    /* which questions are shown: the browser shows a conditional question
       while the answers call for it, with the rules the build emits from the
       method (evaluator.show_rules); the page reads what is shown */
    updateQuestions() {
      for (const q of this.questions) {
        q.visible = shown(q.el);
        if (q.el.hidden === q.visible) q.el.hidden = !q.visible;
        const answered = this.rawValue(q) !== null;
        if (q.clear.hidden === answered) q.clear.hidden = !answered;
        const hasNote = q.note.value.trim() !== "";
        q.noteMark.textContent = hasNote ? ` ${t("question.note_written")}` : "";
      }
    }

    answers() {
      const out = {};
      for (const q of this.questions) {
        if (!q.visible) continue;
        const value = this.rawValue(q);
        if (value !== null) out[q.id] = value;
      }
      return out;
    }

    notes() {
      const out = {};
      for (const q of this.questions) if (q.note.value !== "") out[q.id] = q.note.value;
      return out;
    }

    // What a result is computed from: the country profile and the answers.
    answersKey() {
      return JSON.stringify([this.profile, this.answers()]);
    }

    // The reader's country profile (an id of config.profiles, or null for none).
    setProfile(profile) {
      this.profile = profile && Object.hasOwn(this.config.profiles || {}, profile) ? profile : null;
      if (this.profileSelect) this.profileSelect.value = this.profile || "";
    }

    profileName() {
      return this.profile ? this.config.profiles[this.profile] : null;
    }

    partnership() {
      const out = {};
      for (const [key, field] of Object.entries(this.partnershipFields)) out[key] = field.value;
      return out;
    }

    assessment() {
      const doc = { format: FORMAT, method_version: this.config.method_version };
      // Written when there is one, or when "none" differs from the site's default.
      if (this.profile || this.config.profile) doc.profile = this.profile;
      doc.partnership = this.partnership();
      doc.answers = this.answers();
      doc.notes = this.notes();
      doc.saved_at = new Date().toISOString();
      return doc;
    }

    hasContent() {
      return (
        Object.keys(this.answers()).length > 0 ||
        Object.keys(this.notes()).length > 0 ||
        Object.values(this.partnership()).some((v) => v !== "")
      );
    }

    /* put a checked document into the form (everything else is cleared) */
    apply(checked, { persist = true } = {}) {
      for (const q of this.questions) {
        const value = checked.answers[q.id];
        const values = value === undefined ? [] : Array.isArray(value) ? value : [value];
        for (const o of q.options) o.input.checked = values.includes(o.value);
        q.note.value = checked.notes[q.id] || "";
        if (q.note.value) q.details.open = true;
      }
      for (const [key, field] of Object.entries(this.partnershipFields)) field.value = checked.partnership[key] || "";
      // The engine's checked form names the profile (the site's default when the document has none).
      this.setProfile(Object.hasOwn(checked, "profile") ? checked.profile : this.config.profile);
      this.migration = checked.migrated_from ? { from: checked.migrated_from, texts: checked.migration || [] } : null;
      this.recordedFor = null;
      this.updateQuestions();
      if (persist) this.persist();
      this.renderReport();
      this.score();
    }


    focusQuestion(q) {
      q.el.scrollIntoView({ block: "start", behavior: "smooth" });
      const target = q.options.find((o) => o.input.checked) || q.options[0];
      target.input.focus({ preventScroll: true });
    }
  };
