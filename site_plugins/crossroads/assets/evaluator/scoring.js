// Crossroads evaluator: scoring the answers in the form (one request at a
// time; a result is kept only for the answers it was computed from), and
// the record of "Proceed" on a clear short screen.
// A mixin of the Evaluator class (see evaluator.js).

import { today } from "./dom.js";
import { t } from "./i18n.js";

export const withScoring = (Base) =>
  class extends Base {
    score() {
      if (this.client.state === "ready" && !this.scoring) this.scoreError = null;
      this.updateFreshness();
      // The print report never keeps a result for other answers either.
      if (this.isStale()) this.renderReport();
      if (this.client.state !== "ready") return;
      if (this.scoring) {
        this.again = true;
        return;
      }
      this.scoring = true;
      const started = this.inputAt ?? performance.now();
      this.inputAt = null;
      const answers = this.answers();
      const profile = this.profile;
      const key = this.answersKey();
      if (key !== this.resultKey) this.el("cr-results").setAttribute("aria-busy", "true");
      this.client
        .call({ op: "assess", request: { answers, profile } })
        .then(
          (result) => {
            // Never show a result for other answers than it was computed from:
            // the answers changed meanwhile, so score them again.
            if (this.answersKey() !== key) {
              this.again = true;
              return;
            }
            this.scoreError = null;
            this.result = result;
            this.resultKey = key;
            this.render(result);
            this.renderReport();
            this.el("cr-results").removeAttribute("aria-busy");
            this.updateFreshness();
            const ms = performance.now() - started;
            this.root.dispatchEvent(new CustomEvent("crossroads:result", { detail: { ms, result } }));
          },
          (error) => {
            this.el("cr-results").removeAttribute("aria-busy");
            // An error reply of a running engine is about these answers; a
            // stopped engine is reported by engineChanged.
            if (this.client.state === "ready" && this.answersKey() === key) this.scoreError = error;
            if (!this.result) this.setSummary(t("scoring.no_result", { reason: error.message }));
            this.updateFreshness();
            this.renderReport();
          },
        )
        .finally(() => {
          this.scoring = false;
          if (this.again) {
            this.again = false;
            this.score();
          }
        });
    }

    /* the record of "Proceed" on a clear short screen */

    proceedLine() {
      const n = this.questions.filter((q) => q.screen).length;
      return t("scoring.proceed_line", { date: today(), version: this.config.method_version, count: n });
    }

    recordProceed() {
      if (!this.result || !this.result.screen.clear || this.answersKey() !== this.resultKey) return;
      const field = this.partnershipFields.note;
      const line = this.proceedLine();
      if (!field.value.includes(line)) {
        const value = field.value.trim() ? `${field.value.replace(/\s+$/, "")}\n${line}` : line;
        if ([...value].length > this.config.max_text) {
          this.message(t("scoring.proceed_too_long", { max: this.config.max_text }), "error");
          return;
        }
        field.value = value;
      }
      this.recordedFor = this.resultKey;
      this.persist();
      this.render(this.result);
      this.renderReport();
      this.message(t("scoring.proceed_recorded"));
      const done = this.el("cr-proceed-recorded");
      if (done) done.focus();
    }
  };
