"""Snapshots: how long a state of N runs takes to save and load, and its size per run.

Run in its own process (``python -m bench.snapshot --runs 100000``); it prints one
JSON object. The state: one workflow and a batch of N runs from a settings file
(the same batch as ``bench.scale``), driven to PROCESSED, so every run is stored
with its history. Then, timed once each (seconds of real time):

* ``snapshot``: ``m.snapshot()``, the state as plain data;
* ``encode``: that data as JSON bytes;
* ``save``: ``m.save(path)``, both and an atomic write to a file;
* ``parse``: the file's JSON read back into data;
* ``restore``: ``m.restore(data)``, a new state built from the data, checked, swapped in;
* ``load``: ``m.restore(path)``, reading, parsing and restoring together.

``--active`` stops the batch half way instead, with runs still pending or running,
so the snapshot also holds their scheduled events.
"""

from __future__ import annotations

import argparse
import functools
import gc
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from omics_mock import mock_omics
from omics_mock.harness.snapshots import dumps
from omics_mock.pytest_plugin import omics_client_for

from .common import OUT, REGION, ROLE, create_active_workflow

SETTINGS_URI = "s3://omics-bench-settings/runs.json"


def build(mock: Any, client: Any, runs: int, active: bool) -> dict[str, Any]:
    """The batch of ``runs`` runs, driven to its end (or half way with ``active``)."""
    workflow = create_active_workflow(client)
    mock.runs.set_durations(pending=0, starting=1, running=1, stopping=1)
    mock.settings.quotas.start_run_tps = 1000
    entries = [{"runSettingId": f"r{i}", "parameters": {"sample": f"S{i}"}} for i in range(runs)]
    mock.s3.put_object(SETTINGS_URI, json.dumps(entries))
    batch = client.start_run_batch(
        batchName="bench",
        defaultRunSetting={"workflowId": workflow, "roleArn": ROLE, "outputUri": OUT},
        batchRunSettings={"s3UriSettings": SETTINGS_URI},
    )["id"]
    began = time.perf_counter()
    status = ""
    step = 10.0
    limit = runs / 2000 if active else float("inf")
    advanced = 0.0
    while status not in ("PROCESSED", "FAILED", "CANCELLED") and advanced < limit:
        mock.clock.advance(seconds=step)
        advanced += step
        status = client.get_batch(batchId=batch)["status"]
    return {"batch_status": status, "build_seconds": time.perf_counter() - began}


def timed(action: Any) -> tuple[Any, float]:
    gc.collect()
    began = time.perf_counter()
    result = action()
    return result, time.perf_counter() - began


def measure(runs: int, active: bool) -> dict[str, Any]:
    with mock_omics() as mock:
        client = omics_client_for(REGION)
        result: dict[str, Any] = {"runs": runs, "active": active}
        result.update(build(mock, client, runs, active))
        batch = client.list_batch()["items"][0]["id"]
        mock.clock.scale = 0  # virtual time stands still while the figures are taken
        before = client.get_batch(batchId=batch)
        result.update(_save_figures(mock, runs))
        with tempfile.TemporaryDirectory() as directory:
            path = Path(directory) / "state.json"
            _, result["save_seconds"] = timed(functools.partial(mock.save, path))
            parsed, result["parse_seconds"] = timed(lambda: json.loads(path.read_bytes()))
            _, result["restore_seconds"] = timed(functools.partial(mock.restore, parsed))
            parsed = None
            _, result["load_seconds"] = timed(functools.partial(mock.restore, path))
        after = client.get_batch(batchId=batch)
        before.pop("ResponseMetadata")
        after.pop("ResponseMetadata")
        result["same_batch_after_load"] = before == after
    return result


def _save_figures(mock: Any, runs: int) -> dict[str, Any]:
    """The snapshot as data, then as JSON: times, size, size per run, events held."""
    data, snapshot_seconds = timed(mock.snapshot)
    encoded, encode_seconds = timed(functools.partial(dumps, data))
    return {
        "snapshot_seconds": snapshot_seconds,
        "encode_seconds": encode_seconds,
        "bytes": len(encoded),
        "bytes_per_run": round(len(encoded) / runs),
        "scheduled_events": sum(len(a["scheduler"]["events"]) for a in data["accounts"]),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=100_000)
    parser.add_argument("--active", action="store_true", help="stop the batch half way")
    args = parser.parse_args(argv)
    print(json.dumps(measure(args.runs, args.active), indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
