"""What each read set job does to its sources when they start and end (spec §7.2-7.4).

* **import**: a source's read set ID is allocated when it starts; when it ends,
  its files are read from S3 and the read set appears, ACTIVE, with
  ``creationType`` IMPORT. A missing file, a BAM/CRAM without a usable
  ``referenceArn`` or a full store fail the source.
* **export**: each file of an ACTIVE read set is written to
  ``<destination><readSetId>/<file name>``; an unknown or non-ACTIVE read set,
  or a write S3 refuses, fails the source. Export counts as reading the read set.
* **activation**: an ARCHIVED read set is ACTIVATING while its source runs and
  ACTIVE after; one already ACTIVE or ACTIVATING finishes at once.
"""

from __future__ import annotations

import datetime as _dt
from typing import TYPE_CHECKING

from ..outside.s3_write import WriteFailed, write_object
from ..read_sets.model import ACTIVATING, ACTIVE, ALIGNED, ARCHIVED, ReadSet
from ..read_sets.ops import ReadSets
from ..sequence_stores.ops import SequenceStores
from ..storage import names
from ..storage.blobs import Blob, StoredFile
from ..storage.content import digest
from ..storage.events import ReferenceProblem
from ..storage.jobs import FINISHED, Job, JobSource
from ..storage.sources import fetch_source

if TYPE_CHECKING:
    from ..kernel.state import Backend

NO_ACTIVATION = "No activation needed as read set is already in ACTIVATING or ACTIVE state."


class ImportWork:
    def __init__(self, backend: Backend) -> None:
        self.backend = backend

    def begin(self, job: Job, source: JobSource, at: _dt.datetime) -> None:
        source.result_id = self.backend.ids.numeric(names.ID_DIGITS)

    def finish(self, job: Job, source: JobSource, at: _dt.datetime) -> str | None:
        backend = self.backend
        store = backend.get(SequenceStores).store.get(job.store_id)
        if store is None:
            return "The sequence store was deleted."
        request = source.request
        file_type = request["sourceFileType"]
        reference = request.get("referenceArn")
        if file_type in ALIGNED and reference is None:
            return f"A {file_type} source needs a referenceArn."
        if reference is not None:
            for problem in backend.events.publish(ReferenceProblem(reference)):
                if problem:
                    return str(problem)
        read_sets = backend.get(ReadSets)
        quota = backend.settings.storage.quotas.max_read_sets_per_store
        if len(read_sets.stored(store.id)) >= quota:
            return f"Sequence store {store.id} holds the maximum number of read sets ({quota})."
        uris = {"source1": request["sourceFiles"]["source1"]}
        if request["sourceFiles"].get("source2"):
            uris["source2"] = request["sourceFiles"]["source2"]
        blobs: dict[str, Blob] = {}
        for key, uri in uris.items():
            found = fetch_source(backend, uri, file_type)
            if isinstance(found, str):
                return found
            blobs[key] = Blob.of(found)
        file_names = names.import_file_names(uris["source1"], uris.get("source2"))
        assert source.result_id is not None
        read_set_id = source.result_id
        read_set = ReadSet(
            id=read_set_id,
            arn=backend.arn(f"sequenceStore/{store.id}/readSet/{read_set_id}"),
            store_id=store.id,
            file_type=file_type,
            subject_id=request["subjectId"],
            sample_id=request["sampleId"],
            name=request.get("name") or file_names["source1"],
            creation_time=at,
            creation_type="IMPORT",
            creation_job_id=job.id,
            files={key: StoredFile(blob, file_names[key]) for key, blob in blobs.items()},
            s3_prefix=f"{store.s3_uri}readSet/{read_set_id}/",
            etag_family=store.etag_family,
            digests={
                key: digest(blob, file_type, store.etag_family) for key, blob in blobs.items()
            },
            description=request.get("description"),
            reference_arn=reference,
            generated_from=request.get("generatedFrom"),
            tags=dict(request.get("tags") or {}),
        )
        read_sets.add(read_set)
        return None


class ExportWork:
    def __init__(self, backend: Backend) -> None:
        self.backend = backend

    def begin(self, job: Job, source: JobSource, at: _dt.datetime) -> None:
        """Nothing to reserve: the read set is read when the source ends."""

    def finish(self, job: Job, source: JobSource, at: _dt.datetime) -> str | None:
        read_set_id = source.request["readSetId"]
        read_set = self.backend.get(ReadSets).by_id.get(read_set_id)
        if read_set is None or read_set.store_id != job.store_id:
            return f"Read set {read_set_id} not found."
        if read_set.status != ACTIVE:
            return f"Read set {read_set_id} is {read_set.status}; only ACTIVE read sets export."
        bucket, _, prefix = job.request["destination"][len("s3://") :].partition("/")
        if prefix and not prefix.endswith("/"):
            prefix += "/"
        try:
            for stored in read_set.files.values():
                key = f"{prefix}{read_set.id}/{stored.name}"
                write_object(self.backend, bucket, key, stored.blob.chunks())
        except WriteFailed as error:
            return str(error)
        read_set.last_access = at
        return None


class ActivationWork:
    def __init__(self, backend: Backend) -> None:
        self.backend = backend

    def _read_set(self, job: Job, source: JobSource) -> ReadSet | None:
        read_set = self.backend.get(ReadSets).by_id.get(source.request["readSetId"])
        return read_set if read_set is not None and read_set.store_id == job.store_id else None

    def begin(self, job: Job, source: JobSource, at: _dt.datetime) -> None:
        read_set = self._read_set(job, source)
        if read_set is None:
            return
        if read_set.status == ARCHIVED:
            read_set.status = ACTIVATING
        elif read_set.status in (ACTIVE, ACTIVATING):
            source.status, source.status_message = FINISHED, NO_ACTIVATION

    def finish(self, job: Job, source: JobSource, at: _dt.datetime) -> str | None:
        read_set = self._read_set(job, source)
        if read_set is None:
            return f"Read set {source.request['readSetId']} not found."
        if read_set.status != ACTIVATING:
            return f"Read set {read_set.id} is {read_set.status}; it cannot be activated."
        self.backend.get(ReadSets).make_active(read_set, at)
        return None
