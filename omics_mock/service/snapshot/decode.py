"""Plain JSON data back to objects of a new state, checking it as it goes.

The decoder walks the data in the order the encoder wrote it, so every
``$ref`` names an object already made (or a skeleton object of the new state).
Anything it cannot make is a ``SnapshotError`` naming the place: an unknown
form or class, a field missing, unknown or of the wrong type, a reference to
nothing. Skeleton objects are filled in place, never made.
"""

from __future__ import annotations

import datetime as _dt
import functools
import inspect
import types
from collections.abc import Mapping
from typing import Any

from ..kernel.scheduler import Event, Scheduler
from ..kernel.store import Store
from .classes import NO_DEFAULT, Field, Plan, SnapshotError, constants, lookup, plan_for
from .reader import PRIMITIVES, Reader

Column = tuple[str, Field | None, str, tuple[type, ...] | None]
"""A row's column: attribute, field (``None`` for a slot), value form, accepted types."""


class Decoder(Reader):
    """Makes the objects of one snapshot, with ``skeleton`` (place -> object) already there."""

    def __init__(self, skeleton: Mapping[str, Any]) -> None:
        super().__init__()
        self.objects.update(constants())
        self.objects.update(skeleton)
        self.unfilled: set[str] = set(skeleton)
        """Skeleton places not yet filled."""
        self.skeleton_classes = {type(obj) for obj in skeleton.values()}
        self._classes: dict[str, type] = {}
        self._forms.update(
            {
                "$obj": self._object,
                "$ref": self._ref,
                "$partial": self._partial,
                "$method": self._method,
                "$store": self._store,
                "$scheduler": self._scheduler,
                "$rows": self._rows_form,
            }
        )

    def add_skeleton(self, skeleton: Mapping[str, Any]) -> None:
        """More skeleton places (a state built after the first places were read)."""
        self.objects.update(skeleton)
        self.unfilled.update(skeleton)
        self.skeleton_classes.update(type(obj) for obj in skeleton.values())

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

    def _ref(self, data: dict[str, Any]) -> Any:
        place = data["$ref"]
        if type(place) is not str:
            raise self.fail("$ref names a place, as text")
        if place[:2] == "./" and self.base:
            place = self.base + place[1:]
        found = self.objects.get(place, self)
        if found is self:
            raise self.fail(f"refers to {place}, which the snapshot does not hold")
        return found

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
        if plan.fields is not None:
            self._fields(obj, plan, data)
            return
        given = [name for name in data if name != "$obj"]
        if made and plan.slots is not None:
            unknown = [name for name in given if name not in plan.slots]
            if unknown:
                raise self.fail(f"{plan.name} has no attribute(s) {unknown}")
            for name in plan.slots:  # left out when None
                if name not in data and name not in plan.wiring:
                    object.__setattr__(obj, name, None)
        elif not made:
            expected = plan.attributes(obj)
            missing = [name for name in expected if name not in data]
            unknown = [name for name in given if name not in expected]
            if missing or unknown:
                raise self.fail(f"{plan.name} needs {missing} and has no {unknown}")
        for name in given:
            self._assign(obj, plan, name, self._in(name, data[name]))

    def _fields(self, obj: Any, plan: Plan, data: dict[str, Any]) -> None:
        """A dataclass's fields: each given one read and checked, the others defaulted."""
        unknown = data.keys() - plan.known
        if unknown:
            raise self.fail(f"{plan.name} has no field(s) {sorted(unknown)}")
        values: dict[str, Any] = {}
        path = self.path
        primitives = PRIMITIVES
        for field in plan.fields or ():
            name = field.name
            if name in data:
                value = data[name]
                kind = type(value)
                if kind not in primitives:
                    path.append(name)
                    value = self.value(value)
                    path.pop()
                elif field.form and value is not None:
                    value = self._formed(field, value)
                accepts = field.accepts
                if accepts is not None and not isinstance(value, accepts):
                    shown = type(value).__name__
                    raise self.fail(f"{name} must be {field.expected}, not {shown}")
            elif field.factory is not None:
                value = field.factory()
            elif field.default is not NO_DEFAULT:
                value = field.default
            else:
                raise self.fail(f"{plan.name} needs its field {name!r}")
            values[name] = value
        if plan.checked:
            for name, value in values.items():
                self._assign(obj, plan, name, value)
        elif plan.extra_check:
            obj.__dict__.update(values)
        else:
            assign = object.__setattr__
            for name, value in values.items():
                assign(obj, name, value)

    def _formed(self, field: Field, raw: Any) -> Any:
        """A ``datetime`` field's ISO text, a ``timedelta`` field's seconds."""
        try:
            if field.form == "time" and type(raw) is str:
                return _dt.datetime.fromisoformat(raw)
            if field.form == "seconds" and type(raw) in (int, float):
                return _dt.timedelta(seconds=raw)
        except (ValueError, OverflowError) as error:
            where = f"{self.here()}/{field.name}"
            raise SnapshotError(f"not a {field.expected}: {error}", where) from None
        return raw

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
        if "rows" in data:
            rows = self._field(data, "rows", list)
            if not all(isinstance(row, list) and row and type(row[0]) is int for row in rows):
                raise self.fail("a store row is [sequence, key, value, ...]")
            made = self._rows(data["class"], data.get("fields"), [row[1:] for row in rows])
            entries = [(row[0], row[1], item) for row, item in zip(rows, made, strict=True)]
        for entry in [] if "rows" in data else self._field(data, "items", list):
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

    def _rows_form(self, data: dict[str, Any]) -> Any:
        rows = self._field(data, "rows", list)
        if data.get("keyed"):
            made = self._rows(data["$rows"], data.get("fields"), rows)
            return {row[0]: item for row, item in zip(rows, made, strict=True)}
        keyed = [[str(n), *row] if isinstance(row, list) else row for n, row in enumerate(rows)]
        return self._rows(data["$rows"], data.get("fields"), keyed)

    def _rows(self, name: Any, names: Any, rows: list[Any]) -> list[Any]:
        """Objects from ``[key, value, ...]`` rows, each made at its key's place."""
        cls = self._class(name)
        plan = plan_for(cls)
        if cls in self.skeleton_classes or plan.named_tuple or plan.checked:
            raise self.fail(f"a {cls.__name__} is not written as rows")
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            raise self.fail("fields must list attribute names")
        columns, missing = self._columns(plan, names)
        made = []
        path = self.path
        objects = self.objects
        prefix = self.here() + "/"
        width = len(names) + 1
        primitives = PRIMITIVES
        assign = object.__setattr__
        for row in rows:
            if type(row) is not list or len(row) != width or type(row[0]) is not str:
                raise self.fail(f"a row of {plan.name} is [key, {', '.join(names)}]")
            key = row[0]
            obj: Any = object.__new__(cls)
            objects[prefix + key] = obj
            path.append(key)
            for (column, field, form, accepts), raw in zip(columns, row[1:], strict=True):
                if type(raw) in primitives:
                    value = raw
                    if form and raw is not None:
                        value = self._formed(field, raw)  # type: ignore[arg-type]
                else:
                    path.append(column)
                    value = self.value(raw)
                    path.pop()
                if accepts is not None and not isinstance(value, accepts):
                    expected = field.expected if field is not None else "?"
                    raise self.fail(f"{column} must be {expected}, not {type(value).__name__}")
                assign(obj, column, value)
            for column, make in missing:
                assign(obj, column, make())
            path.pop()
            post_init = getattr(obj, "__post_init__", None)
            if post_init is not None:
                post_init()
            made.append(obj)
        return made

    def _columns(self, plan: Plan, names: list[str]) -> tuple[list[Column], list[tuple[str, Any]]]:
        """Each column's attribute (its field, form and types), and what fills the
        attributes not written."""
        if plan.fields is None:
            slots = [n for n in plan.slots or () if n not in plan.wiring]
            unknown = [n for n in names if n not in slots]
            if unknown:
                raise self.fail(f"{plan.name} has no attribute(s) {unknown}")
            columns: list[Column] = [(n, None, "", None) for n in names]
            return columns, [(n, _none) for n in slots if n not in names]
        by_name = {field.name: field for field in plan.fields}
        unknown = [n for n in names if n not in by_name]
        if unknown or len(set(names)) != len(names):
            raise self.fail(f"{plan.name} has no field(s) {unknown}, or one is there twice")
        missing: list[tuple[str, Any]] = []
        for field in plan.fields:
            if field.name in names:
                continue
            if field.factory is not None:
                missing.append((field.name, field.factory))
            elif field.default is not NO_DEFAULT:
                missing.append((field.name, functools.partial(_same, field.default)))
            else:
                raise self.fail(f"{plan.name} needs its field {field.name!r}")
        fields = [by_name[n] for n in names]
        return [(f.name, f, f.form, f.accepts) for f in fields], missing

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


def _none() -> None:
    return None


def _same(value: Any) -> Any:
    return value
