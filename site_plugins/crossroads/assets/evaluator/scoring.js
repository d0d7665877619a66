// Crossroads evaluator: scoring the answers in the form (one request at a
// time; a result is kept only for the answers it was computed from), and
// the record of "Proceed" on a clear short screen.
// A mixin of the Evaluator class (see evaluator.js).

import { today } from "./dom.js";

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
            if (!this.result) this.setSummary(`No result: ${error.message}`);
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
      return (
        `Decision recorded on ${today()}: Proceed. The short screen of the Crossroads evaluator (method version ${this.config.method_version}, ` +
        `${n} questions) showed nothing of concern; the full questionnaire was not answered.`
      );
    }

    recordProceed() {
      if (!this.result || !this.result.screen.clear || this.answersKey() !== this.resultKey) return;
      const field = this.partnershipFields.note;
      const line = this.proceedLine();
      if (!field.value.includes(line)) {
        const value = field.value.trim() ? `${field.value.replace(/\s+$/, "")}\n${line}` : line;
        if ([...value].length > this.config.max_text) {
          this.message(`The decision could not be recorded: the note of this assessment would be longer than ${this.config.max_text} characters.`, "error");
          return;
        }
        field.value = value;
      }
      this.recordedFor = this.resultKey;
      this.persist();
      this.render(this.result);
      this.renderReport();
      this.message("“Proceed” is recorded in the note of this assessment (under “About this assessment”). Save the assessment to a file to keep the record.");
      const done = this.el("cr-proceed-recorded");
      if (done) done.focus();
    }
  };
