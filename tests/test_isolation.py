"""Isolation: no leaks after stop, environment credentials, threads."""

from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor

import boto3
import pytest

from omics_mock import MockStoppedError, active_mock, mock_omics

from .guards import (  # noqa: F401
    NO_RETRIES,
    NetworkGuard,
    assert_not_intercepted,
    create_workflow,
    new_client,
    no_network_fixture,
    private_workflows,
)

# -- no leaks --------------------------------------------------------------------------


def test_nothing_is_intercepted_after_stop(no_network: NetworkGuard) -> None:
    client = new_client(config=NO_RETRIES)
    with mock_omics():
        client.list_workflows()
    assert no_network.attempts == []
    assert_not_intercepted(no_network)


def test_a_client_made_in_a_mock_refuses_at_once_after_the_mock_stops(
    no_network: NetworkGuard,
) -> None:
    with mock_omics():
        client = new_client(config=NO_RETRIES)
        workflow = create_workflow(client)
    with pytest.raises(MockStoppedError, match="created inside an omics-mock mock"):
        client.get_workflow(id=workflow)
    with pytest.raises(MockStoppedError):
        client.get_waiter("workflow_active").wait(id=workflow)
    assert no_network.attempts == []


def test_a_client_made_in_a_mock_but_never_used_there_stays_offline(
    no_network: NetworkGuard,
) -> None:
    with mock_omics():
        client = boto3.client("omics", region_name="us-east-1")
    with pytest.raises(MockStoppedError):
        client.list_runs()
    assert no_network.attempts == []


def test_a_client_made_in_a_mock_works_again_in_the_next_mock() -> None:
    with mock_omics():
        client = new_client()
    with mock_omics():
        assert private_workflows(client) == []


def test_a_client_made_in_an_inner_mock_is_answered_until_the_last_mock_stops(
    no_network: NetworkGuard,
) -> None:
    with mock_omics():
        with mock_omics():
            client = new_client()
            workflow = create_workflow(client)
        assert private_workflows(client) == [workflow]
    with pytest.raises(MockStoppedError):
        private_workflows(client)
    assert no_network.attempts == []


def test_a_client_made_outside_any_mock_goes_its_normal_way_after_one(
    no_network: NetworkGuard,
) -> None:
    from botocore.exceptions import EndpointConnectionError

    client = new_client(config=NO_RETRIES)
    with mock_omics():
        create_workflow(client)
    with pytest.raises(EndpointConnectionError):
        client.list_workflows()
    assert any("workflows-omics.us-east-1.amazonaws.com" in a for a in no_network.attempts)


def test_plain_requests_are_not_intercepted_after_stop(no_network: NetworkGuard) -> None:
    import requests

    url = "https://workflows-omics.us-east-1.amazonaws.com/workflow/1234567"
    with mock_omics():
        assert requests.get(url, timeout=5).status_code == 404
    with pytest.raises(requests.ConnectionError):
        requests.get(url, timeout=5)
    assert no_network.attempts


def test_next_mock_starts_empty() -> None:
    with mock_omics() as mock:
        create_workflow(new_client())
        mock.faults.inject("ListWorkflows", "ThrottlingException", times=50)
    with mock_omics() as mock:
        assert private_workflows(new_client()) == []
        assert mock.requests[0].error_code is None


# -- environment credentials ---------------------------------------------------------

VARIABLES = (
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_DEFAULT_REGION",
    "AWS_REGION",
)


@pytest.mark.parametrize("state", ["real", "empty", "unset"])
def test_environment_is_faked_while_active_and_restored_exactly(
    monkeypatch: pytest.MonkeyPatch, state: str
) -> None:
    for name in VARIABLES:
        if state == "unset":
            monkeypatch.delenv(name, raising=False)
        else:
            real = "eu-west-2" if name.endswith("REGION") else f"user-{name.lower()}"
            monkeypatch.setenv(name, "" if state == "empty" else real)
    before = dict(os.environ)

    with mock_omics():
        credentials = boto3.session.Session().get_credentials()
        for name, value in (
            ("AWS_ACCESS_KEY_ID", credentials.access_key),
            ("AWS_SECRET_ACCESS_KEY", credentials.secret_key),
        ):
            assert value == os.environ[name] != before.get(name)
        assert credentials.token is None
        assert "AWS_SESSION_TOKEN" not in os.environ
        assert boto3.client("omics").list_workflows()["ResponseMetadata"]["HTTPStatusCode"] == 200

    assert dict(os.environ) == before


def test_nested_mocks_restore_the_environment_once() -> None:
    before = dict(os.environ)
    with mock_omics(), mock_omics():
        faked = dict(os.environ)
    assert dict(os.environ) == before
    assert faked != before


# -- threads -------------------------------------------------------------------------


def test_requests_from_other_threads_are_answered(no_network: NetworkGuard) -> None:
    with mock_omics():
        client = new_client()
        with ThreadPoolExecutor(max_workers=8) as pool:
            created = list(pool.map(lambda _: create_workflow(client), range(16)))
            own_clients = list(pool.map(lambda _: create_workflow(new_client()), range(4)))
        assert private_workflows(client) == sorted(created + own_clients)
    assert no_network.attempts == []


def test_a_mock_started_in_another_thread_serves_this_one() -> None:
    started, release = threading.Event(), threading.Event()

    def hold_mock() -> None:
        with mock_omics():
            started.set()
            release.wait(5)

    holder = threading.Thread(target=hold_mock)
    holder.start()
    try:
        assert started.wait(5)
        assert create_workflow(new_client()).isdigit()
    finally:
        release.set()
        holder.join()
    assert active_mock() is None
