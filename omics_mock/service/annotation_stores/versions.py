"""Annotation store versions: Create/Get/List/Update AnnotationStoreVersion and
DeleteAnnotationStoreVersions (spec §5.4).

A version is CREATING, then ACTIVE after ``durations.version_creating``; only a
store that is ACTIVE (or UPDATING) takes new versions (ConflictException
otherwise). DeleteAnnotationStoreVersions answers 200 and reports, per version,
what it did not delete, in the two messages the User Guide documents (unknown
version; an import in flight without ``force``) and one of omics-mock's own (the
store's last version: delete the store instead). Accepted versions are DELETING,
then gone after ``durations.version_deleting``, taking their bytes with them.
"""

from __future__ import annotations

import datetime as _dt
import functools
from typing import Any

from ...wire.errors import ConflictException, ServiceQuotaExceededException, ValidationException
from ..analytics.events import CancelImports, RunningImports
from ..analytics.model import CREATING, DELETING, TAKES_DATA, UPDATING
from ..analytics.names import ANNOTATION, check_label, version_not_found, version_resource
from ..analytics.options import version_tsv_options
from ..kernel.state import Family, Params, operation
from ..kernel.store import Listing
from ..tags.rules import checked_tags
from .model import AnnotationStore, AnnotationStoreVersion
from .ops import AnnotationStores

NOT_FOUND = "Version with versionName: {name} was not found."
IMPORT_IN_FLIGHT = "version has an inflight import running"
LAST_VERSION = (
    "Version {name} is the last version of annotation store {store}; delete the store instead."
)


class AnnotationStoreVersions(Family):
    """Versions of the annotation stores of one account and Region."""

    key = "annotation_store_versions"

    @property
    def stores(self) -> AnnotationStores:
        return self.backend.get(AnnotationStores)

    def find(
        self, store_name: str, version_name: str
    ) -> tuple[AnnotationStore, AnnotationStoreVersion]:
        store = self.stores.named(store_name)
        version = store.versions.get(check_label(version_name, "versionName"))
        if version is None:
            raise version_not_found(version_name)
        return store, version

    @operation("CreateAnnotationStoreVersion", render=AnnotationStoreVersion.to_create_output)
    def create_annotation_store_version(self, req: Params) -> AnnotationStoreVersion:
        backend = self.backend
        store = self.stores.named(req["name"])
        if store.status not in TAKES_DATA:
            raise ConflictException(
                f"Annotation store {store.name} is {store.status}; versions can be added to an "
                "ACTIVE store."
            )
        name = req["versionName"]
        if name in store.versions:
            raise ConflictException(f"Annotation store {store.name} already has version {name}.")
        quota = backend.settings.analytics.quotas.max_versions_per_annotation_store
        if len(store.versions) >= quota:
            raise ServiceQuotaExceededException(
                f"Annotation store {store.name} has the maximum number of versions ({quota})."
            )
        options = req.get("versionOptions")
        version_tsv_options(store.store_format, options)
        if options is None and store.store_options is not None:
            options = {"tsvVersionOptions": dict(store.store_options["tsvStoreOptions"])}
        tags = checked_tags(req.get("tags"), backend.settings.quotas.max_tags_per_resource)
        now = backend.clock.now()
        version = AnnotationStoreVersion(
            id=backend.ids.hexadecimal(),
            store_id=store.id,
            store_name=store.name,
            name=name,
            arn=backend.arn(version_resource(store.name, name)),
            creation_time=now,
            description=req.get("description") or "",
            version_options=options,
            tags=tags,
        )
        store.versions.add(name, version)
        backend.register_taggable(version.arn, version)
        delay = backend.settings.analytics.durations.version_creating
        backend.scheduler.schedule(now + delay, version.activate)
        return version

    @operation("GetAnnotationStoreVersion", render=AnnotationStoreVersion.to_get_output)
    def get_annotation_store_version(self, req: Params) -> AnnotationStoreVersion:
        return self.find(req["name"], req["versionName"])[1]

    @operation("ListAnnotationStoreVersions")
    def list_annotation_store_versions(self, req: Params) -> Listing:
        store = self.stores.named(req["name"])
        status = (req.get("filter") or {}).get("status")
        where = None if status is None else (lambda version: version.status == status)
        return Listing(store.versions, AnnotationStoreVersion.to_list_item, where)

    @operation("UpdateAnnotationStoreVersion", render=AnnotationStoreVersion.to_update_output)
    def update_annotation_store_version(self, req: Params) -> AnnotationStoreVersion:
        version: AnnotationStoreVersion = self.find(req["name"], req["versionName"])[1]
        if version.status == DELETING:
            raise ValidationException(
                f"Version {version.name} of annotation store {version.store_name} is DELETING; "
                "it cannot be updated."
            )
        now = self.backend.clock.now()
        description = req.get("description")
        version.describe(version.description if description is None else description, now)
        delay = self.backend.settings.analytics.durations.version_updating
        if delay and version.status in TAKES_DATA:
            version.status = UPDATING
            self.backend.scheduler.schedule(now + delay, version.activate)
        return version

    @operation("DeleteAnnotationStoreVersions")
    def delete_annotation_store_versions(self, req: Params) -> dict[str, Any]:
        store = self.stores.named(req["name"])
        if store.status in (CREATING, DELETING):
            raise ConflictException(
                f"Annotation store {store.name} is {store.status}; its versions cannot be "
                "deleted now."
            )
        force = bool(req.get("force"))
        now = self.backend.clock.now()
        errors = []
        for name in req["versions"]:
            problem = self._delete_one(store, name, force, now)
            if problem is not None:
                errors.append({"versionName": name, "message": problem})
        return {"errors": errors}

    def _delete_one(
        self, store: AnnotationStore, name: str, force: bool, now: _dt.datetime
    ) -> str | None:
        version = store.versions.get(name)
        if version is None:
            return NOT_FOUND.format(name=name)
        if version.status == DELETING:
            return None
        events = self.backend.events
        running = sum(events.publish(RunningImports(ANNOTATION, store.id, name)))
        if running and not force:
            return IMPORT_IN_FLIGHT
        remaining = sum(1 for v in store.versions.values() if v.status != DELETING)
        if remaining <= 1:
            return LAST_VERSION.format(name=name, store=store.name)
        if running:
            events.publish(CancelImports(ANNOTATION, store.id, now, name))
        version.start_deleting(now)
        delay = self.backend.settings.analytics.durations.version_deleting
        deleted = functools.partial(self._deleted, store, version)
        self.backend.scheduler.schedule(now + delay, deleted)
        return None

    def _deleted(
        self, store: AnnotationStore, version: AnnotationStoreVersion, at: _dt.datetime
    ) -> None:
        self.forget(store, version)

    def forget(self, store: AnnotationStore, version: AnnotationStoreVersion) -> None:
        """A deleted version is gone, with its bytes and tags."""
        if version.removed:
            return
        if store.versions.get(version.name) is version:
            store.versions.remove(version.name)
            store.size_bytes = max(0, store.size_bytes - version.size_bytes)
        self.backend.unregister_taggable(version.arn)
