// Crossroads evaluator: the results panel.
// A mixin of the Evaluator class (see evaluator.js).

import { badge, h, srOnly } from "./dom.js";

export const withResults = (Base) =>
  class extends Base {
    render(result) {
      const body = this.el("cr-results-body");
      for (const d of body.querySelectorAll("details[data-key]")) {
        if (d.open) this.openDetails.add(d.dataset.key);
        else this.openDetails.delete(d.dataset.key);
      }
      const details = (key, summary, ...content) => {
        const d = h("details", { "data-key": key }, h("summary", {}, summary), ...content);
        d.open = this.openDetails.has(key);
        return d;
      };
      const L = (id) => this.label(result, id);
      const overall = result.overall;
      const screen = result.screen;
      const verdict = overall.recommendation !== null;
      const rec = verdict ? result.recommendations.find((r) => r.id === overall.recommendation) : null;
      const lk = Object.fromEntries(result.likelihood_levels.map((l) => [l.id, l.label]));
      const im = Object.fromEntries(result.impact_levels.map((l) => [l.id, l.label]));

      const recParts = [this.migrationNode()];
      if (!verdict) {
        recParts.push(
          h(
            "div",
            { class: "cr-rec__box cr-rec--none" },
            h("p", { class: "cr-rec__kicker", text: "Recommendation" }),
            h("p", { class: "cr-rec__label", text: "No recommendation yet" }),
            h("p", { class: "cr-rec__text", text: this.missingScreenText(result) }),
            h("ul", { class: "cr-rec__missing" }, screen.missing.map((qid) => h("li", {}, this.questionRef(qid, true)))),
          ),
        );
      } else {
        recParts.push(
          h(
            "div",
            { class: `cr-rec__box cr-rec--${overall.recommendation}` },
            h("p", { class: "cr-rec__kicker", text: overall.status === "complete" ? "Recommendation" : "Recommendation (provisional)" }),
            h("p", { class: "cr-rec__label", text: overall.recommendation_label }),
            overall.headline ? h("p", { class: "cr-rec__headline", text: overall.headline }) : null,
            h("p", { class: "cr-rec__text", text: rec ? rec.description : "" }),
            h(
              "p",
              { class: "cr-rec__levels" },
              "Overall level after safeguards: ",
              badge(overall.level, L(overall.level)),
              h("br"),
              "Before safeguards: ",
              badge(overall.inherent, L(overall.inherent)),
            ),
          ),
        );
        if (screen.clear) {
          const next = this.questions.find((q) => q.visible && !q.screen && this.rawValue(q) === null);
          const recorded = this.recordedFor === this.resultKey;
          recParts.push(
            h(
              "div",
              { class: "cr-screen-clear" },
              h("p", { text: screen.text }),
              recorded
                ? h("p", { class: "cr-screen-clear__done", id: "cr-proceed-recorded", tabindex: "-1", text: `Recorded in the note of this assessment: ${this.proceedLine()}` })
                : h("button", { type: "button", class: "md-button md-button--primary", id: "cr-record-proceed", text: "Record “Proceed” and stop here" }),
              next ? h("p", {}, h("a", { href: `#q-${next.id}`, text: "Or go on to the full questionnaire" })) : null,
            ),
          );
        } else if (screen.concerns && screen.concerns.length && overall.status !== "complete") {
          recParts.push(
            h(
              "div",
              { class: "cr-screen-flag" },
              h("p", { text: screen.text }),
              details("screen-concerns", `What the short screen flagged (${screen.concerns.length})`, h("ul", {}, screen.concerns.map((c) => h("li", { text: c })))),
            ),
          );
        }
        if (overall.reasons.length) {
          recParts.push(details("why-overall", "Why this recommendation", h("ul", {}, overall.reasons.map((r) => h("li", { text: r.text })))));
        }
      }
      this.el("cr-rec").replaceChildren(...recParts.filter(Boolean));

      const unanswered = result.unanswered.map((id) => this.byId.get(id)).filter(Boolean);
      const progress = [
        h(
          "p",
          { class: result.complete ? "cr-progress__done" : "cr-progress__todo" },
          `${result.answered} of ${result.visible} questions answered.`,
          result.complete ? " The assessment is complete." : verdict ? " Until all are answered the result is provisional." : "",
        ),
      ];
      if (unanswered.length) {
        progress.push(
          details(
            "unanswered",
            `${unanswered.length} unanswered question${unanswered.length === 1 ? "" : "s"}`,
            h("ul", { class: "cr-unanswered" }, unanswered.map((q) => h("li", {}, h("a", { href: `#q-${q.id}`, text: q.short })))),
          ),
        );
      }
      this.el("cr-progress").replaceChildren(...progress);

      const whatIf = this.whatIfNodes(result, true);
      this.el("cr-whatif").replaceChildren(...whatIf.filter(Boolean));
      this.el("cr-whatif-section").hidden = !whatIf.length;
      const findOut = this.findOutNodes(result, true);
      this.el("cr-findout").replaceChildren(...findOut);
      this.el("cr-findout-section").hidden = !findOut.length;

      const { first, rest } = this.splitActions(result);
      const actions = [];
      if (!verdict) actions.push(h("p", { text: "The first steps appear once the short screen is answered." }));
      else if (!first.length) actions.push(h("p", { text: "No action is suggested for these answers." }));
      else {
        actions.push(h("ol", { class: "cr-actions__list" }, first.map((a) => this.actionItem(a))));
        if (rest.length) {
          actions.push(
            details(
              "all-actions",
              `All actions (${rest.length} more)`,
              h("ol", { class: "cr-actions__list", start: String(first.length + 1) }, rest.map((a) => this.actionItem(a))),
            ),
          );
        }
      }
      this.el("cr-actions").replaceChildren(...actions);

      // Levels are shown with a recommendation only: an unanswered screen
      // gives no verdict, not even a "Low".
      this.el("cr-levels").hidden = !verdict;
      this.el("cr-categories").replaceChildren(
        ...result.categories.map((c) =>
          h("tr", {}, h("th", { scope: "row", text: `${c.id}. ${c.name}` }), h("td", {}, badge(c.inherent, L(c.inherent))), h("td", {}, badge(c.level, L(c.level)))),
        ),
      );

      const marks = new Map();
      for (const cell of body.querySelectorAll(".cr-cell")) {
        const box = cell.querySelector(".cr-cell__marks");
        box.replaceChildren();
        marks.set(`${cell.dataset.likelihood} ${cell.dataset.impact}`, box);
      }
      for (const s of result.scenarios) {
        marks.get(`${s.likelihood} ${s.impact}`).append(
          h("span", { class: "cr-mark cr-mark--before", title: `${s.id} before safeguards` }, h("span", { "aria-hidden": "true", text: "○ " }), s.id, srOnly(" before safeguards"), " "),
        );
        marks.get(`${s.residual_likelihood} ${s.residual_impact}`).append(
          h("span", { class: "cr-mark cr-mark--after", title: `${s.id} after safeguards` }, h("span", { "aria-hidden": "true", text: "● " }), s.id, srOnly(" after safeguards"), " "),
        );
      }

      this.el("cr-scenarios").replaceChildren(
        ...result.scenarios.map((s) => {
          const before = s.reasons.filter((r) => r.stage === "inherent");
          const after = s.reasons.filter((r) => r.stage !== "inherent");
          const reasonItem = (r) => h("li", {}, r.question && this.byId.get(r.question) ? h("a", { href: `#q-${r.question}`, text: r.text }) : r.text);
          return h(
            "section",
            { class: "cr-scenario", "aria-label": `${s.id} ${s.name}` },
            h("h4", {}, h("span", { class: "cr-scenario__id", text: s.id }), " ", s.name),
            h(
              "p",
              { class: "cr-scenario__levels" },
              "Before safeguards: ",
              badge(s.inherent, L(s.inherent)),
              h("span", { class: "cr-scenario__axes", text: ` likelihood ${lk[s.likelihood]}, impact ${im[s.impact]}` }),
              h("br"),
              "After safeguards: ",
              badge(s.residual, L(s.residual)),
              h("span", { class: "cr-scenario__axes", text: ` likelihood ${lk[s.residual_likelihood]}, impact ${im[s.residual_impact]}` }),
            ),
            s.impacts.length
              ? h("p", { class: "cr-scenario__impacts" }, "Impacts that apply: ", s.impacts.map((i) => i.name).join("; "), ".")
              : h("p", { class: "cr-scenario__impacts", text: "No impact of this scenario applies yet." }),
            details(
              `why-${s.id}`,
              h("span", {}, "Why", srOnly(` ${s.id}`), ` (${s.reasons.length})`),
              before.length ? h("p", { class: "cr-why__head", text: "Raising the risk:" }) : null,
              before.length ? h("ul", {}, before.map(reasonItem)) : null,
              after.length ? h("p", { class: "cr-why__head", text: "Safeguards:" }) : null,
              after.length ? h("ul", {}, after.map(reasonItem)) : null,
            ),
          );
        }),
      );

      body.hidden = false;
      this.root.dataset.scored = "true";
      this.root.dataset.verdict = String(verdict);
      const counts = `${result.answered} of ${result.visible} questions answered.`;
      let summary;
      const barLink = this.el("cr-summary-link");
      if (verdict) {
        const provisional = overall.status === "complete" ? "" : " (provisional)";
        summary = `${overall.recommendation_label}${provisional}: ${overall.headline}. Overall level after safeguards: ${L(overall.level)}. ${counts}`;
        barLink.setAttribute("href", "#cr-results-title");
        barLink.textContent = "See the full result";
      } else {
        const n = screen.missing.length;
        const names = n <= 3 ? ` (${screen.missing.map((qid) => this.questionRef(qid, false)).join(", ")})` : "";
        summary = `No recommendation yet. ${this.missingScreenText(result, names)} ${counts}`;
        barLink.setAttribute("href", `#q-${screen.missing[0]}`);
        barLink.textContent = "Go to the next screening question";
      }
      const live = this.el("cr-summary");
      if (live.textContent !== summary) live.textContent = summary;
    }

    actionItem(action) {
      const contacts = action.contacts || [];
      return h(
        "li",
        { class: "cr-action" },
        h("p", { class: "cr-action__text", text: action.text }),
        h("p", { class: "cr-action__who", text: `With: ${action.who}` }),
        contacts.length
          ? h("p", { class: "cr-action__contacts" }, `Contacts${this.profileName() ? ` in ${this.profileName()}` : ""}: `, contacts.map((c) => `${c.name} (${c.stakeholder})`).join("; "))
          : null,
        h("p", { class: "cr-action__step" }, "Handbook: ", h("a", { href: this.config.root + action.page, text: this.config.steps[action.step] || action.step_title })),
      );
    }
  };
