"""The READY2RUN catalogue: publisher workflows every account can run.

They are found only with ``type=READY2RUN`` (GetWorkflow, ListWorkflows,
GetWorkflowVersion, ListWorkflowVersions) and started with
``workflowType=READY2RUN``; without the type the ID is looked up among the
caller's private workflows and is not found. Their ARNs have an empty account
field. Nothing can change them: UpdateWorkflow, DeleteWorkflow and
CreateWorkflowVersion take no type, so they answer ``Workflow <id> not found``,
and their ARNs are not taggable. The entries below are illustrative stand-ins
with realistic shapes; tests can add their own with ``mock.ready2run.add``.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
from dataclasses import dataclass

from ..kernel.state import not_found
from ..kernel.store import Store
from .model import ACTIVE, READY2RUN, Definition, Workflow, WorkflowVersion

_PUBLISHED = _dt.datetime(2024, 6, 1, tzinfo=_dt.timezone.utc)
_EXTENSIONS = {"WDL": "wdl", "WDL_LENIENT": "wdl", "NEXTFLOW": "nf", "CWL": "cwl"}


@dataclass(frozen=True)
class Ready2RunEntry:
    """A catalogue entry: what a publisher offers."""

    id: str
    name: str
    description: str
    engine: str
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()
    versions: tuple[str, ...] = ()
    accelerators: str | None = None


DEFAULT_ENTRIES: tuple[Ready2RunEntry, ...] = (
    Ready2RunEntry(
        "9500764",
        "GATK-BP Germline fq2vcf for 30x genome",
        "Germline variant calling from FASTQ to VCF with GATK best practices.",
        "WDL",
        ("sample_name", "fastq_1", "fastq_2"),
        ("readgroup_name",),
        versions=("1.1.0",),
    ),
    Ready2RunEntry(
        "4974161",
        "NVIDIA Parabricks FQ2BAM WGS for up to 50X",
        "GPU-accelerated alignment of whole-genome FASTQ to BAM.",
        "NEXTFLOW",
        ("inputFASTQ_1", "inputFASTQ_2", "sampleName"),
        accelerators="GPU",
    ),
    Ready2RunEntry(
        "1830181",
        "AlphaFold for up to 600 residues",
        "Protein structure prediction for sequences of up to 600 residues.",
        "NEXTFLOW",
        ("fasta_path",),
        accelerators="GPU",
    ),
    Ready2RunEntry(
        "2174942",
        "ESMFold for up to 800 residues",
        "Protein structure prediction with ESMFold.",
        "NEXTFLOW",
        ("fasta_path",),
        accelerators="GPU",
    ),
)


def _definition(entry: Ready2RunEntry, version: str = "") -> Definition:
    template = {name: {"description": name, "optional": False} for name in entry.required}
    template.update({name: {"description": name, "optional": True} for name in entry.optional})
    return Definition(
        engine=entry.engine,
        main="main." + _EXTENSIONS.get(entry.engine, "wdl"),
        digest="sha256:" + hashlib.sha256(f"{entry.name}{version}".encode()).hexdigest(),
        parameter_template=template,
        storage_type="DYNAMIC",
        accelerators=entry.accelerators,
    )


def _workflow(entry: Ready2RunEntry, region: str) -> Workflow:
    arn = f"arn:aws:omics:{region}::workflow/{entry.id}"
    workflow = Workflow(
        id=entry.id,
        arn=arn,
        uuid=_stable_uuid(entry.id),
        owner_account="",
        name=entry.name,
        description=entry.description,
        creation_time=_PUBLISHED,
        definition=_definition(entry),
        type=READY2RUN,
        status=ACTIVE,
        metadata={"publisher": "omics-mock catalogue"},
    )
    for name in entry.versions:
        version = WorkflowVersion(
            workflow=workflow,
            name=name,
            arn=f"{arn}/version/{name}",
            uuid=_stable_uuid(entry.id + name),
            creation_time=_PUBLISHED,
            definition=_definition(entry, name),
            description=f"{entry.name} {name}",
            status=ACTIVE,
        )
        workflow.versions.add(name, version)
    return workflow


def _stable_uuid(seed: str) -> str:
    h = hashlib.md5(seed.encode()).hexdigest()
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-8{h[17:20]}-{h[20:32]}"


class Ready2RunCatalogue:
    """The READY2RUN workflows visible in one Region."""

    def __init__(self, region: str, entries: tuple[Ready2RunEntry, ...] = DEFAULT_ENTRIES) -> None:
        self.region = region
        self.store: Store[Workflow] = Store("ready2run", newest_first=False)
        for entry in entries:
            self.add(entry)

    def add(self, entry: Ready2RunEntry) -> Workflow:
        workflow = _workflow(entry, self.region)
        self.store.add(workflow.id, workflow)
        return workflow

    def get(self, workflow_id: str) -> Workflow:
        workflow = self.store.get(workflow_id)
        if workflow is None:
            raise not_found("Workflow", workflow_id)
        return workflow

    def workflows(self) -> list[Workflow]:
        return list(self.store.values())


class Ready2RunEntries:
    """The catalogue entries of one mock (shared by every account and Region)."""

    def __init__(self) -> None:
        self.entries: list[Ready2RunEntry] = list(DEFAULT_ENTRIES)
