"""The HTTP control API refuses bad input with 400 ``{"error"}`` and changes nothing.

Each case sends one bad body (raw bytes, so non-JSON numbers and deep nesting
reach the server as written) and compares the server's state before and after.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import asdict
from typing import Any

import pytest

from omics_mock.pytest_plugin import omics_client_for
from omics_mock.server import ThreadedServer
from omics_mock.service.outside.s3 import MemoryS3
from omics_mock.service.runs.ops import Runs
from omics_mock.service.runs.steering import RunSteering

from .server_http import NO_PREFIX, call, create_workflow, start_run

DEEP = 10_000
"""Nesting deep enough that ``json.loads`` raises RecursionError."""


@pytest.fixture(scope="module")
def server() -> Iterator[ThreadedServer]:
    with ThreadedServer() as running:
        yield running


@pytest.fixture(scope="module")
def client(server: ThreadedServer) -> Any:
    return omics_client_for(endpoint_url=server.url, config=NO_PREFIX)


@pytest.fixture
def run_id(server: ThreadedServer, client: Any) -> str:
    """A PENDING run on a freshly reset server."""
    assert call(server, "POST", "/_omics_mock/reset")[0] == 200
    return start_run(client, create_workflow(client))


def state_of(server: ThreadedServer) -> str:
    """Everything a control endpoint can change, as comparable text."""
    control = server.control
    door = server.app.door
    steering = door.state.shared(RunSteering)
    runs = {
        run.id: (run.status, repr(run.timing), repr(run.outcome), run.failure_reason)
        for backend in door.state.backends()
        for run in backend.get(Runs).store.values()
    }
    return repr(
        (
            control.clock.offset,
            control.clock.scale,
            asdict(control.settings),
            control.faults.pending(),
            dict(door.accounts.by_access_key),
            dict(door.state.shared(MemoryS3).objects),
            dict(steering.workflow_timing),
            {workflow: list(queue) for workflow, queue in steering.scripts.items()},
            steering.default_outcome,
            steering.per_poll,
            runs,
        )
    )


def dumps(value: Any) -> bytes:
    return json.dumps(value).encode()


NESTED_LISTS = b"[" * DEEP + b"]" * DEEP
NESTED_OBJECTS = b'{"seconds":' * DEEP + b"1" + b"}" * DEEP

REFUSED: list[tuple[str, str, bytes]] = [
    # -- the body itself
    ("POST", "/clock/advance", NESTED_LISTS),
    ("POST", "/clock/advance", NESTED_OBJECTS),
    ("PUT", "/quotas", b'{"max_workflows": ' + b"[" * DEEP + b"]" * DEEP + b"}"),
    ("POST", "/clock/advance", b"Infinity"),
    ("POST", "/clock/advance", b"[1, 2]"),
    ("POST", "/clock/advance", b"{not json"),
    ("POST", "/clock/advance", b"\xff\xfe\xfd"),
    ("POST", "/clock/advance", b"1" * 5000),
    # -- /clock/advance
    ("POST", "/clock/advance", b'{"seconds": Infinity}'),
    ("POST", "/clock/advance", b'{"seconds": -Infinity}'),
    ("POST", "/clock/advance", b'{"seconds": NaN}'),
    ("POST", "/clock/advance", b'{"seconds": 1e308}'),
    ("POST", "/clock/advance", b'{"seconds": 1e400}'),
    ("POST", "/clock/advance", b'{"days": 1e12}'),
    ("POST", "/clock/advance", b'{"days": 1000000000}'),
    ("POST", "/clock/advance", b'{"days": -1}'),
    ("POST", "/clock/advance", b'{"seconds": -0.5}'),
    ("POST", "/clock/advance", b'{"hours": true}'),
    ("POST", "/clock/advance", b'{"minutes": "5"}'),
    ("POST", "/clock/advance", b'{"seconds": null}'),
    ("POST", "/clock/advance", b'{"weeks": 1}'),
    ("POST", "/clock/advance", b'{"days": 365000, "hours": 1}'),
    ("POST", "/clock/advance", b'{"days": 1, "hours": -1}'),
    # -- /clock/scale
    ("POST", "/clock/scale", b"{}"),
    ("POST", "/clock/scale", b'{"scale": Infinity}'),
    ("POST", "/clock/scale", b'{"scale": NaN}'),
    ("POST", "/clock/scale", b'{"scale": -1}'),
    ("POST", "/clock/scale", b'{"scale": 1e7}'),
    ("POST", "/clock/scale", b'{"scale": 1e400}'),
    ("POST", "/clock/scale", b'{"scale": true}'),
    ("POST", "/clock/scale", b'{"scale": "600"}'),
    ("POST", "/clock/scale", b'{"scale": null}'),
    ("POST", "/clock/scale", b'{"scale": 600, "seconds": 1}'),
    # -- PUT /quotas
    ("PUT", "/quotas", b'{"max_workflows": Infinity}'),
    ("PUT", "/quotas", b'{"max_workflows": NaN}'),
    ("PUT", "/quotas", b'{"max_workflows": 1e308}'),
    ("PUT", "/quotas", b'{"max_workflows": 1e400}'),
    ("PUT", "/quotas", b'{"max_workflows": -1}'),
    ("PUT", "/quotas", b'{"max_workflows": 1.5}'),
    ("PUT", "/quotas", b'{"max_workflows": true}'),
    ("PUT", "/quotas", b'{"max_workflows": "many"}'),
    ("PUT", "/quotas", b'{"max_workflows": null}'),
    ("PUT", "/quotas", b'{"max_workflows": [1]}'),
    ("PUT", "/quotas", b'{"max_runs": 9007199254740992}'),
    ("PUT", "/quotas", b'{"start_run_tps": 0}'),
    ("PUT", "/quotas", b'{"start_run_tps": 1e-9}'),
    ("PUT", "/quotas", b'{"cancel_run_tps": Infinity}'),
    ("PUT", "/quotas", b'{"delete_run_tps": false}'),
    ("PUT", "/quotas", b'{"max_coffee": 1}'),
    ("PUT", "/quotas", b'{"max_workflows": 2, "max_runs": -1}'),
    # -- POST /durations
    ("POST", "/durations", b'{"pending": Infinity}'),
    ("POST", "/durations", b'{"pending": NaN}'),
    ("POST", "/durations", b'{"pending": 1e308}'),
    ("POST", "/durations", b'{"running": 1e8}'),
    ("POST", "/durations", b'{"pending": -1}'),
    ("POST", "/durations", b'{"task": true}'),
    ("POST", "/durations", b'{"stopping": "60"}'),
    ("POST", "/durations", b'{"starting": null}'),
    ("POST", "/durations", b'{"workflow_id": 5, "pending": 1}'),
    ("POST", "/durations", b'{"run_id": ["x"], "pending": 1}'),
    ("POST", "/durations", b'{"pending": 1, "task": -1}'),
    ("POST", "/durations", b'{"phase": 1}'),
    # -- PUT /s3
    ("PUT", "/s3", b'{"uri": "nope", "data": "x"}'),
    ("PUT", "/s3", b'{"uri": "s3://bucket-only", "data": "x"}'),
    ("PUT", "/s3", b'{"uri": "s3://b/", "data": "x"}'),
    ("PUT", "/s3", b'{"uri": 5, "data": "x"}'),
    ("PUT", "/s3", b'{"uri": "s3://b/k"}'),
    ("PUT", "/s3", b'{"uri": "s3://b/k", "data": "x", "data_base64": "eA=="}'),
    ("PUT", "/s3", b'{"uri": "s3://b/k", "data_base64": "@@@"}'),
    ("PUT", "/s3", b'{"uri": "s3://b/k", "data_base64": "abc"}'),
    ("PUT", "/s3", b'{"uri": "s3://b/k", "data_base64": "\\u00e9A=="}'),
    ("PUT", "/s3", b'{"uri": "s3://b/k", "data": "\\ud800"}'),
    ("PUT", "/s3", b'{"uri": "s3://b/k", "data": 5}'),
    # -- POST /faults
    ("POST", "/faults", b'{"operation": "GetRun", "times": 0}'),
    ("POST", "/faults", b'{"operation": "GetRun", "times": 1.5}'),
    ("POST", "/faults", b'{"operation": "GetRun", "times": true}'),
    ("POST", "/faults", b'{"operation": "GetRun", "times": 1e308}'),
    ("POST", "/faults", b'{"operation": "GetRun", "message": 5}'),
    ("POST", "/faults", b'{"operation": 5}'),
    ("POST", "/faults", b'{"operation": "NoSuchOperation"}'),
    ("POST", "/faults", b'{"operation": "GetRun", "error": "Nope"}'),
    ("POST", "/faults", b'{"operation": "GetRun", "error": null}'),
    # -- outcomes, progress, accounts
    ("POST", "/default-outcome", b'{"outcome": ["BOGUS", "x"]}'),
    ("POST", "/default-outcome", b'{"outcome": ["COMPLETED", "x"]}'),
    ("POST", "/default-outcome", b'{"outcome": ["FAILED", 5]}'),
    ("POST", "/default-outcome", b'{"outcome": "completed"}'),
    ("POST", "/default-outcome", b'{"outcome": 5}'),
    ("POST", "/default-outcome", b"{}"),
    ("POST", "/workflows/1234567/outcomes", b'{"outcomes": "COMPLETED"}'),
    ("POST", "/workflows/1234567/outcomes", b'{"outcomes": ["COMPLETED", "nope"]}'),
    ("POST", "/workflows/1234567/outcomes", b'{"outcomes": [["FAILED"]]}'),
    ("POST", "/progress", b'{"mode": "fast"}'),
    ("POST", "/progress", b'{"mode": 1}'),
    ("POST", "/accounts", b'{"access_key_id": "AKIA1", "account_id": "12345"}'),
    ("POST", "/accounts", b'{"access_key_id": "AKIA1", "account_id": 111122223333}'),
    ("POST", "/accounts", b'{"access_key_id": "", "account_id": "111122223333"}'),
    ("POST", "/accounts", b'{"access_key_id": 5, "account_id": "111122223333"}'),
    (
        "POST",
        "/accounts",
        dumps({"access_key_id": "AKIA1", "account_id": "\uff11" * 12}),  # fullwidth 1s
    ),
    # -- endpoints without fields
    ("POST", "/reset", b'{"keep": "workflows"}'),
    ("DELETE", "/faults", b'{"operation": "GetRun"}'),
    # -- run endpoints, on a live run
    ("POST", "/runs/{run}/fail", b'{"reason": 5}'),
    ("POST", "/runs/{run}/fail", b'{"message": ["x"]}'),
    ("POST", "/runs/{run}/fail", b'{"immediately": "yes"}'),
    ("POST", "/runs/{run}/fail", b'{"account_id": 123456789012}'),
    ("POST", "/runs/{run}/complete", b'{"immediately": 1}'),
    ("POST", "/runs/{run}/complete", b'{"region": false}'),
    ("POST", "/runs/{run}/keep-running", b'{"hold": true}'),
    ("GET", "/runs/{run}", b'{"region": 5}'),
]


@pytest.mark.parametrize(
    ("method", "path", "body"),
    REFUSED,
    ids=[f"{m} {p} {b[:48]!r}" for m, p, b in REFUSED],
)
def test_bad_input_is_refused_without_changing_state(
    server: ThreadedServer, run_id: str, method: str, path: str, body: bytes
) -> None:
    before = state_of(server)
    status, payload, response = call(server, method, "/_omics_mock" + path.format(run=run_id), body)
    assert (status, response.getheader("Content-Type")) == (400, "application/json"), payload
    assert isinstance(payload["error"], str) and payload["error"]
    assert state_of(server) == before


def test_deeply_nested_body_is_named_in_the_refusal(server: ThreadedServer) -> None:
    status, payload, _ = call(server, "POST", "/_omics_mock/clock/advance", NESTED_LISTS)
    assert (status, payload) == (400, {"error": "the body is JSON nested too deeply"})


def test_refusal_names_the_field_and_its_range(server: ThreadedServer) -> None:
    status, payload, _ = call(server, "POST", "/_omics_mock/durations", b'{"pending": 1e308}')
    assert (status, payload) == (400, {"error": "pending must be a number from 0 to 31536000"})


def test_non_json_number_is_named_in_the_refusal(server: ThreadedServer) -> None:
    status, payload, _ = call(server, "PUT", "/_omics_mock/quotas", b'{"max_runs": NaN}')
    assert (status, payload) == (400, {"error": "the body is not JSON: NaN is not a JSON number"})


# -- what is still accepted ---------------------------------------------------------------


def test_whole_float_is_a_count(server: ThreadedServer, run_id: str) -> None:
    status, payload, _ = call(server, "PUT", "/_omics_mock/quotas", {"max_workflows": 2.0})
    assert (status, payload["quotas"]["max_workflows"]) == (200, 2)


def test_failed_outcome_with_a_reason_is_scripted(server: ThreadedServer, run_id: str) -> None:
    script = {"outcomes": [["FAILED", "OutOfMemory"], "COMPLETED", "FAILED"]}
    status, payload, _ = call(server, "POST", "/_omics_mock/workflows/1234567/outcomes", script)
    assert (status, payload) == (200, {"scripted": 3})


def test_head_on_a_read_endpoint_is_answered_like_get(server: ThreadedServer) -> None:
    status, body, response = call(server, "HEAD", "/_omics_mock/health")
    assert (status, body, response.getheader("Content-Type")) == (200, b"", "application/json")


def test_clock_reaches_its_horizon_and_the_server_still_serves(
    server: ThreadedServer, client: Any, run_id: str
) -> None:
    longest = {phase: 365 * 86400 for phase in ("pending", "starting", "stopping", "task")}
    assert call(server, "POST", "/_omics_mock/durations", longest)[0] == 200
    status, clock, _ = call(server, "POST", "/_omics_mock/clock/advance", {"days": 365_000})
    assert (status, clock["offset_seconds"]) == (200, 365_000 * 86400)
    later = start_run(client, create_workflow(client, "later"))
    assert client.get_run(id=later)["status"] == "PENDING"
    assert client.get_run(id=run_id)["status"] == "COMPLETED"
    assert call(server, "POST", "/_omics_mock/clock/advance", {"seconds": 1})[0] == 400


def test_clearing_faults_with_a_filter_is_refused_and_keeps_them(server: ThreadedServer) -> None:
    fault = {"operation": "ListRuns", "error": "ThrottlingException"}
    assert call(server, "POST", "/_omics_mock/faults", fault)[0] == 200
    status, payload, _ = call(server, "DELETE", "/_omics_mock/faults", {"operation": "GetRun"})
    assert status == 400 and "unknown field(s) ['operation']" in payload["error"]
    assert len(call(server, "GET", "/_omics_mock/faults")[1]["faults"]) == 1
    assert call(server, "DELETE", "/_omics_mock/faults")[0] == 200
