"""Server mode keeps connections alive (HTTP/1.1) and closes them when it must."""

from __future__ import annotations

import http.client
import json
import socket
import time
from collections.abc import Iterator
from typing import Any

import pytest

from omics_mock.pytest_plugin import omics_client_for
from omics_mock.server import ThreadedServer

from .server_http import NO_PREFIX, connect, create_workflow, parse_answer, seconds_until_closed

TIMEOUT = 0.5
HEALTH = b"GET /_omics_mock/health HTTP/1.1\r\nHost: x\r\n\r\n"


@pytest.fixture(scope="module")
def server() -> Iterator[ThreadedServer]:
    with ThreadedServer(read_timeout=TIMEOUT) as running:
        yield running


def read_answer(sock: socket.socket) -> tuple[int, dict[str, str], bytes]:
    """One answer from a kept-alive connection (its Content-Length tells where it ends).

    Reads byte by byte up to the end of the head, so the next answer stays unread.
    """
    head = b""
    while not head.endswith(b"\r\n\r\n"):
        byte = sock.recv(1)
        assert byte, f"closed after {head!r}"
        head += byte
    status, headers, _ = parse_answer(head)
    body = b""
    while len(body) < int(headers["content-length"]):
        chunk = sock.recv(int(headers["content-length"]) - len(body))
        assert chunk, "closed in the middle of a body"
        body += chunk
    return status, headers, body


def still_open(sock: socket.socket) -> bool:
    sock.sendall(HEALTH)
    return read_answer(sock)[0] == 200


def test_requests_share_one_connection(server: ThreadedServer) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    sockets = []
    try:
        for _ in range(3):
            connection.request("GET", "/_omics_mock/health")
            response = connection.getresponse()
            assert (response.status, json.loads(response.read())) == (200, {"status": "ok"})
            assert response.getheader("Connection") is None
            assert response.getheader("Keep-Alive") is None  # read timeout below 1 s
            sockets.append(connection.sock)
    finally:
        connection.close()
    assert sockets[0] is sockets[1] is sockets[2] is not None


def test_boto3_calls_reuse_their_connection(server: ThreadedServer) -> None:
    client = omics_client_for(endpoint_url=server.url, config=NO_PREFIX)
    workflow_id = create_workflow(client)
    answers = [client.get_workflow(id=workflow_id)["ResponseMetadata"] for _ in range(3)]
    assert all("connection" not in answer["HTTPHeaders"] for answer in answers)


def test_keep_alive_header_tells_the_read_timeout() -> None:
    with ThreadedServer(read_timeout=12) as server, connect(server) as sock:
        sock.sendall(HEALTH)
        assert read_answer(sock)[1]["keep-alive"] == "timeout=12"


def test_pipelined_requests_are_answered_in_order(server: ThreadedServer) -> None:
    clock = b"GET /_omics_mock/clock HTTP/1.1\r\nHost: x\r\n\r\n"
    with connect(server) as sock:
        sock.sendall(HEALTH + clock + HEALTH)
        bodies = [json.loads(read_answer(sock)[2]) for _ in range(3)]
    assert bodies[0] == bodies[2] == {"status": "ok"}
    assert "offset_seconds" in bodies[1]


def test_stray_empty_line_between_requests_is_ignored(server: ThreadedServer) -> None:
    with connect(server) as sock:
        sock.sendall(HEALTH + b"\r\n" + HEALTH)
        assert [read_answer(sock)[0] for _ in range(2)] == [200, 200]


def test_chunked_body_with_trailers_keeps_the_connection(server: ThreadedServer) -> None:
    body = b'e\r\n{"seconds": 0}\r\n0\r\nX-Checksum: abc\r\n\r\n'
    request = (
        b"POST /_omics_mock/clock/advance HTTP/1.1\r\nHost: x\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n" + body
    )
    with connect(server) as sock:
        sock.sendall(request)
        status, headers, answer = read_answer(sock)
        assert (status, json.loads(answer)["offset_seconds"]) == (200, 0)
        assert "connection" not in headers
        assert still_open(sock)


def test_body_read_to_its_length_keeps_the_connection(server: ThreadedServer) -> None:
    body = b'{"seconds": 0}'
    request = (
        b"POST /_omics_mock/clock/advance HTTP/1.1\r\nHost: x\r\n"
        + f"Content-Length: {len(body)}\r\n\r\n".encode()
        + body
    )
    with connect(server) as sock:
        sock.sendall(request + request)
        assert [read_answer(sock)[0] for _ in range(2)] == [200, 200]


@pytest.mark.parametrize(
    "request_bytes",
    [
        b"GET /_omics_mock/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        b"GET /_omics_mock/health HTTP/1.0\r\n\r\n",
    ],
    ids=["connection-close", "http-1.0"],
)
def test_connection_closes_when_the_client_asks(
    server: ThreadedServer, request_bytes: bytes
) -> None:
    with connect(server) as sock:
        sock.sendall(request_bytes)
        waited, received = seconds_until_closed(sock)
    status, headers, _ = parse_answer(received)
    assert (status, headers["connection"]) == (200, "close")
    assert waited < TIMEOUT


def test_http_1_0_keep_alive_is_honoured(server: ThreadedServer) -> None:
    with connect(server) as sock:
        sock.sendall(b"GET /_omics_mock/health HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
        status, headers, _ = read_answer(sock)
        assert (status, headers["connection"]) == (200, "keep-alive")
        assert still_open(sock)


@pytest.mark.parametrize(
    ("request_bytes", "status"),
    [
        (b"POST /workflow HTTP/1.1\r\nHost: [\r\nContent-Length: 2\r\n\r\n{}", 400),
        (b"POST /workflow HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n", 400),
        (b"POST /workflow HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n{}", 400),
        (b"POST /workflow HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n{}", 400),
        (b"NONSENSE\r\n\r\n", 400),
    ],
    ids=["bad-host", "bad-chunk", "bad-length", "unknown-coding", "garbage"],
)
def test_unreadable_request_closes_the_connection(
    server: ThreadedServer, request_bytes: bytes, status: int
) -> None:
    with connect(server) as sock:
        sock.sendall(request_bytes + HEALTH)
        waited, received = seconds_until_closed(sock)
    answered, headers, body = parse_answer(received)
    assert (answered, headers["connection"]) == (status, "close")
    assert len(body) == int(headers["content-length"]), "answered the request after it"
    assert waited < TIMEOUT


def test_length_beside_chunked_is_answered_then_closed(server: ThreadedServer) -> None:
    request = (
        b"POST /_omics_mock/clock/advance HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
        b'Transfer-Encoding: chunked\r\n\r\ne\r\n{"seconds": 0}\r\n0\r\n\r\n'
    )
    with connect(server) as sock:
        sock.sendall(request + HEALTH)
        _, received = seconds_until_closed(sock)
    status, headers, body = parse_answer(received)
    assert (status, headers["connection"], json.loads(body)["offset_seconds"]) == (200, "close", 0)


def test_expect_continue_is_answered(server: ThreadedServer) -> None:
    with connect(server) as sock:
        sock.sendall(
            b"POST /_omics_mock/clock/advance HTTP/1.1\r\nHost: x\r\n"
            b"Content-Length: 14\r\nExpect: 100-continue\r\n\r\n"
        )
        assert sock.recv(100).startswith(b"HTTP/1.1 100 Continue\r\n\r\n")
        sock.sendall(b'{"seconds": 0}')
        assert read_answer(sock)[0] == 200


def test_idle_connection_is_closed_after_the_read_timeout(server: ThreadedServer) -> None:
    with connect(server) as sock:
        sock.sendall(HEALTH)
        read_answer(sock)
        waited, received = seconds_until_closed(sock)
    assert received == b""
    assert TIMEOUT * 0.8 <= waited < TIMEOUT + 5


def test_stop_closes_idle_connections_at_once() -> None:
    server = ThreadedServer().start()
    sock = connect(server)
    try:
        sock.sendall(HEALTH)
        read_answer(sock)
        began = time.monotonic()
        server.stop()
        waited, received = seconds_until_closed(sock)
    finally:
        sock.close()
    assert received == b""
    assert time.monotonic() - began < 3


def test_keep_alive_off_closes_every_connection() -> None:
    with ThreadedServer(keep_alive=False) as server, connect(server) as sock:
        sock.sendall(HEALTH)
        _, received = seconds_until_closed(sock)
    assert parse_answer(received)[1]["connection"] == "close"


def test_many_clients_keep_their_connections(server: ThreadedServer) -> None:
    socks: list[Any] = [connect(server) for _ in range(30)]
    try:
        for _ in range(3):
            for sock in socks:
                assert still_open(sock)
    finally:
        for sock in socks:
            sock.close()
