// Crossroads evaluator: other tabs and windows on this page. Tabs watch
// each other through "storage" events: a tab with no changes of its own
// follows another tab's changes (and says so); a tab with changes of its own
// stops storing and lets the reader choose, so neither side is lost. "Erase
// my data" and "Don't store" reach every open tab (a signal key, and a
// BroadcastChannel). A mixin of the Evaluator class (see evaluator.js).

import { CheckError, check, isObject, parseJSON } from "./check.js";
import { download, today } from "./dom.js";
import { ASIDE_PREFIX } from "./storage.js";
import { language, t } from "./i18n.js";

export const SIGNAL_KEY = "crossroads:evaluator-signal";
const CHANNEL_NAME = "crossroads-evaluator";

// Erase and "don't store" reach every tab of the site: a storage key set and
// removed at once (its "storage" events arrive in order with the record's),
// and a BroadcastChannel message (which also reaches tabs that store nothing).
export function sendSignal(type, handled, channel) {
  const id = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
  handled.add(id);
  const text = JSON.stringify({ type, id });
  try {
    localStorage.setItem(SIGNAL_KEY, text);
    localStorage.removeItem(SIGNAL_KEY);
  } catch {
    /* storage unavailable: the channel below still tells the other tabs */
  }
  try {
    if (channel) channel.postMessage(text);
  } catch {
    /* no other way to tell them */
  }
}

// A signal ({type, id}) read from its text, once: null if unreadable or handled already.
export function readSignal(text, handled) {
  let signal;
  try {
    signal = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isObject(signal) || typeof signal.id !== "string" || handled.has(signal.id)) return null;
  handled.add(signal.id);
  return signal;
}

// The channel the tabs signal on, calling `receive(text)`; null where there is none.
export function openChannel(receive) {
  if (typeof BroadcastChannel !== "function") return null;
  try {
    const channel = new BroadcastChannel(CHANNEL_NAME);
    channel.onmessage = (event) => receive(String(event.data));
    return channel;
  } catch {
    return null;
  }
}

export const withTabs = (Base) =>
  class extends Base {
    /* other tabs and windows on this page */

    watchTabs() {
      window.addEventListener("storage", (event) => this.onStorage(event));
      this.channel = openChannel((text) => this.receiveSignal(text));
    }

    onStorage(event) {
      try {
        if (event.storageArea && event.storageArea !== window.localStorage) return;
      } catch {
        return;
      }
      const key = event.key;
      if (key === SIGNAL_KEY) {
        if (event.newValue) this.receiveSignal(event.newValue);
        return;
      }
      if (key === null || key.startsWith(ASIDE_PREFIX)) this.renderKept();
      if (key === null || key === this.storageKey()) this.otherTabChanged(key === null ? null : event.newValue);
    }

    // Another tab stored (or removed) this assessment.
    otherTabChanged(text) {
      if (this.noStore) return;
      const mine = this.formKey();
      const theirs = this.contentKey(text);
      if (theirs === mine) {
        this.lastStored = text;
        if (this.conflict) {
          this.conflict = null;
          this.renderConflict();
          this.message(t("tabs.same_again"));
        }
        return;
      }
      if (this.conflict) {
        this.conflict.at = new Date();
        this.renderConflict();
        return;
      }
      // No changes of its own since it last read or wrote the record: this tab
      // follows. Otherwise neither side may be lost: the reader chooses.
      const inSync = !this.persistTimer && !this.held && mine === this.contentKey(this.lastStored);
      if (inSync) this.follow(text);
      else this.openConflict();
    }

    // Show another tab's version, once the engine has checked it; false if
    // this tab does not follow after all (the reader chooses then).
    async follow(text) {
      const mine = this.formKey();
      let checked = { answers: {}, partnership: {}, notes: {} };
      if (text !== null) {
        try {
          checked = await check(this.client, parseJSON(text));
        } catch (error) {
          if (!(error instanceof CheckError)) throw error;
          if (!error.unchecked) {
            this.keepAside(text, this.storageKey(), error.message);
            this.renderKept();
          }
          this.openConflict();
          return false;
        }
        if (this.conflict || this.formKey() !== mine) {
          // Changed in this tab meanwhile: neither side may be lost.
          this.openConflict();
          return false;
        }
      }
      this.lastStored = text;
      if (text === null) for (const q of this.questions) q.details.open = false;
      this.apply(checked, { persist: false });
      this.message(
        text === null
          ? t("tabs.emptied")
          : t("tabs.followed"),
      );
      return true;
    }

    openConflict() {
      this.cancelPersist();
      const first = !this.conflict;
      this.conflict = { at: new Date() };
      this.renderConflict();
      if (first) {
        this.message(
          t("tabs.conflict"),
          "error",
        );
      }
    }

    otherVersion() {
      try {
        return localStorage.getItem(this.storageKey());
      } catch {
        return null;
      }
    }

    renderConflict() {
      const box = this.el("cr-conflict");
      box.hidden = !this.conflict;
      if (!this.conflict) return;
      const at = this.conflict.at.toLocaleTimeString(language(), { hour: "2-digit", minute: "2-digit" });
      const theirs = this.otherVersion();
      this.el("cr-conflict-text").textContent =
        `${t(theirs === null ? "tabs.conflict_emptied" : "tabs.conflict_changed", { at })} ${t("tabs.conflict_wait")}`;
      this.el("cr-conflict-download").hidden = theirs === null;
    }

    conflictKeep() {
      this.lastStored = this.otherVersion();
      this.conflict = null;
      this.renderConflict();
      this.persist();
      this.message(t("tabs.kept"));
      this.el("cr-message").focus();
    }

    async conflictUse() {
      if (this.hasContent() && !window.confirm(t("tabs.confirm_use"))) return;
      const theirs = this.otherVersion();
      this.conflict = null;
      this.renderConflict();
      if (!(await this.follow(theirs))) return;
      this.message(theirs === null ? t("tabs.used_empty") : t("tabs.used"));
      this.el("cr-message").focus();
    }

    conflictDownload() {
      const theirs = this.otherVersion();
      if (theirs === null) {
        this.renderConflict();
        return;
      }
      const name = `crossroads-other-tab-${today()}.json`;
      download(name, theirs, "application/json");
      this.message(t("tabs.downloaded", { name }));
    }

    signal(type) {
      sendSignal(type, this.handledSignals, this.channel);
    }

    receiveSignal(text) {
      const signal = readSignal(text, this.handledSignals);
      if (!signal) return;
      if (signal.type === "erase") {
        this.eraseHere();
        this.message(t("tabs.erased_elsewhere"));
      } else if (signal.type === "nostore" && !this.noStore) {
        this.setNoStore(true, true);
      }
    }

    setNoStore(on, fromOtherTab = false) {
      this.cancelPersist();
      this.noStore = on;
      this.el("cr-nostore").checked = on;
      if (on) {
        this.client.forgetRuntime();
        if (!fromOtherTab) {
          this.signal("nostore");
          this.removeStored();
        }
        this.lastStored = null;
        this.conflict = null;
        this.held = null;
        this.restoring = null;
        this.renderConflict();
        this.renderKept();
        this.message(
          fromOtherTab
            ? t("tabs.nostore_elsewhere")
            : t("tabs.nostore"),
        );
      } else {
        // Another tab may have stored answers meanwhile: never write over them unasked.
        const now = this.otherVersion();
        this.lastStored = now;
        if (now !== null && this.contentKey(now) !== this.formKey()) {
          this.openConflict();
          return;
        }
        if (this.persist()) this.message(t("tabs.store_again"));
      }
    }

    erase() {
      const ok = window.confirm(
        t("tabs.confirm_erase"),
      );
      if (!ok) return;
      this.signal("erase");
      this.removeStored();
      this.eraseHere();
      this.message(t("tabs.erased"));
    }

    // Empty the form, forget what this tab stored; nothing is written.
    eraseHere() {
      this.cancelPersist();
      this.lastStored = null;
      this.conflict = null;
      this.held = null;
      this.restoring = null;
      this.keptProblems = [];
      this.form.reset();
      this.el("cr-nostore").checked = this.noStore;
      for (const q of this.questions) {
        for (const o of q.options) o.input.checked = false;
        q.note.value = "";
        q.details.open = false;
      }
      for (const field of Object.values(this.partnershipFields)) field.value = "";
      this.clearShareLink();
      this.migration = null;
      this.recordedFor = null;
      this.renderConflict();
      this.renderKept();
      this.updateQuestions();
      this.renderReport();
      this.score();
    }
  };
