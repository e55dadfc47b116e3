"""Server-side validation: every constraint kind, in the AWS message form.

Most tests switch botocore's client-side validation off, as a caller can, so
the request reaches the mock and the server-side checks answer.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore import xform_name
from botocore.config import Config
from botocore.exceptions import ClientError, ParamValidationError
from botocore.model import ShapeResolver
from hypothesis import given, settings
from hypothesis import strategies as st

from omics_mock.pytest_plugin import omics_client_for
from omics_mock.wire import Pipeline
from omics_mock.wire.model import service_spec
from omics_mock.wire.validate import ValidatorCompiler, raise_if_failed, render

from .helpers import OUT, ROLE, error_of
from .shape_check import InputStrategies, minimal_input, operation_model, operation_names

UNICODE_CLASSES = r"[\p{L}||\p{M}||\p{Z}||\p{S}||\p{N}||\p{P}]+"
TAG_KEY_RULES = (
    "Member must have length less than or equal to 128, "
    "Member must have length greater than or equal to 1"
)
TAG_VALUE_RULES = (
    "Member must have length less than or equal to 256, "
    "Member must have length greater than or equal to 0"
)


@pytest.fixture
def unchecked(omics_mock: Any) -> Any:
    """A client with botocore's own parameter validation switched off."""
    return omics_client_for("us-east-1", config=Config(parameter_validation=False))


def validation_message(call: Any, **params: Any) -> str:
    """The message of the ValidationException ``call(**params)`` must raise."""
    with pytest.raises(ClientError) as excinfo:
        call(**params)
    code, status, message = error_of(excinfo)
    assert (code, status) == ("ValidationException", 400), message
    return message


def errors_for(operation: str, params: dict[str, Any]) -> list[str]:
    """The validator's failures for ``params``, without HTTP in between."""
    spec = service_spec()
    errors: list[str] = []
    spec.operations[operation].validator(spec.validators)(params, "", errors)
    return errors


def run(**extra: Any) -> dict[str, Any]:
    return {"workflowId": "1234567", "roleArn": ROLE, "outputUri": OUT, "requestId": "r-1", **extra}


def batch(settings_: dict[str, Any] | None = None, **default: Any) -> dict[str, Any]:
    return {
        "requestId": "b-1",
        "defaultRunSetting": {
            "workflowId": "1234567",
            "roleArn": ROLE,
            "outputUri": OUT,
            **default,
        },
        "batchRunSettings": settings_
        if settings_ is not None
        else {"inlineSettings": [{"runSettingId": "a"}]},
    }


# -- botocore's share of the work --------------------------------------------------------


def test_botocore_stops_a_negative_priority_before_sending(omics: Any) -> None:
    with pytest.raises(ParamValidationError):
        omics.start_run(workflowId="1234567", roleArn=ROLE, outputUri=OUT, priority=-1)


@pytest.mark.parametrize(
    ("operation", "params"),
    [
        ("StartRun", run(priority=-1)),
        ("CreateRunGroup", {"maxCpus": 0}),
        ("StartRunBatch", batch({"inlineSettings": []})),
        ("StartRun", {"workflowId": "1234567", "outputUri": OUT}),
        ("StartRun", run(priority="high")),
        ("StartRunBatch", batch({})),
    ],
    ids=["min-value", "min-value-nested", "min-items", "required", "type", "union"],
)
def test_botocore_client_validation_stops_these_before_the_mock(
    operation: str, params: dict[str, Any], omics_mock: Any
) -> None:
    client = omics_client_for("us-east-1")
    sent: list[str] = []
    client.meta.events.register_first(
        "before-send.omics", lambda request, **_: sent.append(request.url)
    )
    with pytest.raises(ParamValidationError):
        getattr(client, xform_name(operation))(**params)
    assert sent == []


def test_the_send_hook_sees_requests_botocore_lets_through(omics_mock: Any) -> None:
    client = omics_client_for("us-east-1")
    sent: list[str] = []
    client.meta.events.register_first(
        "before-send.omics", lambda request, **_: sent.append(request.url)
    )
    with pytest.raises(ClientError):
        client.start_run(**run(priority=100001))
    assert sent == ["https://workflows-omics.us-east-1.amazonaws.com/run"]


def test_botocore_sends_a_priority_above_the_maximum_and_the_mock_rejects_it(omics: Any) -> None:
    message = validation_message(
        omics.start_run, workflowId="1234567", roleArn=ROLE, outputUri=OUT, priority=100001
    )
    assert message == (
        "1 validation error detected: Value '100001' at 'priority' failed to satisfy constraint: "
        "Member must have value less than or equal to 100000"
    )


def test_botocore_sends_51_tags_and_the_mock_rejects_them(omics: Any) -> None:
    tags = {f"k{i}": "v" for i in range(51)}
    message = validation_message(
        omics.tag_resource, resourceArn="arn:aws:omics:us-east-1:123456789012:run/1", tags=tags
    )
    assert message.startswith("1 validation error detected: Value '{k0=v, k1=v, ")
    assert message.endswith(
        "' at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50"
    )


# -- one constraint kind at a time (client validation off) --------------------------------


def test_value_below_minimum(unchecked: Any) -> None:
    message = validation_message(unchecked.start_run, **run(priority=-1))
    assert message == (
        "1 validation error detected: Value '-1' at 'priority' failed to satisfy constraint: "
        "Member must have value greater than or equal to 0"
    )


def test_length_above_maximum(unchecked: Any) -> None:
    message = validation_message(unchecked.start_run, **run(name="n" * 129))
    assert message == (
        f"1 validation error detected: Value '{'n' * 129}' at 'name' failed to satisfy constraint: "
        "Member must have length less than or equal to 128"
    )


def test_empty_string_fails_min_length_and_pattern_counted_as_two(unchecked: Any) -> None:
    message = validation_message(unchecked.start_run, **run(name=""))
    assert message == (
        "2 validation errors detected: "
        "Value '' at 'name' failed to satisfy constraint: Member must have length greater than or "
        "equal to 1; "
        f"Value '' at 'name' failed to satisfy constraint: Member must satisfy regular expression "
        f"pattern: {UNICODE_CLASSES}"
    )


def test_pattern(unchecked: Any) -> None:
    message = validation_message(unchecked.start_run, **run(workflowId="abc"))
    assert message == (
        "1 validation error detected: Value 'abc' at 'workflowId' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: [0-9]+"
    )


@pytest.mark.parametrize("value", ["123abc", "abc123", "12 34", "1234567\n"])
def test_patterns_must_match_the_whole_value(value: str) -> None:
    assert errors_for("StartRun", run(workflowId=value)) == [
        f"Value '{value}' at 'workflowId' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: [0-9]+"
    ]


@pytest.mark.parametrize("name", ["Ünïcødé 名前", "ready: set, go!", "a+b=c~", "emoji \U0001f9ec"])
def test_unicode_class_patterns_accept_letters_symbols_and_punctuation(name: str) -> None:
    assert errors_for("StartRun", run(name=name)) == []


@pytest.mark.parametrize("name", ["tab\there", "new\nline", "nul\x00"])
def test_unicode_class_patterns_reject_control_characters(name: str) -> None:
    assert errors_for("StartRun", run(name=name)) == [
        f"Value '{name}' at 'name' failed to satisfy constraint: "
        f"Member must satisfy regular expression pattern: {UNICODE_CLASSES}"
    ]


def test_session_policy_pattern_allows_tabs_and_newlines() -> None:
    assert errors_for("StartRun", run(sessionPolicy='{\n\t"Version": "2012-10-17"\r\n}')) == []


def test_java_word_class_is_ascii() -> None:
    # arn:aws(-\w+)*:secretsmanager:...: Java's \w does not match 'é'
    errors = errors_for(
        "CreateWorkflow",
        {
            "requestId": "r",
            "containerRegistryMap": {
                "registryMappings": [
                    {
                        "upstreamRegistryUrl": "registry-1.docker.io",
                        "ecrRepositoryPrefix": "docker-hub",
                        "credentialArn": "arn:aws-é:secretsmanager:us-east-1:123456789012:secret:x",
                    }
                ]
            },
        },
    )
    assert len(errors) == 1
    assert "containerRegistryMap.registryMappings.1.member.credentialArn" in errors[0]


def test_enum(unchecked: Any) -> None:
    message = validation_message(unchecked.start_run, **run(logLevel="BOGUS"))
    assert message == (
        "1 validation error detected: Value 'BOGUS' at 'logLevel' failed to satisfy constraint: "
        "Member must satisfy enum value set: [OFF, FATAL, ERROR, ALL]"
    )


def test_several_errors_are_counted_and_joined(unchecked: Any) -> None:
    message = validation_message(unchecked.start_run, **run(priority=100001, logLevel="BOGUS"))
    assert message == (
        "2 validation errors detected: "
        "Value '100001' at 'priority' failed to satisfy constraint: Member must have value less "
        "than or equal to 100000; "
        "Value 'BOGUS' at 'logLevel' failed to satisfy constraint: Member must satisfy enum value "
        "set: [OFF, FATAL, ERROR, ALL]"
    )


def test_missing_required_member(unchecked: Any) -> None:
    message = validation_message(unchecked.start_run, workflowId="1234567", outputUri=OUT)
    assert message == (
        "1 validation error detected: Value null at 'roleArn' failed to satisfy constraint: "
        "Member must not be null"
    )


def test_wrong_type(unchecked: Any) -> None:
    message = validation_message(unchecked.start_run, **run(priority="high"))
    assert message == (
        "1 validation error detected: Value 'high' at 'priority' failed to satisfy constraint: "
        "Member must be of type integer"
    )


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        (
            run(priority=True),
            "Value 'true' at 'priority' failed to satisfy constraint: Member must be of type "
            "integer",
        ),
        (
            run(priority=1.5),
            "Value '1.5' at 'priority' failed to satisfy constraint: Member must be of type "
            "integer",
        ),
        (
            run(name=7),
            "Value '7' at 'name' failed to satisfy constraint: Member must be of type string",
        ),
        (
            run(tags=["a"]),
            "Value '[a]' at 'tags' failed to satisfy constraint: Member must be of type map",
        ),
        (
            batch({"inlineSettings": "x"}),
            "Value 'x' at 'batchRunSettings.inlineSettings' failed to satisfy constraint: Member "
            "must be of type list",
        ),
        (
            {**batch(), "defaultRunSetting": "x"},
            "Value 'x' at 'defaultRunSetting' failed to satisfy constraint: Member must be of "
            "type structure",
        ),
    ],
)
def test_wrong_types_name_the_expected_type(params: dict[str, Any], expected: str) -> None:
    operation = "StartRunBatch" if "batchRunSettings" in params else "StartRun"
    assert errors_for(operation, params) == [expected]


def test_documents_take_any_json(unchecked: Any) -> None:
    parameters = {"a": [1, 2.5, None, {"b": True}], "c": "x" * 300}
    assert errors_for("StartRun", run(parameters=parameters, engineSettings={"x": [1]})) == []


def test_uri_labels_are_validated(unchecked: Any) -> None:
    message = validation_message(unchecked.get_workflow, id="1" * 19)
    assert message == (
        f"1 validation error detected: Value '{'1' * 19}' at 'id' failed to satisfy constraint: "
        "Member must have length less than or equal to 18"
    )


def test_query_integers_are_validated(unchecked: Any) -> None:
    message = validation_message(unchecked.list_runs, maxResults=0)
    assert message == (
        "1 validation error detected: Value '0' at 'maxResults' failed to satisfy constraint: "
        "Member must have value greater than or equal to 1"
    )


# -- lists and maps ----------------------------------------------------------------------


def test_list_too_long(unchecked: Any) -> None:
    settings_ = {"inlineSettings": [{"runSettingId": f"s{i}"} for i in range(101)]}
    message = validation_message(unchecked.start_run_batch, **batch(settings_))
    assert message.startswith(
        "1 validation error detected: Value '[{runSettingId=s0}, {runSettingId=s1}, "
    )
    assert message.endswith(
        "' at 'batchRunSettings.inlineSettings' failed to satisfy constraint: "
        "Member must have length less than or equal to 100"
    )


def test_empty_list_below_minimum(unchecked: Any) -> None:
    message = validation_message(unchecked.start_run_batch, **batch({"inlineSettings": []}))
    assert message == (
        "1 validation error detected: Value '[]' at 'batchRunSettings.inlineSettings' failed to "
        "satisfy "
        "constraint: Member must have length greater than or equal to 1"
    )


def test_scalar_list_members_are_summed_up_with_their_whole_constraint_set(unchecked: Any) -> None:
    message = validation_message(
        unchecked.untag_resource,
        resourceArn="arn:aws:omics:us-east-1:123456789012:run/1",
        tagKeys=["ok", "k" * 129, ""],
    )
    assert message == (
        f"1 validation error detected: Value '[ok, {'k' * 129}, ]' at 'tagKeys' failed to satisfy "
        f"constraint: "
        f"Member must satisfy constraint: [{TAG_KEY_RULES}]"
    )


def test_scalar_list_member_with_pattern() -> None:
    params = {
        "name": "c",
        "requestId": "r",
        "runConfigurations": {"vpcConfig": {"securityGroupIds": ["sg-0a", "bad!"]}},
    }
    assert errors_for("CreateConfiguration", params) == [
        "Value '[sg-0a, bad!]' at 'runConfigurations.vpcConfig.securityGroupIds' failed to "
        "satisfy constraint: "
        "Member must satisfy constraint: [Member must have length less than or equal to 128, "
        "Member must have length greater than or equal to 4, "
        "Member must satisfy regular expression pattern: sg-[0-9a-f]+]"
    ]


def test_enum_list_in_the_query(unchecked: Any) -> None:
    message = validation_message(
        unchecked.get_workflow, id="1234567", export=["DEFINITION", "BOGUS"]
    )
    assert message == (
        "1 validation error detected: Value '[DEFINITION, BOGUS]' at 'export' failed to satisfy "
        "constraint: "
        "Member must satisfy constraint: [Member must have length less than or equal to 64, "
        "Member must have length greater than or equal to 1, Member must satisfy enum value set: "
        "[DEFINITION, README]]"
    )


def test_null_and_wrongly_typed_list_members_are_named_in_the_summary() -> None:
    params = {"resourceArn": "arn:aws:omics:us-east-1:123456789012:run/1", "tagKeys": [None, 3]}
    assert errors_for("UntagResource", params) == [
        "Value '[null, 3]' at 'tagKeys' failed to satisfy constraint: Member must satisfy "
        "constraint: "
        f"[{TAG_KEY_RULES}, Member must not be null, Member must be of type string]"
    ]


def test_map_too_large_and_bad_keys_and_values_are_separate_errors() -> None:
    tags = {f"k{i}": "v" for i in range(50)}
    tags["k" * 129] = "v" * 257
    errors = errors_for(
        "TagResource", {"resourceArn": "arn:aws:omics:us-east-1:123456789012:run/1", "tags": tags}
    )
    assert [e.split("failed to satisfy constraint: ")[1] for e in errors] == [
        "Member must have length less than or equal to 50",
        f"Map keys must satisfy constraint: [{TAG_KEY_RULES}]",
        f"Map value must satisfy constraint: [{TAG_VALUE_RULES}]",
    ]
    assert all(" at 'tags' " in e for e in errors)


def test_bad_map_key(unchecked: Any) -> None:
    message = validation_message(unchecked.start_run, **run(tags={"": "v"}))
    assert message == (
        "1 validation error detected: Value '{=v}' at 'tags' failed to satisfy constraint: "
        f"Map keys must satisfy constraint: [{TAG_KEY_RULES}]"
    )


def test_bad_map_value(unchecked: Any) -> None:
    message = validation_message(unchecked.start_run, **run(tags={"k": "v" * 257}))
    assert message == (
        f"1 validation error detected: Value '{{k={'v' * 257}}}' at 'tags' failed to satisfy "
        f"constraint: "
        f"Map value must satisfy constraint: [{TAG_VALUE_RULES}]"
    )


def test_empty_map_below_minimum(omics: Any) -> None:
    message = validation_message(omics.create_workflow, name="wgs", parameterTemplate={})
    assert message == (
        "1 validation error detected: Value '{}' at 'parameterTemplate' failed to satisfy "
        "constraint: "
        "Member must have length greater than or equal to 1"
    )


def test_structure_map_values_are_checked_in_place(omics: Any) -> None:
    template = {"joint_mutect2": {"description": "d" * 257, "optional": True}}
    message = validation_message(omics.create_workflow, name="wgs", parameterTemplate=template)
    assert message == (
        f"1 validation error detected: Value '{'d' * 257}' at "
        f"'parameterTemplate.joint_mutect2.member.description' "
        "failed to satisfy constraint: Member must have length less than or equal to 256"
    )


def test_structure_list_members_are_checked_in_place(unchecked: Any) -> None:
    settings_ = {
        "inlineSettings": [
            {"runSettingId": "a"},
            {"name": "x"},
            {"runSettingId": "c", "priority": -5},
        ]
    }
    message = validation_message(unchecked.start_run_batch, **batch(settings_))
    assert message == (
        "2 validation errors detected: "
        "Value null at 'batchRunSettings.inlineSettings.2.member.runSettingId' failed to satisfy "
        "constraint: "
        "Member must not be null; "
        "Value '-5' at 'batchRunSettings.inlineSettings.3.member.priority' failed to satisfy "
        "constraint: "
        "Member must have value greater than or equal to 0"
    )


def test_null_structure_list_member() -> None:
    assert errors_for("StartRunBatch", batch({"inlineSettings": [None]})) == [
        "Value null at 'batchRunSettings.inlineSettings.1.member' failed to satisfy constraint: "
        "Member must not be null"
    ]


def test_nested_required_member(unchecked: Any) -> None:
    params = batch()
    del params["defaultRunSetting"]["roleArn"]
    message = validation_message(unchecked.start_run_batch, **params)
    assert message == (
        "1 validation error detected: Value null at 'defaultRunSetting.roleArn' failed to satisfy "
        "constraint: "
        "Member must not be null"
    )


def synthetic_check(shapes: dict[str, Any], root: str) -> Any:
    """A compiled validator for hand-written shapes (forms the omics model lacks today)."""
    return ValidatorCompiler().for_shape(ShapeResolver(shapes).get_shape_by_name(root))


def test_map_of_maps_is_checked_in_place() -> None:
    check = synthetic_check(
        {
            "Outer": {"type": "map", "key": {"shape": "Key"}, "value": {"shape": "Inner"}},
            "Inner": {"type": "map", "key": {"shape": "Key"}, "value": {"shape": "Key"}, "min": 1},
            "Key": {"type": "string", "max": 3},
        },
        "Outer",
    )
    errors: list[str] = []
    check({"p": {}, "q": {"abcd": "x"}}, "profiles", errors)
    assert errors == [
        "Value '{}' at 'profiles.p.member' failed to satisfy constraint: "
        "Member must have length greater than or equal to 1",
        "Value '{abcd=x}' at 'profiles.q.member' failed to satisfy constraint: "
        "Map keys must satisfy constraint: [Member must have length less than or equal to 3]",
    ]


def test_recursive_shapes_compile_and_check_every_level() -> None:
    check = synthetic_check(
        {
            "Node": {
                "type": "structure",
                "required": ["name"],
                "members": {"name": {"shape": "Name"}, "children": {"shape": "Nodes"}},
            },
            "Nodes": {"type": "list", "member": {"shape": "Node"}},
            "Name": {"type": "string", "min": 1},
        },
        "Node",
    )
    errors: list[str] = []
    check(
        {"name": "a", "children": [{"name": "b", "children": [{"children": []}]}]}, "tree", errors
    )
    assert errors == [
        "Value null at 'tree.children.1.member.children.1.member.name' failed to satisfy "
        "constraint: "
        "Member must not be null"
    ]


# -- tagged unions -------------------------------------------------------------------------


UNION_TEXT = (
    "Member must have exactly one of the following members set: [inlineSettings, s3UriSettings]"
)


def test_union_with_no_member_set(unchecked: Any) -> None:
    message = validation_message(unchecked.start_run_batch, **batch({}))
    assert message == (
        f"1 validation error detected: Value '{{}}' at 'batchRunSettings' failed to satisfy "
        f"constraint: {UNION_TEXT}"
    )


def test_union_with_both_members_set(unchecked: Any) -> None:
    settings_ = {"inlineSettings": [{"runSettingId": "a"}], "s3UriSettings": "s3://b/settings.json"}
    message = validation_message(unchecked.start_run_batch, **batch(settings_))
    assert message == (
        "1 validation error detected: Value '{inlineSettings=[{runSettingId=a}], "
        "s3UriSettings=s3://b/settings.json}' "
        f"at 'batchRunSettings' failed to satisfy constraint: {UNION_TEXT}"
    )


def test_botocore_stops_bad_unions_itself(omics: Any) -> None:
    with pytest.raises(ParamValidationError):
        omics.start_run_batch(**batch({}))


def test_union_member_is_validated() -> None:
    assert errors_for("StartRunBatch", batch({"s3UriSettings": ""})) == [
        "Value '' at 'batchRunSettings.s3UriSettings' failed to satisfy constraint: "
        "Member must have length greater than or equal to 1",
        "Value '' at 'batchRunSettings.s3UriSettings' failed to satisfy constraint: "
        f"Member must satisfy regular expression pattern: {UNICODE_CLASSES}",
    ]


# -- validation comes before the backend ----------------------------------------------------


def _droppable_required(operation: str) -> list[str]:
    shape = operation_model(operation).input_shape
    if shape is None:
        return []
    return [
        name
        for name in shape.required_members
        if shape.members[name].serialization.get("location") != "uri"
        and not shape.members[name].metadata.get("idempotencyToken")
    ]


WITH_BODY_REQUIREMENTS = [op for op in operation_names() if _droppable_required(op)]


@pytest.mark.parametrize("operation", WITH_BODY_REQUIREMENTS)
def test_missing_required_body_members_are_refused_before_any_handler(
    operation: str, unchecked: Any
) -> None:
    params = minimal_input(operation)
    missing = _droppable_required(operation)
    for name in missing:
        del params[name]
    method = getattr(unchecked, xform_name(operation))
    message = validation_message(method, **params)
    count = len(missing)
    assert message.startswith(f"{count} validation error{'s' if count > 1 else ''} detected: ")
    for name in missing:
        assert (
            f"Value null at '{name}' failed to satisfy constraint: Member must not be null"
            in message
        )


# -- raw requests a botocore client would not send -------------------------------------------


@pytest.fixture
def protocol() -> Pipeline:
    def invoke(spec: Any, params: dict[str, Any], context: Any) -> Any:
        return {}

    return Pipeline(invoke)


URL = "https://workflows-omics.us-east-1.amazonaws.com"


def raw_error(
    protocol: Pipeline, method: str, path: str, body: bytes | None = None
) -> tuple[int, str, str]:
    response = protocol.handle(method, URL + path, {"content-type": "application/json"}, body)
    return (
        response.status,
        response.headers.get("x-amzn-errortype", ""),
        json.loads(response.body or b"{}").get("message", ""),
    )


def test_invalid_base64_blob(protocol: Pipeline) -> None:
    status, code, message = raw_error(
        protocol, "POST", "/workflow", b'{"requestId": "r", "definitionZip": "not base64!"}'
    )
    assert (status, code) == (400, "ValidationException")
    assert message == (
        "1 validation error detected: Value 'not base64!' at 'definitionZip' failed to satisfy "
        "constraint: "
        "Member must be base64-encoded binary data"
    )


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        (b"{not json", "not valid JSON"),
        (b"[1, 2]", "must be a JSON object, not an array"),
        (b'"text"', "must be a JSON object, not a string"),
        (b"\xff\xfe\x00", "not valid JSON"),
        (b"[" * 100_000 + b"]" * 100_000, "not valid JSON"),
    ],
)
def test_body_that_is_not_a_json_object(protocol: Pipeline, body: bytes, fragment: str) -> None:
    status, code, message = raw_error(protocol, "POST", "/run", body)
    assert (status, code) == (400, "ValidationException")
    assert fragment in message


def test_json_null_means_not_given(protocol: Pipeline) -> None:
    body = b'{"roleArn": null, "outputUri": "s3://b/", "requestId": "r", "name": null}'
    assert raw_error(protocol, "POST", "/run", body) == (
        400,
        "ValidationException",
        "1 validation error detected: Value null at 'roleArn' failed to satisfy constraint: "
        "Member must not be null",
    )


def test_unparsable_query_integer(protocol: Pipeline) -> None:
    assert raw_error(protocol, "GET", "/run?maxResults=ten") == (
        400,
        "ValidationException",
        "1 validation error detected: Value 'ten' at 'maxResults' failed to satisfy constraint: "
        "Member must be of type integer",
    )


def test_unparsable_nested_timestamp(protocol: Pipeline) -> None:
    status, code, message = raw_error(
        protocol, "POST", "/sequencestores", b'{"filter": {"createdAfter": "yesterday"}}'
    )
    assert (status, code) == (400, "ValidationException")
    assert (
        "at 'filter.createdAfter' failed to satisfy constraint: Member must be a timestamp"
        in message
    )


# -- units ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (None, "null"),
        (True, "true"),
        ([1, "a", None], "[1, a, null]"),
        ({"k": [1], "j": {"x": False}}, "{k=[1], j={x=false}}"),
        (b"abc", "java.nio.HeapByteBuffer[pos=0 lim=3 cap=3]"),
    ],
)
def test_values_render_like_java(value: Any, shown: str) -> None:
    assert render(value) == shown


def test_no_errors_raise_nothing() -> None:
    raise_if_failed([])


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=-(2**40), max_value=2**40))
def test_priority_is_valid_exactly_in_range(priority: int) -> None:
    assert (errors_for("StartRun", run(priority=priority)) == []) == (0 <= priority <= 100000)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from("0123456789a"), max_size=25))
def test_workflow_id_is_valid_exactly_when_1_to_18_digits(workflow_id: str) -> None:
    valid = workflow_id.isdigit() and 1 <= len(workflow_id) <= 18
    assert (errors_for("StartRun", run(workflowId=workflow_id)) == []) == valid


JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=True)
    | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=12,
)
FUZZED = [
    "StartRun",
    "StartRunBatch",
    "CreateWorkflow",
    "CreateConfiguration",
    "ListReadSets",
    "TagResource",
]


def _member_names(operation: str) -> list[str]:
    shape = operation_model(operation).input_shape
    names = list(shape.members)
    for member in shape.members.values():  # one level down, so nested members get hit too
        names.extend(getattr(member, "members", {}))
    return names


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_any_json_body_is_answered_with_success_or_a_validation_error(data: Any) -> None:
    operation = data.draw(st.sampled_from(FUZZED))
    names = _member_names(operation)
    keys = st.sampled_from(names)
    nested = st.dictionaries(keys, JSON, max_size=3)
    body = data.draw(st.dictionaries(keys, JSON | nested, max_size=6))
    spec = service_spec().operations[operation]
    protocol = Pipeline(lambda spec, params, context: {})
    path = spec.uri.replace(
        "{resourceArn}", "arn%3Aaws%3Aomics%3Aus-east-1%3A123456789012%3Arun%2F1"
    )
    response = protocol.handle(spec.method, URL + path, {}, json.dumps(body).encode())
    assert response.status in (spec.success_status, 400), response.body
    if response.status == 400:
        message = json.loads(response.body)["message"]
        assert response.headers["x-amzn-errortype"] == "ValidationException"
        assert "validation error" in message


# -- the pass test agrees with the reporting check -------------------------------------------

PASS_STRATEGIES = InputStrategies()
BREAKABLE = [op for op in operation_names() if PASS_STRATEGIES.can_break_input(op)]


def pass_test_and_report(operation: str, params: dict[str, Any]) -> tuple[bool, list[str]]:
    """The operation's pass test, and the reporting check's failures, for ``params``."""
    spec = service_spec()
    shape = spec.operations[operation].model.input_shape
    assert shape is not None
    errors: list[str] = []
    spec.validators._reporting(shape)(params, "", errors)
    return spec.validators._passes.for_shape(shape)(params), errors


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_pass_tests_accept_exactly_the_valid_inputs(data: st.DataObject) -> None:
    operation = data.draw(st.sampled_from(BREAKABLE), label="operation")
    params = data.draw(PASS_STRATEGIES.valid_input(operation), label="params")
    assert pass_test_and_report(operation, params) == (True, [])


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_pass_tests_refuse_every_input_the_check_reports(data: st.DataObject) -> None:
    operation = data.draw(st.sampled_from(BREAKABLE), label="operation")
    params, mutation = data.draw(PASS_STRATEGIES.invalid_input(operation), label="params")
    passes, errors = pass_test_and_report(operation, params)
    assert errors, mutation
    assert not passes, (mutation, errors)
