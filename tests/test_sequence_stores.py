"""Sequence stores: lifecycle, fields, filters, idempotency, refusals, S3 access policies."""

from __future__ import annotations

import datetime as _dt
import json
import re
from typing import Any

import pytest
from botocore.exceptions import ClientError

from .helpers import error_of
from .storage_helpers import fastq_gz, shape_problems, upload

ACCOUNT = "123456789012"
KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def test_create_answers_creating_and_the_store_is_active_next(omics: Any) -> None:
    created = omics.create_sequence_store(name="cohort", description="WGS cohort")
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert shape_problems("CreateSequenceStore", created) == []
    store_id = created["id"]
    assert re.fullmatch(r"[1-9]\d{9}", store_id)
    assert created["arn"] == f"arn:aws:omics:us-east-1:{ACCOUNT}:sequenceStore/{store_id}"
    assert created["status"] == "CREATING"
    assert created["eTagAlgorithmFamily"] == "MD5up"
    access = created["s3Access"]
    assert access["s3AccessPointArn"] == (
        f"arn:aws:s3:us-east-1:{ACCOUNT}:accesspoint/{ACCOUNT}-{store_id}"
    )
    alias = re.fullmatch(
        rf"s3://({ACCOUNT}-{store_id[:7]}-[a-z0-9]{{34}}-s3alias)/{ACCOUNT}/sequenceStore/{store_id}/",
        access["s3Uri"],
    )
    assert alias is not None and len(alias.group(1)) == 63
    got = omics.get_sequence_store(id=store_id)
    assert shape_problems("GetSequenceStore", got) == []
    assert got["status"] == "ACTIVE"
    assert got["description"] == "WGS cohort"
    assert "updateTime" in got


def test_creation_takes_the_configured_time(omics: Any, omics_mock: Any) -> None:
    omics_mock.settings.storage.durations.store_creating = _dt.timedelta(minutes=2)
    store_id = omics.create_sequence_store(name="slow")["id"]
    omics_mock.clock.advance(minutes=1)
    assert omics.get_sequence_store(id=store_id)["status"] == "CREATING"
    with pytest.raises(ClientError) as excinfo:
        omics.update_sequence_store(id=store_id, name="renamed")
    assert error_of(excinfo)[:2] == ("ConflictException", 409)
    omics_mock.clock.advance(minutes=1)
    assert omics.get_sequence_store(id=store_id)["status"] == "ACTIVE"


def test_every_option_is_echoed(omics: Any) -> None:
    created = omics.create_sequence_store(
        name="full",
        sseConfig={"type": "KMS", "keyArn": KEY_ARN},
        fallbackLocation="s3://fallback-bucket/failed/",
        eTagAlgorithmFamily="SHA256up",
        propagatedSetLevelTags=["project", "owner"],
        s3AccessConfig={"accessLogLocation": "s3://logs-bucket/omics/"},
        tags={"team": "genomics"},
    )
    got = omics.get_sequence_store(id=created["id"])
    assert got["sseConfig"] == {"type": "KMS", "keyArn": KEY_ARN}
    assert got["fallbackLocation"] == "s3://fallback-bucket/failed/"
    assert got["eTagAlgorithmFamily"] == "SHA256up"
    assert got["propagatedSetLevelTags"] == ["project", "owner"]
    assert got["s3Access"]["accessLogLocation"] == "s3://logs-bucket/omics/"
    assert omics.list_tags_for_resource(resourceArn=created["arn"])["tags"] == {"team": "genomics"}


def test_list_filters_and_pages(omics: Any, omics_mock: Any) -> None:
    first = omics.create_sequence_store(name="alpha")["id"]
    omics_mock.clock.advance(minutes=1)
    middle = _dt.datetime.now(_dt.timezone.utc) + omics_mock.clock.offset
    second = omics.create_sequence_store(name="beta")["id"]
    third = omics.create_sequence_store(name="beta")["id"]
    listed = omics.list_sequence_stores()["sequenceStores"]
    assert [s["id"] for s in listed] == [first, second, third]
    assert all(shape_problems("ListSequenceStores", {"sequenceStores": [s]}) == [] for s in listed)
    named = omics.list_sequence_stores(filter={"name": "beta"})["sequenceStores"]
    assert [s["id"] for s in named] == [second, third]
    recent = omics.list_sequence_stores(filter={"createdAfter": middle})["sequenceStores"]
    assert [s["id"] for s in recent] == [second, third]
    active = omics.list_sequence_stores(filter={"status": "ACTIVE"})["sequenceStores"]
    assert len(active) == 3
    pages = omics.get_paginator("list_sequence_stores").paginate(PaginationConfig={"PageSize": 2})
    sizes = [len(page["sequenceStores"]) for page in pages]
    assert sizes == [2, 1]


def test_update_changes_fields_and_passes_through_updating(omics: Any, omics_mock: Any) -> None:
    store_id = omics.create_sequence_store(name="before")["id"]
    omics_mock.settings.storage.durations.store_updating = _dt.timedelta(seconds=30)
    updated = omics.update_sequence_store(
        id=store_id,
        name="after",
        description="renamed",
        fallbackLocation="s3://fallback-bucket/",
        propagatedSetLevelTags=["project"],
    )
    assert shape_problems("UpdateSequenceStore", updated) == []
    assert (updated["name"], updated["status"]) == ("after", "UPDATING")
    with pytest.raises(ClientError) as excinfo:
        omics.delete_sequence_store(id=store_id)
    assert error_of(excinfo)[:2] == ("ConflictException", 409)
    omics_mock.clock.advance(seconds=30)
    got = omics.get_sequence_store(id=store_id)
    assert (got["status"], got["description"], got["fallbackLocation"]) == (
        "ACTIVE",
        "renamed",
        "s3://fallback-bucket/",
    )
    assert got["propagatedSetLevelTags"] == ["project"]
    cleared = omics.update_sequence_store(id=store_id, fallbackLocation="")
    assert "fallbackLocation" not in cleared


def test_create_with_the_same_client_token_answers_the_same_store(omics: Any) -> None:
    first = omics.create_sequence_store(name="once", clientToken="token-1")
    again = omics.create_sequence_store(name="once", clientToken="token-1")
    assert again["id"] == first["id"]
    assert len(omics.list_sequence_stores()["sequenceStores"]) == 1
    with pytest.raises(ClientError) as excinfo:
        omics.create_sequence_store(name="other", clientToken="token-1")
    assert error_of(excinfo)[:2] == ("ValidationException", 400)


def test_update_token_reused_with_another_request_is_a_conflict(
    omics: Any, sequence_store: str
) -> None:
    omics.update_sequence_store(id=sequence_store, name="one", clientToken="u-1")
    with pytest.raises(ClientError) as excinfo:
        omics.update_sequence_store(id=sequence_store, name="two", clientToken="u-1")
    assert error_of(excinfo)[:2] == ("ConflictException", 409)


def test_delete_then_get_is_not_found(omics: Any, sequence_store: str) -> None:
    arn = omics.get_sequence_store(id=sequence_store)["arn"]
    deleted = omics.delete_sequence_store(id=sequence_store)
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 200
    with pytest.raises(ClientError) as excinfo:
        omics.get_sequence_store(id=sequence_store)
    assert error_of(excinfo) == (
        "ResourceNotFoundException",
        404,
        f"Sequence store {sequence_store} not found",
    )
    with pytest.raises(ClientError) as excinfo:
        omics.delete_sequence_store(id=sequence_store)
    assert error_of(excinfo)[:2] == ("ResourceNotFoundException", 404)
    with pytest.raises(ClientError) as excinfo:
        omics.list_tags_for_resource(resourceArn=arn)
    assert error_of(excinfo)[:2] == ("ResourceNotFoundException", 404)


def test_a_store_holding_read_sets_cannot_be_deleted(omics: Any, sequence_store: str) -> None:
    read_set = upload(omics, sequence_store, {"SOURCE1": fastq_gz(4)})
    with pytest.raises(ClientError) as excinfo:
        omics.delete_sequence_store(id=sequence_store)
    code, status, message = error_of(excinfo)
    assert (code, status) == ("ConflictException", 409)
    assert "1 read set" in message
    omics.batch_delete_read_set(sequenceStoreId=sequence_store, ids=[read_set])
    omics.delete_sequence_store(id=sequence_store)


def test_a_store_with_an_upload_in_progress_cannot_be_deleted(
    omics: Any, sequence_store: str
) -> None:
    omics.create_multipart_read_set_upload(
        sequenceStoreId=sequence_store,
        sourceFileType="FASTQ",
        subjectId="s",
        sampleId="s",
        name="pending",
    )
    with pytest.raises(ClientError) as excinfo:
        omics.delete_sequence_store(id=sequence_store)
    assert "upload" in error_of(excinfo)[2]


def test_store_count_quota(omics: Any, omics_mock: Any) -> None:
    omics_mock.settings.storage.quotas.max_sequence_stores = 1
    omics.create_sequence_store(name="one")
    with pytest.raises(ClientError) as excinfo:
        omics.create_sequence_store(name="two")
    assert error_of(excinfo)[:2] == ("ServiceQuotaExceededException", 402)


def test_at_most_five_propagated_tags(omics: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        omics.create_sequence_store(name="x", propagatedSetLevelTags=[f"k{i}" for i in range(6)])
    assert error_of(excinfo)[:2] == ("ValidationException", 400)


def test_unknown_store_is_not_found(omics: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        omics.get_sequence_store(id="1234567890")
    assert error_of(excinfo) == (
        "ResourceNotFoundException",
        404,
        "Sequence store 1234567890 not found",
    )


# -- S3 access policies ---------------------------------------------------------------------


def _access_point(omics: Any, store_id: str) -> str:
    return str(omics.get_sequence_store(id=store_id)["s3Access"]["s3AccessPointArn"])


def test_a_new_store_has_the_default_policy(omics: Any, sequence_store: str) -> None:
    access_point = _access_point(omics, sequence_store)
    got = omics.get_s3_access_policy(s3AccessPointArn=access_point)
    assert shape_problems("GetS3AccessPolicy", got) == []
    assert (got["storeId"], got["storeType"]) == (sequence_store, "SEQUENCE_STORE")
    policy = json.loads(got["s3AccessPolicy"])
    resources = [s["Resource"] for s in policy["Statement"]]
    assert f"{access_point}/object/{ACCOUNT}/sequenceStore/{sequence_store}/*" in resources


def test_put_replaces_and_delete_removes_the_policy(omics: Any, sequence_store: str) -> None:
    access_point = _access_point(omics, sequence_store)
    policy = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": "arn:aws:iam::210987654321:root"},
                    "Action": "s3:GetObject",
                    "Resource": f"{access_point}/object/{ACCOUNT}/sequenceStore/*",
                    "Condition": {"StringEquals": {"s3:ExistingObjectTag/omics:subjectId": "s"}},
                }
            ],
        }
    )
    put = omics.put_s3_access_policy(s3AccessPointArn=access_point, s3AccessPolicy=policy)
    assert (put["storeId"], put["s3AccessPointArn"]) == (sequence_store, access_point)
    assert omics.get_s3_access_policy(s3AccessPointArn=access_point)["s3AccessPolicy"] == policy
    omics.delete_s3_access_policy(s3AccessPointArn=access_point)
    with pytest.raises(ClientError) as excinfo:
        omics.get_s3_access_policy(s3AccessPointArn=access_point)
    assert error_of(excinfo)[:2] == ("ResourceNotFoundException", 404)


@pytest.mark.parametrize(
    "statement",
    [
        {"Action": "s3:PutObject"},
        {"Resource": "arn:aws:s3:us-east-1:123456789012:accesspoint/someone-else/object/*"},
        {"NotAction": "s3:GetObject"},
        {"Condition": {"StringEquals": {"aws:SourceIp": "10.0.0.1"}}},
        {"Condition": {"StringEquals": {"aws:PrincipalArn": "arn:aws:iam::1:root"}}},
    ],
)
def test_unsupported_policies_are_refused(
    omics: Any, sequence_store: str, statement: dict[str, Any]
) -> None:
    access_point = _access_point(omics, sequence_store)
    base = {
        "Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::210987654321:root"},
        "Action": "s3:GetObject",
        "Resource": f"{access_point}/object/*",
    }
    policy = json.dumps({"Version": "2012-10-17", "Statement": [{**base, **statement}]})
    with pytest.raises(ClientError) as excinfo:
        omics.put_s3_access_policy(s3AccessPointArn=access_point, s3AccessPolicy=policy)
    assert error_of(excinfo)[:2] == ("ValidationException", 400)


def test_policies_over_the_size_limit_are_refused(omics: Any, sequence_store: str) -> None:
    access_point = _access_point(omics, sequence_store)
    policy = json.dumps({"Version": "2012-10-17", "Id": "x" * 16000, "Statement": []})
    with pytest.raises(ClientError) as excinfo:
        omics.put_s3_access_policy(s3AccessPointArn=access_point, s3AccessPolicy=policy)
    code, status, message = error_of(excinfo)
    assert (code, status) == ("ValidationException", 400)
    assert "15360 bytes" in message


def test_unknown_access_point_is_not_found(omics: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        omics.get_s3_access_policy(
            s3AccessPointArn=f"arn:aws:s3:us-east-1:{ACCOUNT}:accesspoint/{ACCOUNT}-1234567890"
        )
    assert error_of(excinfo)[:2] == ("ResourceNotFoundException", 404)
