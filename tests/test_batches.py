"""Run batches: every status path, merge rule, failure path and counter."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from .helpers import OUT, ROLE, error_of

SUMMARY_ZERO = dict.fromkeys(
    [
        "pendingRunCount",
        "startingRunCount",
        "runningRunCount",
        "stoppingRunCount",
        "completedRunCount",
        "deletedRunCount",
        "failedRunCount",
        "cancelledRunCount",
    ],
    0,
)


@pytest.fixture
def default(workflow: str) -> dict[str, Any]:
    return {"workflowId": workflow, "roleArn": ROLE, "outputUri": OUT, "parameters": {"threads": 2}}


def inline(count: int, **extra: Any) -> dict[str, Any]:
    return {
        "inlineSettings": [
            {"runSettingId": f"s{i}", "parameters": {"sample": f"S{i}"}, **extra}
            for i in range(count)
        ]
    }


@pytest.fixture
def batch(omics: Any, default: dict[str, Any]) -> Any:
    def start(settings: dict[str, Any] | None = None, **kwargs: Any) -> str:
        created = omics.start_run_batch(
            defaultRunSetting=kwargs.pop("defaultRunSetting", default),
            batchRunSettings=settings or inline(3),
            **kwargs,
        )
        return str(created["id"])

    return start


def advance(omics_mock: Any, seconds: float) -> None:
    omics_mock.clock.advance(seconds=seconds)


def finish(omics: Any, omics_mock: Any, batch_id: str) -> dict[str, Any]:
    for _ in range(100):
        got = omics.get_batch(batchId=batch_id)
        if got["status"] in (
            "PROCESSED",
            "FAILED",
            "CANCELLED",
            "RUNS_DELETED",
            "RUNS_DELETE_FAILED",
        ):
            return dict(got)
        advance(omics_mock, 60)
    raise AssertionError(f"batch stuck in {got['status']}")


def assert_counts_add_up(omics: Any, batch_id: str) -> None:
    got = omics.get_batch(batchId=batch_id)
    submissions, runs = got["submissionSummary"], got["runSummary"]
    listed = (
        omics.get_paginator("list_runs").paginate(batchId=batch_id).build_full_result()["items"]
    )
    assert submissions["successfulStartSubmissionCount"] == sum(runs.values())
    assert sum(v for k, v in runs.items() if k != "deletedRunCount") == len(listed)
    for status in (
        "PENDING",
        "STARTING",
        "RUNNING",
        "STOPPING",
        "COMPLETED",
        "FAILED",
        "CANCELLED",
    ):
        key = f"{status.lower()}RunCount"
        assert runs[key] == sum(1 for r in listed if r["status"] == status), key


def test_start_run_batch_answers_creating(omics: Any, batch: Any) -> None:
    batch_id = batch(batchName="cohort", tags={"project": "p"})
    got = omics.get_batch(batchId=batch_id)
    assert got["status"] == "CREATING"
    assert got["arn"] == f"arn:aws:omics:us-east-1:123456789012:runBatch/{batch_id}"
    assert (got["name"], got["totalRuns"], got["tags"]) == ("cohort", 3, {"project": "p"})
    assert got["submissionSummary"]["pendingStartSubmissionCount"] == 3


def test_statuses_in_virtual_time(omics: Any, omics_mock: Any, batch: Any) -> None:
    batch_id = batch()
    seen = []
    for _ in range(60):
        status = omics.get_batch(batchId=batch_id)["status"]
        if not seen or seen[-1] != status:
            seen.append(status)
        if status == "PROCESSED":
            break
        advance(omics_mock, 1 if status != "INPROGRESS" else 60)
    assert seen == ["CREATING", "PENDING", "SUBMITTING", "INPROGRESS", "PROCESSED"]
    got = omics.get_batch(batchId=batch_id)
    assert got["creationTime"] < got["submittedTime"] < got["processedTime"]
    assert got["runSummary"] == {**SUMMARY_ZERO, "completedRunCount": 3}


def test_runs_are_submitted_at_the_start_run_rate(omics: Any, omics_mock: Any, batch: Any) -> None:
    batch_id = batch(inline(10))
    advance(omics_mock, 7)
    assert (
        omics.get_batch(batchId=batch_id)["submissionSummary"]["successfulStartSubmissionCount"]
        == 1
    )
    advance(omics_mock, 4)
    summary = omics.get_batch(batchId=batch_id)["submissionSummary"]
    assert summary["successfulStartSubmissionCount"] == 5
    assert summary["pendingStartSubmissionCount"] == 5
    omics_mock.settings.quotas.start_run_tps = 100
    advance(omics_mock, 2)
    assert (
        omics.get_batch(batchId=batch_id)["submissionSummary"]["pendingStartSubmissionCount"] == 0
    )


def test_settings_merge_over_the_default(
    omics: Any, omics_mock: Any, batch: Any, default: dict[str, Any]
) -> None:
    default = {
        **default,
        "runTags": {"team": "a", "tier": "x"},
        "name": "default-name",
        "priority": 1,
    }
    batch_id = batch(
        {
            "inlineSettings": [
                {
                    "runSettingId": "one",
                    "name": "own-name",
                    "priority": 9,
                    "outputUri": "s3://other/out/",
                    "parameters": {"sample": "S1", "threads": 8},
                    "runTags": {"tier": "y"},
                },
                {"runSettingId": "two", "parameters": {"sample": "S2"}},
            ]
        },
        defaultRunSetting=default,
        tags={"batch-only": "1"},
    )
    finish(omics, omics_mock, batch_id)
    runs = {
        r["runSettingId"]: omics.get_run(id=r["runId"])
        for r in omics.list_runs_in_batch(batchId=batch_id)["runs"]
    }
    one, two = runs["one"], runs["two"]
    assert (one["name"], one["priority"], one["outputUri"]) == ("own-name", 9, "s3://other/out/")
    assert one["parameters"] == {"threads": 8, "sample": "S1"}
    assert one["tags"] == {"team": "a", "tier": "y"}
    assert (two["name"], two["priority"], two["parameters"]) == (
        "default-name",
        1,
        {"threads": 2, "sample": "S2"},
    )
    assert "batch-only" not in two["tags"]
    assert one["batchId"] == batch_id


def test_failed_submissions_are_listed_and_the_rest_go_on(
    omics: Any, omics_mock: Any, batch: Any
) -> None:
    settings = inline(3)
    settings["inlineSettings"].append(
        {"runSettingId": "bad", "parameters": {"sample": "s", "unknown": 1}}
    )
    batch_id = batch(settings)
    got = finish(omics, omics_mock, batch_id)
    assert got["status"] == "PROCESSED"
    summary = got["submissionSummary"]
    assert (summary["successfulStartSubmissionCount"], summary["failedStartSubmissionCount"]) == (
        3,
        1,
    )
    failed = omics.list_runs_in_batch(batchId=batch_id, submissionStatus="FAILED")["runs"]
    assert [(r["runSettingId"], r["submissionFailureReason"]) for r in failed] == [
        ("bad", "ValidationException")
    ]
    assert "unknown" in failed[0]["submissionFailureMessage"]
    assert "runId" not in failed[0]
    assert_counts_add_up(omics, batch_id)


def test_duplicate_run_setting_ids_fail_the_batch(omics: Any, omics_mock: Any, batch: Any) -> None:
    settings = inline(3)
    settings["inlineSettings"][2]["runSettingId"] = "s0"
    got = finish(omics, omics_mock, batch(settings))
    assert got["status"] == "FAILED"
    assert got["failureReason"] == "Expected 3 unique runSettingIds but there were 2"
    assert "failedTime" in got


def test_list_runs_in_batch_filters_one_at_a_time(omics: Any, omics_mock: Any, batch: Any) -> None:
    batch_id = batch()
    finish(omics, omics_mock, batch_id)
    runs = omics.list_runs_in_batch(batchId=batch_id)["runs"]
    assert [r["runSettingId"] for r in runs] == ["s0", "s1", "s2"]
    assert all(
        r["submissionStatus"] == "SUCCESS" and r["runArn"].endswith(r["runId"]) for r in runs
    )
    by_id = omics.list_runs_in_batch(batchId=batch_id, runId=runs[1]["runId"])["runs"]
    assert [r["runSettingId"] for r in by_id] == ["s1"]
    assert [
        r["runId"] for r in omics.list_runs_in_batch(batchId=batch_id, runSettingId="s2")["runs"]
    ] == [runs[2]["runId"]]
    with pytest.raises(ClientError) as excinfo:
        omics.list_runs_in_batch(batchId=batch_id, runSettingId="s1", submissionStatus="SUCCESS")
    assert error_of(excinfo)[:2] == ("ValidationException", 400)
    page = omics.list_runs_in_batch(batchId=batch_id, maxItems=2)
    assert len(page["runs"]) == 2
    assert (
        len(omics.list_runs_in_batch(batchId=batch_id, startingToken=page["nextToken"])["runs"])
        == 1
    )


def test_list_batch_filters(omics: Any, omics_mock: Any, batch: Any) -> None:
    first = batch(batchName="alpha")
    second = batch(batchName="beta")
    finish(omics, omics_mock, first)
    assert [b["id"] for b in omics.list_batch(name="alpha")["items"]] == [first]
    assert {b["id"] for b in omics.list_batch(status="PROCESSED")["items"]} == {first, second}
    item = omics.list_batch(maxItems=1)["items"][0]
    assert set(item) == {"id", "name", "status", "createdAt", "totalRuns", "workflowId"}
    with pytest.raises(ClientError) as excinfo:
        omics.list_batch(name="alpha", status="PROCESSED")
    assert error_of(excinfo)[:2] == ("ValidationException", 400)


def test_cancel_run_batch(omics: Any, omics_mock: Any, batch: Any) -> None:
    batch_id = batch(inline(6))
    advance(omics_mock, 9)
    assert omics.cancel_run_batch(batchId=batch_id)["ResponseMetadata"]["HTTPStatusCode"] == 202
    got = omics.get_batch(batchId=batch_id)
    assert got["status"] == "STOPPING"
    with pytest.raises(ClientError) as excinfo:
        omics.cancel_run_batch(batchId=batch_id)
    assert error_of(excinfo)[:2] == ("ConflictException", 409)
    got = finish(omics, omics_mock, batch_id)
    assert got["status"] == "CANCELLED"
    submitted = got["submissionSummary"]["successfulStartSubmissionCount"]
    assert 0 < submitted < 6
    assert got["submissionSummary"]["successfulCancelSubmissionCount"] == submitted
    assert got["runSummary"]["cancelledRunCount"] == submitted
    assert {r["submissionStatus"] for r in omics.list_runs_in_batch(batchId=batch_id)["runs"]} == {
        "CANCEL_SUCCESS"
    }
    assert_counts_add_up(omics, batch_id)


def test_cancel_in_the_wrong_state_is_a_conflict(omics: Any, omics_mock: Any, batch: Any) -> None:
    batch_id = batch()
    finish(omics, omics_mock, batch_id)
    with pytest.raises(ClientError) as excinfo:
        omics.cancel_run_batch(batchId=batch_id)
    assert error_of(excinfo)[:2] == ("ConflictException", 409)


def test_delete_run_batch_then_delete_batch(omics: Any, omics_mock: Any, batch: Any) -> None:
    batch_id = batch()
    finish(omics, omics_mock, batch_id)
    run_ids = [r["runId"] for r in omics.list_runs_in_batch(batchId=batch_id)["runs"]]
    omics.delete_run_batch(batchId=batch_id)
    assert omics.get_batch(batchId=batch_id)["status"] == "RUNS_DELETING"
    with pytest.raises(ClientError) as excinfo:
        omics.delete_batch(batchId=batch_id)
    assert error_of(excinfo)[:2] == ("ConflictException", 409)
    got = finish(omics, omics_mock, batch_id)
    assert got["status"] == "RUNS_DELETED"
    assert got["submissionSummary"]["successfulDeleteSubmissionCount"] == 3
    assert got["runSummary"] == {**SUMMARY_ZERO, "deletedRunCount": 3}
    for run_id in run_ids:
        with pytest.raises(ClientError):
            omics.get_run(id=run_id)
    omics.delete_batch(batchId=batch_id)
    for call in (
        omics.get_batch,
        omics.list_runs_in_batch,
        omics.cancel_run_batch,
        omics.delete_run_batch,
    ):
        with pytest.raises(ClientError) as excinfo:
            call(batchId=batch_id)
        assert error_of(excinfo) == (
            "ResourceNotFoundException",
            404,
            f"Batch {batch_id} not found",
        )


def test_delete_runs_of_a_running_batch_is_a_conflict(omics: Any, batch: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        omics.delete_run_batch(batchId=batch())
    assert error_of(excinfo)[:2] == ("ConflictException", 409)


def test_partly_deleted_runs_give_runs_delete_failed(
    omics: Any, omics_mock: Any, batch: Any
) -> None:
    batch_id = batch()
    finish(omics, omics_mock, batch_id)
    omics.delete_run(id=omics.list_runs_in_batch(batchId=batch_id)["runs"][0]["runId"])
    omics.delete_run_batch(batchId=batch_id)
    got = finish(omics, omics_mock, batch_id)
    assert got["status"] == "RUNS_DELETE_FAILED"
    assert got["submissionSummary"]["failedDeleteSubmissionCount"] == 1


def test_common_settings_are_checked_synchronously(omics: Any, default: dict[str, Any]) -> None:
    for bad, code in (
        ({**default, "workflowId": "1234567"}, "ResourceNotFoundException"),
        ({**default, "outputUri": "https://x/y"}, "ValidationException"),
        ({**default, "cacheBehavior": "CACHE_ALWAYS"}, "ValidationException"),
        ({**default, "runGroupId": "7654321"}, "ResourceNotFoundException"),
        ({**default, "workflowType": "READY2RUN"}, "ValidationException"),
    ):
        with pytest.raises(ClientError) as excinfo:
            omics.start_run_batch(defaultRunSetting=bad, batchRunSettings=inline(1))
        assert error_of(excinfo)[0] == code, bad


def test_inline_settings_limits(omics: Any, default: dict[str, Any]) -> None:
    with pytest.raises(ClientError) as excinfo:
        omics.start_run_batch(defaultRunSetting=default, batchRunSettings=inline(101))
    code, status, message = error_of(excinfo)
    assert (code, status) == ("ValidationException", 400)
    assert "inlineSettings" in message


def test_idempotent_start_run_batch(omics: Any, batch: Any) -> None:
    first = batch(requestId="cohort-2026-11")
    assert batch(requestId="cohort-2026-11") == first
    with pytest.raises(ClientError) as excinfo:
        batch(inline(2), requestId="cohort-2026-11")
    assert error_of(excinfo)[:2] == ("ConflictException", 409)


def test_batch_runs_respect_run_groups_and_priority(
    omics: Any, omics_mock: Any, batch: Any, default: dict[str, Any]
) -> None:
    group = omics.create_run_group(maxRuns=1)["id"]
    omics_mock.settings.quotas.start_run_tps = 100
    batch_id = batch(inline(3), defaultRunSetting={**default, "runGroupId": group})
    advance(omics_mock, 40)
    statuses = [r["status"] for r in omics.list_runs(batchId=batch_id)["items"]]
    assert sorted(statuses) == ["PENDING", "PENDING", "STARTING"]
    assert_counts_add_up(omics, batch_id)


def test_s3_settings_from_the_control_api(omics: Any, omics_mock: Any, batch: Any) -> None:
    entries = [{"runSettingId": f"r{i}", "parameters": {"sample": f"S{i}"}} for i in range(4)]
    omics_mock.s3.put_object("s3://settings/cohort.json", json.dumps(entries))
    omics_mock.settings.quotas.start_run_tps = 100
    batch_id = batch({"s3UriSettings": "s3://settings/cohort.json"})
    got = finish(omics, omics_mock, batch_id)
    assert (got["status"], got["totalRuns"]) == ("PROCESSED", 4)
    assert got["runSummary"]["completedRunCount"] == 4


def test_s3_settings_under_moto(omics: Any, omics_mock: Any, default: dict[str, Any]) -> None:
    import boto3
    from moto import mock_aws

    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="cohort-settings")
        entries = [{"runSettingId": f"m{i}", "parameters": {"sample": f"S{i}"}} for i in range(3)]
        s3.put_object(Bucket="cohort-settings", Key="runs.json", Body=json.dumps(entries).encode())
        created = omics.start_run_batch(
            defaultRunSetting=default,
            batchRunSettings={"s3UriSettings": "s3://cohort-settings/runs.json"},
        )
        got = finish(omics, omics_mock, created["id"])
        assert (got["status"], got["totalRuns"]) == ("PROCESSED", 3)
        with pytest.raises(ClientError) as excinfo:
            omics.start_run_batch(
                defaultRunSetting=default,
                batchRunSettings={"s3UriSettings": "s3://cohort-settings/missing.json"},
            )
        assert error_of(excinfo)[:2] == ("ValidationException", 400)


def test_unreadable_s3_settings_are_refused(omics: Any, batch: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        batch({"s3UriSettings": "s3://nowhere/settings.json"})
    code, status, message = error_of(excinfo)
    assert (code, status) == ("ValidationException", 400)
    assert "s3://nowhere/settings.json" in message


def test_changed_s3_settings_fail_the_batch(omics: Any, omics_mock: Any, batch: Any) -> None:
    omics_mock.s3.put_object(
        "s3://settings/a.json", json.dumps([{"runSettingId": "x", "parameters": {"sample": "s"}}])
    )
    batch_id = batch({"s3UriSettings": "s3://settings/a.json"})
    omics_mock.s3.put_object(
        "s3://settings/a.json", json.dumps([{"runSettingId": "y", "parameters": {"sample": "s"}}])
    )
    got = finish(omics, omics_mock, batch_id)
    assert got["status"] == "FAILED"
    assert "ETag" in got["failureReason"]


def test_too_many_s3_settings_fail_the_batch(omics: Any, omics_mock: Any, batch: Any) -> None:
    entries = [{"runSettingId": str(i)} for i in range(100_001)]
    omics_mock.s3.put_object("s3://settings/huge.json", json.dumps(entries))
    got = finish(omics, omics_mock, batch({"s3UriSettings": "s3://settings/huge.json"}))
    assert (got["status"], got["failureReason"]) == (
        "FAILED",
        "Batch has 100001 runs but 100000 runs is the max.",
    )


def test_bad_s3_entries_fail_one_by_one(omics: Any, omics_mock: Any, batch: Any) -> None:
    entries = [
        {"runSettingId": "ok", "parameters": {"sample": "s"}},
        {"runSettingId": "bad", "priority": 100001},
    ]
    omics_mock.s3.put_object("s3://settings/mixed.json", json.dumps(entries))
    batch_id = batch({"s3UriSettings": "s3://settings/mixed.json"})
    finish(omics, omics_mock, batch_id)
    failed = omics.list_runs_in_batch(batchId=batch_id, submissionStatus="FAILED")["runs"]
    assert [(r["runSettingId"], r["submissionFailureReason"]) for r in failed] == [
        ("bad", "ValidationException")
    ]
    assert "less than or equal to 100000" in failed[0]["submissionFailureMessage"]


def test_retention_applies_to_batch_runs(omics: Any, omics_mock: Any, batch: Any) -> None:
    omics_mock.settings.quotas.max_runs = 2
    omics_mock.settings.quotas.start_run_tps = 100
    batch_id = batch(inline(3))
    finish(omics, omics_mock, batch_id)
    failed = omics.list_runs_in_batch(batchId=batch_id, submissionStatus="FAILED")["runs"]
    assert [r["submissionFailureReason"] for r in failed] == ["ServiceQuotaExceededException"]


def test_s3_entries_with_run_id_or_unknown_fields_fail(
    omics: Any, omics_mock: Any, batch: Any
) -> None:
    entries = [
        {"runSettingId": "rerun", "runId": "1234567"},
        {"runSettingId": "typo", "parameter": {"sample": "s"}},
        {"runSettingId": "ok", "parameters": {"sample": "s"}},
    ]
    omics_mock.s3.put_object("s3://settings/odd.json", json.dumps(entries))
    batch_id = batch({"s3UriSettings": "s3://settings/odd.json"})
    finish(omics, omics_mock, batch_id)
    runs = {r["runSettingId"]: r for r in omics.list_runs_in_batch(batchId=batch_id)["runs"]}
    assert runs["rerun"]["submissionStatus"] == "FAILED"
    assert "runId" in runs["rerun"]["submissionFailureMessage"]
    assert "parameter" in runs["typo"]["submissionFailureMessage"]
    assert runs["ok"]["submissionStatus"] == "SUCCESS"
