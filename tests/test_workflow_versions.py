"""Workflow versions through a real boto3 client."""

from __future__ import annotations

import datetime as _dt
import hashlib
from collections.abc import Callable
from typing import Any

import pytest
import requests
from botocore.exceptions import ClientError, WaiterError

from .helpers import error_of, wdl_zip
from .test_workflows import (
    R2R_ID,
    UUID,
    assert_output_shape,
    no_validation_client,
    record_raw_bodies,
    zipped,
)

NF_ZIP = zipped({"main.nf": "params.reads = null\n"})


@pytest.fixture
def raw(omics: Any) -> dict[str, tuple[int, bytes]]:
    """The raw answers of the ``omics`` client, for ``assert_output_shape``."""
    return record_raw_bodies(omics)


def new_version(omics: Any, workflow: str, name: str = "v2", **kwargs: Any) -> dict[str, Any]:
    """CreateWorkflowVersion's answer; ``definitionZip=None`` leaves the zip out."""
    kwargs.setdefault("definitionZip", wdl_zip())
    kwargs = {k: v for k, v in kwargs.items() if v is not None}
    return dict(omics.create_workflow_version(workflowId=workflow, versionName=name, **kwargs))


# -- lifecycle ---------------------------------------------------------------------------


def test_create_version_answers_201_creating(omics: Any, workflow: str, raw: Any) -> None:
    created = new_version(omics, workflow, tags={"team": "genomics"})
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert_output_shape(omics, raw, "CreateWorkflowVersion")
    assert created["arn"] == f"arn:aws:omics:us-east-1:123456789012:workflow/{workflow}/version/v2"
    assert (created["workflowId"], created["versionName"], created["status"]) == (
        workflow,
        "v2",
        "CREATING",
    )
    assert UUID.fullmatch(created["uuid"]) and created["tags"] == {"team": "genomics"}


def test_get_version_describes_its_own_definition(omics: Any, workflow: str, raw: Any) -> None:
    new_version(
        omics,
        workflow,
        definitionZip=NF_ZIP,
        description="Nextflow port",
        storageType="DYNAMIC",
        workflowBucketOwnerId="123456789012",
    )
    got = omics.get_workflow_version(workflowId=workflow, versionName="v2")
    assert_output_shape(omics, raw, "GetWorkflowVersion")
    assert (got["status"], got["type"], got["description"]) == (
        "ACTIVE",
        "PRIVATE",
        "Nextflow port",
    )
    assert (got["engine"], got["main"], got["storageType"]) == ("NEXTFLOW", "main.nf", "DYNAMIC")
    assert got["digest"] == "sha256:" + hashlib.sha256(NF_ZIP).hexdigest()
    assert got["parameterTemplate"] == {"reads": {"description": "", "optional": True}}
    assert (got["workflowBucketOwnerId"], got["tags"]) == ("123456789012", {})
    assert isinstance(got["creationTime"], _dt.datetime)


def test_version_inherits_nothing_from_the_workflow(omics: Any) -> None:
    workflow = omics.create_workflow(
        definitionZip=wdl_zip(),
        storageType="STATIC",
        storageCapacity=1000,
        parameterTemplate={"only": {"description": "given"}},
        tags={"a": "b"},
    )["id"]
    new_version(omics, workflow)
    got = omics.get_workflow_version(workflowId=workflow, versionName="v2")
    assert "storageType" not in got and "storageCapacity" not in got and got["tags"] == {}
    assert set(got["parameterTemplate"]) == {"sample", "reference", "threads"}


def test_version_creating_delay_and_waiter(omics: Any, omics_mock: Any, workflow: str) -> None:
    omics_mock.settings.durations.workflow_creating = _dt.timedelta(seconds=7)
    new_version(omics, workflow)
    assert omics.get_workflow_version(workflowId=workflow, versionName="v2")["status"] == "CREATING"
    omics.get_waiter("workflow_version_active").wait(workflowId=workflow, versionName="v2")
    assert len(omics_mock.calls("GetWorkflowVersion")) == 1 + 4  # 0, 3, 6 s CREATING; 9 s ACTIVE
    assert omics.get_workflow_version(workflowId=workflow, versionName="v2")["status"] == "ACTIVE"


def test_version_with_an_unusable_definition_fails(omics: Any, workflow: str) -> None:
    new_version(
        omics,
        workflow,
        definitionZip=zipped({"a.wdl": "workflow a {}", "b.wdl": "workflow b {}"}),
    )
    with pytest.raises(WaiterError, match="FAILED"):
        omics.get_waiter("workflow_version_active").wait(workflowId=workflow, versionName="v2")
    got = omics.get_workflow_version(workflowId=workflow, versionName="v2")
    assert "several workflow files" in got["statusMessage"]


def test_version_exports_definition_and_readme(omics: Any, workflow: str) -> None:
    new_version(omics, workflow, definitionZip=NF_ZIP, readmeMarkdown="# v2")
    got = omics.get_workflow_version(
        workflowId=workflow, versionName="v2", export=["DEFINITION", "README"]
    )
    assert requests.get(got["definition"], timeout=5).content == NF_ZIP
    assert requests.get(got["readme"], timeout=5).text == "# v2"
    workflow_export = omics.get_workflow(id=workflow, export=["DEFINITION"])["definition"]
    assert requests.get(workflow_export, timeout=5).content == wdl_zip()


def test_version_reads_definition_uri(omics: Any, omics_mock: Any, workflow: str) -> None:
    omics_mock.s3.put_object("s3://pipelines/v2.zip", NF_ZIP)
    new_version(omics, workflow, definitionZip=None, definitionUri="s3://pipelines/v2.zip")
    got = omics.get_workflow_version(workflowId=workflow, versionName="v2")
    assert (got["status"], got["engine"]) == ("ACTIVE", "NEXTFLOW")


# -- names, quota, idempotency -------------------------------------------------------------


def test_duplicate_version_name_is_a_conflict(omics: Any, workflow: str) -> None:
    new_version(omics, workflow)
    with pytest.raises(ClientError) as excinfo:
        new_version(omics, workflow)
    assert error_of(excinfo) == (
        "ConflictException",
        409,
        f"Workflow {workflow} already has a version named v2.",
    )


def test_same_version_name_in_two_workflows_is_fine(omics: Any, workflow: str) -> None:
    other = omics.create_workflow(definitionZip=wdl_zip())["id"]
    new_version(omics, workflow)
    assert new_version(omics, other)["arn"].endswith(f"workflow/{other}/version/v2")


def test_version_name_is_reusable_after_deletion(omics: Any, workflow: str) -> None:
    first = new_version(omics, workflow)
    omics.delete_workflow_version(workflowId=workflow, versionName="v2")
    again = new_version(omics, workflow, description="again")
    assert again["arn"] == first["arn"] and again["uuid"] != first["uuid"]
    got = omics.get_workflow_version(workflowId=workflow, versionName="v2")
    assert (got["status"], got["description"]) == ("ACTIVE", "again")


@pytest.mark.parametrize(
    ("name", "constraint"),
    [
        ("-bad", "Member must satisfy regular expression pattern: [A-Za-z0-9][A-Za-z0-9\\-\\._]*"),
        ("has space", "Member must satisfy regular expression pattern"),
        ("v" * 65, "Member must have length less than or equal to 64"),
    ],
    ids=["leading-dash", "space", "too-long"],
)
def test_bad_version_name_is_a_validation_error(
    omics: Any, workflow: str, name: str, constraint: str
) -> None:
    with pytest.raises(ClientError) as excinfo:
        new_version(omics, workflow, name)
    code, status, message = error_of(excinfo)
    assert (code, status) == ("ValidationException", 400)
    assert f"at 'versionName' failed to satisfy constraint: {constraint}" in message


def test_good_version_names_are_accepted(omics: Any, workflow: str) -> None:
    for name in ("2.7.0", "version_1", "A-b.c_d", "v" * 64):
        assert new_version(omics, workflow, name)["versionName"] == name


def test_version_quota_is_a_service_quota_error(omics: Any, omics_mock: Any, workflow: str) -> None:
    omics_mock.settings.quotas.max_versions_per_workflow = 2
    new_version(omics, workflow, "v1")
    new_version(omics, workflow, "v2")
    with pytest.raises(ClientError) as excinfo:
        new_version(omics, workflow, "v3")
    assert error_of(excinfo) == (
        "ServiceQuotaExceededException",
        402,
        f"Workflow {workflow} already has the maximum number of versions (2).",
    )


def test_same_request_id_and_payload_returns_the_same_version(omics: Any, workflow: str) -> None:
    first = new_version(omics, workflow, requestId="req-v2")
    again = new_version(omics, workflow, requestId="req-v2")
    assert (again["uuid"], again["status"]) == (first["uuid"], "ACTIVE")


def test_same_request_id_with_another_payload_is_a_conflict(omics: Any, workflow: str) -> None:
    new_version(omics, workflow, requestId="req-v2")
    with pytest.raises(ClientError) as excinfo:
        new_version(omics, workflow, "v3", requestId="req-v2")
    assert error_of(excinfo)[:2] == ("ConflictException", 409)


# -- preconditions ------------------------------------------------------------------------------


def test_version_of_an_unknown_workflow_is_not_found(omics: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        new_version(omics, "1234567")
    assert error_of(excinfo) == ("ResourceNotFoundException", 404, "Workflow 1234567 not found")


def test_version_of_a_creating_workflow_is_a_conflict(omics: Any, omics_mock: Any) -> None:
    omics_mock.settings.durations.workflow_creating = _dt.timedelta(minutes=1)
    workflow = omics.create_workflow(definitionZip=wdl_zip())["id"]
    with pytest.raises(ClientError) as excinfo:
        new_version(omics, workflow)
    assert error_of(excinfo)[:2] == ("ConflictException", 409)
    assert "CREATING" in error_of(excinfo)[2]


def test_version_of_a_failed_workflow_is_a_conflict(omics: Any) -> None:
    workflow = omics.create_workflow(definitionZip=zipped({"x.txt": "x"}))["id"]
    assert omics.get_workflow(id=workflow)["status"] == "FAILED"
    with pytest.raises(ClientError) as excinfo:
        new_version(omics, workflow)
    assert error_of(excinfo)[:2] == ("ConflictException", 409)


def test_unknown_version_is_not_found(omics: Any, workflow: str) -> None:
    for call in (omics.get_workflow_version, omics.delete_workflow_version):
        with pytest.raises(ClientError) as excinfo:
            call(workflowId=workflow, versionName="nope")
        assert error_of(excinfo) == (
            "ResourceNotFoundException",
            404,
            f"Workflow version nope of workflow {workflow} not found",
        )


# -- list, update, delete ---------------------------------------------------------------------


def test_list_versions_oldest_first_with_pages(omics: Any, workflow: str, raw: Any) -> None:
    for name in ("v1", "v2", "v3"):
        new_version(omics, workflow, name, description=f"d-{name}")
    first = omics.list_workflow_versions(workflowId=workflow, maxResults=2)
    assert_output_shape(omics, raw, "ListWorkflowVersions")
    assert [v["versionName"] for v in first["items"]] == ["v1", "v2"]
    rest = omics.list_workflow_versions(
        workflowId=workflow, maxResults=2, startingToken=first["nextToken"]
    )
    assert [v["versionName"] for v in rest["items"]] == ["v3"] and "nextToken" not in rest
    item = first["items"][0]
    assert set(item) == {
        "arn",
        "workflowId",
        "versionName",
        "description",
        "status",
        "type",
        "digest",
        "creationTime",
    }


def test_list_versions_paginator_builds_the_full_result(omics: Any, workflow: str) -> None:
    for index in range(5):
        new_version(omics, workflow, f"v{index}")
    pages = omics.get_paginator("list_workflow_versions").paginate(
        workflowId=workflow, PaginationConfig={"PageSize": 2}
    )
    assert [v["versionName"] for v in pages.build_full_result()["items"]] == [
        f"v{i}" for i in range(5)
    ]


def test_update_version_changes_what_the_service_allows(
    omics: Any, workflow: str, raw: Any
) -> None:
    new_version(omics, workflow)
    response = omics.update_workflow_version(
        workflowId=workflow,
        versionName="v2",
        description="tuned",
        storageType="STATIC",
        storageCapacity=4800,
        readmeMarkdown="# Tuned",
    )
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert_output_shape(omics, raw, "UpdateWorkflowVersion")
    got = omics.get_workflow_version(workflowId=workflow, versionName="v2", export=["README"])
    assert (got["description"], got["storageType"], got["storageCapacity"]) == (
        "tuned",
        "STATIC",
        4800,
    )
    assert requests.get(got["readme"], timeout=5).text == "# Tuned"


def test_update_version_passes_through_updating(omics: Any, omics_mock: Any, workflow: str) -> None:
    new_version(omics, workflow)
    omics_mock.settings.durations.workflow_updating = _dt.timedelta(seconds=4)
    omics.update_workflow_version(workflowId=workflow, versionName="v2", description="x")
    assert omics.get_workflow_version(workflowId=workflow, versionName="v2")["status"] == "UPDATING"
    omics.get_waiter("workflow_version_active").wait(workflowId=workflow, versionName="v2")


def test_update_of_a_creating_version_is_a_conflict(
    omics: Any, omics_mock: Any, workflow: str
) -> None:
    omics_mock.settings.durations.workflow_creating = _dt.timedelta(minutes=1)
    new_version(omics, workflow)
    with pytest.raises(ClientError) as excinfo:
        omics.update_workflow_version(workflowId=workflow, versionName="v2", description="x")
    assert error_of(excinfo) == (
        "ConflictException",
        409,
        "Workflow version v2 cannot be updated while it is CREATING.",
    )


def test_delete_version_then_it_is_gone(omics: Any, workflow: str, raw: Any) -> None:
    new_version(omics, workflow, "v1")
    new_version(omics, workflow, "v2")
    response = omics.delete_workflow_version(workflowId=workflow, versionName="v1")
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert_output_shape(omics, raw, "DeleteWorkflowVersion")
    listed = omics.list_workflow_versions(workflowId=workflow)["items"]
    assert [v["versionName"] for v in listed] == ["v2"]


def test_delete_of_a_creating_version_is_a_conflict(
    omics: Any, omics_mock: Any, workflow: str
) -> None:
    omics_mock.settings.durations.workflow_creating = _dt.timedelta(minutes=1)
    new_version(omics, workflow)
    with pytest.raises(ClientError) as excinfo:
        omics.delete_workflow_version(workflowId=workflow, versionName="v2")
    assert error_of(excinfo)[:2] == ("ConflictException", 409)


def test_failed_version_can_be_deleted(omics: Any, workflow: str) -> None:
    new_version(omics, workflow, definitionZip=zipped({"x.txt": "x"}))
    assert omics.get_workflow_version(workflowId=workflow, versionName="v2")["status"] == "FAILED"
    omics.delete_workflow_version(workflowId=workflow, versionName="v2")


def test_versions_of_a_deleted_workflow_are_not_found(omics: Any, workflow: str) -> None:
    omics.delete_workflow(id=workflow)
    with pytest.raises(ClientError) as excinfo:
        omics.list_workflow_versions(workflowId=workflow)
    assert error_of(excinfo) == ("ResourceNotFoundException", 404, f"Workflow {workflow} not found")


# -- READY2RUN ---------------------------------------------------------------------------------


def test_ready2run_versions_are_found_with_the_type(omics: Any, raw: Any) -> None:
    listed = omics.list_workflow_versions(workflowId=R2R_ID, type="READY2RUN")["items"]
    assert [(v["versionName"], v["type"]) for v in listed] == [("1.1.0", "READY2RUN")]
    got = omics.get_workflow_version(workflowId=R2R_ID, versionName="1.1.0", type="READY2RUN")
    assert_output_shape(omics, raw, "GetWorkflowVersion")
    assert got["arn"] == f"arn:aws:omics:us-east-1::workflow/{R2R_ID}/version/1.1.0"
    assert (got["status"], got["type"]) == ("ACTIVE", "READY2RUN") and "tags" not in got


def test_ready2run_versions_without_the_type_are_not_found(omics: Any) -> None:
    calls: tuple[Callable[[], Any], ...] = (
        lambda: omics.list_workflow_versions(workflowId=R2R_ID),
        lambda: omics.get_workflow_version(workflowId=R2R_ID, versionName="1.1.0"),
        lambda: omics.update_workflow_version(
            workflowId=R2R_ID, versionName="1.1.0", description="x"
        ),
        lambda: omics.delete_workflow_version(workflowId=R2R_ID, versionName="1.1.0"),
    )
    for call in calls:
        with pytest.raises(ClientError) as excinfo:
            call()
        assert error_of(excinfo) == (
            "ResourceNotFoundException",
            404,
            f"Workflow {R2R_ID} not found",
        )


def test_control_api_ready2run_entry_with_versions(omics: Any, omics_mock: Any) -> None:
    omics_mock.ready2run.add("7654321", "Custom", required=("x",), versions=("1.0", "2.0"))
    listed = omics.list_workflow_versions(workflowId="7654321", type="READY2RUN")["items"]
    assert [v["versionName"] for v in listed] == ["1.0", "2.0"]
    digests = {v["digest"] for v in listed}
    assert len(digests) == 2


# -- bad inputs --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "path"),
    [
        (dict(workflowId="abc", versionName="v2"), "workflowId"),
        (dict(workflowId="1234567", versionName="v2", engine="BASH"), "engine"),
        (dict(workflowId="1234567", versionName="v2", description="d" * 257), "description"),
        (dict(workflowId="1234567", versionName="v2", storageCapacity=100001), "storageCapacity"),
        (
            dict(workflowId="1234567", versionName="v2", workflowBucketOwnerId="1"),
            "workflowBucketOwnerId",
        ),
    ],
)
def test_create_version_rejects_bad_members(omics: Any, call: dict[str, Any], path: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        no_validation_client().create_workflow_version(definitionZip=wdl_zip(), **call)
    assert error_of(excinfo)[:2] == ("ValidationException", 400)
    assert f"at '{path}' failed to satisfy constraint" in error_of(excinfo)[2]


def test_list_versions_rejects_bad_members(omics: Any, workflow: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        omics.list_workflow_versions(workflowId=workflow, type="SHARED", maxResults=101)
    code, _, message = error_of(excinfo)
    assert code == "ValidationException" and message.startswith("2 validation errors detected")
