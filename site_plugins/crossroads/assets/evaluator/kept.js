// Crossroads evaluator: records kept aside. A stored record that cannot be
// read in full is kept, unchanged, under ASIDE_PREFIX until the reader
// downloads or discards it; if the browser refuses to keep it, it is held
// (and nothing is stored) until the reader decides.
// A mixin of the Evaluator class (see evaluator.js).

import { isObject } from "./check.js";
import { download, h, srOnly, today } from "./dom.js";
import { ASIDE_PREFIX } from "./storage.js";
import { language, number, t, tn } from "./i18n.js";

export const withKept = (Base) =>
  class extends Base {
    /* records kept aside: stored answers that could not be read in full */

    // Keep an unreadable record, unchanged, under its own key; false if this
    // browser does not let the page store it.
    keepAside(text, key, reason) {
      try {
        for (const { record } of this.keptRecords()) if (record.text === text) return true;
        const record = { key, kept_at: new Date().toISOString(), reason, text };
        localStorage.setItem(`${ASIDE_PREFIX}${Date.now()}`, JSON.stringify(record));
        return true;
      } catch {
        return false;
      }
    }

    keptRecords() {
      const out = [];
      try {
        for (const key of Object.keys(localStorage).filter((k) => k.startsWith(ASIDE_PREFIX)).sort()) {
          const raw = localStorage.getItem(key);
          let record;
          try {
            record = JSON.parse(raw);
            if (!isObject(record) || typeof record.text !== "string") throw new Error("not a record");
          } catch {
            record = { key: null, kept_at: null, reason: "", text: raw };
          }
          out.push({ id: key, record });
        }
      } catch {
        /* storage unavailable */
      }
      return out;
    }

    renderKept() {
      const items = this.keptRecords().map(({ id, record }) => ({ id, ...record, held: false }));
      if (this.held) items.push({ id: "held", key: this.held.key, kept_at: null, reason: this.held.reason, text: this.held.text, held: true });
      const box = this.el("cr-kept");
      box.hidden = !items.length;
      if (!items.length) return;
      const day = (iso) => {
        const d = typeof iso === "string" ? new Date(iso) : null;
        return d && !Number.isNaN(d.getTime()) ? d.toLocaleDateString(language(), { day: "numeric", month: "long", year: "numeric" }) : null;
      };
      const when = (item) => {
        let saved;
        try {
          saved = day(JSON.parse(item.text).saved_at);
        } catch {
          saved = null;
        }
        const kept = day(item.kept_at);
        return [saved && t("kept.saved_on", { date: saved }), kept && t("kept.kept_on", { date: kept })].filter(Boolean).join(", ");
      };
      this.el("cr-kept-text").textContent = this.held
        ? t("kept.held")
        : tn("kept.aside", items.length);
      this.el("cr-kept-list").replaceChildren(
        ...items.map((item, i) => {
          const name = items.length > 1 ? t("kept.record_n", { n: i + 1 }) : t("kept.record");
          return h(
            "li",
            { class: "cr-kept__item" },
            h("p", { class: "cr-kept__what", text: t("kept.what", { what: [name, when(item)].filter(Boolean).join(", "), count: number([...item.text].length) }) }),
            item.reason ? h("details", { class: "cr-detail" }, h("summary", {}, t("kept.unread")), h("p", { class: "cr-detail__text", text: item.reason })) : null,
            h(
              "div",
              { class: "cr-kept__buttons" },
              h("button", { type: "button", class: "md-button", "data-kept": item.id, "data-action": "download" }, t("kept.download"), srOnly(` (${name})`)),
              h("button", { type: "button", class: "md-button cr-danger", "data-kept": item.id, "data-action": "discard" }, t("kept.discard"), srOnly(` (${name})`)),
            ),
          );
        }),
      );
    }

    keptItem(id) {
      if (id === "held") return this.held ? { text: this.held.text, kept_at: null } : null;
      const found = this.keptRecords().find((item) => item.id === id);
      return found ? found.record : null;
    }

    downloadKept(id) {
      const item = this.keptItem(id);
      if (!item) {
        this.renderKept();
        return;
      }
      const date = (item.kept_at || "").slice(0, 10) || today();
      const name = `crossroads-stored-answers-${/^\d{4}-\d{2}-\d{2}$/.test(date) ? date : today()}.json`;
      download(name, item.text, "application/json");
      if (id === "held") {
        // The reader has a copy now: the record may be replaced.
        this.release();
        this.renderKept();
        this.message(t("kept.downloaded_held", { name }));
        this.el("cr-message").focus();
        return;
      }
      this.message(t("kept.downloaded", { name }));
    }

    // The reader decided about a record that could not be kept aside: store again.
    release() {
      const { key } = this.held;
      this.held = null;
      if (key !== this.storageKey()) this.removeKey(key);
      this.persist();
    }

    discardKept(id) {
      if (!this.keptItem(id)) {
        this.renderKept();
        return;
      }
      if (!window.confirm(t("kept.confirm_discard"))) return;
      if (id === "held") {
        this.release();
      } else {
        this.removeKey(id);
      }
      this.renderKept();
      this.message(t("kept.discarded"));
      this.el("cr-message").focus();
    }
  };
