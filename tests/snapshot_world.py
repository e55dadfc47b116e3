"""A mock holding a little of everything, caught mid-flight: resources of every family in
two accounts, runs in every phase, jobs and batches under way, steering and harness parts.

The snapshot tests compare this state with itself after a round trip.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import boto3
from botocore.config import Config

from .analytics_helpers import GFF, VCF
from .helpers import OUT, ROLE, wdl_zip
from .storage_helpers import fastq_gz

OWNER = "123456789012"
PARTNER = "444455556666"
READS = "s3://reads/sample_1.fastq.gz"
REFERENCE = "s3://reads/ref.fasta"


def client(account: str = OWNER, region: str = "us-east-1") -> Any:
    """An omics client acting as ``account`` (a 12-digit access key is the account)."""
    return boto3.session.Session(
        aws_access_key_id=account, aws_secret_access_key="x", region_name=region
    ).client("omics", config=Config(retries={"total_max_attempts": 1}))


@dataclass
class World:
    workflow: str
    runs: list[str]
    batch: str
    group: str
    store: str
    reference_store: str


def build_world(mock: Any) -> World:
    """Every kind of resource, with events still to come (call under an active mock)."""
    omics, partner = client(), client(PARTNER)
    mock.s3.put_object(READS, fastq_gz(8, seed=3))
    mock.s3.put_object(REFERENCE, b">chr1\nACGTACGTACGTAC\nGTAC\n")
    mock.s3.put_object("s3://calls/a.vcf", VCF)
    mock.s3.put_object("s3://calls/genes.gff3", GFF)
    mock.accounts.map("AKIAPARTNERKEY000000", PARTNER)
    mock.ready2run.add("7777777", "Seeded pipeline", required=("input",), versions=("1.0",))
    workflow = omics.create_workflow(name="wgs", definitionZip=wdl_zip(), requestId="w")["id"]
    mock.clock.advance(seconds=1)
    omics.create_workflow_version(workflowId=workflow, versionName="v1", definitionZip=wdl_zip())
    mock.settings.durations.workflow_creating = 600
    omics.create_workflow(name="slow", definitionZip=wdl_zip())  # stays CREATING
    group = omics.create_run_group(name="one-at-a-time", maxRuns=1, maxDuration=600)["id"]
    cache = omics.create_run_cache(cacheS3Location="s3://cache/", requestId="c")["id"]
    mock.settings.durations.configuration_creating = 900
    omics.create_configuration(
        name="vpc",
        runConfigurations={"vpcConfig": {"subnetIds": ["subnet-1"], "securityGroupIds": ["sg-1"]}},
    )
    mock.runs.script(workflow, ["FAILED", ("FAILED", "OutOfMemory", "killed")])
    mock.runs.set_durations(workflow_id=workflow, running=400)
    mock.artifacts.set_outputs({"result": b"scripted"}, workflow_id=workflow)
    mock.artifacts.set_task_logs(["line one", "line two"], workflow_id=workflow)
    base = {"workflowId": workflow, "roleArn": ROLE, "outputUri": OUT}
    runs = [
        omics.start_run(
            **base,
            parameters={"sample": f"S{n}"},
            runGroupId=group,
            cacheId=cache,
            priority=n,
            requestId=f"r{n}",
            tags={"n": str(n)},
        )["id"]
        for n in range(4)
    ]
    runs.append(omics.start_run(**base, parameters={"sample": "v"}, workflowVersionName="v1")["id"])
    runs.append(omics.start_run(**base, parameters={"sample": "held"})["id"])
    mock.clock.advance(minutes=3)
    mock.runs.keep_running(runs[-1])
    omics.cancel_run(id=runs[3])
    mock.clock.advance(minutes=4)
    omics.list_run_tasks(id=runs[0])
    batch = omics.start_run_batch(
        batchName="b",
        defaultRunSetting={**base, "parameters": {"sample": "B"}},
        batchRunSettings={"inlineSettings": [{"runSettingId": str(n)} for n in range(5)]},
    )["id"]
    mock.clock.advance(seconds=9)
    arn = f"arn:aws:omics:us-east-1:{OWNER}:workflow/{workflow}"
    omics.tag_resource(resourceArn=arn, tags={"team": "genomics"})
    share = omics.create_share(resourceArn=arn, principalSubscriber=PARTNER, shareName="s")
    partner.accept_share(shareId=share["shareId"])
    partner.start_run(**base, workflowOwnerId=OWNER, parameters={"sample": "partner"})
    store, reference_store = _storage(mock, omics)
    _analytics(mock, omics)
    mock.faults.inject("DeleteRunCache", "ThrottlingException", times=2)
    return World(workflow, runs, batch, group, store, reference_store)


def _storage(mock: Any, omics: Any) -> tuple[str, str]:
    store = omics.create_sequence_store(name="cohort", clientToken="s")["id"]
    mock.clock.advance(seconds=1)
    upload = omics.create_multipart_read_set_upload(
        sequenceStoreId=store,
        sourceFileType="FASTQ",
        subjectId="subject",
        sampleId="sample",
        name="open",
    )["uploadId"]
    omics.upload_read_set_part(
        sequenceStoreId=store,
        uploadId=upload,
        partSource="SOURCE1",
        partNumber=1,
        payload=fastq_gz(4, seed=9),
    )
    source = {
        "sourceFiles": {"source1": READS},
        "sourceFileType": "FASTQ",
        "subjectId": "subject",
        "sampleId": "sample",
        "name": "imported",
    }
    omics.start_read_set_import_job(sequenceStoreId=store, roleArn=ROLE, sources=[source])
    mock.clock.advance(minutes=3)
    read_set = omics.list_read_sets(sequenceStoreId=store)["readSets"][0]["id"]
    omics.start_read_set_import_job(sequenceStoreId=store, roleArn=ROLE, sources=[source])
    omics.start_read_set_export_job(
        sequenceStoreId=store,
        roleArn=ROLE,
        destination="s3://exports/",
        sources=[{"readSetId": read_set}],
    )
    references = omics.create_reference_store(name="refs")["id"]
    omics.start_reference_import_job(
        referenceStoreId=references,
        roleArn=ROLE,
        sources=[{"sourceFile": REFERENCE, "name": "grch38"}],
    )
    mock.clock.advance(minutes=4)
    mock.storage.fail_source("s3://reads/broken.fastq.gz", "unreadable")
    return store, references


def _analytics(mock: Any, omics: Any) -> None:
    references = omics.list_reference_stores()["referenceStores"][0]["id"]
    listed = omics.list_references(referenceStoreId=references)["references"]
    reference = {"referenceArn": listed[0]["arn"]}
    omics.create_variant_store(name="calls", reference=reference, tags={"t": "v"})
    omics.create_annotation_store(name="genes", storeFormat="GFF", reference=reference)
    mock.clock.advance(minutes=4)
    omics.start_variant_import_job(
        destinationName="calls", roleArn=ROLE, items=[{"source": "s3://calls/a.vcf"}]
    )
    omics.create_annotation_store_version(name="genes", versionName="release2")
    mock.analytics.new_customer(PARTNER)
