"""Variant stores: Create/Get/List/Update/Delete VariantStore (spec §5.1).

A store is CREATING in the Create answer and ACTIVE after
``settings.analytics.durations.store_creating`` (180 s); Delete makes it DELETING
and it is gone ``store_deleting`` later (Get: ResourceNotFoundException, which the
``variant_store_deleted`` waiter accepts). The rules both store kinds share are in
``analytics.stores``.
"""

from __future__ import annotations

from typing import Any

from ..analytics.names import VARIANT
from ..analytics.stores import StoreFamily
from ..kernel.state import Params, operation
from ..kernel.store import Listing
from .model import VariantStore


class VariantStores(StoreFamily[VariantStore]):
    """Variant stores of one account and Region."""

    key = "variant_stores"
    kind = VARIANT

    @operation("CreateVariantStore", render=VariantStore.to_create_output)
    def create_variant_store(self, req: Params) -> VariantStore:
        quota = self.backend.settings.analytics.quotas.max_variant_stores
        return self.add(VariantStore(**self.new_store_fields(req, quota, True)))

    @operation("GetVariantStore", render=VariantStore.to_get_output)
    def get_variant_store(self, req: Params) -> VariantStore:
        return self.named(req["name"])

    @operation("ListVariantStores")
    def list_variant_stores(self, req: Params) -> Listing:
        return self.listing(req, VariantStore.to_list_item)

    @operation("UpdateVariantStore", render=VariantStore.to_update_output)
    def update_variant_store(self, req: Params) -> VariantStore:
        return self.update(req)

    @operation("DeleteVariantStore")
    def delete_variant_store(self, req: Params) -> dict[str, Any]:
        return self.delete(req, lambda store: None)
