"""What runs leave behind: S3 objects, CloudWatch Logs streams, EventBridge events.

Each test runs twice: read through moto's S3, Logs and an SQS queue behind an
EventBridge rule (``moto``), and through the control API with nothing else
installed (``memory``). The assertions are the same.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest

from .artifacts_world import BUCKET, OUT, MemoryWorld, MotoWorld, World, moto_session

ISO_MS = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


@pytest.fixture(params=["memory", "moto"])
def world(request: Any, omics_mock: Any, omics: Any) -> Iterator[World]:
    if request.param == "memory":
        yield MemoryWorld(omics_mock, omics)
        return
    moto = pytest.importorskip("moto")
    with moto.mock_aws():
        yield MotoWorld(omics_mock, omics, moto_session())


def under(run: dict[str, Any]) -> str:
    return run["runOutputUri"] + "/"


def run_events(world: World, run: dict[str, Any]) -> list[str]:
    return [
        e["detail"]["status"]
        for e in world.events()
        if e["detail-type"] == "Run Status Change" and e["detail"]["runId"] == run["id"]
    ]


def manifest(world: World, run: dict[str, Any]) -> list[dict[str, Any]]:
    return world.records(f"manifest/run/{run['id']}/{run['uuid']}")


def codes(world: World, run: dict[str, Any]) -> list[str]:
    return [r["logMessage"] for r in world.records(f"run/{run['id']}")]


# -- S3 -----------------------------------------------------------------------------------


def test_completed_wdl_run_writes_its_outputs_summary_and_engine_log(world: World) -> None:
    run = world.start(world.workflow("WDL"))
    world.finish()
    assert run["runOutputUri"] == f"{OUT}{run['id']}/{run['uuid']}"
    written = world.objects(under(run))
    assert sorted(written) == [
        "logs/engine.log",
        "logs/outputs.json",
        "out/bam/bam.txt",
        "out/vcfs/0/vcfs.txt",
    ]
    summary = json.loads(written["logs/outputs.json"])
    assert summary == {
        "wgs.bam": f"{under(run)}out/bam/bam.txt",
        "wgs.vcfs": [f"{under(run)}out/vcfs/0/vcfs.txt"],
        "wgs.count": 3,
    }
    assert run["id"].encode() in written["out/bam/bam.txt"]
    assert b"completed" in written["logs/engine.log"]


def test_cwl_summary_gives_each_file_its_size(world: World) -> None:
    run = world.start(world.workflow("CWL"))
    world.finish()
    written = world.objects(under(run))
    assert sorted(written) == ["logs/engine.log", "logs/outputs.json", "out/report.txt"]
    summary = json.loads(written["logs/outputs.json"])
    assert summary == {
        "report": {
            "location": f"{under(run)}out/report.txt",
            "basename": "report.txt",
            "class": "File",
            "size": len(written["out/report.txt"]),
        }
    }


def test_nextflow_exports_what_is_published_under_pubdir_and_no_summary(world: World) -> None:
    run = world.start(world.workflow("NEXTFLOW"))
    world.finish()
    assert sorted(world.objects(under(run))) == [
        "logs/engine.log",
        "out/aligned/align.txt",
        "out/report.txt",
    ]


def test_failed_run_exports_no_outputs_but_its_engine_log(world: World) -> None:
    workflow = world.workflow("WDL")
    world.mock.runs.script(workflow, [("FAILED", "OutOfMemory")])
    run = world.start(workflow)
    world.finish()
    assert sorted(world.objects(under(run))) == ["logs/engine.log"]
    engine = world.messages(f"run/{run['id']}/engine")
    assert "call_variants" in engine[-2] and "OutOfMemory" in engine[-2]
    got = world.omics.get_run(id=run["id"])
    assert got["logLocation"]["engineLogStream"].endswith(f":log-stream:run/{run['id']}/engine")
    assert codes(world, run)[-5:] == [
        "TASK_FAILED",
        "STOPPING_RUN",
        "MAX_FILE_SYSTEM_USAGE",
        "ENGINE_LOG_GENERATED",
        "RUN_FAILED",
    ]
    assert run_events(world, run)[-1] == "FAILED"


def test_cancelled_run_exports_no_outputs(world: World) -> None:
    run = world.start(world.workflow("WDL"))
    world.finish(minutes=3)
    world.omics.cancel_run(id=run["id"])
    world.finish()
    assert sorted(world.objects(under(run))) == ["logs/engine.log"]
    assert run_events(world, run)[-2:] == ["STOPPING", "CANCELLED"]
    assert codes(world, run)[-1] == "RUN_CANCELLED"


def test_a_missing_output_bucket_ends_the_run_failed_with_export_failed(world: World) -> None:
    if isinstance(world, MemoryWorld):
        world.mock.artifacts.deny_bucket("nowhere")
    run = world.start(world.workflow("WDL"), outputUri="s3://nowhere/out/")
    world.finish()
    got = world.omics.get_run(id=run["id"])
    assert (got["status"], got["failureReason"]) == ("FAILED", "EXPORT_FAILED")
    assert got["statusMessage"] == (
        "The export failed. Check that the output bucket exists and the run role has "
        "write permission to the bucket."
    )
    if isinstance(world, MotoWorld):
        assert "nowhere" not in [b["Name"] for b in world.s3.list_buckets()["Buckets"]]
    else:
        assert world.objects(under(run)) == {}
    assert "EXPORT_FAILED" in codes(world, run)
    assert manifest(world, run)[0]["failureReason"] == "EXPORT_FAILED"


# -- CloudWatch Logs ------------------------------------------------------------------------


def test_run_log_is_one_json_object_per_step(world: World) -> None:
    run = world.start(world.workflow("WDL"))
    world.finish()
    records = world.records(f"run/{run['id']}")
    assert all(set(r) == {"runStatus", "logMessage", "message"} for r in records)
    tasks = world.omics.list_run_tasks(id=run["id"])["items"]
    expected = ["CREATING_RUN", "STARTING_RUN", "SET_WORKFLOW_TIMEOUT", "RUNNING_WORKFLOW"]
    expected += ["IMPORTING_FILES", "IMPORT_COMPLETED"]
    for _ in tasks:
        expected += ["STARTING_TASK", "RUNNING_TASK", "TASK_COMPLETED"]
    expected += ["STOPPING_RUN", "MAX_FILE_SYSTEM_USAGE", "EXPORTING_OUTPUTS", "EXPORT_COMPLETED"]
    expected += ["RUN_COMPLETED"]
    assert [r["logMessage"] for r in records] == expected
    assert records[0]["runStatus"] == "PENDING" and records[-1]["runStatus"] == "COMPLETED"
    got = world.omics.get_run(id=run["id"])
    stopped = int(got["stopTime"].timestamp() * 1000)
    assert world.timestamps(f"run/{run['id']}")[-1] == stopped


def test_each_task_has_a_stream_within_its_running_time(world: World) -> None:
    run = world.start(world.workflow("WDL"))
    world.finish()
    for item in world.omics.list_run_tasks(id=run["id"])["items"]:
        task = world.omics.get_run_task(id=run["id"], taskId=item["taskId"])
        stream = task["logStream"].split(":log-stream:")[1]
        assert stream == f"run/{run['id']}/task/{item['taskId']}"
        stamps = world.timestamps(stream)
        start, stop = (int(task[k].timestamp() * 1000) for k in ("startTime", "stopTime"))
        assert stamps and start == stamps[0] and stamps[-1] <= stop
        assert stop - stamps[-1] <= 15 * 60 * 1000
        assert item["name"] in world.messages(stream)[0]


def test_manifest_has_the_run_record_first_then_one_per_task(world: World) -> None:
    run = world.start(world.workflow("WDL"), storageType="STATIC", storageCapacity=1200)
    world.finish()
    records = manifest(world, run)
    first, tasks = records[0], records[1:]
    assert first["arn"] == run["arn"] and first["uuid"] == run["uuid"] and "cpus" not in first
    assert first["workflow"] == f"arn:aws:omics:us-east-1:123456789012:workflow/{run['workflowId']}"
    assert (first["storageType"], first["storageCapacity"]) == ("STATIC", 1200)
    assert first["outputUri"] == OUT and first["status"] == "COMPLETED"
    assert all(ISO_MS.match(first[k]) for k in ("creationTime", "startTime", "stopTime"))
    assert first["metrics"]["runningSeconds"] > 0
    listed = world.omics.list_run_tasks(id=run["id"])["items"]
    assert [t["arn"].rsplit("/", 1)[1] for t in tasks] == [t["taskId"] for t in listed]
    for task in tasks:
        assert task["arn"].startswith("arn:aws:omics:us-east-1:123456789012:task/")
        assert task["status"] == "COMPLETED" and task["run"] == run["arn"]
        metrics = task["metrics"]
        assert metrics["cpusAverage"] <= metrics["cpusMaximum"] <= metrics["cpusReserved"]
        assert metrics["memoryMaximumGiB"] <= metrics["memoryReservedGiB"]
        assert task["creationTime"] < task["stopTime"]
    assert tasks[0]["instanceType"] == "omics.c.xlarge" and tasks[0]["cpus"] == 4


TASK_KEYS = ["arn", "uuid", "name", "status", "run", "creationTime", "startTime", "stopTime"]
TASK_KEYS += ["cpus", "memory", "gpus", "instanceType", "image", "metrics"]
METRIC_KEYS = ["cpusReserved", "cpusMaximum", "cpusAverage", "gpusReserved"]
METRIC_KEYS += ["memoryReservedGiB", "memoryMaximumGiB", "memoryAverageGiB", "runningSeconds"]


def test_manifest_lines_are_compact_json_with_keys_in_a_fixed_order(world: World) -> None:
    location = f"s3://{BUCKET}/cache/"
    cache = world.omics.create_run_cache(cacheS3Location=location, cacheBehavior="CACHE_ALWAYS")
    workflow = world.workflow("WDL")
    first = world.start(workflow, cacheId=cache["id"])
    world.finish()
    cached = world.start(workflow, cacheId=cache["id"])
    failed = world.start(workflow, parameters={"sample": "other"})
    world.finish(minutes=5)  # the first task has ended, the second is running
    world.mock.runs.fail(failed["id"], reason="OutOfMemory")
    world.finish()
    statuses = []
    for run in (first, cached, failed):
        lines = world.messages(f"manifest/run/{run['id']}/{run['uuid']}")
        assert all(line == json.dumps(json.loads(line), separators=(",", ":")) for line in lines)
        for task in map(json.loads, lines[1:]):
            statuses.append(task["status"])
            keys = [k for k in TASK_KEYS if k in task]
            if task["status"] == "FAILED":
                keys += ["failureReason", "statusMessage"]
            assert list(task) == keys
            assert list(task["metrics"]) == ([] if run is cached else METRIC_KEYS)
            assert ("creationTime" in task) is (run is not cached)
    assert statuses.count("FAILED") == 1


def test_log_level_off_writes_no_stream(world: World) -> None:
    run = world.start(world.workflow("WDL"), logLevel="OFF")
    world.finish()
    assert [s for s in world.streams() if run["id"] in s] == []
    assert "logLocation" not in world.omics.get_run(id=run["id"])
    assert run_events(world, run)[-1] == "COMPLETED"


# -- EventBridge ---------------------------------------------------------------------------


def test_one_event_per_transition_in_order_with_the_run_details(world: World) -> None:
    run = world.start(world.workflow("WDL"))
    world.finish()
    events = world.events()
    assert run_events(world, run) == ["PENDING", "STARTING", "RUNNING", "STOPPING", "COMPLETED"]
    last = events[-1]
    assert last["source"] == "aws.omics" and last["account"] == "123456789012"
    assert last["resources"] == [run["arn"]] and re.match(r"\d{4}-.*T.*\d\dZ$", last["time"])
    assert last["detail"] == {
        "omicsVersion": "1.0.0",
        "arn": run["arn"],
        "status": "COMPLETED",
        "uuid": run["uuid"],
        "runId": run["id"],
        "runName": "sample-1",
        "runOutputUri": run["runOutputUri"],
        "workflowId": run["workflowId"],
        "workflowName": "wf-wdl",
    }
    by_task: dict[str, list[str]] = {}
    for event in events:
        if event["detail-type"] == "Task Status Change":
            assert event["detail"]["runArn"] == run["arn"]
            by_task.setdefault(event["detail"]["arn"], []).append(event["detail"]["status"])
    assert list(by_task.values()) == [
        ["PENDING", "STARTING", "RUNNING", "STOPPING", "COMPLETED"]
    ] * len(by_task)
    assert len(by_task) == 2


def test_events_arrive_as_time_passes(world: World) -> None:
    run = world.start(world.workflow("WDL"))
    assert run_events(world, run) == ["PENDING"]
    world.finish(minutes=1)
    assert run_events(world, run) == ["PENDING", "STARTING"]


def test_deleting_a_run_sends_deleted_and_keeps_what_it_wrote(world: World) -> None:
    run = world.start(world.workflow("WDL"))
    world.finish()
    world.omics.delete_run(id=run["id"])
    assert run_events(world, run)[-2:] == ["COMPLETED", "DELETED"]
    assert "logs/outputs.json" in world.objects(under(run))
    assert manifest(world, run)[0]["arn"] == run["arn"]


# -- run caches --------------------------------------------------------------------------


def test_cache_entries_are_written_and_a_later_run_hits_them(world: World) -> None:
    location = f"s3://{BUCKET}/cache"
    cache = world.omics.create_run_cache(cacheS3Location=location, cacheBehavior="CACHE_ALWAYS")
    workflow = world.workflow("WDL")
    first = world.start(workflow, cacheId=cache["id"])
    world.finish()
    second = world.start(workflow, cacheId=cache["id"])
    world.finish()
    cache_uuid = None
    entries = world.objects(f"{location}/")
    first_tasks = world.omics.list_run_tasks(id=first["id"])["items"]
    folders = {key.rsplit("/", 1)[0] for key in entries}
    assert len(folders) == len(first_tasks)
    for folder in folders:
        cache_folder, run_id, task_id, entry = folder.split("/")
        assert run_id == first["id"] and task_id in {t["taskId"] for t in first_tasks}
        assert f"{folder}/{entry}.json" in entries
        cache_uuid = cache_folder
    hits = world.omics.list_run_tasks(id=second["id"])["items"]
    assert all(t["cacheHit"] for t in hits)
    assert {t["cacheS3Uri"].rstrip("/") for t in hits} == {f"{location}/{f}" for f in folders}
    folder = world.omics.get_run_cache(id=cache["id"])["cacheS3Uri"]
    assert folder == f"{location}/{cache_uuid}/"
    assert len(world.objects(f"{folder}{first['id']}/")) == len(entries)
    stream = f"runCache/{cache['id']}/{cache_uuid}"
    logged = [json.loads(m)["logMessage"] for m in world.messages(stream)]
    assert logged.count("CACHE_MISS") == 2 and logged.count("CACHE_ENTRY_CREATED") == 2
    assert logged[-2:] == ["CACHE_HIT", "CACHE_HIT"]
    cached = manifest(world, second)[1:]
    assert all(t["metrics"] == {} and "creationTime" not in t for t in cached)
    hit_events = [
        e["detail"]["status"]
        for e in world.events()
        if e["detail-type"] == "Task Status Change" and e["detail"]["runId"] == second["id"]
    ]
    assert hit_events == ["COMPLETED", "COMPLETED"]
    assert sorted(world.objects(under(second))) == sorted(world.objects(under(first)))


# -- scripted content and switches ----------------------------------------------------------


def test_scripted_outputs_are_written_with_their_names_and_bytes(world: World) -> None:
    workflow = world.workflow("WDL")
    world.mock.artifacts.set_outputs(
        {
            "bam": ("NA12878.bam", b"BAM\x01"),
            "vcfs": [("chr1.vcf", "##fileformat=VCFv4.2\n"), ("chr2.vcf", b"##")],
            "count": 7,
            "qc": ("qc.html", "<html/>"),
        },
        workflow_id=workflow,
    )
    run = world.start(workflow)
    world.finish()
    written = world.objects(under(run))
    assert written["out/bam/NA12878.bam"] == b"BAM\x01"
    assert written["out/vcfs/0/chr1.vcf"] == b"##fileformat=VCFv4.2\n"
    assert written["out/vcfs/1/chr2.vcf"] == b"##"
    assert written["out/qc/qc.html"] == b"<html/>"
    summary = json.loads(written["logs/outputs.json"])
    assert summary["wgs.count"] == 7
    assert summary["wgs.qc"] == f"{under(run)}out/qc/qc.html"


def test_scripted_task_and_failure_lines_fill_the_logs(world: World) -> None:
    workflow = world.workflow("WDL")
    world.mock.artifacts.set_task_logs(
        ["[M::bwa] read 100 sequences", "done"], task="align", workflow_id=workflow
    )
    run = world.start(workflow)
    world.mock.artifacts.set_failure_logs(["java.lang.OutOfMemoryError: heap"], run_id=run["id"])
    world.finish(minutes=5)  # align ran from 150 s to 250 s, call_variants runs at 300 s
    world.mock.runs.fail(run["id"], reason="OutOfMemory", message="call_variants ran out of memory")
    world.finish()
    tasks = {t["name"]: t["taskId"] for t in world.omics.list_run_tasks(id=run["id"])["items"]}
    assert world.messages(f"run/{run['id']}/task/{tasks['align']}") == [
        "[M::bwa] read 100 sequences",
        "done",
    ]
    failed = world.messages(f"run/{run['id']}/task/{tasks['call_variants']}")
    assert failed[-1] == "java.lang.OutOfMemoryError: heap"
    assert world.messages(f"run/{run['id']}/engine")[-2] == "java.lang.OutOfMemoryError: heap"


@pytest.mark.parametrize("kind", ["outputs", "logs", "events"])
def test_each_kind_of_artefact_can_be_switched_off(world: World, kind: str) -> None:
    setattr(world.mock.settings.artifacts, kind, False)
    run = world.start(world.workflow("WDL"))
    world.finish()
    written = {
        "outputs": bool(world.objects(under(run))),
        "logs": any(run["id"] in stream for stream in world.streams()),
        "events": bool(run_events(world, run)),
    }
    assert written == {name: name != kind for name in written}


# -- other resources ----------------------------------------------------------------------


def test_a_batch_sends_each_status_with_string_counts_after_its_runs(world: World) -> None:
    workflow = world.workflow("WDL")
    batch = world.omics.start_run_batch(
        batchName="cohort",
        defaultRunSetting={"workflowId": workflow, "roleArn": "arn:aws:iam::123456789012:role/r"},
        batchRunSettings={
            "inlineSettings": [
                {"runSettingId": f"s{i}", "outputUri": OUT, "parameters": {"sample": f"S{i}"}}
                for i in range(2)
            ]
        },
    )
    world.finish(minutes=90)
    events = world.events()
    kinds = [(e["detail-type"], e["detail"]["status"]) for e in events]
    batch_events = [e["detail"] for e in events if e["detail-type"] == "RunBatch Status Change"]
    assert [d["status"] for d in batch_events] == [
        "CREATING",
        "PENDING",
        "SUBMITTING",
        "INPROGRESS",
        "PROCESSED",
    ]
    last = batch_events[-1]
    assert (last["batchId"], last["batchName"], last["totalRuns"]) == (batch["id"], "cohort", "2")
    assert (last["completedRunCount"], last["successfulStartSubmissionCount"]) == ("2", "2")
    assert last["workflowArn"].endswith(f":workflow/{workflow}")
    assert kinds.index(("RunBatch Status Change", "PROCESSED")) > max(
        i for i, kind in enumerate(kinds) if kind == ("Run Status Change", "COMPLETED")
    )


def test_workflows_send_active_on_creation_and_deleted_on_deletion(world: World) -> None:
    workflow = world.workflow("WDL")
    world.omics.delete_workflow(id=workflow)
    sent = [e for e in world.events() if e["detail-type"] == "Workflow Status Change"]
    assert [e["detail"]["status"] for e in sent] == ["ACTIVE", "DELETED"]
    arn = f"arn:aws:omics:us-east-1:123456789012:workflow/{workflow}"
    assert sent[0]["resources"] == [arn] and sent[0]["detail"]["arn"] == arn
    assert len(sent[0]["detail"]["workflowUuid"]) == 36


# -- every engine, every outcome -------------------------------------------------------------

OUTPUTS = {
    "WDL": ["out/bam/bam.txt", "out/vcfs/0/vcfs.txt", "logs/outputs.json"],
    "CWL": ["out/report.txt", "logs/outputs.json"],
    "NEXTFLOW": ["out/aligned/align.txt", "out/report.txt"],
}


def end_as(world: World, workflow: str, outcome: str) -> dict[str, Any]:
    """A run of ``workflow`` that ends as ``outcome`` (CACHE_HIT: a second run, cache hits)."""
    if outcome == "CACHE_HIT":
        cache = world.omics.create_run_cache(
            cacheS3Location=f"s3://{BUCKET}/cache/", cacheBehavior="CACHE_ALWAYS"
        )
        world.start(workflow, cacheId=cache["id"])
        world.finish()
        run = world.start(workflow, cacheId=cache["id"])
    elif outcome == "FAILED":
        world.mock.runs.script(workflow, [("FAILED", "OutOfMemory")])
        run = world.start(workflow)
    else:
        run = world.start(workflow)
    if outcome == "CANCELLED":
        world.finish(minutes=3)
        world.omics.cancel_run(id=run["id"])
    world.finish()
    return run


@pytest.mark.parametrize("engine", ["WDL", "CWL", "NEXTFLOW"])
@pytest.mark.parametrize("outcome", ["COMPLETED", "FAILED", "CANCELLED", "CACHE_HIT"])
def test_each_engine_and_outcome_leaves_what_the_service_leaves(
    world: World, engine: str, outcome: str
) -> None:
    run = end_as(world, world.workflow(engine), outcome)
    status = "COMPLETED" if outcome == "CACHE_HIT" else outcome
    exported = OUTPUTS[engine] if status == "COMPLETED" else []
    assert sorted(world.objects(under(run))) == sorted([*exported, "logs/engine.log"])
    assert run_events(world, run)[-1] == status
    assert codes(world, run)[-1] == f"RUN_{status}"
    records = manifest(world, run)
    assert records[0]["status"] == status and len(records) > 1
    tasks = world.omics.list_run_tasks(id=run["id"])["items"]
    hits = [t["cacheHit"] for t in tasks]
    assert all(hits) if outcome == "CACHE_HIT" else not any(hits)
    task_streams = [s for s in world.streams() if s.startswith(f"run/{run['id']}/task/")]
    assert len(task_streams) == (0 if outcome == "CACHE_HIT" else len(tasks))
    assert (f"run/{run['id']}/engine" in world.streams()) == (status == "FAILED")


def test_run_groups_send_active_on_creation_and_deleted_on_deletion(world: World) -> None:
    group = world.omics.create_run_group(name="cohort", maxCpus=64)
    world.omics.delete_run_group(id=group["id"])
    sent = [e for e in world.events() if e["detail-type"] == "RunGroup Status Change"]
    assert [(e["detail"]["arn"], e["detail"]["status"]) for e in sent] == [
        (group["arn"], "ACTIVE"),
        (group["arn"], "DELETED"),
    ]


def test_cache_entries_can_be_switched_off_and_runs_still_hit(world: World) -> None:
    world.mock.settings.artifacts.cache_entries = False
    location = f"s3://{BUCKET}/cache/"
    cache = world.omics.create_run_cache(cacheS3Location=location, cacheBehavior="CACHE_ALWAYS")
    workflow = world.workflow("WDL")
    world.start(workflow, cacheId=cache["id"])
    world.finish()
    second = world.start(workflow, cacheId=cache["id"])
    world.finish()
    assert world.objects(location) == {}
    assert all(t["cacheHit"] for t in world.omics.list_run_tasks(id=second["id"])["items"])


@pytest.mark.parametrize(
    ("form", "mode", "base"),
    [
        ("RUN_ID", "SERVICE_DEFINED", "{out}{id}/"),
        ("RUN_ID_AND_UUID", "NONE_WITH_OVERWRITE", "{out}"),
    ],
)
def test_outputs_follow_the_run_output_uri_form(
    world: World, form: str, mode: str, base: str
) -> None:
    world.mock.settings.artifacts.run_output_uri = form
    run = world.start(world.workflow("CWL"), outputUriPrefixMode=mode)
    world.finish()
    prefix = base.format(out=OUT, id=run["id"])
    assert run["runOutputUri"].rstrip("/") + "/" == prefix
    assert sorted(world.objects(prefix)) == [
        "logs/engine.log",
        "logs/outputs.json",
        "out/report.txt",
    ]
