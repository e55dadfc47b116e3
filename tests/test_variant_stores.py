"""Variant stores through boto3: lifecycle, names, refusals, lists, tags, waiters."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError, WaiterError

from omics_mock.pytest_plugin import omics_client_for

from .analytics_helpers import FOREIGN_REFERENCE, shape_problems
from .helpers import error_of


@pytest.fixture
def create(omics: Any, reference_arn: str) -> Any:
    """Create a variant store on the imported reference; keyword arguments override."""

    def create_store(name: str = "calls", **overrides: Any) -> dict[str, Any]:
        request: dict[str, Any] = {"name": name, "reference": {"referenceArn": reference_arn}}
        request.update(overrides)
        return dict(omics.create_variant_store(**request))

    return create_store


def test_create_answers_creating_and_get_sees_it_at_once(
    omics: Any, create: Any, reference_arn: str
) -> None:
    created = create(description="joint calls")
    assert re.fullmatch(r"[0-9a-f]{12}", created["id"])
    assert created["status"] == "CREATING"
    assert created["reference"] == {"referenceArn": reference_arn}
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 200
    got = omics.get_variant_store(name="calls")
    assert (got["id"], got["status"], got["description"]) == (
        created["id"],
        "CREATING",
        "joint calls",
    )
    assert got["storeArn"] == "arn:aws:omics:us-east-1:123456789012:variantStore/calls"
    assert (got["statusMessage"], got["storeSizeBytes"], got["tags"]) == ("", 0, {})
    assert got["sseConfig"] == {"type": "KMS"}
    assert shape_problems("CreateVariantStore", created) == []
    assert shape_problems("GetVariantStore", got) == []


def test_created_waiter_returns_when_active(omics: Any, create: Any, clock: Any) -> None:
    create()
    before = clock.now()
    omics.get_waiter("variant_store_created").wait(name="calls")
    got = omics.get_variant_store(name="calls")
    assert got["status"] == "ACTIVE"
    assert 150 <= (clock.now() - before).total_seconds() <= 570
    assert got["updateTime"] > got["creationTime"]


def test_creating_lasts_as_long_as_the_setting_says(
    omics: Any, omics_mock: Any, create: Any, clock: Any
) -> None:
    omics_mock.settings.analytics.durations.store_creating = timedelta(0)
    create()
    clock.advance(seconds=1)
    assert omics.get_variant_store(name="calls")["status"] == "ACTIVE"


def test_a_failed_store_fails_the_created_waiter(omics: Any, omics_mock: Any, create: Any) -> None:
    create()
    omics_mock.analytics.fail_variant_store("calls", "The reference could not be read.")
    with pytest.raises(WaiterError) as excinfo:
        omics.get_waiter("variant_store_created").wait(name="calls")
    assert "Waiter encountered a terminal failure state" in str(excinfo.value)
    got = omics.get_variant_store(name="calls")
    assert (got["status"], got["statusMessage"]) == ("FAILED", "The reference could not be read.")


def test_a_second_store_with_the_same_name_is_a_conflict(create: Any) -> None:
    create()
    with pytest.raises(ClientError) as excinfo:
        create()
    assert error_of(excinfo) == ("ConflictException", 409, "Variant store calls already exists.")


def test_the_store_quota_is_a_402(omics_mock: Any, create: Any) -> None:
    omics_mock.settings.analytics.quotas.max_variant_stores = 2
    create("one_store")
    create("two_store")
    with pytest.raises(ClientError) as excinfo:
        create("three_store")
    code, status, message = error_of(excinfo)
    assert (code, status) == ("ServiceQuotaExceededException", 402)
    assert "maximum number of variant stores (2)" in message


def test_a_reference_that_does_not_exist_is_not_found(omics: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        omics.create_variant_store(name="calls", reference={"referenceArn": FOREIGN_REFERENCE})
    assert error_of(excinfo) == (
        "ResourceNotFoundException",
        404,
        f"Reference {FOREIGN_REFERENCE} not found",
    )


def test_any_reference_is_accepted_when_the_check_is_off(omics: Any, omics_mock: Any) -> None:
    omics_mock.settings.analytics.reference_check = "any"
    created = omics.create_variant_store(
        name="calls", reference={"referenceArn": FOREIGN_REFERENCE}
    )
    assert created["reference"]["referenceArn"] == FOREIGN_REFERENCE


def test_a_deleted_reference_cannot_back_a_new_store(
    omics: Any, omics_mock: Any, reference_arn: str
) -> None:
    store_id, reference_id = reference_arn.split("/")[1], reference_arn.split("/")[3]
    omics.delete_reference(referenceStoreId=store_id, id=reference_id)
    omics_mock.clock.advance(seconds=1)
    with pytest.raises(ClientError) as excinfo:
        omics.create_variant_store(name="calls", reference={"referenceArn": reference_arn})
    assert error_of(excinfo)[:2] == ("ResourceNotFoundException", 404)


def test_a_name_is_required(omics: Any, reference_arn: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        omics.create_variant_store(reference={"referenceArn": reference_arn})
    assert error_of(excinfo) == (
        "ValidationException",
        400,
        "A name is required to create a variant store.",
    )


@pytest.mark.parametrize("name", ["My-Store", "9lives", "a" * 256])
def test_names_are_checked_server_side(omics_mock: Any, name: str) -> None:
    lenient = omics_client_for("us-east-1", config=Config(parameter_validation=False))
    with pytest.raises(ClientError) as excinfo:
        lenient.create_variant_store(name=name, reference={"referenceArn": FOREIGN_REFERENCE})
    code, status, message = error_of(excinfo)
    assert (code, status) == ("ValidationException", 400)
    assert re.match(r"[12] validation errors? detected: Value ", message)
    assert "at 'name' failed to satisfy constraint" in message


def test_unknown_and_empty_names(omics: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        omics.get_variant_store(name="nothing_here")
    assert error_of(excinfo) == (
        "ResourceNotFoundException",
        404,
        "Variant store nothing_here not found",
    )
    with pytest.raises(ClientError) as excinfo:
        omics.get_variant_store(name="")
    assert error_of(excinfo)[:2] == ("ValidationException", 400)


def test_update_changes_the_description(omics: Any, create: Any, clock: Any) -> None:
    create()
    omics.get_waiter("variant_store_created").wait(name="calls")
    clock.advance(minutes=1)
    updated = omics.update_variant_store(name="calls", description="v2 calls")
    assert (updated["status"], updated["description"]) == ("ACTIVE", "v2 calls")
    assert updated["updateTime"] > updated["creationTime"]
    assert shape_problems("UpdateVariantStore", updated) == []
    assert omics.get_variant_store(name="calls")["description"] == "v2 calls"


def test_update_with_updating_time_passes_through_updating(
    omics: Any, omics_mock: Any, create: Any
) -> None:
    omics_mock.settings.analytics.durations.store_updating = timedelta(seconds=45)
    create()
    omics.get_waiter("variant_store_created").wait(name="calls")
    assert omics.update_variant_store(name="calls", description="d")["status"] == "UPDATING"
    omics.get_waiter("variant_store_created").wait(name="calls")  # UPDATING is a retry state
    assert omics.get_variant_store(name="calls")["status"] == "ACTIVE"


def test_delete_then_the_deleted_waiter_and_the_name_is_free(omics: Any, create: Any) -> None:
    first = create()
    omics.get_waiter("variant_store_created").wait(name="calls")
    deleted = omics.delete_variant_store(name="calls")
    assert (deleted["status"], deleted["ResponseMetadata"]["HTTPStatusCode"]) == ("DELETING", 200)
    assert omics.get_variant_store(name="calls")["status"] == "DELETING"
    assert omics.delete_variant_store(name="calls")["status"] == "DELETING"
    omics.get_waiter("variant_store_deleted").wait(name="calls")
    with pytest.raises(ClientError) as excinfo:
        omics.get_variant_store(name="calls")
    assert error_of(excinfo)[:2] == ("ResourceNotFoundException", 404)
    assert create()["id"] != first["id"]


def test_a_deleting_store_keeps_the_created_waiter_polling(
    omics: Any, omics_mock: Any, create: Any
) -> None:
    omics_mock.settings.analytics.durations.store_deleting = timedelta(hours=1)
    create()
    omics.get_waiter("variant_store_created").wait(name="calls")
    omics.delete_variant_store(name="calls")
    with pytest.raises(WaiterError) as excinfo:
        omics.get_waiter("variant_store_created").wait(name="calls")
    assert "Max attempts exceeded" in str(excinfo.value)


def test_a_gone_store_fails_the_created_waiter_at_once(omics: Any, create: Any) -> None:
    create()
    omics.get_waiter("variant_store_created").wait(name="calls")
    omics.delete_variant_store(name="calls")
    with pytest.raises(WaiterError) as excinfo:
        omics.get_waiter("variant_store_created").wait(name="calls")
    assert "ResourceNotFoundException" in str(excinfo.value)


def test_an_active_store_makes_the_deleted_waiter_give_up(omics: Any, create: Any) -> None:
    create()
    omics.get_waiter("variant_store_created").wait(name="calls")
    with pytest.raises(WaiterError) as excinfo:
        omics.get_waiter("variant_store_deleted").wait(name="calls")
    assert "Max attempts exceeded" in str(excinfo.value)


def test_a_creating_store_cannot_be_deleted(create: Any, omics: Any) -> None:
    create()
    with pytest.raises(ClientError) as excinfo:
        omics.delete_variant_store(name="calls")
    code, status, message = error_of(excinfo)
    assert (code, status) == ("ConflictException", 409)
    assert "CREATING" in message


def test_a_failed_store_can_be_deleted(create: Any, omics: Any, omics_mock: Any) -> None:
    create()
    omics_mock.analytics.fail_variant_store("calls")
    assert omics.delete_variant_store(name="calls")["status"] == "DELETING"


def test_a_deleting_store_cannot_be_updated(create: Any, omics: Any) -> None:
    create()
    omics.get_waiter("variant_store_created").wait(name="calls")
    omics.delete_variant_store(name="calls")
    with pytest.raises(ClientError) as excinfo:
        omics.update_variant_store(name="calls", description="late")
    assert error_of(excinfo)[:2] == ("ValidationException", 400)


def test_lists_are_newest_first_and_page(omics: Any, create: Any, clock: Any) -> None:
    for name in ("first_store", "second_store", "third_store"):
        create(name)
        clock.advance(seconds=1)
    page = omics.list_variant_stores(maxResults=2)
    assert [s["name"] for s in page["variantStores"]] == ["third_store", "second_store"]
    rest = omics.list_variant_stores(maxResults=2, nextToken=page["nextToken"])
    assert [s["name"] for s in rest["variantStores"]] == ["first_store"]
    assert "nextToken" not in rest
    paged = omics.get_paginator("list_variant_stores").paginate(PaginationConfig={"PageSize": 1})
    assert [s["name"] for p in paged for s in p["variantStores"]] == [
        "third_store",
        "second_store",
        "first_store",
    ]
    assert all(shape_problems("ListVariantStores", p) == [] for p in [page, rest])


def test_lists_filter_by_status_and_ids(
    omics: Any, omics_mock: Any, create: Any, clock: Any
) -> None:
    one = create("one_store")
    create("two_store")
    omics_mock.analytics.fail_variant_store("two_store")
    ids = [s["id"] for s in omics.list_variant_stores(filter={"status": "FAILED"})["variantStores"]]
    assert len(ids) == 1 and ids != [one["id"]]
    by_id = omics.list_variant_stores(ids=[one["id"], "000000000000"])["variantStores"]
    assert [s["name"] for s in by_id] == ["one_store"]
    both = omics.list_variant_stores(ids=[one["id"]], filter={"status": "FAILED"})
    assert both["variantStores"] == []


def test_a_garbled_page_token_is_a_validation_error(omics: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        omics.list_variant_stores(nextToken="garbage")
    assert error_of(excinfo)[:2] == ("ValidationException", 400)


def test_tags_show_in_get_not_in_list_and_go_with_the_store(omics: Any, create: Any) -> None:
    create(tags={"project": "cohort"})
    arn = "arn:aws:omics:us-east-1:123456789012:variantStore/calls"
    assert omics.get_variant_store(name="calls")["tags"] == {"project": "cohort"}
    assert "tags" not in omics.list_variant_stores()["variantStores"][0]
    omics.tag_resource(resourceArn=arn, tags={"owner": "lab"})
    assert omics.list_tags_for_resource(resourceArn=arn)["tags"] == {
        "project": "cohort",
        "owner": "lab",
    }
    omics.get_waiter("variant_store_created").wait(name="calls")
    omics.delete_variant_store(name="calls")
    omics.get_waiter("variant_store_deleted").wait(name="calls")
    with pytest.raises(ClientError) as excinfo:
        omics.list_tags_for_resource(resourceArn=arn)
    assert error_of(excinfo)[:2] == ("ResourceNotFoundException", 404)


def test_reserved_tags_are_refused(create: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        create(tags={"aws:owner": "me"})
    assert error_of(excinfo)[:2] == ("ValidationException", 400)


def test_an_own_key_is_echoed(omics: Any, create: Any) -> None:
    key = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    create(sseConfig={"type": "KMS", "keyArn": key})
    assert omics.get_variant_store(name="calls")["sseConfig"] == {"type": "KMS", "keyArn": key}


def test_stores_belong_to_one_account_and_region(create: Any, omics_mock: Any) -> None:
    create()
    elsewhere = omics_client_for("us-west-2")
    with pytest.raises(ClientError) as excinfo:
        elsewhere.get_variant_store(name="calls")
    assert error_of(excinfo)[:2] == ("ResourceNotFoundException", 404)
