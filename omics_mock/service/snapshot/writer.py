"""Python values to plain JSON data: the containers and value forms a snapshot uses.

``Writer`` knows the forms that hold no object of the state (``$time``,
``$tuple``, ``$map``, ...) and names each object it meets by its place, so that
it is written once and referred to afterwards; ``encode.Encoder`` adds objects,
rows, stores and schedulers.
"""

from __future__ import annotations

import base64
import collections
import datetime as _dt
import random
import threading
from collections.abc import Callable
from typing import Any

from .classes import SnapshotError

PRIMITIVES = frozenset({str, int, float, bool, type(None)})
LOCKS = {type(threading.Lock()): "Lock", type(threading.RLock()): "RLock"}


class Writer:
    """Writes values; ``homes`` maps each object named so far (by ``id``) to its place."""

    def __init__(self) -> None:
        self.homes: dict[int, str] = {}
        self.structural: set[int] = set()
        """Skeleton objects not yet written at their own place."""
        self.omitted: list[dict[str, str]] = []
        self.path: list[str] = []
        self.base: str | None = None
        """The place of the account and Region being written: references to places under
        it are written ``./<rest>``."""
        self._prefix: str | None = None
        self._alive: list[Any] = []
        """Every object named so far, kept so that no ``id`` is reused while writing."""
        self._by_type: dict[type, Callable[[Any], Any]] = {
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
            **{lock: self._lock for lock in LOCKS},
        }

    def here(self) -> str:
        return "/".join(self.path)

    def value(self, value: Any) -> Any:
        kind = type(value)
        if kind in PRIMITIVES:
            return value
        write = self._by_type.get(kind)
        if write is not None:
            return write(value)
        home = self.homes.get(id(value))
        if home is not None and id(value) not in self.structural:
            return self._ref(home)
        return self._other(value)

    def omit(self, what: str) -> dict[str, str]:
        self.omitted.append({"path": self.here(), "what": what})
        return {"$omitted": what}

    def _dict(self, data: dict[Any, Any]) -> Any:
        for key in data:
            if type(key) is not str or key[:1] == "$":
                return self._map(data)
        return self._plain_dict(data)

    def _plain_dict(self, data: dict[str, Any]) -> dict[str, Any]:
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
            return self._ref(home)
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

    def _name(self, obj: Any) -> None:
        self.homes[id(obj)] = self.here()
        self._alive.append(obj)

    def _ref(self, home: str) -> dict[str, str]:
        prefix = self._prefix
        if prefix is not None and home.startswith(prefix):
            return {"$ref": "./" + home[len(prefix) :]}
        return {"$ref": home}

    def _other(self, value: Any) -> Any:
        raise SnapshotError(f"{type(value).__name__} values cannot be snapshotted", self.here())
