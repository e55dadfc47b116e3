"""A suite of 300 tests run with pytest-xdist (``-n auto``): every worker process has
its own in-process mocks and its own ``omics_server``, and no state leaks between
tests. The suite is ``tests/xdist_suite/`` (files ``suite_*.py``, not collected by
the main run)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_three_hundred_tests_pass_with_n_auto(tmp_path: Path) -> None:
    log = tmp_path / "workers.log"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-n",
            "auto",
            "-q",
            "-p",
            "no:cacheprovider",
            "-o",
            "python_files=suite_*.py",
            "tests/xdist_suite",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "OMICS_MOCK_SUITE_LOG": str(log)},
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "300 passed" in done.stdout
    servers = {tuple(line.split()) for line in log.read_text().splitlines()}
    workers = {worker for worker, _ in servers}
    assert all(worker.startswith("gw") for worker in workers)
    assert len(servers) == len(workers), "one server per worker, for the whole session"
    assert len({port for _, port in servers}) == len(workers)
