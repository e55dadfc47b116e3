"""moto's ``before-send`` handler, while a mock is active.

It skips omics requests (it would parse each one only to find nothing to answer)
and Price List API requests, which the mock answers for ``AmazonOmics`` only
(``service/outside/pricing.py``). Before it answers a request to another service,
moto is handed what runs wrote by now (``Door.before_other_request``), unless
``Endpoint._do_get_response`` just did: clients whose endpoints do not go
through it (aiobotocore's) see the artefacts too. If moto's internals change
shape, nothing is patched.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .patching import PatchSet

if TYPE_CHECKING:
    from .door import Door

MOTO_STUBBER_MODULE = "moto.core.botocore_stubber"
_OURS = ("before-send.omics", "before-send.pricing")


def patch_moto_handler(
    patches: PatchSet, door: Callable[[], Door | None], handed_over: threading.local
) -> bool:
    """Patch moto's handler (once) if moto is imported; whether it is (patched)."""
    stubber = getattr(sys.modules.get(MOTO_STUBBER_MODULE), "BotocoreStubber", None)
    if stubber is None:
        return False
    if any(p.target is stubber for p in patches.patches):
        return True
    patch = patches.add(stubber, "__call__", None)

    def __call__(moto: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N807
        active = door()
        if active is not None:
            if str(kwargs.get("event_name", "")).startswith(_OURS):
                return None
            if not getattr(handed_over, "done", False):
                active.before_other_request()
        return patch.original(moto, *args, **kwargs)

    patch.replacement = __call__
    patch.install()
    return True
