"""The control API: what tests can do that the AWS API cannot."""

from __future__ import annotations

import time
from typing import Any

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from omics_mock.pytest_plugin import omics_client_for

from .helpers import error_of


def test_complete_ends_a_run_now(omics: Any, omics_mock: Any, start: Any) -> None:
    run_id = start()
    omics_mock.runs.complete(run_id)
    run = omics.get_run(id=run_id)
    assert run["status"] == "COMPLETED"
    assert "stopTime" in run


def test_fail_through_stopping(omics: Any, omics_mock: Any, start: Any, clock: Any) -> None:
    run_id = start()
    clock.advance(seconds=200)
    omics_mock.runs.fail(
        run_id, reason="OutOfMemory", message="Task process ran out of memory", immediately=False
    )
    assert omics.get_run(id=run_id)["status"] == "STOPPING"
    clock.advance(seconds=60)
    run = omics.get_run(id=run_id)
    assert (run["status"], run["failureReason"], run["statusMessage"]) == (
        "FAILED",
        "OutOfMemory",
        "Task process ran out of memory",
    )


def test_keep_running_holds_until_released(
    omics: Any, omics_mock: Any, start: Any, clock: Any
) -> None:
    run_id = start()
    omics_mock.runs.keep_running(run_id)
    clock.advance(hours=5)
    assert omics.get_run(id=run_id)["status"] == "RUNNING"
    omics_mock.runs.release(run_id)
    clock.advance(seconds=61)
    assert omics.get_run(id=run_id)["status"] == "COMPLETED"


def test_script_outcomes_per_workflow(
    omics: Any, omics_mock: Any, workflow: str, start: Any
) -> None:
    omics_mock.runs.script(workflow, ["FAILED", "COMPLETED"])
    first, second, third = start(), start(), start()
    omics_mock.clock.advance(minutes=10)
    assert [omics.get_run(id=r)["status"] for r in (first, second, third)] == [
        "FAILED",
        "COMPLETED",
        "COMPLETED",
    ]


def test_default_outcome(omics: Any, omics_mock: Any, start: Any) -> None:
    omics_mock.runs.set_default_outcome(("FAILED", "SERVICE_ERROR"))
    run_id = start()
    omics_mock.clock.advance(minutes=10)
    assert omics.get_run(id=run_id)["failureReason"] == "SERVICE_ERROR"


def test_control_refuses_ended_runs_and_unknown_ids(omics_mock: Any, start: Any) -> None:
    run_id = start()
    omics_mock.runs.complete(run_id)
    with pytest.raises(ValueError):
        omics_mock.runs.fail(run_id)
    with pytest.raises(KeyError):
        omics_mock.runs.complete("1234567")


def test_injected_fault_is_answered_n_times(omics_mock: Any, workflow: str) -> None:
    omics = omics_client_for(
        "us-east-1", config=Config(retries={"mode": "standard", "total_max_attempts": 1})
    )
    omics_mock.faults.inject("GetWorkflow", "InternalServerException", times=2)
    for _ in range(2):
        with pytest.raises(ClientError) as excinfo:
            omics.get_workflow(id=workflow)
        assert error_of(excinfo)[:2] == ("InternalServerException", 500)
    assert omics.get_workflow(id=workflow)["id"] == workflow


def test_injected_throttling_is_retried_without_real_sleeping(
    omics: Any, omics_mock: Any, start: Any
) -> None:
    omics_mock.faults.inject("StartRun", "ThrottlingException", times=2)
    began = time.monotonic()
    run_id = start()
    assert time.monotonic() - began < 2
    assert [r.error_code for r in omics_mock.calls("StartRun")] == [
        "ThrottlingException",
        "ThrottlingException",
        None,
    ]
    assert omics.get_run(id=run_id)["status"] == "PENDING"


def test_fault_injection_checks_its_arguments(omics_mock: Any) -> None:
    with pytest.raises(ValueError):
        omics_mock.faults.inject("StartRun", "NoSuchError")
    with pytest.raises(ValueError):
        omics_mock.faults.inject("NoSuchOperation", "ThrottlingException")


def test_request_log_records_every_call(omics: Any, omics_mock: Any, workflow: str) -> None:
    with pytest.raises(ClientError):
        omics.get_workflow(id="1234567")
    log = omics_mock.requests
    assert [r.operation for r in log] == ["CreateWorkflow", "GetWorkflow", "GetWorkflow"]
    assert log[-1].error_code == "ResourceNotFoundException"
    assert log[0].account_id == "123456789012" and log[0].region == "us-east-1"


def test_settings_do_not_leak_between_mocks() -> None:
    from omics_mock import mock_omics

    with mock_omics() as first:
        first.settings.quotas.max_runs = 1
        first.runs.set_durations(running=5)
    with mock_omics() as second:
        assert second.settings.quotas.max_runs == 100_000
        assert second.settings.durations.run.running is None


def test_set_outcome_of_one_run(omics: Any, omics_mock: Any, start: Any) -> None:
    doomed, fine = start(), start()
    omics_mock.runs.set_outcome(doomed, ("FAILED", "OutOfMemory"))
    omics_mock.clock.advance(minutes=10)
    failed = omics.get_run(id=doomed)
    assert (failed["status"], failed["failureReason"]) == ("FAILED", "OutOfMemory")
    assert omics.get_run(id=fine)["status"] == "COMPLETED"


def test_a_failing_simulated_event_is_recorded_not_raised(omics: Any, omics_mock: Any) -> None:
    backend = omics_mock.inspect()

    def broken(at: Any) -> None:
        raise RuntimeError("bug in a simulated event")

    backend.scheduler.schedule(omics_mock.clock.now(), broken)
    assert omics.list_workflows()["ResponseMetadata"]["HTTPStatusCode"] == 200
    failures = omics_mock.simulation_failures()
    assert [str(error) for _, error in failures] == ["bug in a simulated event"]
    backend.scheduler.failures.clear()  # the fixture would fail this test at teardown otherwise


def test_run_ids_may_be_given_as_ints(omics: Any, omics_mock: Any, start: Any) -> None:
    run_id = start()
    omics_mock.runs.fail(int(run_id), reason="OutOfMemory")
    assert omics.get_run(id=run_id)["failureReason"] == "OutOfMemory"
