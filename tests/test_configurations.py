"""Configurations (VPC networking) and VPC runs."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from botocore.exceptions import ClientError

from .helpers import error_of

VPC = {
    "vpcConfig": {
        "subnetIds": ["subnet-0a1b2c3d", "subnet-0a1b2c3e"],
        "securityGroupIds": ["sg-0123abcd"],
    }
}


@pytest.fixture
def configuration(omics: Any) -> str:
    omics.create_configuration(name="vpc-main", runConfigurations=VPC)
    return "vpc-main"


def test_create_configuration_is_creating_then_active(omics: Any, omics_mock: Any) -> None:
    omics_mock.settings.durations.configuration_creating = datetime.timedelta(minutes=10)
    created = omics.create_configuration(
        name="net", description="d", runConfigurations=VPC, tags={"a": "b"}
    )
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert created["status"] == "CREATING"
    assert created["arn"] == "arn:aws:omics:us-east-1:123456789012:configuration/net"
    vpc = created["runConfigurations"]["vpcConfig"]
    assert vpc["vpcId"].startswith("vpc-") and vpc["vpcOwnerAccountId"] == "123456789012"
    omics_mock.clock.advance(minutes=10)
    got = omics.get_configuration(name="net")
    assert (got["status"], got["tags"], got["description"]) == ("ACTIVE", {"a": "b"}, "d")


def test_configuration_needs_subnets_and_security_groups(omics: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        omics.create_configuration(
            name="net", runConfigurations={"vpcConfig": {"subnetIds": ["subnet-0a1b2c3d"]}}
        )
    assert error_of(excinfo)[:2] == ("ValidationException", 400)


def test_subnet_pattern_is_validated(omics: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        omics.create_configuration(
            name="net",
            runConfigurations={
                "vpcConfig": {"subnetIds": ["bad-id-1"], "securityGroupIds": ["sg-01"]}
            },
        )
    code, status, message = error_of(excinfo)
    assert (code, status) == ("ValidationException", 400)
    assert "subnetIds" in message


def test_duplicate_name_is_a_conflict(omics: Any, configuration: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        omics.create_configuration(name=configuration, runConfigurations=VPC)
    assert error_of(excinfo)[:2] == ("ConflictException", 409)


def test_configuration_quota(omics: Any, omics_mock: Any) -> None:
    omics_mock.settings.quotas.max_configurations = 1
    omics.create_configuration(name="one", runConfigurations=VPC)
    with pytest.raises(ClientError) as excinfo:
        omics.create_configuration(name="two", runConfigurations=VPC)
    assert error_of(excinfo)[:2] == ("ServiceQuotaExceededException", 402)


def test_list_configurations(omics: Any) -> None:
    for index in range(3):
        omics.create_configuration(name=f"c{index}", runConfigurations=VPC)
    first = omics.list_configurations(maxResults=2)
    assert len(first["items"]) == 2 and "nextToken" in first
    with pytest.raises(ClientError) as excinfo:
        omics.list_configurations(maxResults=11)
    assert error_of(excinfo)[:2] == ("ValidationException", 400)


def test_vpc_run_reports_its_configuration(omics: Any, configuration: str, start: Any) -> None:
    run = omics.get_run(id=start(networkingMode="VPC", configurationName=configuration))
    assert run["networkingMode"] == "VPC"
    assert run["configuration"]["name"] == configuration
    assert run["vpcConfig"]["subnetIds"] == VPC["vpcConfig"]["subnetIds"]


def test_start_run_response_echoes_configuration(
    omics: Any, configuration: str, workflow: str
) -> None:
    from .helpers import OUT, ROLE

    started = omics.start_run(
        workflowId=workflow,
        roleArn=ROLE,
        outputUri=OUT,
        parameters={"sample": "s"},
        networkingMode="VPC",
        configurationName=configuration,
    )
    assert started["configuration"]["arn"].endswith(f"configuration/{configuration}")
    assert started["networkingMode"] == "VPC"


def test_vpc_run_needs_an_active_configuration(omics: Any, omics_mock: Any, start: Any) -> None:
    omics_mock.settings.durations.configuration_creating = datetime.timedelta(minutes=10)
    omics.create_configuration(name="slow", runConfigurations=VPC)
    with pytest.raises(ClientError) as excinfo:
        start(networkingMode="VPC", configurationName="slow")
    assert error_of(excinfo)[:2] == ("ValidationException", 400)
    with pytest.raises(ClientError) as excinfo:
        start(networkingMode="VPC", configurationName="missing")
    assert error_of(excinfo) == (
        "ResourceNotFoundException",
        404,
        "Configuration missing not found",
    )


def test_delete_refused_while_runs_use_it(omics: Any, configuration: str, start: Any) -> None:
    run_id = start(networkingMode="VPC", configurationName=configuration)
    with pytest.raises(ClientError) as excinfo:
        omics.delete_configuration(name=configuration)
    assert error_of(excinfo)[:2] == ("ConflictException", 409)
    omics.cancel_run(id=run_id)
    assert (
        omics.delete_configuration(name=configuration)["ResponseMetadata"]["HTTPStatusCode"] == 202
    )
    with pytest.raises(ClientError) as excinfo:
        omics.get_configuration(name=configuration)
    assert error_of(excinfo)[:2] == ("ResourceNotFoundException", 404)
