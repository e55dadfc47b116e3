"""Where import jobs find their source files: S3 as the service sees it.

A source is read from the objects the control API registered
(``mock.s3.put_object``) or from moto's S3 when ``mock_aws`` is active. A
bucket that no source knows gives deterministic stand-in contents
(``settings.storage.missing_bucket = "synthesize"``) or fails the source
(``"fail"``); a known bucket without the object fails it. The control API can
also make any source URI fail (``SourceSteering``).
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from ...wire.errors import ValidationException
from ..outside.s3 import read_object
from .content import synthetic_source

if TYPE_CHECKING:
    from ..kernel.state import Backend

MESSAGE_LIMIT = 127
"""The longest job ``statusMessage`` the model allows."""


class SourceSteering:
    """Mock-wide: source URIs the control API makes fail, with the message to fail with."""

    def __init__(self) -> None:
        self.failures: dict[str, str] = {}
        self._lock = threading.Lock()

    def fail(self, uri: str, message: str) -> None:
        with self._lock:
            self.failures[uri] = message

    def clear(self, uri: str | None = None) -> None:
        with self._lock:
            if uri is None:
                self.failures.clear()
            else:
                self.failures.pop(uri, None)


def fetch_source(backend: Backend, uri: str, file_type: str) -> bytes | str:
    """The source's bytes, or why it cannot be imported (a short message)."""
    forced = backend.state.shared(SourceSteering).failures.get(uri)
    if forced is not None:
        return short(forced)
    try:
        found = read_object(backend, uri, "source file")
    except ValidationException as error:
        return short(error.message)
    if found is None:
        if backend.settings.storage.missing_bucket == "fail":
            return short(f"The source file {uri} was not found.")
        return synthetic_source(uri, file_type)
    if not found:
        return short(f"The source file {uri} is empty.")
    return found


def short(message: str) -> str:
    """A message cut to what ``statusMessage`` can hold."""
    return message if len(message) <= MESSAGE_LIMIT else message[: MESSAGE_LIMIT - 1] + "…"
