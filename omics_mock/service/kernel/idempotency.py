"""Idempotent requests: the same token and payload answer with the first resource.

Keys are (operation, token) within one account and Region and last as long as
the mock. A repeat with another payload is a ``ConflictException`` where the
operation models it, otherwise a ``ValidationException``. A repeat after the
first resource was deleted creates a new one.
"""

from __future__ import annotations

from typing import Any

from ...wire.errors import ConflictException, ValidationException


class IdempotencyIndex:
    """Which resource each (operation, token) created, and from what payload."""

    def __init__(self) -> None:
        self._seen: dict[tuple[str, str], tuple[dict[str, Any], Any]] = {}

    def lookup(
        self, operation: str, member: str, params: dict[str, Any], conflict_modelled: bool
    ) -> Any:
        """The live resource an identical earlier request created, else ``None``."""
        token = params.get(member)
        if token is None:
            return None
        found = self._seen.get((operation, token))
        if found is None:
            return None
        payload, resource = found
        if not _same_payload(payload, params, member):
            error = ConflictException if conflict_modelled else ValidationException
            raise error(
                f"The {member} {token} was already used for a different {operation} request."
            )
        if getattr(resource, "removed", False):
            return None
        return resource

    def remember(self, operation: str, member: str, params: dict[str, Any], resource: Any) -> None:
        token = params.get(member)
        if token is not None:
            # The request's own dict is kept (not copied): params are never mutated.
            self._seen[(operation, token)] = (params, resource)

    def records(self) -> list[tuple[str, str, dict[str, Any], Any]]:
        """Every remembered request: (operation, token, payload, resource)."""
        return [(op, token, payload, res) for (op, token), (payload, res) in self._seen.items()]


def _same_payload(first: dict[str, Any], second: dict[str, Any], member: str) -> bool:
    """Equal apart from the token itself."""
    keys = (first.keys() | second.keys()) - {member}
    return all(first.get(k) == second.get(k) for k in keys)
