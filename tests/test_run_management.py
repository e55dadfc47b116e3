"""CancelRun, DeleteRun, ListRuns, duplication by runId, retention."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from .helpers import OUT, ROLE, error_of


def test_cancel_running_run_ends_cancelled(omics: Any, start: Any, clock: Any) -> None:
    run_id = start()
    clock.advance(minutes=3)
    response = omics.cancel_run(id=run_id)
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert omics.get_run(id=run_id)["status"] == "STOPPING"
    clock.advance(minutes=1)
    run = omics.get_run(id=run_id)
    assert run["status"] == "CANCELLED"
    assert "stopTime" in run


def test_cancel_pending_run_is_cancelled_at_once(omics: Any, start: Any) -> None:
    run_id = start()
    omics.cancel_run(id=run_id)
    assert omics.get_run(id=run_id)["status"] == "CANCELLED"


def test_cancel_completed_run_is_a_conflict(omics: Any, start: Any, clock: Any) -> None:
    run_id = start()
    clock.advance(minutes=10)
    with pytest.raises(ClientError) as excinfo:
        omics.cancel_run(id=run_id)
    code, status, message = error_of(excinfo)
    assert (code, status) == ("ConflictException", 409)
    assert run_id in message and "COMPLETED" in message


def test_delete_active_run_is_a_conflict(omics: Any, start: Any) -> None:
    run_id = start()
    with pytest.raises(ClientError) as excinfo:
        omics.delete_run(id=run_id)
    assert error_of(excinfo)[:2] == ("ConflictException", 409)


@pytest.mark.parametrize("end", ["complete", "fail", "cancel"])
def test_deleted_run_is_gone(omics: Any, omics_mock: Any, start: Any, end: str) -> None:
    run_id = start()
    if end == "cancel":
        omics.cancel_run(id=run_id)
    else:
        getattr(omics_mock.runs, end)(run_id)
    assert omics.delete_run(id=run_id)["ResponseMetadata"]["HTTPStatusCode"] == 202
    with pytest.raises(ClientError) as excinfo:
        omics.get_run(id=run_id)
    assert error_of(excinfo) == ("ResourceNotFoundException", 404, f"Run {run_id} not found")
    assert run_id not in [r["id"] for r in omics.list_runs()["items"]]


@pytest.mark.parametrize("operation", ["get_run", "cancel_run", "delete_run", "list_run_tasks"])
def test_unknown_run_is_not_found(omics: Any, operation: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        getattr(omics, operation)(id="7777777")
    assert error_of(excinfo) == ("ResourceNotFoundException", 404, "Run 7777777 not found")


def test_list_runs_pages_newest_first(omics: Any, start: Any) -> None:
    ids = [start(name=f"s{i}") for i in range(5)]
    first = omics.list_runs(maxResults=2)
    assert [r["id"] for r in first["items"]] == ids[::-1][:2]
    rest = omics.list_runs(maxResults=2, startingToken=first["nextToken"])
    assert [r["id"] for r in rest["items"]] == ids[::-1][2:4]
    everything = omics.get_paginator("list_runs").paginate(PaginationConfig={"PageSize": 2})
    assert [r["id"] for r in everything.build_full_result()["items"]] == ids[::-1]
    assert "nextToken" not in omics.list_runs(maxResults=5)


def test_list_runs_filters(omics: Any, start: Any, clock: Any) -> None:
    done = start(name="alpha")
    clock.advance(minutes=10)
    pending = start(name="beta")
    assert [r["id"] for r in omics.list_runs(name="alpha")["items"]] == [done]
    assert [r["id"] for r in omics.list_runs(status="PENDING")["items"]] == [pending]
    assert [r["id"] for r in omics.list_runs(status="COMPLETED")["items"]] == [done]


def test_list_runs_item_fields(omics: Any, start: Any, workflow: str) -> None:
    start(name="one", priority=3)
    item = omics.list_runs()["items"][0]
    assert item["workflowId"] == workflow
    assert item["workflowName"] == "wgs"
    assert item["priority"] == 3
    assert item["storageType"] == "STATIC"
    assert set(item) <= {
        "arn",
        "id",
        "status",
        "workflowId",
        "batchId",
        "name",
        "priority",
        "storageCapacity",
        "creationTime",
        "startTime",
        "stopTime",
        "storageType",
        "workflowVersionName",
        "workflowName",
    }


def test_list_runs_max_results_is_validated(omics: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        omics.list_runs(maxResults=101)
    assert error_of(excinfo)[:2] == ("ValidationException", 400)


def test_bad_page_token_is_a_validation_error(omics: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        omics.list_runs(startingToken="not-a-token")
    assert error_of(excinfo)[:2] == ("ValidationException", 400)


def test_duplicate_copies_settings_and_records_its_source(omics: Any, start: Any) -> None:
    source = start(
        name="orig",
        priority=7,
        parameters={"sample": "s", "threads": 2},
        storageType="DYNAMIC",
        logLevel="ERROR",
        tags={"k": "v"},
    )
    copy = omics.start_run(runId=source, roleArn=ROLE, outputUri="s3://other/out/")["id"]
    run = omics.get_run(id=copy)
    assert run["runId"] == source
    assert (run["name"], run["priority"], run["storageType"], run["logLevel"]) == (
        "orig",
        7,
        "DYNAMIC",
        "ERROR",
    )
    assert run["parameters"] == {"sample": "s", "threads": 2}
    assert run["tags"] == {"k": "v"}
    assert run["outputUri"] == "s3://other/out/"


def test_duplicate_with_overrides(omics: Any, start: Any) -> None:
    source = start(name="orig", parameters={"sample": "s"})
    copy = omics.start_run(
        runId=source, roleArn=ROLE, outputUri=OUT, name="rerun", parameters={"sample": "t"}
    )["id"]
    run = omics.get_run(id=copy)
    assert (run["name"], run["parameters"]) == ("rerun", {"sample": "t"})


def test_duplicate_of_unknown_run_is_not_found(omics: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        omics.start_run(runId="7654321", roleArn=ROLE, outputUri=OUT)
    assert error_of(excinfo) == ("ResourceNotFoundException", 404, "Run 7654321 not found")


def test_remove_run_evicts_the_oldest_remove_run(omics: Any, omics_mock: Any, start: Any) -> None:
    omics_mock.settings.quotas.max_runs = 3
    oldest = start(retentionMode="REMOVE")
    kept = [start(retentionMode="REMOVE"), start()]
    newest = start(retentionMode="REMOVE")
    listed = {r["id"] for r in omics.list_runs()["items"]}
    assert listed == {*kept, newest}
    with pytest.raises(ClientError) as excinfo:
        omics.get_run(id=oldest)
    assert error_of(excinfo)[:2] == ("ResourceNotFoundException", 404)


def test_at_the_limit_with_only_retain_runs_start_is_refused(omics_mock: Any, start: Any) -> None:
    omics_mock.settings.quotas.max_runs = 2
    start()
    start()
    with pytest.raises(ClientError) as excinfo:
        start(retentionMode="REMOVE")
    code, status, message = error_of(excinfo)
    assert (code, status) == ("ServiceQuotaExceededException", 402)
    assert "maximum number of runs" in message


def test_deleting_makes_room_under_the_limit(omics: Any, omics_mock: Any, start: Any) -> None:
    omics_mock.settings.quotas.max_runs = 1
    first = start()
    omics.cancel_run(id=first)
    omics.delete_run(id=first)
    assert start()


def test_concurrency_quota_keeps_runs_pending(
    omics: Any, omics_mock: Any, start: Any, clock: Any
) -> None:
    omics_mock.settings.quotas.max_concurrent_runs = 2
    runs = [start() for _ in range(3)]
    clock.advance(seconds=60)
    assert [omics.get_run(id=r)["status"] for r in runs] == ["STARTING", "STARTING", "PENDING"]
    omics.cancel_run(id=runs[0])
    clock.advance(seconds=61)
    assert omics.get_run(id=runs[2])["status"] == "STARTING"


def test_waiting_runs_are_admitted_by_priority(
    omics: Any, omics_mock: Any, start: Any, clock: Any
) -> None:
    omics_mock.settings.quotas.max_concurrent_runs = 1
    blocker = start()
    low, high, middle = start(priority=1), start(priority=100), start(priority=50)
    clock.advance(seconds=31)
    admitted = []
    for _ in range(4):
        omics_mock.runs.complete(
            next(
                r
                for r in [blocker, low, high, middle]
                if omics.get_run(id=r)["status"] == "STARTING"
            )
        )
        starting = [r for r in (low, high, middle) if omics.get_run(id=r)["status"] == "STARTING"]
        admitted.extend(r for r in starting if r not in admitted)
        if len(admitted) == 3:
            break
    assert admitted == [high, middle, low]
