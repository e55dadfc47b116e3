"""Storage plane: upload and download throughput of a read set through the mock, in
process, and what it costs in memory.

A read set of ``size`` bytes is uploaded from a file on disk in parts of
``part`` bytes (as aws-healthomics-tools does: one part in memory per request),
completed (the mock hashes it for its ETag), then downloaded part by part,
each part's body read in 256 KiB pieces (TransferManager's ``io_chunksize``).
Memory is the process's resident set: its growth over the run, and its peak
over the baseline taken before the first part is read. Bytes are stored once,
so the peak should be about the read set's size plus one part in flight.

``python -m bench.storage --size-mib 1024 --part-mib 100`` prints one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from typing import Any

MIB = 1024 * 1024
READ_PIECE = 256 * 1024


def rss_bytes() -> int:
    """The current resident set size (Linux ``/proc``; the peak elsewhere)."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return peak_rss_bytes()


def peak_rss_bytes() -> int:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024


def _source_file(size: int) -> str:
    """A file of ``size`` bytes (a random 8 MiB block repeated; not gzip, not '@')."""
    block = b"\x00" + os.urandom(8 * MIB - 1)
    handle, path = tempfile.mkstemp(prefix="omics-mock-bench-", suffix=".fastq")
    with os.fdopen(handle, "wb") as out:
        left = size
        while left:
            take = min(left, len(block))
            out.write(block[:take])
            left -= take
    return path


def measure(size: int, part: int) -> dict[str, Any]:
    import boto3

    from omics_mock import mock_omics

    path = _source_file(size)
    try:
        with mock_omics() as mock:
            mock.settings.storage.read_part_size = part
            mock.settings.storage.quotas.max_part_bytes = max(part, 100 * MIB)
            mock.settings.request_log_size = 0
            omics = boto3.client("omics", region_name="us-east-1")
            store = omics.create_sequence_store(name="bench")["id"]
            omics.get_sequence_store(id=store)
            baseline = rss_bytes()
            peak_before = peak_rss_bytes()
            upload_id = omics.create_multipart_read_set_upload(
                sequenceStoreId=store,
                sourceFileType="FASTQ",
                subjectId="s",
                sampleId="s",
                name="bench",
            )["uploadId"]
            started = time.perf_counter()
            parts = []
            with open(path, "rb") as source:
                number = 0
                while chunk := source.read(part):
                    number += 1
                    answer = omics.upload_read_set_part(
                        sequenceStoreId=store,
                        uploadId=upload_id,
                        partSource="SOURCE1",
                        partNumber=number,
                        payload=chunk,
                    )
                    parts.append(
                        {
                            "partSource": "SOURCE1",
                            "partNumber": number,
                            "checksum": answer["checksum"],
                        }
                    )
                    del chunk
            uploaded = time.perf_counter()
            read_set = omics.complete_multipart_read_set_upload(
                sequenceStoreId=store, uploadId=upload_id, parts=parts
            )["readSetId"]
            completed = time.perf_counter()
            after_upload = rss_bytes()
            info = omics.get_read_set_metadata(sequenceStoreId=store, id=read_set)["files"][
                "source1"
            ]
            received = 0
            for number in range(1, info["totalParts"] + 1):
                body = omics.get_read_set(
                    sequenceStoreId=store, id=read_set, partNumber=number, file="SOURCE1"
                )["payload"]
                while piece := body.read(READ_PIECE):
                    received += len(piece)
            downloaded = time.perf_counter()
            assert received == size == info["contentLength"], (received, size)
            after_download = rss_bytes()
            peak = peak_rss_bytes()
    finally:
        os.unlink(path)
    mb = size / 1e6
    return {
        "size_bytes": size,
        "part_bytes": part,
        "parts": len(parts),
        "upload_seconds": uploaded - started,
        "complete_seconds": completed - uploaded,
        "download_seconds": downloaded - completed,
        "upload_mb_s": mb / (uploaded - started),
        "upload_with_complete_mb_s": mb / (completed - started),
        "download_mb_s": mb / (downloaded - completed),
        "baseline_rss_bytes": baseline,
        "rss_after_upload_bytes": after_upload,
        "rss_after_download_bytes": after_download,
        "peak_rss_bytes": peak,
        "peak_over_baseline_bytes": max(peak, peak_before) - baseline,
        "peak_was_before_the_run": peak_before >= peak,
    }


def report_rows(result: dict[str, Any]) -> list[list[str]]:
    """Rows for the report table of ``bench.run``."""
    size, part = result["size_bytes"] / MIB, result["part_bytes"] / MIB
    return [
        ["read set / parts", f"{size:.0f} MiB in {result['parts']} parts of {part:.0f} MiB"],
        ["upload (UploadReadSetPart, sequential)", f"{result['upload_mb_s']:.0f} MB/s"],
        [
            "CompleteMultipartReadSetUpload (hashes the read set)",
            f"{result['complete_seconds']:.2f} s",
        ],
        ["upload including Complete", f"{result['upload_with_complete_mb_s']:.0f} MB/s"],
        ["download (GetReadSet, 256 KiB reads)", f"{result['download_mb_s']:.0f} MB/s"],
        [
            "RSS growth after upload",
            f"{(result['rss_after_upload_bytes'] - result['baseline_rss_bytes']) / MIB:.0f} MiB",
        ],
        [
            "RSS growth after download",
            f"{(result['rss_after_download_bytes'] - result['baseline_rss_bytes']) / MIB:.0f} MiB",
        ],
        [
            "peak RSS over the baseline (upload + download)",
            f"{result['peak_over_baseline_bytes'] / MIB:.0f} MiB"
            + (" (peak predates the run)" if result["peak_was_before_the_run"] else ""),
        ],
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.storage")
    parser.add_argument("--size-mib", type=float, default=1024)
    parser.add_argument("--part-mib", type=float, default=100)
    args = parser.parse_args(argv)
    print(json.dumps(measure(int(args.size_mib * MIB), int(args.part_mib * MIB))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
