"""Variant and annotation stores: what both kinds hold and answer (spec §4.1, §4.2)."""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import Any

CREATING = "CREATING"
UPDATING = "UPDATING"
DELETING = "DELETING"
ACTIVE = "ACTIVE"
FAILED = "FAILED"

TAKES_DATA = (ACTIVE, UPDATING)
"""Statuses in which a store (or version) takes imports and new versions."""

DEFAULT_SSE = {"type": "KMS"}
"""``sseConfig`` of a store created without one: a key owned and managed by AWS."""


class Phases:
    """Status changes of stores and versions: each sets the timestamps it owns."""

    status: str
    status_message: str
    description: str
    update_time: _dt.datetime | None

    def activate(self, at: _dt.datetime) -> None:
        """CREATING or UPDATING ends (one failed or deleting meanwhile stays so)."""
        if self.status in (CREATING, UPDATING):
            self.status, self.update_time = ACTIVE, at

    def fail(self, message: str, at: _dt.datetime) -> None:
        self.status, self.status_message, self.update_time = FAILED, message, at

    def start_deleting(self, at: _dt.datetime) -> None:
        self.status, self.update_time = DELETING, at

    def describe(self, description: str, at: _dt.datetime) -> None:
        self.description, self.update_time = description, at


@dataclass(eq=False)
class AnalyticsStore(Phases):
    """A variant or annotation store of one account and Region (named, 12-hex ID)."""

    id: str
    name: str
    arn: str
    creation_time: _dt.datetime
    reference_arn: str | None = None
    description: str = ""
    sse_config: dict[str, Any] = field(default_factory=lambda: dict(DEFAULT_SSE))
    tags: dict[str, str] = field(default_factory=dict)
    status: str = CREATING
    status_message: str = ""
    update_time: _dt.datetime | None = None
    size_bytes: int = 0
    removed: bool = False

    def __post_init__(self) -> None:
        if self.update_time is None:
            self.update_time = self.creation_time

    # -- outputs ---------------------------------------------------------------------

    def reference(self) -> dict[str, Any]:
        """``{"reference": {...}}``, empty for a store without one (TSV, GENERIC)."""
        if self.reference_arn is None:
            return {}
        return {"reference": {"referenceArn": self.reference_arn}}

    def to_create_output(self) -> dict[str, Any]:
        return {
            "id": self.id,
            **self.reference(),
            "status": self.status,
            "name": self.name,
            "creationTime": self.creation_time,
        }

    def to_update_output(self) -> dict[str, Any]:
        return {
            "id": self.id,
            **self.reference(),
            "status": self.status,
            "name": self.name,
            "description": self.description,
            "creationTime": self.creation_time,
            "updateTime": self.update_time,
        }

    def to_list_item(self) -> dict[str, Any]:
        return {
            "id": self.id,
            **self.reference(),
            "status": self.status,
            "storeArn": self.arn,
            "name": self.name,
            "description": self.description,
            "sseConfig": dict(self.sse_config),
            "creationTime": self.creation_time,
            "updateTime": self.update_time,
            "statusMessage": self.status_message,
            "storeSizeBytes": self.size_bytes,
        }

    def to_get_output(self) -> dict[str, Any]:
        output = self.to_list_item()
        output["tags"] = dict(self.tags)
        return output
