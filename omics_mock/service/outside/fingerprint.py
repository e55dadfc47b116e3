"""Whether a function of moto's is the code a bulk writer here does the work of."""

from __future__ import annotations

import types
from typing import Any


def code_names(code: types.CodeType) -> frozenset[str]:
    """Every name a function's code (and the code nested in it) uses."""
    found = set(code.co_names)
    for constant in code.co_consts:
        if isinstance(constant, types.CodeType):
            found |= code_names(constant)
    return frozenset(found)


def names_match(function: Any, names: frozenset[str]) -> bool:
    """Whether ``function`` is a plain function whose code uses exactly ``names``."""
    return isinstance(function, types.FunctionType) and code_names(function.__code__) == names
