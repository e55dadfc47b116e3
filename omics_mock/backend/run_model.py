"""Runs and their tasks.

A run's status and timestamps change through domain methods driven by the
simulation (``admit``, ``start_running``, ``start_stopping``, ``finish``,
``cancel``, ``fail``). Its tasks are laid out on a timeline when the run
enters RUNNING and their status at any instant is derived from that timeline
and from how the run ended, so a run with many tasks costs one timeline, not
one event per task phase.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import Any

from .checks import model_text
from .scheduler import Event
from .settings import RunTiming

PENDING = "PENDING"
STARTING = "STARTING"
RUNNING = "RUNNING"
STOPPING = "STOPPING"
COMPLETED = "COMPLETED"
FAILED = "FAILED"
CANCELLED = "CANCELLED"
DELETED = "DELETED"

ACTIVE = frozenset({PENDING, STARTING, RUNNING, STOPPING})
TERMINAL = frozenset({COMPLETED, FAILED, CANCELLED})

# Share of a task's window spent in each task phase before RUNNING and after.
_TASK_PENDING, _TASK_STARTING, _TASK_STOPPING = 0.02, 0.08, 0.05
CACHE_HIT_SHARE = 0.05
"""A task answered from the run cache takes this share of its normal time."""


@dataclass(frozen=True)
class TaskTemplate:
    """A task every run of a workflow executes, with its resources."""

    name: str
    cpus: int = 2
    memory: int = 4
    gpus: int = 0

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


OUTCOME_STATUSES = (COMPLETED, FAILED)
check_failure_reason = model_text("RunFailureReason")
"""A ``failureReason`` GetRun can show: 1 to 64 printable characters."""
check_status_message = model_text("RunStatusMessage")
"""A ``statusMessage`` GetRun can show: printable characters."""


@dataclass(frozen=True)
class Outcome:
    """How a run ends if nothing interferes: COMPLETED, or FAILED with an optional
    ``failureReason`` and ``statusMessage`` (checked when the outcome is made)."""

    status: str = COMPLETED
    reason: str | None = None
    message: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.status, str):
            raise TypeError(f"an outcome's status is a string, not {type(self.status).__name__}")
        if self.status not in OUTCOME_STATUSES:
            raise ValueError(f"an outcome's status is COMPLETED or FAILED, not {self.status!r}")
        if self.status == COMPLETED and (self.reason is not None or self.message is not None):
            raise ValueError("only a FAILED outcome has a reason or a message")
        if self.reason is not None:
            check_failure_reason("the outcome's reason", self.reason)
        if self.message is not None:
            check_status_message("the outcome's message", self.message)


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


@dataclass(eq=False, slots=True)
class Run:
    """One workflow run.

    ``request`` is the effective StartRun request (after duplication); GetRun
    echoes it together with the values resolved when the run was started
    (storage, cache behaviour, configuration).
    """

    id: str
    arn: str
    uuid: str
    account_id: str
    region: str
    creation_time: _dt.datetime
    request: dict[str, Any]
    workflow: Any
    version: Any
    templates: tuple[TaskTemplate, ...]
    timing: RunTiming
    outcome: Outcome
    priority: int = 0
    run_group_id: str | None = None
    batch_id: str | None = None
    retention_mode: str = "RETAIN"
    tags: dict[str, str] = field(default_factory=dict)
    storage_type: str | None = None
    storage_capacity: int | None = None
    cache_id: str | None = None
    cache_behavior: str | None = None
    configuration: Any = None
    source_run_id: str | None = None
    status: str = PENDING
    start_time: _dt.datetime | None = None
    stop_time: _dt.datetime | None = None
    running_since: _dt.datetime | None = None
    starting_since: _dt.datetime | None = None
    ended_work_at: _dt.datetime | None = None
    """When the run's work stopped early (cancel or failure during RUNNING)."""
    end_status: str | None = None
    """The terminal status a STOPPING run will reach."""
    status_message: str | None = None
    failure_reason: str | None = None
    held: bool = False
    next_event: Event | None = None
    tasks: list[Task] = field(default_factory=list)
    sequence: int = 0
    cache_hits: dict[int, str] = field(default_factory=dict)
    """Task index -> cache entry URI, for tasks answered from the run cache."""

    @property
    def definition(self) -> Any:
        """The definition the run executes: its version's, else the workflow's."""
        return self.version.definition if self.version is not None else self.workflow.definition

    @property
    def name(self) -> str | None:
        return self.request.get("name")

    @property
    def workflow_owner_id(self) -> str | None:
        return self.request.get("workflowOwnerId")

    @property
    def configuration_name(self) -> str | None:
        return self.configuration.name if self.configuration is not None else None

    # -- phase lengths ------------------------------------------------------------------

    @property
    def task_duration(self) -> _dt.timedelta:
        if self.timing.running is not None and self.templates:
            return self.timing.running / len(self.templates)
        return self.timing.task or _dt.timedelta(0)

    def task_durations(self) -> list[_dt.timedelta]:
        step = self.task_duration
        return [
            step * CACHE_HIT_SHARE if i in self.cache_hits else step
            for i in range(len(self.templates))
        ]

    @property
    def running_duration(self) -> _dt.timedelta:
        if self.timing.running is not None and not self.cache_hits:
            return self.timing.running
        return sum(self.task_durations(), _dt.timedelta(0))

    @property
    def cpus(self) -> int:
        """vCPUs the run holds while active: its biggest task (tasks run one at a time)."""
        return max((t.cpus for t in self.templates), default=1)

    @property
    def gpus(self) -> int:
        return max((t.gpus for t in self.templates), default=0)

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE

    # -- state changes (each sets the timestamps it owns) ---------------------------------

    def admit(self, at: _dt.datetime) -> None:
        self.status = STARTING
        self.starting_since = at

    def start_running(self, at: _dt.datetime) -> None:
        self.status = RUNNING
        self.start_time = at
        self.running_since = at

    def start_stopping(self, at: _dt.datetime, end_status: str) -> None:
        if self.status == RUNNING and self.running_since is not None:
            planned_end = self.running_since + self.running_duration
            if at < planned_end:
                self.ended_work_at = at
        self.status = STOPPING
        self.end_status = end_status

    def finish(self, at: _dt.datetime) -> None:
        self.status = self.end_status or COMPLETED
        self.stop_time = at

    def cancel_now(self, at: _dt.datetime) -> None:
        """Cancel a run that has not been provisioned yet (PENDING)."""
        self.status = CANCELLED
        self.stop_time = at
        self.ended_work_at = at

    def record_failure(self, reason: str | None, message: str | None) -> None:
        self.failure_reason = (reason or "WORKFLOW_RUN_FAILED")[:64]
        self.status_message = message or self.failure_reason

    # -- tasks ------------------------------------------------------------------------------

    def task_windows(self) -> list[tuple[int, _dt.datetime, _dt.datetime]]:
        """(index, start, end) of every task that has appeared by the time work stopped."""
        if self.running_since is None:
            return []
        stop = self.ended_work_at
        windows = []
        start = self.running_since
        for index, length in enumerate(self.task_durations()):
            if stop is not None and start >= stop:
                break
            windows.append((index, start, start + length))
            start += length
        return windows

    def task_status(
        self, task: Task, now: _dt.datetime
    ) -> tuple[str, _dt.datetime | None, _dt.datetime | None]:
        """(status, startTime, stopTime) of a task at ``now``."""
        begin, end = task.window_start, task.window_end
        length = end - begin
        running_at = begin + length * (_TASK_PENDING + _TASK_STARTING)
        stopping_at = end - length * _TASK_STOPPING
        cut = self.ended_work_at
        if cut is not None and cut < end:
            if now >= cut:
                final = FAILED if self.end_status == FAILED else CANCELLED
                return final, (running_at if cut > running_at else None), cut
            end = cut
        if now >= end:
            failed = self.end_status == FAILED and task.index == len(self.templates) - 1
            return (FAILED if failed else COMPLETED), running_at, end
        if now >= stopping_at:
            return STOPPING, running_at, None
        if now >= running_at:
            return RUNNING, running_at, None
        if now >= begin + length * _TASK_PENDING:
            return STARTING, None, None
        return PENDING, None, None
