// Crossroads evaluator: the stored record, in this browser only. One record
// per method version (STORAGE_PREFIX + version); a tab writes only over the
// record it last read or wrote; at load, the record is opened, and one that
// cannot be read in full is kept aside (see kept.js) while what can be read
// is opened. A mixin of the Evaluator class (see evaluator.js).

import { CheckError, isObject, parseJSON, salvage, shownAsIs } from "./check.js";
import { t, tn } from "./i18n.js";

export const STORAGE_PREFIX = "crossroads:evaluator:";
export const ASIDE_PREFIX = "crossroads:evaluator-aside:";

export const withStorage = (Base) =>
  class extends Base {
    /* storage: this browser only, one key per method version */

    storageKey() {
      return STORAGE_PREFIX + this.config.method_version;
    }

    // Text is stored (and the print report updated) after a pause in typing;
    // data-autosave="pending" on the evaluator says one is due.
    persistSoon() {
      this.cancelPersist();
      this.root.dataset.autosave = "pending";
      this.persistTimer = setTimeout(() => {
        this.cancelPersist();
        this.persist();
        this.renderReport();
      }, 400);
    }

    cancelPersist() {
      clearTimeout(this.persistTimer);
      this.persistTimer = null;
      delete this.root.dataset.autosave;
    }

    flushPersist() {
      if (this.persistTimer) {
        this.cancelPersist();
        this.persist();
      }
    }

    // What a stored record says (answers, notes, partnership, decision, plan), without the
    // time it was saved: two records with the same content are the same.
    contentKey(text) {
      if (text === null || text === undefined) return null;
      try {
        const doc = JSON.parse(text);
        if (!isObject(doc)) return text;
        return JSON.stringify([doc.partnership || {}, doc.answers || {}, doc.notes || {}, doc.id || null, doc.decision || {}, doc.plan || []]);
      } catch {
        return text;
      }
    }

    formKey() {
      return this.hasContent() ? this.contentKey(JSON.stringify(this.assessment())) : null;
    }

    // Write this tab's answers, but only over the record this tab last read or
    // wrote: if another tab changed it meanwhile (and this tab missed it), the
    // reader chooses instead.
    persist() {
      if (this.noStore || this.conflict || this.held || this.restoring) return false;
      const key = this.storageKey();
      try {
        const now = localStorage.getItem(key);
        if (now !== this.lastStored && this.contentKey(now) !== this.contentKey(this.lastStored) && this.contentKey(now) !== this.formKey()) {
          this.openConflict();
          return false;
        }
        if (this.hasContent()) {
          const text = JSON.stringify(this.assessment());
          localStorage.setItem(key, text);
          this.lastStored = text;
        } else {
          localStorage.removeItem(key);
          this.lastStored = null;
        }
        return true;
      } catch {
        this.message(t("storage.denied"), "error");
        return false;
      }
    }

    removeStored() {
      try {
        for (const key of Object.keys(localStorage)) {
          if (key.startsWith(STORAGE_PREFIX) || key.startsWith(ASIDE_PREFIX)) localStorage.removeItem(key);
        }
      } catch {
        /* storage unavailable: nothing stored either */
      }
      this.lastStored = null;
    }

    restore() {
      let text;
      let key = this.storageKey();
      try {
        text = localStorage.getItem(key);
        this.lastStored = text;
        if (text === null) {
          // Answers stored by an earlier method version are carried over once.
          const older = Object.keys(localStorage).filter((k) => k.startsWith(STORAGE_PREFIX) && k !== key).sort();
          if (older.length) {
            key = older[older.length - 1];
            text = localStorage.getItem(key);
          }
        }
      } catch {
        return;
      }
      if (text === null) {
        this.renderKept();
        return;
      }
      let doc;
      try {
        doc = parseJSON(text);
      } catch (error) {
        if (!(error instanceof CheckError)) throw error;
        this.restored(key, text, { checked: { answers: {}, partnership: {}, notes: {} }, problems: [error.message] });
        return;
      }
      // The engine checks the record (and carries over an earlier version's).
      // Until it has, the record is never written over; a record of this
      // version is shown meanwhile, as far as the form can hold it.
      const pending = { key, text, doc, shown: null };
      this.restoring = pending;
      if (key === this.storageKey() && isObject(doc)) {
        this.apply(shownAsIs(doc), { persist: false });
        pending.shown = this.formKey();
      }
      this.checkRestored(pending);
    }

    // Ask the engine what can be read of the record being restored; again
    // after a restart if the engine was not running.
    checkRestored(pending) {
      if (pending.asked) return;
      pending.asked = true;
      salvage(this.client, pending.doc).then(
        (found) => {
          if (this.restoring !== pending) return; // erased, or storing turned off, meanwhile
          this.restoring = null;
          // Answers given while the record was being checked are kept as they are.
          const edited = pending.shown !== null ? this.formKey() !== pending.shown : this.hasContent();
          this.restored(pending.key, pending.text, found, edited);
        },
        () => {
          pending.asked = false; // the engine is not running: asked again when it is
        },
      );
    }

    restored(key, text, { checked, problems }, edited = false) {
      if (!problems.length) {
        if (!edited) this.apply(checked);
        else this.persist();
        if (key !== this.storageKey()) {
          this.removeKey(key);
          this.message(t("storage.migrated", { carried: this.carriedOver(checked) }));
        }
        this.renderKept();
        return;
      }
      // Unreadable, in part or in full: keep the record aside exactly as it is,
      // until the reader downloads or discards it, and open what can be read.
      this.keptProblems = problems;
      if (this.keepAside(text, key, problems.join(" "))) {
        if (key !== this.storageKey()) this.removeKey(key);
      } else {
        this.held = { key, text, reason: problems.join(" ") };
      }
      if (!edited) this.apply(checked);
      else this.persist();
      this.renderKept();
      const opened = Object.keys(checked.answers).length + Object.keys(checked.notes).length + Object.values(checked.partnership).filter(Boolean).length;
      const more = problems.length > 1 ? ` ${tn("storage.more", problems.length - 1)}` : "";
      const where = edited ? t("storage.where_edited") : opened ? t("storage.where_opened") : t("storage.where_nothing");
      this.message(t("storage.unreadable", { problem: problems[0].replace(/\.$/, ""), more, where }), "error");
    }

    removeKey(key) {
      try {
        localStorage.removeItem(key);
      } catch {
        /* nothing more to do */
      }
    }

    carriedOver(checked) {
      return checked.migrated_from ? ` ${t("files.carried", { from: checked.migrated_from, to: this.config.method_version })}` : "";
    }
  };
