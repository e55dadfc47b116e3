"""The protocol pipeline end to end: statuses, serialisation, errors, robustness.

Two kinds of client are used: the real mock (``omics`` fixture) for what the
backends do, and a client wired to a bare ``Pipeline`` whose invoker the test
chooses, to drive every operation and every modelled error without depending
on what the backends implement.
"""

from __future__ import annotations

import datetime as _dt
import io
import json
import logging
from collections.abc import Callable
from typing import Any

import pytest
from botocore import xform_name
from botocore.awsrequest import AWSPreparedRequest, AWSResponse
from botocore.config import Config
from botocore.exceptions import ClientError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from omics_mock.harness.door import Door
from omics_mock.pytest_plugin import omics_client_for
from omics_mock.service import FAMILIES
from omics_mock.service.kernel.state import OPERATIONS, ServiceState
from omics_mock.service.variant_stores.ops import VariantStores
from omics_mock.wire import Pipeline
from omics_mock.wire.errors import ERRORS_BY_CODE, ServiceError
from omics_mock.wire.serialize import HttpResponse

from .helpers import error_of, wdl_zip
from .shape_check import (
    assert_matches_output_shape,
    minimal_input,
    operation_model,
    operation_names,
    output_problems,
    service_model,
)

Invoke = Callable[[Any, dict[str, Any], Any], Any]
URL = "https://workflows-omics.us-east-1.amazonaws.com"


def implemented_operations() -> set[str]:
    return set(OPERATIONS)


UNIMPLEMENTED = [op for op in operation_names() if op not in implemented_operations()]


class _Body(io.BytesIO):
    def stream(self, **_: Any) -> Any:
        data = self.read()
        if data:
            yield data


class Wired:
    """A boto3 client answered by a bare ``Pipeline`` with a chosen invoker."""

    def __init__(self) -> None:
        self.invoke: Invoke = lambda spec, params, context: {}
        self.protocol = Pipeline(lambda spec, params, context: self.invoke(spec, params, context))
        self.client = omics_client_for(
            "us-east-1", config=Config(retries={"total_max_attempts": 1})
        )
        self.client.meta.events.register_first("before-send.omics", self._answer)

    def _answer(self, request: AWSPreparedRequest, **_: Any) -> AWSResponse:
        body = request.body
        if hasattr(body, "read"):
            body = body.read()
        if isinstance(body, str):
            body = body.encode("utf-8")
        answer = self.protocol.handle(request.method, request.url, request.headers, body)
        return AWSResponse(request.url, answer.status, answer.headers, _Body(answer.body))

    def call(self, operation: str, **params: Any) -> Any:
        return getattr(self.client, xform_name(operation))(**params)


@pytest.fixture(scope="module")
def wired() -> Wired:
    return Wired()


@pytest.fixture(autouse=True)
def _reset_invoker(wired: Wired) -> None:
    wired.invoke = lambda spec, params, context: {}


def answering(result: Any) -> Invoke:
    return lambda spec, params, context: result


def raising(error: Exception) -> Invoke:
    def invoke(spec: Any, params: dict[str, Any], context: Any) -> Any:
        raise error

    return invoke


# -- operations the backends do not implement ----------------------------------------------


def test_every_model_operation_is_simulated() -> None:
    assert UNIMPLEMENTED == []
    assert len(implemented_operations()) == len(operation_names()) == 107


def test_a_model_operation_without_a_handler_is_a_modelled_405() -> None:
    # A future botocore may add operations: without a handler they answer
    # NotSupportedOperationException, as one does in a state lacking its family.
    state = ServiceState([family for family in FAMILIES if family is not VariantStores])
    door = Door(state)
    client = omics_client_for("us-east-1", config=Config(retries={"total_max_attempts": 1}))

    def answer(request: AWSPreparedRequest, event_name: str = "", **_: Any) -> AWSResponse:
        operation = event_name.rpartition(".")[2]
        reply = door.pipeline.handle_operation(operation, request.url, request.headers, None)
        return AWSResponse(request.url, reply.status, reply.headers, _Body(reply.body))

    client.meta.events.register_first("before-send.omics", answer)
    with pytest.raises(ClientError) as excinfo:
        client.get_variant_store(name="cohort")
    code, status, message = error_of(excinfo)
    assert (code, status) == ("NotSupportedOperationException", 405)
    assert message.startswith("GetVariantStore is not implemented by omics-mock")
    assert client.list_annotation_stores()["annotationStores"] == []


# -- success statuses and bodies -------------------------------------------------------------


@pytest.mark.parametrize("operation", operation_names())
def test_success_status_comes_from_the_model(operation: str, wired: Wired) -> None:
    response = wired.call(operation, **minimal_input(operation))
    expected = operation_model(operation).http.get("responseCode", 200)
    assert response["ResponseMetadata"]["HTTPStatusCode"] == expected


@pytest.mark.parametrize(
    ("operation", "status"),
    [
        ("CreateWorkflow", 201),
        ("StartRun", 201),
        ("DeleteWorkflow", 202),
        ("UpdateWorkflow", 202),
        ("CancelRun", 202),
        ("CancelRunBatch", 202),
        ("TagResource", 204),
        ("UntagResource", 204),
        ("GetWorkflow", 200),
        ("CreateShare", 200),
    ],
)
def test_well_known_statuses(operation: str, status: int, wired: Wired) -> None:
    assert operation_model(operation).http.get("responseCode", 200) == status
    assert (
        wired.call(operation, **minimal_input(operation))["ResponseMetadata"]["HTTPStatusCode"]
        == status
    )


@pytest.mark.parametrize(
    "operation", ["DeleteWorkflow", "UpdateWorkflow", "CancelRun", "DeleteRun"]
)
def test_operations_without_output_answer_an_empty_body(operation: str, wired: Wired) -> None:
    spec = wired.protocol.spec.operations[operation]
    wired.invoke = answering(None)
    assert not spec.has_output
    response = wired.call(operation, **minimal_input(operation))
    assert set(response) == {"ResponseMetadata"}


def test_every_response_carries_a_request_id(wired: Wired) -> None:
    ids = {wired.call("GetRun", id="1234567")["ResponseMetadata"]["RequestId"] for _ in range(3)}
    assert len(ids) == 3 and all(ids)


def test_errors_carry_a_request_id_too(wired: Wired) -> None:
    wired.invoke = raising(ERRORS_BY_CODE["ConflictException"]("busy"))
    with pytest.raises(ClientError) as excinfo:
        wired.call("GetRun", id="1234567")
    assert excinfo.value.response["ResponseMetadata"]["RequestId"]


# -- timestamps --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "given",
    [
        _dt.datetime(2026, 3, 1, 12, 30, 45, 123456, tzinfo=_dt.timezone.utc),
        _dt.datetime(2026, 3, 1, 14, 30, 45, tzinfo=_dt.timezone(_dt.timedelta(hours=2))),
        _dt.datetime(2026, 3, 1, 12, 30, 45),  # naive values are taken as UTC
    ],
)
def test_timestamps_are_iso8601_and_parse_to_aware_datetimes(
    given: _dt.datetime, wired: Wired
) -> None:
    wired.invoke = answering({"id": "1234567", "creationTime": given})
    parsed = wired.call("GetWorkflow", id="1234567")["creationTime"]
    assert parsed.tzinfo is not None
    expected = given if given.tzinfo else given.replace(tzinfo=_dt.timezone.utc)
    assert parsed == expected


def test_timestamp_wire_form(wired: Wired) -> None:
    wired.invoke = answering(
        {"creationTime": _dt.datetime(2026, 3, 1, 12, 0, tzinfo=_dt.timezone.utc)}
    )
    response = wired.protocol.handle("GET", f"{URL}/workflow/1234567", {}, None)
    assert json.loads(response.body) == {"creationTime": "2026-03-01T12:00:00.000000Z"}
    assert response.headers["content-type"] == "application/json"


def test_nested_timestamps_and_blobs_are_serialised(wired: Wired) -> None:
    when = _dt.datetime(2026, 3, 1, 12, 0, tzinfo=_dt.timezone.utc)
    wired.invoke = answering({"items": [{"id": "1234567", "creationTime": when}]})
    assert wired.call("ListWorkflows")["items"][0]["creationTime"] == when


def test_streaming_payload_is_the_raw_body(wired: Wired) -> None:
    wired.invoke = answering({"payload": b"\x00ACGT\xff"})
    response = wired.call("GetReadSet", sequenceStoreId="1234567890", id="1234567890", partNumber=1)
    assert response["payload"].read() == b"\x00ACGT\xff"


# -- errors ----------------------------------------------------------------------------------


def modelled_errors() -> list[tuple[str, int]]:
    model = service_model()
    return sorted(
        (shape.name, shape.metadata["error"]["httpStatusCode"]) for shape in model.error_shapes
    )


@pytest.mark.parametrize(("code", "status"), modelled_errors())
def test_modelled_errors_keep_their_status_code_and_message(
    code: str, status: int, wired: Wired
) -> None:
    error_class = ERRORS_BY_CODE.get(code)
    error = error_class("it went wrong") if error_class else _error_with_code(code, "it went wrong")
    wired.invoke = raising(error)
    with pytest.raises(ClientError) as excinfo:
        wired.call("GetRun", id="1234567")
    assert error_of(excinfo) == (code, status, "it went wrong")


def _error_with_code(code: str, message: str) -> ServiceError:
    error = ServiceError(message)
    error.code = code
    return error


def test_error_wire_form(wired: Wired) -> None:
    wired.invoke = raising(ERRORS_BY_CODE["ServiceQuotaExceededException"]("too many"))
    response = wired.protocol.handle("POST", f"{URL}/workflow", {}, b'{"requestId": "r"}')
    assert response.status == 402
    assert response.headers["x-amzn-errortype"] == "ServiceQuotaExceededException"
    assert json.loads(response.body) == {"message": "too many"}
    assert response.headers["x-amzn-requestid"]


def test_real_mock_not_found_is_404(omics: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        omics.get_workflow(id="7654321")
    assert error_of(excinfo)[:2] == ("ResourceNotFoundException", 404)


# -- the mock's own failures -------------------------------------------------------------------


@pytest.mark.parametrize(
    "invoke",
    [
        raising(RuntimeError("boom")),
        raising(KeyError("id")),
        answering(object()),  # not a mapping
        answering({"id": object()}),  # not serialisable
    ],
    ids=["runtime-error", "key-error", "not-a-dict", "not-serialisable"],
)
def test_internal_failures_answer_500_and_are_logged(
    invoke: Invoke, wired: Wired, caplog: pytest.LogCaptureFixture
) -> None:
    wired.invoke = invoke
    with caplog.at_level(logging.ERROR, logger="omics_mock"), pytest.raises(ClientError) as excinfo:
        wired.call("GetWorkflow", id="1234567")
    code, status, message = error_of(excinfo)
    assert (code, status) == ("InternalServerException", 500)
    assert message.startswith("omics-mock internal error in GetWorkflow: ")
    assert any("GetWorkflow" in record.getMessage() for record in caplog.records)


def test_exception_with_broken_str_still_answers(wired: Wired) -> None:
    class Nasty(Exception):
        def __str__(self) -> str:
            raise ValueError("no")

    wired.invoke = raising(Nasty())
    response = wired.protocol.handle("GET", f"{URL}/run/1234567", {}, None)
    assert response.status == 500
    assert "Nasty" in json.loads(response.body)["message"]


def test_handle_operation_never_raises_on_unknown_names(wired: Wired) -> None:
    response = wired.protocol.handle_operation("NoSuchOperation", f"{URL}/run", {}, None)
    assert response.status == 500


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    method=st.sampled_from(
        ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "get", "", "BREW"]
    ),
    path=st.text(alphabet="/%:?&=#[]runworkflowtagsBatch0123456789{}+ é", max_size=40),
    body=st.one_of(
        st.none(), st.binary(max_size=60), st.sampled_from([b"{}", b"null", b'{"id": 1}'])
    ),
    headers=st.dictionaries(
        st.sampled_from(["Authorization", "Range", "x"]), st.text(max_size=20), max_size=3
    ),
)
def test_handle_never_raises(
    wired: Wired, method: str, path: str, body: bytes | None, headers: dict[str, str]
) -> None:
    for url in (URL + "/" + path, "http://[::1" + path, path):
        response = wired.protocol.handle(method, url, headers, body)
        assert isinstance(response, HttpResponse)
        assert 200 <= response.status < 500, response.body  # a 500 would be a bug in the mock
        if response.status >= 400:
            assert response.headers["x-amzn-errortype"]


# -- real responses match the output shapes -------------------------------------------------------


def test_workflow_responses_match_their_output_shapes(omics: Any) -> None:
    created = omics.create_workflow(
        name="wgs", definitionZip=wdl_zip(), tags={"team": "genomics"}, description="whole genome"
    )
    assert_matches_output_shape("CreateWorkflow", created)
    omics.get_waiter("workflow_active").wait(id=created["id"])
    assert_matches_output_shape(
        "GetWorkflow", omics.get_workflow(id=created["id"], export=["DEFINITION"])
    )
    assert_matches_output_shape("ListWorkflows", omics.list_workflows())
    version = omics.create_workflow_version(
        workflowId=created["id"], versionName="v2", definitionZip=wdl_zip()
    )
    assert_matches_output_shape("CreateWorkflowVersion", version)
    omics.get_waiter("workflow_version_active").wait(workflowId=created["id"], versionName="v2")
    assert_matches_output_shape(
        "GetWorkflowVersion", omics.get_workflow_version(workflowId=created["id"], versionName="v2")
    )
    assert_matches_output_shape(
        "ListWorkflowVersions", omics.list_workflow_versions(workflowId=created["id"])
    )
    assert_matches_output_shape(
        "UpdateWorkflow", omics.update_workflow(id=created["id"], description="new")
    )


def test_ready2run_workflow_responses_match_their_output_shapes(omics: Any) -> None:
    listed = omics.list_workflows(type="READY2RUN")
    assert_matches_output_shape("ListWorkflows", listed)
    first = listed["items"][0]["id"]
    assert_matches_output_shape("GetWorkflow", omics.get_workflow(id=first, type="READY2RUN"))


def test_tag_responses_match_their_output_shapes(omics: Any) -> None:
    arn = omics.create_workflow(name="t", definitionZip=wdl_zip())["arn"]
    tagged = omics.tag_resource(resourceArn=arn, tags={"a": "1", "b": "2"})
    assert tagged["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert_matches_output_shape("TagResource", tagged)
    listed = omics.list_tags_for_resource(resourceArn=arn)
    assert_matches_output_shape("ListTagsForResource", listed)
    assert listed["tags"] == {"a": "1", "b": "2"}
    untagged = omics.untag_resource(resourceArn=arn, tagKeys=["a"])
    assert untagged["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert omics.list_tags_for_resource(resourceArn=arn)["tags"] == {"b": "2"}


def test_delete_workflow_is_202_with_nothing_else(omics: Any, workflow: str) -> None:
    response = omics.delete_workflow(id=workflow)
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert_matches_output_shape("DeleteWorkflow", response)


# -- the shape checker checks --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("response", "fragment"),
    [
        ({"id": 7}, "GetWorkflow.id: expected string"),
        ({"status": "SLEEPING"}, "is not one of"),
        ({"bogus": 1}, "members not in GetWorkflowResponse"),
        ({"creationTime": "2026-01-01"}, "expected timestamp"),
        ({"creationTime": _dt.datetime(2026, 1, 1)}, "timestamp without a time zone"),
        ({"storageCapacity": True}, "expected integer"),
    ],
)
def test_shape_checker_finds_problems(response: dict[str, Any], fragment: str) -> None:
    problems = output_problems("GetWorkflow", response)
    assert any(fragment in p for p in problems), problems


@pytest.mark.parametrize(
    ("response", "fragment"),
    [
        ({"id": "abc"}, "does not match"),
        ({"storageCapacity": 100001}, "is more than 100000"),
        ({"digest": "sha256:" + "0" * 64}, "size 71 is above the maximum 64"),
    ],
)
def test_strict_shape_checker_adds_model_constraints(
    response: dict[str, Any], fragment: str
) -> None:
    assert output_problems("GetWorkflow", response) == []
    problems = output_problems("GetWorkflow", response, strict=True)
    assert any(fragment in p for p in problems), problems


def test_shape_checker_requires_required_members() -> None:
    assert output_problems("ListTagsForResource", {}) == [
        "ListTagsForResource.tags: required member is missing"
    ]


def test_shape_checker_accepts_a_valid_response() -> None:
    when = _dt.datetime(2026, 1, 1, tzinfo=_dt.timezone.utc)
    response = {"ResponseMetadata": {}, "id": "1234567", "status": "ACTIVE", "creationTime": when}
    assert_matches_output_shape("GetWorkflow", response)
