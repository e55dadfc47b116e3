"""Run caches: a cache location and the entries runs have filled."""

from __future__ import annotations

import datetime as _dt
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..runs.model import Run

CacheKey = tuple[str, str, str, str, int]


@dataclass(eq=False)
class RunCache:
    """A cache location and its entries."""

    id: str
    arn: str
    creation_time: _dt.datetime
    cache_s3_location: str
    """``cacheS3Location`` as CreateRunCache was given it."""
    uuid: str
    """Names the cache's folder under ``cacheS3Location`` and its log stream."""
    cache_behavior: str = "CACHE_ON_FAILURE"
    cache_bucket_owner_id: str | None = None
    name: str | None = None
    description: str | None = None
    status: str = "ACTIVE"
    tags: dict[str, str] = field(default_factory=dict)
    entries: dict[CacheKey, str] = field(default_factory=dict)
    removed: bool = False

    @property
    def cache_s3_uri(self) -> str:
        """``<cacheS3Location>/<cacheUuid>/``: the cache's own folder, where its entries are
        written (one slash between the two, whether the location ended with one or not)."""
        return f"{self.cache_s3_location.rstrip('/')}/{self.uuid}/"

    def to_create_output(self) -> dict[str, Any]:
        return {"arn": self.arn, "id": self.id, "status": self.status, "tags": dict(self.tags)}

    def to_list_item(self) -> dict[str, Any]:
        output: dict[str, Any] = {
            "arn": self.arn,
            "id": self.id,
            "cacheBehavior": self.cache_behavior,
            "cacheS3Uri": self.cache_s3_uri,
            "creationTime": self.creation_time,
            "status": self.status,
        }
        if self.name is not None:
            output["name"] = self.name
        return output

    def to_get_output(self) -> dict[str, Any]:
        output = self.to_list_item()
        output["cacheBucketOwnerId"] = self.cache_bucket_owner_id
        output["tags"] = dict(self.tags)
        if self.description is not None:
            output["description"] = self.description
        return output

    def entry_uri(self, run_id: str, task_id: str, entry_uuid: str) -> str:
        """``<cacheS3Location>/<cacheUuid>/<runId>/<taskId>/<entryUuid>/`` (a new entry)."""
        return f"{self.cache_s3_uri}{run_id}/{task_id}/{entry_uuid}/"


def cache_key(run: Run, index: int) -> CacheKey:
    """What makes a task's result reusable: workflow, version, digest, parameters, task."""
    parameters = json.dumps(
        run.request.get("parameters") or {}, sort_keys=True, separators=(",", ":")
    )
    version = run.version.name if run.version is not None else ""
    return (run.workflow.arn, version, run.definition.digest or "", parameters, index)
