"""Server-side validation of request parameters, compiled once per shape.

The service checks what botocore's client does not (``max``, ``pattern``,
``enum``, list and map sizes, unions) and also what it does (required members,
``min``, types), because callers can turn client-side validation off. Messages
follow the AWS form::

    1 validation error detected: Value '101' at 'priority' failed to satisfy
    constraint: Member must have value less than or equal to 100000

Patterns are matched against the whole value (Java's ``Matcher.matches``).
Java-style ``\\p{..}`` classes are compiled with the ``regex`` package; the
others with ``re``, which is faster.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Callable
from typing import Any

from botocore.model import ListShape, MapShape, Shape, StructureShape

from .errors import ValidationException

Check = Callable[[Any, str, list[str]], None]
"""Validate ``value`` found at ``path``, appending messages to the list."""

_TYPE_NAMES = {
    "string": "string",
    "integer": "integer",
    "long": "long",
    "boolean": "boolean",
    "float": "float",
    "double": "double",
    "blob": "blob",
    "timestamp": "timestamp",
    "structure": "structure",
    "list": "list",
    "map": "map",
}


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
    if isinstance(value, bytes):
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


def compile_pattern(pattern: str) -> Callable[[str], Any]:
    """A full-match function for a model pattern."""
    if "\\p{" in pattern or "\\P{" in pattern:
        import regex  # only needed for Java-style Unicode classes; imported on first use

        return regex.compile(pattern).fullmatch
    return re.compile(pattern).fullmatch


class ValidatorCompiler:
    """Builds (and caches) one check function per model shape."""

    def __init__(self) -> None:
        self._cache: dict[str, Check] = {}

    def for_shape(self, shape: Shape) -> Check:
        cached = self._cache.get(shape.name)
        if cached is not None:
            return cached
        # Placeholder first, so recursive shapes terminate.
        slot: list[Check] = []
        self._cache[shape.name] = lambda v, p, e: slot[0](v, p, e)
        check = self._build(shape)
        slot.append(check)
        self._cache[shape.name] = check
        return check

    # -- shape kinds ---------------------------------------------------------

    def _build(self, shape: Shape) -> Check:
        kind = shape.type_name
        if shape.metadata.get("document"):
            return _accept_anything
        if isinstance(shape, StructureShape):
            if shape.metadata.get("union"):
                return self._union(shape)
            return self._structure(shape)
        if isinstance(shape, ListShape):
            return self._list(shape)
        if isinstance(shape, MapShape):
            return self._map(shape)
        constraints = self._scalar_constraints(shape)
        type_ok = _TYPE_CHECKS.get(kind, _accept_type)
        type_name = _TYPE_NAMES.get(kind, kind)

        def check_scalar(value: Any, path: str, errors: list[str]) -> None:
            if not type_ok(value):
                errors.append(failure(value, path, f"Member must be of type {type_name}"))
                return
            for constraint in constraints:
                message = constraint(value)
                if message is not None:
                    errors.append(failure(value, path, message))

        return check_scalar

    def _structure(self, shape: StructureShape) -> Check:
        required = tuple(shape.required_members)
        members = tuple((name, self.for_shape(member)) for name, member in shape.members.items())

        def check_structure(value: Any, path: str, errors: list[str]) -> None:
            if not isinstance(value, dict):
                errors.append(failure(value, path, "Member must be of type structure"))
                return
            prefix = f"{path}." if path else ""
            for name in required:
                if value.get(name) is None:
                    errors.append(failure(None, prefix + name, "Member must not be null"))
            for name, check in members:
                member_value = value.get(name)
                if member_value is not None:
                    check(member_value, prefix + name, errors)

        return check_structure

    def _union(self, shape: StructureShape) -> Check:
        structure = self._structure(shape)
        names = ", ".join(shape.members)

        def check_union(value: Any, path: str, errors: list[str]) -> None:
            if isinstance(value, dict):
                chosen = [k for k, v in value.items() if v is not None and k in shape.members]
                if len(chosen) != 1:
                    errors.append(
                        failure(
                            value,
                            path,
                            f"Member must have exactly one of the following members set: [{names}]",
                        )
                    )
                    return
            structure(value, path, errors)

        return check_union

    def _list(self, shape: ListShape) -> Check:
        size = self._size_constraints(shape)
        member = shape.member
        if isinstance(member, (StructureShape, ListShape, MapShape)):
            item_check = self.for_shape(member)

            def check_items(items: list[Any], path: str, errors: list[str]) -> None:
                for index, item in enumerate(items, start=1):
                    if item is None:
                        errors.append(failure(None, f"{path}.{index}.member", "Member must not be null"))
                    else:
                        item_check(item, f"{path}.{index}.member", errors)

        else:
            item_check = self.for_shape(member)

            def check_items(items: list[Any], path: str, errors: list[str]) -> None:
                nested = _nested_failures(item_check, items)
                if nested:
                    errors.append(
                        failure(items, path, f"Member must satisfy constraint: [{', '.join(nested)}]")
                    )

        def check_list(value: Any, path: str, errors: list[str]) -> None:
            if not isinstance(value, list):
                errors.append(failure(value, path, "Member must be of type list"))
                return
            for constraint in size:
                message = constraint(value)
                if message is not None:
                    errors.append(failure(value, path, message))
            check_items(value, path, errors)

        return check_list

    def _map(self, shape: MapShape) -> Check:
        size = self._size_constraints(shape)
        key_check = self.for_shape(shape.key)
        value_shape = shape.value
        value_check = self.for_shape(value_shape)
        scalar_values = not isinstance(value_shape, (StructureShape, ListShape, MapShape))

        def check_map(value: Any, path: str, errors: list[str]) -> None:
            if not isinstance(value, dict):
                errors.append(failure(value, path, "Member must be of type map"))
                return
            for constraint in size:
                message = constraint(value)
                if message is not None:
                    errors.append(failure(value, path, message))
            key_failures = _nested_failures(key_check, list(value))
            if key_failures:
                errors.append(
                    failure(value, path, f"Map keys must satisfy constraint: [{', '.join(key_failures)}]")
                )
            if scalar_values:
                value_failures = _nested_failures(value_check, list(value.values()))
                if value_failures:
                    errors.append(
                        failure(
                            value, path, f"Map value must satisfy constraint: [{', '.join(value_failures)}]"
                        )
                    )
            else:
                for key, item in value.items():
                    if item is not None:
                        value_check(item, f"{path}.{key}.member", errors)

        return check_map

    # -- constraint builders -------------------------------------------------

    def _size_constraints(self, shape: Shape) -> list[Callable[[Any], str | None]]:
        meta = shape.metadata
        out: list[Callable[[Any], str | None]] = []
        if "max" in meta:
            high = meta["max"]
            out.append(
                lambda v: None if len(v) <= high else f"Member must have length less than or equal to {high}"
            )
        if "min" in meta:
            low = meta["min"]
            out.append(
                lambda v: None if len(v) >= low else f"Member must have length greater than or equal to {low}"
            )
        return out

    def _scalar_constraints(self, shape: Shape) -> list[Callable[[Any], str | None]]:
        meta = shape.metadata
        kind = shape.type_name
        out: list[Callable[[Any], str | None]] = []
        if kind in ("string", "blob"):
            if "enum" in meta:
                allowed = frozenset(meta["enum"])
                listed = ", ".join(meta["enum"])
                out.append(
                    lambda v: None if v in allowed else f"Member must satisfy enum value set: [{listed}]"
                )
            if "pattern" in meta:
                matches = compile_pattern(meta["pattern"])
                text = f"Member must satisfy regular expression pattern: {meta['pattern']}"
                out.append(lambda v: None if matches(v) else text)
            out.extend(self._size_constraints(shape))
        elif kind in ("integer", "long", "float", "double"):
            if "max" in meta:
                high = meta["max"]
                out.append(
                    lambda v: None if v <= high else f"Member must have value less than or equal to {high}"
                )
            if "min" in meta:
                low = meta["min"]
                out.append(
                    lambda v: None if v >= low else f"Member must have value greater than or equal to {low}"
                )
        return out


def _nested_failures(check: Check, values: list[Any]) -> list[str]:
    """Constraint texts (without the ``Value ... at`` prefix) failed by any of ``values``."""
    seen: list[str] = []
    for item in values:
        found: list[str] = []
        check(item, "", found)
        for line in found:
            text = line.split("failed to satisfy constraint: ", 1)[-1]
            if text not in seen:
                seen.append(text)
    return seen


def _accept_anything(value: Any, path: str, errors: list[str]) -> None:
    """Documents take any JSON value."""


def _accept_type(value: Any) -> bool:
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
