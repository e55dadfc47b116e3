"""Read sets: ListReadSets, GetReadSetMetadata, GetReadSet, BatchDeleteReadSet, and
the lifecycle the upload and job families drive (spec §5).

GetReadSet serves part ``n`` of a file as a slice of the stored bytes (no copy):
bytes ``[(n-1)*partSize, n*partSize)``, ``partSize`` being
``settings.storage.read_part_size``. It serves the sources while ACTIVE or
PROCESSING_UPLOAD and the index once ACTIVE; ARCHIVED, ACTIVATING, DELETING and
UPLOAD_FAILED read sets are a ConflictException. An ACTIVE read set not read for
``durations.archive_after`` (GetReadSet, export, a run using it) becomes ARCHIVED.
"""

from __future__ import annotations

import datetime as _dt
import functools
from typing import Any

from ...wire.errors import (
    ConflictException,
    RangeNotSatisfiableException,
    ResourceNotFoundException,
    ServiceQuotaExceededException,
)
from ..kernel.events import reacts_to
from ..kernel.state import Backend, Family, Params, not_found, operation
from ..kernel.store import Listing, Store
from ..outside.s3_write import WriteFailed, write_object
from ..sequence_stores.events import SequenceStoreInUse, SequenceStoreRemoved
from ..sequence_stores.ops import SequenceStores
from ..storage.blobs import Blob, StoredFile
from ..storage.content import alignment_index
from ..storage.events import ReferenceInUse, StorageInputProblems
from ..storage.filters import CREATED, both, equal, predicate
from ..storage.names import index_file_name
from .model import (
    ACTIVE,
    ALIGNED,
    ARCHIVED,
    DELETING,
    FILE_KEYS,
    PROCESSING_UPLOAD,
    READABLE,
    UPLOAD_FAILED,
    ReadSet,
)

LIST_FILTER = {
    **equal("name", "status", sampleId="sample_id", subjectId="subject_id"),
    **equal(generatedFrom="generated_from", creationType="creation_type"),
    **CREATED,
}
MISSING = "The specified readset does not exist."


class ReadSets(Family):
    """Read sets of one account and Region, by sequence store."""

    key = "read_sets"

    def __init__(self, backend: Backend) -> None:
        super().__init__(backend)
        self.by_store: dict[str, Store[ReadSet]] = {}
        self.by_id: dict[str, ReadSet] = {}

    def stored(self, store_id: str) -> Store[ReadSet]:
        found = self.by_store.get(store_id)
        if found is None:
            found = self.by_store[store_id] = Store("readSet", newest_first=False)
        return found

    def find(self, store_id: str, read_set_id: str) -> ReadSet:
        """A read set of a store that exists (ResourceNotFoundException otherwise)."""
        self.backend.get(SequenceStores).get(store_id)
        read_set = self.by_id.get(read_set_id)
        if read_set is None or read_set.store_id != store_id:
            raise not_found("Read set", read_set_id)
        return read_set

    def check_room(self, store_id: str, more: int = 1) -> None:
        """ServiceQuotaExceededException when the store cannot take ``more`` read sets."""
        quota = self.backend.settings.storage.quotas.max_read_sets_per_store
        if len(self.stored(store_id)) + more > quota:
            raise ServiceQuotaExceededException(
                f"Sequence store {store_id} has reached the maximum number of read sets ({quota})."
            )

    # -- operations ---------------------------------------------------------------------

    @operation("ListReadSets")
    def list_read_sets(self, req: Params) -> Listing:
        store_id = req["sequenceStoreId"]
        self.backend.get(SequenceStores).get(store_id)
        given = req.get("filter") or {}
        where = predicate(given, LIST_FILTER)
        reference = given.get("referenceArn")
        if reference is not None:
            wanted = reference or None  # "": read sets without a reference
            where = both(where, lambda r: r.reference_arn == wanted)
        return Listing(self.stored(store_id), ReadSet.to_list_item, where)

    @operation("GetReadSetMetadata")
    def get_read_set_metadata(self, req: Params) -> dict[str, Any]:
        read_set = self.find(req["sequenceStoreId"], req["id"])
        return read_set.to_metadata(self.backend.settings.storage.read_part_size)

    @operation("GetReadSet")
    def get_read_set(self, req: Params) -> dict[str, Any]:
        read_set = self.find(req["sequenceStoreId"], req["id"])
        if read_set.status not in READABLE:
            raise ConflictException(
                f"Read set {read_set.id} is {read_set.status}; its files cannot be read now."
            )
        file = req.get("file") or "SOURCE1"
        stored = read_set.files.get(FILE_KEYS[file])
        if stored is None:
            raise ResourceNotFoundException(f"Read set {read_set.id} has no {file} file.")
        part_size = self.backend.settings.storage.read_part_size
        part = stored.part(req["partNumber"], part_size)
        if part is None:
            last = stored.information(part_size)["totalParts"]
            raise RangeNotSatisfiableException(
                f"Part {req['partNumber']} is past the last part ({last}) of the {file} file "
                f"of read set {read_set.id}."
            )
        if read_set.status == ACTIVE:
            read_set.last_access = self.backend.clock.now()
        return {"payload": part}

    @operation("BatchDeleteReadSet")
    def batch_delete_read_set(self, req: Params) -> dict[str, Any]:
        store_id = req["sequenceStoreId"]
        self.backend.get(SequenceStores).get(store_id)
        errors = []
        for read_set_id in req["ids"]:
            read_set = self.by_id.get(read_set_id)
            if read_set is None or read_set.store_id != store_id:
                errors.append({"id": read_set_id, "code": "", "message": MISSING})
            elif read_set.status != DELETING:
                self.delete(read_set)
        return {"errors": errors} if errors else {}

    # -- lifecycle (uploads, jobs, control API) ---------------------------------------------

    def add(self, read_set: ReadSet) -> None:
        """Store a new read set; one created ACTIVE starts its archive clock."""
        self.stored(read_set.store_id).add(read_set.id, read_set)
        self.by_id[read_set.id] = read_set
        self.backend.register_taggable(read_set.arn, read_set)
        if read_set.status == ACTIVE:
            self.make_active(read_set, read_set.creation_time)

    def process(self, read_set: ReadSet, due: _dt.datetime, failure: str | None) -> None:
        """PROCESSING_UPLOAD ends at ``due``: ACTIVE, or UPLOAD_FAILED with ``failure``."""
        self.backend.scheduler.schedule(due, functools.partial(self._processed, read_set, failure))

    def _processed(self, read_set: ReadSet, failure: str | None, at: _dt.datetime) -> None:
        if read_set.removed or read_set.status != PROCESSING_UPLOAD:
            return
        if failure:
            read_set.status, read_set.status_message = UPLOAD_FAILED, failure
            self.to_fallback(read_set)
        else:
            self.make_active(read_set, at)

    def to_fallback(self, read_set: ReadSet) -> None:
        """An upload that failed leaves its files at the store's ``fallbackLocation``
        (``<location><readSetId>/<file name>``), if it has one."""
        store = self.backend.get(SequenceStores).store.get(read_set.store_id)
        location = store.fallback_location if store is not None else None
        if not location:
            return
        bucket, _, prefix = location[len("s3://") :].partition("/")
        prefix = prefix if not prefix or prefix.endswith("/") else prefix + "/"
        for key, stored in read_set.files.items():
            if key == "index":
                continue
            try:
                name = f"{prefix}{read_set.id}/{stored.name}"
                write_object(self.backend, bucket, name, stored.blob.chunks())
            except WriteFailed as error:
                read_set.status_message = f"{read_set.status_message} {error}"[:255]

    def make_active(self, read_set: ReadSet, at: _dt.datetime) -> None:
        """ACTIVE now (after processing or activation): index made, archive clock restarted."""
        read_set.status, read_set.status_message = ACTIVE, None
        if read_set.file_type in ALIGNED and "index" not in read_set.files:
            source = read_set.files["source1"]
            data = alignment_index(source.blob, read_set.file_type)
            name = index_file_name(source.name, read_set.file_type)
            read_set.files["index"] = StoredFile(Blob.of(data), name)
        read_set.last_access = at
        self._schedule_archive(read_set, at)

    def _schedule_archive(self, read_set: ReadSet, since: _dt.datetime) -> None:
        if read_set.archive_event is not None:
            read_set.archive_event.cancel()
        after = self.backend.settings.storage.durations.archive_after
        check = functools.partial(self._archive_check, read_set, after)
        read_set.archive_event = self.backend.scheduler.schedule(since + after, check)

    def _archive_check(self, read_set: ReadSet, after: _dt.timedelta, at: _dt.datetime) -> None:
        """Unused for ``after`` by ``at``: ARCHIVED; read since: check again later."""
        read_set.archive_event = None
        if read_set.removed or read_set.status != ACTIVE:
            return
        last = read_set.last_access or read_set.creation_time
        if last + after > at:
            self._schedule_archive(read_set, last)
        else:
            self.archive(read_set)

    def archive(self, read_set: ReadSet) -> None:
        """ACTIVE -> ARCHIVED (unused for ``archive_after``, or the control API)."""
        if read_set.archive_event is not None:
            read_set.archive_event.cancel()
            read_set.archive_event = None
        read_set.status, read_set.status_message = ARCHIVED, None

    def delete(self, read_set: ReadSet) -> None:
        """DELETING, then gone after ``durations.read_set_deleting``."""
        read_set.status, read_set.status_message = DELETING, None
        if read_set.archive_event is not None:
            read_set.archive_event.cancel()
        delay = self.backend.settings.storage.durations.read_set_deleting
        self.backend.scheduler.schedule(
            self.backend.clock.now() + delay, functools.partial(self._deleted, read_set)
        )

    def _deleted(self, read_set: ReadSet, at: _dt.datetime) -> None:
        self.forget(read_set)

    def forget(self, read_set: ReadSet) -> None:
        self.stored(read_set.store_id).remove(read_set.id)
        self.by_id.pop(read_set.id, None)
        self.backend.unregister_taggable(read_set.arn)

    # -- questions from other families -----------------------------------------------------

    @reacts_to(SequenceStoreInUse)
    def store_in_use(self, question: SequenceStoreInUse) -> str | None:
        count = len(self.stored(question.store_id))
        return f"it holds {count} read set(s)." if count else None

    @reacts_to(SequenceStoreRemoved)
    def store_removed(self, notice: SequenceStoreRemoved) -> None:
        self.by_store.pop(notice.store_id, None)

    @reacts_to(ReferenceInUse)
    def reference_in_use(self, question: ReferenceInUse) -> str | None:
        for read_set in self.by_id.values():
            if read_set.reference_arn == question.reference_arn:
                return f"read set {read_set.id} uses it."
        return None

    @reacts_to(StorageInputProblems)
    def input_problems(self, question: StorageInputProblems) -> list[str]:
        problems = []
        for uri in question.uris:
            if uri.kind != "readSet":
                continue
            read_set = self.by_id.get(uri.resource_id)
            text = f"omics://…/{uri.store_id}/readSet/{uri.resource_id}"
            if read_set is None or read_set.store_id != uri.store_id:
                problems.append(f"Read set {uri.resource_id} not found ({text}).")
            elif read_set.status != ACTIVE:
                problems.append(
                    f"Read set {read_set.id} is {read_set.status}; a run can only read an "
                    "ACTIVE read set (activate an archived one first)."
                )
            elif uri.file not in read_set.files:
                problems.append(f"Read set {read_set.id} has no {uri.file} file.")
            elif question.used:
                read_set.last_access = question.at
        return problems
