"""Run groups: CRUD, and admission by maxRuns/maxCpus/maxGpus/maxDuration and priority."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from .helpers import error_of


@pytest.fixture
def group(omics: Any) -> Any:
    def create(**limits: Any) -> str:
        return str(omics.create_run_group(name="g", **limits)["id"])

    return create


def test_create_and_get_run_group(omics: Any) -> None:
    created = omics.create_run_group(
        name="cohort", maxRuns=3, maxCpus=64, maxDuration=600, maxGpus=2, tags={"team": "x"}
    )
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert created["arn"] == f"arn:aws:omics:us-east-1:123456789012:runGroup/{created['id']}"
    got = omics.get_run_group(id=created["id"])
    assert {
        k: got[k] for k in ("name", "maxRuns", "maxCpus", "maxDuration", "maxGpus", "tags")
    } == {
        "name": "cohort",
        "maxRuns": 3,
        "maxCpus": 64,
        "maxDuration": 600,
        "maxGpus": 2,
        "tags": {"team": "x"},
    }


def test_list_run_groups_filters_and_pages(omics: Any) -> None:
    for index in range(3):
        omics.create_run_group(name=f"g{index}")
    assert [g["name"] for g in omics.list_run_groups(name="g1")["items"]] == ["g1"]
    first = omics.list_run_groups(maxResults=2)
    assert len(first["items"]) == 2 and "nextToken" in first
    assert "tags" not in first["items"][0]


def test_update_run_group(omics: Any, group: Any) -> None:
    group_id = group(maxRuns=1)
    assert (
        omics.update_run_group(id=group_id, maxRuns=5, name="bigger")["ResponseMetadata"][
            "HTTPStatusCode"
        ]
        == 202
    )
    got = omics.get_run_group(id=group_id)
    assert (got["maxRuns"], got["name"]) == (5, "bigger")


def test_unknown_run_group_is_not_found(omics: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        omics.get_run_group(id="1234567")
    assert error_of(excinfo) == ("ResourceNotFoundException", 404, "Run group 1234567 not found")


def test_limits_are_validated(omics: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        omics.create_run_group(maxRuns=100001)
    assert error_of(excinfo)[:2] == ("ValidationException", 400)


def test_run_group_quota(omics: Any, omics_mock: Any) -> None:
    omics_mock.settings.quotas.max_run_groups = 2
    omics.create_run_group()
    omics.create_run_group()
    with pytest.raises(ClientError) as excinfo:
        omics.create_run_group()
    assert error_of(excinfo)[:2] == ("ServiceQuotaExceededException", 402)


def test_delete_run_group_with_active_runs_is_a_conflict(
    omics: Any, group: Any, start: Any
) -> None:
    group_id = group()
    run_id = start(runGroupId=group_id)
    with pytest.raises(ClientError) as excinfo:
        omics.delete_run_group(id=group_id)
    assert error_of(excinfo)[:2] == ("ConflictException", 409)
    omics.cancel_run(id=run_id)
    assert omics.delete_run_group(id=group_id)["ResponseMetadata"]["HTTPStatusCode"] == 202
    with pytest.raises(ClientError):
        omics.get_run_group(id=group_id)


def test_fifty_runs_in_a_group_of_three(
    omics: Any, omics_mock: Any, group: Any, start: Any
) -> None:
    omics_mock.runs.set_durations(pending=0, starting=10, running=30, stopping=10)
    group_id = group(maxRuns=3)
    priorities = {
        start(runGroupId=group_id, priority=(index * 37) % 50): (index * 37) % 50
        for index in range(50)
    }
    pages = omics.get_paginator("list_runs")
    admitted: list[str] = []
    for _ in range(200):
        states = {
            r["id"]: r["status"]
            for r in pages.paginate(runGroupId=group_id).build_full_result()["items"]
        }
        active = [r for r, s in states.items() if s in ("STARTING", "RUNNING", "STOPPING")]
        assert len(active) <= 3
        admitted.extend(
            sorted((r for r in active if r not in admitted), key=lambda r: -priorities[r])
        )
        if all(s == "COMPLETED" for s in states.values()):
            break
        omics_mock.clock.advance(seconds=5)
    assert len(admitted) == 50
    order = [priorities[r] for r in admitted]
    assert order[3:] == sorted(order[3:], reverse=True)


def test_group_run_priority_ties_by_creation(
    omics: Any, omics_mock: Any, group: Any, start: Any
) -> None:
    group_id = group(maxRuns=1)
    first, second, third = (start(runGroupId=group_id, priority=1) for _ in range(3))
    omics_mock.clock.advance(seconds=31)
    omics_mock.runs.complete(first)
    assert omics.get_run(id=second)["status"] == "STARTING"
    assert omics.get_run(id=third)["status"] == "PENDING"


def test_max_cpus_queues_runs(omics: Any, omics_mock: Any, group: Any, start: Any) -> None:
    group_id = group(maxCpus=4)
    a, b, c = (start(runGroupId=group_id) for _ in range(3))
    omics_mock.clock.advance(seconds=31)
    assert [omics.get_run(id=r)["status"] for r in (a, b, c)] == ["STARTING", "STARTING", "PENDING"]


def test_run_bigger_than_the_group_fails(
    omics: Any, omics_mock: Any, group: Any, start: Any
) -> None:
    group_id = group(maxCpus=1)
    run_id = start(runGroupId=group_id)
    omics_mock.clock.advance(seconds=31)
    run = omics.get_run(id=run_id)
    assert run["status"] == "FAILED"
    assert "vCPUs" in run["failureReason"]


def test_update_admits_queued_runs(omics: Any, omics_mock: Any, group: Any, start: Any) -> None:
    group_id = group(maxRuns=1)
    start(runGroupId=group_id)
    b = start(runGroupId=group_id)
    omics_mock.clock.advance(seconds=31)
    assert omics.get_run(id=b)["status"] == "PENDING"
    omics.update_run_group(id=group_id, maxRuns=2)
    assert omics.get_run(id=b)["status"] == "STARTING"


def test_max_duration_fails_a_long_run(omics: Any, omics_mock: Any, group: Any, start: Any) -> None:
    group_id = group(maxDuration=5)
    run_id = start(runGroupId=group_id)
    omics_mock.clock.advance(minutes=8)
    run = omics.get_run(id=run_id)
    assert run["status"] == "FAILED"
    assert "maxDuration" in run["failureReason"]


def test_runs_outside_groups_are_not_limited_by_groups(
    omics: Any, omics_mock: Any, group: Any, start: Any
) -> None:
    group_id = group(maxRuns=1)
    grouped = [start(runGroupId=group_id) for _ in range(2)]
    free = [start() for _ in range(2)]
    omics_mock.clock.advance(seconds=31)
    assert [omics.get_run(id=r)["status"] for r in grouped + free] == [
        "STARTING",
        "PENDING",
        "STARTING",
        "STARTING",
    ]


def test_list_runs_by_group(omics: Any, group: Any, start: Any) -> None:
    group_id = group()
    inside = start(runGroupId=group_id)
    start()
    assert [r["id"] for r in omics.list_runs(runGroupId=group_id)["items"]] == [inside]


def test_run_group_tags(omics: Any, group: Any) -> None:
    arn = omics.get_run_group(id=group())["arn"]
    omics.tag_resource(resourceArn=arn, tags={"a": "1"})
    assert omics.list_tags_for_resource(resourceArn=arn)["tags"] == {"a": "1"}
