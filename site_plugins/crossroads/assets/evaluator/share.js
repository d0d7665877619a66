// Crossroads evaluator: share links, the answers in the URL fragment (never
// sent to a server): making one (checked for length before it is offered)
// and opening one. The code itself is in share_code.js.
// A mixin of the Evaluator class (see evaluator.js).

import { FORMAT } from "./check.js";
import { MAX_FRAGMENT_CHARS, compressFragment, decodeCompressedFragment, decodeFragment, encodeFragment } from "./share_code.js";
import { number, t, tn } from "./i18n.js";

const LONG_LINK_CHARS = 8000; // longer links may be cut by e-mail and chat programs

export const withShare = (Base) =>
  class extends Base {
    /* share links: the answers in the URL fragment, never sent to a server */

    toggleShare() {
      const panel = this.el("cr-share-panel");
      const open = panel.hidden;
      panel.hidden = !open;
      this.el("cr-share").setAttribute("aria-expanded", String(open));
      this.clearShareLink();
      if (open) this.el("cr-share-notes").focus();
    }

    clearShareLink() {
      this.el("cr-share-url").value = "";
      this.el("cr-share-note").hidden = true;
      this.el("cr-share-file").hidden = true;
    }

    // The link: in its first, uncompressed form while that is short (any
    // version of this page opens it), else in the shorter of the two forms.
    async shareLink() {
      const doc = { format: FORMAT, method_version: this.config.method_version, answers: this.answers() };
      if (this.profile || this.config.profile) doc.profile = this.profile;
      if (this.el("cr-share-notes").checked) {
        doc.notes = this.notes();
        doc.partnership = this.partnership();
      }
      const url = new URL(window.location.href);
      let form = "a";
      let code = encodeFragment(doc);
      url.hash = `a=${code}`;
      if (url.href.length > LONG_LINK_CHARS) {
        let packed;
        try {
          packed = await compressFragment(doc);
        } catch {
          packed = null;
        }
        if (packed !== null && packed.length < code.length) {
          form = "z";
          code = packed;
          url.hash = `z=${code}`;
        }
      }
      return { url: url.href, form, code };
    }

    async copyShareLink() {
      const field = this.el("cr-share-url");
      const note = this.el("cr-share-note");
      this.clearShareLink();
      let link;
      try {
        link = await this.shareLink();
      } catch (error) {
        this.message(t("share.failed", { reason: error.message }), "error");
        return;
      }
      const n = number;
      if (link.code.length > MAX_FRAGMENT_CHARS) {
        // Never offer a link the recipient's page would refuse.
        const withNotes = this.el("cr-share-notes").checked;
        const text = t(withNotes ? "share.too_long_notes" : "share.too_long", { length: n(link.code.length), max: n(MAX_FRAGMENT_CHARS) });
        note.textContent = text;
        note.dataset.kind = "error";
        note.hidden = false;
        this.el("cr-share-file").hidden = false;
        this.message(text, "error");
        this.el("cr-share-file").focus();
        return;
      }
      field.value = link.url;
      if (link.url.length > LONG_LINK_CHARS) {
        note.textContent = t("share.long", { length: n(link.url.length) });
        note.dataset.kind = "info";
        note.hidden = false;
        this.el("cr-share-file").hidden = false;
      }
      try {
        await navigator.clipboard.writeText(link.url);
        this.message(link.url.length > LONG_LINK_CHARS ? t("share.copied_long", { length: n(link.url.length) }) : t("share.copied"));
      } catch {
        field.focus();
        field.select();
        this.message(t("share.no_clipboard"));
      }
    }

    async loadFragment() {
      const hash = window.location.hash;
      const form = hash.startsWith("#a=") ? "a" : hash.startsWith("#z=") ? "z" : null;
      if (!form) return;
      const clearHash = () => history.replaceState(history.state, "", window.location.pathname + window.location.search);
      let checked;
      try {
        const code = hash.slice(3);
        checked = await this.checkIncoming(form === "z" ? await decodeCompressedFragment(code) : decodeFragment(code), t("share.what"));
      } catch (error) {
        clearHash();
        this.message(t("share.refused", { reason: error.message }), "error");
        return;
      }
      clearHash();
      if (this.hasContent() && !window.confirm(t("share.confirm_replace"))) {
        this.message(t("share.cancelled"));
        return;
      }
      this.apply(checked);
      const count = Object.keys(checked.answers).length;
      this.message(tn("share.opened", count, { carried: this.carriedOver(checked) }));
    }
  };
