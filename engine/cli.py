"""Command line: `python -m engine questions | assess FILE | compare OLD NEW | check-register FILE | check | compile | cases | i18n-check`.

Every failure ends in one line on standard error and a non-zero exit, never a
traceback: bad input (exit 1), a method, file or stream that cannot be used
(exit 2), or an internal fault (exit 70, details with CROSSROADS_DEBUG=1).
Input is read up to the same 2 MiB the browser accepts."""

from __future__ import annotations

import argparse
import contextlib
import functools
import os
import sys

from .api import MAX_INPUT_BYTES, TOO_LARGE, assessment, dumps, parse_json, questions_document
from .errors import InputError, MethodError, printable, quote_path
from .report import CSV_BOM, markdown_report, plan_csv, what_if_text

STDIN_NAME = "standard input"


class CommandError(Exception):
    """A failure the command reports as one line (without the 'error: ' prefix) and an exit code."""

    def __init__(self, message: str, code: int = 2):
        super().__init__(message)
        self.message = message
        self.code = code


class _Console:
    """The standard streams one run of the command reads and writes (a stream is None when closed)."""

    def __init__(self, stdin, stdout, stderr):
        self.stdin = stdin
        self.stdout = stdout
        self.stderr = stderr

    def err(self, line: str) -> None:
        """One line on standard error; nothing when standard error is closed or full."""
        stream = self.stderr
        if stream is None:
            return
        try:
            stream.write(line + "\n")
            stream.flush()
        except (OSError, ValueError):
            _discard(stream)

    def emit(self, text: str) -> None:
        """Write the command's output to standard output, or raise CommandError."""
        stream = self.stdout
        if stream is None:
            raise CommandError("cannot write the output: standard output is closed.")
        try:
            stream.write(text)
            stream.flush()
        except UnicodeEncodeError:
            _discard(stream)
            raise CommandError(f"cannot write the output: standard output only takes {printable(getattr(stream, 'encoding', None) or 'another encoding', 40)} "
                               "text; set PYTHONIOENCODING=utf-8.") from None
        except BrokenPipeError:
            _discard(stream)
            raise CommandError("cannot write the output: the program reading it has stopped.") from None
        except OSError as error:
            _discard(stream)
            raise CommandError(f"cannot write the output ({error.strerror or 'standard output refused it'}).") from None
        except ValueError:
            raise CommandError("cannot write the output: standard output is closed.") from None

    def read_input(self, name: str, limit: int = MAX_INPUT_BYTES, too_large: str = TOO_LARGE) -> str:
        """The text of an assessment file ('-' for standard input), at most `limit` bytes; raises CommandError."""
        shown = STDIN_NAME if name == "-" else quote_path(name)
        try:
            if name == "-":
                stream = self.stdin
                if stream is None:
                    raise CommandError("cannot read standard input: it is closed; give a file name, or '-' with the assessment piped in.")
                raw = getattr(stream, "buffer", stream).read(limit + 1)
                if isinstance(raw, str):  # a text stream without a binary buffer (io.StringIO)
                    raw = raw.encode("utf-8", "surrogatepass")
            else:
                with open(name, "rb") as handle:
                    raw = handle.read(limit + 1)
        except OSError as error:
            raise CommandError(f"cannot read {shown}: {error.strerror or 'it cannot be opened'}.") from None
        except ValueError:  # a closed stream
            raise CommandError(f"cannot read {shown}: it is closed.") from None
        if len(raw) > limit:
            raise CommandError(f"{shown}: {too_large}", 1)
        try:
            return raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise CommandError(f"{shown} is not UTF-8 text.") from None


def _discard(stream) -> None:
    """Point a failed standard stream at the null device, so that the data left
    in its buffer does not fail again (with a traceback) when Python exits."""
    try:
        fd = stream.fileno()
    except (OSError, ValueError, AttributeError):
        return
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, fd)
        os.close(null)
    except OSError:
        pass


class _Parser(argparse.ArgumentParser):
    """argparse on the run's streams, with the input it echoes in its errors cut and made printable."""

    def __init__(self, *args, console: _Console, **kwargs):
        super().__init__(*args, **kwargs)
        self.console = console

    def print_usage(self, file=None):
        super().print_usage(self.console.stdout if file is None else file)

    def print_help(self, file=None):
        super().print_help(self.console.stdout if file is None else file)

    def error(self, message):
        self.print_usage(self.console.stderr)
        self.exit(2, f"{self.prog}: error: {printable(message, 300)}\n")

    def exit(self, status=0, message=None):
        if message:
            self._print_message(message, self.console.stderr)
        raise SystemExit(status)

    def _print_message(self, message, file=None):
        file = file if file is not None else self.console.stderr  # as argparse does, on this run's standard error
        if message and file is not None:
            with contextlib.suppress(OSError, AttributeError, ValueError):
                file.write(message)


def _load(folder, overlay=None):
    from .overlay import load_method_with_overlay
    from .source import default_method_dir

    return load_method_with_overlay(folder or default_method_dir(), overlay, "scenarios" if folder is None else None,
                                    None if overlay is None else overlay.rstrip("/\\") or overlay)


def _parser(console: _Console) -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m engine", description="Score a city partnership with the Crossroads method.", console=console)
    parser.add_argument("--method", metavar="DIR", help="method folder (default: the scenarios/ folder of this checkout)")
    parser.add_argument("--overlay", metavar="DIR", help="a host's additions (questions.yaml, actions.yaml, contacts.yaml, cases/), "
                        "merged into the method and checked with it")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=functools.partial(_Parser, console=console))
    questions = sub.add_parser("questions", help="print the questionnaire as JSON")
    assess = sub.add_parser("assess", help="score an assessment file ({\"answers\": {...}}); '-' reads standard input")
    assess.add_argument("file")
    assess.add_argument("--format", choices=("json", "markdown", "csv"), default="json",
                        help="json: the result; markdown: the report; csv: the action plan (UTF-8 with a byte order mark, for spreadsheets)")
    assess.add_argument("--profile", help="default country profile, naming the contacts in actions (e.g. us, de): it applies to a "
                        "file without a \"profile\" key; a file's own \"profile\" wins (null: no profile)")
    assess.add_argument("--what-if", action="store_true", help="print only what would lower the result: the fewest safeguards and the levels they move")
    compare = sub.add_parser("compare", help="compare two assessments of a partnership: the answers that changed and what each moved")
    compare.add_argument("old", help="the earlier assessment file ('-' for standard input)")
    compare.add_argument("new", help="the later assessment file")
    compare.add_argument("--format", choices=("json", "markdown"), default="json")
    compare.add_argument("--profile", help="default country profile of files without a \"profile\" key (as for assess)")
    register = sub.add_parser("check-register", help="check a register file exported by the evaluator and print it checked, as JSON")
    register.add_argument("file")
    sub.add_parser("check", help="validate the method folder and print a summary")
    cases = sub.add_parser("cases", help="check the case library and print the calibration table; exit 1 if a case is out of its band")
    cases.add_argument("--folder", metavar="DIR", help="case folder (default: the method folder's cases/)")
    cases.add_argument("--json", action="store_true", help="print the calibration as JSON")
    compile_ = sub.add_parser("compile", help="print the validated method as JSON (what the browser loads)")
    for command in (questions, assess, compare, compile_):
        command.add_argument("--language", metavar="LANG", help="language of the method's texts and of the report: en (default), "
                             "or a language with a translation in the method folder's i18n/ (de, ja); results keep the same ids")
    i18n = sub.add_parser("i18n-check", help="check the translations of the method's texts (i18n/<language>.yaml) and print their "
                          "coverage; exit 1 on a missing, unknown or empty key")
    i18n.add_argument("languages", nargs="*", metavar="LANGUAGE", help="languages to check (default: every i18n/<language>.yaml)")
    return parser


_PROCESS = object()  # the process's own stream (sys.stdin, sys.stdout, sys.stderr when main is called)


def main(argv=None, *, stdin=_PROCESS, stdout=_PROCESS, stderr=_PROCESS) -> int:
    """Run the command line `argv` (default: sys.argv[1:]) and return its exit code.

    The streams default to the process's own; pass others (io.StringIO,
    io.BytesIO for stdin, or None for a closed stream) to run it in-process.
    Nothing is raised, not even SystemExit for --help or a usage error."""
    console = _Console(sys.stdin if stdin is _PROCESS else stdin, sys.stdout if stdout is _PROCESS else stdout,
                       sys.stderr if stderr is _PROCESS else stderr)
    try:
        args = _parser(console).parse_args(argv)
    except SystemExit as stop:  # --help (0) or a usage error (2), already printed
        return stop.code if isinstance(stop.code, int) else 2
    try:
        return _run(args, console)
    except CommandError as error:
        console.err(f"error: {error.message}")
        return error.code
    except KeyboardInterrupt:
        console.err("error: interrupted.")
        return 130
    except MemoryError:
        console.err("error: not enough memory to finish; the input or the method is far larger than it should be.")
        return 2
    except RecursionError:
        console.err("error: the input nests too deeply to be read.")
        return 2
    except OSError as error:
        where = f" {quote_path(error.filename)}" if error.filename else ""
        console.err(f"error: cannot read or write{where} ({error.strerror or 'the system refused it'}).")
        return 2
    except Exception:
        if os.environ.get("CROSSROADS_DEBUG"):
            raise
        console.err("error: the evaluator stopped on an internal fault; please report it with the command you ran "
                    "(set CROSSROADS_DEBUG=1 to see the details).")
        return 70


def _run(args, console: _Console) -> int:
    if args.command in ("assess", "compare") and args.profile is not None and not args.profile.strip():
        raise CommandError("--profile is empty; give a country id (for example us or de), or leave the option out for no profile.")
    try:
        method = _load(args.method, args.overlay)
    except MethodError as error:
        for line in error.lines():
            console.err(line)
        console.err(f"{len(error.problems)} problem(s) in the method data.")
        return 2
    except ImportError:
        raise CommandError("reading the method needs PyYAML; install it (pip install pyyaml) or run bash scripts/setup.sh.") from None
    language = getattr(args, "language", None)
    if language is not None:
        from .i18n import localize

        root = args.method or os.path.join(os.path.dirname(__file__), "..", "scenarios")
        display = "scenarios" if args.method is None else os.path.basename(os.path.normpath(args.method))
        try:
            method = localize(method, language.strip(), os.path.join(root, "i18n"), f"{display}/i18n")
        except MethodError as error:
            for line in error.lines():
                console.err(line)
            console.err(f"--language {printable(language, 40)}: the method cannot be shown in this language.")
            return 2

    if args.command == "questions":
        console.emit(dumps(questions_document(method)))
        return 0
    if args.command == "check":
        console.emit(f"method {method.version}: {len(method.scenarios)} scenarios, {len(method.questions)} questions, "
              f"{len(method.actions)} actions, {len(method.countries)} country profiles: OK\n")
        return 0
    if args.command == "compile":
        console.emit(dumps(method.data))
        return 0
    if args.command == "cases":
        return _cases(method, args, console)
    if args.command == "i18n-check":
        return _i18n_check(method, args, console)

    if args.command == "compare":
        return _compare(method, args, console)
    if args.command == "check-register":
        return _check_register(method, args, console)
    text = console.read_input(args.file)
    try:
        checked, result = assessment(method, parse_json(text), args.profile)
    except InputError as error:
        name = STDIN_NAME if args.file == "-" else quote_path(args.file)
        raise CommandError(f"{name}: {error.message}", 1) from None
    if args.what_if:
        console.emit(what_if_text(method, result))
        return 0
    if args.format == "markdown":
        console.emit(markdown_report(method, checked, result))
    elif args.format == "csv":
        console.emit(CSV_BOM + plan_csv(method, checked, result))
    else:
        console.emit(dumps(result))
    return 0


def _cases(method, args, console: _Console) -> int:
    from .cases import calibrate, calibration_table, load_cases
    from .overlay import overlay_cases

    folder = args.folder or os.path.join(args.method or os.path.dirname(__file__) + "/../scenarios", "cases")
    if args.folder is not None and not os.path.isdir(args.folder):
        console.err(f"error: {quote_path(args.folder)} is not a folder of case files.")
        return 2
    try:
        cases = load_cases(method, folder, "scenarios/cases" if args.folder is None and args.method is None else None)
        if args.folder is None and args.overlay is not None:
            cases += overlay_cases(method, args.overlay, cases, args.overlay.rstrip("/\\") or args.overlay)
    except MethodError as error:
        for line in error.lines():
            console.err(line)
        return 2
    runs = calibrate(method, cases)
    if args.json:
        slim = [dict(entry, runs=[{k: v for k, v in run.items() if k != "result"} for run in entry["runs"]]) for entry in runs]
        console.emit(dumps(slim))
    else:
        console.emit(calibration_table(method, runs) + "\n")
    outside = sum(1 for entry in runs for run in entry["runs"] if not run["in_band"])
    total = sum(len(entry["runs"]) for entry in runs)
    console.err(f"{len(runs)} cases, {total} runs, {total - outside} in band, {outside} out of band.")
    return 1 if outside else 0


def _i18n_check(method, args, console: _Console) -> int:
    from .i18n import GLOSSARY_PREFIX, check_catalogs, check_folder, languages, load_glossary

    root = args.method or os.path.join(os.path.dirname(__file__), "..", "scenarios")
    display = "scenarios" if args.method is None else os.path.basename(os.path.normpath(args.method))
    folder = os.path.join(root, "i18n")
    if not os.path.isdir(folder):
        console.err(f"error: {quote_path(display + '/i18n')} does not exist; translations live in i18n/<language>.yaml in the method folder.")
        return 2
    findings, reports = check_folder(method.data, folder, f"{display}/i18n", args.languages or None)
    if not reports and not findings:
        console.err(f"error: {quote_path(display + '/i18n')} holds no translation file (<language>.yaml).")
        return 2
    glossaries = {}
    for language in languages(folder):
        glossary_path = os.path.join(folder, f"{GLOSSARY_PREFIX}{language}.yaml")
        if os.path.exists(glossary_path):
            glossaries[language] = load_glossary(glossary_path, f"{display}/i18n/{GLOSSARY_PREFIX}{language}.yaml", [])
    more, catalogs = check_catalogs(folder, f"{display}/i18n", args.languages or None, glossaries)
    findings += more
    # The case library's prose (i18n/cases/<language>.yaml): the profiles' is checked with the method.
    from .cases import load_cases
    from .i18n import check_cases

    try:
        cases = load_cases(method, os.path.join(root, "cases"), f"{display}/cases")
    except MethodError as error:
        for line in error.lines():
            console.err(line)
        return 2
    findings_cases, case_reports = check_cases(cases, folder, f"{display}/i18n", args.languages or None)
    findings += findings_cases
    for finding in findings:
        console.err(str(finding))
    console.emit("".join(line + "\n" for report in reports for line in report.lines()))
    console.emit("".join(f"{report.language} strings: {report.translated} of {report.total} texts translated\n" for report in catalogs))
    console.emit("".join(f"{report.language} cases: {report.translated} of {report.total} texts translated\n" for report in case_reports))
    console.err(f"{len(findings)} problem(s) in the translations." if findings else
                f"{len(reports)} language(s), every text translated and checked.")
    return 1 if findings else 0


def _shown(name: str) -> str:
    return STDIN_NAME if name == "-" else quote_path(name)


def _compare(method, args, console: _Console) -> int:
    from .compare import compare, comparison_markdown

    if args.old == "-" and args.new == "-":
        raise CommandError("only one of the two files can be standard input ('-').")
    documents = []
    for name in (args.old, args.new):
        try:
            documents.append(parse_json(console.read_input(name)))
        except InputError as error:
            raise CommandError(f"{_shown(name)}: {error.message}", 1) from None
    try:
        comparison = compare(method, documents[0], documents[1], args.profile)
    except InputError as error:
        which, _, message = error.message.partition(": ")
        raise CommandError(f"{_shown(args.old if which == 'old' else args.new)}: {message}", 1) from None
    console.emit(comparison_markdown(comparison) if args.format == "markdown" else dumps(comparison))
    return 0


def _check_register(method, args, console: _Console) -> int:
    from .register import MAX_REGISTER_BYTES, REGISTER_TOO_LARGE, check_register

    text = console.read_input(args.file, MAX_REGISTER_BYTES, REGISTER_TOO_LARGE)
    try:
        checked = check_register(method, parse_json(text, MAX_REGISTER_BYTES, REGISTER_TOO_LARGE))
    except InputError as error:
        raise CommandError(f"{_shown(args.file)}: {error.message}", 1) from None
    console.emit(dumps(checked))
    versions = sum(len(p["versions"]) for p in checked["partnerships"])
    console.err(f"{len(checked['partnerships'])} partnerships, {versions} assessments: OK")
    return 0
