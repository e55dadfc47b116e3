"""Run caches: call caching of task outputs between runs.

A run started with ``cacheId`` reads and fills that cache. Entries are keyed
by workflow, version, definition digest, run parameters and task, and filled
when the run ends: with CACHE_ALWAYS for its completed tasks whether it
completed or failed, with CACHE_ON_FAILURE (the default) only when it failed.
Cancelled runs and runs that exceeded a run group's ``maxDuration`` cache
nothing. A later run whose task finds an entry marks it ``cacheHit``, with the
entry's ``cacheS3Uri``, and that task takes a small share of its usual time.
"""

from __future__ import annotations

import datetime as _dt
import json
from dataclasses import dataclass, field
from typing import Any

from ..protocol.errors import ServiceQuotaExceededException
from .base import Family, Params, not_found, operation
from .ids import new_uuid
from .run_model import CANCELLED, COMPLETED, FAILED, TERMINAL, Run
from .store import Store
from .tags import checked_tags

CacheKey = tuple[str, str, str, str, int]


@dataclass(eq=False)
class RunCache:
    """A cache location and its entries."""

    id: str
    arn: str
    creation_time: _dt.datetime
    cache_s3_uri: str
    cache_behavior: str = "CACHE_ON_FAILURE"
    cache_bucket_owner_id: str | None = None
    name: str | None = None
    description: str | None = None
    status: str = "ACTIVE"
    tags: dict[str, str] = field(default_factory=dict)
    entries: dict[CacheKey, str] = field(default_factory=dict)

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

    def entry_uri(self) -> str:
        return f"{self.cache_s3_uri.rstrip('/')}/{new_uuid()}/"


def _key(run: Run, index: int) -> CacheKey:
    parameters = json.dumps(
        run.request.get("parameters") or {}, sort_keys=True, separators=(",", ":")
    )
    version = run.version.name if run.version is not None else ""
    return (run.workflow.arn, version, run.definition.digest or "", parameters, index)


class RunCaches(Family):
    """Run caches of one account and Region, and the caching of runs that use them."""

    attribute = "run_caches"

    def __init__(self, backend: Any) -> None:
        super().__init__(backend)
        self.store: Store[RunCache] = Store("runCache")
        simulation = backend.runs.simulation
        simulation.running_listeners.append(self._find_hits)
        simulation.listeners.append(self._fill_on_end)

    def get(self, cache_id: str) -> RunCache:
        cache = self.store.get(cache_id)
        if cache is None:
            raise not_found("Run cache", cache_id)
        return cache

    # -- operations ---------------------------------------------------------------------

    @operation("CreateRunCache")
    def create_run_cache(self, req: Params) -> dict[str, Any]:
        backend = self.backend
        existing = backend.idempotency.lookup("CreateRunCache", req)
        if existing is not None and existing in self.store:
            return self._create_output(self.get(existing))
        quota = backend.settings.quotas.max_run_caches
        if len(self.store) >= quota:
            raise ServiceQuotaExceededException(
                f"The account has reached the maximum number of run caches ({quota})."
            )
        cache_id = backend.ids.numeric()
        cache = RunCache(
            id=cache_id,
            arn=backend.arn(f"runCache/{cache_id}"),
            creation_time=backend.clock.now(),
            cache_s3_uri=req["cacheS3Location"],
            cache_behavior=req.get("cacheBehavior") or "CACHE_ON_FAILURE",
            cache_bucket_owner_id=req.get("cacheBucketOwnerId") or backend.account_id,
            name=req.get("name"),
            description=req.get("description"),
            tags=checked_tags(req.get("tags"), backend.settings.quotas.max_tags_per_resource),
        )
        self.store.add(cache_id, cache)
        backend.register_taggable(cache.arn, cache)
        backend.idempotency.remember("CreateRunCache", req, cache_id)
        return self._create_output(cache)

    @operation("GetRunCache")
    def get_run_cache(self, req: Params) -> dict[str, Any]:
        return self.get(req["id"]).to_get_output()

    @operation("ListRunCaches")
    def list_run_caches(self, req: Params) -> dict[str, Any]:
        caches, token = self.store.page(req.get("startingToken"), req.get("maxResults"))
        page: dict[str, Any] = {"items": [c.to_list_item() for c in caches]}
        if token is not None:
            page["nextToken"] = token
        return page

    @operation("UpdateRunCache")
    def update_run_cache(self, req: Params) -> None:
        cache = self.get(req["id"])
        for member, attribute in (
            ("cacheBehavior", "cache_behavior"),
            ("description", "description"),
            ("name", "name"),
        ):
            if req.get(member) is not None:
                setattr(cache, attribute, req[member])

    @operation("DeleteRunCache")
    def delete_run_cache(self, req: Params) -> None:
        cache = self.get(req["id"])
        self.store.remove(cache.id)
        self.backend.unregister_taggable(cache.arn)

    # -- caching ------------------------------------------------------------------------------

    def _create_output(self, cache: RunCache) -> dict[str, Any]:
        return {"arn": cache.arn, "id": cache.id, "status": cache.status, "tags": dict(cache.tags)}

    def _cache_of(self, run: Run) -> RunCache | None:
        cache_id = run.cache_id
        return self.store.get(cache_id) if cache_id is not None else None

    def _find_hits(self, run: Run, at: _dt.datetime) -> None:
        cache = self._cache_of(run)
        if cache is None:
            return
        for index in range(len(run.templates)):
            uri = cache.entries.get(_key(run, index))
            if uri is not None:
                run.cache_hits[index] = uri

    def _fill_on_end(self, run: Run, before: str) -> None:
        if run.status not in TERMINAL or run.status == CANCELLED:
            return
        cache = self._cache_of(run)
        if cache is None:
            return
        behavior = run.cache_behavior or cache.cache_behavior
        if run.status == COMPLETED and behavior != "CACHE_ALWAYS":
            return
        if run.status == FAILED and (run.failure_reason or "").startswith(
            "Run exceeded maxDuration"
        ):
            return
        end = run.stop_time or self.backend.clock.now()
        for task in self.backend.runs.tasks_of(run, end):
            if run.task_status(task, end)[0] == COMPLETED:
                cache.entries.setdefault(
                    _key(run, task.index), task.cache_s3_uri or cache.entry_uri()
                )
