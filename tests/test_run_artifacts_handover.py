"""When moto is handed what runs wrote: before it answers any request, at the mock's stop,
at a save, on ``m.artifacts.flush()``; and how (bulk log events, events in order)."""

from __future__ import annotations

import gc
import json
from collections.abc import Iterator
from typing import Any

import pytest

from omics_mock import mock_omics

from .artifacts_world import BUCKET, GROUP, OUT, moto_session
from .helpers import ROLE, zip_bytes

moto = pytest.importorskip("moto")

WDL = """version 1.0
workflow w {
  input {
    String sample
  }
  call t
}
task t {
  command { x }
}
"""
ACCOUNT = "123456789012"


@pytest.fixture
def world() -> Iterator[tuple[Any, Any, str]]:
    """moto and a mock, an output bucket, and an active workflow: (mock, session, id)."""
    with moto.mock_aws(), mock_omics() as m:
        session = moto_session()
        session.client("s3").create_bucket(Bucket=BUCKET)
        omics = session.client("omics")
        created = omics.create_workflow(name="w", definitionZip=zip_bytes({"main.wdl": WDL}))
        yield m, session, created["id"]


def start(session: Any, workflow: str, **more: Any) -> str:
    request = {"workflowId": workflow, "roleArn": ROLE, "outputUri": OUT}
    request.update(more)
    return str(session.client("omics").start_run(parameters={"sample": "s"}, **request)["id"])


def run_streams() -> list[str]:
    """The streams moto's CloudWatch Logs backend holds (read directly, not by a request)."""
    from moto.logs.models import logs_backends

    group = logs_backends[ACCOUNT]["us-east-1"].groups.get(GROUP)
    return sorted(group.streams) if group is not None else []


def test_moto_is_handed_everything_when_the_mock_stops() -> None:
    with moto.mock_aws():
        session = moto_session()
        s3 = session.client("s3")
        s3.create_bucket(Bucket=BUCKET)
        with mock_omics() as m:
            omics = session.client("omics")
            workflow = omics.create_workflow(name="w", definitionZip=zip_bytes({"main.wdl": WDL}))
            run = start(session, workflow["id"])
            m.clock.advance(hours=1)  # the run ends; nothing asks anything after it
        keys = [o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET)["Contents"]]
        streams = session.client("logs").describe_log_streams(logGroupName=GROUP)["logStreams"]
    assert any(key.endswith("/logs/outputs.json") and f"/{run}/" in key for key in keys)
    assert f"run/{run}" in [s["logStreamName"] for s in streams]


def test_flush_writes_into_moto_for_code_that_reads_its_backends(world: Any) -> None:
    m, session, workflow = world
    run = start(session, workflow)
    m.clock.advance(hours=1)
    assert run_streams() == []  # nothing asked moto anything yet
    m.artifacts.flush()
    assert f"run/{run}" in run_streams()


def test_a_client_whose_endpoint_skips_the_patch_is_handed_the_artefacts(world: Any) -> None:
    """aiobotocore's endpoint does not go through ``Endpoint._do_get_response``: moto's own
    ``before-send`` handler hands moto the artefacts. A client unhooked from the
    class-level patches stands in for it."""
    from omics_mock.harness.interception import INTERCEPTOR

    m, session, workflow = world
    run = start(session, workflow)
    m.clock.advance(hours=1)
    s3 = session.client("s3")
    INTERCEPTOR.unhook(s3)
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET)["Contents"]]
    assert any(key.endswith("/logs/engine.log") and f"/{run}/" in key for key in keys)


def test_events_reach_sqs_in_the_order_the_control_api_lists_them(world: Any) -> None:
    m, session, workflow = world
    sqs, events = session.client("sqs"), session.client("events")
    url = sqs.create_queue(QueueName="all")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]
    events.put_rule(Name="all", EventPattern=json.dumps({"source": ["aws.omics"]}))
    events.put_targets(Rule="all", Targets=[{"Id": "q", "Arn": arn["QueueArn"]}])
    m.runs.set_durations(pending=0, starting=1, running=1, stopping=1)
    session.client("omics").start_run_batch(
        batchName="b",
        defaultRunSetting={"workflowId": workflow, "roleArn": ROLE, "outputUri": OUT},
        batchRunSettings={
            "inlineSettings": [
                {"runSettingId": f"r{i}", "parameters": {"sample": f"s{i}"}} for i in range(6)
            ]
        },
    )
    m.clock.advance(minutes=30)
    received = []
    while messages := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages"):
        for message in messages:
            received.append(json.loads(message["Body"]))
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    listed = m.artifacts.events()[1:]  # the workflow's ACTIVE came before the rule
    assert m.artifacts.events()[0]["detail-type"] == "Workflow Status Change"
    assert len(received) == len(listed) > 6 * 5
    assert [(e["detail-type"], e["time"], e["detail"]) for e in received] == [
        (e["detail-type"], e["time"], e["detail"]) for e in listed
    ]


def test_a_subscription_filter_on_the_run_log_group_receives_its_events(world: Any) -> None:
    """With a subscription filter on the group, moto's own ``put_log_events`` appends (and
    sends the events on), not omics-mock's bulk writer."""
    m, session, workflow = world
    kinesis, logs = session.client("kinesis"), session.client("logs")
    kinesis.create_stream(StreamName="logs", ShardCount=1)
    stream_arn = kinesis.describe_stream(StreamName="logs")["StreamDescription"]["StreamARN"]
    logs.create_log_group(logGroupName=GROUP)
    logs.put_subscription_filter(
        logGroupName=GROUP, filterName="all", filterPattern="", destinationArn=stream_arn
    )
    run = start(session, workflow)
    m.clock.advance(hours=1)
    shard = kinesis.describe_stream(StreamName="logs")["StreamDescription"]["Shards"][0]
    iterator = kinesis.get_shard_iterator(
        StreamName="logs", ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    records = kinesis.get_records(ShardIterator=iterator)["Records"]
    held = logs.get_log_events(logGroupName=GROUP, logStreamName=f"run/{run}")["events"]
    assert records and held


def test_bulk_log_events_are_what_moto_makes() -> None:
    from moto.logs.models import logs_backends

    from omics_mock.service.outside import logs

    with moto.mock_aws():
        moto_session().client("logs").create_log_group(logGroupName="/g")
        group = logs_backends[ACCOUNT]["us-east-1"].groups["/g"]
        batch = [(1_700_000_000_000 + n, f"line {n}") for n in range(4)]
        group.create_log_stream("by-moto")
        group.streams["by-moto"].put_log_events([{"timestamp": t, "message": s} for t, s in batch])
        logs.Streams(ACCOUNT, "us-east-1").put({("/g", "bulk"): batch})
        by_moto, bulk = group.streams["by-moto"], group.streams["bulk"]
        assert type(bulk) is type(by_moto) and list(vars(bulk)) == list(vars(by_moto))
        described = {k: v for k, v in bulk.to_describe_dict().items() if k != "creationTime"}
        expected = {k: v for k, v in by_moto.to_describe_dict().items() if k != "creationTime"}
        assert described.pop("arn").endswith(":log-stream:bulk")
        assert expected.pop("arn").endswith(":log-stream:by-moto")
        described.pop("logStreamName"), expected.pop("logStreamName")
        described.pop("lastIngestionTime"), expected.pop("lastIngestionTime")
        assert described == expected
        first = bulk.events[0].event_id
        assert [e.event_id for e in bulk.events] == [first + n for n in range(4)]
        assert first == by_moto.events[-1].event_id + 1
        strip = [(e.timestamp, e.message) for e in bulk.events]
        assert strip == [(e.timestamp, e.message) for e in by_moto.events] == batch
        assert all(e in type(e).instances_tracked for e in bulk.events)  # moto's reset sees them


@pytest.mark.parametrize("enabled", [True, False])
def test_a_large_hand_over_leaves_the_collector_as_it_was(
    world: Any, monkeypatch: pytest.MonkeyPatch, enabled: bool
) -> None:
    from omics_mock.service.run_artifacts import ops

    m, session, workflow = world
    monkeypatch.setattr(ops, "GC_PAUSE_RUNS", 1)
    runs = [start(session, workflow) for _ in range(3)]
    m.clock.advance(hours=1)
    seen: list[bool] = []
    monkeypatch.setattr(ops.MotoWriter, "put_ready", _spy(ops.MotoWriter.put_ready, seen))
    was = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        m.artifacts.flush()
        after = gc.isenabled()
    finally:
        (gc.enable if was else gc.disable)()
    assert after is enabled
    assert seen == [False] * len(runs)  # paused while the runs were written


def test_a_large_hand_over_leaves_what_others_froze_frozen(
    world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A large hand-over moves what it made to the oldest generation (freeze, unfreeze),
    but not while anything is frozen: unfreezing would release that too."""
    from omics_mock.service.run_artifacts import ops

    m, session, workflow = world
    monkeypatch.setattr(ops, "GC_PAUSE_RUNS", 1)
    start(session, workflow)
    m.clock.advance(hours=1)
    marker: list[Any] = []
    gc.freeze()
    try:
        assert not any(o is marker for o in gc.get_objects())  # frozen objects are not listed
        m.artifacts.flush()
        assert not any(o is marker for o in gc.get_objects())
        assert run_streams()
    finally:
        gc.unfreeze()
    assert any(o is marker for o in gc.get_objects())
    start(session, workflow)
    m.clock.advance(hours=1)
    m.artifacts.flush()
    assert gc.get_freeze_count() == 0


def test_what_runs_did_while_every_artefact_was_off_is_never_written(world: Any) -> None:
    m, session, workflow = world
    for kind in ("outputs", "logs", "events", "cache_entries"):
        setattr(m.settings.artifacts, kind, False)
    quiet = start(session, workflow)
    m.clock.advance(hours=1)
    m.artifacts.flush()
    assert run_streams() == []
    m.settings.artifacts.logs = True
    loud = start(session, workflow)
    m.clock.advance(hours=1)
    m.artifacts.flush()
    streams = run_streams()
    assert f"run/{loud}" in streams and not any(quiet in name for name in streams)


def test_a_snapshot_hands_over_first(world: Any) -> None:
    m, session, workflow = world
    run = start(session, workflow)
    m.clock.advance(hours=1)
    m.snapshot()
    assert f"run/{run}" in run_streams()


def _spy(function: Any, seen: list[bool]) -> Any:
    def spied(*args: Any, **kwargs: Any) -> Any:
        seen.append(gc.isenabled())
        return function(*args, **kwargs)

    return spied
