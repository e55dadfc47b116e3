"""botocore's omics model turned into a server: routing, parsing, validation,
serialisation, errors and the traits the model declares. Knows nothing of the
service's behaviour; ``Pipeline`` calls an ``Invoker`` for that.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .errors import ServiceError
    from .model import OperationSpec, ServiceSpec, service_spec
    from .pipeline import Invoker, Pipeline, RequestContext
    from .serialize import HttpResponse

_HOMES = {
    "ServiceError": "errors",
    "OperationSpec": "model",
    "ServiceSpec": "model",
    "service_spec": "model",
    "Invoker": "pipeline",
    "Pipeline": "pipeline",
    "RequestContext": "pipeline",
    "HttpResponse": "serialize",
}
"""Where each name lives: loaded on first use, so that the service's kernel can import
``wire.errors`` without the whole pipeline (which activation loads)."""


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{home}", __name__), name)
    globals()[name] = value
    return value


__all__ = [
    "HttpResponse",
    "Invoker",
    "OperationSpec",
    "Pipeline",
    "RequestContext",
    "ServiceError",
    "ServiceSpec",
    "service_spec",
]
