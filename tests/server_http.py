"""HTTP helpers shared by the server-mode tests: JSON calls, raw sockets, boto3 setup."""

from __future__ import annotations

import http.client
import json
import socket
import time
from typing import Any

from botocore.config import Config

from omics_mock.server import ThreadedServer

from .helpers import OUT, ROLE, wdl_zip

NO_PREFIX = Config(inject_host_prefix=False, retries={"total_max_attempts": 1})
"""boto3 against a server: no host prefix, no retries (a 5xx shows as it is)."""


def call(
    server: ThreadedServer,
    method: str,
    path: str,
    body: Any = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, Any, http.client.HTTPResponse]:
    """Raw HTTP to the server: (status, JSON body or bytes, response).

    ``body`` is sent as it is when it is bytes, as JSON otherwise.
    """
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    data = None if body is None else body if isinstance(body, bytes) else json.dumps(body)
    try:
        connection.request(method, path, body=data, headers=headers or {})
        response = connection.getresponse()
        raw = response.read()
    finally:
        connection.close()
    is_json = "json" in (response.getheader("Content-Type") or "")
    return response.status, json.loads(raw) if is_json and raw else raw, response


def connect(server: ThreadedServer, timeout: float = 10) -> socket.socket:
    return socket.create_connection(("127.0.0.1", server.port), timeout=timeout)


def read_until_closed(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection."""
    received = b""
    while chunk := sock.recv(65536):
        received += chunk
    return received


def exchange(server: ThreadedServer, request: bytes) -> tuple[int, dict[str, str], bytes]:
    """Send raw bytes; (status, lower-case headers, body) of the answer."""
    with connect(server) as sock:
        sock.sendall(request)
        return parse_answer(read_until_closed(sock))


def parse_answer(raw: bytes) -> tuple[int, dict[str, str], bytes]:
    head, _, body = raw.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return int(status_line.split()[1]), headers, body


def seconds_until_closed(sock: socket.socket) -> tuple[float, bytes]:
    """How long until the server closes ``sock``, and what it sent before."""
    started = time.monotonic()
    received = read_until_closed(sock)
    return time.monotonic() - started, received


def create_workflow(client: Any, name: str = "wgs") -> str:
    workflow_id = str(client.create_workflow(name=name, definitionZip=wdl_zip())["id"])
    client.get_waiter("workflow_active").wait(id=workflow_id)
    return workflow_id


def start_run(client: Any, workflow_id: str) -> str:
    run = client.start_run(
        workflowId=workflow_id, roleArn=ROLE, outputUri=OUT, parameters={"sample": "NA12878"}
    )
    return str(run["id"])
