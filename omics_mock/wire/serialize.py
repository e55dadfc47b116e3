"""Answer in rest-json: the output shape's status, headers and JSON body.

Handlers return plain data shaped like the output shape, with ``datetime``
values for timestamps; they become iso8601 strings here. Errors become the
``x-amzn-ErrorType`` header plus ``{"message": ...}`` with the modelled status.
"""

from __future__ import annotations

import base64
import datetime as _dt
import functools
import json
import random
from typing import Any, NamedTuple

from .errors import ServiceError
from .model import MemberBinding, OperationSpec

JSON_CONTENT_TYPE = "application/json"


Body = bytes | memoryview
"""A response body: a ``memoryview`` when a payload is a slice of stored bytes (no copy)."""


class HttpResponse(NamedTuple):
    """A complete HTTP answer."""

    status: int
    headers: dict[str, str]
    body: Body


def iso8601(value: _dt.datetime) -> str:
    """A timestamp as the service writes it, e.g. ``2026-11-22T10:00:00.123456Z``."""
    if value.tzinfo is not None:
        value = value.astimezone(_dt.timezone.utc).replace(tzinfo=None)
    return value.isoformat(timespec="microseconds") + "Z"


_iso8601_remembered = functools.lru_cache(maxsize=16_384)(iso8601)
"""``iso8601`` of the timestamps answered lately: a resource's timestamps are the same
objects on every read, so a page of 100 runs converts each of them once."""


def _json_default(value: Any) -> Any:
    if isinstance(value, _dt.datetime):
        return _iso8601_remembered(value)
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(bytes(value)).decode("ascii")
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


_dumps = json.JSONEncoder(default=_json_default, separators=(",", ":"), ensure_ascii=False).encode


def _json_bytes(value: Any) -> bytes:
    """UTF-8 JSON. A lone surrogate (JSON allows ``"\\ud800"``, so requests can carry
    one) cannot be UTF-8: it is written back as the same JSON escape."""
    return _dumps(value).encode("utf-8", "backslashreplace")


def request_id() -> str:
    """A random uuid4-shaped request id (cheaper than ``uuid.uuid4``)."""
    text = "%032x" % (random.getrandbits(128) & _UUID4_MASK | _UUID4_BITS)
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


_UUID4_MASK = ~((0xF000 << 64) | (0xC000 << 48)) & ((1 << 128) - 1)
_UUID4_BITS = (0x4000 << 64) | (0x8000 << 48)


def _base_headers() -> dict[str, str]:
    return {"x-amzn-requestid": request_id()}


def serialize_output(spec: OperationSpec, result: Any) -> HttpResponse:
    """The success response for ``result`` under the operation's output shape."""
    headers = _base_headers()
    if not spec.has_output or spec.success_status == 204:  # HTTP forbids a body on 204
        return HttpResponse(spec.success_status, headers, b"")
    data = result if type(result) is dict else dict(result or {})
    if spec.output_header_members:  # taken out of a copy: the result may be stored state
        data = dict(data)
        for binding in spec.output_header_members:
            value = data.pop(binding.member, None)
            if value is not None:
                headers[binding.wire_name] = _header_text(value)
    if spec.output_payload is not None:
        return _payload_response(
            spec, spec.output_payload, data.get(spec.output_payload.member), headers
        )
    headers["content-type"] = JSON_CONTENT_TYPE
    return HttpResponse(spec.success_status, headers, _json_bytes(data))


def _header_text(value: Any) -> str:
    if isinstance(value, _dt.datetime):
        return iso8601(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _payload_response(
    spec: OperationSpec, binding: MemberBinding, value: Any, headers: dict[str, str]
) -> HttpResponse:
    """An output whose payload member is the whole body (streams, documents)."""
    if binding.type_name in ("blob", "string"):
        if isinstance(value, str):
            value = value.encode("utf-8")
        elif hasattr(value, "read"):
            value = value.read()
        body: Body = value if isinstance(value, (bytes, memoryview)) else bytes(value or b"")
        headers["content-type"] = "application/octet-stream"
        headers["content-length"] = str(body.nbytes if isinstance(body, memoryview) else len(body))
        return HttpResponse(spec.success_status, headers, body)
    headers["content-type"] = JSON_CONTENT_TYPE
    return HttpResponse(spec.success_status, headers, _json_bytes(value or {}))


def serialize_error(error: ServiceError, status: int) -> HttpResponse:
    """The error response for a modelled exception."""
    headers = _base_headers()
    headers["x-amzn-errortype"] = error.code
    headers["content-type"] = JSON_CONTENT_TYPE
    body = _json_bytes({"message": error.message})
    return HttpResponse(status, headers, body)
