"""Pure render functions: the method (and where pages live) in, text out.

Nothing here knows about MkDocs. Each `render_*` function takes the compiled
`engine.model.Method` and a `Links` object (the page being written and where
the other pages are) and returns Markdown, or HTML wrapped in
`<!-- crossroads-html -->` ... `<!-- /crossroads-html -->` for the pieces that
Markdown must not touch (diagrams, tables with merged cells). The words live
in the Jinja2 templates next to this file; Python only prepares the data.
"""

from __future__ import annotations

import base64
import json
import posixpath
import re
from dataclasses import dataclass, field
from typing import Callable, Mapping

from markupsafe import Markup, escape

from . import diagrams, templating
from .templating import HTML_CLOSE, HTML_OPEN, md_text  # noqa: F401  (used by the plugin and tests)

#: Markers a hand-written page may hold, each on its own line as `<!-- crossroads:NAME -->`.
#: `management` also takes a category id: `<!-- crossroads:management A -->`.
MARKERS = (
    "calibration", "cases", "contacts", "countries", "evaluator", "foresight", "guidelines", "levels",
    "management", "matrix", "questionnaire", "scoring", "screen", "stakeholders", "version",
)


class RenderError(ValueError):
    """A marker or a page cannot be rendered from this method and this site."""


_render = templating.render
_html = templating.html_block


# -- where pages live ---------------------------------------------------------

def category_src(category_id: str) -> str:
    return f"risks/{category_id.lower()}.md"


def scenario_src(scenario_id: str) -> str:
    return f"risks/{scenario_id.lower()}.md"


def country_src(country_id: str) -> str:
    return f"countries/{country_id.lower()}.md"


def case_src(case_id: str) -> str:
    return f"cases/{case_id}.md"


def default_url(src: str, use_directory_urls: bool = True) -> str:
    """The URL MkDocs gives a Markdown page (`risks/a1.md` -> `risks/a1/`)."""
    stem = src[:-3] if src.endswith(".md") else src
    if not use_directory_urls:
        return stem + ".html"
    if stem == "index":
        return "./"
    if stem.endswith("/index"):
        return stem[: -len("index")]
    return stem + "/"


def relative_url(url: str, other: str) -> str:
    """`url` relative to the page at `other` (both site-relative, as MkDocs writes them)."""
    dirname, _, basename = other.rpartition("/")
    if "." in basename:
        other = dirname
    other_parts = [p for p in other.split("/") if p and p != "."]
    dest_parts = [p for p in url.split("/") if p and p != "."]
    common = 0
    for a, b in zip(other_parts, dest_parts):
        if a != b:
            break
        common += 1
    rel = "/".join([".."] * (len(other_parts) - common) + dest_parts[common:]) or "."
    return rel + "/" if url.endswith("/") else rel


@dataclass(frozen=True)
class Links:
    """Links from one page to the others, for Markdown (`md`) and for raw HTML (`url`).

    `pages` maps every page's source path to its URL; `homes` maps a marker
    (`questionnaire`, `foresight`, `management A`, ...) to the page that holds it.
    A link to a page or marker that does not exist is None, and templates then
    print plain text instead of a broken link.
    """

    page: str
    pages: Mapping[str, str]
    homes: Mapping[str, str] = field(default_factory=dict)

    def md(self, src: str | None, anchor: str = "") -> str | None:
        if src is None or src not in self.pages:
            return None
        if src == self.page:
            path = "" if anchor else posixpath.basename(src)
        else:
            path = posixpath.relpath(src, posixpath.dirname(self.page) or ".")
        return path + (f"#{anchor}" if anchor else "")

    def url(self, src: str | None, anchor: str = "") -> str | None:
        if src is None or src not in self.pages:
            return None
        if src == self.page and anchor:
            return f"#{anchor}"
        return relative_url(self.pages[src], self.pages[self.page]) + (f"#{anchor}" if anchor else "")

    def root(self) -> str:
        """The site root relative to this page, ending in '/'."""
        rel = relative_url("./", self.pages[self.page])
        return rel if rel.endswith("/") else rel + "/"

    def home(self, marker: str) -> str | None:
        return self.homes.get(marker)

    def step_home(self, method, step_id: str) -> str | None:
        step = method.steps.get(step_id)
        if step is None:
            return None
        if "category" in step:
            return self.homes.get(f"management {step['category']}") or self.homes.get("management")
        return self.homes.get("foresight")


def site_pages(srcs, use_directory_urls: bool = True) -> dict[str, str]:
    """`{src: url}` for a list of page sources, as MkDocs would place them."""
    return {src: default_url(src, use_directory_urls) for src in srcs}


def generated_pages(method, library: "Library | None" = None) -> list[tuple[str, str, str]]:
    """Every page the plugin generates: `(src, kind, id)` with kind category/scenario/country/case."""
    pages = []
    for category in method.categories:
        pages.append((category_src(category["id"]), "category", category["id"]))
    for scenario in method.scenarios:
        pages.append((scenario_src(scenario["id"]), "scenario", scenario["id"]))
    for country in method.countries.values():
        pages.append((country_src(country["id"]), "country", country["id"]))
    for case in (library.cases if library else ()):
        pages.append((case_src(case["id"]), "case", case["id"]))
    return pages


def nav_entries(method, library: "Library | None" = None) -> dict[str, list]:
    """The generated pages as MkDocs `nav` items, for the `crossroads:risks`, `crossroads:countries` and `crossroads:cases` placeholders."""
    risks = []
    for category in method.categories:
        items = [{"Overview": category_src(category["id"])}]
        for scenario in method.scenarios:
            if scenario["category"] == category["id"]:
                items.append({f"{scenario['id']} {scenario['name']}": scenario_src(scenario["id"])})
        risks.append({f"Category {category['id']}: {category['name']}": items})
    countries = [{c["name"]: country_src(c["id"])} for c in sorted(method.countries.values(), key=lambda c: c["name"])]
    cases = [{c["title"]: case_src(c["id"])} for c in (library.cases if library else ())]
    return {"crossroads:risks": risks, "crossroads:countries": countries, "crossroads:cases": cases}


def glossary(method) -> dict[str, str]:
    """Abbreviations for every page: the stakeholder codes and what they stand for."""
    return {code: item["name"] for code, item in method.stakeholders.items()}


# -- derived views of the method ----------------------------------------------

def level_tones(method) -> dict[str, int]:
    """Each risk level's colour tone, 0 (mildest) to 3 (most severe), whatever the number of levels."""
    count = len(method.levels)
    return {level: round(rank * 3 / (count - 1)) if count > 1 else 0 for rank, level in enumerate(method.levels)}


def _labels(items) -> dict[str, str]:
    return {item["id"]: item["label"] for item in items}


def sources(method) -> list[dict]:
    """The method's sources, numbered in the order the method lists them."""
    return [dict(source, number=index + 1) for index, source in enumerate(method.data["method"]["sources"])]


def _source_index(method) -> dict[str, dict]:
    return {source["id"]: source for source in sources(method)}


def _cited(method, ids) -> list[dict]:
    wanted = set(ids)
    return [source for source in sources(method) if source["id"] in wanted]


def category_of(method, category_id: str) -> dict:
    for category in method.categories:
        if category["id"] == category_id:
            return category
    raise RenderError(f"unknown category '{category_id}'; expected one of: {', '.join(c['id'] for c in method.categories)}.")


def track_of(method, category_id: str) -> dict | None:
    for track in method.data["flowcharts"]["management"]["tracks"]:
        if track["category"] == category_id:
            return track
    return None


def scenarios_in(method, category_id: str) -> list[dict]:
    return [s for s in method.scenarios if s["category"] == category_id]


def _option_points(option, key: str, scenario_id: str) -> int:
    return option.get(key, {}).get(scenario_id, 0)


def question_effects(method, question) -> list[dict]:
    """A question's options with their effects spelled out."""
    impacts = {i["id"]: {"impact": i, "scenario": s["id"]} for s in method.scenarios for i in s["impacts"]}
    dependents = {}
    for other in method.questions:
        cond = other.get("show_if")
        if cond and cond["question"] == question["id"]:
            for value in cond["in"]:
                dependents.setdefault(value, []).append(other)
    rules = []
    for rule in method.data["scoring"]["recommendation_rules"]:
        for when in [rule["when"], *rule["when"].get("any", [])]:
            values = when.get("answers", {}).get(question["id"])
            if values:
                rules.append((rule, values))
    recs = _labels(method.recommendations)
    rows = []
    for option in question["options"]:
        rows.append({
            "floors": [recs.get(rule["at_least"], rule["at_least"]) for rule, values in rules if option["value"] in values],
            "option": option,
            "likelihood": sorted(option.get("likelihood", {}).items()),
            "impact": sorted(option.get("impact", {}).items()),
            "reduce_likelihood": sorted(option.get("reduce_likelihood", {}).items()),
            "reduce_impact": sorted(option.get("reduce_impact", {}).items()),
            "activates": [impacts[i] for i in option.get("activates", []) if i in impacts],
            "shows": dependents.get(option["value"], []),
        })
    return rows


def _scenario_questions(method, scenario_id: str, kind: str, keys: tuple[str, str]) -> list[dict]:
    """Questions of one kind with an option that moves this scenario on either key, and those options."""
    found = []
    for question in method.questions:
        if question["kind"] != kind:
            continue
        options = []
        for option in question["options"]:
            likelihood = _option_points(option, keys[0], scenario_id)
            impact = _option_points(option, keys[1], scenario_id)
            if likelihood or impact:
                options.append({"option": option, "likelihood": likelihood, "impact": impact})
        if options:
            found.append({"question": question, "options": options})
    return found


def scenario_drivers(method, scenario_id: str) -> list[dict]:
    """Driver questions with an option that adds points to this scenario, and those options."""
    return _scenario_questions(method, scenario_id, "driver", ("likelihood", "impact"))


def scenario_safeguards(method, scenario_id: str) -> list[dict]:
    """Safeguard questions with an option that lowers this scenario, and those options."""
    return _scenario_questions(method, scenario_id, "safeguard", ("reduce_likelihood", "reduce_impact"))


def impact_triggers(method, impact_id: str) -> list[dict]:
    """The answers that make an impact apply whatever the level (`activates`), grouped by question."""
    found = []
    for question in method.questions:
        options = [option for option in question["options"] if impact_id in option.get("activates", [])]
        if options:
            found.append({"question": question, "options": options})
    return found


def _condition_scenarios(when) -> set[str]:
    ids = set(when.get("scenarios", []))
    for nested in when.get("any", []):
        ids |= _condition_scenarios(nested)
    return ids


def _condition_questions(when) -> set[str]:
    ids = set(when.get("answers", {}))
    for nested in when.get("any", []):
        ids |= _condition_questions(nested)
    return ids


def scenario_actions(method, scenario_id: str) -> list[dict]:
    """Actions the evaluator can list for this scenario: those scoped to it, or set off by answers that drive it."""
    drivers = {item["question"]["id"] for item in scenario_drivers(method, scenario_id)}
    found = []
    for action in method.data["scoring"]["actions"]:
        when = action["when"]
        if scenario_id in _condition_scenarios(when) or _condition_questions(when) & drivers:
            found.append(action)
    return found


def general_actions(method) -> list[dict]:
    """Actions not tied to any scenario or answer."""
    return [a for a in method.data["scoring"]["actions"] if not _condition_scenarios(a["when"]) and not _condition_questions(a["when"])]


def when_clauses(method, when) -> list[dict]:
    """A condition (`when`) as a list of clauses the templates put into words."""
    levels = _labels(method.data["scoring"]["levels"])
    recs = _labels(method.recommendations)
    clauses = []
    scope = [method.scenario_by_id[s] for s in when.get("scenarios", []) if s in method.scenario_by_id]
    for key, stage in (("inherent_at_least", "inherent"), ("residual_at_least", "residual")):
        if key in when:
            clauses.append({
                "kind": "level", "stage": stage, "level": levels.get(when[key], when[key]), "level_id": when[key],
                "top": when[key] == method.levels[-1], "scenarios": scope,
            })
    for qid, values in when.get("answers", {}).items():
        question = method.question_by_id[qid]
        options = method.option_by_value[qid]
        clauses.append({"kind": "answer", "question": question, "choices": [options[v]["label"] for v in values if v in options]})
    if when.get("missing"):
        missing = []
        for qid in when["missing"]:
            question = method.question_by_id[qid]
            missing.append({"question": question, "first": question["options"][0]["label"]})
        clauses.append({"kind": "missing", "safeguards": missing})
    if "recommendation_at_least" in when:
        clauses.append({"kind": "recommendation", "label": recs.get(when["recommendation_at_least"], when["recommendation_at_least"])})
    if when.get("any"):
        clauses.append({"kind": "any", "alternatives": [when_clauses(method, nested) for nested in when["any"]]})
    if not clauses:
        clauses.append({"kind": "always"})
    return clauses


# -- method 2: combination, safeguard steps, screen, don't know, what-if -------

def safeguard_reach(method) -> dict[str, dict]:
    """Per scenario: the safeguards that address it, their points all at their strongest answer, and the steps those buy.

    The same sums the engine's invariant checks: with all of them in place a
    high or critical level must drop by at least one step.
    """
    from engine.scale import steps_for

    steps_def = method.data["scoring"]["safeguard_steps"]
    reach = {sid: {"questions": [], "likelihood": 0, "impact": 0} for sid in method.scenario_by_id}
    for question in method.questions:
        if question["kind"] != "safeguard":
            continue
        top = question["options"][-1]
        for sid, entry in reach.items():
            likelihood = top.get("reduce_likelihood", {}).get(sid, 0)
            impact = top.get("reduce_impact", {}).get(sid, 0)
            if likelihood or impact:
                entry["questions"].append(question)
                entry["likelihood"] += likelihood
                entry["impact"] += impact
    for entry in reach.values():
        entry["steps_likelihood"] = steps_for(steps_def["likelihood"], entry["likelihood"])
        entry["steps_impact"] = steps_for(steps_def["impact"], entry["impact"])
    return reach


def combine_example(method) -> dict | None:
    """The scenario axis with the most driver signals, every driver at its riskiest answer: added up, and as the method combines them."""
    from engine.scale import combine

    mode = method.data["scoring"]["combine"]
    best = None
    for scenario in method.scenarios:
        for axis in ("likelihood", "impact"):
            signals = []
            for question in method.questions:
                if question["kind"] != "driver":
                    continue
                values = [o.get(axis, {}).get(scenario["id"], 0) for o in question["options"]]
                signal = sum(values) if question["type"] == "multi" and question.get("combine") == "sum" else max(values)
                if signal:
                    signals.append(signal)
            if len(signals) > 1 and (best is None or len(signals) > len(best["signals"])):
                best = {"scenario": scenario, "axis": axis, "signals": sorted(signals, reverse=True)}
    if best is None:
        return None
    best["sum"] = sum(best["signals"])
    best["combined"] = combine(best["signals"], mode)
    best["strongest"] = best["signals"][0]
    best["rest"] = best["sum"] - best["strongest"]
    return best


def partial_labels(method) -> list[str]:
    """The labels of the safeguards' in-between answers (such as "Planned"), each once."""
    found = []
    for question in method.questions:
        if question["kind"] == "safeguard":
            for option in question["options"][1:-1]:
                if option["label"] not in found:
                    found.append(option["label"])
    return found


def screen_questions(method) -> list[dict]:
    """The short screen: the questions marked `screen: true`, in questionnaire order."""
    return [method.question_by_id[qid] for qid in method.screen]


def unknown_questions(method) -> list[dict]:
    """Questions with a "don't know" answer, that answer, and who can tell."""
    rows = []
    for question in method.questions:
        for option in question["options"]:
            if option.get("unknown"):
                rows.append({"question": question, "option": option, "ask": list(question.get("ask", []))})
    return rows


def guarded_levels(method) -> list[str]:
    """The levels the safeguards of every scenario must be able to lower (as the engine's invariant reads them)."""
    levels = method.levels
    start = levels.index("high") if "high" in levels else max(0, len(levels) - 2)
    return levels[start:]


def what_if_bound(method) -> dict:
    """The what-if search's worst case: every safeguard question shown and not in place, 2^n tries."""
    count = sum(1 for q in method.questions if q["kind"] == "safeguard")
    return {"safeguards": count, "tries": 2 ** count}


def first_steps_count(method) -> int:
    """How many ranked actions the evaluator shows as first steps (scoring.first_steps)."""
    return method.data["scoring"]["first_steps"]


def recommendation_rows(method) -> list[dict]:
    """Each recommendation with the residual levels that call for it, or the floor rules that alone reach it."""
    recs = method.recommendations
    levels = method.levels
    by_level = [r for r in recs if "from_level" in r]
    rules = method.data["scoring"]["recommendation_rules"]
    rows = []
    for rec in recs:
        covered = []
        if "from_level" in rec:
            later = [r for r in by_level if levels.index(r["from_level"]) > levels.index(rec["from_level"])]
            end = levels.index(later[0]["from_level"]) if later else len(levels)
            covered = levels[levels.index(rec["from_level"]):end]
        reached_by = [{"number": i + 1, "rule": rule} for i, rule in enumerate(rules) if rule["at_least"] == rec["id"]]
        rows.append({"rec": rec, "levels": covered, "rules": reached_by})
    return rows


def rec_tones(method) -> dict[str, int]:
    """Each recommendation's colour tone, 0 (mildest) to 3 (most cautious)."""
    count = len(method.recommendations)
    return {r["id"]: round(rank * 3 / (count - 1)) if count > 1 else 0 for rank, r in enumerate(method.recommendations)}


# -- the case library -------------------------------------------------------------

_LONE_SURROGATE = re.compile(r"[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]")
_SURROGATE_PAIR = re.compile(r"[\ud800-\udbff][\udc00-\udfff]")


def share_code(document) -> str:
    """The code the evaluator puts after `#a=` in a share link, for this assessment.

    Mirrors `encodeFragment` in assets/evaluator/evaluator.js: `JSON.stringify`
    (no spaces, keys in order, non-ASCII kept, lone surrogates escaped as
    \\uXXXX), encoded as UTF-8, then base64url without padding.
    """
    text = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
    text = _LONE_SURROGATE.sub(lambda m: "\\u%04x" % ord(m.group()), text)
    text = _SURROGATE_PAIR.sub(lambda m: m.group().encode("utf-16-le", "surrogatepass").decode("utf-16-le"), text)
    return base64.urlsafe_b64encode(text.encode("utf-8")).decode("ascii").rstrip("=")


def case_documents(method, case) -> dict[str, dict]:
    """The assessment(s) of a case as the evaluator opens them: {"before": ..., "after": ...}.

    Each is the case's saved assessment as the engine reads it (a case written
    for an earlier method version is carried over), saved again with this
    method's version, so that the evaluator of this copy opens it as it is.
    """
    from engine.cases import case_requests
    from engine.evaluate import check_request

    documents = {}
    for path, request in case_requests(case):
        checked = check_request(method, request)
        document = {"format": "crossroads-assessment", "method_version": method.version}
        if checked["profile"] is not None:
            document["profile"] = checked["profile"]
        if checked["partnership"]:
            document["partnership"] = checked["partnership"]
        document["answers"] = checked["answers"]
        if checked["notes"]:
            document["notes"] = checked["notes"]
        documents["before" if path[1] == "assessment" else "after"] = document
    return documents


@dataclass(frozen=True)
class Library:
    """The case library: the cases in file order, each one's runs through the evaluator, and
    whether this copy has an evaluator to open them in."""

    cases: tuple = ()
    runs: Mapping[str, dict] = field(default_factory=dict)
    evaluator: bool = True
    folder: str = "scenarios/cases"

    @classmethod
    def build(cls, method, cases, evaluator: bool = True, folder: str = "scenarios/cases") -> "Library":
        from engine.cases import run_case

        return cls(tuple(cases), {case["id"]: run_case(method, case) for case in cases}, evaluator, folder)

    def case(self, case_id: str) -> dict:
        for case in self.cases:
            if case["id"] == case_id:
                return case
        raise RenderError(f"unknown case '{case_id}'.")


def _first_sentence(text: str, limit: int = 220) -> str:
    """The first sentence of a text, cut at a word near `limit` characters."""
    text = " ".join(str(text).split())
    first = text
    for match in re.finditer(r"(?<=[a-z0-9)”\"][.!?])\s+(?=[A-Z0-9“\"(])", text):
        if match.start() >= 60:
            first = text[: match.start()]
            break
    if len(first) > limit:
        first = first[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "…"
    return first


def answer_rows(method, answers: Mapping) -> list[dict]:
    """Answers grouped by questionnaire section: each question's short text and the chosen options."""
    sections = []
    for section in method.data["questionnaire"]["sections"]:
        rows = []
        for question in method.questions:
            if question["section"] != section["id"] or answers.get(question["id"]) is None:
                continue
            value = answers[question["id"]]
            values = value if isinstance(value, list) else [value]
            options = method.option_by_value[question["id"]]
            chosen = [options[v] for v in values if v in options]
            rows.append({"question": question, "options": chosen, "unknown": any(o.get("unknown") for o in chosen)})
        if rows:
            sections.append({"section": section, "rows": rows})
    return sections


def _run_view(method, case, run, documents, links: Links, library: Library) -> dict:
    """One run of a case (before or after safeguards), ready for the templates."""
    result = run["result"]
    evaluator = links.home("evaluator") if library.evaluator else None
    href = None
    if evaluator and links.url(evaluator) is not None:
        href = links.url(evaluator) + "#a=" + share_code(documents[run["when"]])
    return {
        "when": run["when"],
        "expected": run["expected"],
        "in_band": run["in_band"],
        "recommendation": run["recommendation"],
        "level": run["level"],
        "result": result,
        "first": [a for a in result["actions"] if a.get("first")],
        "open": href,
    }


def _case_view(method, case, links: Links, library: Library) -> dict:
    documents = case_documents(method, case)
    runs = {run["when"]: _run_view(method, case, run, documents, links, library) for run in library.runs[case["id"]]["runs"]}
    before_answers = documents["before"]["answers"]
    after = case.get("after_safeguards")
    changes = []
    if after is not None:
        for qid, value in after["answers"].items():
            question = method.question_by_id[qid]
            options = method.option_by_value[qid]

            def labels(v):
                vs = v if isinstance(v, list) else ([] if v is None else [v])
                return [options[x]["label"] for x in vs if x in options]

            changes.append({"question": question, "before": labels(before_answers.get(qid)), "after": labels(value)})
    return {"case": case, "runs": runs, "answers": answer_rows(method, before_answers), "changes": changes,
            "short_outcome": _first_sentence(case["outcome"])}


def calibration_summary(method, library: Library) -> dict:
    """How many cases and runs, how many in band, and the recommendations before and after safeguards."""
    counts = {"before": {r["id"]: 0 for r in method.recommendations}, "after": {r["id"]: 0 for r in method.recommendations}}
    none = {"before": 0, "after": 0}
    runs = in_band = 0
    for case in library.cases:
        for run in library.runs[case["id"]]["runs"]:
            runs += 1
            in_band += bool(run["in_band"])
            if run["recommendation"] is None:
                none[run["when"]] += 1
            else:
                counts[run["when"]][run["recommendation"]] += 1
    after_cases = sum(1 for case in library.cases if "after_safeguards" in case)
    return {"cases": len(library.cases), "runs": runs, "in_band": in_band, "counts": counts, "none": none,
            "before_runs": len(library.cases), "after_runs": after_cases}


def stakeholder_roles(method, category_id: str, actions, scenario_id: str | None = None) -> list[dict]:
    """Who takes part in a category's track, in the given actions and (for a scenario) in its safeguards."""
    track = track_of(method, category_id) or {"steps": []}
    guards = [item["question"] for item in scenario_safeguards(method, scenario_id)] if scenario_id else []
    rows = []
    for code, stakeholder in method.stakeholders.items():
        steps = [step for step in track["steps"] if code in step["stakeholders"]]
        acts = [action for action in actions if code in action["stakeholders"]]
        carries = [q for q in guards if code in q.get("stakeholders", [])]
        if steps or acts or carries:
            rows.append({"code": code, "stakeholder": stakeholder, "steps": steps, "actions": acts, "safeguards": carries})
    return rows


def _level_label(method, level_id: str) -> str:
    return _labels(method.data["scoring"]["levels"]).get(level_id, level_id)


def abbreviate(method, text) -> Markup:
    """Escape `text` for HTML and mark the stakeholder codes in it as abbreviations.

    Markdown pages get the same through the `abbr` glossary; raw HTML blocks need it done here.
    """
    names = glossary(method)
    if not names:
        return Markup(escape(text))
    pattern = re.compile(r"\b(" + "|".join(re.escape(code) for code in names) + r")\b")
    pieces = []
    last = 0
    for match in pattern.finditer(text):
        pieces.append(escape(text[last:match.start()]))
        pieces.append(_render("abbr.html", code=match.group(1), name=names[match.group(1)]).strip())
        last = match.end()
    pieces.append(escape(text[last:]))
    return Markup("".join(str(piece) for piece in pieces))


def _common(method, links: Links) -> dict:
    return {
        "abbr_text": lambda text: abbreviate(method, text),
        "method": method,
        "data": method.data,
        "links": links,
        "tones": level_tones(method),
        "level_label": lambda level_id: _level_label(method, level_id),
        "scenario_by_id": method.scenario_by_id,
        "stakeholders": method.stakeholders,
        "sources_by_id": _source_index(method),
        "when_clauses": lambda when: when_clauses(method, when),
        "step_link_md": lambda step_id: links.md(links.step_home(method, step_id), step_id),
        "step_link_url": lambda step_id: links.url(links.step_home(method, step_id), step_id),
        "question_link_md": lambda qid: links.md(links.home("questionnaire"), f"q-{qid}"),
        "question_link_url": lambda qid: links.url(links.home("questionnaire"), f"q-{qid}"),
        "all_steps": method.steps,
        "rec_tones": rec_tones(method),
        "rec_label": lambda rec_id: _labels(method.recommendations).get(rec_id, rec_id),
        "likelihood_label": lambda level_id: _labels(method.likelihood_levels).get(level_id, level_id),
        "impact_label": lambda level_id: _labels(method.impact_levels).get(level_id, level_id),
        "who": lambda codes: ", ".join(f"{method.stakeholders[c]['name']} ({c})" for c in codes if c in method.stakeholders),
    }


# -- markers on hand-written pages --------------------------------------------

def render_matrix(method, links: Links) -> str:
    """The matrix: categories, their scenarios and the impacts of each, linking the scenario pages."""
    rows = [{"category": c, "scenarios": scenarios_in(method, c["id"])} for c in method.categories]
    return str(_html("matrix.html", rows=rows, category_src=category_src, scenario_src=scenario_src, **_common(method, links)))


def _chart(method, links: Links, chart_id: str, steps, category=None) -> Markup:
    """One flowchart: the foresight chart, or the management track of `category`."""
    chart = method.data["flowcharts"]["management" if category else "foresight"]
    step_actions = {}
    for action in method.data["scoring"]["actions"]:
        step_actions.setdefault(action["step"], []).append(action)
    return _html(
        "flowchart.html", chart_id=chart_id, chart=chart, category=category, steps=steps,
        layout=diagrams.layout(steps), step_actions=step_actions, **_common(method, links),
    )


def render_foresight(method, links: Links) -> str:
    """The foresight flowchart as an SVG diagram followed by its steps as a list."""
    return str(_chart(method, links, "foresight-chart", method.data["flowcharts"]["foresight"]["steps"]))


def render_management(method, links: Links, category_id: str | None = None) -> str:
    """One management track (or all of them), each as a diagram and a list of steps."""
    tracks = method.data["flowcharts"]["management"]["tracks"]
    if category_id is not None:
        category_of(method, category_id)
        tracks = [t for t in tracks if t["category"] == category_id]
    return "\n".join(
        str(_chart(method, links, f"track-{t['category'].lower()}-chart", t["steps"], category_of(method, t["category"])))
        for t in tracks
    )


def render_stakeholders(method, links: Links) -> str:
    """The seven stakeholders with their codes, roles and level of cooperation."""
    coop = {c["id"]: c for c in method.data["cooperation_levels"]}
    return _render("stakeholders.md", coop=coop, **_common(method, links))


def render_levels(method, links: Links) -> str:
    """The levels of cooperation, each with the stakeholders at that level."""
    return _render("levels.md", **_common(method, links))


def render_guidelines(method, links: Links) -> str:
    """Whom to involve: every flowchart step against every stakeholder."""
    groups = [{"category": None, "steps": method.data["flowcharts"]["foresight"]["steps"]}]
    for track in method.data["flowcharts"]["management"]["tracks"]:
        groups.append({"category": category_of(method, track["category"]), "steps": track["steps"]})
    return str(_html("guidelines.html", groups=groups, **_common(method, links)))


def render_questionnaire(method, links: Links) -> str:
    """Every question, grouped by section, with every option and its points."""
    sections = []
    for section in method.data["questionnaire"]["sections"]:
        questions = [q for q in method.questions if q["section"] == section["id"]]
        sections.append({"section": section, "questions": [{"q": q, "rows": question_effects(method, q)} for q in questions]})
    return _render("questionnaire.md", sections=sections, **_common(method, links))


def render_scoring(method, links: Links) -> str:
    """Every level, threshold, grid cell, base point, safeguard step, "don't know" answer, recommendation, rule,
    the what-if search's bound and every action."""
    scoring = method.data["scoring"]
    grid = _html("grid.html", scoring=scoring, **_common(method, links))
    return _render(
        "scoring.md", scoring=scoring, grid=grid, reach=safeguard_reach(method), example=combine_example(method),
        unknowns=unknown_questions(method), bound=what_if_bound(method), first_steps=first_steps_count(method),
        screen=screen_questions(method), rec_rows=recommendation_rows(method),
        partial=partial_labels(method), guarded=guarded_levels(method), **_common(method, links),
    )


def render_screen(method, links: Links) -> str:
    """The short screen: the questions that come first, from the method."""
    return _render("screen.md", screen=screen_questions(method), **_common(method, links))


def render_calibration(method, links: Links, library: Library) -> str:
    """The calibration table: one row per case and run, with a summary, computed by the engine at build time."""
    views = [_case_view(method, case, links, library) for case in library.cases]
    table = _html("calibration.html", views=views, case_src=case_src, **_common(method, links)) if views else None
    return _render("calibration.md", views=views, table=table, summary=calibration_summary(method, library),
                   library=library, **_common(method, links))


def render_cases(method, links: Links, library: Library) -> str:
    """The list of cases for the cases index page, each with its kind and result."""
    views = [_case_view(method, case, links, library) for case in library.cases]
    return _render("cases.md", views=views, case_src=case_src, library=library, summary=calibration_summary(method, library),
                   **_common(method, links))


def render_countries(method, links: Links, selected: str | None) -> str:
    """The available country profiles, linking their pages."""
    countries = sorted(method.countries.values(), key=lambda c: c["name"])
    return _render("countries.md", countries=countries, selected=selected, country_src=country_src, **_common(method, links))


def render_contacts(method, links: Links, selected: str) -> str:
    """The selected country's roles and contact points."""
    country = method.countries[selected]
    ids = [r["source"] for r in country["roles"].values()] + [c["source"] for c in country["contacts"]]
    return _render("contacts.md", country=country, country_src=country_src, cited=_cited(method, ids), **_common(method, links))


def render_version(method, links: Links) -> str:
    """The method's version, release date and history."""
    return _render("version.md", **_common(method, links))


def render_marker(method, links: Links, name: str, argument: str | None, country: str, library: Library | None = None) -> str:
    """Dispatch one marker (other than `evaluator`, which the plugin delegates)."""
    if argument is not None and name != "management":
        raise RenderError(f"marker '{name}' takes no argument, got '{argument}'.")
    if name == "management":
        return render_management(method, links, argument)
    simple: dict[str, Callable] = {
        "matrix": render_matrix, "foresight": render_foresight, "stakeholders": render_stakeholders,
        "levels": render_levels, "guidelines": render_guidelines, "questionnaire": render_questionnaire,
        "scoring": render_scoring, "version": render_version, "screen": render_screen,
    }
    if name in simple:
        return simple[name](method, links)
    if name == "calibration":
        return render_calibration(method, links, library or Library())
    if name == "cases":
        return render_cases(method, links, library or Library())
    if name == "countries":
        return render_countries(method, links, country)
    if name == "contacts":
        return render_contacts(method, links, country)
    raise RenderError(f"unknown marker '{name}'; known markers: {', '.join(MARKERS)}.")


# -- generated pages --------------------------------------------------------------

def render_category_page(method, links: Links, category_id: str) -> str:
    """risks/<category>.md: the category, its scenarios and its management track."""
    category = category_of(method, category_id)
    track = track_of(method, category_id)
    diagram = None
    if track is not None:
        diagram = _chart(method, links, f"track-{category_id.lower()}-chart", track["steps"], category)
    actions = [a for s in scenarios_in(method, category_id) for a in scenario_actions(method, s["id"])]
    unique = list({a["id"]: a for a in actions}.values())
    return _render(
        "category.md", category=category, scenarios=scenarios_in(method, category_id), track=track, diagram=diagram,
        scenario_src=scenario_src, roles=stakeholder_roles(method, category_id, unique), **_common(method, links),
    )


def render_scenario_page(method, links: Links, scenario_id: str) -> str:
    """risks/<scenario>.md: signals, evidence, impacts, drivers, safeguards, stakeholders and actions."""
    scenario = method.scenario_by_id[scenario_id]
    category = category_of(method, scenario["category"])
    actions = scenario_actions(method, scenario_id)
    impacts = [{"impact": i, "triggers": impact_triggers(method, i["id"])} for i in scenario["impacts"]]
    base = method.data["scoring"]["base"].get(scenario_id, {"likelihood": 0, "impact": 0})
    return _render(
        "scenario.md", scenario=scenario, category=category, impacts=impacts, base=base,
        drivers=scenario_drivers(method, scenario_id), full=safeguard_reach(method)[scenario_id],
        safeguards=scenario_safeguards(method, scenario_id), actions=actions, general=general_actions(method),
        roles=stakeholder_roles(method, scenario["category"], actions, scenario_id),
        cited=_cited(method, [e["source"] for e in scenario.get("evidence", [])]),
        category_src=category_src, **_common(method, links),
    )


def render_country_page(method, links: Links, country_id: str, selected: str | None) -> str:
    """countries/<id>.md: roles, contacts and rules, each with its source and date."""
    country = method.countries[country_id]
    ids = [r["source"] for r in country["roles"].values()] + [c["source"] for c in country["contacts"]] + [r["source"] for r in country["rules"]]
    return _render("country.md", country=country, selected=selected, cited=_cited(method, ids), **_common(method, links))


def render_case_page(method, links: Links, case_id: str, library: Library) -> str:
    """cases/<id>.md: the story, the answers, the evaluator's result at build time, what happened and the band."""
    case = library.case(case_id)
    return _render("case.md", view=_case_view(method, case, links, library), library=library, **_common(method, links))


def render_page(method, links: Links, kind: str, item_id: str, country: str | None, library: Library | None = None) -> str:
    if kind == "case":
        return render_case_page(method, links, item_id, library or Library())
    if kind == "category":
        return render_category_page(method, links, item_id)
    if kind == "scenario":
        return render_scenario_page(method, links, item_id)
    if kind == "country":
        return render_country_page(method, links, item_id, country)
    raise RenderError(f"unknown page kind '{kind}'.")


def footer_context(method, host_name: str | None, host_logo: str | None) -> dict:
    """What the footer shows: the method version, the primary citation and the host."""
    return {"version": method.version, "released": method.data["method"]["released"], "host_name": host_name, "host_logo": host_logo}


def render_evaluator_absent(method, links: Links) -> str:
    """What the evaluator's marker shows when the host turned the evaluator off."""
    return _render("no_evaluator.md", **_common(method, links))
