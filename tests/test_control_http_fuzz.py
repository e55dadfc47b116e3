"""Fuzzing the HTTP control API of server mode.

hypothesis draws a method, a path (every control endpoint, with known, unknown
and odd labels, and unknown paths), a query string and a body (nothing, bytes,
random JSON with huge and non-finite numbers, deep nesting, wrong types,
endpoint field names with plausible and random values) and sends it to one
``ThreadedServer``. Properties:

* every answer is 200, 400, 404 or 405 with a JSON object body (errors
  ``{"error": text}``), never a 500;
* afterwards the server still answers omics calls: GetRun of a known run and
  ListWorkflows (after clearing injected faults; a reset is followed by new
  fixtures).

About 200 examples by default; more with

    OMICS_MOCK_CONTROL_FUZZ_EXAMPLES=20000 python -m pytest tests/test_control_http_fuzz.py -q -s
"""

from __future__ import annotations

import base64
import collections
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from botocore.exceptions import ClientError
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from omics_mock.pytest_plugin import omics_client_for
from omics_mock.server import ThreadedServer

from .server_http import NO_PREFIX, call, create_workflow, start_run

EXAMPLES = int(os.environ.get("OMICS_MOCK_CONTROL_FUZZ_EXAMPLES", "") or 200)
ANSWERED = {200, 400, 404, 405}
LIVENESS_KEY = "AKIAFUZZLIVENESS0000"
"""The access key of the client that checks the server still serves (never drawn)."""

ENDPOINTS = [
    ("GET", "/health"),
    ("GET", "/state"),
    ("POST", "/reset"),
    ("GET", "/clock"),
    ("POST", "/clock/advance"),
    ("POST", "/clock/scale"),
    ("GET", "/runs/{run}"),
    ("POST", "/runs/{run}/complete"),
    ("POST", "/runs/{run}/fail"),
    ("POST", "/runs/{run}/keep-running"),
    ("POST", "/runs/{run}/release"),
    ("POST", "/durations"),
    ("POST", "/workflows/{workflow}/outcomes"),
    ("POST", "/default-outcome"),
    ("POST", "/progress"),
    ("GET", "/faults"),
    ("POST", "/faults"),
    ("DELETE", "/faults"),
    ("GET", "/requests"),
    ("POST", "/accounts"),
    ("PUT", "/quotas"),
    ("PUT", "/s3"),
    ("GET", "/artifacts/{path}"),
]
METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"]
PHASES = ("pending", "starting", "running", "stopping", "task")
ENDPOINT_FIELDS = {
    "/clock/advance": ("seconds", "minutes", "hours", "days"),
    "/clock/scale": ("scale",),
    "/runs/{run}": ("account_id", "region"),
    "/runs/{run}/complete": ("immediately", "account_id", "region"),
    "/runs/{run}/fail": ("reason", "message", "immediately", "account_id", "region"),
    "/runs/{run}/keep-running": ("account_id", "region"),
    "/runs/{run}/release": ("account_id", "region"),
    "/durations": ("workflow_id", "run_id", *PHASES),
    "/workflows/{workflow}/outcomes": ("outcomes",),
    "/default-outcome": ("outcome",),
    "/progress": ("mode",),
    "/faults": ("operation", "error", "times", "message"),
    "/accounts": ("access_key_id", "account_id"),
    "/quotas": ("max_workflows", "max_runs", "max_concurrent_runs", "start_run_tps"),
    "/s3": ("uri", "data", "data_base64"),
}
GOOD_VALUES: dict[str, list[Any]] = {
    "seconds": [0, 1, 90.5],
    "minutes": [1, 30],
    "hours": [1, 2],
    "days": [1, 36_500],
    "scale": [0, 1, 600, 1_000_000],
    "immediately": [True, False],
    "account_id": ["123456789012"],
    "region": ["us-east-1"],
    "reason": ["OutOfMemory"],
    "message": ["it broke"],
    "outcomes": [["COMPLETED"], [["FAILED", "OutOfMemory"], "COMPLETED"], []],
    "outcome": ["COMPLETED", "FAILED", ["FAILED", "Timeout"]],
    "mode": ["per_poll", "time"],
    "operation": ["StartRun", "GetWorkflow", "ListRuns"],
    "error": ["ThrottlingException", "AccessDeniedException"],
    "times": [1, 3],
    "access_key_id": ["AKIAOTHER0000000000"],
    "max_workflows": [5, 1000],
    "max_runs": [10, 100_000],
    "max_concurrent_runs": [0, 2],
    "start_run_tps": [0.5, 10],
    "uri": ["s3://bucket/key.zip"],
    "data": ["text"],
    "data_base64": [base64.b64encode(b"bytes").decode()],
    **{phase: [0, 1, 60, 31_536_000] for phase in PHASES},
}
GOOD_BODIES: dict[str, dict[str, Any]] = {
    "/clock/advance": {"hours": 1},
    "/clock/scale": {"scale": 600},
    "/runs/{run}/fail": {"reason": "OutOfMemory", "immediately": False},
    "/durations": {"pending": 1, "running": 60},
    "/workflows/{workflow}/outcomes": {"outcomes": [["FAILED", "x"], "COMPLETED"]},
    "/default-outcome": {"outcome": "FAILED"},
    "/progress": {"mode": "per_poll"},
    "/faults": {"operation": "ListRuns", "error": "ThrottlingException", "times": 2},
    "/accounts": {"access_key_id": "AKIAOTHER0000000000", "account_id": "111122223333"},
    "/quotas": {"max_workflows": 100, "cancel_run_tps": 2.5},
    "/s3": {"uri": "s3://bucket/key.zip", "data": "text"},
}
"""A body each endpoint accepts (the "good" kind changes at most one of its fields)."""
FIELDS = [
    *("seconds", "minutes", "hours", "days", "weeks", "scale"),
    *("immediately", "account_id", "region", "reason", "message"),
    *("workflow_id", "run_id", "pending", "starting", "running", "stopping", "task"),
    *("outcomes", "outcome", "mode", "operation", "error", "times", "access_key_id"),
    *("max_workflows", "max_runs", "max_concurrent_runs", "start_run_tps", "cancel_run_tps"),
    *("max_tags_per_resource", "max_definition_bytes", "uri", "data", "data_base64"),
]


@dataclass
class Known:
    """IDs that exist on the server (rebuilt after a reset)."""

    workflow: str
    run: str


# -- strategies ---------------------------------------------------------------------------

TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=20)
NUMBER_LITERALS = st.sampled_from(
    ["Infinity", "-Infinity", "NaN", "1e308", "-1e308", "1e400", "-0", "0.5", "1e-320"]
    + ["9007199254740993", "1" * 400, "1" * 5000, "1.0", "3", "36500", "365000"]
)
JSON_LEAVES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    TEXT,
)
JSON_VALUES = st.recursive(
    JSON_LEAVES,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=10,
)
PLAUSIBLE = st.sampled_from(
    [
        0, 1, 2.5, 60, 3600, 1000, True, False, None, "", "COMPLETED", "FAILED",
        ["FAILED", "OutOfMemory"], ["COMPLETED", "x"], ["FAILED"], "per_poll", "time",
        "GetRun", "StartRun", "ListWorkflows", "ThrottlingException",
        "InternalServerException", "AccessDeniedException", "s3://bucket/key", "s3://bucket",
        base64.b64encode(b"data").decode(), "@@@", "111122223333", "１２３４５６７８９０１２",
        "us-east-1", "eu-west-1", "123456789012", "AKIAOTHER0000000000",
        [["FAILED", "x"], "COMPLETED"], {"nested": 1},
    ]
)  # fmt: skip


@st.composite
def json_text(draw: st.DrawFn, depth: int = 0) -> str:
    """JSON written by hand, so literals json.dumps never writes (1e400, NaN) appear."""
    kind = draw(st.integers(0, 5 if depth < 3 else 2))
    if kind == 0:
        return draw(NUMBER_LITERALS)
    if kind == 1:
        return json.dumps(draw(st.one_of(PLAUSIBLE, JSON_VALUES)), allow_nan=True)
    if kind == 2:
        return json.dumps(draw(JSON_LEAVES), allow_nan=True)
    if kind == 3:
        items = draw(st.lists(json_text(depth + 1), max_size=3))
        return "[" + ", ".join(items) + "]"
    members = draw(
        st.lists(st.tuples(st.sampled_from(FIELDS) | TEXT, json_text(depth + 1)), max_size=4)
    )
    return "{" + ", ".join(f"{json.dumps(key)}: {value}" for key, value in members) + "}"


BODY_KINDS = ["none", "empty", "bytes", "json", "deep", "broken", *["object"] * 3, "good"]
"""Four in ten bodies are objects of the endpoint's fields, which often succeed."""


@st.composite
def bodies(draw: st.DrawFn, template: str) -> bytes | None:
    kind = draw(st.sampled_from(BODY_KINDS))
    if kind == "none":
        return None
    if kind == "empty":
        return draw(st.sampled_from([b"", b" ", b"\r\n"]))
    if kind == "bytes":
        return draw(st.binary(max_size=64))
    if kind == "deep":
        depth = draw(st.sampled_from([2, 50, 999, 1000, 5000, 20_000]))
        opening, closing = draw(st.sampled_from([("[", "]"), ('{"seconds": ', "}")]))
        inner = "1" if opening.startswith("{") else ""
        return (opening * depth + inner + closing * depth).encode()
    if kind == "good":
        return draw(good_body(template)).encode("utf-8", "surrogatepass")
    text = draw(json_text()) if kind == "json" else draw(field_object(template))
    if kind == "broken":
        text = text[: draw(st.integers(0, max(0, len(text) - 1)))]
    return text.encode("utf-8", "surrogatepass")


@st.composite
def field_object(draw: st.DrawFn, template: str) -> str:
    """Mostly the endpoint's own fields, with good, plausible, odd or random values."""
    own = ENDPOINT_FIELDS.get(template.removeprefix("/_omics_mock"), ())
    names = st.sampled_from(own) if own and draw(st.integers(0, 4)) else st.sampled_from(FIELDS)
    members = [
        f"{json.dumps(name)}: {draw(field_value(name))}"
        for name in draw(st.lists(names, min_size=1, max_size=4, unique=True))
    ]
    return "{" + ", ".join(members) + "}"


@st.composite
def good_body(draw: st.DrawFn, template: str) -> str:
    """The endpoint's good body, perhaps with one field's value drawn instead."""
    good = GOOD_BODIES.get(template, {})
    members = {name: json.dumps(value) for name, value in good.items()}
    if members and draw(st.booleans()):
        name = draw(st.sampled_from(sorted(members)))
        members[name] = draw(json_text(depth=2))
    return "{" + ", ".join(f"{json.dumps(name)}: {text}" for name, text in members.items()) + "}"


def field_value(name: str) -> st.SearchStrategy[str]:
    good = st.sampled_from(GOOD_VALUES.get(name, [None])).map(json.dumps)
    return st.one_of(good, good, good, json_text(depth=2))


def labels(known: Known) -> st.SearchStrategy[str]:
    return st.one_of(
        st.just(known.run),
        st.just(known.workflow),
        st.sampled_from(["1234567", "0", "..", "%2F", "run id"]),
        TEXT,
    )


@dataclass(frozen=True)
class Drawn:
    """One control request: ``template`` is the endpoint it was drawn from."""

    method: str
    template: str
    target: str
    body: bytes | None


@st.composite
def requests(draw: st.DrawFn, known: Known) -> Drawn:
    method, template = draw(st.sampled_from(ENDPOINTS))
    if draw(st.integers(0, 4)) == 0:
        method = draw(st.sampled_from(METHODS))
    path = template
    if draw(st.integers(0, 5)) == 0:
        template = "(unknown)"
        path = "/" + "/".join(quote(s, safe="") for s in draw(st.lists(TEXT, max_size=3)))
    for label in ("{run}", "{workflow}", "{path}"):
        path = path.replace(label, quote(draw(labels(known)), safe=""))
    if draw(st.booleans()):
        path += "/"
    query = draw(
        st.dictionaries(st.sampled_from(["account_id", "region", "operation"]) | TEXT, TEXT)
    )
    target = "/_omics_mock" + path + (f"?{urlencode(query)}" if query else "")
    return Drawn(method, template, target, draw(bodies(template)))


# -- the property -------------------------------------------------------------------------

COUNTS: collections.Counter[str] = collections.Counter()


@pytest.fixture(scope="module")
def server() -> Iterator[ThreadedServer]:
    with ThreadedServer() as running:
        yield running


@pytest.fixture(scope="module")
def client(server: ThreadedServer) -> Any:
    return omics_client_for(
        endpoint_url=server.url,
        config=NO_PREFIX,
        aws_access_key_id=LIVENESS_KEY,
        aws_secret_access_key="secret",
    )


def new_fixtures(client: Any) -> Known:
    workflow = create_workflow(client)
    return Known(workflow, start_run(client, workflow))


@pytest.fixture(scope="module")
def known(client: Any) -> Known:
    return new_fixtures(client)


@pytest.fixture(scope="module", autouse=True)
def report_counts() -> Iterator[None]:
    yield
    statuses = collections.Counter[str]()
    for key, count in COUNTS.items():
        statuses[key.rsplit(" ", 1)[1]] += count
    print(f"\n[omics-mock control fuzz] {sum(COUNTS.values())} requests: {dict(statuses)}")
    if EXAMPLES > 200 or os.environ.get("OMICS_MOCK_FUZZ_REPORT"):
        for key, count in sorted(COUNTS.items()):
            print(f"  {key}: {count}")


def assert_well_answered(method: str, status: int, body: Any, response: Any) -> None:
    assert status in ANSWERED, (status, body)
    assert response.getheader("Content-Type") == "application/json"
    if method == "HEAD":
        assert body == b""
        return
    assert isinstance(body, dict)
    if status != 200:
        assert isinstance(body["error"], str) and body["error"]


def assert_still_serving(server: ThreadedServer, client: Any, known: Known, reset: bool) -> None:
    """GetRun of the known run and ListWorkflows answer; after a reset, new fixtures."""
    assert call(server, "DELETE", "/_omics_mock/faults")[0] == 200
    if reset:
        fresh = new_fixtures(client)
        known.workflow, known.run = fresh.workflow, fresh.run
    try:
        assert client.get_run(id=known.run)["id"] == known.run
    except ClientError as error:  # pragma: no cover - reported with the example
        pytest.fail(f"GetRun of a known run after the example: {error.response['Error']}")
    workflows = client.list_workflows()["items"]
    assert known.workflow in [item["id"] for item in workflows]


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    print_blob=True,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
)
@given(data=st.data())
def test_control_api_answers_every_request_and_keeps_serving(
    server: ThreadedServer, client: Any, known: Known, data: st.DataObject
) -> None:
    drawn = data.draw(requests(known), label="request")
    body = drawn.body
    note(f"{drawn.method} {drawn.target} body={body[:300] if body else body!r}")
    status, payload, response = call(server, drawn.method, drawn.target, body)
    COUNTS[f"{drawn.method} {drawn.template} {status}"] += 1
    assert_well_answered(drawn.method, status, payload, response)
    reset = (drawn.method, drawn.template, status) == ("POST", "/reset", 200)
    assert_still_serving(server, client, known, reset)
