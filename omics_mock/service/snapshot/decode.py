"""Plain JSON data back to objects of a new state, checking it as it goes.

The decoder walks the data in the order the encoder wrote it, so every
``$ref`` names an object already made (or a skeleton object of the new state).
Anything it cannot make is a ``SnapshotError`` naming the place: an unknown
form or class, a field missing, unknown or of the wrong type, a reference to
nothing. Skeleton objects are filled in place, never made.
"""

from __future__ import annotations

import base64
import binascii
import collections
import datetime as _dt
import functools
import inspect
import random
import threading
import types
from collections.abc import Callable, Mapping
from typing import Any

from ..kernel.scheduler import Event, Scheduler
from ..kernel.store import Store
from .classes import NO_DEFAULT, Plan, SnapshotError, lookup, plan_for

PRIMITIVES = frozenset({str, int, float, bool, type(None)})
LOCKS: dict[str, Callable[[], Any]] = {"Lock": threading.Lock, "RLock": threading.RLock}


class Decoder:
    """Makes the objects of one snapshot, with ``skeleton`` (place -> object) already there."""

    def __init__(self, skeleton: Mapping[str, Any]) -> None:
        self.objects: dict[str, Any] = dict(skeleton)
        self.unfilled: set[str] = set(skeleton)
        """Skeleton places not yet filled."""
        self.skeleton_classes = {type(obj) for obj in skeleton.values()}
        self.path: list[str] = []
        self._classes: dict[str, type] = {}
        self._forms: dict[str, Callable[[dict[str, Any]], Any]] = {
            "$obj": self._object,
            "$ref": self._ref,
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
            "$partial": self._partial,
            "$method": self._method,
            "$store": self._store,
            "$scheduler": self._scheduler,
            "$omitted": lambda data: None,
        }

    def add_skeleton(self, skeleton: Mapping[str, Any]) -> None:
        """More skeleton places (a state built after the first places were read)."""
        self.objects.update(skeleton)
        self.unfilled.update(skeleton)
        self.skeleton_classes.update(type(obj) for obj in skeleton.values())

    def here(self) -> str:
        return "/".join(self.path)

    def fail(self, message: str) -> SnapshotError:
        return SnapshotError(message, self.here())

    def at(self, path: str, data: Any) -> Any:
        saved, self.path = self.path, [path]
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

    # -- containers ------------------------------------------------------------------------

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

    # -- values ----------------------------------------------------------------------------

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

    def _partial(self, data: dict[str, Any]) -> Any:
        func = self._in("func", data["$partial"])
        args = self._in("args", self._field(data, "args", list))
        keywords = self._in("keywords", self._field(data, "keywords", dict))
        if func is None:  # left out when written
            return None
        if not callable(func):
            raise self.fail("$partial names something that cannot be called")
        return functools.partial(func, *args, **keywords)

    def _method(self, data: dict[str, Any]) -> Any:
        name = self._field(data, "$method", str)
        owner = self._in("of", data.get("of"))
        found = inspect.getattr_static(type(owner), name, None)
        if name.startswith("__") or not isinstance(found, types.FunctionType):
            raise self.fail(f"{type(owner).__name__} has no method {name!r}")
        return getattr(owner, name)

    # -- objects ---------------------------------------------------------------------------

    def _ref(self, data: dict[str, Any]) -> Any:
        place = self._field(data, "$ref", str)
        if place not in self.objects:
            raise self.fail(f"refers to {place}, which the snapshot does not hold")
        return self.objects[place]

    def _class(self, name: Any) -> type:
        found = self._classes.get(name) if isinstance(name, str) else None
        if found is None:
            found = lookup(name, self.here())
            self._classes[name] = found
        return found

    def _skeleton(self, kind: type) -> Any:
        """The skeleton object at this place, to fill (``None`` if there is none)."""
        here = self.here()
        if here not in self.unfilled:
            return None
        target = self.objects[here]
        if not isinstance(target, kind):
            raise self.fail(f"holds a {type(target).__name__} here, not a {kind.__name__}")
        self.unfilled.discard(here)
        return target

    def _object(self, data: dict[str, Any]) -> Any:
        cls = self._class(data["$obj"])
        target = self._skeleton(cls)
        if target is not None:
            self._fill(target, plan_for(type(target)), data, made=False)
            return target
        if cls in self.skeleton_classes:
            raise self.fail(f"a {cls.__name__} is restored in its own place only")
        plan = plan_for(cls)
        if plan.named_tuple:
            return self._named_tuple(plan, data)
        made: Any = object.__new__(cls)
        self.objects[self.here()] = made
        self._fill(made, plan, data, made=True)
        post_init = getattr(made, "__post_init__", None)
        if post_init is not None:
            try:
                post_init()
            except (TypeError, ValueError) as error:
                raise self.fail(str(error)) from None
        return made

    def _named_tuple(self, plan: Plan, data: dict[str, Any]) -> Any:
        names = plan.slots or ()
        given = [name for name in data if name != "$obj"]
        if sorted(given) != sorted(names):
            raise self.fail(f"{plan.name} has the fields {list(names)}, not {given}")
        made = plan.cls(**{name: self._in(name, data[name]) for name in names})
        self.objects[self.here()] = made
        return made

    def _fill(self, obj: Any, plan: Plan, data: dict[str, Any], made: bool) -> None:
        given = [name for name in data if name != "$obj"]
        if plan.fields is not None:
            known = {field.name for field in plan.fields}
            for name in given:
                if name not in known:
                    raise self.fail(f"{plan.name} has no field {name!r}")
            for field in plan.fields:
                if field.name in data:
                    value = self._in(field.name, data[field.name])
                    if field.check is not None and not field.check(value):
                        shown = type(value).__name__
                        raise self.fail(f"{field.name} must be {field.expected}, not {shown}")
                elif field.factory is not None:
                    value = field.factory()
                elif field.default is not NO_DEFAULT:
                    value = field.default
                else:
                    raise self.fail(f"{plan.name} needs its field {field.name!r}")
                self._assign(obj, plan, field.name, value)
            return
        expected = plan.slots if plan.slots is not None and made else None
        if not made:
            expected = tuple(plan.attributes(obj))
            missing = [name for name in expected if name not in data]
            if missing:
                raise self.fail(f"{plan.name} needs its attribute(s) {missing}")
        if expected is not None:
            unknown = [name for name in given if name not in expected]
            if unknown:
                raise self.fail(f"{plan.name} has no attribute(s) {unknown}")
        for name in given:
            self._assign(obj, plan, name, self._in(name, data[name]))

    def _assign(self, obj: Any, plan: Plan, name: str, value: Any) -> None:
        if not plan.checked:
            object.__setattr__(obj, name, value)
            return
        try:
            setattr(obj, name, value)
        except (TypeError, ValueError, AttributeError) as error:
            raise self.fail(str(error)) from None

    def _store(self, data: dict[str, Any]) -> Store[Any]:
        kind = self._field(data, "$store", str)
        newest_first = self._field(data, "newest_first", bool)
        store: Store[Any] | None = self._skeleton(Store)
        if store is None:
            store = Store(kind, newest_first)
            self.objects[self.here()] = store
        elif (store.kind, store.newest_first) != (kind, newest_first):
            raise self.fail(f"holds a {store.kind!r} store here, not a {kind!r} one")
        entries = []
        path = self.path
        for entry in self._field(data, "items", list):
            if not (isinstance(entry, list) and len(entry) == 3 and type(entry[0]) is int):
                raise self.fail("a store item is [sequence, key, value]")
            sequence, key, item = entry
            if not isinstance(key, str):
                raise self.fail("a store key is text")
            path.append(key)
            entries.append((sequence, key, self.value(item)))
            path.pop()
        try:
            store.load(entries, self._field(data, "next", int))
        except ValueError as error:
            raise self.fail(str(error)) from None
        return store

    def _scheduler(self, data: dict[str, Any]) -> Scheduler:
        scheduler: Scheduler | None = self._skeleton(Scheduler)
        if scheduler is None:
            raise self.fail("a scheduler is restored in its own place only")
        entries = []
        path = self.path
        for entry in self._field(data, "events", list):
            if not (isinstance(entry, list) and len(entry) == 3 and type(entry[1]) is int):
                raise self.fail("a scheduled event is [due, sequence, event]")
            path.append(str(entry[1]))
            due, event = self.value(entry[0]), self.value(entry[2])
            if not isinstance(event, Event) or not isinstance(due, _dt.datetime):
                raise self.fail("a scheduled event is [due, sequence, event]")
            path.pop()
            if event.action is not None:  # an action left out when written is dropped
                entries.append((due, entry[1], event))
        try:
            scheduler.load(entries, self._field(data, "$scheduler", int))
        except ValueError as error:
            raise self.fail(str(error)) from None
        return scheduler
