"""The small arithmetic of the method, shared by the evaluator and the invariants.

Only whole numbers are used, so CPython and Pyodide agree byte for byte.
"""

from __future__ import annotations


def level_for(levels: list[dict], points: int) -> str:
    """The highest level of a scale whose `min_points` the points reach."""
    chosen = levels[0]["id"]
    for level in levels:
        if points >= level["min_points"]:
            chosen = level["id"]
    return chosen


def combine(signals: list[int], mode: str = "strongest_plus_half") -> int:
    """Add up the signals of one scenario axis.

    "strongest_plus_half": the strongest signal counts in full and the others
    together count half, rounded up. This equals ceil((sum + max) / 2), so it
    never falls when any signal rises (the method's monotonicity holds), and
    many small signals cannot add up as fast as one strong one.
    """
    if not signals:
        return 0
    total = sum(signals)
    if mode == "sum":
        return total
    top = max(signals)
    return top + (total - top + 1) // 2


def steps_for(thresholds: list[dict], points: int) -> int:
    """How many steps down a scale the safeguards' points buy."""
    steps = 0
    for entry in thresholds:
        if points >= entry["min_points"]:
            steps = max(steps, entry["steps"])
    return steps
