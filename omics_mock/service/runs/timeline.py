"""When a run's tasks run, and what the task operations answer.

Tasks are laid out one after another over the run's RUNNING time. A task's
status at any instant follows from its window and from how the run ended, so a
run with many tasks costs one timeline, not one event per task phase. Task IDs
are allocated as tasks appear.
"""

from __future__ import annotations

import datetime as _dt
import functools
import hashlib
from typing import Any

from ..kernel.ids import IdAllocator
from .model import Run
from .tasks import Task, TaskTemplate

# Share of a task's window spent in each task phase before RUNNING and after.
_TASK_PENDING, _TASK_STARTING, _TASK_STOPPING = 0.02, 0.08, 0.05


@functools.lru_cache(maxsize=256)
def _phase_offsets(length: _dt.timedelta) -> tuple[_dt.timedelta, _dt.timedelta, _dt.timedelta]:
    """How far into a task's window of ``length`` it starts, runs and stops (a timedelta
    times a float costs a microsecond, and a run's tasks mostly share one length)."""
    return (
        length * _TASK_PENDING,
        length * (_TASK_PENDING + _TASK_STARTING),
        length * _TASK_STOPPING,
    )


def task_windows(run: Run) -> list[tuple[int, _dt.datetime, _dt.datetime]]:
    """(index, start, end) of every task that has appeared by the time work stopped."""
    if run.running_since is None:
        return []
    stop = run.ended_work_at
    windows = []
    start = run.running_since
    for index, length in enumerate(run.task_durations()):
        if stop is not None and start >= stop:
            break
        windows.append((index, start, start + length))
        start += length
    return windows


def tasks_at(run: Run, now: _dt.datetime, ids: IdAllocator) -> list[Task]:
    """The run's tasks that exist at ``now`` (IDs drawn from ``ids`` as tasks appear)."""
    if len(run.tasks) < len(run.templates):  # else every task has appeared
        _appear(run, now, ids)
    return [task for task in run.tasks if task.window_start <= now]


def _appear(run: Run, now: _dt.datetime, ids: IdAllocator) -> None:
    """Add the run's tasks that have appeared by ``now`` and are not in ``run.tasks``."""
    for index, start, end in task_windows(run):
        if index < len(run.tasks):
            continue
        if start > now:
            break
        hit = run.cache_hits.get(index)
        if not run.tasks:
            run.tasks = []
        run.tasks.append(
            Task(
                ids.numeric(),
                ids.uuid(),
                run.templates[index],
                index,
                start,
                end,
                cache_hit=hit is not None,
                cache_s3_uri=hit,
            )
        )


def task_status(
    run: Run, task: Task, now: _dt.datetime
) -> tuple[str, _dt.datetime | None, _dt.datetime | None]:
    """(status, startTime, stopTime) of a task at ``now``."""
    begin, end = task.window_start, task.window_end
    starting, running, stopping = _phase_offsets(end - begin)
    running_at = begin + running
    stopping_at = end - stopping
    cut = run.ended_work_at
    if cut is not None and cut < end:
        if now >= cut:
            final = "FAILED" if run.end_status == "FAILED" else "CANCELLED"
            return final, (running_at if cut > running_at else None), cut
        end = cut
    if now >= end:
        failed = run.end_status == "FAILED" and task.index == len(run.templates) - 1
        return ("FAILED" if failed else "COMPLETED"), running_at, end
    if now >= stopping_at:
        return "STOPPING", running_at, None
    if now >= running_at:
        return "RUNNING", running_at, None
    if now >= begin + starting:
        return "STARTING", None, None
    return "PENDING", None, None


def task_transitions(run: Run, task: Task) -> list[tuple[str, _dt.datetime]]:
    """Every status the task takes, with the moment it takes it (as ``task_status`` tells
    them apart): the task's history once the run has ended, its plan while it runs."""
    begin, end = task.window_start, task.window_end
    starting, running, stopping = _phase_offsets(end - begin)
    phases = [
        ("PENDING", begin),
        ("STARTING", begin + starting),
        ("RUNNING", begin + running),
        ("STOPPING", end - stopping),
    ]
    cut = run.ended_work_at
    if cut is not None and cut < end:
        final = "FAILED" if run.end_status == "FAILED" else "CANCELLED"
        return [phases[0], *(p for p in phases[1:] if p[1] < cut), (final, cut)]
    failed = run.end_status == "FAILED" and task.index == len(run.templates) - 1
    return [*phases, ("FAILED" if failed else "COMPLETED", end)]


def task_list_item(run: Run, task: Task, now: _dt.datetime) -> dict[str, Any]:
    """A task as ListRunTasks shows it."""
    status, start, stop = task_status(run, task, now)
    template = task.template
    item = {
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
    return {k: v for k, v in item.items() if v is not None}


def task_output(run: Run, task: Task, now: _dt.datetime) -> dict[str, Any]:
    """A task as GetRunTask shows it."""
    output = task_list_item(run, task, now)
    if run.log_level != "OFF" and not task.cache_hit:
        output["logStream"] = run.log_stream_arn(f"run/{run.id}/task/{task.id}")
    if output["status"] == "FAILED":
        output["failureReason"] = (run.failure_reason or "TASK_FAILED")[:64]
        output["statusMessage"] = (
            f"Task {task.template.name} failed: {run.status_message or 'error'}"
        )
    elif output["status"] == "CANCELLED":
        output["statusMessage"] = "The run was cancelled."
    output["imageDetails"] = image_details(run, task.template)
    return output


def image_details(run: Run, template: TaskTemplate) -> dict[str, str]:
    """The task's container image (``task_image``) and its digest."""
    digest_source = template.image or template.name
    return {
        "image": task_image(run, template),
        "imageDigest": "sha256:" + hashlib.sha256(digest_source.encode()).hexdigest(),
    }


def task_image(run: Run, template: TaskTemplate) -> str:
    """The task's container image: the one its definition declares, else a private ECR one."""
    return image_in(template, run.account_id, run.region)


def image_in(template: TaskTemplate, account_id: str, region: str) -> str:
    """``task_image`` of a run in ``account_id`` and ``region``."""
    image = template.image
    if image is None:
        registry = f"{account_id}.dkr.ecr.{region}.amazonaws.com"
        image = f"{registry}/{template.name.lower()}:latest"
    return image
