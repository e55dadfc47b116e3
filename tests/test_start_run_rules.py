"""StartRun's service rules: every refusal with its code and HTTP status."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from .helpers import OUT, ROLE, error_of, wdl_zip, zip_bytes


def refused(call: Any, **kwargs: Any) -> tuple[str, int, str]:
    with pytest.raises(ClientError) as excinfo:
        call(**kwargs)
    return error_of(excinfo)


def test_unknown_workflow_is_not_found(omics: Any) -> None:
    code, status, message = refused(
        omics.start_run, workflowId="1234567", roleArn=ROLE, outputUri=OUT
    )
    assert (code, status, message) == (
        "ResourceNotFoundException",
        404,
        "Workflow 1234567 not found",
    )


def test_neither_workflow_nor_run_id_is_a_validation_error(omics: Any) -> None:
    code, status, message = refused(omics.start_run, roleArn=ROLE, outputUri=OUT)
    assert (code, status) == ("ValidationException", 400)
    assert "workflowId" in message and "runId" in message


def test_workflow_still_creating_is_refused(omics: Any, omics_mock: Any) -> None:
    import datetime

    omics_mock.settings.durations.workflow_creating = datetime.timedelta(minutes=5)
    created = omics.create_workflow(definitionZip=wdl_zip())["id"]
    code, status, message = refused(
        omics.start_run, workflowId=created, roleArn=ROLE, outputUri=OUT, parameters={"sample": "s"}
    )
    assert (code, status) == ("ValidationException", 400)
    assert "CREATING" in message


def test_missing_required_parameter_is_named(start: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        start(parameters={})
    code, status, message = error_of(excinfo)
    assert (code, status) == ("ValidationException", 400)
    assert "sample" in message


def test_unknown_parameter_is_named(start: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        start(parameters={"sample": "s", "bogus": 1})
    code, status, message = error_of(excinfo)
    assert (code, status) == ("ValidationException", 400)
    assert "bogus" in message


def test_optional_parameters_are_accepted(omics: Any, start: Any) -> None:
    run_id = start(parameters={"sample": "s", "reference": "s3://ref/hg38.fa", "threads": 8})
    assert omics.get_run(id=run_id)["parameters"]["threads"] == 8


@pytest.mark.parametrize("name", ["wgs.sample", "sample"])
def test_wdl_inputs_may_be_qualified_with_the_workflow_name(
    omics: Any, start: Any, name: str
) -> None:
    run_id = start(parameters={name: "NA12878", "wgs.threads": 8})
    assert omics.get_run(id=run_id)["parameters"] == {name: "NA12878", "wgs.threads": 8}


def test_wdl_inputs_qualified_with_another_name_are_unknown(start: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        start(parameters={"other.sample": "NA12878"})
    message = error_of(excinfo)[2]
    assert "Missing required parameter(s): sample." in message


def test_a_workflow_named_main_takes_qualified_inputs(omics: Any) -> None:
    main = "version 1.0\nworkflow main {\n  input {\n    String sample\n  }\n}\n"
    workflow = omics.create_workflow(name="main", definitionZip=wdl_zip(main))["id"]
    omics.get_waiter("workflow_active").wait(id=workflow)
    run = omics.start_run(
        workflowId=workflow, roleArn=ROLE, outputUri=OUT, parameters={"main.sample": "NA1"}
    )
    assert omics.get_run(id=run["id"])["status"] == "PENDING"


def test_parameters_over_50000_bytes_are_refused(start: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        start(parameters={"sample": "x" * 50_000})
    code, status, message = error_of(excinfo)
    assert (code, status) == ("ValidationException", 400)
    assert "50000" in message


@pytest.mark.parametrize(
    ("uri", "rule"),
    [
        ("https://bucket/out", "it does not start with s3://"),
        ("s3://o/", "bucket names are 3 to 63 characters long; 'o' has 1"),
        (f"s3://{'b' * 64}/", "bucket names are 3 to 63 characters long"),
        ("s3://My_Bucket/out", "bucket names use only lower-case letters, digits, dots"),
        ("s3://-bucket/out", "bucket names begin and end with a letter or a digit"),
    ],
)
def test_output_uri_refusal_names_the_rule_it_breaks(start: Any, uri: str, rule: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        start(outputUri=uri)
    code, status, message = error_of(excinfo)
    assert (code, status) == ("ValidationException", 400)
    assert message.startswith(f"outputUri must be an S3 URI such as s3://bucket/prefix/: {uri} (")
    assert rule in message


@pytest.mark.parametrize(
    ("member", "value", "kind"),
    [("runGroupId", "1234567", "Run group"), ("cacheId", "7654321", "Run cache")],
)
def test_unknown_referenced_resource_is_not_found(
    start: Any, member: str, value: str, kind: str
) -> None:
    with pytest.raises(ClientError) as excinfo:
        start(**{member: value})
    assert error_of(excinfo) == ("ResourceNotFoundException", 404, f"{kind} {value} not found")


def test_vpc_networking_needs_a_configuration_name(start: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        start(networkingMode="VPC")
    code, status, message = error_of(excinfo)
    assert (code, status) == ("ValidationException", 400)
    assert "configurationName" in message


def test_cache_behavior_needs_a_cache_id(start: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        start(cacheBehavior="CACHE_ALWAYS")
    code, status, message = error_of(excinfo)
    assert (code, status) == ("ValidationException", 400)
    assert "cacheId" in message


def test_priority_above_the_model_maximum_is_refused(start: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        start(priority=100001)
    assert error_of(excinfo) == (
        "ValidationException",
        400,
        "1 validation error detected: Value '100001' at 'priority' failed to satisfy constraint: "
        "Member must have value less than or equal to 100000",
    )


def test_session_policy_must_be_json(start: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        start(sessionPolicy="not json")
    assert error_of(excinfo)[:2] == ("ValidationException", 400)


def test_ready2run_workflow_needs_workflow_type(omics: Any) -> None:
    ready = omics.list_workflows(type="READY2RUN")["items"][0]["id"]
    template = omics.get_workflow(id=ready, type="READY2RUN")["parameterTemplate"]
    parameters = {name: "s3://in/x" for name, spec in template.items() if not spec["optional"]}
    with pytest.raises(ClientError) as excinfo:
        omics.start_run(workflowId=ready, roleArn=ROLE, outputUri=OUT, parameters=parameters)
    assert error_of(excinfo) == ("ResourceNotFoundException", 404, f"Workflow {ready} not found")
    run = omics.start_run(
        workflowId=ready,
        workflowType="READY2RUN",
        roleArn=ROLE,
        outputUri=OUT,
        parameters=parameters,
    )
    assert omics.get_run(id=run["id"])["workflowType"] == "READY2RUN"


def test_unknown_version_is_not_found(start: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        start(workflowVersionName="v9")
    assert error_of(excinfo)[:2] == ("ResourceNotFoundException", 404)


def test_run_of_a_version_uses_its_template(omics: Any, workflow: str, start: Any) -> None:
    other = "version 1.0\nworkflow w {\n  input {\n    String tumor\n  }\n}\n"
    omics.create_workflow_version(
        workflowId=workflow, versionName="v2", definitionZip=wdl_zip(other)
    )
    run_id = start(workflowVersionName="v2", parameters={"tumor": "t1"})
    assert omics.get_run(id=run_id)["workflowVersionName"] == "v2"


def test_static_storage_defaults_to_1200_gib(omics: Any, start: Any) -> None:
    run = omics.get_run(id=start())
    assert (run["storageType"], run["storageCapacity"]) == ("STATIC", 1200)


def test_dynamic_storage_ignores_capacity(omics: Any, start: Any) -> None:
    run = omics.get_run(id=start(storageType="DYNAMIC", storageCapacity=5000))
    assert run["storageType"] == "DYNAMIC"
    assert "storageCapacity" not in run


def test_workflow_storage_defaults_apply(omics: Any) -> None:
    created = omics.create_workflow(
        definitionZip=wdl_zip(), storageType="STATIC", storageCapacity=2400
    )
    run = omics.start_run(
        workflowId=created["id"], roleArn=ROLE, outputUri=OUT, parameters={"sample": "s"}
    )
    assert omics.get_run(id=run["id"])["storageCapacity"] == 2400


def test_output_prefix_modes(omics: Any, start: Any) -> None:
    default = omics.get_run(id=start())
    assert default["outputUriPrefixMode"] == "SERVICE_DEFINED"
    assert default["runOutputUri"] == f"s3://omics-out/results/{default['id']}/{default['uuid']}"
    plain = omics.get_run(id=start(outputUriPrefixMode="NONE_WITH_OVERWRITE"))
    assert plain["runOutputUri"] == OUT


def test_run_output_uri_can_take_the_run_id_only_form(
    omics: Any, omics_mock: Any, start: Any
) -> None:
    omics_mock.settings.artifacts.run_output_uri = "RUN_ID"
    run = omics.get_run(id=start(outputUri="s3://omics-out/results"))
    assert run["runOutputUri"] == f"s3://omics-out/results/{run['id']}"


def test_get_run_echoes_the_request(omics: Any, start: Any) -> None:
    run_id = start(
        name="sample-1",
        priority=5,
        logLevel="ALL",
        tags={"project": "p1"},
        retentionMode="REMOVE",
        scratchStorageMode="LOCAL",
    )
    run = omics.get_run(id=run_id)
    assert run["name"] == "sample-1"
    assert run["priority"] == 5
    assert run["logLevel"] == "ALL"
    assert run["tags"] == {"project": "p1"}
    assert run["retentionMode"] == "REMOVE"
    assert run["scratchStorageMode"] == "LOCAL"
    assert run["roleArn"] == ROLE
    assert run["startedBy"].startswith("arn:aws:iam::123456789012:")


def test_engine_settings_are_dropped_for_wdl(omics: Any, start: Any) -> None:
    run = omics.get_run(id=start(engineSettings={"engineVersion": "24.10"}))
    assert "engineSettings" not in run and "engineVersion" not in run


def test_nextflow_run_reports_engine_version(omics: Any) -> None:
    definition = zip_bytes(
        {"main.nf": "params.reads = null\nprocess ALIGN {\n  cpus 4\n  script: 'x'\n}\n"}
    )
    wf = omics.create_workflow(definitionZip=definition, engine="NEXTFLOW")["id"]
    run_id = omics.start_run(
        workflowId=wf, roleArn=ROLE, outputUri=OUT, engineSettings={"engineVersion": "25.10"}
    )["id"]
    run = omics.get_run(id=run_id)
    assert run["engineVersion"] == "25.10.0"
    assert run["engineSettings"] == {"engineVersion": "25.10"}


def test_export_definition_of_a_run(omics: Any, start: Any) -> None:
    import requests

    url = omics.get_run(id=start(), export=["DEFINITION"])["definition"]
    assert requests.get(url, timeout=5).content[:2] == b"PK"


def test_idempotent_start_returns_the_same_run(omics: Any, start: Any) -> None:
    first = start(requestId="batch-7-sample-1")
    assert start(requestId="batch-7-sample-1") == first
    with pytest.raises(ClientError) as excinfo:
        start(requestId="batch-7-sample-1", name="different")
    assert error_of(excinfo)[:2] == ("ConflictException", 409)


def test_parameters_round_trip_as_json(omics: Any, start: Any) -> None:
    parameters = {"sample": "s", "threads": 3, "reference": "s3://r/x.fa"}
    run = omics.get_run(id=start(parameters=parameters))
    assert json.dumps(run["parameters"], sort_keys=True) == json.dumps(parameters, sort_keys=True)
    assert run["resourceDigests"]["s3://r/x.fa"].startswith("etag:")
