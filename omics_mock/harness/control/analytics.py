"""``m.analytics``: what tests of variant and annotation stores need beyond the AWS API.

Durations, quotas and switches are settings (``m.settings.analytics``); import
sources are registered with ``m.s3.put_object`` or come from moto's S3. Methods
that take a name or job ID look in every account and Region of the mock unless
``account_id``/``region`` are given (the first match wins).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, TypeVar

from ...service.analytics.access import EXISTING, NEW_CUSTOMER, AnalyticsAccess
from ...service.analytics.jobs import ImportJob
from ...service.analytics.model import AnalyticsStore
from ...service.analytics.stores import StoreFamily
from ...service.analytics_jobs.annotation_imports import AnnotationImports
from ...service.analytics_jobs.base import ImportFamily
from ...service.analytics_jobs.variant_imports import VariantImports
from ...service.annotation_stores.model import AnnotationStoreVersion
from ...service.annotation_stores.ops import AnnotationStores
from ...service.storage.sources import MESSAGE_LIMIT, SourceSteering
from ...service.variant_stores.ops import VariantStores

if TYPE_CHECKING:
    from ...service.kernel.state import Backend, ServiceState

T = TypeVar("T")
JOB_FAMILIES: tuple[type[ImportFamily], ...] = (VariantImports, AnnotationImports)


class AnalyticsControl:
    """Steer variant stores, annotation stores, their versions and import jobs."""

    def __init__(self, state: Callable[[], ServiceState]) -> None:
        self._current = state

    # -- closed to new customers -------------------------------------------------------------

    def new_customer(self, account_id: str | None = None) -> None:
        """Make an account (the default one if not given) a new customer: its
        Create*Store and Start*ImportJob answer AccessDeniedException."""
        self._access(account_id, NEW_CUSTOMER)

    def existing_customer(self, account_id: str | None = None) -> None:
        """Make an account an existing customer again (whatever ``settings.analytics.access``)."""
        self._access(account_id, EXISTING)

    def _access(self, account_id: str | None, mode: str) -> None:
        state = self._current()
        account = state.settings.default_account_id if account_id is None else account_id
        if not (isinstance(account, str) and len(account) == 12 and account.isdigit()):
            raise ValueError(f"account_id must be 12 digits, not {account!r}")
        state.shared(AnalyticsAccess).set(account, mode)

    # -- stores and versions -----------------------------------------------------------------

    def fail_variant_store(
        self,
        name: str,
        message: str = "The variant store failed.",
        *,
        account_id: str | None = None,
        region: str | None = None,
    ) -> None:
        """Put a variant store in FAILED, with ``statusMessage``."""
        self._fail_store(VariantStores, name, message, account_id, region)

    def fail_annotation_store(
        self,
        name: str,
        message: str = "The annotation store failed.",
        *,
        account_id: str | None = None,
        region: str | None = None,
    ) -> None:
        """Put an annotation store in FAILED (its first version too while CREATING)."""
        self._fail_store(AnnotationStores, name, message, account_id, region)

    def _fail_store(
        self,
        kind: type[StoreFamily[Any]],
        name: str,
        message: str,
        account_id: str | None,
        region: str | None,
    ) -> None:
        _text(name, "name")
        _text(message, "message")

        def look(backend: Backend) -> AnalyticsStore | None:
            return backend.get(kind).by_name.get(name)

        backend, store = self._find(f"{kind.kind} store", name, look, account_id, region)
        with backend.lock:
            backend.catch_up()
            backend.get(kind).fail(store, message[:MESSAGE_LIMIT], backend.clock.now())

    def fail_version(
        self,
        store_name: str,
        version_name: str,
        message: str = "The annotation store version failed.",
        *,
        account_id: str | None = None,
        region: str | None = None,
    ) -> None:
        """Put a version of an annotation store in FAILED, with ``statusMessage``."""
        _text(store_name, "store_name")
        _text(version_name, "version_name")
        _text(message, "message")

        def look(backend: Backend) -> AnnotationStoreVersion | None:
            store = backend.get(AnnotationStores).by_name.get(store_name)
            return None if store is None else store.versions.get(version_name)

        what = f"{version_name} of annotation store"
        backend, version = self._find(f"version {what}", store_name, look, account_id, region)
        with backend.lock:
            version.fail(message[:MESSAGE_LIMIT], backend.clock.now())

    # -- import jobs --------------------------------------------------------------------------

    def fail_source(self, uri: str, message: str = "Access denied to the source file.") -> None:
        """Every import item (and storage import source) that names ``uri`` fails."""
        _text(uri, "uri")
        _text(message, "message")
        self._current().shared(SourceSteering).fail(uri, message)

    def fail_item(
        self,
        job_id: str,
        index: int,
        message: str = "The file could not be imported.",
        *,
        account_id: str | None = None,
        region: str | None = None,
    ) -> None:
        """Item ``index`` (from 0) of a running import job fails when the job's items end."""
        _text(message, "message")
        backend, job = self._job(job_id, account_id, region)
        with backend.lock:
            _running(job)
            if isinstance(index, bool) or not isinstance(index, int):
                raise TypeError(f"index is a whole number, not {index!r}")
            if not 0 <= index < len(job.items):
                raise IndexError(f"job {job_id} has {len(job.items)} item(s)")
            job.items[index].forced_failure = message[:MESSAGE_LIMIT]

    def fail_job(
        self,
        job_id: str,
        message: str = "The file could not be imported.",
        *,
        account_id: str | None = None,
        region: str | None = None,
    ) -> None:
        """Every item of a running import job fails when the job's items end (FAILED)."""
        _text(message, "message")
        backend, job = self._job(job_id, account_id, region)
        with backend.lock:
            _running(job)
            for item in job.items:
                item.forced_failure = message[:MESSAGE_LIMIT]

    def finish_job(
        self, job_id: str, *, account_id: str | None = None, region: str | None = None
    ) -> str:
        """Run an import job's remaining phases now; returns its final status."""
        backend, job = self._job(job_id, account_id, region)
        with backend.lock:
            backend.catch_up()
            family = next(backend.get(kind) for kind in JOB_FAMILIES if kind.kind == job.kind)
            family.lifecycle.hurry(job, backend.clock.now())
            return job.status

    def _job(
        self, job_id: str, account_id: str | None, region: str | None
    ) -> tuple[Backend, ImportJob]:
        _text(job_id, "job_id")

        def look(backend: Backend) -> ImportJob | None:
            for kind in JOB_FAMILIES:
                job = backend.get(kind).jobs.get(job_id)
                if job is not None:
                    return job
            return None

        return self._find("import job", job_id, look, account_id, region)

    # -- lookups ------------------------------------------------------------------------------

    def _backends(self, account_id: str | None, region: str | None) -> Iterator[Backend]:
        state = self._current()
        if account_id is not None or region is not None:
            yield state.backend(account_id, region or "us-east-1")
            return
        yield from state.backends()

    def _find(
        self,
        what: str,
        identifier: str,
        look: Callable[[Backend], T | None],
        account_id: str | None,
        region: str | None,
    ) -> tuple[Backend, T]:
        for backend in self._backends(account_id, region):
            with backend.lock:
                backend.catch_up()
                found = look(backend)
            if found is not None:
                return backend, found
        raise KeyError(f"no {what} {identifier} in this mock")


def _running(job: ImportJob) -> None:
    if not job.running:
        raise ValueError(f"import job {job.id} has ended ({job.status})")


def _text(value: object, name: str) -> None:
    if not isinstance(value, str) or not value:
        raise TypeError(f"{name} is non-empty text, not {value!r}")
