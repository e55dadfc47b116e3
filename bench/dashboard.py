"""The dashboard and the notebook displays with many runs.

A ``ThreadedServer`` holds a batch of ``runs`` runs (one in ten FAILED), driven to
PROCESSED in virtual time. Then, each a median over rounds:

* ``GET /_omics_mock/dashboard/state`` over HTTP: the page's poll (100 runs, newest
  first, with their tasks, and counts over all of them), the same filtered on
  FAILED, and every run in one answer (``limit=10000``): render on the server,
  JSON, HTTP;
* the control API in process: ``overview()`` of one page and of every run, without
  JSON; the notebook display (``_repr_html_``); a run's timeline as SVG.

``python -m bench --only dashboard``.
"""

from __future__ import annotations

import http.client
import json
import statistics
import time
from collections.abc import Callable
from typing import Any

from .common import OUT, REGION, ROLE, create_active_workflow

SETTINGS_URI = "s3://omics-bench-settings/dashboard.json"
TARGET_ALL_SECONDS = 1.0
"""Every one of 10,000 runs in one dashboard answer, over HTTP."""
TARGET_PAGE_SECONDS = 0.05
"""The page's poll (100 runs of 10,000), over HTTP."""


def _median(call: Callable[[], Any], rounds: int) -> float:
    call()  # warm-up
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        call()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def _populate(server: Any, runs: int) -> str:
    """A batch of ``runs`` runs driven to its end; the ID of a failed run."""
    import boto3
    from botocore.config import Config

    control = server.control
    client = boto3.session.Session(
        aws_access_key_id="AKIAOMICSBENCH000000", aws_secret_access_key="bench", region_name=REGION
    ).client("omics", endpoint_url=server.url, config=Config(inject_host_prefix=False))
    control.settings.quotas.max_runs = runs + 100
    control.settings.quotas.start_run_tps = 1000
    control.settings.request_log_size = 0
    control.clock.scale = 0
    workflow = create_active_workflow(client)
    control.runs.set_durations(pending=0, starting=1, running=2, stopping=1)
    control.runs.script(workflow, ["FAILED" if i % 10 == 0 else "COMPLETED" for i in range(runs)])
    entries = [{"runSettingId": f"r{i}", "parameters": {"sample": f"S{i}"}} for i in range(runs)]
    control.s3.put_object(SETTINGS_URI, json.dumps(entries))
    batch = client.start_run_batch(
        defaultRunSetting={"workflowId": workflow, "roleArn": ROLE, "outputUri": OUT},
        batchRunSettings={"s3UriSettings": SETTINGS_URI},
    )["id"]
    while client.get_batch(batchId=batch)["status"] not in ("PROCESSED", "FAILED"):
        control.clock.advance(minutes=1)
    failed = control.overview(status="FAILED", limit=1)["backends"][0]["runs"]["items"]
    return str(failed[0]["id"])


def measure(runs: int, rounds: int) -> dict[str, Any]:
    from omics_mock.server import ThreadedServer

    with ThreadedServer() as server:
        failed = _populate(server, runs)
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
        sizes: dict[str, int] = {}

        def get(query: str) -> Callable[[], None]:
            def call() -> None:
                connection.request("GET", "/_omics_mock/dashboard/state" + query)
                response = connection.getresponse()
                body = response.read()
                assert response.status == 200, body[:200]
                sizes[query] = len(body)

            return call

        control = server.control
        cases = {
            "HTTP GET dashboard/state, one page (100 runs)": get("?limit=100"),
            "HTTP GET dashboard/state?status=FAILED, one page": get("?status=FAILED&limit=100"),
            f"HTTP GET dashboard/state?limit={runs}, every run": get(f"?limit={runs}"),
            "in process: m.overview(), one page": lambda: control.overview(),
            f"in process: m.overview(limit={runs})": lambda: control.overview(limit=runs),
            "in process: m._repr_html_() (notebook table)": control._repr_html_,
            "in process: m.runs.timeline(run).to_svg()": lambda: control.runs.timeline(
                failed
            ).to_svg(),
        }
        medians = {name: _median(call, rounds) for name, call in cases.items()}
        connection.close()
    return {
        "runs": runs,
        "rounds": rounds,
        "medians": medians,
        "bytes": {"page": sizes["?limit=100"], "all": sizes[f"?limit={runs}"]},
    }


def report(result: dict[str, Any]) -> tuple[list[list[str]], list[Any]]:
    """(rows, targets as [name, measured, met]) for ``bench.run``."""
    runs = result["runs"]
    rows = [[name, f"{seconds * 1000:.1f} ms"] for name, seconds in result["medians"].items()]
    page_kib, all_mib = result["bytes"]["page"] / 1024, result["bytes"]["all"] / 1024**2
    rows.append(["JSON size: one page / every run", f"{page_kib:.0f} KiB / {all_mib:.1f} MiB"])
    page = result["medians"]["HTTP GET dashboard/state, one page (100 runs)"]
    every = result["medians"][f"HTTP GET dashboard/state?limit={runs}, every run"]
    targets = [
        [
            f"dashboard poll, 100 of {runs:,} runs, HTTP <= {TARGET_PAGE_SECONDS * 1000:.0f} ms",
            f"{page * 1000:.1f} ms",
            page <= TARGET_PAGE_SECONDS,
        ],
        [
            f"dashboard state of all {runs:,} runs in one answer <= {TARGET_ALL_SECONDS:g} s",
            f"{every * 1000:.0f} ms",
            every <= TARGET_ALL_SECONDS,
        ],
    ]
    return rows, targets
