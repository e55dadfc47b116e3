"""Runs: their statuses, how they change, and what the run operations answer.

A run's status and timestamps change through domain methods driven by the
simulation (``admit``, ``start_running``, ``start_stopping``, ``finish``,
``cancel_now``, ``record_failure``), each setting the timestamps it owns.
Its tasks are laid out on a timeline when the run enters RUNNING (``tasks``).
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import Any

from ..kernel.checks import model_text
from ..kernel.scheduler import Event
from ..kernel.settings import RunTiming
from .outputs import engine_version, fill, resource_digests
from .tasks import CACHE_HIT_SHARE, Task, TaskTemplate

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
STORED_STATUSES = (PENDING, STARTING, RUNNING, STOPPING, COMPLETED, FAILED, CANCELLED)
"""The statuses a stored run can show, in the order of its life."""
NO_TAGS: dict[str, str] = {}
NO_TASKS: list[Task] = []
NO_HITS: dict[int, str] = {}
"""Shared empty values for runs that have none (most runs of a large batch): never
changed in place, replaced by a run's own when it gets some."""
OUTCOMES = (COMPLETED, FAILED)
"""The statuses a run can be told to end in (``Outcome``)."""

LOG_GROUP = "/aws/omics/WorkflowLog"


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
        if self.status not in OUTCOMES:
            raise ValueError(f"an outcome's status is COMPLETED or FAILED, not {self.status!r}")
        if self.status == COMPLETED and (self.reason is not None or self.message is not None):
            raise ValueError("only a FAILED outcome has a reason or a message")
        if self.reason is not None:
            check_failure_reason("the outcome's reason", self.reason)
        if self.message is not None:
            check_status_message("the outcome's message", self.message)


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
    tags: dict[str, str] = field(default_factory=lambda: NO_TAGS)
    """Replaced, never changed in place (TagResource assigns a new dict)."""
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
    stopping_since: _dt.datetime | None = None
    ended_work_at: _dt.datetime | None = None
    """When the run's work stopped early (cancel or failure during RUNNING)."""
    end_status: str | None = None
    """The terminal status a STOPPING run will reach."""
    status_message: str | None = None
    failure_reason: str | None = None
    held: bool = False
    next_event: Event | None = None
    tasks: list[Task] = field(default_factory=lambda: NO_TASKS)
    """The tasks that have appeared; a run's own list once the first appears."""
    sequence: int = 0
    cache_hits: dict[int, str] = field(default_factory=lambda: NO_HITS)
    """Task index -> cache entry URI, for tasks answered from the run cache."""
    cache_entries: dict[int, str] | None = None
    """Task index -> cache entry URI, for the entries this run wrote to its run cache."""
    removed: bool = False
    run_id_output_uri: bool = False
    """``runOutputUri`` is ``<outputUri>/<runId>`` (the older form) rather than
    ``<outputUri>/<runId>/<runUuid>``."""
    engine_log_stream: bool = False
    """The run's engine log stream exists (set when the run's logs are written)."""
    rendered: dict[str, dict[str, Any]] | None = None
    """The parts of GetRun's and ListRuns' answers fixed at creation, by operation
    (see ``_fill``): built on the first read, never stale (nothing in them changes)."""

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

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE

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
        self.stopping_since = at
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

    # -- what the operations answer -------------------------------------------------------

    @property
    def log_level(self) -> str:
        return str(self.request.get("logLevel") or "ALL")

    @property
    def run_output_uri(self) -> str:
        """``<outputUri>/<runId>/<runUuid>`` (or ``<outputUri>/<runId>``, see
        ``settings.artifacts.run_output_uri``) under SERVICE_DEFINED; ``outputUri``
        itself under NONE_WITH_OVERWRITE."""
        output_uri = str(self.request["outputUri"])
        if self.output_uri_prefix_mode == "NONE_WITH_OVERWRITE":
            return output_uri
        output_uri = output_uri.rstrip("/")
        if self.run_id_output_uri:
            return f"{output_uri}/{self.id}"
        return f"{output_uri}/{self.id}/{self.uuid}"

    @property
    def output_uri_prefix_mode(self) -> str:
        return str(self.request.get("outputUriPrefixMode") or "SERVICE_DEFINED")

    def log_stream_arn(self, suffix: str) -> str:
        return (
            f"arn:aws:logs:{self.region}:{self.account_id}:log-group:{LOG_GROUP}"
            f":log-stream:{suffix}"
        )

    def to_start_output(self) -> dict[str, Any]:
        output: dict[str, Any] = {
            "arn": self.arn,
            "id": self.id,
            "status": self.status,
            "tags": dict(self.tags),
            "uuid": self.uuid,
            "runOutputUri": self.run_output_uri,
            "networkingMode": self.request.get("networkingMode") or "RESTRICTED",
        }
        if self.configuration is not None:
            output["configuration"] = self.configuration.to_run_reference()
        return output

    def to_get_output(self) -> dict[str, Any]:
        """GetRun's answer: the request echoed, with what the service resolved and did."""
        return fill(
            self._rendered(),
            "GetRun",
            self._get_output,
            {
                "status": self.status,
                "startTime": self.start_time,
                "stopTime": self.stop_time,
                "statusMessage": self.status_message,
                "failureReason": self.failure_reason,
                "tags": dict(self.tags),
                "logLocation": self._log_location(),
            },
        )

    def _get_output(self) -> dict[str, Any]:
        request = self.request
        workflow = self.workflow
        definition = self.definition
        engine = definition.engine
        configuration = self.configuration
        return {
            "arn": self.arn,
            "id": self.id,
            "uuid": self.uuid,
            "status": self.status,
            "workflowId": workflow.id,
            "workflowType": workflow.type,
            "workflowVersionName": request.get("workflowVersionName"),
            "workflowOwnerId": request.get("workflowOwnerId"),
            "workflowUuid": workflow.uuid,
            "runId": self.source_run_id,
            "roleArn": request["roleArn"],
            "name": request.get("name"),
            "runGroupId": self.run_group_id,
            "batchId": self.batch_id,
            "priority": request.get("priority"),
            "digest": definition.digest,
            "parameters": request.get("parameters"),
            "storageCapacity": self.storage_capacity,
            "storageType": self.storage_type,
            "outputUri": request["outputUri"],
            "runOutputUri": self.run_output_uri,
            "outputUriPrefixMode": self.output_uri_prefix_mode,
            "logLevel": request.get("logLevel"),
            "resourceDigests": resource_digests(request.get("parameters")),
            "startedBy": f"arn:aws:iam::{self.account_id}:user/omics-mock",
            "accelerators": definition.accelerators,
            "retentionMode": self.retention_mode,
            "cacheId": self.cache_id,
            "cacheBehavior": self.cache_behavior,
            "networkingMode": request.get("networkingMode") or "RESTRICTED",
            "configuration": configuration.to_run_reference() if configuration else None,
            "vpcConfig": configuration.run_vpc_config() if configuration else None,
            "scratchStorageMode": request.get("scratchStorageMode"),
            "sessionPolicy": request.get("sessionPolicy"),
            "engineSettings": request.get("engineSettings") if engine == "NEXTFLOW" else None,
            "engineVersion": engine_version(engine, request.get("engineSettings")),
            "creationTime": self.creation_time,
            "startTime": self.start_time,
            "stopTime": self.stop_time,
            "statusMessage": self.status_message,
            "failureReason": self.failure_reason,
            "tags": dict(self.tags),
            "logLocation": self._log_location(),
        }

    def _rendered(self) -> dict[str, dict[str, Any]]:
        if self.rendered is None:
            self.rendered = {}
        return self.rendered

    def _log_location(self) -> dict[str, str] | None:
        """The run's log streams: none with ``logLevel`` OFF; the engine stream once it exists."""
        if self.log_level == "OFF":
            return None
        location = {"runLogStream": self.log_stream_arn(f"run/{self.id}")}
        if self.engine_log_stream:
            location["engineLogStream"] = self.log_stream_arn(f"run/{self.id}/engine")
        return location

    def to_list_item(self) -> dict[str, Any]:
        return fill(
            self._rendered(),
            "ListRuns",
            self._list_item,
            {
                "status": self.status,
                "startTime": self.start_time,
                "stopTime": self.stop_time,
                "workflowName": self.workflow.name,
            },
        )

    def _list_item(self) -> dict[str, Any]:
        request = self.request
        return {
            "arn": self.arn,
            "id": self.id,
            "status": self.status,
            "workflowId": self.workflow.id,
            "batchId": self.batch_id,
            "name": request.get("name"),
            "priority": request.get("priority"),
            "storageCapacity": self.storage_capacity,
            "creationTime": self.creation_time,
            "startTime": self.start_time,
            "stopTime": self.stop_time,
            "storageType": self.storage_type,
            "workflowVersionName": request.get("workflowVersionName"),
            "workflowName": self.workflow.name,
        }
