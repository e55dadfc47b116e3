"""``m.storage``: what tests of the storage plane need beyond the AWS API.

Durations, quotas and the served part size are settings
(``m.settings.storage.read_part_size = 64``); source objects for imports are
registered with ``m.s3.put_object`` or come from moto's S3. Methods that take
an ID look for it in every account and Region of the mock unless
``account_id``/``region`` are given.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, TypeVar

from ...service.outside.s3 import MemoryS3, split_uri
from ...service.read_set_jobs.ops import ReadSetJobs
from ...service.read_sets.model import ACTIVE, FILE_KEYS
from ...service.read_sets.ops import ReadSets
from ...service.read_sets.uploads import ReadSetUploads
from ...service.references.imports import ReferenceImports
from ...service.sequence_stores.ops import SequenceStores
from ...service.storage.jobs import Job
from ...service.storage.sources import SourceSteering

if TYPE_CHECKING:
    from ...service.kernel.state import Backend, ServiceState

T = TypeVar("T")


class StorageControl:
    """Steer sequence stores, read sets, uploads and storage jobs."""

    def __init__(self, state: Callable[[], ServiceState]) -> None:
        self._current = state

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
        if not isinstance(identifier, str) or not identifier.isdigit():
            raise TypeError(f"{what} IDs are digit strings, not {identifier!r}")
        for backend in self._backends(account_id, region):
            with backend.lock:
                backend.catch_up()
                found = look(backend)
            if found is not None:
                return backend, found
        raise KeyError(f"no {what} {identifier} in this mock")

    # -- uploads and read sets -------------------------------------------------------------

    def fail_upload(
        self,
        upload_or_read_set_id: str,
        message: str = "The uploaded files failed validation.",
        *,
        account_id: str | None = None,
        region: str | None = None,
    ) -> None:
        """End a direct upload as UPLOAD_FAILED: an upload in progress when it is completed,
        a read set still PROCESSING_UPLOAD now."""
        _text(message, "message")

        def look(backend: Backend) -> bool | None:
            return backend.get(ReadSetUploads).fail(upload_or_read_set_id, message) or None

        self._find("upload or processing read set", upload_or_read_set_id, look, account_id, region)

    def archive(
        self, read_set_id: str, *, account_id: str | None = None, region: str | None = None
    ) -> None:
        """ARCHIVE an ACTIVE read set now (as 30 days without reads would)."""
        backend, read_set = self._find(
            "read set",
            read_set_id,
            lambda b: b.get(ReadSets).by_id.get(read_set_id),
            account_id,
            region,
        )
        with backend.lock:
            if read_set.status != ACTIVE:
                raise ValueError(f"read set {read_set_id} is {read_set.status}, not ACTIVE")
            backend.get(ReadSets).archive(read_set)

    def read_set_bytes(
        self,
        read_set_id: str,
        file: str = "SOURCE1",
        *,
        account_id: str | None = None,
        region: str | None = None,
    ) -> bytes:
        """The stored contents of one file of a read set (a copy)."""
        if file not in FILE_KEYS:
            raise ValueError(f"file is one of {sorted(FILE_KEYS)}, not {file!r}")
        _, read_set = self._find(
            "read set",
            read_set_id,
            lambda b: b.get(ReadSets).by_id.get(read_set_id),
            account_id,
            region,
        )
        stored = read_set.files.get(FILE_KEYS[file])
        if stored is None:
            raise KeyError(f"read set {read_set_id} has no {file} file")
        return bytes(stored.blob.tobytes())

    # -- stores ---------------------------------------------------------------------------

    def fail_store(
        self,
        store_id: str,
        message: str = "The sequence store failed.",
        *,
        account_id: str | None = None,
        region: str | None = None,
    ) -> None:
        """Put a sequence store in FAILED, with ``statusMessage``."""
        _text(message, "message")
        backend, store = self._find(
            "sequence store",
            store_id,
            lambda b: b.get(SequenceStores).store.get(store_id),
            account_id,
            region,
        )
        with backend.lock:
            backend.get(SequenceStores).fail(store, message[:127])

    def without_direct_upload(
        self, store_id: str, *, account_id: str | None = None, region: str | None = None
    ) -> None:
        """Make a sequence store one that predates direct upload and S3 access: the
        multipart and S3 access policy operations answer NotSupportedOperationException."""
        backend, store = self._find(
            "sequence store",
            store_id,
            lambda b: b.get(SequenceStores).store.get(store_id),
            account_id,
            region,
        )
        with backend.lock:
            store.direct_upload = False

    # -- jobs -----------------------------------------------------------------------------

    def _job(self, job_id: str, account_id: str | None, region: str | None) -> tuple[Backend, Job]:
        def look(backend: Backend) -> Job | None:
            return backend.get(ReadSetJobs).jobs.get(job_id) or backend.get(
                ReferenceImports
            ).jobs.get(job_id)

        return self._find("storage job", job_id, look, account_id, region)

    def fail_source(self, uri: str, message: str = "Access denied to the source file.") -> None:
        """Every import source that names ``uri`` fails, with ``message``."""
        _text(uri, "uri")
        _text(message, "message")
        self._current().shared(SourceSteering).fail(uri, message)

    def fail_job_source(
        self,
        job_id: str,
        index: int,
        message: str = "The source failed.",
        *,
        account_id: str | None = None,
        region: str | None = None,
    ) -> None:
        """Source ``index`` (from 0) of a running job fails when the job's sources end."""
        _text(message, "message")
        backend, job = self._job(job_id, account_id, region)
        with backend.lock:
            if not job.running:
                raise ValueError(f"job {job_id} has ended ({job.status})")
            if isinstance(index, bool) or not isinstance(index, int):
                raise TypeError(f"index is a whole number, not {index!r}")
            if not 0 <= index < len(job.sources):
                raise IndexError(f"job {job_id} has {len(job.sources)} source(s)")
            job.sources[index].forced_failure = message

    def finish_job(
        self, job_id: str, *, account_id: str | None = None, region: str | None = None
    ) -> str:
        """Run a storage job's remaining phases now; returns its final status."""
        backend, job = self._job(job_id, account_id, region)
        with backend.lock:
            backend.get(ReadSetJobs).lifecycle.hurry(job, backend.clock.now())
            return job.status

    # -- S3 without moto --------------------------------------------------------------------

    def s3_object(self, uri: str) -> bytes | None:
        """An object the mock wrote to its own S3 memory (exports without moto), or ``None``."""
        _text(uri, "uri")
        bucket, key = split_uri(uri, "uri")
        found = self._current().shared(MemoryS3).get(bucket, key)
        return None if found is None else found[0]


def _text(value: Any, name: str) -> None:
    if not isinstance(value, str) or not value:
        raise TypeError(f"{name} is non-empty text, not {value!r}")
