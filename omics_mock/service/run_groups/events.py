"""Questions run groups ask other families, and what happens to run groups."""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RunGroupInUse:
    """Question: does run group ``group_id`` hold active runs? Answer ``True`` if so."""

    group_id: str


@dataclass(frozen=True, slots=True)
class RunGroupLimitsChanged:
    """A run group's limits changed: waiting runs may fit now."""

    group_id: str


@dataclass(frozen=True, slots=True)
class RunGroupStatusChanged:
    """A run group became ``status`` (ACTIVE when created, DELETED when deleted) at ``at``."""

    arn: str
    status: str
    at: _dt.datetime
