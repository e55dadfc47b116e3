"""Sequence stores: Create/Get/List/Update/Delete, and Put/Get/Delete S3 access policies.

A store is CREATING in the Create response and ACTIVE after
``durations.store_creating`` (0: from the next request on); UpdateSequenceStore
makes it UPDATING for ``store_updating``. Update and Delete refuse a store that
is not ACTIVE (or FAILED, for Delete) with ConflictException, and Delete refuses
a store that still holds read sets, uploads or running jobs. Its S3 access
policy is addressed by its access point ARN.
"""

from __future__ import annotations

import datetime as _dt
import functools

from ...wire.errors import (
    ConflictException,
    NotSupportedOperationException,
    ResourceNotFoundException,
    ServiceQuotaExceededException,
    ValidationException,
)
from ..kernel.state import Backend, Family, Params, not_found, operation
from ..kernel.store import Listing, Store
from ..storage import names
from ..storage.filters import CREATED, UPDATED, equal, predicate
from ..tags.rules import checked_tags
from .events import SequenceStoreInUse, SequenceStoreRemoved
from .model import ACTIVE, DELETING, FAILED, UPDATING, SequenceStore
from .policy import check_policy, default_policy

STORE_TYPE = "SEQUENCE_STORE"
LIST_FILTER = {**equal("name", "status"), **CREATED, **UPDATED}


class SequenceStores(Family):
    """Sequence stores of one account and Region."""

    key = "sequence_stores"

    def __init__(self, backend: Backend) -> None:
        super().__init__(backend)
        self.store: Store[SequenceStore] = Store("sequenceStore", newest_first=False)
        self.by_access_point: dict[str, str] = {}

    def get(self, store_id: str) -> SequenceStore:
        store = self.store.get(store_id)
        if store is None:
            raise not_found("Sequence store", store_id)
        return store

    def usable(self, store_id: str, action: str) -> SequenceStore:
        """A store new data can go into: ACTIVE (ValidationException otherwise)."""
        store = self.get(store_id)
        if store.status not in (ACTIVE, UPDATING):
            raise ValidationException(
                f"Sequence store {store_id} is {store.status}; {action} needs an ACTIVE store."
            )
        return store

    def direct_upload(self, store_id: str) -> SequenceStore:
        """A store that takes direct uploads (NotSupportedOperationException otherwise)."""
        store = self.get(store_id)
        if not store.direct_upload:
            raise NotSupportedOperationException(
                f"Sequence store {store_id} does not support direct upload (it predates it)."
            )
        return store

    # -- stores ----------------------------------------------------------------------------

    @operation("CreateSequenceStore", render=SequenceStore.to_create_output)
    def create_sequence_store(self, req: Params) -> SequenceStore:
        backend = self.backend
        storage = backend.settings.storage
        quota = storage.quotas.max_sequence_stores
        if len(self.store) >= quota:
            raise ServiceQuotaExceededException(
                f"The account has reached the maximum number of sequence stores ({quota})."
            )
        propagated = self._propagated(req.get("propagatedSetLevelTags"))
        tags = checked_tags(req.get("tags"), backend.settings.quotas.max_tags_per_resource)
        store_id = backend.ids.numeric(names.ID_DIGITS)
        account, region = backend.account_id, backend.region
        alias = names.access_point_alias(account, region, store_id)
        access_point = names.access_point_arn(region, account, store_id)
        now = backend.clock.now()
        store = SequenceStore(
            id=store_id,
            arn=backend.arn(f"sequenceStore/{store_id}"),
            name=req["name"],
            creation_time=now,
            access_point_arn=access_point,
            s3_uri=names.store_s3_uri(alias, account, store_id),
            description=req.get("description"),
            sse_config=req.get("sseConfig"),
            fallback_location=req.get("fallbackLocation") or None,
            etag_family=req.get("eTagAlgorithmFamily") or "MD5up",
            propagated_tags=propagated,
            access_log_location=(req.get("s3AccessConfig") or {}).get("accessLogLocation"),
            tags=tags,
            policy=default_policy(account, store_id, access_point),
            policy_update_time=now,
        )
        self.store.add(store_id, store)
        self.by_access_point[access_point] = store_id
        backend.register_taggable(store.arn, store)
        self._settle(store, now + storage.durations.store_creating)
        return store

    @operation("GetSequenceStore", render=SequenceStore.to_get_output)
    def get_sequence_store(self, req: Params) -> SequenceStore:
        return self.get(req["id"])

    @operation("ListSequenceStores")
    def list_sequence_stores(self, req: Params) -> Listing:
        where = predicate(req.get("filter"), LIST_FILTER)
        return Listing(self.store, SequenceStore.to_list_item, where)

    @operation("UpdateSequenceStore", render=SequenceStore.to_get_output)
    def update_sequence_store(self, req: Params) -> SequenceStore:
        store = self.get(req["id"])
        if store.status != ACTIVE:
            raise ConflictException(
                f"Sequence store {store.id} is {store.status}; only an ACTIVE store can be updated."
            )
        if req.get("propagatedSetLevelTags") is not None:
            store.propagated_tags = self._propagated(req["propagatedSetLevelTags"])
        if req.get("name") is not None:
            store.name = req["name"]
        if req.get("description") is not None:
            store.description = req["description"]
        if req.get("fallbackLocation") is not None:
            store.fallback_location = req["fallbackLocation"] or None
        access = req.get("s3AccessConfig")
        if access is not None and "accessLogLocation" in access:
            store.access_log_location = access["accessLogLocation"] or None
        now = self.backend.clock.now()
        store.status, store.update_time = UPDATING, now
        self._settle(store, now + self.backend.settings.storage.durations.store_updating)
        return store

    @operation("DeleteSequenceStore")
    def delete_sequence_store(self, req: Params) -> dict[str, object]:
        store = self.get(req["id"])
        if store.status not in (ACTIVE, FAILED):
            raise ConflictException(
                f"Sequence store {store.id} is {store.status}; it cannot be deleted now."
            )
        for reason in self.backend.events.publish(SequenceStoreInUse(store.id)):
            if reason:
                raise ConflictException(f"Sequence store {store.id} cannot be deleted: {reason}")
        delay = self.backend.settings.storage.durations.store_deleting
        if not delay:
            self.remove(store)
            return {}
        store.status = DELETING
        self.backend.scheduler.schedule(
            self.backend.clock.now() + delay, functools.partial(self._deleted, store)
        )
        return {}

    def _deleted(self, store: SequenceStore, at: _dt.datetime) -> None:
        self.remove(store)

    # -- S3 access policies ----------------------------------------------------------------

    def _by_access_point(self, arn: str) -> SequenceStore:
        store_id = self.by_access_point.get(arn)
        store = self.store.get(store_id) if store_id is not None else None
        if store is None or store.status == DELETING:
            raise ResourceNotFoundException(f"S3 access point {arn} not found")
        if not store.direct_upload:
            raise NotSupportedOperationException(
                f"Sequence store {store.id} has no S3 access (it predates S3 access)."
            )
        return store

    @operation("PutS3AccessPolicy")
    def put_s3_access_policy(self, req: Params) -> dict[str, object]:
        store = self._by_access_point(req["s3AccessPointArn"])
        limit = self.backend.settings.storage.quotas.max_access_policy_bytes
        check_policy(req["s3AccessPolicy"], store.access_point_arn, limit)
        store.policy = req["s3AccessPolicy"]
        store.policy_update_time = self.backend.clock.now()
        return {
            "s3AccessPointArn": store.access_point_arn,
            "storeId": store.id,
            "storeType": STORE_TYPE,
        }

    @operation("GetS3AccessPolicy")
    def get_s3_access_policy(self, req: Params) -> dict[str, object]:
        store = self._by_access_point(req["s3AccessPointArn"])
        if store.policy is None:
            raise ResourceNotFoundException(f"Sequence store {store.id} has no S3 access policy.")
        return {
            "s3AccessPointArn": store.access_point_arn,
            "storeId": store.id,
            "storeType": STORE_TYPE,
            "updateTime": store.policy_update_time,
            "s3AccessPolicy": store.policy,
        }

    @operation("DeleteS3AccessPolicy")
    def delete_s3_access_policy(self, req: Params) -> dict[str, object]:
        store = self._by_access_point(req["s3AccessPointArn"])
        if store.policy is None:
            raise ResourceNotFoundException(f"Sequence store {store.id} has no S3 access policy.")
        store.policy = None
        store.policy_update_time = self.backend.clock.now()
        return {}

    # -- what other families and the control API use ----------------------------------------

    def remove(self, store: SequenceStore) -> None:
        """Forget a store, its tags and what other families kept for it."""
        if store.removed:
            return
        self.store.remove(store.id)
        self.by_access_point.pop(store.access_point_arn, None)
        self.backend.unregister_taggable(store.arn)
        self.backend.events.publish(SequenceStoreRemoved(store.id))

    def fail(self, store: SequenceStore, message: str) -> None:
        """Put a store in FAILED (control API)."""
        store.fail(message, self.backend.clock.now())

    def _settle(self, store: SequenceStore, due: _dt.datetime) -> None:
        """CREATING/UPDATING ends at ``due`` (now when the duration is 0)."""
        self.backend.scheduler.schedule(due, store.activate)

    def _propagated(self, keys: list[str] | None) -> list[str] | None:
        if keys is None:
            return None
        limit = self.backend.settings.storage.quotas.max_propagated_tags
        if len(keys) > limit:
            raise ValidationException(
                f"A sequence store can propagate at most {limit} set-level tags; "
                f"{len(keys)} were given."
            )
        return list(keys)
