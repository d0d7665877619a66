// Crossroads evaluator: saving the answers to a file and opening one.
// A mixin of the Evaluator class (see evaluator.js).

import { CheckError, MAX_FILE_BYTES, check, parseJSON } from "./check.js";
import { download, slug, today } from "./dom.js";

export const withFiles = (Base) =>
  class extends Base {
    /* files */

    saveFile() {
      const doc = this.assessment();
      const name = `crossroads-${slug(doc.partnership.name)}-${today()}.json`;
      download(name, `${JSON.stringify(doc, null, 2)}\n`, "application/json");
      this.message(`Saved as ${name} in your downloads.`);
    }

    // The engine checks a file or a link before the form is touched (before
    // it is ready, the request waits for it, and the reader is told).
    checkIncoming(doc, what) {
      if (this.client.state === "loading") this.message(`Checking ${what}: the scoring engine, which checks it, is still starting…`);
      return check(this.client, doc);
    }

    async openFile(file) {
      const refuse = (reason) =>
        this.message(`The file “${file.name}” could not be opened: ${reason} Your current answers are unchanged.`, "error");
      if (file.size > MAX_FILE_BYTES) {
        refuse(`it is ${Math.round(file.size / 1024)} kB, far larger than any Crossroads assessment.`);
        return;
      }
      let checked;
      try {
        const bytes = new Uint8Array(await file.arrayBuffer());
        let text;
        try {
          text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
        } catch {
          throw new CheckError("it is not a text file.");
        }
        checked = await this.checkIncoming(parseJSON(text), `“${file.name}”`);
      } catch (error) {
        refuse(error instanceof CheckError ? error.message : `it could not be read (${error.message}).`);
        return;
      }
      if (this.hasContent() && !window.confirm(`Replace your current answers with those in “${file.name}”?`)) {
        this.message("Opening the file was cancelled. Your current answers are unchanged.");
        return;
      }
      this.apply(checked);
      const count = Object.keys(checked.answers).length;
      this.message(`Opened “${file.name}”: ${count} answer${count === 1 ? "" : "s"} loaded${this.carriedOver(checked)}.`);
    }
  };
