"""The raw body of an answer handed to botocore in process."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any


class ResponseBody(io.RawIOBase):
    """A raw response body botocore can stream or read, over the answer's bytes.

    A payload served from stored bytes arrives as a ``memoryview``: it is read
    without copying it first; each ``read`` returns only the bytes asked for
    (the whole stored ``bytes`` object itself when all of it is asked for).
    """

    def __init__(self, data: bytes | memoryview = b"") -> None:
        super().__init__()
        self._data = data
        self._view = memoryview(data)
        self._position = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        start, total = self._position, self._view.nbytes
        end = total if size is None or size < 0 else min(total, start + size)
        self._position = max(start, end)
        if start == 0 and end == total and isinstance(self._data, bytes):
            return self._data
        return bytes(self._view[start:end])

    def readinto(self, buffer: Any) -> int:
        chunk = self.read(len(memoryview(buffer)))
        memoryview(buffer)[: len(chunk)] = chunk
        return len(chunk)

    def tell(self) -> int:
        return self._position

    def stream(self, **_: Any) -> Iterator[bytes]:
        data = self.read()
        if data:
            yield data
