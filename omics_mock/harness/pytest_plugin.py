"""pytest fixtures, registered through the ``pytest11`` entry point.

* ``omics_mock``: an active mock for the test (fresh state, stopped afterwards);
* ``omics_client``: a boto3 omics client in ``us-east-1`` talking to it;
* ``omics_clock``: the mock's virtual clock.

Clients come from one shared, already loaded boto3 session, so a test pays a
few milliseconds for its client instead of the ~100 ms of a fresh session.
The shared session carries fake credentials of its own and is never used
outside an active mock by these fixtures.

Types: with the omics stubs installed (``pip install 'boto3-stubs[omics]'``,
which brings ``mypy_boto3_omics``), ``omics_client`` and ``omics_client_for``
are typed as its ``OmicsClient``; without them, as ``Any``.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from mypy_boto3_omics import OmicsClient

    from ..service.kernel.clock import VirtualClock
    from .activation import OmicsMock
else:
    OmicsClient = Any

_session_lock = threading.Lock()
_sessions: dict[str, Any] = {}


def shared_session(region: str = "us-east-1") -> Any:
    """A boto3 session per Region, loaded once per process, with fake credentials."""
    with _session_lock:
        session = _sessions.get(region)
        if session is None:
            import boto3

            session = boto3.session.Session(
                aws_access_key_id="AKIAOMICSMOCK0000000",
                aws_secret_access_key="omics-mock-secret-access-key",
                region_name=region,
            )
            _sessions[region] = session
        return session


def omics_client_for(region: str = "us-east-1", **kwargs: Any) -> OmicsClient:
    """A new omics client from the shared session (kwargs go to ``client()``)."""
    client: OmicsClient = shared_session(region).client("omics", **kwargs)
    return client


@pytest.fixture
def omics_mock() -> Iterator[OmicsMock]:
    """An active omics mock, discarded after the test.

    If one of the mock's simulated events raised (a bug in omics-mock, not in the
    code under test), the test fails at teardown with that error.
    """
    from .activation import mock_omics  # loaded when a test uses the fixture, not by pytest

    with mock_omics() as mock:
        yield mock
        failures = mock.simulation_failures()
    if failures:
        due, error = failures[0]
        pytest.fail(
            f"omics-mock's simulation raised {len(failures)} time(s); first at {due}: "
            f"{type(error).__name__}: {error}. Please report it.",
            pytrace=False,
        )


@pytest.fixture
def omics_client(omics_mock: OmicsMock) -> OmicsClient:
    """A boto3 omics client (``us-east-1``) answered by ``omics_mock``."""
    return omics_client_for("us-east-1")


@pytest.fixture
def omics_clock(omics_mock: OmicsMock) -> VirtualClock:
    """The virtual clock of ``omics_mock``."""
    return omics_mock.clock
