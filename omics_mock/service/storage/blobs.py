"""File contents stored once, as the chunks they arrived in, and served by slicing.

A ``Blob`` keeps the ``bytes`` objects it was made from (uploaded parts, an S3
object) without joining them. A part served by GetReadSet or GetReference is
the stored chunk itself when it lines up with one, a ``memoryview`` slice when
it lies inside one, and a fresh ``bytes`` only when it spans two or more.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

Chunk = bytes | memoryview

MAX_PARTS = 10_000
"""The model's largest ``totalParts`` (and part number)."""


class Blob:
    """Immutable contents made of chunks, never copied when read."""

    __slots__ = ("_chunks", "_ends", "length")

    def __init__(self, chunks: Iterable[Chunk]) -> None:
        self._chunks: tuple[Chunk, ...] = tuple(c for c in chunks if len(c))
        ends: list[int] = []
        total = 0
        for chunk in self._chunks:
            total += chunk.nbytes if isinstance(chunk, memoryview) else len(chunk)
            ends.append(total)
        self._ends = ends
        self.length = total

    @classmethod
    def of(cls, data: Chunk) -> Blob:
        return cls((data,))

    def chunks(self) -> Iterator[Chunk]:
        return iter(self._chunks)

    def slice(self, start: int, end: int) -> Chunk:
        """Bytes ``[start, end)``: a stored chunk or a view of one where possible."""
        start, end = max(0, start), min(end, self.length)
        if start >= end:
            return b""
        index = bisect.bisect_right(self._ends, start)
        chunk_start = self._ends[index - 1] if index else 0
        chunk = self._chunks[index]
        if end <= self._ends[index]:
            if start == chunk_start and end == self._ends[index]:
                return chunk
            return memoryview(chunk)[start - chunk_start : end - chunk_start]
        pieces = [memoryview(chunk)[start - chunk_start :]]
        position = self._ends[index]
        while position < end:
            index += 1
            take = min(end, self._ends[index]) - position
            pieces.append(memoryview(self._chunks[index])[:take])
            position += take
        return b"".join(pieces)

    def tobytes(self) -> bytes:
        """The whole contents as one ``bytes`` (a copy unless stored as one chunk)."""
        if len(self._chunks) == 1 and isinstance(self._chunks[0], bytes):
            return self._chunks[0]
        return b"".join(self._chunks)

    def __len__(self) -> int:
        return self.length


def effective_part_size(length: int, part_size: int) -> int:
    """``part_size``, raised where the file would otherwise need over 10,000 parts."""
    return max(part_size, math.ceil(length / MAX_PARTS), 1)


def total_parts(length: int, part_size: int) -> int:
    return max(1, math.ceil(length / part_size))


@dataclass(slots=True)
class StoredFile:
    """One file of a read set or reference: its contents and its name in storage."""

    blob: Blob
    name: str
    """The object name (``reads_1.fastq.gz``) used in S3 URIs and exports."""

    @property
    def length(self) -> int:
        return self.blob.length

    def information(self, part_size: int, s3_uri: str | None = None) -> dict[str, Any]:
        """The model's ``FileInformation`` for this file under the served part size."""
        size = effective_part_size(self.length, part_size)
        output: dict[str, Any] = {
            "totalParts": total_parts(self.length, size),
            "partSize": size,
            "contentLength": self.length,
        }
        if s3_uri is not None:
            output["s3Access"] = {"s3Uri": s3_uri}
        return output

    def part(self, number: int, part_size: int) -> Chunk | None:
        """Part ``number`` (from 1) under the served part size; ``None`` past the end."""
        size = effective_part_size(self.length, part_size)
        if number > total_parts(self.length, size):
            return None
        start = (number - 1) * size
        return self.blob.slice(start, start + size)


def byte_range(header: str, length: int) -> tuple[int, int] | None:
    """``[start, end)`` of a ``Range`` value within ``length`` bytes, ``None`` if it
    cannot be satisfied. Accepts ``bytes=a-b``, ``a-b``, ``a-`` and ``-n`` (the last n)."""
    text = header.strip()
    if text.lower().startswith("bytes="):
        text = text[6:].strip()
    first, dash, last = text.partition("-")
    if not dash or "," in text:
        return None
    try:
        if not first:
            count = int(last)
            return (max(0, length - count), length) if count > 0 else None
        start = int(first)
        end = length - 1 if not last else min(int(last), length - 1)
    except ValueError:
        return None
    if start < 0 or start >= length or end < start:
        return None
    return start, end + 1
