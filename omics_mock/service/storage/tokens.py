"""``clientToken`` on storage operations whose model does not mark it an idempotency token.

CreateReferenceStore, CreateMultipartReadSetUpload and the four Start*Job
operations take an optional ``clientToken`` that botocore does not fill in;
"to ensure that jobs don't run multiple times" the same token with the same
request answers with the first resource, and the same token with another
request is a ValidationException (none of them models ConflictException).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from ..kernel.state import Backend, Params

T = TypeVar("T")
TOKEN = "clientToken"


def once_per_token(backend: Backend, operation: str, req: Params, make: Callable[[], T]) -> T:
    """``make()``'s resource, or the one an identical earlier request made."""
    if req.get(TOKEN) is None:
        return make()
    earlier: Any = backend.idempotency.lookup(operation, TOKEN, req, False)
    if earlier is not None:
        return earlier  # type: ignore[no-any-return]
    made = make()
    backend.idempotency.remember(operation, TOKEN, req, made)
    return made
