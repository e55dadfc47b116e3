"""Fixed costs: ``import omics_mock``, mock enter/exit, and a pytest test's prologue.

``import omics_mock`` is timed in fresh subprocesses, on top of ``import
boto3`` in the same process, from a temporary copy of the package: once
compiled ahead (bytecode cached, what every run after the first gets) and
once with no bytecode at all (``-B``, what a machine with
``PYTHONDONTWRITEBYTECODE=1`` pays on every run). The copy keeps the
repository free of ``__pycache__`` and makes both cases exact.
"""

from __future__ import annotations

import compileall
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from .common import Case, Group, run_rounds

IMPORT_SCRIPT = r"""
import json, sys, time
clock = time.perf_counter
start = clock()
import boto3
after_boto3 = clock()
before = set(sys.modules)
import omics_mock
after_import = clock()
added = sorted(m for m in set(sys.modules) - before if not m.startswith("omics_mock"))
from omics_mock import mock_omics
after_names = clock()
with mock_omics():
    pass
after_first = clock()
with mock_omics():
    pass
after_second = clock()
print(json.dumps({
    "boto3": after_boto3 - start,
    "omics_mock": after_import - after_boto3,
    "omics_mock_usable": after_names - after_boto3,
    "first_activation": after_first - after_names,
    "second_activation": after_second - after_first,
    "modules_added_besides_omics_mock": added,
    "file": omics_mock.__file__,
}))
"""


def _package_dir() -> Path:
    import omics_mock

    return Path(omics_mock.__file__).resolve().parent


def _run_import(directory: Path, no_bytecode: bool) -> dict[str, Any]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(directory)
    env.pop("PYTHONPYCACHEPREFIX", None)
    command = [sys.executable, *(["-B"] if no_bytecode else []), "-c", IMPORT_SCRIPT]
    done = subprocess.run(
        command, cwd=directory, env=env, capture_output=True, text=True, check=True, timeout=120
    )
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    if not result["file"].startswith(str(directory)):
        raise RuntimeError(f"imported {result['file']}, not the copy in {directory}")
    return result


def import_cost(cached_reps: int, uncached_reps: int) -> dict[str, Any]:
    """Medians over fresh processes; ``cached`` and ``uncached`` bytecode."""
    with tempfile.TemporaryDirectory(prefix="omics-bench-import-") as tmp:
        cached, uncached = Path(tmp, "cached"), Path(tmp, "uncached")
        ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
        shutil.copytree(_package_dir(), cached / "omics_mock", ignore=ignore)
        shutil.copytree(_package_dir(), uncached / "omics_mock", ignore=ignore)
        compileall.compile_dir(str(cached), quiet=1)
        runs: dict[str, list[dict[str, Any]]] = {"cached": [], "uncached": []}
        for index in range(max(cached_reps, uncached_reps)):  # alternate: same noise for both
            if index < cached_reps:
                runs["cached"].append(_run_import(cached, no_bytecode=False))
            if index < uncached_reps:
                runs["uncached"].append(_run_import(uncached, no_bytecode=True))
    out: dict[str, Any] = {}
    for kind, results in runs.items():
        if not results:
            continue
        out[kind] = {
            key: statistics.median(r[key] for r in results)
            for key in (
                "boto3",
                "omics_mock",
                "omics_mock_usable",
                "first_activation",
                "second_activation",
            )
        }
        out[kind]["samples"] = [r["omics_mock"] for r in results]
        out["modules_added_besides_omics_mock"] = results[0]["modules_added_besides_omics_mock"]
    return out


def enter_exit(rounds: int, n: int) -> dict[str, Any]:
    """``with mock_omics(): pass``, and its two halves, side by side."""
    from omics_mock import mock_omics

    def with_block() -> None:
        with mock_omics():
            pass

    existing = mock_omics()

    def start_stop() -> None:
        existing.start()
        existing.stop()

    cases = [
        Case("with mock_omics(): pass", with_block),
        Case("mock_omics() (construct only)", mock_omics),
        Case("start() + stop() of a constructed mock", start_stop),
    ]
    run_rounds([Group(cases, n)], rounds)
    return {case.name: {"median": case.median, "samples": case.samples} for case in cases}


def pytest_prologue(iterations: int) -> dict[str, Any]:
    """What the plugin's fixtures cost a test: activate, client, first call, deactivate.

    Each iteration does what ``omics_client`` (with ``omics_mock``) does for
    one test. The first iteration also builds the plugin's shared session
    (once per process), so it is reported apart.
    """
    from omics_mock import mock_omics
    from omics_mock.pytest_plugin import omics_client_for

    clock = time.perf_counter
    steps: dict[str, list[float]] = {
        "activate": [],
        "client": [],
        "first call": [],
        "second call": [],
        "deactivate": [],
        "total": [],
    }
    first: dict[str, float] = {}
    for index in range(iterations + 1):
        t0 = clock()
        mock = mock_omics()
        mock.__enter__()
        t1 = clock()
        client = omics_client_for("us-east-1")
        t2 = clock()
        client.list_runs()
        t3 = clock()
        client.list_runs()
        t4 = clock()
        mock.__exit__(None, None, None)
        t5 = clock()
        values = {
            "activate": t1 - t0,
            "client": t2 - t1,
            "first call": t3 - t2,
            "second call": t4 - t3,
            "deactivate": t5 - t4,
            "total": (t5 - t0) - (t4 - t3),  # the prologue has one call; the second is context
        }
        if index == 0:
            first = values
            continue
        for name, value in values.items():
            steps[name].append(value)
    return {
        "first_test": first,
        "median": {name: statistics.median(values) for name, values in steps.items()},
        "samples": steps["total"],
    }
