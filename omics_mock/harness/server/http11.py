"""HTTP/1.1 with keep-alive for ``OmicsServer``, on the standard library's socketserver.

One thread per connection; a connection carries requests one after another
until the client closes it, asks to (``Connection: close``, or HTTP/1.0
without keep-alive), or stays silent for the read timeout (between requests
as well as within one). A connection is closed after any answer when the
server cannot be sure where the next request starts: a request it could not
read, a body not read to its end, a ``Content-Length`` beside
``Transfer-Encoding``. Every answer is written in one piece (``TCP_NODELAY``),
so a small answer never waits for delayed acknowledgements.

The request line and headers are read here, not by http.server's email
parser (a third of the server's time per request); the rules are the same:
lines up to 64 KiB (414, 431), at most 100 headers (431), HTTP/1.x only (505).
"""

from __future__ import annotations

import email.utils
import logging
import re
import socket
import sys
import time
from http.server import BaseHTTPRequestHandler
from typing import Any, Protocol
from urllib.parse import SplitResult, unquote_to_bytes, urlsplit

from .access_log import LOGGER
from .app import CLOSE_CONNECTION, HEADERS, OmicsServer, status_line
from .bodies import ChunkedInput, LengthInput, NoInput
from .requests import Unreadable, unreadable_answer

MAX_LINE = 65536
"""The longest request line or header line."""
MAX_HEADERS = 100
_ONE_WRITE = 1 << 16
"""Answers smaller than this are written with their head in one piece."""
_VERSION = re.compile(r"HTTP/(\d)\.(\d)")
_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_ENVIRON_KEYS: dict[str, tuple[str, str]] = {}
"""Header name -> (lower-case name, WSGI environment key), for the names seen so far."""
_MAX_ENVIRON_KEYS = 1024


class Serving(Protocol):
    """What a handler needs from its server (``serving.HTTPServing``)."""

    app: OmicsServer
    keep_alive: bool
    read_timeout: float
    server_address: tuple[Any, ...]

    def log_access(
        self, handler: OmicsRequestHandler, status: int, headers: list[tuple[str, str]], ms: float
    ) -> None: ...

    def track(self, connection: socket.socket) -> None: ...

    def untrack(self, connection: socket.socket) -> None: ...


def _environ_key(name: str) -> tuple[str, str]:
    """A header's lower-case name and WSGI key (``HTTP_X_AMZ_DATE``), remembered."""
    lower = name.lower()
    key = lower.upper().replace("-", "_")
    if key not in ("CONTENT_TYPE", "CONTENT_LENGTH"):
        key = "HTTP_" + key
    if len(_ENVIRON_KEYS) < _MAX_ENVIRON_KEYS:  # names come from clients: keep a few
        _ENVIRON_KEYS[name] = (lower, key)
    return lower, key


class _Refused(Exception):
    """A request line or header http.server would refuse: its status and why."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class OmicsRequestHandler(BaseHTTPRequestHandler):
    """One connection: requests answered by the server's ``OmicsServer``, kept alive."""

    protocol_version = "HTTP/1.1"
    server_version = "omics-mock"
    server: Serving  # type: ignore[assignment]
    target_parts: SplitResult
    """The request target, split (by ``_request_line``)."""
    _date = (0, "")

    def version_string(self) -> str:
        return self.server_version

    def date_time_string(self, timestamp: float | None = None) -> str:
        """The ``Date`` header, formatted once a second."""
        second = int(time.time() if timestamp is None else timestamp)
        cached = OmicsRequestHandler._date
        if cached[0] != second:
            cached = OmicsRequestHandler._date = (second, email.utils.formatdate(second, True))
        return cached[1]

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
        """Read one request and answer it; a silent or departed client is let go quietly."""
        self.close_connection = True
        self.command, self.path, self.request_version, self.requestline = "", "", "", ""
        try:
            line = self.rfile.readline(MAX_LINE + 1)
            if line in (b"\r\n", b"\n"):  # a stray empty line between requests
                line = self.rfile.readline(MAX_LINE + 1)
            self.started = time.perf_counter()
            if not line:
                return
            self._request_line(line)
            fields = self._header_fields()
        except _Refused as refusal:
            self.send_error(refusal.status, str(refusal))
            return
        except TimeoutError:
            self.log_message("connection closed: silent for %g s", self.server.read_timeout)
            return
        except (ConnectionError, EOFError):
            return
        self._answer(self._environ(fields))

    # -- reading a request ---------------------------------------------------------------

    def _request_line(self, raw: bytes) -> None:
        """Method, target and version; ``_Refused`` as http.server would refuse them."""
        if len(raw) > MAX_LINE:
            raise _Refused(414, "Request-URI Too Long")
        self.requestline = line = raw.decode("latin-1").rstrip("\r\n")
        words = line.split()
        if len(words) != 3:
            raise _Refused(400, f"Bad request syntax ({line!r})")
        method, target, version = words
        found = _VERSION.fullmatch(version)
        if found is None:
            raise _Refused(400, f"Bad request version ({version!r})")
        if found.group(1) != "1":
            self.request_version = "HTTP/1.1"
            raise _Refused(505, f"Invalid HTTP version ({version})")
        if _TOKEN.fullmatch(method) is None:
            raise _Refused(400, f"Bad request method ({method!r})")
        if target.startswith("//"):  # as http.server: never a network-path reference
            target = "/" + target.lstrip("/")
        self.command, self.path, self.request_version = method, target, version
        self.close_connection = version == "HTTP/1.0"
        try:
            self.target_parts = urlsplit(target)
        except ValueError as error:
            raise _Refused(400, f"Malformed request: the URL is not valid ({error})") from None

    def _header_fields(self) -> list[tuple[str, str]]:
        """The header fields, as (name, value); obsolete line folding joins with a space."""
        fields: list[tuple[str, str]] = []
        while True:
            raw = self.rfile.readline(MAX_LINE + 1)
            if len(raw) > MAX_LINE:
                raise _Refused(431, "Line too long")
            if not raw:
                raise EOFError
            if raw in (b"\r\n", b"\n"):
                return fields
            line = raw.decode("latin-1").rstrip("\r\n")
            if line[0] in " \t" and fields:
                name, value = fields[-1]
                fields[-1] = (name, f"{value} {line.strip()}")
                continue
            name, colon, value = line.partition(":")
            if not colon or _TOKEN.fullmatch(name) is None:
                raise _Refused(400, f"Malformed request: header line {line[:100]!r}")
            if len(fields) >= MAX_HEADERS:
                raise _Refused(431, "Too many headers")
            fields.append((name, value.strip(" \t")))

    def _environ(self, fields: list[tuple[str, str]]) -> dict[str, Any]:
        """The WSGI environment of the request; its headers also as a lower-case dict."""
        target, parts = self.path, self.target_parts
        path = f"/{parts.netloc}{parts.path}" if parts.netloc and not parts.scheme else parts.path
        headers: dict[str, str] = {}
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
            HEADERS: headers,
        }
        for name, value in fields:
            if "_" in name:  # CONTENT_LENGTH and Content-Length would be one key
                continue
            lower, key = _ENVIRON_KEYS.get(name) or _environ_key(name)
            if key in environ:
                value = f"{environ[key]},{value}"
            environ[key] = headers[lower] = value
        if parts.scheme and parts.netloc:  # absolute form (a proxy request): its host rules
            environ["HTTP_HOST"] = headers["host"] = parts.netloc
        connection = headers.get("connection", "").lower()
        if "close" in connection:
            self.close_connection = True
        elif "keep-alive" in connection:
            self.close_connection = False
        environ["wsgi.input"] = self._input(environ)
        if (
            headers.get("expect", "").lower() == "100-continue"
            and self.request_version != "HTTP/1.0"
        ):
            self.wfile.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        return environ

    def _input(self, environ: dict[str, Any]) -> Any:
        """The body stream: chunked, ``Content-Length`` bytes, nothing; ``None`` for a
        transfer coding other than chunked."""
        coding = environ.get("HTTP_TRANSFER_ENCODING")
        length = str(environ.get("CONTENT_LENGTH") or "").strip()
        if coding is not None:
            if coding.strip().lower() != "chunked":
                return None
            environ["wsgi.input_terminated"] = True
            if length:  # both framings: answer, then close (no guessing, no smuggling)
                environ[CLOSE_CONNECTION] = True
                del environ["CONTENT_LENGTH"]
                environ[HEADERS].pop("content-length", None)
            return ChunkedInput(self.rfile)
        if not length:
            return LengthInput(self.rfile, 0)
        if not (length.isascii() and length.isdigit()):
            return NoInput()  # the app refuses the request; the connection closes
        return LengthInput(self.rfile, int(length))

    # -- answering -----------------------------------------------------------------------

    def _answer(self, environ: dict[str, Any]) -> None:
        if environ["wsgi.input"] is None:
            coding = environ["HTTP_TRANSFER_ENCODING"]
            self.send_error(400, f"Malformed request: Transfer-Encoding {coding!r} not supported")
            return
        response: list[Any] = []

        def start_response(status: str, headers: list[tuple[str, str]], exc: Any = None) -> Any:
            response[:] = [status, headers]
            return lambda data: None  # the app returns its body; it never writes

        body = b"".join(self.server.app(environ, start_response))
        finished = environ["wsgi.input"].finished
        if environ.get(CLOSE_CONNECTION) or not finished or not self.server.keep_alive:
            self.close_connection = True
        self._write(int(response[0][:3]), response[1], body)

    def _write(self, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
        """The whole answer in one write, with the connection's fate in its headers."""
        version = "HTTP/1.0" if self.request_version == "HTTP/1.0" else "HTTP/1.1"
        lines = [
            f"{version} {status_line(status)}",
            f"Server: {self.server_version}",
            f"Date: {self.date_time_string()}",
        ]
        lines.extend(f"{name}: {value}" for name, value in headers)
        if self.close_connection:
            lines.append("Connection: close")
        else:
            if version == "HTTP/1.0":
                lines.append("Connection: keep-alive")
            if self.server.read_timeout >= 1:
                lines.append(f"Keep-Alive: timeout={int(self.server.read_timeout)}")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1", "replace")
        try:
            if len(body) < _ONE_WRITE:
                self.wfile.write(head + body)
            else:  # no copy of a large body
                self.wfile.write(head)
                self.wfile.write(body)
        except OSError:  # the client left before its answer
            self.close_connection = True
        self.server.log_access(self, status, headers, (time.perf_counter() - self.started) * 1000)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """A refusal in the app's format (an AWS-style error, or ``{"error"}`` on control
        paths), then the connection closes."""
        self.close_connection = True
        text = message or status_line(code).partition(" ")[2]
        _, headers, body = unreadable_answer(self.path, Unreadable(code, text))
        if self.command == "HEAD":
            body = b""
        headers.append(("Content-Length", str(len(body))))
        self._write(code, headers, body)

    def log_message(self, format: str, *args: Any) -> None:
        """Messages besides the access log, at DEBUG."""
        if LOGGER.isEnabledFor(logging.DEBUG):
            LOGGER.debug("%s %s", self.client_address[0], format % args)
