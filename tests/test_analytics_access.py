"""Closed to new customers: a new customer's Create*Store and Start*ImportJob are refused."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from omics_mock.pytest_plugin import shared_session

from .analytics_helpers import FOREIGN_REFERENCE, ROLE
from .helpers import error_of

NEWCOMER = "555566667777"


def client_as(account: str) -> Any:
    return shared_session("us-east-1").client(
        "omics", aws_access_key_id=account, aws_secret_access_key="x"
    )


def refused(call: Any, **params: Any) -> str:
    with pytest.raises(ClientError) as excinfo:
        call(**params)
    code, status, message = error_of(excinfo)
    assert (code, status) == ("AccessDeniedException", 403)
    return message


def test_existing_customers_by_default(omics: Any, omics_mock: Any) -> None:
    assert omics_mock.settings.analytics.access == "existing"
    omics_mock.settings.analytics.reference_check = "any"
    created = omics.create_variant_store(
        name="calls", reference={"referenceArn": FOREIGN_REFERENCE}
    )
    assert created["status"] == "CREATING"


def test_a_new_customer_cannot_create_stores_or_start_imports(
    omics_mock: Any, variant_store: str
) -> None:
    omics_mock.settings.analytics.reference_check = "any"
    omics_mock.analytics.new_customer(NEWCOMER)
    newcomer = client_as(NEWCOMER)
    reference = {"referenceArn": FOREIGN_REFERENCE}
    message = refused(newcomer.create_variant_store, name="calls", reference=reference)
    assert "no longer open to new customers" in message and NEWCOMER in message
    refused(newcomer.create_annotation_store, name="genes", storeFormat="GFF", reference=reference)
    items = [{"source": "s3://inputs/a.vcf"}]
    refused(newcomer.start_variant_import_job, destinationName="calls", roleArn=ROLE, items=items)
    refused(
        newcomer.start_annotation_import_job, destinationName="genes", roleArn=ROLE, items=items
    )


def test_a_new_customer_still_reads(omics_mock: Any) -> None:
    omics_mock.analytics.new_customer(NEWCOMER)
    newcomer = client_as(NEWCOMER)
    assert newcomer.list_variant_stores()["variantStores"] == []
    assert newcomer.list_annotation_import_jobs()["annotationImportJobs"] == []
    with pytest.raises(ClientError) as excinfo:
        newcomer.get_annotation_store(name="genes")
    assert error_of(excinfo)[:2] == ("ResourceNotFoundException", 404)


def test_other_accounts_are_unaffected(omics: Any, omics_mock: Any, variant_store: str) -> None:
    omics_mock.analytics.new_customer(NEWCOMER)
    omics_mock.s3.put_object("s3://inputs/a.vcf", b"##fileformat=VCFv4.2\n")
    job = omics.start_variant_import_job(
        destinationName=variant_store, roleArn=ROLE, items=[{"source": "s3://inputs/a.vcf"}]
    )
    assert job["jobId"]


def test_the_setting_makes_every_account_a_new_customer_unless_told_otherwise(
    omics: Any, omics_mock: Any
) -> None:
    omics_mock.settings.analytics.access = "new_customer"
    omics_mock.settings.analytics.reference_check = "any"
    reference = {"referenceArn": FOREIGN_REFERENCE}
    refused(omics.create_variant_store, name="calls", reference=reference)
    omics_mock.analytics.existing_customer()  # the default account
    assert omics.create_variant_store(name="calls", reference=reference)["name"] == "calls"


def test_the_existing_stores_of_a_new_customer_stay_usable(omics: Any, omics_mock: Any) -> None:
    omics_mock.settings.analytics.reference_check = "any"
    omics.create_variant_store(name="calls", reference={"referenceArn": FOREIGN_REFERENCE})
    omics.get_waiter("variant_store_created").wait(name="calls")
    omics_mock.analytics.new_customer()
    assert omics.update_variant_store(name="calls", description="kept")["description"] == "kept"
    assert omics.delete_variant_store(name="calls")["status"] == "DELETING"


def test_account_ids_are_checked(omics_mock: Any) -> None:
    with pytest.raises(ValueError, match="12 digits"):
        omics_mock.analytics.new_customer("12345")
