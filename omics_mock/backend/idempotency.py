"""Idempotent creates keyed by ``requestId``.

The same ``requestId`` with the same payload returns the resource the first
call created; with a different payload it is a ``ConflictException``. Keys are
per operation within one account and Region, and last as long as the mock.
"""

from __future__ import annotations

from typing import Any

from ..protocol.errors import ConflictException


def _same_payload(first: dict[str, Any], second: dict[str, Any]) -> bool:
    """Equal apart from ``requestId``."""
    keys = (first.keys() | second.keys()) - {"requestId"}
    return all(first.get(k) == second.get(k) for k in keys)


class IdempotencyIndex:
    """Remembers which resource each (operation, requestId) created."""

    def __init__(self) -> None:
        self._seen: dict[tuple[str, str], tuple[dict[str, Any], str]] = {}

    def lookup(self, operation: str, params: dict[str, Any]) -> str | None:
        """The ID created by an earlier identical request, if any.

        Raises ``ConflictException`` if the requestId was used with another payload.
        """
        request_id = params.get("requestId")
        if request_id is None:
            return None
        found = self._seen.get((operation, request_id))
        if found is None:
            return None
        payload, resource_id = found
        if not _same_payload(payload, params):
            raise ConflictException(
                f"The requestId {request_id} was already used for a different {operation} request."
            )
        return resource_id

    def remember(self, operation: str, params: dict[str, Any], resource_id: str) -> None:
        request_id = params.get("requestId")
        if request_id is not None:
            # The request's own dict is kept (not copied): params are never mutated.
            self._seen[(operation, request_id)] = (params, resource_id)
