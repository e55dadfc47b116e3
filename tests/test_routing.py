"""Routing and parsing: botocore's own requests come back as the params sent.

Every operation of the model is exercised: a real client serialises a
generated valid input, a ``before-send`` hook captures the request before any
mock answers it, and ``Pipeline.handle`` must route it to the same operation
and parse it back into the same params.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore import xform_name
from botocore.awsrequest import AWSPreparedRequest
from botocore.config import Config

from omics_mock.pytest_plugin import omics_client_for
from omics_mock.wire import OperationSpec, Pipeline, RequestContext

from .shape_check import full_input, minimal_input, operation_model, operation_names

OPERATIONS = operation_names()
HOST = "https://workflows-omics.us-east-1.amazonaws.com"
ARN = "arn:aws:omics:us-east-1:123456789012:workflow/1234567"


class Captured(Exception):
    """Raised from ``before-send`` to stop botocore with the request in hand."""

    def __init__(self, request: AWSPreparedRequest) -> None:
        super().__init__(request.url)
        self.request = request


class Recorder:
    """An invoker that records what the protocol layer hands to the backends."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any], RequestContext]] = []

    def __call__(self, spec: OperationSpec, params: dict[str, Any], context: RequestContext) -> Any:
        self.calls.append((spec.name, params, context))
        return {}

    @property
    def last(self) -> tuple[str, dict[str, Any], RequestContext]:
        assert self.calls, "the request reached no operation"
        return self.calls[-1]


def _capture(request: AWSPreparedRequest, **_: Any) -> None:
    raise Captured(request)


def capturing_client(region: str = "us-east-1", **config: Any) -> Any:
    client = omics_client_for(region, config=Config(retries={"max_attempts": 1}, **config))
    client.meta.events.register_first("before-send.omics", _capture)
    return client


@pytest.fixture(scope="module")
def client() -> Any:
    return capturing_client()


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def protocol(recorder: Recorder) -> Pipeline:
    return Pipeline(recorder)


def request_for(client: Any, operation: str, params: dict[str, Any]) -> AWSPreparedRequest:
    """The HTTP request botocore builds for ``operation(**params)``."""
    method = getattr(client, xform_name(operation))
    with pytest.raises(Captured) as captured:
        method(**params)
    return captured.value.request


def body_bytes(request: AWSPreparedRequest) -> bytes | None:
    body = request.body
    if body is None or isinstance(body, bytes):
        return body
    if isinstance(body, str):
        return body.encode("utf-8")
    data = body.read()
    return data.encode("utf-8") if isinstance(data, str) else data


def replay(protocol: Pipeline, request: AWSPreparedRequest) -> Any:
    return protocol.handle(request.method, request.url, request.headers, body_bytes(request))


# -- every operation ------------------------------------------------------------------


@pytest.mark.parametrize("operation", OPERATIONS)
def test_full_request_routes_to_its_operation_with_the_same_params(
    operation: str, client: Any, protocol: Pipeline, recorder: Recorder
) -> None:
    params = full_input(operation)
    response = replay(protocol, request_for(client, operation, params))
    name, parsed, _ = recorder.last
    assert name == operation
    assert parsed == params
    assert response.status == operation_model(operation).http.get("responseCode", 200)


@pytest.mark.parametrize("operation", OPERATIONS)
def test_handle_operation_parses_like_handle(
    operation: str, client: Any, protocol: Pipeline, recorder: Recorder
) -> None:
    params = full_input(operation)
    request = request_for(client, operation, params)
    protocol.handle_operation(operation, request.url, request.headers, body_bytes(request))
    assert recorder.last[:2] == (operation, params)


@pytest.mark.parametrize("base", ["/base", "/a/b", "/run"])
def test_custom_endpoint_base_paths_are_skipped(
    base: str, protocol: Pipeline, recorder: Recorder
) -> None:
    url = f"http://localhost:5000{base}/run/1234567/task/7654321"
    protocol.handle("GET", url, {}, None)
    assert recorder.last[:2] == ("GetRunTask", {"id": "1234567", "taskId": "7654321"})
    protocol.handle_operation(
        "CancelRun", f"http://localhost:5000{base}/run/1234567/cancel", {}, None
    )
    assert recorder.last[:2] == ("CancelRun", {"id": "1234567"})


@pytest.mark.parametrize("operation", OPERATIONS)
def test_minimal_request_routes_to_its_operation(
    operation: str, client: Any, protocol: Pipeline, recorder: Recorder
) -> None:
    params = minimal_input(operation)
    replay(protocol, request_for(client, operation, params))
    name, parsed, _ = recorder.last
    assert name == operation
    assert parsed.items() >= params.items()
    # botocore fills idempotency tokens the caller left out; they arrive too
    shape = operation_model(operation).input_shape
    tokens = (
        [n for n, m in shape.members.items() if m.metadata.get("idempotencyToken")] if shape else []
    )
    assert all(parsed.get(token) for token in tokens)


@pytest.mark.parametrize("operation", OPERATIONS)
def test_bare_host_routes_like_the_prefixed_host(
    operation: str, protocol: Pipeline, recorder: Recorder
) -> None:
    client = _bare_client()
    params = full_input(operation)
    request = request_for(client, operation, params)
    assert "://omics.us-east-1.amazonaws.com/" in request.url
    replay(protocol, request)
    assert recorder.last[:2] == (operation, params)


_BARE: list[Any] = []


def _bare_client() -> Any:
    if not _BARE:
        _BARE.append(capturing_client(inject_host_prefix=False))
    return _BARE[0]


# -- labels, query strings, hosts ---------------------------------------------------


def test_arn_label_is_percent_decoded(client: Any, protocol: Pipeline, recorder: Recorder) -> None:
    arn = "arn:aws:omics:us-east-1:123456789012:run/1234567 ünïcode%2F"
    request = request_for(client, "ListTagsForResource", {"resourceArn": arn})
    assert "/tags/arn%3Aaws%3Aomics%3A" in request.url
    replay(protocol, request)
    assert recorder.last[1] == {"resourceArn": arn}


def test_untag_resource_tag_keys_arrive_as_a_list(
    client: Any, protocol: Pipeline, recorder: Recorder
) -> None:
    request = request_for(
        client, "UntagResource", {"resourceArn": ARN, "tagKeys": ["a", "b c", "d&e"]}
    )
    assert "tagKeys=a&tagKeys=b%20c&tagKeys=d%26e" in request.url
    replay(protocol, request)
    assert recorder.last[:2] == (
        "UntagResource",
        {"resourceArn": ARN, "tagKeys": ["a", "b c", "d&e"]},
    )


def test_get_workflow_export_and_type_arrive_from_the_query(
    client: Any, protocol: Pipeline, recorder: Recorder
) -> None:
    params = {"id": "1234567", "export": ["DEFINITION", "README"], "type": "READY2RUN"}
    replay(protocol, request_for(client, "GetWorkflow", params))
    assert recorder.last[:2] == ("GetWorkflow", params)


def test_query_integers_and_booleans_are_converted(
    client: Any, protocol: Pipeline, recorder: Recorder
) -> None:
    replay(protocol, request_for(client, "ListRuns", {"maxResults": 5, "status": "RUNNING"}))
    assert recorder.last[1] == {"maxResults": 5, "status": "RUNNING"}
    replay(protocol, request_for(client, "DeleteVariantStore", {"name": "abc", "force": False}))
    assert recorder.last[1] == {"name": "abc", "force": False}


def test_nested_timestamps_in_the_body_arrive_as_datetimes(
    client: Any, protocol: Pipeline, recorder: Recorder
) -> None:
    params = full_input("ListReadSets")
    replay(protocol, request_for(client, "ListReadSets", params))
    assert recorder.last[1]["filter"]["createdAfter"] == params["filter"]["createdAfter"]


def test_blob_body_member_arrives_as_bytes(
    client: Any, protocol: Pipeline, recorder: Recorder
) -> None:
    replay(protocol, request_for(client, "CreateWorkflow", {"definitionZip": b"\x00\xffzip"}))
    assert recorder.last[1]["definitionZip"] == b"\x00\xffzip"


def test_region_and_access_key_come_from_the_signature(
    protocol: Pipeline, recorder: Recorder
) -> None:
    client = capturing_client("eu-west-1")
    replay(protocol, request_for(client, "GetRun", {"id": "1234567"}))
    context = recorder.last[2]
    assert context.region == "eu-west-1"
    assert context.access_key == "AKIAOMICSMOCK0000000"


def test_unsigned_request_takes_the_region_from_the_host(
    protocol: Pipeline, recorder: Recorder
) -> None:
    protocol.handle(
        "GET", "https://workflows-omics.ap-southeast-2.amazonaws.com/run/1234567", {}, None
    )
    assert recorder.last[2] == RequestContext("ap-southeast-2", None)


@pytest.mark.parametrize(
    "base",
    [
        HOST,
        "https://omics.us-east-1.amazonaws.com",
        "http://localhost:5000",
        "http://workflows-localhost:5000",
    ],
)
def test_any_host_form_routes(base: str, protocol: Pipeline, recorder: Recorder) -> None:
    response = protocol.handle("GET", f"{base}/workflow/1234567?export=DEFINITION", {}, None)
    assert response.status == 200
    assert recorder.last[:2] == ("GetWorkflow", {"id": "1234567", "export": ["DEFINITION"]})


# -- paths that need care ------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "operation"),
    [
        ("POST", "/runBatch/cancel", "CancelRunBatch"),
        ("POST", "/runBatch/delete", "DeleteRunBatch"),
        ("DELETE", "/runBatch/1234567", "DeleteBatch"),
        ("GET", "/runBatch/1234567/run", "ListRunsInBatch"),
        ("POST", "/run/1234567/cancel", "CancelRun"),
        ("GET", "/run/1234567/task/7654321", "GetRunTask"),
        ("POST", "/workflow/1234567/version/v1", "UpdateWorkflowVersion"),
        ("POST", "/shares", "ListShares"),
        ("POST", "/share/abc", "AcceptShare"),
        ("POST", "/sequencestore/1234567890/readset/batch/delete", "BatchDeleteReadSet"),
        ("PATCH", "/sequencestore/1234567890", "UpdateSequenceStore"),
    ],
)
def test_literal_segments_pick_the_right_operation(
    method: str, path: str, operation: str, protocol: Pipeline
) -> None:
    routed = protocol.router.route(method, path)
    assert routed is not None
    assert routed[0].name == operation


def test_trailing_slash_is_accepted(protocol: Pipeline, recorder: Recorder) -> None:
    assert protocol.handle("GET", f"{HOST}/workflow/1234567/", {}, None).status == 200
    assert recorder.last[:2] == ("GetWorkflow", {"id": "1234567"})


def test_unknown_query_parameters_are_ignored(protocol: Pipeline, recorder: Recorder) -> None:
    protocol.handle("GET", f"{HOST}/run/1234567?unknown=1&export=DEFINITION&x", {}, None)
    assert recorder.last[:2] == ("GetRun", {"id": "1234567", "export": ["DEFINITION"]})


def test_unknown_path_is_an_unknown_operation(protocol: Pipeline, recorder: Recorder) -> None:
    response = protocol.handle("GET", f"{HOST}/nothing/here", {}, None)
    assert response.status == 404
    assert response.headers["x-amzn-errortype"] == "UnknownOperationException"
    assert "GET /nothing/here" in json.loads(response.body)["message"]
    assert recorder.calls == []


def test_wrong_method_is_an_unknown_operation(protocol: Pipeline, recorder: Recorder) -> None:
    response = protocol.handle("PUT", f"{HOST}/run", {}, b"{}")
    assert response.status == 404
    assert response.headers["x-amzn-errortype"] == "UnknownOperationException"


def test_head_is_answered_like_get_without_a_body(protocol: Pipeline, recorder: Recorder) -> None:
    response = protocol.handle("HEAD", f"{HOST}/workflow/1234567", {}, None)
    assert response.status == 200
    assert response.body == b""
    assert recorder.last[0] == "GetWorkflow"


def test_lowercase_method_is_accepted(protocol: Pipeline, recorder: Recorder) -> None:
    assert protocol.handle("get", f"{HOST}/run/1234567", {}, None).status == 200
    assert recorder.last[0] == "GetRun"


def test_every_operation_has_a_unique_route() -> None:
    seen: dict[tuple[str, str], str] = {}
    for operation in OPERATIONS:
        http = operation_model(operation).http
        key = (http["method"], http["requestUri"].split("?")[0])
        assert key not in seen, f"{operation} and {seen[key]} share {key}"
        seen[key] = operation
