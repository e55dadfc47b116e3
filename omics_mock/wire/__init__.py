"""botocore's omics model turned into a server: routing, parsing, validation,
serialisation, errors and the traits the model declares. Knows nothing of the
service's behaviour; ``Pipeline`` calls an ``Invoker`` for that.
"""

from __future__ import annotations

from .errors import ServiceError
from .model import OperationSpec, ServiceSpec, service_spec
from .pipeline import Invoker, Pipeline, RequestContext
from .serialize import HttpResponse

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
