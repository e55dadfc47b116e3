"""Direct upload: parts in any order and concurrently, Complete's checks, Abort, listings."""

from __future__ import annotations

import base64
import concurrent.futures
import datetime as _dt
import gzip
import hashlib
from typing import Any

import pytest
from botocore.exceptions import ClientError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .helpers import error_of
from .storage_helpers import download, fastq, fastq_gz, shape_problems, split, upload


def _create(omics: Any, store_id: str, **extra: Any) -> str:
    request = {
        "sequenceStoreId": store_id,
        "sourceFileType": "FASTQ",
        "subjectId": "subject-1",
        "sampleId": "sample-1",
        "name": "reads",
        **extra,
    }
    return str(omics.create_multipart_read_set_upload(**request)["uploadId"])


def _part(
    omics: Any, store_id: str, upload_id: str, data: bytes, number: int = 1, source: str = "SOURCE1"
) -> str:
    answer = omics.upload_read_set_part(
        sequenceStoreId=store_id,
        uploadId=upload_id,
        partSource=source,
        partNumber=number,
        payload=data,
    )
    return str(answer["checksum"])


def test_paired_fastq_round_trip(omics: Any, sequence_store: str, storage: Any) -> None:
    first, second = fastq_gz(40, seed=1), fastq_gz(40, seed=2)
    read_set_id = upload(
        omics,
        sequence_store,
        {"SOURCE1": first, "SOURCE2": second},
        part_size=300,
        tags={"project": "p1"},
    )
    metadata = omics.get_read_set_metadata(sequenceStoreId=sequence_store, id=read_set_id)
    assert shape_problems("GetReadSetMetadata", metadata) == []
    assert (metadata["status"], metadata["creationType"], metadata["fileType"]) == (
        "ACTIVE",
        "UPLOAD",
        "FASTQ",
    )
    assert set(metadata["files"]) == {"source1", "source2"}
    for key, data in (("source1", first), ("source2", second)):
        info = metadata["files"][key]
        assert info["contentLength"] == len(data)
        assert info["partSize"] == 64
        assert info["totalParts"] == -(-len(data) // 64)
        assert info["s3Access"]["s3Uri"].endswith(
            f"/sequenceStore/{sequence_store}/readSet/{read_set_id}/reads_{key}.fastq.gz"
        )
    assert download(omics, sequence_store, read_set_id, "SOURCE1") == first
    assert download(omics, sequence_store, read_set_id, "SOURCE2") == second
    assert metadata["etag"] == {
        "algorithm": "FASTQ_MD5up",
        "source1": hashlib.md5(gzip.decompress(first)).hexdigest(),
        "source2": hashlib.md5(gzip.decompress(second)).hexdigest(),
    }
    assert metadata["sequenceInformation"] == {
        "totalReadCount": 80,
        "totalBaseCount": 4000,
        "alignment": "UNALIGNED",
    }
    arn = metadata["arn"]
    assert arn.endswith(f":sequenceStore/{sequence_store}/readSet/{read_set_id}")
    assert omics.list_tags_for_resource(resourceArn=arn)["tags"] == {"project": "p1"}


@pytest.mark.parametrize(("family", "hasher"), [("SHA256up", "sha256"), ("SHA512up", "sha512")])
def test_etag_follows_the_store_family(omics: Any, family: str, hasher: str) -> None:
    store_id = omics.create_sequence_store(name="s", eTagAlgorithmFamily=family)["id"]
    text = fastq(10)
    read_set_id = upload(omics, store_id, {"SOURCE1": text})
    etag = omics.get_read_set_metadata(sequenceStoreId=store_id, id=read_set_id)["etag"]
    assert etag == {
        "algorithm": f"FASTQ_{family}",
        "source1": hashlib.new(hasher, text).hexdigest(),
    }


def test_part_checksum_is_base64_sha256(omics: Any, sequence_store: str) -> None:
    upload_id = _create(omics, sequence_store)
    checksum = _part(omics, sequence_store, upload_id, b"@r\nA\n+\nI\n")
    assert checksum == base64.b64encode(hashlib.sha256(b"@r\nA\n+\nI\n").digest()).decode()


def test_parts_uploaded_concurrently_in_any_order(
    omics: Any, sequence_store: str, storage: Any
) -> None:
    data = fastq_gz(300, seed=7)
    chunks = split(data, 100)
    upload_id = _create(omics, sequence_store)
    order = list(range(len(chunks)))[::-1]
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        checksums = dict(
            zip(
                order,
                pool.map(
                    lambda i: _part(omics, sequence_store, upload_id, chunks[i], i + 1), order
                ),
                strict=True,
            )
        )
    parts = [
        {"partSource": "SOURCE1", "partNumber": i + 1, "checksum": checksums[i]}
        for i in range(len(chunks))
    ]
    read_set_id = omics.complete_multipart_read_set_upload(
        sequenceStoreId=sequence_store, uploadId=upload_id, parts=parts
    )["readSetId"]
    assert download(omics, sequence_store, read_set_id) == data


def test_a_part_uploaded_again_replaces_the_first(
    omics: Any, sequence_store: str, omics_mock: Any
) -> None:
    upload_id = _create(omics, sequence_store)
    _part(omics, sequence_store, upload_id, b"old bytes")
    omics_mock.clock.advance(seconds=5)
    checksum = _part(omics, sequence_store, upload_id, b"@new\nACGT\n+\nIIII\n")
    listed = omics.list_read_set_upload_parts(
        sequenceStoreId=sequence_store, uploadId=upload_id, partSource="SOURCE1"
    )["parts"]
    assert [(p["partNumber"], p["partSize"], p["checksum"]) for p in listed] == [(1, 17, checksum)]
    assert listed[0]["lastUpdatedTime"] - listed[0]["creationTime"] >= _dt.timedelta(seconds=5)
    read_set_id = omics.complete_multipart_read_set_upload(
        sequenceStoreId=sequence_store,
        uploadId=upload_id,
        parts=[{"partSource": "SOURCE1", "partNumber": 1, "checksum": checksum}],
    )["readSetId"]
    assert download(omics, sequence_store, read_set_id) == b"@new\nACGT\n+\nIIII\n"


def test_uploads_are_listed_until_completed(omics: Any, sequence_store: str) -> None:
    upload_id = _create(omics, sequence_store, description="lane 1", tags={"k": "v"})
    listed = omics.list_multipart_read_set_uploads(sequenceStoreId=sequence_store)["uploads"]
    assert [u["uploadId"] for u in listed] == [upload_id]
    assert shape_problems("ListMultipartReadSetUploads", {"uploads": listed}) == []
    assert (listed[0]["description"], listed[0]["tags"]) == ("lane 1", {"k": "v"})
    checksum = _part(omics, sequence_store, upload_id, fastq(2))
    omics.complete_multipart_read_set_upload(
        sequenceStoreId=sequence_store,
        uploadId=upload_id,
        parts=[{"partSource": "SOURCE1", "partNumber": 1, "checksum": checksum}],
    )
    assert omics.list_multipart_read_set_uploads(sequenceStoreId=sequence_store)["uploads"] == []
    with pytest.raises(ClientError) as excinfo:
        _part(omics, sequence_store, upload_id, b"late")
    assert error_of(excinfo)[:2] == ("ResourceNotFoundException", 404)


def test_list_parts_by_source_and_creation_time(
    omics: Any, sequence_store: str, omics_mock: Any
) -> None:
    upload_id = _create(omics, sequence_store)
    _part(omics, sequence_store, upload_id, b"a" * 10, 1, "SOURCE1")
    omics_mock.clock.advance(minutes=1)
    later = _dt.datetime.now(_dt.timezone.utc) + omics_mock.clock.offset
    _part(omics, sequence_store, upload_id, b"b" * 20, 2, "SOURCE1")
    _part(omics, sequence_store, upload_id, b"c" * 30, 1, "SOURCE2")

    def parts(source: str, **extra: Any) -> list[tuple[int, int]]:
        answer = omics.list_read_set_upload_parts(
            sequenceStoreId=sequence_store, uploadId=upload_id, partSource=source, **extra
        )
        assert shape_problems("ListReadSetUploadParts", answer) == []
        return [(p["partNumber"], p["partSize"]) for p in answer["parts"]]

    assert parts("SOURCE1") == [(1, 10), (2, 20)]
    assert parts("SOURCE2") == [(1, 30)]
    assert parts("SOURCE1", filter={"createdAfter": later}) == [(2, 20)]
    assert parts("SOURCE1", maxResults=1) == [(1, 10)]


def test_abort_forgets_the_upload(omics: Any, sequence_store: str) -> None:
    upload_id = _create(omics, sequence_store)
    _part(omics, sequence_store, upload_id, b"bytes")
    omics.abort_multipart_read_set_upload(sequenceStoreId=sequence_store, uploadId=upload_id)
    assert omics.list_multipart_read_set_uploads(sequenceStoreId=sequence_store)["uploads"] == []
    for call in (
        lambda: omics.abort_multipart_read_set_upload(
            sequenceStoreId=sequence_store, uploadId=upload_id
        ),
        lambda: omics.list_read_set_upload_parts(
            sequenceStoreId=sequence_store, uploadId=upload_id, partSource="SOURCE1"
        ),
        lambda: _part(omics, sequence_store, upload_id, b"more"),
    ):
        with pytest.raises(ClientError) as excinfo:
            call()
        assert error_of(excinfo) == (
            "ResourceNotFoundException",
            404,
            f"Upload {upload_id} not found",
        )


@pytest.mark.parametrize(
    ("parts", "says"),
    [
        ([], "cannot be empty"),
        ([{"partSource": "SOURCE1", "partNumber": 3, "checksum": "x"}], "was not uploaded"),
        ([{"partSource": "SOURCE1", "partNumber": 1, "checksum": "wrong"}], "does not match"),
        ([{"partSource": "SOURCE1", "partNumber": 2, "checksum": "<2>"}], "without gaps"),
        ([{"partSource": "SOURCE2", "partNumber": 1, "checksum": "<s2>"}], "no SOURCE1"),
    ],
)
def test_complete_checks_the_listed_parts(
    omics: Any, sequence_store: str, parts: list[dict[str, Any]], says: str
) -> None:
    upload_id = _create(omics, sequence_store)
    sums = {
        "<1>": _part(omics, sequence_store, upload_id, b"@a\nA\n", 1),
        "<2>": _part(omics, sequence_store, upload_id, b"+\nI\n", 2),
        "<s2>": _part(omics, sequence_store, upload_id, b"@b\nC\n+\nI\n", 1, "SOURCE2"),
    }
    listed = [{**p, "checksum": sums.get(p["checksum"], p["checksum"])} for p in parts]
    with pytest.raises(ClientError) as excinfo:
        omics.complete_multipart_read_set_upload(
            sequenceStoreId=sequence_store, uploadId=upload_id, parts=listed
        )
    code, status, message = error_of(excinfo)
    assert (code, status) == ("ValidationException", 400)
    assert says in message
    assert omics.list_multipart_read_set_uploads(sequenceStoreId=sequence_store)["uploads"]


def test_parts_not_listed_are_left_out(omics: Any, sequence_store: str) -> None:
    upload_id = _create(omics, sequence_store)
    first = _part(omics, sequence_store, upload_id, b"@a\nA\n+\nI\n", 1)
    _part(omics, sequence_store, upload_id, b"ignored", 2)
    read_set_id = omics.complete_multipart_read_set_upload(
        sequenceStoreId=sequence_store,
        uploadId=upload_id,
        parts=[{"partSource": "SOURCE1", "partNumber": 1, "checksum": first}],
    )["readSetId"]
    assert download(omics, sequence_store, read_set_id) == b"@a\nA\n+\nI\n"


def test_part_refusals(omics: Any, sequence_store: str, omics_mock: Any) -> None:
    ubam = _create(omics, sequence_store, sourceFileType="UBAM")
    with pytest.raises(ClientError) as excinfo:
        _part(omics, sequence_store, ubam, b"bytes", source="SOURCE2")
    assert "only FASTQ" in error_of(excinfo)[2]
    omics_mock.settings.storage.quotas.max_part_bytes = 8
    with pytest.raises(ClientError) as excinfo:
        _part(omics, sequence_store, ubam, b"123456789")
    code, status, message = error_of(excinfo)
    assert (code, status) == ("ValidationException", 400)
    assert "at most 8 bytes" in message


def test_aligned_uploads_need_a_reference(omics: Any, sequence_store: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        _create(omics, sequence_store, sourceFileType="BAM")
    assert error_of(excinfo)[:2] == ("ValidationException", 400)


def test_upload_into_an_unknown_store_is_not_found(omics: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        _create(omics, "1234567890")
    assert error_of(excinfo) == (
        "ResourceNotFoundException",
        404,
        "Sequence store 1234567890 not found",
    )


def test_create_upload_client_token(omics: Any, sequence_store: str) -> None:
    first = _create(omics, sequence_store, clientToken="t")
    assert _create(omics, sequence_store, clientToken="t") == first
    with pytest.raises(ClientError) as excinfo:
        _create(omics, sequence_store, clientToken="t", name="other")
    assert error_of(excinfo)[:2] == ("ValidationException", 400)


def test_read_set_count_quota(omics: Any, sequence_store: str, omics_mock: Any) -> None:
    omics_mock.settings.storage.quotas.max_read_sets_per_store = 1
    upload(omics, sequence_store, {"SOURCE1": fastq(2)})
    with pytest.raises(ClientError) as excinfo:
        _create(omics, sequence_store)
    assert error_of(excinfo)[:2] == ("ServiceQuotaExceededException", 402)


def test_processing_upload_serves_sources_then_becomes_active(
    omics: Any, sequence_store: str, omics_mock: Any
) -> None:
    omics_mock.settings.storage.durations.upload_processing = _dt.timedelta(minutes=5)
    data = fastq_gz(5)
    read_set_id = upload(omics, sequence_store, {"SOURCE1": data})
    metadata = omics.get_read_set_metadata(sequenceStoreId=sequence_store, id=read_set_id)
    assert metadata["status"] == "PROCESSING_UPLOAD"
    assert "etag" not in metadata and "sequenceInformation" not in metadata
    assert download(omics, sequence_store, read_set_id) == data
    omics_mock.clock.advance(minutes=5)
    metadata = omics.get_read_set_metadata(sequenceStoreId=sequence_store, id=read_set_id)
    assert metadata["status"] == "ACTIVE" and "etag" in metadata


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    sizes=st.lists(st.integers(1, 300), min_size=1, max_size=6),
    second=st.lists(st.integers(1, 300), min_size=0, max_size=4),
    part_size=st.integers(1, 400),
    order=st.randoms(use_true_random=False),
)
def test_any_parts_in_any_order_read_back_exactly(
    omics: Any,
    omics_mock: Any,
    sequence_store: str,
    sizes: list[int],
    second: list[int],
    part_size: int,
    order: Any,
) -> None:
    """Whatever the parts and the served part size: every part but the last is exactly
    partSize, totalParts and contentLength agree, and the bytes come back as uploaded."""
    omics_mock.settings.storage.read_part_size = part_size
    files = {"SOURCE1": [bytes([n % 251]) * size for n, size in enumerate(sizes)]}
    if second:
        files["SOURCE2"] = [bytes([(n + 7) % 251]) * size for n, size in enumerate(second)]
    upload_id = _create(omics, sequence_store)
    jobs = [
        (source, n, chunk)
        for source, chunks in files.items()
        for n, chunk in enumerate(chunks, start=1)
    ]
    order.shuffle(jobs)
    listed = [
        {
            "partSource": source,
            "partNumber": n,
            "checksum": _part(omics, sequence_store, upload_id, chunk, n, source),
        }
        for source, n, chunk in jobs
    ]
    read_set_id = omics.complete_multipart_read_set_upload(
        sequenceStoreId=sequence_store, uploadId=upload_id, parts=listed
    )["readSetId"]
    for source, chunks in files.items():
        assert download(omics, sequence_store, read_set_id, source) == b"".join(chunks)
