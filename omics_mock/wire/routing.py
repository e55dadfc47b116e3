"""Route an HTTP method and path to an operation, from a table built once.

Candidates are grouped by (method, number of path segments, first segment);
within a group, templates with more literal segments win, so
``POST /runBatch/cancel`` beats ``POST /runBatch/{batchId}``. A path that
matches nothing is tried again without its leading segments, so a custom
endpoint with a base path (``https://host/base``) routes too.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator

from .model import OperationSpec

Routed = tuple[OperationSpec, re.Match[str]]


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

    def route(self, method: str, path: str) -> Routed | None:
        """The operation and its path match, or ``None`` when nothing matches."""
        routed = self._route_exact(method, path)
        if routed is None:
            for tail in base_path_tails(path):
                routed = self._route_exact(method, tail)
                if routed is not None:
                    break
        return routed

    def _route_exact(self, method: str, path: str) -> Routed | None:
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


def base_path_tails(path: str) -> Iterator[str]:
    """``/a/b/c`` gives ``/b/c`` then ``/c``: the path below each possible base path."""
    index = path.find("/", 1)
    while index != -1 and index < len(path) - 1:
        yield path[index:]
        index = path.find("/", index + 1)
