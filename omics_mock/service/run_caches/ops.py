"""Run caches: call caching of task outputs between runs.

A cache's ``cacheS3Uri`` is its own folder, ``<cacheS3Location>/<cacheUuid>/``.
A run started with ``cacheId`` reads and fills that cache. Entries are keyed
by workflow, version, definition digest, run parameters and task, and filled
when the run ends: with CACHE_ALWAYS for its completed tasks whether it
completed or failed, with CACHE_ON_FAILURE (the default) only when it failed.
Runs that exceeded a run group's ``maxDuration`` cache nothing, nor do
cancelled runs unless ``settings.artifacts.cancelled_runs_fill_cache``. A new
entry lives at ``<cacheS3Location>/<cacheUuid>/<runId>/<taskId>/<entryUuid>/``
and is remembered on the run (``cache_entries``) for its artefacts. A later
run whose task finds an entry marks it ``cacheHit``, with the entry's
``cacheS3Uri``, and that task takes a small share of its usual time.
"""

from __future__ import annotations

from ...wire.errors import ServiceQuotaExceededException
from ..kernel.events import reacts_to
from ..kernel.state import Backend, Family, Params, not_found, operation
from ..kernel.store import Listing, Store
from ..run_groups.model import DURATION_EXCEEDED
from ..runs.events import RunStartsWork, RunStatusChanged
from ..runs.model import CANCELLED, COMPLETED, FAILED, TERMINAL, Run
from ..runs.timeline import task_status, tasks_at
from ..tags.rules import checked_tags
from .model import RunCache, cache_key


class RunCaches(Family):
    """Run caches of one account and Region, and the caching of runs that use them."""

    key = "run_caches"

    def __init__(self, backend: Backend) -> None:
        super().__init__(backend)
        self.store: Store[RunCache] = Store("runCache")

    def get(self, cache_id: str) -> RunCache:
        cache = self.store.get(cache_id)
        if cache is None:
            raise not_found("Run cache", cache_id)
        return cache

    # -- operations ---------------------------------------------------------------------

    @operation("CreateRunCache", render=RunCache.to_create_output)
    def create_run_cache(self, req: Params) -> RunCache:
        backend = self.backend
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
            cache_s3_location=req["cacheS3Location"],
            uuid=backend.ids.uuid(),
            cache_behavior=req.get("cacheBehavior") or "CACHE_ON_FAILURE",
            cache_bucket_owner_id=req.get("cacheBucketOwnerId") or backend.account_id,
            name=req.get("name"),
            description=req.get("description"),
            tags=checked_tags(req.get("tags"), backend.settings.quotas.max_tags_per_resource),
        )
        self.store.add(cache_id, cache)
        backend.register_taggable(cache.arn, cache)
        return cache

    @operation("GetRunCache", render=RunCache.to_get_output)
    def get_run_cache(self, req: Params) -> RunCache:
        return self.get(req["id"])

    @operation("ListRunCaches")
    def list_run_caches(self, req: Params) -> Listing:
        return Listing(self.store, RunCache.to_list_item)

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

    def _cache_of(self, run: Run) -> RunCache | None:
        cache_id = run.cache_id
        return self.store.get(cache_id) if cache_id is not None else None

    @reacts_to(RunStartsWork)
    def find_hits(self, event: RunStartsWork) -> None:
        run = event.run
        cache = self._cache_of(run)
        if cache is None:
            return
        for index in range(len(run.templates)):
            uri = cache.entries.get(cache_key(run, index))
            if uri is not None:
                run.cache_hits = {**run.cache_hits, index: uri}

    @reacts_to(RunStatusChanged)
    def fill_on_end(self, event: RunStatusChanged) -> None:
        run = event.run
        if run.status not in TERMINAL:
            return
        settings = self.backend.settings.artifacts
        if run.status == CANCELLED and not settings.cancelled_runs_fill_cache:
            return
        cache = self._cache_of(run)
        if cache is None:
            return
        behavior = run.cache_behavior or cache.cache_behavior
        if run.status == COMPLETED and behavior != "CACHE_ALWAYS":
            return
        if run.status == FAILED and (run.failure_reason or "").startswith(DURATION_EXCEEDED):
            return
        end = run.stop_time or self.backend.clock.now()
        for task in tasks_at(run, end, self.backend.ids):
            if task.cache_hit or task_status(run, task, end)[0] != COMPLETED:
                continue
            key = cache_key(run, task.index)
            if key in cache.entries:
                continue
            uri = cache.entries[key] = cache.entry_uri(run.id, task.id, self.backend.ids.uuid())
            if run.cache_entries is None:
                run.cache_entries = {}
            run.cache_entries[task.index] = uri
