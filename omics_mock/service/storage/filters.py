"""The ``filter`` structures of the storage List operations, as predicates.

Values match exactly (names included); time bounds are inclusive. A filter
member not given does not filter.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Mapping
from typing import Any

Predicate = Callable[[Any], bool]

CREATED = {"createdAfter": ("creation_time", "ge"), "createdBefore": ("creation_time", "le")}
UPDATED = {"updatedAfter": ("update_time", "ge"), "updatedBefore": ("update_time", "le")}


def equal(*members: str, **renamed: str) -> dict[str, tuple[str, str]]:
    """Exact-match filter members: ``equal("name", sampleId="sample_id")``."""
    fields = {member: (member, "eq") for member in members}
    fields.update({member: (attribute, "eq") for member, attribute in renamed.items()})
    return fields


def predicate(
    given: Mapping[str, Any] | None, fields: Mapping[str, tuple[str, str]]
) -> Predicate | None:
    """A predicate for the filter members given, ``None`` when nothing filters."""
    checks: list[tuple[str, str, Any]] = []
    for member, (attribute, how) in fields.items():
        value = (given or {}).get(member)
        if value is not None:
            checks.append((attribute, how, value))
    if not checks:
        return None

    def matches(item: Any) -> bool:
        for attribute, how, value in checks:
            actual = getattr(item, attribute)
            if how == "eq":
                if actual != value:
                    return False
            elif actual is None or not _within(actual, how, value):
                return False
        return True

    return matches


def _within(actual: _dt.datetime, how: str, bound: _dt.datetime) -> bool:
    return actual >= bound if how == "ge" else actual <= bound


def both(first: Predicate | None, second: Predicate | None) -> Predicate | None:
    if first is None:
        return second
    if second is None:
        return first
    return lambda item: first(item) and second(item)
