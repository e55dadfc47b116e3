"""Objects of the state to plain JSON data (the forms are listed in ``service.snapshot``).

An object is written in full where it is first met and named by its place
(``{"$ref": "accounts/123456789012/us-east-1/runs/store/1234567"}``) wherever
it is met again, so objects that point at each other come back pointing at
each other. The skeleton (the state, backends, families and their parts, the
mock-wide objects) is named before anything is written: those objects are
written only at their own place and exist before a restore reads anything.
What cannot be written (a function, an exception) is left out, and listed.
"""

from __future__ import annotations

import base64
import collections
import datetime as _dt
import functools
import random
import threading
import types
from collections.abc import Mapping
from typing import Any

from ..kernel.scheduler import Scheduler
from ..kernel.store import Store
from .classes import NO_DEFAULT, SnapshotError, plan_for

PRIMITIVES = frozenset({str, int, float, bool, type(None)})
LOCKS = {type(threading.Lock()): "Lock", type(threading.RLock()): "RLock"}


class Encoder:
    """Writes objects of one state; ``omitted`` lists what it left out."""

    def __init__(self, skeleton: Mapping[str, Any]) -> None:
        self.homes: dict[int, str] = {id(obj): path for path, obj in skeleton.items()}
        self.structural: set[int] = set(self.homes)
        """Skeleton objects not yet written at their own place."""
        self.omitted: list[dict[str, str]] = []
        self.path: list[str] = []
        self._alive: list[Any] = []
        """Every object named so far, kept so that no ``id`` is reused while writing."""
        self._by_type: dict[type, Any] = {
            dict: self._dict,
            list: self._list,
            tuple: self._tuple,
            set: self._set,
            frozenset: self._set,
            collections.deque: self._deque,
            bytes: self._bytes,
            bytearray: self._bytes,
            memoryview: self._bytes,
            _dt.datetime: self._time,
            _dt.timedelta: self._delta,
            random.Random: self._random,
            functools.partial: self._partial,
            types.MethodType: self._method,
            Store: self._store,
            Scheduler: self._scheduler,
            **{lock: self._lock for lock in LOCKS},
        }

    def here(self) -> str:
        return "/".join(self.path)

    def at(self, path: str, value: Any, tag: str | None = None) -> Any:
        """``value`` written at the place ``path`` (``tag`` names a skeleton object's class)."""
        saved, self.path = self.path, [path]
        try:
            if tag is not None:
                return self._object(value, tag)
            return self.value(value)
        finally:
            self.path = saved

    def value(self, value: Any) -> Any:
        kind = type(value)
        if kind in PRIMITIVES:
            return value
        write = self._by_type.get(kind)
        if write is not None:
            return write(value)
        return self._other(value)

    def omit(self, what: str) -> dict[str, str]:
        self.omitted.append({"path": self.here(), "what": what})
        return {"$omitted": what}

    # -- containers ------------------------------------------------------------------------

    def _dict(self, data: dict[Any, Any]) -> Any:
        for key in data:
            if type(key) is not str or key[:1] == "$":
                return self._map(data)
        out: dict[str, Any] = {}
        path = self.path
        for key, item in data.items():
            if type(item) in PRIMITIVES:
                out[key] = item
            else:
                path.append(key)
                out[key] = self.value(item)
                path.pop()
        return out

    def _map(self, data: dict[Any, Any]) -> dict[str, Any]:
        pairs = []
        path = self.path
        for n, (key, item) in enumerate(data.items()):
            path.append(f"#{n}")
            pairs.append([self._in("key", key), self.value(item)])
            path.pop()
        return {"$map": pairs}

    def _in(self, name: str, value: Any) -> Any:
        self.path.append(name)
        try:
            return self.value(value)
        finally:
            self.path.pop()

    def _list(self, items: Any) -> list[Any]:
        out = []
        path = self.path
        for n, item in enumerate(items):
            if type(item) in PRIMITIVES:
                out.append(item)
            else:
                path.append(str(n))
                out.append(self.value(item))
                path.pop()
        return out

    def _tuple(self, items: tuple[Any, ...]) -> Any:
        home = self.homes.get(id(items))
        if home is not None:
            return {"$ref": home}
        if any(type(item) not in PRIMITIVES for item in items):
            self._name(items)
        return {"$tuple": self._list(items)}

    def _set(self, items: set[Any] | frozenset[Any]) -> dict[str, Any]:
        try:
            ordered = sorted(items)
        except TypeError:
            ordered = list(items)
        tag = "$set" if type(items) is set else "$frozenset"
        return {tag: self._list(ordered)}

    def _deque(self, items: collections.deque[Any]) -> dict[str, Any]:
        out: dict[str, Any] = {"$deque": self._list(items)}
        if items.maxlen is not None:
            out["maxlen"] = items.maxlen
        return out

    # -- values ----------------------------------------------------------------------------

    def _bytes(self, data: bytes | bytearray | memoryview) -> dict[str, str]:
        return {"$bytes": base64.b64encode(data).decode("ascii")}

    def _time(self, moment: _dt.datetime) -> dict[str, str]:
        return {"$time": moment.isoformat()}

    def _delta(self, delta: _dt.timedelta) -> dict[str, Any]:
        seconds = delta.total_seconds()
        if _dt.timedelta(seconds=seconds) == delta:
            return {"$seconds": seconds}
        return {"$microseconds": delta // _dt.timedelta(microseconds=1)}

    def _random(self, generator: random.Random) -> dict[str, Any]:
        version, internal, gauss = generator.getstate()
        return {"$random": [version, list(internal), gauss]}

    def _lock(self, lock: Any) -> dict[str, str]:
        return {"$lock": LOCKS[type(lock)]}

    def _partial(self, call: functools.partial[Any]) -> dict[str, Any]:
        return {
            "$partial": self._in("func", call.func),
            "args": self._in("args", list(call.args)),
            "keywords": self._in("keywords", dict(call.keywords)),
        }

    def _method(self, method: types.MethodType) -> dict[str, Any]:
        owner = method.__self__
        if not type(owner).__module__.startswith("omics_mock.service."):
            return self.omit(f"a method of {type(owner).__name__}: {method.__qualname__}")
        return {"$method": method.__func__.__name__, "of": self._in("of", owner)}

    def _other(self, value: Any) -> Any:
        if isinstance(value, _dt.datetime):  # freezegun's datetimes are a subclass
            return self._time(value)
        if isinstance(value, _dt.timedelta):
            return self._delta(value)
        if isinstance(value, BaseException):
            return self.omit(f"an exception: {type(value).__name__}: {value}")
        if callable(value) and not type(value).__module__.startswith("omics_mock.service."):
            return self.omit(f"{type(value).__name__} {getattr(value, '__qualname__', value)!r}")
        return self._object(value)

    # -- objects ---------------------------------------------------------------------------

    def _name(self, obj: Any) -> None:
        self.homes[id(obj)] = self.here()
        self._alive.append(obj)

    def _seen(self, obj: Any) -> dict[str, str] | None:
        """A reference to ``obj`` if it is written elsewhere; else name it here."""
        home = self.homes.get(id(obj))
        if home is None:
            self._name(obj)
            return None
        if id(obj) in self.structural and home == self.here():
            self.structural.discard(id(obj))
            return None
        return {"$ref": home}

    def _object(self, obj: Any, tag: str | None = None) -> Any:
        ref = self._seen(obj)
        if ref is not None:
            return ref
        plan = plan_for(type(obj))
        name = tag or plan.name
        if name is None:
            kind = type(obj)
            what = f"objects of {kind.__module__}.{kind.__qualname__} cannot be snapshotted"
            raise SnapshotError(what, self.here())
        out: dict[str, Any] = {"$obj": name}
        path = self.path
        if plan.fields is None:
            for name in plan.attributes(obj):
                path.append(name)
                out[name] = self.value(getattr(obj, name))
                path.pop()
            return out
        if plan.extra_check and len(vars(obj)) != plan.extra_check:
            extra = sorted(set(vars(obj)) - {f.name for f in plan.fields} - plan.wiring)
            raise SnapshotError(
                f"{plan.name} has attributes that are not fields: {extra}", self.here()
            )
        for field in plan.fields:
            value = getattr(obj, field.name)
            default = field.default
            if default is not NO_DEFAULT:
                if field.factory is None:
                    if value is default or (type(value) is type(default) and value == default):
                        continue
                elif type(value) is default and not value:
                    continue
            if type(value) in PRIMITIVES:
                out[field.name] = value
            else:
                path.append(field.name)
                out[field.name] = self.value(value)
                path.pop()
        return out

    def _store(self, store: Store[Any]) -> Any:
        ref = self._seen(store)
        if ref is not None:
            return ref
        items = []
        path = self.path
        for sequence, key, item in store.entries():
            path.append(key)
            items.append([sequence, key, self.value(item)])
            path.pop()
        return {
            "$store": store.kind,
            "newest_first": store.newest_first,
            "next": store.next_sequence,
            "items": items,
        }

    def _scheduler(self, scheduler: Scheduler) -> Any:
        ref = self._seen(scheduler)
        if ref is not None:
            return ref
        if scheduler.failures:
            self.omit(f"{len(scheduler.failures)} simulated events that raised (bugs)")
        events = []
        path = self.path
        for due, sequence, event in scheduler.entries():
            path.append(str(sequence))
            events.append([self._time(due), sequence, self.value(event)])
            path.pop()
        return {"$scheduler": scheduler.next_sequence, "events": events}
