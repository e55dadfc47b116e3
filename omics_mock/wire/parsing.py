"""Turn a rest-json request (path labels, query, headers, body) into params.

The result is the dict a botocore caller passed, as the service sees it:
URI labels percent-decoded, query values converted to the member's type,
blobs base64-decoded and timestamps parsed at any depth. JSON ``null`` means
"not given". Values that cannot be converted are left as they came, for the
validator to report; only a body that is not a JSON object fails here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qs, unquote

from .errors import ValidationException
from .model import MemberBinding, OperationSpec


def parse_request(
    spec: OperationSpec,
    path_match: re.Match[str],
    query: str,
    headers: Mapping[str, Any],
    body: bytes | None,
) -> dict[str, Any]:
    """The params dict for one request."""
    params: dict[str, Any] = {}
    if spec.uri_members:
        _parse_labels(spec.uri_members, path_match, params)
    if spec.query_members and query:
        _parse_query(spec.query_members, query, params)
    if spec.header_members:
        _parse_headers(spec.header_members, headers, params)
    if spec.payload_member is not None:
        _parse_payload(spec.payload_member, body, params)
    elif spec.body_members and body:
        _parse_body(spec.body_members, body, params)
    return params


def _parse_labels(
    bindings: tuple[MemberBinding, ...], match: re.Match[str], params: dict[str, Any]
) -> None:
    groups = match.groupdict()
    for binding in bindings:
        raw = groups.get(binding.wire_name)
        if raw is not None:
            value = unquote(raw)
            params[binding.member] = value if binding.convert is None else binding.convert(value)


def _parse_query(bindings: tuple[MemberBinding, ...], query: str, params: dict[str, Any]) -> None:
    values = parse_qs(query, keep_blank_values=True)
    for binding in bindings:
        found = values.get(binding.wire_name)
        if found is None:
            continue
        convert = binding.convert
        if binding.is_list:
            params[binding.member] = found if convert is None else [convert(v) for v in found]
        else:
            params[binding.member] = found[0] if convert is None else convert(found[0])


def _parse_headers(
    bindings: tuple[MemberBinding, ...], headers: Mapping[str, Any], params: dict[str, Any]
) -> None:
    lowered = {str(k).lower(): v for k, v in headers.items()}
    for binding in bindings:
        value = lowered.get(binding.wire_name.lower())
        if value is not None:
            text = value.decode("latin-1") if isinstance(value, bytes) else str(value)
            params[binding.member] = text if binding.convert is None else binding.convert(text)


def _parse_payload(binding: MemberBinding, body: bytes | None, params: dict[str, Any]) -> None:
    """A member that is the whole body: raw bytes, text, or a JSON structure."""
    if not body:
        return
    if binding.type_name == "blob":
        params[binding.member] = body
    elif binding.type_name == "string":
        params[binding.member] = body.decode("utf-8", errors="replace")
    else:
        document = _json_document(body)
        params[binding.member] = document if binding.convert is None else binding.convert(document)


def _parse_body(bindings: tuple[MemberBinding, ...], body: bytes, params: dict[str, Any]) -> None:
    document = _json_document(body)
    for binding in bindings:
        value = document.get(binding.wire_name)
        if value is not None:
            params[binding.member] = value if binding.convert is None else binding.convert(value)


def _json_document(body: bytes) -> dict[str, Any]:
    try:
        document = json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise ValidationException(f"The request body is not valid JSON: {exc}") from None
    if not isinstance(document, dict):
        raise ValidationException(
            f"The request body must be a JSON object, not {_json_kind(document)}."
        )
    return document


def _json_kind(value: Any) -> str:
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    return "a number"
