"""Server mode: GetRun over HTTP against the in-process call, and throughput from threads.

* **Per call.** GetRun of one run, four ways, interleaved call by call
  (``bench.common.time_group``): in process (``mock_omics``); over HTTP to a
  ``ThreadedServer`` in this process with connections kept alive, and with
  ``keep_alive=False`` (every call opens a connection, as before HTTP/1.1);
  over HTTP to ``omics-mock server`` in another process. The HTTP clients are
  unhooked from the in-process mock (``INTERCEPTOR.unhook``), so their calls
  reach the servers while the mock is active. Retries are off.
* **Threads.** 8 threads, each with its own client, loop over StartRun then
  GetRun of that run for a fixed time against each server; calls per second.
  Against the server process, the CPU time of each side per call is measured
  too (``/proc``): 8 threads of one Python process can go no faster than the
  client's own CPU per call allows, whatever the server.

``python -m bench --only server``.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from .common import (
    REGION,
    Case,
    Group,
    create_active_workflow,
    paired,
    run_rounds,
    start_run_request,
)

THREADS = 8
TARGET_RATIO = 2.0
TARGET_THREADS = 1100.0
"""Twice the 550 calls/s that 8 threads reached when every call opened a connection."""


@contextmanager
def server_process() -> Iterator[tuple[str, int]]:
    """``omics-mock server --port 0 --quiet`` in another process; its URL and pid."""
    process = subprocess.Popen(
        [sys.executable, "-m", "omics_mock", "server", "--port", "0", "--quiet"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        printed = dict(process.stdout.readline().strip().split("=", 1) for _ in range(2))
        yield printed["OMICS_MOCK_URL"], process.pid
    finally:
        process.terminate()
        process.wait(timeout=10)


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds of a process so far (Linux), else ``None``."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _http_client(session: Any, url: str) -> Any:
    from botocore.config import Config

    from omics_mock.harness.interception import INTERCEPTOR

    config = Config(inject_host_prefix=False, retries={"total_max_attempts": 1})
    client = session.client("omics", endpoint_url=url, config=config)
    INTERCEPTOR.unhook(client)  # a server's client, even while an in-process mock is active
    return client


def _get_run_case(name: str, client: Any) -> Case:
    workflow_id = create_active_workflow(client)
    run_id = client.start_run(**start_run_request(workflow_id))["id"]
    return Case(name, lambda: client.get_run(id=run_id))


def per_call(rounds: int, n: int) -> dict[str, Any]:
    import boto3

    from omics_mock import mock_omics
    from omics_mock.server import ThreadedServer

    session = boto3.session.Session(
        aws_access_key_id="AKIAOMICSBENCH000000", aws_secret_access_key="bench", region_name=REGION
    )
    with (
        ThreadedServer() as kept,
        ThreadedServer(keep_alive=False) as closing,
        server_process() as (other, _),
        mock_omics(),
    ):
        cases = [
            _get_run_case("in process", session.client("omics")),
            _get_run_case("HTTP, same process, keep-alive", _http_client(session, kept.url)),
            _get_run_case(
                "HTTP, same process, Connection: close", _http_client(session, closing.url)
            ),
            _get_run_case("HTTP, omics-mock server process", _http_client(session, other)),
        ]
        run_rounds([Group(cases, n)], rounds)
    base = cases[0]
    return {
        "cases": {case.name: {"median": case.median} for case in cases},
        "ratios": {case.name: paired(case, base) for case in cases[1:]},
    }


def throughput(url: str, seconds: float) -> tuple[float, float]:
    """Calls per second of ``THREADS`` threads doing StartRun + GetRun against ``url``,
    and the number of calls."""
    import boto3

    session = boto3.session.Session(
        aws_access_key_id="AKIAOMICSBENCH000000", aws_secret_access_key="bench", region_name=REGION
    )
    clients = [_http_client(session, url) for _ in range(THREADS)]
    workflow_id = create_active_workflow(clients[0])
    counts = [0] * THREADS
    start = threading.Barrier(THREADS + 1)
    deadline = [0.0]

    def loop(index: int) -> None:
        client = clients[index]
        request = start_run_request(workflow_id, index)
        start.wait()
        while time.monotonic() < deadline[0]:
            client.get_run(id=client.start_run(**request)["id"])
            counts[index] += 2

    threads = [threading.Thread(target=loop, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    deadline[0] = time.monotonic() + seconds
    start.wait()
    began = time.monotonic()
    for thread in threads:
        thread.join()
    return sum(counts) / (time.monotonic() - began), sum(counts)


def threads(seconds: float, repeats: int) -> dict[str, Any]:
    """Median calls/s over ``repeats`` runs against each kind of server, and the CPU
    milliseconds per call of client and server process."""
    from omics_mock.server import ThreadedServer

    rates: dict[str, list[float]] = {}
    client_ms: list[float] = []
    server_ms: list[float] = []
    for _ in range(repeats):
        with ThreadedServer() as kept:
            rates.setdefault("same process, keep-alive", []).append(
                throughput(kept.url, seconds)[0]
            )
        with ThreadedServer(keep_alive=False) as closing:
            rates.setdefault("same process, Connection: close", []).append(
                throughput(closing.url, seconds)[0]
            )
        with server_process() as (other, pid):
            client_before, server_before = time.process_time(), cpu_seconds(pid)
            rate, calls = throughput(other, seconds)
            server_after = cpu_seconds(pid)
            rates.setdefault("omics-mock server process", []).append(rate)
            client_ms.append((time.process_time() - client_before) / calls * 1000)
            if server_before is not None and server_after is not None:
                server_ms.append((server_after - server_before) / calls * 1000)
    return {
        "rates": {name: statistics.median(values) for name, values in rates.items()},
        "client_cpu_ms": statistics.median(client_ms),
        "server_cpu_ms": statistics.median(server_ms) if server_ms else None,
    }


def measure(rounds: int, n: int, seconds: float, repeats: int) -> dict[str, Any]:
    return {"per_call": per_call(rounds, n), "threads": threads(seconds, repeats)}


def report(result: dict[str, Any]) -> tuple[list[list[str]], list[list[str]], list[Any]]:
    """(per-call rows, thread rows, targets as [name, measured, met]) for ``bench.run``."""
    cases, ratios = result["per_call"]["cases"], result["per_call"]["ratios"]
    calls = [
        [name, f"{case['median'] * 1000:.3f} ms", f"{ratios[name]:.2f}x" if name in ratios else ""]
        for name, case in cases.items()
    ]
    measured = result["threads"]
    rates = [
        [f"{THREADS} threads, {name}", f"{rate:.0f} calls/s"]
        for name, rate in measured["rates"].items()
    ]
    client = measured["client_cpu_ms"]
    rates.append(
        [
            "  client process CPU per call (8 threads, server process)",
            f"{client:.3f} ms: at most {1000 / client:.0f} calls/s on one core",
        ]
    )
    if measured["server_cpu_ms"] is not None:
        server = measured["server_cpu_ms"]
        rates.append(
            [
                "  server process CPU per call",
                f"{server:.3f} ms: at most {1000 / server:.0f} calls/s on one core",
            ]
        )
    ratio = ratios["HTTP, same process, keep-alive"]
    best = max(measured["rates"].values())
    targets = [
        [
            f"GetRun over HTTP (keep-alive, same process) <= {TARGET_RATIO:g}x in process",
            f"{ratio:.2f}x",
            ratio <= TARGET_RATIO,
        ],
        [
            f"{THREADS} threads StartRun+GetRun >= {TARGET_THREADS:,.0f} calls/s (best server)",
            f"{best:.0f} calls/s",
            best >= TARGET_THREADS,
        ],
    ]
    return calls, rates, targets
