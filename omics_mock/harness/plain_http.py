"""Request bodies as bytes, and the ``requests`` transport adapter the mock answers with."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

Answer = Callable[[str, str, Any, "bytes | None"], tuple[int, dict[str, str], bytes]]
"""(method, url, headers, body) -> (status, headers, body)."""


def body_bytes(body: Any) -> bytes | None:
    """A botocore or ``requests`` request body (bytes, text, file, iterable) as bytes."""
    if body is None or isinstance(body, bytes):
        return body
    if isinstance(body, str):
        return body.encode("utf-8")
    if hasattr(body, "read"):
        data = body.read()
        return data.encode("utf-8") if isinstance(data, str) else data
    if isinstance(body, (bytearray, memoryview)):
        return bytes(body)
    return b"".join(_chunk_bytes(chunk) for chunk in body)


def _chunk_bytes(chunk: bytes | str) -> bytes:
    return chunk.encode("utf-8") if isinstance(chunk, str) else bytes(chunk)


def requests_adapter(answer: Answer) -> Any:
    """A ``requests`` transport adapter whose every answer comes from ``answer``."""
    import http.client

    import requests.adapters
    import urllib3

    class OmicsAdapter(requests.adapters.HTTPAdapter):
        def send(self, request: Any, *args: Any, **kwargs: Any) -> Any:
            status, headers, body = answer(
                request.method, request.url, request.headers, body_bytes(request.body)
            )
            raw = urllib3.HTTPResponse(
                body=io.BytesIO(body),
                headers=headers,
                status=status,
                reason=http.client.responses.get(status, ""),
                preload_content=False,
                decode_content=False,
            )
            return self.build_response(request, raw)

    return OmicsAdapter()
