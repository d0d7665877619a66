// Crossroads evaluator: the results panel.
// A mixin of the Evaluator class (see evaluator.js).

import { badge, h, srOnly } from "./dom.js";
import { t, tn } from "./i18n.js";

// What identifies a focused element of the panel across a redraw: its id, or
// its link target and text, or the key of the details it opens.
function focusKey(el) {
  const details = el.tagName === "SUMMARY" ? el.parentElement : null;
  return { id: el.id, href: el.getAttribute("href"), text: el.textContent, details: details && details.dataset.key };
}

function refocus(panel, key) {
  let found = key.id ? panel.querySelector(`#${CSS.escape(key.id)}`) : null;
  if (!found && key.href) {
    const links = [...panel.querySelectorAll(`a[href="${CSS.escape(key.href)}"]`)];
    found = links.find((a) => a.textContent === key.text) || links[0];
  }
  if (!found && key.details) found = panel.querySelector(`details[data-key="${CSS.escape(key.details)}"] > summary`);
  if (found) found.focus({ preventScroll: true });
}

export const withResults = (Base) =>
  class extends Base {
    // Redrawn on every new result: a reader working through the panel with the
    // keyboard keeps focus on the same control, not back at the page's top.
    render(result) {
      const panel = this.el("cr-results");
      const active = document.activeElement;
      const key = active && active !== panel && panel.contains(active) ? focusKey(active) : null;
      this.drawResults(result);
      if (key && !panel.contains(document.activeElement)) refocus(panel, key);
    }

    drawResults(result) {
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
            h("p", { class: "cr-rec__kicker", text: t("results.recommendation") }),
            h("p", { class: "cr-rec__label", text: t("results.no_recommendation") }),
            h("p", { class: "cr-rec__text", text: this.missingScreenText(result) }),
            h("ul", { class: "cr-rec__missing" }, screen.missing.map((qid) => h("li", {}, this.questionRef(qid, true)))),
          ),
        );
      } else {
        recParts.push(
          h(
            "div",
            { class: `cr-rec__box cr-rec--${overall.recommendation}` },
            h("p", { class: "cr-rec__kicker", text: overall.status === "complete" ? t("results.recommendation") : t("results.provisional_kicker") }),
            h("p", { class: "cr-rec__label", text: overall.recommendation_label }),
            overall.headline ? h("p", { class: "cr-rec__headline", text: overall.headline }) : null,
            h("p", { class: "cr-rec__text", text: rec ? rec.description : "" }),
            h(
              "p",
              { class: "cr-rec__levels" },
              `${t("results.level_after")} `,
              badge(overall.level, L(overall.level)),
              h("br"),
              `${t("results.level_before")} `,
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
                ? h("p", { class: "cr-screen-clear__done", id: "cr-proceed-recorded", tabindex: "-1", text: t("results.recorded", { line: this.proceedLine() }) })
                : h("button", { type: "button", class: "md-button md-button--primary", id: "cr-record-proceed", text: t("results.record_proceed") }),
              next ? h("p", {}, h("a", { href: `#q-${next.id}`, text: t("results.go_on") })) : null,
            ),
          );
        } else if (screen.concerns && screen.concerns.length && overall.status !== "complete") {
          recParts.push(
            h(
              "div",
              { class: "cr-screen-flag" },
              h("p", { text: screen.text }),
              details("screen-concerns", t("results.screen_flagged", { count: screen.concerns.length }), h("ul", {}, screen.concerns.map((c) => h("li", { text: c })))),
            ),
          );
        }
        if (overall.reasons.length) {
          recParts.push(details("why-overall", t("results.why_recommendation"), h("ul", {}, overall.reasons.map((r) => h("li", { text: r.text })))));
        }
      }
      this.el("cr-rec").replaceChildren(...recParts.filter(Boolean));

      const unanswered = result.unanswered.map((id) => this.byId.get(id)).filter(Boolean);
      const progress = [
        h(
          "p",
          { class: result.complete ? "cr-progress__done" : "cr-progress__todo" },
          t("results.answered", { answered: result.answered, visible: result.visible }),
          result.complete ? ` ${t("results.complete")}` : verdict ? ` ${t("results.provisional_until")}` : "",
        ),
      ];
      if (unanswered.length) {
        progress.push(
          details(
            "unanswered",
            tn("results.unanswered", unanswered.length),
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
      if (!verdict) actions.push(h("p", { text: t("results.steps_after_screen") }));
      else if (!first.length) actions.push(h("p", { text: t("results.no_action") }));
      else {
        actions.push(h("ol", { class: "cr-actions__list" }, first.map((a) => this.actionItem(a))));
        if (rest.length) {
          actions.push(
            details(
              "all-actions",
              t("results.all_actions", { count: rest.length }),
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
          h("span", { class: "cr-mark cr-mark--before", title: t("results.mark_before", { id: s.id }) }, h("span", { "aria-hidden": "true", text: "○ " }), s.id, srOnly(` ${t("results.sr_before")}`), " "),
        );
        marks.get(`${s.residual_likelihood} ${s.residual_impact}`).append(
          h("span", { class: "cr-mark cr-mark--after", title: t("results.mark_after", { id: s.id }) }, h("span", { "aria-hidden": "true", text: "● " }), s.id, srOnly(` ${t("results.sr_after")}`), " "),
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
              `${t("results.level_before")} `,
              badge(s.inherent, L(s.inherent)),
              h("span", { class: "cr-scenario__axes", text: ` ${t("results.axes", { likelihood: lk[s.likelihood], impact: im[s.impact] })}` }),
              h("br"),
              `${t("results.after_label")} `,
              badge(s.residual, L(s.residual)),
              h("span", { class: "cr-scenario__axes", text: ` ${t("results.axes", { likelihood: lk[s.residual_likelihood], impact: im[s.residual_impact] })}` }),
            ),
            s.impacts.length
              ? h("p", { class: "cr-scenario__impacts" }, `${t("results.impacts")} `, s.impacts.map((i) => i.name).join("; "), ".")
              : h("p", { class: "cr-scenario__impacts", text: t("results.no_impact") }),
            details(
              `why-${s.id}`,
              h("span", {}, t("results.why"), srOnly(` ${s.id}`), ` (${s.reasons.length})`),
              before.length ? h("p", { class: "cr-why__head", text: t("results.raising") }) : null,
              before.length ? h("ul", {}, before.map(reasonItem)) : null,
              after.length ? h("p", { class: "cr-why__head", text: t("results.safeguards") }) : null,
              after.length ? h("ul", {}, after.map(reasonItem)) : null,
            ),
          );
        }),
      );

      body.hidden = false;
      this.root.dataset.scored = "true";
      this.root.dataset.verdict = String(verdict);
      const counts = t("results.answered", { answered: result.answered, visible: result.visible });
      let summary;
      const barLink = this.el("cr-summary-link");
      if (verdict) {
        const provisional = overall.status === "complete" ? "" : ` ${t("results.provisional")}`;
        summary = t("results.summary", { label: overall.recommendation_label, provisional, headline: overall.headline, level: L(overall.level), counts });
        barLink.setAttribute("href", "#cr-results-title");
        barLink.textContent = t("results.see_full");
      } else {
        const n = screen.missing.length;
        const names = n <= 3 ? ` (${screen.missing.map((qid) => this.questionRef(qid, false)).join(", ")})` : "";
        summary = t("results.summary_none", { missing: this.missingScreenText(result, names), counts });
        barLink.setAttribute("href", `#q-${screen.missing[0]}`);
        barLink.textContent = t("results.next_screen");
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
        h("p", { class: "cr-action__who", text: t("results.with", { who: action.who }) }),
        contacts.length
          ? h("p", { class: "cr-action__contacts" }, this.profileName() ? t("results.contacts_in", { country: this.profileName() }) : t("results.contacts"), contacts.map((c) => `${c.name} (${c.stakeholder})`).join("; "))
          : null,
        h("p", { class: "cr-action__step" }, t("results.handbook"), h("a", { href: this.config.root + action.page, text: this.config.steps[action.step] || action.step_title })),
      );
    }
  };
