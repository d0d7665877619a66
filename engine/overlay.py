"""A host's additions to the method: an overlay folder read beside `scenarios/`.

A national association that publishes its own copy adds, without changing the
method's files:

- `questions.yaml`: `questions` (same shape as in scenarios/questions.yaml, each
  placed in a `section`) and, optionally, new `sections`;
- `actions.yaml`: `actions` (same shape as scoring.yaml's actions);
- `contacts.yaml`: `country` (a profile id), optional `sources` (same shape as
  method.yaml's) and `roles` with extra `bodies` for that profile's roles;
- `cases/*.yaml`: extra cases, same schema as scenarios/cases/ (read by
  `cases.load_cases`, see `overlay_cases`).

Each file is read as strictly as the method (`source.load_yaml_file`), its
structure is checked with `file:line` errors naming the overlay file, its ids
must not clash with the method's, and the merged method is then checked like
any other (schema and invariants), with errors located in the overlay file
where the problem lies. The merged method records what was added under
`additions`, which the methodology page lists. Build time and CLI only.
"""

from __future__ import annotations

import copy
import os

from .errors import MethodError, Problem
from .model import Method, compile_method
from .schema import Ident, ListOf, Record
from .source import Located, SourceError, load_yaml_file, read_whole_method_dir
from .validate import COUNTRY_BODY, METHOD_SCHEMA

FILES = ("questions.yaml", "actions.yaml", "contacts.yaml")

_scoring = METHOD_SCHEMA.required["scoring"].required
_questionnaire = METHOD_SCHEMA.required["questionnaire"].required
_SOURCES = METHOD_SCHEMA.required["method"].required["sources"]

# One body of a profile's role: the country profiles' own record (validate.py).
BODY = COUNTRY_BODY

SCHEMAS = {
    "questions.yaml": Record({"questions": _questionnaire["questions"]}, {"sections": _questionnaire["sections"]}),
    "actions.yaml": Record({"actions": _scoring["actions"]}),
    "contacts.yaml": Record(
        {"country": Ident(), "roles": Record({}, {})},  # roles: checked below, one Record per stakeholder code
        {"sources": _SOURCES},
    ),
}
_ROLE = Record({"bodies": ListOf(BODY, min_items=1)})


def _first(located: Located, path: tuple, display: str) -> tuple[str, int]:
    return located.where.get(path) or located(path) or (display, 1)


def _clashes(items: list, known: dict, key_path: tuple, what: str, display: str, located: Located, rows: list) -> None:
    """A row for every item whose id the method (or an earlier addition) already uses; `known` maps id -> where."""
    for index, item in enumerate(items):
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            continue
        ident = item["id"]
        if ident in known:
            file, line = _first(located, key_path + (index, "id"), display)
            rows.append((file, line, Problem(key_path + (index, "id"), f"the {what} id '{ident}' is already used by {known[ident]}; "
                                                                       "give the addition an id of its own.")))
        else:
            known[ident] = f"{display}"


def _where(located: Located, path: tuple, fallback: str) -> str:
    where = located(path)
    return f"{where[0]}:{where[1]}" if where else fallback


def read_overlay(folder: str, display: str, data: dict, located: Located) -> tuple[dict, list]:
    """Merge the overlay folder into `data` (read by `source.read_method_dir`); return (additions, problems)."""
    rows: list = []
    additions: dict = {"questions": [], "sections": [], "actions": [], "contacts": [], "sources": []}
    if not os.path.isdir(folder):
        rows.append((display, None, Problem((), f"the overlay folder '{display}' does not exist; create it or remove the 'overlay' option.")))
        return additions, rows
    unknown = sorted(name for name in os.listdir(folder)
                     if name.endswith((".yaml", ".yml")) and name not in FILES)
    for name in unknown:
        rows.append((f"{display}/{name}", None, Problem((), f"unknown overlay file '{name}'; an overlay holds {', '.join(FILES)} "
                                                             "and a cases/ folder.")))
    read: dict[str, tuple[dict, Located]] = {}
    for name in FILES:
        path = os.path.join(folder, name)
        if not os.path.exists(path):
            continue
        where = f"{display}/{name}"
        own = Located()
        problems: list = []
        content = load_yaml_file(path, where, own, problems=problems)
        rows.extend(problems)
        if content is None or problems:
            continue
        found: list[Problem] = []
        if name == "contacts.yaml":
            _check_contacts(content, found)
        else:
            SCHEMAS[name].check(content, (), found)
        for problem in found:
            file, line = own(problem.path) or (where, 1)
            rows.append((file, line, problem))
        if not found:
            read[name] = (content, own)
    if rows:
        return additions, rows
    scoring = data.get("scoring") or {}
    questionnaire = data.get("questionnaire") or {}
    method_sources = (data.get("method") or {}).get("sources") or []

    def known(items, path):
        return {item["id"]: _where(located, path + (i,), "the method") for i, item in enumerate(items)
                if isinstance(item, dict) and isinstance(item.get("id"), str)}

    if "questions.yaml" in read:
        content, own = read["questions.yaml"]
        where = f"{display}/questions.yaml"
        sections = questionnaire.get("sections") or []
        questions = questionnaire.get("questions") or []
        _clashes(content.get("sections", []), known(sections, ("questionnaire", "sections")), ("sections",), "section", where, own, rows)
        _clashes(content["questions"], known(questions, ("questionnaire", "questions")), ("questions",), "question", where, own, rows)
        for index, question in enumerate(content["questions"]):
            if question.get("screen"):
                file, line = _first(own, ("questions", index, "screen"), where)
                rows.append((file, line, Problem(("questions", index, "screen"), "the short screen is the method's own: every case "
                                                 "answers it, so an added question cannot join it; remove 'screen'.")))
        if not rows:
            moves = {("sections",): ("questionnaire", "sections", len(sections)),
                     ("questions",): ("questionnaire", "questions", len(questions))}
            _move_lists(own, located, moves)
            sections.extend(content.get("sections", []))
            questions.extend(content["questions"])
            additions["sections"] = [s["id"] for s in content.get("sections", [])]
            additions["questions"] = [q["id"] for q in content["questions"]]
    if "actions.yaml" in read:
        content, own = read["actions.yaml"]
        actions = scoring.get("actions") or []
        _clashes(content["actions"], known(actions, ("scoring", "actions")), ("actions",), "action", f"{display}/actions.yaml", own, rows)
        if not rows:
            _move_lists(own, located, {("actions",): ("scoring", "actions", len(actions))})
            actions.extend(content["actions"])
            additions["actions"] = [a["id"] for a in content["actions"]]
    if "contacts.yaml" in read:
        content, own = read["contacts.yaml"]
        _merge_contacts(content, own, f"{display}/contacts.yaml", data, located, method_sources, additions, rows)
    return additions, rows


def _move_lists(own: Located, located: Located, moves: dict[tuple, tuple]) -> None:
    """Locations of list items appended to the method: item i of the overlay's list lands at start + i.
    Each item's place in the merged method and in its overlay file is noted in `located.overlay_paths`."""
    back = located.__dict__.setdefault("overlay_paths", {})
    for path, where in own.where.items():
        for old, (*base, start) in moves.items():
            if path[:len(old)] == old and len(path) > len(old) and isinstance(path[len(old)], int):
                moved = tuple(base) + (start + path[len(old)],) + path[len(old) + 1:]
                located.where.setdefault(moved, where)
                back[tuple(base) + (start + path[len(old)],)] = path[:len(old) + 1]


def _as_written(located: Located, path: tuple) -> tuple:
    """A path of the merged method as the overlay file writes it (scoring.actions[26] -> actions[0]), else as it is."""
    for merged, own in getattr(located, "overlay_paths", {}).items():
        if path[:len(merged)] == merged:
            return own + path[len(merged):]
    return path


def _check_contacts(content, found: list) -> None:
    SCHEMAS["contacts.yaml"].check(content, (), found)
    found[:] = [p for p in found if not (len(p.path) == 2 and p.path[0] == "roles" and p.message.startswith("unknown key"))]
    if isinstance(content, dict) and isinstance(content.get("roles"), dict):
        if not content["roles"]:
            found.append(Problem(("roles",), "expected at least one role with its bodies, e.g. Nac: {bodies: [...]}."))
        for code, role in content["roles"].items():
            _ROLE.check(role, ("roles", code), found)


def _merge_contacts(content, own, where, data, located, method_sources, additions, rows) -> None:
    countries = data.get("countries") or []
    index = next((i for i, c in enumerate(countries) if isinstance(c, dict) and c.get("id") == content["country"]), None)
    if index is None:
        file, line = _first(own, ("country",), where)
        known = ", ".join(str(c.get("id")) for c in countries if isinstance(c, dict)) or "(none)"
        rows.append((file, line, Problem(("country",), f"unknown country profile '{content['country']}'; expected one of: {known}.")))
        return
    sources = content.get("sources", [])
    _clashes(sources, {s["id"]: _where(located, ("method", "sources", i), "the method") for i, s in enumerate(method_sources)
                       if isinstance(s, dict) and isinstance(s.get("id"), str)}, ("sources",), "source", where, own, rows)
    country = countries[index]
    roles = country.get("roles") if isinstance(country.get("roles"), dict) else {}
    taken = {}
    for role in roles.values():
        for body in (role.get("bodies") or []) if isinstance(role, dict) else []:
            if isinstance(body, dict) and isinstance(body.get("id"), str):
                taken[body["id"]] = f"the profile '{content['country']}'"
    for code, role in content["roles"].items():
        if code not in roles:
            file, line = _first(own, ("roles", code), where)
            rows.append((file, line, Problem(("roles", code), f"the profile '{content['country']}' has no role '{code}'; add bodies to one "
                                                              f"of its roles: {', '.join(roles) or '(none)'}.")))
            continue
        _clashes(role["bodies"], taken, ("roles", code, "bodies"), "body", where, own, rows)
    if rows:
        return
    start = len(method_sources)
    _move_lists(own, located, {("sources",): ("method", "sources", start)})
    method_sources.extend(sources)
    additions["sources"] = [s["id"] for s in sources]
    for code, role in content["roles"].items():
        target = roles[code]
        for j, body in enumerate(role["bodies"]):
            additions["contacts"].append({"country": content["country"], "role": code, "id": body["id"], "name": body["name"]})
            path = ("countries", index, "roles", code, "bodies", len(target["bodies"]))
            target["bodies"].append(copy.deepcopy(body))
            base = ("roles", code, "bodies", j)
            located.__dict__.setdefault("overlay_paths", {})[path] = base
            for own_path, place in own.where.items():
                if own_path[:len(base)] == base:
                    located.where.setdefault(path + own_path[len(base):], place)


def load_method_with_overlay(folder: str, overlay: str | None, display_root: str | None = None,
                             overlay_display: str | None = None, host: str | None = None) -> Method:
    """Read the method folder and, when given, the overlay folder; check and compile the merged method.

    Raises MethodError with `file:line` (the method's or the overlay's file) on any problem."""
    from .source import load_method_dir

    if overlay is None:
        return load_method_dir(folder, display_root)
    display_root = display_root if display_root is not None else os.path.basename(os.path.normpath(folder))
    overlay_display = overlay_display if overlay_display is not None else os.path.basename(os.path.normpath(overlay))
    data, located = read_whole_method_dir(folder, display_root)
    additions, rows = read_overlay(overlay, overlay_display, data, located)
    if rows:
        raise SourceError(rows)
    record = {key: value for key, value in additions.items() if value}
    if host:
        record["host"] = host
    record["folder"] = overlay_display
    data["additions"] = record
    try:
        return compile_method(data, located)
    except MethodError as error:
        # Each problem at the line of the file it comes from, an overlay's named by its own path.
        rows = []
        for problem in error.problems:
            file, line = located(problem.path) or (display_root, None)
            rows.append((file, line, Problem(_as_written(located, problem.path), problem.message)))
        raise SourceError(rows) from None


def _id_line(path: str) -> int:
    """The line of a case file's `id:` (the file was read already, so it is there)."""
    with open(path, encoding="utf-8") as stream:
        for number, line in enumerate(stream, 1):
            if line.strip().startswith("id:"):
                return number
    return 1


def overlay_cases(method: Method, overlay: str | None, known: list[dict], display: str | None = None) -> list[dict]:
    """The overlay's cases (its cases/ folder), checked like the method's; a case id the method uses is refused."""
    from .cases import load_cases

    if overlay is None:
        return []
    display = display if display is not None else os.path.basename(os.path.normpath(overlay))
    folder = os.path.join(overlay, "cases")
    added = load_cases(method, folder, f"{display}/cases")
    ids = {case["id"]: case["file"] for case in known}
    rows = []
    for case in added:
        if case["id"] in ids:
            rows.append((case["file"], _id_line(os.path.join(folder, os.path.basename(case["file"]))), Problem(("case", "id"), f"the case id '{case['id']}' is already used by {ids[case['id']]}; "
                                                               "give the host's case a name of its own.")))
    if rows:
        raise SourceError(rows)
    return [dict(case, added=True) for case in added]


__all__ = ["BODY", "FILES", "load_method_with_overlay", "overlay_cases", "read_overlay"]
