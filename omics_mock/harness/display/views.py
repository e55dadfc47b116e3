"""The state of a mock as plain data: what the dashboard polls and notebooks show.

``state_view`` reads every account and Region the mock has used: runs (a page of
them, newest first, optionally of one status, with their phases and tasks; counts
by status), workflows and versions, run groups (runs queued and running), batches
(submission and run counters), run caches, storage (sequence stores, read sets,
reference stores, references), analytics (variant and annotation stores) and the
jobs of both planes (read set imports, exports and activations, reference imports,
variant and annotation imports), newest first.

Read-only: each account and Region is caught up with virtual time under its lock,
as any request does, and then only read. Nothing is created (no backend for an
account never used, no task ID), no run is stepped, nothing is written. Lists other
than runs are capped at ``ITEMS`` entries each, with their total.
"""

from __future__ import annotations

import datetime as _dt
from collections import Counter
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, TypeVar

from ...service.analytics_jobs.annotation_imports import AnnotationImports
from ...service.analytics_jobs.variant_imports import VariantImports
from ...service.annotation_stores.ops import AnnotationStores
from ...service.batches.ops import Batches
from ...service.read_set_jobs.ops import ReadSetJobs
from ...service.read_sets.ops import ReadSets
from ...service.references.imports import ReferenceImports
from ...service.references.ops import References
from ...service.run_caches.ops import RunCaches
from ...service.run_groups.ops import RunGroups
from ...service.runs.model import PENDING, Run
from ...service.runs.ops import Runs
from ...service.sequence_stores.ops import SequenceStores
from ...service.variant_stores.ops import VariantStores
from ...service.workflows.ops import Workflows
from . import PAGE
from .runs import RUN_STATUSES, run_view

if TYPE_CHECKING:
    from ...service.kernel.state import Backend, ServiceState

T = TypeVar("T")

ITEMS = 100
"""At most this many entries of each kind besides runs, per account and Region."""


def clock_view(state: ServiceState) -> dict[str, Any]:
    clock = state.clock
    offset = clock.offset.total_seconds()
    return {"now": clock.now(), "offset_seconds": offset, "scale": clock.scale}


def state_view(
    state: ServiceState,
    *,
    status: str | None = None,
    offset: int = 0,
    limit: int = PAGE,
    account_id: str | None = None,
    region: str | None = None,
    task_limit: int | None = None,
) -> dict[str, Any]:
    """Every account and Region (or the one asked for), runs paged and filtered.

    ``status`` keeps the runs of one status; ``offset`` and ``limit`` choose the
    slice of them (newest first) of each account and Region.
    """
    state.catch_up_shared()
    backends = sorted(state.backends(), key=lambda b: (b.account_id, b.region))
    views = [
        backend_view(backend, status=status, offset=offset, limit=limit, task_limit=task_limit)
        for backend in backends
        if account_id in (None, backend.account_id) and region in (None, backend.region)
    ]
    return {
        "clock": clock_view(state),
        "statuses": list(RUN_STATUSES),
        "filter": {"status": status, "offset": offset, "limit": limit},
        "backends": views,
    }


def backend_view(
    backend: Backend,
    *,
    status: str | None = None,
    offset: int = 0,
    limit: int = PAGE,
    task_limit: int | None = None,
) -> dict[str, Any]:
    """One account and Region, caught up to now."""
    with backend.lock:
        backend.catch_up()
        now = backend.clock.now()
        runs = list(backend.get(Runs).store.values())
        view = {
            "account_id": backend.account_id,
            "region": backend.region,
            "runs": _runs(runs, now, status, offset, limit, task_limit),
            "workflows": _workflows(backend),
            "run_groups": _run_groups(backend, runs),
            "batches": capped(backend.get(Batches).store.values(), _batch),
            "run_caches": capped(backend.get(RunCaches).store.values(), _cache),
        }
        view.update(_storage(backend))
        view.update(_analytics(backend))
        view["jobs"] = _jobs(backend)
    return view


def capped(items: Iterable[T], render: Callable[[T], dict[str, Any]]) -> dict[str, Any]:
    """``{"total": n, "items": [...]}`` with the first ``ITEMS`` items rendered."""
    listed = list(items)
    return {"total": len(listed), "items": [render(item) for item in listed[:ITEMS]]}


def _runs(
    runs: list[Run],
    now: _dt.datetime,
    status: str | None,
    offset: int,
    limit: int,
    task_limit: int | None,
) -> dict[str, Any]:
    counts = Counter(run.status for run in runs)
    chosen = runs if status is None else [run for run in runs if run.status == status]
    chosen.reverse()  # newest first
    page = chosen[offset : offset + limit]
    return {
        "total": len(runs),
        "counts": {name: counts.get(name, 0) for name in RUN_STATUSES if counts.get(name)},
        "matching": len(chosen),
        "offset": offset,
        "limit": limit,
        "items": [run_view(run, now, task_limit=task_limit) for run in page],
    }


def _workflows(backend: Backend) -> dict[str, Any]:
    def render(workflow: Any) -> dict[str, Any]:
        versions = list(workflow.versions.values())
        return {
            "id": workflow.id,
            "name": workflow.name,
            "status": workflow.status,
            "type": workflow.type,
            "engine": workflow.definition.engine,
            "creation_time": workflow.creation_time,
            "versions": [
                {"name": version.name, "status": version.status} for version in versions[:ITEMS]
            ],
            "version_count": len(versions),
        }

    return capped(backend.get(Workflows).store.values(), render)


def _run_groups(backend: Backend, runs: list[Run]) -> dict[str, Any]:
    queued: Counter[str] = Counter()
    running: Counter[str] = Counter()
    for run in runs:
        if run.run_group_id is not None and run.is_active:
            (queued if run.status == PENDING else running)[run.run_group_id] += 1

    def render(group: Any) -> dict[str, Any]:
        return {
            "id": group.id,
            "name": group.name,
            "limits": dict(group.limits),
            "queued": queued[group.id],
            "running": running[group.id],
        }

    return capped(backend.get(RunGroups).store.values(), render)


def _batch(batch: Any) -> dict[str, Any]:
    submissions = batch.submissions
    return {
        "id": batch.id,
        "name": batch.name,
        "status": batch.status,
        "total_runs": batch.total_runs,
        "submissions": {
            "successful": submissions.successful_start,
            "failed": submissions.failed_start,
            "pending": submissions.pending_start,
        },
        "runs": {status: count for status, count in batch.run_counts.items() if count},
        "failure_reason": batch.failure_reason,
    }


def _cache(cache: Any) -> dict[str, Any]:
    return {
        "id": cache.id,
        "name": cache.name,
        "status": cache.status,
        "behavior": cache.cache_behavior,
        "s3_uri": cache.cache_s3_uri,
        "entries": len(cache.entries),
    }


def _storage(backend: Backend) -> dict[str, Any]:
    read_sets = backend.get(ReadSets)
    references = backend.get(References)

    def sequence_store(store: Any) -> dict[str, Any]:
        held = read_sets.by_store.get(store.id)
        return {
            "id": store.id,
            "name": store.name,
            "status": store.status,
            "read_sets": 0 if held is None else len(held),
        }

    def reference_store(store: Any) -> dict[str, Any]:
        held = references.by_store.get(store.id)
        return {"id": store.id, "name": store.name, "references": 0 if held is None else len(held)}

    def read_set(item: Any) -> dict[str, Any]:
        return {
            "id": item.id,
            "name": item.name,
            "store_id": item.store_id,
            "status": item.status,
            "file_type": item.file_type,
        }

    def reference(item: Any) -> dict[str, Any]:
        return {"id": item.id, "name": item.name, "store_id": item.store_id, "status": item.status}

    return {
        "sequence_stores": capped(backend.get(SequenceStores).store.values(), sequence_store),
        "read_sets": capped(_chain(read_sets.by_store.values()), read_set),
        "reference_stores": capped(references.stores.values(), reference_store),
        "references": capped(_chain(references.by_store.values()), reference),
    }


def _analytics(backend: Backend) -> dict[str, Any]:
    def store(item: Any) -> dict[str, Any]:
        view = {
            "id": item.id,
            "name": item.name,
            "status": item.status,
            "size_bytes": item.size_bytes,
        }
        versions = getattr(item, "versions", None)
        if versions is not None:
            view["versions"] = len(versions)
        return view

    return {
        "variant_stores": capped(backend.get(VariantStores).stores.values(), store),
        "annotation_stores": capped(backend.get(AnnotationStores).stores.values(), store),
    }


def _chain(stores: Iterable[Any]) -> Iterable[Any]:
    for store in list(stores):
        yield from store.values()


JOB_KINDS = {
    "import": "read set import",
    "export": "read set export",
    "activation": "read set activation",
    "referenceImport": "reference import",
    "variant": "variant import",
    "annotation": "annotation import",
}
"""How the dashboard names each kind of job."""


def _jobs(backend: Backend) -> dict[str, Any]:
    """Storage and analytics jobs of every kind together, newest first."""
    jobs: list[Any] = [
        *backend.get(ReadSetJobs).jobs.values(),
        *backend.get(ReferenceImports).jobs.values(),
        *backend.get(VariantImports).jobs.values(),
        *backend.get(AnnotationImports).jobs.values(),
    ]
    jobs.reverse()  # among jobs made at one moment, the later first
    jobs.sort(key=lambda job: job.creation_time, reverse=True)

    def render(job: Any) -> dict[str, Any]:
        parts = job.sources if hasattr(job, "sources") else job.items
        return {
            "id": job.id,
            "kind": JOB_KINDS[job.kind],
            "store_id": job.store_id,
            "status": job.status,
            "status_message": job.status_message,
            "creation_time": job.creation_time,
            "completion_time": job.completion_time,
            "parts": len(parts),
        }

    return capped(jobs, render)
