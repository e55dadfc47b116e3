"""Tags on workflows and workflow versions through a real boto3 client."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

from omics_mock.pytest_plugin import omics_client_for, shared_session

from .helpers import error_of, wdl_zip
from .test_workflows import R2R_ID, assert_output_shape, no_validation_client, record_raw_bodies


@pytest.fixture
def raw(omics: Any) -> dict[str, tuple[int, bytes]]:
    """The raw answers of the ``omics`` client, for ``assert_output_shape``."""
    return record_raw_bodies(omics)


@pytest.fixture
def arn(omics: Any) -> str:
    """The ARN of a workflow created with one tag."""
    return str(omics.create_workflow(definitionZip=wdl_zip(), tags={"team": "genomics"})["arn"])


@pytest.fixture
def version_arn(omics: Any, workflow: str) -> str:
    created = omics.create_workflow_version(
        workflowId=workflow, versionName="v2", definitionZip=wdl_zip(), tags={"stage": "beta"}
    )
    return str(created["arn"])


def tags_of(omics: Any, resource_arn: str) -> dict[str, str]:
    return dict(omics.list_tags_for_resource(resourceArn=resource_arn)["tags"])


def many(count: int, prefix: str = "k") -> dict[str, str]:
    return {f"{prefix}{index}": "v" for index in range(count)}


# -- where tags show -------------------------------------------------------------------------


def test_create_get_and_list_tags_agree(omics: Any, arn: str, raw: Any) -> None:
    workflow_id = arn.rsplit("/", 1)[1]
    assert omics.get_workflow(id=workflow_id)["tags"] == {"team": "genomics"}
    assert tags_of(omics, arn) == {"team": "genomics"}
    assert_output_shape(omics, raw, "ListTagsForResource")


def test_untagged_resource_lists_empty_tags(omics: Any, workflow: str) -> None:
    arn = omics.get_workflow(id=workflow)["arn"]
    assert tags_of(omics, arn) == {}


def test_version_tags_are_its_own(omics: Any, workflow: str, version_arn: str) -> None:
    assert tags_of(omics, version_arn) == {"stage": "beta"}
    assert omics.get_workflow_version(workflowId=workflow, versionName="v2")["tags"] == {
        "stage": "beta"
    }
    assert omics.get_workflow(id=workflow)["tags"] == {}


# -- TagResource / UntagResource ------------------------------------------------------------------


def test_tag_resource_answers_204_and_merges(omics: Any, arn: str, raw: Any) -> None:
    response = omics.tag_resource(resourceArn=arn, tags={"team": "oncology", "cost": "42"})
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert_output_shape(omics, raw, "TagResource")
    assert tags_of(omics, arn) == {"team": "oncology", "cost": "42"}


def test_untag_resource_answers_204_and_ignores_absent_keys(omics: Any, arn: str, raw: Any) -> None:
    omics.tag_resource(resourceArn=arn, tags={"cost": "42"})
    response = omics.untag_resource(resourceArn=arn, tagKeys=["team", "never-set"])
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert_output_shape(omics, raw, "UntagResource")
    assert tags_of(omics, arn) == {"cost": "42"}


def test_tag_and_untag_a_version(omics: Any, version_arn: str) -> None:
    omics.tag_resource(resourceArn=version_arn, tags={"owner": "me"})
    omics.untag_resource(resourceArn=version_arn, tagKeys=["stage"])
    assert tags_of(omics, version_arn) == {"owner": "me"}


def test_empty_tag_value_is_allowed(omics: Any, arn: str) -> None:
    omics.tag_resource(resourceArn=arn, tags={"flag": ""})
    assert tags_of(omics, arn)["flag"] == ""


# -- limits --------------------------------------------------------------------------------------


def test_fifty_tags_on_create_are_allowed(omics: Any) -> None:
    created = omics.create_workflow(definitionZip=wdl_zip(), tags=many(50))
    assert len(created["tags"]) == 50


@pytest.mark.parametrize("create", ["workflow", "version"])
def test_more_than_fifty_tags_on_create_is_a_validation_error(
    omics: Any, workflow: str, create: str
) -> None:
    with pytest.raises(ClientError) as excinfo:
        if create == "workflow":
            omics.create_workflow(definitionZip=wdl_zip(), tags=many(51))
        else:
            omics.create_workflow_version(
                workflowId=workflow, versionName="v2", definitionZip=wdl_zip(), tags=many(51)
            )
    assert error_of(excinfo) == (
        "ValidationException",
        400,
        "A resource can have at most 50 tags; the request would give it 51.",
    )


def test_tag_resource_over_fifty_after_merge_changes_nothing(omics: Any, arn: str) -> None:
    omics.tag_resource(resourceArn=arn, tags=many(40, "a"))
    with pytest.raises(ClientError) as excinfo:
        omics.tag_resource(resourceArn=arn, tags={**many(10, "b"), "team": "overwrite"})
    assert error_of(excinfo)[:2] == ("ValidationException", 400)
    assert "the request would give it 51" in error_of(excinfo)[2]
    assert len(tags_of(omics, arn)) == 41 and tags_of(omics, arn)["team"] == "genomics"


def test_overwriting_keys_does_not_count_twice(omics: Any, arn: str) -> None:
    omics.tag_resource(resourceArn=arn, tags=many(49))
    omics.tag_resource(resourceArn=arn, tags={**many(49), "team": "x"})
    assert len(tags_of(omics, arn)) == 50


def test_tag_resource_with_more_than_fifty_tags_fails_the_model_bound(omics: Any, arn: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        omics.tag_resource(resourceArn=arn, tags=many(51))
    assert error_of(excinfo)[:2] == ("ValidationException", 400)
    assert (
        "at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50"
        in (error_of(excinfo)[2])
    )


def test_tag_limit_is_a_setting(omics: Any, omics_mock: Any, arn: str) -> None:
    omics_mock.settings.quotas.max_tags_per_resource = 2
    omics.tag_resource(resourceArn=arn, tags={"second": "2"})
    with pytest.raises(ClientError):
        omics.tag_resource(resourceArn=arn, tags={"third": "3"})


@pytest.mark.parametrize("key", ["aws:createdBy", "AWS:Owner"])
def test_aws_prefix_is_reserved(omics: Any, arn: str, key: str) -> None:
    calls: tuple[Callable[[], Any], ...] = (
        lambda: omics.create_workflow(definitionZip=wdl_zip(), tags={key: "x"}),
        lambda: omics.tag_resource(resourceArn=arn, tags={key: "x"}),
        lambda: omics.untag_resource(resourceArn=arn, tagKeys=[key]),
    )
    for call in calls:
        with pytest.raises(ClientError) as excinfo:
            call()
        assert error_of(excinfo) == (
            "ValidationException",
            400,
            f"Tag keys starting with 'aws:' are reserved for AWS use: {key}",
        )


@pytest.mark.parametrize(
    ("tags", "constraint"),
    [
        ({"k" * 129: "v"}, ("Map keys must satisfy constraint: [", "less than or equal to 128")),
        ({"k": "v" * 257}, ("Map value must satisfy constraint: [", "less than or equal to 256")),
    ],
    ids=["key", "value"],
)
def test_over_long_tag_keys_and_values_are_validation_errors(
    omics: Any, arn: str, tags: dict[str, str], constraint: tuple[str, str]
) -> None:
    with pytest.raises(ClientError) as excinfo:
        omics.tag_resource(resourceArn=arn, tags=tags)
    code, status, message = error_of(excinfo)
    assert (code, status) == ("ValidationException", 400)
    assert f"at 'tags' failed to satisfy constraint: {constraint[0]}" in message
    assert constraint[1] in message


def test_untag_more_than_fifty_keys_is_a_validation_error(omics: Any, arn: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        omics.untag_resource(resourceArn=arn, tagKeys=list(many(51)))
    assert "at 'tagKeys' failed to satisfy constraint" in error_of(excinfo)[2]


# -- which ARNs are found ------------------------------------------------------------------------


def _all_tag_calls(omics: Any, resource_arn: str) -> list[Any]:
    return [
        lambda: omics.list_tags_for_resource(resourceArn=resource_arn),
        lambda: omics.tag_resource(resourceArn=resource_arn, tags={"a": "b"}),
        lambda: omics.untag_resource(resourceArn=resource_arn, tagKeys=["a"]),
    ]


@pytest.mark.parametrize(
    "resource_arn",
    [
        "arn:aws:omics:us-east-1:123456789012:workflow/1234567",
        "arn:aws:omics:us-east-1:123456789012:workflow/1234567/version/v1",
        f"arn:aws:omics:us-east-1::workflow/{R2R_ID}",
        "arn:aws:s3:::my-bucket",
    ],
    ids=["unknown-workflow", "unknown-version", "ready2run", "not-omics"],
)
def test_unknown_arn_is_not_found(omics: Any, resource_arn: str) -> None:
    for call in _all_tag_calls(omics, resource_arn):
        with pytest.raises(ClientError) as excinfo:
            call()
        assert error_of(excinfo) == (
            "ResourceNotFoundException",
            404,
            f"Resource {resource_arn} not found",
        )


def test_arn_of_another_account_is_not_found(omics: Any, arn: str) -> None:
    other_account = shared_session().client(
        "omics", aws_access_key_id="111122223333", aws_secret_access_key="secret"
    )
    for call in _all_tag_calls(other_account, arn):
        with pytest.raises(ClientError) as excinfo:
            call()
        assert error_of(excinfo)[:2] == ("ResourceNotFoundException", 404)
    assert tags_of(omics, arn) == {"team": "genomics"}


def test_arn_of_another_region_is_not_found(omics: Any, arn: str) -> None:
    other_region = omics_client_for("us-west-2")
    with pytest.raises(ClientError) as excinfo:
        other_region.list_tags_for_resource(resourceArn=arn)
    assert error_of(excinfo)[:2] == ("ResourceNotFoundException", 404)


def test_deleted_resources_are_no_longer_taggable(
    omics: Any, workflow: str, version_arn: str
) -> None:
    workflow_arn = omics.get_workflow(id=workflow)["arn"]
    omics.delete_workflow_version(workflowId=workflow, versionName="v2")
    omics.delete_workflow(id=workflow)
    for resource_arn in (version_arn, workflow_arn):
        with pytest.raises(ClientError) as excinfo:
            omics.list_tags_for_resource(resourceArn=resource_arn)
        assert error_of(excinfo)[:2] == ("ResourceNotFoundException", 404)


def test_malformed_arn_is_a_validation_error(omics: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        no_validation_client().list_tags_for_resource(resourceArn="workflow/1234567")
    assert error_of(excinfo)[:2] == ("ValidationException", 400)
    assert (
        "at 'resourceArn' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: arn:.+" in (error_of(excinfo)[2])
    )
