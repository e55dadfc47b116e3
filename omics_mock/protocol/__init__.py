"""The service-agnostic rest-json layer, driven by botocore's omics model."""

from __future__ import annotations

from .errors import ServiceError
from .handler import Protocol, RequestContext
from .model import ServiceSpec, service_spec
from .serialize import HttpResponse

__all__ = [
    "HttpResponse",
    "Protocol",
    "RequestContext",
    "ServiceError",
    "ServiceSpec",
    "service_spec",
]
