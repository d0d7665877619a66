// Crossroads evaluator: the parts of a result shared by the results panel
// and the print report (labels, what-if, to find out, first steps).
// A mixin of the Evaluator class (see evaluator.js).

import { h } from "./dom.js";

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
      const some = n < total ? " remaining" : "";
      return `Answer the ${n}${some} screening question${n === 1 ? "" : "s"}${names} to see a recommendation.`;
    }

    migrationNode() {
      if (!this.migration) return null;
      const m = this.migration;
      return h(
        "div",
        { class: "cr-notice cr-notice--migrated" },
        h("p", {}, h("strong", { text: `Carried over from method version ${m.from}:` }), ` these answers were made with an earlier version of the method and have been carried over to version ${this.config.method_version}. Check them before relying on the result.`),
        m.texts.length ? h("ul", {}, m.texts.map((t) => h("li", { text: t }))) : null,
      );
    }

    whatIfNodes(result, linked) {
      const w = result.what_if;
      if (!w) return [];
      const L = (id) => this.label(result, id);
      if (w.status === "lowers") {
        const n = w.safeguards.length;
        return [
          h("p", { text: `Put ${n === 1 ? "this safeguard" : `these ${n} safeguards`} in place to lower the recommendation to “${w.target_label}”:` }),
          h(
            "ul",
            { class: "cr-whatif__safeguards" },
            w.safeguards.map((sg) =>
              h("li", {}, this.questionRef(sg.question, linked), `: “${sg.label}”`, sg.from ? ` (now “${this.optionLabel(sg.question, sg.from)}”)` : " (not answered yet)"),
            ),
          ),
          w.moves.length ? h("p", { text: "Scenario levels that would move:" }) : null,
          w.moves.length ? h("ul", { class: "cr-whatif__moves" }, w.moves.map((m) => h("li", { text: `${m.scenario} ${m.name}: from ${L(m.from)} to ${L(m.to)}` }))) : null,
        ];
      }
      if (w.status === "floor") {
        return [h("p", { text: "No safeguard can lower this recommendation:" }), h("ul", {}, w.floors.map((f) => h("li", { text: f.text })))];
      }
      return [h("p", { text: w.text })];
    }

    findOutNodes(result, linked) {
      if (!result.to_find_out.length) return [];
      return [
        h("p", { text: "Answers you gave as “Don't know” count with precaution. Find out, then answer again:" }),
        h(
          "ul",
          { class: "cr-findout__list" },
          result.to_find_out.map((item) =>
            h("li", {}, this.questionRef(item.question, linked), `: you answered “${item.answer_label}”. `, item.who ? `Ask ${item.who}.` : "Find out who can tell."),
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
