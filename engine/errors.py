"""Typed errors of the engine. Every message is one sentence that says what
was expected and what came, so a reader can fix the input without reading code."""

from __future__ import annotations

from dataclasses import dataclass


def format_path(path: tuple) -> str:
    """('questionnaire', 'questions', 3, 'id') -> 'questionnaire.questions[3].id'."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(top)"


# Characters that change how the text around them is shown: bidirectional
# embeddings, overrides and isolates, and the implicit direction marks.
BIDI_CONTROLS = frozenset([0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)])


def _unsafe(code: int) -> bool:
    return (code < 0x20 or 0x7F <= code < 0xA0 or code in (0x2028, 0x2029) or 0xD800 <= code <= 0xDFFF
            or code in BIDI_CONTROLS)


def printable(text, limit: int | None = None) -> str:
    """Text made safe for a one-line message: cut after `limit` characters (with
    '...'), and control characters, line separators, bidirectional controls and
    lone surrogates written as escapes (\\x0a, \\u202e)."""
    text = text if isinstance(text, str) else str(text)
    if limit is not None and len(text) > limit:
        text = text[: limit - 3] + "..."
    out = []
    for char in text:
        code = ord(char)
        if _unsafe(code):
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        else:
            out.append(char)
    return "".join(out)


def quote(text: str, limit: int = 80) -> str:
    """A reader's text inside a one-line message: in single quotes, cut after
    `limit` characters, with control characters, line separators, bidirectional
    controls and lone surrogates escaped, so the message stays one printable
    line that reads in the order it was written, everywhere."""
    return "'" + printable(text, limit) + "'"


def quote_path(path, limit: int = 120) -> str:
    """A file name inside a one-line message, like `quote` but cut in the
    middle when it is long, so that both the folder and the file name show."""
    path = path if isinstance(path, str) else str(path)
    if len(path) > limit:
        head = (limit - 3) // 3
        path = path[:head] + "..." + path[len(path) - (limit - 3 - head):]
    return "'" + printable(path) + "'"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the method data, at a path inside it."""

    path: tuple
    message: str

    def describe(self) -> str:
        return f"{format_path(self.path)}: {self.message}"


class CrossroadsError(Exception):
    """Base class of every error the engine raises on purpose."""


class MethodError(CrossroadsError):
    """The method data is invalid; carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem], locate=None):
        self.problems = list(problems)
        self.locate = locate
        super().__init__("\n".join(self.lines()))

    def lines(self) -> list[str]:
        """One line per problem: 'file:line: path: message' when a locator is known."""
        rows = []
        for problem in self.problems:
            where = self.locate(problem.path) if self.locate else None
            prefix = f"{printable(where[0])}:{where[1]}: " if where else ""
            rows.append((where or ("", 0), prefix + problem.describe()))
        rows.sort(key=lambda row: (row[0][0], row[0][1]))
        return [text for _, text in rows]


class InputError(CrossroadsError):
    """The reader's input (an assessment or a request) is invalid."""

    kind = "input"

    def __init__(self, message: str, question: str | None = None):
        self.message = message
        self.question = question
        super().__init__(message)

    def to_dict(self) -> dict:
        return {"type": self.kind, "question": self.question, "message": self.message}


class RequestError(InputError):
    """The request is not an assessment document: broken JSON, wrong shape, wrong version."""

    kind = "request"


class AnswerError(InputError):
    """An answer names an unknown question or a value outside the question's options."""

    kind = "answer"
