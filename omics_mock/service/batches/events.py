"""What happens to run batches, for families that react (their EventBridge events)."""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .model import Batch


@dataclass(frozen=True, slots=True)
class BatchStatusChanged:
    """A batch's status changed from ``before`` (``None`` for a new batch) at ``at``."""

    batch: Batch
    before: str | None
    at: _dt.datetime
