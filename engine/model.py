"""The typed method: `Method`, the checked method data with the indexes and
accessors the evaluator, the report and the handbook read.

`compile_method(data)` is the one way from data (read from YAML by
`source.py`, or the compiled JSON the browser loads) to a `Method`: it checks
the data first (`validate.check_method`) and raises `MethodError` with every
problem found.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from .validate import check_method

# A placeholder in a fixed text of the reports: {count}, {name}.
_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


def fill(strings: dict, key: str, **fields) -> str:
    """The text `key` of a strings catalog (key -> text) with its placeholders filled in.

    Values are inserted as they are, never read as placeholders themselves."""
    text = strings[key]
    if not fields:
        return text
    return _PLACEHOLDER.sub(lambda m: str(fields[m.group(1)]) if m.group(1) in fields else m.group(0), text)


def fill_count(strings: dict, key: str, count: int, **fields) -> str:
    """`fill` for a text that depends on a number: `<key>.one` for 1, `<key>.other` otherwise."""
    return fill(strings, f"{key}.{'one' if count == 1 else 'other'}", count=count, **fields)


@dataclass
class Method:
    """The checked method: its data, the indexes the evaluator needs, and typed accessors.

    Code outside the engine reads the method through these fields and
    properties, never through `data` (the checked method as a JSON-able dict,
    kept for `to_json` and for the engine's own use). Lists and dicts are the
    method's own: read them, do not change them.
    """

    data: dict
    version: str
    levels: list[str]  # risk level ids, mildest first (`risk_levels` has their labels)
    level_rank: dict[str, int]  # risk level id -> its position in `levels`
    likelihood_levels: list[dict]  # {id, label, min_points}, lowest first
    impact_levels: list[dict]  # {id, label, min_points}, lowest first
    grid: dict  # likelihood level id -> impact level id -> risk level id
    scenarios: list[dict]
    scenario_by_id: dict[str, dict]
    categories: list[dict]
    questions: list[dict]
    question_by_id: dict[str, dict]
    option_by_value: dict[str, dict[str, dict]]  # question id -> option value -> option
    recommendations: list[dict]  # mildest first
    rec_rank: dict[str, int]  # recommendation id -> its position in `recommendations`
    steps: dict[str, dict] = field(default_factory=dict)  # every flowchart step by id, with its chart's `page` (and `category` on a track)
    stakeholders: dict[str, dict] = field(default_factory=dict)  # by code (Gov, Nac, ...), in the method's order
    countries: dict[str, dict] = field(default_factory=dict)  # country profiles by id
    topics: list[dict] = field(default_factory=list)  # what a national body is competent for (topics.yaml)
    migrations: dict[str, dict] = field(default_factory=dict)  # by the version they start from, in the method's order
    screen: list[str] = field(default_factory=list)  # ids of the short screen's questions, in order
    step_order: dict[str, int] = field(default_factory=dict)  # step id -> position (foresight first, then the tracks)
    language: str = "en"  # the language of the reader texts ('en', or what `i18n.localize` set)

    # -- the method itself (method.yaml) ----------------------------------------------------

    @property
    def metadata(self) -> dict:
        """The method's own entry: id, title, version, released, summary, sources and history."""
        return self.data["method"]

    @property
    def title(self) -> str:
        """The method's title, as written in method.yaml."""
        return self.data["method"]["title"]

    @property
    def released(self) -> str:
        """The release date of this version, as written in method.yaml."""
        return self.data["method"]["released"]

    @property
    def history(self) -> list[dict]:
        """Every release: {version, date, changes}, in the method's order."""
        return self.data["method"]["history"]

    @property
    def sources(self) -> list[dict]:
        """The sources the method cites: {id, citation, role}, in the method's order."""
        return self.data["method"]["sources"]

    # -- stakeholders and flowcharts --------------------------------------------------------

    @property
    def cooperation_levels(self) -> list[dict]:
        """The levels of cooperation: {id, name, led_by, purpose, functions}."""
        return self.data["cooperation_levels"]

    @property
    def foresight(self) -> dict:
        """The foresight flowchart: {title, page, summary, steps}."""
        return self.data["flowcharts"]["foresight"]

    @property
    def management(self) -> dict:
        """The management flowchart: {title, page, summary, tracks}."""
        return self.data["flowcharts"]["management"]

    @property
    def foresight_steps(self) -> list[dict]:
        """The foresight flowchart's steps, in order (as written: without `page`, unlike `steps`)."""
        return self.data["flowcharts"]["foresight"]["steps"]

    @property
    def tracks(self) -> list[dict]:
        """The management tracks, one per category: {category, steps}."""
        return self.data["flowcharts"]["management"]["tracks"]

    # -- the questionnaire ------------------------------------------------------------------

    @property
    def sections(self) -> list[dict]:
        """The questionnaire's sections: {id, title, intro}, in order (`questions` name theirs)."""
        return self.data["questionnaire"]["sections"]

    # -- scoring (scoring.yaml) -------------------------------------------------------------

    @property
    def scoring(self) -> dict:
        """The whole scoring section as written, for pages that show every number;
        code reads the accessors below."""
        return self.data["scoring"]

    @property
    def risk_levels(self) -> list[dict]:
        """The risk levels: {id, label, description}, mildest first (`levels` holds their ids)."""
        return self.data["scoring"]["levels"]

    @property
    def level_labels(self) -> dict[str, str]:
        """Risk level id -> its label ("high" -> "High")."""
        return {level["id"]: level["label"] for level in self.data["scoring"]["levels"]}

    @property
    def combine_mode(self) -> str:
        """How the signals of one scenario axis add up: "strongest_plus_half" or "sum" (see `scale.combine`)."""
        return self.data["scoring"]["combine"]

    @property
    def base_points(self) -> dict[str, dict[str, int]]:
        """Scenario id -> its starting points {likelihood, impact}."""
        return self.data["scoring"]["base"]

    @property
    def safeguard_steps(self) -> dict[str, list[dict]]:
        """Per axis ("likelihood", "impact"): the thresholds [{steps, min_points}] of safeguard points (see `scale.steps_for`)."""
        return self.data["scoring"]["safeguard_steps"]

    @property
    def first_steps(self) -> int:
        """How many of the ranked actions a result marks as first steps."""
        return self.data["scoring"]["first_steps"]

    @property
    def recommendation_rules(self) -> list[dict]:
        """The rules that lift the recommendation: {id, when, at_least, reason}."""
        return self.data["scoring"]["recommendation_rules"]

    @property
    def decisions(self) -> list[dict]:
        """The decisions an office can record: {id, label, description, matches}, mildest first
        (`matches` is the id of the one recommendation the decision follows)."""
        return self.data["scoring"]["decisions"]

    @property
    def review_months(self) -> dict[str, int]:
        """Risk level id -> months until the next review of a decision taken at that overall level."""
        return self.data["scoring"]["review_months"]

    @property
    def actions(self) -> list[dict]:
        """Every action: {id, text, stakeholders, step, when}, in the method's order."""
        return self.data["scoring"]["actions"]

    # -- fixed texts of reports and results (i18n/strings/report.<language>.yaml) -------------

    @property
    def strings(self) -> dict[str, str]:
        """The fixed texts the engine writes into results and reports, in the method's language: key -> text."""
        return self.data.get("strings", {})

    def text(self, key: str, **fields) -> str:
        """One fixed text with its placeholders filled in (see `fill`)."""
        return fill(self.data["strings"], key, **fields)

    def text_count(self, key: str, count: int, **fields) -> str:
        """A fixed text that depends on a number (see `fill_count`)."""
        return fill_count(self.data["strings"], key, count, **fields)

    # -- the whole ----------------------------------------------------------------------------

    def to_json(self) -> str:
        """The checked method as compact JSON with sorted keys: what the browser loads
        (`api.Engine` and `compile_method(json.loads(...))` read it back)."""
        return json.dumps(self.data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _index(data: dict) -> Method:
    """The indexes of data that `check_method` accepted."""
    scoring = data["scoring"]
    levels = [level["id"] for level in scoring["levels"]]
    questions = data["questionnaire"]["questions"]
    steps = {}
    step_order = {}
    for step in data["flowcharts"]["foresight"]["steps"]:
        step_order[step["id"]] = len(step_order)
        steps[step["id"]] = dict(step, page=data["flowcharts"]["foresight"]["page"])
    for track in data["flowcharts"]["management"]["tracks"]:
        for step in track["steps"]:
            step_order[step["id"]] = len(step_order)
            steps[step["id"]] = dict(step, page=data["flowcharts"]["management"]["page"], category=track["category"])
    return Method(
        data=data,
        version=data["method"]["version"],
        levels=levels,
        level_rank={level: rank for rank, level in enumerate(levels)},
        likelihood_levels=scoring["likelihood"]["levels"],
        impact_levels=scoring["impact"]["levels"],
        grid=scoring["grid"],
        scenarios=data["scenarios"],
        scenario_by_id={s["id"]: s for s in data["scenarios"]},
        categories=data["categories"],
        questions=questions,
        question_by_id={q["id"]: q for q in questions},
        option_by_value={q["id"]: {o["value"]: o for o in q["options"]} for q in questions},
        recommendations=scoring["recommendations"],
        rec_rank={r["id"]: rank for rank, r in enumerate(scoring["recommendations"])},
        steps=steps,
        stakeholders={s["id"]: s for s in data["stakeholders"]},
        countries={c["id"]: c for c in data.get("countries", [])},
        topics=data.get("topics", []),
        migrations={m["from"]: m for m in data.get("migrations", [])},
        screen=[q["id"] for q in questions if q.get("screen")],
        step_order=step_order,
        language=data.get("language", "en"),
    )


def compile_method(data, locate=None) -> Method:
    """Check `data` (the method as a JSON-able dict) and return a `Method`.

    `locate(path) -> (file, line) | None` lets errors name where a path came from.
    Raises `MethodError` listing every problem found.
    """
    check_method(data, locate)
    return _index(data)
