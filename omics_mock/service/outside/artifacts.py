"""Download links for exported workflow definitions and READMEs.

``GetWorkflow(export=[...])`` answers with a URL, as the service answers with
a presigned S3 URL. The mock's URLs live under the reserved ``.invalid``
domain, so they can never reach a network; while a mock is active, plain
``requests`` downloads of them are answered with the stored bytes.
"""

from __future__ import annotations

import threading

ARTIFACT_HOST = "artifacts.omics-mock.invalid"
ARTIFACT_PREFIX = f"https://{ARTIFACT_HOST}/"


class ArtifactStore:
    """Bytes published under mock download URLs."""

    def __init__(self) -> None:
        self._objects: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def publish(self, path: str, data: bytes) -> str:
        """Store ``data`` and return the URL that serves it."""
        with self._lock:
            self._objects[path] = data
        return ARTIFACT_PREFIX + path

    def fetch(self, url: str) -> bytes | None:
        """The bytes behind a URL from ``publish``, if any."""
        if not url.startswith(ARTIFACT_PREFIX):
            return None
        path = url[len(ARTIFACT_PREFIX) :].split("?", 1)[0]
        return self._objects.get(path)
