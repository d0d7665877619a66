// Crossroads evaluator: the interface texts in the page's language.
//
// The build writes the catalog of the page's language
// (scenarios/i18n/strings/evaluator.<lang>.yaml) into the page as
// <script type="application/json" id="cr-strings">; the page's language is
// <html lang>. No library: the catalog is a flat map and the few rules needed
// (placeholders, plurals, numbers, dates) are the browser's own Intl.
//
//   t("files.saved", {name})        the text of a key, {placeholders} filled
//   tn("files.opened", count, {…})  the plural form for count ("<key>.one",
//                                   "<key>.other", … by Intl.PluralRules);
//                                   {count} is the number, formatted
//   number(n)                       a number in the page's language (Intl)
// Dates stay in ISO form (2026-11-30) on the page, in files and reports:
// unambiguous in every language; times and long dates use Intl where shown.

let source = null;
let strings = {};

function catalog() {
  if (typeof document === "undefined") return strings; // not on a page (the DOCX report under Node): see useStrings
  const el = document.getElementById("cr-strings");
  if (el !== source) {
    source = el;
    try {
      strings = el ? JSON.parse(el.textContent) : {};
    } catch {
      strings = {};
    }
  }
  return strings;
}

let fixedLanguage = null;

export function language() {
  if (fixedLanguage) return fixedLanguage;
  return typeof document === "undefined" ? "en" : document.documentElement.lang || "en";
}

// The page's catalog, to hand to a module that may also run off the page.
export function pageStrings() {
  return catalog();
}

// Off the page (tests/js/docx_runner.mjs): the catalog and language to use.
export function useStrings(texts, lang = "en") {
  strings = texts;
  fixedLanguage = lang;
}

export function t(key, values = {}) {
  const text = catalog()[key];
  if (text === undefined) return key; // tests/site/test_strings.py keeps every key used here in the catalog
  return text.replace(/\{([a-z_]+)\}/g, (whole, name) => (Object.hasOwn(values, name) ? String(values[name]) : whole));
}

export function number(value) {
  try {
    return new Intl.NumberFormat(language()).format(value);
  } catch {
    return String(value);
  }
}

export function tn(key, count, values = {}) {
  let form = "other";
  try {
    form = new Intl.PluralRules(language()).select(count);
  } catch {
    // an unknown language tag: the "other" form
  }
  const found = Object.hasOwn(catalog(), `${key}.${form}`) ? `${key}.${form}` : `${key}.other`;
  return t(found, { ...values, count: number(count) });
}
