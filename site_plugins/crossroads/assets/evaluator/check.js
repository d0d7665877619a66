// Crossroads evaluator: the structural check of a saved-assessment document
// (a file, a share link, a stored record), with the same rules as the
// engine's check_request, so that a document is judged before the engine is
// ready; and what can be read of a document that is refused.

export const FORMAT = "crossroads-assessment";
const REQUEST_KEYS = ["format", "method_version", "profile", "partnership", "answers", "notes", "saved_at"];
export const PARTNERSHIP_KEYS = ["name", "partner", "date", "note"];
export const MAX_FILE_BYTES = 2 * 1024 * 1024; // far more than any assessment

// A document refused, with the reason in plain words.
export class CheckError extends Error {}

function describe(value) {
  if (value === null) return "null";
  if (typeof value === "boolean") return "a boolean";
  if (typeof value === "number") return "a number";
  if (typeof value === "string") return "a string";
  if (Array.isArray(value)) return "a list";
  return "an object";
}

export function isObject(value) {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function wellFormed(text) {
  if (typeof text.isWellFormed === "function") return text.isWellFormed();
  return !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?:^|[^\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text);
}

export function parseJSON(text) {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CheckError(`it is not valid JSON (${String(error.message).replace(/^JSON\.parse: /, "")}).`);
  }
}

// The structural check of a saved-assessment document, the same rules as the
// engine's check_request, so that a file is judged before the engine is ready.
export function checkDocument(doc, model) {
  const { config } = model;
  if (!isObject(doc)) throw new CheckError(`an assessment must be a JSON object with an 'answers' key, got ${describe(doc)}.`);
  for (const key of Object.keys(doc)) {
    if (!REQUEST_KEYS.includes(key)) throw new CheckError(`unknown key '${key}' in the assessment; expected only: ${REQUEST_KEYS.join(", ")}.`);
  }
  if (!("answers" in doc)) throw new CheckError("the assessment has no 'answers' key.");
  if ("format" in doc && doc.format !== FORMAT) {
    throw new CheckError(`this file is not a Crossroads assessment: 'format' is ${JSON.stringify(doc.format)}, expected '${FORMAT}'.`);
  }
  const version = doc.method_version;
  if (version !== undefined && version !== null && typeof version !== "string") {
    throw new CheckError(`'method_version' must be a string such as '${config.method_version}', got ${describe(version)}.`);
  }
  const { answers, notes, migration } = migrateDocument(doc, model);
  const profile = doc.profile;
  if (profile !== undefined && profile !== null && typeof profile !== "string") {
    throw new CheckError(`'profile' must be a country id or null, got ${describe(profile)}.`);
  }
  if (typeof profile === "string" && !Object.hasOwn(config.profiles, profile)) {
    throw new CheckError(`unknown country profile ${JSON.stringify(profile)}; expected one of: ${Object.keys(config.profiles).join(", ")}.`);
  }
  const partnership = doc.partnership === undefined ? {} : doc.partnership;
  if (!isObject(partnership)) throw new CheckError(`'partnership' must be an object, got ${describe(partnership)}.`);
  for (const [key, value] of Object.entries(partnership)) {
    if (!PARTNERSHIP_KEYS.includes(key)) throw new CheckError(`unknown key '${key}' in 'partnership'; expected only: ${PARTNERSHIP_KEYS.join(", ")}.`);
    checkText(value, `partnership.${key}`, model);
  }
  if (!isObject(notes)) throw new CheckError(`'notes' must be an object mapping question ids to text, got ${describe(notes)}.`);
  for (const [qid, value] of Object.entries(notes)) checkNote(qid, value, model);
  if ("saved_at" in doc) checkText(doc.saved_at, "'saved_at'", model);
  if (!isObject(answers)) throw new CheckError(`'answers' must be an object mapping question ids to values, got ${describe(answers)}.`);
  const clean = {};
  for (const [qid, value] of Object.entries(answers)) {
    const checked = checkAnswer(qid, value, model);
    if (checked !== null) clean[qid] = checked;
  }
  const checked = { answers: clean, partnership: { ...partnership }, notes: { ...notes } };
  if (migration.length) {
    checked.migrated_from = version;
    checked.migration = migration;
  }
  return checked;
}

// An earlier version's answers are carried over with the engine's migration
// table (scenarios/migrations.yaml), then checked as usual.
function migrateDocument(doc, model) {
  const { config } = model;
  const version = doc.method_version;
  let answers = doc.answers;
  let notes = doc.notes === undefined ? {} : doc.notes;
  const migration = [];
  if (version !== undefined && version !== null && version !== config.method_version) {
    const steps = new Map((config.migrations || []).map((m) => [m.from, m]));
    const seen = new Set();
    let current = version;
    while (current !== config.method_version) {
      const step = steps.get(current);
      if (!step || seen.has(current)) {
        const known = [...new Set([...steps.keys(), config.method_version])].sort().join(", ");
        throw new CheckError(
          `this assessment was made with method version ${JSON.stringify(version)}, which this page cannot carry over to ` +
            `${JSON.stringify(config.method_version)}; versions it opens: ${known}.`,
        );
      }
      seen.add(current);
      if (isObject(answers)) answers = migrateMap(answers, step, true);
      if (isObject(notes)) notes = migrateMap(notes, step, false);
      migration.push(`${step.from} to ${step.to}: ${step.summary}`);
      current = step.to;
    }
  }
  return { answers, notes, migration };
}

function checkText(value, where, model) {
  const max = model.config.max_text;
  if (typeof value !== "string") throw new CheckError(`${where} must be a string, got ${describe(value)}.`);
  if (!wellFormed(value)) throw new CheckError(`${where} must be valid Unicode text, but it contains a broken character.`);
  // Count characters as Python does (code points), not UTF-16 units.
  const length = value.length > max ? [...value].length : value.length;
  if (length > max) throw new CheckError(`${where} is ${length} characters long; the limit is ${max}.`);
}

function checkNote(qid, value, model) {
  if (!model.byId.has(qid)) throw new CheckError(`a note is attached to unknown question '${qid}'.`);
  checkText(value, `the note on question '${qid}'`, model);
}

// One answer, checked: its clean value, or null for no answer.
function checkAnswer(qid, value, model) {
  const question = model.byId.get(qid);
  if (!question) throw new CheckError(`unknown question '${qid}'.`);
  if (value === null) return null;
  const allowed = question.options.map((o) => o.value);
  const names = allowed.join(", ");
  if (question.type === "single") {
    if (typeof value !== "string") throw new CheckError(`question '${qid}' takes one of its option values as a string, got ${describe(value)}; allowed values: ${names}.`);
    if (!allowed.includes(value)) throw new CheckError(`question '${qid}': '${value}' is not an option; allowed values: ${names}.`);
    return value;
  }
  if (!Array.isArray(value)) throw new CheckError(`question '${qid}' takes a list of option values, got ${describe(value)}; allowed values: ${names}.`);
  const seen = [];
  for (const item of value) {
    if (typeof item !== "string") throw new CheckError(`question '${qid}' takes a list of strings, got ${describe(item)} in it; allowed values: ${names}.`);
    if (!allowed.includes(item)) throw new CheckError(`question '${qid}': '${item}' is not an option; allowed values: ${names}.`);
    if (seen.includes(item)) throw new CheckError(`question '${qid}': '${item}' is given twice; give each value once.`);
    seen.push(item);
  }
  const exclusive = seen.filter((item) => question.options.find((o) => o.value === item).exclusive);
  if (exclusive.length && seen.length > 1) throw new CheckError(`question '${qid}': '${exclusive[0]}' means none of the others and cannot be combined with them.`);
  // An empty selection is no answer, as in the engine.
  return seen.length ? allowed.filter((v) => seen.includes(v)) : null;
}

// What can be read of a document that checkDocument refuses: every answer,
// note and partnership detail that passes its own check, and a list of what
// was left out. Answers and notes of a method version this page cannot carry
// over are left out (their questions may mean something else now).
export function salvageDocument(doc, model) {
  const checked = { answers: {}, partnership: {}, notes: {} };
  const problems = [];
  const attempt = (fn) => {
    try {
      fn();
    } catch (error) {
      if (!(error instanceof CheckError)) throw error;
      problems.push(error.message);
    }
  };
  if (!isObject(doc)) {
    problems.push(`the record is ${describe(doc)}, not an assessment.`);
    return { checked, problems };
  }
  let answers = {};
  let notes = {};
  attempt(() => {
    const version = doc.method_version;
    if (version !== undefined && version !== null && typeof version !== "string") {
      throw new CheckError(`'method_version' must be a string, got ${describe(version)}; its answers and notes were not opened.`);
    }
    const migrated = migrateDocument(doc, model);
    answers = migrated.answers;
    notes = migrated.notes;
    if (migrated.migration.length) {
      checked.migrated_from = version;
      checked.migration = migrated.migration;
    }
  });
  if (isObject(doc.partnership)) {
    for (const [key, value] of Object.entries(doc.partnership)) {
      attempt(() => {
        if (!PARTNERSHIP_KEYS.includes(key)) throw new CheckError(`unknown key '${key}' in 'partnership'.`);
        checkText(value, `partnership.${key}`, model);
        checked.partnership[key] = value;
      });
    }
  } else if (doc.partnership !== undefined) {
    problems.push(`'partnership' must be an object, got ${describe(doc.partnership)}.`);
  }
  if (isObject(notes)) {
    for (const [qid, value] of Object.entries(notes)) attempt(() => {
      checkNote(qid, value, model);
      checked.notes[qid] = value;
    });
  } else {
    problems.push(`'notes' must be an object, got ${describe(notes)}.`);
  }
  if (isObject(answers)) {
    for (const [qid, value] of Object.entries(answers)) attempt(() => {
      const clean = checkAnswer(qid, value, model);
      if (clean !== null) checked.answers[qid] = clean;
    });
  } else {
    problems.push(`'answers' must be an object, got ${describe(answers)}.`);
  }
  for (const key of Object.keys(doc)) {
    if (!REQUEST_KEYS.includes(key)) problems.push(`unknown key '${key}' in the assessment.`);
  }
  return { checked, problems };
}

// One step of the migration table applied to answers (values too) or notes,
// as the engine's _migrate_map does.
function migrateMap(mapping, step, values) {
  const renamed = step.rename_questions || {};
  const dropped = new Set(step.drop_questions || []);
  const out = {};
  for (const [qid, value] of Object.entries(mapping)) {
    if (dropped.has(qid)) continue;
    const id = Object.hasOwn(renamed, qid) ? renamed[qid] : qid;
    let v = value;
    if (values) {
      const options = (step.rename_options || {})[id] || {};
      const rename = (item) => (typeof item === "string" && Object.hasOwn(options, item) ? options[item] : item);
      if (typeof v === "string") v = rename(v);
      else if (Array.isArray(v)) v = v.map(rename);
    }
    // defineProperty: a key such as "__proto__" stays a key (and is refused later).
    Object.defineProperty(out, id, { value: v, enumerable: true, writable: true, configurable: true });
  }
  return out;
}
