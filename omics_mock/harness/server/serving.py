"""Serving ``OmicsServer`` over HTTP/1.1: ``ThreadedServer`` for tests, ``serve`` for
``omics-mock server``.

A thread per connection, connections kept alive (``http11``). Each connection
has a read timeout, while a request arrives and between requests: one that
sends nothing, half a request, or nothing more for that long is closed, so it
cannot hold a thread forever. Stopping the server closes every connection.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import socketserver
import sys
import threading
from types import TracebackType
from typing import Any

from ..control import Control
from . import access_log, state_file
from .app import OmicsServer
from .control_request import CONTROL_PREFIX
from .http11 import OmicsRequestHandler

DEFAULT_READ_TIMEOUT = 30.0
"""Seconds a connection may wait for (the rest of) a request before the server closes it."""
READ_TIMEOUT_VARIABLE = "OMICS_MOCK_READ_TIMEOUT"
"""Environment variable that sets ``omics-mock server``'s read timeout, in seconds."""

logger = logging.getLogger(__name__)


class HTTPServing(socketserver.ThreadingMixIn, socketserver.TCPServer):
    """A listening socket, a thread per connection, and the connections open."""

    daemon_threads = True
    block_on_close = False  # idle kept-alive connections are closed by ``close_connections``
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(
        self,
        host: str,
        port: int,
        app: OmicsServer,
        *,
        read_timeout: float,
        keep_alive: bool,
        quiet: bool,
    ) -> None:
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.app = app
        self.read_timeout = read_timeout
        self.keep_alive = keep_alive
        self.quiet = quiet
        self._connections: set[socket.socket] = set()
        self._lock = threading.Lock()
        self.connections_accepted = 0
        try:
            super().__init__((host, port), OmicsRequestHandler)
        except OSError as error:
            raise OSError(f"omics-mock server cannot listen on {host}:{port} ({error})") from None

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    def log_access(
        self, handler: OmicsRequestHandler, status: int, headers: list[tuple[str, str]], ms: float
    ) -> None:
        if not self.quiet and access_log.LOGGER.isEnabledFor(logging.INFO):
            error = next((v for k, v in headers if k.lower() == "x-amzn-errortype"), "")
            request_line = handler.requestline or "-"
            access_log.log_access(handler.client_address[0], request_line, status, error, ms)

    def track(self, connection: socket.socket) -> None:
        with self._lock:
            self._connections.add(connection)
            self.connections_accepted += 1

    def untrack(self, connection: socket.socket) -> None:
        with self._lock:
            self._connections.discard(connection)

    def close_connections(self) -> None:
        """End every open connection (their threads see the end and finish)."""
        with self._lock:
            connections, self._connections = list(self._connections), set()
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """An exception the handler did not expect: logged, never printed raw."""
        logger.exception("omics-mock server: error on a connection from %s", client_address)


def _checked_timeout(read_timeout: float) -> float:
    """A read timeout: a positive, finite number of seconds."""
    if (
        isinstance(read_timeout, bool)
        or not isinstance(read_timeout, (int, float))
        or not 0 < read_timeout < 1e9
    ):
        raise ValueError(f"read_timeout must be a positive number of seconds, not {read_timeout!r}")
    return float(read_timeout)


def read_timeout_from_environment() -> float:
    """``OMICS_MOCK_READ_TIMEOUT`` in seconds, or ``DEFAULT_READ_TIMEOUT``."""
    raw = os.environ.get(READ_TIMEOUT_VARIABLE, "").strip()
    if not raw:
        return DEFAULT_READ_TIMEOUT
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(
            f"{READ_TIMEOUT_VARIABLE} must be a number of seconds, not {raw!r}"
        ) from None
    return _checked_timeout(value)


def display_url(host: str, port: int) -> str:
    """The URL clients use: a wildcard address shows as loopback."""
    if host in ("", "0.0.0.0"):
        host = "127.0.0.1"
    elif host == "::":
        host = "::1"
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


class ThreadedServer:
    """An ``OmicsServer`` served over HTTP/1.1 from a daemon thread.

    ``with ThreadedServer() as server: ... server.url``; port 0 picks a free port.
    ``server.control`` reaches the same state as the HTTP control API.
    ``read_timeout``: seconds a connection may stay silent (within or between
    requests) before it is closed. ``time_scale`` and ``progress``: the
    ``OmicsServer`` start-up options. ``quiet=False`` logs each request on
    the ``omics_mock.server`` logger. ``keep_alive=False`` closes every
    connection after its answer.
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        quiet: bool = True,
        read_timeout: float = DEFAULT_READ_TIMEOUT,
        time_scale: float = 1.0,
        progress: str = "time",
        keep_alive: bool = True,
    ) -> None:
        self.host = host
        self.read_timeout = _checked_timeout(read_timeout)
        self.app = OmicsServer(time_scale=time_scale, progress=progress)
        self.keep_alive = keep_alive
        self._requested_port = port
        self._quiet = quiet
        self._server: HTTPServing | None = None
        self._thread: threading.Thread | None = None

    @property
    def control(self) -> Control:
        return self.app.control

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the server is not running")
        return self._server.port

    @property
    def url(self) -> str:
        return display_url(self.host, self.port)

    @property
    def connections_accepted(self) -> int:
        """Connections accepted since the server started (keep-alive makes it small)."""
        return self._server.connections_accepted if self._server is not None else 0

    def client_environment(self, region: str = "us-east-1") -> dict[str, str]:
        """Environment variables that point an SDK or the AWS CLI at this server, with
        fake credentials: ``env={**os.environ, **server.client_environment()}``."""
        return client_environment(self.url, region)

    def start(self) -> ThreadedServer:
        """Bind and serve in the background; returns itself. ``OSError`` if it cannot bind."""
        if self._server is not None:
            raise RuntimeError("the server is already running")
        server = HTTPServing(
            self.host,
            self._requested_port,
            self.app,
            read_timeout=self.read_timeout,
            keep_alive=self.keep_alive,
            quiet=self._quiet,
        )
        thread = threading.Thread(
            target=server.serve_forever, args=(0.05,), name="omics-mock-server", daemon=True
        )
        thread.start()
        self._server, self._thread = server, thread
        return self

    def stop(self) -> None:
        """Stop serving, close the socket and every connection; the state stays readable."""
        server, thread = self._server, self._thread
        self._server = self._thread = None
        if server is not None:
            server.shutdown()
            server.server_close()
            server.close_connections()
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


def client_environment(url: str, region: str = "us-east-1") -> dict[str, str]:
    """What an SDK, the AWS CLI or the HealthOmics MCP server needs to reach ``url``."""
    return {
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_DEFAULT_REGION": region,
        "AWS_REGION": region,
        "AWS_ENDPOINT_URL_OMICS": url,
        "AWS_DISABLE_HOST_PREFIX_INJECTION": "true",
        "HEALTHOMICS_ENDPOINT_URL": url,
    }


def serve(
    host: str = "127.0.0.1",
    port: int = 5000,
    read_timeout: float | None = None,
    *,
    time_scale: float = 1.0,
    progress: str = "time",
    quiet: bool = False,
    state_path: str | None = None,
) -> None:
    """Serve until interrupted (``omics-mock server``).

    ``read_timeout`` (seconds) defaults to ``OMICS_MOCK_READ_TIMEOUT``, else 30.
    Prints ``OMICS_MOCK_URL=...`` and ``OMICS_MOCK_PORT=...`` on stdout, for
    scripts, and a banner on stderr unless ``quiet``. ``state_path``: load the state
    from this file at start, save it there on a clean stop (``state_file``).
    """
    try:
        timeout = read_timeout_from_environment() if read_timeout is None else read_timeout
        app = OmicsServer(time_scale=time_scale, progress=progress)
        server = HTTPServing(
            host, port, app, read_timeout=_checked_timeout(timeout), keep_alive=True, quiet=quiet
        )
    except ValueError as error:  # the command line reports RuntimeError without a traceback
        raise RuntimeError(str(error)) from None
    try:
        with state_file.kept_in(app.control, state_path):  # loaded before any request
            url = display_url(host, server.port)
            print(f"OMICS_MOCK_URL={url}\nOMICS_MOCK_PORT={server.port}", flush=True)
            if not quiet:
                print(_banner(url, app, timeout), file=sys.stderr, flush=True)
            server.serve_forever()
    finally:
        server.server_close()
        server.close_connections()


def _banner(url: str, app: OmicsServer, read_timeout: float) -> str:
    scale = app.time_scale
    speed = f"time scale {scale:g}"
    if scale > 1:
        speed += f" ({scale / 60:g} virtual minutes a second)"
    return (
        f"omics-mock server on {url} (dashboard and control API: {url}{CONTROL_PREFIX}/)\n"
        f"{speed}; progress: {app.progress}; read timeout {read_timeout:g} s\n"
        f"Clients: endpoint {url} with AWS_DISABLE_HOST_PREFIX_INJECTION=true "
        "(JavaScript SDK: disableHostPrefix: true); see docs/server.md"
    )
