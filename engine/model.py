"""The typed method: `Method`, the checked method data with the indexes and
accessors the evaluator, the report and the handbook read.

`compile_method(data)` is the one way from data (read from YAML by
`source.py`, or the compiled JSON the browser loads) to a `Method`: it checks
the data first (`validate.check_method`) and raises `MethodError` with every
problem found.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .validate import check_method


@dataclass
class Method:
    """The validated method with the indexes the evaluator needs."""

    data: dict
    version: str
    levels: list[str]
    level_rank: dict[str, int]
    likelihood_levels: list[dict]
    impact_levels: list[dict]
    grid: dict
    scenarios: list[dict]
    scenario_by_id: dict[str, dict]
    categories: list[dict]
    questions: list[dict]
    question_by_id: dict[str, dict]
    option_by_value: dict[str, dict[str, dict]]
    recommendations: list[dict]
    rec_rank: dict[str, int]
    steps: dict[str, dict] = field(default_factory=dict)
    stakeholders: dict[str, dict] = field(default_factory=dict)
    countries: dict[str, dict] = field(default_factory=dict)
    migrations: dict[str, dict] = field(default_factory=dict)
    screen: list[str] = field(default_factory=list)
    step_order: dict[str, int] = field(default_factory=dict)


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
        migrations={m["from"]: m for m in data.get("migrations", [])},
        screen=[q["id"] for q in questions if q.get("screen")],
        step_order=step_order,
    )


def compile_method(data, locate=None) -> Method:
    """Check `data` (the method as a JSON-able dict) and return a `Method`.

    `locate(path) -> (file, line) | None` lets errors name where a path came from.
    Raises `MethodError` listing every problem found.
    """
    check_method(data, locate)
    return _index(data)
