"""Storage jobs (read set import, export and activation; reference import) in virtual time.

Every kind follows one lifecycle (spec §7.1): SUBMITTED for
``durations.job_starting``, then IN_PROGRESS with every source IN_PROGRESS at
once (sources run in parallel), then after the kind's duration each source
FINISHED or FAILED and the job COMPLETED (all finished), COMPLETED_WITH_FAILURES
(some failed) or FAILED (all failed). The family owning a kind says what
starting and finishing a source does (``JobWork``).
"""

from __future__ import annotations

import datetime as _dt
import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from ...wire.errors import ServiceQuotaExceededException
from ..kernel.scheduler import Event
from .events import RunningJobs
from .sources import short

if TYPE_CHECKING:
    from ..kernel.state import Backend

SUBMITTED = "SUBMITTED"
IN_PROGRESS = "IN_PROGRESS"
COMPLETED = "COMPLETED"
COMPLETED_WITH_FAILURES = "COMPLETED_WITH_FAILURES"
FAILED = "FAILED"
CANCELLED = "CANCELLED"
RUNNING = frozenset({SUBMITTED, IN_PROGRESS, "CANCELLING"})
"""Job statuses that count against the concurrency quotas."""

NOT_STARTED = "NOT_STARTED"
FINISHED = "FINISHED"

JOB_MESSAGES = {
    SUBMITTED: "The job is submitted and will start soon.",
    IN_PROGRESS: "The job is currently in progress.",
    COMPLETED: "The job completed successfully.",
    COMPLETED_WITH_FAILURES: "The job completed, and some of its sources failed.",
    FAILED: "The job failed: every source failed.",
    CANCELLED: "The job was cancelled.",
}
SOURCE_MESSAGES = {
    NOT_STARTED: "The source is queued for the job.",
    IN_PROGRESS: "The source job is currently in progress.",
}


@dataclass(eq=False)
class JobSource:
    """One source of a job, with its own status."""

    request: dict[str, Any]
    """The source as the Start request gave it."""
    status: str = NOT_STARTED
    status_message: str | None = SOURCE_MESSAGES[NOT_STARTED]
    result_id: str | None = None
    """The read set or reference the source makes (imports), once allocated."""
    forced_failure: str | None = None
    """Set through the control API: the source fails with this message."""

    def status_fields(self) -> dict[str, Any]:
        output: dict[str, Any] = {"status": self.status}
        if self.status_message:
            output["statusMessage"] = self.status_message
        return output


@dataclass(eq=False)
class Job:
    """A storage job of any kind."""

    id: str
    kind: str
    """``import``, ``export``, ``activation`` or ``referenceImport``."""
    store_id: str
    creation_time: _dt.datetime
    sources: list[JobSource]
    request: dict[str, Any]
    status: str = SUBMITTED
    status_message: str = JOB_MESSAGES[SUBMITTED]
    completion_time: _dt.datetime | None = None
    next_event: Event | None = field(default=None, repr=False)
    removed: bool = False

    @property
    def running(self) -> bool:
        return self.status in RUNNING

    @property
    def group(self) -> str:
        """The concurrency quota the job counts against."""
        return "import" if self.kind in ("import", "referenceImport") else self.kind

    def summary(self, store_member: str, *members: str) -> dict[str, Any]:
        """The list item: id, store, the named request members, status and times."""
        output: dict[str, Any] = {"id": self.id, store_member: self.store_id}
        output.update({m: self.request[m] for m in members if self.request.get(m) is not None})
        output["status"] = self.status
        output["creationTime"] = self.creation_time
        if self.completion_time is not None:
            output["completionTime"] = self.completion_time
        return output

    def details(self, store_member: str, *members: str) -> dict[str, Any]:
        """The Get output's common part: the summary plus ``statusMessage``."""
        output = self.summary(store_member, *members)
        output["statusMessage"] = self.status_message
        return output


class JobWork(Protocol):
    """What a job kind does to its sources."""

    def begin(self, job: Job, source: JobSource, at: _dt.datetime) -> None:
        """A source starts (IN_PROGRESS): allocate what it will make, mark what it uses."""

    def finish(self, job: Job, source: JobSource, at: _dt.datetime) -> str | None:
        """A source ends: do its work; a message fails it instead."""


def running_jobs(jobs: Iterable[Job], question: RunningJobs) -> int:
    """The answer to ``RunningJobs`` over ``jobs``."""
    return sum(
        1
        for job in jobs
        if job.running
        and job.group == question.group
        and (question.store_id is None or job.store_id == question.store_id)
    )


def check_concurrency(backend: Backend, group: str, limit: int) -> None:
    """ServiceQuotaExceededException when ``limit`` jobs of ``group`` already run."""
    running = sum(backend.events.publish(RunningJobs(group)))
    if running >= limit:
        raise ServiceQuotaExceededException(
            f"The account already runs the maximum number of concurrent {group} jobs "
            f"({limit}); start this one when one of them has ended."
        )


class JobLifecycle:
    """Schedules every job's status changes for one backend.

    ``work`` says what each kind of job does to its sources; ``durations`` names,
    per kind, the ``settings.storage.durations`` field its IN_PROGRESS phase lasts
    (read when the job starts).
    """

    SNAPSHOT_WIRING = ("work", "durations")
    """Made by the family that owns the lifecycle: snapshots neither carry nor replace them."""

    def __init__(
        self, backend: Backend, work: Mapping[str, JobWork], durations: Mapping[str, str]
    ) -> None:
        self.backend = backend
        self.work = work
        self.durations = durations

    def submit(self, job: Job, now: _dt.datetime) -> None:
        """SUBMITTED for ``durations.job_starting``, then IN_PROGRESS."""
        starting = self.backend.settings.storage.durations.job_starting
        job.next_event = self.backend.scheduler.schedule(
            now + starting, functools.partial(self._start, job)
        )

    def _start(self, job: Job, at: _dt.datetime) -> None:
        work = self.work[job.kind]
        job.status, job.status_message = IN_PROGRESS, JOB_MESSAGES[IN_PROGRESS]
        for source in job.sources:
            source.status, source.status_message = IN_PROGRESS, SOURCE_MESSAGES[IN_PROGRESS]
            work.begin(job, source, at)
        duration = getattr(self.backend.settings.storage.durations, self.durations[job.kind])
        job.next_event = self.backend.scheduler.schedule(
            at + duration, functools.partial(self._finish, job)
        )

    def _finish(self, job: Job, at: _dt.datetime) -> None:
        job.next_event = None
        work = self.work[job.kind]
        for source in job.sources:
            if source.status in (FINISHED, FAILED) and not source.forced_failure:
                continue  # ended when it started (nothing to do)
            problem = source.forced_failure or work.finish(job, source, at)
            source.status = FAILED if problem else FINISHED
            source.status_message = short(problem) if problem else None
        failed = sum(1 for source in job.sources if source.status == FAILED)
        status = (
            COMPLETED
            if not failed
            else FAILED
            if failed == len(job.sources)
            else COMPLETED_WITH_FAILURES
        )
        self.end(job, status, at)

    def end(self, job: Job, status: str, at: _dt.datetime) -> None:
        job.status, job.status_message = status, JOB_MESSAGES[status]
        job.completion_time = at

    def hurry(self, job: Job, now: _dt.datetime) -> None:
        """Run the job's remaining phases now (control API)."""
        while job.next_event is not None and job.running:
            event = job.next_event
            event.cancel()
            job.next_event = None
            event.action(now)
