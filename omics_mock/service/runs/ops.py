"""Runs: StartRun, GetRun, ListRuns, CancelRun, DeleteRun, GetRunTask, ListRunTasks.

The rules for starting a run live in ``planning``; phase changes and admission
in ``simulation``; what the operations answer in ``model`` and ``timeline``.
This module holds the operations, the steering the control API uses, and the
stored-run limit (retention): at ``quotas.max_runs`` a new run evicts the
oldest REMOVE run, and with only RETAIN runs StartRun is refused with
ServiceQuotaExceededException.
"""

from __future__ import annotations

import collections
import datetime as _dt
import operator
from typing import Any

from ...wire.errors import ConflictException, ServiceQuotaExceededException
from ..configurations.events import ConfigurationInUse
from ..kernel.events import reacts_to
from ..kernel.settings import RunTiming
from ..kernel.state import Backend, Family, Params, ServiceState, not_found, operation
from ..kernel.store import Listing, Store
from ..outside.artifacts import ArtifactStore
from ..run_groups.events import RunGroupInUse, RunGroupLimitsChanged
from ..storage.inputs import input_problems
from .declared_tasks import templates_for
from .events import AdmissionVeto, RunRemoved, RunStatusChanged
from .model import ACTIVE, NO_TAGS, TERMINAL, Outcome, Run
from .planning import RunPlan, plan_run
from .simulation import RunSimulation
from .steering import RunSteering
from .tasks import TaskTemplate
from .timeline import task_list_item, task_output, tasks_at

LIST_FILTERS = (
    ("name", "name"),
    ("runGroupId", "run_group_id"),
    ("batchId", "batch_id"),
    ("status", "status"),
)
"""ListRuns filters: request member and run attribute, the most selective first.
Each is an index of the run store, so a filtered page costs what a plain one does."""


class Runs(Family):
    """Runs of one account and Region."""

    key = "runs"
    """A cache, filled again as runs start: snapshots do not carry it."""

    def __init__(self, backend: Backend) -> None:
        super().__init__(backend)
        self.store: Store[Run] = Store("run")
        backend.register_taggable_kind("run", self.store.get)
        for _, attribute in LIST_FILTERS:
            self.store.index_by(attribute, operator.attrgetter(attribute))
        self.simulation = RunSimulation(backend)
        self.steering = backend.state.shared(RunSteering)
        self._removable: collections.deque[str] = collections.deque()
        self._sequence = 0

    def get(self, run_id: str) -> Run:
        run = self.store.get(run_id)
        if run is None:
            raise not_found("Run", run_id)
        return run

    # -- operations ---------------------------------------------------------------------

    @operation("StartRun", render=Run.to_start_output)
    def start_run(self, req: Params) -> Run:
        plan = self.plan(req)
        now = self.backend.clock.now()
        self.make_room(plan.retention_mode, now)
        return self.create(plan, now)

    @operation("GetRun")
    def get_run(self, req: Params) -> dict[str, Any]:
        run = self.get(req["id"])
        if self.steering.per_poll and run.is_active:
            self.simulation.step(run, self.backend.clock.now())
        output = run.to_get_output()
        if "DEFINITION" in (req.get("export") or []):
            bundle = getattr(run.definition, "bundle", None)
            if bundle is not None:
                path = (
                    f"{self.backend.region}/{self.backend.account_id}/run/{run.id}/definition.zip"
                )
                artifacts = self.backend.state.shared(ArtifactStore)
                output["definition"] = artifacts.publish(path, bundle.raw)
        return output

    @operation("ListRuns")
    def list_runs(self, req: Params) -> Listing:
        filters = [
            (attribute, req[member])
            for member, attribute in LIST_FILTERS
            if req.get(member) is not None
        ]

        if not filters:
            return Listing(self.store, Run.to_list_item)
        indexed, rest = filters[0], filters[1:]

        def matches(run: Run) -> bool:
            return all(getattr(run, attribute) == value for attribute, value in rest)

        return Listing(self.store, Run.to_list_item, matches if rest else None, indexed=indexed)

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
        for task in tasks_at(run, now, self.backend.ids):
            if task.id == req["taskId"]:
                return task_output(run, task, now)
        raise not_found("Task", req["taskId"])

    @operation("ListRunTasks")
    def list_run_tasks(self, req: Params) -> Listing:
        run = self.get(req["id"])
        now = self.backend.clock.now()
        tasks = tasks_at(run, now, self.backend.ids)
        items = [task_list_item(run, task, now) for task in tasks]
        status = req.get("status")
        if status is not None:
            items = [item for item in items if item["status"] == status]
        return Listing(items, _as_is, kind="task")

    @reacts_to(AdmissionVeto)
    def unreadable_inputs(self, question: AdmissionVeto) -> str | None:
        """A run whose ``omics://`` inputs cannot be read fails as it would start."""
        parameters = question.run.request.get("parameters")
        now = self.backend.clock.now()
        problems = input_problems(self.backend, parameters, now, used=True)
        return f"Unable to read a run input: {problems[0]}" if problems else None

    # -- what other families and the control API use ---------------------------------------

    def plan(self, req: Params, *, check_parameters: bool = True) -> RunPlan:
        """Check a StartRun request against the service's rules (see ``planning``)."""
        return plan_run(self.backend, self.store, req, check_parameters=check_parameters)

    def create(self, plan: RunPlan, now: _dt.datetime, batch_id: str | None = None) -> Run:
        """Store a planned run and hand it to the simulation."""
        backend = self.backend
        run_id = backend.ids.numeric()
        self._sequence += 1
        workflow_id = plan.workflow.id
        run = Run(
            id=run_id,
            arn=backend.arn(f"run/{run_id}"),
            uuid=backend.ids.uuid(),
            account_id=backend.account_id,
            region=backend.region,
            creation_time=now,
            request=plan.request,
            workflow=plan.workflow,
            version=plan.version,
            templates=self._task_templates(plan),
            timing=self.steering.timing_for(workflow_id, backend.settings.durations.run),
            outcome=self.steering.next_outcome(workflow_id),
            priority=plan.priority,
            run_group_id=plan.run_group_id,
            batch_id=batch_id,
            retention_mode=plan.retention_mode,
            tags=plan.tags or NO_TAGS,
            storage_type=plan.storage_type,
            storage_capacity=plan.storage_capacity,
            cache_id=plan.cache_id,
            cache_behavior=plan.cache_behavior,
            configuration=plan.configuration,
            source_run_id=plan.source_run.id if plan.source_run is not None else None,
            sequence=self._sequence,
            run_id_output_uri=backend.settings.artifacts.run_output_uri == "RUN_ID",
        )
        self.store.add(run_id, run)
        if run.retention_mode == "REMOVE":
            self._removable.append(run_id)
        self.simulation.submit(run, now)
        return run

    def remove(self, run: Run) -> None:
        """Forget a run (DeleteRun, DeleteRunBatch or eviction)."""
        now = self.backend.clock.now()
        self.backend.events.publish(RunRemoved(run, now))
        self.simulation.remove(run, now)
        self.store.remove(run.id)

    def cancel(self, run: Run, at: _dt.datetime) -> None:
        """Cancel an active run (CancelRun's effect, also used by CancelRunBatch)."""
        self.simulation.cancel(run, at)

    def complete(self, run: Run, immediately: bool) -> None:
        """End an active run as COMPLETED now (control API)."""
        self.simulation.complete(run, self.backend.clock.now(), immediately)

    def fail(self, run: Run, reason: str, message: str | None, immediately: bool) -> None:
        """End an active run as FAILED now, with ``failureReason`` ``reason`` (control API)."""
        self.simulation.fail(run, self.backend.clock.now(), reason, message, immediately)

    def hold(self, run: Run) -> None:
        """Keep the run in RUNNING (once it gets there) until ``release``."""
        self.simulation.hold(run)

    def release(self, run: Run) -> None:
        """Let a held run finish its RUNNING phase (at once if its time has passed)."""
        self.simulation.release(run, self.backend.clock.now())

    def set_outcome(self, run: Run, outcome: Outcome) -> None:
        """How an active run ends when its RUNNING time is over."""
        run.outcome = outcome

    def set_timing(self, run: Run, timing: RunTiming) -> None:
        """Durations for the run's phases not yet begun."""
        run.timing = timing.over(run.timing)

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

    # -- reactions ---------------------------------------------------------------------------

    @reacts_to(RunStatusChanged)
    def reindex_status(self, event: RunStatusChanged) -> None:
        self.store.reindex(event.run.id, "status", event.before)

    @reacts_to(RunGroupInUse)
    def group_in_use(self, question: RunGroupInUse) -> bool:
        return any(
            run.run_group_id == question.group_id and run.is_active for run in self.store.values()
        )

    @reacts_to(ConfigurationInUse)
    def configuration_users(self, question: ConfigurationInUse) -> list[str]:
        return [
            run.id
            for run in self.store.values()
            if run.is_active and run.configuration_name == question.name
        ]

    @reacts_to(RunGroupLimitsChanged)
    def admit_after_limits_change(self, event: RunGroupLimitsChanged) -> None:
        self.simulation.admit(self.backend.clock.now())

    # -- internals ----------------------------------------------------------------------------

    def _task_templates(self, plan: RunPlan) -> tuple[TaskTemplate, ...]:
        """The definition's task templates, made at its first run."""
        definition = plan.definition
        known: tuple[TaskTemplate, ...] | None = definition.task_templates
        if known is None:
            known = templates_for(definition, definition.accelerators == "GPU")
            definition.task_templates = known
        return known

    def _oldest_removable(self) -> Run | None:
        while self._removable:
            run = self.store.get(self._removable[0])
            self._removable.popleft()
            if run is not None and run.retention_mode == "REMOVE":
                return run
        return None


def _as_is(item: dict[str, Any]) -> dict[str, Any]:
    return item


def find_run(
    state: ServiceState, run_id: str | int, account_id: str | None, region: str | None
) -> tuple[Backend, Run]:
    """The run with this ID in any account and Region of the mock (caught up to now).

    ``KeyError`` when no backend has it, or when several do and neither
    ``account_id`` nor ``region`` tells them apart. An int ID is read as its digits.
    """
    if isinstance(run_id, int) and not isinstance(run_id, bool):
        run_id = str(run_id)
    if not isinstance(run_id, str):
        raise TypeError(f"run_id must be a string such as '1234567' (or an int), not {run_id!r}")
    if not run_id:
        raise ValueError("run_id must not be empty")
    found = []
    for backend in state.backends():
        if account_id is not None and backend.account_id != account_id:
            continue
        if region is not None and backend.region != region:
            continue
        with backend.lock:
            backend.catch_up()
            run = backend.get(Runs).store.get(run_id)
        if run is not None:
            found.append((backend, run))
    if not found:
        raise KeyError(f"no run {run_id} in this mock")
    if len(found) > 1:
        raise KeyError(
            f"run {run_id} exists in several accounts/Regions; pass account_id and region"
        )
    return found[0]
