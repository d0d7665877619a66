// Crossroads evaluator: the print report (everything on paper, nothing
// collapsed, never a result computed for other answers) and the Markdown
// report, made by the engine. A mixin of the Evaluator class (see evaluator.js).

import { download, h, slug, today } from "./dom.js";

export const withReport = (Base) =>
  class extends Base {
    /* the print report: everything on paper, nothing collapsed */

    renderReport() {
      // Only a result computed from the answers now in the form is printed.
      const result = this.result && this.resultKey === this.answersKey() ? this.result : null;
      const p = this.partnership();
      this.el("cr-report-name").textContent = p.name ? `: ${p.name}` : "";
      const dl = h("dl", { class: "cr-report__facts" });
      const fact = (term, value) => {
        if (value) dl.append(h("dt", { text: term }), h("dd", { text: value }));
      };
      fact("Partner", p.partner);
      fact("Date", p.date);
      fact("Note", p.note);
      fact("Printed on", today());
      fact("Method version", this.config.method_version);
      fact("Carried over from method version", this.migration && this.migration.from);
      fact("Country profile", this.profileName());
      const parts = [dl];
      if (result) {
        const L = (id) => this.label(result, id);
        const lk = Object.fromEntries(result.likelihood_levels.map((l) => [l.id, l.label]));
        const im = Object.fromEntries(result.impact_levels.map((l) => [l.id, l.label]));
        const o = result.overall;
        const verdict = o.recommendation !== null;
        const rec = verdict ? result.recommendations.find((r) => r.id === o.recommendation) : null;
        const counts = `${result.answered} of ${result.visible} questions answered`;
        parts.push(h("h3", { text: "Recommendation" }));
        if (this.migration) parts.push(h("ul", {}, this.migration.texts.map((t) => h("li", { text: `Carried over: ${t}` }))));
        if (!verdict) {
          parts.push(
            h("p", { class: "cr-report__rec" }, h("strong", { text: "No recommendation yet." }), ` ${this.missingScreenText(result)}`),
            h("ul", {}, result.screen.missing.map((qid) => h("li", { text: this.questionRef(qid, false) }))),
            h("p", { text: `${counts}.` }),
          );
        } else {
          parts.push(
            h("p", { class: "cr-report__rec" }, h("strong", { text: o.recommendation_label }), o.headline ? `: ${o.headline}.` : ".", rec ? ` ${rec.description}` : ""),
            h("p", { text: `Overall level after safeguards: ${L(o.level)}; before safeguards: ${L(o.inherent)}. ${counts}${result.complete ? "" : " (provisional result)"}.` }),
            result.screen.clear ? h("p", { text: result.screen.text }) : null,
            h("ul", {}, o.reasons.map((r) => h("li", { text: r.text }))),
          );
        }
        const whatIf = this.whatIfNodes(result, false);
        if (whatIf.length) parts.push(h("h3", { text: "What would lower this result" }), ...whatIf);
        const findOut = this.findOutNodes(result, false);
        if (findOut.length) parts.push(h("h3", { text: "To find out" }), ...findOut);
        if (verdict) {
          const { first, rest } = this.splitActions(result);
          const line = (a) => {
            const contacts = (a.contacts || []).map((c) => `${c.name} (${c.stakeholder})`).join("; ");
            return h("li", { text: `${a.text} With: ${a.who}. Handbook: ${this.config.steps[a.step] || a.step_title}.${contacts ? ` Contacts: ${contacts}.` : ""}` });
          };
          parts.push(h("h3", { text: "First steps" }));
          parts.push(first.length ? h("ol", {}, first.map(line)) : h("p", { text: "No action is suggested for these answers." }));
          if (rest.length) parts.push(h("h3", { text: "Further actions" }), h("ol", { start: String(first.length + 1) }, rest.map(line)));
          parts.push(
            h("h3", { text: "Risk categories" }),
            h(
              "table",
              {},
              h("thead", {}, h("tr", {}, h("th", { text: "Category" }), h("th", { text: "Before safeguards" }), h("th", { text: "After safeguards" }))),
              h("tbody", {}, result.categories.map((c) => h("tr", {}, h("td", { text: `${c.id}. ${c.name}` }), h("td", { text: L(c.inherent) }), h("td", { text: L(c.level) })))),
            ),
            h("h3", { text: "Likelihood and impact" }),
            this.heatmapCopy(),
            h("h3", { text: "Scenarios" }),
            result.scenarios.map((s) =>
              h(
                "div",
                { class: "cr-report__scenario" },
                h("h4", { text: `${s.id} ${s.name}` }),
                h("p", { text: `Before safeguards: ${L(s.inherent)} (likelihood ${lk[s.likelihood]}, impact ${im[s.impact]}). After safeguards: ${L(s.residual)} (likelihood ${lk[s.residual_likelihood]}, impact ${im[s.residual_impact]}).` }),
                s.impacts.length ? h("p", { text: `Impacts that apply: ${s.impacts.map((i) => i.name).join("; ")}.` }) : null,
                s.reasons.length ? h("ul", {}, s.reasons.map((r) => h("li", { text: r.text }))) : null,
              ),
            ),
          );
        }
      } else if (this.result && (this.client.state === "failed" || this.client.state === "stopped" || this.scoreError)) {
        parts.push(
          h("p", {
            class: "cr-report__stale",
            text: "No result: the result on the page was computed for other answers, and the scoring engine stopped before it could compute one for these. Restart it on the page, then print again.",
          }),
        );
      } else if (this.client.state === "ready" || this.result) {
        parts.push(h("p", { text: "No result yet: the result for these answers is being computed. Print again in a moment." }));
      } else {
        parts.push(h("p", { text: "No result: the scoring engine had not started when this was printed." }));
      }
      parts.push(h("h3", { text: "Answers and notes" }));
      const list = h("dl", { class: "cr-report__answers" });
      for (const q of this.questions) {
        if (!q.visible && !q.note.value) continue;
        const value = this.rawValue(q);
        const values = value === null ? [] : Array.isArray(value) ? value : [value];
        const labels = q.options.filter((o) => values.includes(o.value)).map((o) => o.label);
        list.append(h("dt", { text: q.text }), h("dd", { text: q.visible ? (labels.length ? labels.join("; ") : "Not answered") : "Not asked for these answers" }));
        if (q.note.value) list.append(h("dd", { class: "cr-report__note" }, h("em", { text: "Note: " }), q.note.value));
      }
      parts.push(list);
      this.el("cr-report-body").replaceChildren(...parts.flat().filter(Boolean));
    }

    heatmapCopy() {
      const copy = this.root.querySelector(".cr-heatmap").cloneNode(true);
      copy.removeAttribute("aria-labelledby");
      copy.removeAttribute("aria-describedby");
      const legend = this.el("cr-heatmap-legend").cloneNode(true);
      legend.removeAttribute("id");
      return h("div", { class: "cr-report__heatmap" }, copy, legend);
    }

    async downloadReport() {
      const doc = this.assessment();
      try {
        const { markdown } = await this.client.call({ op: "report", request: doc });
        const name = `crossroads-report-${slug(doc.partnership.name)}-${today()}.md`;
        download(name, markdown, "text/markdown;charset=utf-8");
        this.message(`Report saved as ${name} in your downloads.`);
      } catch (error) {
        this.message(`The report could not be made: ${error.message}`, "error");
      }
    }
  };
