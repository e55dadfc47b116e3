"""Serving ``OmicsServer`` on werkzeug's threaded server: ``ThreadedServer`` for
tests, ``serve`` for ``omics-mock server``.
"""

from __future__ import annotations

import threading
from types import TracebackType
from typing import TYPE_CHECKING

from ..control import Control
from .app import OmicsServer
from .control_http import CONTROL_PREFIX

if TYPE_CHECKING:
    from werkzeug.serving import BaseWSGIServer


def _make_server(host: str, port: int, app: OmicsServer, *, quiet: bool) -> BaseWSGIServer:
    """werkzeug's threaded server for ``app``, with a clear error if werkzeug is missing."""
    try:
        from werkzeug.serving import WSGIRequestHandler, make_server
    except ImportError:
        raise RuntimeError(
            "omics-mock server mode needs werkzeug: pip install 'omics-mock[server]'"
        ) from None
    handler: type[WSGIRequestHandler] | None = None
    if quiet:

        class QuietHandler(WSGIRequestHandler):
            def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
                pass

        handler = QuietHandler
    return make_server(host, port, app, threaded=True, request_handler=handler)


def _display_url(host: str, port: int) -> str:
    if host in ("", "0.0.0.0"):
        host = "127.0.0.1"
    elif host == "::":
        host = "::1"
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


class ThreadedServer:
    """An ``OmicsServer`` on werkzeug's threaded server in a daemon thread.

    ``with ThreadedServer() as server: ... server.url``; port 0 picks a free port.
    ``server.control`` reaches the same state as the HTTP control API.
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 0, *, quiet: bool = True) -> None:
        self.host = host
        self.app = OmicsServer()
        self._requested_port = port
        self._quiet = quiet
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def control(self) -> Control:
        return self.app.control

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the server is not running")
        return int(self._server.port)

    @property
    def url(self) -> str:
        return _display_url(self.host, self.port)

    def start(self) -> ThreadedServer:
        """Bind and serve in the background; returns itself."""
        if self._server is not None:
            raise RuntimeError("the server is already running")
        server = _make_server(self.host, self._requested_port, self.app, quiet=self._quiet)
        thread = threading.Thread(
            target=server.serve_forever, args=(0.05,), name="omics-mock-server", daemon=True
        )
        thread.start()
        self._server, self._thread = server, thread
        return self

    def stop(self) -> None:
        """Stop serving and close the socket; the state stays readable."""
        server, thread = self._server, self._thread
        self._server = self._thread = None
        if server is not None:
            server.shutdown()
            server.server_close()
        if thread is not None:
            thread.join(timeout=5)

    def __enter__(self) -> ThreadedServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()


def serve(host: str = "127.0.0.1", port: int = 5000) -> None:
    """Serve until interrupted (``omics-mock server``)."""
    server = _make_server(host, port, OmicsServer(), quiet=False)
    url = _display_url(host, int(server.port))
    print(f"omics-mock server on {url} (control API: {url}{CONTROL_PREFIX}/)", flush=True)
    print(f"Clients: endpoint {url} with AWS_DISABLE_HOST_PREFIX_INJECTION=true", flush=True)
    server.serve_forever()
