"""Annotation import jobs: Start/Get/List/Cancel AnnotationImportJob (spec §5.5).

A job imports one file (a fixed quota: more is a ValidationException) into one
version of an annotation store: ``versionName``, or the version made with the
store. The file must be of the store's format (VCF, GFF or TSV, read with the
job's ``formatOptions.tsvOptions.readOptions`` and the version's schema); an
imported file adds its size to the version's ``versionSizeBytes`` and the
store's ``storeSizeBytes``.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

from ...wire.errors import ValidationException
from ..analytics.jobs import ImportItem, ImportJob, ImportLifecycle
from ..analytics.model import TAKES_DATA
from ..analytics.names import ANNOTATION, version_not_found
from ..analytics.options import check_format_options, tsv_columns
from ..annotation_stores.ops import AnnotationStores
from ..kernel.state import Backend, Params, operation
from ..kernel.store import Listing
from .base import ImportFamily

MAX_ITEMS = 1
"""Files per annotation import job: a fixed quota of the service."""


class AnnotationImports(ImportFamily):
    """Annotation import jobs of one account and Region."""

    key = "annotation_imports"
    kind = ANNOTATION

    def __init__(self, backend: Backend) -> None:
        super().__init__(backend)
        self.lifecycle = ImportLifecycle(backend, self)

    @operation("StartAnnotationImportJob")
    def start_annotation_import_job(self, req: Params) -> dict[str, Any]:
        self.open_check()
        store = self.backend.get(AnnotationStores).named(req["destinationName"])
        if len(req["items"]) > MAX_ITEMS:
            raise ValidationException(
                f"An annotation import job takes {MAX_ITEMS} file; {len(req['items'])} were given."
            )
        check_format_options(store.store_format, req.get("formatOptions"))
        version_name = req.get("versionName") or store.first_version
        version = store.versions.get(version_name)
        if version is None:
            raise version_not_found(version_name)
        self.check_start(req, store)
        if version.status not in TAKES_DATA:
            raise ValidationException(
                f"Version {version_name} of annotation store {store.name} is {version.status}; "
                "imports need an ACTIVE version."
            )
        return self.submit(
            req, store, version_name=version_name, format_options=req.get("formatOptions")
        )

    @operation("GetAnnotationImportJob")
    def get_annotation_import_job(self, req: Params) -> dict[str, Any]:
        return self.find(req["jobId"]).to_get_output()

    @operation("ListAnnotationImportJobs")
    def list_annotation_import_jobs(self, req: Params) -> Listing:
        return self.listing(req)

    @operation("CancelAnnotationImportJob")
    def cancel_annotation_import_job(self, req: Params) -> dict[str, Any]:
        return self.cancel(req)

    def import_item(self, job: ImportJob, item: ImportItem, at: _dt.datetime) -> str | None:
        store = self.backend.get(AnnotationStores).stores.get(job.store_id)
        version = None if store is None else store.versions.get(job.version_name or "")
        if store is None or version is None or version.status not in TAKES_DATA:
            return (
                f"Version {job.version_name} of annotation store {job.destination_name} no "
                "longer takes imports."
            )
        read_options = ((job.format_options or {}).get("tsvOptions") or {}).get("readOptions")
        size = self.read_item(
            item,
            store.store_format,
            columns=tsv_columns(version.version_options),
            read_options=read_options,
        )
        if isinstance(size, str):
            return size
        version.size_bytes += size
        store.size_bytes += size
        return None
