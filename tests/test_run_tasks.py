"""GetRunTask and ListRunTasks: simulated tasks consistent with their run."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from .helpers import OUT, ROLE, error_of, zip_bytes

CALLS_WDL = """version 1.0
workflow calls {
  input {
    String sample
  }
  call align { input: s = sample }
  call sort
  call call_variants as haplotype
}
task align {
  command {}
  runtime {
    cpu: 8
    memory: "16 GiB"
  }
}
task sort {
  command {}
  runtime {
    cpu: 2
    memory: "8 GiB"
  }
}
task call_variants {
  command {}
}
"""


@pytest.fixture
def calls_workflow(omics: Any) -> str:
    return str(
        omics.create_workflow(name="calls", definitionZip=zip_bytes({"main.wdl": CALLS_WDL}))["id"]
    )


def start_calls(omics: Any, workflow: str) -> str:
    return str(
        omics.start_run(
            workflowId=workflow, roleArn=ROLE, outputUri=OUT, parameters={"sample": "s"}
        )["id"]
    )


def test_no_tasks_before_running(omics: Any, start: Any) -> None:
    assert omics.list_run_tasks(id=start())["items"] == []


def test_tasks_follow_the_definition_calls(omics: Any, calls_workflow: str, clock: Any) -> None:
    run_id = start_calls(omics, calls_workflow)
    clock.advance(minutes=10)
    tasks = omics.list_run_tasks(id=run_id)["items"]
    assert [(t["name"], t["cpus"], t["memory"]) for t in tasks] == [
        ("align", 8, 16),
        ("sort", 2, 8),
        ("haplotype", 2, 4),
    ]
    assert all(t["status"] == "COMPLETED" and t["instanceType"].startswith("omics.") for t in tasks)
    assert all(len(t["taskId"]) == 7 for t in tasks)


def test_task_details(omics: Any, start: Any, clock: Any) -> None:
    run_id = start()
    clock.advance(minutes=10)
    listed = omics.list_run_tasks(id=run_id)["items"][0]
    task = omics.get_run_task(id=run_id, taskId=listed["taskId"])
    assert task["logStream"] == (
        "arn:aws:logs:us-east-1:123456789012:log-group:/aws/omics/WorkflowLog:"
        f"log-stream:run/{run_id}/task/{listed['taskId']}"
    )
    assert task["creationTime"] <= task["startTime"] < task["stopTime"]
    assert task["cacheHit"] is False


def test_tasks_appear_one_after_another(omics: Any, start: Any, clock: Any) -> None:
    run_id = start()
    clock.advance(seconds=270)
    statuses = [t["status"] for t in omics.list_run_tasks(id=run_id)["items"]]
    assert statuses == ["COMPLETED", "RUNNING"]


def test_failed_run_has_a_failed_task(omics: Any, omics_mock: Any, start: Any, clock: Any) -> None:
    run_id = start()
    clock.advance(seconds=250)
    omics_mock.runs.fail(run_id, reason="OutOfMemory")
    run = omics.get_run(id=run_id)
    assert (run["status"], run["failureReason"]) == ("FAILED", "OutOfMemory")
    tasks = omics.list_run_tasks(id=run_id)["items"]
    assert [t["status"] for t in tasks] == ["COMPLETED", "FAILED"]
    failed = omics.get_run_task(id=run_id, taskId=tasks[1]["taskId"])
    assert failed["failureReason"] == "OutOfMemory"


def test_scripted_failure_fails_the_last_task(
    omics: Any, omics_mock: Any, workflow: str, start: Any
) -> None:
    omics_mock.runs.script(workflow, [("FAILED", "Task collect failed")])
    run_id = start()
    omics_mock.clock.advance(minutes=10)
    run = omics.get_run(id=run_id)
    assert (run["status"], run["failureReason"]) == ("FAILED", "Task collect failed")
    assert [t["status"] for t in omics.list_run_tasks(id=run_id)["items"]] == [
        "COMPLETED",
        "COMPLETED",
        "FAILED",
    ]
    assert omics.get_run(id=start())["status"] == "PENDING"


def test_cancelled_run_cancels_its_running_task(omics: Any, start: Any, clock: Any) -> None:
    run_id = start()
    clock.advance(seconds=160)
    omics.cancel_run(id=run_id)
    clock.advance(minutes=5)
    assert [t["status"] for t in omics.list_run_tasks(id=run_id)["items"]] == ["CANCELLED"]


def test_list_run_tasks_filters_and_pages(omics: Any, start: Any, clock: Any) -> None:
    run_id = start()
    clock.advance(seconds=400)
    assert [t["status"] for t in omics.list_run_tasks(id=run_id, status="COMPLETED")["items"]] == [
        "COMPLETED"
    ] * 2
    first = omics.list_run_tasks(id=run_id, maxResults=2)
    assert len(first["items"]) == 2
    rest = omics.list_run_tasks(id=run_id, maxResults=2, startingToken=first["nextToken"])
    assert len(rest["items"]) == 1 and "nextToken" not in rest


def test_unknown_task_is_not_found(omics: Any, start: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        omics.get_run_task(id=start(), taskId="1111111")
    assert error_of(excinfo) == ("ResourceNotFoundException", 404, "Task 1111111 not found")


def test_task_waiters(omics: Any, start: Any, clock: Any) -> None:
    run_id = start()
    clock.advance(seconds=151)
    task_id = omics.list_run_tasks(id=run_id)["items"][0]["taskId"]
    omics.get_waiter("task_running").wait(id=run_id, taskId=task_id)
    omics.get_waiter("task_completed").wait(id=run_id, taskId=task_id)
    assert omics.get_run_task(id=run_id, taskId=task_id)["status"] == "COMPLETED"
