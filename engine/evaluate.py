"""Score a partnership: answers in, a fully explained result out.

The pipeline is fixed: check the answers -> work out which questions are
shown -> add driver points per scenario -> subtract safeguard points (within
the caps) -> turn points into levels through the thresholds and the grid ->
roll up categories -> pick the recommendation -> list the actions. Only whole
numbers are used, so the result is the same byte for byte everywhere.
"""

from __future__ import annotations

import difflib

from .errors import AnswerError, RequestError, quote
from .model import Method, level_for

MAX_TEXT = 5000
REQUEST_KEYS = ("format", "method_version", "profile", "partnership", "answers", "notes", "saved_at")
PARTNERSHIP_KEYS = ("name", "partner", "date", "note")


def _describe(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    return "an object"


def check_answers(method: Method, answers) -> dict:
    """Return the answers with unanswered (null) entries dropped, or raise AnswerError."""
    if not isinstance(answers, dict):
        raise RequestError(f"'answers' must be an object mapping question ids to values, got {_describe(answers)}.")
    clean = {}
    for qid, value in answers.items():
        question = method.question_by_id.get(qid)
        if question is None:
            close = difflib.get_close_matches(qid, list(method.question_by_id), n=1, cutoff=0.8) if isinstance(qid, str) and len(qid) <= 100 else []
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise AnswerError(f"unknown question {quote(qid)}{hint}; run 'python -m engine questions' to list the question ids.", qid)
        if value is None:
            continue
        allowed = method.option_by_value[qid]
        names = ", ".join(allowed)
        if question["type"] == "single":
            if not isinstance(value, str):
                raise AnswerError(f"question '{qid}' takes one of its option values as a string, got {_describe(value)}; allowed values: {names}.", qid)
            if value not in allowed:
                raise AnswerError(f"question '{qid}': {quote(value)} is not an option; allowed values: {names}.", qid)
            clean[qid] = value
        else:
            if not isinstance(value, list):
                raise AnswerError(f"question '{qid}' takes a list of option values, got {_describe(value)}; allowed values: {names}.", qid)
            seen = []
            for item in value:
                if not isinstance(item, str):
                    raise AnswerError(f"question '{qid}' takes a list of strings, got {_describe(item)} in it; allowed values: {names}.", qid)
                if item not in allowed:
                    raise AnswerError(f"question '{qid}': {quote(item)} is not an option; allowed values: {names}.", qid)
                if item in seen:
                    raise AnswerError(f"question '{qid}': '{item}' is given twice; give each value once.", qid)
                seen.append(item)
            exclusive = [item for item in seen if allowed[item].get("exclusive")]
            if exclusive and len(seen) > 1:
                raise AnswerError(f"question '{qid}': '{exclusive[0]}' means none of the others and cannot be combined with them.", qid)
            # An empty selection is no answer: "none of these" is an option of its own.
            if seen:
                # Keep the method's option order, so equal answers give equal results.
                clean[qid] = [value for value in allowed if value in seen]
    return clean


def _check_text(value, where: str) -> str:
    if not isinstance(value, str):
        raise RequestError(f"{where} must be a string, got {_describe(value)}.")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as error:
        raise RequestError(f"{where} must be valid Unicode text, got a lone surrogate (\\u{ord(value[error.start]):04x}) "
                           f"at character {error.start + 1}.") from None
    if len(value) > MAX_TEXT:
        raise RequestError(f"{where} is {len(value)} characters long; the limit is {MAX_TEXT}.")
    return value


def check_request(method: Method, request) -> dict:
    """Check a whole assessment document; return {'answers', 'profile', 'partnership', 'notes'}."""
    if not isinstance(request, dict):
        raise RequestError(f"an assessment must be a JSON object with an 'answers' key, got {_describe(request)}.")
    for key in request:
        if key not in REQUEST_KEYS:
            raise RequestError(f"unknown key {quote(key)} in the assessment; expected only: {', '.join(REQUEST_KEYS)}.")
    if "answers" not in request:
        raise RequestError("the assessment has no 'answers' key; expected {\"answers\": {question_id: value}}.")
    if "format" in request and request["format"] != "crossroads-assessment":
        shown = quote(request["format"]) if isinstance(request["format"], str) else _describe(request["format"])
        raise RequestError(f"this file is not a Crossroads assessment: 'format' is {shown}, expected 'crossroads-assessment'.")
    version = request.get("method_version")
    if version is not None and not isinstance(version, str):
        raise RequestError(f"'method_version' must be a string such as {method.version!r}, got {_describe(version)}.")
    if version is not None and version != method.version:
        raise RequestError(
            f"this assessment was made with method version {quote(version)}, but this copy uses {method.version!r}; "
            "answers from another version are not carried over silently: open it with that version or answer again."
        )
    profile = request.get("profile")
    if profile is not None and not isinstance(profile, str):
        raise RequestError(f"'profile' must be a country id or null, got {_describe(profile)}; "
                           f"expected one of: {', '.join(method.countries) or '(none)'}.")
    if profile is not None and profile not in method.countries:
        raise RequestError(f"unknown country profile {quote(profile)}; expected one of: {', '.join(method.countries) or '(none)'}.")
    partnership = request.get("partnership", {})
    if not isinstance(partnership, dict):
        raise RequestError(f"'partnership' must be an object, got {_describe(partnership)}.")
    for key, value in partnership.items():
        if key not in PARTNERSHIP_KEYS:
            raise RequestError(f"unknown key {quote(key)} in 'partnership'; expected only: {', '.join(PARTNERSHIP_KEYS)}.")
        _check_text(value, f"partnership.{key}")
    notes = request.get("notes", {})
    if not isinstance(notes, dict):
        raise RequestError(f"'notes' must be an object mapping question ids to text, got {_describe(notes)}.")
    for qid, text in notes.items():
        if qid not in method.question_by_id:
            raise RequestError(f"a note is attached to unknown question {quote(qid)}; expected the id of a question.", qid)
        _check_text(text, f"the note on question '{qid}'")
    if "saved_at" in request:
        _check_text(request["saved_at"], "'saved_at'")
    return {
        "answers": check_answers(method, request["answers"]),
        "profile": profile,
        "partnership": dict(partnership),
        "notes": dict(notes),
    }


def visible_questions(method: Method, answers: dict) -> list[dict]:
    """Questions shown for these answers, in order; a hidden parent hides its children."""
    shown = {}
    out = []
    for question in method.questions:
        cond = question.get("show_if")
        if cond is None:
            visible = True
        else:
            parent = cond["question"]
            value = answers.get(parent)
            if not shown.get(parent) or value is None:
                visible = False
            elif isinstance(value, list):
                visible = any(item in cond["in"] for item in value)
            else:
                visible = value in cond["in"]
        shown[question["id"]] = visible
        if visible:
            out.append(question)
    return out


def _selected(method: Method, question: dict, value) -> list[dict]:
    by_value = method.option_by_value[question["id"]]
    values = value if isinstance(value, list) else [value]
    return [by_value[v] for v in values]


def _contributions(question: dict, options: list[dict], key: str):
    """Per scenario: the points one question gives on one axis, and the options behind them."""
    per = {}
    for option in options:
        for sid, points in option.get(key, {}).items():
            if points:
                per.setdefault(sid, []).append((option, points))
    combine_max = question["type"] == "multi" and question.get("combine") == "max"
    for sid, pairs in per.items():
        if combine_max:
            best = max(p for _, p in pairs)
            first = next(o for o, p in pairs if p == best)
            yield sid, best, [(first, best)]
        else:
            yield sid, sum(p for _, p in pairs), pairs


def _reason(question, option, axis, points, stage):
    sign = "+" if points > 0 else "-"
    return {
        "question": question["id"],
        "answer": option["value"],
        "axis": axis,
        "points": points,
        "stage": stage,
        "text": f"{question['short']}: {option['label']} ({sign}{abs(points)} {axis})",
    }


def _condition_holds(when: dict, state: dict) -> bool:
    method: Method = state["method"]
    scope = when.get("scenarios") or [s["id"] for s in method.scenarios]
    rank = method.level_rank
    for key, field in (("inherent_at_least", "inherent"), ("residual_at_least", "residual")):
        if key in when:
            floor = rank[when[key]]
            if not any(rank[state["scenarios"][sid][field]] >= floor for sid in scope):
                return False
    for qid, values in when.get("answers", {}).items():
        value = state["answers"].get(qid) if qid in state["visible"] else None
        if value is None:
            return False
        chosen = value if isinstance(value, list) else [value]
        if not any(item in values for item in chosen):
            return False
    for qid in when.get("missing", []):
        value = state["answers"].get(qid) if qid in state["visible"] else None
        first = method.question_by_id[qid]["options"][0]["value"]
        if value is not None and value != first and value != [first]:
            return False
    if "recommendation_at_least" in when:
        if method.rec_rank[state["recommendation"]] < method.rec_rank[when["recommendation_at_least"]]:
            return False
    if "any" in when and not any(_condition_holds(nested, state) for nested in when["any"]):
        return False
    return True


def evaluate(method: Method, answers: dict, profile: str | None = None) -> dict:
    """Score checked answers (see `check_answers`) and return the result dict."""
    scoring = method.data["scoring"]
    visible = visible_questions(method, answers)
    visible_ids = {q["id"] for q in visible}
    caps = scoring["safeguard_caps"]
    rank = method.level_rank

    # One pass over the shown questions collects every scenario's points.
    points = {sid: dict(scoring["base"][sid]) for sid in method.scenario_by_id}
    reductions = {sid: {"likelihood": 0, "impact": 0} for sid in method.scenario_by_id}
    reasons = {sid: [] for sid in method.scenario_by_id}
    safeguard_reasons = {sid: [] for sid in method.scenario_by_id}
    for sid, base in points.items():
        for axis in ("likelihood", "impact"):
            if base[axis]:
                reasons[sid].append({"question": None, "answer": None, "axis": axis, "points": base[axis], "stage": "inherent",
                                     "text": f"Starting point of this scenario (+{base[axis]} {axis})"})
    activated = set()
    for question in visible:
        value = answers.get(question["id"])
        if value is None or question["kind"] == "context":
            continue
        options = _selected(method, question, value)
        driver = question["kind"] == "driver"
        if driver:
            for option in options:
                activated.update(option.get("activates", ()))
        for axis in ("likelihood", "impact"):
            key = axis if driver else "reduce_" + axis
            for sid, total, parts in _contributions(question, options, key):
                if driver:
                    points[sid][axis] += total
                    reasons[sid].extend(_reason(question, o, axis, p, "inherent") for o, p in parts)
                else:
                    reductions[sid][axis] += total
                    safeguard_reasons[sid].extend(_reason(question, o, axis, -p, "residual") for o, p in parts)

    scenarios = {}
    for scenario in method.scenarios:
        sid = scenario["id"]
        # A safeguard is a reason only where there was something to lower.
        reasons[sid].extend(r for r in safeguard_reasons[sid] if points[sid][r["axis"]] > 0)
        residual = {}
        for axis in ("likelihood", "impact"):
            applied = min(reductions[sid][axis], caps[axis])
            # Like the safeguards themselves, the cap is a reason only where there
            # was something to lower, so the reasons on each axis add up to its points.
            if applied < reductions[sid][axis] and points[sid][axis] > 0:
                reasons[sid].append({"question": None, "answer": None, "axis": axis, "points": reductions[sid][axis] - applied, "stage": "residual",
                                "text": f"Safeguards lower {axis} by at most {caps[axis]} points (+{reductions[sid][axis] - applied} {axis} given back)"})
            residual[axis] = max(0, points[sid][axis] - applied)
        likelihood = level_for(method.likelihood_levels, points[sid]["likelihood"])
        impact = level_for(method.impact_levels, points[sid]["impact"])
        r_likelihood = level_for(method.likelihood_levels, residual["likelihood"])
        r_impact = level_for(method.impact_levels, residual["impact"])
        inherent_level = method.grid[likelihood][impact]
        residual_level = method.grid[r_likelihood][r_impact]
        impacts = []
        for impact_def in scenario["impacts"]:
            threshold = impact_def.get("applies_from")
            by_level = threshold is not None and rank[inherent_level] >= rank[threshold]
            if by_level or impact_def["id"] in activated:
                impacts.append({"id": impact_def["id"], "name": impact_def["name"]})
        scenarios[sid] = {
            "id": sid,
            "name": scenario["name"],
            "category": scenario["category"],
            "likelihood": likelihood,
            "impact": impact,
            "inherent": inherent_level,
            "residual_likelihood": r_likelihood,
            "residual_impact": r_impact,
            "residual": residual_level,
            "level": residual_level,
            "points": {
                "likelihood": points[sid]["likelihood"],
                "impact": points[sid]["impact"],
                "residual_likelihood": residual["likelihood"],
                "residual_impact": residual["impact"],
            },
            "impacts": impacts,
            "reasons": reasons[sid],
        }

    def highest(levels):
        return max(levels, key=lambda level: rank[level])

    categories = []
    for category in method.categories:
        members = [s for s in scenarios.values() if s["category"] == category["id"]]
        categories.append({
            "id": category["id"],
            "name": category["name"],
            "level": highest([s["residual"] for s in members]),
            "inherent": highest([s["inherent"] for s in members]),
            "scenarios": [s["id"] for s in members],
        })

    overall_level = highest([s["residual"] for s in scenarios.values()])
    overall_inherent = highest([s["inherent"] for s in scenarios.values()])
    recommendation = method.recommendations[0]["id"]
    for rec in method.recommendations:
        if rank[overall_level] >= rank[rec["from_level"]]:
            recommendation = rec["id"]
    drivers = [s["id"] for s in scenarios.values() if s["residual"] == overall_level]
    rec_label = {r["id"]: r["label"] for r in method.recommendations}
    level_label = {level["id"]: level["label"] for level in scoring["levels"]}
    why = [{"rule": "level", "recommendation": recommendation,
            "text": f"Highest residual level: {level_label[overall_level]} ({', '.join(drivers)}), which calls for '{rec_label[recommendation]}'."}]
    state = {"method": method, "scenarios": scenarios, "answers": answers, "visible": visible_ids, "recommendation": recommendation}
    for rule in scoring["recommendation_rules"]:
        if _condition_holds(rule["when"], state):
            why.append({"rule": rule["id"], "recommendation": rule["at_least"], "text": rule["reason"]})
            if method.rec_rank[rule["at_least"]] > method.rec_rank[recommendation]:
                recommendation = rule["at_least"]
    state["recommendation"] = recommendation
    unanswered = [q["id"] for q in visible if answers.get(q["id"]) is None]
    if unanswered:
        why.append({"rule": "incomplete", "recommendation": None,
                    "text": f"{len(unanswered)} of {len(visible)} shown questions are unanswered; an unanswered question adds no risk, so the result may understate it."})

    country = method.countries.get(profile) if profile else None
    actions = []
    for action in scoring["actions"]:
        if not _condition_holds(action["when"], state):
            continue
        step = method.steps[action["step"]]
        entry = {
            "id": action["id"],
            "text": action["text"],
            "stakeholders": list(action["stakeholders"]),
            "step": action["step"],
            "step_title": step["title"],
            "page": f"{step['page']}#{action['step']}",
        }
        if country is not None:
            entry["contacts"] = [
                {"stakeholder": code, "name": country["roles"][code]["name"]}
                for code in action["stakeholders"] if code in country["roles"]
            ]
        actions.append(entry)

    return {
        "method_version": method.version,
        "profile": profile,
        "levels": [{"id": level["id"], "label": level["label"]} for level in scoring["levels"]],
        "recommendations": [{"id": r["id"], "label": r["label"], "description": r["description"]} for r in method.recommendations],
        "likelihood_levels": [{"id": level["id"], "label": level["label"]} for level in method.likelihood_levels],
        "impact_levels": [{"id": level["id"], "label": level["label"]} for level in method.impact_levels],
        "overall": {
            "level": overall_level,
            "inherent": overall_inherent,
            "recommendation": recommendation,
            "recommendation_label": rec_label[recommendation],
            "reasons": why,
        },
        "categories": categories,
        "scenarios": list(scenarios.values()),
        "actions": actions,
        "answered": len(visible) - len(unanswered),
        "visible": len(visible),
        "unanswered": unanswered,
        "complete": not unanswered,
    }
