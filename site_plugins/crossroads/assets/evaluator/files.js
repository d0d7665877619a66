// Crossroads evaluator: saving the answers to a file and opening one.
// A mixin of the Evaluator class (see evaluator.js).

import { CheckError, MAX_FILE_BYTES, check, parseJSON } from "./check.js";
import { download, slug, today } from "./dom.js";
import { number, t, tn } from "./i18n.js";

export const withFiles = (Base) =>
  class extends Base {
    /* files */

    saveFile() {
      const doc = this.assessment();
      const name = `crossroads-${slug(doc.partnership.name)}-${today()}.json`;
      download(name, `${JSON.stringify(doc, null, 2)}\n`, "application/json");
      this.message(t("files.saved", { name }));
    }

    // The engine checks a file or a link before the form is touched (before
    // it is ready, the request waits for it, and the reader is told).
    checkIncoming(doc, what) {
      if (this.client.state === "loading") this.message(t("files.checking", { what }));
      return check(this.client, doc);
    }

    async openFile(file) {
      const refuse = (reason) =>
        this.message(t("files.refused", { name: file.name, reason }), "error");
      if (file.size > MAX_FILE_BYTES) {
        refuse(t("files.too_large", { size: number(Math.round(file.size / 1024)) }));
        return;
      }
      let checked;
      try {
        const bytes = new Uint8Array(await file.arrayBuffer());
        let text;
        try {
          text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
        } catch {
          throw new CheckError(t("files.not_text"));
        }
        checked = await this.checkIncoming(parseJSON(text), t("files.quoted", { name: file.name }));
      } catch (error) {
        refuse(error instanceof CheckError ? error.message : t("files.unreadable", { reason: error.message }));
        return;
      }
      if (this.hasContent() && !window.confirm(t("files.confirm_replace", { name: file.name }))) {
        this.message(t("files.cancelled"));
        return;
      }
      this.apply(checked);
      const count = Object.keys(checked.answers).length;
      this.message(tn("files.opened", count, { name: file.name, carried: this.carriedOver(checked) }));
    }
  };
