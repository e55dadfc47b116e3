"""What happens to workflows and their versions, for families that react."""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class WorkflowStatusChanged:
    """A workflow or a workflow version (``version``) reached ``status`` at ``at``:
    ACTIVE or FAILED after creation, DELETED once deleted."""

    workflow: Any
    version: Any
    status: str
    at: _dt.datetime
