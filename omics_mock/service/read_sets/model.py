"""Read sets: their files, statuses and the outputs of their operations (spec §5)."""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import Any

from ..kernel.scheduler import Event
from ..storage.blobs import StoredFile
from ..storage.content import Digest, etag_algorithm

ACTIVE = "ACTIVE"
ARCHIVED = "ARCHIVED"
ACTIVATING = "ACTIVATING"
DELETING = "DELETING"
DELETED = "DELETED"
PROCESSING_UPLOAD = "PROCESSING_UPLOAD"
UPLOAD_FAILED = "UPLOAD_FAILED"

READABLE = frozenset({ACTIVE, PROCESSING_UPLOAD})
"""Statuses in which GetReadSet serves the source files."""
FILE_KEYS = {"SOURCE1": "source1", "SOURCE2": "source2", "INDEX": "index"}
ALIGNED = frozenset({"BAM", "CRAM"})


@dataclass(eq=False)
class ReadSet:
    """A read set: one or two source files (and an index) with sample metadata."""

    id: str
    arn: str
    store_id: str
    file_type: str
    subject_id: str
    sample_id: str
    name: str
    creation_time: _dt.datetime
    creation_type: str
    """``UPLOAD`` or ``IMPORT``."""
    creation_job_id: str
    files: dict[str, StoredFile]
    s3_prefix: str
    """``s3://<alias>/<account>/sequenceStore/<store>/readSet/<id>/``."""
    etag_family: str
    digests: dict[str, Digest]
    status: str = ACTIVE
    status_message: str | None = None
    description: str | None = None
    reference_arn: str | None = None
    generated_from: str | None = None
    tags: dict[str, str] = field(default_factory=dict)
    last_access: _dt.datetime | None = None
    archive_event: Event | None = field(default=None, repr=False)
    removed: bool = False

    @property
    def complete(self) -> bool:
        """Whether processing is over (full metadata, index available)."""
        return self.status != PROCESSING_UPLOAD

    # -- outputs -------------------------------------------------------------------

    def to_list_item(self) -> dict[str, Any]:
        output: dict[str, Any] = {
            "id": self.id,
            "arn": self.arn,
            "sequenceStoreId": self.store_id,
            "subjectId": self.subject_id,
            "sampleId": self.sample_id,
            "status": self.status,
            "name": self.name,
        }
        if self.description is not None:
            output["description"] = self.description
        if self.reference_arn is not None:
            output["referenceArn"] = self.reference_arn
        output["fileType"] = self.file_type
        if self.complete:
            output["sequenceInformation"] = self.sequence_information()
        output["creationTime"] = self.creation_time
        if self.status_message is not None:
            output["statusMessage"] = self.status_message
        output["creationType"] = self.creation_type
        if self.complete and self.digests:
            output["etag"] = self.etag()
        return output

    def to_metadata(self, part_size: int) -> dict[str, Any]:
        output = self.to_list_item()
        output["files"] = {
            key: stored.information(part_size, f"{self.s3_prefix}{stored.name}")
            for key, stored in self.files.items()
        }
        output["creationJobId"] = self.creation_job_id
        return output

    def sequence_information(self) -> dict[str, Any]:
        info: dict[str, Any] = {}
        source1 = self.digests.get("source1")
        if source1 is not None and source1.reads is not None:
            reads = sum(d.reads or 0 for d in self.digests.values())
            info["totalReadCount"] = reads
            info["totalBaseCount"] = sum(d.bases or 0 for d in self.digests.values())
        if self.generated_from is not None:
            info["generatedFrom"] = self.generated_from
        info["alignment"] = "ALIGNED" if self.file_type in ALIGNED else "UNALIGNED"
        return info

    def etag(self) -> dict[str, Any]:
        output: dict[str, Any] = {"algorithm": etag_algorithm(self.file_type, self.etag_family)}
        for key in ("source1", "source2"):
            if key in self.digests:
                output[key] = self.digests[key].etag
        return output
