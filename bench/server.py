"""Server mode: GetRun over HTTP against the in-process call, and throughput from threads.

* **Per call.** GetRun of one run, four ways, interleaved call by call
  (``bench.common.time_group``): in process (``mock_omics``); over HTTP to a
  ``ThreadedServer`` in this process with connections kept alive, and with
  ``keep_alive=False`` (every call opens a connection, as before HTTP/1.1);
  over HTTP to ``omics-mock server`` in another process. The HTTP clients are
  unhooked from the in-process mock (``INTERCEPTOR.unhook``), so their calls
  reach the servers while the mock is active. Retries are off.
* **Threads.** 8 threads, each with its own boto3 client (made and warmed up
  before the clock starts, its connection kept alive), loop over StartRun then
  GetRun of that run for a fixed time (``bench.server_clients``); calls per
  second, median and range over the repetitions. Four set-ups: the server in
  its own process (``omics-mock server --quiet``, as users run it) with the 8
  threads in one client process (the headline) or in two (4 + 4); the server
  in the clients' process (``ThreadedServer``), kept alive or a connection
  per call. Against the server process, the CPU time of each side per call is
  measured too (``/proc``): the threads of one Python process share one GIL,
  so they can go no faster than the client's own CPU per call allows,
  whatever the server.

``python -m bench --only server``.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .common import Case, Group, create_active_workflow, paired, run_rounds, start_run_request
from .server_clients import drive, http_client
from .server_clients import session as client_session

ROOT = Path(__file__).resolve().parents[1]
"""Where ``python -m bench.server_clients`` runs from."""

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


def _get_run_case(name: str, client: Any) -> Case:
    workflow_id = create_active_workflow(client)
    run_id = client.start_run(**start_run_request(workflow_id))["id"]
    return Case(name, lambda: client.get_run(id=run_id))


def per_call(rounds: int, n: int) -> dict[str, Any]:
    from omics_mock import mock_omics
    from omics_mock.server import ThreadedServer

    session = client_session()
    with (
        ThreadedServer() as kept,
        ThreadedServer(keep_alive=False) as closing,
        server_process() as (other, _),
        mock_omics(),
    ):
        cases = [
            _get_run_case("in process", session.client("omics")),
            _get_run_case("HTTP, same process, keep-alive", http_client(session, kept.url)),
            _get_run_case(
                "HTTP, same process, Connection: close", http_client(session, closing.url)
            ),
            _get_run_case("HTTP, omics-mock server process", http_client(session, other)),
        ]
        run_rounds([Group(cases, n)], rounds)
    base = cases[0]
    return {
        "cases": {case.name: {"median": case.median} for case in cases},
        "ratios": {case.name: paired(case, base) for case in cases[1:]},
    }


SETUPS = (
    (
        "server process, 1 client process",
        "`omics-mock server` process, 8 threads in 1 client process",
    ),
    (
        "server process, 2 client processes",
        "`omics-mock server` process, 8 threads in 2 client processes (4 + 4)",
    ),
    ("same process, keep-alive", "server in the clients' process (`ThreadedServer`), keep-alive"),
    ("same process, Connection: close", "server in the clients' process, a connection per call"),
)
"""(key, description) of each set-up the threads are measured in; the first is the headline."""
HEADLINE = SETUPS[0][0]


def in_process(url: str, seconds: float) -> dict[str, float]:
    """The threads in this process (where the server may be too)."""
    session = client_session()
    clients = [http_client(session, url) for _ in range(THREADS)]
    return drive(clients, create_active_workflow(clients[0]), seconds)


def in_client_processes(url: str, seconds: float, processes: int) -> dict[str, float]:
    """The threads spread over ``processes`` client processes, started together: the
    calls of all, the longest time, the CPU seconds of all."""
    workflow_id = create_active_workflow(http_client(client_session(), url))
    each = THREADS // processes
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "bench.server_clients",
                url,
                workflow_id,
                str(each),
                str(seconds),
                str(index * each),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        for index in range(processes)
    ]
    try:
        for worker in workers:
            assert worker.stdout is not None
            if worker.stdout.readline().strip() != "ready":
                raise RuntimeError("a client process did not start")
        for worker in workers:
            assert worker.stdin is not None
            worker.stdin.write("go\n")
            worker.stdin.flush()
        results = [json.loads(worker.communicate(timeout=seconds + 60)[0]) for worker in workers]
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
                worker.wait()
    return {
        "calls": sum(result["calls"] for result in results),
        "seconds": max(result["seconds"] for result in results),
        "cpu_seconds": sum(result["cpu_seconds"] for result in results),
    }


def _against_server_process(seconds: float, processes: int) -> tuple[float, float, float | None]:
    """calls/s, client CPU ms per call, server CPU ms per call (``None`` off Linux)."""
    with server_process() as (url, pid):
        before = cpu_seconds(pid)
        measured = in_client_processes(url, seconds, processes)
        after = cpu_seconds(pid)
    calls = measured["calls"]
    server = None if before is None or after is None else (after - before) / calls * 1000
    return calls / measured["seconds"], measured["cpu_seconds"] / calls * 1000, server


def threads(seconds: float, repeats: int) -> dict[str, Any]:
    """Calls/s of each set-up (median, min, max over ``repeats``, the set-ups taking
    turns), and the CPU milliseconds per call of client and server process."""
    from omics_mock.server import ThreadedServer

    rates: dict[str, list[float]] = {key: [] for key, _ in SETUPS}
    client_ms: list[float] = []
    server_ms: list[float] = []
    for _ in range(repeats):
        rate, client, server = _against_server_process(seconds, 1)
        rates["server process, 1 client process"].append(rate)
        client_ms.append(client)
        if server is not None:
            server_ms.append(server)
        rate, _, server = _against_server_process(seconds, 2)
        rates["server process, 2 client processes"].append(rate)
        if server is not None:
            server_ms.append(server)
        for key, keep_alive in (
            ("same process, keep-alive", True),
            ("same process, Connection: close", False),
        ):
            with ThreadedServer(keep_alive=keep_alive) as local:
                measured = in_process(local.url, seconds)
            rates[key].append(measured["calls"] / measured["seconds"])
    return {
        "rates": {key: statistics.median(values) for key, values in rates.items()},
        "ranges": {key: [min(values), max(values)] for key, values in rates.items()},
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
    descriptions = dict(SETUPS)
    rates = []
    for key, rate in measured["rates"].items():
        low, high = measured.get("ranges", {}).get(key, [rate, rate])
        rates.append(
            [descriptions.get(key, key), f"{rate:.0f} calls/s (runs: {low:.0f} to {high:.0f})"]
        )
    client = measured["client_cpu_ms"]
    rates.append(
        [
            "  client process CPU per call (8 threads in 1 process)",
            f"{client:.3f} ms: at most {1000 / client:.0f} calls/s from one process",
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
    targets: list[Any] = [
        [
            f"GetRun over HTTP (keep-alive, same process) <= {TARGET_RATIO:g}x in process",
            f"{ratio:.2f}x",
            ratio <= TARGET_RATIO,
        ]
    ]
    for key, where in (
        (HEADLINE, "server process, clients in 1 process"),
        ("server process, 2 client processes", "server process, clients in 2 processes"),
    ):
        rate = measured["rates"][key]
        targets.append(
            [
                f"{THREADS} threads StartRun+GetRun >= {TARGET_THREADS:,.0f} calls/s ({where})",
                f"{rate:.0f} calls/s",
                rate >= TARGET_THREADS,
            ]
        )
    return calls, rates, targets
