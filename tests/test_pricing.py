"""The Price List API for AmazonOmics, answered by the mock (run_analyzer needs it)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import ExitStack
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from omics_mock import mock_omics

from .guards import NetworkGuard, no_network_fixture  # noqa: F401


@pytest.fixture(params=["alone", "beside-moto"])
def pricing(request: Any) -> Iterator[tuple[Any, Any]]:
    with ExitStack() as stack:
        if request.param == "beside-moto":
            moto = pytest.importorskip("moto")
            stack.enter_context(moto.mock_aws())
        mock = stack.enter_context(mock_omics())
        session = boto3.session.Session(region_name="us-east-1")
        yield mock, session.client("pricing")


def prices(client: Any, resource_type: str) -> list[float]:
    filters = [
        {"Type": "TERM_MATCH", "Field": "resourceType", "Value": resource_type},
        {"Type": "TERM_MATCH", "Field": "regionCode", "Value": "eu-west-1"},
    ]
    found = []
    for page in client.get_paginator("get_products").paginate(
        ServiceCode="AmazonOmics", Filters=filters
    ):
        for item in page["PriceList"]:
            entry = json.loads(item)
            assert entry["product"]["attributes"]["regionCode"] == "eu-west-1"
            (term,) = entry["terms"]["OnDemand"].values()
            (dimension,) = term["priceDimensions"].values()
            found.append(float(dimension["pricePerUnit"]["USD"]))
    return found


def test_describe_services_knows_amazon_omics(pricing: tuple[Any, Any]) -> None:
    _, client = pricing
    services = client.describe_services(ServiceCode="AmazonOmics")["Services"]
    assert [s["ServiceCode"] for s in services] == ["AmazonOmics"]
    assert "resourceType" in services[0]["AttributeNames"]


def test_instance_and_storage_prices_and_settings_override_them(
    pricing: tuple[Any, Any],
) -> None:
    mock, client = pricing
    large, xlarge = prices(client, "omics.c.large")[0], prices(client, "omics.c.xlarge")[0]
    assert xlarge == pytest.approx(2 * large)
    assert prices(client, "Run Storage")[0] > 0 and prices(client, "Dynamic Run Storage")[0] > 0
    assert prices(client, "omics.unknown.type") == []
    mock.settings.artifacts.prices["omics.c.large"] = 1.25
    assert prices(client, "omics.c.large") == [1.25]


def test_other_services_are_refused_and_nothing_reaches_the_network(
    pricing: tuple[Any, Any], no_network: NetworkGuard
) -> None:
    _, client = pricing
    with pytest.raises(ClientError) as excinfo:
        client.get_products(ServiceCode="AmazonEC2")
    assert excinfo.value.response["Error"]["Code"] == "InvalidParameterException"
    assert "AmazonOmics only" in excinfo.value.response["Error"]["Message"]
    assert no_network.attempts == []


def test_pricing_answers_can_be_switched_off(pricing: tuple[Any, Any]) -> None:
    mock, client = pricing
    mock.settings.artifacts.answer_pricing = False
    with pytest.raises(ClientError) as excinfo:
        client.describe_services(ServiceCode="AmazonOmics")
    assert excinfo.value.response["Error"]["Code"] == "AccessDeniedException"
