"""Queries over the method: the views of it that the pages show (which
questions move a scenario, which actions it can set off, what a condition
says in words, what the safeguards of a scenario can buy...).

Pure functions: the compiled `engine.model.Method` in, plain data out. They
know nothing of pages, links or templates.
"""

from __future__ import annotations


class RenderError(ValueError):
    """A marker or a page cannot be rendered from this method and this site."""


def glossary(method) -> dict[str, str]:
    """Abbreviations for every page: the stakeholder codes and what they stand for."""
    return {code: item["name"] for code, item in method.stakeholders.items()}


# -- derived views of the method ----------------------------------------------

def level_tones(method) -> dict[str, int]:
    """Each risk level's colour tone, 0 (mildest) to 3 (most severe), whatever the number of levels."""
    count = len(method.levels)
    return {level: round(rank * 3 / (count - 1)) if count > 1 else 0 for rank, level in enumerate(method.levels)}


def labels(items) -> dict[str, str]:
    return {item["id"]: item["label"] for item in items}


def sources(method) -> list[dict]:
    """The method's sources, numbered in the order the method lists them."""
    return [dict(source, number=index + 1) for index, source in enumerate(method.sources)]


def source_index(method) -> dict[str, dict]:
    return {source["id"]: source for source in sources(method)}


def cited(method, ids) -> list[dict]:
    wanted = set(ids)
    return [source for source in sources(method) if source["id"] in wanted]


def country_sources(country: dict, rules: bool = True) -> list[str]:
    """The source ids a country profile cites: its bodies, its duties and (unless `rules` is False) its rules."""
    ids = [body["source"] for role in country["roles"].values() for body in role["bodies"]]
    ids += [duty["source"] for duty in country.get("duties", [])]
    if rules:
        ids += [rule["source"] for rule in country["rules"]]
    return ids


def category_of(method, category_id: str) -> dict:
    for category in method.categories:
        if category["id"] == category_id:
            return category
    raise RenderError(f"unknown category '{category_id}'; expected one of: {', '.join(c['id'] for c in method.categories)}.")


def track_of(method, category_id: str) -> dict | None:
    for track in method.tracks:
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
    for rule in method.recommendation_rules:
        for when in [rule["when"], *rule["when"].get("any", [])]:
            values = when.get("answers", {}).get(question["id"])
            if values:
                rules.append((rule, values))
    recs = labels(method.recommendations)
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
    for action in method.actions:
        when = action["when"]
        if scenario_id in _condition_scenarios(when) or _condition_questions(when) & drivers:
            found.append(action)
    return found


def general_actions(method) -> list[dict]:
    """Actions not tied to any scenario or answer."""
    return [a for a in method.actions if not _condition_scenarios(a["when"]) and not _condition_questions(a["when"])]


def when_clauses(method, when) -> list[dict]:
    """A condition (`when`) as a list of clauses the templates put into words."""
    levels = method.level_labels
    recs = labels(method.recommendations)
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

    steps_def = method.safeguard_steps
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

    mode = method.combine_mode
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
    return method.first_steps


def recommendation_rows(method) -> list[dict]:
    """Each recommendation with the residual levels that call for it, or the floor rules that alone reach it."""
    recs = method.recommendations
    levels = method.levels
    by_level = [r for r in recs if "from_level" in r]
    rules = method.recommendation_rules
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


def level_label(method, level_id: str) -> str:
    return method.level_labels.get(level_id, level_id)
