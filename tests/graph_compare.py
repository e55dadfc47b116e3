"""Where two object graphs differ: every attribute of every object, and which objects are
shared, compared without the snapshot code (so it can judge it).

What a snapshot does not carry, by design, is skipped: locks, the event bus (its
reactions are re-subscribed), attributes a class declares as wiring
(``SNAPSHOT_WIRING``), a store's indexes and tombstones (rebuilt), a scheduler's
failures (exceptions), the clock (the same object), and a backend's handler tables.
A ``memoryview`` comes back as ``bytes`` with the same content. Containers are
compared as values (see ``CONTAINERS``).
"""

from __future__ import annotations

import collections
import datetime as _dt
import functools
import random
import threading
import types
from typing import Any

from omics_mock.service.kernel.clock import VirtualClock
from omics_mock.service.kernel.events import EventBus
from omics_mock.service.kernel.scheduler import Scheduler
from omics_mock.service.kernel.state import Backend, ServiceState
from omics_mock.service.kernel.store import Store

LOCKS = (type(threading.Lock()), type(threading.RLock()))
CONTAINERS = (dict, list, tuple, set, frozenset, collections.deque)
"""Values, not objects: the state never shares one it changes between two owners, so a
snapshot writes each where it is met (a tuple of objects keeps its identity, unchecked)."""
PLAIN = (str, int, float, bool, type(None), bytes, _dt.datetime, _dt.timedelta)
BACKEND_SKIPPED = {"events", "lock", "_handlers", "catalog", "clock", "settings", "state"}
STATE_SKIPPED = {"clock", "_lock", "providers"}


class Comparison:
    def __init__(self, limit: int = 20) -> None:
        self.problems: list[str] = []
        self.limit = limit
        self.pairs: dict[int, int] = {}
        self._alive: list[Any] = []

    def differ(self, path: str, message: str) -> None:
        if len(self.problems) < self.limit:
            self.problems.append(f"{path}: {message}")

    def compare(self, a: Any, b: Any, path: str) -> None:
        if isinstance(a, memoryview):
            a = bytes(a)
        if isinstance(b, memoryview):
            b = bytes(b)
        if isinstance(a, PLAIN) or isinstance(b, PLAIN):
            if type(a) is not type(b) and not (
                isinstance(a, _dt.datetime) and isinstance(b, _dt.datetime)
            ):
                self.differ(path, f"{type(a).__name__} != {type(b).__name__}")
            elif a != b:
                self.differ(path, f"{a!r:.80} != {b!r:.80}")
            return
        if type(a) is not type(b):
            self.differ(path, f"{type(a).__name__} != {type(b).__name__}")
            return
        if isinstance(a, type):
            if a is not b:
                self.differ(path, f"{a} is not {b}")
            return
        if isinstance(a, CONTAINERS):  # values: compared, not tracked
            self._dispatch(a, b, path)
            return
        if id(a) in self.pairs:
            if self.pairs[id(a)] != id(b):
                self.differ(path, "an object shared in one graph is not shared alike in the other")
            return
        self.pairs[id(a)] = id(b)
        self._alive += [a, b]
        self._dispatch(a, b, path)

    def _dispatch(self, a: Any, b: Any, path: str) -> None:
        if isinstance(a, (LOCKS, EventBus, VirtualClock)):
            return
        if isinstance(a, dict):
            if list(a) != list(b):
                self.differ(path, f"keys {list(a)[:5]} != {list(b)[:5]}")
                return
            for key in a:
                self.compare(a[key], b[key], f"{path}/{key}")
        elif isinstance(a, (list, tuple, collections.deque)):
            if len(a) != len(b):
                self.differ(path, f"{len(a)} items != {len(b)}")
                return
            for n, (x, y) in enumerate(zip(a, b, strict=True)):
                self.compare(x, y, f"{path}/{n}")
        elif isinstance(a, (set, frozenset)):
            if a != b:
                self.differ(path, f"{sorted(map(repr, a))[:5]} != {sorted(map(repr, b))[:5]}")
        elif isinstance(a, random.Random):
            if a.getstate() != b.getstate():
                self.differ(path, "random generators in different states")
        elif isinstance(a, functools.partial):
            self.compare(a.func, b.func, f"{path}/func")
            self.compare(list(a.args), list(b.args), f"{path}/args")
            self.compare(dict(a.keywords), dict(b.keywords), f"{path}/keywords")
        elif isinstance(a, types.MethodType):
            if a.__func__ is not b.__func__:
                self.differ(path, f"{a.__qualname__} != {b.__qualname__}")
            self.compare(a.__self__, b.__self__, f"{path}/of")
        elif isinstance(a, (types.FunctionType, types.BuiltinFunctionType)):
            if a is not b:
                self.differ(path, f"{a!r} is not {b!r}")
        elif isinstance(a, Store):
            self.compare(a.entries(), b.entries(), f"{path}/entries")
            self.compare(
                (a.kind, a.newest_first, a.next_sequence),
                (b.kind, b.newest_first, b.next_sequence),
                path,
            )
        elif isinstance(a, Scheduler):
            self.compare(a.entries(), b.entries(), f"{path}/events")
            self.compare(a.next_sequence, b.next_sequence, path)
        else:
            self._attributes(a, b, path)

    def _attributes(self, a: Any, b: Any, path: str) -> None:
        skipped = set(getattr(type(a), "SNAPSHOT_WIRING", ()))
        if isinstance(a, Backend):
            skipped |= BACKEND_SKIPPED
        if isinstance(a, ServiceState):
            skipped |= STATE_SKIPPED
        names = _attribute_names(a)
        if names != _attribute_names(b):
            self.differ(path, f"attributes {sorted(names)} != {sorted(_attribute_names(b))}")
            return
        for name in sorted(names - skipped):
            self.compare(getattr(a, name), getattr(b, name), f"{path}/{name}")


def _attribute_names(obj: Any) -> set[str]:
    names = set(vars(obj)) if hasattr(obj, "__dict__") else set()
    for klass in type(obj).__mro__:
        for slot in vars(klass).get("__slots__", ()):
            if slot not in ("__dict__", "__weakref__") and hasattr(obj, slot):
                names.add(slot)
    if isinstance(obj, tuple) and hasattr(obj, "_fields"):
        names |= set(obj._fields)
    return names


def differences(a: Any, b: Any, limit: int = 20) -> list[str]:
    """The first ``limit`` places where the graphs from ``a`` and ``b`` differ."""
    comparison = Comparison(limit)
    comparison.compare(a, b, "state")
    return comparison.problems
