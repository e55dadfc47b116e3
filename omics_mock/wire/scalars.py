"""What a scalar shape of the model demands: its type, length or range, pattern, enum.

Patterns are matched against the whole value (Java's ``Matcher.matches``).
Java-style ``\\p{..}`` classes are compiled with the ``regex`` package; the
others with ``re`` in ASCII mode (Java's ``\\w`` and ``\\d`` are ASCII).
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from botocore.model import Shape

Rule = tuple[Callable[[Any], bool], str]
"""A constraint: the test a valid value passes, and the text AWS gives for it."""

StringBounds = tuple[int | None, int | None, Callable[[str], Any] | None, frozenset[str] | None]
"""A string shape's constraints as data: min and max length, full-match function, enum."""


PRINTABLE_CLASS = "[\\p{L}||\\p{M}||\\p{Z}||\\p{S}||\\p{N}||\\p{P}]+"
"""The model's most common pattern: letters, marks, separators, symbols, numbers, punctuation."""


def compile_pattern(pattern: str) -> Callable[[str], Any]:
    """A full-match function for a model pattern."""
    if "\\p{" in pattern or "\\P{" in pattern:
        fullmatch = _unicode_class_match(pattern)
        return _printable_or(fullmatch) if pattern == PRINTABLE_CLASS else fullmatch
    return re.compile(pattern, re.ASCII).fullmatch


def _unicode_class_match(pattern: str) -> Callable[[str], Any]:
    """The ``regex`` package's full match of a pattern with Java-style Unicode classes,
    compiled (and ``regex`` imported: about 10 ms) at the first value it must judge;
    ``PRINTABLE_CLASS`` asks it only for a value with a character ``str`` does not
    call printable. Threads compiling it together get equal patterns."""
    compiled: list[Callable[[str], Any]] = []

    def fullmatch(value: str) -> Any:
        if not compiled:
            import regex

            compiled.append(regex.compile(pattern).fullmatch)
        return compiled[0](value)

    return fullmatch


def _printable_or(fullmatch: Callable[[str], Any]) -> Callable[[str], Any]:
    """A fast path for ``PRINTABLE_CLASS``: ``str.isprintable()`` accepts only L, M, N,
    P, S and the ASCII space, all inside the class; anything else asks the regex."""

    def matches(value: str) -> Any:
        return (value and value.isprintable()) or fullmatch(value)

    return matches


@dataclass(frozen=True)
class ScalarRules:
    """Everything a scalar shape demands: a type and ordered constraints."""

    type_ok: Callable[[Any], bool]
    type_text: str
    rules: tuple[Rule, ...]
    string_bounds: StringBounds | None = None
    """For string shapes, the same constraints as ``rules``, as data (``passes``)."""

    @property
    def summary(self) -> list[str]:
        """The whole constraint set, as listed inside ``[...]`` for collection members."""
        return [text for _, text in self.rules]

    def passes(self, value: Any) -> bool:
        if not self.type_ok(value):
            return False
        for test, _ in self.rules:  # noqa: SIM110 (a plain loop is faster than all(...))
            if not test(value):
                return False
        return True


def scalar_rules(shape: Shape) -> ScalarRules:
    """The type test and the constraints of a scalar shape, in AWS's order."""
    kind = shape.type_name
    meta = shape.metadata
    rules: list[Rule] = []
    bounds: StringBounds | None = None
    if kind in ("string", "blob"):
        rules.extend(size_rules(shape))
        matches = None
        if "pattern" in meta:
            matches = compile_pattern(meta["pattern"])
            rules.append(
                (
                    lambda v: matches(v) is not None,
                    f"Member must satisfy regular expression pattern: {meta['pattern']}",
                )
            )
        if "enum" in meta:
            allowed = frozenset(meta["enum"])
            rules.append(
                (
                    lambda v: v in allowed,
                    f"Member must satisfy enum value set: [{', '.join(meta['enum'])}]",
                )
            )
        if kind == "string":
            enum = frozenset(meta["enum"]) if "enum" in meta else None
            bounds = (meta.get("min"), meta.get("max"), matches, enum)
    elif kind in ("integer", "long", "float", "double"):
        if "max" in meta:
            high = meta["max"]
            rules.append(
                (lambda v: v <= high, f"Member must have value less than or equal to {high}")
            )
        if "min" in meta:
            low = meta["min"]
            rules.append(
                (lambda v: v >= low, f"Member must have value greater than or equal to {low}")
            )
    type_ok = _TYPE_CHECKS.get(kind, accept_type)
    return ScalarRules(
        type_ok, _TYPE_TEXTS.get(kind, f"Member must be of type {kind}"), tuple(rules), bounds
    )


def size_rules(shape: Shape) -> list[Rule]:
    """Length (strings, blobs) or size (lists, maps) bounds: max first, as AWS lists them."""
    meta = shape.metadata
    out: list[Rule] = []
    if "max" in meta:
        high = meta["max"]
        out.append(
            (lambda v: len(v) <= high, f"Member must have length less than or equal to {high}")
        )
    if "min" in meta:
        low = meta["min"]
        out.append(
            (lambda v: len(v) >= low, f"Member must have length greater than or equal to {low}")
        )
    return out


# -- types -------------------------------------------------------------------------------


def accept_type(value: Any) -> bool:
    return True


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


_TYPE_CHECKS: dict[str, Callable[[Any], bool]] = {
    "string": lambda v: isinstance(v, str),
    "integer": _is_int,
    "long": _is_int,
    "float": _is_number,
    "double": _is_number,
    "boolean": lambda v: isinstance(v, bool),
    "blob": lambda v: isinstance(v, (bytes, bytearray)),
    "timestamp": lambda v: isinstance(v, _dt.datetime),
}

_TYPE_TEXTS: dict[str, str] = {
    "blob": "Member must be base64-encoded binary data",
    "timestamp": "Member must be a timestamp (epoch seconds or ISO 8601)",
}
