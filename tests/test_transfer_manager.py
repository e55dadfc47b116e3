"""aws-healthomics-tools' TransferManager against the mock: upload and download, unchanged."""

from __future__ import annotations

import gzip
import os
from pathlib import Path
from typing import Any

import pytest

from .storage_helpers import ROLE

transfer = pytest.importorskip("omics.transfer.manager")
upload_module = pytest.importorskip("omics.transfer.read_set_upload")
config_module = pytest.importorskip("omics.transfer.config")

MIB = 1024 * 1024


def gzip_file(path: Path, size: int, seed: int) -> bytes:
    """A gzip file of ``size`` random bytes (incompressible: the file is about ``size`` long)."""
    data = gzip.compress(os.urandom(size) if seed else b"", compresslevel=1, mtime=0)
    path.write_bytes(data)
    return data


@pytest.fixture
def manager(omics: Any, tmp_path: Path) -> Any:
    config = config_module.TransferConfig(directory=str(tmp_path / "downloads"))
    with transfer.TransferManager(omics, config) as found:
        yield found


def test_paired_fastq_uploads_in_parallel_parts_and_downloads_identical(
    omics: Any,
    omics_mock: Any,
    sequence_store: str,
    manager: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(upload_module, "UPLOAD_PART_SIZE_BYTES", 5 * MIB)  # s3transfer's least
    omics_mock.settings.storage.read_part_size = 2 * MIB
    first = gzip_file(tmp_path / "NA12878_R1.fastq.gz", 11 * MIB, 1)
    second = gzip_file(tmp_path / "NA12878_R2.fastq.gz", 6 * MIB, 2)
    read_set_id = manager.upload_read_set(
        [str(tmp_path / "NA12878_R1.fastq.gz"), str(tmp_path / "NA12878_R2.fastq.gz")],
        sequence_store,
        "FASTQ",
        "NA12878",
        "subject-1",
        "sample-1",
        tags={"project": "p1"},
    )
    uploads = [c.params for c in omics_mock.calls("UploadReadSetPart")]
    assert sorted((p["partSource"], p["partNumber"]) for p in uploads) == [
        ("SOURCE1", 1),
        ("SOURCE1", 2),
        ("SOURCE1", 3),
        ("SOURCE2", 1),
        ("SOURCE2", 2),
    ]
    metadata = omics.get_read_set_metadata(sequenceStoreId=sequence_store, id=read_set_id)
    assert metadata["files"]["source1"]["totalParts"] == 6
    manager.download_read_set(sequence_store, read_set_id)
    downloads = tmp_path / "downloads"
    assert sorted(p.name for p in downloads.iterdir()) == [
        "NA12878_1.fastq.gz",
        "NA12878_2.fastq.gz",
    ]
    assert (downloads / "NA12878_1.fastq.gz").read_bytes() == first
    assert (downloads / "NA12878_2.fastq.gz").read_bytes() == second


def test_single_ubam_round_trip(
    omics: Any, sequence_store: str, manager: Any, tmp_path: Path
) -> None:
    source = tmp_path / "sample.bam"
    source.write_bytes(b"BAM\x01" + os.urandom(300_000))
    read_set_id = manager.upload_read_set(
        str(source), sequence_store, "UBAM", "sample", "subject-1", "sample-1"
    )
    manager.download_read_set(sequence_store, read_set_id)
    assert (tmp_path / "downloads" / "sample.bam").read_bytes() == source.read_bytes()


def test_download_an_imported_reference(
    omics: Any, omics_mock: Any, manager: Any, tmp_path: Path
) -> None:
    omics_mock.settings.storage.read_part_size = 4096
    fasta = b">chr1\n" + b"ACGT" * 5000 + b"\n>chr2\n" + b"GGCC" * 3000 + b"\n"
    omics_mock.s3.put_object("s3://genomes/hg38.fa", fasta)
    store = omics.create_reference_store(name="refs")["id"]
    job = omics.start_reference_import_job(
        referenceStoreId=store,
        roleArn=ROLE,
        sources=[{"sourceFile": "s3://genomes/hg38.fa", "name": "hg38"}],
    )
    omics.get_waiter("reference_import_job_completed").wait(referenceStoreId=store, id=job["id"])
    reference_id = omics.get_reference_import_job(referenceStoreId=store, id=job["id"])["sources"][
        0
    ]["referenceId"]
    manager.download_reference(store, reference_id)
    downloads = tmp_path / "downloads"
    assert (downloads / "hg38.fasta").read_bytes() == fasta
    assert (downloads / "hg38.fasta.fai").read_bytes() == b"chr1\t20000\t6\t20000\t20001\n" + (
        b"chr2\t12000\t20013\t12000\t12001\n"
    )


def test_a_failed_upload_is_aborted_by_the_client(
    omics: Any, omics_mock: Any, sequence_store: str, manager: Any, tmp_path: Path
) -> None:
    omics_mock.faults.inject("CompleteMultipartReadSetUpload", "ValidationException")
    gzip_file(tmp_path / "r.fastq.gz", 1000, 1)
    with pytest.raises(Exception, match="ValidationException"):
        manager.upload_read_set(
            str(tmp_path / "r.fastq.gz"), sequence_store, "FASTQ", "r", "s", "s"
        )
    assert [c.succeeded for c in omics_mock.calls("AbortMultipartReadSetUpload")] == [True]
    assert omics.list_multipart_read_set_uploads(sequenceStoreId=sequence_store)["uploads"] == []
