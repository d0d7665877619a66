// Crossroads register: the whole register as one file (export), and a
// register file merged back in (import). The engine checks a file before
// anything is stored (Register.import): a refused file changes nothing.

import { download, today } from "./dom.js";
import { RegisterError } from "./register_store.js";
import { number, t, tn } from "./i18n.js";

const MAX_REGISTER_BYTES = 50 * 1024 * 1024;

export async function exportRegister(page) {
  try {
    const doc = await page.register.export(page.config.method_version);
    if (!doc.partnerships.length) {
      page.message(t("regfile.empty"));
      return;
    }
    const name = `crossroads-register-${today()}.json`;
    download(name, `${JSON.stringify(doc, null, 2)}\n`, "application/json");
    page.message(tn("regfile.exported", doc.partnerships.length, { name }));
  } catch (error) {
    page.message(t("regfile.export_failed", { reason: error.message }), "error");
  }
}

export async function importRegister(page, file) {
  const refuse = (reason) => page.message(t("regfile.refused", { name: file.name, reason }), "error");
  if (file.size > MAX_REGISTER_BYTES) {
    refuse(t("regfile.too_large", { size: number(Math.round(file.size / 1024 / 1024)) }));
    return;
  }
  let doc;
  try {
    const text = new TextDecoder("utf-8", { fatal: true }).decode(new Uint8Array(await file.arrayBuffer()));
    doc = JSON.parse(text);
  } catch (error) {
    refuse(error instanceof SyntaxError ? t("files.not_json", { reason: error.message }) : t("files.not_text"));
    return;
  }
  if (page.client === null || page.client.state !== "ready") page.message(t("regfile.checking", { name: file.name }));
  try {
    const done = await page.register.import(doc, {
      replace: async (differing) => {
        const lines = differing.map(
          (d) => `• ${t(d.newer === "file" ? "regfile.line_file" : "regfile.line_stored", { name: d.name || t("regfile.untitled"), version: d.version, stored: d.stored_at.slice(0, 16), file: d.file_at.slice(0, 16) })}`,
        );
        return window.confirm(
          tn("regfile.confirm_replace", differing.length, { lines: lines.join("\n") }),
        );
      },
    });
    const parts = [tn("regfile.added", done.added)];
    if (done.unchanged) parts.push(t("regfile.unchanged", { count: number(done.unchanged) }));
    if (done.replaced) parts.push(t("regfile.replaced", { count: number(done.replaced) }));
    if (done.kept) parts.push(t("regfile.kept", { count: number(done.kept) }));
    page.message(t("regfile.imported", { name: file.name, parts: parts.join(t("regfile.separator")) }));
  } catch (error) {
    refuse(error instanceof RegisterError ? error.message : t("files.unreadable", { reason: error.message }));
  }
}
