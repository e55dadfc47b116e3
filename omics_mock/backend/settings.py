"""Per-mock settings: how long simulated phases take and the account quotas.

Every value can be changed through the control API (``mock.settings``) and
applies to the mock it belongs to only.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field


def _seconds(value: float) -> _dt.timedelta:
    return _dt.timedelta(seconds=value)


@dataclass
class Durations:
    """How long each simulated phase lasts in virtual time."""

    workflow_creating: _dt.timedelta = field(default_factory=lambda: _seconds(0))
    """CreateWorkflow/CreateWorkflowVersion: CREATING until ACTIVE (or FAILED)."""
    workflow_updating: _dt.timedelta = field(default_factory=lambda: _seconds(0))
    """UpdateWorkflow/UpdateWorkflowVersion: UPDATING until ACTIVE."""


@dataclass
class Quotas:
    """Account quotas. Count quotas raise ServiceQuotaExceededException (402)."""

    max_workflows: int = 1000
    max_versions_per_workflow: int = 1000
    max_tags_per_resource: int = 50
    max_definition_bytes: int = 100 * 1024 * 1024
    max_parameter_bytes: int = 50_000


@dataclass
class Settings:
    """Everything a test may tune for one mock."""

    default_account_id: str = "123456789012"
    durations: Durations = field(default_factory=Durations)
    quotas: Quotas = field(default_factory=Quotas)
