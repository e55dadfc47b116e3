"""Server mode: the in-process pipeline behind a WSGI application.

``OmicsServer`` is a WSGI app with its own mock state: every omics request
goes through the same ``Pipeline.handle`` the in-process mock uses.
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
from typing import TYPE_CHECKING
from urllib.parse import quote, urlsplit

from ...service import new_state
from ...service.outside.artifacts import ARTIFACT_PREFIX, ArtifactStore
from ...wire.model import service_spec
from ..control import Control
from ..door import Door
from .control_http import CONTROL_PREFIX, JSON_HEADERS, Answer, handle_control

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

_ARTIFACTS = "/artifacts/"


def _host_prefix_pattern() -> re.Pattern[str]:
    """The host prefixes of the model's operations (``endpoint.hostPrefix``: ``workflows-``)."""
    prefixes = sorted(service_spec().host_prefixes, key=len, reverse=True)
    return re.compile("^(?:" + "|".join(re.escape(p) for p in prefixes) + ")")


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
    """The WSGI application: omics requests and the control API on one mock state."""

    def __init__(self) -> None:
        self._request = threading.local()
        self._host_prefix = _host_prefix_pattern()
        self.door = self._new_door()
        self.control = Control(self.door)

    def reset(self) -> None:
        """Discard all state (resources, clock offset, settings, faults, log)."""
        self.door = self._new_door()
        self.control = Control(self.door)

    def _new_door(self) -> Door:
        door = Door(new_state())
        door.state.replace_shared(ArtifactStore, _ServerArtifacts(self._base_url))
        return door

    def _base_url(self) -> str:
        return str(getattr(self._request, "base_url", "http://127.0.0.1"))

    # -- WSGI --------------------------------------------------------------------------

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        method = str(environ.get("REQUEST_METHOD", "GET")).upper()
        url = _request_url(environ)
        parts = urlsplit(url)
        self._request.base_url = f"{parts.scheme}://{self._host_prefix.sub('', parts.netloc)}"
        path = _path_info(environ)
        body = _read_body(environ)
        if path == CONTROL_PREFIX or path.startswith(CONTROL_PREFIX + "/"):
            below = path[len(CONTROL_PREFIX) :]
            status, headers, data = self._control(method, below, parts.query, body)
        else:
            answer = self.door.pipeline.handle(method, url, _headers(environ), body)
            status, data = answer.status, bytes(answer.body)
            headers = [(k, v) for k, v in answer.headers.items() if k != "content-length"]
        if method == "HEAD":
            data = b""
        headers.append(("Content-Length", str(len(data))))
        start_response(_status_line(status), headers)
        return [data]

    def _control(self, method: str, path: str, query: str, body: bytes) -> Answer:
        if method in ("GET", "HEAD") and path.startswith(_ARTIFACTS):
            artifacts = self.door.state.shared(ArtifactStore)
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
