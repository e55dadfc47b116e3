"""A run as the displays draw it: its phases and its tasks over virtual time.

Times are seconds from the run's creation, so a timeline needs no date arithmetic.
A task that has appeared carries the ID ListRunTasks shows; a task whose window has
begun but that no request has listed yet has none (IDs are handed out as requests
see tasks, and a display hands out nothing); a task whose window lies ahead is
``PLANNED``. Reading a run changes nothing in it.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

from ...service.runs.model import (
    PENDING,
    RUNNING,
    STARTING,
    STOPPING,
    STORED_STATUSES,
    TERMINAL,
    Run,
)
from ...service.runs.tasks import Task
from ...service.runs.timeline import task_status, task_windows

RUN_STATUSES = STORED_STATUSES
"""The statuses the dashboard counts and filters by, in the order of a run's life."""
PLANNED = "PLANNED"
"""A task whose window has not begun yet (the run's plan)."""


def seconds(later: _dt.datetime | None, earlier: _dt.datetime) -> float | None:
    return None if later is None else (later - earlier).total_seconds()


def end_of(run: Run, now: _dt.datetime) -> _dt.datetime:
    """When the run's timeline ends: its stop time, else now."""
    return run.stop_time if run.stop_time is not None and run.status in TERMINAL else now


def phases(run: Run, now: _dt.datetime) -> list[dict[str, Any]]:
    """The phases the run went through (PENDING, STARTING, RUNNING, STOPPING), each
    with its start and end in seconds from creation (an ongoing phase ends now)."""
    began = run.creation_time
    marks = [
        (PENDING, began),
        (STARTING, run.starting_since),
        (RUNNING, run.running_since),
        (STOPPING, run.stopping_since),
    ]
    seen = [(status, at) for status, at in marks if at is not None]
    last = end_of(run, now)
    out = []
    for index, (status, at) in enumerate(seen):
        until = seen[index + 1][1] if index + 1 < len(seen) else last
        if run.status == status and run.is_active:
            until = now
        out.append({"status": status, "start": seconds(at, began), "end": seconds(until, began)})
    return out


def tasks(run: Run, now: _dt.datetime, limit: int | None = None) -> list[dict[str, Any]]:
    """The run's tasks: one entry per task window (at most ``limit``), in order."""
    began = run.creation_time
    known = run.tasks
    out: list[dict[str, Any]] = []
    for index, start, end in task_windows(run):
        if limit is not None and len(out) >= limit:
            break
        template = run.templates[index]
        task = known[index] if index < len(known) else None
        if start > now:
            status, stop = PLANNED, end
        else:
            probe = task or Task("", "", template, index, start, end)
            status, _, stopped = task_status(run, probe, now)
            stop = stopped if stopped is not None else min(end, now)
            if run.ended_work_at is not None and stop > run.ended_work_at:
                stop = run.ended_work_at
        item: dict[str, Any] = {
            "name": template.name,
            "status": status,
            "start": (start - began).total_seconds(),
            "end": (stop - began).total_seconds(),
            "cpus": template.cpus,
            "memory": template.memory,
        }
        if stop != end:
            item["planned_end"] = (end - began).total_seconds()
        if task is not None:
            item["id"] = task.id
        if index in run.cache_hits:
            item["cache_hit"] = True
        out.append(item)
    return out


def run_view(run: Run, now: _dt.datetime, *, task_limit: int | None = None) -> dict[str, Any]:
    """Plain data about one run (JSON-ready once datetimes are written out)."""
    windows = tasks(run, now, task_limit)
    span = seconds(end_of(run, now), run.creation_time) or 0.0
    planned = max((task.get("planned_end", task["end"]) for task in windows), default=0.0)
    return {
        "id": run.id,
        "name": run.name,
        "status": run.status,
        "account_id": run.account_id,
        "region": run.region,
        "workflow_id": run.workflow.id,
        "workflow_name": run.workflow.name,
        "workflow_version": run.request.get("workflowVersionName"),
        "priority": run.priority,
        "run_group_id": run.run_group_id,
        "batch_id": run.batch_id,
        "cache_id": run.cache_id,
        "creation_time": run.creation_time,
        "start_time": run.start_time,
        "stop_time": run.stop_time,
        "failure_reason": run.failure_reason,
        "status_message": run.status_message,
        "held": run.held,
        "active": run.is_active,
        "span": span,
        "horizon": max(span, planned),
        "phases": phases(run, now),
        "tasks": windows,
        "task_count": len(run.templates),
    }
