"""Idempotent creates keyed by ``requestId``.

The same ``requestId`` with the same payload returns the resource the first
call created; with a different payload it is a ``ConflictException``. Keys are
per operation within one account and Region, and last as long as the mock.
"""

from __future__ import annotations

from typing import Any

from ..protocol.errors import ConflictException


def _payload(params: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in params.items() if k != "requestId"}


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
        if payload != _payload(params):
            raise ConflictException(
                f"The requestId {request_id} was already used for a different {operation} request."
            )
        return resource_id

    def remember(self, operation: str, params: dict[str, Any], resource_id: str) -> None:
        request_id = params.get("requestId")
        if request_id is not None:
            self._seen[(operation, request_id)] = (_payload(params), resource_id)
