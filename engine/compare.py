"""Two assessments of one partnership side by side: which answers changed,
and how each change moved the scenarios, the categories and the recommendation.

Attribution: each change is applied alone to the old answers, and the moves
listed under it are what that one change does there. Changes can reinforce or
offset each other, so the moves of the changes need not add up to the total
move from the old result to the new one, which `compare` gives as well.
"""

from __future__ import annotations

from .api import assessment
from .errors import InputError, RequestError
from .evaluate import evaluate
from .model import Method, fill
from .report import _answer_labels, reader_text

# The fixed texts a comparison carries for its Markdown (key prefixes of the method's strings).
COMPARE_STRINGS = ("compare.", "move", "list.", "pair", "markdown.field")


def _summary(method: Method, checked: dict, result: dict) -> dict:
    overall = result["overall"]
    level = overall["level"] if overall["recommendation"] is not None else None
    return {
        "id": checked.get("id", ""),
        "saved_at": checked.get("saved_at", ""),
        "date": checked["partnership"].get("date", ""),
        "recommendation": overall["recommendation"],
        "recommendation_label": overall["recommendation_label"],
        "level": level,
        "level_label": method.level_labels[level] if level else None,
        "migrated_from": result.get("migrated_from"),
    }


def _move(method: Method, old, new) -> dict:
    labels = method.level_labels
    return {"from": old, "to": new, "from_label": labels.get(old) if old else None, "to_label": labels.get(new) if new else None}


def moves(method: Method, before: dict, after: dict) -> dict:
    """What moved from result `before` to result `after`: scenarios (`from`/`to`:
    the level after safeguards; `before_safeguards` and `after_safeguards` both),
    categories (after safeguards) and the recommendation (None when it did not move)."""
    scenarios = []
    old_by_id = {s["id"]: s for s in before["scenarios"]}
    for scenario in after["scenarios"]:
        old = old_by_id[scenario["id"]]
        if old["residual"] != scenario["residual"] or old["inherent"] != scenario["inherent"]:
            # from/to: the level after safeguards (the one the recommendation follows), as for categories.
            scenarios.append(dict(
                {"scenario": scenario["id"], "name": scenario["name"]}, **_move(method, old["residual"], scenario["residual"]),
                after_safeguards=_move(method, old["residual"], scenario["residual"]),
                before_safeguards=_move(method, old["inherent"], scenario["inherent"]),
            ))
    categories = []
    old_categories = {c["id"]: c for c in before["categories"]}
    for category in after["categories"]:
        old = old_categories[category["id"]]
        if old["level"] != category["level"]:
            categories.append(dict({"category": category["id"], "name": category["name"]}, **_move(method, old["level"], category["level"])))
    recommendation = None
    old_rec, new_rec = before["overall"]["recommendation"], after["overall"]["recommendation"]
    if old_rec != new_rec:
        labels = {r["id"]: r["label"] for r in method.recommendations}
        recommendation = {"from": old_rec, "to": new_rec, "from_label": labels.get(old_rec), "to_label": labels.get(new_rec)}
    return {"scenarios": scenarios, "categories": categories, "recommendation": recommendation}


def compare(method: Method, old_request, new_request, default_profile: str | None = None) -> dict:
    """Compare two assessment documents (older first); raises InputError, its
    message starting with 'old: ' or 'new: ' to name the document at fault.

    Returns {"old": summary, "new": summary, "changes": [...], "totals": moves}:
    one change per question whose answer differs (in questionnaire order), with
    the old and new answer labels and `moves`, what that change alone does when
    applied to the old answers (see the module's docstring)."""
    documents = {}
    for name, request in (("old", old_request), ("new", new_request)):
        try:
            documents[name] = assessment(method, request, default_profile)
        except InputError as error:
            raise RequestError(f"{name}: {error.message}", error.question) from None
    old, new = documents["old"], documents["new"]
    old_answers, new_answers = old.request["answers"], new.request["answers"]
    profile = old.request["profile"]
    changes = []
    for question in method.questions:
        qid = question["id"]
        before, after = old_answers.get(qid), new_answers.get(qid)
        if before == after:
            continue
        trial = dict(old_answers)
        if after is None:
            del trial[qid]
        else:
            trial[qid] = after
        changes.append({
            "question": qid,
            "short": question["short"],
            "text": question["text"],
            "old": _answer_labels(method, qid, before) if before is not None else [],
            "new": _answer_labels(method, qid, after) if after is not None else [],
            "moves": moves(method, old.result, evaluate(method, trial, profile, what_if=False)),
        })
    return {
        "format": "crossroads-comparison",
        "method_version": method.version,
        "old": _summary(method, old.request, old.result),
        "new": _summary(method, new.request, new.result),
        "changes": changes,
        "totals": moves(method, old.result, new.result),
        # The fixed texts comparison_markdown writes, in the method's language.
        "strings": {key: text for key, text in method.strings.items() if key.startswith(COMPARE_STRINGS)},
    }


def _moves_lines(t, found: dict, indent: str) -> list[str]:
    lines = []

    def move(entry: dict, none: str = "") -> str:
        return t("move", **{"from": entry["from_label"] or none}, to=entry["to_label"] or none)

    rec = found["recommendation"]
    if rec is not None:
        lines.append(f"{indent}- {t('compare.recommendation', move=move(rec, t('compare.none_yet')))}")
    for category in found["categories"]:
        lines.append(f"{indent}- {t('compare.category', id=category['category'], name=category['name'], move=move(category))}")
    for scenario in found["scenarios"]:
        after, before = scenario["after_safeguards"], scenario["before_safeguards"]
        parts = []
        if after["from"] != after["to"]:
            parts.append(t("compare.after_safeguards", move=move(after)))
        if before["from"] != before["to"]:
            parts.append(t("compare.before_safeguards", move=move(before)))
        lines.append(f"{indent}- {scenario['scenario']} {scenario['name']}: {t('list.semicolon').join(parts)}")
    return lines


def comparison_markdown(comparison: dict) -> str:
    """The comparison as Markdown; reader text (ids, dates) goes through `reader_text`."""
    old, new = comparison["old"], comparison["new"]
    strings = comparison["strings"]

    def t(key: str, **fields) -> str:
        return fill(strings, key, **fields)

    def side(summary: dict) -> str:
        when = summary["date"] or summary["saved_at"]
        name = f"{reader_text(summary['id'])}, " if summary["id"] else ""
        result = (t("compare.result", recommendation=summary["recommendation_label"], level=summary["level_label"])
                  if summary["recommendation"] else t("compare.no_recommendation"))
        return f"{name}{t('pair', question=reader_text(when) or t('compare.undated'), answer=result)}"

    lines = [f"# {t('compare.title')}", "", "- " + t("markdown.field", label=t("compare.earlier"), value=side(old)),
             "- " + t("markdown.field", label=t("compare.later"), value=side(new)), ""]
    lines += [f"## {t('compare.moved_overall')}", ""]
    total = _moves_lines(t, comparison["totals"], "")
    lines += total or [t("compare.nothing_moved")]
    lines += ["", f"## {t('compare.changed_answers')}", ""]
    if comparison["changes"]:
        lines += [t("compare.each_alone"), ""]
    else:
        lines += [t("compare.no_change"), ""]
    semicolon = t("list.semicolon")
    for change in comparison["changes"]:
        lines.append(f"### {change['short']}")
        lines.append("")
        lines.append(f"- {change['text']}")
        lines.append("- " + t("pair", question=t("compare.before"), answer=semicolon.join(change["old"]) or t("compare.unanswered")))
        lines.append("- " + t("pair", question=t("compare.after"), answer=semicolon.join(change["new"]) or t("compare.unanswered")))
        found = _moves_lines(t, change["moves"], "    ")
        lines.append(f"- {t('compare.moves')}" if found else f"- {t('compare.moves_nothing')}")
        lines += found
        lines.append("")
    return "\n".join(lines)
