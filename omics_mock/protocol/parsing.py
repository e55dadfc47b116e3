"""Turn a rest-json request (path labels, query, headers, body) into params.

The result is the dict a botocore caller passed, as the service sees it:
URI labels percent-decoded, query values converted to the member's type,
blobs base64-decoded and timestamps parsed. Values that cannot be converted
are left as they came, for the validator to report.
"""

from __future__ import annotations

import base64
import binascii
import datetime as _dt
import json
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qs, unquote

from .errors import ValidationException
from .model import OperationSpec


def parse_request(
    spec: OperationSpec,
    path_match: re.Match[str],
    query: str,
    headers: Mapping[str, str],
    body: bytes | None,
) -> dict[str, Any]:
    """The params dict for one request."""
    params: dict[str, Any] = {}
    if spec.uri_members:
        groups = path_match.groupdict()
        for binding in spec.uri_members:
            raw = groups.get(binding.wire_name)
            if raw is not None:
                params[binding.member] = unquote(raw)
    if spec.query_members and query:
        values = parse_qs(query, keep_blank_values=True)
        for binding in spec.query_members:
            found = values.get(binding.wire_name)
            if found is None:
                continue
            if binding.type_name == "list":
                params[binding.member] = [
                    _convert(v, binding.list_member_type or "string") for v in found
                ]
            else:
                params[binding.member] = _convert(found[0], binding.type_name)
    if spec.header_members:
        lowered = {k.lower(): v for k, v in headers.items()}
        for binding in spec.header_members:
            value = lowered.get(binding.wire_name.lower())
            if value is not None:
                params[binding.member] = _convert(_text(value), binding.type_name)
    if spec.payload_member is not None:
        if body:
            params[spec.payload_member.member] = body
    elif spec.body_members and body:
        params.update(_parse_body(spec, body))
    return params


def _parse_body(spec: OperationSpec, body: bytes) -> dict[str, Any]:
    try:
        document = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValidationException(f"The request body is not valid JSON: {exc}") from None
    if not isinstance(document, dict):
        raise ValidationException("The request body must be a JSON object.")
    params: dict[str, Any] = {}
    for binding in spec.body_members:
        if binding.wire_name in document:
            params[binding.member] = document[binding.wire_name]
    for name in spec.blob_body_members:
        value = params.get(name)
        if isinstance(value, str):
            params[name] = _decode_blob(name, value)
    for name in spec.timestamp_body_members:
        value = params.get(name)
        if value is not None:
            params[name] = _convert(value, "timestamp")
    return params


def _decode_blob(name: str, value: str) -> bytes:
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise ValidationException(
            f"1 validation error detected: Value at '{name}' failed to satisfy constraint: "
            "Member must be base64-encoded binary data"
        ) from None


def _text(value: str | bytes) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else value


def _convert(value: Any, type_name: str) -> Any:
    """Convert a wire value to the member's Python type, or leave it as is."""
    if type_name in ("integer", "long") and isinstance(value, str):
        try:
            return int(value)
        except ValueError:
            return value
    if type_name in ("float", "double") and isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return value
    if type_name == "boolean" and isinstance(value, str):
        lowered = value.lower()
        if lowered in ("true", "false"):
            return lowered == "true"
        return value
    if type_name == "timestamp":
        return _timestamp(value)
    return value


def _timestamp(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return _dt.datetime.fromtimestamp(value, _dt.timezone.utc)
    if isinstance(value, str):
        text = value.strip()
        try:
            return _dt.datetime.fromtimestamp(float(text), _dt.timezone.utc)
        except ValueError:
            pass
        try:
            parsed = _dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            return value
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=_dt.timezone.utc)
        return parsed
    return value

