"""Route an HTTP method and path to an operation, from a table built once.

Candidates are grouped by (method, number of path segments, first segment);
within a group, templates with more literal segments win, so
``POST /runBatch/cancel`` beats ``POST /runBatch/{batchId}``.
"""

from __future__ import annotations

import re
from collections import defaultdict

from .model import OperationSpec


class Router:
    """Finds the operation for a request path."""

    def __init__(self, operations: dict[str, OperationSpec]) -> None:
        table: dict[tuple[str, int, str], list[OperationSpec]] = defaultdict(list)
        wildcard: dict[str, list[OperationSpec]] = defaultdict(list)
        for spec in operations.values():
            if "+}" in spec.uri:
                wildcard[spec.method].append(spec)
            else:
                table[(spec.method, spec.segment_count, spec.first_segment)].append(spec)
        for candidates in table.values():
            candidates.sort(key=lambda s: -s.literal_segments)
        self._table = dict(table)
        self._wildcard = dict(wildcard)

    def route(self, method: str, path: str) -> tuple[OperationSpec, re.Match[str]] | None:
        """The operation and its path match, or ``None`` when nothing matches."""
        segments = [s for s in path.split("/") if s]
        first = segments[0] if segments else ""
        for spec in self._table.get((method, len(segments), first), ()):
            match = spec.path_regex.match(path)
            if match is not None:
                return spec, match
        for spec in self._wildcard.get(method, ()):
            match = spec.path_regex.match(path)
            if match is not None:
                return spec, match
        return None
