"""Variant import jobs: Start/Get/List/Cancel VariantImportJob (spec §5.2).

Each item is a VCF (plain or bgzip) read from S3 when the job's items end (see
``analytics.contents``); an imported file adds its size to the store's
``storeSizeBytes``. At most ``quotas.max_variant_import_items`` (1,000) files per
job (ServiceQuotaExceededException beyond).
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

from ...wire.errors import ServiceQuotaExceededException
from ..analytics.jobs import ImportItem, ImportJob, ImportLifecycle
from ..analytics.model import TAKES_DATA
from ..analytics.names import VARIANT
from ..kernel.state import Backend, Params, operation
from ..kernel.store import Listing
from ..variant_stores.ops import VariantStores
from .base import ImportFamily


class VariantImports(ImportFamily):
    """Variant import jobs of one account and Region."""

    key = "variant_imports"
    kind = VARIANT

    def __init__(self, backend: Backend) -> None:
        super().__init__(backend)
        self.lifecycle = ImportLifecycle(backend, self)

    @operation("StartVariantImportJob")
    def start_variant_import_job(self, req: Params) -> dict[str, Any]:
        self.open_check()
        store = self.backend.get(VariantStores).named(req["destinationName"])
        limit = self.backend.settings.analytics.quotas.max_variant_import_items
        if len(req["items"]) > limit:
            raise ServiceQuotaExceededException(
                f"A variant import job takes at most {limit} files; {len(req['items'])} were given."
            )
        self.check_start(req, store)
        return self.submit(req, store)

    @operation("GetVariantImportJob")
    def get_variant_import_job(self, req: Params) -> dict[str, Any]:
        return self.find(req["jobId"]).to_get_output()

    @operation("ListVariantImportJobs")
    def list_variant_import_jobs(self, req: Params) -> Listing:
        return self.listing(req)

    @operation("CancelVariantImportJob")
    def cancel_variant_import_job(self, req: Params) -> dict[str, Any]:
        return self.cancel(req)

    def import_item(self, job: ImportJob, item: ImportItem, at: _dt.datetime) -> str | None:
        store = self.backend.get(VariantStores).stores.get(job.store_id)
        if store is None or store.status not in TAKES_DATA:
            return f"Variant store {job.destination_name} no longer takes imports."
        size = self.read_item(item, "VCF")
        if isinstance(size, str):
            return size
        store.size_bytes += size
        return None
