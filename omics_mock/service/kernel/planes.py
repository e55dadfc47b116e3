"""Planes: the families of a state in groups that a backend builds when it first needs them.

HealthOmics answers on three planes, and the service model says which one serves each
operation (``endpoint.hostPrefix``: ``workflows-``, ``storage-`` and ``control-storage-``,
``analytics-``, ``tags-``). A ``Catalog`` lists every family in registration order, each
with its plane, by name (``"runs.ops:Runs"``, under ``omics_mock.service``), so that a
plane's modules are imported only when a backend first builds it:

* the eager planes, with every backend;
* another plane when a request is routed to one of its hosts, when a family of it is
  asked for (``backend.get``), or when an event that one of its families reacts to is
  published (``reactions``: a question such as "can these read sets be read?" must reach
  the families that answer it, built or not).

A plane not built yet holds nothing, and building it later makes the same objects a
backend built eagerly would have made, so the order in which planes are built never
shows: a backend's families and its event subscriptions always follow the catalog's order.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Mapping, Sequence

PACKAGE = "omics_mock.service."
ALL = "all"
"""The one plane of a catalog made from family classes (``Catalog.of``)."""

_KEYS: dict[type, str] = {}


def class_key(cls: type) -> str:
    """``runs.ops:Runs`` for ``omics_mock.service.runs.ops.Runs`` (remembered per class)."""
    key = _KEYS.get(cls)
    if key is None:
        module = cls.__module__
        module = module[len(PACKAGE) :] if module.startswith(PACKAGE) else module
        key = _KEYS[cls] = f"{module}:{cls.__qualname__}"
    return key


def _load(key: str) -> type:
    module, _, name = key.partition(":")
    found: type = getattr(importlib.import_module(PACKAGE + module), name)
    return found


class Catalog:
    """Every family of a state, in registration order, grouped in planes."""

    __slots__ = ("_classes", "_keys", "_plane_of", "eager", "hosts", "planes", "reactions")

    def __init__(
        self,
        families: Sequence[tuple[str | type, str]],
        *,
        eager: Iterable[str] = (),
        hosts: Mapping[str, str] | None = None,
        reactions: Mapping[str, Iterable[str]] | None = None,
    ) -> None:
        """``families``: (family or its name, plane) in registration order. ``eager``: the
        planes built with every backend. ``hosts``: host prefix -> plane. ``reactions``:
        per plane, the events (by ``class_key``) its families react to."""
        self._keys = tuple(f if isinstance(f, str) else class_key(f) for f, _ in families)
        self._plane_of = {f if isinstance(f, str) else class_key(f): plane for f, plane in families}
        self.planes = tuple(dict.fromkeys(plane for _, plane in families))
        self.eager = tuple(eager)
        self.hosts = dict(hosts or {})
        self.reactions = {
            event: plane for plane, events in (reactions or {}).items() for event in events
        }
        """Event (``class_key``) -> the plane whose families react to it."""
        self._classes: dict[str, type] = {
            class_key(f): f for f, _ in families if not isinstance(f, str)
        }

    @classmethod
    def of(cls, families: Sequence[type]) -> Catalog:
        """A catalog of these families, in this order, all built with every backend."""
        return cls([(family, ALL) for family in families], eager=[ALL])

    def classes(self, plane: str) -> list[type]:
        """The family classes of ``plane``, in registration order (imported on first use;
        two threads may both import, and store the same classes)."""
        found = []
        for key in self._keys:
            if self._plane_of[key] == plane:
                kind = self._classes.get(key)
                if kind is None:
                    kind = self._classes[key] = _load(key)
                found.append(kind)
        return found

    def all_classes(self) -> tuple[type, ...]:
        """Every family class, in registration order (imports every plane)."""
        for plane in self.planes:
            self.classes(plane)
        return tuple(self._classes[key] for key in self._keys)

    def plane_of(self, kind: type) -> str | None:
        """The plane of a family class (``None``: not in this catalog)."""
        return self._plane_of.get(class_key(kind))

    def rank(self, kind: type) -> int:
        """Where a family class comes in registration order."""
        return self._keys.index(class_key(kind))
