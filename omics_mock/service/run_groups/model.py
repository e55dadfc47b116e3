"""Run groups: named limits on the runs they contain."""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import Any

LIMITS = ("maxCpus", "maxRuns", "maxDuration", "maxGpus")
DURATION_EXCEEDED = "Run exceeded maxDuration"
"""The start of ``failureReason`` for runs failed by their group's ``maxDuration``."""


@dataclass(eq=False)
class RunGroup:
    """A named set of limits that runs can join."""

    id: str
    arn: str
    creation_time: _dt.datetime
    name: str | None = None
    limits: dict[str, int] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)
    removed: bool = False

    def to_create_output(self) -> dict[str, Any]:
        return {"arn": self.arn, "id": self.id, "tags": dict(self.tags)}

    def to_get_output(self) -> dict[str, Any]:
        output = self.to_list_item()
        output["tags"] = dict(self.tags)
        return output

    def to_list_item(self) -> dict[str, Any]:
        output: dict[str, Any] = {
            "arn": self.arn,
            "id": self.id,
            "creationTime": self.creation_time,
        }
        if self.name is not None:
            output["name"] = self.name
        output.update(self.limits)
        return output
