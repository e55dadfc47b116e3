"""Client threads for the server benchmark: StartRun then GetRun, in a loop, for a time.

``drive`` runs the threads in this process (against a server in this process or
another). ``python -m bench.server_clients URL WORKFLOW THREADS SECONDS FIRST``
is one client process of several: it makes its clients and warms them up,
prints ``ready``, waits for a line on stdin (so every process starts at once),
drives, and prints the result as JSON.

Each thread has its own boto3 client, made once before the clock starts, with
its own connection pool kept alive (one connection per client), as a user's
threads would; each client makes one StartRun + GetRun before the clock starts
(a client's first call sets up botocore's caches and opens the connection).
"""

from __future__ import annotations

import json
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

from .common import REGION, start_run_request

ACCESS_KEY = "AKIAOMICSBENCH000000"
"""All bench clients act as one account, so every process sees the same workflow."""


def http_client(session: Any, url: str) -> Any:
    """A boto3 omics client for the server at ``url``: no host prefix, no retries."""
    from botocore.config import Config

    from omics_mock.harness.interception import INTERCEPTOR

    config = Config(inject_host_prefix=False, retries={"total_max_attempts": 1})
    client = session.client("omics", endpoint_url=url, config=config)
    INTERCEPTOR.unhook(client)  # a server's client, even while an in-process mock is active
    return client


def session() -> Any:
    import boto3

    return boto3.session.Session(
        aws_access_key_id=ACCESS_KEY, aws_secret_access_key="bench", region_name=REGION
    )


def drive(
    clients: list[Any],
    workflow_id: str,
    seconds: float,
    first: int = 0,
    ready: Callable[[], None] = lambda: None,
) -> dict[str, float]:
    """One thread per client, StartRun + GetRun for ``seconds``: the calls made, the
    seconds they took, and this process's CPU seconds meanwhile (all its threads)."""
    requests = [start_run_request(workflow_id, first + i) for i in range(len(clients))]
    for client, request in zip(clients, requests, strict=True):
        client.get_run(id=client.start_run(**request)["id"])
    ready()
    counts = [0] * len(clients)
    start = threading.Barrier(len(clients) + 1)
    deadline = [0.0]

    def loop(index: int) -> None:
        client, request = clients[index], requests[index]
        start.wait()
        while time.monotonic() < deadline[0]:
            client.get_run(id=client.start_run(**request)["id"])
            counts[index] += 2

    threads = [threading.Thread(target=loop, args=(i,)) for i in range(len(clients))]
    for thread in threads:
        thread.start()
    cpu = time.process_time()
    deadline[0] = time.monotonic() + seconds
    start.wait()
    began = time.monotonic()
    for thread in threads:
        thread.join()
    return {
        "calls": float(sum(counts)),
        "seconds": time.monotonic() - began,
        "cpu_seconds": time.process_time() - cpu,
    }


def main(argv: list[str]) -> int:
    url, workflow_id, threads, seconds, first = argv
    shared = session()
    clients = [http_client(shared, url) for _ in range(int(threads))]

    def ready() -> None:
        print("ready", flush=True)
        sys.stdin.readline()

    result = drive(clients, workflow_id, float(seconds), int(first), ready)
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
