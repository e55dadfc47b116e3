"""Scale: a 100,000-run batch driven to PROCESSED in virtual time, and ListRuns page cost.

Run in its own process (``python -m bench.scale --runs 100000``), so the peak
RSS it reports belongs to this scenario alone; it prints one JSON object.

The batch: a settings file of N entries registered with ``mock.s3.put_object``,
``StartRunBatch`` with ``s3UriSettings``, every run phase one virtual second
(``pending=0``), ``start_run_tps`` 1000, the default 100 concurrent runs; the
clock is advanced in steps and ``GetBatch`` polled until PROCESSED.

Then ListRuns (``maxResults=100``) is timed side by side, in this process, in
the batch's account (N stored runs) and in a second account holding 100.

``--artifacts off`` switches every run artefact off (outputs, logs, events, cache
entries), to compare with the default; ``--moto`` runs the batch under moto's
``mock_aws`` (with the output bucket), so every artefact is written into moto:
the timed part ends with one request to moto's CloudWatch Logs, before which the
runs' artefacts are handed over.
``--compare`` runs the batch with artefacts on and off in child processes and
prints both and their ratios (CPU time is the steadier figure on a shared machine);
``--repeat N`` alternates N such pairs and adds the ratio of the medians, of the
fastest runs, and of each pair (for a machine whose speed drifts).
"""

from __future__ import annotations

import argparse
import functools
import gc
import json
import resource
import sys
import time
from collections.abc import Callable
from typing import Any

from .common import (
    OUT,
    REGION,
    ROLE,
    Case,
    Group,
    create_active_workflow,
    paired,
    run_rounds,
    start_run_request,
)

SETTINGS_URI = "s3://omics-bench-settings/runs.json"
SMALL_ACCOUNT = "210987654321"
SMALL_RUNS = 100
ENDED = ("PROCESSED", "FAILED", "CANCELLED")


def _maxrss_bytes() -> int:
    """Peak resident set size of this process so far (Linux reports KiB)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024


def _current_rss_bytes() -> int | None:
    try:
        with open("/proc/self/statm") as statm:
            pages = int(statm.read().split()[1])
    except (OSError, ValueError, IndexError):
        return None
    import os

    return pages * os.sysconf("SC_PAGE_SIZE")


MODES = ("plain", "no-gc", "tracemalloc", "cprofile")
"""How to drive the batch: as is, with the cyclic GC off, tracing allocations, profiled."""


def run_batch(
    mock: Any,
    client: Any,
    workflow: str,
    runs: int,
    step: float,
    mode: str = "plain",
    read_after: Callable[[], Any] | None = None,
) -> dict[str, Any]:
    """Start the batch and drive it to an end, then call ``read_after`` (under moto: one
    read of moto, which is handed every artefact first); returns timings and memory."""
    import cProfile
    import tracemalloc

    mock.runs.set_durations(pending=0, starting=1, running=1, stopping=1)
    mock.settings.quotas.start_run_tps = 1000
    entries = [{"runSettingId": f"r{i}", "parameters": {"sample": f"S{i}"}} for i in range(runs)]
    mock.s3.put_object(SETTINGS_URI, json.dumps(entries))
    del entries
    gc.collect()
    rss_before = _current_rss_bytes()
    peak_before = _maxrss_bytes()
    profiler = cProfile.Profile() if mode == "cprofile" else None
    if mode == "tracemalloc":
        tracemalloc.start()
    if mode == "no-gc":
        gc.disable()
    collector = _GcTimer()
    gc.callbacks.append(collector)
    if profiler is not None:
        profiler.enable()
    start = time.perf_counter()
    cpu_start = time.process_time()
    started = client.start_run_batch(
        batchName="bench",
        defaultRunSetting={
            "workflowId": workflow,
            "roleArn": ROLE,
            "outputUri": OUT,
            "parameters": {"threads": 2},
        },
        batchRunSettings={"s3UriSettings": SETTINGS_URI},
    )
    accepted = time.perf_counter()
    polls, status = 0, started["status"]
    got: dict[str, Any] = {}
    while status not in ENDED and polls < 100_000:
        mock.clock.advance(seconds=step)
        got = client.get_batch(batchId=started["id"])
        status = got["status"]
        polls += 1
    if read_after is not None:
        read_after()
    end = time.perf_counter()
    cpu_end = time.process_time()
    if profiler is not None:
        profiler.disable()
    gc.callbacks.remove(collector)
    gc.enable()
    result: dict[str, Any] = {
        "runs": runs,
        "mode": mode,
        "status": status,
        "polls": polls,
        "virtual_seconds": polls * step,
        "start_run_batch_seconds": accepted - start,
        "real_seconds": end - start,
        "cpu_seconds": cpu_end - cpu_start,
        "completed_runs": got.get("runSummary", {}).get("completedRunCount"),
        "successful_starts": got.get("submissionSummary", {}).get("successfulStartSubmissionCount"),
        "peak_rss_bytes": _maxrss_bytes(),
        "peak_rss_before_bytes": peak_before,
        "gc_seconds": collector.seconds,
        "gc_collections": collector.collections,
    }
    rss_after = _current_rss_bytes()
    if rss_before is not None and rss_after is not None:
        result["rss_growth_bytes"] = rss_after - rss_before
    if mode == "tracemalloc":
        gc.collect()
        current, peak = tracemalloc.get_traced_memory()
        snapshot = tracemalloc.take_snapshot()
        tracemalloc.stop()
        result["traced_current_bytes"] = current
        result["traced_peak_bytes"] = peak
        result["retained_by_site"] = [
            {
                "site": str(stat.traceback).replace(_package_root(), ""),
                "bytes_per_run": stat.size / runs,
                "blocks_per_run": stat.count / runs,
            }
            for stat in snapshot.statistics("lineno")[:15]
        ]
    if profiler is not None:
        result["profile"] = _profile_summary(profiler, end - start)
    gc.collect()
    return result


class _GcTimer:
    """A ``gc.callbacks`` entry adding up the time spent in cyclic collections."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.collections = [0, 0, 0]
        self._start = 0.0

    def __call__(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self._start = time.perf_counter()
        else:
            self.seconds += time.perf_counter() - self._start
            self.collections[info["generation"]] += 1


def _package_root() -> str:
    import os

    import omics_mock

    return os.path.dirname(os.path.dirname(omics_mock.__file__)) + os.sep


def _profile_summary(profiler: Any, seconds: float, top: int = 15) -> dict[str, Any]:
    """omics-mock functions by cumulative and by own time, as shares of the profiled total."""
    import io
    import pstats

    raw: dict[Any, Any] = pstats.Stats(profiler, stream=io.StringIO()).stats  # type: ignore[attr-defined]
    total = sum(entry[2] for entry in raw.values())

    def label(key: Any) -> str:
        return f"{key[0].rsplit('omics_mock/', 1)[-1]}:{key[1]}({key[2]})"

    def ranked(index: int, ours_below: float | None) -> list[dict[str, Any]]:
        entries = sorted(raw.items(), key=lambda item: item[1][index], reverse=True)
        if ours_below is not None:  # omics-mock's functions under the request pipeline
            entries = [
                (key, entry)
                for key, entry in entries
                if "omics_mock" in key[0] and entry[index] / total < ours_below
            ]
        return [
            {"function": label(key), "calls": entry[1], "share": entry[index] / total}
            for key, entry in entries[:top]
        ]

    return {
        "profiled_seconds": seconds,
        "by_own_time": ranked(2, None),
        "by_cumulative": ranked(3, 0.95),
    }


def list_scale(mock: Any, session: Any, big: Any, rounds: int, n: int) -> dict[str, Any]:
    """ListRuns page cost: the batch's account against an account of 100 runs."""
    small = session.client("omics", aws_access_key_id=SMALL_ACCOUNT, aws_secret_access_key="bench")
    workflow = create_active_workflow(small)
    for i in range(SMALL_RUNS):
        small.start_run(**start_run_request(workflow, i))
    mock.clock.advance(days=1)
    stored_big = len(mock.inspect().runs.store)
    deep_token = None
    page = big.list_runs(maxResults=100)
    for _ in range(5):  # a page further down: the token path
        deep_token = page.get("nextToken")
        if deep_token is None:
            break
        page = big.list_runs(maxResults=100, startingToken=deep_token)
    one_name = "bench-7"  # one run of the small account has it; none of the batch's do

    pages = [
        Case(f"ListRuns first page, {SMALL_RUNS} stored", lambda: small.list_runs(maxResults=100)),
        Case(f"ListRuns first page, {stored_big} stored", lambda: big.list_runs(maxResults=100)),
    ]
    if deep_token is not None:
        pages.append(
            Case(
                f"ListRuns 6th page, {stored_big} stored",
                lambda: big.list_runs(maxResults=100, startingToken=deep_token),
            )
        )
    filtered = [
        Case(f"ListRuns name filter, {SMALL_RUNS} stored", lambda: small.list_runs(name=one_name)),
        Case(f"ListRuns name filter, {stored_big} stored", lambda: big.list_runs(name=one_name)),
    ]
    by_status = [
        Case(
            f"ListRuns status filter, {SMALL_RUNS} stored",
            lambda: small.list_runs(status="COMPLETED", maxResults=100),
        ),
        Case(
            f"ListRuns status filter, {stored_big} stored",
            lambda: big.list_runs(status="COMPLETED", maxResults=100),
        ),
    ]
    run_rounds([Group(pages, n), Group(filtered, n), Group(by_status, n)], rounds)
    out: dict[str, Any] = {"stored_big": stored_big, "stored_small": SMALL_RUNS, "cases": {}}
    for case in pages + filtered + by_status:
        out["cases"][case.name] = {"median": case.median, "samples": case.samples}
    out["first_page_ratio"] = paired(pages[1], pages[0])
    if deep_token is not None:
        out["deep_page_ratio"] = paired(pages[2], pages[0])
    out["name_filter_ratio"] = paired(filtered[1], filtered[0])
    out["status_filter_ratio"] = paired(by_status[1], by_status[0])
    return out


def measure(
    runs: int,
    step: float,
    mode: str,
    list_rounds: int,
    list_n: int,
    artifacts: bool = True,
    moto: bool = False,
) -> dict[str, Any]:
    import contextlib

    import boto3

    from omics_mock import mock_omics

    with contextlib.ExitStack() as stack:
        if moto:
            from moto import mock_aws

            stack.enter_context(mock_aws())
        return _measure(runs, step, mode, list_rounds, list_n, artifacts, moto, boto3, mock_omics)


def _measure(
    runs: int,
    step: float,
    mode: str,
    list_rounds: int,
    list_n: int,
    artifacts: bool,
    moto: bool,
    boto3: Any,
    mock_omics: Any,
) -> dict[str, Any]:
    session = boto3.session.Session(
        aws_access_key_id="AKIAOMICSBENCH000000", aws_secret_access_key="bench", region_name=REGION
    )
    result: dict[str, Any] = {
        "baseline_peak_rss_bytes": _maxrss_bytes(),
        "artifacts": artifacts,
        "moto": moto,
    }
    with mock_omics() as mock:
        mock.settings.quotas.max_runs = max(mock.settings.quotas.max_runs, runs)
        for kind in ("outputs", "logs", "events", "cache_entries"):
            setattr(mock.settings.artifacts, kind, artifacts)
        if moto:
            bucket = OUT[len("s3://") :].split("/", 1)[0]
            session.client("s3").create_bucket(Bucket=bucket)
        client = session.client("omics")
        workflow = create_active_workflow(client)
        read_after = None
        if moto:  # the artefacts are written into moto before it answers: time that too
            logs = session.client("logs")
            read_after = functools.partial(logs.describe_log_groups, limit=1)
        result["batch"] = run_batch(mock, client, workflow, runs, step, mode, read_after)
        if list_rounds > 0:
            result["list"] = list_scale(mock, session, client, list_rounds, list_n)
    return result


def compare_artifacts(runs: int, step: float, moto: bool, repeat: int = 1) -> dict[str, Any]:
    """The batch with artefacts off and on, each in its own process, ``repeat`` times
    alternately (off, on, off, on...): on a machine whose speed drifts, the medians and
    the ratios of neighbouring pairs say more than one pair."""
    import statistics
    import subprocess

    pairs: list[dict[str, Any]] = []
    for _ in range(repeat):
        found: dict[str, Any] = {}
        for setting in ("off", "on"):
            command = [sys.executable, "-m", "bench.scale", "--runs", str(runs)]
            command += ["--step", str(step), "--list-rounds", "0", "--artifacts", setting]
            command += ["--moto"] if moto else []
            done = subprocess.run(command, capture_output=True, text=True, check=True)
            found[setting] = json.loads(done.stdout.strip().splitlines()[-1])["batch"]
        pairs.append(found)
    on, off = pairs[0]["on"], pairs[0]["off"]
    result: dict[str, Any] = {
        "runs": runs,
        "moto": moto,
        "off": off,
        "on": on,
        "cpu_ratio": on["cpu_seconds"] / off["cpu_seconds"],
        "real_ratio": on["real_seconds"] / off["real_seconds"],
    }
    if repeat > 1:
        cpu = {kind: [pair[kind]["cpu_seconds"] for pair in pairs] for kind in ("off", "on")}
        result["repeat"] = {
            "off_cpu_seconds": cpu["off"],
            "on_cpu_seconds": cpu["on"],
            "pair_cpu_ratios": [b / a for a, b in zip(cpu["off"], cpu["on"], strict=True)],
            "median_cpu_ratio": statistics.median(cpu["on"]) / statistics.median(cpu["off"]),
            "min_cpu_ratio": min(cpu["on"]) / min(cpu["off"]),
        }
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.scale", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--runs", type=int, default=100_000, help="runs in the batch (default 100000)"
    )
    parser.add_argument(
        "--step", type=float, default=60.0, help="virtual seconds per poll (default 60)"
    )
    parser.add_argument(
        "--mode",
        choices=MODES,
        default="plain",
        help="plain; no-gc (cyclic GC off); tracemalloc (allocations, slower); cprofile (slower)",
    )
    parser.add_argument("--list-rounds", type=int, default=9, help="ListRuns rounds (0: skip)")
    parser.add_argument("--list-n", type=int, default=20, help="ListRuns calls per round")
    parser.add_argument(
        "--artifacts", choices=("on", "off"), default="on", help="run artefacts (default on)"
    )
    parser.add_argument("--moto", action="store_true", help="under moto's mock_aws")
    parser.add_argument(
        "--compare", action="store_true", help="artefacts on and off, in child processes"
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="with --compare: this many off/on pairs, alternated; adds medians (default 1)",
    )
    args = parser.parse_args(argv)
    if args.compare:
        result = compare_artifacts(args.runs, args.step, args.moto, args.repeat)
    else:
        result = measure(
            args.runs,
            args.step,
            args.mode,
            args.list_rounds,
            args.list_n,
            args.artifacts == "on",
            args.moto,
        )
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
