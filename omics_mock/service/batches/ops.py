"""Run batches: StartRunBatch, GetBatch, ListBatch, ListRunsInBatch, cancel, delete.

Lifecycle in virtual time (``durations.batch_*``, see ``lifecycle``)::

    CREATING -> PENDING (settings validated) -> SUBMITTING (runs submitted one
    at a time at ``quotas.start_run_tps``) -> INPROGRESS -> PROCESSED (every
    run ended)

A batch whose settings fail validation (duplicate runSettingIds, more than
100,000 entries, a changed S3 settings file) ends FAILED with
``failureReason``. CancelRunBatch stops submitting and cancels active runs
(STOPPING -> CANCELLED); DeleteRunBatch deletes the runs (RUNS_DELETING ->
RUNS_DELETED or RUNS_DELETE_FAILED); DeleteBatch forgets the batch. One cancel
or delete at a time.
"""

from __future__ import annotations

from typing import Any

from ...wire.errors import ConflictException, ValidationException
from ..kernel.events import reacts_to
from ..kernel.state import Backend, Family, Params, not_found, operation
from ..kernel.store import Listing, Store
from ..runs.events import RunRemoved, RunStatusChanged
from ..runs.model import TERMINAL
from ..runs.ops import Runs
from ..tags.rules import checked_tags
from .lifecycle import BatchLifecycle, RunOperation
from .model import (
    CANCELLABLE,
    DELETABLE,
    RUNS_DELETABLE,
    RUNS_DELETING,
    STOPPING,
    Batch,
    BatchEntry,
)
from .settings_file import read_settings_file, run_request


class Batches(Family):
    """Run batches of one account and Region."""

    key = "batches"

    def __init__(self, backend: Backend) -> None:
        super().__init__(backend)
        self.store: Store[Batch] = Store("runBatch")
        self.lifecycle = BatchLifecycle(backend)

    def get(self, batch_id: str) -> Batch:
        batch = self.store.get(batch_id)
        if batch is None:
            raise not_found("Batch", batch_id)
        return batch

    # -- operations ---------------------------------------------------------------------

    @operation("StartRunBatch", render=Batch.to_start_output)
    def start_run_batch(self, req: Params) -> Batch:
        backend = self.backend
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
            uuid=backend.ids.uuid(),
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
        self.lifecycle.start(batch, now)
        return batch

    @operation("GetBatch", render=Batch.to_get_output)
    def get_batch(self, req: Params) -> Batch:
        return self.get(req["batchId"])

    @operation("ListBatch")
    def list_batch(self, req: Params) -> Listing:
        filters = _one_filter(req, ("status", "name", "runGroupId"))

        def matches(batch: Batch) -> bool:
            if not filters:
                return True
            ((member, value),) = filters.items()
            if member == "runGroupId":
                return bool(batch.default.get("runGroupId") == value)
            return bool((batch.status if member == "status" else batch.name) == value)

        return Listing(self.store, Batch.to_list_item, matches)

    @operation("ListRunsInBatch")
    def list_runs_in_batch(self, req: Params) -> Listing:
        batch = self.get(req["batchId"])
        filters = _one_filter(req, ("submissionStatus", "runSettingId", "runId"))
        entries = [e for e in batch.entries[: batch.next_entry] if e.status is not None]
        if "runSettingId" in filters:
            entries = [e for e in entries if e.run_setting_id == filters["runSettingId"]]
        elif "runId" in filters:
            entries = [e for e in entries if e.run_id == filters["runId"]]
        elif "submissionStatus" in filters:
            entries = [e for e in entries if e.status == filters["submissionStatus"]]
        return Listing(entries, BatchEntry.to_list_item, kind="batchRun")

    @operation("CancelRunBatch")
    def cancel_run_batch(self, req: Params) -> dict[str, Any]:
        batch = self._begin_run_operation(
            req["batchId"],
            CANCELLABLE,
            STOPPING,
            "cannot be cancelled",
            self.backend.settings.quotas.cancel_run_tps,
            self.lifecycle.cancel_runs,
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
            self.lifecycle.delete_runs,
        )
        return {}

    @operation("DeleteBatch")
    def delete_batch(self, req: Params) -> None:
        batch = self.get(req["batchId"])
        if batch.status not in DELETABLE or batch.busy:
            raise ConflictException(f"Batch {batch.id} cannot be deleted in status {batch.status}.")
        self.store.remove(batch.id)
        self.backend.unregister_taggable(batch.arn)

    # -- rules --------------------------------------------------------------------------

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
        self.backend.get(Runs).plan(probe, check_parameters=False)

    def _begin_run_operation(
        self,
        batch_id: str,
        allowed: frozenset[str],
        status: str,
        refusal: str,
        rate: float,
        action: RunOperation,
    ) -> Batch:
        batch = self.get(batch_id)
        if batch.busy:
            raise ConflictException(f"Batch {batch.id} already has a cancel or delete in progress.")
        if batch.status not in allowed:
            raise ConflictException(f"Batch {batch.id} {refusal} in status {batch.status}.")
        self.lifecycle.begin_run_operation(batch, status, rate, action, self.backend.clock.now())
        return batch

    # -- run counts -------------------------------------------------------------------------

    @reacts_to(RunStatusChanged)
    def count_status_change(self, event: RunStatusChanged) -> None:
        run = event.run
        batch = self.store.get(run.batch_id) if run.batch_id is not None else None
        if batch is None or run.id not in batch.entry_by_run:
            return
        batch.run_counts[event.before] -= 1
        batch.run_counts[run.status] += 1
        if run.status in TERMINAL:
            self.lifecycle.check_finished(batch, run.stop_time or self.backend.clock.now())

    @reacts_to(RunRemoved)
    def count_removal(self, event: RunRemoved) -> None:
        run = event.run
        batch = self.store.get(run.batch_id) if run.batch_id is not None else None
        if batch is None or run.id not in batch.entry_by_run:
            return
        batch.run_counts[run.status] -= 1
        batch.run_counts["DELETED"] += 1
        self.lifecycle.check_finished(batch, self.backend.clock.now())


def _one_filter(req: Params, members: tuple[str, ...]) -> dict[str, Any]:
    given = {m: req[m] for m in members if req.get(m) is not None}
    if len(given) > 1:
        raise ValidationException(f"Only one filter per call is supported; got {', '.join(given)}.")
    return given
