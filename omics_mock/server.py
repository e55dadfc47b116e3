"""Server mode: ``ThreadedServer`` for tests, ``OmicsServer`` (the WSGI app), ``serve``."""

from __future__ import annotations

from .harness.server.app import OmicsServer
from .harness.server.serving import ThreadedServer, serve

__all__ = ["OmicsServer", "ThreadedServer", "serve"]
