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
"""

from __future__ import annotations

import http
import re
import threading
from collections.abc import Callable, Iterable
from types import TracebackType
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit

from .backend.artifacts import ARTIFACT_PREFIX, ArtifactStore
from .backend.environment import Environment
from .control import Control
from .protocol.handler import Protocol, RequestContext
from .protocol.model import OperationSpec
from .server_control import CONTROL_PREFIX, JSON_HEADERS, Answer, handle_control

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment
    from werkzeug.serving import BaseWSGIServer

_ARTIFACTS = "/artifacts/"
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
        url = _request_url(environ)
        parts = urlsplit(url)
        self._request.base_url = f"{parts.scheme}://{HOST_PREFIX.sub('', parts.netloc)}"
        path = _path_info(environ)
        body = _read_body(environ)
        if path == CONTROL_PREFIX or path.startswith(CONTROL_PREFIX + "/"):
            below = path[len(CONTROL_PREFIX) :]
            status, headers, data = self._control(method, below, parts.query, body)
        else:
            answer = self.protocol.handle(method, url, _headers(environ), body)
            status, headers, data = answer.status, list(answer.headers.items()), answer.body
        if method == "HEAD":
            data = b""
        headers.append(("Content-Length", str(len(data))))
        start_response(_status_line(status), headers)
        return [data]

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
    stream = environ.get("wsgi.input")
    if stream is None:
        return b""
    try:
        length = int(environ.get("CONTENT_LENGTH") or -1)
    except ValueError:
        length = -1
    if length >= 0:
        return bytes(stream.read(length)) if length else b""
    if environ.get("wsgi.input_terminated"):  # chunked: the server ends the stream
        return bytes(stream.read())
    return b""


# -- serving ------------------------------------------------------------------------------


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
