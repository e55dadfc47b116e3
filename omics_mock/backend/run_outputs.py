"""What GetRun, StartRun, ListRuns and the task operations answer for a run."""

from __future__ import annotations

import datetime as _dt
import hashlib
from typing import TYPE_CHECKING, Any

from .run_model import Run, Task
from .run_requests import engine_version

if TYPE_CHECKING:
    from .run_requests import RunPlan

LOG_GROUP = "/aws/omics/WorkflowLog"


def _drop_none(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if v is not None}


def run_output_uri(output_uri: str, run_id: str, mode: str) -> str:
    """``<outputUri>/<runId>`` under SERVICE_DEFINED; ``outputUri`` itself otherwise."""
    if mode == "NONE_WITH_OVERWRITE":
        return output_uri
    return f"{output_uri.rstrip('/')}/{run_id}"


def _log_stream(run: Run, suffix: str) -> str:
    return f"arn:aws:logs:{run.region}:{run.account_id}:log-group:{LOG_GROUP}:log-stream:{suffix}"


def _resource_digests(parameters: Any) -> dict[str, str] | None:
    if not isinstance(parameters, dict):
        return None
    digests = {
        value: "etag:" + hashlib.md5(value.encode()).hexdigest()
        for value in parameters.values()
        if isinstance(value, str) and value.startswith("s3://")
    }
    return digests or None


def echo_values(run: Run, plan: RunPlan) -> dict[str, Any]:
    """The request-derived members of GetRun, computed once at StartRun."""
    req = plan.request
    workflow = plan.workflow
    engine = plan.definition.engine
    prefix_mode = req.get("outputUriPrefixMode") or "SERVICE_DEFINED"
    nextflow = engine == "NEXTFLOW"
    return _drop_none(
        {
            "workflowId": workflow.id,
            "workflowType": workflow.type,
            "workflowVersionName": req.get("workflowVersionName"),
            "workflowOwnerId": req.get("workflowOwnerId"),
            "workflowUuid": workflow.uuid,
            "runId": plan.source_run.id if plan.source_run is not None else None,
            "roleArn": req["roleArn"],
            "name": req.get("name"),
            "runGroupId": plan.run_group_id,
            "priority": req.get("priority"),
            "digest": plan.definition.digest,
            "parameters": req.get("parameters"),
            "storageCapacity": plan.storage_capacity,
            "storageType": plan.storage_type,
            "outputUri": req["outputUri"],
            "runOutputUri": run_output_uri(req["outputUri"], run.id, prefix_mode),
            "outputUriPrefixMode": prefix_mode,
            "logLevel": req.get("logLevel"),
            "resourceDigests": _resource_digests(req.get("parameters")),
            "startedBy": f"arn:aws:iam::{run.account_id}:user/omics-mock",
            "accelerators": plan.definition.accelerators,
            "retentionMode": plan.retention_mode,
            "cacheId": plan.cache_id,
            "cacheBehavior": plan.cache_behavior,
            "networkingMode": req.get("networkingMode") or "RESTRICTED",
            "configuration": plan.configuration.to_run_reference() if plan.configuration else None,
            "vpcConfig": plan.configuration.run_vpc_config() if plan.configuration else None,
            "scratchStorageMode": req.get("scratchStorageMode"),
            "sessionPolicy": req.get("sessionPolicy"),
            "engineSettings": req.get("engineSettings") if nextflow else None,
            "engineVersion": engine_version(engine, req.get("engineSettings")),
        }
    )


def start_output(run: Run) -> dict[str, Any]:
    return _drop_none(
        {
            "arn": run.arn,
            "id": run.id,
            "status": run.status,
            "tags": dict(run.tags),
            "uuid": run.uuid,
            "runOutputUri": run.echo.get("runOutputUri"),
            "configuration": run.echo.get("configuration"),
            "networkingMode": run.echo.get("networkingMode"),
        }
    )


def get_run_output(run: Run) -> dict[str, Any]:
    output: dict[str, Any] = {"arn": run.arn, "id": run.id, "uuid": run.uuid, "status": run.status}
    output.update(run.echo)  # includes configuration and vpcConfig for VPC runs
    output.update(
        _drop_none(
            {
                "batchId": run.batch_id,
                "creationTime": run.creation_time,
                "startTime": run.start_time,
                "stopTime": run.stop_time,
                "statusMessage": run.status_message,
                "failureReason": run.failure_reason,
                "tags": dict(run.tags),
                "logLocation": {
                    "runLogStream": _log_stream(run, f"run/{run.id}"),
                    "engineLogStream": _log_stream(run, f"run/{run.id}/engine"),
                },
            }
        )
    )
    return output


def list_item(run: Run) -> dict[str, Any]:
    echo = run.echo
    return _drop_none(
        {
            "arn": run.arn,
            "id": run.id,
            "status": run.status,
            "workflowId": echo.get("workflowId"),
            "batchId": run.batch_id,
            "name": echo.get("name"),
            "priority": echo.get("priority"),
            "storageCapacity": echo.get("storageCapacity"),
            "creationTime": run.creation_time,
            "startTime": run.start_time,
            "stopTime": run.stop_time,
            "storageType": echo.get("storageType"),
            "workflowVersionName": echo.get("workflowVersionName"),
            "workflowName": getattr(run.workflow, "name", None),
        }
    )


def task_item(run: Run, task: Task, now: _dt.datetime) -> dict[str, Any]:
    status, start, stop = run.task_status(task, now)
    template = task.template
    return _drop_none(
        {
            "taskId": task.id,
            "status": status,
            "name": template.name,
            "cpus": template.cpus,
            "cacheHit": task.cache_hit,
            "cacheS3Uri": task.cache_s3_uri,
            "memory": template.memory,
            "creationTime": task.window_start,
            "startTime": start,
            "stopTime": stop,
            "gpus": template.gpus,
            "instanceType": template.instance_type,
            "uuid": task.uuid,
        }
    )


def task_output(run: Run, task: Task, now: _dt.datetime) -> dict[str, Any]:
    output = task_item(run, task, now)
    output["logStream"] = _log_stream(run, f"run/{run.id}/task/{task.id}")
    if output["status"] == "FAILED":
        output["failureReason"] = (run.failure_reason or "TASK_FAILED")[:64]
        output["statusMessage"] = (
            f"Task {task.template.name} failed: {run.status_message or 'error'}"
        )
    elif output["status"] == "CANCELLED":
        output["statusMessage"] = "The run was cancelled."
    registry = f"{run.account_id}.dkr.ecr.{run.region}.amazonaws.com"
    output["imageDetails"] = {
        "image": f"{registry}/{task.template.name.lower()}:latest",
        "imageDigest": "sha256:" + hashlib.sha256(task.template.name.encode()).hexdigest(),
    }
    return output
