"""Wire values to Python values, compiled once per shape.

JSON carries blobs as base64 text and timestamps as epoch seconds or iso8601
text, at any depth of the body. A decoder exists only for shapes that hold
such a member somewhere below them (or a member whose wire name differs), so
most members need no work at all. Values that cannot be converted are left
as they came, for the validator to report.
"""

from __future__ import annotations

import base64
import binascii
import datetime as _dt
import email.utils
import threading
from collections.abc import Callable
from typing import Any

from botocore.model import ListShape, MapShape, Shape, StructureShape

Decoder = Callable[[Any], Any]


def decode_blob(value: Any) -> Any:
    """Bytes from base64 text; anything else (or bad base64) unchanged."""
    if not isinstance(value, str):
        return value
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return value


def decode_timestamp(value: Any) -> Any:
    """An aware ``datetime`` from epoch seconds or iso8601 text; else unchanged."""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return _from_epoch(value)
    if not isinstance(value, str):
        return value
    text = value.strip()
    try:
        return _from_epoch(float(text))
    except ValueError:
        pass
    try:
        parsed = _dt.datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return value
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=_dt.timezone.utc)


def _text_int(value: str) -> Any:
    try:
        return int(value)
    except ValueError:
        return value


def _text_float(value: str) -> Any:
    try:
        return float(value)
    except ValueError:
        return value


def _text_bool(value: str) -> Any:
    lowered = value.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    return value


def _text_timestamp(value: str) -> Any:
    parsed = decode_timestamp(value)
    if parsed is not value:
        return parsed
    try:  # headers default to RFC 822 dates
        found = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return value
    return found if found.tzinfo is not None else found.replace(tzinfo=_dt.timezone.utc)


_TEXT_CONVERTERS: dict[str, Decoder] = {
    "integer": _text_int,
    "long": _text_int,
    "float": _text_float,
    "double": _text_float,
    "boolean": _text_bool,
    "timestamp": _text_timestamp,
    "blob": decode_blob,
}


def text_converter(type_name: str) -> Decoder | None:
    """How a URI label, query value or header of this type becomes Python (``None``: text)."""
    return _TEXT_CONVERTERS.get(type_name)


def _from_epoch(seconds: float) -> Any:
    try:
        return _dt.datetime.fromtimestamp(seconds, _dt.timezone.utc)
    except (OverflowError, OSError, ValueError):
        return seconds


class DecoderCompiler:
    """One decoder per shape name, or ``None`` where the wire value is already right.

    Compiling holds a lock: the shapes being built (``_building``) belong to one
    thread at a time, so no thread takes another's unfinished shape for one
    without a decoder.
    """

    def __init__(self) -> None:
        self._cache: dict[str, Decoder | None] = {}
        self._building: set[str] = set()
        self._lock = threading.Lock()

    def for_shape(self, shape: Shape) -> Decoder | None:
        name = shape.name
        if name in self._cache:
            return self._cache[name]
        with self._lock:
            return self._compile(shape)

    def _compile(self, shape: Shape) -> Decoder | None:
        name = shape.name
        if name in self._cache:
            return self._cache[name]
        if name in self._building:  # recursive shape: decode what is reachable so far
            return None
        self._building.add(name)
        try:
            decoder = self._build(shape)
        finally:
            self._building.discard(name)
        self._cache[name] = decoder
        return decoder

    def _build(self, shape: Shape) -> Decoder | None:
        if shape.metadata.get("document"):
            return None
        if isinstance(shape, StructureShape):
            return self._structure(shape)
        if isinstance(shape, ListShape):
            return self._list(shape)
        if isinstance(shape, MapShape):
            return self._map(shape)
        if shape.type_name == "blob":
            return decode_blob
        if shape.type_name == "timestamp":
            return decode_timestamp
        return None

    def _structure(self, shape: StructureShape) -> Decoder | None:
        steps: list[tuple[str, str, Decoder | None]] = []
        for name, member in shape.members.items():
            wire = member.serialization.get("name", name)
            decoder = self._compile(member)
            if decoder is not None or wire != name:
                steps.append((wire, name, decoder))
        if not steps:
            return None
        plan = tuple(steps)

        def decode_structure(value: Any) -> Any:
            if not isinstance(value, dict):
                return value
            out = dict(value)
            for wire, name, decoder in plan:
                item = out.pop(wire, None) if wire != name else out.get(name)
                if item is not None:
                    out[name] = item if decoder is None else decoder(item)
            return out

        return decode_structure

    def _list(self, shape: ListShape) -> Decoder | None:
        item = self._compile(shape.member)
        if item is None:
            return None

        def decode_list(value: Any) -> Any:
            if not isinstance(value, list):
                return value
            return [v if v is None else item(v) for v in value]

        return decode_list

    def _map(self, shape: MapShape) -> Decoder | None:
        item = self._compile(shape.value)
        if item is None:
            return None

        def decode_map(value: Any) -> Any:
            if not isinstance(value, dict):
                return value
            return {k: v if v is None else item(v) for k, v in value.items()}

        return decode_map
