"""Questions run groups ask other families."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RunGroupInUse:
    """Question: does run group ``group_id`` hold active runs? Answer ``True`` if so."""

    group_id: str


@dataclass(frozen=True, slots=True)
class RunGroupLimitsChanged:
    """A run group's limits changed: waiting runs may fit now."""

    group_id: str
