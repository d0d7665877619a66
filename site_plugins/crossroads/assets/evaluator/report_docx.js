// Crossroads evaluator: the report as a Word document (DOCX), made in the
// page from the engine's report view (the worker's "view" operation, see
// engine/report.py report_view), with the npm package docx served from this
// site. Nothing leaves the reader's machine.
//
//   const blob = await docxReport(view);   // a Blob of type DOCX_TYPE
//
// The docx package is about 1 MB (230 kB compressed): the page should load
// this module only when the reader asks for the DOCX, with a dynamic
// import of this module (the build stamps dynamic imports like static ones).
//
// Every text of the reader goes into plain text runs, never into markup that
// is parsed: control and bidirectional characters are dropped (as in the
// Markdown report) and line breaks become breaks within the paragraph.

import {
  AlignmentType, BorderStyle, Document, Footer, Header, HeadingLevel, Packer, PageNumber,
  Paragraph, ShadingType, Table, TableCell, TableLayoutType, TableRow, TextRun, WidthType,
} from "docx";
import { t, tn } from "./i18n.js";

export const DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

const FONT = "Arial";
const INK = "1F2933";
const ACCENT = "1F4E79";
const RULE = "B8C4CE";
const HEAD_FILL = "E8EEF4";
// A4 in twentieths of a point, with 2 cm margins.
const PAGE = { width: 11906, height: 16838, margin: 1134 };
const TEXT_WIDTH = PAGE.width - 2 * PAGE.margin;

// Characters that are not text: C0 and C1 controls (tab and line breaks
// aside), bidirectional marks, embeddings, overrides and isolates, and lone
// surrogates. XML cannot hold most controls, and the others would change how
// the text around them reads.
// eslint-disable-next-line no-control-regex
const NOT_TEXT = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const BREAKS = /\r\n|[\r\n\u0085\u2028\u2029]/;

/** A reader's text as plain lines: controls dropped, tabs as spaces. */
export function plainLines(value) {
  const text = String(value ?? "")
    .replace(LONE_SURROGATE, "\ufffd")
    .replace(/\t/g, " ");
  return text.split(BREAKS).map((line) => line.replace(NOT_TEXT, ""));
}

/** Text runs for a reader's text, one break between lines. */
function runs(value, style = {}) {
  return plainLines(value).map((line, index) => new TextRun({ text: line, break: index ? 1 : 0, ...style }));
}

function para(children, options = {}) {
  return new Paragraph({ spacing: { after: 120 }, ...options, children: Array.isArray(children) ? children : [children] });
}

function text(value, style = {}, options = {}) {
  return para(runs(value, style), options);
}

function heading(value) {
  return new Paragraph({ heading: HeadingLevel.HEADING_1, keepNext: true, children: runs(value) });
}

function subheading(value) {
  return new Paragraph({ heading: HeadingLevel.HEADING_2, keepNext: true, children: runs(value) });
}

function bullet(children) {
  return new Paragraph({ bullet: { level: 0 }, spacing: { after: 60 }, children });
}

const border = { style: BorderStyle.SINGLE, size: 4, color: RULE };
const borders = { top: border, bottom: border, left: border, right: border, insideHorizontal: border, insideVertical: border };

function cell(content, width, head = false, size = undefined) {
  const style = { ...(head ? { bold: true } : {}), ...(size ? { size } : {}) };
  const paragraphs = (Array.isArray(content) ? content : [content]).map((item) =>
    item instanceof Paragraph ? item : new Paragraph({ children: runs(item, style) }),
  );
  return new TableCell({
    children: paragraphs,
    width: { size: width, type: WidthType.DXA },
    margins: { top: 60, bottom: 60, left: 100, right: 100 },
    shading: head ? { type: ShadingType.CLEAR, fill: HEAD_FILL, color: "auto" } : undefined,
  });
}

/** A table with a header row repeated on every page; widths in parts of the text width; `size` in half-points. */
function table(headers, rows, parts, size = undefined) {
  const total = parts.reduce((a, b) => a + b, 0);
  const widths = parts.map((part) => Math.floor((TEXT_WIDTH * part) / total));
  return new Table({
    width: { size: TEXT_WIDTH, type: WidthType.DXA },
    columnWidths: widths,
    layout: TableLayoutType.FIXED,
    borders,
    rows: [
      new TableRow({ tableHeader: true, cantSplit: true, children: headers.map((title, i) => cell(title, widths[i], true, size)) }),
      ...rows.map((row) => new TableRow({ cantSplit: true, children: row.map((content, i) => cell(content, widths[i], false, size)) })),
    ],
  });
}

/** Label and value rows (those with a value), labels shaded as headers. */
function factsTable(pairs) {
  const shown = pairs.filter(([, value]) => value);
  if (!shown.length) return null;
  const widths = [Math.floor(TEXT_WIDTH * 0.3), TEXT_WIDTH - Math.floor(TEXT_WIDTH * 0.3)];
  return new Table({
    width: { size: TEXT_WIDTH, type: WidthType.DXA },
    columnWidths: widths,
    layout: TableLayoutType.FIXED,
    borders,
    rows: shown.map(([label, value]) => new TableRow({ cantSplit: true, children: [cell(label, widths[0], true), cell(value, widths[1])] })),
  });
}

function summarySection(view) {
  const s = view.summary;
  const out = [heading(t("docx.summary"))];
  if (s.recommendation === null) {
    out.push(para([new TextRun({ text: `${t("report.no_recommendation")} `, bold: true }), ...runs(s.screen_text)]));
    return out;
  }
  out.push(para([new TextRun({ text: s.recommendation_label, bold: true, color: ACCENT, size: 28 })], { spacing: { after: 60 } }));
  out.push(text(`${s.headline}.`));
  out.push(
    para([
      new TextRun({ text: `${t("results.level_after")} ` }),
      new TextRun({ text: s.level_label, bold: true }),
      new TextRun({ text: ` ${t("docx.summary_rest", { before: s.inherent_label, status: s.status_label, answered: s.answered, visible: s.visible })}` }),
    ]),
  );
  return out;
}

function decisionSection(view) {
  const d = view.decision;
  if (!d) return [];
  const by = [d.decided_by.name, d.decided_by.role].filter(Boolean).join(", ");
  const review = d.next_review || (d.default_review ? tn("docx.review_proposed", d.review_months, { date: d.default_review }) : "");
  const out = [heading(t("decision.title"))];
  const rows = factsTable([
    [t("decision.decision"), d.decision_label || ""],
    [t("results.recommendation"), view.summary.recommendation_label || ""],
    [t("decision.assessed_by"), d.assessed_by],
    [t("decision.decided_by"), by],
    [t("decision.date"), d.date],
    [t("decision.conditions"), d.conditions],
    [t("docx.why_differs"), d.reason],
    [t("register.col_review"), review],
  ]);
  if (rows) out.push(rows);
  if (d.differs) {
    out.push(
      text(t("docx.differs", { recommended: d.recommended_label }), { italics: true }, { spacing: { before: 120, after: 120 } }),
    );
  }
  return out;
}

function scenarioSection(view) {
  if (!view.scenarios.length) return [];
  const level = (side) => [
    new Paragraph({ children: [new TextRun({ text: side.level, bold: true })] }),
    new Paragraph({ children: [new TextRun({ text: t("docx.axes", { likelihood: side.likelihood, impact: side.impact }), size: 18 })] }),
  ];
  const rows = view.scenarios.map((s) => [`${s.id} ${s.name}`, s.category_name, level(s.before), level(s.after)]);
  const categories = view.categories.map((c) => [`${c.id}. ${c.name}`, c.before, c.after]);
  return [
    heading(t("results.scenarios")),
    table([t("docx.scenario"), t("results.category"), t("results.before"), t("results.after")], rows, [5, 4, 3, 3]),
    para([], { spacing: { after: 120 } }),
    table([t("results.category"), t("results.before"), t("results.after")], categories, [6, 3, 3]),
  ];
}

function reasonsSection(view) {
  const out = [];
  if (view.reasons.length) {
    out.push(heading(t("docx.reasons")));
    for (const reason of view.reasons) out.push(bullet(runs(reason)));
  }
  const withReasons = view.scenarios.filter((s) => s.reasons.length);
  if (withReasons.length) {
    out.push(subheading(t("docx.why_levels")));
    for (const s of withReasons) {
      out.push(para([new TextRun({ text: `${s.id} ${s.name}: ${s.after.level}`, bold: true })], { keepNext: true, spacing: { before: 120, after: 60 } }));
      for (const reason of s.reasons) out.push(bullet(runs(reason, { size: 20 })));
    }
  }
  return out;
}

function whatIfSection(view) {
  const out = [];
  if (view.what_if) {
    out.push(heading(t("docx.whatif")), text(view.what_if.text));
    for (const item of view.what_if.safeguards) out.push(bullet(runs(`${item.short}: ${item.label}`)));
  }
  if (view.to_find_out.length) {
    out.push(heading(t("results.findout")));
    for (const item of view.to_find_out) out.push(bullet(runs(t("docx.findout_item", { question: item.short, answer: item.answer_label, who: item.who }))));
  }
  return out;
}

function planSection(view) {
  if (!view.actions.length) return [];
  const rows = view.actions.map((action, index) => {
    const plan = action.plan || { owner: "", due: "", status_label: "" };
    const what = [new Paragraph({ children: runs(action.text, { size: 20 }) })];
    const notes = [action.first ? t("docx.first_step") : "", action.listed ? "" : t("docx.not_listed")].filter(Boolean);
    if (notes.length) what.push(new Paragraph({ children: [new TextRun({ text: notes.join(". "), italics: true, size: 18 })] }));
    return [String(index + 1), what, action.who, plan.owner, plan.due, plan.status_label];
  });
  return [heading(t("plan.title")), table(["#", t("plan.action"), t("docx.with"), t("plan.owner"), t("plan.due"), t("plan.status")], rows, [1.5, 9, 6, 3.5, 3.4, 3], 20)];
}

function answersSection(view) {
  if (!view.answers.length && !view.unanswered.length) return [];
  const out = [heading(t("docx.answers"))];
  for (const item of view.answers) {
    out.push(para([new TextRun({ text: item.text, bold: true })], { keepNext: true, spacing: { before: 120, after: 40 } }));
    out.push(text(item.answers.join("; "), {}, { spacing: { after: item.note ? 40 : 120 } }));
    if (item.note) out.push(para([new TextRun({ text: `${t("about.note")}: `, italics: true }), ...runs(item.note, { italics: true })]));
  }
  if (view.unanswered.length) {
    out.push(subheading(t("docx.unanswered")));
    for (const question of view.unanswered) out.push(bullet(runs(question)));
  }
  return out;
}

function notesSection(view) {
  if (!view.notes.length) return [];
  const out = [heading(t("docx.notes"))];
  for (const note of view.notes) out.push(para([new TextRun({ text: `${note.short}: `, bold: true }), ...runs(note.text)]));
  return out;
}

/** The docx Document of a report view. */
export function docxDocument(view) {
  const p = view.partnership;
  const s = view.summary;
  const title = p.name || t("register.col_name");
  const docTitle = t("report.title");
  const lead = factsTable([
    [t("about.partner"), p.partner],
    [t("about.country"), p.country],
    [t("about.date"), p.date],
    [t("about.note"), p.note],
    [t("report.method_version"), s.method_version + (s.migrated_from ? ` ${t("docx.carried", { version: s.migrated_from })}` : "")],
    [t("report.profile"), s.profile_name || ""],
  ]);
  const children = [
    new Paragraph({ heading: HeadingLevel.TITLE, children: [new TextRun({ text: docTitle })] }),
    new Paragraph({ heading: HeadingLevel.SUBTITLE, children: runs(title) }),
    ...(lead ? [lead] : []),
    ...[summarySection, decisionSection, scenarioSection, reasonsSection, whatIfSection, planSection, answersSection, notesSection].flatMap((section) => section(view)),
    para([new TextRun({ text: view.disclaimer, italics: true, size: 18 })], { spacing: { before: 240 } }),
  ];
  return new Document({
    title: plainLines(`${docTitle}: ${title}`).join(" "),
    creator: "Crossroads",
    description: docTitle,
    styles: {
      default: { document: { run: { font: FONT, size: 22, color: INK }, paragraph: { spacing: { line: 276 } } } },
      paragraphStyles: [
        { id: "Title", name: "Title", basedOn: "Normal", next: "Normal", run: { font: FONT, size: 40, bold: true, color: ACCENT }, paragraph: { spacing: { after: 60 } } },
        { id: "Subtitle", name: "Subtitle", basedOn: "Normal", next: "Normal", run: { font: FONT, size: 30, color: INK }, paragraph: { spacing: { after: 240 } } },
        { id: "Heading1", name: "Heading 1", basedOn: "Normal", next: "Normal", quickFormat: true, run: { font: FONT, size: 28, bold: true, color: ACCENT }, paragraph: { spacing: { before: 360, after: 120 }, keepNext: true } },
        { id: "Heading2", name: "Heading 2", basedOn: "Normal", next: "Normal", quickFormat: true, run: { font: FONT, size: 24, bold: true, color: INK }, paragraph: { spacing: { before: 240, after: 80 }, keepNext: true } },
      ],
    },
    sections: [
      {
        properties: { page: { size: { width: PAGE.width, height: PAGE.height }, margin: { top: PAGE.margin, bottom: PAGE.margin, left: PAGE.margin, right: PAGE.margin } } },
        headers: { default: new Header({ children: [new Paragraph({ alignment: AlignmentType.RIGHT, children: runs(`${docTitle}: ${title}`, { size: 16, color: "5F6B76" }) })] }) },
        footers: {
          default: new Footer({
            children: [new Paragraph({ alignment: AlignmentType.CENTER, children: [new TextRun({ children: [`${t("docx.page")} `, PageNumber.CURRENT, ` ${t("docx.of")} `, PageNumber.TOTAL_PAGES], size: 16, color: "5F6B76" })] })],
          }),
        },
        children,
      },
    ],
  });
}

/** The report view as a DOCX file (a Blob of type DOCX_TYPE). */
export async function docxReport(view) {
  const blob = await Packer.toBlob(docxDocument(view));
  return blob.type === DOCX_TYPE ? blob : new Blob([blob], { type: DOCX_TYPE });
}
