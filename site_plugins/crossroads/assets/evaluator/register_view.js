// Crossroads register: the engine's comparison of two assessments
// (op "compare") as readable tables: the totals that moved, then each
// changed answer with what that change alone moves.
//
// Reader text is only ever set with textContent or as attribute values.

import { h } from "./dom.js";
import { t } from "./i18n.js";

function recText(config, id, label) {
  if (id === null || id === undefined) return t("compare.no_recommendation");
  return label || config.recommendations[id] || id;
}

// What moved (the totals, or what one change alone moves), one entry per
// line: [what, earlier, later].
function movedRows(moves, config) {
  if (!moves) return [];
  const rows = [];
  const r = moves.recommendation;
  if (r) rows.push([t("results.recommendation"), recText(config, r.from, r.from_label), recText(config, r.to, r.to_label)]);
  for (const c of moves.categories || []) rows.push([t("compare.category", { category: `${c.category} ${c.name}` }), c.from_label || c.from, c.to_label || c.to]);
  for (const s of moves.scenarios || []) {
    for (const [key, when] of [["after_safeguards", t("results.sr_after")], ["before_safeguards", t("results.sr_before")]]) {
      const m = s[key];
      if (m) rows.push([t("compare.scenario", { scenario: `${s.scenario} ${s.name}`, when }), m.from_label || m.from, m.to_label || m.to]);
    }
  }
  return rows;
}

function answerText(value) {
  if (value === null || value === undefined || (Array.isArray(value) && value.length === 0)) return t("report.not_answered");
  return Array.isArray(value) ? value.join("; ") : String(value);
}

function summaryLine(side, config) {
  if (!side) return "";
  const rec = recText(config, side.recommendation, side.recommendation_label);
  const level = side.recommendation === null || side.recommendation === undefined ? "" : `, ${side.level_label || side.level}`;
  const dated = side.date ? ` ${t("compare.dated", { date: side.date })}` : "";
  return `${String(side.saved_at || "").slice(0, 10) || t("compare.undated")}${dated}: ${rec}${level}`;
}

export function compareTables(comparison, config) {
  const out = [];
  const totals = comparison.totals || {};
  out.push(
    h("p", {}, h("strong", { text: `${t("compare.earlier")}: ` }), summaryLine(comparison.old, config), h("br"), h("strong", { text: `${t("compare.later")}: ` }), summaryLine(comparison.new, config)),
  );
  const rows = movedRows(totals, config);
  out.push(h("h3", { text: t("compare.moved") }));
  if (rows.length) {
    out.push(
      h(
        "table",
        { class: "cr-compare__table", id: "cr-compare-totals" },
        h("caption", { class: "cr-sr", text: t("compare.moved_caption") }),
        h("thead", {}, h("tr", {}, h("th", { scope: "col", text: t("results.title") }), h("th", { scope: "col", text: t("compare.earlier") }), h("th", { scope: "col", text: t("compare.later") }))),
        h("tbody", {}, rows.map(([what, from, to]) => h("tr", {}, h("th", { scope: "row", text: what }), h("td", { text: from }), h("td", { text: to })))),
      ),
    );
  } else {
    out.push(h("p", { text: t("compare.nothing_moved") }));
  }
  const changes = comparison.changes || [];
  out.push(h("h3", { text: t("compare.changed", { count: changes.length }) }));
  if (!changes.length) {
    out.push(h("p", { text: t("compare.no_change") }));
    return out;
  }
  out.push(
    h(
      "table",
      { class: "cr-compare__table", id: "cr-compare-changes" },
      h("caption", { class: "cr-sr", text: t("compare.changes_caption") }),
      h(
        "thead",
        {},
        h("tr", {}, h("th", { scope: "col", text: t("compare.question") }), h("th", { scope: "col", text: t("compare.old_answer") }), h("th", { scope: "col", text: t("compare.new_answer") }), h("th", { scope: "col", text: t("compare.alone") })),
      ),
      h(
        "tbody",
        {},
        changes.map((c) => {
          const lines = movedRows(c.moves, config).map(([what, from, to]) => `${what}: ${from} → ${to}`);
          return h(
            "tr",
            { "data-question": c.question },
            h("th", { scope: "row", text: c.text || c.question }),
            h("td", { text: answerText(c.old) }),
            h("td", { text: answerText(c.new) }),
            h("td", {}, lines.length ? h("ul", {}, lines.map((line) => h("li", { text: line }))) : t("compare.nothing_alone")),
          );
        }),
      ),
    ),
  );
  return out;
}
