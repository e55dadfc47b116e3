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

import datetime as _dt
import functools
import types
from collections.abc import Iterable, Mapping
from typing import Any

from ..kernel.scheduler import Scheduler
from ..kernel.store import Store
from .classes import NO_DEFAULT, Plan, SnapshotError, constants, plan_for
from .writer import PRIMITIVES, Writer


class Encoder(Writer):
    """Writes objects of one state; ``omitted`` lists what it left out."""

    def __init__(self, skeleton: Mapping[str, Any]) -> None:
        super().__init__()
        self.homes.update({id(obj): path for path, obj in skeleton.items()})
        self.structural.update(self.homes)
        self.homes.update({id(obj): path for path, obj in constants().items()})
        self._by_type.update(
            {
                list: self._list_value,
                functools.partial: self._partial,
                types.MethodType: self._method,
                Store: self._store,
                Scheduler: self._scheduler,
            }
        )

    def at(self, path: str, value: Any, tag: str | None = None, base: str | None = None) -> Any:
        """``value`` written at the place ``path`` (``tag`` names a skeleton object's class),
        in the account and Region whose place is ``base``."""
        saved, self.path = self.path, [path]
        self.base = base
        self._prefix = None if base is None else base + "/"
        try:
            if tag is not None:
                return self._object(value, tag)
            return self.value(value)
        finally:
            self.path = saved

    def _dict(self, data: dict[Any, Any]) -> Any:
        for key in data:
            if type(key) is not str or key[:1] == "$":
                return self._map(data)
        plan = self._row_plan(data.values()) if len(data) > 1 else None
        if plan is None:
            return self._plain_dict(data)
        rows = self._rows(plan, list(data.values()), list(data))
        return {"$rows": plan.name, "fields": list(plan.row_names), "keyed": True, "rows": rows}

    def _list_value(self, items: list[Any]) -> Any:
        plan = self._row_plan(items) if len(items) > 1 else None
        if plan is None:
            return self._list(items)
        rows = self._rows(plan, items, [str(n) for n in range(len(items))])
        return {"$rows": plan.name, "fields": list(plan.row_names), "rows": [r[1:] for r in rows]}

    def _row_plan(self, items: Iterable[Any]) -> Plan | None:
        """The plan of ``items`` when they can be written as rows: objects of one dataclass
        or slots class (every slot set), none written yet."""
        kind: type | None = None
        homes = self.homes
        for item in items:
            if kind is None:
                kind = type(item)
                if kind in PRIMITIVES or kind in self._by_type:
                    return None
            if type(item) is not kind or id(item) in homes:
                return None
        if kind is None:
            return None
        plan = plan_for(kind)
        if plan.name is None or plan.named_tuple or plan.checked or plan.extra_check:
            return None
        if plan.fields is None:
            if plan.slots is None:
                return None
            names = plan.row_names
            if not all(hasattr(item, name) for item in items for name in names):
                return None
        return plan

    def _rows(self, plan: Plan, items: list[Any], keys: list[str]) -> list[list[Any]]:
        """``[key, value, ...]`` rows, each object named at its key's place."""
        path = self.path
        homes, alive = self.homes, self._alive
        prefix = self.here() + "/"
        primitives = PRIMITIVES
        names, forms, values = plan.row_names, plan.row_forms, plan.row_values
        objects = [(n + 1, names[n], forms[n]) for n in plan.row_objects]
        rows = []
        for key, item in zip(keys, items, strict=True):
            homes[id(item)] = prefix + key
            alive.append(item)
            row = [key, *values(item)]
            path.append(key)
            for n, name, form in objects:  # the other attributes hold JSON primitives
                value = row[n]
                if type(value) in primitives:
                    continue
                if form == "time" and isinstance(value, _dt.datetime):
                    row[n] = value.isoformat()
                else:
                    path.append(name)
                    row[n] = self.value(value)
                    path.pop()
            path.pop()
            rows.append(row)
        return rows

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

    def _seen(self, obj: Any) -> dict[str, str] | None:
        """A reference to ``obj`` if it is written elsewhere; else name it here."""
        home = self.homes.get(id(obj))
        if home is None:
            self._name(obj)
            return None
        if id(obj) in self.structural and home == self.here():
            self.structural.discard(id(obj))
            return None
        return self._ref(home)

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
            none_left_out = plan.slots is not None and not plan.named_tuple
            for attribute in plan.attributes(obj):
                value = getattr(obj, attribute)
                if type(value) in PRIMITIVES:
                    if value is not None or not none_left_out:
                        out[attribute] = value
                else:
                    path.append(attribute)
                    out[attribute] = self.value(value)
                    path.pop()
            return out
        if plan.extra_check and len(vars(obj)) != plan.extra_check:
            extra = sorted(set(vars(obj)) - {f.name for f in plan.fields} - plan.wiring)
            what = f"{plan.name} has attributes that are not fields: {extra}"
            raise SnapshotError(what, self.here())
        primitives = PRIMITIVES
        for field, value in zip(plan.fields, plan.values(obj), strict=True):
            default = field.default
            if default is not NO_DEFAULT:
                if field.factory is None:
                    if value is default or (type(value) is type(default) and value == default):
                        continue
                elif type(value) is default and not value:
                    continue
            if type(value) in primitives:
                out[field.name] = value
            elif field.form == "time" and isinstance(value, _dt.datetime):
                out[field.name] = value.isoformat()
            elif field.form == "seconds" and isinstance(value, _dt.timedelta):
                seconds = value.total_seconds()
                exact = _dt.timedelta(seconds=seconds) == value
                out[field.name] = seconds if exact else self._delta(value)
            else:
                path.append(field.name)
                out[field.name] = self.value(value)
                path.pop()
        return out

    def _store(self, store: Store[Any]) -> Any:
        ref = self._seen(store)
        if ref is not None:
            return ref
        entries = store.entries()
        out: dict[str, Any] = {
            "$store": store.kind,
            "newest_first": store.newest_first,
            "next": store.next_sequence,
        }
        resources = [item for _, _, item in entries]
        plan = self._row_plan(resources) if len(resources) > 1 else None
        if plan is not None:
            rows = self._rows(plan, resources, [key for _, key, _ in entries])
            out["class"], out["fields"] = plan.name, list(plan.row_names)
            out["rows"] = [[entry[0], *row] for entry, row in zip(entries, rows, strict=True)]
            return out
        items = []
        path = self.path
        for sequence, key, item in entries:
            path.append(key)
            items.append([sequence, key, self.value(item)])
            path.pop()
        out["items"] = items
        return out

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
