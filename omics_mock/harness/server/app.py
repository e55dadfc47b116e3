"""Server mode: the in-process pipeline behind a WSGI application.

``OmicsServer`` is a WSGI app with its own mock state: every omics request goes
through the same ``Pipeline.handle`` the in-process mock uses. Both host forms
are served, the bare ``localhost:5000`` and the ``workflows-localhost:5000``
botocore makes by injecting the operation's host prefix (the prefixes come from
the model), as is a request sent through the server as an HTTP proxy.

Paths under ``/_omics_mock/`` are the control API as JSON (no omics operation
path starts with an underscore): reset, virtual time, run outcomes, faults,
the request log; see ``docs/server.md``. ``/_omics_mock/`` itself is the
dashboard, an HTML page polling that API (``docs/dashboard.md``).
``serving`` serves it over HTTP/1.1; it runs in any WSGI server too.
"""

from __future__ import annotations

import http
import logging
import re
import threading
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from ...service import new_state
from ...service.outside.artifacts import ARTIFACT_PREFIX, ArtifactStore
from ...wire.model import service_spec
from ..control import Control
from ..door import Door
from .control_http import handle_control
from .control_request import CONTROL_PREFIX, JSON_HEADERS, Answer, ControlError, error_answer
from .dashboard import PAGE_PATHS, page_answer
from .requests import (
    Unreadable,
    is_control,
    path_info,
    read_body,
    request_headers,
    split_url,
    unreadable_answer,
)

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

logger = logging.getLogger(__name__)

_ARTIFACTS = "/artifacts/"
CLOSE_CONNECTION = "omics_mock.close_connection"
"""Set in the WSGI environment when the server should close the connection after its
answer: the request could not be read, so where the next one starts is unknown."""
HEADERS = "omics_mock.headers"
"""The request headers as a lower-case dict, when the server put them in the environment."""


def _host_prefix_pattern() -> re.Pattern[str]:
    """The host prefixes of the model's operations (``endpoint.hostPrefix``: ``workflows-``)."""
    prefixes = sorted(service_spec().host_prefixes, key=len, reverse=True)
    return re.compile("^(?:" + "|".join(re.escape(p) for p in prefixes) + ")")


_STATUS_LINES = {int(status): f"{int(status)} {status.phrase}" for status in http.HTTPStatus}


def status_line(status: int) -> str:
    """``404 Not Found``."""
    return _STATUS_LINES.get(status) or f"{status} Unknown"


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
    """The WSGI application: omics requests and the control API on one mock state.

    ``time_scale`` (virtual seconds per real second) and ``progress`` (``"time"``
    or ``"per_poll"``) are start-up options: the state starts with them and a
    reset goes back to them.
    """

    def __init__(self, *, time_scale: float = 1.0, progress: str = "time") -> None:
        self._request = threading.local()
        self._host_prefix = _host_prefix_pattern()
        self.time_scale = time_scale
        self.progress = progress
        self.door = self._new_door()
        self.control = self._new_control(self.door)

    def reset(self) -> None:
        """Discard all state (resources, clock offset, settings, faults, log) and start
        again with the start-up options."""
        door = self._new_door()
        self.door, self.control = door, self._new_control(door)

    def _new_door(self) -> Door:
        door = Door(new_state())
        door.state.provide(ArtifactStore, lambda: _ServerArtifacts(self._base_url))
        return door

    def _new_control(self, door: Door) -> Control:
        """The control API of ``door``, with the start-up options applied (checked here)."""
        control = Control(door)
        control.clock.scale = self.time_scale
        control.runs.progress = self.progress
        return control

    def _base_url(self) -> str:
        return str(getattr(self._request, "base_url", "http://127.0.0.1"))

    # -- WSGI --------------------------------------------------------------------------

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        method = str(environ.get("REQUEST_METHOD", "GET")).upper()
        path = path_info(environ)
        headers: list[tuple[str, str]]
        try:
            status, headers, data = self._answer(method, path, environ)
        except Unreadable as error:
            environ[CLOSE_CONNECTION] = True
            status, headers, data = unreadable_answer(path, error)
        except Exception as error:  # a bug in the mock: JSON rather than an HTML page
            logger.exception("omics-mock server failed on %s %s", method, path)
            status, headers, data = error_answer(500, f"omics-mock internal error: {error!r}")
        if method == "HEAD":
            data = b""
        headers.append(("Content-Length", str(len(data))))
        start_response(status_line(status), headers)
        return [data]

    def _answer(self, method: str, path: str, environ: WSGIEnvironment) -> Answer:
        """The answer to a request; ``Unreadable`` if its URL or body cannot be read."""
        url, parts = split_url(environ)
        self._request.base_url = f"{parts.scheme}://{self._host_prefix.sub('', parts.netloc)}"
        body = read_body(environ)
        if is_control(path):
            return self._control(method, path[len(CONTROL_PREFIX) :], parts.query, body)
        received = environ.get(HEADERS)
        if received is None:
            received = request_headers(environ)
        answer = self.door.pipeline.handle(method, url, received, body)
        headers = [(k, v) for k, v in answer.headers.items() if k != "content-length"]
        return answer.status, headers, bytes(answer.body)

    def _control(self, method: str, path: str, query: str, body: bytes) -> Answer:
        if path in PAGE_PATHS:
            try:
                return page_answer(method)
            except ControlError as error:
                return error_answer(error.status, str(error))
        if method in ("GET", "HEAD") and path.startswith(_ARTIFACTS):
            artifacts = self.door.state.shared(ArtifactStore)
            if isinstance(artifacts, _ServerArtifacts):
                data = artifacts.fetch_path(path[len(_ARTIFACTS) :])
                if data is not None:
                    return 200, [("Content-Type", "application/octet-stream")], data
            return 404, list(JSON_HEADERS), b'{"error": "no such artifact"}'
        return handle_control(self, method, path, query, body)
