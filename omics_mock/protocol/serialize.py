"""Answer in rest-json: the output shape's status, headers and JSON body.

Handlers return plain data shaped like the output shape, with ``datetime``
values for timestamps; they become iso8601 strings here. Errors become the
``x-amzn-ErrorType`` header plus ``{"message": ...}`` with the modelled status.
"""

from __future__ import annotations

import base64
import datetime as _dt
import json
import uuid
from typing import Any, NamedTuple

from .errors import ServiceError
from .model import OperationSpec

JSON_CONTENT_TYPE = "application/json"


class HttpResponse(NamedTuple):
    """A complete HTTP answer."""

    status: int
    headers: dict[str, str]
    body: bytes


def iso8601(value: _dt.datetime) -> str:
    """A timestamp as the service writes it, e.g. ``2026-11-22T10:00:00.123456Z``."""
    if value.tzinfo is not None:
        value = value.astimezone(_dt.timezone.utc).replace(tzinfo=None)
    return value.isoformat(timespec="microseconds") + "Z"


def _json_default(value: Any) -> Any:
    if isinstance(value, _dt.datetime):
        return iso8601(value)
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(bytes(value)).decode("ascii")
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


_dumps = json.JSONEncoder(default=_json_default, separators=(",", ":"), ensure_ascii=False).encode


def _base_headers() -> dict[str, str]:
    return {"x-amzn-requestid": str(uuid.uuid4())}


def serialize_output(spec: OperationSpec, result: Any) -> HttpResponse:
    """The success response for ``result`` under the operation's output shape."""
    headers = _base_headers()
    if not spec.has_output:
        return HttpResponse(spec.success_status, headers, b"")
    data = dict(result) if result else {}
    for binding in spec.output_header_members:
        value = data.pop(binding.member, None)
        if value is not None:
            headers[binding.wire_name] = iso8601(value) if isinstance(value, _dt.datetime) else str(value)
    headers["content-type"] = JSON_CONTENT_TYPE
    return HttpResponse(spec.success_status, headers, _dumps(data).encode("utf-8"))


def serialize_error(error: ServiceError, status: int) -> HttpResponse:
    """The error response for a modelled exception."""
    headers = _base_headers()
    headers["x-amzn-errortype"] = error.code
    headers["content-type"] = JSON_CONTENT_TYPE
    body = _dumps({"message": error.message}).encode("utf-8")
    return HttpResponse(status, headers, body)
