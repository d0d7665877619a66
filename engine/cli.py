"""Command line: `python -m engine questions | assess FILE | check | compile | cases`."""

from __future__ import annotations

import argparse
import sys

from .api import dumps, parse_json, questions_document, run
from .errors import InputError, MethodError
from .evaluate import check_request
from .report import markdown_report, what_if_text


def _load(folder):
    from .source import default_method_dir, load_method_dir

    return load_method_dir(folder or default_method_dir(), "scenarios" if folder is None else None)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m engine", description="Score a city partnership with the Crossroads method.")
    parser.add_argument("--method", metavar="DIR", help="method folder (default: the scenarios/ folder of this checkout)")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("questions", help="print the questionnaire as JSON")
    assess = sub.add_parser("assess", help="score an assessment file ({\"answers\": {...}}); '-' reads standard input")
    assess.add_argument("file")
    assess.add_argument("--format", choices=("json", "markdown"), default="json")
    assess.add_argument("--profile", help="country profile naming the contacts in actions (e.g. us, de); a profile named in the file wins")
    assess.add_argument("--what-if", action="store_true", help="print only what would lower the result: the fewest safeguards and the levels they move")
    sub.add_parser("check", help="validate the method folder and print a summary")
    cases = sub.add_parser("cases", help="check the case library and print the calibration table; exit 1 if a case is out of its band")
    cases.add_argument("--folder", metavar="DIR", help="case folder (default: the method folder's cases/)")
    cases.add_argument("--json", action="store_true", help="print the calibration as JSON")
    sub.add_parser("compile", help="print the validated method as JSON (what the browser loads)")
    args = parser.parse_args(argv)

    try:
        method = _load(args.method)
    except MethodError as error:
        for line in error.lines():
            print(line, file=sys.stderr)
        print(f"{len(error.problems)} problem(s) in the method data.", file=sys.stderr)
        return 2

    if args.command == "questions":
        sys.stdout.write(dumps(questions_document(method)))
        return 0
    if args.command == "check":
        print(f"method {method.version}: {len(method.scenarios)} scenarios, {len(method.questions)} questions, "
              f"{len(method.data['scoring']['actions'])} actions, {len(method.countries)} country profiles: OK")
        return 0
    if args.command == "compile":
        sys.stdout.write(dumps(method.data))
        return 0
    if args.command == "cases":
        return _cases(method, args)

    try:
        if args.file == "-":
            text = sys.stdin.buffer.read().decode("utf-8-sig")
        else:
            with open(args.file, encoding="utf-8-sig") as handle:
                text = handle.read()
    except OSError as error:
        print(f"error: cannot read {args.file}: {error.strerror}.", file=sys.stderr)
        return 2
    except UnicodeDecodeError:
        print(f"error: {'standard input' if args.file == '-' else args.file} is not UTF-8 text.", file=sys.stderr)
        return 2
    try:
        request = parse_json(text)
        if isinstance(request, dict) and args.profile and request.get("profile") is None:
            request = dict(request, profile=args.profile)
        checked = check_request(method, request)
    except InputError as error:
        name = "standard input" if args.file == "-" else args.file
        print(f"error: {name}: {error.message}", file=sys.stderr)
        return 1
    result = run(method, checked)
    if args.what_if:
        sys.stdout.write(what_if_text(method, result))
        return 0
    if args.format == "markdown":
        sys.stdout.write(markdown_report(method, result, checked["partnership"], checked["notes"]))
    else:
        sys.stdout.write(dumps(result))
    return 0


def _cases(method, args) -> int:
    import os

    from .cases import calibrate, calibration_table, load_cases

    folder = args.folder or os.path.join(args.method or os.path.dirname(__file__) + "/../scenarios", "cases")
    try:
        cases = load_cases(method, folder, "scenarios/cases" if args.folder is None and args.method is None else None)
    except MethodError as error:
        for line in error.lines():
            print(line, file=sys.stderr)
        return 2
    runs = calibrate(method, cases)
    if args.json:
        slim = [dict(entry, runs=[{k: v for k, v in run.items() if k != "result"} for run in entry["runs"]]) for entry in runs]
        sys.stdout.write(dumps(slim))
    else:
        print(calibration_table(method, runs))
    outside = sum(1 for entry in runs for run in entry["runs"] if not run["in_band"])
    total = sum(len(entry["runs"]) for entry in runs)
    print(f"{len(runs)} cases, {total} runs, {total - outside} in band, {outside} out of band.", file=sys.stderr)
    return 1 if outside else 0
