"""Threads: no lost run, no duplicate ID, idempotency under races, exact counters.

The backend serialises each request under its account/Region lock, so these
hold by design. THREADS x CALLS_PER_THREAD defaults to 8 x 1,000; set
OMICS_MOCK_CONCURRENCY_CALLS to change the per-thread count.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from typing import Any

from omics_mock.pytest_plugin import omics_client_for

from .helpers import OUT, ROLE

THREADS = 8
CALLS_PER_THREAD = int(os.environ.get("OMICS_MOCK_CONCURRENCY_CALLS", "1000"))


def run_threads(work: Callable[[int], None], threads: int = THREADS) -> None:
    errors: list[BaseException] = []
    barrier = threading.Barrier(threads)

    def target(index: int) -> None:
        try:
            barrier.wait()
            work(index)
        except BaseException as error:  # reported below, in the test's thread
            errors.append(error)

    workers = [threading.Thread(target=target, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert not errors, errors[:3]


def test_threads_start_get_and_list_without_losing_runs(omics: Any, workflow: str) -> None:
    shared = omics_client_for("us-east-1")
    started: list[list[str]] = [[] for _ in range(THREADS)]

    def work(index: int) -> None:
        for call in range(CALLS_PER_THREAD):
            if call % 3 == 0:
                run = shared.start_run(
                    workflowId=workflow,
                    roleArn=ROLE,
                    outputUri=OUT,
                    parameters={"sample": f"t{index}-{call}"},
                    retentionMode="REMOVE",
                )
                started[index].append(run["id"])
            elif call % 3 == 1 and started[index]:
                assert shared.get_run(id=started[index][-1])["id"] == started[index][-1]
            else:
                shared.list_runs(maxResults=10)

    run_threads(work)
    ids = [run_id for per_thread in started for run_id in per_thread]
    assert len(ids) == len(set(ids))
    listed = omics.get_paginator("list_runs").paginate().build_full_result()["items"]
    assert {r["id"] for r in listed} == set(ids)


def test_same_request_id_from_many_threads_gives_one_run(omics: Any, workflow: str) -> None:
    results: list[str] = []
    lock = threading.Lock()

    def work(index: int) -> None:
        client = omics_client_for("us-east-1")
        for attempt in range(25):
            run = client.start_run(
                workflowId=workflow,
                roleArn=ROLE,
                outputUri=OUT,
                parameters={"sample": f"s{attempt}"},
                requestId=f"race-{attempt}",
            )
            with lock:
                results.append(f"{attempt}:{run['id']}")

    run_threads(work)
    by_attempt: dict[str, set[str]] = {}
    for entry in results:
        attempt, run_id = entry.split(":")
        by_attempt.setdefault(attempt, set()).add(run_id)
    assert all(len(ids) == 1 for ids in by_attempt.values())
    assert len(omics.list_runs(maxResults=100)["items"]) == 25


def test_run_group_limit_holds_under_threads(omics: Any, omics_mock: Any, workflow: str) -> None:
    omics_mock.runs.set_durations(pending=0, starting=1, running=2, stopping=1)
    group = omics.create_run_group(maxRuns=3)["id"]
    peak = {"active": 0}

    def work(index: int) -> None:
        client = omics_client_for("us-east-1")
        for call in range(20):
            client.start_run(
                workflowId=workflow,
                roleArn=ROLE,
                outputUri=OUT,
                runGroupId=group,
                parameters={"sample": f"{index}-{call}"},
            )
            if index == 0:
                omics_mock.clock.advance(seconds=1)
            active = omics_mock.inspect().runs.simulation.usage_of(group).runs
            peak["active"] = max(peak["active"], active)

    run_threads(work)
    assert peak["active"] <= 3
    for _ in range(400):
        omics_mock.clock.advance(seconds=5)
        listed = (
            omics.get_paginator("list_runs").paginate(runGroupId=group).build_full_result()["items"]
        )
        if all(r["status"] == "COMPLETED" for r in listed):
            break
    assert len(listed) == THREADS * 20
    assert all(r["status"] == "COMPLETED" for r in listed)


def test_batch_counters_stay_exact_under_concurrent_polling(
    omics: Any, omics_mock: Any, workflow: str
) -> None:
    omics_mock.settings.quotas.start_run_tps = 50
    omics_mock.runs.set_durations(pending=0, starting=1, running=3, stopping=1)
    batch = omics.start_run_batch(
        defaultRunSetting={"workflowId": workflow, "roleArn": ROLE, "outputUri": OUT},
        batchRunSettings={
            "inlineSettings": [
                {"runSettingId": f"r{i}", "parameters": {"sample": f"{i}"}} for i in range(100)
            ]
        },
    )["id"]

    def work(index: int) -> None:
        client = omics_client_for("us-east-1")
        for _ in range(30):
            if index == 0:
                omics_mock.clock.advance(seconds=1)
            got = client.get_batch(batchId=batch)
            submitted = got["submissionSummary"]["successfulStartSubmissionCount"]
            assert sum(got["runSummary"].values()) == submitted

    run_threads(work)
