"""A batch's life after StartRunBatch: validation, submission, cancel and delete.

Each step is a simulated event in virtual time. Submissions are StartRun
requests made one at a time at ``quotas.start_run_tps``: each fails on its own
(the entry shows the error) and the rest go on.
"""

from __future__ import annotations

import datetime as _dt
import functools
from collections.abc import Callable

from ...wire.errors import ServiceError
from ..kernel.state import Backend
from ..runs.model import TERMINAL
from ..runs.ops import Runs
from .events import BatchStatusChanged
from .model import (
    CANCELLED,
    CREATING,
    FAILED,
    INPROGRESS,
    PENDING,
    PROCESSED,
    RUNS_DELETE_FAILED,
    RUNS_DELETED,
    STOPPING,
    SUBMITTING,
    Batch,
    BatchEntry,
)
from .settings_file import (
    check_entry,
    current_etag,
    duplicate_problem,
    parse_settings_file,
    read_settings_file,
    run_request,
)

RunOperation = Callable[[Batch, list[BatchEntry], _dt.datetime], None]


class BatchLifecycle:
    """The simulated steps of the batches of one account and Region."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend

    @property
    def runs(self) -> Runs:
        return self.backend.get(Runs)

    def start(self, batch: Batch, now: _dt.datetime) -> None:
        """CREATING until ``durations.batch_creating`` has passed."""
        self.announce(batch, None, now)
        self._at(
            now + self.backend.settings.durations.batch_creating,
            functools.partial(self._created, batch),
        )

    def begin_run_operation(
        self, batch: Batch, status: str, rate: float, action: RunOperation, now: _dt.datetime
    ) -> None:
        """A cancel or delete of the batch's runs, submitted at ``rate`` per second."""
        before, batch.status, batch.busy = batch.status, status, True
        self.announce(batch, before, now)
        submitted = [e for e in batch.entries[: batch.next_entry] if e.run_id is not None]
        due = now + _dt.timedelta(seconds=len(submitted) / rate)
        self._at(due, functools.partial(action, batch, submitted))

    # -- steps ---------------------------------------------------------------------------

    def _created(self, batch: Batch, at: _dt.datetime) -> None:
        if batch.status != CREATING:
            return
        batch.status = PENDING
        self.announce(batch, CREATING, at)
        self._at(
            at + self.backend.settings.durations.batch_validating,
            functools.partial(self._validated, batch),
        )

    def _validated(self, batch: Batch, at: _dt.datetime) -> None:
        if batch.status != PENDING:
            return
        problem = self._load_entries(batch)
        if problem is None:
            problem = duplicate_problem([e.run_setting_id for e in batch.entries])
        if problem is not None:
            batch.status, batch.failed_time, batch.failure_reason, batch.busy = (
                FAILED,
                at,
                problem,
                False,
            )
            batch.entries = []
            batch.submissions.pending_start = 0
            self.announce(batch, PENDING, at)
            return
        batch.status = SUBMITTING
        batch.submissions.pending_start = len(batch.entries)
        self.announce(batch, PENDING, at)
        self._submit_next(batch, at)

    def _load_entries(self, batch: Batch) -> str | None:
        if batch.s3_uri is None:
            return None
        if current_etag(self.backend, batch.s3_uri) != batch.s3_etag:
            return (
                f"The s3UriSettings object {batch.s3_uri} changed after the batch was started "
                "(ETag mismatch)."
            )
        data, _ = read_settings_file(self.backend, batch.s3_uri)
        try:
            entries = parse_settings_file(data)
        except ValueError as problem:
            return str(problem)
        batch.total_runs = len(entries)
        batch.entries = [
            BatchEntry(
                str(e.get("runSettingId")) if isinstance(e, dict) else "",
                e if isinstance(e, dict) else {},
            )
            for e in entries
        ]
        return None

    def _submit_next(self, batch: Batch, at: _dt.datetime) -> None:
        if batch.status != SUBMITTING:
            return
        if batch.next_entry >= len(batch.entries):
            batch.status, batch.submitted_time = INPROGRESS, at
            self.announce(batch, SUBMITTING, at)
            self.check_finished(batch, at)
            return
        entry = batch.entries[batch.next_entry]
        batch.next_entry += 1
        batch.submissions.pending_start -= 1
        self._submit(batch, entry, at)
        step = _dt.timedelta(seconds=1 / self.backend.settings.quotas.start_run_tps)
        self._at(at + step, functools.partial(self._submit_next, batch))

    def _submit(self, batch: Batch, entry: BatchEntry, at: _dt.datetime) -> None:
        runs = self.runs
        settings, entry.settings = entry.settings or {}, None
        try:
            if batch.s3_uri is not None:
                check_entry(settings)
            plan = runs.plan(run_request(batch.default, settings))
            runs.make_room(plan.retention_mode, at)
            run = runs.create(plan, at, batch_id=batch.id)
        except ServiceError as error:
            entry.status, entry.reason, entry.message = "FAILED", error.code, error.message
            batch.submissions.failed_start += 1
            return
        entry.status, entry.run_id, entry.run_uuid, entry.run_arn = (
            "SUCCESS",
            run.id,
            run.uuid,
            run.arn,
        )
        batch.entry_by_run[run.id] = entry
        batch.submissions.successful_start += 1
        batch.run_counts[run.status] += 1

    def cancel_runs(self, batch: Batch, entries: list[BatchEntry], at: _dt.datetime) -> None:
        runs = self.runs
        for entry in entries:
            run = runs.store.get(entry.run_id) if entry.run_id else None
            if run is None or run.status in TERMINAL:
                continue
            runs.cancel(run, at)
            entry.status = "CANCEL_SUCCESS"
            batch.submissions.successful_cancel += 1
        self.check_finished(batch, at)

    def delete_runs(self, batch: Batch, entries: list[BatchEntry], at: _dt.datetime) -> None:
        runs = self.runs
        failed = 0
        for entry in entries:
            run = runs.store.get(entry.run_id) if entry.run_id else None
            if run is None or run.status not in TERMINAL or run.batch_id != batch.id:
                entry.status = "DELETE_FAILED"
                entry.reason = (
                    "ConflictException" if run is not None else "ResourceNotFoundException"
                )
                entry.message = f"Run {entry.run_id} could not be deleted."
                failed += 1
                continue
            runs.remove(run)
            entry.status = "DELETE_SUCCESS"
        batch.submissions.successful_delete += len(entries) - failed
        batch.submissions.failed_delete += failed
        before = batch.status
        batch.status = RUNS_DELETE_FAILED if failed else RUNS_DELETED
        batch.busy = False
        self.announce(batch, before, at)

    def check_finished(self, batch: Batch, at: _dt.datetime) -> None:
        """PROCESSED (or CANCELLED after a cancel) once no run of the batch is active."""
        if batch.active_runs:
            return
        before = batch.status
        if before == INPROGRESS:
            batch.status, batch.processed_time = PROCESSED, at
        elif before == STOPPING:
            batch.status, batch.busy = CANCELLED, False
        else:
            return
        self.announce(batch, before, at)

    def announce(self, batch: Batch, before: str | None, at: _dt.datetime) -> None:
        """Tell the families that react that the batch's status changed."""
        self.backend.events.publish(BatchStatusChanged(batch, before, at))

    def _at(self, due: _dt.datetime, action: Callable[[_dt.datetime], None]) -> None:
        self.backend.scheduler.schedule(due, action)
