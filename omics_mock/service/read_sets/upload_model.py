"""Direct uploads in progress and their parts (spec §6)."""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import Any

ECHOED = (
    "sourceFileType",
    "subjectId",
    "sampleId",
    "generatedFrom",
    "referenceArn",
    "name",
    "description",
    "tags",
)
"""CreateMultipartReadSetUpload members its output and the uploads list echo."""


@dataclass(slots=True)
class Part:
    """One uploaded part: the request's bytes, kept as they came (never copied)."""

    source: str
    number: int
    data: bytes
    checksum: str
    creation_time: _dt.datetime
    last_updated_time: _dt.datetime

    def to_list_item(self) -> dict[str, Any]:
        return {
            "partNumber": self.number,
            "partSize": len(self.data),
            "partSource": self.source,
            "checksum": self.checksum,
            "creationTime": self.creation_time,
            "lastUpdatedTime": self.last_updated_time,
        }


@dataclass(eq=False)
class Upload:
    """A multipart read set upload between Create and Complete (or Abort)."""

    id: str
    store_id: str
    request: dict[str, Any]
    creation_time: _dt.datetime
    parts: dict[tuple[str, int], Part] = field(default_factory=dict)
    completing: bool = False
    """Complete is copying nothing, only hashing: new parts are refused meanwhile."""
    failure: str | None = None
    """Set through the control API: the read set ends UPLOAD_FAILED with this message."""
    removed: bool = False

    @property
    def file_type(self) -> str:
        return str(self.request["sourceFileType"])

    def to_output(self) -> dict[str, Any]:
        output: dict[str, Any] = {"sequenceStoreId": self.store_id, "uploadId": self.id}
        for member in ECHOED:
            if self.request.get(member) is not None:
                output[member] = self.request[member]
        output["creationTime"] = self.creation_time
        return output

    def parts_of(self, source: str) -> list[Part]:
        return sorted(
            (part for (kind, _), part in self.parts.items() if kind == source),
            key=lambda part: part.number,
        )
