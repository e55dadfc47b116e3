"""Workflow and workflow-version models, and the outputs they render.

Both go CREATING -> ACTIVE (or FAILED) after creation and UPDATING -> ACTIVE
after an update. A workflow's own definition is its default version.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import Any

from ..kernel.store import Store
from .definitions import DefinitionBundle

ACTIVE = "ACTIVE"
CREATING = "CREATING"
UPDATING = "UPDATING"
FAILED = "FAILED"
PRIVATE = "PRIVATE"
READY2RUN = "READY2RUN"


def _drop_none(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if v is not None}


@dataclass
class Definition:
    """The runnable part shared by a workflow (its default version) and versions."""

    engine: str | None = None
    main: str | None = None
    digest: str | None = None
    parameter_template: dict[str, dict[str, Any]] | None = None
    storage_type: str | None = None
    storage_capacity: int | None = None
    accelerators: str | None = None
    container_registry_map: dict[str, Any] | None = None
    readme_markdown: str | None = None
    readme_path: str | None = None
    definition_uri: str | None = None
    definition_repository: dict[str, Any] | None = None
    bundle: DefinitionBundle | None = None
    task_templates: tuple[Any, ...] | None = field(default=None, compare=False, repr=False)
    """The tasks its runs execute, made at its first run and shared by all of them
    (``runs.declared_tasks``)."""

    @property
    def readme(self) -> str | None:
        """The README: given markdown (or readmeUri content), else the bundle's."""
        if self.readme_markdown is not None:
            return self.readme_markdown
        return self.bundle.readme if self.bundle is not None else None

    @property
    def problem(self) -> str | None:
        """Why the definition cannot be used, if it cannot."""
        return self.bundle.problem if self.bundle is not None else None

    @property
    def outline(self) -> str | None:
        """The summary the service puts in ``statusMessage`` of an ACTIVE WDL workflow."""
        return self.bundle.derived.outline if self.bundle is not None else None

    @property
    def input_namespace(self) -> str | None:
        """The WDL workflow name that may qualify input names (``wgs.sample``)."""
        return self.bundle.derived.namespace if self.bundle is not None else None

    def repository_details(self) -> dict[str, Any] | None:
        if self.definition_repository is None:
            return None
        details = {
            k: v
            for k, v in self.definition_repository.items()
            if k in ("connectionArn", "fullRepositoryId", "sourceReference")
        }
        details["providerType"] = "GitHub"
        return details

    def common_output(self) -> dict[str, Any]:
        """Members GetWorkflow and GetWorkflowVersion share."""
        derived = self.bundle.derived if self.bundle is not None else None
        return _drop_none(
            {
                "engine": self.engine,
                "main": self.main,
                "digest": self.digest,
                "parameterTemplate": self.parameter_template or None,
                "storageType": self.storage_type,
                "storageCapacity": self.storage_capacity,
                "accelerators": self.accelerators,
                "containerRegistryMap": self.container_registry_map,
                "readmePath": self.readme_path,
                "definitionRepositoryDetails": self.repository_details(),
                "profiles": list(derived.profiles) if derived and derived.profiles else None,
                "profileParameterTemplates": (
                    dict(derived.profile_templates)
                    if derived and derived.profile_templates
                    else None
                ),
            }
        )


@dataclass(kw_only=True)
class _Lifecycle:
    """Status changes shared by workflows and versions."""

    definition: Definition
    status: str = CREATING
    status_message: str | None = None
    removed: bool = False

    def finish_creating(self) -> None:
        """CREATING -> ACTIVE, or FAILED when the definition cannot be used."""
        if self.status != CREATING:
            return
        problem = self.definition.problem
        if problem is not None:
            self.status, self.status_message = FAILED, problem
        else:
            self.status, self.status_message = ACTIVE, self.definition.outline

    def begin_update(self) -> None:
        self.status = UPDATING

    def finish_update(self) -> None:
        if self.status == UPDATING:
            self.status = ACTIVE


@dataclass(kw_only=True)
class WorkflowVersion(_Lifecycle):
    """A named version of a workflow."""

    workflow: Workflow
    name: str
    arn: str
    uuid: str
    creation_time: _dt.datetime
    description: str | None = None
    tags: dict[str, str] = field(default_factory=dict)
    workflow_bucket_owner_id: str | None = None

    def to_create_output(self) -> dict[str, Any]:
        return {
            "arn": self.arn,
            "workflowId": self.workflow.id,
            "versionName": self.name,
            "status": self.status,
            "tags": dict(self.tags),
            "uuid": self.uuid,
        }

    def to_get_output(self) -> dict[str, Any]:
        data = {
            "arn": self.arn,
            "workflowId": self.workflow.id,
            "versionName": self.name,
            "description": self.description,
            "creationTime": self.creation_time,
            "status": self.status,
            "statusMessage": self.status_message,
            "type": self.workflow.type,
            "tags": dict(self.tags) if self.workflow.type == PRIVATE else None,
            "metadata": dict(self.workflow.metadata) or None,
            "uuid": self.uuid,
            "workflowBucketOwnerId": self.workflow_bucket_owner_id,
        }
        data.update(self.definition.common_output())
        return _drop_none(data)

    def to_list_item(self) -> dict[str, Any]:
        return _drop_none(
            {
                "arn": self.arn,
                "workflowId": self.workflow.id,
                "versionName": self.name,
                "description": self.description,
                "status": self.status,
                "type": self.workflow.type,
                "digest": self.definition.digest,
                "creationTime": self.creation_time,
                "metadata": dict(self.workflow.metadata) or None,
            }
        )


@dataclass(kw_only=True)
class Workflow(_Lifecycle):
    """A private or READY2RUN workflow; its own definition is the default version."""

    id: str
    arn: str
    uuid: str
    owner_account: str
    name: str | None
    creation_time: _dt.datetime
    type: str = PRIVATE
    description: str | None = None
    tags: dict[str, str] = field(default_factory=dict)
    metadata: dict[str, str] = field(default_factory=dict)
    versions: Store[WorkflowVersion] = field(
        default_factory=lambda: Store("version", newest_first=False)
    )

    def to_create_output(self) -> dict[str, Any]:
        return {
            "arn": self.arn,
            "id": self.id,
            "status": self.status,
            "tags": dict(self.tags),
            "uuid": self.uuid,
        }

    def to_get_output(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "arn": self.arn,
            "id": self.id,
            "status": self.status,
            "type": self.type,
            "name": self.name,
            "description": self.description,
            "creationTime": self.creation_time,
            "statusMessage": self.status_message,
            "tags": dict(self.tags) if self.type == PRIVATE else None,
            "metadata": dict(self.metadata) or None,
            "uuid": self.uuid,
        }
        data.update(self.definition.common_output())
        return _drop_none(data)

    def to_list_item(self) -> dict[str, Any]:
        return _drop_none(
            {
                "arn": self.arn,
                "id": self.id,
                "name": self.name,
                "status": self.status,
                "type": self.type,
                "digest": self.definition.digest,
                "creationTime": self.creation_time,
                "metadata": dict(self.metadata) or None,
            }
        )
