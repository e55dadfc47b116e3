"""Direct upload: Create/Complete/Abort MultipartReadSetUpload, UploadReadSetPart,
ListMultipartReadSetUploads, ListReadSetUploadParts (spec §6).

Parts arrive in any order, concurrently, and a part uploaded again replaces
the earlier one. UploadReadSetPart and CompleteMultipartReadSetUpload run
without the backend's lock while they hash bytes: they check and reserve under
the lock, hash outside it, and commit under it. A part's bytes are the
request's own ``bytes`` object, kept once; Complete builds the read set's
files from those same objects.
"""

from __future__ import annotations

from typing import Any

from ...wire.errors import ResourceNotFoundException, ValidationException
from ..kernel.events import reacts_to
from ..kernel.state import Backend, Family, Params, operation
from ..kernel.store import Listing, Store
from ..sequence_stores.events import SequenceStoreInUse, SequenceStoreRemoved
from ..sequence_stores.model import SequenceStore
from ..sequence_stores.ops import SequenceStores
from ..storage import names
from ..storage.blobs import Blob, StoredFile
from ..storage.content import Digest, digest, part_checksum
from ..storage.events import ReferenceProblem
from ..storage.filters import CREATED, predicate
from ..storage.tokens import once_per_token
from ..tags.rules import checked_tags
from .model import ALIGNED, PROCESSING_UPLOAD, UPLOAD_FAILED, ReadSet
from .ops import ReadSets
from .upload_model import Part, Upload

SOURCES = {"SOURCE1": "source1", "SOURCE2": "source2"}


class ReadSetUploads(Family):
    """Multipart uploads in progress, of one account and Region."""

    key = "read_set_uploads"

    def __init__(self, backend: Backend) -> None:
        super().__init__(backend)
        self.uploads: Store[Upload] = Store("upload", newest_first=False)

    def _store(self, store_id: str) -> SequenceStore:
        return self.backend.get(SequenceStores).direct_upload(store_id)

    def find(self, store_id: str, upload_id: str) -> Upload:
        """An upload in progress in a store that takes uploads."""
        self._store(store_id)
        upload = self.uploads.get(upload_id)
        if upload is None or upload.store_id != store_id:
            raise ResourceNotFoundException(f"Upload {upload_id} not found")
        return upload

    def _open(self, store_id: str, upload_id: str) -> Upload:
        upload = self.find(store_id, upload_id)
        if upload.completing:
            raise ValidationException(f"Upload {upload_id} is being completed.")
        return upload

    # -- operations ---------------------------------------------------------------------

    @operation("CreateMultipartReadSetUpload", render=Upload.to_output)
    def create_multipart_read_set_upload(self, req: Params) -> Upload:
        store = self._store(req["sequenceStoreId"])
        self.backend.get(SequenceStores).usable(store.id, "a direct upload")
        if req["sourceFileType"] in ALIGNED and req.get("referenceArn") is None:
            raise ValidationException(
                f"A {req['sourceFileType']} read set needs a referenceArn (aligned reads)."
            )
        if req.get("referenceArn") is not None:
            for problem in self.backend.events.publish(ReferenceProblem(req["referenceArn"])):
                if problem:
                    raise ResourceNotFoundException(problem)
        self.backend.get(ReadSets).check_room(store.id)
        checked_tags(req.get("tags"), self.backend.settings.quotas.max_tags_per_resource)
        return once_per_token(
            self.backend, "CreateMultipartReadSetUpload", req, lambda: self._new(store, req)
        )

    def _new(self, store: SequenceStore, req: Params) -> Upload:
        upload_id = self.backend.ids.numeric(names.ID_DIGITS)
        upload = Upload(upload_id, store.id, dict(req), self.backend.clock.now())
        self.uploads.add(upload_id, upload)
        return upload

    @operation("UploadReadSetPart", locked=False)
    def upload_read_set_part(self, req: Params) -> dict[str, Any]:
        data = req.get("payload") or b""
        if not isinstance(data, bytes):
            data = bytes(data)
        source, number = req["partSource"], req["partNumber"]
        with self.backend.locked():
            upload = self._open(req["sequenceStoreId"], req["uploadId"])
            self._check_part(upload, source, len(data))
        checksum = part_checksum(data)  # outside the lock: parts hash in parallel
        with self.backend.locked():
            upload = self._open(req["sequenceStoreId"], req["uploadId"])
            now = self.backend.clock.now()
            earlier = upload.parts.get((source, number))
            created = earlier.creation_time if earlier is not None else now
            upload.parts[(source, number)] = Part(source, number, data, checksum, created, now)
        return {"checksum": checksum}

    def _check_part(self, upload: Upload, source: str, size: int) -> None:
        if source == "SOURCE2" and upload.file_type != "FASTQ":
            raise ValidationException(
                f"Upload {upload.id} is {upload.file_type}; only FASTQ read sets have a SOURCE2."
            )
        if size == 0:
            raise ValidationException("The part is empty; a part holds at least one byte.")
        limit = self.backend.settings.storage.quotas.max_part_bytes
        if size > limit:
            raise ValidationException(
                f"The part is {size} bytes; each part can be at most {limit} bytes."
            )

    @operation("ListReadSetUploadParts")
    def list_read_set_upload_parts(self, req: Params) -> Listing:
        upload = self.find(req["sequenceStoreId"], req["uploadId"])
        parts = upload.parts_of(req["partSource"])
        where = predicate(req.get("filter"), CREATED)
        return Listing(parts, Part.to_list_item, where, kind="part")

    @operation("ListMultipartReadSetUploads")
    def list_multipart_read_set_uploads(self, req: Params) -> Listing:
        store = self._store(req["sequenceStoreId"])
        return Listing(self.uploads, Upload.to_output, lambda u: u.store_id == store.id)

    @operation("AbortMultipartReadSetUpload")
    def abort_multipart_read_set_upload(self, req: Params) -> dict[str, Any]:
        upload = self.find(req["sequenceStoreId"], req["uploadId"])
        self._forget(upload)
        return {}

    def _forget(self, upload: Upload) -> None:
        """Drop an upload and its parts (an idempotency record may keep the object)."""
        self.uploads.remove(upload.id)
        upload.parts = {}

    @operation("CompleteMultipartReadSetUpload", locked=False)
    def complete_multipart_read_set_upload(self, req: Params) -> dict[str, Any]:
        backend = self.backend
        with backend.locked():
            upload = self._open(req["sequenceStoreId"], req["uploadId"])
            chosen = self._chosen_parts(upload, req["parts"])
            backend.get(ReadSets).check_room(upload.store_id)
            family = backend.get(SequenceStores).get(upload.store_id).etag_family
            upload.completing = True
        try:  # outside the lock: hashing a large read set takes a while
            blobs = {key: Blob(chunks) for key, chunks in chosen.items()}
            digests = {key: digest(blob, upload.file_type, family) for key, blob in blobs.items()}
        except BaseException:
            with backend.locked():
                upload.completing = False
            raise
        with backend.locked():
            if upload.removed:
                raise ResourceNotFoundException(f"Upload {upload.id} was aborted.")
            read_set = self._read_set(upload, blobs, digests)
            self._forget(upload)
        return {"readSetId": read_set.id}

    def _chosen_parts(self, upload: Upload, listed: list[dict[str, Any]]) -> dict[str, list[bytes]]:
        """The listed parts' bytes per file, after the checks Complete makes."""
        if not listed:
            raise ValidationException("No parts were listed; a read set cannot be empty.")
        numbers: dict[str, list[int]] = {}
        for item in listed:
            source, number = item["partSource"], item["partNumber"]
            part = upload.parts.get((source, number))
            if part is None:
                raise ValidationException(
                    f"Part {number} of {source} was not uploaded to upload {upload.id}."
                )
            if part.checksum != item["checksum"]:
                raise ValidationException(
                    f"The checksum of part {number} of {source} does not match the part "
                    f"uploaded to upload {upload.id}."
                )
            numbers.setdefault(source, []).append(number)
        if "SOURCE1" not in numbers:
            raise ValidationException("The parts list has no SOURCE1 part.")
        for source, found in numbers.items():
            if sorted(found) != list(range(1, len(found) + 1)):
                raise ValidationException(
                    f"The {source} parts must be numbered 1 to {len(found)} without gaps "
                    "or repeats."
                )
        return {
            SOURCES[source]: [upload.parts[(source, n)].data for n in sorted(found)]
            for source, found in sorted(numbers.items())
        }

    def _read_set(
        self, upload: Upload, blobs: dict[str, Blob], digests: dict[str, Digest]
    ) -> ReadSet:
        backend = self.backend
        store = backend.get(SequenceStores).get(upload.store_id)
        read_set_id = backend.ids.numeric(names.ID_DIGITS)
        request = upload.request
        file_names = names.upload_file_names(request["name"], upload.file_type)
        now = backend.clock.now()
        read_set = ReadSet(
            id=read_set_id,
            arn=backend.arn(f"sequenceStore/{store.id}/readSet/{read_set_id}"),
            store_id=store.id,
            file_type=upload.file_type,
            subject_id=request["subjectId"],
            sample_id=request["sampleId"],
            name=request["name"],
            creation_time=now,
            creation_type="UPLOAD",
            creation_job_id=upload.id,
            files={key: StoredFile(blob, file_names[key]) for key, blob in blobs.items()},
            s3_prefix=f"{store.s3_uri}readSet/{read_set_id}/",
            etag_family=store.etag_family,
            digests=digests,
            status=PROCESSING_UPLOAD,
            description=request.get("description"),
            reference_arn=request.get("referenceArn"),
            generated_from=request.get("generatedFrom"),
            tags=dict(request.get("tags") or {}),
        )
        read_sets = backend.get(ReadSets)
        read_sets.add(read_set)
        delay = backend.settings.storage.durations.upload_processing
        read_sets.process(read_set, now + delay, upload.failure)
        return read_set

    # -- control API ------------------------------------------------------------------------

    def fail(self, upload_or_read_set_id: str, message: str) -> bool:
        """An upload in progress ends UPLOAD_FAILED when completed; a read set still
        PROCESSING_UPLOAD fails now. ``False`` if neither is found."""
        upload = self.uploads.get(upload_or_read_set_id)
        if upload is not None:
            upload.failure = message
            return True
        read_set = self.backend.get(ReadSets).by_id.get(upload_or_read_set_id)
        if read_set is None or read_set.status != PROCESSING_UPLOAD:
            return False
        read_set.status, read_set.status_message = UPLOAD_FAILED, message
        self.backend.get(ReadSets).to_fallback(read_set)
        return True

    # -- questions from other families -----------------------------------------------------

    @reacts_to(SequenceStoreInUse)
    def store_in_use(self, question: SequenceStoreInUse) -> str | None:
        count = sum(1 for u in self.uploads.values() if u.store_id == question.store_id)
        return f"it has {count} upload(s) in progress." if count else None

    @reacts_to(SequenceStoreRemoved)
    def store_removed(self, notice: SequenceStoreRemoved) -> None:
        for upload in [u for u in self.uploads.values() if u.store_id == notice.store_id]:
            self._forget(upload)
