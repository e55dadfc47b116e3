"""Builders shared by the storage-plane tests: FASTQ content, uploads, downloads."""

from __future__ import annotations

import gzip
import random
from typing import Any

from .shape_check import output_problems

ROLE = "arn:aws:iam::123456789012:role/omics-storage"

KNOWN_OMISSIONS = {
    "referenceArn: required member is missing",
    "generatedFrom: required member is missing",
}
"""Members the model marks required that the service itself leaves out for FASTQ and
uBAM uploads (spec §1.3, §6): the mock does the same."""


def fastq(records: int, seed: int = 0, length: int = 50) -> bytes:
    """Uncompressed FASTQ text with ``records`` reads of ``length`` bases."""
    rng = random.Random(seed)
    lines = []
    for n in range(records):
        bases = "".join(rng.choice("ACGT") for _ in range(length))
        lines.append(f"@read{seed}.{n}\n{bases}\n+\n{'I' * length}\n")
    return "".join(lines).encode("ascii")


def fastq_gz(records: int, seed: int = 0, length: int = 50) -> bytes:
    return gzip.compress(fastq(records, seed, length), mtime=0)


def split(data: bytes, size: int) -> list[bytes]:
    return [data[i : i + size] for i in range(0, len(data), size)]


def upload(
    omics: Any,
    store_id: str,
    sources: dict[str, bytes],
    *,
    part_size: int = 1000,
    file_type: str = "FASTQ",
    name: str = "reads",
    **extra: Any,
) -> str:
    """Upload ``sources`` (``{"SOURCE1": data}``) in parts, last part first; the read set ID."""
    created = omics.create_multipart_read_set_upload(
        sequenceStoreId=store_id,
        sourceFileType=file_type,
        subjectId="subject-1",
        sampleId="sample-1",
        name=name,
        **extra,
    )
    upload_id = created["uploadId"]
    listed = []
    for source, data in sources.items():
        parts = list(enumerate(split(data, part_size), start=1))
        for number, chunk in reversed(parts):
            answer = omics.upload_read_set_part(
                sequenceStoreId=store_id,
                uploadId=upload_id,
                partSource=source,
                partNumber=number,
                payload=chunk,
            )
            listed.append(
                {"partSource": source, "partNumber": number, "checksum": answer["checksum"]}
            )
    listed.sort(key=lambda p: (p["partSource"], p["partNumber"]))
    completed = omics.complete_multipart_read_set_upload(
        sequenceStoreId=store_id, uploadId=upload_id, parts=listed
    )
    return str(completed["readSetId"])


def download(omics: Any, store_id: str, read_set_id: str, file: str = "SOURCE1") -> bytes:
    """A read set file as a client downloads it: every part, checked against ``files``."""
    metadata = omics.get_read_set_metadata(sequenceStoreId=store_id, id=read_set_id)
    info = metadata["files"][file.lower()]
    parts = []
    for number in range(1, info["totalParts"] + 1):
        body = omics.get_read_set(
            sequenceStoreId=store_id, id=read_set_id, partNumber=number, file=file
        )["payload"].read()
        if number < info["totalParts"]:
            assert len(body) == info["partSize"], (number, len(body))
        parts.append(body)
    data = b"".join(parts)
    assert len(data) == info["contentLength"]
    return data


def shape_problems(operation: str, response: dict[str, Any]) -> list[str]:
    """Output-shape mismatches, less the omissions the service itself makes."""
    return [
        problem
        for problem in output_problems(operation, response)
        if not any(problem.endswith(known) for known in KNOWN_OMISSIONS)
    ]
