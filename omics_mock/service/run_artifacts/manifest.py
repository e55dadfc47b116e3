"""The run manifest: one JSON record for the run, then one per task (spec 4.5).

Clients read it to price a run (run_analyzer), to start it again (rerun) and to
draw its timeline (the HealthOmics MCP server), so the keys they read are all
here, times carry exactly three fractional digits, and the run record has no
``cpus`` key (that is how a task record is told apart).
"""

from __future__ import annotations

import datetime as _dt
import functools
import hashlib
from typing import Any

from ..runs.model import Run
from ..runs.tasks import Task, TaskTemplate
from ..runs.timeline import image_in
from .content import reserved
from .items import iso_ms
from .jsontext import compact, quoted

TaskEnd = tuple[Task, str, _dt.datetime | None, _dt.datetime | None]
"""A task, its final status, startTime and stopTime."""


def run_line(run: Run, workflow_arn: str, backend_arn: Any, parameter_template: str) -> str:
    """The run's record as compact JSON, made piece by piece (the text ``compact`` gives for
    the record as a dict: ``compact`` of each value, keys in the record's order, without the dict;
    ``parameter_template``: the definition's, encoded once per definition). What runs of one
    request shape share is encoded once (``_submitted``, ``_storage``)."""
    request = run.request
    text = (
        '{"arn":'
        + quoted(run.arn)
        + ',"uuid":'
        + quoted(run.uuid)
        + ',"name":'
        + quoted(run.name or "")
        + ',"status":'
        + quoted(run.status)
        + ',"workflow":'
        + quoted(workflow_arn)
        + ',"creationTime":"'
        + iso_ms(run.creation_time)
    )
    start, stop = run.start_time, run.stop_time
    if start is not None:
        text += '","startTime":"' + iso_ms(start)
    if stop is not None:
        text += '","stopTime":"' + iso_ms(stop)
    digest = run.definition.digest or "sha256:" + hashlib.sha256(run.arn.encode()).hexdigest()
    parameters = request.get("parameters")
    running = (stop - start).total_seconds() if start is not None and stop is not None else 0.0
    text += (
        _submitted(digest, request["outputUri"], request["roleArn"], run.account_id)
        + (_value(parameters) if parameters else "{}")
        + ',"parameterTemplate":'
        + parameter_template
        + ',"resourceDigests":'
        + _resource_digests(parameters)
        + _storage(run.storage_type, request.get("storageCapacity"), run.storage_capacity)
        + repr(round(running, 3))
        + "}"
    )
    return _optional(run, request, workflow_arn, backend_arn, text) + "}"


@functools.lru_cache(maxsize=256)
def _submitted(digest: str, output_uri: Any, role_arn: Any, account_id: str) -> str:
    """From the end of the last time to ``"parameters":``: ``digest``, ``outputUri``,
    ``roleArn``, ``startedBy``."""
    return (
        '","digest":'
        + _value(digest)
        + ',"outputUri":'
        + _value(output_uri)
        + ',"roleArn":'
        + _value(role_arn)
        + ',"startedBy":'
        + quoted(f"arn:aws:iam::{account_id}:user/omics-mock")
        + ',"parameters":'
    )


@functools.lru_cache(maxsize=256)
def _storage(storage_type: str | None, requested: Any, capacity: int | None) -> str:
    """``storageType``, ``storageCapacity`` when requested, and the opening of ``metrics`` up
    to ``"runningSeconds":`` (floats are written as ``repr`` writes them, as ``json`` does)."""
    text = ',"storageType":' + _value(storage_type or "DYNAMIC")
    if requested is not None:
        text += ',"storageCapacity":' + _value(requested)
    size = float(capacity or 1200)
    metrics: dict[str, Any] = {
        "storageMaximumGiB": round(size * 0.14, 6),
        "storageAverageGiB": round(size * 0.09, 6),
    }
    if storage_type == "STATIC":
        metrics["storageReservedGiB"] = size
    metrics["runningSeconds"] = 0.0
    return text + ',"metrics":' + compact(metrics)[: -len("0.0}")]


def _optional(run: Run, request: Any, workflow_arn: str, backend_arn: Any, text: str) -> str:
    """``text`` and the run record's keys that only some runs have, those that are set."""
    if run.failure_reason is not None:
        text += ',"failureReason":' + _value(run.failure_reason)
    if run.status_message is not None:
        text += ',"statusMessage":' + _value(run.status_message)
    if run.run_group_id:
        text += ',"runGroup":' + _value(backend_arn(f"runGroup/{run.run_group_id}"))
    priority = request.get("priority")
    if priority is not None:
        text += ',"priority":' + _value(priority)
    if run.cache_id:
        text += ',"runCache":' + _value(backend_arn(f"runCache/{run.cache_id}"))
    if run.cache_behavior is not None:
        text += ',"runCacheBehavior":' + _value(run.cache_behavior)
    if run.retention_mode is not None:
        text += ',"retentionMode":' + _value(run.retention_mode)
    for key in _REQUESTED:
        value = request.get(key)
        if value is not None:
            text += ',"' + key + '":' + _value(value)
    if run.version is not None:
        text += ',"workflowVersion":' + _value(f"{workflow_arn}/version/{run.version.name}")
    if run.source_run_id:
        text += ',"run":' + _value(backend_arn(f"run/{run.source_run_id}"))
    return text


_REQUESTED = ("logLevel", "workflowOwnerId")
"""Optional keys of the run record after ``retentionMode`` taken from the request as it is."""


def _value(value: Any) -> str:
    """``compact(value)``, without an encoder for a text or an empty mapping."""
    if type(value) is str:
        return quoted(value)
    if type(value) is dict and not value:
        return "{}"
    return compact(value)


def _resource_digests(parameters: Any) -> str:
    """``resourceDigests``: an ETag for each S3 URI among the parameters' values."""
    if isinstance(parameters, dict):
        for value in parameters.values():
            if isinstance(value, str) and value.startswith("s3://"):
                return compact(_digests(parameters))
    return "{}"


def _digests(parameters: Any) -> dict[str, str]:
    if not isinstance(parameters, dict):
        return {}
    return {
        value: "etag:" + hashlib.md5(value.encode()).hexdigest()
        for value in parameters.values()
        if isinstance(value, str) and value.startswith("s3://")
    }


def task_lines(run: Run, ends: list[TaskEnd], arn: Any) -> list[str]:
    """Each task's record: ``arn``, ``uuid``, ``name``, ``status``, ``run``, the times
    (none for a cache hit), ``cpus``, ``memory``, ``gpus``, ``instanceType``, ``image``,
    ``metrics`` (``{}`` for a cache hit), and for a failed task ``failureReason`` and
    ``statusMessage`` (``arn``: the backend's ARN maker). What depends only on the task's
    template (and the run's account and Region, for its image) is encoded once
    (``_fixed``), what depends on the run once; a task created when the one before it
    stopped reuses that moment's text."""
    of_run = ',"run":' + quoted(run.arn) + ","
    opening = '{"arn":' + quoted(arn("task/"))[:-1]  # escaped alone, each character is
    account, region = run.account_id, run.region
    lines = []
    last_stop, last_text = None, ""
    for task, status, start, stop in ends:
        template = task.template
        named, fixed, metrics = _fixed(template, account, region)
        head = (
            opening
            + quoted(task.id)[1:]
            + ',"uuid":'
            + quoted(task.uuid)
            + named
            + quoted(status)
            + of_run
        )
        if task.cache_hit:
            text = head + fixed + ',"metrics":{}'
        else:
            created = task.window_start
            created_text = last_text if created == last_stop else iso_ms(created)
            times = '"creationTime":"' + created_text + '",'
            if start is not None:
                times += '"startTime":"' + iso_ms(start) + '",'
            if stop is not None:
                last_stop, last_text = stop, iso_ms(stop)
                times += '"stopTime":"' + last_text + '",'
            running = _seconds(stop - start) if start is not None and stop is not None else "0.0"
            text = head + times + fixed + metrics + running + "}"
        if status == "FAILED":
            reason = (run.failure_reason or "TASK_FAILED")[:64]
            message = f"Task {template.name} failed: {run.status_message or 'error'}"
            text += ',"failureReason":' + quoted(reason) + ',"statusMessage":' + quoted(message)
        lines.append(text + "}")
    return lines


@functools.lru_cache(maxsize=1024)
def _seconds(length: _dt.timedelta) -> str:
    """``runningSeconds`` of a task that ran for ``length`` (a run's tasks mostly share it)."""
    return repr(round(length.total_seconds(), 3))


@functools.lru_cache(maxsize=1024)
def _fixed(template: TaskTemplate, account_id: str, region: str) -> tuple[str, str, str]:
    """``,"name":..,"status":`` (before the status), ``"cpus":..,"memory":..,"gpus":..,
    "instanceType":..,"image":..`` and the opening of ``,"metrics":{...,"runningSeconds":``
    (all but the running time)."""
    named = ',"name":' + quoted(template.name) + ',"status":'
    fixed = compact(
        {
            "cpus": template.cpus,
            "memory": template.memory,
            "gpus": template.gpus,
            "instanceType": template.instance_type,
            "image": image_in(template, account_id, region),
        }
    )[1:-1]
    metrics = compact(_reserved_metrics(template))
    return named, fixed, ',"metrics":' + metrics[:-1] + ',"runningSeconds":'


def _reserved_metrics(template: TaskTemplate) -> dict[str, Any]:
    """A task's metrics but ``runningSeconds``: the instance's, and usage below them."""
    cpus, memory, gpus = reserved(template)
    used_cpus = min(template.cpus, cpus)
    used_memory = min(template.memory, memory)
    return {
        "cpusReserved": cpus,
        "cpusMaximum": round(used_cpus * 0.8, 6),
        "cpusAverage": round(used_cpus * 0.5, 6),
        "gpusReserved": gpus,
        "memoryReservedGiB": memory,
        "memoryMaximumGiB": round(used_memory * 0.7, 6),
        "memoryAverageGiB": round(used_memory * 0.4, 6),
    }
