// Renders the DOCX report of a report view on Node, with the same module the
// page uses (site_plugins/crossroads/assets/evaluator/report_docx.js) and the
// npm package docx from node_modules, for tests/engine/test_report_docx.py.
//
//   node tests/js/docx_runner.mjs VIEW_JSON OUT_DOCX [STRINGS_JSON [LANG]]
//
// STRINGS_JSON: the interface catalog the page would hold (a JSON object of
// scenarios/i18n/strings/evaluator.<lang>.yaml), for the report's headings.

import { readFileSync, writeFileSync } from "node:fs";
import { docxReport, DOCX_TYPE } from "../../site_plugins/crossroads/assets/evaluator/report_docx.js";
import { useStrings } from "../../site_plugins/crossroads/assets/evaluator/i18n.js";

const [viewPath, outPath, stringsPath, lang] = process.argv.slice(2);
if (stringsPath) useStrings(JSON.parse(readFileSync(stringsPath, "utf8")), lang || "en");
if (!viewPath || !outPath) {
  process.stderr.write("usage: docx_runner.mjs VIEW_JSON OUT_DOCX\n");
  process.exit(2);
}
const blob = await docxReport(JSON.parse(readFileSync(viewPath, "utf8")));
if (blob.type !== DOCX_TYPE) {
  process.stderr.write(`docx_runner: the report's type is ${blob.type}, expected ${DOCX_TYPE}\n`);
  process.exit(1);
}
writeFileSync(outPath, Buffer.from(await blob.arrayBuffer()));
