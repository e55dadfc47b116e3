"""Isolation: no leaks after stop, environment credentials, threads."""

from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor

import boto3
import pytest

from omics_mock import active_mock, mock_omics

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
