"""What the model declares about operations beyond their shapes, applied generically.

* **Idempotency**: the input member marked ``idempotencyToken`` (``requestId``,
  ``clientToken``). A repeated request with the same token and payload gets the
  first answer; the service layer keeps the memory (see ``service.kernel.dispatch``).
* **Pagination**: ``paginators-1.json`` names, per List operation, the input
  token, the page-size member, the result list and the output token. A handler
  returns a ``Pageable``; ``page_output`` reads the token and limit from the
  request and writes the page under the modelled names.

Page tokens are opaque to callers and have one codec: ``<kind>:<position>`` in
URL-safe base64. A token of another kind (another List operation) or one that
does not decode is a ``ValidationException``.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Any, Protocol

from botocore.loaders import Loader
from botocore.model import OperationModel

from .errors import ValidationException

DEFAULT_PAGE_SIZE = 100


@dataclass(frozen=True, slots=True)
class Paging:
    """Where a List operation's paging lives on the wire."""

    input_token: str
    output_token: str
    limit_key: str
    result_key: str


@dataclass(frozen=True, slots=True)
class Traits:
    """The traits of one operation."""

    idempotency_token: str | None = None
    paging: Paging | None = None


class Pageable(Protocol):
    """What a List handler returns: something that can cut one page."""

    def page(self, token: str | None, limit: int | None) -> tuple[list[Any], str | None]:
        """Rendered items of one page and the token of the next, if any."""
        ...


def load_paging(loader: Loader, service: str) -> dict[str, Paging]:
    """Paging of every operation listed in the service's ``paginators-1.json``."""
    try:
        table = loader.load_service_model(service, "paginators-1")["pagination"]
    except Exception:  # no paginators file for this service version: nothing pages
        return {}
    return {
        name: Paging(
            str(entry["input_token"]),
            str(entry["output_token"]),
            str(entry["limit_key"]),
            str(entry["result_key"]),
        )
        for name, entry in table.items()
        if isinstance(entry.get("input_token"), str) and isinstance(entry.get("result_key"), str)
    }


def idempotency_token(model: OperationModel) -> str | None:
    """The input member the model marks as the idempotency token, if any."""
    members = model.idempotent_members
    return str(members[0]) if members else None


def page_output(result: Pageable, params: dict[str, Any], paging: Paging) -> dict[str, Any]:
    """The List answer for ``result``: one page under the modelled member names."""
    items, token = result.page(params.get(paging.input_token), params.get(paging.limit_key))
    output: dict[str, Any] = {paging.result_key: items}
    if token is not None:
        output[paging.output_token] = token
    return output


def encode_token(kind: str, position: int) -> str:
    """An opaque page token for ``position`` in a listing of ``kind``."""
    raw = f"{kind}:{position}".encode()
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def decode_token(kind: str, token: str) -> int:
    """The position a token of ``kind`` stands for; ``ValidationException`` otherwise."""
    try:
        padded = token + "=" * (-len(token) % 4)
        found, _, position = base64.urlsafe_b64decode(padded).decode().partition(":")
        if found != kind:
            raise ValueError(found)
        return int(position)
    except (ValueError, UnicodeDecodeError, binascii.Error):
        raise ValidationException(f"The pagination token '{token}' is not valid.") from None
