"""m.storage: forced upload failures, failed and legacy stores, stored bytes; the storage
families built in any order; the request log keeps no uploaded bytes."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest
from botocore.exceptions import ClientError

from omics_mock.service import FAMILIES
from omics_mock.service.kernel.state import Family, ServiceState

from .helpers import error_of
from .storage_helpers import ROLE, fastq, fastq_gz, split, upload
from .test_architecture import BareClient


def test_a_forced_upload_failure_ends_upload_failed_at_the_fallback_location(
    omics: Any, omics_mock: Any
) -> None:
    store = omics.create_sequence_store(name="s", fallbackLocation="s3://fallback/failed/")["id"]
    created = omics.create_multipart_read_set_upload(
        sequenceStoreId=store, sourceFileType="FASTQ", subjectId="s", sampleId="s", name="lane"
    )
    omics_mock.storage.fail_upload(created["uploadId"], "Invalid FASTQ record")
    data = fastq(3)
    checksum = omics.upload_read_set_part(
        sequenceStoreId=store,
        uploadId=created["uploadId"],
        partSource="SOURCE1",
        partNumber=1,
        payload=data,
    )["checksum"]
    read_set_id = omics.complete_multipart_read_set_upload(
        sequenceStoreId=store,
        uploadId=created["uploadId"],
        parts=[{"partSource": "SOURCE1", "partNumber": 1, "checksum": checksum}],
    )["readSetId"]
    got = omics.get_read_set_metadata(sequenceStoreId=store, id=read_set_id)
    assert (got["status"], got["statusMessage"]) == ("UPLOAD_FAILED", "Invalid FASTQ record")
    with pytest.raises(ClientError) as excinfo:
        omics.get_read_set(sequenceStoreId=store, id=read_set_id, partNumber=1)
    assert error_of(excinfo)[:2] == ("ConflictException", 409)
    uri = f"s3://fallback/failed/{read_set_id}/lane_source1.fastq.gz"
    assert omics_mock.storage.s3_object(uri) == data


def test_read_set_bytes(omics: Any, omics_mock: Any, sequence_store: str) -> None:
    data = fastq_gz(5)
    read_set_id = upload(omics, sequence_store, {"SOURCE1": data}, part_size=50)
    assert omics_mock.storage.read_set_bytes(read_set_id) == data
    with pytest.raises(KeyError):
        omics_mock.storage.read_set_bytes(read_set_id, "SOURCE2")
    with pytest.raises(KeyError):
        omics_mock.storage.read_set_bytes("1234567890")


def test_a_failed_store_takes_no_uploads(omics: Any, omics_mock: Any, sequence_store: str) -> None:
    omics_mock.storage.fail_store(sequence_store, "Access point provisioning failed")
    got = omics.get_sequence_store(id=sequence_store)
    assert (got["status"], got["statusMessage"]) == ("FAILED", "Access point provisioning failed")
    with pytest.raises(ClientError) as excinfo:
        omics.create_multipart_read_set_upload(
            sequenceStoreId=sequence_store,
            sourceFileType="FASTQ",
            subjectId="s",
            sampleId="s",
            name="r",
        )
    assert error_of(excinfo)[:2] == ("ValidationException", 400)
    omics.delete_sequence_store(id=sequence_store)


def test_a_store_without_direct_upload(omics: Any, omics_mock: Any, sequence_store: str) -> None:
    omics_mock.storage.without_direct_upload(sequence_store)
    access_point = omics.get_sequence_store(id=sequence_store)["s3Access"]["s3AccessPointArn"]
    calls = [
        lambda: omics.list_multipart_read_set_uploads(sequenceStoreId=sequence_store),
        lambda: omics.create_multipart_read_set_upload(
            sequenceStoreId=sequence_store,
            sourceFileType="FASTQ",
            subjectId="s",
            sampleId="s",
            name="r",
        ),
        lambda: omics.get_s3_access_policy(s3AccessPointArn=access_point),
    ]
    for call in calls:
        with pytest.raises(ClientError) as excinfo:
            call()
        assert error_of(excinfo)[:2] == ("NotSupportedOperationException", 405)


def test_control_refuses_bad_arguments(omics_mock: Any) -> None:
    with pytest.raises(TypeError):
        omics_mock.storage.archive(1234567890)
    with pytest.raises(KeyError):
        omics_mock.storage.archive("1234567890")
    with pytest.raises(ValueError):
        omics_mock.storage.read_set_bytes("1234567890", "SOURCE3")
    with pytest.raises(TypeError):
        omics_mock.storage.fail_source("", "x")


def test_the_request_log_keeps_part_sizes_not_bytes(
    omics: Any, omics_mock: Any, sequence_store: str
) -> None:
    data = fastq(4)
    upload(omics, sequence_store, {"SOURCE1": data}, part_size=100)
    payloads = [c.params["payload"] for c in omics_mock.calls("UploadReadSetPart")]
    sizes = [len(part) for part in split(data, 100)][::-1]  # uploaded last part first
    assert payloads == [f"<{size} bytes>" for size in sizes]


# -- the storage families built in any order -------------------------------------------------


def storage_scenario(order: list[type[Family]]) -> str:
    state = ServiceState(order)
    state.settings.storage.read_part_size = 32
    omics = BareClient(state).client
    store = omics.create_sequence_store(name="s", clientToken="c")["id"]
    data = fastq(3)
    read_set = upload(omics, store, {"SOURCE1": data}, part_size=40)
    job = omics.start_read_set_import_job(
        sequenceStoreId=store,
        roleArn=ROLE,
        sources=[
            {
                "sourceFiles": {"source1": "s3://nobody/x.fastq.gz"},
                "sourceFileType": "FASTQ",
                "subjectId": "s",
                "sampleId": "s",
            }
        ],
    )["id"]
    seen: list[Any] = []
    for _ in range(4):
        state.clock.advance(minutes=1)
        seen.append(omics.get_read_set_import_job(sequenceStoreId=store, id=job)["status"])
    state.clock.advance(days=31)
    seen.append([r["status"] for r in omics.list_read_sets(sequenceStoreId=store)["readSets"]])
    seen.append(omics.get_read_set_metadata(sequenceStoreId=store, id=read_set)["files"])
    return json.dumps(seen, default=str)


def test_storage_families_can_be_built_in_any_order() -> None:
    expected = storage_scenario(list(FAMILIES))
    assert "ARCHIVED" in expected and "COMPLETED" in expected
    for seed in range(3):
        order = list(FAMILIES)
        random.Random(seed).shuffle(order)
        assert storage_scenario(order) == expected, [family.__name__ for family in order]
