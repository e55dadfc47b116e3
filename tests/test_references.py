"""Reference stores, reference import jobs, references, GetReference and its Range."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from botocore.exceptions import ClientError

from .helpers import error_of
from .storage_helpers import ROLE, shape_problems, upload

FASTA = b">chr1 first contig\nACGTACGTAC\nGTACG\n>chr2\nTTTTGGGG\n"


@pytest.fixture
def reference_store(omics: Any) -> str:
    return str(omics.create_reference_store(name="refs")["id"])


def import_reference(omics: Any, omics_mock: Any, store_id: str, name: str = "hg38") -> str:
    omics_mock.s3.put_object(f"s3://genomes/{name}.fa", FASTA)
    job = omics.start_reference_import_job(
        referenceStoreId=store_id,
        roleArn=ROLE,
        sources=[{"sourceFile": f"s3://genomes/{name}.fa", "name": name, "tags": {"g": name}}],
    )
    omics.get_waiter("reference_import_job_completed").wait(referenceStoreId=store_id, id=job["id"])
    got = omics.get_reference_import_job(referenceStoreId=store_id, id=job["id"])
    return str(got["sources"][0]["referenceId"])


def test_reference_store_lifecycle(omics: Any) -> None:
    created = omics.create_reference_store(name="refs", description="genomes")
    assert shape_problems("CreateReferenceStore", created) == []
    store_id = created["id"]
    assert created["arn"] == f"arn:aws:omics:us-east-1:123456789012:referenceStore/{store_id}"
    assert omics.get_reference_store(id=store_id)["description"] == "genomes"
    listed = omics.list_reference_stores(filter={"name": "refs"})["referenceStores"]
    assert [s["id"] for s in listed] == [store_id]
    omics.delete_reference_store(id=store_id)
    with pytest.raises(ClientError) as excinfo:
        omics.get_reference_store(id=store_id)
    assert error_of(excinfo) == (
        "ResourceNotFoundException",
        404,
        f"Reference store {store_id} not found",
    )


def test_one_reference_store_per_account_and_region(omics: Any, reference_store: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        omics.create_reference_store(name="second")
    assert error_of(excinfo)[:2] == ("ServiceQuotaExceededException", 402)


def test_create_reference_store_client_token(omics: Any) -> None:
    first = omics.create_reference_store(name="refs", clientToken="t")["id"]
    assert omics.create_reference_store(name="refs", clientToken="t")["id"] == first


def test_import_makes_a_reference_with_md5_and_index(
    omics: Any, omics_mock: Any, reference_store: str
) -> None:
    omics_mock.settings.storage.read_part_size = 16
    reference_id = import_reference(omics, omics_mock, reference_store)
    metadata = omics.get_reference_metadata(referenceStoreId=reference_store, id=reference_id)
    assert shape_problems("GetReferenceMetadata", metadata) == []
    assert metadata["md5"] == hashlib.md5(FASTA).hexdigest()
    assert (metadata["name"], metadata["status"], metadata["creationType"]) == (
        "hg38",
        "ACTIVE",
        "IMPORT",
    )
    assert metadata["files"]["source"] == {"totalParts": 4, "partSize": 16, "contentLength": 51}
    parts = [
        omics.get_reference(
            referenceStoreId=reference_store, id=reference_id, partNumber=n, file="SOURCE"
        )["payload"].read()
        for n in range(1, 5)
    ]
    assert b"".join(parts) == FASTA
    index = b"".join(
        omics.get_reference(
            referenceStoreId=reference_store, id=reference_id, partNumber=n, file="INDEX"
        )["payload"].read()
        for n in range(1, metadata["files"]["index"]["totalParts"] + 1)
    )
    assert index == b"chr1\t15\t19\t10\t11\nchr2\t8\t42\t8\t9\n"
    arn = metadata["arn"]
    assert omics.list_tags_for_resource(resourceArn=arn)["tags"] == {"g": "hg38"}


def test_range_narrows_a_part(omics: Any, omics_mock: Any, reference_store: str) -> None:
    reference_id = import_reference(omics, omics_mock, reference_store)

    def ranged(text: str) -> bytes:
        answer = omics.get_reference(
            referenceStoreId=reference_store, id=reference_id, partNumber=1, range=text
        )
        return bytes(answer["payload"].read())

    assert ranged("0-4") == FASTA[:5]
    assert ranged("40-") == FASTA[40:]
    assert ranged("-3") == FASTA[-3:]
    with pytest.raises(ClientError) as excinfo:
        ranged("100-200")
    assert error_of(excinfo)[:2] == ("RangeNotSatisfiableException", 416)
    with pytest.raises(ClientError) as excinfo:
        omics.get_reference(referenceStoreId=reference_store, id=reference_id, partNumber=2)
    assert error_of(excinfo)[:2] == ("RangeNotSatisfiableException", 416)


def test_list_references_filters(omics: Any, omics_mock: Any, reference_store: str) -> None:
    first = import_reference(omics, omics_mock, reference_store, "hg19")
    second = import_reference(omics, omics_mock, reference_store, "hg38")
    listed = omics.list_references(referenceStoreId=reference_store)
    assert shape_problems("ListReferences", listed) == []
    assert [r["id"] for r in listed["references"]] == [first, second]
    named = omics.list_references(referenceStoreId=reference_store, filter={"name": "hg38"})
    assert [r["id"] for r in named["references"]] == [second]
    md5 = omics.list_references(
        referenceStoreId=reference_store, filter={"md5": hashlib.md5(FASTA).hexdigest()}
    )
    assert len(md5["references"]) == 2


def test_duplicate_names_and_missing_files_fail_their_sources(
    omics: Any, omics_mock: Any, reference_store: str
) -> None:
    import_reference(omics, omics_mock, reference_store, "hg38")
    job = omics.start_reference_import_job(
        referenceStoreId=reference_store,
        roleArn=ROLE,
        sources=[
            {"sourceFile": "s3://genomes/hg38.fa", "name": "hg38"},
            {"sourceFile": "s3://genomes/nope.fa", "name": "nope"},
            {"sourceFile": "s3://genomes/hg38.fa", "name": "copy"},
        ],
    )
    waiter = omics.get_waiter("reference_import_job_completed")
    with pytest.raises(Exception, match="COMPLETED_WITH_FAILURES"):
        waiter.wait(referenceStoreId=reference_store, id=job["id"])
    got = omics.get_reference_import_job(referenceStoreId=reference_store, id=job["id"])
    assert shape_problems("GetReferenceImportJob", got) == []
    assert [s["status"] for s in got["sources"]] == ["FAILED", "FAILED", "FINISHED"]
    assert "already has a reference named hg38" in got["sources"][0]["statusMessage"]
    assert "does not exist" in got["sources"][1]["statusMessage"]
    assert "completionTime" in got


def test_one_import_job_at_a_time_per_store(
    omics: Any, omics_mock: Any, reference_store: str
) -> None:
    source = [{"sourceFile": "s3://unknown-bucket/a.fa", "name": "aaa"}]
    omics.start_reference_import_job(referenceStoreId=reference_store, roleArn=ROLE, sources=source)
    with pytest.raises(ClientError) as excinfo:
        omics.start_reference_import_job(
            referenceStoreId=reference_store, roleArn=ROLE, sources=source
        )
    assert error_of(excinfo)[:2] == ("ServiceQuotaExceededException", 402)
    with pytest.raises(ClientError) as excinfo:
        omics.delete_reference_store(id=reference_store)
    assert error_of(excinfo)[:2] == ("ConflictException", 409)
    omics_mock.settings.storage.one_reference_import_per_store = False
    omics.start_reference_import_job(referenceStoreId=reference_store, roleArn=ROLE, sources=source)
    listed = omics.list_reference_import_jobs(
        referenceStoreId=reference_store, filter={"status": "SUBMITTED"}
    )["importJobs"]
    assert len(listed) == 2


def test_a_bucket_nobody_knows_gives_stand_in_contents(
    omics: Any, omics_mock: Any, reference_store: str
) -> None:
    job = omics.start_reference_import_job(
        referenceStoreId=reference_store,
        roleArn=ROLE,
        sources=[{"sourceFile": "s3://nobody-knows/x.fa", "name": "synthetic"}],
    )
    omics.get_waiter("reference_import_job_completed").wait(
        referenceStoreId=reference_store, id=job["id"]
    )
    omics_mock.settings.storage.missing_bucket = "fail"
    job = omics.start_reference_import_job(
        referenceStoreId=reference_store,
        roleArn=ROLE,
        sources=[{"sourceFile": "s3://nobody-knows/y.fa", "name": "missing"}],
    )
    omics_mock.clock.advance(minutes=10)
    got = omics.get_reference_import_job(referenceStoreId=reference_store, id=job["id"])
    assert got["status"] == "FAILED"
    assert "referenceId" not in got["sources"][0]


def test_delete_reference_refused_while_a_read_set_uses_it(
    omics: Any, omics_mock: Any, reference_store: str, sequence_store: str
) -> None:
    reference_id = import_reference(omics, omics_mock, reference_store)
    arn = omics.get_reference_metadata(referenceStoreId=reference_store, id=reference_id)["arn"]
    read_set = upload(
        omics, sequence_store, {"SOURCE1": b"BAM\x01aligned"}, file_type="BAM", referenceArn=arn
    )
    with pytest.raises(ClientError) as excinfo:
        omics.delete_reference(referenceStoreId=reference_store, id=reference_id)
    assert error_of(excinfo)[:2] == ("ConflictException", 409)
    with pytest.raises(ClientError) as excinfo:
        omics.delete_reference_store(id=reference_store)
    assert error_of(excinfo)[:2] == ("ConflictException", 409)
    omics.batch_delete_read_set(sequenceStoreId=sequence_store, ids=[read_set])
    omics.delete_reference(referenceStoreId=reference_store, id=reference_id)
    with pytest.raises(ClientError) as excinfo:
        omics.get_reference_metadata(referenceStoreId=reference_store, id=reference_id)
    assert error_of(excinfo)[:2] == ("ResourceNotFoundException", 404)
    omics.delete_reference_store(id=reference_store)


def test_aligned_upload_with_an_unknown_reference_is_not_found(
    omics: Any, reference_store: str, sequence_store: str
) -> None:
    arn = (
        f"arn:aws:omics:us-east-1:123456789012:referenceStore/{reference_store}"
        "/reference/1234567890"
    )
    with pytest.raises(ClientError) as excinfo:
        omics.create_multipart_read_set_upload(
            sequenceStoreId=sequence_store,
            sourceFileType="CRAM",
            subjectId="s",
            sampleId="s",
            name="r",
            referenceArn=arn,
        )
    assert error_of(excinfo)[:2] == ("ResourceNotFoundException", 404)


def test_bam_read_sets_get_an_index(
    omics: Any, omics_mock: Any, reference_store: str, sequence_store: str
) -> None:
    reference_id = import_reference(omics, omics_mock, reference_store)
    arn = omics.get_reference_metadata(referenceStoreId=reference_store, id=reference_id)["arn"]
    read_set = upload(
        omics,
        sequence_store,
        {"SOURCE1": b"BAM\x01aligned"},
        file_type="BAM",
        referenceArn=arn,
        name="sample",
    )
    metadata = omics.get_read_set_metadata(sequenceStoreId=sequence_store, id=read_set)
    assert set(metadata["files"]) == {"source1", "index"}
    assert metadata["files"]["index"]["s3Access"]["s3Uri"].endswith("/sample.bam.bai")
    assert metadata["etag"]["algorithm"] == "BAM_MD5up"
    assert metadata["sequenceInformation"]["alignment"] == "ALIGNED"
    index = omics.get_read_set(
        sequenceStoreId=sequence_store, id=read_set, partNumber=1, file="INDEX"
    )["payload"].read()
    assert index.startswith(b"BAI\x01")
