"""Annotation stores: Create/Get/List/Update/Delete AnnotationStore (spec §5.3).

Like variant stores (``analytics.stores``), plus: a ``storeFormat`` (GFF, TSV or
VCF) with its options (``analytics.options``); the store's first version is made
with it (its ID is the store's, its name ``versionName`` or the store's name) and
becomes ACTIVE with the store; a store with more than one version cannot be
deleted (ConflictException). Versions are in ``versions``.
"""

from __future__ import annotations

import datetime as _dt
import functools
from typing import Any

from ..analytics.model import DELETING
from ..analytics.names import ANNOTATION, version_resource
from ..analytics.options import reference_required, store_tsv_options
from ..analytics.stores import StoreFamily
from ..kernel.state import Params, operation
from ..kernel.store import Listing
from .model import AnnotationStore, AnnotationStoreVersion


class AnnotationStores(StoreFamily[AnnotationStore]):
    """Annotation stores of one account and Region."""

    key = "annotation_stores"
    kind = ANNOTATION

    @operation("CreateAnnotationStore", render=AnnotationStore.to_create_output)
    def create_annotation_store(self, req: Params) -> AnnotationStore:
        store_format, store_options = req["storeFormat"], req.get("storeOptions")
        quota = self.backend.settings.analytics.quotas.max_annotation_stores
        needs_reference = reference_required(store_format, store_options)
        store = AnnotationStore(
            **self.new_store_fields(
                req, quota, needs_reference, lambda: store_tsv_options(store_format, store_options)
            ),
            store_format=store_format,
            store_options=store_options,
        )
        store.first_version = req.get("versionName") or store.name
        first = AnnotationStoreVersion(
            id=store.id,
            store_id=store.id,
            store_name=store.name,
            name=store.first_version,
            arn=self.backend.arn(version_resource(store.name, store.first_version)),
            creation_time=store.creation_time,
            version_options=_version_options(store_options),
        )
        store.versions.add(first.name, first)
        self.add(store)
        self.backend.register_taggable(first.arn, first)
        delay = self.backend.settings.analytics.durations.store_creating
        self.backend.scheduler.schedule(
            store.creation_time + delay, functools.partial(first.follow, store)
        )
        return store

    @operation("GetAnnotationStore", render=AnnotationStore.to_get_output)
    def get_annotation_store(self, req: Params) -> AnnotationStore:
        return self.named(req["name"])

    @operation("ListAnnotationStores")
    def list_annotation_stores(self, req: Params) -> Listing:
        return self.listing(req, AnnotationStore.to_list_item)

    @operation("UpdateAnnotationStore", render=AnnotationStore.to_update_output)
    def update_annotation_store(self, req: Params) -> AnnotationStore:
        return self.update(req)

    @operation("DeleteAnnotationStore")
    def delete_annotation_store(self, req: Params) -> dict[str, Any]:
        return self.delete(req, _more_than_one_version)

    def deleting_parts(self, store: AnnotationStore, at: _dt.datetime) -> None:
        for version in store.versions.values():
            if version.status != DELETING:
                version.start_deleting(at)

    def fail(self, store: AnnotationStore, message: str, at: _dt.datetime) -> None:
        super().fail(store, message, at)
        first = store.versions.get(store.first_version)
        if first is not None:
            first.follow(store, at)

    def forget_parts(self, store: AnnotationStore) -> None:
        for version in list(store.versions.values()):
            store.versions.remove(version.name)
            self.backend.unregister_taggable(version.arn)


def _more_than_one_version(store: AnnotationStore) -> str | None:
    live = sum(1 for version in store.versions.values() if version.status != DELETING)
    if live > 1:
        return f"it has {live} versions; delete all but one first (DeleteAnnotationStoreVersions)."
    return None


def _version_options(store_options: dict[str, Any] | None) -> dict[str, Any] | None:
    """The first version of a TSV store reads files as the store's options say."""
    tsv = (store_options or {}).get("tsvStoreOptions")
    return None if tsv is None else {"tsvVersionOptions": dict(tsv)}
