"""A recorded conversation with the mock: every simulated operation, successes and errors.

``python -m tests.replay --write`` records the answers (status, headers, body) into
``tests/data/replay.json``; ``tests/test_replay.py`` replays the same requests in a
fresh mock and compares every answer byte for byte. Regenerate the file only for an
intended change of behaviour, and say which in the commit.
"""

from __future__ import annotations

import argparse
import base64
import json
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config
from freezegun import freeze_time

from omics_mock import mock_omics

from .helpers import OUT, ROLE, wdl_zip
from .storage_helpers import fastq

RECORDING = Path(__file__).parent / "data" / "replay.json"
FROZEN_AT = "2026-06-01T12:00:00+00:00"
OWNER = "111122223333"
SUBSCRIBER = "444455556666"
IGNORED_HEADERS = {"x-amzn-requestid"}


class Recorder:
    """Calls through boto3 and keeps the raw answer of each call."""

    def __init__(self) -> None:
        self.answers: list[dict[str, Any]] = []
        self._last: dict[str, Any] = {}
        self.after: Callable[[], None] | None = None
        """Called after every call (a test restores a snapshot there)."""

    def client(self, account: str = OWNER) -> Any:
        client = boto3.session.Session(
            aws_access_key_id=account, aws_secret_access_key="x", region_name="us-east-1"
        ).client("omics", config=Config(retries={"total_max_attempts": 1}))
        client.meta.events.register("before-parse.omics", self._capture)
        return client

    def _capture(self, operation_model: Any, response_dict: dict[str, Any], **_: Any) -> None:
        headers = {
            k.lower(): v
            for k, v in response_dict["headers"].items()
            if k.lower() not in IGNORED_HEADERS
        }
        body = response_dict["body"]
        if hasattr(body, "read"):  # a streaming payload (GetReadSet, GetReference)
            body = body.read()
        self._last = {
            "operation": operation_model.name,
            "status": response_dict["status_code"],
            "headers": dict(sorted(headers.items())),
            "body": base64.b64encode(body).decode() if isinstance(body, bytes) else None,
        }

    def call(self, method: Callable[..., Any], **params: Any) -> dict[str, Any]:
        self._last = {}
        try:
            result: dict[str, Any] = method(**params)
        except Exception as error:  # the answer is what is recorded, success or not
            result = {}
            if not self._last:  # refused before sending (botocore's own validation)
                self._last = {"operation": method.__name__, "raised": type(error).__name__}
        self.answers.append(self._last)
        if self.after is not None:
            self.after()
        return result


def conversation(recorder: Recorder, mock: Any) -> None:
    """The scripted requests."""
    omics, other = recorder.client(OWNER), recorder.client(SUBSCRIBER)
    call, advance = recorder.call, mock.clock.advance
    call(omics.create_workflow, name="bad")  # no definition: ValidationException
    workflow = call(omics.create_workflow, name="wgs", definitionZip=wdl_zip(), requestId="w1")
    call(omics.create_workflow, name="wgs", definitionZip=wdl_zip(), requestId="w1")
    call(omics.create_workflow, name="other", definitionZip=wdl_zip(), requestId="w1")
    wf = workflow.get("id", "0000000")
    advance(seconds=1)
    call(omics.get_workflow, id=wf)
    call(omics.get_workflow, id="1234567")
    call(omics.get_workflow, id=wf, export=["DEFINITION"])
    call(omics.list_workflows, maxResults=1)
    call(omics.list_workflows, type="READY2RUN", maxResults=2)
    call(omics.update_workflow, id=wf, description="updated")
    call(omics.create_workflow_version, workflowId=wf, versionName="v1", definitionZip=wdl_zip())
    advance(seconds=1)
    call(omics.get_workflow_version, workflowId=wf, versionName="v1")
    call(omics.list_workflow_versions, workflowId=wf)
    call(omics.update_workflow_version, workflowId=wf, versionName="v1", description="d")
    group = call(omics.create_run_group, name="g", maxRuns=1, maxCpus=16, requestId="g1")
    gid = group.get("id", "0000000")
    call(omics.get_run_group, id=gid)
    call(omics.list_run_groups, name="g")
    call(omics.update_run_group, id=gid, maxRuns=2)
    cache = call(omics.create_run_cache, cacheS3Location="s3://cache/here/", requestId="c1")
    cid = cache.get("id", "0000000")
    call(omics.get_run_cache, id=cid)
    call(omics.list_run_caches)
    call(omics.update_run_cache, id=cid, name="cache")
    call(
        omics.create_configuration,
        name="vpc",
        runConfigurations={"vpcConfig": {"subnetIds": ["subnet-1"], "securityGroupIds": ["sg-1"]}},
        requestId="n1",
    )
    advance(seconds=1)
    call(omics.get_configuration, name="vpc")
    call(omics.list_configurations)
    base = {"workflowId": wf, "roleArn": ROLE, "outputUri": OUT}
    runs = [
        call(
            omics.start_run,
            **base,
            parameters={"sample": f"S{i}"},
            runGroupId=gid,
            cacheId=cid,
            priority=i,
            requestId=f"r{i}",
            tags={"n": str(i)},
        ).get("id", "0000000")
        for i in range(3)
    ]
    call(omics.start_run, **base, parameters={"sample": "S0"}, requestId="r0")
    call(omics.start_run, **base, parameters={"wrong": 1})
    call(omics.start_run, **base, parameters={"sample": "x"}, runGroupId="7654321")
    for minutes in (1, 3, 6, 10):
        advance(minutes=minutes)
        for run in runs:
            call(omics.get_run, id=run)
        call(omics.list_runs, maxResults=2)
        call(omics.list_runs, status="RUNNING")
        tasks = call(omics.list_run_tasks, id=runs[0])
        for task in tasks.get("items", [])[:1]:
            call(omics.get_run_task, id=runs[0], taskId=task["taskId"])
    call(omics.cancel_run, id=runs[2])
    call(omics.cancel_run, id=runs[0])
    advance(minutes=30)
    call(omics.delete_run, id=runs[1])
    call(omics.get_run, id=runs[1])
    batch = call(
        omics.start_run_batch,
        batchName="b",
        defaultRunSetting={**base, "parameters": {"sample": "B"}},
        batchRunSettings={"inlineSettings": [{"runSettingId": str(i)} for i in range(3)]},
        requestId="b1",
    )
    bid = batch.get("id", "0000000")
    for _ in range(4):
        advance(minutes=4)
        call(omics.get_batch, batchId=bid)
        call(omics.list_runs_in_batch, batchId=bid, maxItems=2)
    call(omics.list_batch)
    call(omics.cancel_run_batch, batchId=bid)
    advance(minutes=30)
    call(omics.get_batch, batchId=bid)
    call(omics.delete_run_batch, batchId=bid)
    advance(minutes=5)
    call(omics.delete_batch, batchId=bid)
    arn = f"arn:aws:omics:us-east-1:{OWNER}:workflow/{wf}"
    call(omics.tag_resource, resourceArn=arn, tags={"team": "genomics"})
    call(omics.untag_resource, resourceArn=arn, tagKeys=["team"])
    call(omics.list_tags_for_resource, resourceArn=arn)
    share = call(omics.create_share, resourceArn=arn, principalSubscriber=SUBSCRIBER, shareName="s")
    sid = share.get("shareId", "x")
    call(other.accept_share, shareId=sid)
    advance(seconds=1)
    call(other.get_share, shareId=sid)
    call(other.list_shares, resourceOwner="OTHER")
    call(other.get_workflow, id=wf, workflowOwnerId=OWNER)
    call(omics.delete_share, shareId=sid)
    call(omics.delete_workflow_version, workflowId=wf, versionName="v1")
    call(omics.delete_run_group, id=gid)
    call(omics.delete_run_cache, id=cid)
    call(omics.delete_configuration, name="vpc")
    advance(seconds=1)
    call(omics.delete_workflow, id=wf)


def gzip_bytes(data: bytes) -> bytes:
    """gzip with a zero mtime, the same bytes on every Python (``gzip.compress``'s header
    differs between 3.10, 3.11 and 3.12+)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    return packer.compress(data) + packer.flush()


def storage_conversation(recorder: Recorder, mock: Any) -> None:
    """The storage plane: stores, uploads, read sets, jobs, references."""
    omics, call, advance = recorder.client(OWNER), recorder.call, mock.clock.advance
    reads = gzip_bytes(fastq(20, seed=1))
    mock.s3.put_object("s3://reads/a_1.fastq.gz", reads)
    mock.s3.put_object("s3://reads/ref.fasta", b">chr1\nACGTACGTAC\nGTACG\n>chr2\nTTTT\n")
    mock.settings.storage.read_part_size = 256
    store = call(omics.create_sequence_store, name="cohort", clientToken="s1").get("id", "0")
    call(omics.create_sequence_store, name="cohort", clientToken="s1")
    advance(seconds=1)
    call(omics.get_sequence_store, id=store)
    call(omics.get_sequence_store, id="0123456789")
    call(omics.list_sequence_stores)
    call(omics.update_sequence_store, id=store, description="d", clientToken="u1")
    advance(seconds=1)
    arn = f"arn:aws:s3:us-east-1:{OWNER}:accesspoint/{OWNER}-{store}"
    call(omics.get_s3_access_policy, s3AccessPointArn=arn)
    call(omics.put_s3_access_policy, s3AccessPointArn=arn, s3AccessPolicy="{}")
    call(omics.delete_s3_access_policy, s3AccessPointArn=arn)
    upload = call(
        omics.create_multipart_read_set_upload,
        sequenceStoreId=store,
        sourceFileType="FASTQ",
        subjectId="subject",
        sampleId="sample",
        name="up",
    ).get("uploadId", "0")
    parts = []
    for number, start in enumerate(range(0, len(reads), 300), start=1):
        answer = call(
            omics.upload_read_set_part,
            sequenceStoreId=store,
            uploadId=upload,
            partSource="SOURCE1",
            partNumber=number,
            payload=reads[start : start + 300],
        )
        parts.append(
            {"partNumber": number, "partSource": "SOURCE1", "checksum": answer.get("checksum", "")}
        )
    call(omics.list_multipart_read_set_uploads, sequenceStoreId=store)
    call(
        omics.list_read_set_upload_parts,
        sequenceStoreId=store,
        uploadId=upload,
        partSource="SOURCE1",
    )
    done = call(
        omics.complete_multipart_read_set_upload,
        sequenceStoreId=store,
        uploadId=upload,
        parts=parts,
    )
    read_set = done.get("readSetId", "0")
    advance(seconds=1)
    call(omics.get_read_set_metadata, sequenceStoreId=store, id=read_set)
    call(omics.get_read_set, sequenceStoreId=store, id=read_set, partNumber=1)
    call(omics.get_read_set, sequenceStoreId=store, id=read_set, partNumber=99)
    call(omics.list_read_sets, sequenceStoreId=store, filter={"name": "up"})
    aborted = call(
        omics.create_multipart_read_set_upload,
        sequenceStoreId=store,
        sourceFileType="FASTQ",
        subjectId="s",
        sampleId="s",
        name="gone",
    ).get("uploadId", "0")
    call(omics.abort_multipart_read_set_upload, sequenceStoreId=store, uploadId=aborted)
    source = {
        "sourceFiles": {"source1": "s3://reads/a_1.fastq.gz"},
        "sourceFileType": "FASTQ",
        "subjectId": "subject",
        "sampleId": "sample",
        "name": "imported",
    }
    job = call(
        omics.start_read_set_import_job, sequenceStoreId=store, roleArn=ROLE, sources=[source]
    )
    export = call(
        omics.start_read_set_export_job,
        sequenceStoreId=store,
        roleArn=ROLE,
        destination="s3://exports/",
        sources=[{"readSetId": read_set}],
    )
    activation = call(
        omics.start_read_set_activation_job,
        sequenceStoreId=store,
        sources=[{"readSetId": read_set}],
    )
    for minutes in (1, 5):
        advance(minutes=minutes)
        call(omics.get_read_set_import_job, sequenceStoreId=store, id=job.get("id", "0"))
        call(omics.get_read_set_export_job, sequenceStoreId=store, id=export.get("id", "0"))
        call(omics.get_read_set_activation_job, sequenceStoreId=store, id=activation.get("id", "0"))
    call(omics.list_read_set_import_jobs, sequenceStoreId=store)
    call(omics.list_read_set_export_jobs, sequenceStoreId=store)
    call(omics.list_read_set_activation_jobs, sequenceStoreId=store)
    references = call(omics.create_reference_store, name="refs").get("id", "0")
    call(omics.get_reference_store, id=references)
    call(omics.list_reference_stores)
    ref_job = call(
        omics.start_reference_import_job,
        referenceStoreId=references,
        roleArn=ROLE,
        sources=[{"sourceFile": "s3://reads/ref.fasta", "name": "hg38"}],
    )
    advance(minutes=10)
    call(omics.get_reference_import_job, referenceStoreId=references, id=ref_job.get("id", "0"))
    call(omics.list_reference_import_jobs, referenceStoreId=references)
    listed = call(omics.list_references, referenceStoreId=references)
    reference = (listed.get("references") or [{"id": "0"}])[0]["id"]
    call(omics.get_reference_metadata, referenceStoreId=references, id=reference)
    call(omics.get_reference, referenceStoreId=references, id=reference, partNumber=1, range="0-9")
    call(omics.get_reference, referenceStoreId=references, id=reference, partNumber=1, file="INDEX")
    call(omics.delete_reference, referenceStoreId=references, id=reference)
    call(omics.delete_reference_store, id=references)
    everything = call(omics.list_read_sets, sequenceStoreId=store).get("readSets", [])
    ids = [entry["id"] for entry in everything] + ["9999999999"]
    call(omics.batch_delete_read_set, sequenceStoreId=store, ids=ids)
    advance(minutes=1)
    call(omics.delete_sequence_store, id=store)


VCF = (
    b"##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"
    b"chr1\t3\t.\tG\tT\t50\tPASS\t.\n"
)
GFF = b"##gff-version 3\nchr1\tsrc\tgene\t1\t8\t.\t+\t.\tID=g1\n"


def analytics_conversation(recorder: Recorder, mock: Any) -> None:
    """The analytics plane: variant and annotation stores, versions, imports, a share."""
    omics, other = recorder.client(OWNER), recorder.client(SUBSCRIBER)
    call, advance = recorder.call, mock.clock.advance
    mock.s3.put_object("s3://calls/ref.fasta", b">chr1\nACGTACGTAC\n")
    mock.s3.put_object("s3://calls/a.vcf", VCF)
    mock.s3.put_object("s3://calls/genes.gff3", GFF)
    refs = call(omics.create_reference_store, name="analytics").get("id", "0")
    call(
        omics.start_reference_import_job,
        referenceStoreId=refs,
        roleArn=ROLE,
        sources=[{"sourceFile": "s3://calls/ref.fasta", "name": "grch38"}],
    )
    advance(minutes=5)
    listed = call(omics.list_references, referenceStoreId=refs).get("references") or [{"arn": ""}]
    reference = {"referenceArn": listed[0]["arn"]}
    call(omics.create_variant_store, name="calls", reference=reference, tags={"t": "v"})
    call(omics.create_variant_store, name="calls", reference=reference)
    call(omics.create_variant_store, name="nowhere", reference={"referenceArn": "arn:aws:x"})
    call(omics.get_variant_store, name="calls")
    call(omics.get_variant_store, name="missing")
    call(
        omics.start_variant_import_job,
        destinationName="calls",
        roleArn=ROLE,
        items=[{"source": "s3://calls/a.vcf"}],
    )
    advance(minutes=4)
    call(omics.list_variant_stores, filter={"status": "ACTIVE"}, maxResults=5)
    call(omics.update_variant_store, name="calls", description="calls of the cohort")
    job = call(
        omics.start_variant_import_job,
        destinationName="calls",
        roleArn=ROLE,
        items=[{"source": "s3://calls/a.vcf"}, {"source": "s3://calls/missing.vcf"}],
    ).get("jobId", "00000000-0000-4000-8000-000000000000")
    call(omics.get_variant_import_job, jobId=job)
    call(omics.delete_variant_store, name="calls")
    advance(minutes=3)
    call(omics.get_variant_import_job, jobId=job)
    call(omics.get_variant_import_job, jobId="not-a-uuid")
    call(omics.list_variant_import_jobs, filter={"storeName": "calls"})
    call(omics.cancel_variant_import_job, jobId=job)
    running = call(
        omics.start_variant_import_job,
        destinationName="calls",
        roleArn=ROLE,
        items=[{"source": "s3://calls/a.vcf"}],
    ).get("jobId", "00000000-0000-4000-8000-000000000000")
    call(omics.cancel_variant_import_job, jobId=running)
    call(omics.get_variant_store, name="calls")
    arn = f"arn:aws:omics:us-east-1:{OWNER}:variantStore/calls"
    share = call(omics.create_share, resourceArn=arn, principalSubscriber=SUBSCRIBER)
    call(other.accept_share, shareId=share.get("shareId", "x"))
    call(other.list_shares, resourceOwner="OTHER", filter={"type": ["VARIANT_STORE"]})
    call(omics.list_tags_for_resource, resourceArn=arn)
    call(omics.create_annotation_store, name="genes", storeFormat="GFF", reference=reference)
    call(omics.create_annotation_store, name="regions", storeFormat="TSV")
    call(omics.get_annotation_store, name="genes")
    advance(minutes=4)
    call(omics.list_annotation_stores)
    call(omics.update_annotation_store, name="genes", description="gene models")
    call(
        omics.create_annotation_store_version, name="genes", versionName="release2", description="d"
    )
    call(omics.create_annotation_store_version, name="genes", versionName="release2")
    call(omics.get_annotation_store_version, name="genes", versionName="release2")
    call(
        omics.start_annotation_import_job,
        destinationName="genes",
        roleArn=ROLE,
        items=[{"source": "s3://calls/genes.gff3"}],
    )
    advance(seconds=30)
    notes = call(
        omics.start_annotation_import_job,
        destinationName="genes",
        versionName="release2",
        roleArn=ROLE,
        items=[{"source": "s3://calls/genes.gff3"}],
    ).get("jobId", "00000000-0000-4000-8000-000000000000")
    call(omics.get_annotation_import_job, jobId=notes)
    call(omics.list_annotation_store_versions, name="genes")
    call(
        omics.update_annotation_store_version, name="genes", versionName="release2", description="x"
    )
    call(omics.delete_annotation_store, name="genes")
    call(omics.delete_annotation_store_versions, name="genes", versions=["release2", "release9"])
    call(omics.delete_annotation_store_versions, name="genes", versions=["release2"], force=True)
    call(omics.get_annotation_import_job, jobId=notes)
    call(omics.cancel_annotation_import_job, jobId=notes)
    call(omics.list_annotation_import_jobs, maxResults=1)
    advance(minutes=5)
    call(omics.delete_annotation_store, name="genes", force=True)
    call(omics.get_annotation_store_version, name="genes", versionName="genes")
    advance(minutes=2)
    call(omics.get_annotation_store, name="genes")
    call(omics.delete_variant_store, name="calls")
    advance(minutes=2)
    call(other.get_share, shareId=share.get("shareId", "x"))


def record(after_each: Callable[[Any], None] | None = None) -> list[dict[str, Any]]:
    """Run the conversation in a fresh mock at a frozen instant; the answers.
    ``after_each(mock)`` runs after every call."""
    recorder = Recorder()
    with freeze_time(FROZEN_AT), mock_omics() as mock:
        if after_each is not None:
            recorder.after = lambda: after_each(mock)
        conversation(recorder, mock)
        storage_conversation(recorder, mock)
        analytics_conversation(recorder, mock)
    return recorder.answers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--write", action="store_true", help="overwrite the recording")
    args = parser.parse_args()
    answers = record()
    if args.write:
        RECORDING.write_text(json.dumps(answers, indent=1) + "\n")
        print(f"recorded {len(answers)} answers in {RECORDING}")
    else:
        print(json.dumps(answers[:3], indent=1))


if __name__ == "__main__":
    main()
