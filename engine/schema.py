"""A small structural schema for the method data.

Each spec checks a value at a path and appends `Problem`s; nothing is raised
here, so every structural problem in the data is reported in one pass.
"""

from __future__ import annotations

import re

from .errors import Problem

_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")


def describe_value(value) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, int):
        return f"the number {value}"
    if isinstance(value, float):
        return f"the decimal number {value}"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"the text {shown!r}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


class Spec:
    def check(self, value, path: tuple, out: list[Problem]) -> None:
        raise NotImplementedError


class Text(Spec):
    def __init__(self, max_length: int = 2000):
        self.max_length = max_length

    def check(self, value, path, out):
        if not isinstance(value, str):
            out.append(Problem(path, f"expected text, got {describe_value(value)}."))
        elif not value.strip():
            out.append(Problem(path, "expected text, got an empty string."))
        elif len(value) > self.max_length:
            out.append(Problem(path, f"expected at most {self.max_length} characters, got {len(value)}."))


class Ident(Spec):
    def check(self, value, path, out):
        if not isinstance(value, str):
            out.append(Problem(path, f"expected an id (letters, digits, '-' or '_'), got {describe_value(value)}."))
        elif not _ID.match(value):
            out.append(Problem(path, f"expected an id of letters, digits, '-' or '_' starting with a letter, got {value!r}."))


class Int(Spec):
    def __init__(self, minimum: int | None = 0, maximum: int | None = 100):
        self.minimum = minimum
        self.maximum = maximum

    def check(self, value, path, out):
        if isinstance(value, bool) or not isinstance(value, int):
            out.append(Problem(path, f"expected a whole number, got {describe_value(value)}."))
        elif self.minimum is not None and value < self.minimum:
            out.append(Problem(path, f"expected a whole number of at least {self.minimum}, got {value}."))
        elif self.maximum is not None and value > self.maximum:
            out.append(Problem(path, f"expected a whole number of at most {self.maximum}, got {value}."))


class Bool(Spec):
    def check(self, value, path, out):
        if not isinstance(value, bool):
            out.append(Problem(path, f"expected true or false, got {describe_value(value)}."))


class OneOf(Spec):
    def __init__(self, *choices: str):
        self.choices = choices

    def check(self, value, path, out):
        if value not in self.choices:
            out.append(Problem(path, f"expected one of: {', '.join(self.choices)}; got {describe_value(value)}."))


class ListOf(Spec):
    def __init__(self, item: Spec, min_items: int = 0):
        self.item = item
        self.min_items = min_items

    def check(self, value, path, out):
        if not isinstance(value, list):
            out.append(Problem(path, f"expected a list, got {describe_value(value)}."))
            return
        if len(value) < self.min_items:
            out.append(Problem(path, f"expected at least {self.min_items} item(s), got {len(value)}."))
        for index, item in enumerate(value):
            self.item.check(item, path + (index,), out)


class MapOf(Spec):
    """A mapping with free keys (checked by `key`) and uniform values."""

    def __init__(self, key: Spec, value: Spec, min_items: int = 0):
        self.key = key
        self.value = value
        self.min_items = min_items

    def check(self, value, path, out):
        if not isinstance(value, dict):
            out.append(Problem(path, f"expected a mapping, got {describe_value(value)}."))
            return
        if len(value) < self.min_items:
            out.append(Problem(path, f"expected at least {self.min_items} entr{'y' if self.min_items == 1 else 'ies'}, got {len(value)}."))
        for key, item in value.items():
            self.key.check(key, path + (key,), out)
            self.value.check(item, path + (key,), out)


class Record(Spec):
    """A mapping with fixed keys: `required` ones must be there, no others allowed."""

    def __init__(self, required: dict[str, Spec], optional: dict[str, Spec] | None = None):
        self.required = required
        self.optional = optional or {}

    def check(self, value, path, out):
        if not isinstance(value, dict):
            out.append(Problem(path, f"expected a mapping with keys {', '.join(self.required)}, got {describe_value(value)}."))
            return
        allowed = {**self.required, **self.optional}
        for key in self.required:
            if key not in value:
                out.append(Problem(path, f"missing required key '{key}'; add it."))
        for key, item in value.items():
            spec = allowed.get(key)
            if spec is None:
                out.append(Problem(path + (key,), f"unknown key '{key}'; expected one of: {', '.join(allowed)}."))
            else:
                spec.check(item, path + (key,), out)
