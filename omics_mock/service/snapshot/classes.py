"""Which classes a snapshot may hold, what it carries of each, and how it checks them.

A class is named by its module under ``omics_mock.service`` and its qualified
name (``runs.model:Run``); only classes of the service can be named, so a
snapshot can make nothing else. A class's ``Plan`` is built once: the
attributes it carries (a dataclass's fields; a class's ``__slots__``; any other
class's instance attributes), minus what the class declares as wiring
(``SNAPSHOT_WIRING``: made by its constructor, neither carried nor replaced),
and for dataclasses the defaults (fields at their default are left out) and a
check of each field's type.
"""

from __future__ import annotations

import collections
import dataclasses
import datetime as _dt
import functools
import importlib
import operator
import sys
import types
import typing
from collections.abc import Callable, Mapping
from typing import Any

from ..kernel.checks import Checked

PACKAGE = "omics_mock.service."
WIRING = "SNAPSHOT_WIRING"
"""Class attribute: names of attributes made by the constructor that snapshots skip."""

CONSTANT_NAMES = (("run_artifacts.script", "EMPTY"),)
"""Module-level objects of the service that objects share (``module``, ``name``): a
snapshot names them (``{"$ref": "constants/run_artifacts.script:EMPTY"}``) so that a
restored object shares the very same one, as a new object would."""


@functools.cache
def constants() -> dict[str, Any]:
    """Place -> object of every shared module-level constant."""
    return {
        f"constants/{module}:{name}": getattr(importlib.import_module(PACKAGE + module), name)
        for module, name in CONSTANT_NAMES
    }


NO_DEFAULT = object()
PLAIN_TYPES = frozenset({str, int, float, bool, type(None)})
EMPTY_FACTORIES: dict[Any, type] = {dict: dict, list: list, set: set}


class SnapshotError(ValueError):
    """A snapshot that cannot be written or restored; the message says what and where."""

    def __init__(self, message: str, path: str | None = None) -> None:
        self.path = path
        super().__init__(f"{path}: {message}" if path else message)


def class_name(cls: type) -> str:
    """``runs.model:Run`` for ``omics_mock.service.runs.model.Run``."""
    module = cls.__module__
    if not module.startswith(PACKAGE) or "<locals>" in cls.__qualname__:
        raise SnapshotError(f"objects of {module}.{cls.__qualname__} cannot be snapshotted")
    return f"{module[len(PACKAGE) :]}:{cls.__qualname__}"


def lookup(name: Any, path: str) -> type:
    """The class a snapshot names; ``SnapshotError`` for anything but a service class."""
    if not isinstance(name, str) or name.count(":") != 1:
        raise SnapshotError(f"{name!r} is not a class name such as 'runs.model:Run'", path)
    module_name, qualname = name.split(":")
    full = PACKAGE + module_name
    if not all(part.isidentifier() for part in [*full.split("."), *qualname.split(".")]):
        raise SnapshotError(f"{name!r} is not a class name such as 'runs.model:Run'", path)
    try:
        found: Any = sys.modules.get(full) or importlib.import_module(full)
        for part in qualname.split("."):
            found = getattr(found, part)
    except (ImportError, AttributeError):
        raise SnapshotError(f"this omics-mock has no class {name}", path) from None
    if not isinstance(found, type) or found.__module__ != full:
        raise SnapshotError(f"{name} is not a class of omics-mock's service", path)
    return found


@dataclasses.dataclass(frozen=True)
class Field:
    """One carried attribute of a dataclass."""

    name: str
    default: Any
    """The default value, ``NO_DEFAULT``, or for a factory the empty type it makes."""
    factory: Callable[[], Any] | None
    accepts: tuple[type, ...] | None
    """The types a restored value may have (``None``: any)."""
    expected: str
    form: str = ""
    """``time``: a ``datetime`` field, written as ISO 8601 text; ``seconds``: a
    ``timedelta`` field, written as a number of seconds; ``""``: any value form."""


@dataclasses.dataclass(frozen=True)
class Plan:
    """What a snapshot carries of one class and how it restores it."""

    cls: type
    name: str | None
    """``runs.model:Run``; ``None`` for a class outside the service (a subclass the harness
    made of a mock-wide kind, written under its kind's name)."""
    fields: tuple[Field, ...] | None
    """A dataclass's fields (``None`` for other classes)."""
    slots: tuple[str, ...] | None
    """A non-dataclass class's slots (``None``: its instance ``__dict__``)."""
    wiring: frozenset[str]
    checked: bool
    """Assignments go through ``Checked``'s checks (settings)."""
    named_tuple: bool = False
    """A ``NamedTuple``: made from its fields at once (``slots`` holds them)."""
    extra_check: int = 0
    """A dataclass with a ``__dict__``: how many attributes its instances have (more means
    one was set that is not a field, which the snapshot would not carry)."""

    @functools.cached_property
    def row_names(self) -> tuple[str, ...]:
        """The attributes a row holds, in order: the fields, or the slots but wiring."""
        if self.fields is not None:
            return tuple(field.name for field in self.fields)
        return tuple(name for name in self.slots or () if name not in self.wiring)

    @functools.cached_property
    def row_forms(self) -> tuple[str, ...]:
        """Each row attribute's value form (``time``, ``seconds`` or ``""``)."""
        forms = {field.name: field.form for field in self.fields or ()}
        return tuple(forms.get(name, "") for name in self.row_names)

    @functools.cached_property
    def row_objects(self) -> tuple[int, ...]:
        """Positions (in ``row_names``) of attributes that may hold more than a JSON
        primitive (their type says so, or says nothing)."""
        accepts = {field.name: field.accepts for field in self.fields or ()}
        plain = PLAIN_TYPES
        return tuple(
            n
            for n, name in enumerate(self.row_names)
            if accepts.get(name) is None or not set(accepts[name] or ()) <= plain
        )

    @functools.cached_property
    def row_values(self) -> Callable[[Any], tuple[Any, ...]]:
        """An object's row attribute values, in order, in one call."""
        return _getter(self.row_names)

    @functools.cached_property
    def known(self) -> frozenset[str]:
        """The names a written object of a dataclass may hold: its fields and ``$obj``."""
        return frozenset(field.name for field in self.fields or ()) | {"$obj"}

    @functools.cached_property
    def values(self) -> Callable[[Any], tuple[Any, ...]]:
        """A dataclass instance's field values, in field order, in one call."""
        return _getter(tuple(field.name for field in self.fields or ()))

    def attributes(self, obj: Any) -> list[str]:
        """The names carried for ``obj``."""
        if self.fields is not None:
            return [f.name for f in self.fields]
        if self.slots is not None:
            return [n for n in self.slots if n not in self.wiring and hasattr(obj, n)]
        return [n for n in vars(obj) if n not in self.wiring]


def _getter(names: tuple[str, ...]) -> Callable[[Any], tuple[Any, ...]]:
    """The attributes ``names`` of an object, as a tuple, in one call."""
    if len(names) == 1:
        one = operator.attrgetter(names[0])
        return lambda obj: (one(obj),)
    if not names:
        return lambda obj: ()
    return operator.attrgetter(*names)


_PLANS: dict[type, Plan] = {}


def plan_for(cls: type) -> Plan:
    plan = _PLANS.get(cls)
    if plan is None:
        plan = _PLANS[cls] = _make_plan(cls)
    return plan


def _make_plan(cls: type) -> Plan:
    try:
        name: str | None = class_name(cls)
    except SnapshotError:
        name = None
    wiring = frozenset(getattr(cls, WIRING, ()))
    checked = issubclass(cls, Checked)
    if dataclasses.is_dataclass(cls):
        hints = _hints(cls)
        fields = tuple(
            _field(f, hints.get(f.name)) for f in dataclasses.fields(cls) if f.name not in wiring
        )
        has_dict = _slots(cls) is None
        count = len(dataclasses.fields(cls)) if has_dict else 0
        return Plan(cls, name, fields, None, wiring, checked, extra_check=count)
    if issubclass(cls, tuple) and hasattr(cls, "_fields"):
        return Plan(cls, name, None, tuple(cls._fields), wiring, checked, named_tuple=True)
    slots = _slots(cls)
    return Plan(cls, name, None, slots, wiring, checked)


def _slots(cls: type) -> tuple[str, ...] | None:
    names: list[str] = []
    for klass in cls.__mro__:
        if klass is object:
            continue
        if "__slots__" not in vars(klass):
            return None  # instances have a __dict__ too
        declared = vars(klass)["__slots__"]
        for slot in (declared,) if isinstance(declared, str) else declared:
            if slot not in ("__dict__", "__weakref__") and slot not in names:
                names.append(slot)
    return tuple(names)


def _field(field: dataclasses.Field[Any], hint: Any) -> Field:
    default: Any = NO_DEFAULT
    factory = None
    if field.default is not dataclasses.MISSING:
        default = field.default
    elif field.default_factory is not dataclasses.MISSING:
        factory = field.default_factory
        made = type(factory())
        default = EMPTY_FACTORIES.get(made, NO_DEFAULT)
    accepts = None if hint is None else _accepts(hint)
    form = ""
    if accepts is not None and set(accepts) <= {_dt.datetime, type(None)}:
        form = "time" if _dt.datetime in accepts else ""
    elif accepts is not None and set(accepts) <= {_dt.timedelta, type(None)}:
        form = "seconds" if _dt.timedelta in accepts else ""
    return Field(field.name, default, factory, accepts, _shown(hint), form)


def _hints(cls: type) -> dict[str, Any]:
    """Field types, resolved one by one (a name only imported for type checking is skipped)."""
    found: dict[str, Any] = {}
    for klass in reversed(cls.__mro__):
        module = sys.modules.get(klass.__module__)
        scope = {**vars(typing), **(vars(module) if module else {}), **vars(klass)}
        for name, hint in vars(klass).get("__annotations__", {}).items():
            try:
                found[name] = eval(hint, scope) if isinstance(hint, str) else hint
            except Exception:  # a name imported only under TYPE_CHECKING
                found.pop(name, None)
    return found


def _accepts(hint: Any) -> tuple[type, ...] | None:
    """The types a value of ``hint`` may have; ``None`` when anything may."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        parts = [_accepts(arg) for arg in typing.get_args(hint)]
        if any(part is None for part in parts):
            return None
        return tuple(kind for part in parts for kind in part or ())
    if hint is None or hint is type(None):
        return (type(None),)
    if origin is typing.ClassVar or hint is Any or isinstance(hint, typing.TypeVar):
        return None
    target = origin if origin is not None else hint
    if target is float:
        return (int, float)
    if target in (Mapping, collections.abc.Mapping):
        return (dict,)
    if target in (Callable, collections.abc.Callable):
        return (collections.abc.Callable,)  # type: ignore[return-value]
    return (target,) if isinstance(target, type) else None


def _shown(hint: Any) -> str:
    if hint is None:
        return "any value"
    if isinstance(hint, type):
        return hint.__name__
    return str(hint).replace("typing.", "").replace("datetime.", "")
