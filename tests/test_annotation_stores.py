"""Annotation stores through boto3: formats and their options, the first version,
lifecycle and deletion rules, lists and waiters."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from botocore.exceptions import ClientError, WaiterError

from .analytics_helpers import TSV_OPTIONS, TSV_SCHEMA, shape_problems
from .helpers import error_of


@pytest.fixture
def reference(reference_arn: str) -> dict[str, str]:
    return {"referenceArn": reference_arn}


def tsv_options(**changes: Any) -> dict[str, Any]:
    options = copy.deepcopy(TSV_OPTIONS)
    options["tsvStoreOptions"].update(changes)
    return options


def test_a_tsv_store_answers_its_options_and_first_version(
    omics: Any, reference: dict[str, str]
) -> None:
    created = omics.create_annotation_store(
        name="regions", storeFormat="TSV", storeOptions=TSV_OPTIONS, reference=reference
    )
    assert (created["status"], created["storeFormat"], created["versionName"]) == (
        "CREATING",
        "TSV",
        "regions",
    )
    assert created["storeOptions"] == TSV_OPTIONS
    got = omics.get_annotation_store(name="regions")
    assert got["numVersions"] == 1
    assert got["storeArn"] == "arn:aws:omics:us-east-1:123456789012:annotationStore/regions"
    assert got["storeOptions"] == TSV_OPTIONS
    assert shape_problems("CreateAnnotationStore", created) == []
    assert shape_problems("GetAnnotationStore", got) == []
    version = omics.get_annotation_store_version(name="regions", versionName="regions")
    assert (version["id"], version["storeId"]) == (created["id"], created["id"])
    assert version["versionOptions"] == {"tsvVersionOptions": TSV_OPTIONS["tsvStoreOptions"]}


def test_the_first_version_takes_the_name_given(omics: Any, reference: dict[str, str]) -> None:
    created = omics.create_annotation_store(
        name="genes", storeFormat="GFF", reference=reference, versionName="ensembl_110"
    )
    assert created["versionName"] == "ensembl_110"
    versions = omics.list_annotation_store_versions(name="genes")["annotationStoreVersions"]
    assert [(v["versionName"], v["id"]) for v in versions] == [("ensembl_110", created["id"])]
    assert versions[0]["versionArn"].endswith(":annotationStore/genes/version/ensembl_110")


def test_created_waiter_and_the_first_version_becomes_active_with_it(
    omics: Any, reference: dict[str, str]
) -> None:
    omics.create_annotation_store(name="clinvar", storeFormat="VCF", reference=reference)
    omics.get_waiter("annotation_store_created").wait(name="clinvar")
    assert omics.get_annotation_store(name="clinvar")["status"] == "ACTIVE"
    version = omics.get_annotation_store_version(name="clinvar", versionName="clinvar")
    assert version["status"] == "ACTIVE"


def test_a_failed_store_fails_the_waiter_and_its_first_version(
    omics: Any, omics_mock: Any, reference: dict[str, str]
) -> None:
    omics.create_annotation_store(name="clinvar", storeFormat="VCF", reference=reference)
    omics_mock.analytics.fail_annotation_store("clinvar", "No permission to share the database.")
    assert (
        omics.get_annotation_store_version(name="clinvar", versionName="clinvar")["status"]
        == "FAILED"
    )
    with pytest.raises(WaiterError):
        omics.get_waiter("annotation_store_created").wait(name="clinvar")
    with pytest.raises(WaiterError):
        omics.get_waiter("annotation_store_version_created").wait(
            name="clinvar", versionName="clinvar"
        )
    version = omics.get_annotation_store_version(name="clinvar", versionName="clinvar")
    assert (version["status"], version["statusMessage"]) == (
        "FAILED",
        "No permission to share the database.",
    )


def test_a_generic_tsv_store_needs_no_reference(omics: Any) -> None:
    options = tsv_options(annotationType="GENERIC", formatToHeader={})
    created = omics.create_annotation_store(name="notes", storeFormat="TSV", storeOptions=options)
    assert "reference" not in created
    got = omics.get_annotation_store(name="notes")
    assert "reference" not in got


@pytest.mark.parametrize("store_format", ["GFF", "VCF"])
def test_other_stores_need_a_reference(omics: Any, store_format: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        omics.create_annotation_store(name="genes", storeFormat=store_format)
    assert error_of(excinfo) == (
        "ValidationException",
        400,
        "A reference is required for this annotation store.",
    )


@pytest.mark.parametrize(
    ("options", "fragment"),
    [
        (None, "needs storeOptions.tsvStoreOptions"),
        (tsv_options(annotationType=None), "annotationType is required"),
        (tsv_options(formatToHeader={"CHR": "chromosome"}), "takes CHR, START, END"),
        (tsv_options(formatToHeader={"CHR": "c", "START": "s", "END": "e"}), "the schema lacks"),
        (tsv_options(schema=[*TSV_SCHEMA, {"start": "INT"}]), "names a column twice: start"),
        (
            tsv_options(annotationType="GENERIC"),
            "for annotationType GENERIC takes no keys",
        ),
        (
            tsv_options(
                annotationType="CHR_POS_REF_ALT",
                formatToHeader={"CHR": "chromosome", "POS": "start"},
            ),
            "takes CHR, POS, REF, ALT",
        ),
    ],
)
def test_tsv_options_must_agree(
    omics: Any, reference: dict[str, str], options: dict[str, Any] | None, fragment: str
) -> None:
    request: dict[str, Any] = {"name": "regions", "storeFormat": "TSV", "reference": reference}
    if options is not None:
        options["tsvStoreOptions"] = {
            k: v for k, v in options["tsvStoreOptions"].items() if v is not None
        }
        request["storeOptions"] = options
    with pytest.raises(ClientError) as excinfo:
        omics.create_annotation_store(**request)
    code, status, message = error_of(excinfo)
    assert (code, status) == ("ValidationException", 400)
    assert fragment in message


def test_store_options_belong_to_tsv_stores(omics: Any, reference: dict[str, str]) -> None:
    with pytest.raises(ClientError) as excinfo:
        omics.create_annotation_store(
            name="genes", storeFormat="GFF", storeOptions=TSV_OPTIONS, reference=reference
        )
    assert error_of(excinfo) == (
        "ValidationException",
        400,
        "storeOptions apply to TSV annotation stores only, not to GFF.",
    )


def test_names_are_unique_per_kind_not_across_kinds(omics: Any, reference: dict[str, str]) -> None:
    omics.create_variant_store(name="shared_name", reference=reference)
    omics.create_annotation_store(name="shared_name", storeFormat="VCF", reference=reference)
    with pytest.raises(ClientError) as excinfo:
        omics.create_annotation_store(name="shared_name", storeFormat="GFF", reference=reference)
    assert error_of(excinfo)[:2] == ("ConflictException", 409)


def test_the_store_quota_is_10_by_default(omics: Any, reference: dict[str, str]) -> None:
    for n in range(10):
        omics.create_annotation_store(name=f"store_{n}", storeFormat="VCF", reference=reference)
    with pytest.raises(ClientError) as excinfo:
        omics.create_annotation_store(name="store_10", storeFormat="VCF", reference=reference)
    assert error_of(excinfo)[:2] == ("ServiceQuotaExceededException", 402)


def test_update_answers_the_store(omics: Any, reference: dict[str, str]) -> None:
    omics.create_annotation_store(
        name="regions", storeFormat="TSV", storeOptions=TSV_OPTIONS, reference=reference
    )
    omics.get_waiter("annotation_store_created").wait(name="regions")
    updated = omics.update_annotation_store(name="regions", description="ENCODE regions")
    assert (updated["description"], updated["storeFormat"]) == ("ENCODE regions", "TSV")
    assert updated["storeOptions"] == TSV_OPTIONS
    assert shape_problems("UpdateAnnotationStore", updated) == []


def test_a_store_with_two_versions_cannot_be_deleted_until_one_goes(
    omics: Any, reference: dict[str, str]
) -> None:
    omics.create_annotation_store(name="genes", storeFormat="GFF", reference=reference)
    omics.get_waiter("annotation_store_created").wait(name="genes")
    omics.create_annotation_store_version(name="genes", versionName="release2")
    with pytest.raises(ClientError) as excinfo:
        omics.delete_annotation_store(name="genes")
    code, status, message = error_of(excinfo)
    assert (code, status) == ("ConflictException", 409)
    assert "it has 2 versions" in message
    answer = omics.delete_annotation_store_versions(name="genes", versions=["release2"])
    assert answer["errors"] == []
    assert omics.delete_annotation_store(name="genes")["status"] == "DELETING"
    omics.get_waiter("annotation_store_deleted").wait(name="genes")
    with pytest.raises(ClientError) as excinfo:
        omics.get_annotation_store_version(name="genes", versionName="genes")
    assert error_of(excinfo) == (
        "ResourceNotFoundException",
        404,
        "Annotation store genes not found",
    )


def test_deleting_a_store_shows_its_versions_deleting(
    omics: Any, reference: dict[str, str]
) -> None:
    omics.create_annotation_store(name="genes", storeFormat="GFF", reference=reference)
    omics.get_waiter("annotation_store_created").wait(name="genes")
    omics.delete_annotation_store(name="genes")
    version = omics.get_annotation_store_version(name="genes", versionName="genes")
    assert version["status"] == "DELETING"
    omics.get_waiter("annotation_store_version_deleted").wait(name="genes", versionName="genes")


def test_lists_show_the_format_and_filter(
    omics: Any, omics_mock: Any, reference: dict[str, str], clock: Any
) -> None:
    omics.create_annotation_store(name="genes", storeFormat="GFF", reference=reference)
    clock.advance(seconds=1)
    created = omics.create_annotation_store(name="clinvar", storeFormat="VCF", reference=reference)
    omics_mock.analytics.fail_annotation_store("genes")
    listed = omics.list_annotation_stores()
    assert [(s["name"], s["storeFormat"]) for s in listed["annotationStores"]] == [
        ("clinvar", "VCF"),
        ("genes", "GFF"),
    ]
    assert shape_problems("ListAnnotationStores", listed) == []
    assert "numVersions" not in listed["annotationStores"][0]
    failed = omics.list_annotation_stores(filter={"status": "FAILED"})["annotationStores"]
    assert [s["name"] for s in failed] == ["genes"]
    by_id = omics.list_annotation_stores(ids=[created["id"]])["annotationStores"]
    assert [s["name"] for s in by_id] == ["clinvar"]
    paged = omics.get_paginator("list_annotation_stores").paginate(PaginationConfig={"PageSize": 1})
    assert sum(len(page["annotationStores"]) for page in paged) == 2
