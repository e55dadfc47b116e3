"""Serving ``OmicsServer`` on werkzeug's threaded server: ``ThreadedServer`` for
tests, ``serve`` for ``omics-mock server``.

Each connection has a read timeout: one that sends nothing, or half a request,
is closed after it, so it cannot hold a thread forever. http.server's own
refusals (a bad request line, a header too long) answer in the app's format.
"""

from __future__ import annotations

import os
import threading
from types import TracebackType
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from ..control import Control
from . import state_file
from .app import OmicsServer, status_line
from .control_request import CONTROL_PREFIX
from .requests import Unreadable, unreadable_answer

if TYPE_CHECKING:
    from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler

DEFAULT_READ_TIMEOUT = 30.0
"""Seconds a connection may wait for the rest of a request before the server closes it."""
READ_TIMEOUT_VARIABLE = "OMICS_MOCK_READ_TIMEOUT"
"""Environment variable that sets ``omics-mock server``'s read timeout, in seconds."""


def _make_server(
    host: str, port: int, app: OmicsServer, *, quiet: bool, read_timeout: float
) -> BaseWSGIServer:
    """werkzeug's threaded server for ``app``, with a clear error if werkzeug is missing."""
    try:
        from werkzeug.serving import make_server
    except ImportError:
        raise RuntimeError(
            "omics-mock server mode needs werkzeug: pip install 'omics-mock[server]'"
        ) from None
    handler = _request_handler(quiet=quiet, read_timeout=_checked_timeout(read_timeout))
    try:
        return make_server(host, port, app, threaded=True, request_handler=handler)
    except SystemExit:  # werkzeug prints why it cannot bind, then exits the process
        raise OSError(f"omics-mock server cannot listen on {host}:{port}") from None


def _request_handler(*, quiet: bool, read_timeout: float) -> type[WSGIRequestHandler]:
    """A handler class of this server's own: its socket timeout, JSON refusals, quiet."""
    from werkzeug.serving import WSGIRequestHandler

    class Handler(WSGIRequestHandler):
        timeout = read_timeout  # socketserver applies it to each connection's socket

        def parse_request(self) -> bool:
            """http.server's checks, then the URL, which werkzeug parses before the app."""
            if not super().parse_request():
                return False
            try:
                urlsplit(self.path)
            except ValueError as error:
                self.send_error(400, f"Malformed request: the URL is not valid ({error})")
                return False
            return True

        def send_error(
            self, code: int, message: str | None = None, explain: str | None = None
        ) -> None:
            """http.server's refusals (bad request line, too long...) in the app's format."""
            _send_refusal(self, code, message or status_line(code).partition(" ")[2])

        def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
            if not quiet:
                super().log_request(code, size)

    return Handler


def _send_refusal(handler: WSGIRequestHandler, code: int, message: str) -> None:
    """Answer ``code`` with the app's error body for the request's path, then close."""
    path = str(getattr(handler, "path", "") or "")
    _, headers, body = unreadable_answer(path, Unreadable(code, message))
    if handler.request_version == "HTTP/0.9":  # not parsed yet: answer with a status line
        handler.request_version = "HTTP/1.0"
    handler.send_response(code)
    for name, value in headers:
        handler.send_header(name, value)
    handler.send_header("Connection", "close")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    if getattr(handler, "command", None) != "HEAD" and code >= 200 and code not in (204, 304):
        handler.wfile.write(body)


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
    ``read_timeout``: seconds a connection may wait for the rest of a request
    before it is closed.
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        quiet: bool = True,
        read_timeout: float = DEFAULT_READ_TIMEOUT,
    ) -> None:
        self.host = host
        self.app = OmicsServer()
        self.read_timeout = _checked_timeout(read_timeout)
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
        server = _make_server(
            self.host,
            self._requested_port,
            self.app,
            quiet=self._quiet,
            read_timeout=self.read_timeout,
        )
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


def serve(
    host: str = "127.0.0.1",
    port: int = 5000,
    read_timeout: float | None = None,
    state_path: str | None = None,
) -> None:
    """Serve until interrupted (``omics-mock server``).

    ``read_timeout`` (seconds) defaults to ``OMICS_MOCK_READ_TIMEOUT``, else 30.
    ``state_path``: load the state from this file at start, save it there on a clean
    stop (``state_file``).
    """
    try:
        timeout = read_timeout_from_environment() if read_timeout is None else read_timeout
    except ValueError as error:  # the command line reports RuntimeError without a traceback
        raise RuntimeError(str(error)) from None
    app = OmicsServer()
    server = _make_server(host, port, app, quiet=False, read_timeout=timeout)
    url = _display_url(host, int(server.port))
    with state_file.kept_in(app.control, state_path):
        print(f"omics-mock server on {url} (control API: {url}{CONTROL_PREFIX}/)", flush=True)
        print(f"Clients: endpoint {url} with AWS_DISABLE_HOST_PREFIX_INJECTION=true", flush=True)
        server.serve_forever()
