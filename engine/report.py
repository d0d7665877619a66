"""A readable Markdown report of a result, for a council file or an e-mail."""

from __future__ import annotations

import csv
import io
import re

from .errors import BIDI_CONTROLS
from .evaluate import all_duties, visible_questions
from .model import Method, fill, fill_count

# Line breaks of every kind (CR LF, CR, LF, VT, FF, the file/group/record
# separators, NEL, LINE and PARAGRAPH SEPARATOR): each becomes one space.
_BREAKS = re.compile("\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
# Everything else that is not text: C0 controls (tab aside, which becomes a
# space), DEL, C1 controls, bidirectional controls and lone surrogates.
_STRIP = dict.fromkeys((*range(0x20), *range(0x7F, 0xA0), *BIDI_CONTROLS))
_STRIP[0x09] = " "
_SURROGATES = re.compile("[\ud800-\udfff]")
# Markdown punctuation, escaped with a backslash: both python-markdown and
# CommonMark read '\\*' as a literal '*'. '|' becomes an entity because
# python-markdown only knows '\\|' inside tables; '&', '<' and '>' become
# entities so that no HTML (tags, comments, entities) comes through.
# Reader text never starts a line of the report, so only the characters that
# act inside a line need escaping; block markers such as '-', '+' and '1.'
# do not, but '#' does (a heading's title may not end in a closing '#').
_MARKDOWN = {ord(char): "\\" + char for char in "\\`*_{}[]()#!"}
_MARKDOWN.update({ord("&"): "&amp;", ord("<"): "&lt;", ord(">"): "&gt;", ord("|"): "&#124;"})


def reader_text(value) -> str:
    """A reader's text (a name, a note) as literal Markdown inline text: one
    line, no control or bidirectional characters, every Markdown and HTML
    character escaped, so python-markdown and CommonMark both show it as typed."""
    text = _BREAKS.sub(" ", str(value)).translate(_STRIP)
    text = _SURROGATES.sub("\ufffd", text).strip()
    return text.translate(_MARKDOWN)




def _scope_text(method: Method, action_id: str) -> list[str]:
    """The scenario ids an action looks at ([] when answers alone trigger it, every id for 'all')."""
    from .evaluate import _scope

    action = next((a for a in method.actions if a["id"] == action_id), None)
    if action is None:
        return []  # a country's legal duty applies whatever the scenarios
    scope = _scope(action["when"])
    if scope is None:
        return []
    return [s["id"] for s in method.scenarios] if "*" in scope else list(dict.fromkeys(scope))


def _answer_labels(method: Method, qid: str, value) -> list[str]:
    options = method.option_by_value[qid]
    return [options[v]["label"] for v in (value if isinstance(value, list) else [value])]


def report_view(method: Method, checked: dict, result: dict) -> dict:
    """Everything a report shows, as plain JSON with labels: the one source of
    the Markdown report (`render_markdown`), the CSV of the plan (`plan_csv`)
    and the DOCX report made in the browser (report_docx.js).

    `checked` is the checked assessment document (`api.check`), `result` its
    result (`api.run`). Reader text (names, notes, the decision record, plan
    owners) is given as typed: each renderer escapes it for its own format.
    The method's own text (labels, reasons, actions) is given as written.

    Sections: title, partnership, assessment, summary, decision, categories,
    scenarios, reasons, what_if, to_find_out, actions, answers, notes,
    unanswered, disclaimer; and `strings`, the method's fixed texts in its
    language (i18n/strings/report.<language>.yaml), which the renderers take
    their headings and labels from.
    """
    strings = method.strings
    levels = method.level_labels
    likelihood = {item["id"]: item["label"] for item in method.likelihood_levels}
    impact = {item["id"]: item["label"] for item in method.impact_levels}
    categories = {c["id"]: c["name"] for c in method.categories}
    partnership = {key: checked.get("partnership", {}).get(key, "") for key in ("id", "name", "partner", "country", "date", "note")}
    overall = result["overall"]
    verdict = overall["recommendation"] is not None
    profile = result.get("profile")
    summary = {
        "recommendation": overall["recommendation"],
        "recommendation_label": overall["recommendation_label"],
        "headline": overall["headline"],
        # Levels only with a verdict: before the short screen is answered they would read as a result.
        "level": overall["level"] if verdict else None,
        "level_label": levels[overall["level"]] if verdict else None,
        "inherent": overall["inherent"] if verdict else None,
        "inherent_label": levels[overall["inherent"]] if verdict else None,
        "status": overall["status"],
        "status_label": fill(strings, f"status.{overall['status']}"),
        "screen_text": result["screen"]["text"],
        "method_version": result["method_version"],
        "migrated_from": result.get("migrated_from"),
        "date": partnership["date"],
        "saved_at": checked.get("saved_at", ""),
        "profile": profile,
        "profile_name": method.countries[profile]["name"] if profile else None,
        "answered": result["answered"],
        "visible": result["visible"],
    }
    decision = None
    record = result.get("decision")
    if record is not None:
        by_id = {d["id"]: d for d in method.decisions}
        matching = next((d for d in method.decisions if d["matches"] == overall["recommendation"]), None)
        decided_by = record.get("decided_by", {})
        decision = {
            "assessed_by": record.get("assessed_by", ""),
            "decided_by": {"name": decided_by.get("name", ""), "role": decided_by.get("role", "")},
            "date": record.get("date", ""),
            "decision": record.get("decision"),
            "decision_label": by_id[record["decision"]]["label"] if record.get("decision") else None,
            "recommended": matching["id"] if matching else None,
            "recommended_label": matching["label"] if matching else None,
            "differs": record["differs"],
            "conditions": record.get("conditions", ""),
            "reason": record.get("reason", ""),
            "next_review": record.get("next_review", ""),
            "review_months": result["review"]["months"],
            "default_review": result["review"].get("default", ""),
        }
    planned = {entry["action"]: entry for entry in checked.get("plan", [])}
    topic_names = {t["id"]: t["name"] for t in method.topics}
    actions = []

    def action_entry(action_id: str, text: str, who: str, step_title: str, first: bool, listed: bool, contacts) -> dict:
        entry = planned.get(action_id)
        return {
            "id": action_id, "text": text, "who": who, "step_title": step_title, "first": first, "listed": listed,
            "scenarios": _scope_text(method, action_id),
            "contacts": [_contact_text(strings, c) for c in contacts], "deadline": None, "uncovered": [],
            "plan": None if entry is None else dict(entry, status_label=fill(strings, f"plan.{entry['status']}")),
        }

    for action in result["actions"]:
        entry = action_entry(action["id"], action["text"], action["who"], action["step_title"], action["first"], True,
                             action.get("contacts", []))
        entry["deadline"] = action.get("deadline")
        entry["uncovered"] = [topic_names.get(t, t) for t in action.get("uncovered", [])]
        actions.append(entry)
    listed = {a["id"] for a in actions}
    for action_id in planned:
        if action_id not in listed:
            # Planned earlier, no longer called for by these answers: kept, and marked so.
            action = next((a for a in method.actions if a["id"] == action_id), None) or all_duties(method)[action_id]
            codes = action["stakeholders"] if "stakeholders" in action else [action["role"]]
            actions.append(action_entry(action_id, action["text"], who_text(method, codes),
                                        method.steps[action["step"]]["title"], False, False, []))
    notes = checked.get("notes", {})
    answers = checked.get("answers", {})
    answered = []
    # Only the answers that count: an answer to a question the other answers hide is left out.
    for question in visible_questions(method, answers):
        qid = question["id"]
        if qid in answers:
            answered.append({"question": qid, "short": question["short"], "text": question["text"],
                             "answers": _answer_labels(method, qid, answers[qid]), "note": notes.get(qid, "")})
    shown = {item["question"] for item in answered}
    view = {
        "format": "crossroads-report-view",
        "title": fill(strings, "report.title", name=partnership["name"] or fill(strings, "report.untitled")),
        "partnership": partnership,
        "assessment": {"id": checked.get("id", ""), "saved_at": checked.get("saved_at", "")},
        "summary": summary,
        "decision": decision,
        "review": dict(result["review"]),
        "categories": [] if not verdict else [
            {"id": c["id"], "name": c["name"], "before": levels[c["inherent"]], "after": levels[c["level"]]}
            for c in result["categories"]],
        "scenarios": [] if not verdict else [
            {"id": s["id"], "name": s["name"], "category": s["category"], "category_name": categories[s["category"]],
             "before": {"likelihood": likelihood[s["likelihood"]], "impact": impact[s["impact"]], "level": levels[s["inherent"]]},
             "after": {"likelihood": likelihood[s["residual_likelihood"]], "impact": impact[s["residual_impact"]],
                       "level": levels[s["residual"]]},
             "level": s["residual"],
             "impacts": [i["name"] for i in s["impacts"]],
             "reasons": [r["text"] for r in s["reasons"]]}
            for s in result["scenarios"]],
        "reasons": [r["text"] for r in overall["reasons"]],
        "what_if": None if not result.get("what_if") else {
            "text": result["what_if"]["text"],
            "safeguards": [{"question": i["question"], "short": i["short"], "label": i["label"]} for i in result["what_if"]["safeguards"]],
        },
        "to_find_out": [{"question": i["question"], "short": i["short"], "answer_label": i["answer_label"], "who": i["who"]}
                        for i in result.get("to_find_out", [])],
        "actions": actions,
        "answers": answered,
        "notes": [{"question": qid, "short": method.question_by_id[qid]["short"], "text": text}
                  for qid, text in notes.items() if text and qid not in shown],
        "unanswered": [method.question_by_id[qid]["text"] for qid in result["unanswered"]],
        "disclaimer": fill(strings, "report.disclaimer"),
        "strings": strings,
    }
    return view


def who_text(method: Method, codes) -> str:
    from .evaluate import _who

    return _who(method, codes)


def _cell(text) -> str:
    """The method's own text in a table cell or list item: on one line, '|' escaped."""
    return _BREAKS.sub(" ", str(text)).replace("|", "\\|")


def _contact_text(strings: dict, contact: dict) -> str:
    """A body an action names: role, name, web address, and whether the fact is unverified."""
    text = fill(strings, "pair", question=contact["stakeholder"], answer=contact["name"])
    if contact.get("url"):
        text += fill(strings, "contact.url", url=contact["url"])
    if contact.get("verified") is False:
        text += strings["contact.unverified"]
    return text


def _action_line(t, number: int, action: dict) -> str:
    contacts = t("list.semicolon").join(_cell(c) for c in action["contacts"])
    extra = t("markdown.contacts", contacts=contacts) if contacts else ""
    if action.get("uncovered"):
        extra += t("markdown.uncovered", topics=t("list.separator").join(action["uncovered"]))
    if action.get("deadline"):
        extra = t("markdown.duty", deadline=action["deadline"]) + extra
    plan = action["plan"]
    if plan is not None:
        parts = [t("markdown.plan_status", status=plan["status_label"])]
        if plan["owner"]:
            parts.append(t("markdown.plan_owner", owner=reader_text(plan["owner"])))
        if plan["due"]:
            parts.append(t("markdown.plan_due", due=plan["due"]))
        extra += t("markdown.plan", parts=t("list.semicolon").join(parts))
    return t("markdown.action", number=number, text=action["text"], who=action["who"], step=action["step_title"]) + extra


def render_markdown(view: dict) -> str:
    """The Markdown report of a report view (see `report_view`); reader text goes through `reader_text`."""
    strings = view["strings"]

    def t(key: str, **fields) -> str:
        return fill(strings, key, **fields)

    def field(key: str, value) -> str:
        """A list item with a label in bold: '- **Partner:** ...'."""
        return "- " + t("markdown.field", label=t(key), value=value)

    lines = []
    partnership = view["partnership"]
    summary = view["summary"]
    lines.append(f"# {t('report.title', name=reader_text(partnership['name']) or t('report.untitled'))}")
    lines.append("")
    for key in ("partner", "country", "date", "note"):
        if partnership.get(key):
            lines.append(field("report." + key, reader_text(partnership[key])))
    lines.append(field("report.method_version", summary["method_version"]))
    if summary["profile_name"]:
        lines.append(field("report.country_profile", summary["profile_name"]))
    lines.append(field("report.questions_answered", t("report.answered_of", answered=summary["answered"], visible=summary["visible"])))
    lines.append("")
    if summary["migrated_from"]:
        lines.append(field("report.carried_over", summary["migrated_from"]))
        lines.append("")
    lines.append(f"## {t('report.recommendation')}")
    lines.append("")
    if summary["recommendation"] is None:
        lines.append(f"**{t('report.no_recommendation')}** {summary['screen_text']}")
        lines.append("")
    else:
        lines.append(t("markdown.summary", recommendation=summary["recommendation_label"], headline=summary["headline"],
                       level=summary["level_label"], inherent=summary["inherent_label"]))
        lines.append("")
        for reason in view["reasons"]:
            lines.append(f"- {reason}")
        lines.append("")
    decision = view["decision"]
    if decision is not None:
        lines.append(f"## {t('report.decision_record')}")
        lines.append("")
        decided_by = t("list.separator").join(reader_text(part) for part in (decision["decided_by"]["name"], decision["decided_by"]["role"])
                                              if part)
        rows = (
            ("report.decision", decision["decision_label"] or ""),
            ("report.recommendation_answered", summary["recommendation_label"] or ""),
            ("report.assessed_by", reader_text(decision["assessed_by"])),
            ("report.decided_by", decided_by),
            ("report.decision_date", decision["date"]),
            ("report.conditions", reader_text(decision["conditions"])),
            ("report.differs_why", reader_text(decision["reason"])),
            ("report.next_review", decision["next_review"]),
        )
        for label, value in rows:
            if value:
                lines.append(field(label, value))
        if decision["differs"]:
            lines.append(field("report.note", t("markdown.differs", recommendation=decision["recommended_label"])))
        if not decision["next_review"]:
            default = t("markdown.review_on", date=decision["default_review"]) if decision["default_review"] else ""
            after = fill_count(strings, "markdown.review_after", decision["review_months"])
            lines.append(field("report.review_proposed", after + default))
        lines.append("")
    what_if = view["what_if"]
    if what_if:
        lines.append(f"## {t('report.what_if')}")
        lines.append("")
        lines.append(what_if["text"])
        lines.append("")
        for item in what_if["safeguards"]:
            lines.append(f"- {t('pair', question=item['short'], answer=item['label'])}")
        if what_if["safeguards"]:
            lines.append("")
    if view["to_find_out"]:
        lines.append(f"## {t('report.to_find_out')}")
        lines.append("")
        for item in view["to_find_out"]:
            lines.append(f"- {t('markdown.find_out', question=item['short'], answer=item['answer_label'], who=item['who'])}")
        lines.append("")
    if view["categories"]:
        lines.append(f"## {t('report.categories')}")
        lines.append("")
        lines.append(f"| {t('report.category')} | {t('report.before')} | {t('report.after')} |")
        lines.append("|---|---|---|")
        for category in view["categories"]:
            lines.append(f"| {category['id']}. {_cell(category['name'])} | {category['before']} | {category['after']} |")
        lines.append("")
    if view["scenarios"]:
        lines.append(f"## {t('report.scenarios')}")
        lines.append("")
        for scenario in view["scenarios"]:
            before, after = scenario["before"], scenario["after"]
            lines.append(f"### {scenario['id']} {scenario['name']}")
            lines.append("")
            for label, levels in (("report.before", before), ("report.after", after)):
                lines.append(f"- {t('pair', question=t(label), answer=t('markdown.levels', **levels))}")
            if scenario["impacts"]:
                lines.append(f"- {t('pair', question=t('markdown.impacts'), answer=t('list.separator').join(scenario['impacts']))}")
            if scenario["reasons"]:
                lines.append(f"- {t('markdown.why')}")
                for reason in scenario["reasons"]:
                    lines.append(f"    - {_cell(reason)}")
            lines.append("")
    listed = [a for a in view["actions"] if a["listed"]]
    if listed:
        lines.append(f"## {t('report.first_steps')}")
        lines.append("")
        first = [a for a in listed if a["first"]]
        rest = [a for a in listed if not a["first"]]
        for number, action in enumerate(first, 1):
            lines.append(_action_line(t, number, action))
        lines.append("")
        if rest:
            lines.append(f"## {t('report.further_actions')}")
            lines.append("")
            for number, action in enumerate(rest, len(first) + 1):
                lines.append(_action_line(t, number, action))
            lines.append("")
    kept = [a for a in view["actions"] if not a["listed"]]
    if kept:
        lines.append(f"## {t('report.no_longer')}")
        lines.append("")
        for number, action in enumerate(kept, 1):
            lines.append(_action_line(t, number, action))
        lines.append("")
    if view["answers"]:
        lines.append(f"## {t('report.answers')}")
        lines.append("")
        for item in view["answers"]:
            lines.append(f"- **{_cell(item['text'])}** {_cell(t('list.semicolon').join(item['answers']))}")
            if item["note"]:
                lines.append(f"    - {t('pair', question=t('report.note'), answer=reader_text(item['note']))}")
        lines.append("")
    if view["unanswered"]:
        lines.append(f"## {t('report.unanswered')}")
        lines.append("")
        for text in view["unanswered"]:
            lines.append(f"- {text}")
        lines.append("")
    if view["notes"]:
        lines.append(f"## {t('report.notes')}")
        lines.append("")
        for note in view["notes"]:
            lines.append(f"- {t('markdown.field', label=_cell(note['short']), value=reader_text(note['text']))}")
        lines.append("")
    lines.append(view["disclaimer"])
    return "\n".join(lines) + "\n"


def markdown_report(method: Method, checked: dict, result: dict) -> str:
    """The Markdown report of a checked assessment document and its result."""
    return render_markdown(report_view(method, checked, result))


# Cells a spreadsheet would read as a formula (or that start with a control
# character some read as one) get a leading apostrophe: shown, never run.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CSV_BOM = "\ufeff"
# The columns of the plan's CSV: their headers are the strings csv.<column>.
CSV_COLUMNS = ("action", "who", "owner", "due", "status", "scenarios", "first")


def csv_cell(value) -> str:
    """One cell's text with a formula neutralised (see _FORMULA_START)."""
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def plan_csv(method: Method, checked: dict, result: dict) -> str:
    """The action plan as CSV text: a header row, then one row per action (the
    result's actions in their ranked order, then actions planned earlier that
    these answers no longer call for), RFC 4180 quoting, CRLF line ends, every
    cell formula-neutralised. The text has no byte order mark: whoever saves
    it as a file adds CSV_BOM in front (the browser does, so that spreadsheet
    programs read it as UTF-8)."""
    return view_csv(report_view(method, checked, result))


def view_csv(view: dict) -> str:
    """The CSV of a report view's actions (see `plan_csv`)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    strings = view["strings"]
    writer.writerow([csv_cell(fill(strings, f"csv.{column}")) for column in CSV_COLUMNS])
    for action in view["actions"]:
        plan = action["plan"] or {}
        status = plan.get("status_label", "") if action["listed"] else fill(strings, "csv.no_longer", status=plan.get("status_label", ""))
        writer.writerow([csv_cell(cell) for cell in (
            action["text"], action["who"], plan.get("owner", ""), plan.get("due", ""), status,
            ", ".join(action["scenarios"]),
            fill(strings, "csv.yes" if action["first"] else "csv.no"),
        )])
    return out.getvalue()


def what_if_text(method: Method, result: dict) -> str:
    """What would lower the result, as a few plain lines for a terminal."""
    overall = result["overall"]
    what_if = result.get("what_if")
    t = method.text
    if overall["recommendation"] is None or what_if is None:
        return f"{t('report.no_recommendation')} {result['screen']['text']}\n"
    levels = {item["id"]: item["label"] for item in result["levels"]}
    lines = [t("terminal.recommendation", recommendation=overall["recommendation_label"], level=levels[overall["level"]]), what_if["text"]]
    for item in what_if["safeguards"]:
        lines.append(f"  - {t('terminal.safeguard', question=item['short'], answer=item['label'], now=item['from'] or t('terminal.unanswered'))}")
    for move in what_if["moves"]:
        moved = t("move", **{"from": levels[move["from"]]}, to=levels[move["to"]])
        lines.append(f"  {move['scenario']} {move['name']}: {moved}")
    for floor in what_if["floors"]:
        lines.append(f"  {t('terminal.floor', rule=floor['rule'], text=floor['text'])}")
    return "\n".join(lines) + "\n"
