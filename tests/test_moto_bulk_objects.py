"""Objects a run writes are put into moto's S3 in bulk (``outside.s3_bulk``): what moto
holds, and what its S3 API answers, equals what moto's own ``put_object`` makes; buckets
that are versioned or notify anyone get moto's own ``put_object``."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest

from .artifacts_world import moto_session

moto = pytest.importorskip("moto")

ACCOUNT = "123456789012"
REGION = "us-east-1"


@pytest.fixture
def s3() -> Iterator[Any]:
    with moto.mock_aws():
        client = moto_session().client("s3")
        client.create_bucket(Bucket="plain-bucket")
        yield client


def _put(objects: list[tuple[str, str, bytes]]) -> None:
    from omics_mock.service.outside import s3_writes

    writer = s3_writes.Objects(ACCOUNT, REGION)
    try:
        writer.put(objects)
    finally:
        writer.close()


def _moto_key(bucket: str, key: str) -> Any:
    from moto.s3.models import s3_backends

    return s3_backends[ACCOUNT]["aws"].get_bucket(bucket).keys[key]


def test_a_bulk_object_is_what_moto_makes(s3: Any) -> None:
    from moto.s3.models import s3_backends

    s3_backends[ACCOUNT]["aws"].put_object("plain-bucket", "by-moto", b"hello")
    _put([("plain-bucket", "bulk/a", b"hello"), ("plain-bucket", "bulk/b", b"")])
    by_moto, bulk = _moto_key("plain-bucket", "by-moto"), _moto_key("plain-bucket", "bulk/a")
    assert type(bulk) is type(by_moto) and list(vars(bulk)) == list(vars(by_moto))
    assert bulk in type(bulk).instances_tracked  # moto's reset sees it
    for shared in ("_metadata", "acl", "_value_buffer", "lock", "_transitions"):
        assert getattr(bulk, shared) is not getattr(by_moto, shared)
    other = _moto_key("plain-bucket", "bulk/b")
    assert bulk._value_buffer is not other._value_buffer and bulk._metadata is not other._metadata
    assert bulk._value_buffer._file is not other._value_buffer._file
    assert bulk._value_buffer.tell() == 5 == by_moto._value_buffer.tell()
    assert _moto_key("plain-bucket", "bulk/b").value == b""

    def seen(key: str) -> dict[str, Any]:
        got = s3.get_object(Bucket="plain-bucket", Key=key)
        return {
            "body": got["Body"].read(),
            "etag": got["ETag"],
            "length": got["ContentLength"],
            "type": got["ContentType"],
            "acl": s3.get_object_acl(Bucket="plain-bucket", Key=key)["Grants"],
            "storage": s3.head_object(Bucket="plain-bucket", Key=key).get("StorageClass"),
        }

    assert seen("bulk/a") == seen("by-moto")
    listed = s3.list_objects_v2(Bucket="plain-bucket")["Contents"]
    assert [(o["Key"], o["Size"]) for o in listed] == [
        ("bulk/a", 5),
        ("bulk/b", 0),
        ("by-moto", 5),
    ]


def test_writing_over_an_object_replaces_it_and_disposes_of_the_old_one(s3: Any) -> None:
    s3.put_object(Bucket="plain-bucket", Key="k", Body=b"old")
    old = _moto_key("plain-bucket", "k")
    _put([("plain-bucket", "k", b"new")])
    assert s3.get_object(Bucket="plain-bucket", Key="k")["Body"].read() == b"new"
    assert old.disposed
    s3.delete_object(Bucket="plain-bucket", Key="k")
    assert s3.list_objects_v2(Bucket="plain-bucket")["KeyCount"] == 0


def test_a_versioned_bucket_keeps_every_version(s3: Any) -> None:
    s3.create_bucket(Bucket="versioned-bucket")
    s3.put_bucket_versioning(
        Bucket="versioned-bucket", VersioningConfiguration={"Status": "Enabled"}
    )
    _put([("versioned-bucket", "k", b"one")])
    _put([("versioned-bucket", "k", b"two")])
    versions = s3.list_object_versions(Bucket="versioned-bucket")["Versions"]
    assert len(versions) == 2 and all(v["VersionId"] != "null" for v in versions)


def test_a_bucket_that_notifies_sends_its_notifications(s3: Any) -> None:
    sqs = moto_session().client("sqs")
    queue = sqs.create_queue(QueueName="created")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]
    s3.put_bucket_notification_configuration(
        Bucket="plain-bucket",
        NotificationConfiguration={
            "QueueConfigurations": [{"QueueArn": arn["QueueArn"], "Events": ["s3:ObjectCreated:*"]}]
        },
    )
    _put([("plain-bucket", "out/k", b"x")])
    messages = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10)["Messages"]
    records = [json.loads(m["Body"]).get("Records", []) for m in messages]
    keys = [r["s3"]["object"]["key"] for batch in records for r in batch]
    assert keys == ["out%2Fk"]  # as moto writes a key in a notification


def test_an_object_for_a_missing_bucket_is_left_out_and_logged(
    s3: Any, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="omics_mock"):
        _put([("no-such-bucket", "k", b"x"), ("plain-bucket", "k", b"y")])
    assert "could not write s3://no-such-bucket/k" in caplog.text
    assert s3.get_object(Bucket="plain-bucket", Key="k")["Body"].read() == b"y"


def test_when_the_bulk_maker_fails_moto_puts_the_object(
    s3: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from omics_mock.service.outside import s3_bulk

    def broken(self: Any, body: bytes) -> Any:
        raise AttributeError("another moto")

    monkeypatch.setattr(s3_bulk.Keys, "_new_buffer", broken)
    _put([("plain-bucket", "a", b"1"), ("plain-bucket", "b", b"2")])
    assert [s3.get_object(Bucket="plain-bucket", Key=k)["Body"].read() for k in "ab"] == [
        b"1",
        b"2",
    ]


def test_bulk_objects_copy_range_and_change_their_acl_one_at_a_time(s3: Any) -> None:
    """Objects of one hand-over share their "private" ACL: changing one's ACL (moto
    replaces it) leaves the others as they were."""
    _put([("plain-bucket", "a", b"hello world"), ("plain-bucket", "b", b"x")])
    source = {"Bucket": "plain-bucket", "Key": "a"}
    s3.copy_object(Bucket="plain-bucket", Key="c", CopySource=source)
    assert s3.get_object(Bucket="plain-bucket", Key="c")["Body"].read() == b"hello world"
    ranged = s3.get_object(Bucket="plain-bucket", Key="a", Range="bytes=0-4")["Body"].read()
    assert ranged == b"hello"
    s3.put_object_acl(Bucket="plain-bucket", Key="a", ACL="public-read")
    grants = {k: s3.get_object_acl(Bucket="plain-bucket", Key=k)["Grants"] for k in "ab"}
    assert len(grants["a"]) == 2 and len(grants["b"]) == 1
    assert grants["b"][0]["Permission"] == "FULL_CONTROL"
