"""Test helpers that prove the mock stays in process.

The ``no_network`` fixture (import ``no_network_fixture`` to use it) replaces
the socket layer with a refusal that is recorded, so a test can assert that
nothing even tried to connect (a refused connection that botocore or requests
swallowed would still show up in ``attempts``). Plus small builders.
"""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from botocore.config import Config
from botocore.exceptions import EndpointConnectionError

from omics_mock.pytest_plugin import omics_client_for

from .helpers import wdl_zip

NO_RETRIES = Config(retries={"total_max_attempts": 1})
"""For calls expected to fail: no real back-off sleeps between attempts."""


class NetworkGuard:
    """Records every attempt to resolve a name or open a connection."""

    def __init__(self) -> None:
        self.attempts: list[str] = []

    def refuse(self, what: str) -> Callable[..., Any]:
        def refused(*args: Any, **_: Any) -> Any:
            self.attempts.append(f"{what}{args[1:] if what.startswith('socket.') else args}")
            raise OSError(f"omics-mock tests: network disabled ({what})")

        return refused


@pytest.fixture(name="no_network")
def no_network_fixture(monkeypatch: pytest.MonkeyPatch) -> Iterator[NetworkGuard]:
    """Any DNS lookup or connection attempt raises and is recorded."""
    guard = NetworkGuard()
    monkeypatch.setattr(socket.socket, "connect", guard.refuse("socket.connect"))
    monkeypatch.setattr(socket.socket, "connect_ex", guard.refuse("socket.connect_ex"))
    monkeypatch.setattr(socket, "create_connection", guard.refuse("create_connection"))
    monkeypatch.setattr(socket, "getaddrinfo", guard.refuse("getaddrinfo"))
    yield guard


def new_client(**kwargs: Any) -> Any:
    """A boto3 omics client in us-east-1 from the plugin's shared session."""
    return omics_client_for("us-east-1", **kwargs)


def create_workflow(client: Any) -> str:
    return str(client.create_workflow(name="wgs", definitionZip=wdl_zip())["id"])


def private_workflows(client: Any) -> list[str]:
    return sorted(w["id"] for w in client.list_workflows(type="PRIVATE")["items"])


def assert_not_intercepted(guard: NetworkGuard) -> None:
    """An omics call now goes to the network (and the guard refuses it)."""
    with pytest.raises(EndpointConnectionError):
        new_client(config=NO_RETRIES).list_workflows()
    assert guard.attempts
