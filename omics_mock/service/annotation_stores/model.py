"""Annotation stores and their versions (spec §4.2, §4.3).

A store holds its versions by name; the first one is made with the store, has the
store's ID and is named ``versionName`` from the request, or the store's name.
"""

from __future__ import annotations

import copy
import datetime as _dt
from dataclasses import dataclass, field
from typing import Any

from ..analytics.model import ACTIVE, CREATING, FAILED, AnalyticsStore, Phases
from ..kernel.store import Store


@dataclass(eq=False)
class AnnotationStoreVersion(Phases):
    """One version of an annotation store: its own data, status and tags."""

    id: str
    store_id: str
    store_name: str
    name: str
    """The ``versionName``."""
    arn: str
    creation_time: _dt.datetime
    description: str = ""
    version_options: dict[str, Any] | None = None
    tags: dict[str, str] = field(default_factory=dict)
    status: str = CREATING
    status_message: str = ""
    update_time: _dt.datetime | None = None
    size_bytes: int = 0
    removed: bool = False

    def __post_init__(self) -> None:
        if self.update_time is None:
            self.update_time = self.creation_time

    def follow(self, store: AnalyticsStore, at: _dt.datetime) -> None:
        """The first version ends CREATING as its store did."""
        if store.status == ACTIVE:
            self.activate(at)
        elif store.status == FAILED and self.status == CREATING:
            self.fail(store.status_message, at)

    def _options(self) -> dict[str, Any]:
        if self.version_options is None:
            return {}
        return {"versionOptions": copy.deepcopy(self.version_options)}

    def to_create_output(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "versionName": self.name,
            "storeId": self.store_id,
            **self._options(),
            "name": self.store_name,
            "status": self.status,
            "creationTime": self.creation_time,
        }

    def to_update_output(self) -> dict[str, Any]:
        return {
            "storeId": self.store_id,
            "id": self.id,
            "status": self.status,
            "name": self.store_name,
            "versionName": self.name,
            "description": self.description,
            "creationTime": self.creation_time,
            "updateTime": self.update_time,
        }

    def to_list_item(self) -> dict[str, Any]:
        output = self.to_update_output()
        output["versionArn"] = self.arn
        output["statusMessage"] = self.status_message
        output["versionSizeBytes"] = self.size_bytes
        return output

    def to_get_output(self) -> dict[str, Any]:
        return {**self.to_list_item(), "tags": dict(self.tags), **self._options()}


@dataclass(eq=False)
class AnnotationStore(AnalyticsStore):
    """An annotation store of GFF, TSV or VCF annotations, and its versions."""

    store_format: str = "VCF"
    store_options: dict[str, Any] | None = None
    first_version: str = ""
    """The name of the version made with the store (imports without a version go there)."""
    versions: Store[AnnotationStoreVersion] = field(
        default_factory=lambda: Store("annotationStoreVersions")
    )

    def _format(self) -> dict[str, Any]:
        output: dict[str, Any] = {}
        if self.store_options is not None:
            output["storeOptions"] = copy.deepcopy(self.store_options)
        output["storeFormat"] = self.store_format
        return output

    def to_create_output(self) -> dict[str, Any]:
        output = super().to_create_output()
        output.update(self._format())
        output["versionName"] = self.first_version
        return output

    def to_update_output(self) -> dict[str, Any]:
        return {**super().to_update_output(), **self._format()}

    def to_list_item(self) -> dict[str, Any]:
        output = super().to_list_item()
        output["storeFormat"] = self.store_format
        return output

    def to_get_output(self) -> dict[str, Any]:
        output = super().to_get_output()
        output.update(self._format())
        output["numVersions"] = len(self.versions)
        return output
