"""Read sets: GetReadSet's refusals, ListReadSets' filters, BatchDeleteReadSet, archiving."""

from __future__ import annotations

import datetime as _dt
from typing import Any

import pytest
from botocore.exceptions import ClientError

from .helpers import error_of
from .storage_helpers import fastq, fastq_gz, shape_problems, upload


@pytest.fixture
def read_set(omics: Any, sequence_store: str, storage: Any) -> str:
    """A single-file FASTQ read set of 3 parts (64-byte parts served)."""
    return upload(omics, sequence_store, {"SOURCE1": fastq(2)[:150]})


def _get(omics: Any, store_id: str, read_set_id: str, **extra: Any) -> bytes:
    answer = omics.get_read_set(sequenceStoreId=store_id, id=read_set_id, **extra)
    return bytes(answer["payload"].read())


def test_parts_are_slices_of_the_file(omics: Any, sequence_store: str, read_set: str) -> None:
    data = fastq(2)[:150]
    assert _get(omics, sequence_store, read_set, partNumber=2) == data[64:128]
    assert _get(omics, sequence_store, read_set, partNumber=3, file="SOURCE1") == data[128:]


def test_a_part_past_the_end_is_range_not_satisfiable(
    omics: Any, sequence_store: str, read_set: str
) -> None:
    with pytest.raises(ClientError) as excinfo:
        _get(omics, sequence_store, read_set, partNumber=4)
    code, status, message = error_of(excinfo)
    assert (code, status) == ("RangeNotSatisfiableException", 416)
    assert "last part (3)" in message


@pytest.mark.parametrize("file", ["SOURCE2", "INDEX"])
def test_a_file_the_read_set_lacks_is_not_found(
    omics: Any, sequence_store: str, read_set: str, file: str
) -> None:
    with pytest.raises(ClientError) as excinfo:
        _get(omics, sequence_store, read_set, partNumber=1, file=file)
    assert error_of(excinfo) == (
        "ResourceNotFoundException",
        404,
        f"Read set {read_set} has no {file} file.",
    )


def test_unknown_read_set_and_store_are_not_found(omics: Any, sequence_store: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        omics.get_read_set_metadata(sequenceStoreId=sequence_store, id="1111111111")
    assert error_of(excinfo) == ("ResourceNotFoundException", 404, "Read set 1111111111 not found")
    with pytest.raises(ClientError) as excinfo:
        _get(omics, "2222222222", "1111111111", partNumber=1)
    assert error_of(excinfo)[2] == "Sequence store 2222222222 not found"


def test_a_read_set_of_another_store_is_not_found(
    omics: Any, sequence_store: str, read_set: str
) -> None:
    other = omics.create_sequence_store(name="other")["id"]
    with pytest.raises(ClientError) as excinfo:
        omics.get_read_set_metadata(sequenceStoreId=other, id=read_set)
    assert error_of(excinfo)[:2] == ("ResourceNotFoundException", 404)


def test_list_filters(omics: Any, sequence_store: str, omics_mock: Any) -> None:
    first = upload(omics, sequence_store, {"SOURCE1": fastq(1)}, name="alpha")
    omics_mock.clock.advance(minutes=1)
    later = _dt.datetime.now(_dt.timezone.utc) + omics_mock.clock.offset
    second = upload(
        omics, sequence_store, {"SOURCE1": fastq(1)}, name="beta", generatedFrom="lab-2"
    )
    third = upload(omics, sequence_store, {"SOURCE1": fastq(1)}, file_type="UBAM", name="beta")

    def listed(**filters: Any) -> list[str]:
        answer = omics.list_read_sets(sequenceStoreId=sequence_store, filter=filters)
        assert shape_problems("ListReadSets", answer) == []
        return [r["id"] for r in answer["readSets"]]

    assert listed() == [first, second, third]
    assert listed(name="beta") == [second, third]
    assert listed(createdAfter=later) == [second, third]
    assert listed(createdBefore=later) == [first]
    assert listed(generatedFrom="lab-2") == [second]
    assert listed(sampleId="sample-1", subjectId="subject-1", status="ACTIVE") == [
        first,
        second,
        third,
    ]
    assert listed(creationType="IMPORT") == []
    assert listed(referenceArn="") == [first, second, third]
    assert listed(status="ARCHIVED") == []


def test_list_pages_until_no_token(omics: Any, sequence_store: str) -> None:
    ids = [upload(omics, sequence_store, {"SOURCE1": fastq(1)}) for _ in range(5)]
    pages = omics.get_paginator("list_read_sets").paginate(
        sequenceStoreId=sequence_store, PaginationConfig={"PageSize": 2}
    )
    seen = [[r["id"] for r in page["readSets"]] for page in pages]
    assert seen == [ids[:2], ids[2:4], ids[4:]]


def test_list_of_an_unknown_store_is_not_found(omics: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        omics.list_read_sets(sequenceStoreId="1234567890")
    assert error_of(excinfo)[:2] == ("ResourceNotFoundException", 404)


def test_batch_delete(omics: Any, sequence_store: str, read_set: str) -> None:
    arn = omics.get_read_set_metadata(sequenceStoreId=sequence_store, id=read_set)["arn"]
    answer = omics.batch_delete_read_set(
        sequenceStoreId=sequence_store, ids=[read_set, "9999999999"]
    )
    assert answer["errors"] == [
        {"id": "9999999999", "code": "", "message": "The specified readset does not exist."}
    ]
    assert omics.list_read_sets(sequenceStoreId=sequence_store)["readSets"] == []
    with pytest.raises(ClientError) as excinfo:
        omics.get_read_set_metadata(sequenceStoreId=sequence_store, id=read_set)
    assert error_of(excinfo)[:2] == ("ResourceNotFoundException", 404)
    with pytest.raises(ClientError):
        omics.list_tags_for_resource(resourceArn=arn)
    assert "errors" not in omics.batch_delete_read_set(
        sequenceStoreId=sequence_store,
        ids=[upload(omics, sequence_store, {"SOURCE1": fastq(1)})],
    )


def test_deleting_lasts_the_configured_time(
    omics: Any, sequence_store: str, read_set: str, omics_mock: Any
) -> None:
    omics_mock.settings.storage.durations.read_set_deleting = _dt.timedelta(minutes=1)
    omics.batch_delete_read_set(sequenceStoreId=sequence_store, ids=[read_set])
    got = omics.get_read_set_metadata(sequenceStoreId=sequence_store, id=read_set)
    assert got["status"] == "DELETING"
    with pytest.raises(ClientError) as excinfo:
        _get(omics, sequence_store, read_set, partNumber=1)
    assert error_of(excinfo)[:2] == ("ConflictException", 409)
    omics_mock.clock.advance(minutes=1)
    assert omics.list_read_sets(sequenceStoreId=sequence_store)["readSets"] == []


def test_unread_read_sets_are_archived_after_30_days(
    omics: Any, sequence_store: str, read_set: str, omics_mock: Any
) -> None:
    omics_mock.clock.advance(days=20)
    _get(omics, sequence_store, read_set, partNumber=1)  # a read restarts the clock
    omics_mock.clock.advance(days=20)
    status = omics.get_read_set_metadata(sequenceStoreId=sequence_store, id=read_set)["status"]
    assert status == "ACTIVE"
    omics_mock.clock.advance(days=11)
    status = omics.get_read_set_metadata(sequenceStoreId=sequence_store, id=read_set)["status"]
    assert status == "ARCHIVED"
    with pytest.raises(ClientError) as excinfo:
        _get(omics, sequence_store, read_set, partNumber=1)
    code, status_code, message = error_of(excinfo)
    assert (code, status_code) == ("ConflictException", 409)
    assert "ARCHIVED" in message
    listed = omics.list_read_sets(sequenceStoreId=sequence_store, filter={"status": "ARCHIVED"})
    assert [r["id"] for r in listed["readSets"]] == [read_set]


def test_gzip_fastq_keeps_its_bytes(omics: Any, sequence_store: str) -> None:
    data = fastq_gz(30)
    read_set_id = upload(omics, sequence_store, {"SOURCE1": data}, part_size=100)
    assert _get(omics, sequence_store, read_set_id, partNumber=1) == data


def test_a_part_is_served_without_copying_the_stored_bytes(
    omics: Any, omics_mock: Any, sequence_store: str
) -> None:
    data = fastq_gz(50)
    omics_mock.settings.storage.read_part_size = len(data)
    upload_id = omics.create_multipart_read_set_upload(
        sequenceStoreId=sequence_store,
        sourceFileType="FASTQ",
        subjectId="s",
        sampleId="s",
        name="r",
    )["uploadId"]
    checksum = omics.upload_read_set_part(
        sequenceStoreId=sequence_store,
        uploadId=upload_id,
        partSource="SOURCE1",
        partNumber=1,
        payload=data,
    )["checksum"]
    read_set_id = omics.complete_multipart_read_set_upload(
        sequenceStoreId=sequence_store,
        uploadId=upload_id,
        parts=[{"partSource": "SOURCE1", "partNumber": 1, "checksum": checksum}],
    )["readSetId"]
    omics.get_read_set_metadata(sequenceStoreId=sequence_store, id=read_set_id)
    served = omics.get_read_set(sequenceStoreId=sequence_store, id=read_set_id, partNumber=1)
    # The very object the upload carried: stored once, handed back without a copy.
    assert served["payload"].read() is data
