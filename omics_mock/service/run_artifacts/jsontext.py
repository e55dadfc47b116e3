"""JSON text as ``json.dumps`` writes it, made faster for what runs write many times.

``json.dumps`` with ``indent`` runs the pure-Python encoder, which is slow and
leaves reference cycles behind for the garbage collector on every call; with
other separators it builds a new encoder per call. These give the same text.
"""

from __future__ import annotations

import json
import json.encoder
from typing import Any

quoted = json.encoder.encode_basestring_ascii
"""A text as a JSON string: ``json.dumps(text)``."""

_compact = json.JSONEncoder(separators=(",", ":"))
_make_encoder: Any = getattr(json.encoder, "c_make_encoder", None)


def compact(value: Any) -> str:
    """``json.dumps(value, separators=(",", ":"))``, made by the C encoder directly (what
    ``JSONEncoder.encode`` does, without the Python around it)."""
    if _make_encoder is None or isinstance(value, str):  # pragma: no cover - CPython has both
        return _compact.encode(value)
    encode = _make_encoder({}, _compact.default, quoted, None, ":", ",", False, False, True)
    return "".join(encode(value, 0))


_scalar = json.JSONEncoder().encode


def indented(value: Any) -> str:
    """``json.dumps(value, indent=2)``."""
    return _indented(value, "\n")


def _indented(value: Any, newline: str) -> str:
    """``value`` at the depth where a line starts with ``newline`` (a new line and spaces)."""
    if isinstance(value, str):
        return quoted(value)
    inner = newline + "  "
    if isinstance(value, dict):
        if not value:
            return "{}"
        if not all(type(key) is str for key in value):
            return json.dumps(value, indent=2).replace("\n", newline)
        parts = [f"{quoted(key)}: {_indented(item, inner)}" for key, item in value.items()]
        return "{" + inner + ("," + inner).join(parts) + newline + "}"
    if isinstance(value, (list, tuple)):
        if not value:
            return "[]"
        return "[" + inner + ("," + inner).join(_indented(v, inner) for v in value) + newline + "]"
    return _scalar(value)
