"""Workflows and workflow versions: create, inspect, update, delete, list.

A workflow starts in CREATING and, after ``durations.workflow_creating`` of
virtual time, becomes ACTIVE, or FAILED with a ``statusMessage`` when its
definition cannot be used. The workflow's own definition is its default
version; named versions are created separately and inherit nothing.
READY2RUN workflows come from a read-only catalogue and are only found with
``type=READY2RUN``.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

from ..protocol.errors import (
    AccessDeniedException,
    ConflictException,
    ServiceQuotaExceededException,
    ValidationException,
)
from . import s3
from .base import Family, Params, not_found, operation
from .definitions import digest_of, read_bundle
from .ids import new_uuid
from .ready2run import Ready2RunCatalogue
from .store import Store
from .tags import checked_tags
from .workflow_model import ACTIVE, CREATING, FAILED, UPDATING, Definition, Workflow, WorkflowVersion

DELETABLE = (ACTIVE, FAILED)
_SOURCES = ("definitionZip", "definitionUri", "definitionRepository")


class Workflows(Family):
    """Private workflows of one account and Region, plus the READY2RUN catalogue."""

    attribute = "workflows"

    def __init__(self, backend: Any) -> None:
        super().__init__(backend)
        self.store: Store[Workflow] = Store("workflow")
        self.catalogue = Ready2RunCatalogue(
            backend.region, tuple(backend.environment.ready2run_entries)
        )
        for workflow in self.catalogue.workflows():
            backend.ids.reserve(workflow.id)

    # -- lookups used by other families ----------------------------------------------

    def get_private(self, workflow_id: str) -> Workflow:
        workflow = self.store.get(workflow_id)
        if workflow is None:
            raise not_found("Workflow", workflow_id)
        return workflow

    def find(self, workflow_id: str, workflow_type: str | None, owner_id: str | None = None) -> Workflow:
        """The workflow a request names: READY2RUN only with that type."""
        if workflow_type == "READY2RUN":
            return self.catalogue.get(workflow_id)
        if owner_id is not None and owner_id != self.backend.account_id:
            return self.backend.environment.shared_workflow(self.backend, owner_id, workflow_id)
        return self.get_private(workflow_id)

    def find_version(self, workflow: Workflow, version_name: str) -> WorkflowVersion:
        version = workflow.versions.get(version_name)
        if version is None:
            raise not_found("Workflow version", f"{version_name} of workflow {workflow.id}")
        return version

    # -- workflows ----------------------------------------------------------------------

    @operation("CreateWorkflow")
    def create_workflow(self, req: Params) -> dict[str, Any]:
        existing = self.backend.idempotency.lookup("CreateWorkflow", req)
        if existing is not None and existing in self.store:
            return self.get_private(existing).to_create_output()
        quota = self.backend.settings.quotas.max_workflows
        if len(self.store) >= quota:
            raise ServiceQuotaExceededException(
                f"You have reached the maximum number of workflows ({quota}) for this account."
            )
        tags = checked_tags(req.get("tags"), self.backend.settings.quotas.max_tags_per_resource)
        definition = self._definition(req)
        now = self.backend.clock.now()
        workflow_id = self.backend.ids.numeric()
        workflow = Workflow(
            id=workflow_id,
            arn=self.backend.arn(f"workflow/{workflow_id}"),
            uuid=new_uuid(),
            owner_account=self.backend.account_id,
            name=req.get("name"),
            description=req.get("description"),
            creation_time=now,
            definition=definition,
            tags=tags,
        )
        self.store.add(workflow_id, workflow)
        self.backend.register_taggable(workflow.arn, workflow)
        self.backend.idempotency.remember("CreateWorkflow", req, workflow_id)
        self._finish_creating(workflow, now)
        return workflow.to_create_output()

    @operation("GetWorkflow")
    def get_workflow(self, req: Params) -> dict[str, Any]:
        workflow = self.find(req["id"], req.get("type"), req.get("workflowOwnerId"))
        output = workflow.to_get_output()
        self._add_exports(output, workflow, workflow.definition, req.get("export") or [], f"workflow/{workflow.id}")
        return output

    @operation("ListWorkflows")
    def list_workflows(self, req: Params) -> dict[str, Any]:
        name = req.get("name")
        source = self.catalogue.store if req.get("type") == "READY2RUN" else self.store
        items, token = source.page(
            req.get("startingToken"),
            req.get("maxResults"),
            None if name is None else (lambda w: w.name == name),
        )
        return _page([w.to_list_item() for w in items], token)

    @operation("UpdateWorkflow")
    def update_workflow(self, req: Params) -> None:
        workflow = self.get_private(req["id"])
        if workflow.status != ACTIVE:
            raise ConflictException(
                f"Workflow {workflow.id} cannot be updated in status {workflow.status}."
            )
        for member, attribute in (("name", "name"), ("description", "description")):
            if member in req:
                setattr(workflow, attribute, req[member])
        _update_definition(workflow.definition, req)
        self._start_updating(workflow)

    @operation("DeleteWorkflow")
    def delete_workflow(self, req: Params) -> None:
        workflow = self.get_private(req["id"])
        if workflow.status not in DELETABLE:
            raise ConflictException(
                f"Workflow {workflow.id} cannot be deleted in status {workflow.status}."
            )
        if workflow.versions:
            raise ConflictException(
                f"Workflow {workflow.id} has {len(workflow.versions)} version(s); "
                "delete its versions before deleting the workflow."
            )
        if self.backend.environment.active_shares_of(workflow.arn):
            raise ConflictException(
                f"Workflow {workflow.id} has active shares; delete them before deleting the workflow."
            )
        self.store.remove(workflow.id)
        self.backend.unregister_taggable(workflow.arn)

    # -- versions -----------------------------------------------------------------------

    @operation("CreateWorkflowVersion")
    def create_workflow_version(self, req: Params) -> dict[str, Any]:
        workflow = self.get_private(req["workflowId"])
        existing = self.backend.idempotency.lookup("CreateWorkflowVersion", req)
        found = workflow.versions.get(existing) if existing is not None else None
        if found is not None:
            return found.to_create_output()
        if workflow.status not in (ACTIVE, UPDATING):
            raise ConflictException(
                f"Workflow {workflow.id} is {workflow.status}; versions can only be added "
                "to an ACTIVE workflow."
            )
        name = req["versionName"]
        if name in workflow.versions:
            raise ConflictException(f"Workflow {workflow.id} already has a version named {name}.")
        quota = self.backend.settings.quotas.max_versions_per_workflow
        if len(workflow.versions) >= quota:
            raise ServiceQuotaExceededException(
                f"Workflow {workflow.id} has the maximum number of versions ({quota})."
            )
        tags = checked_tags(req.get("tags"), self.backend.settings.quotas.max_tags_per_resource)
        definition = self._definition(req)
        now = self.backend.clock.now()
        version = WorkflowVersion(
            workflow=workflow,
            name=name,
            arn=f"{workflow.arn}/version/{name}",
            uuid=new_uuid(),
            creation_time=now,
            definition=definition,
            description=req.get("description"),
            tags=tags,
            workflow_bucket_owner_id=req.get("workflowBucketOwnerId"),
        )
        workflow.versions.add(name, version)
        self.backend.register_taggable(version.arn, version)
        self.backend.idempotency.remember("CreateWorkflowVersion", req, name)
        self._finish_creating(version, now)
        return version.to_create_output()

    @operation("GetWorkflowVersion")
    def get_workflow_version(self, req: Params) -> dict[str, Any]:
        workflow = self.find(req["workflowId"], req.get("type"), req.get("workflowOwnerId"))
        version = self.find_version(workflow, req["versionName"])
        output = version.to_get_output()
        self._add_exports(
            output,
            workflow,
            version.definition,
            req.get("export") or [],
            f"workflow/{workflow.id}/version/{version.name}",
        )
        return output

    @operation("ListWorkflowVersions")
    def list_workflow_versions(self, req: Params) -> dict[str, Any]:
        workflow = self.find(req["workflowId"], req.get("type"), req.get("workflowOwnerId"))
        versions, token = workflow.versions.page(req.get("startingToken"), req.get("maxResults"))
        return _page([v.to_list_item() for v in versions], token)

    @operation("UpdateWorkflowVersion")
    def update_workflow_version(self, req: Params) -> None:
        workflow = self.get_private(req["workflowId"])
        version = self.find_version(workflow, req["versionName"])
        if version.status != ACTIVE:
            raise ConflictException(
                f"Workflow version {version.name} cannot be updated in status {version.status}."
            )
        if "description" in req:
            version.description = req["description"]
        _update_definition(version.definition, req)
        self._start_updating(version)

    @operation("DeleteWorkflowVersion")
    def delete_workflow_version(self, req: Params) -> None:
        workflow = self.get_private(req["workflowId"])
        version = self.find_version(workflow, req["versionName"])
        if version.status not in DELETABLE:
            raise ConflictException(
                f"Workflow version {version.name} cannot be deleted in status {version.status}."
            )
        workflow.versions.remove(version.name)
        self.backend.unregister_taggable(version.arn)

    # -- internals ------------------------------------------------------------------------

    def _definition(self, req: Params) -> Definition:
        given = [name for name in _SOURCES if req.get(name) is not None]
        if len(given) != 1:
            raise ValidationException(
                "Provide exactly one of definitionZip, definitionUri or definitionRepository"
                + (f"; got {', '.join(given)}." if given else ".")
            )
        definition = Definition(
            engine=req.get("engine"),
            main=req.get("main"),
            parameter_template=req.get("parameterTemplate"),
            storage_type=req.get("storageType"),
            storage_capacity=req.get("storageCapacity"),
            accelerators=req.get("accelerators"),
            container_registry_map=req.get("containerRegistryMap"),
            readme_markdown=req.get("readmeMarkdown"),
            readme_path=req.get("readmePath"),
            definition_uri=req.get("definitionUri"),
            definition_repository=req.get("definitionRepository"),
        )
        if definition.storage_type == "STATIC" and definition.storage_capacity is None:
            definition.storage_capacity = 1200
        data: bytes | None = req.get("definitionZip")
        if data is None and definition.definition_uri is not None:
            data = s3.read_object(self.backend, definition.definition_uri, "definitionUri")
        if data is None:
            definition.digest = digest_of(repr(definition.definition_repository or "").encode())
            return definition
        limit = self.backend.settings.quotas.max_definition_bytes
        if len(data) > limit:
            raise ValidationException(
                f"The workflow definition is {len(data)} bytes; the maximum is {limit} bytes."
            )
        bundle = read_bundle(
            data,
            main=definition.main,
            engine=definition.engine,
            template_path=req.get("parameterTemplatePath"),
            readme_path=definition.readme_path,
        )
        definition.bundle = bundle
        definition.digest = bundle.digest
        definition.main = bundle.main or definition.main
        definition.engine = definition.engine or bundle.engine
        if definition.parameter_template is None:
            definition.parameter_template = bundle.template
        return definition

    def _finish_creating(self, resource: Workflow | WorkflowVersion, now: _dt.datetime) -> None:
        problem = resource.definition.bundle.problem if resource.definition.bundle else None

        def finish(at: _dt.datetime) -> None:
            if resource.status != CREATING:
                return
            if problem is not None:
                resource.status = FAILED
                resource.status_message = problem
            else:
                resource.status = ACTIVE
                resource.status_message = None

        due = now + self.backend.settings.durations.workflow_creating
        self.backend.scheduler.schedule(due, finish)

    def _start_updating(self, resource: Workflow | WorkflowVersion) -> None:
        resource.status = UPDATING

        def finish(at: _dt.datetime) -> None:
            if resource.status == UPDATING:
                resource.status = ACTIVE

        due = self.backend.clock.now() + self.backend.settings.durations.workflow_updating
        self.backend.scheduler.schedule(due, finish)

    def _add_exports(
        self,
        output: dict[str, Any],
        workflow: Workflow,
        definition: Definition,
        exports: list[str],
        path: str,
    ) -> None:
        if not exports:
            return
        if workflow.owner_account != self.backend.account_id and workflow.type == "PRIVATE":
            raise AccessDeniedException(f"Workflow {workflow.id} is shared with you and cannot be exported.")
        artifacts = self.backend.environment.artifacts
        base = f"{self.backend.region}/{self.backend.account_id}/{path}"
        if "DEFINITION" in exports and definition.bundle is not None:
            output["definition"] = artifacts.publish(f"{base}/definition.zip", definition.bundle.raw)
        if "README" in exports and definition.readme is not None:
            output["readme"] = artifacts.publish(f"{base}/README.md", definition.readme.encode("utf-8"))


def _update_definition(definition: Definition, req: Params) -> None:
    if "storageType" in req:
        definition.storage_type = req["storageType"]
    if "storageCapacity" in req:
        definition.storage_capacity = req["storageCapacity"]
    if "readmeMarkdown" in req:
        definition.readme_markdown = req["readmeMarkdown"]


def _page(items: list[dict[str, Any]], token: str | None) -> dict[str, Any]:
    page: dict[str, Any] = {"items": items}
    if token is not None:
        page["nextToken"] = token
    return page

