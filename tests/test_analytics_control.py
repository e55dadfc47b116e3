"""``m.analytics`` and the analytics families built in any order."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest

from omics_mock.service import FAMILIES
from omics_mock.service.kernel.state import ServiceState

from .analytics_helpers import FOREIGN_REFERENCE, GFF, ROLE, VCF
from .test_architecture import BareClient


@pytest.fixture
def job(omics: Any, omics_mock: Any, variant_store: str) -> str:
    omics_mock.s3.put_object("s3://inputs/a.vcf", VCF)
    omics_mock.s3.put_object("s3://inputs/b.vcf", VCF)
    answer = omics.start_variant_import_job(
        destinationName=variant_store,
        roleArn=ROLE,
        items=[{"source": "s3://inputs/a.vcf"}, {"source": "s3://inputs/b.vcf"}],
    )
    return str(answer["jobId"])


def test_fail_job_fails_every_item(omics: Any, omics_mock: Any, job: str) -> None:
    omics_mock.analytics.fail_job(job, "Throttled by S3.")
    assert omics_mock.analytics.finish_job(job) == "FAILED"
    items = omics.get_variant_import_job(jobId=job)["items"]
    assert [item["statusMessage"] for item in items] == ["Throttled by S3."] * 2


def test_steering_an_ended_job_is_refused(omics_mock: Any, job: str) -> None:
    omics_mock.analytics.finish_job(job)
    with pytest.raises(ValueError, match="has ended"):
        omics_mock.analytics.fail_item(job, 0)
    with pytest.raises(ValueError, match="has ended"):
        omics_mock.analytics.fail_job(job)
    assert omics_mock.analytics.finish_job(job) == "COMPLETED"


def test_bad_arguments(omics_mock: Any, job: str) -> None:
    with pytest.raises(IndexError):
        omics_mock.analytics.fail_item(job, 2)
    with pytest.raises(TypeError):
        omics_mock.analytics.fail_item(job, True)
    with pytest.raises(TypeError):
        omics_mock.analytics.fail_item(job, 0, message="")
    with pytest.raises(KeyError, match="no import job"):
        omics_mock.analytics.finish_job("0f0e0d0c-0b0a-4909-8807-060504030201")
    with pytest.raises(KeyError, match="no variant store"):
        omics_mock.analytics.fail_variant_store("nothing")
    with pytest.raises(KeyError, match="no version"):
        omics_mock.analytics.fail_version("nothing", "nothing")
    with pytest.raises(TypeError):
        omics_mock.analytics.fail_source("")


def test_lookups_can_name_the_account_and_region(omics_mock: Any, variant_store: str) -> None:
    with pytest.raises(KeyError):
        omics_mock.analytics.fail_variant_store(variant_store, region="eu-west-1")
    omics_mock.analytics.fail_variant_store(
        variant_store, "gone wrong", account_id="123456789012", region="us-east-1"
    )


# -- families built in any order ----------------------------------------------------------


def scenario(order: list[type[Any]]) -> str:
    """Stores, versions, imports, a forced delete and a share, with time passing."""
    state = ServiceState(order)
    state.settings.analytics.reference_check = "any"
    omics = BareClient(state).client
    control_objects(state)
    reference = {"referenceArn": FOREIGN_REFERENCE}
    omics.create_variant_store(name="calls", reference=reference)
    omics.create_annotation_store(name="genes", storeFormat="GFF", reference=reference)
    state.clock.advance(minutes=4)
    omics.create_annotation_store_version(name="genes", versionName="second")
    state.clock.advance(minutes=1)
    items = [{"source": "s3://inputs/a.vcf"}]
    variant = omics.start_variant_import_job(destinationName="calls", roleArn=ROLE, items=items)
    annotation = omics.start_annotation_import_job(
        destinationName="genes",
        versionName="second",
        roleArn=ROLE,
        items=[{"source": "s3://inputs/genes.gff3"}],
    )
    share = omics.create_share(
        resourceArn="arn:aws:omics:us-east-1:123456789012:variantStore/calls",
        principalSubscriber="210987654321",
    )
    seen: list[Any] = [
        omics.delete_annotation_store_versions(name="genes", versions=["second"])["errors"],
        omics.delete_variant_store(name="calls", force=True)["status"],
    ]
    for _ in range(4):
        state.clock.advance(minutes=2)
        seen.append(omics.get_variant_import_job(jobId=variant["jobId"])["status"])
        seen.append(omics.get_annotation_import_job(jobId=annotation["jobId"])["status"])
        seen.append(omics.get_annotation_store(name="genes")["storeSizeBytes"])
        seen.append(omics.get_share(shareId=share["shareId"])["share"]["status"])
    return json.dumps(seen, default=str)


def control_objects(state: ServiceState) -> None:
    from omics_mock.service.outside.s3 import MemoryS3

    state.shared(MemoryS3).put("inputs", "a.vcf", VCF, "etag-a")
    state.shared(MemoryS3).put("inputs", "genes.gff3", GFF, "etag-g")


def test_analytics_families_can_be_built_in_any_order() -> None:
    expected = scenario(list(FAMILIES))
    assert '"CANCELLED"' in expected and '"DELETED"' in expected and str(len(GFF)) in expected
    for seed in range(3):
        order = list(FAMILIES)
        random.Random(seed).shuffle(order)
        assert scenario(order) == expected, [family.__name__ for family in order]
