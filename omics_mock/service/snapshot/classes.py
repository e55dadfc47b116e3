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
import importlib
import sys
import types
import typing
from collections.abc import Callable, Mapping
from typing import Any

from ..kernel.checks import Checked

PACKAGE = "omics_mock.service."
WIRING = "SNAPSHOT_WIRING"
"""Class attribute: names of attributes made by the constructor that snapshots skip."""

Check = Callable[[Any], bool]
NO_DEFAULT = object()
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
    check: Check | None
    expected: str


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

    def attributes(self, obj: Any) -> list[str]:
        """The names carried for ``obj``."""
        if self.fields is not None:
            return [f.name for f in self.fields]
        if self.slots is not None:
            return [n for n in self.slots if n not in self.wiring and hasattr(obj, n)]
        return [n for n in vars(obj) if n not in self.wiring]


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
    check = None if hint is None else _check(hint)
    return Field(field.name, default, factory, check, _shown(hint))


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


def _check(hint: Any) -> Check | None:
    """A check that a restored value fits ``hint``; ``None`` when anything may."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        checks = [_check(arg) for arg in typing.get_args(hint)]
        if any(check is None for check in checks):
            return None
        return lambda value: any(check(value) for check in checks)  # type: ignore[misc]
    if hint is type(None) or hint is None:
        return lambda value: value is None
    if origin is typing.ClassVar or hint is Any or isinstance(hint, typing.TypeVar):
        return None
    kind = _KINDS.get(origin if origin is not None else hint)
    if kind is not None:
        return kind
    target = origin if isinstance(origin, type) else hint
    if isinstance(target, type):
        return lambda value: isinstance(value, target)
    return None


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_float(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


_KINDS: dict[Any, Check] = {
    int: _is_int,
    float: _is_float,
    Mapping: lambda value: isinstance(value, dict),
    collections.abc.Mapping: lambda value: isinstance(value, dict),
    _dt.datetime: lambda value: isinstance(value, _dt.datetime),
    Callable: callable,
    collections.abc.Callable: callable,
}


def _shown(hint: Any) -> str:
    if hint is None:
        return "any value"
    if isinstance(hint, type):
        return hint.__name__
    return str(hint).replace("typing.", "").replace("datetime.", "")
