"""Runs: StartRun, GetRun, ListRuns, CancelRun, DeleteRun and their tasks.

The rules for starting a run live in ``run_requests``; phase changes and
admission in ``run_simulation``; GetRun/ListRuns/task outputs in
``run_outputs``. This module holds the operations and the stored-run limit
(retention): at ``quotas.max_runs`` a new run evicts the oldest REMOVE run, and
with only RETAIN runs StartRun is refused with ServiceQuotaExceededException.
"""

from __future__ import annotations

import collections
import datetime as _dt
from collections.abc import Callable
from typing import Any

from ..protocol.errors import ConflictException, ServiceQuotaExceededException
from .base import Family, Params, not_found, operation
from .ids import new_uuid
from .run_model import ACTIVE, TERMINAL, Run, Task
from .run_outputs import (
    get_run_output,
    list_item,
    start_output,
    task_item,
    task_output,
)
from .run_requests import RunPlan, plan_run
from .run_simulation import RunSimulation
from .store import Store, page_list
from .task_templates import templates_for


class Runs(Family):
    """Runs of one account and Region."""

    attribute = "runs"

    def __init__(self, backend: Any) -> None:
        super().__init__(backend)
        self.store: Store[Run] = Store("run")
        self.simulation = RunSimulation(backend)
        self._removable: collections.deque[str] = collections.deque()
        self.removal_listeners: list[Callable[[Run], None]] = []
        """Called with each run just before it is deleted or evicted."""
        self._sequence = 0
        self._templates: dict[tuple[str, str, str | None], tuple[Any, ...]] = {}

    def get(self, run_id: str) -> Run:
        run = self.store.get(run_id)
        if run is None:
            raise not_found("Run", run_id)
        return run

    # -- operations ---------------------------------------------------------------------

    @operation("StartRun")
    def start_run(self, req: Params) -> dict[str, Any]:
        existing = self.backend.idempotency.lookup("StartRun", req)
        if existing is not None and existing in self.store:
            return start_output(self.get(existing))
        plan = plan_run(self.backend, req)
        now = self.backend.clock.now()
        self.make_room(plan.retention_mode, now)
        run = self.create(plan, now)
        self.backend.idempotency.remember("StartRun", req, run.id)
        return start_output(run)

    @operation("GetRun")
    def get_run(self, req: Params) -> dict[str, Any]:
        run = self.get(req["id"])
        if self.backend.environment.run_control.per_poll and run.is_active:
            self.simulation.step(run, self.backend.clock.now())
        output = get_run_output(run)
        if "DEFINITION" in (req.get("export") or []):
            bundle = getattr(
                run.version.definition if run.version else run.workflow.definition, "bundle", None
            )
            if bundle is not None:
                path = (
                    f"{self.backend.region}/{self.backend.account_id}/run/{run.id}/definition.zip"
                )
                output["definition"] = self.backend.environment.artifacts.publish(path, bundle.raw)
        return output

    @operation("ListRuns")
    def list_runs(self, req: Params) -> dict[str, Any]:
        filters = [
            (attribute, req[member])
            for member, attribute in (
                ("name", "name"),
                ("runGroupId", "run_group_id"),
                ("batchId", "batch_id"),
                ("status", "status"),
            )
            if req.get(member) is not None
        ]

        def matches(run: Run) -> bool:
            return all(getattr(run, attribute) == value for attribute, value in filters)

        runs, token = self.store.page(
            req.get("startingToken"), req.get("maxResults"), matches if filters else None
        )
        page: dict[str, Any] = {"items": [list_item(run) for run in runs]}
        if token is not None:
            page["nextToken"] = token
        return page

    @operation("CancelRun")
    def cancel_run(self, req: Params) -> None:
        run = self.get(req["id"])
        if run.status not in ACTIVE:
            raise ConflictException(f"Run {run.id} cannot be cancelled in status {run.status}.")
        self.simulation.cancel(run, self.backend.clock.now())

    @operation("DeleteRun")
    def delete_run(self, req: Params) -> None:
        run = self.get(req["id"])
        if run.status not in TERMINAL:
            raise ConflictException(f"Run {run.id} cannot be deleted in status {run.status}.")
        self.remove(run)

    @operation("GetRunTask")
    def get_run_task(self, req: Params) -> dict[str, Any]:
        run = self.get(req["id"])
        now = self.backend.clock.now()
        for task in self.tasks_of(run, now):
            if task.id == req["taskId"]:
                return task_output(run, task, now)
        raise not_found("Task", req["taskId"])

    @operation("ListRunTasks")
    def list_run_tasks(self, req: Params) -> dict[str, Any]:
        run = self.get(req["id"])
        now = self.backend.clock.now()
        items = [task_item(run, task, now) for task in self.tasks_of(run, now)]
        if req.get("status") is not None:
            items = [item for item in items if item["status"] == req["status"]]
        page, token = page_list("task", items, req.get("startingToken"), req.get("maxResults"))
        result: dict[str, Any] = {"items": page}
        if token is not None:
            result["nextToken"] = token
        return result

    # -- helpers other families use -----------------------------------------------------------

    def create(self, plan: RunPlan, now: _dt.datetime, batch_id: str | None = None) -> Run:
        """Store a planned run and hand it to the simulation."""
        backend = self.backend
        run_id = backend.ids.numeric()
        self._sequence += 1
        control = backend.environment.run_control
        workflow_id = plan.workflow.id
        timing = control.timing_for(workflow_id)
        run = Run(
            id=run_id,
            arn=backend.arn(f"run/{run_id}"),
            uuid=new_uuid(),
            account_id=backend.account_id,
            region=backend.region,
            creation_time=now,
            request=plan.request,
            workflow=plan.workflow,
            version=plan.version,
            templates=self._task_templates(plan),
            timing=timing,
            outcome=control.next_outcome(workflow_id),
            priority=plan.priority,
            run_group_id=plan.run_group_id,
            batch_id=batch_id,
            retention_mode=plan.retention_mode,
            tags=plan.tags,
            storage_type=plan.storage_type,
            storage_capacity=plan.storage_capacity,
            cache_id=plan.cache_id,
            cache_behavior=plan.cache_behavior,
            configuration=plan.configuration,
            source_run_id=plan.source_run.id if plan.source_run is not None else None,
            sequence=self._sequence,
        )
        self.store.add(run_id, run)
        if run.retention_mode == "REMOVE":
            self._removable.append(run_id)
        backend.register_taggable(run.arn, run)
        self.simulation.submit(run, now)
        return run

    def remove(self, run: Run) -> None:
        """Forget a run (DeleteRun or eviction)."""
        for listener in self.removal_listeners:
            listener(run)
        self.simulation.remove(run, self.backend.clock.now())
        self.store.remove(run.id)
        self.backend.unregister_taggable(run.arn)

    def tasks_of(self, run: Run, now: _dt.datetime) -> list[Task]:
        """The run's tasks that exist at ``now`` (IDs allocated as tasks appear)."""
        for index, start, end in run.task_windows():
            if index < len(run.tasks):
                continue
            if start > now:
                break
            hit = run.cache_hits.get(index)
            run.tasks.append(
                Task(
                    self.backend.ids.numeric(),
                    new_uuid(),
                    run.templates[index],
                    index,
                    start,
                    end,
                    cache_hit=hit is not None,
                    cache_s3_uri=hit,
                )
            )
        return [task for task in run.tasks if task.window_start <= now]

    def _task_templates(self, plan: RunPlan) -> tuple[Any, ...]:
        version_name = plan.version.name if plan.version is not None else None
        key = (plan.workflow.arn, plan.definition.digest or "", version_name)
        templates = self._templates.get(key)
        if templates is None:
            gpu = plan.definition.accelerators == "GPU"
            templates = templates_for(plan.definition, gpu)
            self._templates[key] = templates
        return templates

    def make_room(self, retention_mode: str, now: _dt.datetime) -> None:
        """Evict REMOVE runs until a new run fits under ``quotas.max_runs``."""
        quota = self.backend.settings.quotas.max_runs
        while len(self.store) >= quota:
            evict = (
                retention_mode == "REMOVE" or self.backend.settings.retain_runs_evict_remove_runs
            )
            victim = self._oldest_removable() if evict else None
            if victim is None:
                raise ServiceQuotaExceededException(
                    f"The account has reached the maximum number of runs ({quota}). "
                    "Delete runs, or start runs with retentionMode REMOVE."
                )
            self.remove(victim)

    def _oldest_removable(self) -> Run | None:
        while self._removable:
            run = self.store.get(self._removable[0])
            if run is not None and run.retention_mode == "REMOVE":
                self._removable.popleft()
                return run
            self._removable.popleft()
        return None
