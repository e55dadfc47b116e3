"""Server mode: the in-process pipeline behind a WSGI application.

``OmicsServer`` is a WSGI app with its own ``Environment``: every omics
request goes through the same ``Protocol.handle`` the in-process mock uses.
Both host forms are served, the bare ``localhost:5000`` and the
``workflows-localhost:5000`` botocore makes by injecting the operation's host
prefix, as is a request sent through the server as an HTTP proxy.

Paths under ``/_omics_mock/`` are the control API as JSON (no omics operation
path starts with an underscore): reset, virtual time, run outcomes, faults,
the request log; see ``docs/server.md``. ``ThreadedServer`` runs the app on
werkzeug's threaded server for tests; ``serve`` backs ``omics-mock server``.
werkzeug is needed only to serve, not to build the app.

A request the server cannot read (a malformed ``Host``, a broken chunked body)
answers 400, a body that stops arriving 408 (werkzeug closes every connection
after its answer); a connection that sends nothing is closed after the read
timeout.
"""

from __future__ import annotations

import http
import logging
import os
import re
import threading
from collections.abc import Callable, Iterable
from types import TracebackType
from typing import TYPE_CHECKING, Any
from urllib.parse import SplitResult, quote, urlsplit

from .backend.artifacts import ARTIFACT_PREFIX, ArtifactStore
from .backend.environment import Environment
from .control import Control
from .protocol.errors import RequestTimeoutException, ServiceError, ValidationException
from .protocol.handler import Protocol, RequestContext
from .protocol.model import OperationSpec
from .protocol.serialize import serialize_error
from .server_control import CONTROL_PREFIX, JSON_HEADERS, Answer, error_answer, handle_control

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment
    from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler

logger = logging.getLogger(__name__)

_ARTIFACTS = "/artifacts/"
_BODY_CHUNK = 1 << 20
"""Bodies are read this much at a time, so a large Content-Length reserves nothing."""
DEFAULT_READ_TIMEOUT = 30.0
"""Seconds a connection may wait for the rest of a request before the server closes it."""
READ_TIMEOUT_VARIABLE = "OMICS_MOCK_READ_TIMEOUT"
"""Environment variable that sets ``omics-mock server``'s read timeout, in seconds."""
HOST_PREFIX = re.compile(r"^(?:workflows|analytics|control-storage|storage|tags)-")
"""The host prefixes of the omics model's operations (``endpoint.hostPrefix``)."""


def _status_line(status: int) -> str:
    try:
        return f"{status} {http.HTTPStatus(status).phrase}"
    except ValueError:
        return f"{status} Unknown"


class _ServerArtifacts(ArtifactStore):
    """Download URLs that point back at the server that handed them out."""

    def __init__(self, base_url: Callable[[], str]) -> None:
        super().__init__()
        self._base_url = base_url

    def publish(self, path: str, data: bytes) -> str:
        url = super().publish(path, data)
        return self._base_url() + CONTROL_PREFIX + _ARTIFACTS + url[len(ARTIFACT_PREFIX) :]

    def fetch_path(self, path: str) -> bytes | None:
        return self.fetch(ARTIFACT_PREFIX + path)


class OmicsServer:
    """The WSGI application: omics requests and the control API on one Environment."""

    def __init__(self, environment: Environment | None = None) -> None:
        self._request = threading.local()
        self.control = Control(Environment() if environment is None else environment)
        self._install_artifacts(self.control.environment)
        self.protocol = Protocol(self._invoke)

    @property
    def environment(self) -> Environment:
        return self.control.environment

    def reset(self) -> None:
        """Discard all state (resources, clock offset, settings, faults, log)."""
        environment = Environment()
        self._install_artifacts(environment)
        self.control = Control(environment)

    def _install_artifacts(self, environment: Environment) -> None:
        environment.artifacts = _ServerArtifacts(self._base_url)

    def _base_url(self) -> str:
        return str(getattr(self._request, "base_url", "http://127.0.0.1"))

    def _invoke(self, spec: OperationSpec, params: dict[str, Any], context: RequestContext) -> Any:
        return self.control.environment.invoke(spec, params, context)

    # -- WSGI --------------------------------------------------------------------------

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        method = str(environ.get("REQUEST_METHOD", "GET")).upper()
        path = _path_info(environ)
        headers: list[tuple[str, str]]
        try:
            status, headers, data = self._answer(method, path, environ)
        except _Unreadable as error:
            status, headers, data = _unreadable_answer(path, error)
        except Exception as error:  # a bug in the mock: JSON rather than an HTML page
            logger.exception("omics-mock server failed on %s %s", method, path)
            status, headers, data = error_answer(500, f"omics-mock internal error: {error!r}")
        if method == "HEAD":
            data = b""
        headers.append(("Content-Length", str(len(data))))
        start_response(_status_line(status), headers)
        return [data]

    def _answer(self, method: str, path: str, environ: WSGIEnvironment) -> Answer:
        """The answer to a request; ``_Unreadable`` if its URL or body cannot be read."""
        url, parts = _split_url(environ)
        self._request.base_url = f"{parts.scheme}://{HOST_PREFIX.sub('', parts.netloc)}"
        body = _read_body(environ)
        if _is_control(path):
            return self._control(method, path[len(CONTROL_PREFIX) :], parts.query, body)
        answer = self.protocol.handle(method, url, _headers(environ), body)
        return answer.status, list(answer.headers.items()), answer.body

    def _control(self, method: str, path: str, query: str, body: bytes) -> Answer:
        if method in ("GET", "HEAD") and path.startswith(_ARTIFACTS):
            artifacts = self.control.environment.artifacts
            if isinstance(artifacts, _ServerArtifacts):
                data = artifacts.fetch_path(path[len(_ARTIFACTS) :])
                if data is not None:
                    return 200, [("Content-Type", "application/octet-stream")], data
            return 404, list(JSON_HEADERS), b'{"error": "no such artifact"}'
        return handle_control(self, method, path, query, body)


# -- request helpers --------------------------------------------------------------------


class _Unreadable(Exception):
    """A request the server cannot read: its status and why."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _unreadable_answer(path: str, error: _Unreadable) -> Answer:
    """``{"error"}`` on control paths; an AWS-style error with its modelled code elsewhere."""
    if _is_control(path):
        return error_answer(error.status, error.message)
    kind: type[ServiceError] = (
        RequestTimeoutException if error.status == 408 else ValidationException
    )
    answer = serialize_error(kind(error.message), error.status)
    return answer.status, list(answer.headers.items()), answer.body


def _is_control(path: str) -> bool:
    return path == CONTROL_PREFIX or path.startswith(CONTROL_PREFIX + "/")


def _split_url(environ: WSGIEnvironment) -> tuple[str, SplitResult]:
    """The request URL and its parts; ``_Unreadable`` (400) if it does not parse."""
    url = _request_url(environ)
    try:
        parts = urlsplit(url)
    except ValueError as error:
        raise _Unreadable(
            400, f"Malformed request: the host {_host(environ)!r} is not valid ({error})"
        ) from None
    return url, parts


def _request_url(environ: WSGIEnvironment) -> str:
    """The URL as the client sent it, percent-encoding intact."""
    scheme = str(environ.get("wsgi.url_scheme", "http"))
    raw = environ.get("REQUEST_URI") or environ.get("RAW_URI")
    if isinstance(raw, str) and raw:
        if raw.startswith(("http://", "https://")):  # absolute form: sent via a proxy
            return raw
        if raw.startswith("/"):
            return f"{scheme}://{_host(environ)}{raw}"
    full_path = _path_info(environ, prefix=str(environ.get("SCRIPT_NAME", "")))
    path = quote(full_path, safe="/:@!$&'()*+,;=-._~")
    query = str(environ.get("QUERY_STRING", ""))
    return f"{scheme}://{_host(environ)}{path}" + (f"?{query}" if query else "")


def _host(environ: WSGIEnvironment) -> str:
    host = environ.get("HTTP_HOST")
    if host:
        return str(host)
    return f"{environ.get('SERVER_NAME', '127.0.0.1')}:{environ.get('SERVER_PORT', '80')}"


def _path_info(environ: WSGIEnvironment, prefix: str = "") -> str:
    """PATH_INFO (WSGI gives it as latin-1 text) decoded as UTF-8."""
    raw = prefix + str(environ.get("PATH_INFO", "") or "/")
    return raw.encode("latin-1").decode("utf-8", errors="replace")


def _headers(environ: WSGIEnvironment) -> dict[str, str]:
    """Request headers with lower-case names."""
    headers = {
        key[5:].replace("_", "-").lower(): str(value)
        for key, value in environ.items()
        if key.startswith("HTTP_")
    }
    for key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
        if environ.get(key):
            headers[key.replace("_", "-").lower()] = str(environ[key])
    return headers


def _read_body(environ: WSGIEnvironment) -> bytes:
    """The whole body; ``_Unreadable`` if it is malformed, cut short or stops arriving."""
    stream = environ.get("wsgi.input")
    length = _content_length(environ)
    chunked = bool(environ.get("wsgi.input_terminated"))  # the server ends the stream
    if stream is None or (length is None and not chunked):
        return b""
    try:
        data = _read_stream(stream, None if chunked else length)
    except TimeoutError:
        raise _Unreadable(408, "Request timed out: the body stopped arriving") from None
    except (OSError, ValueError) as error:  # werkzeug's "Invalid chunk header" is an OSError
        raise _Unreadable(400, f"Malformed request body: {error}") from None
    if length is not None and not chunked and len(data) < length:
        raise _Unreadable(400, "Malformed request body: shorter than its Content-Length")
    return data


def _content_length(environ: WSGIEnvironment) -> int | None:
    """The Content-Length, ``None`` if absent; ``_Unreadable`` if not a whole number."""
    raw = str(environ.get("CONTENT_LENGTH") or "").strip()
    if not raw:
        return None
    if not (raw.isascii() and raw.isdigit()):
        raise _Unreadable(400, f"Malformed request: Content-Length {raw!r} is not a number")
    return int(raw)


def _read_stream(stream: Any, length: int | None) -> bytes:
    """Up to ``length`` bytes (``None``: to the end), a chunk at a time."""
    parts: list[bytes] = []
    left = length
    while left is None or left > 0:
        chunk = bytes(stream.read(_BODY_CHUNK if left is None else min(left, _BODY_CHUNK)))
        if not chunk:
            break
        parts.append(chunk)
        if left is not None:
            left -= len(chunk)
    return b"".join(parts)


# -- serving ------------------------------------------------------------------------------


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
            _send_refusal(self, code, message or _status_line(code).partition(" ")[2])

        def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
            if not quiet:
                super().log_request(code, size)

    return Handler


def _send_refusal(handler: WSGIRequestHandler, code: int, message: str) -> None:
    """Answer ``code`` with the app's error body for the request's path, then close."""
    path = str(getattr(handler, "path", "") or "")
    _, headers, body = _unreadable_answer(path, _Unreadable(code, message))
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


def serve(host: str = "127.0.0.1", port: int = 5000, read_timeout: float | None = None) -> None:
    """Serve until interrupted (``omics-mock server``).

    ``read_timeout`` (seconds) defaults to ``OMICS_MOCK_READ_TIMEOUT``, else 30.
    """
    try:
        timeout = read_timeout_from_environment() if read_timeout is None else read_timeout
    except ValueError as error:  # the command line reports RuntimeError without a traceback
        raise RuntimeError(str(error)) from None
    server = _make_server(host, port, OmicsServer(), quiet=False, read_timeout=timeout)
    url = _display_url(host, int(server.port))
    print(f"omics-mock server on {url} (control API: {url}{CONTROL_PREFIX}/)", flush=True)
    print(f"Clients: endpoint {url} with AWS_DISABLE_HOST_PREFIX_INJECTION=true", flush=True)
    server.serve_forever()
