"""Annotation store versions through boto3: lifecycle, refusals, DeleteAnnotationStoreVersions'
per-version errors, waiters."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from botocore.exceptions import ClientError, WaiterError

from .analytics_helpers import GFF, ROLE, TSV_OPTIONS, shape_problems
from .helpers import error_of

NEW_TSV = {
    "tsvVersionOptions": {
        "annotationType": "CHR_POS",
        "formatToHeader": {"CHR": "chrom", "POS": "pos"},
        "schema": [{"chrom": "STRING"}, {"pos": "LONG"}, {"score": "DOUBLE"}],
    }
}


@pytest.fixture
def genes(omics: Any, reference_arn: str) -> str:
    """An ACTIVE GFF annotation store with its first version."""
    omics.create_annotation_store(
        name="genes", storeFormat="GFF", reference={"referenceArn": reference_arn}
    )
    omics.get_waiter("annotation_store_created").wait(name="genes")
    return "genes"


def test_create_then_the_created_waiter(omics: Any, genes: str) -> None:
    created = omics.create_annotation_store_version(
        name=genes, versionName="release2", description="Ensembl 111", tags={"t": "1"}
    )
    store_id = omics.get_annotation_store(name=genes)["id"]
    assert created["status"] == "CREATING"
    assert (created["name"], created["versionName"], created["storeId"]) == (
        genes,
        "release2",
        store_id,
    )
    assert re.fullmatch(r"[0-9a-f]{12}", created["id"]) and created["id"] != store_id
    assert shape_problems("CreateAnnotationStoreVersion", created) == []
    omics.get_waiter("annotation_store_version_created").wait(name=genes, versionName="release2")
    got = omics.get_annotation_store_version(name=genes, versionName="release2")
    assert (got["status"], got["description"], got["tags"]) == ("ACTIVE", "Ensembl 111", {"t": "1"})
    assert got["versionArn"] == (
        "arn:aws:omics:us-east-1:123456789012:annotationStore/genes/version/release2"
    )
    assert (got["statusMessage"], got["versionSizeBytes"]) == ("", 0)
    assert shape_problems("GetAnnotationStoreVersion", got) == []
    assert omics.get_annotation_store(name=genes)["numVersions"] == 2


def test_versions_are_taggable(omics: Any, genes: str) -> None:
    arn = omics.get_annotation_store_version(name=genes, versionName=genes)["versionArn"]
    omics.tag_resource(resourceArn=arn, tags={"stage": "prod"})
    assert omics.get_annotation_store_version(name=genes, versionName=genes)["tags"] == {
        "stage": "prod"
    }


def test_a_version_name_twice_is_a_conflict(omics: Any, genes: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        omics.create_annotation_store_version(name=genes, versionName=genes)
    assert error_of(excinfo) == (
        "ConflictException",
        409,
        "Annotation store genes already has version genes.",
    )


def test_a_store_not_yet_active_takes_no_version(omics: Any, reference_arn: str) -> None:
    omics.create_annotation_store(
        name="fresh", storeFormat="VCF", reference={"referenceArn": reference_arn}
    )
    with pytest.raises(ClientError) as excinfo:
        omics.create_annotation_store_version(name="fresh", versionName="second")
    code, status, message = error_of(excinfo)
    assert (code, status) == ("ConflictException", 409)
    assert "CREATING" in message


def test_the_version_quota(omics: Any, omics_mock: Any, genes: str) -> None:
    omics_mock.settings.analytics.quotas.max_versions_per_annotation_store = 2
    omics.create_annotation_store_version(name=genes, versionName="second")
    with pytest.raises(ClientError) as excinfo:
        omics.create_annotation_store_version(name=genes, versionName="third")
    assert error_of(excinfo)[:2] == ("ServiceQuotaExceededException", 402)


def test_unknown_store_and_version(omics: Any, genes: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        omics.create_annotation_store_version(name="nothing", versionName="second")
    assert error_of(excinfo) == (
        "ResourceNotFoundException",
        404,
        "Annotation store nothing not found",
    )
    with pytest.raises(ClientError) as excinfo:
        omics.get_annotation_store_version(name=genes, versionName="nope")
    assert error_of(excinfo) == (
        "ResourceNotFoundException",
        404,
        "Annotation store version nope not found",
    )


def test_version_options_belong_to_tsv_stores(omics: Any, genes: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        omics.create_annotation_store_version(
            name=genes, versionName="second", versionOptions=NEW_TSV
        )
    assert error_of(excinfo)[:2] == ("ValidationException", 400)


def test_a_tsv_version_takes_its_own_schema_or_the_stores(omics: Any, reference_arn: str) -> None:
    omics.create_annotation_store(
        name="regions",
        storeFormat="TSV",
        storeOptions=TSV_OPTIONS,
        reference={"referenceArn": reference_arn},
    )
    omics.get_waiter("annotation_store_created").wait(name="regions")
    own = omics.create_annotation_store_version(
        name="regions", versionName="points", versionOptions=NEW_TSV
    )
    assert own["versionOptions"] == NEW_TSV
    inherited = omics.create_annotation_store_version(name="regions", versionName="again")
    assert inherited["versionOptions"] == {"tsvVersionOptions": TSV_OPTIONS["tsvStoreOptions"]}
    broken = {"tsvVersionOptions": {**NEW_TSV["tsvVersionOptions"], "formatToHeader": {}}}
    with pytest.raises(ClientError) as excinfo:
        omics.create_annotation_store_version(
            name="regions", versionName="broken", versionOptions=broken
        )
    assert error_of(excinfo)[:2] == ("ValidationException", 400)


def test_update_answers_the_version(omics: Any, genes: str, clock: Any) -> None:
    clock.advance(minutes=1)
    updated = omics.update_annotation_store_version(
        name=genes, versionName=genes, description="first release"
    )
    assert (updated["status"], updated["description"]) == ("ACTIVE", "first release")
    assert updated["updateTime"] > updated["creationTime"]
    assert shape_problems("UpdateAnnotationStoreVersion", updated) == []


def test_list_versions_newest_first_with_a_status_filter(
    omics: Any, omics_mock: Any, genes: str, clock: Any
) -> None:
    clock.advance(seconds=1)
    omics.create_annotation_store_version(name=genes, versionName="second")
    omics_mock.analytics.fail_version(genes, "second", "Could not build the table.")
    listed = omics.list_annotation_store_versions(name=genes)
    assert [v["versionName"] for v in listed["annotationStoreVersions"]] == ["second", genes]
    assert shape_problems("ListAnnotationStoreVersions", listed) == []
    failed = omics.list_annotation_store_versions(name=genes, filter={"status": "FAILED"})
    assert [v["statusMessage"] for v in failed["annotationStoreVersions"]] == [
        "Could not build the table."
    ]
    paged = omics.get_paginator("list_annotation_store_versions").paginate(
        name=genes, PaginationConfig={"PageSize": 1}
    )
    assert [len(page["annotationStoreVersions"]) for page in paged] == [1, 1]


def test_delete_versions_reports_unknown_and_busy_ones_verbatim(
    omics: Any, omics_mock: Any, genes: str
) -> None:
    omics.create_annotation_store_version(name=genes, versionName="v_busy")
    omics.get_waiter("annotation_store_version_created").wait(name=genes, versionName="v_busy")
    omics_mock.s3.put_object("s3://annotations/genes.gff3", GFF)
    omics.start_annotation_import_job(
        destinationName=genes,
        versionName="v_busy",
        roleArn=ROLE,
        items=[{"source": "s3://annotations/genes.gff3"}],
    )
    answer = omics.delete_annotation_store_versions(name=genes, versions=["v_missing", "v_busy"])
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert answer["errors"] == [
        {
            "versionName": "v_missing",
            "message": "Version with versionName: v_missing was not found.",
        },
        {"versionName": "v_busy", "message": "version has an inflight import running"},
    ]
    assert shape_problems("DeleteAnnotationStoreVersions", answer) == []
    forced = omics.delete_annotation_store_versions(name=genes, versions=["v_busy"], force=True)
    assert forced["errors"] == []
    assert omics.get_annotation_store_version(name=genes, versionName="v_busy")["status"] == (
        "DELETING"
    )
    jobs = omics.list_annotation_import_jobs()["annotationImportJobs"]
    assert [job["status"] for job in jobs] == ["CANCELLED"]
    omics.get_waiter("annotation_store_version_deleted").wait(name=genes, versionName="v_busy")
    assert omics.get_annotation_store(name=genes)["numVersions"] == 1


def test_the_last_version_is_not_deleted(omics: Any, genes: str) -> None:
    answer = omics.delete_annotation_store_versions(name=genes, versions=[genes])
    assert answer["errors"] == [
        {
            "versionName": genes,
            "message": f"Version {genes} is the last version of annotation store {genes}; "
            "delete the store instead.",
        }
    ]
    assert omics.get_annotation_store_version(name=genes, versionName=genes)["status"] == "ACTIVE"


def test_the_first_version_can_go_while_another_stays(omics: Any, genes: str) -> None:
    omics.create_annotation_store_version(name=genes, versionName="second")
    answer = omics.delete_annotation_store_versions(name=genes, versions=[genes, "second"])
    assert [error["versionName"] for error in answer["errors"]] == ["second"]
    omics.get_waiter("annotation_store_version_deleted").wait(name=genes, versionName=genes)


def test_an_active_version_makes_the_deleted_waiter_give_up(omics: Any, genes: str) -> None:
    with pytest.raises(WaiterError) as excinfo:
        omics.get_waiter("annotation_store_version_deleted").wait(name=genes, versionName=genes)
    assert "Max attempts exceeded" in str(excinfo.value)


def test_a_deleting_version_cannot_be_updated(omics: Any, omics_mock: Any, genes: str) -> None:
    omics_mock.settings.analytics.durations.version_deleting = timedelta(minutes=5)
    omics.create_annotation_store_version(name=genes, versionName="second")
    omics.delete_annotation_store_versions(name=genes, versions=["second"])
    with pytest.raises(ClientError) as excinfo:
        omics.update_annotation_store_version(name=genes, versionName="second", description="x")
    assert error_of(excinfo)[:2] == ("ValidationException", 400)


def test_a_failed_version_fails_the_created_waiter(omics: Any, omics_mock: Any, genes: str) -> None:
    omics.create_annotation_store_version(name=genes, versionName="second")
    omics_mock.analytics.fail_version(genes, "second")
    with pytest.raises(WaiterError) as excinfo:
        omics.get_waiter("annotation_store_version_created").wait(name=genes, versionName="second")
    assert "terminal failure state" in str(excinfo.value)
