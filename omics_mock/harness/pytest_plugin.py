"""pytest fixtures, registered through the ``pytest11`` entry point.

* ``omics_mock``: an active mock for the test (fresh state, stopped afterwards);
* ``omics_client``: a boto3 omics client in ``us-east-1`` talking to it;
* ``omics_clock``: the mock's virtual clock;
* ``omics_server``: a server (``ThreadedServer``) on a free port, one per test
  session and process (so one per pytest-xdist worker), reset before each test;
  for code under test in other processes and clients in other languages;
* ``omics_server_client``: a boto3 omics client talking to ``omics_server``.

The server starts with the ini options ``omics_server_time_scale`` (default 1)
and ``omics_server_progress`` (``time`` or ``per_poll``), and goes back to them
at each reset.

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

if TYPE_CHECKING:
    from .server.serving import ThreadedServer

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


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini(
        "omics_server_time_scale",
        "omics-mock: virtual seconds per real second of the omics_server fixture (default 1)",
        default="1",
    )
    parser.addini(
        "omics_server_progress",
        "omics-mock: run progress of the omics_server fixture: time or per_poll",
        default="time",
    )


@pytest.fixture(scope="session")
def omics_server_session(pytestconfig: pytest.Config) -> Iterator[ThreadedServer]:
    """This process's server: started once, on a free port, stopped at the end."""
    from .server.serving import ThreadedServer

    try:
        scale = float(pytestconfig.getini("omics_server_time_scale"))
    except ValueError:
        raise pytest.UsageError("omics_server_time_scale must be a number") from None
    progress = str(pytestconfig.getini("omics_server_progress"))
    with ThreadedServer(time_scale=scale, progress=progress) as server:
        yield server


@pytest.fixture
def omics_server(omics_server_session: ThreadedServer) -> ThreadedServer:
    """The process's server, reset: each test starts from an empty state with the
    start-up options (``url``, ``port``, ``control``, ``client_environment()``)."""
    omics_server_session.app.reset()
    return omics_server_session


@pytest.fixture
def omics_server_client(omics_server: ThreadedServer) -> Any:
    """A boto3 omics client (``us-east-1``, host prefixes off) talking to ``omics_server``."""
    from botocore.config import Config

    return omics_client_for(
        "us-east-1", endpoint_url=omics_server.url, config=Config(inject_host_prefix=False)
    )
