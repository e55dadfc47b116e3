"""Yes/no validity tests, compiled once per shape, for the common case: a valid request.

``validate`` compiles, per shape, a check that builds each member's path and
reports every failure in the AWS form. Almost every request passes, and for
those the paths and messages are wasted work. A *pass test* answers only
"would the check report nothing?": it builds no path and stops at the first
doubt. ``ValidatorCompiler.for_shape`` runs it first and the reporting check
only when it says no, so the messages are exactly those of the reporting check.

A pass test must never say yes where the reporting check would report, and
should say no only where it would (else the request pays for both). Both are
built from the same ``ScalarRules`` and size rules, and the tests in
``tests/test_validation.py`` run each case through both.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from typing import Any

from botocore.model import ListShape, MapShape, Shape, StructureShape

from .scalars import Rule, ScalarRules, scalar_rules, size_rules

Passes = Callable[[Any], bool]
"""True when the value is valid under the shape (the reporting check would find nothing)."""


def _always(value: Any) -> bool:
    """Documents take any JSON value."""
    return True


class PassCompiler:
    """Builds (and caches) one pass test per model shape; safe in any thread."""

    def __init__(self) -> None:
        self._cache: dict[str, Passes] = {}
        self._pending: dict[str, Passes] = {}
        self._lock = threading.Lock()

    def for_shape(self, shape: Shape) -> Passes:
        cached = self._cache.get(shape.name)
        if cached is not None:
            return cached
        with self._lock:
            try:
                test = self._compile(shape)
                self._cache.update(self._pending)
            finally:
                self._pending.clear()
            return test

    def _compile(self, shape: Shape) -> Passes:
        known = self._cache.get(shape.name) or self._pending.get(shape.name)
        if known is not None:
            return known
        slot: list[Passes] = []  # recursive shapes refer to themselves through the slot
        self._pending[shape.name] = lambda v: slot[0](v)
        test = self._build(shape)
        slot.append(test)
        self._pending[shape.name] = test
        return test

    def _build(self, shape: Shape) -> Passes:
        if shape.metadata.get("document"):
            return _always
        if isinstance(shape, StructureShape):
            return self._structure(shape)
        if isinstance(shape, ListShape):
            return self._list(shape)
        if isinstance(shape, MapShape):
            return self._map(shape)
        return scalar_passes(scalar_rules(shape))

    def _member(self, shape: Shape) -> Passes:
        """A member of a list or map: never null, and valid as its own shape."""
        if shape.metadata.get("document"):
            return _always
        return self._compile(shape)

    def _structure(self, shape: StructureShape) -> Passes:
        required = tuple(shape.required_members)
        tests = {name: self._compile(member) for name, member in shape.members.items()}
        union = frozenset(shape.members) if shape.metadata.get("union") else None

        def passes_structure(value: Any) -> bool:
            if not isinstance(value, dict):
                return False
            for name in required:
                if value.get(name) is None:
                    return False
            for name, item in value.items():
                if item is not None:
                    test = tests.get(name)
                    if test is not None and not test(item):
                        return False
            if union is not None:
                chosen = [k for k, v in value.items() if v is not None and k in union]
                return len(chosen) == 1
            return True

        return passes_structure

    def _list(self, shape: ListShape) -> Passes:
        size = _size_passes(size_rules(shape))
        item_passes = self._member(shape.member)

        def passes_list(value: Any) -> bool:
            if not isinstance(value, list) or not size(value):
                return False
            for item in value:  # noqa: SIM110 (a plain loop is faster than all(...))
                if item is None or not item_passes(item):
                    return False
            return True

        return passes_list

    def _map(self, shape: MapShape) -> Passes:
        size = _size_passes(size_rules(shape))
        key_passes = self._member(shape.key)
        value_passes = self._member(shape.value)

        def passes_map(value: Any) -> bool:
            if not isinstance(value, dict) or not size(value):
                return False
            for key, item in value.items():
                if key is None or not key_passes(key):
                    return False
                if item is None or not value_passes(item):
                    return False
            return True

        return passes_map


def _size_passes(rules: list[Rule]) -> Passes:
    if not rules:
        return _always
    if len(rules) == 1:
        return rules[0][0]
    tests = tuple(test for test, _ in rules)
    return lambda value: all(test(value) for test in tests)


def scalar_passes(rules: ScalarRules) -> Passes:
    """One test for a scalar: its type and every constraint, fused for plain strings."""
    if rules.string_bounds is not None:
        low, high, matches, allowed = rules.string_bounds
        low = 0 if low is None else low
        high = sys.maxsize if high is None else high
        if matches is None and allowed is None:
            return lambda v: isinstance(v, str) and low <= len(v) <= high
        if allowed is None:
            assert matches is not None
            test = matches
            return lambda v: isinstance(v, str) and low <= len(v) <= high and test(v) is not None
        if matches is None:
            return lambda v: isinstance(v, str) and low <= len(v) <= high and v in allowed
    if not rules.rules:
        return rules.type_ok
    return rules.passes
