"""Server mode: ``ThreadedServer`` for tests, ``OmicsServer`` (the WSGI app), ``serve``."""

from __future__ import annotations

from .harness.server.app import OmicsServer
from .harness.server.serving import (
    DEFAULT_READ_TIMEOUT,
    READ_TIMEOUT_VARIABLE,
    ThreadedServer,
    client_environment,
    read_timeout_from_environment,
    serve,
)

__all__ = [
    "DEFAULT_READ_TIMEOUT",
    "READ_TIMEOUT_VARIABLE",
    "OmicsServer",
    "ThreadedServer",
    "client_environment",
    "read_timeout_from_environment",
    "serve",
]
