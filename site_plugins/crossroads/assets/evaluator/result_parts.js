// Crossroads evaluator: the parts of a result shared by the results panel
// and the print report (labels, what-if, to find out, first steps).
// A mixin of the Evaluator class (see evaluator.js).

import { h } from "./dom.js";
import { t, tn } from "./i18n.js";

export const withResultParts = (Base) =>
  class extends Base {
    /* results panel */

    label(result, levelId) {
      return result.levels.find((l) => l.id === levelId).label;
    }

    // A question's short name, as a link to it (panel) or as plain text (print).
    questionRef(qid, linked) {
      const q = this.byId.get(qid);
      const text = q ? q.short : qid;
      return linked && q ? h("a", { href: `#q-${qid}`, text }) : text;
    }

    optionLabel(qid, value) {
      const q = this.byId.get(qid);
      const option = q && q.options.find((o) => o.value === value);
      return option ? option.label : value;
    }

    // Nodes shared by the panel and the print report.
    missingScreenText(result, names = "") {
      const n = result.screen.missing.length;
      const total = result.screen.questions.length;
      return tn(n < total ? "parts.screen_remaining" : "parts.screen_all", n, { names });
    }

    migrationNode() {
      if (!this.migration) return null;
      const m = this.migration;
      return h(
        "div",
        { class: "cr-notice cr-notice--migrated" },
        h("p", {}, h("strong", { text: t("parts.migrated_from", { version: m.from }) }), ` ${t("parts.migrated", { version: this.config.method_version })}`),
        m.texts.length ? h("ul", {}, m.texts.map((text) => h("li", { text }))) : null,
      );
    }

    whatIfNodes(result, linked) {
      const w = result.what_if;
      if (!w) return [];
      const L = (id) => this.label(result, id);
      if (w.status === "lowers") {
        const n = w.safeguards.length;
        return [
          h("p", { text: tn("parts.whatif_put", n, { target: w.target_label }) }),
          h(
            "ul",
            { class: "cr-whatif__safeguards" },
            w.safeguards.map((sg) =>
              h("li", {}, this.questionRef(sg.question, linked), `: “${sg.label}”`, ` ${sg.from ? t("parts.whatif_now", { answer: this.optionLabel(sg.question, sg.from) }) : t("parts.whatif_unanswered")}`),
            ),
          ),
          w.moves.length ? h("p", { text: t("parts.whatif_moves") }) : null,
          w.moves.length ? h("ul", { class: "cr-whatif__moves" }, w.moves.map((m) => h("li", { text: t("parts.whatif_move", { scenario: `${m.scenario} ${m.name}`, from: L(m.from), to: L(m.to) }) }))) : null,
        ];
      }
      if (w.status === "floor") {
        return [h("p", { text: t("parts.floor") }), h("ul", {}, w.floors.map((f) => h("li", { text: f.text })))];
      }
      return [h("p", { text: w.text })];
    }

    findOutNodes(result, linked) {
      if (!result.to_find_out.length) return [];
      return [
        h("p", { text: t("parts.findout") }),
        h(
          "ul",
          { class: "cr-findout__list" },
          result.to_find_out.map((item) =>
            h("li", {}, this.questionRef(item.question, linked), `: ${t("parts.findout_answered", { answer: item.answer_label })} `, item.who ? t("parts.findout_ask", { who: item.who }) : t("parts.findout_who")),
          ),
        ),
      ];
    }

    splitActions(result) {
      const first = result.actions.filter((a) => a.first).slice(0, 5);
      const rest = result.actions.filter((a) => !first.includes(a));
      return { first, rest };
    }
  };
