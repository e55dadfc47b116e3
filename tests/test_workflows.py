"""Workflows and versions through a real boto3 client."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from .helpers import error_of, wdl_zip, zip_bytes


def test_create_workflow_starts_creating_then_becomes_active(omics: Any) -> None:
    created = omics.create_workflow(name="wgs", definitionZip=wdl_zip())
    assert created["status"] == "CREATING"
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert created["arn"] == f"arn:aws:omics:us-east-1:123456789012:workflow/{created['id']}"
    omics.get_waiter("workflow_active").wait(id=created["id"])
    assert omics.get_workflow(id=created["id"])["status"] == "ACTIVE"


def test_workflow_ids_are_seven_digits(omics: Any) -> None:
    ids = {omics.create_workflow(definitionZip=wdl_zip())["id"] for _ in range(5)}
    assert len(ids) == 5
    assert all(len(i) == 7 and i.isdigit() for i in ids)


def test_parameter_template_is_derived_from_wdl_inputs(omics: Any, workflow: str) -> None:
    template = omics.get_workflow(id=workflow)["parameterTemplate"]
    assert template == {
        "sample": {"optional": False},
        "reference": {"optional": True},
        "threads": {"optional": True},
    }


def test_given_parameter_template_wins(omics: Any) -> None:
    given = {"sample": {"description": "Sample id", "optional": False}}
    created = omics.create_workflow(definitionZip=wdl_zip(), parameterTemplate=given)
    assert omics.get_workflow(id=created["id"])["parameterTemplate"] == given


def test_not_a_zip_is_a_validation_error(omics: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        omics.create_workflow(name="bad", definitionZip=b"not a zip")
    code, status, message = error_of(excinfo)
    assert (code, status) == ("ValidationException", 400)
    assert "zip" in message


def test_zip_without_definition_file_fails_with_status_message(omics: Any) -> None:
    created = omics.create_workflow(definitionZip=zip_bytes({"notes.txt": "x"}))
    workflow = omics.get_workflow(id=created["id"])
    assert workflow["status"] == "FAILED"
    assert "No workflow definition file" in workflow["statusMessage"]


def test_workflow_active_waiter_fails_on_failed_workflow(omics: Any) -> None:
    from botocore.exceptions import WaiterError

    created = omics.create_workflow(definitionZip=zip_bytes({"notes.txt": "x"}))
    with pytest.raises(WaiterError):
        omics.get_waiter("workflow_active").wait(id=created["id"])


def test_unknown_workflow_is_not_found(omics: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        omics.get_workflow(id="1234567")
    assert error_of(excinfo) == (
        "ResourceNotFoundException",
        404,
        "Workflow 1234567 not found",
    )


def test_ready2run_workflow_needs_its_type(omics: Any) -> None:
    listed = omics.list_workflows(type="READY2RUN")["items"]
    assert listed and all(item["type"] == "READY2RUN" for item in listed)
    ready = listed[0]
    assert ready["arn"].startswith("arn:aws:omics:us-east-1::workflow/")
    assert omics.get_workflow(id=ready["id"], type="READY2RUN")["status"] == "ACTIVE"
    with pytest.raises(ClientError) as excinfo:
        omics.get_workflow(id=ready["id"])
    assert error_of(excinfo)[:2] == ("ResourceNotFoundException", 404)


def test_idempotent_create_returns_the_same_workflow(omics: Any) -> None:
    first = omics.create_workflow(name="a", definitionZip=wdl_zip(), requestId="req-1")
    again = omics.create_workflow(name="a", definitionZip=wdl_zip(), requestId="req-1")
    assert again["id"] == first["id"]
    with pytest.raises(ClientError) as excinfo:
        omics.create_workflow(name="b", definitionZip=wdl_zip(), requestId="req-1")
    assert error_of(excinfo)[:2] == ("ConflictException", 409)


def test_delete_workflow_then_get_is_not_found(omics: Any, workflow: str) -> None:
    response = omics.delete_workflow(id=workflow)
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 202
    with pytest.raises(ClientError) as excinfo:
        omics.get_workflow(id=workflow)
    assert error_of(excinfo)[0] == "ResourceNotFoundException"


def test_delete_workflow_with_versions_is_a_conflict(omics: Any, workflow: str) -> None:
    omics.create_workflow_version(workflowId=workflow, versionName="v2", definitionZip=wdl_zip())
    with pytest.raises(ClientError) as excinfo:
        omics.delete_workflow(id=workflow)
    assert error_of(excinfo)[:2] == ("ConflictException", 409)


def test_list_workflows_paginates_with_opaque_tokens(omics: Any) -> None:
    for index in range(7):
        omics.create_workflow(name=f"wf-{index}", definitionZip=wdl_zip())
    first = omics.list_workflows(maxResults=3)
    assert len(first["items"]) == 3 and "nextToken" in first
    names = [i["name"] for i in omics.get_paginator("list_workflows").paginate(
        PaginationConfig={"PageSize": 3}
    ).build_full_result()["items"]]
    assert sorted(names) == [f"wf-{i}" for i in range(7)]
    last = omics.list_workflows(maxResults=100)
    assert "nextToken" not in last


def test_list_workflows_filters_by_name(omics: Any) -> None:
    omics.create_workflow(name="keep", definitionZip=wdl_zip())
    omics.create_workflow(name="other", definitionZip=wdl_zip())
    assert [i["name"] for i in omics.list_workflows(name="keep")["items"]] == ["keep"]


def test_export_definition_gives_a_download_url(omics: Any, workflow: str) -> None:
    import requests

    url = omics.get_workflow(id=workflow, export=["DEFINITION"])["definition"]
    downloaded = requests.get(url, timeout=5)
    assert downloaded.status_code == 200
    assert downloaded.content == wdl_zip() or downloaded.content.startswith(b"PK")


def test_version_lifecycle(omics: Any, workflow: str) -> None:
    created = omics.create_workflow_version(
        workflowId=workflow, versionName="v2", definitionZip=wdl_zip(), description="second"
    )
    assert created["arn"].endswith(f"workflow/{workflow}/version/v2")
    omics.get_waiter("workflow_version_active").wait(workflowId=workflow, versionName="v2")
    got = omics.get_workflow_version(workflowId=workflow, versionName="v2")
    assert (got["status"], got["description"]) == ("ACTIVE", "second")
    listed = omics.list_workflow_versions(workflowId=workflow)["items"]
    assert [v["versionName"] for v in listed] == ["v2"]
    omics.delete_workflow_version(workflowId=workflow, versionName="v2")
    assert omics.list_workflow_versions(workflowId=workflow)["items"] == []


def test_duplicate_version_name_is_a_conflict(omics: Any, workflow: str) -> None:
    omics.create_workflow_version(workflowId=workflow, versionName="v2", definitionZip=wdl_zip())
    with pytest.raises(ClientError) as excinfo:
        omics.create_workflow_version(workflowId=workflow, versionName="v2", definitionZip=wdl_zip())
    assert error_of(excinfo)[:2] == ("ConflictException", 409)


def test_bad_version_name_is_a_validation_error(omics: Any, workflow: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        omics.create_workflow_version(workflowId=workflow, versionName="-bad", definitionZip=wdl_zip())
    code, status, message = error_of(excinfo)
    assert (code, status) == ("ValidationException", 400)
    assert "at 'versionName' failed to satisfy constraint" in message


def test_update_workflow_changes_name(omics: Any, workflow: str) -> None:
    response = omics.update_workflow(id=workflow, name="renamed")
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert omics.get_workflow(id=workflow)["name"] == "renamed"
