"""Server mode against requests it cannot read, over raw sockets.

A malformed request answers 400 (an AWS-style ``ValidationException`` on omics
paths, ``{"error"}`` on control paths), a body that stops arriving 408, and a
connection that sends nothing is closed after the read timeout while other
clients are served.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from typing import Any

import pytest

from omics_mock.pytest_plugin import omics_client_for
from omics_mock.server import (
    DEFAULT_READ_TIMEOUT,
    READ_TIMEOUT_VARIABLE,
    ThreadedServer,
    read_timeout_from_environment,
)

from .server_http import (
    NO_PREFIX,
    call,
    connect,
    create_workflow,
    exchange,
    parse_answer,
    seconds_until_closed,
)

TIMEOUT = 0.5
"""The read timeout of the server these tests use (seconds)."""


@pytest.fixture(scope="module")
def server() -> Iterator[ThreadedServer]:
    with ThreadedServer(read_timeout=TIMEOUT) as running:
        yield running


def request(path: str, *headers: str, body: bytes = b"") -> bytes:
    """Raw HTTP/1.1 request bytes; ``headers`` as ``"Name: value"``."""
    head = [f"POST {path} HTTP/1.1", *headers, "Connection: close"]
    return ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body


BAD_HOSTS = ["[", "[::1", "]", "[not-an-address]"]
CHUNKED = "Transfer-Encoding: chunked"


def assert_aws_error(answer: tuple[int, dict[str, str], bytes], status: int, code: str) -> str:
    """The answer is ``code`` at ``status`` with a ``{"message"}`` body; the message."""
    answered, headers, body = answer
    assert (answered, headers["x-amzn-errortype"]) == (status, code)
    message = json.loads(body)["message"]
    assert isinstance(message, str)
    return message


def assert_control_error(answer: tuple[int, dict[str, str], bytes], status: int) -> str:
    answered, headers, body = answer
    assert (answered, headers["content-type"]) == (status, "application/json")
    message = json.loads(body)["error"]
    assert isinstance(message, str)
    return message


# -- malformed requests ---------------------------------------------------------------------


@pytest.mark.parametrize("host", BAD_HOSTS)
def test_malformed_host_on_an_omics_path_is_a_validation_error(
    server: ThreadedServer, host: str
) -> None:
    answer = exchange(server, request("/workflow", f"Host: {host}", "Content-Length: 0"))
    assert "Malformed request" in assert_aws_error(answer, 400, "ValidationException")


@pytest.mark.parametrize("host", BAD_HOSTS)
def test_malformed_host_on_the_health_endpoint_is_refused(
    server: ThreadedServer, host: str
) -> None:
    raw = f"GET /_omics_mock/health HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    answer = exchange(server, raw.encode())
    assert f"the host {host!r} is not valid" in assert_control_error(answer, 400)


def test_malformed_absolute_url_through_the_proxy_form_is_refused(server: ThreadedServer) -> None:
    raw = b"GET http://[/workflow HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    assert_aws_error(exchange(server, raw), 400, "ValidationException")


@pytest.mark.parametrize(
    ("raw", "status"),
    [
        (b"NONSENSE\r\n\r\n", 400),
        (b"GET /_omics_mock/health HTTP/9.9\r\n\r\n", 505),
        (b"GET /_omics_mock/" + b"x" * 70_000 + b" HTTP/1.1\r\n\r\n", 414),
        (b"GET /_omics_mock/health HTTP/1.1\r\nX-Long: " + b"x" * 70_000 + b"\r\n\r\n", 431),
    ],
    ids=["request-line", "version", "long-url", "long-header"],
)
def test_unparsable_request_is_refused_as_json(
    server: ThreadedServer, raw: bytes, status: int
) -> None:
    answered, headers, body = exchange(server, raw)
    assert (answered, headers["content-type"]) == (status, "application/json")
    assert json.loads(body)


def test_malformed_chunk_size_on_an_omics_path_is_a_validation_error(
    server: ThreadedServer,
) -> None:
    raw = request("/workflow", "Host: x", CHUNKED, body=b"ZZ\r\nabc\r\n0\r\n\r\n")
    message = assert_aws_error(exchange(server, raw), 400, "ValidationException")
    assert message == "Malformed request body: Invalid chunk header"


def test_malformed_chunk_size_on_a_control_path_is_refused(server: ThreadedServer) -> None:
    raw = request("/_omics_mock/clock/advance", "Host: x", CHUNKED, body=b"ZZ\r\n{}\r\n0\r\n\r\n")
    assert assert_control_error(exchange(server, raw), 400) == (
        "Malformed request body: Invalid chunk header"
    )
    assert call(server, "GET", "/_omics_mock/clock")[1]["offset_seconds"] == 0


def test_well_formed_chunked_body_is_read(server: ThreadedServer) -> None:
    raw = request(
        "/_omics_mock/clock/advance", "Host: x", CHUNKED, body=b'e\r\n{"seconds": 0}\r\n0\r\n\r\n'
    )
    status, _, body = exchange(server, raw)
    assert (status, json.loads(body)["offset_seconds"]) == (200, 0)


@pytest.mark.parametrize("length", ["abc", "-5", "1e3"])
def test_malformed_content_length_is_refused(server: ThreadedServer, length: str) -> None:
    raw = request("/_omics_mock/clock/advance", "Host: x", f"Content-Length: {length}")
    assert "Content-Length" in assert_control_error(exchange(server, raw), 400)


def test_body_shorter_than_its_content_length_is_refused(server: ThreadedServer) -> None:
    with connect(server) as sock:
        sock.sendall(request("/workflow", "Host: x", "Content-Length: 100", body=b"{}"))
        sock.shutdown(socket.SHUT_WR)
        _, received = seconds_until_closed(sock)
    message = assert_aws_error(parse_answer(received), 400, "ValidationException")
    assert message == "Malformed request body: shorter than its Content-Length"


def test_body_that_stops_arriving_times_out(server: ThreadedServer) -> None:
    with connect(server) as sock:
        sock.sendall(request("/workflow", "Host: x", "Content-Length: 100", body=b"{"))
        waited, received = seconds_until_closed(sock)
    assert_aws_error(parse_answer(received), 408, "RequestTimeoutException")
    assert TIMEOUT * 0.8 <= waited < TIMEOUT + 5


def test_huge_content_length_reserves_nothing_and_times_out(server: ThreadedServer) -> None:
    with connect(server) as sock:
        sock.sendall(request("/_omics_mock/reset", "Host: x", f"Content-Length: {10**15}"))
        _, received = seconds_until_closed(sock)
    assert "timed out" in assert_control_error(parse_answer(received), 408)


# -- read timeout ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "sent",
    [b"", b"GET /_omics_mock/health HTTP/1.1\r\n", b"GET /_omics_mock/health HTTP/1.1\r\nHost: x"],
    ids=["nothing", "request-line", "half-the-headers"],
)
def test_silent_connection_is_closed_after_the_read_timeout(
    server: ThreadedServer, sent: bytes
) -> None:
    with connect(server) as sock:
        sock.sendall(sent)
        waited, received = seconds_until_closed(sock)
    assert received == b""
    assert TIMEOUT * 0.8 <= waited < TIMEOUT + 5


def test_silent_connections_do_not_stop_other_clients(server: ThreadedServer) -> None:
    idle = [connect(server) for _ in range(20)]
    try:
        idle[0].sendall(b"GET /_omics_mock/health HTTP/1.1\r\nHost: x\r\n")
        client = omics_client_for(endpoint_url=server.url, config=NO_PREFIX)
        workflow_id = create_workflow(client)
        assert client.get_workflow(id=workflow_id)["status"] == "ACTIVE"
        assert call(server, "GET", "/_omics_mock/health")[:2] == (200, {"status": "ok"})
        for sock in idle:
            waited, received = seconds_until_closed(sock)
            assert (received, waited < TIMEOUT + 5) == (b"", True)
    finally:
        for sock in idle:
            sock.close()
    assert call(server, "POST", "/_omics_mock/reset")[0] == 200


def test_threaded_server_reads_for_30_seconds_by_default() -> None:
    assert ThreadedServer().read_timeout == DEFAULT_READ_TIMEOUT == 30


@pytest.mark.parametrize("timeout", [0, -1, float("inf"), float("nan"), True, "5"])
def test_read_timeout_must_be_a_positive_number(timeout: Any) -> None:
    with pytest.raises(ValueError, match="read_timeout"):
        ThreadedServer(read_timeout=timeout)


def test_serve_takes_its_read_timeout_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(READ_TIMEOUT_VARIABLE, "2.5")
    assert read_timeout_from_environment() == 2.5
    monkeypatch.setenv(READ_TIMEOUT_VARIABLE, "")
    assert read_timeout_from_environment() == DEFAULT_READ_TIMEOUT
    monkeypatch.setenv(READ_TIMEOUT_VARIABLE, "soon")
    with pytest.raises(ValueError, match=READ_TIMEOUT_VARIABLE):
        read_timeout_from_environment()


def test_cli_reports_a_bad_read_timeout_variable(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from omics_mock.harness.cli import main

    monkeypatch.setenv(READ_TIMEOUT_VARIABLE, "-1")
    assert main(["server", "--port", "0"]) == 1
    assert "read_timeout must be a positive number of seconds" in capsys.readouterr().err


def test_busy_port_is_an_os_error_not_an_exit(server: ThreadedServer) -> None:
    with pytest.raises(OSError, match=f"cannot listen on 127.0.0.1:{server.port}"):
        ThreadedServer(port=server.port).start()
