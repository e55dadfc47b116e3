"""Runs move PENDING -> STARTING -> RUNNING -> STOPPING -> a terminal status in virtual time."""

from __future__ import annotations

import time
from typing import Any

import pytest
from botocore.exceptions import WaiterError

from .helpers import OUT, ROLE

# Default phases: PENDING 30 s, STARTING 120 s, RUNNING 3 tasks x 100 s, STOPPING 60 s.
PHASES = [(0, "PENDING"), (30, "STARTING"), (150, "RUNNING"), (450, "STOPPING"), (510, "COMPLETED")]


def test_start_run_answers_pending_with_identifiers(omics: Any, workflow: str) -> None:
    run = omics.start_run(
        workflowId=workflow, roleArn=ROLE, outputUri=OUT, parameters={"sample": "x"}
    )
    assert run["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert run["status"] == "PENDING"
    assert len(run["id"]) == 7 and run["id"].isdigit()
    assert run["arn"] == f"arn:aws:omics:us-east-1:123456789012:run/{run['id']}"
    assert run["runOutputUri"] == f"s3://omics-out/results/{run['id']}/{run['uuid']}"


def test_run_walks_through_every_phase(omics: Any, start: Any, clock: Any) -> None:
    run_id = start()
    elapsed = 0
    for at, status in PHASES:
        clock.advance(seconds=at - elapsed)
        elapsed = at
        assert omics.get_run(id=run_id)["status"] == status, f"at {at}s"


def test_timestamps_are_set_at_their_phases(omics: Any, start: Any, clock: Any) -> None:
    run_id = start()
    created = omics.get_run(id=run_id)
    assert "startTime" not in created and "stopTime" not in created
    clock.advance(seconds=150)
    running = omics.get_run(id=run_id)
    assert (running["startTime"] - running["creationTime"]).total_seconds() == pytest.approx(
        150, abs=1
    )
    assert "stopTime" not in running
    clock.advance(seconds=400)
    done = omics.get_run(id=run_id)
    assert (done["stopTime"] - done["creationTime"]).total_seconds() == pytest.approx(510, abs=1)


def test_run_completed_waiter_returns_at_once_in_real_time(
    omics: Any, start: Any, clock: Any
) -> None:
    run_id = start()
    began = time.monotonic()
    omics.get_waiter("run_completed").wait(id=run_id)
    assert time.monotonic() - began < 5
    assert omics.get_run(id=run_id)["status"] == "COMPLETED"
    assert clock.offset.total_seconds() >= 510


def test_run_running_waiter_stops_at_running(omics: Any, start: Any) -> None:
    run_id = start()
    omics.get_waiter("run_running").wait(id=run_id)
    assert omics.get_run(id=run_id)["status"] == "RUNNING"


def test_cancelled_run_makes_run_completed_run_out_of_attempts(omics: Any, start: Any) -> None:
    run_id = start()
    omics.cancel_run(id=run_id)
    began = time.monotonic()
    with pytest.raises(WaiterError) as excinfo:
        omics.get_waiter("run_completed").wait(id=run_id)
    assert "Max attempts exceeded" in str(excinfo.value)
    assert time.monotonic() - began < 5


def test_run_running_waiter_fails_on_cancelled_run(omics: Any, start: Any) -> None:
    run_id = start()
    omics.cancel_run(id=run_id)
    with pytest.raises(WaiterError) as excinfo:
        omics.get_waiter("run_running").wait(id=run_id)
    assert "terminal failure" in str(excinfo.value)


def test_run_completed_waiter_fails_on_failed_run(omics: Any, omics_mock: Any, start: Any) -> None:
    run_id = start()
    omics_mock.runs.fail(run_id, reason="OutOfMemory")
    with pytest.raises(WaiterError) as excinfo:
        omics.get_waiter("run_completed").wait(id=run_id)
    assert "terminal failure" in str(excinfo.value)


def test_freezegun_tick_moves_runs(omics: Any, start: Any) -> None:
    from freezegun import freeze_time

    with freeze_time("2026-01-01 00:00:00") as frozen:
        run_id = start()
        assert omics.get_run(id=run_id)["status"] == "PENDING"
        frozen.tick(151)
        assert omics.get_run(id=run_id)["status"] == "RUNNING"
        frozen.tick(400)
        run = omics.get_run(id=run_id)
        assert run["status"] == "COMPLETED"
        assert run["creationTime"].year == 2026 and run["creationTime"].month == 1


def test_global_durations_are_configurable(
    omics: Any, omics_mock: Any, start: Any, clock: Any
) -> None:
    omics_mock.runs.set_durations(pending=1, starting=1, running=10, stopping=1)
    run_id = start()
    clock.advance(seconds=13)
    assert omics.get_run(id=run_id)["status"] == "COMPLETED"


def test_durations_per_workflow(
    omics: Any, omics_mock: Any, workflow: str, start: Any, clock: Any
) -> None:
    omics_mock.runs.set_durations(workflow_id=workflow, running=3600)
    run_id = start()
    clock.advance(seconds=1000)
    assert omics.get_run(id=run_id)["status"] == "RUNNING"


def test_durations_per_run(omics: Any, omics_mock: Any, start: Any, clock: Any) -> None:
    slow, fast = start(), start()
    omics_mock.runs.set_durations(run_id=slow, running=7200)
    clock.advance(seconds=600)
    assert omics.get_run(id=fast)["status"] == "COMPLETED"
    assert omics.get_run(id=slow)["status"] == "RUNNING"


def test_polling_loop_with_patched_sleep_sees_every_state(workflow_zip_client: Any) -> None:
    from omics_mock import mock_omics

    from .helpers import wdl_zip

    seen = []
    began = time.monotonic()
    with mock_omics(patch_sleep=True):
        omics = workflow_zip_client()
        wf = omics.create_workflow(definitionZip=wdl_zip())["id"]
        time.sleep(1)
        run_id = omics.start_run(
            workflowId=wf, roleArn=ROLE, outputUri=OUT, parameters={"sample": "s"}
        )["id"]
        while True:
            status = omics.get_run(id=run_id)["status"]
            if not seen or seen[-1] != status:
                seen.append(status)
            if status in ("COMPLETED", "FAILED", "CANCELLED"):
                break
            time.sleep(30)
    assert seen == ["PENDING", "STARTING", "RUNNING", "STOPPING", "COMPLETED"]
    assert time.monotonic() - began < 5


def test_per_poll_progress_moves_one_phase_per_get_run(
    omics: Any, omics_mock: Any, start: Any
) -> None:
    omics_mock.runs.progress = "per_poll"
    run_id = start()
    statuses = [omics.get_run(id=run_id)["status"] for _ in range(5)]
    assert statuses == ["STARTING", "RUNNING", "STOPPING", "COMPLETED", "COMPLETED"]
