"""Snapshots through the public API: m.snapshot(), m.restore(), m.save(), mock_omics(state=)."""

from __future__ import annotations

import datetime as _dt
import json
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError
from freezegun import freeze_time

from omics_mock import OmicsMock, SnapshotError, mock_omics

from .helpers import OUT, ROLE, wdl_zip
from .snapshot_world import PARTNER, build_world, client

FROZEN_AT = "2026-03-01T09:00:00+00:00"


def answers(omics: Any, world: Any) -> list[Any]:
    """What a client sees of the world (request metadata aside)."""
    calls = [
        omics.list_workflows(),
        omics.get_workflow(id=world.workflow),
        omics.list_runs(),
        *[omics.get_run(id=run) for run in world.runs],
        *[omics.list_run_tasks(id=run) for run in world.runs],
        omics.get_batch(batchId=world.batch),
        omics.list_runs_in_batch(batchId=world.batch),
        omics.get_run_group(id=world.group),
        omics.list_read_sets(sequenceStoreId=world.store),
        omics.list_read_set_import_jobs(sequenceStoreId=world.store),
        omics.list_references(referenceStoreId=world.reference_store),
        omics.list_variant_stores(),
        omics.list_annotation_store_versions(name="genes"),
        omics.list_shares(resourceOwner="SELF"),
    ]
    for call in calls:
        call.pop("ResponseMetadata", None)
    return calls


def future(mock: Any, world: Any) -> list[Any]:
    """What happens next: time passes, a new run starts (its ID), everything ends."""
    omics = client()
    seen = []
    for _ in range(4):
        mock.clock.advance(minutes=7)
        seen.append(answers(omics, world))
    run = omics.start_run(
        workflowId=world.workflow, roleArn=ROLE, outputUri=OUT, parameters={"sample": "new"}
    )
    seen.append(run["id"])
    mock.clock.advance(hours=3)
    seen.append(answers(omics, world))
    return seen


def plain(document: dict[str, Any]) -> dict[str, Any]:
    return json.loads(json.dumps(document, allow_nan=False))


# -- the document ---------------------------------------------------------------------------


def test_a_snapshot_is_plain_json_with_format_version_and_virtual_time() -> None:
    with freeze_time(FROZEN_AT), mock_omics() as mock:
        build_world(mock)
        document = mock.snapshot()
        now = mock.clock.now()
    assert plain(document) == document
    assert (document["format"], document["version"]) == ("omics-mock-snapshot", 1)
    assert document["virtual_time"] == now.isoformat()
    assert document["omitted"] == []
    assert {a["account_id"] for a in document["accounts"]} == {"123456789012", PARTNER}


def test_what_cannot_be_written_is_left_out_and_listed() -> None:
    with mock_omics() as mock:
        scheduler = mock.inspect().scheduler
        scheduler.schedule(mock.clock.now() + _dt.timedelta(hours=1), lambda at: None)
        document = mock.snapshot()
        mock.restore(document)
        assert len(mock.inspect().scheduler) == 0
    (omitted,) = document["omitted"]
    assert omitted["path"] == "accounts/123456789012/us-east-1/scheduler/0/action"
    assert "function" in omitted["what"]


# -- round trips ----------------------------------------------------------------------------


def test_a_restored_mock_answers_and_goes_on_exactly_like_the_original() -> None:
    with freeze_time(FROZEN_AT):
        with mock_omics() as mock:
            world = build_world(mock)
            document = plain(mock.snapshot())
            before = answers(client(), world)
            expected = future(mock, world)
        with mock_omics(state=document) as mock:
            assert answers(client(), world) == before
            assert future(mock, world) == expected


def test_restore_resumes_at_the_snapshot_virtual_time() -> None:
    with mock_omics() as mock:
        clock = mock.clock
        mock.clock.advance(days=3)
        document = mock.snapshot()
        mock.clock.advance(days=40)
        mock.restore(document)
        assert mock.clock is clock
        moved = abs((clock.now() - _time(document["virtual_time"])).total_seconds())
    assert moved < 5


def test_save_writes_a_file_a_new_mock_starts_from(tmp_path: Path) -> None:
    target = tmp_path / "cohort.json"
    with freeze_time(FROZEN_AT):
        with mock_omics() as mock:
            world = build_world(mock)
            assert mock.save(target) == target
            expected = answers(client(), world)
        with mock_omics(state=target):
            assert answers(client(), world) == expected
        with mock_omics(state=str(target)):
            assert answers(client(), world) == expected
    assert [p.name for p in tmp_path.iterdir()] == ["cohort.json"]


def test_a_decorated_test_starts_from_the_snapshot_every_time() -> None:
    with mock_omics() as mock:
        omics = client()
        omics.create_workflow(name="seeded", definitionZip=wdl_zip())
        document = mock.snapshot()
    counts = []

    @mock_omics(state=document)
    def body() -> None:
        omics = client()
        counts.append(len(omics.list_workflows()["items"]))
        omics.create_workflow(name="added", definitionZip=wdl_zip())

    body()
    body()
    assert counts == [1, 1]


def test_access_keys_and_faults_come_back() -> None:
    with mock_omics() as mock:
        mock.accounts.map("AKIAEXAMPLE000000000", PARTNER)
        mock.faults.inject("ListWorkflows", "ThrottlingException", times=3)
        document = plain(mock.snapshot())
    with mock_omics(state=document) as mock:
        assert [f.remaining for f in mock.faults.pending()] == [3]
        with pytest.raises(ClientError, match="ThrottlingException"):
            client().list_workflows()
        assert mock.accounts._door.accounts.by_access_key == {"AKIAEXAMPLE000000000": PARTNER}


def test_a_mock_from_a_snapshot_cannot_join_an_active_mock() -> None:
    with mock_omics() as mock:
        document = mock.snapshot()
        with pytest.raises(RuntimeError, match="cannot join"):
            OmicsMock(state=document).start()


# -- refusals -------------------------------------------------------------------------------


def refusal(mutate: Any) -> str:
    """The message restoring a mutated snapshot of the world gives; the mock is unchanged."""
    with mock_omics() as mock:
        build_world(mock)
        document = plain(mock.snapshot())
        mutate(document)
        with pytest.raises(SnapshotError) as refused:
            mock.restore(document)
    return str(refused.value)


def runs_store(document: dict[str, Any]) -> dict[str, Any]:
    store: dict[str, Any] = document["accounts"][0]["families"]["runs"]["store"]
    return store


def test_an_unknown_format_version_is_refused() -> None:
    message = refusal(lambda d: d.update(version=99))
    assert "unknown snapshot format version 99" in message


def test_a_missing_field_is_refused() -> None:
    def drop_arn(document: dict[str, Any]) -> None:
        store = runs_store(document)
        at = store["fields"].index("arn")
        store["fields"].pop(at)
        for row in store["rows"]:
            row.pop(at + 2)

    assert "runs.model:Run needs its field 'arn'" in refusal(drop_arn)


def test_an_ill_typed_field_is_refused_naming_its_place() -> None:
    def bad_priority(document: dict[str, Any]) -> None:
        store = runs_store(document)
        store["rows"][0][2 + store["fields"].index("priority")] = "high"

    message = refusal(bad_priority)
    assert "accounts/123456789012/us-east-1/runs/store/" in message
    assert "priority must be int, not str" in message


def test_a_reference_to_nothing_is_refused() -> None:
    def dangling(document: dict[str, Any]) -> None:
        store = runs_store(document)
        store["rows"][0][2 + store["fields"].index("workflow")] = {"$ref": "./workflows/store/1"}

    message = refusal(dangling)
    assert "refers to accounts/123456789012/us-east-1/workflows/store/1" in message


def test_an_unknown_class_is_refused() -> None:
    def smuggle(document: dict[str, Any]) -> None:
        runs_store(document)["class"] = "os:system"

    assert "this omics-mock has no class os:system" in refusal(smuggle)


def test_a_setting_out_of_range_is_refused_by_the_settings_own_check() -> None:
    def negative(document: dict[str, Any]) -> None:
        document["settings"]["quotas"]["max_runs"] = -1

    assert "Quotas.max_runs must be at least 0" in refusal(negative)


def test_a_missing_family_is_refused() -> None:
    message = refusal(lambda d: d["accounts"][0]["families"].pop("batches"))
    assert "the batches family is missing" in message


def test_a_fault_for_an_unknown_operation_is_refused() -> None:
    def bad_fault(document: dict[str, Any]) -> None:
        document["harness"]["faults"][0]["operation"] = "LaunchRocket"

    assert "'LaunchRocket' is not a HealthOmics operation" in refusal(bad_fault)


def test_a_file_that_is_not_json_is_refused(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"format": ')
    with pytest.raises(SnapshotError, match="is not JSON"):
        mock_omics(state=broken)


def test_a_refused_restore_changes_nothing() -> None:
    with mock_omics() as mock:
        world = build_world(mock)
        seen = answers(client(), world)
        before = plain(mock.snapshot())
        broken = plain(mock.snapshot())
        runs_store(broken)["rows"][-1][2] = 7
        with pytest.raises(SnapshotError):
            mock.restore(broken)
        after = plain(mock.snapshot())
        assert answers(client(), world) == seen
    before.pop("virtual_time")
    after.pop("virtual_time")
    assert after == before


def _time(text: str) -> Any:
    return _dt.datetime.fromisoformat(text)
