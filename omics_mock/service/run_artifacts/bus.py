"""EventBridge events HealthOmics sends: details and the envelope (spec section 5).

Events go to the account's default bus with ``source`` ``aws.omics``. Run and
task details carry the run's identifiers; batch counts are JSON strings, as
the service sends them.
"""

from __future__ import annotations

import datetime as _dt
import uuid
from typing import Any

from ..runs.model import Run
from .items import BusEvent, iso_seconds

SOURCE = "aws.omics"
OMICS_VERSION = "1.0.0"
RUN = "Run Status Change"
TASK = "Task Status Change"
BATCH = "RunBatch Status Change"
WORKFLOW = "Workflow Status Change"
RUN_GROUP = "RunGroup Status Change"
_IDS = uuid.UUID("6f6d6963-732d-6d6f-636b-2d6576656e74")


def run_event(run: Run, status: str) -> BusEvent:
    detail: dict[str, Any] = {
        "omicsVersion": OMICS_VERSION,
        "arn": run.arn,
        "status": status,
        "uuid": run.uuid,
        "runId": run.id,
    }
    if run.name is not None:
        detail["runName"] = run.name
    detail.update(
        {
            "runOutputUri": run.run_output_uri,
            "workflowId": run.workflow.id,
            "workflowName": run.workflow.name or "",
        }
    )
    return BusEvent(RUN, run.arn, detail)


def task_event(run: Run, task_arn: str, status: str) -> BusEvent:
    detail: dict[str, Any] = {
        "omicsVersion": OMICS_VERSION,
        "arn": task_arn,
        "status": status,
        "runArn": run.arn,
        "runUuid": run.uuid,
        "runId": run.id,
    }
    if run.name is not None:
        detail["runName"] = run.name
    detail["workflowId"] = run.workflow.id
    detail["workflowName"] = run.workflow.name or ""
    return BusEvent(TASK, task_arn, detail)


def resource_event(detail_type: str, arn: str, status: str, **more: Any) -> BusEvent:
    """An event of another resource: ``omicsVersion``, ``arn``, ``status`` and ``more``."""
    detail = {"omicsVersion": OMICS_VERSION, "arn": arn, "status": status}
    detail.update({k: v for k, v in more.items() if v is not None})
    return BusEvent(detail_type, arn, detail)


def envelope(
    event: BusEvent, at: _dt.datetime, account: str, region: str, seed: str
) -> dict[str, Any]:
    """The event as EventBridge delivers it; ``id`` is derived from ``seed`` (stable)."""
    return {
        "version": "0",
        "id": str(uuid.uuid5(_IDS, seed)),
        "detail-type": event.detail_type,
        "source": SOURCE,
        "account": account,
        "time": iso_seconds(at),
        "region": region,
        "resources": [event.resource],
        "detail": event.detail,
    }


def batch_event(batch: Any, workflow_arn: str, arn: Any) -> BusEvent:
    """RunBatch Status Change: counts are JSON strings, as the service sends them."""
    default = batch.default
    detail: dict[str, Any] = {
        "omicsVersion": OMICS_VERSION,
        "arn": batch.arn,
        "batchId": batch.id,
        "status": batch.status,
        "uuid": batch.uuid,
    }
    if batch.name is not None:
        detail["batchName"] = batch.name
    detail["totalRuns"] = str(batch.total_runs)
    if batch.status == "FAILED" and batch.failure_reason:
        detail["failureReason"] = "VALIDATION_EXCEPTION"
        detail["failureMessage"] = batch.failure_reason
    submissions = batch.submissions
    detail["successfulStartSubmissionCount"] = str(submissions.successful_start)
    detail["failedStartSubmissionCount"] = str(submissions.failed_start)
    detail["pendingStartSubmissionCount"] = str(submissions.pending_start)
    for status, count in batch.run_counts.items():
        detail[f"{status.lower()}RunCount"] = str(count)
    detail["workflowId"] = default.get("workflowId")
    detail["workflowArn"] = workflow_arn
    version = default.get("workflowVersionName")
    if version is not None:
        detail["workflowVersionArn"] = f"{workflow_arn}/version/{version}"
    if default.get("workflowOwnerId") is not None:
        detail["workflowOwnerId"] = default["workflowOwnerId"]
    if default.get("cacheId") is not None:
        detail["runCache"] = arn(f"runCache/{default['cacheId']}")
        detail["runCacheBehavior"] = default.get("cacheBehavior") or "CACHE_ON_FAILURE"
    return BusEvent(BATCH, batch.arn, detail)


def workflow_event(workflow: Any, version: Any, status: str) -> BusEvent:
    """Workflow Status Change, for a workflow or one of its versions."""
    detail: dict[str, Any] = {
        "omicsVersion": OMICS_VERSION,
        "arn": workflow.arn,
        "status": status,
        "workflowUuid": workflow.uuid,
    }
    if version is not None:
        detail["workflowVersionName"] = version.name
    return BusEvent(WORKFLOW, workflow.arn if version is None else version.arn, detail)
