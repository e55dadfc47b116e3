"""Reference import jobs: Start/Get/List ReferenceImportJob(s) (spec §8).

Each source is read from S3 (see ``storage.sources``) when the job's sources
end; a source whose file cannot be read, or whose name another reference of
the store already has, FAILS. A finished source is an ACTIVE reference with the
MD5 of its file and a generated ``.fai`` index. One import job runs per
reference store at a time (``settings.storage.one_reference_import_per_store``),
and read set and reference imports share the concurrent import quota.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

from ...wire.errors import ServiceQuotaExceededException
from ..kernel.events import reacts_to
from ..kernel.state import Backend, Family, Params, not_found, operation
from ..kernel.store import Listing, Store
from ..storage import names
from ..storage.blobs import Blob, StoredFile
from ..storage.content import fasta_index, md5_hex
from ..storage.events import RunningJobs
from ..storage.filters import CREATED, equal, predicate
from ..storage.jobs import Job, JobLifecycle, JobSource, check_concurrency, running_jobs
from ..storage.sources import fetch_source
from ..storage.tokens import once_per_token
from ..tags.rules import checked_tags
from .model import Reference
from .ops import References

JOB_FILTER = {**equal("status"), **CREATED}
STORE = "referenceStoreId"


class ReferenceImports(Family):
    """Reference import jobs of one account and Region."""

    key = "reference_imports"

    def __init__(self, backend: Backend) -> None:
        super().__init__(backend)
        self.jobs: Store[Job] = Store("referenceImportJob", newest_first=False)
        self.lifecycle = JobLifecycle(
            backend, {"referenceImport": self}, {"referenceImport": "reference_import"}
        )

    def find(self, store_id: str, job_id: str) -> Job:
        self.backend.get(References).get_store(store_id)
        job = self.jobs.get(job_id)
        if job is None or job.store_id != store_id:
            raise not_found("Reference import job", job_id)
        return job

    @operation("StartReferenceImportJob")
    def start_reference_import_job(self, req: Params) -> dict[str, Any]:
        job = once_per_token(self.backend, "StartReferenceImportJob", req, lambda: self._new(req))
        return job.summary(STORE, "roleArn")

    def _new(self, req: Params) -> Job:
        backend = self.backend
        references = backend.get(References)
        store = references.get_store(req[STORE])
        storage = backend.settings.storage
        quota = storage.quotas.max_references_per_store
        if len(references.stored(store.id)) + len(req["sources"]) > quota:
            raise ServiceQuotaExceededException(
                f"Reference store {store.id} can hold at most {quota} references."
            )
        if storage.one_reference_import_per_store and any(
            backend.events.publish(RunningJobs("import", store.id))
        ):
            raise ServiceQuotaExceededException(
                f"Reference store {store.id} already has an import job running; reference "
                "genomes are imported one job at a time."
            )
        check_concurrency(backend, "import", storage.quotas.max_concurrent_import_jobs)
        for source in req["sources"]:
            checked_tags(source.get("tags"), backend.settings.quotas.max_tags_per_resource)
        job = Job(
            id=backend.ids.numeric(names.ID_DIGITS),
            kind="referenceImport",
            store_id=store.id,
            creation_time=backend.clock.now(),
            sources=[JobSource(dict(source)) for source in req["sources"]],
            request={"roleArn": req["roleArn"]},
        )
        self.jobs.add(job.id, job)
        self.lifecycle.submit(job, job.creation_time)
        return job

    @operation("GetReferenceImportJob")
    def get_reference_import_job(self, req: Params) -> dict[str, Any]:
        job = self.find(req[STORE], req["id"])
        output = job.details(STORE, "roleArn")
        output["sources"] = [_source_output(source) for source in job.sources]
        return output

    @operation("ListReferenceImportJobs")
    def list_reference_import_jobs(self, req: Params) -> Listing:
        store = self.backend.get(References).get_store(req[STORE])
        where = predicate(req.get("filter"), JOB_FILTER)
        return Listing(
            self.jobs,
            lambda job: job.summary(STORE, "roleArn"),
            lambda job: job.store_id == store.id and (where is None or where(job)),
        )

    # -- JobWork ----------------------------------------------------------------------------

    def begin(self, job: Job, source: JobSource, at: _dt.datetime) -> None:
        source.result_id = self.backend.ids.numeric(names.ID_DIGITS)

    def finish(self, job: Job, source: JobSource, at: _dt.datetime) -> str | None:
        references = self.backend.get(References)
        if references.stores.get(job.store_id) is None:
            return "The reference store was deleted."
        name = source.request["name"]
        if references.named(job.store_id, name) is not None:
            return f"Reference store {job.store_id} already has a reference named {name}."
        found = fetch_source(self.backend, source.request["sourceFile"], "FASTA")
        if isinstance(found, str):
            return found
        blob = Blob.of(found)
        file_name = source.request["sourceFile"].rsplit("/", 1)[-1]
        assert source.result_id is not None
        reference = Reference(
            id=source.result_id,
            arn=self.backend.arn(f"referenceStore/{job.store_id}/reference/{source.result_id}"),
            store_id=job.store_id,
            name=name,
            md5=md5_hex(blob),
            creation_time=at,
            creation_job_id=job.id,
            files={
                "source": StoredFile(blob, file_name),
                "index": StoredFile(Blob.of(fasta_index(blob)), f"{file_name}.fai"),
            },
            description=source.request.get("description"),
            tags=dict(source.request.get("tags") or {}),
        )
        references.add(reference)
        return None

    @reacts_to(RunningJobs)
    def running(self, question: RunningJobs) -> int:
        return running_jobs(self.jobs.values(), question)


def _source_output(source: JobSource) -> dict[str, Any]:
    output: dict[str, Any] = {"sourceFile": source.request["sourceFile"]}
    output.update(source.status_fields())
    for member in ("name", "description", "tags"):
        if source.request.get(member) is not None:
            output[member] = source.request[member]
    if source.result_id is not None and source.status != "FAILED":
        output["referenceId"] = source.result_id
    return output
