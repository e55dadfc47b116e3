"""Checks for what tests hand the control API: values, and dataclasses that check them.

A wrong value is refused where it is given, with a ``TypeError`` (wrong kind
of value) or ``ValueError`` (right kind, out of range) naming the setting or
argument and what it accepts, so it cannot break a request later.

``Checked`` is a dataclass base whose fields are checked on every assignment,
from the field's type and an optional ``check`` in the field's metadata; an
unknown name is an ``AttributeError`` that lists the known ones.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import difflib
import math
import numbers
import types
import typing
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

T = TypeVar("T")

Convert = Callable[[str, Any], Any]
"""Check ``value`` given for ``name``; return what to store (raise if refused)."""

MAX_DURATION = _dt.timedelta(days=36_500)
"""The longest simulated phase: 100 years (virtual time must stay representable)."""

CHECK = "check"
"""Field metadata key: a ``Convert`` applied after the type's own check."""


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _kind(value: Any) -> str:
    return f"{_shown(value)} ({type(value).__name__})"


# -- values ------------------------------------------------------------------------------


def is_real(value: Any) -> bool:
    """A real number that is not a bool."""
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def whole(name: str, value: Any) -> int:
    """An ``int`` (not a bool)."""
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"{name} must be a whole number, not {_kind(value)}")
    return value


def real(name: str, value: Any) -> float:
    """A finite number, as a ``float``."""
    if not is_real(value):
        raise TypeError(f"{name} must be a number, not {_kind(value)}")
    try:
        number = float(value)
    except OverflowError:
        raise ValueError(f"{name} is too large: {_shown(value)}") from None
    if not math.isfinite(number):
        raise ValueError(f"{name} must be a finite number, not {_shown(value)}")
    return number


def flag(name: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be True or False, not {_kind(value)}")
    return value


def text(name: str, value: Any) -> str:
    """A non-empty ``str``."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string, not {_kind(value)}")
    if not value:
        raise ValueError(f"{name} must not be empty")
    return value


def optional_text(name: str, value: Any) -> str | None:
    return None if value is None else text(name, value)


def duration(name: str, value: Any) -> _dt.timedelta:
    """A ``timedelta`` or a number of seconds, from zero to ``MAX_DURATION``."""
    if isinstance(value, _dt.timedelta):
        seconds = value.total_seconds()
    elif is_real(value):
        seconds = real(name, value)
    else:
        raise TypeError(f"{name} must be a timedelta or a number of seconds, not {_kind(value)}")
    if seconds < 0:
        raise ValueError(f"{name} must not be negative, not {_shown(value)}")
    if seconds > MAX_DURATION.total_seconds():
        raise ValueError(f"{name} must be at most 100 years (36,500 days), not {_shown(value)}")
    return value if isinstance(value, _dt.timedelta) else _dt.timedelta(seconds=seconds)


def model_text(shape_name: str) -> Convert:
    """A string the service model's ``shape_name`` accepts (length, pattern, enum)."""

    def check(name: str, value: Any) -> Any:
        if not isinstance(value, str):
            raise TypeError(f"{name} must be a string, not {_kind(value)}")
        from ...wire.model import service_spec  # the model: loaded by the first check

        spec = service_spec()
        errors: list[str] = []
        validate = spec.validators.for_shape(spec.service_model.shape_for(shape_name))
        validate(value, name, errors)
        if errors:
            raise ValueError("; ".join(errors))
        return value

    return check


def at_least(minimum: float) -> Convert:
    """A limit on numbers: ``value >= minimum``."""

    def check(name: str, value: Any) -> Any:
        if value < minimum:
            raise ValueError(f"{name} must be at least {minimum}, not {value!r}")
        return value

    return check


def one_of(*choices: str) -> Convert:
    def check(name: str, value: Any) -> Any:
        if value not in choices:
            raise ValueError(f"{name} must be one of {list(choices)}, not {_shown(value)}")
        return value

    return check


def account_id(name: str, value: Any) -> str:
    """Twelve digits."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a 12-digit string, not {_kind(value)}")
    if not (len(value) == 12 and value.isascii() and value.isdigit()):
        raise ValueError(f"{name} must be 12 digits, not {_shown(value)}")
    return value


def texts(name: str, values: Iterable[Any]) -> tuple[str, ...]:
    """A list or tuple of non-empty strings."""
    if isinstance(values, (str, bytes)) or not isinstance(values, (list, tuple)):
        raise TypeError(f"{name} must be a list or tuple of strings, not {_kind(values)}")
    return tuple(text(f"{name}[{i}]", value) for i, value in enumerate(values))


# -- dataclasses ---------------------------------------------------------------------------


def checked_field(default: T, check: Convert) -> T:
    """A dataclass field with a default and a check beyond its type's."""
    return dataclasses.field(default=default, metadata={CHECK: check})


class Checked:
    """A dataclass whose fields are checked on every assignment (``__init__`` too)."""

    __slots__ = ()

    def __setattr__(self, name: str, value: Any) -> None:
        rules = _rules(type(self))
        rule = rules.get(name)
        if rule is None:
            raise AttributeError(_unknown(type(self), name, rules))
        default = _DEFAULTS[type(self)].get(name)
        if default is not None and value is default[0]:  # the field's own default: checked once
            object.__setattr__(self, name, default[1])
            return
        object.__setattr__(self, name, rule(f"{type(self).__name__}.{name}", value))

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__}.{name} cannot be deleted; assign it instead")


_RULES: dict[type, dict[str, Convert]] = {}
_DEFAULTS: dict[type, dict[str, tuple[Any, Any]]] = {}
"""Per class: each field's plain default (not a factory's) and what its check makes of it,
checked once, so that a new object with defaults does not check them again."""


def _rules(cls: type) -> dict[str, Convert]:
    """The check of every field of ``cls``, built from its type hints once."""
    rules = _RULES.get(cls)
    if rules is None:
        hints = typing.get_type_hints(cls)
        fields = dataclasses.fields(cls)
        rules = {
            field.name: _field_rule(hints[field.name], field.metadata.get(CHECK))
            for field in fields
        }
        _DEFAULTS[cls] = {
            field.name: (
                field.default,
                rules[field.name](f"{cls.__name__}.{field.name}", field.default),
            )
            for field in fields
            if field.default is not dataclasses.MISSING
        }
        _RULES[cls] = rules
    return rules


def _field_rule(hint: Any, extra: Convert | None) -> Convert:
    base = _type_rule(hint)
    if extra is None:
        return base

    def both(name: str, value: Any) -> Any:
        return extra(name, base(name, value))

    return both


_BY_TYPE: dict[Any, Convert] = {
    int: whole,
    float: real,
    bool: flag,
    str: text,
    _dt.timedelta: duration,
}


def _type_rule(hint: Any) -> Convert:
    """The check for a field type: a known type, a class, or one of those or ``None``."""
    arguments = typing.get_args(hint)
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        choices = [a for a in arguments if a is not type(None)]
        rule = _type_rule(choices[0]) if len(choices) == 1 else _any_of(choices)
        return _or_none(rule) if type(None) in arguments else rule
    known = _BY_TYPE.get(hint)
    if known is not None:
        return known
    origin = typing.get_origin(hint)
    if isinstance(origin, type):  # dict[str, float]: a dict of any content
        return _instance_of(origin)
    if isinstance(hint, type):  # after generics: Python 3.10 calls dict[str, float] a type
        return _instance_of(hint)
    raise TypeError(f"no check for a field of type {hint}")


def _any_of(hints: list[Any]) -> Convert:
    """A value any of ``hints`` accepts (``str | int``)."""
    rules = [_type_rule(hint) for hint in hints]
    names = " or ".join(getattr(hint, "__name__", str(hint)) for hint in hints)

    def check(name: str, value: Any) -> Any:
        for rule in rules:
            try:
                return rule(name, value)
            except (TypeError, ValueError):
                continue
        raise TypeError(f"{name} must be a {names}, not {_kind(value)}")

    return check


def _or_none(rule: Convert) -> Convert:
    def check(name: str, value: Any) -> Any:
        return None if value is None else rule(name, value)

    return check


def _instance_of(cls: type) -> Convert:
    def check(name: str, value: Any) -> Any:
        if not isinstance(value, cls):
            raise TypeError(f"{name} must be a {cls.__name__}, not {_kind(value)}")
        return value

    return check


def _unknown(cls: type, name: str, rules: dict[str, Convert]) -> str:
    close = difflib.get_close_matches(name, rules, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return f"{cls.__name__} has no setting {name!r}{hint}; its settings are: {', '.join(rules)}"
