"""Shares across accounts in one process: the subscriber runs the owner's workflow."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from omics_mock.pytest_plugin import shared_session

from .helpers import OUT, error_of, wdl_zip

OWNER, SUBSCRIBER, STRANGER = "111111111111", "222222222222", "333333333333"


def client_as(account: str) -> Any:
    return shared_session("us-east-1").client(
        "omics", aws_access_key_id=account, aws_secret_access_key="x"
    )


@pytest.fixture
def owner(omics_mock: Any) -> Any:
    return client_as(OWNER)


@pytest.fixture
def subscriber(omics_mock: Any) -> Any:
    return client_as(SUBSCRIBER)


@pytest.fixture
def owned_workflow(owner: Any) -> dict[str, Any]:
    created = owner.create_workflow(name="shared-wgs", definitionZip=wdl_zip())
    owner.get_waiter("workflow_active").wait(id=created["id"])
    return dict(created)


def share_and_accept(owner: Any, subscriber: Any, workflow: dict[str, Any]) -> str:
    share = owner.create_share(
        resourceArn=workflow["arn"], principalSubscriber=SUBSCRIBER, shareName="s"
    )
    subscriber.accept_share(shareId=share["shareId"])
    return str(share["shareId"])


def test_share_lifecycle(owner: Any, subscriber: Any, owned_workflow: dict[str, Any]) -> None:
    created = owner.create_share(
        resourceArn=owned_workflow["arn"], principalSubscriber=SUBSCRIBER, shareName="to-lab"
    )
    assert created["status"] == "PENDING"
    assert len(created["shareId"]) == 65 and created["shareId"][32] == "-"
    assert subscriber.accept_share(shareId=created["shareId"])["status"] == "ACTIVATING"
    share = subscriber.get_share(shareId=created["shareId"])["share"]
    assert (share["status"], share["ownerId"], share["principalSubscriber"]) == (
        "ACTIVE",
        OWNER,
        SUBSCRIBER,
    )
    assert share["resourceId"] == owned_workflow["id"]


def test_list_shares_by_side(owner: Any, subscriber: Any, owned_workflow: dict[str, Any]) -> None:
    share_id = share_and_accept(owner, subscriber, owned_workflow)
    assert [s["shareId"] for s in owner.list_shares(resourceOwner="SELF")["shares"]] == [share_id]
    assert owner.list_shares(resourceOwner="OTHER")["shares"] == []
    assert [s["shareId"] for s in subscriber.list_shares(resourceOwner="OTHER")["shares"]] == [
        share_id
    ]
    filtered = subscriber.list_shares(resourceOwner="OTHER", filter={"status": ["PENDING"]})
    assert filtered["shares"] == []


def test_subscriber_runs_the_owners_workflow(
    owner: Any, subscriber: Any, owned_workflow: dict[str, Any]
) -> None:
    share_and_accept(owner, subscriber, owned_workflow)
    got = subscriber.get_workflow(id=owned_workflow["id"], workflowOwnerId=OWNER)
    assert got["arn"] == owned_workflow["arn"]
    run = subscriber.start_run(
        workflowId=owned_workflow["id"],
        workflowOwnerId=OWNER,
        roleArn=f"arn:aws:iam::{SUBSCRIBER}:role/r",
        outputUri=OUT,
        parameters={"sample": "s"},
    )
    assert run["arn"].startswith(f"arn:aws:omics:us-east-1:{SUBSCRIBER}:run/")
    assert subscriber.get_run(id=run["id"])["workflowOwnerId"] == OWNER
    with pytest.raises(ClientError) as excinfo:
        owner.get_run(id=run["id"])
    assert error_of(excinfo)[:2] == ("ResourceNotFoundException", 404)


def test_duplicating_a_shared_workflow_run_is_refused(
    owner: Any, subscriber: Any, owned_workflow: dict[str, Any]
) -> None:
    share_and_accept(owner, subscriber, owned_workflow)
    run = subscriber.start_run(
        workflowId=owned_workflow["id"],
        workflowOwnerId=OWNER,
        roleArn=f"arn:aws:iam::{SUBSCRIBER}:role/r",
        outputUri=OUT,
        parameters={"sample": "s"},
    )
    with pytest.raises(ClientError) as excinfo:
        subscriber.start_run(
            runId=run["id"], roleArn=f"arn:aws:iam::{SUBSCRIBER}:role/r", outputUri=OUT
        )
    assert error_of(excinfo)[:2] == ("ValidationException", 400)


def test_without_an_active_share_the_workflow_is_not_found(
    owner: Any, subscriber: Any, owned_workflow: dict[str, Any]
) -> None:
    owner.create_share(resourceArn=owned_workflow["arn"], principalSubscriber=SUBSCRIBER)
    with pytest.raises(ClientError) as excinfo:
        subscriber.get_workflow(id=owned_workflow["id"], workflowOwnerId=OWNER)
    assert error_of(excinfo) == (
        "ResourceNotFoundException",
        404,
        f"Workflow {owned_workflow['id']} not found",
    )


def test_deleting_the_share_revokes_access(
    owner: Any, subscriber: Any, owned_workflow: dict[str, Any]
) -> None:
    share_id = share_and_accept(owner, subscriber, owned_workflow)
    assert subscriber.delete_share(shareId=share_id)["status"] == "DELETING"
    with pytest.raises(ClientError):
        subscriber.get_workflow(id=owned_workflow["id"], workflowOwnerId=OWNER)
    assert owner.get_share(shareId=share_id)["share"]["status"] == "DELETED"


def test_owner_cannot_delete_a_shared_workflow(
    owner: Any, subscriber: Any, owned_workflow: dict[str, Any]
) -> None:
    share_id = share_and_accept(owner, subscriber, owned_workflow)
    with pytest.raises(ClientError) as excinfo:
        owner.delete_workflow(id=owned_workflow["id"])
    assert error_of(excinfo)[:2] == ("ConflictException", 409)
    owner.delete_share(shareId=share_id)
    owner.delete_workflow(id=owned_workflow["id"])


def test_only_the_subscriber_accepts(owner: Any, owned_workflow: dict[str, Any]) -> None:
    share = owner.create_share(resourceArn=owned_workflow["arn"], principalSubscriber=SUBSCRIBER)
    with pytest.raises(ClientError) as excinfo:
        owner.accept_share(shareId=share["shareId"])
    assert error_of(excinfo)[:2] == ("AccessDeniedException", 403)


def test_strangers_do_not_see_shares(owner: Any, owned_workflow: dict[str, Any]) -> None:
    share = owner.create_share(resourceArn=owned_workflow["arn"], principalSubscriber=SUBSCRIBER)
    with pytest.raises(ClientError) as excinfo:
        client_as(STRANGER).get_share(shareId=share["shareId"])
    assert error_of(excinfo)[:2] == ("ResourceNotFoundException", 404)


def test_sharing_someone_elses_workflow_is_not_found(
    subscriber: Any, owned_workflow: dict[str, Any]
) -> None:
    with pytest.raises(ClientError) as excinfo:
        subscriber.create_share(resourceArn=owned_workflow["arn"], principalSubscriber=STRANGER)
    assert error_of(excinfo)[:2] == ("ResourceNotFoundException", 404)


def test_sharing_twice_with_the_same_account_is_a_conflict(
    owner: Any, owned_workflow: dict[str, Any]
) -> None:
    owner.create_share(resourceArn=owned_workflow["arn"], principalSubscriber=SUBSCRIBER)
    with pytest.raises(ClientError) as excinfo:
        owner.create_share(resourceArn=owned_workflow["arn"], principalSubscriber=SUBSCRIBER)
    assert error_of(excinfo)[:2] == ("ConflictException", 409)


def test_accepting_twice_is_a_conflict(
    owner: Any, subscriber: Any, owned_workflow: dict[str, Any]
) -> None:
    share_id = share_and_accept(owner, subscriber, owned_workflow)
    with pytest.raises(ClientError) as excinfo:
        subscriber.accept_share(shareId=share_id)
    assert error_of(excinfo)[:2] == ("ConflictException", 409)


def test_arns_of_other_resources_cannot_be_shared(owner: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        owner.create_share(
            resourceArn=f"arn:aws:omics:us-east-1:{OWNER}:runGroup/1234567",
            principalSubscriber=SUBSCRIBER,
        )
    code, status, message = error_of(excinfo)
    assert (code, status) == ("ValidationException", 400)
    assert "workflow, variant store or annotation store" in message
