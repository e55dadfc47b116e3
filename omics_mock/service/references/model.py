"""Reference stores and references (spec §8)."""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import Any

from ..storage.blobs import StoredFile

ACTIVE = "ACTIVE"
DELETING = "DELETING"
FILE_KEYS = {"SOURCE": "source", "INDEX": "index"}


@dataclass(eq=False)
class ReferenceStore:
    """The reference store of an account and Region (the service allows one)."""

    id: str
    arn: str
    name: str
    creation_time: _dt.datetime
    description: str | None = None
    sse_config: dict[str, Any] | None = None
    tags: dict[str, str] = field(default_factory=dict)
    removed: bool = False

    def to_output(self) -> dict[str, Any]:
        output: dict[str, Any] = {"id": self.id, "arn": self.arn, "name": self.name}
        if self.description is not None:
            output["description"] = self.description
        if self.sse_config is not None:
            output["sseConfig"] = dict(self.sse_config)
        output["creationTime"] = self.creation_time
        return output


@dataclass(eq=False)
class Reference:
    """A reference genome (FASTA) and its generated ``.fai`` index."""

    id: str
    arn: str
    store_id: str
    name: str
    md5: str
    creation_time: _dt.datetime
    creation_job_id: str
    files: dict[str, StoredFile]
    description: str | None = None
    status: str = ACTIVE
    update_time: _dt.datetime | None = None
    tags: dict[str, str] = field(default_factory=dict)
    removed: bool = False

    def to_list_item(self) -> dict[str, Any]:
        output: dict[str, Any] = {
            "id": self.id,
            "arn": self.arn,
            "referenceStoreId": self.store_id,
            "md5": self.md5,
            "status": self.status,
            "name": self.name,
        }
        if self.description is not None:
            output["description"] = self.description
        output["creationTime"] = self.creation_time
        output["updateTime"] = self.update_time or self.creation_time
        return output

    def to_metadata(self, part_size: int) -> dict[str, Any]:
        output = self.to_list_item()
        output["files"] = {key: stored.information(part_size) for key, stored in self.files.items()}
        output["creationType"] = "IMPORT"
        output["creationJobId"] = self.creation_job_id
        return output
