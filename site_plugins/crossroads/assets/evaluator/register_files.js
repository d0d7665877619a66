// Crossroads register: the whole register as one file (export), and a
// register file merged back in (import). The engine checks a file before
// anything is stored (Register.import): a refused file changes nothing.

import { download, today } from "./dom.js";
import { RegisterError } from "./register_store.js";

const MAX_REGISTER_BYTES = 50 * 1024 * 1024;

export async function exportRegister(page) {
  try {
    const doc = await page.register.export(page.config.method_version);
    if (!doc.partnerships.length) {
      page.message("The register is empty: there is nothing to export.");
      return;
    }
    const name = `crossroads-register-${today()}.json`;
    download(name, `${JSON.stringify(doc, null, 2)}\n`, "application/json");
    page.message(`The register (${doc.partnerships.length} partnership${doc.partnerships.length === 1 ? "" : "s"}) is saved as ${name} in your downloads.`);
  } catch (error) {
    page.message(`The register could not be exported: ${error.message}`, "error");
  }
}

export async function importRegister(page, file) {
  const refuse = (reason) => page.message(`The file “${file.name}” could not be imported: ${reason} The register is unchanged.`, "error");
  if (file.size > MAX_REGISTER_BYTES) {
    refuse(`it is ${Math.round(file.size / 1024 / 1024)} MB, far larger than a Crossroads register.`);
    return;
  }
  let doc;
  try {
    const text = new TextDecoder("utf-8", { fatal: true }).decode(new Uint8Array(await file.arrayBuffer()));
    doc = JSON.parse(text);
  } catch (error) {
    refuse(error instanceof SyntaxError ? `it is not valid JSON (${error.message}).` : "it is not a text file.");
    return;
  }
  if (page.client === null || page.client.state !== "ready") page.message(`Checking “${file.name}”: the engine, which checks it, is starting…`);
  try {
    const done = await page.register.import(doc, {
      replace: async (differing) => {
        const lines = differing.map(
          (d) => `• “${d.name || "untitled"}”, assessment ${d.version}: ${d.newer === "file" ? "the file's is newer" : "the one in this browser is newer"} (browser ${d.stored_at.slice(0, 16)}, file ${d.file_at.slice(0, 16)})`,
        );
        return window.confirm(
          `${differing.length} assessment${differing.length === 1 ? " in the file differs" : "s in the file differ"} from the same assessment stored in this browser:\n${lines.join("\n")}\n\nReplace the stored ones with the file's? Choose Cancel to keep the ones in this browser.`,
        );
      },
    });
    const parts = [`${done.added} assessment${done.added === 1 ? "" : "s"} added`];
    if (done.unchanged) parts.push(`${done.unchanged} already here`);
    if (done.replaced) parts.push(`${done.replaced} replaced by the file's`);
    if (done.kept) parts.push(`${done.kept} kept as they were in this browser`);
    page.message(`Imported “${file.name}”: ${parts.join(", ")}.`);
  } catch (error) {
    refuse(error instanceof RegisterError ? error.message : `it could not be read (${error.message}).`);
  }
}
