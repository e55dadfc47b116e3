"""Run artefacts as moto's clients see them: rules, activation order, far-off clocks."""

from __future__ import annotations

import datetime as _dt
import io
import json
import zipfile
from contextlib import ExitStack
from typing import Any

import pytest

from omics_mock import mock_omics

from .artifacts_world import BUCKET, GROUP, OUT, moto_session
from .helpers import ROLE, zip_bytes

moto = pytest.importorskip("moto")

TERMINAL_PATTERN = {
    "source": ["aws.omics"],
    "detail-type": ["Run Status Change"],
    "detail": {"status": ["COMPLETED", "FAILED", "CANCELLED"]},
}
WDL = "version 1.0\nworkflow w {\n  input {\n    String sample\n  }\n}\n"


def queue_behind_rule(session: Any, pattern: dict[str, Any]) -> str:
    sqs = session.client("sqs")
    url = str(sqs.create_queue(QueueName="run-ends")["QueueUrl"])
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]
    events = session.client("events")
    events.put_rule(Name="run-ends", EventPattern=json.dumps(pattern))
    events.put_targets(Rule="run-ends", Targets=[{"Id": "q", "Arn": arn["QueueArn"]}])
    return url


def drain(session: Any, url: str) -> list[dict[str, Any]]:
    sqs, found = session.client("sqs"), []
    while True:
        messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
        if not messages:
            return found
        for message in messages:
            found.append(json.loads(message["Body"]))
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])


def shown_streams(control: Any) -> dict[str, list[str]]:
    """Each stream's messages, as the control API shows them."""
    return {
        name: [e["message"] for e in control.artifacts.log_events(name)]
        for name in control.artifacts.log_streams()
    }


def held_streams(logs: Any, names: list[str]) -> dict[str, list[str]]:
    """Each named stream's messages, as moto's CloudWatch Logs answers them."""
    return {
        name: [
            e["message"]
            for e in logs.get_log_events(
                logGroupName=GROUP, logStreamName=name, startFromHead=True
            )["events"]
        ]
        for name in names
    }


def start(omics: Any, workflow: str, **more: Any) -> dict[str, Any]:
    request = {"workflowId": workflow, "roleArn": ROLE, "outputUri": OUT}
    request["parameters"] = {"sample": "s1"}
    request.update(more)
    return dict(omics.start_run(**request))


@pytest.mark.parametrize("omics_outer", [True, False], ids=["omics-outer", "moto-outer"])
def test_a_rule_on_detail_status_sends_only_run_ends_to_sqs(omics_outer: bool) -> None:
    with ExitStack() as stack:
        mocks = [mock_omics(), moto.mock_aws()]
        for mock in mocks if omics_outer else reversed(mocks):
            stack.enter_context(mock)
        control = mocks[0]
        session = moto_session()
        session.client("s3").create_bucket(Bucket=BUCKET)
        url = queue_behind_rule(session, TERMINAL_PATTERN)
        omics = session.client("omics")
        workflow = omics.create_workflow(name="w", definitionZip=zip_bytes({"main.wdl": WDL}))["id"]
        control.runs.script(workflow, ["COMPLETED", ("FAILED", "OutOfMemory")])
        done, failed = start(omics, workflow), start(omics, workflow)
        assert drain(session, url) == []
        control.clock.advance(hours=1)
        received = drain(session, url)
    assert [(e["detail"]["runId"], e["detail"]["status"]) for e in received] == [
        (done["id"], "COMPLETED"),
        (failed["id"], "FAILED"),
    ]
    envelope = received[0]
    assert set(envelope) == {
        "version",
        "id",
        "detail-type",
        "source",
        "account",
        "time",
        "region",
        "resources",
        "detail",
    }
    assert (envelope["account"], envelope["region"]) == ("123456789012", "us-east-1")


def test_a_consumer_of_the_terminal_event_finds_the_manifest_and_outputs() -> None:
    with moto.mock_aws(), mock_omics() as control:
        session = moto_session()
        session.client("s3").create_bucket(Bucket=BUCKET)
        url = queue_behind_rule(session, TERMINAL_PATTERN)
        omics = session.client("omics")
        workflow = omics.create_workflow(name="w", definitionZip=zip_bytes({"main.wdl": WDL}))["id"]
        run = start(omics, workflow)
        found = []
        while not found:
            control.clock.advance(seconds=30)
            found = drain(session, url)
        detail = found[0]["detail"]
        stream = f"manifest/run/{detail['runId']}/{detail['uuid']}"
        manifest = session.client("logs").get_log_events(logGroupName=GROUP, logStreamName=stream)
        bucket, _, prefix = detail["runOutputUri"][len("s3://") :].partition("/")
        listed = session.client("s3").list_objects_v2(Bucket=bucket, Prefix=prefix)
    assert json.loads(manifest["events"][0]["message"])["arn"] == run["arn"]
    assert [o["Key"].rsplit("/", 1)[1] for o in listed["Contents"]] == [
        "engine.log",
        "outputs.json",
    ]


def test_events_far_from_the_real_clock_are_kept_and_streams_dated_by_them() -> None:
    with moto.mock_aws(), mock_omics() as control:
        session = moto_session()
        session.client("s3").create_bucket(Bucket=BUCKET)
        control.clock.advance(days=30)
        omics = session.client("omics")
        workflow = omics.create_workflow(name="w", definitionZip=zip_bytes({"main.wdl": WDL}))["id"]
        run = start(omics, workflow)
        omics.get_waiter("run_completed").wait(id=run["id"])
        got = omics.get_run(id=run["id"])
        logs = session.client("logs")
        streams = logs.describe_log_streams(
            logGroupName=GROUP, orderBy="LastEventTime", descending=True
        )["logStreams"]
        events = logs.get_log_events(logGroupName=GROUP, logStreamName=f"run/{run['id']}")
    stop = int(got["stopTime"].timestamp() * 1000)
    assert got["stopTime"] > _dt.datetime.now(_dt.timezone.utc) + _dt.timedelta(days=29)
    assert events["events"][-1]["timestamp"] == stop
    assert all("lastEventTimestamp" in s for s in streams)
    manifest = next(s for s in streams if s["logStreamName"].startswith("manifest/"))
    assert manifest["creationTime"] == stop


def test_lambda_targets_are_invoked_with_the_event(monkeypatch: pytest.MonkeyPatch) -> None:
    from moto.awslambda_simple.models import LambdaSimpleBackend

    received: list[dict[str, Any]] = []
    original = LambdaSimpleBackend.invoke

    def recording(backend: Any, name: str, qualifier: Any, body: Any, *rest: Any) -> Any:
        received.append(json.loads(body))
        return original(backend, name, qualifier, body, *rest)

    monkeypatch.setattr(LambdaSimpleBackend, "invoke", recording)
    with moto.mock_aws(config={"lambda": {"use_docker": False}}), mock_omics() as control:
        session = moto_session()
        session.client("s3").create_bucket(Bucket=BUCKET)
        role = session.client("iam").create_role(RoleName="fn", AssumeRolePolicyDocument="{}")
        code = io.BytesIO()
        with zipfile.ZipFile(code, "w") as archive:
            archive.writestr("handler.py", "def handle(event, context):\n    return event\n")
        function = session.client("lambda").create_function(
            FunctionName="on-run-end",
            Runtime="python3.12",
            Role=role["Role"]["Arn"],
            Handler="handler.handle",
            Code={"ZipFile": code.getvalue()},
        )
        events = session.client("events")
        events.put_rule(Name="ends", EventPattern=json.dumps(TERMINAL_PATTERN))
        events.put_targets(Rule="ends", Targets=[{"Id": "f", "Arn": function["FunctionArn"]}])
        omics = session.client("omics")
        workflow = omics.create_workflow(name="w", definitionZip=zip_bytes({"main.wdl": WDL}))["id"]
        run = start(omics, workflow)
        control.clock.advance(hours=1)
        session.client("s3").list_buckets()
    assert [(e["detail"]["runId"], e["detail"]["status"]) for e in received] == [
        (run["id"], "COMPLETED")
    ]
    assert received[0]["source"] == "aws.omics"


def test_moto_holds_exactly_what_the_control_api_shows_however_often_it_is_read() -> None:
    """Written in many small goes (reads at odd moments) or all at once, the same items."""
    with moto.mock_aws(), mock_omics() as control:
        session = moto_session()
        s3, logs = session.client("s3"), session.client("logs")
        s3.create_bucket(Bucket=BUCKET)
        omics = session.client("omics")
        three = "\n".join(f"  call t{i}" for i in range(3))
        source = f"version 1.0\nworkflow w {{\n  input {{\n    String sample\n  }}\n{three}\n}}\n"
        workflow = omics.create_workflow(name="w", definitionZip=zip_bytes({"main.wdl": source}))
        cache = omics.create_run_cache(
            cacheS3Location=f"s3://{BUCKET}/cache/", cacheBehavior="CACHE_ALWAYS"
        )
        runs = [
            start(omics, workflow["id"], cacheId=cache["id"]),
            start(omics, workflow["id"], priority=5),
            start(omics, workflow["id"], cacheId=cache["id"]),
        ]
        for step in (7, 13, 31, 29, 61, 97, 3, 150):
            control.clock.advance(seconds=step)
            s3.list_buckets()
        control.runs.fail(runs[1]["id"], reason="OutOfMemory", immediately=False)
        omics.cancel_run(id=runs[2]["id"])
        control.clock.advance(hours=2)
        late = start(omics, workflow["id"], cacheId=cache["id"])
        control.clock.advance(hours=2)
        omics.delete_run(id=late["id"])
        expected = shown_streams(control)
        pages = logs.get_paginator("describe_log_streams").paginate(logGroupName=GROUP)
        names = sorted(s["logStreamName"] for page in pages for s in page["logStreams"])
        held = held_streams(logs, names)
        keys = {
            f"s3://{BUCKET}/{o['Key']}": s3.get_object(Bucket=BUCKET, Key=o["Key"])["Body"].read()
            for o in s3.list_objects_v2(Bucket=BUCKET)["Contents"]
        }
        shown = control.artifacts.objects()
    assert held == expected
    assert keys == shown
    assert len(names) > 12


def test_reads_at_the_very_moments_items_are_due_write_each_item_once() -> None:
    """moto read at every whole second of runs whose steps fall on whole seconds: what is
    due at the moment of a read is written then, and never again."""
    with moto.mock_aws(), mock_omics() as control:
        control.clock.scale = 0  # virtual time moves only when advanced: reads land on steps
        session = moto_session()
        s3, logs = session.client("s3"), session.client("logs")
        s3.create_bucket(Bucket=BUCKET)
        url = queue_behind_rule(session, {"source": ["aws.omics"]})
        omics = session.client("omics")
        two = "\n".join(f"  call t{i}" for i in range(2))
        source = f"version 1.0\nworkflow w {{\n  input {{\n    String sample\n  }}\n{two}\n}}\n"
        workflow = omics.create_workflow(name="w", definitionZip=zip_bytes({"main.wdl": source}))
        control.runs.set_durations(pending=1, starting=1, running=4, stopping=1)
        runs = [start(omics, workflow["id"]) for _ in range(3)]
        control.runs.fail(runs[1]["id"], reason="OutOfMemory", immediately=False)
        received: list[dict[str, Any]] = []
        for second in range(12):
            control.clock.advance(seconds=1)
            s3.list_buckets()
            if second == 3:  # cancelled at the moment just written: written again at it
                omics.cancel_run(id=runs[2]["id"])
                s3.list_buckets()
            received += drain(session, url)
        omics.delete_run(id=runs[0]["id"])
        received += drain(session, url)
        expected = shown_streams(control)
        held = held_streams(logs, list(expected))
        objects = {
            f"s3://{BUCKET}/{o['Key']}" for o in s3.list_objects_v2(Bucket=BUCKET)["Contents"]
        }
        shown = control.artifacts.objects()
        listed = control.artifacts.events()
    assert held == expected and sum(map(len, held.values())) > 20
    assert objects == set(shown)
    assert [(e["detail-type"], e["time"], e["detail"]) for e in received] == [
        (e["detail-type"], e["time"], e["detail"]) for e in listed
    ]
    statuses = [(e["detail"].get("runId"), e["detail"]["status"]) for e in received]
    assert (runs[0]["id"], "COMPLETED") in statuses and (runs[1]["id"], "FAILED") in statuses
    assert (runs[2]["id"], "CANCELLED") in statuses
    assert statuses[-1] == (runs[0]["id"], "DELETED")
