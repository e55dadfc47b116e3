"""Server-side validation of request parameters, compiled once per shape.

The service checks what botocore's client does not (``max``, ``pattern``,
``enum``, list and map sizes, unions) and also what it does (required members,
``min``, types), because callers can turn client-side validation off. Messages
follow the AWS form::

    1 validation error detected: Value '101' at 'priority' failed to satisfy
    constraint: Member must have value less than or equal to 100000

Members of lists and maps of scalars are reported once, at the collection,
with the member's whole constraint set (``Member must satisfy constraint:
[...]``, ``Map keys must ...``, ``Map value must ...``); structures inside lists
and maps are checked in place (``inlineSettings.1.member.runSettingId``,
``parameterTemplate.<name>.member.description``).

Patterns are matched against the whole value (Java's ``Matcher.matches``).
Java-style ``\\p{..}`` classes are compiled with the ``regex`` package; the
others with ``re`` in ASCII mode (Java's ``\\w`` and ``\\d`` are ASCII).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import Any

from botocore.model import ListShape, MapShape, Shape, StructureShape

from .errors import ValidationException
from .passes import PassCompiler, Passes
from .scalars import Rule, ScalarRules, scalar_rules, size_rules

Check = Callable[[Any, str, list[str]], None]
"""Validate ``value`` found at ``path``, appending messages to the list."""


Members = Iterable[tuple[Any, Any]]
"""(index or key, member value) pairs of a list or map."""

MemberCheck = Callable[[Any, Members, str, list[str]], None]
"""Check a collection's members: (collection, members, collection path, errors)."""

NOT_NULL = "Member must not be null"


def render(value: Any) -> str:
    """A value as AWS messages show it (Java ``toString`` style)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(render(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}={render(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (bytes, bytearray)):
        return f"java.nio.HeapByteBuffer[pos=0 lim={len(value)} cap={len(value)}]"
    return str(value)


def failure(value: Any, path: str, constraint: str) -> str:
    """One AWS-style validation failure line."""
    shown = "null" if value is None else f"'{render(value)}'"
    return f"Value {shown} at '{path}' failed to satisfy constraint: {constraint}"


def raise_if_failed(errors: list[str]) -> None:
    """Raise the joined ``ValidationException`` if there is anything to report."""
    if errors:
        count = len(errors)
        noun = "error" if count == 1 else "errors"
        raise ValidationException(f"{count} validation {noun} detected: " + "; ".join(errors))


class ValidatorCompiler:
    """Builds (and caches) one check function per model shape; safe in any thread.

    A shape is compiled under a lock, and its check (with those of the shapes
    compiled along with it) is published only once it is complete: a thread
    never sees the placeholder that lets a recursive shape refer to itself.

    The check ``for_shape`` returns first asks the shape's pass test
    (``passes``): a valid value, the common case, is accepted without building a
    path or a message; any other value gets the full report.
    """

    def __init__(self) -> None:
        self._cache: dict[str, Check] = {}
        self._pending: dict[str, Check] = {}
        self._lock = threading.Lock()
        self._passes = PassCompiler()
        self._public: dict[str, Check] = {}

    def for_shape(self, shape: Shape) -> Check:
        found = self._public.get(shape.name)
        if found is None:
            found = self._public.setdefault(
                shape.name,
                _report_unless_passes(self._passes.for_shape(shape), self._reporting(shape)),
            )
        return found

    def _reporting(self, shape: Shape) -> Check:
        """The check that reports every failure (run when the pass test says no)."""
        cached = self._cache.get(shape.name)
        if cached is not None:
            return cached
        with self._lock:
            try:
                check = self._compile(shape)
                self._cache.update(self._pending)
            finally:
                self._pending.clear()
            return check

    def _compile(self, shape: Shape) -> Check:
        """The check for ``shape``, compiling it (under the lock) if needed."""
        known = self._cache.get(shape.name) or self._pending.get(shape.name)
        if known is not None:
            return known
        # Placeholder first, so recursive shapes terminate; filled before publication.
        slot: list[Check] = []
        self._pending[shape.name] = lambda v, p, e: slot[0](v, p, e)
        check = self._build(shape)
        slot.append(check)
        self._pending[shape.name] = check
        return check

    def _build(self, shape: Shape) -> Check:
        if shape.metadata.get("document"):
            return _accept_anything
        if isinstance(shape, StructureShape):
            return self._union(shape) if shape.metadata.get("union") else self._structure(shape)
        if isinstance(shape, ListShape):
            return self._list(shape)
        if isinstance(shape, MapShape):
            return self._map(shape)
        return _scalar_check(scalar_rules(shape))

    # -- containers ----------------------------------------------------------------

    def _structure(self, shape: StructureShape) -> Check:
        required = tuple(shape.required_members)
        checks = {name: self._compile(member) for name, member in shape.members.items()}

        def check_structure(value: Any, path: str, errors: list[str]) -> None:
            if not isinstance(value, dict):
                errors.append(failure(value, path, "Member must be of type structure"))
                return
            prefix = f"{path}." if path else ""
            for name in required:
                if value.get(name) is None:
                    errors.append(failure(None, prefix + name, NOT_NULL))
            for name, item in value.items():
                if item is not None:
                    check = checks.get(name)
                    if check is not None:
                        check(item, prefix + name, errors)

        return check_structure

    def _union(self, shape: StructureShape) -> Check:
        structure = self._structure(shape)
        members = frozenset(shape.members)
        names = ", ".join(shape.members)
        text = f"Member must have exactly one of the following members set: [{names}]"

        def check_union(value: Any, path: str, errors: list[str]) -> None:
            if isinstance(value, dict):
                chosen = [k for k, v in value.items() if v is not None and k in members]
                if len(chosen) != 1:
                    errors.append(failure(value, path, text))
                    return
            structure(value, path, errors)

        return check_union

    def _list(self, shape: ListShape) -> Check:
        size = size_rules(shape)
        items = self._members(shape.member, "Member must satisfy constraint")

        def check_list(value: Any, path: str, errors: list[str]) -> None:
            if not isinstance(value, list):
                errors.append(failure(value, path, "Member must be of type list"))
                return
            _apply(size, value, path, errors)
            items(value, enumerate(value, start=1), path, errors)

        return check_list

    def _map(self, shape: MapShape) -> Check:
        size = size_rules(shape)
        keys = self._members(shape.key, "Map keys must satisfy constraint")
        values = self._members(shape.value, "Map value must satisfy constraint")

        def check_map(value: Any, path: str, errors: list[str]) -> None:
            if not isinstance(value, dict):
                errors.append(failure(value, path, "Member must be of type map"))
                return
            _apply(size, value, path, errors)
            keys(value, ((k, k) for k in value), path, errors)
            values(value, value.items(), path, errors)

        return check_map

    def _members(self, shape: Shape, heading: str) -> MemberCheck:
        """How the members of a list or map are checked.

        Structures, lists and maps are checked in place at their own path;
        scalars are summed up in one failure at the collection's path.
        """
        if shape.metadata.get("document"):
            return _no_member_checks
        if isinstance(shape, (StructureShape, ListShape, MapShape)):
            return _nested_members(self._compile(shape))
        return _scalar_members(scalar_rules(shape), heading)


def _report_unless_passes(passes: Passes, check: Check) -> Check:
    def validate(value: Any, path: str, errors: list[str]) -> None:
        if not passes(value):
            check(value, path, errors)

    return validate


# -- scalars ---------------------------------------------------------------------------


def _scalar_check(rules: ScalarRules) -> Check:
    type_ok, type_text, constraints = rules.type_ok, rules.type_text, rules.rules

    def check_scalar(value: Any, path: str, errors: list[str]) -> None:
        if not type_ok(value):
            errors.append(failure(value, path, type_text))
            return
        for test, text in constraints:
            if not test(value):
                errors.append(failure(value, path, text))

    return check_scalar


def _apply(rules: list[Rule], value: Any, path: str, errors: list[str]) -> None:
    for test, text in rules:
        if not test(value):
            errors.append(failure(value, path, text))


# -- members of lists and maps -----------------------------------------------------------


def _no_member_checks(collection: Any, members: Members, path: str, errors: list[str]) -> None:
    """Documents inside collections take any JSON value."""


def _nested_members(check: Check) -> MemberCheck:
    """Each member at ``<path>.<index or key>.member``."""

    def check_nested(collection: Any, members: Members, path: str, errors: list[str]) -> None:
        for label, item in members:
            member_path = f"{path}.{label}.member"
            if item is None:
                errors.append(failure(None, member_path, NOT_NULL))
            else:
                check(item, member_path, errors)

    return check_nested


def _scalar_members(rules: ScalarRules, heading: str) -> MemberCheck:
    """One failure at the collection, listing the member's whole constraint set."""
    summary = rules.summary

    def check_scalars(collection: Any, members: Members, path: str, errors: list[str]) -> None:
        extra: list[str] = []
        failed = False
        for _, item in members:
            if item is None:
                _note(extra, NOT_NULL)
            elif not rules.type_ok(item):
                _note(extra, rules.type_text)
            elif not failed and not rules.passes(item):
                failed = True
        if failed or extra:
            errors.append(failure(collection, path, f"{heading}: [{', '.join(summary + extra)}]"))

    return check_scalars


def _note(texts: list[str], text: str) -> None:
    if text not in texts:
        texts.append(text)


# -- documents ------------------------------------------------------------------------


def _accept_anything(value: Any, path: str, errors: list[str]) -> None:
    """Documents take any JSON value."""
