"""Builders shared by the analytics-plane tests: files, stores, a reference to name."""

from __future__ import annotations

import gzip
from typing import Any

from .shape_check import output_problems

ROLE = "arn:aws:iam::123456789012:role/omics-import"
FOREIGN_REFERENCE = (
    "arn:aws:omics:us-east-1:123456789012:referenceStore/1234567890/reference/1234567890"
)

VCF = (
    b"##fileformat=VCFv4.2\n"
    b"##contig=<ID=chr1,length=60>\n"
    b"#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tNA12878\n"
    b"chr1\t5\trs1\tA\tG\t50\tPASS\tDP=10\tGT\t0/1\n"
    b"chr1\t17\t.\tC\tT\t12\tq10\tDP=3\tGT\t1/1\n"
)
VCF_GZ = gzip.compress(VCF, mtime=0)
GFF = (
    b"##gff-version 3\n"
    b"chr1\tensembl\tgene\t2\t40\t.\t+\t.\tID=gene1;Name=ABC1\n"
    b"chr1\tensembl\texon\t2\t12\t.\t+\t.\tParent=gene1\n"
)
TSV_SCHEMA = [{"chromosome": "STRING"}, {"start": "LONG"}, {"end": "LONG"}, {"name": "STRING"}]
TSV_OPTIONS = {
    "tsvStoreOptions": {
        "annotationType": "CHR_START_END_ZERO_BASE",
        "formatToHeader": {"CHR": "chromosome", "START": "start", "END": "end"},
        "schema": TSV_SCHEMA,
    }
}
TSV = b"# regions\nchr1\t0\t10\tpromoter\nchr1\t20\t35\tenhancer\n"

KNOWN_OMISSIONS = {
    "completionTime: required member is missing",
    "formatOptions: required member is missing",
}
"""GetAnnotationImportJob members the model marks required that the mock sends only when
they exist: ``completionTime`` once the job has ended, ``formatOptions`` when given."""


def shape_problems(operation: str, response: dict[str, Any]) -> list[str]:
    """Strict output-shape mismatches, less the known omissions (IDs are 12 hex, not
    the model's UUID pattern, as the service's are)."""
    return [
        problem
        for problem in output_problems(operation, response, strict=True)
        if not any(problem.endswith(known) for known in KNOWN_OMISSIONS)
        and "does not match '[a-f0-9]{8}-" not in problem
    ]


def import_reference(
    omics: Any, mock: Any, fasta: bytes = b">chr1\n" + b"ACGT" * 15 + b"\n"
) -> str:
    """The ARN of an ACTIVE reference imported into a new reference store."""
    mock.s3.put_object("s3://omics-refs/grch38.fasta", fasta)
    store = omics.create_reference_store(name="refs")["id"]
    job = omics.start_reference_import_job(
        referenceStoreId=store,
        roleArn=ROLE,
        sources=[{"sourceFile": "s3://omics-refs/grch38.fasta", "name": "grch38"}],
    )
    omics.get_waiter("reference_import_job_completed").wait(referenceStoreId=store, id=job["id"])
    return str(omics.list_references(referenceStoreId=store)["references"][0]["arn"])
