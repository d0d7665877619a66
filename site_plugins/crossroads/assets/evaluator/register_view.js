// Crossroads register: the engine's comparison of two assessments
// (op "compare") as readable tables: the totals that moved, then each
// changed answer with what that change alone moves.
//
// Reader text is only ever set with textContent or as attribute values.

import { h } from "./dom.js";

function levelText(config, id) {
  return id === null || id === undefined ? "none" : config.levels[id] || id;
}

function recText(config, id) {
  return id === null || id === undefined ? "no recommendation yet" : config.recommendations[id] || id;
}

// One "what moved" entry ({id, name?, from, to}) as text.
function moved(item, kind, config) {
  if (kind === "recommendation") return `Recommendation: ${recText(config, item.from)} → ${recText(config, item.to)}`;
  const name = item.name ? `${item.id} ${item.name}` : item.id;
  return `${kind === "categories" ? "Category" : "Scenario"} ${name}: ${levelText(config, item.from)} → ${levelText(config, item.to)}`;
}

// The moves of a change or the totals, as a list of lines.
function moveLines(moves, config) {
  if (!moves) return [];
  const lines = [];
  if (moves.recommendation) lines.push(moved(moves.recommendation, "recommendation", config));
  for (const kind of ["categories", "scenarios"]) for (const item of moves[kind] || []) lines.push(moved(item, kind, config));
  return lines;
}

function answerText(value) {
  if (value === null || value === undefined || (Array.isArray(value) && value.length === 0)) return "Not answered";
  return Array.isArray(value) ? value.join("; ") : String(value);
}

function summaryLine(side, config) {
  if (!side) return "";
  const rec = recText(config, side.recommendation);
  const level = side.recommendation === null || side.recommendation === undefined ? "" : `, ${levelText(config, side.level)}`;
  return `${String(side.saved_at || "").slice(0, 10) || "undated"}: ${rec}${level}`;
}

export function compareTables(comparison, config) {
  const out = [];
  const totals = comparison.totals || comparison;
  out.push(
    h("p", {}, h("strong", { text: "Earlier: " }), summaryLine(comparison.old, config), h("br"), h("strong", { text: "Later: " }), summaryLine(comparison.new, config)),
  );
  const rows = [];
  if (totals.recommendation) rows.push(["Recommendation", recText(config, totals.recommendation.from), recText(config, totals.recommendation.to)]);
  for (const item of totals.categories || []) rows.push([`Category ${item.id}${item.name ? ` ${item.name}` : ""}`, levelText(config, item.from), levelText(config, item.to)]);
  for (const item of totals.scenarios || []) rows.push([`Scenario ${item.id}${item.name ? ` ${item.name}` : ""}`, levelText(config, item.from), levelText(config, item.to)]);
  out.push(h("h3", { text: "What moved overall" }));
  if (rows.length) {
    out.push(
      h(
        "table",
        { class: "cr-compare__table", id: "cr-compare-totals" },
        h("caption", { class: "cr-sr", text: "What moved overall between the two assessments" }),
        h("thead", {}, h("tr", {}, h("th", { scope: "col", text: "Result" }), h("th", { scope: "col", text: "Earlier" }), h("th", { scope: "col", text: "Later" }))),
        h("tbody", {}, rows.map(([what, from, to]) => h("tr", {}, h("th", { scope: "row", text: what }), h("td", { text: from }), h("td", { text: to })))),
      ),
    );
  } else {
    out.push(h("p", { text: "No scenario, category or recommendation moved." }));
  }
  const changes = comparison.changes || [];
  out.push(h("h3", { text: `Changed answers (${changes.length})` }));
  if (!changes.length) {
    out.push(h("p", { text: "No answer differs between the two assessments." }));
    return out;
  }
  out.push(
    h(
      "table",
      { class: "cr-compare__table", id: "cr-compare-changes" },
      h("caption", { class: "cr-sr", text: "Each changed answer and what that change alone moves" }),
      h(
        "thead",
        {},
        h("tr", {}, h("th", { scope: "col", text: "Question" }), h("th", { scope: "col", text: "Earlier answer" }), h("th", { scope: "col", text: "Later answer" }), h("th", { scope: "col", text: "What this change alone moves" })),
      ),
      h(
        "tbody",
        {},
        changes.map((c) => {
          const lines = moveLines(c.moves, config);
          return h(
            "tr",
            { "data-question": c.question },
            h("th", { scope: "row", text: c.text || c.question }),
            h("td", { text: answerText(c.old_labels ?? c.old) }),
            h("td", { text: answerText(c.new_labels ?? c.new) }),
            h("td", {}, lines.length ? h("ul", {}, lines.map((line) => h("li", { text: line }))) : "Nothing, on its own"),
          );
        }),
      ),
    ),
  );
  return out;
}
