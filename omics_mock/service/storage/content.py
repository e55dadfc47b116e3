"""What the service computes from file contents: part checksums, HealthOmics ETags,
FASTQ read and base counts, FASTA indexes, and stand-in contents.

Everything streams over a ``Blob``'s chunks (gzip included), so a large file is
never joined or decompressed whole in memory.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

from .blobs import Blob, Chunk

ETAG_HASHES = {"MD5up": "md5", "SHA256up": "sha256", "SHA512up": "sha512"}
"""A sequence store's ``eTagAlgorithmFamily`` and the hash behind it."""

_INFLATE_STEP = 8 * 1024 * 1024


def part_checksum(data: Chunk) -> str:
    """UploadReadSetPart's ``checksum``: base64 SHA-256 of the part's bytes."""
    return base64.b64encode(hashlib.sha256(data).digest()).decode("ascii")


def etag_algorithm(file_type: str, family: str) -> str:
    """``FASTQ_MD5up``, ``BAM_SHA256up``, ...: uBAM read sets use ``BAM_*``."""
    prefix = "BAM" if file_type == "UBAM" else file_type
    return f"{prefix}_{family}"


def is_gzip(blob: Blob) -> bool:
    return blob.slice(0, 2) == b"\x1f\x8b"


def inflated(blob: Blob) -> Iterator[bytes]:
    """The decompressed contents of a gzip (or bgzip, multi-member) blob, in pieces.

    Raises ``zlib.error`` on data that is not gzip.
    """
    decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
    for chunk in blob.chunks():
        data: bytes | memoryview = chunk
        while data:
            piece = decompressor.decompress(data, _INFLATE_STEP)
            if piece:
                yield piece
            if decompressor.eof:  # a member ended: the next one starts in unused_data
                data = decompressor.unused_data
                decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
            else:
                data = decompressor.unconsumed_tail
    tail = decompressor.flush()
    if tail:
        yield tail


@dataclass(frozen=True, slots=True)
class Digest:
    """A file's HealthOmics ETag value and, for FASTQ, its read and base counts."""

    etag: str
    reads: int | None = None
    bases: int | None = None


def digest(blob: Blob, file_type: str, family: str) -> Digest:
    """The ETag of one read set file (spec §5.3).

    FASTQ: the hash of the uncompressed records (of the raw bytes if they are not
    gzip), with the records counted. BAM, uBAM and CRAM: the hash of the stored
    bytes (the service hashes the decoded alignments; the mock does not decode).
    """
    algorithm = ETAG_HASHES[family]
    if file_type != "FASTQ":
        return Digest(_hash_chunks(algorithm, blob.chunks()))
    if is_gzip(blob):
        try:
            return _fastq_digest(algorithm, inflated(blob))
        except zlib.error:
            pass
    return _fastq_digest(algorithm, (bytes(c) for c in blob.chunks()))


def _hash_chunks(algorithm: str, chunks: Iterator[Chunk]) -> str:
    hasher = hashlib.new(algorithm)
    for chunk in chunks:
        hasher.update(chunk)
    return hasher.hexdigest()


def _fastq_digest(algorithm: str, pieces: Iterator[bytes]) -> Digest:
    hasher = hashlib.new(algorithm)
    counter = _FastqCounter()
    for piece in pieces:
        hasher.update(piece)
        counter.feed(piece)
    reads, bases = counter.result()
    return Digest(hasher.hexdigest(), reads, bases)


class _FastqCounter:
    """Counts records (4 lines each) and bases (sequence line lengths) as text streams by."""

    def __init__(self) -> None:
        self.line = 0
        self.bases = 0
        self.carry = b""
        self.valid = True

    def feed(self, piece: bytes) -> None:
        if not self.valid:
            return
        if self.line == 0 and not self.carry and piece[:1] not in (b"@", b""):
            self.valid = False
            return
        lines = (self.carry + piece).split(b"\n")
        self.carry = lines.pop()
        first_sequence = (1 - self.line) % 4
        self.bases += sum(map(len, lines[first_sequence::4]))
        self.line += len(lines)

    def result(self) -> tuple[int | None, int | None]:
        if self.carry.strip():
            self.feed(b"\n")
        if not self.valid or self.line == 0 or self.line % 4:
            return None, None
        return self.line // 4, self.bases


def md5_hex(blob: Blob) -> str:
    return _hash_chunks("md5", blob.chunks())


def fasta_index(blob: Blob) -> bytes:
    """A samtools-style ``.fai`` for a FASTA (plain or gzip): name, length, offset,
    bases per line, bytes per line. Offsets count in the uncompressed text."""
    pieces: Iterator[bytes] = inflated(blob) if is_gzip(blob) else (bytes(c) for c in blob.chunks())
    rows: list[str] = []
    offset = 0
    name: str | None = None
    length = start = line_bases = line_bytes = 0
    carry = b""
    for piece in pieces:
        lines = (carry + piece).split(b"\n")
        carry = lines.pop()
        for raw in lines:
            if raw.startswith(b">"):
                if name is not None:
                    rows.append(f"{name}\t{length}\t{start}\t{line_bases}\t{line_bytes}")
                name = raw[1:].split()[0].decode("utf-8", "replace") if raw[1:].split() else ""
                length = line_bases = line_bytes = 0
                start = offset + len(raw) + 1
            elif name is not None and raw:
                text = raw.rstrip(b"\r")
                if not line_bases:
                    line_bases, line_bytes = len(text), len(raw) + 1
                length += len(text)
            offset += len(raw) + 1
    if carry and name is not None and not carry.startswith(b">"):
        length += len(carry.rstrip(b"\r"))
        line_bases = line_bases or len(carry)
        line_bytes = line_bytes or len(carry) + 1
    if name is not None:
        rows.append(f"{name}\t{length}\t{start}\t{line_bases}\t{line_bytes}")
    return ("\n".join(rows) + "\n").encode("utf-8")


def alignment_index(source: Blob, file_type: str) -> bytes:
    """A stand-in ``.bai``/``.crai`` for an aligned read set: the right magic and the
    source's digest. The mock does not decode BAM or CRAM (see docs/storage.md)."""
    magic = b"BAI\x01" if file_type == "BAM" else b"CRAI"
    return magic + bytes.fromhex(md5_hex(source))


def synthetic_source(uri: str, file_type: str) -> bytes:
    """Deterministic stand-in contents for an import source no S3 source knows.

    FASTQ: a gzip FASTQ of 8 records; FASTA (references): two short contigs;
    BAM, uBAM, CRAM: bytes that start with the format's magic.
    """
    seed = hashlib.sha256(uri.encode("utf-8")).digest()
    bases = "".join("ACGT"[b % 4] for b in seed * 2)
    if file_type == "FASTQ":
        records = "".join(
            f"@read{n}\n{bases[n : n + 50]}\n+\n{'I' * 50}\n" for n in range(8)
        ).encode("ascii")
        return gzip.compress(records, mtime=0)
    if file_type == "FASTA":
        return f">chr1\n{bases[:60]}\n{bases[60:]}\n>chr2\n{bases[:40]}\n".encode("ascii")
    magic = {"CRAM": b"CRAM\x03\x00"}.get(file_type, b"BAM\x01")
    return magic + seed
