"""The method's invariants, checked after the structure is known to be right.

Each check appends `Problem`s with a one-sentence message; `check_invariants`
runs them all so a broken method reports every problem at once:

- ids are unique and every reference resolves;
- the likelihood x impact grid maps every cell exactly once and never falls
  when likelihood or impact rises; thresholds and recommendations ascend;
- driver options never fall along their order, safeguards never add points,
  and conditional questions cannot make a rising driver lower a level or a
  rising safeguard raise one;
- every question can be shown and every scenario can reach the top level;
- every flowchart step is reachable and every category's management track
  ends in disengagement.
"""

from __future__ import annotations

from .errors import Problem
from .scale import combine, level_for, steps_for


def _dupes(items, key, path, what, out):
    seen = {}
    for index, item in enumerate(items):
        value = item[key]
        if value in seen:
            out.append(Problem(path + (index, key), f"duplicate {what} id '{value}' (first used at index {seen[value]}); ids must be unique."))
        else:
            seen[value] = index


def _ref(value, known, path, what, out):
    if value not in known:
        known_ids = sorted(set(known))
        choices = ", ".join(known_ids) if len(known_ids) <= 30 else f"{len(known_ids)} known ids"
        out.append(Problem(path, f"unknown {what} '{value}'; expected one of: {choices}."))
        return False
    return True


class _Checker:
    def __init__(self, data: dict):
        self.d = data
        self.out: list[Problem] = []
        scoring = data["scoring"]
        self.levels = [level["id"] for level in scoring["levels"]]
        self.rank = {level: i for i, level in enumerate(self.levels)}
        # A level id given twice is reported once by ids(); the grid checks see it once.
        self.likelihood = list(dict.fromkeys(level["id"] for level in scoring["likelihood"]["levels"]))
        self.impact = list(dict.fromkeys(level["id"] for level in scoring["impact"]["levels"]))
        self.scenarios = {s["id"]: s for s in data["scenarios"]}
        self.categories = {c["id"] for c in data["categories"]}
        self.impacts = {i["id"]: s["id"] for s in data["scenarios"] for i in s["impacts"]}
        self.stakeholders = {s["id"] for s in data["stakeholders"]}
        self.coop = {c["id"] for c in data["cooperation_levels"]}
        self.sections = {s["id"] for s in data["questionnaire"]["sections"]}
        self.questions = {q["id"]: q for q in data["questionnaire"]["questions"]}
        self.recs = [r["id"] for r in scoring["recommendations"]]
        self.sources = {s["id"] for s in data["method"]["sources"]}
        self.steps = {}
        for step in data["flowcharts"]["foresight"]["steps"]:
            self.steps.setdefault(step["id"], step)
        for track in data["flowcharts"]["management"]["tracks"]:
            for step in track["steps"]:
                self.steps.setdefault(step["id"], step)

    # -- ids and references ------------------------------------------------
    def ids(self):
        d, out = self.d, self.out
        _dupes(d["categories"], "id", ("categories",), "category", out)
        _dupes(d["scenarios"], "id", ("scenarios",), "scenario", out)
        _dupes(d["stakeholders"], "id", ("stakeholders",), "stakeholder", out)
        _dupes(d["cooperation_levels"], "id", ("cooperation_levels",), "cooperation level", out)
        _dupes(d["method"]["sources"], "id", ("method", "sources"), "source", out)
        q = d["questionnaire"]
        _dupes(q["sections"], "id", ("questionnaire", "sections"), "section", out)
        _dupes(q["questions"], "id", ("questionnaire", "questions"), "question", out)
        s = d["scoring"]
        _dupes(s["levels"], "id", ("scoring", "levels"), "level", out)
        _dupes(s["likelihood"]["levels"], "id", ("scoring", "likelihood", "levels"), "likelihood level", out)
        _dupes(s["impact"]["levels"], "id", ("scoring", "impact", "levels"), "impact level", out)
        _dupes(s["recommendations"], "id", ("scoring", "recommendations"), "recommendation", out)
        _dupes(s["recommendation_rules"], "id", ("scoring", "recommendation_rules"), "rule", out)
        _dupes(s["actions"], "id", ("scoring", "actions"), "action", out)
        _dupes(d.get("countries", []), "id", ("countries",), "country", out)
        seen_impacts = {}
        for si, scenario in enumerate(d["scenarios"]):
            for ii, impact in enumerate(scenario["impacts"]):
                if impact["id"] in seen_impacts:
                    out.append(Problem(("scenarios", si, "impacts", ii, "id"), f"duplicate impact id '{impact['id']}' (also in scenario {seen_impacts[impact['id']]}); ids must be unique."))
                seen_impacts.setdefault(impact["id"], scenario["id"])
        seen_steps = {}
        for path, step in self._all_steps():
            if step["id"] in seen_steps:
                out.append(Problem(path + ("id",), f"duplicate step id '{step['id']}'; ids must be unique across both flowcharts."))
            seen_steps.setdefault(step["id"], path)
        for qi, question in enumerate(q["questions"]):
            first = {}
            for oi, option in enumerate(question["options"]):
                if option["value"] in first:
                    out.append(Problem(("questionnaire", "questions", qi, "options", oi, "value"), f"duplicate option value '{option['value']}' in question '{question['id']}' (first used at index {first[option['value']]}); values must be unique within a question."))
                first.setdefault(option["value"], oi)

    def _all_steps(self):
        f = self.d["flowcharts"]
        for i, step in enumerate(f["foresight"]["steps"]):
            yield ("flowcharts", "foresight", "steps", i), step
        for t, track in enumerate(f["management"]["tracks"]):
            for i, step in enumerate(track["steps"]):
                yield ("flowcharts", "management", "tracks", t, "steps", i), step

    def references(self):
        d, out = self.d, self.out
        for i, scenario in enumerate(d["scenarios"]):
            _ref(scenario["category"], self.categories, ("scenarios", i, "category"), "category", out)
            for j, impact in enumerate(scenario["impacts"]):
                if "applies_from" in impact:
                    _ref(impact["applies_from"], self.levels, ("scenarios", i, "impacts", j, "applies_from"), "level", out)
            for j, item in enumerate(scenario.get("evidence", [])):
                _ref(item["source"], self.sources, ("scenarios", i, "evidence", j, "source"), "source", out)
        for category in self.categories:
            if not any(s["category"] == category for s in d["scenarios"]):
                index = [c["id"] for c in d["categories"]].index(category)
                out.append(Problem(("categories", index), f"category '{category}' has no scenario; add one or remove the category."))
        for i, stakeholder in enumerate(d["stakeholders"]):
            _ref(stakeholder["level"], self.coop, ("stakeholders", i, "level"), "cooperation level", out)
        for path, step in self._all_steps():
            for j, code in enumerate(step["stakeholders"]):
                _ref(code, self.stakeholders, path + ("stakeholders", j), "stakeholder", out)
        for t, track in enumerate(d["flowcharts"]["management"]["tracks"]):
            _ref(track["category"], self.categories, ("flowcharts", "management", "tracks", t, "category"), "category", out)
        for i, country in enumerate(d.get("countries", [])):
            for code in country["roles"]:
                _ref(code, self.stakeholders, ("countries", i, "roles", code), "stakeholder", out)
                _ref(country["roles"][code]["source"], self.sources, ("countries", i, "roles", code, "source"), "source", out)
            for j, contact in enumerate(country["contacts"]):
                _ref(contact["role"], self.stakeholders, ("countries", i, "contacts", j, "role"), "stakeholder", out)
                _ref(contact["source"], self.sources, ("countries", i, "contacts", j, "source"), "source", out)
            for j, rule in enumerate(country["rules"]):
                _ref(rule["source"], self.sources, ("countries", i, "rules", j, "source"), "source", out)

    # -- flowcharts ----------------------------------------------------------
    def _walk(self, steps, base_path):
        """Check `next` links inside one chart and that every step is reachable."""
        ids = {step["id"] for step in steps}
        for i, step in enumerate(steps):
            for j, link in enumerate(step["next"]):
                if link["to"] not in ids:
                    self.out.append(Problem(base_path + (i, "next", j, "to"), f"step '{link['to']}' is not in this flowchart; expected one of: {', '.join(s['id'] for s in steps)}."))
        reached, todo = set(), [steps[0]["id"]]
        by_id = {step["id"]: step for step in steps}
        while todo:
            current = todo.pop()
            if current in reached or current not in by_id:
                continue
            reached.add(current)
            todo.extend(link["to"] for link in by_id[current]["next"])
        for i, step in enumerate(steps):
            if step["id"] not in reached:
                self.out.append(Problem(base_path + (i,), f"step '{step['id']}' cannot be reached from the first step '{steps[0]['id']}'; link it from another step."))

    def flowcharts(self):
        f = self.d["flowcharts"]
        self._walk(f["foresight"]["steps"], ("flowcharts", "foresight", "steps"))
        tracked = {}
        for t, track in enumerate(f["management"]["tracks"]):
            path = ("flowcharts", "management", "tracks", t)
            self._walk(track["steps"], path + ("steps",))
            if track["category"] in tracked:
                self.out.append(Problem(path + ("category",), f"category '{track['category']}' already has a management track (track {tracked[track['category']]}); keep one per category."))
            tracked.setdefault(track["category"], t)
            ends = [s for s in track["steps"] if s["kind"] == "disengage" and not s["next"]]
            if not ends:
                self.out.append(Problem(path, f"the management track of category '{track['category']}' has no final 'disengage' step; every track must end in disengagement."))
        for i, category in enumerate(self.d["categories"]):
            if category["id"] not in tracked:
                self.out.append(Problem(("categories", i), f"category '{category['id']}' has no management track; add one under flowcharts.management.tracks."))

    # -- questionnaire -------------------------------------------------------
    def questionnaire(self):
        out = self.out
        order = {}
        for qi, q in enumerate(self.d["questionnaire"]["questions"]):
            path = ("questionnaire", "questions", qi)
            order.setdefault(q["id"], qi)
            _ref(q["section"], self.sections, path + ("section",), "section", out)
            if "step" in q:
                _ref(q["step"], self.steps, path + ("step",), "flowchart step", out)
            for j, code in enumerate(q.get("stakeholders", [])):
                _ref(code, self.stakeholders, path + ("stakeholders", j), "stakeholder", out)
            if q["type"] == "multi" and "combine" not in q:
                out.append(Problem(path, f"question '{q['id']}' is multiple-choice and needs 'combine: sum' or 'combine: max'."))
            if q["type"] == "single" and "combine" in q:
                out.append(Problem(path + ("combine",), f"question '{q['id']}' is single-choice; 'combine' applies only to multiple-choice questions."))
            self._options(q, path)
            self._show_if(q, path, order)
            self._screen_and_unknown(q, path)
        used = {q["section"] for q in self.d["questionnaire"]["questions"]}
        for i, section in enumerate(self.d["questionnaire"]["sections"]):
            if section["id"] not in used:
                out.append(Problem(("questionnaire", "sections", i), f"section '{section['id']}' has no question; add one or remove the section."))

    def _options(self, q, path):
        out = self.out
        allowed = {"driver": ("likelihood", "impact", "activates"), "safeguard": ("reduce_likelihood", "reduce_impact"), "context": ()}[q["kind"]]
        effect_keys = ("likelihood", "impact", "reduce_likelihood", "reduce_impact", "activates")
        previous = None
        for oi, option in enumerate(q["options"]):
            opath = path + ("options", oi)
            for key in effect_keys:
                if key in option and key not in allowed:
                    what = {"driver": "a driver", "safeguard": "a safeguard", "context": "a context question"}[q["kind"]]
                    hint = {"driver": "drivers use likelihood, impact and activates", "safeguard": "safeguards use reduce_likelihood and reduce_impact", "context": "context questions carry no points"}[q["kind"]]
                    out.append(Problem(opath + (key,), f"'{key}' is not allowed on {what} option; {hint}."))
            for key in ("likelihood", "impact", "reduce_likelihood", "reduce_impact"):
                for scenario in option.get(key, {}):
                    _ref(scenario, self.scenarios, opath + (key, scenario), "scenario", out)
            for j, impact in enumerate(option.get("activates", [])):
                _ref(impact, self.impacts, opath + ("activates", j), "impact", out)
            if option.get("exclusive"):
                if q["type"] != "multi":
                    out.append(Problem(opath + ("exclusive",), f"'exclusive' applies only to multiple-choice questions; question '{q['id']}' is single-choice."))
                if any(key in option for key in effect_keys):
                    out.append(Problem(opath, f"exclusive option '{option['value']}' of question '{q['id']}' must carry no points; it means 'none of these'."))
            if q["type"] == "single" and q["kind"] != "context":
                keys = ("likelihood", "impact") if q["kind"] == "driver" else ("reduce_likelihood", "reduce_impact")
                if previous is not None:
                    for key in keys:
                        for scenario, before in previous.get(key, {}).items():
                            now = option.get(key, {}).get(scenario, 0)
                            if now < before:
                                order = "risk" if q["kind"] == "driver" else "protection"
                                out.append(Problem(opath + (key,), f"option '{option['value']}' gives {scenario} {key} {now}, less than the {before} of the option before it; options are listed from least to most {order}, so points may not fall."))
                previous = option

    def _screen_and_unknown(self, q, path):
        out = self.out
        if q.get("screen") and "show_if" in q:
            out.append(Problem(path + ("screen",), f"screen question '{q['id']}' has 'show_if'; the short screen must always be shown."))
        if q.get("screen") and q["kind"] == "safeguard":
            out.append(Problem(path + ("screen",), f"safeguard '{q['id']}' cannot be a screen question; the screen asks what the partnership is, not what the city has done."))
        unknown = [o for o in q["options"] if o.get("unknown")]
        for j, code in enumerate(q.get("ask", [])):
            _ref(code, self.stakeholders, path + ("ask", j), "stakeholder", out)
        if unknown and not q.get("ask"):
            out.append(Problem(path, f"question '{q['id']}' has a \"don't know\" option but no 'ask'; name who can tell (for example ask: [\"Gov\"])."))
        if q["kind"] == "driver" and q["type"] == "single":
            for oi, option in enumerate(q["options"]):
                if option.get("unknown") and oi == 0:
                    out.append(Problem(path + ("options", oi), f"\"don't know\" option '{option['value']}' of '{q['id']}' is the first, safest answer; \"don't know\" counts with precaution, so list it after the safest option."))
                elif option.get("unknown") and not (option.get("likelihood") or option.get("impact")):
                    out.append(Problem(path + ("options", oi), f"\"don't know\" option '{option['value']}' of '{q['id']}' carries no points; it must count with precaution, never as the safest answer."))

    def _show_if(self, q, path, order):
        out = self.out
        cond = q.get("show_if")
        if not cond:
            return
        parent_id = cond["question"]
        if parent_id == q["id"]:
            out.append(Problem(path + ("show_if", "question"), f"question '{q['id']}' cannot depend on itself."))
            return
        if not _ref(parent_id, self.questions, path + ("show_if", "question"), "question", out):
            return
        if parent_id not in order:
            out.append(Problem(path + ("show_if", "question"), f"question '{q['id']}' depends on '{parent_id}', which comes later; put the question it depends on first."))
            return
        parent = self.questions[parent_id]
        values = [o["value"] for o in parent["options"]]
        for j, value in enumerate(cond["in"]):
            if value not in values:
                out.append(Problem(path + ("show_if", "in", j), f"'{value}' is not an option of question '{parent_id}'; expected one of: {', '.join(values)}."))
        if parent["kind"] == "driver":
            if q["kind"] != "driver":
                out.append(Problem(path + ("show_if",), f"{q['kind']} question '{q['id']}' cannot depend on driver '{parent_id}'; only drivers may, or a rising driver could lower a level."))
            self._upward(parent, cond["in"], path + ("show_if", "in"), f"question '{q['id']}'", "shown")
        if parent["kind"] == "safeguard":
            if q["kind"] != "safeguard":
                out.append(Problem(path + ("show_if",), f"{q['kind']} question '{q['id']}' cannot depend on safeguard '{parent_id}'; only safeguards may."))
            else:
                self._upward(parent, cond["in"], path + ("show_if", "in"), f"question '{q['id']}'", "shown")

    def _upward(self, parent, chosen, path, what, verb):
        """Values that trigger something on a driver (a safeguard) must be its
        riskiest (most protective) options, so raising it never takes points
        (protection) away."""
        values = [o["value"] for o in parent["options"]]
        kind, more = ("safeguard", "a more protective") if parent["kind"] == "safeguard" else ("driver", "a riskier")
        chosen = [v for v in chosen if v in values]
        if not chosen:
            return
        if parent["type"] == "single":
            lowest = min(values.index(v) for v in chosen)
            expected = values[lowest:]
            if sorted(chosen, key=values.index) != expected:
                self.out.append(Problem(path, f"{what} is {verb} for {', '.join(chosen)} of {kind} '{parent['id']}' but not for {', '.join(v for v in expected if v not in chosen)}; list every option from '{values[lowest]}' up, so {more} answer never removes it."))
        else:
            exclusive = [o["value"] for o in parent["options"] if o.get("exclusive")]
            for value in chosen:
                if value in exclusive:
                    self.out.append(Problem(path, f"{what} cannot be {verb} by the 'none of these' option '{value}' of '{parent['id']}'."))

    # -- scoring -------------------------------------------------------------
    def scoring(self):
        s, out = self.d["scoring"], self.out
        for axis in ("likelihood", "impact"):
            levels = s[axis]["levels"]
            if levels[0]["min_points"] != 0:
                out.append(Problem(("scoring", axis, "levels", 0, "min_points"), f"the first {axis} level must start at 0 points, got {levels[0]['min_points']}."))
            for i in range(1, len(levels)):
                if levels[i]["min_points"] <= levels[i - 1]["min_points"]:
                    out.append(Problem(("scoring", axis, "levels", i, "min_points"), f"{axis} level '{levels[i]['id']}' starts at {levels[i]['min_points']} points, not above '{levels[i - 1]['id']}' ({levels[i - 1]['min_points']}); thresholds must rise."))
        for scenario in self.scenarios:
            if scenario not in s["base"]:
                out.append(Problem(("scoring", "base"), f"scenario '{scenario}' has no base points; add '{scenario}: {{likelihood: 0, impact: 0}}'."))
        for scenario in s["base"]:
            _ref(scenario, self.scenarios, ("scoring", "base", scenario), "scenario", out)
        self._grid()
        recs = s["recommendations"]
        for i, rec in enumerate(recs):
            if "from_level" in rec:
                _ref(rec["from_level"], self.levels, ("scoring", "recommendations", i, "from_level"), "level", out)
            if "step" in rec:
                _ref(rec["step"], self.steps, ("scoring", "recommendations", i, "step"), "flowchart step", out)
        if recs and "from_level" not in recs[0]:
            out.append(Problem(("scoring", "recommendations", 0), f"the first recommendation '{recs[0]['id']}' needs 'from_level: {self.levels[0]}'."))
        by_level = [(i, r) for i, r in enumerate(recs) if "from_level" in r]
        ranks = [self.rank.get(r["from_level"]) for _, r in by_level]
        if ranks and "from_level" in recs[0] and ranks[0] is not None and ranks[0] != 0:
            out.append(Problem(("scoring", "recommendations", 0, "from_level"), f"the first recommendation must apply from the lowest level '{self.levels[0]}', got '{recs[0]['from_level']}'."))
        for k in range(1, len(by_level)):
            i, rec = by_level[k]
            prev = by_level[k - 1][1]
            if ranks[k] is not None and ranks[k - 1] is not None and ranks[k] <= ranks[k - 1]:
                out.append(Problem(("scoring", "recommendations", i, "from_level"), f"recommendation '{rec['id']}' applies from '{rec['from_level']}', not above '{prev['from_level']}' of '{prev['id']}'; recommendations go mildest first."))
        last_by_level = by_level[-1][0] if by_level else -1
        for i, rec in enumerate(recs):
            if "from_level" not in rec and i < last_by_level:
                out.append(Problem(("scoring", "recommendations", i), f"recommendation '{rec['id']}' has no 'from_level' but comes before '{recs[last_by_level]['id']}', which has one; list those reached only through rules last."))
            if "from_level" not in rec and not any(rule["at_least"] == rec["id"] for rule in s["recommendation_rules"]):
                out.append(Problem(("scoring", "recommendations", i), f"recommendation '{rec['id']}' has no 'from_level' and no rule reaches it; give it a 'from_level' or add a recommendation rule."))
        self._safeguards()
        self._decisions()
        for i, rule in enumerate(s["recommendation_rules"]):
            path = ("scoring", "recommendation_rules", i)
            _ref(rule["at_least"], self.recs, path + ("at_least",), "recommendation", out)
            self._condition(rule["when"], path + ("when",), for_rule=True)
        for i, action in enumerate(s["actions"]):
            path = ("scoring", "actions", i)
            for j, code in enumerate(action["stakeholders"]):
                _ref(code, self.stakeholders, path + ("stakeholders", j), "stakeholder", out)
            _ref(action["step"], self.steps, path + ("step",), "flowchart step", out)
            self._condition(action["when"], path + ("when",), for_rule=False)

    def _decisions(self):
        """Each recommendation has exactly one decision that matches it; every
        risk level has a review interval, never longer for a higher level."""
        s, out = self.d["scoring"], self.out
        _dupes(s["decisions"], "id", ("scoring", "decisions"), "decision", out)
        matched = {}
        for i, decision in enumerate(s["decisions"]):
            path = ("scoring", "decisions", i, "matches")
            if not _ref(decision["matches"], self.recs, path, "recommendation", out):
                continue
            if decision["matches"] in matched:
                out.append(Problem(path, f"decision '{decision['id']}' matches recommendation '{decision['matches']}', "
                                         f"which decision '{matched[decision['matches']]}' already matches; each recommendation "
                                         "has exactly one matching decision."))
            matched.setdefault(decision["matches"], decision["id"])
        for rec in self.recs:
            if rec not in matched:
                out.append(Problem(("scoring", "decisions"), f"no decision matches recommendation '{rec}'; "
                                                            "add a decision with 'matches: " + rec + "'."))
        months = s["review_months"]
        for level in months:
            _ref(level, self.levels, ("scoring", "review_months", level), "level", out)
        for level in self.levels:
            if level not in months:
                out.append(Problem(("scoring", "review_months"), f"level '{level}' has no review interval; add '{level}: <months>'."))
        known = [level for level in self.levels if level in months]
        for lower, higher in zip(known, known[1:], strict=False):
            if months[higher] > months[lower]:
                out.append(Problem(("scoring", "review_months", higher), f"level '{higher}' is reviewed after {months[higher]} months, "
                                                                        f"later than the milder level '{lower}' ({months[lower]}); "
                                                                        "a higher level is reviewed sooner or as soon."))

    def _grid(self):
        grid, out = self.d["scoring"]["grid"], self.out
        for row in grid:
            if row not in self.likelihood:
                out.append(Problem(("scoring", "grid", row), f"unknown likelihood level '{row}'; expected one of: {', '.join(self.likelihood)}."))
        for row in self.likelihood:
            if row not in grid:
                out.append(Problem(("scoring", "grid"), f"the grid has no row for likelihood '{row}'; every likelihood level needs one."))
                continue
            for col in grid[row]:
                if col not in self.impact:
                    out.append(Problem(("scoring", "grid", row, col), f"unknown impact level '{col}'; expected one of: {', '.join(self.impact)}."))
            for col in self.impact:
                if col not in grid[row]:
                    out.append(Problem(("scoring", "grid", row), f"the grid has no cell for likelihood '{row}' x impact '{col}'; map every cell once."))
                elif grid[row][col] not in self.rank:
                    out.append(Problem(("scoring", "grid", row, col), f"unknown level '{grid[row][col]}'; expected one of: {', '.join(self.levels)}."))
        cell = lambda r, c: self.rank.get(grid.get(r, {}).get(c))  # noqa: E731
        for ri, row in enumerate(self.likelihood):
            for ci, col in enumerate(self.impact):
                here = cell(row, col)
                if here is None:
                    continue
                if ci and cell(row, self.impact[ci - 1]) is not None and here < cell(row, self.impact[ci - 1]):
                    out.append(Problem(("scoring", "grid", row, col), f"'{row}' x '{col}' is '{grid[row][col]}', lower than '{grid[row][self.impact[ci - 1]]}' at impact '{self.impact[ci - 1]}'; more impact may never lower the level."))
                if ri and cell(self.likelihood[ri - 1], col) is not None and here < cell(self.likelihood[ri - 1], col):
                    up = self.likelihood[ri - 1]
                    out.append(Problem(("scoring", "grid", row, col), f"'{row}' x '{col}' is '{grid[row][col]}', lower than '{grid[up][col]}' at likelihood '{up}'; more likelihood may never lower the level."))

    def _condition(self, when, path, for_rule):
        out = self.out
        for j, scenario in enumerate(when.get("scenarios", [])):
            _ref(scenario, self.scenarios, path + ("scenarios", j), "scenario", out)
        for key in ("inherent_at_least", "residual_at_least"):
            if key in when:
                _ref(when[key], self.levels, path + (key,), "level", out)
        for qid, values in when.get("answers", {}).items():
            if not _ref(qid, self.questions, path + ("answers", qid), "question", out):
                continue
            question = self.questions[qid]
            known = [o["value"] for o in question["options"]]
            for j, value in enumerate(values):
                if value not in known:
                    out.append(Problem(path + ("answers", qid, j), f"'{value}' is not an option of question '{qid}'; expected one of: {', '.join(known)}."))
            if for_rule:
                if question["kind"] != "driver":
                    out.append(Problem(path + ("answers", qid), f"a recommendation rule may only name driver questions, and '{qid}' is a {question['kind']}; otherwise an answer could raise the recommendation against the method's order."))
                else:
                    self._upward(question, values, path + ("answers", qid), "the rule", "triggered")
        for j, qid in enumerate(when.get("missing", [])):
            if _ref(qid, self.questions, path + ("missing", j), "question", out) and self.questions[qid]["kind"] != "safeguard":
                out.append(Problem(path + ("missing", j), f"'missing' names safeguards, and '{qid}' is a {self.questions[qid]['kind']} question."))
        if "recommendation_at_least" in when:
            if for_rule:
                out.append(Problem(path + ("recommendation_at_least",), "a recommendation rule cannot depend on the recommendation itself; use levels or answers."))
            else:
                _ref(when["recommendation_at_least"], self.recs, path + ("recommendation_at_least",), "recommendation", out)
        for j, nested in enumerate(when.get("any", [])):
            self._condition(nested, path + ("any", j), for_rule)

    def screen(self):
        screen = [q["id"] for q in self.questions.values() if q.get("screen")]
        if not screen:
            self.out.append(Problem(("questionnaire", "questions"), "no question is marked 'screen: true'; the short screen needs at least one."))
        if len(screen) > 8:
            self.out.append(Problem(("questionnaire", "questions"), f"{len(screen)} questions are marked 'screen: true' ({', '.join(screen)}); the short screen has at most 8."))

    def _safeguards(self):
        """Planned counts for less than yes and more than no, and the safeguards
        of each scenario, all in place, lower it by a step from high or critical."""
        s, out = self.d["scoring"], self.out
        full = {sid: {"likelihood": 0, "impact": 0} for sid in self.scenarios}
        for qi, q in enumerate(self.d["questionnaire"]["questions"]):
            if q["kind"] != "safeguard" or q["type"] != "single":
                continue
            options = q["options"]
            top = options[-1]
            for axis in ("likelihood", "impact"):
                key = "reduce_" + axis
                for sid, points in top.get(key, {}).items():
                    if sid in full:
                        full[sid][axis] += points
                if len(options) < 2:
                    continue
                if options[0].get(key):
                    out.append(Problem(("questionnaire", "questions", qi, "options", 0, key), f"the first option of safeguard '{q['id']}' means 'not in place' and must lower nothing."))
                for oi in range(1, len(options) - 1):
                    middle = options[oi].get(key, {})
                    for sid, points in top.get(key, {}).items():
                        here = middle.get(sid, 0)
                        if not 0 < here < points:
                            out.append(Problem(("questionnaire", "questions", qi, "options", oi, key), f"option '{options[oi]['value']}' of safeguard '{q['id']}' gives {sid} {key} {here}; a partial answer must count for more than '{options[0]['value']}' (0) and less than '{top['value']}' ({points})."))
        ids_l, ids_i = self.likelihood, self.impact
        grid = s["grid"]
        for sid, pts in full.items():
            step_l = steps_for(s["safeguard_steps"]["likelihood"], pts["likelihood"])
            step_i = steps_for(s["safeguard_steps"]["impact"], pts["impact"])
            for li, row in enumerate(ids_l):
                for ii, col in enumerate(ids_i):
                    here = self.rank.get(grid.get(row, {}).get(col))
                    if here is None or here < self.rank.get("high", len(self.levels) - 2):
                        continue
                    lowered = grid.get(ids_l[max(0, li - step_l)], {}).get(ids_i[max(0, ii - step_i)])
                    if lowered in self.rank and self.rank[lowered] >= here:
                        index = list(self.scenarios).index(sid)
                        out.append(Problem(("scenarios", index), f"with all its safeguards in place, scenario '{sid}' goes down {step_l} likelihood and {step_i} impact step(s), which leaves '{row}' x '{col}' at '{lowered}'; safeguards must lower a high or critical level by at least one step (add safeguard points or steps)."))
                        break
                else:
                    continue
                break

    def migrations(self):
        out = self.out
        version = self.d["method"]["version"]
        seen = set()
        for i, step in enumerate(self.d.get("migrations", [])):
            path = ("migrations", i)
            if step["from"] in seen:
                out.append(Problem(path + ("from",), f"version '{step['from']}' is migrated twice; keep one entry per version."))
            seen.add(step["from"])
            if step["from"] == version:
                out.append(Problem(path + ("from",), f"a migration cannot start from the current version '{version}'."))
            for old, new in step.get("rename_questions", {}).items():
                if step["to"] == version:
                    _ref(new, self.questions, path + ("rename_questions", old), "question", out)
            if step["to"] == version:
                for qid, renames in step.get("rename_options", {}).items():
                    if _ref(qid, self.questions, path + ("rename_options", qid), "question", out):
                        values = [o["value"] for o in self.questions[qid]["options"]]
                        for old, new in renames.items():
                            if new not in values:
                                out.append(Problem(path + ("rename_options", qid, old), f"'{new}' is not an option of question '{qid}'; expected one of: {', '.join(values)}."))
        targets = {step["from"]: step["to"] for step in self.d.get("migrations", [])}
        where = {step["from"]: i for i, step in enumerate(self.d.get("migrations", []))}
        for start in targets:
            current, hops = start, 0
            while current in targets and hops <= len(targets):
                current, hops = targets[current], hops + 1
            if current != version and current in targets:
                out.append(Problem(("migrations", where[start]), f"the migrations from version '{start}' go round in a loop and never reach the current version '{version}'."))
            elif current != version:
                out.append(Problem(("migrations", where[start]), f"the migrations from version '{start}' end at '{current}', not at the current version '{version}'."))

    # -- reachability ---------------------------------------------------------
    def reachability(self):
        """With every driver at its riskiest answer, each scenario must reach the top level."""
        s = self.d["scoring"]
        top = self.levels[-1]
        for si, scenario in enumerate(self.d["scenarios"]):
            sid = scenario["id"]
            base = s["base"].get(sid, {"likelihood": 0, "impact": 0})
            signals = {"likelihood": [], "impact": []}
            for q in self.questions.values():
                if q["kind"] != "driver":
                    continue
                for axis in signals:
                    values = [o.get(axis, {}).get(sid, 0) for o in q["options"]]
                    signal = sum(values) if q["type"] == "multi" and q.get("combine") == "sum" else max(values)
                    if signal:
                        signals[axis].append(signal)
            points = {axis: base[axis] + combine(signals[axis], s["combine"]) for axis in signals}
            likelihood = level_for(s["likelihood"]["levels"], points["likelihood"])
            impact = level_for(s["impact"]["levels"], points["impact"])
            reached = s["grid"].get(likelihood, {}).get(impact)
            if reached is not None and reached != top:
                self.out.append(Problem(("scenarios", si), f"scenario '{sid}' cannot reach level '{top}' with any answers (at most '{reached}': likelihood {points['likelihood']}, impact {points['impact']} points); raise its driver points or its base."))


def check_invariants(data: dict) -> list[Problem]:
    checker = _Checker(data)
    for step in (checker.ids, checker.references, checker.flowcharts, checker.questionnaire, checker.screen, checker.scoring, checker.migrations):
        step()
    if not checker.out:
        checker.reachability()
    return checker.out
