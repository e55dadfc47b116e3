"""The analytics plane in server mode: stores, versions and an import over real HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from omics_mock.pytest_plugin import omics_client_for
from omics_mock.server import ThreadedServer  # noqa: E402

from .analytics_helpers import FOREIGN_REFERENCE, ROLE, VCF
from .helpers import error_of


@pytest.fixture(scope="module")
def server() -> Iterator[ThreadedServer]:
    with ThreadedServer() as running:
        yield running


@pytest.fixture(scope="module")
def client(server: ThreadedServer) -> Any:
    config = Config(inject_host_prefix=False, retries={"total_max_attempts": 1})
    return omics_client_for(endpoint_url=server.url, config=config)


def test_a_store_and_an_import_over_http(client: Any, server: ThreadedServer) -> None:
    control = server.control
    control.settings.analytics.reference_check = "any"
    control.s3.put_object("s3://served/a.vcf", VCF)
    client.create_variant_store(name="served", reference={"referenceArn": FOREIGN_REFERENCE})
    assert client.get_variant_store(name="served")["status"] == "CREATING"
    control.clock.advance(minutes=3)
    assert client.list_variant_stores(maxResults=1)["variantStores"][0]["status"] == "ACTIVE"
    job = client.start_variant_import_job(
        destinationName="served", roleArn=ROLE, items=[{"source": "s3://served/a.vcf"}]
    )["jobId"]
    control.clock.advance(minutes=3)
    assert client.get_variant_import_job(jobId=job)["status"] == "COMPLETED"
    assert client.get_variant_store(name="served")["storeSizeBytes"] == len(VCF)
    with pytest.raises(ClientError) as excinfo:
        client.delete_annotation_store_versions(name="nothing", versions=["abc"])
    assert error_of(excinfo)[:2] == ("ResourceNotFoundException", 404)
    assert client.delete_variant_store(name="served", force=True)["status"] == "DELETING"
