"""The analytics plane beside moto: a reference and a VCF read from moto's S3."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.exceptions import WaiterError
from moto import mock_aws

from .analytics_helpers import ROLE, VCF, VCF_GZ

FASTA = b">chr1\n" + b"ACGTTGCA" * 8 + b"\n>chr2\n" + b"GGCC" * 10 + b"\n"


def test_a_vcf_from_moto_s3_into_a_store_on_an_imported_reference(omics: Any) -> None:
    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="genomics-inputs")
        s3.put_object(Bucket="genomics-inputs", Key="ref/grch38.fa", Body=FASTA)
        s3.put_object(Bucket="genomics-inputs", Key="calls/NA12878.vcf.gz", Body=VCF_GZ)
        s3.put_object(Bucket="genomics-inputs", Key="calls/NA12891.vcf", Body=VCF)

        refs = omics.create_reference_store(name="references")["id"]
        imported = omics.start_reference_import_job(
            referenceStoreId=refs,
            roleArn=ROLE,
            sources=[{"sourceFile": "s3://genomics-inputs/ref/grch38.fa", "name": "grch38"}],
        )
        omics.get_waiter("reference_import_job_completed").wait(
            referenceStoreId=refs, id=imported["id"]
        )
        reference_arn = omics.list_references(referenceStoreId=refs)["references"][0]["arn"]

        omics.create_variant_store(name="cohort", reference={"referenceArn": reference_arn})
        omics.get_waiter("variant_store_created").wait(name="cohort")
        job = omics.start_variant_import_job(
            destinationName="cohort",
            roleArn=ROLE,
            items=[
                {"source": "s3://genomics-inputs/calls/NA12878.vcf.gz"},
                {"source": "s3://genomics-inputs/calls/NA12891.vcf"},
            ],
        )
        omics.get_waiter("variant_import_job_created").wait(jobId=job["jobId"])

        done = omics.get_variant_import_job(jobId=job["jobId"])
        assert done["status"] == "COMPLETED"
        assert [item["jobStatus"] for item in done["items"]] == ["COMPLETED", "COMPLETED"]
        store = omics.get_variant_store(name="cohort")
        assert store["reference"]["referenceArn"] == reference_arn
        assert store["storeSizeBytes"] == len(VCF_GZ) + len(VCF)

        missing = omics.start_variant_import_job(
            destinationName="cohort",
            roleArn=ROLE,
            items=[{"source": "s3://genomics-inputs/calls/NA12892.vcf.gz"}],
        )
        with pytest.raises(WaiterError, match="terminal failure state"):
            omics.get_waiter("variant_import_job_created").wait(jobId=missing["jobId"])
        failed = omics.get_variant_import_job(jobId=missing["jobId"])
        assert failed["status"] == "FAILED"
        assert "the object does not exist" in failed["items"][0]["statusMessage"]
