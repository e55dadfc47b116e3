"""Reading a WSGI request: its URL, headers and body, or why it cannot be read.

A request the server cannot read (a malformed ``Host`` or URL, a broken chunked
body, a bad ``Content-Length``) is ``Unreadable`` with status 400; a body that
stops arriving, 408. On omics paths the refusal is an AWS-style error with its
modelled code, on control paths ``{"error": message}``.
"""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING, Any
from urllib.parse import SplitResult, quote, urlsplit

from ...wire.errors import RequestTimeoutException, ServiceError, ValidationException
from ...wire.serialize import serialize_error
from .control_request import CONTROL_PREFIX, Answer, error_answer

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIEnvironment

BODY_CHUNK = 1 << 20
"""Bodies are read this much at a time, so a large Content-Length reserves nothing."""


class Unreadable(Exception):
    """A request the server cannot read: its status and why."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def unreadable_answer(path: str, error: Unreadable) -> Answer:
    """``{"error"}`` on control paths; an AWS-style error with its modelled code elsewhere."""
    if is_control(path):
        return error_answer(error.status, error.message)
    kind: type[ServiceError] = (
        RequestTimeoutException if error.status == 408 else ValidationException
    )
    answer = serialize_error(kind(error.message), error.status)
    return answer.status, list(answer.headers.items()), bytes(answer.body)


def is_control(path: str) -> bool:
    return path == CONTROL_PREFIX or path.startswith(CONTROL_PREFIX + "/")


def split_url(environ: WSGIEnvironment) -> tuple[str, SplitResult]:
    """The request URL and its parts; ``Unreadable`` (400) if it does not parse."""
    url = _request_url(environ)
    try:
        parts = urlsplit(url)
        _check_bracketed_host(parts.netloc)
    except ValueError as error:
        raise Unreadable(
            400, f"Malformed request: the host {_host(environ)!r} is not valid ({error})"
        ) from None
    return url, parts


def _check_bracketed_host(netloc: str) -> None:
    """``[...]`` must hold an IPv6 address: urlsplit checks this itself only from
    Python 3.11.4 on (3.10 accepts ``Host: [not-an-address]``)."""
    if "[" not in netloc:
        return
    inside = netloc.partition("[")[2].partition("]")[0]
    try:
        ipaddress.IPv6Address(inside.partition("%")[0])
    except ValueError:
        raise ValueError("Invalid IPv6 URL") from None


def _request_url(environ: WSGIEnvironment) -> str:
    """The URL as the client sent it, percent-encoding intact."""
    scheme = str(environ.get("wsgi.url_scheme", "http"))
    raw = environ.get("REQUEST_URI") or environ.get("RAW_URI")
    if isinstance(raw, str) and raw:
        if raw.startswith(("http://", "https://")):  # absolute form: sent via a proxy
            return raw
        if raw.startswith("/"):
            return f"{scheme}://{_host(environ)}{raw}"
    full_path = path_info(environ, prefix=str(environ.get("SCRIPT_NAME", "")))
    path = quote(full_path, safe="/:@!$&'()*+,;=-._~")
    query = str(environ.get("QUERY_STRING", ""))
    return f"{scheme}://{_host(environ)}{path}" + (f"?{query}" if query else "")


def _host(environ: WSGIEnvironment) -> str:
    host = environ.get("HTTP_HOST")
    if host:
        return str(host)
    return f"{environ.get('SERVER_NAME', '127.0.0.1')}:{environ.get('SERVER_PORT', '80')}"


def path_info(environ: WSGIEnvironment, prefix: str = "") -> str:
    """PATH_INFO (WSGI gives it as latin-1 text) decoded as UTF-8."""
    raw = prefix + str(environ.get("PATH_INFO", "") or "/")
    return raw.encode("latin-1").decode("utf-8", errors="replace")


def request_headers(environ: WSGIEnvironment) -> dict[str, str]:
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


def read_body(environ: WSGIEnvironment) -> bytes:
    """The whole body; ``Unreadable`` if it is malformed, cut short or stops arriving."""
    stream = environ.get("wsgi.input")
    length = _content_length(environ)
    chunked = bool(environ.get("wsgi.input_terminated"))  # the server ends the stream
    if stream is None or (length is None and not chunked):
        return b""
    try:
        data = _read_stream(stream, None if chunked else length)
    except TimeoutError:
        raise Unreadable(408, "Request timed out: the body stopped arriving") from None
    except (OSError, ValueError) as error:  # "Invalid chunk header" is an OSError
        raise Unreadable(400, f"Malformed request body: {error}") from None
    if length is not None and not chunked and len(data) < length:
        raise Unreadable(400, "Malformed request body: shorter than its Content-Length")
    return data


def _content_length(environ: WSGIEnvironment) -> int | None:
    """The Content-Length, ``None`` if absent; ``Unreadable`` if not a whole number."""
    raw = str(environ.get("CONTENT_LENGTH") or "").strip()
    if not raw:
        return None
    if not (raw.isascii() and raw.isdigit()):
        raise Unreadable(400, f"Malformed request: Content-Length {raw!r} is not a number")
    return int(raw)


def _read_stream(stream: Any, length: int | None) -> bytes:
    """Up to ``length`` bytes (``None``: to the end), a chunk at a time."""
    parts: list[bytes] = []
    left = length
    while left is None or left > 0:
        chunk = bytes(stream.read(BODY_CHUNK if left is None else min(left, BODY_CHUNK)))
        if not chunk:
            break
        parts.append(chunk)
        if left is not None:
            left -= len(chunk)
    return b"".join(parts)
