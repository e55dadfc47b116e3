"""HTTP/1.1 with keep-alive for ``OmicsServer``, on the standard library's http.server.

One thread per connection; a connection carries requests one after another
until the client closes it, asks to (``Connection: close``, or HTTP/1.0
without keep-alive), or stays silent for the read timeout (between requests
as well as within one). A connection is closed after any answer when the
server cannot be sure where the next request starts: a request it could not
read, a body not read to its end, a ``Content-Length`` beside
``Transfer-Encoding``. Every answer is written in one piece (``TCP_NODELAY``),
so a small answer never waits for delayed acknowledgements.
"""

from __future__ import annotations

import socket
import sys
import time
from http.server import BaseHTTPRequestHandler
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import unquote_to_bytes, urlsplit

from .app import CLOSE_CONNECTION, OmicsServer, status_line
from .requests import Unreadable, unreadable_answer

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIEnvironment

MAX_LINE = 65536
"""The longest request line, header line, chunk size line or trailer line."""
MAX_TRAILERS = 100


class Serving(Protocol):
    """What a handler needs from its server (``serving.HTTPServing``)."""

    app: OmicsServer
    keep_alive: bool
    read_timeout: float
    server_address: tuple[Any, ...]

    def log_access(
        self, handler: OmicsRequestHandler, status: int, error: str, ms: float
    ) -> None: ...

    def track(self, connection: socket.socket) -> None: ...

    def untrack(self, connection: socket.socket) -> None: ...


class LengthInput:
    """A body of ``Content-Length`` bytes: reads stop at its end."""

    def __init__(self, rfile: Any, length: int) -> None:
        self._rfile = rfile
        self.left = length

    def read(self, size: int = -1) -> bytes:
        if self.left <= 0:
            return b""
        data: bytes = self._rfile.read(self.left if size < 0 else min(size, self.left))
        self.left -= len(data)
        if not data:  # the client closed its side: the body will never be complete
            self.left = -1
        return data

    @property
    def finished(self) -> bool:
        return self.left == 0


class ChunkedInput:
    """A ``Transfer-Encoding: chunked`` body, read through its last chunk and trailers."""

    def __init__(self, rfile: Any) -> None:
        self._rfile = rfile
        self._left = 0
        self.finished = False

    def read(self, size: int = -1) -> bytes:
        parts: list[bytes] = []
        wanted = sys.maxsize if size < 0 else size
        while not self.finished and wanted > 0:
            if self._left == 0:
                self._left = self._chunk_size()
                if self._left == 0:
                    self._skip_trailers()
                    self.finished = True
                    break
            data = self._rfile.read(min(self._left, wanted))
            if not data:
                raise ValueError("the chunked body ends before its last chunk")
            parts.append(data)
            self._left -= len(data)
            wanted -= len(data)
            if self._left == 0 and self._rfile.readline(3) not in (b"\r\n", b"\n"):
                raise OSError("Missing chunk terminating newline")
        return b"".join(parts)

    def _chunk_size(self) -> int:
        line = self._rfile.readline(MAX_LINE + 1)
        if not line:
            raise ValueError("the chunked body ends before its last chunk")
        size = line.split(b";", 1)[0].strip(b" \t\r\n")
        if not size or len(line) > MAX_LINE or size.strip(b"0123456789abcdefABCDEF"):
            raise OSError("Invalid chunk header")
        return int(size, 16)

    def _skip_trailers(self) -> None:
        for _ in range(MAX_TRAILERS):
            line = self._rfile.readline(MAX_LINE + 1)
            if line in (b"\r\n", b"\n"):
                return
            if not line or len(line) > MAX_LINE:
                break
        raise ValueError("the chunked body's trailers do not end")


class _NoInput:
    """The body of a request whose framing the server refused to guess."""

    finished = False

    def read(self, size: int = -1) -> bytes:
        return b""


class OmicsRequestHandler(BaseHTTPRequestHandler):
    """One connection: requests answered by the server's ``OmicsServer``, kept alive."""

    protocol_version = "HTTP/1.1"
    server_version = "omics-mock"
    sys_version = ""
    server: Serving  # type: ignore[assignment]

    def version_string(self) -> str:
        return self.server_version

    def setup(self) -> None:
        self.timeout = self.server.read_timeout  # type: ignore[misc]  # setup() applies it
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.server.track(self.connection)

    def finish(self) -> None:
        try:
            super().finish()
        except OSError:  # the client is gone: nothing left to flush
            pass
        finally:
            self.server.untrack(self.connection)

    def handle(self) -> None:
        try:
            super().handle()
        except (ConnectionError, TimeoutError):  # the client left, or stopped sending
            self.close_connection = True

    def handle_one_request(self) -> None:
        """Read one request and answer it; a silent connection is closed quietly."""
        self.started = time.perf_counter()
        try:
            line = self.rfile.readline(MAX_LINE + 1)
            if line in (b"\r\n", b"\n"):  # a stray empty line between requests
                line = self.rfile.readline(MAX_LINE + 1)
        except TimeoutError:
            self.close_connection = True
            return
        self.raw_requestline = line
        if len(line) > MAX_LINE:
            self.requestline = self.request_version = self.command = ""
            self.send_error(414)
            return
        if not line:
            self.close_connection = True
            return
        if self.parse_request():  # http.server's checks; it answers its own refusals
            self._answer()

    def parse_request(self) -> bool:
        """http.server's checks, then the URL."""
        if not super().parse_request():
            return False
        try:
            urlsplit(self.path)
        except ValueError as error:
            self.send_error(400, f"Malformed request: the URL is not valid ({error})")
            return False
        return True

    # -- one request ---------------------------------------------------------------------

    def _answer(self) -> None:
        environ = self._environ()
        if environ["wsgi.input"] is None:
            coding = environ["HTTP_TRANSFER_ENCODING"]
            self.send_error(400, f"Malformed request: Transfer-Encoding {coding!r} not supported")
            return
        response: dict[str, Any] = {}

        def start_response(status: str, headers: list[tuple[str, str]], exc: Any = None) -> Any:
            response["status"], response["headers"] = status, headers
            return lambda data: None  # the app returns its body; it never writes

        body = b"".join(self.server.app(environ, start_response))
        stream = environ["wsgi.input"]
        if environ.get(CLOSE_CONNECTION) or not stream.finished or not self.server.keep_alive:
            self.close_connection = True
        status = int(response["status"].split(" ", 1)[0])
        self._write(status, response["headers"], body)

    def _environ(self) -> WSGIEnvironment:
        """The WSGI environment of the request just parsed."""
        target = self.path
        parts = urlsplit(target)
        path = f"/{parts.netloc}{parts.path}" if parts.netloc and not parts.scheme else parts.path
        environ: dict[str, Any] = {
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "http",
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": True,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
            "REQUEST_METHOD": self.command,
            "SCRIPT_NAME": "",
            "PATH_INFO": unquote_to_bytes(path).decode("latin-1"),
            "QUERY_STRING": parts.query.encode("utf-8", "surrogateescape").decode("latin-1"),
            "REQUEST_URI": target,
            "SERVER_NAME": str(self.server.server_address[0]),
            "SERVER_PORT": str(self.server.server_address[1]),
            "SERVER_PROTOCOL": self.request_version,
            "REMOTE_ADDR": str(self.client_address[0]),
            "REMOTE_PORT": str(self.client_address[1]),
        }
        for name, value in self.headers.items():
            if "_" in name:  # CONTENT_LENGTH and Content-Length would be one key
                continue
            key = name.upper().replace("-", "_")
            if key not in ("CONTENT_TYPE", "CONTENT_LENGTH"):
                key = "HTTP_" + key
            value = value.replace("\r\n", "")
            environ[key] = f"{environ[key]},{value}" if key in environ else value
        if parts.scheme and parts.netloc:  # absolute form (a proxy request): its host rules
            environ["HTTP_HOST"] = parts.netloc
        environ["wsgi.input"] = self._input(environ)
        return environ

    def _input(self, environ: dict[str, Any]) -> Any:
        """The body stream: chunked, ``Content-Length`` bytes, nothing; ``None`` for a
        transfer coding other than chunked."""
        encoding = environ.get("HTTP_TRANSFER_ENCODING")
        length = str(environ.get("CONTENT_LENGTH") or "").strip()
        if encoding is not None:
            if encoding.strip().lower() != "chunked":
                return None
            environ["wsgi.input_terminated"] = True
            if length:  # both framings: answer, then close (no guessing, no smuggling)
                environ[CLOSE_CONNECTION] = True
                del environ["CONTENT_LENGTH"]
            return ChunkedInput(self.rfile)
        if not length:
            return LengthInput(self.rfile, 0)
        if not (length.isascii() and length.isdigit()):
            return _NoInput()  # the app refuses the request; the connection closes
        return LengthInput(self.rfile, int(length))

    def _write(self, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
        """The whole answer in one write, with the connection's fate in its headers."""
        lines = [
            f"{self.request_version if self.request_version == 'HTTP/1.0' else 'HTTP/1.1'} "
            f"{status_line(status)}",
            f"Server: {self.version_string()}",
            f"Date: {self.date_time_string()}",
        ]
        lines.extend(f"{name}: {value}" for name, value in headers)
        if self.close_connection:
            lines.append("Connection: close")
        else:
            if self.request_version == "HTTP/1.0":
                lines.append("Connection: keep-alive")
            if self.server.read_timeout >= 1:
                lines.append(f"Keep-Alive: timeout={int(self.server.read_timeout)}")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1", "replace")
        try:
            self.wfile.write(head + body)
        except OSError:  # the client left before its answer
            self.close_connection = True
        self.server.log_access(
            self, status, _error_type(headers), (time.perf_counter() - self.started) * 1000
        )

    # -- http.server's own refusals ------------------------------------------------------

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """http.server's refusals (bad request line, too long...) in the app's format."""
        self.close_connection = True
        if self.request_version == "HTTP/0.9" or not self.request_version:
            self.request_version = "HTTP/1.0"  # not parsed: answer with a status line anyway
        path = str(getattr(self, "path", "") or "")
        text = message or status_line(code).partition(" ")[2]
        _, headers, body = unreadable_answer(path, Unreadable(code, text))
        if getattr(self, "command", None) == "HEAD":
            body = b""
        headers.append(("Content-Length", str(len(body))))
        if not hasattr(self, "started"):
            self.started = time.perf_counter()
        self._write(code, headers, body)

    def log_message(self, format: str, *args: Any) -> None:
        """http.server's own messages are not printed: the access log says it all."""


def _error_type(headers: list[tuple[str, str]]) -> str:
    for name, value in headers:
        if name.lower() == "x-amzn-errortype":
            return value
    return ""
