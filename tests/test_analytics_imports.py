"""Variant and annotation import jobs through boto3: lifecycle in virtual time, per-item
statuses, store sizes, waiters, cancel, quotas, format checks."""

from __future__ import annotations

import datetime as _dt
from typing import Any

import pytest
from botocore.exceptions import ClientError, WaiterError

from .analytics_helpers import GFF, ROLE, TSV, TSV_OPTIONS, VCF, VCF_GZ, shape_problems
from .helpers import error_of

UNKNOWN_JOB = "0f0e0d0c-0b0a-4909-8807-060504030201"


@pytest.fixture
def files(omics_mock: Any) -> dict[str, str]:
    """Source files registered with the control API (no moto)."""
    objects = {"vcf": VCF, "vcf_gz": VCF_GZ, "gff": GFF, "tsv": TSV, "bad": b"not a vcf\n"}
    uris = {}
    for name, data in objects.items():
        uris[name] = f"s3://omics-inputs/{name}.dat"
        omics_mock.s3.put_object(uris[name], data)
    return uris


def start_variants(omics: Any, store: str, *sources: str, **extra: Any) -> str:
    answer = omics.start_variant_import_job(
        destinationName=store, roleArn=ROLE, items=[{"source": s} for s in sources], **extra
    )
    return str(answer["jobId"])


def annotation_store(omics: Any, name: str, store_format: str, reference_arn: str) -> str:
    extra: dict[str, Any] = {"storeOptions": TSV_OPTIONS} if store_format == "TSV" else {}
    omics.create_annotation_store(
        name=name,
        storeFormat=store_format,
        reference={"referenceArn": reference_arn},
        **extra,
    )
    omics.get_waiter("annotation_store_created").wait(name=name)
    return name


# -- variant imports ---------------------------------------------------------------------------


def test_a_variant_import_moves_through_its_phases(
    omics: Any, variant_store: str, files: dict[str, str], clock: Any
) -> None:
    job_id = start_variants(omics, variant_store, files["vcf"], files["vcf_gz"])
    job = omics.get_variant_import_job(jobId=job_id)
    assert (job["status"], job["statusMessage"], job["runLeftNormalization"]) == (
        "SUBMITTED",
        "",
        False,
    )
    assert [item["jobStatus"] for item in job["items"]] == ["SUBMITTED", "SUBMITTED"]
    assert "completionTime" not in job
    clock.advance(seconds=31)
    job = omics.get_variant_import_job(jobId=job_id)
    assert job["status"] == "IN_PROGRESS"
    assert [item["jobStatus"] for item in job["items"]] == ["IN_PROGRESS", "IN_PROGRESS"]
    omics.get_waiter("variant_import_job_created").wait(jobId=job_id)
    job = omics.get_variant_import_job(jobId=job_id)
    assert job["status"] == "COMPLETED"
    assert [item["jobStatus"] for item in job["items"]] == ["COMPLETED", "COMPLETED"]
    assert job["completionTime"] == job["updateTime"]
    assert shape_problems("GetVariantImportJob", job) == []
    size = omics.get_variant_store(name=variant_store)["storeSizeBytes"]
    assert size == len(VCF) + len(VCF_GZ)


def test_a_missing_object_fails_its_item_and_the_waiter_never_succeeds(
    omics: Any, variant_store: str, files: dict[str, str]
) -> None:
    job_id = start_variants(omics, variant_store, files["vcf"], "s3://omics-inputs/missing.vcf")
    with pytest.raises(WaiterError) as excinfo:
        omics.get_waiter("variant_import_job_created").wait(jobId=job_id)
    assert "Max attempts exceeded" in str(excinfo.value)
    job = omics.get_variant_import_job(jobId=job_id)
    assert job["status"] == "COMPLETED_WITH_FAILURES"
    assert job["items"][0] == {"source": files["vcf"], "jobStatus": "COMPLETED"}
    failed = job["items"][1]
    assert failed["jobStatus"] == "FAILED"
    assert "s3://omics-inputs/missing.vcf" in failed["statusMessage"]
    assert omics.get_variant_store(name=variant_store)["storeSizeBytes"] == len(VCF)


def test_a_job_whose_items_all_fail_fails_the_waiter_at_once(
    omics: Any, variant_store: str, files: dict[str, str]
) -> None:
    job_id = start_variants(omics, variant_store, files["bad"])
    with pytest.raises(WaiterError) as excinfo:
        omics.get_waiter("variant_import_job_created").wait(jobId=job_id)
    assert "terminal failure state" in str(excinfo.value)
    job = omics.get_variant_import_job(jobId=job_id)
    assert job["status"] == "FAILED"
    assert job["statusMessage"] == job["items"][0]["statusMessage"]
    assert "##fileformat=VCF" in job["statusMessage"]


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b"##fileformat=VCFv4.2\nchr1\t5\t.\tA\tG\t.\t.\t.\n", "before the #CHROM header"),
        (b"##fileformat=VCFv4.2\n#CHROM\tPOS\tID\n", "the header line needs"),
        (b"##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\nchr1\tx\n", "2"),
        (
            b"##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"
            b"chr1\tfive\t.\tA\tG\t.\t.\t.\n",
            "POS 'five'",
        ),
        (b"##fileformat=VCFv4.2\n", "no #CHROM header"),
        (b"\x1f\x8b\x08\x00garbage", "not valid gzip"),
    ],
)
def test_a_vcf_that_does_not_parse_fails_its_item(
    omics: Any, omics_mock: Any, variant_store: str, content: bytes, fragment: str
) -> None:
    omics_mock.s3.put_object("s3://omics-inputs/broken.vcf", content)
    job_id = start_variants(omics, variant_store, "s3://omics-inputs/broken.vcf")
    assert omics_mock.analytics.finish_job(job_id) == "FAILED"
    message = omics.get_variant_import_job(jobId=job_id)["items"][0]["statusMessage"]
    assert fragment in message


def test_content_checks_can_be_turned_off(
    omics: Any, omics_mock: Any, variant_store: str, files: dict[str, str]
) -> None:
    omics_mock.settings.analytics.check_contents = False
    job_id = start_variants(omics, variant_store, files["bad"])
    assert omics_mock.analytics.finish_job(job_id) == "COMPLETED"


def test_an_unknown_bucket_imports_a_stand_in_or_fails(
    omics: Any, omics_mock: Any, variant_store: str
) -> None:
    omics_mock.settings.analytics.stand_in_bytes = 4096
    job_id = start_variants(omics, variant_store, "s3://somebody-elses-bucket/calls.vcf.gz")
    assert omics_mock.analytics.finish_job(job_id) == "COMPLETED"
    assert omics.get_variant_store(name=variant_store)["storeSizeBytes"] == 4096
    omics_mock.settings.analytics.missing_bucket = "fail"
    job_id = start_variants(omics, variant_store, "s3://somebody-elses-bucket/calls.vcf.gz")
    assert omics_mock.analytics.finish_job(job_id) == "FAILED"


def test_start_echoes_its_options(
    omics: Any, omics_mock: Any, variant_store: str, files: dict[str, str]
) -> None:
    job_id = start_variants(
        omics,
        variant_store,
        files["vcf"],
        runLeftNormalization=True,
        annotationFields={"VEP": "CSQ"},
    )
    job = omics.get_variant_import_job(jobId=job_id)
    assert (job["runLeftNormalization"], job["annotationFields"]) == (True, {"VEP": "CSQ"})
    assert job["roleArn"] == ROLE and job["destinationName"] == variant_store


def test_a_store_that_is_not_active_takes_no_import(
    omics: Any, reference_arn: str, files: dict[str, str]
) -> None:
    omics.create_variant_store(name="fresh", reference={"referenceArn": reference_arn})
    with pytest.raises(ClientError) as excinfo:
        start_variants(omics, "fresh", files["vcf"])
    assert error_of(excinfo) == (
        "ValidationException",
        400,
        "Variant store fresh is CREATING; imports need an ACTIVE store.",
    )
    with pytest.raises(ClientError) as excinfo:
        start_variants(omics, "nowhere", files["vcf"])
    assert error_of(excinfo) == (
        "ResourceNotFoundException",
        404,
        "Variant store nowhere not found",
    )


def test_the_item_quota(omics: Any, omics_mock: Any, variant_store: str) -> None:
    omics_mock.settings.analytics.quotas.max_variant_import_items = 2
    sources = [f"s3://omics-inputs/{n}.vcf" for n in range(3)]
    with pytest.raises(ClientError) as excinfo:
        start_variants(omics, variant_store, *sources)
    assert error_of(excinfo)[:2] == ("ServiceQuotaExceededException", 402)


def test_the_sixth_concurrent_import_is_a_402(
    omics: Any, variant_store: str, files: dict[str, str], clock: Any
) -> None:
    jobs = [start_variants(omics, variant_store, files["vcf"]) for _ in range(5)]
    with pytest.raises(ClientError) as excinfo:
        start_variants(omics, variant_store, files["vcf"])
    code, status, message = error_of(excinfo)
    assert (code, status) == ("ServiceQuotaExceededException", 402)
    assert "(5)" in message
    omics.cancel_variant_import_job(jobId=jobs[0])
    start_variants(omics, variant_store, files["vcf"])


def test_cancel_a_running_job(omics: Any, variant_store: str, files: dict[str, str]) -> None:
    job_id = start_variants(omics, variant_store, files["vcf"])
    answer = omics.cancel_variant_import_job(jobId=job_id)
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert set(answer) == {"ResponseMetadata"}
    omics.get_waiter("variant_import_job_created").wait(jobId=job_id)  # CANCELLED succeeds
    job = omics.get_variant_import_job(jobId=job_id)
    assert job["status"] == "CANCELLED"
    assert job["items"][0]["jobStatus"] == "CANCELLED"
    assert "completionTime" in job
    assert set(omics.cancel_variant_import_job(jobId=job_id)) == {"ResponseMetadata"}
    assert omics.get_variant_store(name=variant_store)["storeSizeBytes"] == 0


def test_cancel_an_ended_job_is_a_validation_error(
    omics: Any, omics_mock: Any, variant_store: str, files: dict[str, str]
) -> None:
    job_id = start_variants(omics, variant_store, files["vcf"])
    omics_mock.analytics.finish_job(job_id)
    with pytest.raises(ClientError) as excinfo:
        omics.cancel_variant_import_job(jobId=job_id)
    assert error_of(excinfo)[:2] == ("ValidationException", 400)


def test_unknown_and_malformed_job_ids(omics: Any) -> None:
    for call in (omics.get_variant_import_job, omics.cancel_variant_import_job):
        with pytest.raises(ClientError) as excinfo:
            call(jobId=UNKNOWN_JOB)
        assert error_of(excinfo) == (
            "ResourceNotFoundException",
            404,
            f"Import job {UNKNOWN_JOB} not found",
        )
        with pytest.raises(ClientError) as excinfo:
            call(jobId="../etc")
        assert error_of(excinfo)[:2] == ("ValidationException", 400)


def test_a_variant_job_is_not_an_annotation_job(
    omics: Any, variant_store: str, files: dict[str, str]
) -> None:
    job_id = start_variants(omics, variant_store, files["vcf"])
    with pytest.raises(ClientError) as excinfo:
        omics.get_annotation_import_job(jobId=job_id)
    assert error_of(excinfo)[:2] == ("ResourceNotFoundException", 404)


def test_list_jobs_newest_first_with_filters(
    omics: Any, omics_mock: Any, variant_store: str, files: dict[str, str], clock: Any
) -> None:
    first = start_variants(omics, variant_store, files["vcf"])
    omics_mock.analytics.finish_job(first)
    clock.advance(seconds=1)
    second = start_variants(omics, variant_store, files["vcf"])
    listed = omics.list_variant_import_jobs()
    assert [job["id"] for job in listed["variantImportJobs"]] == [second, first]
    assert shape_problems("ListVariantImportJobs", listed) == []
    assert "items" not in listed["variantImportJobs"][0]
    done = omics.list_variant_import_jobs(filter={"status": "COMPLETED"})["variantImportJobs"]
    assert [job["id"] for job in done] == [first]
    by_store = omics.list_variant_import_jobs(filter={"storeName": "elsewhere"})
    assert by_store["variantImportJobs"] == []
    by_id = omics.list_variant_import_jobs(ids=[second])["variantImportJobs"]
    assert [job["id"] for job in by_id] == [second]
    paged = omics.get_paginator("list_variant_import_jobs").paginate(
        PaginationConfig={"PageSize": 1}
    )
    assert [job["id"] for page in paged for job in page["variantImportJobs"]] == [second, first]


def test_deleting_a_store_with_a_running_import(
    omics: Any, variant_store: str, files: dict[str, str]
) -> None:
    job_id = start_variants(omics, variant_store, files["vcf"])
    with pytest.raises(ClientError) as excinfo:
        omics.delete_variant_store(name=variant_store)
    code, status, message = error_of(excinfo)
    assert (code, status) == ("ConflictException", 409)
    assert "force=true" in message
    assert omics.delete_variant_store(name=variant_store, force=True)["status"] == "DELETING"
    job = omics.get_variant_import_job(jobId=job_id)
    assert job["status"] == "CANCELLED"
    assert "deleted with force" in job["statusMessage"]


def test_annotation_fields_need_a_store_made_after_may_2023(
    omics: Any, omics_mock: Any, reference_arn: str, files: dict[str, str]
) -> None:
    from freezegun import freeze_time

    with freeze_time("2023-01-10T12:00:00Z"):
        omics.create_variant_store(name="old_store", reference={"referenceArn": reference_arn})
        omics.get_waiter("variant_store_created").wait(name="old_store")
        with pytest.raises(ClientError) as excinfo:
            start_variants(omics, "old_store", files["vcf"], annotationFields={"VEP": "CSQ"})
        assert "created before 2023-05-15" in error_of(excinfo)[2]
        start_variants(omics, "old_store", files["vcf"])


def test_forced_item_and_source_failures(
    omics: Any, omics_mock: Any, variant_store: str, files: dict[str, str]
) -> None:
    job_id = start_variants(omics, variant_store, files["vcf"], files["vcf_gz"])
    omics_mock.analytics.fail_item(job_id, 1, "Access Denied")
    assert omics_mock.analytics.finish_job(job_id) == "COMPLETED_WITH_FAILURES"
    items = omics.get_variant_import_job(jobId=job_id)["items"]
    assert items[1] == {
        "source": files["vcf_gz"],
        "jobStatus": "FAILED",
        "statusMessage": "Access Denied",
    }
    omics_mock.analytics.fail_source(files["vcf"], "KMS key disabled")
    job_id = start_variants(omics, variant_store, files["vcf"])
    assert omics_mock.analytics.finish_job(job_id) == "FAILED"
    assert omics.get_variant_import_job(jobId=job_id)["statusMessage"] == "KMS key disabled"


# -- annotation imports -----------------------------------------------------------------------


def test_a_gff_import_fills_the_first_version(
    omics: Any, reference_arn: str, files: dict[str, str]
) -> None:
    store = annotation_store(omics, "genes", "GFF", reference_arn)
    job_id = omics.start_annotation_import_job(
        destinationName=store, roleArn=ROLE, items=[{"source": files["gff"]}]
    )["jobId"]
    omics.get_waiter("annotation_import_job_created").wait(jobId=job_id)
    job = omics.get_annotation_import_job(jobId=job_id)
    assert (job["status"], job["versionName"]) == ("COMPLETED", store)
    assert job["items"] == [{"source": files["gff"], "jobStatus": "COMPLETED"}]
    assert shape_problems("GetAnnotationImportJob", job) == []
    version = omics.get_annotation_store_version(name=store, versionName=store)
    assert version["versionSizeBytes"] == len(GFF)
    assert omics.get_annotation_store(name=store)["storeSizeBytes"] == len(GFF)
    listed = omics.list_annotation_import_jobs(filter={"storeName": store})
    assert [j["versionName"] for j in listed["annotationImportJobs"]] == [store]
    assert shape_problems("ListAnnotationImportJobs", listed) == []


def test_a_tsv_import_with_read_options_into_a_named_version(
    omics: Any, omics_mock: Any, reference_arn: str, files: dict[str, str]
) -> None:
    store = annotation_store(omics, "regions", "TSV", reference_arn)
    omics.create_annotation_store_version(name=store, versionName="encode")
    omics.get_waiter("annotation_store_version_created").wait(name=store, versionName="encode")
    options = {"tsvOptions": {"readOptions": {"sep": "\t", "header": False, "comment": "#"}}}
    job_id = omics.start_annotation_import_job(
        destinationName=store,
        versionName="encode",
        roleArn=ROLE,
        items=[{"source": files["tsv"]}],
        formatOptions=options,
    )["jobId"]
    assert omics_mock.analytics.finish_job(job_id) == "COMPLETED"
    job = omics.get_annotation_import_job(jobId=job_id)
    assert job["formatOptions"] == options
    assert omics.get_annotation_store_version(name=store, versionName="encode")[
        "versionSizeBytes"
    ] == len(TSV)
    assert (
        omics.get_annotation_store_version(name=store, versionName=store)["versionSizeBytes"] == 0
    )


def test_a_tsv_row_that_does_not_fit_the_schema_fails_the_job(
    omics: Any, omics_mock: Any, reference_arn: str
) -> None:
    store = annotation_store(omics, "regions", "TSV", reference_arn)
    omics_mock.s3.put_object("s3://omics-inputs/short.tsv", b"chr1\t0\t10\n")
    job_id = omics.start_annotation_import_job(
        destinationName=store, roleArn=ROLE, items=[{"source": "s3://omics-inputs/short.tsv"}]
    )["jobId"]
    assert omics_mock.analytics.finish_job(job_id) == "FAILED"
    message = omics.get_annotation_import_job(jobId=job_id)["statusMessage"]
    assert message == "TSV line 1: 3 fields, but the schema has 4 columns."


def test_a_vcf_annotation_import_with_vcf_options(
    omics: Any, omics_mock: Any, reference_arn: str, files: dict[str, str]
) -> None:
    store = annotation_store(omics, "clinvar", "VCF", reference_arn)
    job_id = omics.start_annotation_import_job(
        destinationName=store,
        roleArn=ROLE,
        items=[{"source": files["vcf_gz"]}],
        formatOptions={"vcfOptions": {"ignoreQualField": True, "ignoreFilterField": False}},
    )["jobId"]
    assert omics_mock.analytics.finish_job(job_id) == "COMPLETED"


@pytest.mark.parametrize(
    ("store_format", "options"),
    [
        ("GFF", {"tsvOptions": {"readOptions": {"sep": ","}}}),
        ("VCF", {"tsvOptions": {"readOptions": {"sep": ","}}}),
        ("TSV", {"vcfOptions": {"ignoreQualField": True}}),
    ],
)
def test_format_options_must_fit_the_store(
    omics: Any, reference_arn: str, files: dict[str, str], store_format: str, options: Any
) -> None:
    store = annotation_store(omics, "annotations", store_format, reference_arn)
    with pytest.raises(ClientError) as excinfo:
        omics.start_annotation_import_job(
            destinationName=store,
            roleArn=ROLE,
            items=[{"source": files["gff"]}],
            formatOptions=options,
        )
    assert error_of(excinfo)[:2] == ("ValidationException", 400)


def test_an_annotation_import_takes_one_file(
    omics: Any, reference_arn: str, files: dict[str, str]
) -> None:
    store = annotation_store(omics, "genes", "GFF", reference_arn)
    with pytest.raises(ClientError) as excinfo:
        omics.start_annotation_import_job(
            destinationName=store,
            roleArn=ROLE,
            items=[{"source": files["gff"]}, {"source": files["gff"]}],
        )
    assert error_of(excinfo) == (
        "ValidationException",
        400,
        "An annotation import job takes 1 file; 2 were given.",
    )


def test_unknown_and_unready_versions(
    omics: Any, reference_arn: str, files: dict[str, str]
) -> None:
    store = annotation_store(omics, "genes", "GFF", reference_arn)
    with pytest.raises(ClientError) as excinfo:
        omics.start_annotation_import_job(
            destinationName=store,
            versionName="nope",
            roleArn=ROLE,
            items=[{"source": files["gff"]}],
        )
    assert error_of(excinfo)[:2] == ("ResourceNotFoundException", 404)
    omics.create_annotation_store_version(name=store, versionName="fresh")
    with pytest.raises(ClientError) as excinfo:
        omics.start_annotation_import_job(
            destinationName=store,
            versionName="fresh",
            roleArn=ROLE,
            items=[{"source": files["gff"]}],
        )
    assert error_of(excinfo)[:2] == ("ValidationException", 400)


def test_cancel_an_annotation_import(omics: Any, reference_arn: str, files: dict[str, str]) -> None:
    store = annotation_store(omics, "genes", "GFF", reference_arn)
    job_id = omics.start_annotation_import_job(
        destinationName=store, roleArn=ROLE, items=[{"source": files["gff"]}]
    )["jobId"]
    omics.cancel_annotation_import_job(jobId=job_id)
    omics.get_waiter("annotation_import_job_created").wait(jobId=job_id)
    assert omics.get_annotation_import_job(jobId=job_id)["status"] == "CANCELLED"


def test_variant_and_annotation_imports_share_the_concurrency_quota(
    omics: Any, omics_mock: Any, variant_store: str, reference_arn: str, files: dict[str, str]
) -> None:
    omics_mock.settings.analytics.quotas.max_concurrent_import_jobs = 1
    store = annotation_store(omics, "genes", "GFF", reference_arn)
    start_variants(omics, variant_store, files["vcf"])
    with pytest.raises(ClientError) as excinfo:
        omics.start_annotation_import_job(
            destinationName=store, roleArn=ROLE, items=[{"source": files["gff"]}]
        )
    assert error_of(excinfo)[:2] == ("ServiceQuotaExceededException", 402)


def test_job_records_outlive_their_store(
    omics: Any, omics_mock: Any, variant_store: str, files: dict[str, str]
) -> None:
    job_id = start_variants(omics, variant_store, files["vcf"])
    omics_mock.analytics.finish_job(job_id)
    omics.delete_variant_store(name=variant_store)
    omics.get_waiter("variant_store_deleted").wait(name=variant_store)
    assert omics.get_variant_import_job(jobId=job_id)["status"] == "COMPLETED"


def test_durations_come_from_the_settings(
    omics: Any, omics_mock: Any, variant_store: str, files: dict[str, str], clock: Any
) -> None:
    durations = omics_mock.settings.analytics.durations
    durations.job_submitted = _dt.timedelta(seconds=1)
    durations.job_importing = _dt.timedelta(seconds=2)
    job_id = start_variants(omics, variant_store, files["vcf"])
    clock.advance(seconds=3)
    job = omics.get_variant_import_job(jobId=job_id)
    assert job["status"] == "COMPLETED"
    assert (job["completionTime"] - job["creationTime"]).total_seconds() == 3
