"""Run caches: CRUD, and simulated call caching between runs."""

from __future__ import annotations

import re
from typing import Any

import pytest
from botocore.exceptions import ClientError

from .helpers import error_of

CACHE = "s3://omics-cache/runs/"


@pytest.fixture
def cache(omics: Any) -> Any:
    def create(**kwargs: Any) -> str:
        return str(omics.create_run_cache(cacheS3Location=CACHE, **kwargs)["id"])

    return create


def finish(omics_mock: Any) -> None:
    omics_mock.clock.advance(minutes=15)


def task_hits(omics: Any, run_id: str) -> list[bool]:
    return [t["cacheHit"] for t in omics.list_run_tasks(id=run_id)["items"]]


def test_create_run_cache_is_active_with_default_behavior(omics: Any) -> None:
    created = omics.create_run_cache(cacheS3Location=CACHE, name="c", tags={"a": "b"})
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert created["status"] == "ACTIVE"
    got = omics.get_run_cache(id=created["id"])
    assert (got["cacheBehavior"], got["cacheBucketOwnerId"]) == ("CACHE_ON_FAILURE", "123456789012")
    assert got["arn"] == f"arn:aws:omics:us-east-1:123456789012:runCache/{created['id']}"


UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


@pytest.mark.parametrize(
    ("location", "folder"),
    [
        ("s3://omics-cache/runs/", "s3://omics-cache/runs/"),
        ("s3://omics-cache/runs", "s3://omics-cache/runs/"),
        ("s3://omics-cache/a/b//", "s3://omics-cache/a/b/"),
        ("s3://omics-cache/", "s3://omics-cache/"),
        ("s3://omics-cache", "s3://omics-cache/"),
    ],
)
def test_cache_s3_uri_is_the_caches_own_folder_under_the_location(
    omics: Any, location: str, folder: str
) -> None:
    cache_id = omics.create_run_cache(cacheS3Location=location)["id"]
    uri = omics.get_run_cache(id=cache_id)["cacheS3Uri"]
    assert re.fullmatch(re.escape(folder) + UUID + "/", uri), uri


def test_every_cache_has_its_own_folder(omics: Any, cache: Any) -> None:
    uris = {omics.get_run_cache(id=cache())["cacheS3Uri"] for _ in range(3)}
    assert len(uris) == 3


def test_list_run_caches_names_the_same_cache_s3_uri_as_get(omics: Any, cache: Any) -> None:
    cache_id = cache()
    listed = omics.list_run_caches()["items"]
    assert [c["cacheS3Uri"] for c in listed] == [omics.get_run_cache(id=cache_id)["cacheS3Uri"]]


def test_cache_location_must_be_s3(omics: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        omics.create_run_cache(cacheS3Location="https://x/y")
    code, status, message = error_of(excinfo)
    assert (code, status) == ("ValidationException", 400)
    assert "cacheS3Location" in message


def test_update_list_and_delete(omics: Any, cache: Any) -> None:
    cache_id = cache(name="old")
    omics.update_run_cache(id=cache_id, name="new", cacheBehavior="CACHE_ALWAYS", description="d")
    got = omics.get_run_cache(id=cache_id)
    assert (got["name"], got["cacheBehavior"], got["description"]) == ("new", "CACHE_ALWAYS", "d")
    assert [c["id"] for c in omics.list_run_caches()["items"]] == [cache_id]
    assert omics.delete_run_cache(id=cache_id)["ResponseMetadata"]["HTTPStatusCode"] == 202
    with pytest.raises(ClientError) as excinfo:
        omics.get_run_cache(id=cache_id)
    assert error_of(excinfo) == (
        "ResourceNotFoundException",
        404,
        f"Run cache {cache_id} not found",
    )


def test_run_cache_quota(omics: Any, omics_mock: Any, cache: Any) -> None:
    omics_mock.settings.quotas.max_run_caches = 1
    cache()
    with pytest.raises(ClientError) as excinfo:
        cache()
    assert error_of(excinfo)[:2] == ("ServiceQuotaExceededException", 402)


def test_run_echoes_cache_and_its_default_behavior(omics: Any, cache: Any, start: Any) -> None:
    cache_id = cache()
    run = omics.get_run(id=start(cacheId=cache_id))
    assert (run["cacheId"], run["cacheBehavior"]) == (cache_id, "CACHE_ON_FAILURE")
    override = omics.get_run(id=start(cacheId=cache_id, cacheBehavior="CACHE_ALWAYS"))
    assert override["cacheBehavior"] == "CACHE_ALWAYS"


def test_cache_always_hits_on_the_second_identical_run(
    omics: Any, omics_mock: Any, cache: Any, start: Any
) -> None:
    cache_id = cache(cacheBehavior="CACHE_ALWAYS")
    first = start(cacheId=cache_id)
    finish(omics_mock)
    second = start(cacheId=cache_id)
    finish(omics_mock)
    assert task_hits(omics, first) == [False, False, False]
    assert task_hits(omics, second) == [True, True, True]
    tasks = omics.list_run_tasks(id=second)["items"]
    folder = omics.get_run_cache(id=cache_id)["cacheS3Uri"]
    entries = [t["cacheS3Uri"].removeprefix(f"{folder}{first}/").split("/") for t in tasks]
    assert [len(parts) for parts in entries] == [3, 3, 3]  # <taskId>/<entryUuid>/
    first_tasks = {t["taskId"] for t in omics.list_run_tasks(id=first)["items"]}
    assert {parts[0] for parts in entries} == first_tasks
    runs = [omics.get_run(id=r) for r in (first, second)]
    durations = [(r["stopTime"] - r["startTime"]).total_seconds() for r in runs]
    assert durations[1] < durations[0]


def test_different_parameters_miss_the_cache(
    omics: Any, omics_mock: Any, cache: Any, start: Any
) -> None:
    cache_id = cache(cacheBehavior="CACHE_ALWAYS")
    start(cacheId=cache_id)
    finish(omics_mock)
    other = start(cacheId=cache_id, parameters={"sample": "other"})
    finish(omics_mock)
    assert task_hits(omics, other) == [False, False, False]


def test_cache_on_failure_skips_completed_runs(
    omics: Any, omics_mock: Any, cache: Any, start: Any
) -> None:
    cache_id = cache()
    start(cacheId=cache_id)
    finish(omics_mock)
    second = start(cacheId=cache_id)
    finish(omics_mock)
    assert task_hits(omics, second) == [False, False, False]


def test_cache_on_failure_reuses_a_failed_runs_completed_tasks(
    omics: Any, omics_mock: Any, cache: Any, start: Any
) -> None:
    cache_id = cache()
    failed = start(cacheId=cache_id)
    omics_mock.clock.advance(seconds=370)
    omics_mock.runs.fail(failed, reason="OutOfMemory")
    retry = start(cacheId=cache_id)
    finish(omics_mock)
    assert task_hits(omics, retry) == [True, True, False]
    assert omics.get_run(id=retry)["status"] == "COMPLETED"


def test_cancelled_runs_cache_nothing(omics: Any, omics_mock: Any, cache: Any, start: Any) -> None:
    cache_id = cache(cacheBehavior="CACHE_ALWAYS")
    cancelled = start(cacheId=cache_id)
    omics_mock.clock.advance(seconds=370)
    omics.cancel_run(id=cancelled)
    retry = start(cacheId=cache_id)
    finish(omics_mock)
    assert task_hits(omics, retry) == [False, False, False]


def test_ready2run_runs_cannot_use_a_cache(omics: Any, cache: Any) -> None:
    from .helpers import OUT, ROLE

    ready = omics.list_workflows(type="READY2RUN")["items"][0]["id"]
    template = omics.get_workflow(id=ready, type="READY2RUN")["parameterTemplate"]
    parameters = {n: "s3://in/x" for n, spec in template.items() if not spec["optional"]}
    with pytest.raises(ClientError) as excinfo:
        omics.start_run(
            workflowId=ready,
            workflowType="READY2RUN",
            roleArn=ROLE,
            outputUri=OUT,
            parameters=parameters,
            cacheId=cache(),
        )
    assert error_of(excinfo)[:2] == ("ValidationException", 400)
