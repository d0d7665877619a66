// Renders the DOCX report of a report view on Node, with the same module the
// page uses (site_plugins/crossroads/assets/evaluator/report_docx.js) and the
// npm package docx from node_modules, for tests/engine/test_report_docx.py.
//
//   node tests/js/docx_runner.mjs VIEW_JSON OUT_DOCX

import { readFileSync, writeFileSync } from "node:fs";
import { docxReport, DOCX_TYPE } from "../../site_plugins/crossroads/assets/evaluator/report_docx.js";

const [viewPath, outPath] = process.argv.slice(2);
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
