"""A run's tasks: what each task needs (``TaskTemplate``) and a task that appeared."""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass

CACHE_HIT_SHARE = 0.05
"""A task answered from the run cache takes this share of its normal time."""


@dataclass(frozen=True)
class TaskTemplate:
    """A task every run of a workflow executes, with its resources."""

    name: str
    cpus: int = 2
    memory: int = 4
    gpus: int = 0
    image: str | None = None
    """The container image the definition declares for the task, if any."""

    @property
    def instance_type(self) -> str:
        if self.gpus:
            return "omics.g5.xlarge" if self.gpus == 1 else f"omics.g5.{4 * self.gpus}xlarge"
        family = (
            "c" if self.memory <= 2 * self.cpus else "m" if self.memory <= 4 * self.cpus else "r"
        )
        size = {1: "large", 2: "large", 4: "xlarge"}.get(
            self.cpus, f"{max(self.cpus // 4, 2)}xlarge"
        )
        return f"omics.{family}.{size}"


@dataclass(eq=False, slots=True)
class Task:
    """A task that has appeared in a run (IDs are allocated when it appears)."""

    id: str
    uuid: str
    template: TaskTemplate
    index: int
    window_start: _dt.datetime
    window_end: _dt.datetime
    cache_hit: bool = False
    cache_s3_uri: str | None = None
