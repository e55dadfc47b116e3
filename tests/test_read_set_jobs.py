"""Read set import, export and activation jobs: lifecycles, waiters, failures, quotas."""

from __future__ import annotations

import gzip
import hashlib
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError, WaiterError
from moto import mock_aws

from .helpers import error_of
from .storage_helpers import ROLE, download, fastq_gz, shape_problems, upload


def fastq_source(name: str = "NA12878") -> dict[str, Any]:
    return {
        "sourceFiles": {
            "source1": f"s3://reads/{name}_1.fastq.gz",
            "source2": f"s3://reads/{name}_2.fastq.gz",
        },
        "sourceFileType": "FASTQ",
        "subjectId": "subject-1",
        "sampleId": name,
        "name": name,
        "tags": {"project": "p1"},
    }


def test_import_from_control_objects(
    omics: Any, omics_mock: Any, sequence_store: str, storage: Any
) -> None:
    first, second = fastq_gz(30, 1), fastq_gz(30, 2)
    omics_mock.s3.put_object("s3://reads/NA12878_1.fastq.gz", first)
    omics_mock.s3.put_object("s3://reads/NA12878_2.fastq.gz", second)
    started = omics.start_read_set_import_job(
        sequenceStoreId=sequence_store, roleArn=ROLE, sources=[fastq_source()]
    )
    assert shape_problems("StartReadSetImportJob", started) == []
    assert started["status"] == "SUBMITTED"
    job = omics.get_read_set_import_job(sequenceStoreId=sequence_store, id=started["id"])
    assert job["sources"][0]["status"] == "NOT_STARTED"
    assert job["sources"][0]["tags"] == {
        "project": "p1",
        "aws:omics:sampleId": "NA12878",
        "aws:omics:subjectId": "subject-1",
    }
    omics_mock.clock.advance(seconds=5)
    job = omics.get_read_set_import_job(sequenceStoreId=sequence_store, id=started["id"])
    assert (job["status"], job["sources"][0]["status"]) == ("IN_PROGRESS", "IN_PROGRESS")
    read_set_id = job["sources"][0]["readSetId"]
    assert omics.list_read_sets(sequenceStoreId=sequence_store)["readSets"] == []
    omics.get_waiter("read_set_import_job_completed").wait(
        sequenceStoreId=sequence_store, id=started["id"]
    )
    job = omics.get_read_set_import_job(sequenceStoreId=sequence_store, id=started["id"])
    assert shape_problems("GetReadSetImportJob", job) == []
    assert (job["status"], job["statusMessage"]) == ("COMPLETED", "The job completed successfully.")
    metadata = omics.get_read_set_metadata(sequenceStoreId=sequence_store, id=read_set_id)
    assert (metadata["status"], metadata["creationType"], metadata["creationJobId"]) == (
        "ACTIVE",
        "IMPORT",
        started["id"],
    )
    assert metadata["files"]["source1"]["s3Access"]["s3Uri"].endswith("/NA12878_1.fastq.gz")
    assert metadata["etag"]["source2"] == hashlib.md5(gzip.decompress(second)).hexdigest()
    assert download(omics, sequence_store, read_set_id, "SOURCE1") == first
    assert download(omics, sequence_store, read_set_id, "SOURCE2") == second
    assert omics.list_tags_for_resource(resourceArn=metadata["arn"])["tags"] == {"project": "p1"}


def test_import_from_moto_s3(sequence_store: str, omics: Any) -> None:
    data = fastq_gz(10)
    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="reads")
        s3.put_object(Bucket="reads", Key="sample.fastq.gz", Body=data)
        source = {
            "sourceFiles": {"source1": "s3://reads/sample.fastq.gz"},
            "sourceFileType": "FASTQ",
            "subjectId": "s",
            "sampleId": "s",
        }
        missing = {**source, "sourceFiles": {"source1": "s3://reads/missing.fastq.gz"}}
        job = omics.start_read_set_import_job(
            sequenceStoreId=sequence_store, roleArn=ROLE, sources=[source, missing]
        )
        with pytest.raises(WaiterError, match="COMPLETED_WITH_FAILURES"):
            omics.get_waiter("read_set_import_job_completed").wait(
                sequenceStoreId=sequence_store, id=job["id"]
            )
        got = omics.get_read_set_import_job(sequenceStoreId=sequence_store, id=job["id"])
        finished, failed = got["sources"]
        assert (finished["status"], failed["status"]) == ("FINISHED", "FAILED")
        assert finished["sourceFiles"]["source2"] == ""
        assert "readSetId" not in failed and "does not exist" in failed["statusMessage"]
        assert download(omics, sequence_store, finished["readSetId"]) == data


def test_a_job_whose_sources_all_fail_is_failed(
    omics: Any, omics_mock: Any, sequence_store: str
) -> None:
    omics_mock.storage.fail_source("s3://reads/NA1_1.fastq.gz", "Access denied")
    bam = {
        "sourceFiles": {"source1": "s3://reads/x.bam"},
        "sourceFileType": "BAM",
        "subjectId": "s",
        "sampleId": "s",
    }
    job = omics.start_read_set_import_job(
        sequenceStoreId=sequence_store, roleArn=ROLE, sources=[fastq_source("NA1"), bam]
    )
    omics_mock.clock.advance(minutes=10)
    got = omics.get_read_set_import_job(sequenceStoreId=sequence_store, id=job["id"])
    assert got["status"] == "FAILED"
    assert [s["statusMessage"] for s in got["sources"]] == [
        "Access denied",
        "A BAM source needs a referenceArn.",
    ]
    listed = omics.list_read_set_import_jobs(
        sequenceStoreId=sequence_store, filter={"status": "FAILED"}
    )["importJobs"]
    assert [j["id"] for j in listed] == [job["id"]]


def test_control_api_fails_one_source_of_a_running_job(
    omics: Any, omics_mock: Any, sequence_store: str
) -> None:
    job = omics.start_read_set_import_job(
        sequenceStoreId=sequence_store, roleArn=ROLE, sources=[fastq_source("A"), fastq_source("B")]
    )
    omics_mock.storage.fail_job_source(job["id"], 1, "Corrupt gzip stream")
    assert omics_mock.storage.finish_job(job["id"]) == "COMPLETED_WITH_FAILURES"
    got = omics.get_read_set_import_job(sequenceStoreId=sequence_store, id=job["id"])
    assert [s["status"] for s in got["sources"]] == ["FINISHED", "FAILED"]


def test_import_concurrency_quota(omics: Any, omics_mock: Any, sequence_store: str) -> None:
    omics_mock.settings.storage.quotas.max_concurrent_import_jobs = 1
    omics.start_read_set_import_job(
        sequenceStoreId=sequence_store, roleArn=ROLE, sources=[fastq_source()]
    )
    with pytest.raises(ClientError) as excinfo:
        omics.start_read_set_import_job(
            sequenceStoreId=sequence_store, roleArn=ROLE, sources=[fastq_source()]
        )
    assert error_of(excinfo)[:2] == ("ServiceQuotaExceededException", 402)
    with pytest.raises(ClientError) as excinfo:
        omics.delete_sequence_store(id=sequence_store)
    assert "running" in error_of(excinfo)[2]


def test_start_job_client_token(omics: Any, sequence_store: str) -> None:
    first = omics.start_read_set_import_job(
        sequenceStoreId=sequence_store, roleArn=ROLE, sources=[fastq_source()], clientToken="once"
    )
    again = omics.start_read_set_import_job(
        sequenceStoreId=sequence_store, roleArn=ROLE, sources=[fastq_source()], clientToken="once"
    )
    assert again["id"] == first["id"]
    with pytest.raises(ClientError) as excinfo:
        omics.start_read_set_import_job(
            sequenceStoreId=sequence_store,
            roleArn=ROLE,
            sources=[fastq_source("other")],
            clientToken="once",
        )
    assert error_of(excinfo)[:2] == ("ValidationException", 400)


def test_unknown_job_is_not_found(omics: Any, sequence_store: str) -> None:
    for call in (
        omics.get_read_set_import_job,
        omics.get_read_set_export_job,
        omics.get_read_set_activation_job,
    ):
        with pytest.raises(ClientError) as excinfo:
            call(sequenceStoreId=sequence_store, id="1234567890")
        assert error_of(excinfo)[:2] == ("ResourceNotFoundException", 404)


def test_export_writes_the_files_into_moto_s3(omics: Any, sequence_store: str) -> None:
    first, second = fastq_gz(5, 1), fastq_gz(5, 2)
    read_set_id = upload(omics, sequence_store, {"SOURCE1": first, "SOURCE2": second}, name="pair")
    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="exports")
        job = omics.start_read_set_export_job(
            sequenceStoreId=sequence_store,
            destination="s3://exports/run1/",
            roleArn=ROLE,
            sources=[{"readSetId": read_set_id}],
        )
        assert shape_problems("StartReadSetExportJob", job) == []
        omics.get_waiter("read_set_export_job_completed").wait(
            sequenceStoreId=sequence_store, id=job["id"]
        )
        got = omics.get_read_set_export_job(sequenceStoreId=sequence_store, id=job["id"])
        assert shape_problems("GetReadSetExportJob", got) == []
        assert got["readSets"] == [{"id": read_set_id, "status": "FINISHED"}]
        body = s3.get_object(Bucket="exports", Key=f"run1/{read_set_id}/pair_source2.fastq.gz")
        assert body["Body"].read() == second
        listed = omics.list_read_set_export_jobs(sequenceStoreId=sequence_store)["exportJobs"]
        assert [j["status"] for j in listed] == ["COMPLETED"]


def test_export_without_moto_lands_in_memory(
    omics: Any, omics_mock: Any, sequence_store: str
) -> None:
    data = fastq_gz(3)
    read_set_id = upload(omics, sequence_store, {"SOURCE1": data})
    job = omics.start_read_set_export_job(
        sequenceStoreId=sequence_store,
        destination="s3://exports",
        roleArn=ROLE,
        sources=[{"readSetId": read_set_id}, {"readSetId": "1234567890"}],
    )
    omics_mock.clock.advance(minutes=5)
    got = omics.get_read_set_export_job(sequenceStoreId=sequence_store, id=job["id"])
    assert got["status"] == "COMPLETED_WITH_FAILURES"
    assert got["readSets"][1]["statusMessage"] == "Read set 1234567890 not found."
    exported = omics_mock.storage.s3_object(f"s3://exports/{read_set_id}/reads_source1.fastq.gz")
    assert exported == data


def test_archived_read_sets_do_not_export_until_activated(
    omics: Any, omics_mock: Any, sequence_store: str
) -> None:
    read_set_id = upload(omics, sequence_store, {"SOURCE1": fastq_gz(3)})
    active = upload(omics, sequence_store, {"SOURCE1": fastq_gz(3)})
    omics_mock.storage.archive(read_set_id)
    export = omics.start_read_set_export_job(
        sequenceStoreId=sequence_store,
        destination="s3://exports/",
        roleArn=ROLE,
        sources=[{"readSetId": read_set_id}],
    )
    omics_mock.clock.advance(minutes=5)
    got = omics.get_read_set_export_job(sequenceStoreId=sequence_store, id=export["id"])
    assert got["status"] == "FAILED" and "ARCHIVED" in got["readSets"][0]["statusMessage"]

    job = omics.start_read_set_activation_job(
        sequenceStoreId=sequence_store, sources=[{"readSetId": read_set_id}, {"readSetId": active}]
    )
    assert shape_problems("StartReadSetActivationJob", job) == []
    omics_mock.clock.advance(seconds=5)
    status = omics.get_read_set_metadata(sequenceStoreId=sequence_store, id=read_set_id)["status"]
    assert status == "ACTIVATING"
    with pytest.raises(ClientError) as excinfo:
        omics.get_read_set(sequenceStoreId=sequence_store, id=read_set_id, partNumber=1)
    assert error_of(excinfo)[:2] == ("ConflictException", 409)
    got = omics.get_read_set_activation_job(sequenceStoreId=sequence_store, id=job["id"])
    assert got["sources"][1] == {
        "readSetId": active,
        "status": "FINISHED",
        "statusMessage": "No activation needed as read set is already in ACTIVATING or "
        "ACTIVE state.",
    }
    omics.get_waiter("read_set_activation_job_completed").wait(
        sequenceStoreId=sequence_store, id=job["id"]
    )
    got = omics.get_read_set_activation_job(sequenceStoreId=sequence_store, id=job["id"])
    assert shape_problems("GetReadSetActivationJob", got) == []
    assert got["status"] == "COMPLETED"
    status = omics.get_read_set_metadata(sequenceStoreId=sequence_store, id=read_set_id)["status"]
    assert status == "ACTIVE"
    listed = omics.list_read_set_activation_jobs(sequenceStoreId=sequence_store)
    assert [j["id"] for j in listed["activationJobs"]] == [job["id"]]


def test_activation_concurrency_quota(omics: Any, omics_mock: Any, sequence_store: str) -> None:
    omics_mock.settings.storage.quotas.max_concurrent_activation_jobs = 0
    with pytest.raises(ClientError) as excinfo:
        omics.start_read_set_activation_job(
            sequenceStoreId=sequence_store, sources=[{"readSetId": "1234567890"}]
        )
    assert error_of(excinfo)[:2] == ("ServiceQuotaExceededException", 402)


def test_source2_only_for_fastq(omics: Any, sequence_store: str) -> None:
    bam = {
        "sourceFiles": {"source1": "s3://r/a.bam", "source2": "s3://r/b.bam"},
        "sourceFileType": "BAM",
        "subjectId": "s",
        "sampleId": "s",
    }
    with pytest.raises(ClientError) as excinfo:
        omics.start_read_set_import_job(sequenceStoreId=sequence_store, roleArn=ROLE, sources=[bam])
    assert error_of(excinfo)[:2] == ("ValidationException", 400)
