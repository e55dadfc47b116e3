"""Workflows and workflow versions: create, inspect, update, delete, list.

A workflow starts in CREATING and, after ``durations.workflow_creating`` of
virtual time, becomes ACTIVE, or FAILED with a ``statusMessage`` when its
definition cannot be used. UpdateWorkflow and UpdateWorkflowVersion pass
through UPDATING for ``durations.workflow_updating``. The workflow's own
definition is its default version; named versions are created separately and
inherit nothing. READY2RUN workflows come from a read-only catalogue and are
only found with ``type=READY2RUN``. A workflow another account shares with the
caller is found with ``workflowOwnerId`` while the share is ACTIVE.
"""

from __future__ import annotations

import datetime as _dt
import functools
from typing import Any

from ...wire.errors import AccessDeniedException, ConflictException, ServiceQuotaExceededException
from ..kernel.state import Backend, Family, Params, ServiceState, not_found, operation
from ..kernel.store import Listing, Store
from ..outside.artifacts import ArtifactStore
from ..shares.model import ShareRegistry
from ..tags.rules import checked_tags
from .events import WorkflowStatusChanged
from .model import (
    ACTIVE,
    FAILED,
    PRIVATE,
    READY2RUN,
    UPDATING,
    Definition,
    Workflow,
    WorkflowVersion,
)
from .ready2run import Ready2RunCatalogue, Ready2RunEntries, Ready2RunEntry
from .sources import build_definition, checked_readme

DELETED = "DELETED"
DELETABLE = (ACTIVE, FAILED)
VERSIONABLE = (ACTIVE, UPDATING)

Resource = Workflow | WorkflowVersion


class Workflows(Family):
    """Private workflows of one account and Region, plus the READY2RUN catalogue."""

    key = "workflows"

    def __init__(self, backend: Backend) -> None:
        super().__init__(backend)
        self.store: Store[Workflow] = Store("workflow")
        entries = backend.state.shared(Ready2RunEntries).entries
        self.catalogue = Ready2RunCatalogue(backend.region, tuple(entries))
        for workflow in self.catalogue.workflows():
            backend.ids.reserve(workflow.id)

    # -- lookups, also used by other families ------------------------------------------

    def get_private(self, workflow_id: str) -> Workflow:
        """A workflow of the caller's account; ``Workflow <id> not found`` otherwise."""
        workflow = self.store.get(workflow_id)
        if workflow is None:
            raise not_found("Workflow", workflow_id)
        return workflow

    def find(
        self, workflow_id: str, workflow_type: str | None, owner_id: str | None = None
    ) -> Workflow:
        """The workflow a request names: READY2RUN only with that type."""
        if workflow_type == READY2RUN:
            return self.catalogue.get(workflow_id)
        if owner_id is not None and owner_id != self.backend.account_id:
            return self._shared_with_caller(owner_id, workflow_id)
        return self.get_private(workflow_id)

    def find_version(self, workflow: Workflow, version_name: str) -> WorkflowVersion:
        version = workflow.versions.get(version_name)
        if version is None:
            raise not_found("Workflow version", f"{version_name} of workflow {workflow.id}")
        return version

    def _shared_with_caller(self, owner_id: str, workflow_id: str) -> Workflow:
        """A workflow of another account with an ACTIVE share to the caller."""
        backend = self.backend
        registry = backend.state.shared(ShareRegistry)
        grant = registry.active_grant(owner_id, backend.account_id, backend.region, workflow_id)
        if grant is None:
            raise not_found("Workflow", workflow_id)
        owner = backend.state.backend(owner_id, backend.region)
        # Never wait for the owner's lock while holding the caller's: two accounts
        # sharing with each other could deadlock. Catch up only if it is free.
        if owner.lock.acquire(blocking=False):
            try:
                owner.catch_up()
            finally:
                owner.lock.release()
        return owner.get(Workflows).get_private(workflow_id)

    # -- workflows ----------------------------------------------------------------------

    @operation("CreateWorkflow", render=Workflow.to_create_output)
    def create_workflow(self, req: Params) -> Workflow:
        backend = self.backend
        quota = backend.settings.quotas.max_workflows
        if len(self.store) >= quota:
            raise ServiceQuotaExceededException(
                f"You have reached the maximum number of workflows ({quota}) "
                "in this account and Region."
            )
        tags = checked_tags(req.get("tags"), backend.settings.quotas.max_tags_per_resource)
        definition = build_definition(backend, req)
        workflow_id = backend.ids.numeric()
        workflow = Workflow(
            id=workflow_id,
            arn=backend.arn(f"workflow/{workflow_id}"),
            uuid=backend.ids.uuid(),
            owner_account=backend.account_id,
            name=req.get("name"),
            description=req.get("description"),
            creation_time=backend.clock.now(),
            definition=definition,
            tags=tags,
        )
        self.store.add(workflow_id, workflow)
        backend.register_taggable(workflow.arn, workflow)
        self._schedule_creation(workflow)
        return workflow

    @operation("GetWorkflow")
    def get_workflow(self, req: Params) -> dict[str, Any]:
        workflow = self.find(req["id"], req.get("type"), req.get("workflowOwnerId"))
        output = workflow.to_get_output()
        self._add_exports(output, workflow, workflow, req.get("export") or [])
        return output

    @operation("ListWorkflows")
    def list_workflows(self, req: Params) -> Listing:
        name = req.get("name")
        source = self.catalogue.store if req.get("type") == READY2RUN else self.store
        return Listing(
            source, Workflow.to_list_item, None if name is None else (lambda w: w.name == name)
        )

    @operation("UpdateWorkflow")
    def update_workflow(self, req: Params) -> None:
        workflow = self.get_private(req["id"])
        if workflow.status != ACTIVE:
            raise ConflictException(
                f"Workflow {workflow.id} cannot be updated while it is {workflow.status}."
            )
        if "name" in req:
            workflow.name = req["name"]
        if "description" in req:
            workflow.description = req["description"]
        _update_definition(workflow.definition, req)
        self._schedule_update(workflow)

    @operation("DeleteWorkflow")
    def delete_workflow(self, req: Params) -> None:
        workflow = self.get_private(req["id"])
        if workflow.status not in DELETABLE:
            raise ConflictException(
                f"Workflow {workflow.id} cannot be deleted while it is {workflow.status}; "
                "only ACTIVE or FAILED workflows can be deleted."
            )
        if workflow.versions:
            raise ConflictException(
                f"Workflow {workflow.id} has {len(workflow.versions)} version(s); "
                "delete its versions before deleting the workflow."
            )
        if self.backend.state.shared(ShareRegistry).live_for(workflow.arn):
            raise ConflictException(
                f"Workflow {workflow.id} has active shares; "
                "delete them before deleting the workflow."
            )
        self.store.remove(workflow.id)
        self.backend.unregister_taggable(workflow.arn)
        self._announce(workflow, None, DELETED, self.backend.clock.now())

    # -- versions -----------------------------------------------------------------------

    @operation("CreateWorkflowVersion", render=WorkflowVersion.to_create_output)
    def create_workflow_version(self, req: Params) -> WorkflowVersion:
        backend = self.backend
        workflow = self.get_private(req["workflowId"])
        if workflow.status not in VERSIONABLE:
            raise ConflictException(
                f"Workflow {workflow.id} is {workflow.status}; versions can only be "
                "created for an ACTIVE workflow."
            )
        name = req["versionName"]
        if name in workflow.versions:
            raise ConflictException(f"Workflow {workflow.id} already has a version named {name}.")
        quota = backend.settings.quotas.max_versions_per_workflow
        if len(workflow.versions) >= quota:
            raise ServiceQuotaExceededException(
                f"Workflow {workflow.id} already has the maximum number of versions ({quota})."
            )
        tags = checked_tags(req.get("tags"), backend.settings.quotas.max_tags_per_resource)
        version = WorkflowVersion(
            workflow=workflow,
            name=name,
            arn=f"{workflow.arn}/version/{name}",
            uuid=backend.ids.uuid(),
            creation_time=backend.clock.now(),
            definition=build_definition(backend, req),
            description=req.get("description"),
            tags=tags,
            workflow_bucket_owner_id=req.get("workflowBucketOwnerId"),
        )
        workflow.versions.add(name, version)
        backend.register_taggable(version.arn, version)
        self._schedule_creation(version)
        return version

    @operation("GetWorkflowVersion")
    def get_workflow_version(self, req: Params) -> dict[str, Any]:
        workflow = self.find(req["workflowId"], req.get("type"), req.get("workflowOwnerId"))
        version = self.find_version(workflow, req["versionName"])
        output = version.to_get_output()
        self._add_exports(output, workflow, version, req.get("export") or [])
        return output

    @operation("ListWorkflowVersions")
    def list_workflow_versions(self, req: Params) -> Listing:
        workflow = self.find(req["workflowId"], req.get("type"), req.get("workflowOwnerId"))
        return Listing(workflow.versions, WorkflowVersion.to_list_item)

    @operation("UpdateWorkflowVersion")
    def update_workflow_version(self, req: Params) -> None:
        version = self.find_version(self.get_private(req["workflowId"]), req["versionName"])
        if version.status != ACTIVE:
            raise ConflictException(
                f"Workflow version {version.name} cannot be updated while it is {version.status}."
            )
        if "description" in req:
            version.description = req["description"]
        _update_definition(version.definition, req)
        self._schedule_update(version)

    @operation("DeleteWorkflowVersion")
    def delete_workflow_version(self, req: Params) -> None:
        workflow = self.get_private(req["workflowId"])
        version = self.find_version(workflow, req["versionName"])
        if version.status not in DELETABLE:
            raise ConflictException(
                f"Workflow version {version.name} cannot be deleted while it is {version.status}; "
                "only ACTIVE or FAILED versions can be deleted."
            )
        workflow.versions.remove(version.name)
        self.backend.unregister_taggable(version.arn)
        self._announce(workflow, version, DELETED, self.backend.clock.now())

    # -- internals ------------------------------------------------------------------------

    def _schedule_creation(self, resource: Resource) -> None:
        due = self.backend.clock.now() + self.backend.settings.durations.workflow_creating
        self.backend.scheduler.schedule(due, functools.partial(self._created, resource))

    def _created(self, resource: Resource, at: _dt.datetime) -> None:
        resource.finish_creating()
        if resource.status in (ACTIVE, FAILED):
            workflow = getattr(resource, "workflow", resource)
            version = resource if resource is not workflow else None
            self._announce(workflow, version, resource.status, at)

    def _announce(self, workflow: Any, version: Any, status: str, at: _dt.datetime) -> None:
        self.backend.events.publish(WorkflowStatusChanged(workflow, version, status, at))

    def _schedule_update(self, resource: Resource) -> None:
        resource.begin_update()
        due = self.backend.clock.now() + self.backend.settings.durations.workflow_updating
        self.backend.scheduler.schedule(due, functools.partial(self._updated, resource))

    def _updated(self, resource: Resource, at: _dt.datetime) -> None:
        resource.finish_update()

    def _add_exports(
        self, output: dict[str, Any], workflow: Workflow, resource: Resource, exports: list[str]
    ) -> None:
        """``definition`` and ``readme`` download URLs, as the service's presigned URLs."""
        if not exports:
            return
        if workflow.type == PRIVATE and workflow.owner_account != self.backend.account_id:
            raise AccessDeniedException(
                f"Workflow {workflow.id} is shared with you; shared workflows cannot be exported."
            )
        definition = resource.definition
        artifacts = self.backend.state.shared(ArtifactStore)
        if "DEFINITION" in exports:
            if workflow.type == READY2RUN:
                raise AccessDeniedException(
                    f"Workflow {workflow.id} is a READY2RUN workflow; "
                    "its definition cannot be exported."
                )
            if definition.bundle is not None:
                output["definition"] = artifacts.publish(
                    f"{resource.uuid}/definition.zip", definition.bundle.raw
                )
        readme = definition.readme
        if "README" in exports and readme is not None:
            output["readme"] = artifacts.publish(
                f"{resource.uuid}/README.md", readme.encode("utf-8")
            )


def publish_ready2run(state: ServiceState, entry: Ready2RunEntry) -> None:
    """Publish a READY2RUN workflow in every account and Region, existing and future."""
    state.shared(Ready2RunEntries).entries.append(entry)
    for backend in state.backends():
        with backend.lock:
            backend.get(Workflows).catalogue.add(entry)
            backend.ids.reserve(entry.id)


def _update_definition(definition: Definition, req: Params) -> None:
    if "storageType" in req:
        definition.storage_type = req["storageType"]
    if "storageCapacity" in req:
        definition.storage_capacity = req["storageCapacity"]
    if "readmeMarkdown" in req:
        definition.readme_markdown = checked_readme(req["readmeMarkdown"], "readmeMarkdown")
