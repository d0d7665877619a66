// Crossroads evaluator: the print report (everything on paper, nothing
// collapsed, never a result computed for other answers) and the Markdown
// report, made by the engine. A mixin of the Evaluator class (see evaluator.js).

import { download, h, slug, today } from "./dom.js";
import { t } from "./i18n.js";

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
      fact(t("about.partner"), p.partner);
      fact(t("about.date"), p.date);
      fact(t("about.note"), p.note);
      fact(t("report.printed_on"), today());
      fact(t("report.method_version"), this.config.method_version);
      fact(t("report.carried_from"), this.migration && this.migration.from);
      fact(t("report.profile"), this.profileName());
      this.el("cr-report-foot-profile").textContent = this.profileName() ? t("report.foot_profile", { name: this.profileName() }) : "";
      const parts = [dl];
      if (result) {
        const L = (id) => this.label(result, id);
        const lk = Object.fromEntries(result.likelihood_levels.map((l) => [l.id, l.label]));
        const im = Object.fromEntries(result.impact_levels.map((l) => [l.id, l.label]));
        const o = result.overall;
        const verdict = o.recommendation !== null;
        const rec = verdict ? result.recommendations.find((r) => r.id === o.recommendation) : null;
        const counts = t("report.answered", { answered: result.answered, visible: result.visible });
        parts.push(h("h3", { text: t("results.recommendation") }));
        if (this.migration) parts.push(h("ul", {}, this.migration.texts.map((text) => h("li", { text: t("report.carried", { text }) }))));
        if (!verdict) {
          parts.push(
            h("p", { class: "cr-report__rec" }, h("strong", { text: t("report.no_recommendation") }), ` ${this.missingScreenText(result)}`),
            h("ul", {}, result.screen.missing.map((qid) => h("li", { text: this.questionRef(qid, false) }))),
            h("p", { text: t("report.sentence", { text: counts }) }),
          );
        } else {
          parts.push(
            h("p", { class: "cr-report__rec" }, h("strong", { text: o.recommendation_label }), o.headline ? `: ${o.headline}.` : ".", rec ? ` ${rec.description}` : ""),
            h("p", { text: t(result.complete ? "report.levels" : "report.levels_provisional", { after: L(o.level), before: L(o.inherent), counts }) }),
            result.screen.clear ? h("p", { text: result.screen.text }) : null,
            h("ul", {}, o.reasons.map((r) => h("li", { text: r.text }))),
          );
        }
        const whatIf = this.whatIfNodes(result, false);
        if (whatIf.length) parts.push(h("h3", { text: t("results.whatif") }), ...whatIf);
        const findOut = this.findOutNodes(result, false);
        if (findOut.length) parts.push(h("h3", { text: t("results.findout") }), ...findOut);
        if (verdict) {
          const { first, rest } = this.splitActions(result);
          const line = (a) => {
            const contacts = (a.contacts || []).map((c) => `${c.name} (${c.stakeholder})`).join("; ");
            return h("li", { text: `${t("report.action", { text: a.text, who: a.who, step: this.config.steps[a.step] || a.step_title })}${contacts ? ` ${t("report.action_contacts", { contacts })}` : ""}` });
          };
          parts.push(h("h3", { text: t("results.first_steps") }));
          parts.push(first.length ? h("ol", {}, first.map(line)) : h("p", { text: t("results.no_action") }));
          if (rest.length) parts.push(h("h3", { text: t("report.further") }), h("ol", { start: String(first.length + 1) }, rest.map(line)));
          parts.push(
            h("h3", { text: t("results.categories") }),
            h(
              "table",
              {},
              h("thead", {}, h("tr", {}, h("th", { text: t("results.category") }), h("th", { text: t("results.before") }), h("th", { text: t("results.after") }))),
              h("tbody", {}, result.categories.map((c) => h("tr", {}, h("td", { text: `${c.id}. ${c.name}` }), h("td", { text: L(c.inherent) }), h("td", { text: L(c.level) })))),
            ),
            h("h3", { text: t("results.heatmap") }),
            this.heatmapCopy(),
            h("h3", { text: t("results.scenarios") }),
            result.scenarios.map((s) =>
              h(
                "div",
                { class: "cr-report__scenario" },
                h("h4", { text: `${s.id} ${s.name}` }),
                h("p", { text: t("report.scenario_levels", { before: L(s.inherent), before_axes: t("results.axes", { likelihood: lk[s.likelihood], impact: im[s.impact] }), after: L(s.residual), after_axes: t("results.axes", { likelihood: lk[s.residual_likelihood], impact: im[s.residual_impact] }) }) }),
                s.impacts.length ? h("p", { text: t("report.impacts", { impacts: s.impacts.map((i) => i.name).join("; ") }) }) : null,
                s.reasons.length ? h("ul", {}, s.reasons.map((r) => h("li", { text: r.text }))) : null,
              ),
            ),
          );
        }
      } else if (this.result && (this.client.state === "failed" || this.client.state === "stopped" || this.scoreError)) {
        parts.push(
          h("p", {
            class: "cr-report__stale",
            text: t("report.stale_stopped"),
          }),
        );
      } else if (this.client.state === "ready" || this.result) {
        parts.push(h("p", { text: t("report.stale_busy") }));
      } else {
        parts.push(h("p", { text: t("report.not_started") }));
      }
      parts.push(h("h3", { text: t("report.answers") }));
      const list = h("dl", { class: "cr-report__answers" });
      for (const q of this.questions) {
        if (!q.visible && !q.note.value) continue;
        const value = this.rawValue(q);
        const values = value === null ? [] : Array.isArray(value) ? value : [value];
        const labels = q.options.filter((o) => values.includes(o.value)).map((o) => o.label);
        list.append(h("dt", { text: q.text }), h("dd", { text: q.visible ? (labels.length ? labels.join("; ") : t("report.not_answered")) : t("report.not_asked") }));
        if (q.note.value) list.append(h("dd", { class: "cr-report__note" }, h("em", { text: `${t("about.note")}: ` }), q.note.value));
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
        this.message(t("report.saved", { name }));
      } catch (error) {
        this.message(t("report.failed", { reason: error.message }), "error");
      }
    }
  };
