"""Shares of variant and annotation stores across accounts."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from omics_mock.pytest_plugin import shared_session

from .helpers import error_of

OWNER, SUBSCRIBER = "111111111111", "222222222222"
REFERENCE = "arn:aws:omics:us-east-1:111111111111:referenceStore/1234567890/reference/1234567890"
STORE_ARN = f"arn:aws:omics:us-east-1:{OWNER}:variantStore/calls"


def client_as(account: str) -> Any:
    return shared_session("us-east-1").client(
        "omics", aws_access_key_id=account, aws_secret_access_key="x"
    )


@pytest.fixture
def owner(omics_mock: Any) -> Any:
    omics_mock.settings.analytics.reference_check = "any"
    client = client_as(OWNER)
    client.create_variant_store(name="calls", reference={"referenceArn": REFERENCE})
    client.get_waiter("variant_store_created").wait(name="calls")
    return client


@pytest.fixture
def subscriber(omics_mock: Any) -> Any:
    return client_as(SUBSCRIBER)


def test_share_a_variant_store(owner: Any, subscriber: Any) -> None:
    store_id = owner.get_variant_store(name="calls")["id"]
    created = owner.create_share(resourceArn=STORE_ARN, principalSubscriber=SUBSCRIBER)
    assert created["status"] == "PENDING"
    subscriber.accept_share(shareId=created["shareId"])
    share = subscriber.get_share(shareId=created["shareId"])["share"]
    assert (share["status"], share["resourceId"], share["resourceArn"]) == (
        "ACTIVE",
        store_id,
        STORE_ARN,
    )


def test_list_shares_by_type(owner: Any, subscriber: Any) -> None:
    owner.create_annotation_store(
        name="genes", storeFormat="GFF", reference={"referenceArn": REFERENCE}
    )
    owner.get_waiter("annotation_store_created").wait(name="genes")
    genes = f"arn:aws:omics:us-east-1:{OWNER}:annotationStore/genes"
    owner.create_share(resourceArn=STORE_ARN, principalSubscriber=SUBSCRIBER)
    owner.create_share(resourceArn=genes, principalSubscriber=SUBSCRIBER)

    def arns(types: list[str]) -> list[str]:
        shares = subscriber.list_shares(resourceOwner="OTHER", filter={"type": types})["shares"]
        return sorted(s["resourceArn"] for s in shares)

    assert arns(["VARIANT_STORE"]) == [STORE_ARN]
    assert arns(["ANNOTATION_STORE"]) == [genes]
    assert arns(["WORKFLOW"]) == []
    assert arns(["VARIANT_STORE", "ANNOTATION_STORE"]) == sorted([STORE_ARN, genes])


def test_deleting_the_store_ends_its_shares(owner: Any, subscriber: Any) -> None:
    share_id = owner.create_share(resourceArn=STORE_ARN, principalSubscriber=SUBSCRIBER)["shareId"]
    subscriber.accept_share(shareId=share_id)
    owner.delete_variant_store(name="calls")
    owner.get_waiter("variant_store_deleted").wait(name="calls")
    assert subscriber.get_share(shareId=share_id)["share"]["status"] == "DELETED"


def test_the_subscriber_sees_the_end_without_the_owner_calling(
    owner: Any, subscriber: Any, clock: Any
) -> None:
    share_id = owner.create_share(resourceArn=STORE_ARN, principalSubscriber=SUBSCRIBER)["shareId"]
    owner.delete_variant_store(name="calls")
    clock.advance(minutes=5)
    listed = subscriber.list_shares(resourceOwner="OTHER")["shares"]
    assert [(s["shareId"], s["status"]) for s in listed] == [(share_id, "DELETED")]


def test_sharing_twice_and_the_quota(owner: Any, omics_mock: Any) -> None:
    owner.create_share(resourceArn=STORE_ARN, principalSubscriber=SUBSCRIBER)
    with pytest.raises(ClientError) as excinfo:
        owner.create_share(resourceArn=STORE_ARN, principalSubscriber=SUBSCRIBER)
    assert error_of(excinfo)[:2] == ("ConflictException", 409)
    omics_mock.settings.analytics.quotas.max_shares_per_store = 1
    with pytest.raises(ClientError) as excinfo:
        owner.create_share(resourceArn=STORE_ARN, principalSubscriber="333333333333")
    code, status, message = error_of(excinfo)
    assert (code, status) == ("ServiceQuotaExceededException", 402)
    assert "maximum number of shares (1)" in message


def test_unknown_foreign_and_unready_stores(owner: Any, subscriber: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        owner.create_share(
            resourceArn=f"arn:aws:omics:us-east-1:{OWNER}:annotationStore/nothing",
            principalSubscriber=SUBSCRIBER,
        )
    assert error_of(excinfo) == (
        "ResourceNotFoundException",
        404,
        "Annotation store nothing not found",
    )
    with pytest.raises(ClientError) as excinfo:
        subscriber.create_share(resourceArn=STORE_ARN, principalSubscriber="333333333333")
    assert error_of(excinfo)[:2] == ("ResourceNotFoundException", 404)
    owner.create_variant_store(name="fresh", reference={"referenceArn": REFERENCE})
    with pytest.raises(ClientError) as excinfo:
        owner.create_share(
            resourceArn=f"arn:aws:omics:us-east-1:{OWNER}:variantStore/fresh",
            principalSubscriber=SUBSCRIBER,
        )
    assert error_of(excinfo)[:2] == ("ConflictException", 409)
