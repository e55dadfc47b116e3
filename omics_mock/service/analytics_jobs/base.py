"""What variant and annotation import jobs do alike: Start checks, Get, List, Cancel,
the concurrency quota they share, and what stores ask of them.

``ImportFamily`` is the base of both job families and handles no operation itself.
Job IDs are uuid4s; a well-formed ID that names no job of the family is a
ResourceNotFoundException. Jobs are listed newest first; their records outlive
the store they imported into.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any, ClassVar

from ...wire.errors import ServiceQuotaExceededException, ValidationException
from ..analytics.access import check_open
from ..analytics.contents import file_problem, read_source
from ..analytics.events import CancelImports, RunningImports
from ..analytics.jobs import CANCELLED, ImportItem, ImportJob, ImportLifecycle
from ..analytics.model import TAKES_DATA, AnalyticsStore
from ..analytics.names import NOUN, job_not_found
from ..kernel.events import reacts_to
from ..kernel.state import Backend, Family, Params
from ..kernel.store import Listing, Store

ANNOTATION_FIELDS_SINCE = _dt.datetime(2023, 5, 15, tzinfo=_dt.timezone.utc)
"""Stores created before this day refuse ``annotationFields`` (User Guide)."""
CANCELLED_BY_DELETION = "The import was cancelled: its destination was deleted with force."


class ImportFamily(Family):
    """Import jobs of one kind (``variant`` or ``annotation``) of one account and Region."""

    kind: ClassVar[str]
    lifecycle: ImportLifecycle
    """Made by each kind, which does the work of its items (``ItemWork``)."""

    def __init__(self, backend: Backend) -> None:
        super().__init__(backend)
        self.jobs: Store[ImportJob] = Store(f"{self.kind}ImportJobs")

    def find(self, job_id: str) -> ImportJob:
        job = self.jobs.get(job_id)
        if job is None:
            raise job_not_found(job_id)
        return job

    # -- Start ----------------------------------------------------------------------------

    def check_start(self, req: Params, store: AnalyticsStore) -> None:
        """The destination takes data, ``annotationFields`` fit it, and there is room."""
        if store.status not in TAKES_DATA:
            raise ValidationException(
                f"{NOUN[self.kind]} {store.name} is {store.status}; imports need an ACTIVE store."
            )
        if req.get("annotationFields") and store.creation_time < ANNOTATION_FIELDS_SINCE:
            raise ValidationException(
                f"{NOUN[self.kind]} {store.name} was created before 2023-05-15; it does not "
                "take annotationFields."
            )
        limit = self.backend.settings.analytics.quotas.max_concurrent_import_jobs
        running = sum(self.backend.events.publish(RunningImports()))
        if running >= limit:
            raise ServiceQuotaExceededException(
                f"The account already runs the maximum number of concurrent variant and "
                f"annotation import jobs ({limit}); start this one when one has ended."
            )

    def open_check(self) -> None:
        check_open(self.backend, f"start {self.kind} import jobs")

    def submit(self, req: Params, store: AnalyticsStore, **extra: Any) -> dict[str, Any]:
        """A new job (SUBMITTED) into ``store``; the Start answer."""
        job = ImportJob(
            id=self.backend.ids.uuid(),
            kind=self.kind,
            store_id=store.id,
            destination_name=store.name,
            role_arn=req["roleArn"],
            creation_time=self.backend.clock.now(),
            items=[ImportItem(item["source"]) for item in req["items"]],
            run_left_normalization=bool(req.get("runLeftNormalization")),
            annotation_fields=req.get("annotationFields"),
            **extra,
        )
        self.jobs.add(job.id, job)
        self.lifecycle.submit(job)
        return {"jobId": job.id}

    # -- List, Cancel --------------------------------------------------------------------

    def listing(self, req: Params) -> Listing:
        """Newest first; ``ids``, ``filter.status`` and ``filter.storeName`` narrow it."""
        ids = set(req["ids"]) if req.get("ids") is not None else None
        wanted = req.get("filter") or {}
        status, store_name = wanted.get("status"), wanted.get("storeName")

        def where(job: ImportJob) -> bool:
            return (
                (ids is None or job.id in ids)
                and (status is None or job.status == status)
                and (store_name is None or job.destination_name == store_name)
            )

        unfiltered = ids is None and status is None and store_name is None
        return Listing(self.jobs, ImportJob.to_list_item, None if unfiltered else where)

    def cancel(self, req: Params) -> dict[str, Any]:
        """A running job ends CANCELLED now; a cancelled one answers again; an ended one
        is a ValidationException (ConflictException is not modelled here)."""
        job = self.find(req["jobId"])
        if job.running:
            self.lifecycle.cancel(job, "", self.backend.clock.now())
        elif job.status != CANCELLED:
            raise ValidationException(
                f"Import job {job.id} has ended ({job.status}); only a running job can be "
                "cancelled."
            )
        return {}

    # -- reading files (ItemWork) ------------------------------------------------------------

    def read_item(self, item: ImportItem, file_format: str, **options: Any) -> int | str:
        """The item's size in bytes, or why it fails."""
        found = read_source(self.backend, item.source)
        if isinstance(found, (str, int)):
            return found
        if self.backend.settings.analytics.check_contents:
            problem = file_problem(found, file_format, **options)
            if problem is not None:
                return problem
        return len(found)

    # -- what stores ask ----------------------------------------------------------------------

    @reacts_to(RunningImports)
    def running(self, question: RunningImports) -> int:
        if question.kind not in (None, self.kind):
            return 0
        return sum(
            1
            for job in self.lifecycle.running.values()
            if (question.store_id is None or job.store_id == question.store_id)
            and (question.version_name is None or job.version_name == question.version_name)
        )

    @reacts_to(CancelImports)
    def cancel_for(self, notice: CancelImports) -> None:
        if notice.kind != self.kind:
            return
        for job in list(self.lifecycle.running.values()):
            if job.store_id == notice.store_id and notice.version_name in (
                None,
                job.version_name,
            ):
                self.lifecycle.cancel(job, CANCELLED_BY_DELETION, notice.at)
