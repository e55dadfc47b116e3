"""Helpers for what the run operations answer: answers built from a fixed part, and
the values GetRun derives from the request (resource digests, the Nextflow version).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from typing import Any

DEFAULT_NEXTFLOW_VERSION = "24.10.0"
_ENGINE_VERSION = re.compile(r"(\d{2})\.(\d{2})(?:\.(\d))?")


def fill(
    rendered: dict[str, dict[str, Any]],
    operation: str,
    build: Callable[[], dict[str, Any]],
    changing: dict[str, Any],
) -> dict[str, Any]:
    """An answer from its fixed part (built once) and the values that change.

    The fixed part keeps every member in the answer's order, without those that are
    ``None`` for good; the changing members are set in place, and dropped when ``None``.
    """
    fixed = rendered.get(operation)
    if fixed is None:
        fixed = rendered[operation] = {
            k: v for k, v in build().items() if k in changing or v is not None
        }
    answer = fixed.copy()
    answer.update(changing)
    for member, value in changing.items():
        if value is None:
            del answer[member]
    return answer


def resource_digests(parameters: Any) -> dict[str, str] | None:
    if not isinstance(parameters, dict):
        return None
    digests = {
        value: "etag:" + hashlib.md5(value.encode()).hexdigest()
        for value in parameters.values()
        if isinstance(value, str) and value.startswith("s3://")
    }
    return digests or None


def engine_version(engine: str | None, settings: Any) -> str | None:
    """The Nextflow version GetRun reports; ``None`` for other engines."""
    if engine != "NEXTFLOW":
        return None
    wanted = settings.get("engineVersion") if isinstance(settings, dict) else None
    match = _ENGINE_VERSION.fullmatch(str(wanted)) if wanted else None
    if match is None:
        return DEFAULT_NEXTFLOW_VERSION
    return f"{match.group(1)}.{match.group(2)}.{match.group(3) or 0}"
