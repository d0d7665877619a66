"""Helpers shared by the engine tests: the reference vectors, how a result is
compared with a vector's `expect`, how the CLI is run, and the engine's import
graph read from its source."""

from __future__ import annotations

import ast
import io
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = "engine"
ENGINE_DIR = ROOT / PACKAGE
VECTOR_DIR = ROOT / "tests" / "engine" / "vectors"
PYTHON = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv" / "bin" / "python").exists() else sys.executable

EXPECT_KEYS = {
    "overall", "scenarios", "categories", "screen", "to_find_out", "what_if", "actions", "first_steps", "actions_include",
    "actions_exclude", "contacts", "reasons_include", "reasons_exclude", "rules_include", "rules_exclude", "unanswered",
    "unanswered_include", "unanswered_exclude", "answered", "visible", "complete", "migrated_from", "error",
}
SCENARIO_KEYS = {"likelihood", "impact", "inherent", "residual_likelihood", "residual_impact", "residual", "impacts", "points"}
POINTS_KEYS = {"likelihood", "impact", "safeguard_likelihood", "safeguard_impact", "steps_likelihood", "steps_impact"}
SCREEN_KEYS = {"questions", "missing", "complete", "clear", "concerns", "text"}
FIND_OUT_KEYS = {"question", "short", "answer_label", "ask", "who", "text"}
WHAT_IF_KEYS = {"status", "target", "recommendation", "safeguards", "moves", "floors"}
# A vector's request: its answers, and optionally the method version it was saved with (an older one is carried over).
REQUEST_KEYS = {"answers", "method_version"}


def vector_files() -> list[Path]:
    return sorted(VECTOR_DIR.glob("*.json"))


def load_vector(path: Path) -> dict:
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def vector_request(vector: dict) -> dict:
    """The request a vector describes: its `request` (answers, and method_version when set), with its `profile` when set."""
    request = dict(vector["request"])
    if vector.get("profile"):
        request["profile"] = vector["profile"]
    return request


def reason_token(reason: dict) -> str:
    """A reason as a vector names it: its question id; 'base' for a scenario's starting points; 'half' for the line
    saying that the signals after the strongest count half; 'steps' for the line saying how many steps the
    safeguards' points bought on an axis."""
    if reason["question"] is not None:
        return reason["question"]
    if reason["stage"] != "inherent":
        return "steps"
    return "half" if reason["points"] < 0 else "base"


def what_if_view(what_if: dict | None, keys) -> dict | None:
    """The what-if fields a vector names: safeguards as question ids, moves as [scenario, from, to], floors as rule ids."""
    if what_if is None:
        return None
    out = {}
    for key in keys:
        if key == "safeguards":
            out[key] = [s["question"] for s in what_if.get("safeguards", [])]
        elif key == "moves":
            out[key] = [[m["scenario"], m["from"], m["to"]] for m in what_if.get("moves", [])]
        elif key == "floors":
            out[key] = [f["rule"] for f in what_if.get("floors", [])]
        else:
            out[key] = what_if.get(key)
    return out


def mismatches(result: dict, expect: dict) -> list[str]:
    """Every way `result` differs from the fields present in `expect`."""
    out = []

    def check(label, expected, got):
        if expected != got:
            out.append(f"{label}: expected {expected!r}, got {got!r}")

    for key, value in expect.get("overall", {}).items():
        check(f"overall.{key}", value, result["overall"][key])
    scenarios = {s["id"]: s for s in result["scenarios"]}
    for sid, fields in expect.get("scenarios", {}).items():
        for key, value in fields.items():
            got = [i["id"] for i in scenarios[sid]["impacts"]] if key == "impacts" else scenarios[sid][key]
            check(f"scenarios.{sid}.{key}", value, got)
    categories = {c["id"]: c["level"] for c in result["categories"]}
    for cid, level in expect.get("categories", {}).items():
        check(f"categories.{cid}", level, categories[cid])
    for key, value in expect.get("screen", {}).items():
        check(f"screen.{key}", value, result["screen"][key])
    if "to_find_out" in expect:
        wanted, got = expect["to_find_out"], result["to_find_out"]
        if len(wanted) != len(got):
            check("to_find_out (questions)", [e["question"] for e in wanted], [g["question"] for g in got])
        else:
            check("to_find_out", wanted, [{k: g.get(k) for k in e} for e, g in zip(wanted, got, strict=True)])
    if "what_if" in expect:
        wanted = expect["what_if"]
        check("what_if", wanted, what_if_view(result["what_if"], wanted) if wanted is not None else result["what_if"])
    if "first_steps" in expect:
        check("first_steps", expect["first_steps"], result["first_steps"])
    if "actions" in expect:
        check("actions (ranked)", expect["actions"], [a["id"] for a in result["actions"]])
    if "migrated_from" in expect:
        check("migrated_from", expect["migrated_from"], result.get("migrated_from"))
    actions = {a["id"]: a for a in result["actions"]}
    for aid in expect.get("actions_include", []):
        if aid not in actions:
            out.append(f"actions: expected {aid!r} among {list(actions)}")
    for aid in expect.get("actions_exclude", []):
        if aid in actions:
            out.append(f"actions: expected no {aid!r}, got {list(actions)}")
    for aid, contacts in expect.get("contacts", {}).items():
        if aid not in actions:
            out.append(f"contacts: action {aid!r} is not listed")
            continue
        check(f"contacts.{aid}", contacts, [[c["stakeholder"], c["name"]] for c in actions[aid].get("contacts", [])])
    for sid, tokens in expect.get("reasons_include", {}).items():
        got = [reason_token(r) for r in scenarios[sid]["reasons"]]
        for token in tokens:
            if token not in got:
                out.append(f"reasons.{sid}: expected {token!r} among {got}")
    for sid, tokens in expect.get("reasons_exclude", {}).items():
        got = [reason_token(r) for r in scenarios[sid]["reasons"]]
        for token in tokens:
            if token in got:
                out.append(f"reasons.{sid}: expected no {token!r}, got {got}")
    rules = [r["rule"] for r in result["overall"]["reasons"]]
    for rule in expect.get("rules_include", []):
        if rule not in rules:
            out.append(f"rules: expected {rule!r} among {rules}")
    for rule in expect.get("rules_exclude", []):
        if rule in rules:
            out.append(f"rules: expected no {rule!r}, got {rules}")
    if "unanswered" in expect:
        check("unanswered", expect["unanswered"], result["unanswered"])
    for qid in expect.get("unanswered_include", []):
        if qid not in result["unanswered"]:
            out.append(f"unanswered: expected {qid!r} among {result['unanswered']}")
    for qid in expect.get("unanswered_exclude", []):
        if qid in result["unanswered"]:
            out.append(f"unanswered: expected no {qid!r}, got {result['unanswered']}")
    for key in ("answered", "visible", "complete"):
        if key in expect:
            check(key, expect[key], result[key])
    return out


_OWN = object()


def cli(*args: str, stdin: str | bytes | None | object = b"", stdout=_OWN) -> subprocess.CompletedProcess:
    """`python -m engine ARGS` run in this process (`engine.cli.main` on streams of its own), text out.

    `stdin` is the input as text or bytes, or a file object, or None for a closed standard input;
    `stdout` may be a file object (such as /dev/full) or None for a closed standard output."""
    from engine.cli import main

    if isinstance(stdin, str):
        stdin = stdin.encode("utf-8")
    if isinstance(stdin, bytes):
        stdin = io.BytesIO(stdin)
    out, err = io.StringIO(), io.StringIO()
    code = main(list(args), stdin=stdin, stdout=out if stdout is _OWN else stdout, stderr=err)
    return subprocess.CompletedProcess(["python -m engine", *args], code, out.getvalue(), err.getvalue())


def run_cli(*args: str, stdin: str | bytes | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """`python -m engine ARGS` as a reader runs it, in a new process, with bytes in and text out (end-to-end tests)."""
    data = stdin.encode("utf-8") if isinstance(stdin, str) else stdin
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    completed = subprocess.run([PYTHON, "-m", "engine", *args], input=data, capture_output=True, cwd=cwd or ROOT, env=env, timeout=60)
    return subprocess.CompletedProcess(completed.args, completed.returncode,
                                       completed.stdout.decode("utf-8"), completed.stderr.decode("utf-8"))


# -- the import graph of a package, read from its source ---------------------------------------

def _nodes(tree: ast.AST, top_level_only: bool):
    """Every node of a module; with `top_level_only`, not those inside functions (what runs on import)."""
    todo = [tree]
    while todo:
        node = todo.pop()
        yield node
        for child in ast.iter_child_nodes(node):
            if not (top_level_only and isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))):
                todo.append(child)


def import_graph(folder: Path, package: str = PACKAGE, top_level_only: bool = False) -> dict[str, set[str]]:
    """Module stem -> the stems of the package's modules it imports ('__init__' for the package itself).

    Imports inside functions count unless `top_level_only` (then the graph is what importing a module loads)."""
    stems = {path.stem for path in folder.glob("*.py")}

    def target(module: str | None, names: list[str]) -> set[str]:
        # `module` is relative to the package ('' for the package itself); `names` are the names imported from it.
        if module:
            head = module.split(".")[0]
            return {head} if head in stems else set()
        found = {name for name in names if name in stems}
        return found if found == set(names) else found | {"__init__"}

    graph = {}
    for path in sorted(folder.glob("*.py")):
        edges = set()
        for node in _nodes(ast.parse(path.read_text(encoding="utf-8"), str(path)), top_level_only):
            if isinstance(node, ast.ImportFrom):
                names = [alias.name for alias in node.names]
                if node.level == 1:
                    edges |= target(node.module or "", names)
                elif node.level == 0 and node.module and (node.module == package or node.module.startswith(package + ".")):
                    edges |= target(node.module[len(package) + 1:], names)
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name == package:
                        edges.add("__init__")
                    elif alias.name.startswith(package + "."):
                        edges |= target(alias.name[len(package) + 1:], [])
        edges.discard(path.stem)
        graph[path.stem] = edges
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as a path [a, b, ..., a], or None."""
    state: dict[str, str] = {}
    stack: list[str] = []

    def visit(node):
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        state[node] = "done"
        return None

    for node in sorted(graph):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


def imported_by(graph: dict[str, set[str]], roots) -> set[str]:
    """The modules `roots` load, directly or through others, themselves included."""
    seen, todo = set(), list(roots)
    while todo:
        node = todo.pop()
        if node not in seen:
            seen.add(node)
            todo.extend(graph.get(node, ()))
    return seen
