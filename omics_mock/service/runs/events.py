"""What happens to runs, for the families that react (batches, run groups, caches).

Notices say something happened; questions (``AdmissionRoom``, ``AdmissionVeto``,
``RunDeadline``) are published the same way and their answers collected.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .admission import Usage
    from .model import Run


@dataclass(frozen=True, slots=True)
class RunSubmitted:
    """A new run was stored, PENDING, at ``at`` (StartRun, or a batch's submission)."""

    run: Run
    at: _dt.datetime


@dataclass(frozen=True, slots=True)
class RunStatusChanged:
    """A run's status changed from ``before`` to ``run.status`` at ``at``."""

    run: Run
    before: str
    at: _dt.datetime


@dataclass(frozen=True, slots=True)
class RunRemoved:
    """A run is about to be forgotten (DeleteRun, a batch's DeleteRunBatch, eviction)."""

    run: Run
    at: _dt.datetime


@dataclass(frozen=True, slots=True)
class RunStartsWork:
    """A run enters RUNNING; its tasks are about to be laid out (cache hits are set now)."""

    run: Run
    at: _dt.datetime


@dataclass(frozen=True, slots=True)
class AdmissionRoom:
    """Question: may ``run`` be admitted, given what its pool's active runs hold?

    Answer ``False`` to keep it waiting; anything else lets it through.
    """

    run: Run
    usage: Usage


@dataclass(frozen=True, slots=True)
class AdmissionVeto:
    """Question, asked when a run becomes eligible: a message fails it instead."""

    run: Run


@dataclass(frozen=True, slots=True)
class RunDeadline:
    """Question, asked at admission: ``(limit, reason, message)`` fails the run if it
    is still active ``limit`` after admission; ``None`` sets no deadline."""

    run: Run


@dataclass(frozen=True, slots=True)
class ExportVeto:
    """Question, asked when a run that succeeded exports its outputs: ``(reason, message)``
    ends it FAILED instead (an output bucket that does not exist); ``None`` lets it complete."""

    run: Run
