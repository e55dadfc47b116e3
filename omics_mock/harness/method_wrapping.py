"""Decorating a test class: which methods are tests, and pytest-compatible
``setup_method``/``teardown_method`` wrappers that keep the user's signature."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any


def test_method_names(klass: type) -> list[str]:
    """Names of plain functions called ``test*`` on the class or its bases."""
    names = []
    for name in dir(klass):
        if name.startswith("test") and inspect.isfunction(inspect.getattr_static(klass, name)):
            names.append(name)
    return names


def _takes_method(function: Callable[..., Any]) -> bool:
    """Whether pytest passes ``method`` to this ``setup_method``/``teardown_method``
    (it counts positional parameters: ``self`` and ``method``)."""
    code = getattr(function, "__code__", None)
    if code is not None:
        return bool(code.co_argcount > 1)
    try:
        parameters = inspect.signature(function).parameters.values()
    except (TypeError, ValueError):
        return True
    positional = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    return sum(p.kind in positional for p in parameters) > 1


def with_arity_of(
    original: Callable[..., Any] | None, body: Callable[..., None]
) -> Callable[..., None]:
    """``body`` as a method taking ``method`` exactly when ``original`` does (or
    optionally, when there is no original), with ``original``'s name and signature."""
    if original is None:

        def optional_method(test: Any, method: Any = None) -> None:
            body(test, *(() if method is None else (method,)))

        optional_method.__name__ = optional_method.__qualname__ = body.__name__
        return optional_method
    if _takes_method(original):

        def with_method(test: Any, method: Any) -> None:
            body(test, method)

        wrapper: Callable[..., None] = with_method
    else:

        def without_method(test: Any) -> None:
            body(test)

        wrapper = without_method
    return functools.wraps(original)(wrapper)
