"""Variant and annotation import jobs in virtual time (spec §4.4).

A job is SUBMITTED for ``durations.job_submitted``, then IN_PROGRESS with every
item IN_PROGRESS (items run in parallel) for ``durations.job_importing``; then
each item is imported (its family's ``ItemWork``) and ends COMPLETED or FAILED,
and the job ends COMPLETED (every item), FAILED (none) or COMPLETED_WITH_FAILURES.
CancelVariantImportJob/CancelAnnotationImportJob end a running job CANCELLED at
once, with the items that had not ended.
"""

from __future__ import annotations

import datetime as _dt
import functools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from ..kernel.scheduler import Event

if TYPE_CHECKING:
    from ..kernel.state import Backend

SUBMITTED = "SUBMITTED"
IN_PROGRESS = "IN_PROGRESS"
COMPLETED = "COMPLETED"
COMPLETED_WITH_FAILURES = "COMPLETED_WITH_FAILURES"
FAILED = "FAILED"
CANCELLED = "CANCELLED"
RUNNING = frozenset({SUBMITTED, IN_PROGRESS})


@dataclass(eq=False)
class ImportItem:
    """One source file of an import job, with its own status."""

    source: str
    status: str = SUBMITTED
    status_message: str | None = None
    forced_failure: str | None = None
    """Set through the control API: the item fails with this message."""

    def to_output(self, with_message: bool) -> dict[str, Any]:
        output: dict[str, Any] = {"source": self.source, "jobStatus": self.status}
        if with_message and self.status_message:
            output["statusMessage"] = self.status_message
        return output


@dataclass(eq=False)
class ImportJob:
    """A variant or annotation import job (``kind``)."""

    id: str
    kind: str
    store_id: str
    destination_name: str
    role_arn: str
    creation_time: _dt.datetime
    items: list[ImportItem]
    version_name: str | None = None
    run_left_normalization: bool = False
    annotation_fields: dict[str, str] | None = None
    format_options: dict[str, Any] | None = None
    status: str = SUBMITTED
    status_message: str = ""
    update_time: _dt.datetime | None = None
    completion_time: _dt.datetime | None = None
    next_event: Event | None = field(default=None, repr=False)
    removed: bool = False

    def __post_init__(self) -> None:
        if self.update_time is None:
            self.update_time = self.creation_time

    @property
    def running(self) -> bool:
        return self.status in RUNNING

    # -- state changes ----------------------------------------------------------------

    def start(self, at: _dt.datetime) -> None:
        self.status, self.update_time = IN_PROGRESS, at
        for item in self.items:
            item.status = IN_PROGRESS

    def end(self, status: str, message: str, at: _dt.datetime) -> None:
        self.status, self.status_message = status, message
        self.update_time = self.completion_time = at
        if self.next_event is not None:
            self.next_event.cancel()
            self.next_event = None

    def cancel(self, message: str, at: _dt.datetime) -> None:
        for item in self.items:
            if item.status in RUNNING:
                item.status = CANCELLED
        self.end(CANCELLED, message, at)

    # -- outputs ----------------------------------------------------------------------

    def to_list_item(self) -> dict[str, Any]:
        output: dict[str, Any] = {"id": self.id, "destinationName": self.destination_name}
        if self.version_name is not None:
            output["versionName"] = self.version_name
        output.update(
            {
                "roleArn": self.role_arn,
                "status": self.status,
                "creationTime": self.creation_time,
                "updateTime": self.update_time,
            }
        )
        if self.completion_time is not None:
            output["completionTime"] = self.completion_time
        output["runLeftNormalization"] = self.run_left_normalization
        if self.annotation_fields is not None:
            output["annotationFields"] = dict(self.annotation_fields)
        return output

    def to_get_output(self) -> dict[str, Any]:
        output = self.to_list_item()
        output["statusMessage"] = self.status_message
        variant = self.version_name is None
        output["items"] = [item.to_output(variant) for item in self.items]
        if self.format_options is not None:
            output["formatOptions"] = self.format_options
        return output


class ItemWork(Protocol):
    """What a job kind does with one item when the job's items end."""

    def import_item(self, job: ImportJob, item: ImportItem, at: _dt.datetime) -> str | None:
        """Import the item's file; a message fails the item instead."""


class ImportLifecycle:
    """Schedules the status changes of one family's import jobs."""

    SNAPSHOT_WIRING = ("work",)
    """The family that owns the lifecycle: snapshots neither carry nor replace it."""

    def __init__(self, backend: Backend, work: ItemWork) -> None:
        self.backend = backend
        self.work = work
        self.running: dict[str, ImportJob] = {}
        """Jobs SUBMITTED or IN_PROGRESS, by ID (quotas and stores ask about these only)."""

    def submit(self, job: ImportJob) -> None:
        """SUBMITTED for ``durations.job_submitted``, then IN_PROGRESS (``_start``)."""
        self.running[job.id] = job
        durations = self.backend.settings.analytics.durations
        job.next_event = self.backend.scheduler.schedule(
            job.creation_time + durations.job_submitted, functools.partial(self._start, job)
        )

    def _start(self, job: ImportJob, at: _dt.datetime) -> None:
        job.start(at)
        durations = self.backend.settings.analytics.durations
        job.next_event = self.backend.scheduler.schedule(
            at + durations.job_importing, functools.partial(self._imported, job)
        )

    def _imported(self, job: ImportJob, at: _dt.datetime) -> None:
        job.next_event = None
        self.finish(job, at)

    def finish(self, job: ImportJob, at: _dt.datetime) -> None:
        """Every item ends; the job ends by their outcomes."""
        self.running.pop(job.id, None)
        for item in job.items:
            problem = item.forced_failure or self.work.import_item(job, item, at)
            item.status = FAILED if problem else COMPLETED
            item.status_message = problem
        failed = [item for item in job.items if item.status == FAILED]
        if not failed:
            job.end(COMPLETED, "", at)
        elif len(failed) == len(job.items):
            job.end(FAILED, failed[0].status_message or "", at)
        else:
            job.end(
                COMPLETED_WITH_FAILURES,
                f"{len(failed)} of {len(job.items)} files failed to import.",
                at,
            )

    def cancel(self, job: ImportJob, message: str, at: _dt.datetime) -> None:
        """A running job ends CANCELLED, with the items that had not ended."""
        self.running.pop(job.id, None)
        job.cancel(message, at)

    def hurry(self, job: ImportJob, now: _dt.datetime) -> None:
        """Run the job's remaining phases now (control API)."""
        while job.next_event is not None and job.running:
            event = job.next_event
            event.cancel()
            job.next_event = None
            event.action(now)
