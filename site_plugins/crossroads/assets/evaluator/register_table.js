// Crossroads register: the rows of the register table, filtered and sorted.
// Overdue review dates and actions are said in words, not only in colour.
//
// Reader text is only ever set with textContent or as attribute values.

import { h, srOnly } from "./dom.js";
import { todayISO } from "./register_store.js";
import { t, tn } from "./i18n.js";

// Review due "soon": within this many days (a reminder on the page, not a rule of the method).
const SOON_DAYS = 30;

export function addDays(iso, days) {
  const d = new Date(`${iso}T00:00:00`);
  d.setDate(d.getDate() + days);
  const pad = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

// Open and overdue actions of a plan, as of `now`.
export function planCounts(plan, now = todayISO()) {
  const open = (plan || []).filter((p) => p.status === "open" || p.status === "in_progress");
  return { open: open.length, overdue: open.filter((p) => p.due && p.due < now).length };
}

function label(map, id, fallback = "") {
  return id === null || id === undefined ? fallback : (map || {})[id] || id;
}

function sortValue(entry, key, c) {
  switch (key) {
    case "level": {
      const s = entry.summary || {};
      return s.recommendation ? c.recommendation_order.indexOf(s.recommendation) * 10 + c.level_order.indexOf(s.level) : -1;
    }
    case "assessed":
      return entry.saved_at;
    case "decision":
      return label(c.decisions, entry.decision && entry.decision.decision);
    case "review":
      return (entry.decision && entry.decision.next_review) || "9999";
    case "actions": {
      const n = planCounts(entry.plan);
      return n.overdue * 1000 + n.open;
    }
    case "stage":
      return label(c.stages, entry.stage);
    default:
      return String(entry[key] || "").toLocaleLowerCase();
  }
}

// The entries the filter lets through, sorted by {key, dir}.
export function visibleEntries(entries, { text, show, sort }, config) {
  const find = text.trim().toLocaleLowerCase();
  const now = todayISO();
  const soon = addDays(now, SOON_DAYS);
  const out = entries.filter((e) => {
    if (find && ![e.name, e.partner, e.country].some((v) => v.toLocaleLowerCase().includes(find))) return false;
    const review = e.decision && e.decision.next_review;
    if (show === "review") return !!review && review <= soon;
    if (show === "actions") return planCounts(e.plan, now).overdue > 0;
    if (show === "undecided") return !(e.decision && e.decision.decision);
    return true;
  });
  return out.sort((a, b) => {
    const x = sortValue(a, sort.key, config);
    const y = sortValue(b, sort.key, config);
    return (x < y ? -1 : x > y ? 1 : 0) * sort.dir || a.name.localeCompare(b.name);
  });
}

// One partnership's row; `evaluatorUrl` is the evaluator page's address.
export function tableRow(e, c, evaluatorUrl) {
  const now = todayISO();
  const s = e.summary || {};
  const d = e.decision || {};
  const review = d.next_review || "";
  const counts = planCounts(e.plan, now);
  const reviewCell = !review
    ? h("td", { text: t("register.not_set") })
    : review < now
      ? h("td", { class: "cr-reg__overdue" }, h("strong", { text: t("register.overdue") }), ` ${t("register.since", { date: review })}`)
      : review <= addDays(now, SOON_DAYS)
        ? h("td", { class: "cr-reg__soon" }, h("strong", { text: t("register.due_soon") }), `: ${review}`)
        : h("td", { text: review });
  const rec = s.recommendation
    ? h("td", {}, label(c.recommendations, s.recommendation), " ", h("span", { class: `cr-badge cr-level--${s.level}`, text: label(c.levels, s.level) }))
    : h("td", { text: t("results.no_recommendation") });
  const versions = e.versions.length;
  const name = e.name || t("register.untitled");
  const act = (kind, text) => h("button", { type: "button", class: "cr-link-button", "data-act": kind, "data-id": e.id }, text, srOnly(`: ${name}`));
  const open = new URL(evaluatorUrl);
  open.searchParams.set("open", e.latest);
  const again = new URL(evaluatorUrl);
  again.searchParams.set("again", e.id);
  return h(
    "tr",
    { "data-partnership": e.id },
    h("th", { scope: "row" }, h("a", { href: open.href, text: name })),
    h("td", { text: e.partner }),
    h("td", { text: e.country }),
    h("td", { text: label(c.stages, e.stage, t("report.not_answered")) }),
    rec,
    h(
      "td",
      {},
      e.saved_at.slice(0, 10),
      h("br"),
      h("span", { class: "cr-hint", text: tn("register.assessments", versions) }),
      e.profile ? h("span", { class: "cr-hint cr-reg__profile", text: ` · ${t("register.profile", { name: (c.profiles || {})[e.profile] || e.profile })}` }) : null,
    ),
    h("td", {}, d.decision ? label(c.decisions, d.decision) : t("register.none_recorded"), d.date ? h("span", { class: "cr-hint", text: ` (${d.date})` }) : null),
    reviewCell,
    counts.overdue
      ? h("td", { class: "cr-reg__overdue" }, `${t("register.open", { count: counts.open })}, `, h("strong", { text: t("register.overdue_count", { count: counts.overdue }) }))
      : h("td", { text: t("register.open", { count: counts.open }) }),
    h(
      "td",
      { class: "cr-reg__acts" },
      h("a", { href: open.href, class: "cr-link-button" }, t("register.act_open"), srOnly(`: ${name}`)),
      h("a", { href: again.href, class: "cr-link-button" }, t("register.act_again"), srOnly(`: ${name}`)),
      act("duplicate", t("register.act_duplicate")),
      versions > 1 ? act("compare", t("register.compare")) : null,
      act("delete", t("register.act_delete")),
    ),
  );
}
