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

from ...wire.errors import ConflictException, ServiceQuotaExceededException
from ..kernel.events import reacts_to
from ..kernel.state import Backend, Family, Params, not_found, operation
from ..kernel.store import Listing, Store
from ..runs.events import AdmissionRoom, AdmissionVeto, RunDeadline
from ..tags.rules import checked_tags
from .events import RunGroupInUse, RunGroupLimitsChanged, RunGroupStatusChanged
from .model import DURATION_EXCEEDED, LIMITS, RunGroup

UNLIMITED = 1 << 62


class RunGroups(Family):
    """Run groups of one account and Region, and their admission rules."""

    key = "run_groups"

    def __init__(self, backend: Backend) -> None:
        super().__init__(backend)
        self.store: Store[RunGroup] = Store("runGroup")

    def get(self, group_id: str) -> RunGroup:
        group = self.store.get(group_id)
        if group is None:
            raise not_found("Run group", group_id)
        return group

    # -- operations ---------------------------------------------------------------------

    @operation("CreateRunGroup", render=RunGroup.to_create_output)
    def create_run_group(self, req: Params) -> RunGroup:
        backend = self.backend
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
        backend.events.publish(RunGroupStatusChanged(group.arn, "ACTIVE", group.creation_time))
        return group

    @operation("GetRunGroup", render=RunGroup.to_get_output)
    def get_run_group(self, req: Params) -> RunGroup:
        return self.get(req["id"])

    @operation("ListRunGroups")
    def list_run_groups(self, req: Params) -> Listing:
        name = req.get("name")
        return Listing(
            self.store, RunGroup.to_list_item, None if name is None else (lambda g: g.name == name)
        )

    @operation("UpdateRunGroup")
    def update_run_group(self, req: Params) -> None:
        group = self.get(req["id"])
        if req.get("name") is not None:
            group.name = req["name"]
        for limit in LIMITS:
            if req.get(limit) is not None:
                group.limits[limit] = req[limit]
        self.backend.events.publish(RunGroupLimitsChanged(group.id))

    @operation("DeleteRunGroup")
    def delete_run_group(self, req: Params) -> None:
        group = self.get(req["id"])
        if any(self.backend.events.publish(RunGroupInUse(group.id))):
            raise ConflictException(
                f"Run group {group.id} has active runs; it can be deleted when they have ended."
            )
        self.store.remove(group.id)
        self.backend.unregister_taggable(group.arn)
        now = self.backend.clock.now()
        self.backend.events.publish(RunGroupStatusChanged(group.arn, "DELETED", now))

    # -- admission rules --------------------------------------------------------------------

    @reacts_to(AdmissionRoom)
    def has_room(self, question: AdmissionRoom) -> bool:
        run, usage = question.run, question.usage
        group = self.store.get(run.run_group_id) if run.run_group_id else None
        if group is None:
            return True
        limits = group.limits
        if usage.runs >= limits.get("maxRuns", UNLIMITED):
            return False
        if usage.cpus + run.cpus > limits.get("maxCpus", UNLIMITED):
            return False
        return usage.gpus + run.gpus <= limits.get("maxGpus", UNLIMITED)

    @reacts_to(AdmissionVeto)
    def can_never_fit(self, question: AdmissionVeto) -> str | None:
        run = question.run
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

    @reacts_to(RunDeadline)
    def duration_limit(self, question: RunDeadline) -> tuple[_dt.timedelta, str, str] | None:
        run = question.run
        group = self.store.get(run.run_group_id) if run.run_group_id else None
        if group is None or group.limits.get("maxDuration") is None:
            return None
        minutes = group.limits["maxDuration"]
        return (
            _dt.timedelta(minutes=minutes),
            f"{DURATION_EXCEEDED} of {minutes} minutes",
            f"The run exceeded the maximum duration ({minutes} minutes) of run group {group.id}.",
        )
