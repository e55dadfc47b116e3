"""The benchmark runs end to end with tiny sizes (``python -m bench --quick``).

Quick sizes measure nothing, so nothing here is timed: the test only shows
that every section still runs against the current code and reports.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, dict[str, Any]]:
    """stdout and the JSON results of one quick run of the documented command."""
    out = tmp_path_factory.mktemp("bench") / "results.json"
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--json", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout, json.loads(out.read_text())


def test_quick_run_reports_every_section(quick_run: tuple[str, dict[str, Any]]) -> None:
    stdout, results = quick_run
    assert {"calls", "scale", "fixed", "profile", "storage", "server"} <= set(results)
    for heading in ("Per call", "Scale", "Fixed costs", "Profile", "Storage", "Server", "Targets"):
        assert heading in stdout


def test_quick_run_compares_floor_mock_and_moto(quick_run: tuple[str, dict[str, Any]]) -> None:
    cases = quick_run[1]["calls"]["cases"]
    for name in (
        "floor GetRun",
        "omics-mock GetRun",
        "omics-mock StartRun",
        "omics-mock ListRuns",
        "moto StartJobRun",
        "moto DescribeJobRun",
    ):
        assert cases[name]["median"] > 0


def test_quick_batch_reaches_processed(quick_run: tuple[str, dict[str, Any]]) -> None:
    batch = quick_run[1]["scale"]["main"]["batch"]
    assert batch["status"] == "PROCESSED"
    assert batch["completed_runs"] == batch["runs"]


def test_quick_profile_times_the_pipeline_layers(quick_run: tuple[str, dict[str, Any]]) -> None:
    layers = quick_run[1]["profile"]["layers"]
    assert {"GetRun", "StartRun"} <= set(layers)
    assert layers["StartRun"]["backend handler"] > 0


def test_quick_storage_round_trip_measures_throughput(
    quick_run: tuple[str, dict[str, Any]],
) -> None:
    storage = quick_run[1]["storage"]
    assert storage["size_bytes"] == 8 * 1024 * 1024 and storage["parts"] == 8
    assert storage["upload_mb_s"] > 0 and storage["download_mb_s"] > 0


def test_quick_server_section_calls_over_http(quick_run: tuple[str, dict[str, Any]]) -> None:
    server = quick_run[1]["server"]
    assert set(server["per_call"]["ratios"]) == {
        "HTTP, same process, keep-alive",
        "HTTP, same process, Connection: close",
        "HTTP, omics-mock server process",
    }
    assert all(rate > 0 for rate in server["threads"]["rates"].values())
