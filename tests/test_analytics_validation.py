"""What botocore lets through is checked by the mock, in the service's words (spec §2.1),
with or without botocore's own validation."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from omics_mock.pytest_plugin import omics_client_for

from .analytics_helpers import FOREIGN_REFERENCE, ROLE
from .helpers import error_of

REFERENCE = {"referenceArn": FOREIGN_REFERENCE}
TSV = {"annotationType": "GENERIC", "formatToHeader": {}}
ITEMS = [{"source": "s3://bucket/a.tsv"}]

CASES: list[tuple[str, dict[str, Any], str, str]] = [
    (
        "create_variant_store",
        {"name": "calls", "reference": REFERENCE, "sseConfig": {"type": "AES"}},
        "sseConfig.type",
        "Member must satisfy enum value set: [KMS]",
    ),
    (
        "create_variant_store",
        {"name": "calls", "reference": REFERENCE, "tags": {"k" * 129: "v"}},
        "tags",
        "Map keys must satisfy constraint: [Member must have length less than or equal to 128",
    ),
    (
        "list_variant_stores",
        {"maxResults": 101},
        "maxResults",
        "Member must have value less than or equal to 100",
    ),
    (
        "create_annotation_store",
        {
            "name": "notes",
            "storeFormat": "TSV",
            "storeOptions": {"tsvStoreOptions": {**TSV, "schema": [{}]}},
        },
        "storeOptions.tsvStoreOptions.schema.1.member",
        "Member must have length greater than or equal to 1",
    ),
    (
        "create_annotation_store",
        {
            "name": "notes",
            "storeFormat": "TSV",
            "storeOptions": {"tsvStoreOptions": {**TSV, "schema": [{"a": "STRING", "b": "INT"}]}},
        },
        "storeOptions.tsvStoreOptions.schema.1.member",
        "Member must have length less than or equal to 1",
    ),
    (
        "get_variant_import_job",
        {"jobId": "abc"},
        "jobId",
        "Member must satisfy regular expression pattern",
    ),
    (
        "start_annotation_import_job",
        {
            "destinationName": "notes",
            "roleArn": ROLE,
            "items": ITEMS,
            "formatOptions": {"tsvOptions": {"readOptions": {"quote": "ab"}}},
        },
        "formatOptions.tsvOptions.readOptions.quote",
        "Member must have length less than or equal to 1",
    ),
    (
        "create_annotation_store",
        {"name": "notes", "storeFormat": "CSV"},
        "storeFormat",
        "Member must satisfy enum value set: [GFF, TSV, VCF]",
    ),
    (
        "start_variant_import_job",
        {"destinationName": "calls", "roleArn": ROLE, "items": [{"source": "https://x/a.vcf"}]},
        "items.1.member.source",
        "Member must satisfy regular expression pattern",
    ),
]


@pytest.mark.parametrize("validating", [True, False], ids=["botocore-validates", "lenient"])
@pytest.mark.parametrize(("operation", "params", "path", "constraint"), CASES)
def test_server_side_checks(
    omics_mock: Any,
    validating: bool,
    operation: str,
    params: dict[str, Any],
    path: str,
    constraint: str,
) -> None:
    client = omics_client_for("us-east-1", config=Config(parameter_validation=validating))
    with pytest.raises(ClientError) as excinfo:
        getattr(client, operation)(**params)
    code, status, message = error_of(excinfo)
    assert (code, status) == ("ValidationException", 400)
    assert message.startswith("1 validation error detected: "), message
    assert f" at '{path}' failed to satisfy constraint: " in message, message
    assert constraint in message, message


def test_checks_botocore_would_make_are_made_by_the_mock_too(omics_mock: Any) -> None:
    lenient = omics_client_for("us-east-1", config=Config(parameter_validation=False))
    with pytest.raises(ClientError) as excinfo:
        lenient.create_annotation_store_version(name="genes", versionName="v2")
    code, status, message = error_of(excinfo)
    assert (code, status) == ("ValidationException", 400)
    assert "at 'versionName' failed to satisfy constraint" in message
    with pytest.raises(ClientError) as excinfo:
        lenient.delete_annotation_store_versions(name="genes", versions=[])
    assert error_of(excinfo)[:2] == ("ValidationException", 400)
