"""A flood of mixed boto3 calls from 16 threads against one server: never a 5xx.

Each thread has its own client (retries off, so every answer counts as it
came) and loops over StartRun, GetRun of its latest run, ListRuns and GetRun of
an unknown ID (404) until the time is up. ``OMICS_MOCK_FLOOD_SECONDS`` sets the
duration (3 s by default); run with ``-s`` to see the figures:

    OMICS_MOCK_FLOOD_SECONDS=20 python -m pytest tests/test_server_flood.py -q -s
"""

from __future__ import annotations

import collections
import os
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from omics_mock.pytest_plugin import omics_client_for
from omics_mock.server import ThreadedServer

from .helpers import OUT, ROLE
from .server_http import NO_PREFIX, create_workflow

FLOOD_SECONDS = float(os.environ.get("OMICS_MOCK_FLOOD_SECONDS", "") or 3)
THREADS = 16
UNKNOWN_RUN = "9999999"
CLIENT_CONFIG = NO_PREFIX.merge(Config(max_pool_connections=2))


@dataclass
class Tally:
    """What one thread's calls came back with."""

    statuses: collections.Counter[tuple[str, int]] = field(default_factory=collections.Counter)
    unexpected: list[str] = field(default_factory=list)
    """Exceptions that are not an HTTP answer (connection reset, timeout, parse error)."""
    started: list[str] = field(default_factory=list)

    def call(self, operation: str, send: Callable[[], dict[str, Any]]) -> dict[str, Any] | None:
        try:
            response = send()
        except ClientError as error:
            self.statuses[operation, error.response["ResponseMetadata"]["HTTPStatusCode"]] += 1
            return None
        except Exception as error:  # reported by the test
            self.unexpected.append(f"{operation}: {error!r}")
            return None
        self.statuses[operation, response["ResponseMetadata"]["HTTPStatusCode"]] += 1
        return response


def flood(client: Any, workflow_id: str, start: threading.Barrier, tally: Tally) -> None:
    """Mixed calls until ``FLOOD_SECONDS`` after the barrier opens."""
    start.wait()
    deadline = time.monotonic() + FLOOD_SECONDS
    while time.monotonic() < deadline:
        started = tally.call(
            "StartRun",
            lambda: client.start_run(
                workflowId=workflow_id, roleArn=ROLE, outputUri=OUT, parameters={"sample": "x"}
            ),
        )
        if started is not None:
            tally.started.append(started["id"])
        if tally.started:
            tally.call("GetRun", lambda: client.get_run(id=tally.started[-1]))
        tally.call("ListRuns", lambda: client.list_runs(maxResults=20))
        tally.call("GetRun(unknown)", lambda: client.get_run(id=UNKNOWN_RUN))


@pytest.fixture
def server() -> Iterator[ThreadedServer]:
    with ThreadedServer() as running:
        yield running


def test_flood_of_mixed_calls_gets_no_server_error(server: ThreadedServer) -> None:
    workflow_id = create_workflow(omics_client_for(endpoint_url=server.url, config=NO_PREFIX))
    clients = [
        omics_client_for(endpoint_url=server.url, config=CLIENT_CONFIG) for _ in range(THREADS)
    ]
    tallies = [Tally() for _ in range(THREADS)]
    start = threading.Barrier(THREADS + 1)
    threads = [
        threading.Thread(target=flood, args=(client, workflow_id, start, tally))
        for client, tally in zip(clients, tallies, strict=True)
    ]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.monotonic()
    for thread in threads:
        thread.join(timeout=FLOOD_SECONDS + 120)
    elapsed = time.monotonic() - began

    statuses = sum((t.statuses for t in tallies), collections.Counter[tuple[str, int]]())
    unexpected = [message for t in tallies for message in t.unexpected]
    started = [run_id for t in tallies for run_id in t.started]
    calls = sum(statuses.values()) + len(unexpected)
    server_errors = sum(count for (_, status), count in statuses.items() if status >= 500)
    print(
        f"\n[omics-mock flood] {THREADS} threads, {elapsed:.1f} s: {calls} calls, "
        f"{calls / elapsed:.0f} calls/s, {server_errors} 5xx, {len(unexpected)} other failures; "
        + ", ".join(f"{op} {status}: {n}" for (op, status), n in sorted(statuses.items()))
    )
    assert not any(thread.is_alive() for thread in threads)
    assert (server_errors, unexpected) == (0, [])
    assert set(statuses) == {
        ("StartRun", 201),
        ("GetRun", 200),
        ("ListRuns", 200),
        ("GetRun(unknown)", 404),
    }
    listed = omics_client_for(endpoint_url=server.url, config=NO_PREFIX).get_paginator("list_runs")
    assert sorted(r["id"] for page in listed.paginate() for r in page["items"]) == sorted(started)
