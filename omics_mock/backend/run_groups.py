"""Run groups: limits on the runs they contain, enforced at admission.

A run in a group waits in PENDING while the group's active runs (STARTING,
RUNNING, STOPPING) are at ``maxRuns``, or would exceed ``maxCpus``/``maxGpus``
with it (a run holds the vCPUs and GPUs of its biggest task). A run that needs
more than the group could ever give fails when it becomes eligible.
``maxDuration`` (minutes, counted from admission) fails a run that is still
active when it expires. Limits changed by UpdateRunGroup apply to runs not yet
admitted, at once.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import Any

from ..protocol.errors import ConflictException, ServiceQuotaExceededException
from .base import Family, Params, not_found, operation
from .run_model import Run
from .store import Store
from .tags import checked_tags

LIMITS = ("maxCpus", "maxRuns", "maxDuration", "maxGpus")


@dataclass(eq=False)
class RunGroup:
    """A named set of limits that runs can join."""

    id: str
    arn: str
    creation_time: _dt.datetime
    name: str | None = None
    limits: dict[str, int] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)

    def to_get_output(self) -> dict[str, Any]:
        output = self.to_list_item()
        output["tags"] = dict(self.tags)
        return output

    def to_list_item(self) -> dict[str, Any]:
        output: dict[str, Any] = {
            "arn": self.arn,
            "id": self.id,
            "creationTime": self.creation_time,
        }
        if self.name is not None:
            output["name"] = self.name
        output.update(self.limits)
        return output


class RunGroups(Family):
    """Run groups of one account and Region, and their admission rules."""

    attribute = "run_groups"

    def __init__(self, backend: Any) -> None:
        super().__init__(backend)
        self.store: Store[RunGroup] = Store("runGroup")
        simulation = backend.runs.simulation
        simulation.room_checks.append(self._has_room)
        simulation.vetoes.append(self._can_never_fit)
        simulation.admission_listeners.append(self._start_duration_limit)

    def get(self, group_id: str) -> RunGroup:
        group = self.store.get(group_id)
        if group is None:
            raise not_found("Run group", group_id)
        return group

    # -- operations ---------------------------------------------------------------------

    @operation("CreateRunGroup")
    def create_run_group(self, req: Params) -> dict[str, Any]:
        backend = self.backend
        existing = backend.idempotency.lookup("CreateRunGroup", req)
        if existing is not None and existing in self.store:
            group = self.get(existing)
            return {"arn": group.arn, "id": group.id, "tags": dict(group.tags)}
        quota = backend.settings.quotas.max_run_groups
        if len(self.store) >= quota:
            raise ServiceQuotaExceededException(
                f"The account has reached the maximum number of run groups ({quota})."
            )
        group_id = backend.ids.numeric()
        group = RunGroup(
            id=group_id,
            arn=backend.arn(f"runGroup/{group_id}"),
            creation_time=backend.clock.now(),
            name=req.get("name"),
            limits={k: req[k] for k in LIMITS if req.get(k) is not None},
            tags=checked_tags(req.get("tags"), backend.settings.quotas.max_tags_per_resource),
        )
        self.store.add(group_id, group)
        backend.register_taggable(group.arn, group)
        backend.idempotency.remember("CreateRunGroup", req, group_id)
        return {"arn": group.arn, "id": group.id, "tags": dict(group.tags)}

    @operation("GetRunGroup")
    def get_run_group(self, req: Params) -> dict[str, Any]:
        return self.get(req["id"]).to_get_output()

    @operation("ListRunGroups")
    def list_run_groups(self, req: Params) -> dict[str, Any]:
        name = req.get("name")
        groups, token = self.store.page(
            req.get("startingToken"),
            req.get("maxResults"),
            None if name is None else (lambda g: g.name == name),
        )
        page: dict[str, Any] = {"items": [g.to_list_item() for g in groups]}
        if token is not None:
            page["nextToken"] = token
        return page

    @operation("UpdateRunGroup")
    def update_run_group(self, req: Params) -> None:
        group = self.get(req["id"])
        if req.get("name") is not None:
            group.name = req["name"]
        for limit in LIMITS:
            if req.get(limit) is not None:
                group.limits[limit] = req[limit]
        self.backend.runs.simulation.admit(self.backend.clock.now())

    @operation("DeleteRunGroup")
    def delete_run_group(self, req: Params) -> None:
        group = self.get(req["id"])
        runs = self.backend.runs.store.values()
        if any(run.run_group_id == group.id and run.is_active for run in runs):
            raise ConflictException(
                f"Run group {group.id} has active runs; it can be deleted when they have ended."
            )
        self.store.remove(group.id)
        self.backend.unregister_taggable(group.arn)

    # -- admission rules --------------------------------------------------------------------

    def _has_room(self, run: Run) -> bool:
        if run.run_group_id is None:
            return True
        group = self.store.get(run.run_group_id)
        if group is None:
            return True
        usage = self.backend.runs.simulation.usage_of(group.id)
        limits = group.limits
        if usage.runs >= limits.get("maxRuns", 1 << 62):
            return False
        if usage.cpus + run.cpus > limits.get("maxCpus", 1 << 62):
            return False
        return usage.gpus + run.gpus <= limits.get("maxGpus", 1 << 62)

    def _can_never_fit(self, run: Run) -> str | None:
        group = self.store.get(run.run_group_id) if run.run_group_id else None
        if group is None:
            return None
        max_cpus = group.limits.get("maxCpus")
        if max_cpus is not None and run.cpus > max_cpus:
            return f"A task needs {run.cpus} vCPUs; run group {group.id} allows {max_cpus}."
        max_gpus = group.limits.get("maxGpus")
        if max_gpus is not None and run.gpus > max_gpus:
            return f"A task needs {run.gpus} GPUs; run group {group.id} allows {max_gpus}."
        return None

    def _start_duration_limit(self, run: Run, at: _dt.datetime) -> None:
        group = self.store.get(run.run_group_id) if run.run_group_id else None
        if group is None or group.limits.get("maxDuration") is None:
            return
        minutes = group.limits["maxDuration"]
        group_id = group.id
        simulation = self.backend.runs.simulation

        def expire(when: _dt.datetime) -> None:
            if run.is_active and self.backend.runs.store.get(run.id) is run:
                simulation.fail(
                    run,
                    when,
                    f"Run exceeded maxDuration of {minutes} minutes",
                    f"The run exceeded the maximum duration ({minutes} minutes) "
                    f"of run group {group_id}.",
                    immediately=False,
                )

        self.backend.scheduler.schedule(at + _dt.timedelta(minutes=minutes), expire)
