"""Request bodies as the server reads them: ``Content-Length`` bytes or chunked.

Each stream knows whether it was read to its end (``finished``): only then can
the connection carry another request.
"""

from __future__ import annotations

import sys
from typing import Any

MAX_LINE = 65536
"""The longest chunk size line or trailer line."""
MAX_TRAILERS = 100


class LengthInput:
    """A body of ``Content-Length`` bytes: reads stop at its end."""

    def __init__(self, rfile: Any, length: int) -> None:
        self._rfile = rfile
        self.left = length

    def read(self, size: int = -1) -> bytes:
        if self.left <= 0:
            return b""
        data: bytes = self._rfile.read(self.left if size < 0 else min(size, self.left))
        self.left -= len(data)
        if not data:  # the client closed its side: the body will never be complete
            self.left = -1
        return data

    @property
    def finished(self) -> bool:
        return self.left == 0


class ChunkedInput:
    """A ``Transfer-Encoding: chunked`` body, read through its last chunk and trailers."""

    def __init__(self, rfile: Any) -> None:
        self._rfile = rfile
        self._left = 0
        self.finished = False

    def read(self, size: int = -1) -> bytes:
        parts: list[bytes] = []
        wanted = sys.maxsize if size < 0 else size
        while not self.finished and wanted > 0:
            if self._left == 0:
                self._left = self._chunk_size()
                if self._left == 0:
                    self._skip_trailers()
                    self.finished = True
                    break
            data = self._rfile.read(min(self._left, wanted))
            if not data:
                raise ValueError("the chunked body ends before its last chunk")
            parts.append(data)
            self._left -= len(data)
            wanted -= len(data)
            if self._left == 0 and self._rfile.readline(3) not in (b"\r\n", b"\n"):
                raise OSError("Missing chunk terminating newline")
        return b"".join(parts)

    def _chunk_size(self) -> int:
        line = self._rfile.readline(MAX_LINE + 1)
        if not line:
            raise ValueError("the chunked body ends before its last chunk")
        size = line.split(b";", 1)[0].strip(b" \t\r\n")
        if not size or len(line) > MAX_LINE or size.strip(b"0123456789abcdefABCDEF"):
            raise OSError("Invalid chunk header")
        return int(size, 16)

    def _skip_trailers(self) -> None:
        for _ in range(MAX_TRAILERS):
            line = self._rfile.readline(MAX_LINE + 1)
            if line in (b"\r\n", b"\n"):
                return
            if not line or len(line) > MAX_LINE:
                break
        raise ValueError("the chunked body's trailers do not end")


class NoInput:
    """The body of a request whose framing the server refused to guess."""

    finished = False

    def read(self, size: int = -1) -> bytes:
        return b""
