"""Plain JSON data back to Python values: the containers and value forms a snapshot uses.

``Reader`` knows the forms that hold no object of the state (``$time``,
``$tuple``, ``$map``, ...); ``decode.Decoder`` adds objects, references, stores,
schedulers and rows. It keeps the place being read, so every refusal names it.
"""

from __future__ import annotations

import base64
import binascii
import collections
import datetime as _dt
import random
import threading
from collections.abc import Callable
from typing import Any

from .classes import SnapshotError

PRIMITIVES = frozenset({str, int, float, bool, type(None)})
LOCKS: dict[str, Callable[[], Any]] = {"Lock": threading.Lock, "RLock": threading.RLock}


class Reader:
    """Reads values; ``objects`` maps each place read so far to what was made there."""

    def __init__(self) -> None:
        self.objects: dict[str, Any] = {}
        self.path: list[str] = []
        self.base = ""
        """The place of the account and Region being read (``./`` references start there)."""
        self._forms: dict[str, Callable[[dict[str, Any]], Any]] = {
            "$time": self._time,
            "$seconds": self._seconds,
            "$microseconds": self._microseconds,
            "$bytes": self._bytes,
            "$tuple": self._tuple,
            "$set": self._set,
            "$frozenset": self._set,
            "$deque": self._deque,
            "$map": self._map,
            "$random": self._random,
            "$lock": self._lock,
            "$omitted": lambda data: None,
        }

    def here(self) -> str:
        return "/".join(self.path)

    def fail(self, message: str) -> SnapshotError:
        return SnapshotError(message, self.here())

    def at(self, path: str, data: Any, base: str = "") -> Any:
        saved, self.path = self.path, [path]
        self.base = base
        try:
            return self.value(data)
        finally:
            self.path = saved

    def value(self, data: Any) -> Any:
        kind = type(data)
        if kind in PRIMITIVES:
            return data
        if kind is list:
            return self._list(data)
        if kind is dict:
            if data:
                first = next(iter(data))
                if first[:1] == "$":
                    form = self._forms.get(first)
                    if form is None:
                        raise self.fail(f"unknown form {first!r}")
                    return form(data)
            return self._dict(data)
        raise self.fail(f"{kind.__name__} is not JSON data")

    def _in(self, name: str, data: Any) -> Any:
        self.path.append(name)
        try:
            return self.value(data)
        finally:
            self.path.pop()

    def _field(self, data: dict[str, Any], name: str, kind: type | tuple[type, ...]) -> Any:
        found = data.get(name)
        if not isinstance(found, kind) or isinstance(found, bool) and kind is int:
            expected = (
                kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
            )
            raise self.fail(f"{name} must be {expected}, not {type(found).__name__}")
        return found

    def _dict(self, data: dict[str, Any]) -> dict[str, Any]:
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

    def _list(self, data: list[Any]) -> list[Any]:
        out = []
        path = self.path
        for n, item in enumerate(data):
            if type(item) in PRIMITIVES:
                out.append(item)
            else:
                path.append(str(n))
                out.append(self.value(item))
                path.pop()
        return out

    def _items(self, data: dict[str, Any], tag: str) -> list[Any]:
        return self._list(self._field(data, tag, list))

    def _tuple(self, data: dict[str, Any]) -> tuple[Any, ...]:
        made = tuple(self._items(data, "$tuple"))
        self.objects[self.here()] = made
        return made

    def _set(self, data: dict[str, Any]) -> set[Any] | frozenset[Any]:
        tag = next(iter(data))
        try:
            items = self._items(data, tag)
            return set(items) if tag == "$set" else frozenset(items)
        except TypeError as error:
            raise self.fail(f"a set holds something that cannot be in one: {error}") from None

    def _deque(self, data: dict[str, Any]) -> collections.deque[Any]:
        maxlen = data.get("maxlen")
        if maxlen is not None and not isinstance(maxlen, int):
            raise self.fail("maxlen must be a whole number")
        return collections.deque(self._items(data, "$deque"), maxlen)

    def _map(self, data: dict[str, Any]) -> dict[Any, Any]:
        out: dict[Any, Any] = {}
        path = self.path
        for n, pair in enumerate(self._field(data, "$map", list)):
            path.append(f"#{n}")
            if not isinstance(pair, list) or len(pair) != 2:
                raise self.fail("a $map entry is a [key, value] pair")
            key = self._in("key", pair[0])
            try:
                out[key] = self.value(pair[1])
            except TypeError as error:
                raise self.fail(f"a key that cannot be one: {error}") from None
            path.pop()
        return out

    def _time(self, data: dict[str, Any]) -> _dt.datetime:
        try:
            return _dt.datetime.fromisoformat(self._field(data, "$time", str))
        except ValueError as error:
            raise self.fail(f"not a time: {error}") from None

    def _seconds(self, data: dict[str, Any]) -> _dt.timedelta:
        try:
            return _dt.timedelta(seconds=self._field(data, "$seconds", (int, float)))
        except OverflowError:
            raise self.fail("a duration too long for Python") from None

    def _microseconds(self, data: dict[str, Any]) -> _dt.timedelta:
        try:
            return _dt.timedelta(microseconds=self._field(data, "$microseconds", int))
        except OverflowError:
            raise self.fail("a duration too long for Python") from None

    def _bytes(self, data: dict[str, Any]) -> bytes:
        try:
            return base64.b64decode(self._field(data, "$bytes", str), validate=True)
        except (binascii.Error, ValueError) as error:
            raise self.fail(f"not base64: {error}") from None

    def _random(self, data: dict[str, Any]) -> random.Random:
        state = self._field(data, "$random", list)
        generator = random.Random()
        try:
            version, internal, gauss = state
            generator.setstate((version, tuple(internal), gauss))
        except (TypeError, ValueError) as error:
            raise self.fail(f"not the state of a random generator: {error}") from None
        return generator

    def _lock(self, data: dict[str, Any]) -> Any:
        make = LOCKS.get(data["$lock"])
        if make is None:
            raise self.fail(f"$lock is one of {sorted(LOCKS)}")
        return make()
