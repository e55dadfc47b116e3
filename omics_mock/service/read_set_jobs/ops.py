"""Read set import, export and activation jobs: Start/Get/List of each (spec §7).

Jobs follow ``storage.jobs``: SUBMITTED, IN_PROGRESS, then COMPLETED,
COMPLETED_WITH_FAILURES or FAILED by their sources' outcomes, in virtual time
(``settings.storage.durations``). Start refuses a job beyond the concurrency
quota of its kind with ServiceQuotaExceededException; read set and reference
imports share one quota. What a source does is in ``work``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ...wire.errors import ServiceQuotaExceededException, ValidationException
from ..kernel.events import reacts_to
from ..kernel.state import Backend, Family, Params, not_found, operation
from ..kernel.store import Listing, Store
from ..read_sets.ops import ReadSets
from ..sequence_stores.events import SequenceStoreInUse, SequenceStoreRemoved
from ..sequence_stores.ops import SequenceStores
from ..storage import names
from ..storage.events import RunningJobs
from ..storage.filters import CREATED, equal, predicate
from ..storage.jobs import Job, JobLifecycle, JobSource, JobWork, check_concurrency, running_jobs
from ..storage.tokens import once_per_token
from ..tags.rules import checked_tags
from .work import ActivationWork, ExportWork, ImportWork

STORE = "sequenceStoreId"
JOB_FILTER = {**equal("status"), **CREATED}
NOUN = {"import": "Import job", "export": "Export job", "activation": "Activation job"}
ECHOED = {"import": ("roleArn",), "export": ("destination",), "activation": ()}
SYSTEM_TAGS = (("aws:omics:sampleId", "sampleId"), ("aws:omics:subjectId", "subjectId"))
DURATIONS = {
    "import": "read_set_import",
    "export": "read_set_export",
    "activation": "read_set_activation",
}
"""The ``settings.storage.durations`` field each kind's IN_PROGRESS phase lasts."""


class ReadSetJobs(Family):
    """Read set jobs of one account and Region."""

    key = "read_set_jobs"
    SNAPSHOT_WIRING = ("work",)
    """Made by the constructor: snapshots neither carry nor replace it."""

    def __init__(self, backend: Backend) -> None:
        super().__init__(backend)
        self.jobs: Store[Job] = Store("readSetJob", newest_first=False)
        self.work: dict[str, JobWork] = {
            "import": ImportWork(backend),
            "export": ExportWork(backend),
            "activation": ActivationWork(backend),
        }
        self.lifecycle = JobLifecycle(backend, self.work, DURATIONS)

    def find(self, store_id: str, job_id: str, kind: str) -> Job:
        self.backend.get(SequenceStores).get(store_id)
        job = self.jobs.get(job_id)
        if job is None or job.store_id != store_id or job.kind != kind:
            raise not_found(NOUN[kind], job_id)
        return job

    def _start(self, kind: str, operation_name: str, req: Params, check: Callable[[], None]) -> Job:
        def new() -> Job:
            backend = self.backend
            store = backend.get(SequenceStores).get(req[STORE])
            check()
            quotas = backend.settings.storage.quotas
            limit = {
                "import": quotas.max_concurrent_import_jobs,
                "export": quotas.max_concurrent_export_jobs,
                "activation": quotas.max_concurrent_activation_jobs,
            }[kind]
            check_concurrency(backend, kind, limit)
            job = Job(
                id=backend.ids.numeric(names.ID_DIGITS),
                kind=kind,
                store_id=store.id,
                creation_time=backend.clock.now(),
                sources=[JobSource(dict(source)) for source in req["sources"]],
                request={m: req[m] for m in ("roleArn", "destination") if m in req},
            )
            self.jobs.add(job.id, job)
            self.lifecycle.submit(job, job.creation_time)
            return job

        return once_per_token(self.backend, operation_name, req, new)

    def _listing(self, kind: str, req: Params) -> Listing:
        store = self.backend.get(SequenceStores).get(req[STORE])
        where = predicate(req.get("filter"), JOB_FILTER)
        members = ECHOED[kind]
        return Listing(
            self.jobs,
            lambda job: job.summary(STORE, *members),
            lambda job: (
                job.kind == kind and job.store_id == store.id and (where is None or where(job))
            ),
        )

    # -- import -------------------------------------------------------------------------

    @operation("StartReadSetImportJob")
    def start_read_set_import_job(self, req: Params) -> dict[str, Any]:
        def check() -> None:
            self.backend.get(SequenceStores).usable(req[STORE], "an import")
            quota = self.backend.settings.storage.quotas.max_read_sets_per_store
            present = len(self.backend.get(ReadSets).stored(req[STORE]))
            if present + len(req["sources"]) > quota:
                raise ServiceQuotaExceededException(
                    f"Sequence store {req[STORE]} can hold at most {quota} read sets."
                )
            for source in req["sources"]:
                if source["sourceFiles"].get("source2") and source["sourceFileType"] != "FASTQ":
                    raise ValidationException(
                        "Only FASTQ sources have a source2; this one is "
                        f"{source['sourceFileType']}."
                    )
                checked_tags(source.get("tags"), self.backend.settings.quotas.max_tags_per_resource)

        job = self._start("import", "StartReadSetImportJob", req, check)
        return job.summary(STORE, "roleArn")

    @operation("GetReadSetImportJob")
    def get_read_set_import_job(self, req: Params) -> dict[str, Any]:
        job = self.find(req[STORE], req["id"], "import")
        output = job.details(STORE, "roleArn")
        output["sources"] = [_import_source(source) for source in job.sources]
        return output

    @operation("ListReadSetImportJobs")
    def list_read_set_import_jobs(self, req: Params) -> Listing:
        return self._listing("import", req)

    # -- export -------------------------------------------------------------------------

    @operation("StartReadSetExportJob")
    def start_read_set_export_job(self, req: Params) -> dict[str, Any]:
        job = self._start("export", "StartReadSetExportJob", req, lambda: None)
        return job.summary(STORE, "destination")

    @operation("GetReadSetExportJob")
    def get_read_set_export_job(self, req: Params) -> dict[str, Any]:
        job = self.find(req[STORE], req["id"], "export")
        output = job.details(STORE, "destination")
        output["readSets"] = [
            {"id": source.request["readSetId"], **source.status_fields()} for source in job.sources
        ]
        return output

    @operation("ListReadSetExportJobs")
    def list_read_set_export_jobs(self, req: Params) -> Listing:
        return self._listing("export", req)

    # -- activation ---------------------------------------------------------------------

    @operation("StartReadSetActivationJob")
    def start_read_set_activation_job(self, req: Params) -> dict[str, Any]:
        job = self._start("activation", "StartReadSetActivationJob", req, lambda: None)
        return job.summary(STORE)

    @operation("GetReadSetActivationJob")
    def get_read_set_activation_job(self, req: Params) -> dict[str, Any]:
        job = self.find(req[STORE], req["id"], "activation")
        output = job.details(STORE)
        output["sources"] = [
            {"readSetId": source.request["readSetId"], **source.status_fields()}
            for source in job.sources
        ]
        return output

    @operation("ListReadSetActivationJobs")
    def list_read_set_activation_jobs(self, req: Params) -> Listing:
        return self._listing("activation", req)

    # -- questions from other families -----------------------------------------------------

    @reacts_to(RunningJobs)
    def running(self, question: RunningJobs) -> int:
        return running_jobs(self.jobs.values(), question)

    @reacts_to(SequenceStoreInUse)
    def store_in_use(self, question: SequenceStoreInUse) -> str | None:
        count = sum(1 for j in self.jobs.values() if j.store_id == question.store_id and j.running)
        return f"{count} job(s) are running in it." if count else None

    @reacts_to(SequenceStoreRemoved)
    def store_removed(self, notice: SequenceStoreRemoved) -> None:
        for job in [j for j in self.jobs.values() if j.store_id == notice.store_id]:
            self.jobs.remove(job.id)


def _import_source(source: JobSource) -> dict[str, Any]:
    request = source.request
    files = request["sourceFiles"]
    output: dict[str, Any] = {
        "sourceFiles": {"source1": files["source1"], "source2": files.get("source2") or ""},
        "sourceFileType": request["sourceFileType"],
        **source.status_fields(),
        "subjectId": request["subjectId"],
        "sampleId": request["sampleId"],
    }
    for member in ("generatedFrom", "referenceArn", "name", "description"):
        if request.get(member) is not None:
            output[member] = request[member]
    tags = dict(request.get("tags") or {})
    tags.update({tag: request[member] for tag, member in SYSTEM_TAGS})
    output["tags"] = tags
    if source.result_id is not None and source.status != "FAILED":
        output["readSetId"] = source.result_id
    return output
