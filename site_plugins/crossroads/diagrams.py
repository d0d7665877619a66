"""Lay out a flowchart (a list of steps with `next` links) as boxes and arrows.

`layout(steps)` returns plain numbers and strings; `templates/flowchart.html`
turns them into an inline SVG. The chart runs top to bottom in the order the
steps are listed: a link to the step just below is a straight arrow, a link
back up (a loop) runs along the left side, a link further down along the right
side, and a decision's outcomes fan out below it.
"""

from __future__ import annotations

import textwrap

WIDTH = 480
BOX_W = 300
BOX_X = (WIDTH - BOX_W) // 2
PAD = 12
TITLE_LINE = 19
META_LINE = 18
GAP = 42
LANE = 18
OUTCOME_GAP = 10
OUTCOME_LINE = 17
MARGIN = 14


def _wrap(text: str, width: int) -> list[str]:
    return textwrap.wrap(text, width) or [text]


def _hexagon(x: int, y: int, w: int, h: int, cut: int = 16) -> str:
    mid = y + h / 2
    points = [(x + cut, y), (x + w - cut, y), (x + w, mid), (x + w - cut, y + h), (x + cut, y + h), (x, mid)]
    return " ".join(f"{px:g},{py:g}" for px, py in points)


def layout(steps: list[dict]) -> dict:
    """Positions for every box, arrow, label and outcome of one flowchart."""
    nodes = []
    outcome_rows = []
    y = MARGIN
    for step in steps:
        decision = step["kind"] == "decision"
        lines = _wrap(step["title"], 27 if decision else 30)
        h = PAD + len(lines) * TITLE_LINE + META_LINE + PAD - 2
        top = y
        node = {
            "id": step["id"], "kind": step["kind"], "x": BOX_X, "y": top, "w": BOX_W, "h": h,
            "cx": BOX_X + BOX_W // 2, "cy": top + h / 2, "bottom": top + h,
            "title": [(line, top + PAD + (i + 1) * TITLE_LINE - 5) for i, line in enumerate(lines)],
            "meta": " · ".join(step["stakeholders"]),
            "meta_y": top + PAD + len(lines) * TITLE_LINE + META_LINE - 4,
            "points": _hexagon(BOX_X, top, BOX_W, h) if decision else None,
        }
        nodes.append(node)
        y = top + h + GAP
        if step.get("outcomes") and not step["next"]:
            row, y = _outcomes(node, step["outcomes"], top + h + 34)
            outcome_rows.append(row)
            y += GAP
    by_id = {node["id"]: index for index, node in enumerate(nodes)}
    edges = []
    left_lane = right_lane = 0
    for index, step in enumerate(steps):
        here = nodes[index]
        for link in step["next"]:
            target = by_id.get(link["to"])
            if target is None:
                continue
            there = nodes[target]
            label = link.get("label")
            if target == index + 1:
                edges.append({
                    "d": f"M{here['cx']},{here['bottom']:g} V{there['y'] - 1:g}", "label": label,
                    "lx": here["cx"] + 8, "ly": (here["bottom"] + there["y"]) / 2 + 5, "anchor": "start",
                })
            elif target <= index:
                lane = BOX_X - LANE * (left_lane + 1)
                left_lane += 1
                edges.append({
                    "d": f"M{BOX_X},{here['cy']:g} H{lane} V{there['cy']:g} H{BOX_X - 1}", "label": label,
                    "lx": lane - 5, "ly": here["cy"] - 6, "anchor": "end",
                })
            else:
                lane = BOX_X + BOX_W + LANE * (right_lane + 1)
                right_lane += 1
                edges.append({
                    "d": f"M{BOX_X + BOX_W},{here['cy']:g} H{lane} V{there['cy']:g} H{BOX_X + BOX_W + 1}", "label": label,
                    "lx": lane + 5, "ly": here["cy"] - 6, "anchor": "start",
                })
    return {"width": WIDTH, "height": round(y - GAP + MARGIN), "nodes": nodes, "edges": edges, "outcomes": outcome_rows}


def _outcomes(node: dict, outcomes: list[str], top: float) -> tuple[dict, float]:
    count = len(outcomes)
    span = WIDTH - 2 * MARGIN
    w = (span - (count - 1) * OUTCOME_GAP) / count
    chars = max(8, int((w - 14) / 7))
    wrapped = [_wrap(text, chars) for text in outcomes]
    h = 2 * 9 + max(len(lines) for lines in wrapped) * OUTCOME_LINE
    pills = []
    for i, lines in enumerate(wrapped):
        x = MARGIN + i * (w + OUTCOME_GAP)
        first = top + h / 2 - (len(lines) - 1) * OUTCOME_LINE / 2 + 5
        pills.append({
            "x": round(x, 1), "y": top, "w": round(w, 1), "h": h, "cx": round(x + w / 2, 1),
            "lines": [(line, round(first + j * OUTCOME_LINE, 1)) for j, line in enumerate(lines)],
        })
    bus = node["bottom"] + (top - node["bottom"]) / 2
    paths = [f"M{node['cx']},{node['bottom']:g} V{bus:g}"]
    if count > 1:
        paths.append(f"M{pills[0]['cx']:g},{bus:g} H{pills[-1]['cx']:g}")
    arrows = [f"M{pill['cx']:g},{bus:g} V{top - 1:g}" for pill in pills]
    return {"pills": pills, "bus": paths, "arrows": arrows}, top + h
