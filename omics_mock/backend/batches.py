"""Run batches: StartRunBatch, GetBatch, ListBatch, ListRunsInBatch, cancel, delete.

Lifecycle in virtual time (``durations.batch_*``)::

    CREATING -> PENDING (settings validated) -> SUBMITTING (runs submitted one
    at a time at ``quotas.start_run_tps``) -> INPROGRESS -> PROCESSED (every
    run ended)

A batch whose settings fail validation (duplicate runSettingIds, more than
100,000 entries, a changed S3 settings file) ends FAILED with
``failureReason``. Each submission is a StartRun: it fails on its own (the
entry shows the error) and the rest go on. CancelRunBatch stops submitting and
cancels active runs (STOPPING -> CANCELLED); DeleteRunBatch deletes the runs
(RUNS_DELETING -> RUNS_DELETED or RUNS_DELETE_FAILED); DeleteBatch forgets the
batch. One cancel or delete at a time.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

from ..protocol.errors import ConflictException, ServiceError, ValidationException
from .base import Family, Params, not_found, operation
from .batch_model import (
    CANCELLABLE,
    CANCELLED,
    CREATING,
    DELETABLE,
    FAILED,
    INPROGRESS,
    PENDING,
    PROCESSED,
    RUNS_DELETABLE,
    RUNS_DELETE_FAILED,
    RUNS_DELETED,
    RUNS_DELETING,
    STOPPING,
    SUBMITTING,
    Batch,
    BatchEntry,
)
from .batch_settings import (
    check_entry,
    current_etag,
    duplicate_problem,
    parse_settings_file,
    read_settings_file,
    run_request,
)
from .ids import new_uuid
from .run_model import TERMINAL, Run
from .run_requests import plan_run
from .store import Store, page_list
from .tags import checked_tags


class Batches(Family):
    """Run batches of one account and Region."""

    attribute = "batches"

    def __init__(self, backend: Any) -> None:
        super().__init__(backend)
        self.store: Store[Batch] = Store("runBatch")
        backend.runs.simulation.listeners.append(self._count_status_change)
        backend.runs.removal_listeners.append(self._count_removal)

    def get(self, batch_id: str) -> Batch:
        batch = self.store.get(batch_id)
        if batch is None:
            raise not_found("Batch", batch_id)
        return batch

    # -- operations ---------------------------------------------------------------------

    @operation("StartRunBatch")
    def start_run_batch(self, req: Params) -> dict[str, Any]:
        backend = self.backend
        existing = backend.idempotency.lookup("StartRunBatch", req)
        if existing is not None and existing in self.store:
            return self.get(existing).to_start_output()
        default: dict[str, Any] = req["defaultRunSetting"]
        self._check_common(default)
        settings = req["batchRunSettings"]
        inline = settings.get("inlineSettings")
        s3_uri, etag = settings.get("s3UriSettings"), None
        if s3_uri is not None:
            etag = read_settings_file(backend, s3_uri)[1]
        now = backend.clock.now()
        batch_id = backend.ids.numeric()
        batch = Batch(
            id=batch_id,
            arn=backend.arn(f"runBatch/{batch_id}"),
            uuid=new_uuid(),
            creation_time=now,
            default=default,
            total_runs=len(inline) if inline is not None else 0,
            name=req.get("batchName"),
            tags=checked_tags(req.get("tags"), backend.settings.quotas.max_tags_per_resource),
            s3_uri=s3_uri,
            s3_etag=etag,
        )
        if inline is not None:
            batch.entries = [BatchEntry(str(e["runSettingId"]), e) for e in inline]
            batch.submissions.pending_start = len(batch.entries)
        self.store.add(batch_id, batch)
        backend.register_taggable(batch.arn, batch)
        backend.idempotency.remember("StartRunBatch", req, batch_id)
        durations = backend.settings.durations
        self._at(now + durations.batch_creating, lambda at: self._created(batch, at))
        return batch.to_start_output()

    @operation("GetBatch")
    def get_batch(self, req: Params) -> dict[str, Any]:
        return self.get(req["batchId"]).to_get_output()

    @operation("ListBatch")
    def list_batch(self, req: Params) -> dict[str, Any]:
        filters = _one_filter(req, ("status", "name", "runGroupId"))

        def matches(batch: Batch) -> bool:
            if not filters:
                return True
            ((member, value),) = filters.items()
            if member == "runGroupId":
                return bool(batch.default.get("runGroupId") == value)
            return bool((batch.status if member == "status" else batch.name) == value)

        batches, token = self.store.page(req.get("startingToken"), req.get("maxItems"), matches)
        return _page("items", [b.to_list_item() for b in batches], token)

    @operation("ListRunsInBatch")
    def list_runs_in_batch(self, req: Params) -> dict[str, Any]:
        batch = self.get(req["batchId"])
        filters = _one_filter(req, ("submissionStatus", "runSettingId", "runId"))
        entries = [e for e in batch.entries[: batch.next_entry] if e.status is not None]
        if "runSettingId" in filters:
            entries = [e for e in entries if e.run_setting_id == filters["runSettingId"]]
        elif "runId" in filters:
            entries = [e for e in entries if e.run_id == filters["runId"]]
        elif "submissionStatus" in filters:
            entries = [e for e in entries if e.status == filters["submissionStatus"]]
        page, token = page_list("batchRun", entries, req.get("startingToken"), req.get("maxItems"))
        return _page("runs", [e.to_list_item() for e in page], token)

    @operation("CancelRunBatch")
    def cancel_run_batch(self, req: Params) -> dict[str, Any]:
        batch = self._begin_run_operation(
            req["batchId"],
            CANCELLABLE,
            STOPPING,
            "cannot be cancelled",
            self.backend.settings.quotas.cancel_run_tps,
            self._cancel_runs,
        )
        batch.submissions.pending_start = 0
        return {}

    @operation("DeleteRunBatch")
    def delete_run_batch(self, req: Params) -> dict[str, Any]:
        self._begin_run_operation(
            req["batchId"],
            RUNS_DELETABLE,
            RUNS_DELETING,
            "cannot have its runs deleted",
            self.backend.settings.quotas.delete_run_tps,
            self._delete_runs,
        )
        return {}

    def _begin_run_operation(
        self,
        batch_id: str,
        allowed: frozenset[str],
        status: str,
        refusal: str,
        rate: float,
        action: Any,
    ) -> Batch:
        """Start a cancel or delete of a batch's runs, submitted at ``rate`` per second."""
        batch = self.get(batch_id)
        if batch.busy:
            raise ConflictException(f"Batch {batch.id} already has a cancel or delete in progress.")
        if batch.status not in allowed:
            raise ConflictException(f"Batch {batch.id} {refusal} in status {batch.status}.")
        now = self.backend.clock.now()
        batch.status, batch.busy = status, True
        submitted = [e for e in batch.entries[: batch.next_entry] if e.run_id is not None]
        due = now + _dt.timedelta(seconds=len(submitted) / rate)
        self._at(due, lambda at: action(batch, submitted, at))
        return batch

    @operation("DeleteBatch")
    def delete_batch(self, req: Params) -> None:
        batch = self.get(req["batchId"])
        if batch.status not in DELETABLE or batch.busy:
            raise ConflictException(f"Batch {batch.id} cannot be deleted in status {batch.status}.")
        self.store.remove(batch.id)
        self.backend.unregister_taggable(batch.arn)

    # -- lifecycle ------------------------------------------------------------------------

    def _check_common(self, default: dict[str, Any]) -> None:
        """What StartRunBatch checks before answering (spec: "before any runs are submitted")."""
        if default.get("workflowType") == "READY2RUN":
            raise ValidationException("Run batches do not support READY2RUN workflows.")
        if default.get("parameters") is not None and not isinstance(default["parameters"], dict):
            raise ValidationException(
                "defaultRunSetting.parameters must be a JSON object of parameter names to values."
            )
        output_uri = default.get("outputUri")
        if output_uri is not None and not output_uri.startswith("s3://"):
            raise ValidationException("defaultRunSetting.outputUri must begin with s3://")
        probe = run_request(default, {})
        probe.setdefault("outputUri", "s3://omics-mock-probe/out/")
        plan_run(self.backend, probe, check_parameters=False)

    def _created(self, batch: Batch, at: _dt.datetime) -> None:
        if batch.status != CREATING:
            return
        batch.status = PENDING
        self._at(
            at + self.backend.settings.durations.batch_validating,
            lambda when: self._validated(batch, when),
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
            return
        batch.entry_by_setting = {e.run_setting_id: e for e in batch.entries}
        batch.status = SUBMITTING
        batch.submissions.pending_start = len(batch.entries)
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
            self._check_finished(batch, at)
            return
        entry = batch.entries[batch.next_entry]
        batch.next_entry += 1
        batch.submissions.pending_start -= 1
        self._submit(batch, entry, at)
        step = _dt.timedelta(seconds=1 / self.backend.settings.quotas.start_run_tps)
        self._at(at + step, lambda when: self._submit_next(batch, when))

    def _submit(self, batch: Batch, entry: BatchEntry, at: _dt.datetime) -> None:
        runs = self.backend.runs
        settings, entry.settings = entry.settings or {}, None
        try:
            if batch.s3_uri is not None:
                check_entry(settings)
            plan = plan_run(self.backend, run_request(batch.default, settings))
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

    def _cancel_runs(self, batch: Batch, entries: list[BatchEntry], at: _dt.datetime) -> None:
        runs = self.backend.runs
        for entry in entries:
            run = runs.store.get(entry.run_id) if entry.run_id else None
            if run is None or run.status in TERMINAL:
                continue
            runs.simulation.cancel(run, at)
            entry.status = "CANCEL_SUCCESS"
            batch.submissions.successful_cancel += 1
        self._check_finished(batch, at)

    def _delete_runs(self, batch: Batch, entries: list[BatchEntry], at: _dt.datetime) -> None:
        runs = self.backend.runs
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
        batch.status = RUNS_DELETE_FAILED if failed else RUNS_DELETED
        batch.busy = False

    def _check_finished(self, batch: Batch, at: _dt.datetime) -> None:
        if batch.active_runs:
            return
        if batch.status == INPROGRESS:
            batch.status, batch.processed_time = PROCESSED, at
        elif batch.status == STOPPING:
            batch.status, batch.busy = CANCELLED, False

    # -- run counts -------------------------------------------------------------------------

    def _count_status_change(self, run: Run, before: str) -> None:
        if run.batch_id is None:
            return
        batch = self.store.get(run.batch_id)
        if batch is None or run.id not in batch.entry_by_run:
            return
        batch.run_counts[before] -= 1
        batch.run_counts[run.status] += 1
        if run.status in TERMINAL:
            self._check_finished(batch, run.stop_time or self.backend.clock.now())

    def _count_removal(self, run: Run) -> None:
        if run.batch_id is None:
            return
        batch = self.store.get(run.batch_id)
        if batch is None or run.id not in batch.entry_by_run:
            return
        batch.run_counts[run.status] -= 1
        batch.run_counts["DELETED"] += 1
        self._check_finished(batch, self.backend.clock.now())

    def _at(self, due: _dt.datetime, action: Any) -> None:
        self.backend.scheduler.schedule(due, action)


def _one_filter(req: Params, members: tuple[str, ...]) -> dict[str, Any]:
    given = {m: req[m] for m in members if req.get(m) is not None}
    if len(given) > 1:
        raise ValidationException(f"Only one filter per call is supported; got {', '.join(given)}.")
    return given


def _page(key: str, items: list[dict[str, Any]], token: str | None) -> dict[str, Any]:
    page: dict[str, Any] = {key: items}
    if token is not None:
        page["nextToken"] = token
    return page
