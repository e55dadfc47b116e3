"""The run log (``run/<runId>``): one JSON object per step, as the service words them.

Each event is ``{"runStatus", "logMessage", "message"}`` (spec 4.3). The codes
of the failure path are the service's; those of the success and cancel paths
are omics-mock's choice (UNCONFIRMED), in the same style.
"""

from __future__ import annotations

import functools

from ..runs.model import Run
from .jsontext import quoted

WORKFLOW_TIMEOUT_MINUTES = 10080
_TASK_CODES = {
    "STARTING": ("STARTING_TASK", "Starting workflow run task with name: {name} and taskId: {id}"),
    "RUNNING": ("RUNNING_TASK", "Running workflow run task: name: {name} and taskId: {id}"),
    "COMPLETED": ("TASK_COMPLETED", "Workflow run task: name: {name} and taskId: {id} completed."),
    "FAILED": ("TASK_FAILED", "Workflow run task: name: {name} and taskId: {id} failed."),
    "CANCELLED": ("TASK_CANCELLED", "Workflow run task: name: {name} and taskId: {id} cancelled."),
}
_END_CODES = {
    "COMPLETED": ("RUN_COMPLETED", "Workflow run completed."),
    "FAILED": ("RUN_FAILED", "Workflow run failed."),
    "CANCELLED": ("RUN_CANCELLED", "Workflow run cancelled."),
}


def entry(run_status: str, code: str, message: str) -> str:
    """``{"runStatus": ..., "logMessage": ..., "message": ...}`` as ``json.dumps`` writes it."""
    return _opening(run_status, code) + quoted(message) + "}"


@functools.lru_cache(maxsize=256)
def _opening(run_status: str, code: str) -> str:
    """The fixed part of an entry: everything before the message's text."""
    return f'{{"runStatus": {quoted(run_status)}, "logMessage": {quoted(code)}, "message": '


def input_lines(run: Run, status: str) -> list[str]:
    """RUNNING's lines about the run's inputs, after its first (none for other statuses)."""
    if status in ("PENDING", "STARTING"):
        return []
    lines = []
    for uri in _inputs(run):
        lines.append(entry(status, "IMPORTING_FILES", f"Importing your workflow run input: {uri}"))
        lines.append(
            entry(status, "IMPORT_COMPLETED", f"Completed import of workflow run input: {uri}")
        )
    return lines


@functools.lru_cache(maxsize=8)
def fixed_start_lines(status: str) -> tuple[str, ...]:
    """The run-log lines of a run status before RUNNING, and RUNNING's first one (the
    same for every run)."""
    if status == "PENDING":
        return (entry(status, "CREATING_RUN", "Creating your workflow run."),)
    if status == "STARTING":
        return (
            entry(status, "STARTING_RUN", "Provisioning infrastructure for your workflow run."),
            entry(
                status,
                "SET_WORKFLOW_TIMEOUT",
                f"Your workflow will be timed out after: {WORKFLOW_TIMEOUT_MINUTES} minutes.",
            ),
        )
    return (entry(status, "RUNNING_WORKFLOW", "Your workflow is now running."),)


def _inputs(run: Run) -> list[str]:
    parameters = run.request.get("parameters")
    if not isinstance(parameters, dict):
        return []
    return [v for v in parameters.values() if isinstance(v, str) and v.startswith("s3://")]


@functools.lru_cache(maxsize=1024)
def task_entry(status: str, name: str) -> tuple[str, str] | None:
    """The entry of the task named ``name`` for ``status`` before and after its ID (JSON
    escapes each character alone, so the entry is the two around the escaped ID)."""
    found = _TASK_CODES.get(status)
    if found is None:
        return None
    code, text = found
    before, after = text.split("{id}")
    head = _opening("RUNNING", code) + quoted(before.format(name=name))[:-1]
    return head, quoted(after.format(name=name))[1:] + "}"


def end_lines(run: Run, status: str) -> list[str]:
    if status == "STOPPING":
        static = run.storage_type == "STATIC"
        return list(_stopping_lines(run.storage_capacity or 1200 if static else 0))
    code, text = _END_CODES[status]
    return [entry(status, code, text)]


@functools.lru_cache(maxsize=64)
def _stopping_lines(static_size: int) -> tuple[str, ...]:
    """The run-log lines of STOPPING (``static_size``: the size of STATIC storage, else 0)."""
    status = "STOPPING"
    lines = [entry(status, "STOPPING_RUN", "Deprovisioning infrastructure for your workflow run.")]
    if static_size:
        size = static_size
        used = max(1, size * 14 // 100)
        lines.append(
            entry(
                status,
                "MAX_FILE_SYSTEM_USAGE",
                "Max file system usage (Size, Used, Used %): "
                f"{size}GiB {used}GiB {used * 100 // size}%",
            )
        )
    return tuple(lines)
