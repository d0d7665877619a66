"""Score a partnership: answers in, a fully explained result out.

The pipeline is fixed: check the answers (carrying older method versions
over) -> work out which questions are shown -> combine the driver signals per
scenario -> turn points into levels through the thresholds and the grid ->
let the safeguards buy steps down each axis -> roll up categories -> pick the
recommendation (none until the short screen is answered) -> find the fewest
safeguards that would lower it -> list and rank the actions. Only whole
numbers are used, so the result is the same byte for byte everywhere.
"""

from __future__ import annotations

import calendar
import datetime
import difflib
import re

from .errors import AnswerError, RequestError, quote
from .model import Method
from .scale import combine, level_for, steps_for

MAX_TEXT = 5000
MAX_ID = 200
REQUEST_KEYS = ("format", "method_version", "id", "profile", "partnership", "answers", "notes", "decision", "plan", "saved_at")
PARTNERSHIP_KEYS = ("id", "name", "partner", "country", "date", "note")
# The decision record of an assessment: who assessed, who decided what and
# when, on which conditions, why it differs from the recommendation, and when
# the partnership is reviewed next. The decisions themselves are the method's
# (scoring.decisions).
DECISION_KEYS = ("assessed_by", "decided_by", "date", "decision", "conditions", "reason", "next_review")
DECIDED_BY_KEYS = ("name", "role")
# The action plan: one entry per action of the method that the city plans.
PLAN_KEYS = ("action", "owner", "due", "status")
# The statuses of a planned action (their labels are the strings plan.<status>).
PLAN_STATUSES = ("open", "in_progress", "done", "dropped")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)


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


def check_id(value, where: str) -> str:
    """An id of the register (a partnership's, a version's): text of 1 to MAX_ID characters."""
    text = _check_text(value, where)
    if not text.strip():
        raise RequestError(f"{where} is empty; give the id as text, such as 'p-2026-4f3a9c'.")
    if len(text) > MAX_ID:
        raise RequestError(f"{where} is {len(text)} characters long; an id has at most {MAX_ID}.")
    return text


def check_date(value, where: str, empty: bool = False) -> str:
    """A calendar date written YYYY-MM-DD (the empty string too when `empty`)."""
    if not isinstance(value, str):
        raise RequestError(f"{where} must be a date written as text YYYY-MM-DD, such as 2026-03-31, got {_describe(value)}.")
    if empty and value == "":
        return value
    if not _DATE.fullmatch(value):
        raise RequestError(f"{where} must be a date written YYYY-MM-DD, such as 2026-03-31, got {quote(value, 40)}"
                           f"{' (or empty for none)' if empty else ''}.")
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        raise RequestError(f"{where}: {value} is not a date of the calendar; check the month and the day.") from None
    return value


def add_months(date: str, months: int) -> str:
    """A YYYY-MM-DD date plus whole months, on the same day of the month or,
    when that month is shorter, on its last day (2026-01-31 + 1 -> 2026-02-28)."""
    day = datetime.date.fromisoformat(date)
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1])).isoformat()


def check_decision(method: Method, decision) -> dict:
    """The decision record of an assessment (every field optional); raises RequestError."""
    if not isinstance(decision, dict):
        raise RequestError(f"'decision' must be an object with the decision record, got {_describe(decision)}.")
    checked = {}
    for key, value in decision.items():
        if key not in DECISION_KEYS:
            raise RequestError(f"unknown key {quote(key)} in 'decision'; expected only: {', '.join(DECISION_KEYS)}.")
        where = f"decision.{key}"
        if key == "decided_by":
            if not isinstance(value, dict):
                raise RequestError(f"{where} must be an object {{\"name\": ..., \"role\": ...}}, got {_describe(value)}.")
            for part, text in value.items():
                if part not in DECIDED_BY_KEYS:
                    raise RequestError(f"unknown key {quote(part)} in {where}; expected only: {', '.join(DECIDED_BY_KEYS)}.")
                _check_text(text, f"{where}.{part}")
            checked[key] = dict(value)
        elif key in ("date", "next_review"):
            checked[key] = check_date(value, where)
        elif key == "decision":
            known = [d["id"] for d in method.decisions]
            if not isinstance(value, str) or value not in known:
                shown = quote(value) if isinstance(value, str) else _describe(value)
                raise RequestError(f"{where} is {shown}; expected one of: {', '.join(known)}.")
            checked[key] = value
        else:
            checked[key] = _check_text(value, where)
    return checked


def check_plan(method: Method, plan) -> list[dict]:
    """The action plan: a list of {action, owner, due, status}, one entry per
    action of the method; owner and due default to "" and status to "open"."""
    if not isinstance(plan, list):
        raise RequestError(f"'plan' must be a list of actions, got {_describe(plan)}.")
    known = {a["id"] for a in method.actions} | set(all_duties(method))
    checked = []
    seen = {}
    for index, entry in enumerate(plan):
        where = f"plan[{index}]"
        if not isinstance(entry, dict):
            raise RequestError(f"{where} must be an object {{\"action\", \"owner\", \"due\", \"status\"}}, got {_describe(entry)}.")
        for key in entry:
            if key not in PLAN_KEYS:
                raise RequestError(f"unknown key {quote(key)} in {where}; expected only: {', '.join(PLAN_KEYS)}.")
        if "action" not in entry:
            raise RequestError(f"{where} has no 'action'; give the id of one of the method's actions.")
        action = entry["action"]
        if not isinstance(action, str) or action not in known:
            shown = quote(action) if isinstance(action, str) else _describe(action)
            close = difflib.get_close_matches(action, sorted(known), n=1, cutoff=0.8) if isinstance(action, str) and len(action) <= 100 else []
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise RequestError(f"{where}.action: {shown} is not an action of this method{hint}; the result lists the actions with their ids.")
        if action in seen:
            raise RequestError(f"{where}.action: '{action}' is already planned in plan[{seen[action]}]; plan each action once.")
        seen[action] = index
        status = entry.get("status", "open")
        if not isinstance(status, str) or status not in PLAN_STATUSES:
            shown = quote(status) if isinstance(status, str) else _describe(status)
            raise RequestError(f"{where}.status is {shown}; expected one of: {', '.join(PLAN_STATUSES)}.")
        checked.append({
            "action": action,
            "owner": _check_text(entry.get("owner", ""), f"{where}.owner"),
            "due": check_date(entry.get("due", ""), f"{where}.due", empty=True),
            "status": status,
        })
    return checked


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
    answers = request["answers"]
    notes = request.get("notes", {})
    migrated = []
    if version is not None and version != method.version:
        answers, notes, migrated = migrate(method, version, answers, notes)
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
        if key == "id":
            check_id(value, "partnership.id")
        else:
            _check_text(value, f"partnership.{key}")
    if not isinstance(notes, dict):
        raise RequestError(f"'notes' must be an object mapping question ids to text, got {_describe(notes)}.")
    for qid, text in notes.items():
        if qid not in method.question_by_id:
            raise RequestError(f"a note is attached to unknown question {quote(qid)}; expected the id of a question.", qid)
        _check_text(text, f"the note on question '{qid}'")
    if "saved_at" in request:
        _check_text(request["saved_at"], "'saved_at'")
    checked = {
        "answers": check_answers(method, answers),
        "profile": profile,
        "partnership": dict(partnership),
        "notes": dict(notes),
    }
    # The register's keys are there only when the document has them, so that
    # the check of a document without them is what it always was.
    if "id" in request:
        checked["id"] = check_id(request["id"], "'id'")
    if "saved_at" in request:
        checked["saved_at"] = request["saved_at"]
    if "decision" in request:
        checked["decision"] = check_decision(method, request["decision"])
    if "plan" in request:
        checked["plan"] = check_plan(method, request["plan"])
    if migrated:
        checked["migrated_from"] = version
        checked["migration"] = migrated
    return checked


def migrate(method: Method, version: str, answers, notes):
    """Carry answers and notes of an earlier method version over to this one.

    Follows the chain of `migrations` from `version`; returns the new answers,
    the new notes and the list of migration summaries applied. An unknown
    version is refused: answers are never carried over silently.
    """
    applied = []
    seen = set()
    current = version
    while current != method.version:
        step = method.migrations.get(current)
        if step is None or current in seen:
            known = ", ".join(sorted(set(method.migrations) | {method.version}))
            raise RequestError(
                f"this assessment was made with method version {quote(current)}, which this copy cannot carry over to "
                f"{method.version!r}; versions it opens: {known}."
            )
        seen.add(current)
        if isinstance(answers, dict):
            answers = _migrate_map(answers, step, values=True)
        if isinstance(notes, dict):
            notes = _migrate_map(notes, step, values=False)
        applied.append(f"{step['from']} to {step['to']}: {step['summary']}")
        current = step["to"]
    return answers, notes, applied


def _migrate_map(mapping: dict, step: dict, values: bool) -> dict:
    renamed = step.get("rename_questions", {})
    dropped = set(step.get("drop_questions", []))
    out = {}
    for qid, value in mapping.items():
        if qid in dropped:
            continue
        new_id = renamed.get(qid, qid)
        if values:
            options = step.get("rename_options", {}).get(new_id, {})
            if isinstance(value, str):
                value = options.get(value, value)
            elif isinstance(value, list):
                value = [options.get(item, item) if isinstance(item, str) else item for item in value]
        out[new_id] = value
    return out


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


def _reason(method: Method, question, option, axis, points, stage):
    sign = "+" if points > 0 else "-"
    return {
        "question": question["id"],
        "answer": option["value"],
        "axis": axis,
        "points": points,
        "stage": stage,
        "text": method.text("reason.answer", question=question["short"], answer=option["label"], points=f"{sign}{abs(points)}",
                            axis=method.text(f"axis.{axis}")),
    }


def _answer_is(state: dict, qid: str):
    return state["answers"].get(qid) if qid in state["visible"] else None


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
        value = _answer_is(state, qid)
        if value is None:
            return False
        chosen = value if isinstance(value, list) else [value]
        if not any(item in values for item in chosen):
            return False
    for qid in when.get("missing", []):
        value = _answer_is(state, qid)
        top = method.question_by_id[qid]["options"][-1]["value"]
        if value == top or value == [top]:
            return False
    if "recommendation_at_least" in when:
        current = state["recommendation"]
        if current is None or method.rec_rank[current] < method.rec_rank[when["recommendation_at_least"]]:
            return False
    return "any" not in when or any(_condition_holds(nested, state) for nested in when["any"])


def _residual(method: Method, sid: str, likelihood: str, impact: str, lowering: dict) -> tuple[str, str, dict]:
    """Residual likelihood and impact levels after the safeguards' steps."""
    steps_def = method.safeguard_steps
    ids = {"likelihood": [lv["id"] for lv in method.likelihood_levels], "impact": [lv["id"] for lv in method.impact_levels]}
    out = {}
    steps = {}
    for axis, level in (("likelihood", likelihood), ("impact", impact)):
        steps[axis] = steps_for(steps_def[axis], lowering[axis])
        index = ids[axis].index(level)
        out[axis] = ids[axis][max(0, index - steps[axis])]
    return out["likelihood"], out["impact"], steps


def _levels(method: Method, answers: dict, visible: list[dict]):
    """Inherent points and levels, safeguard points, and the reasons, per scenario."""
    mode = method.combine_mode
    base_points = method.base_points
    signals = {sid: {"likelihood": [], "impact": []} for sid in method.scenario_by_id}
    lowering = {sid: {"likelihood": 0, "impact": 0} for sid in method.scenario_by_id}
    reasons = {sid: [] for sid in method.scenario_by_id}
    safeguard_reasons = {sid: [] for sid in method.scenario_by_id}
    activated = set()
    for sid in method.scenario_by_id:
        base = base_points[sid]
        for axis in ("likelihood", "impact"):
            if base[axis]:
                reasons[sid].append({"question": None, "answer": None, "axis": axis, "points": base[axis], "stage": "inherent",
                                     "text": method.text("reason.base", points=base[axis], axis=method.text(f"axis.{axis}"))})
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
                    signals[sid][axis].append(total)
                    reasons[sid].extend(_reason(method, question, o, axis, p, "inherent") for o, p in parts)
                else:
                    lowering[sid][axis] += total
                    safeguard_reasons[sid].extend(_reason(method, question, o, axis, -p, "residual") for o, p in parts)
    points = {}
    for sid in method.scenario_by_id:
        points[sid] = {}
        for axis in ("likelihood", "impact"):
            found = signals[sid][axis]
            combined = combine(found, mode)
            points[sid][axis] = base_points[sid][axis] + combined
            if combined < sum(found):
                reasons[sid].append({"question": None, "answer": None, "axis": axis, "points": combined - sum(found), "stage": "inherent",
                                     "text": method.text_count("reason.combined", len(found) - 1, points=combined - sum(found),
                                                         axis=method.text(f"axis.{axis}"))})
    return points, lowering, reasons, safeguard_reasons, activated


def _recommend(method: Method, scenarios: dict, state: dict):
    """The recommendation from the levels, then the floor rules; returns (id, why, floors fired)."""
    rank = method.level_rank
    overall = max((s["residual"] for s in scenarios.values()), key=lambda level: rank[level])
    recommendation = method.recommendations[0]["id"]
    for rec in method.recommendations:
        if "from_level" in rec and rank[overall] >= rank[rec["from_level"]]:
            recommendation = rec["id"]
    by_level = recommendation
    fired = []
    state = dict(state, scenarios=scenarios, recommendation=recommendation)
    for rule in method.recommendation_rules:
        if _condition_holds(rule["when"], state):
            fired.append(rule)
            if method.rec_rank[rule["at_least"]] > method.rec_rank[recommendation]:
                recommendation = rule["at_least"]
    return recommendation, by_level, fired


def _who(method: Method, codes) -> str:
    return method.text("list.separator").join(method.text("who", name=method.stakeholders[c]["name"], code=c)
                                              for c in codes if c in method.stakeholders)


def _has_level_condition(when: dict) -> bool:
    return any(key in when for key in ("inherent_at_least", "residual_at_least")) or any(
        _has_level_condition(nested) for nested in when.get("any", []))


def _what_if(method: Method, answers: dict, visible: list[dict], scenarios: dict, inherent_levels: dict,
             lowering: dict, state: dict, recommendation: str, fired: list[dict]) -> dict:
    """The fewest missing safeguards that lower the recommendation by one step.

    Exact: candidate sets are tried by size, smallest first, so the set found
    is a smallest one; among sets of that size the one that lowers the levels
    most wins, then the first in questionnaire order. The candidates are the
    shown safeguards not yet at their top answer that lower a scenario which
    must come down (at most a dozen); each try re-derives only those
    scenarios' residual levels (memoised), so a call costs at most 2^n cheap
    tries, and one try when even all of them would not do; `bench/run.py`
    reports the time per call.
    """
    from itertools import combinations

    rec_rank = method.rec_rank
    labels = {r["id"]: r["label"] for r in method.recommendations}
    if rec_rank[recommendation] == 0:
        return {"status": "none_needed", "text": method.text("what_if.none_needed", recommendation=labels[recommendation]),
                "safeguards": [], "moves": [], "floors": []}
    target = method.recommendations[rec_rank[recommendation] - 1]["id"]
    floors = [r for r in fired if rec_rank[r["at_least"]] >= rec_rank[recommendation]]
    if floors:
        return {"status": "floor", "target": target, "target_label": labels[target],
                "text": method.text("what_if.floor", reasons=" ".join(r["reason"] for r in floors)),
                "safeguards": [], "moves": [], "floors": [{"rule": r["id"], "text": r["reason"]} for r in floors]}
    candidates = []
    for question in visible:
        if question["kind"] != "safeguard":
            continue
        top = question["options"][-1]
        current = answers.get(question["id"])
        if current == top["value"]:
            continue
        before = method.option_by_value[question["id"]].get(current, {}) if isinstance(current, str) else {}
        delta = {}
        for axis in ("likelihood", "impact"):
            key = "reduce_" + axis
            for sid, points in top.get(key, {}).items():
                gain = points - before.get(key, {}).get(sid, 0)
                if gain > 0:
                    delta.setdefault(sid, {"likelihood": 0, "impact": 0})[axis] += gain
        if delta:
            candidates.append((question, current, top, delta))
    rank = method.level_rank

    def trial(chosen):
        trial_scenarios = {}
        for sid, entry in scenarios.items():
            lower = dict(lowering[sid])
            for _, _, _, delta in chosen:
                if sid in delta:
                    lower["likelihood"] += delta[sid]["likelihood"]
                    lower["impact"] += delta[sid]["impact"]
            likelihood, impact = inherent_levels[sid]
            r_l, r_i, _ = _residual(method, sid, likelihood, impact, lower)
            trial_scenarios[sid] = dict(entry, residual=method.grid[r_l][r_i])
        new_rec, _, _ = _recommend(method, trial_scenarios, state)
        return new_rec, trial_scenarios

    # Which scenarios must come down: with the floors below the target, the
    # recommendation falls to the target exactly when every scenario's
    # residual level is below the level that calls for the current one.
    # Only safeguards that lower one of those scenarios can help, and for
    # them only those scenarios need re-deriving, so the search stays small.
    level_rules = any(_has_level_condition(rule["when"]) for rule in method.recommendation_rules)
    current = method.recommendations[rec_rank[recommendation]]
    if level_rules or "from_level" not in current:
        must = list(scenarios)
        threshold = None
    else:
        threshold = rank[current["from_level"]]
        must = [sid for sid, entry in scenarios.items() if rank[entry["residual"]] >= threshold]
    useful = [c for c in candidates if any(sid in c[3] for sid in must)]
    memo = {}

    def lowered_enough(chosen) -> bool:
        if threshold is None:
            new_rec, _ = trial(chosen)
            return rec_rank[new_rec] <= rec_rank[target]
        for sid in must:
            extra_l = sum(c[3][sid]["likelihood"] for c in chosen if sid in c[3])
            extra_i = sum(c[3][sid]["impact"] for c in chosen if sid in c[3])
            key = (sid, extra_l, extra_i)
            if key not in memo:
                lower = {"likelihood": lowering[sid]["likelihood"] + extra_l, "impact": lowering[sid]["impact"] + extra_i}
                likelihood, impact = inherent_levels[sid]
                r_l, r_i, _ = _residual(method, sid, likelihood, impact, lower)
                memo[key] = rank[method.grid[r_l][r_i]]
            if memo[key] >= threshold:
                return False
        return True

    best = None
    if lowered_enough(useful):
        for size in range(1, len(useful) + 1):
            for chosen in combinations(useful, size):
                if not lowered_enough(chosen):
                    continue
                new_rec, trial_scenarios = trial(chosen)
                score = (rec_rank[new_rec], sum(rank[s["residual"]] for s in trial_scenarios.values()))
                if best is None or score < best[0]:
                    best = (score, chosen, new_rec, trial_scenarios)
            if best is not None:
                break
    if best is None:
        stuck = [f"{sid} {s['name']}" for sid, s in scenarios.items()
                 if s["residual"] == max((x["residual"] for x in scenarios.values()), key=lambda lv: rank[lv])]
        return {"status": "cannot", "target": target, "target_label": labels[target],
                "text": method.text("what_if.cannot", recommendation=labels[recommendation],
                                    scenarios=method.text("list.separator").join(stuck)),
                "safeguards": [], "moves": [], "floors": []}
    _, chosen, new_rec, trial_scenarios = best
    level_label = method.level_labels
    safeguards = [{"question": q["id"], "short": q["short"], "from": current, "to": top["value"], "label": top["label"]}
                  for q, current, top, _ in chosen]
    moves = [{"scenario": sid, "name": s["name"], "from": s["residual"], "to": trial_scenarios[sid]["residual"]}
             for sid, s in scenarios.items() if trial_scenarios[sid]["residual"] != s["residual"]]
    names = method.text("list.semicolon").join(f"{s['short']}" for s in safeguards)
    moved = method.text("list.separator").join(method.text("what_if.move", scenario=m["scenario"], **{"from": level_label[m["from"]]},
                                                           to=level_label[m["to"]]) for m in moves)
    return {"status": "lowers", "target": target, "target_label": labels[target], "recommendation": new_rec,
            "text": method.text_count("what_if.lowers", len(safeguards), safeguards=names, recommendation=labels[new_rec], moves=moved),
            "safeguards": safeguards, "moves": moves, "floors": []}


def evaluate(method: Method, answers: dict, profile: str | None = None, what_if: bool = True) -> dict:
    """Score checked answers (see `check_answers`) and return the result dict.

    `what_if=False` leaves out the search for the fewest safeguards that would
    lower the result (`what_if` is then null); the benchmark uses it to
    measure what the search costs."""
    visible = visible_questions(method, answers)
    visible_ids = {q["id"] for q in visible}
    rank = method.level_rank
    points, lowering, reasons, safeguard_reasons, activated = _levels(method, answers, visible)

    scenarios = {}
    inherent_levels = {}
    for scenario in method.scenarios:
        sid = scenario["id"]
        likelihood = level_for(method.likelihood_levels, points[sid]["likelihood"])
        impact = level_for(method.impact_levels, points[sid]["impact"])
        inherent_levels[sid] = (likelihood, impact)
        r_likelihood, r_impact, steps = _residual(method, sid, likelihood, impact, lowering[sid])
        # A safeguard is a reason only on an axis it lowers.
        for axis, lowered in (("likelihood", r_likelihood != likelihood), ("impact", r_impact != impact)):
            if lowered:
                reasons[sid].extend(r for r in safeguard_reasons[sid] if r["axis"] == axis)
                reasons[sid].append({"question": None, "answer": None, "axis": axis, "points": 0, "stage": "residual",
                                     "text": method.text_count("reason.safeguards", steps[axis], points=lowering[sid][axis],
                                                               axis=method.text(f"axis.{axis}"))})
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
                "safeguard_likelihood": lowering[sid]["likelihood"],
                "safeguard_impact": lowering[sid]["impact"],
                "steps_likelihood": steps["likelihood"],
                "steps_impact": steps["impact"],
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
    state = {"method": method, "scenarios": scenarios, "answers": answers, "visible": visible_ids, "recommendation": None}
    recommendation, by_level, fired = _recommend(method, scenarios, state)
    rec_by_id = {r["id"]: r for r in method.recommendations}
    level_label = method.level_labels
    drivers = [s["id"] for s in scenarios.values() if s["residual"] == overall_level]
    why = [{"rule": "level", "recommendation": by_level,
            "text": method.text("reason.level", level=level_label[overall_level], scenarios=method.text("list.separator").join(drivers),
                                recommendation=rec_by_id[by_level]["label"])}]
    for rule in fired:
        why.append({"rule": rule["id"], "recommendation": rule["at_least"], "text": rule["reason"]})

    # The short screen comes first: no verdict until it is answered.
    screen_missing = [qid for qid in method.screen if qid in visible_ids and answers.get(qid) is None]
    unanswered = [q["id"] for q in visible if answers.get(q["id"]) is None]
    unknown = []
    for question in visible:
        value = answers.get(question["id"])
        if value is None:
            continue
        for option in _selected(method, question, value):
            if option.get("unknown"):
                ask = question.get("ask", [])
                unknown.append({"question": question["id"], "short": question["short"], "answer_label": option["label"],
                                "ask": list(ask), "who": _who(method, ask),
                                "text": method.text("find_out.ask", question=question["short"], who=_who(method, ask))})
    screen_concerns = []
    if not screen_missing:
        for qid in method.screen:
            question = method.question_by_id[qid]
            value = answers.get(qid)
            if value is None or question["kind"] != "driver":
                continue
            for option in _selected(method, question, value):
                # A signal that the scenario may happen is a concern; what is at
                # stake (impact points alone) is not, until something threatens it.
                if option.get("unknown") or option.get("likelihood"):
                    screen_concerns.append(method.text("pair", question=question["short"], answer=option["label"]))
    screen_clear = not screen_missing and not screen_concerns and recommendation == method.recommendations[0]["id"]
    if screen_missing:
        screen_text = method.text_count("screen.remaining", len(screen_missing))
    elif screen_clear:
        screen_text = method.text("screen.clear", recommendation=method.recommendations[0]["label"])
    else:
        screen_text = method.text("screen.flagged")
    status = "screen" if screen_missing else ("complete" if not unanswered else "provisional")
    if unanswered and not screen_missing:
        why.append({"rule": "incomplete", "recommendation": None,
                    "text": method.text("reason.incomplete", unanswered=len(unanswered), visible=len(visible))})
    if unknown:
        why.append({"rule": "unknown", "recommendation": None,
                    "text": method.text_count("reason.unknown", len(unknown))})

    actions = []
    if not screen_missing:
        state["recommendation"] = recommendation
        if what_if:
            what_if = _what_if(method, answers, visible, scenarios, inherent_levels, lowering, state, recommendation, fired)
        else:
            what_if = None
        actions = _actions(method, state, profile)
    else:
        recommendation = None
        what_if = None

    rec = rec_by_id.get(recommendation)
    return {
        "method_version": method.version,
        "profile": profile,
        "levels": [{"id": level["id"], "label": level["label"]} for level in method.risk_levels],
        "recommendations": [{"id": r["id"], "label": r["label"], "headline": r["headline"], "description": r["description"]}
                            for r in method.recommendations],
        "likelihood_levels": [{"id": level["id"], "label": level["label"]} for level in method.likelihood_levels],
        "impact_levels": [{"id": level["id"], "label": level["label"]} for level in method.impact_levels],
        "overall": {
            "level": overall_level,
            "inherent": overall_inherent,
            "status": status,
            "recommendation": recommendation,
            "recommendation_label": rec["label"] if rec else None,
            "headline": rec["headline"] if rec else None,
            "reasons": why if rec else [],
        },
        "screen": {
            "questions": list(method.screen),
            "missing": screen_missing,
            "complete": not screen_missing,
            "clear": screen_clear,
            "concerns": screen_concerns,
            "text": screen_text,
        },
        "categories": categories,
        "scenarios": list(scenarios.values()),
        "to_find_out": unknown,
        "what_if": what_if,
        "actions": actions,
        "first_steps": [a["id"] for a in actions if a["first"]],
        "answered": len(visible) - len(unanswered),
        "visible": len(visible),
        "unanswered": unanswered,
        "complete": not unanswered,
    }


def _scope(when: dict) -> list[str] | None:
    """The scenarios an action's level conditions look at (None: no level condition)."""
    found = []
    for part in [when] + list(when.get("any", [])):
        if "inherent_at_least" in part or "residual_at_least" in part:
            found.extend(part.get("scenarios") or ["*"])
    return found or None


def _actions(method: Method, state: dict, profile: str | None) -> list[dict]:
    rank = method.level_rank
    country = method.countries.get(profile) if profile else None
    listed = []
    for index, action in enumerate(method.actions):
        when = action["when"]
        if not _condition_holds(when, state):
            continue
        scope = _scope(when)
        if not when:
            severity = -2  # an action for every result (keep the record) comes last
        elif scope is None:
            # An action triggered by answers alone ranks with the overall level.
            severity = rank[max((s["residual"] for s in state["scenarios"].values()), key=lambda level: rank[level])]
        else:
            sids = list(method.scenario_by_id) if "*" in scope else scope
            severity = max(rank[state["scenarios"][sid]["residual"]] for sid in sids)
        headline = method.rec_rank[when["recommendation_at_least"]] if "recommendation_at_least" in when else -1
        step = method.steps[action["step"]]
        entry = {
            "id": action["id"],
            "text": action["text"],
            "stakeholders": list(action["stakeholders"]),
            "who": _who(method, action["stakeholders"]),
            "step": action["step"],
            "step_title": step["title"],
            "page": f"{step['page']}#{action['step']}",
            "severity": method.levels[severity] if severity >= 0 else None,
        }
        if country is not None:
            entry["contacts"], entry["uncovered"] = route(country, action["stakeholders"], action["topics"])
        listed.append(((-headline, -severity, method.step_order[action["step"]], index), entry))
    listed.sort(key=lambda pair: pair[0])
    actions = [entry for _, entry in listed]
    for position, entry in enumerate(actions):
        entry["first"] = position < method.first_steps
    return _duties(method, state, country) + actions


def _contact(code: str, body: dict) -> dict:
    contact = {"stakeholder": code, "id": body["id"], "name": body["name"], "topics": list(body["topics"]), "verified": body["verified"]}
    if "url" in body:
        contact["url"] = body["url"]
    return contact


def route(country: dict, stakeholders, topics) -> tuple[list[dict], list[str]]:
    """The bodies of `country` an action turns to, and the topics none of them covers.

    A body fits when its role is one of the action's stakeholders and one of
    its topics is one the action needs; bodies are listed in the order of the
    action's stakeholders, then of the profile. A topic no body of those roles
    covers is returned, so that the action can say so instead of naming a body
    that is not competent.
    """
    wanted = set(topics)
    contacts, covered = [], set()
    for code in stakeholders:
        for body in country["roles"].get(code, {}).get("bodies", []):
            fit = wanted.intersection(body["topics"])
            if fit:
                contacts.append(_contact(code, body))
                covered |= fit
    return contacts, [topic for topic in topics if topic not in covered]


def all_duties(method: Method) -> dict[str, dict]:
    """Every profile's duties by id (ids are unique across profiles), with the role of the body they name."""
    found = {}
    for country in method.countries.values():
        roles = {body["id"]: code for code, role in country["roles"].items() for body in role["bodies"]}
        for duty in country.get("duties", []):
            found[duty["id"]] = dict(duty, role=roles[duty["body"]])
    return found


def _duties(method: Method, state: dict, country: dict | None) -> list[dict]:
    """The profile's legal duties whose conditions hold, as actions listed first, with their deadline."""
    if country is None:
        return []
    bodies = {body["id"]: (code, body) for code, role in country["roles"].items() for body in role["bodies"]}
    listed = []
    for duty in country.get("duties", []):
        if not _condition_holds(duty.get("when", {}), state):
            continue
        code, body = bodies[duty["body"]]
        step = method.steps[duty["step"]]
        listed.append({
            "id": duty["id"],
            "text": duty["text"],
            "stakeholders": [code],
            "who": _who(method, [code]),
            "step": duty["step"],
            "step_title": step["title"],
            "page": f"{step['page']}#{duty['step']}",
            "severity": None,
            "contacts": [_contact(code, body)],
            "uncovered": [],
            "duty": True,
            "deadline": duty["deadline"],
            "verified": duty["verified"],
            "first": True,
        })
    return listed
