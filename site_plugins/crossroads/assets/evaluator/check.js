// Crossroads evaluator: the page's side of reading an assessment document (a
// file, a share link, a stored record). The engine in the worker judges it,
// with its own check and migrations (crossroads_web.py, ops "check" and
// "salvage"): the page never applies a rule of its own.

export const FORMAT = "crossroads-assessment";
export const MAX_FILE_BYTES = 2 * 1024 * 1024; // far more than any assessment

// A document refused, with the reason in plain words; `.unchecked` when it
// could not be checked at all (the engine is not running).
export class CheckError extends Error {}

export function isObject(value) {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

export function parseJSON(text) {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CheckError(t("files.not_json", { reason: String(error.message).replace(/^JSON\.parse: /, "") }));
  }
}

function refusal(error) {
  if (error.type !== "stopped" && error.type !== "unavailable") return new CheckError(error.message);
  const refused = new CheckError(t("files.unchecked"));
  refused.unchecked = true;
  return refused;
}

async function ask(client, op, doc) {
  try {
    return await client.call({ op, request: doc });
  } catch (error) {
    throw refusal(error);
  }
}

// The register's part of a document the engine has accepted in full: the

import { t } from "./i18n.js";
// version id, the partnership id, the decision record and the action plan,
// as the engine's checked form gives them, or as the document has them.
function withRecord(checked, doc) {
  if (!isObject(doc)) return checked;
  const out = { ...checked, partnership: { ...checked.partnership } };
  if (out.id === undefined && typeof doc.id === "string") out.id = doc.id;
  if (out.decision === undefined && isObject(doc.decision)) out.decision = doc.decision;
  if (out.plan === undefined && Array.isArray(doc.plan)) out.plan = doc.plan;
  if (out.profile === undefined && (doc.profile === null || typeof doc.profile === "string")) out.profile = doc.profile;
  const p = isObject(doc.partnership) ? doc.partnership : {};
  for (const key of ["id", "country"]) if (out.partnership[key] === undefined && typeof p[key] === "string") out.partnership[key] = p[key];
  return out;
}

// The engine's checked form of a document ({answers, partnership, notes,
// migrated_from?, migration?, and the register's part}), or a CheckError
// saying why it is refused.
export const check = async (client, doc) => withRecord(await ask(client, "check", doc), doc);

// What the engine can read of a document: {checked, problems}.
export const salvage = async (client, doc) => {
  const found = await ask(client, "salvage", doc);
  return found.problems.length ? found : { ...found, checked: withRecord(found.checked, doc) };
};

// A stored record of this method version as the form can show it before the
// engine has checked it: text where text belongs, nothing else. The form
// itself has no input for a value that is not an option.
export function shownAsIs(doc) {
  const texts = (value) => (isObject(value) ? Object.fromEntries(Object.entries(value).filter(([, v]) => typeof v === "string")) : {});
  const answers = {};
  if (isObject(doc.answers)) {
    for (const [qid, value] of Object.entries(doc.answers)) {
      if (typeof value === "string" || (Array.isArray(value) && value.every((v) => typeof v === "string"))) answers[qid] = value;
    }
  }
  return withRecord({ answers, partnership: texts(doc.partnership), notes: texts(doc.notes) }, doc);
}
