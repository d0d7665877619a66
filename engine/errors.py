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


def quote(text: str, limit: int = 80) -> str:
    """A reader's text inside a one-line message: in single quotes, cut after
    `limit` characters, with control characters, line separators and lone
    surrogates escaped, so the message stays one printable line everywhere."""
    text = text if isinstance(text, str) else str(text)
    if len(text) > limit:
        text = text[: limit - 3] + "..."
    out = []
    for char in text:
        code = ord(char)
        if code < 0x20 or 0x7F <= code < 0xA0 or code in (0x2028, 0x2029) or 0xD800 <= code <= 0xDFFF:
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        else:
            out.append(char)
    return "'" + "".join(out) + "'"


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
            prefix = f"{where[0]}:{where[1]}: " if where else ""
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
