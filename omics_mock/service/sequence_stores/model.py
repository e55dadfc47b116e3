"""Sequence stores: fields, statuses and the outputs of their operations (spec §3)."""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import Any

CREATING = "CREATING"
ACTIVE = "ACTIVE"
UPDATING = "UPDATING"
DELETING = "DELETING"
FAILED = "FAILED"

DEFAULT_ETAG_FAMILY = "MD5up"


@dataclass(eq=False)
class SequenceStore:
    """A sequence store of one account and Region."""

    id: str
    arn: str
    name: str
    creation_time: _dt.datetime
    access_point_arn: str
    s3_uri: str
    """``s3://<alias>/<account>/sequenceStore/<id>/``: where its read sets' files live."""
    description: str | None = None
    sse_config: dict[str, Any] | None = None
    fallback_location: str | None = None
    etag_family: str = DEFAULT_ETAG_FAMILY
    propagated_tags: list[str] | None = None
    access_log_location: str | None = None
    tags: dict[str, str] = field(default_factory=dict)
    status: str = CREATING
    status_message: str | None = None
    update_time: _dt.datetime | None = None
    policy: str | None = None
    policy_update_time: _dt.datetime | None = None
    direct_upload: bool = True
    """False for a store made before direct upload existed (control API)."""
    removed: bool = False

    # -- state changes -------------------------------------------------------------

    def activate(self, at: _dt.datetime) -> None:
        if self.status in (CREATING, UPDATING):
            self.status = ACTIVE
            self.update_time = at

    def fail(self, message: str, at: _dt.datetime) -> None:
        self.status, self.status_message, self.update_time = FAILED, message, at

    # -- outputs -------------------------------------------------------------------

    def _common(self) -> dict[str, Any]:
        output: dict[str, Any] = {"id": self.id, "arn": self.arn, "name": self.name}
        if self.description is not None:
            output["description"] = self.description
        if self.sse_config is not None:
            output["sseConfig"] = dict(self.sse_config)
        output["creationTime"] = self.creation_time
        if self.fallback_location:
            output["fallbackLocation"] = self.fallback_location
        output["eTagAlgorithmFamily"] = self.etag_family
        output["status"] = self.status
        if self.status_message is not None:
            output["statusMessage"] = self.status_message
        return output

    def s3_access(self) -> dict[str, Any]:
        access: dict[str, Any] = {
            "s3Uri": self.s3_uri,
            "s3AccessPointArn": self.access_point_arn,
        }
        if self.access_log_location:
            access["accessLogLocation"] = self.access_log_location
        return access

    def to_create_output(self) -> dict[str, Any]:
        output = self._common()
        output["propagatedSetLevelTags"] = list(self.propagated_tags or [])
        output["s3Access"] = self.s3_access()
        return output

    def to_get_output(self) -> dict[str, Any]:
        output = self.to_create_output()
        if self.update_time is not None:
            output["updateTime"] = self.update_time
        return output

    def to_list_item(self) -> dict[str, Any]:
        output = self._common()
        if self.update_time is not None:
            output["updateTime"] = self.update_time
        return output
