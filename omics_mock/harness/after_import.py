"""Run code right after a module is imported, without importing it ourselves.

The mock answers plain ``requests`` calls to omics URLs by patching ``requests``,
but importing ``requests`` costs a process about 25 ms: so it is patched at once
when the process has it already, and otherwise just after the process imports it.
"""

from __future__ import annotations

import contextlib
import importlib.abc
import sys
import threading
from collections.abc import Callable, Sequence
from importlib.machinery import ModuleSpec
from types import ModuleType
from typing import Any

Then = Callable[[ModuleType], None]


def after_import(name: str, then: Then) -> None:
    """``then(module)`` now if module ``name`` is imported, else right after it is."""
    module = sys.modules.get(name)
    if module is not None:
        then(module)
    else:
        _Watch(name, then).install()


class _Watch(importlib.abc.MetaPathFinder):
    """A finder that finds nothing itself: it asks the finders after it for ``name`` and
    wraps the loader they give, so ``then`` runs once the module's code has run."""

    def __init__(self, name: str, then: Then) -> None:
        self.name = name
        self._then = then
        self._asking = threading.local()

    def install(self) -> None:
        if self not in sys.meta_path:
            sys.meta_path.insert(0, self)

    def remove(self) -> None:
        with contextlib.suppress(ValueError):  # removed already
            sys.meta_path.remove(self)

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        if fullname != self.name or getattr(self._asking, "now", False):
            return None
        self._asking.now = True  # a finder below that asks sys.meta_path again skips us
        try:
            spec = _found_below(self, fullname, path, target)
        finally:
            self._asking.now = False
        if spec is not None and spec.loader is not None:
            spec.loader = _ThenLoader(spec.loader, self._fire)
        return spec

    def _fire(self, module: ModuleType) -> None:
        self.remove()
        self._then(module)


def _found_below(
    watch: _Watch, fullname: str, path: Sequence[str] | None, target: ModuleType | None
) -> ModuleSpec | None:
    for finder in list(sys.meta_path):
        find = getattr(finder, "find_spec", None)
        if finder is watch or find is None:
            continue
        spec: ModuleSpec | None = find(fullname, path, target)
        if spec is not None:
            return spec
    return None


class _ThenLoader(importlib.abc.Loader):
    """The module's own loader, then ``then``; the module keeps its own loader."""

    def __init__(self, loader: Any, then: Then) -> None:
        self._loader = loader
        self._then = then

    def create_module(self, spec: ModuleSpec) -> ModuleType | None:
        created: ModuleType | None = self._loader.create_module(spec)
        return created

    def exec_module(self, module: ModuleType) -> None:
        if module.__spec__ is not None:
            module.__spec__.loader = self._loader
        module.__loader__ = self._loader
        self._loader.exec_module(module)
        self._then(module)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._loader, name)
