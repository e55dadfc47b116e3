"""What GetRun, StartRun, ListRuns and the task operations answer for a run."""

from __future__ import annotations

import datetime as _dt
import hashlib
from typing import Any

from .run_model import Run, Task
from .run_requests import engine_version

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


def _run_output_uri(run: Run) -> str:
    request = run.request
    return run_output_uri(request["outputUri"], run.id, _prefix_mode(run))


def _prefix_mode(run: Run) -> str:
    return str(run.request.get("outputUriPrefixMode") or "SERVICE_DEFINED")


def start_output(run: Run) -> dict[str, Any]:
    output: dict[str, Any] = {
        "arn": run.arn,
        "id": run.id,
        "status": run.status,
        "tags": dict(run.tags),
        "uuid": run.uuid,
        "runOutputUri": _run_output_uri(run),
        "networkingMode": run.request.get("networkingMode") or "RESTRICTED",
    }
    if run.configuration is not None:
        output["configuration"] = run.configuration.to_run_reference()
    return output


def get_run_output(run: Run) -> dict[str, Any]:
    """GetRun's answer: the request echoed, with what the service resolved and did."""
    request = run.request
    workflow = run.workflow
    definition = run.definition
    engine = definition.engine
    nextflow = engine == "NEXTFLOW"
    configuration = run.configuration
    return _drop_none(
        {
            "arn": run.arn,
            "id": run.id,
            "uuid": run.uuid,
            "status": run.status,
            "workflowId": workflow.id,
            "workflowType": workflow.type,
            "workflowVersionName": request.get("workflowVersionName"),
            "workflowOwnerId": request.get("workflowOwnerId"),
            "workflowUuid": workflow.uuid,
            "runId": run.source_run_id,
            "roleArn": request["roleArn"],
            "name": request.get("name"),
            "runGroupId": run.run_group_id,
            "batchId": run.batch_id,
            "priority": request.get("priority"),
            "digest": definition.digest,
            "parameters": request.get("parameters"),
            "storageCapacity": run.storage_capacity,
            "storageType": run.storage_type,
            "outputUri": request["outputUri"],
            "runOutputUri": _run_output_uri(run),
            "outputUriPrefixMode": _prefix_mode(run),
            "logLevel": request.get("logLevel"),
            "resourceDigests": _resource_digests(request.get("parameters")),
            "startedBy": f"arn:aws:iam::{run.account_id}:user/omics-mock",
            "accelerators": definition.accelerators,
            "retentionMode": run.retention_mode,
            "cacheId": run.cache_id,
            "cacheBehavior": run.cache_behavior,
            "networkingMode": request.get("networkingMode") or "RESTRICTED",
            "configuration": configuration.to_run_reference() if configuration else None,
            "vpcConfig": configuration.run_vpc_config() if configuration else None,
            "scratchStorageMode": request.get("scratchStorageMode"),
            "sessionPolicy": request.get("sessionPolicy"),
            "engineSettings": request.get("engineSettings") if nextflow else None,
            "engineVersion": engine_version(engine, request.get("engineSettings")),
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


def list_item(run: Run) -> dict[str, Any]:
    request = run.request
    return _drop_none(
        {
            "arn": run.arn,
            "id": run.id,
            "status": run.status,
            "workflowId": run.workflow.id,
            "batchId": run.batch_id,
            "name": request.get("name"),
            "priority": request.get("priority"),
            "storageCapacity": run.storage_capacity,
            "creationTime": run.creation_time,
            "startTime": run.start_time,
            "stopTime": run.stop_time,
            "storageType": run.storage_type,
            "workflowVersionName": request.get("workflowVersionName"),
            "workflowName": run.workflow.name,
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
