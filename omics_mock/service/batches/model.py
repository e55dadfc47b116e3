"""Run batches: the batch, one entry per run setting, and the outputs they render."""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import Any

CREATING = "CREATING"
PENDING = "PENDING"
SUBMITTING = "SUBMITTING"
INPROGRESS = "INPROGRESS"
STOPPING = "STOPPING"
CANCELLED = "CANCELLED"
FAILED = "FAILED"
PROCESSED = "PROCESSED"
RUNS_DELETING = "RUNS_DELETING"
RUNS_DELETE_FAILED = "RUNS_DELETE_FAILED"
RUNS_DELETED = "RUNS_DELETED"

CANCELLABLE = frozenset({PENDING, SUBMITTING, INPROGRESS})
RUNS_DELETABLE = frozenset({PROCESSED, CANCELLED})
DELETABLE = frozenset({PROCESSED, FAILED, CANCELLED, RUNS_DELETE_FAILED, RUNS_DELETED})

RUN_COUNT_MEMBERS = {
    "PENDING": "pendingRunCount",
    "STARTING": "startingRunCount",
    "RUNNING": "runningRunCount",
    "STOPPING": "stoppingRunCount",
    "COMPLETED": "completedRunCount",
    "DELETED": "deletedRunCount",
    "FAILED": "failedRunCount",
    "CANCELLED": "cancelledRunCount",
}
ACTIVE_RUN_STATUSES = ("PENDING", "STARTING", "RUNNING", "STOPPING")


class BatchEntry:
    """One run setting of a batch and what became of it."""

    __slots__ = (
        "run_setting_id",
        "settings",
        "run_id",
        "run_uuid",
        "run_arn",
        "status",
        "reason",
        "message",
    )

    def __init__(self, run_setting_id: str, settings: dict[str, Any] | None) -> None:
        self.run_setting_id = run_setting_id
        self.settings = settings
        """The per-run settings until submission (dropped afterwards to save memory)."""
        self.run_id: str | None = None
        self.run_uuid: str | None = None
        self.run_arn: str | None = None
        self.status: str | None = None
        """SUCCESS, FAILED, CANCEL_SUCCESS, ... once submitted; None before."""
        self.reason: str | None = None
        self.message: str | None = None

    def to_list_item(self) -> dict[str, Any]:
        item: dict[str, Any] = {
            "runSettingId": self.run_setting_id,
            "submissionStatus": self.status,
        }
        if self.run_id is not None:
            item["runId"] = self.run_id
            item["runInternalUuid"] = self.run_uuid
            item["runArn"] = self.run_arn
        if self.reason is not None:
            item["submissionFailureReason"] = self.reason[:64]
            item["submissionFailureMessage"] = self.message or self.reason
        return item


@dataclass
class SubmissionSummary:
    """Counts of start, cancel and delete submissions."""

    successful_start: int = 0
    failed_start: int = 0
    pending_start: int = 0
    successful_cancel: int = 0
    failed_cancel: int = 0
    successful_delete: int = 0
    failed_delete: int = 0

    def to_output(self) -> dict[str, int]:
        return {
            "successfulStartSubmissionCount": self.successful_start,
            "failedStartSubmissionCount": self.failed_start,
            "pendingStartSubmissionCount": self.pending_start,
            "successfulCancelSubmissionCount": self.successful_cancel,
            "failedCancelSubmissionCount": self.failed_cancel,
            "successfulDeleteSubmissionCount": self.successful_delete,
            "failedDeleteSubmissionCount": self.failed_delete,
        }


@dataclass(eq=False)
class Batch:
    """A run batch."""

    id: str
    arn: str
    uuid: str
    creation_time: _dt.datetime
    default: dict[str, Any]
    total_runs: int
    name: str | None = None
    status: str = CREATING
    tags: dict[str, str] = field(default_factory=dict)
    s3_uri: str | None = None
    s3_etag: str | None = None
    entries: list[BatchEntry] = field(default_factory=list)
    entry_by_run: dict[str, BatchEntry] = field(default_factory=dict)
    next_entry: int = 0
    submissions: SubmissionSummary = field(default_factory=SubmissionSummary)
    run_counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(RUN_COUNT_MEMBERS, 0))
    submitted_time: _dt.datetime | None = None
    processed_time: _dt.datetime | None = None
    failed_time: _dt.datetime | None = None
    failure_reason: str | None = None
    busy: bool = False
    """A cancel or delete of the batch's runs is under way."""
    removed: bool = False

    @property
    def active_runs(self) -> int:
        return sum(self.run_counts[s] for s in ACTIVE_RUN_STATUSES)

    def to_start_output(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "arn": self.arn,
            "status": self.status,
            "uuid": self.uuid,
            "tags": dict(self.tags),
        }

    def to_get_output(self) -> dict[str, Any]:
        output: dict[str, Any] = {
            "id": self.id,
            "arn": self.arn,
            "uuid": self.uuid,
            "status": self.status,
            "tags": dict(self.tags),
            "totalRuns": self.total_runs,
            "defaultRunSetting": dict(self.default),
            "submissionSummary": self.submissions.to_output(),
            "runSummary": {RUN_COUNT_MEMBERS[s]: n for s, n in self.run_counts.items()},
            "creationTime": self.creation_time,
        }
        for member, value in (
            ("name", self.name),
            ("submittedTime", self.submitted_time),
            ("processedTime", self.processed_time),
            ("failedTime", self.failed_time),
            ("failureReason", self.failure_reason),
        ):
            if value is not None:
                output[member] = value
        return output

    def to_list_item(self) -> dict[str, Any]:
        item: dict[str, Any] = {
            "id": self.id,
            "status": self.status,
            "createdAt": self.creation_time,
            "totalRuns": self.total_runs,
            "workflowId": self.default["workflowId"],
        }
        if self.name is not None:
            item["name"] = self.name
        return item
