"""Whether data is a method: its schema (structure) and its invariants (meaning).

`check_method(data)` is the one check every method passes before it becomes a
`Method` (see `model.compile_method`): first the structure against
`METHOD_SCHEMA`, then, when the structure holds, the invariants of
`invariants.py`. It raises `MethodError` listing every problem found.
"""

from __future__ import annotations

from .errors import MethodError, Problem
from .invariants import check_invariants
from .schema import Bool, Ident, Int, ListOf, MapOf, OneOf, Record, Text

STAKEHOLDER_IDS = ("Gov", "Nac", "Aca", "Civ", "Com", "Med", "Pcc")

_points = MapOf(Ident(), Int(0, 20), min_items=1)
_level_ref = Ident()


def _condition(nested: bool = True) -> Record:
    optional = {
        "scenarios": ListOf(Ident(), min_items=1),
        "inherent_at_least": _level_ref,
        "residual_at_least": _level_ref,
        "answers": MapOf(Ident(), ListOf(Text(100), min_items=1), min_items=1),
        "missing": ListOf(Ident(), min_items=1),
        "recommendation_at_least": Ident(),
    }
    if nested:
        optional["any"] = ListOf(_condition(nested=False), min_items=1)
    return Record({}, optional)


_source = Record(
    {"id": Ident(), "citation": Text(), "role": Text()},
)

_impact = Record(
    {"id": Ident(), "name": Text(200), "description": Text()},
    {"applies_from": _level_ref},
)

_scenario = Record(
    {
        "id": Ident(),
        "category": Ident(),
        "name": Text(200),
        "summary": Text(),
        "signals": ListOf(Text(), min_items=1),
        "impacts": ListOf(_impact, min_items=1),
    },
    {"evidence": ListOf(Record({"text": Text(), "source": Ident()}))},
)

_step = Record(
    {
        "id": Ident(),
        "kind": OneOf("task", "decision", "disengage"),
        "title": Text(200),
        "summary": Text(),
        "stakeholders": ListOf(Ident(), min_items=1),
        "next": ListOf(Record({"to": Ident()}, {"label": Text(60)})),
    },
    {
        "tasks": ListOf(Text(), min_items=1),
        "outputs": ListOf(Text(), min_items=1),
        "outcomes": ListOf(Text(200), min_items=1),
    },
)

_option = Record(
    {"value": Text(60), "label": Text(300)},
    {
        "likelihood": _points,
        "impact": _points,
        "reduce_likelihood": _points,
        "reduce_impact": _points,
        "activates": ListOf(Ident(), min_items=1),
        "exclusive": Bool(),
        "unknown": Bool(),
    },
)

_question = Record(
    {
        "id": Ident(),
        "section": Ident(),
        "kind": OneOf("driver", "safeguard", "context"),
        "type": OneOf("single", "multi"),
        "short": Text(120),
        "text": Text(400),
        "help": Text(),
        "options": ListOf(_option, min_items=2),
    },
    {
        "show_if": Record({"question": Ident(), "in": ListOf(Text(60), min_items=1)}),
        "combine": OneOf("sum", "max"),
        "step": Ident(),
        "stakeholders": ListOf(Ident(), min_items=1),
        "screen": Bool(),
        "ask": ListOf(Ident(), min_items=1),
    },
)

_steps = ListOf(Record({"steps": Int(1, 5), "min_points": Int(1, 100)}), min_items=1)

# How a saved assessment of an earlier method version is carried over: renamed
# questions, renamed options, and questions that no longer exist.
_migration = Record(
    {"from": Text(20), "to": Text(20), "summary": Text()},
    {
        "rename_questions": MapOf(Ident(), Ident()),
        "rename_options": MapOf(Ident(), MapOf(Text(60), Text(60))),
        "drop_questions": ListOf(Ident(), min_items=1),
    },
)

_labelled = Record({"id": Ident(), "label": Text(100)}, {"description": Text()})
_scale = Record(
    {
        "label": Text(60),
        "levels": ListOf(Record({"id": Ident(), "label": Text(60), "min_points": Int(0, 100)}), min_items=2),
    }
)

# A country profile: the bodies that play each stakeholder role, each with the
# topics it is competent for (ids of topics.yaml), and the duties that are law.
# Months ("2026-11") and web addresses ("https://...") are checked in invariants.py.
_fact = {"source": Ident(), "checked": Text(20), "verified": Bool()}
_body = Record(
    {"id": Ident(), "name": Text(300), "topics": ListOf(Ident(), min_items=1), "note": Text(), **_fact},
    {"url": Text(300), "contact": Text(300), "since": Text(20)},
)
COUNTRY_BODY = _body  # the host's overlay adds bodies of this shape (overlay.py)
_duty = Record(
    {"id": Ident(), "text": Text(), "deadline": Text(200), "body": Ident(), "step": Ident(), **_fact},
    {"url": Text(300), "when": _condition()},
)

_country = Record(
    {
        "id": Ident(),
        "name": Text(100),
        "summary": Text(),
        "checked": Text(20),
        "roles": MapOf(Ident(), Record({"bodies": ListOf(_body, min_items=1)}), min_items=1),
        "rules": ListOf(Record({"text": Text(), "as_of": Text(20), "source": Ident()})),
    },
    {"duties": ListOf(_duty)},
)

# What a host's overlay folder added (engine/overlay.py), for the methodology page.
_additions = Record(
    {"folder": Text(300)},
    {
        "host": Text(200),
        **{key: ListOf(Ident(), min_items=1) for key in ("questions", "sections", "actions", "sources")},
        "contacts": ListOf(Record({"country": Ident(), "role": Ident(), "id": Ident(), "name": Text(300)}), min_items=1),
    },
)

METHOD_SCHEMA = Record(
    {
        "method": Record(
            {
                "id": Ident(),
                "title": Text(200),
                "version": Text(20),
                "released": Text(20),
                "summary": Text(),
                "sources": ListOf(_source, min_items=1),
                "history": ListOf(Record({"version": Text(20), "date": Text(20), "changes": Text()}), min_items=1),
            }
        ),
        "categories": ListOf(Record({"id": Ident(), "name": Text(200), "summary": Text()}), min_items=1),
        "scenarios": ListOf(_scenario, min_items=1),
        "stakeholders": ListOf(
            Record({"id": OneOf(*STAKEHOLDER_IDS), "name": Text(200), "description": Text(), "level": Ident()}),
            min_items=1,
        ),
        "cooperation_levels": ListOf(
            Record({"id": Ident(), "name": Text(200), "led_by": Text(), "purpose": Text(), "functions": ListOf(Text(100), min_items=1)}),
            min_items=1,
        ),
        "flowcharts": Record(
            {
                "foresight": Record(
                    {"title": Text(200), "page": Text(200), "summary": Text(), "steps": ListOf(_step, min_items=1)}
                ),
                "management": Record(
                    {
                        "title": Text(200),
                        "page": Text(200),
                        "summary": Text(),
                        "tracks": ListOf(Record({"category": Ident(), "steps": ListOf(_step, min_items=2)}), min_items=1),
                    }
                ),
            }
        ),
        "questionnaire": Record(
            {
                "sections": ListOf(Record({"id": Ident(), "title": Text(200), "intro": Text()}), min_items=1),
                "questions": ListOf(_question, min_items=1),
            }
        ),
        "scoring": Record(
            {
                "levels": ListOf(_labelled, min_items=2),
                "likelihood": _scale,
                "impact": _scale,
                "base": MapOf(Ident(), Record({"likelihood": Int(0, 50), "impact": Int(0, 50)})),
                "combine": OneOf("strongest_plus_half", "sum"),
                "safeguard_steps": Record({"likelihood": _steps, "impact": _steps}),
                "grid": MapOf(Ident(), MapOf(Ident(), Ident())),
                "recommendations": ListOf(
                    Record({"id": Ident(), "label": Text(100), "headline": Text(200), "description": Text()}, {"from_level": _level_ref, "step": Ident()}),
                    min_items=2,
                ),
                "first_steps": Int(1, 20),
                "recommendation_rules": ListOf(
                    Record({"id": Ident(), "when": _condition(), "at_least": Ident(), "reason": Text()})
                ),
                "actions": ListOf(
                    Record(
                        {"id": Ident(), "text": Text(), "stakeholders": ListOf(Ident(), min_items=1), "topics": ListOf(Ident()),
                         "step": Ident(), "when": _condition()}
                    ),
                    min_items=1,
                ),
                "decisions": ListOf(
                    Record({"id": Ident(), "label": Text(100), "description": Text(), "matches": Ident()}), min_items=2
                ),
                "review_months": MapOf(Ident(), Int(1, 60), min_items=1),
            }
        ),
    },
    {
        "topics": ListOf(Record({"id": Ident(), "name": Text(100), "description": Text()}), min_items=1),
        "countries": ListOf(_country),
        "migrations": ListOf(_migration),
        "additions": _additions,
        "language": Ident(),  # set by i18n.localize: the language of the reader texts (absent: English)
        # The fixed texts of reports and results (i18n/strings/report.<language>.yaml): key -> text.
        "strings": MapOf(Text(120), Text()),
    },
)


def check_method(data, locate=None) -> None:
    """Raise `MethodError` with every problem of `data` (the method as a JSON-able dict).

    The invariants run only on data whose structure holds, so that they can
    rely on it. `locate(path) -> (file, line) | None` lets errors name where a
    path came from.
    """
    problems: list[Problem] = []
    METHOD_SCHEMA.check(data, (), problems)
    if problems:
        raise MethodError(problems, locate)
    problems = check_invariants(data)
    if problems:
        raise MethodError(problems, locate)
