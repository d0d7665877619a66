"""A readable Markdown report of a result, for a council file or an e-mail."""

from __future__ import annotations

import re

from .errors import BIDI_CONTROLS
from .model import Method

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


def _label(items, key):
    return {item["id"]: item["label"] for item in items}[key]


def _cell(text) -> str:
    """The method's own text in a table cell or list item: on one line, '|' escaped."""
    return _BREAKS.sub(" ", str(text)).replace("|", "\\|")


def _action_line(number: int, action: dict) -> str:
    contacts = "; ".join(f"{c['stakeholder']}: {c['name']}" for c in action.get("contacts", []))
    extra = f" Contacts: {contacts}." if contacts else ""
    return f"{number}. {action['text']} (with {action['who']}; step: {action['step_title']}).{extra}"


def markdown_report(method: Method, result: dict, partnership: dict | None = None, notes: dict | None = None) -> str:
    levels = result["levels"]
    lines = []
    partnership = partnership or {}
    title = partnership.get("name") or "Partnership"
    lines.append(f"# City diplomacy risk assessment: {reader_text(title) or 'Partnership'}")
    lines.append("")
    for key, label in (("partner", "Partner"), ("date", "Date"), ("note", "Note")):
        if partnership.get(key):
            lines.append(f"- **{label}:** {reader_text(partnership[key])}")
    lines.append(f"- **Method version:** {result['method_version']}")
    if result.get("profile"):
        lines.append(f"- **Country profile:** {method.countries[result['profile']]['name']}")
    lines.append(f"- **Questions answered:** {result['answered']} of {result['visible']}")
    lines.append("")
    overall = result["overall"]
    if result.get("migrated_from"):
        lines.append(f"- **Carried over from method version:** {result['migrated_from']}")
        lines.append("")
    lines.append("## Recommendation")
    lines.append("")
    if overall["recommendation"] is None:
        lines.append(f"**No recommendation yet.** {result['screen']['text']}")
        lines.append("")
    else:
        lines.append(f"**{overall['recommendation_label']}**: {overall['headline']}. Overall level after safeguards: "
                     f"**{_label(levels, overall['level'])}** (before safeguards: {_label(levels, overall['inherent'])}).")
        lines.append("")
        for reason in overall["reasons"]:
            lines.append(f"- {reason['text']}")
        lines.append("")
    what_if = result.get("what_if")
    if what_if:
        lines.append("## What would lower this result")
        lines.append("")
        lines.append(what_if["text"])
        lines.append("")
        for item in what_if["safeguards"]:
            lines.append(f"- {item['short']}: {item['label']}")
        if what_if["safeguards"]:
            lines.append("")
    if result.get("to_find_out"):
        lines.append("## To find out")
        lines.append("")
        for item in result["to_find_out"]:
            lines.append(f"- {item['short']} (answered \"{item['answer_label']}\"): ask {item['who']}.")
        lines.append("")
    # Levels are shown only with a verdict: before the short screen is
    # answered they would read as a result (the evaluator's panel hides them too).
    if overall["recommendation"] is not None:
        lines.append("## Categories")
        lines.append("")
        lines.append("| Category | Before safeguards | After safeguards |")
        lines.append("|---|---|---|")
        for category in result["categories"]:
            lines.append(f"| {category['id']}. {_cell(category['name'])} | {_label(levels, category['inherent'])} | {_label(levels, category['level'])} |")
        lines.append("")
        lines.append("## Scenarios")
        lines.append("")
        lk = {item["id"]: item["label"] for item in result["likelihood_levels"]}
        im = {item["id"]: item["label"] for item in result["impact_levels"]}
        for scenario in result["scenarios"]:
            lines.append(f"### {scenario['id']} {scenario['name']}")
            lines.append("")
            lines.append(f"- Before safeguards: likelihood {lk[scenario['likelihood']]}, impact {im[scenario['impact']]} -> **{_label(levels, scenario['inherent'])}**")
            lines.append(f"- After safeguards: likelihood {lk[scenario['residual_likelihood']]}, impact {im[scenario['residual_impact']]} -> **{_label(levels, scenario['residual'])}**")
            if scenario["impacts"]:
                lines.append(f"- Impacts that apply: {', '.join(i['name'] for i in scenario['impacts'])}")
            if scenario["reasons"]:
                lines.append("- Why:")
                for reason in scenario["reasons"]:
                    lines.append(f"    - {_cell(reason['text'])}")
            lines.append("")
    if result["actions"]:
        lines.append("## First steps")
        lines.append("")
        first = [a for a in result["actions"] if a.get("first")]
        rest = [a for a in result["actions"] if not a.get("first")]
        for number, action in enumerate(first, 1):
            lines.append(_action_line(number, action))
        lines.append("")
        if rest:
            lines.append("## Further actions")
            lines.append("")
            for number, action in enumerate(rest, len(first) + 1):
                lines.append(_action_line(number, action))
            lines.append("")
    if result["unanswered"]:
        lines.append("## Unanswered questions")
        lines.append("")
        for qid in result["unanswered"]:
            lines.append(f"- {method.question_by_id[qid]['text']}")
        lines.append("")
    if notes:
        lines.append("## Notes")
        lines.append("")
        for qid, text in notes.items():
            if text:
                lines.append(f"- **{_cell(method.question_by_id[qid]['short'])}:** {reader_text(text)}")
        lines.append("")
    lines.append("This assessment structures judgement; it is not a verdict or legal advice.")
    return "\n".join(lines) + "\n"


def what_if_text(method: Method, result: dict) -> str:
    """What would lower the result, as a few plain lines for a terminal."""
    overall = result["overall"]
    what_if = result.get("what_if")
    if overall["recommendation"] is None or what_if is None:
        return f"No recommendation yet. {result['screen']['text']}\n"
    levels = {item["id"]: item["label"] for item in result["levels"]}
    lines = [f"Recommendation: {overall['recommendation_label']} (overall level {levels[overall['level']]}).", what_if["text"]]
    for item in what_if["safeguards"]:
        lines.append(f"  - {item['short']}: {item['label']} (now: {item['from'] or 'unanswered'})")
    for move in what_if["moves"]:
        lines.append(f"  {move['scenario']} {move['name']}: {levels[move['from']]} -> {levels[move['to']]}")
    for floor in what_if["floors"]:
        lines.append(f"  floor '{floor['rule']}': {floor['text']}")
    return "\n".join(lines) + "\n"
