"""Command line: `python -m engine questions | assess FILE | check`."""

from __future__ import annotations

import argparse
import sys

from .api import dumps, parse_json, questions_document
from .errors import InputError, MethodError
from .evaluate import check_request, evaluate
from .report import markdown_report


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
    assess.add_argument("--profile", help="country profile naming the contacts in actions (e.g. us, de)")
    sub.add_parser("check", help="validate the method folder and print a summary")
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
        if isinstance(request, dict) and args.profile:
            request = dict(request, profile=args.profile)
        checked = check_request(method, request)
    except InputError as error:
        name = "standard input" if args.file == "-" else args.file
        print(f"error: {name}: {error.message}", file=sys.stderr)
        return 1
    result = evaluate(method, checked["answers"], checked["profile"])
    if args.format == "markdown":
        sys.stdout.write(markdown_report(method, result, checked["partnership"], checked["notes"]))
    else:
        sys.stdout.write(dumps(result))
    return 0
