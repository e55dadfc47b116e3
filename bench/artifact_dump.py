"""Everything run artefacts leave in moto, dumped as text, to compare two versions of the code.

``python -m bench.artifact_dump OUT.json`` runs a small deterministic scenario under
moto's ``mock_aws`` (real time frozen, so moto's own dates are fixed too): runs of
the three engines ending COMPLETED, FAILED and CANCELLED, a run cache and its hits,
a run with logging off, STATIC- and DYNAMIC-storage runs, a prioritised run, a deleted
run, a run group and a batch, with an EventBridge rule sending every ``aws.omics``
event to an SQS queue. It writes S3 objects (keys, bodies, ETags, dates), every log
stream as ``describe_log_streams`` shows it and its events as ``filter_log_events``
gives them (event IDs included), the SQS bodies in order, and what the control API's
``m.artifacts`` shows. A change to how artefacts are written must leave the file byte
for byte the same.
"""

from __future__ import annotations

import base64
import io
import json
import sys
import zipfile
from typing import Any

from tests.artifacts_world import BUCKET, DEFINITIONS, OUT, start_request  # the suite's world

ROLE = "arn:aws:iam::123456789012:role/omics-dump"


def _zip(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(zipfile.ZipInfo(name, (2020, 1, 1, 0, 0, 0)), text)
    return buffer.getvalue()


def scenario() -> dict[str, Any]:
    import boto3
    import freezegun
    import moto

    from omics_mock import mock_omics

    with freezegun.freeze_time("2026-03-04 05:06:07"), moto.mock_aws(), mock_omics() as m:
        session = boto3.session.Session(
            aws_access_key_id="AKIAOMICSDUMP0000000",
            aws_secret_access_key="x",
            region_name="us-east-1",
        )
        s3, logs, sqs = session.client("s3"), session.client("logs"), session.client("sqs")
        events, omics = session.client("events"), session.client("omics")
        s3.create_bucket(Bucket=BUCKET)
        queue = sqs.create_queue(QueueName="omics-events")["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])
        events.put_rule(Name="all-omics", EventPattern=json.dumps({"source": ["aws.omics"]}))
        events.put_targets(
            Rule="all-omics", Targets=[{"Id": "q", "Arn": arn["Attributes"]["QueueArn"]}]
        )
        _drive(m, omics)
        return _read(m, s3, logs, sqs, queue)


def _start(omics: Any, workflow: str, **more: Any) -> dict[str, Any]:
    return dict(omics.start_run(**start_request(workflow, roleArn=ROLE, **more)))


def _drive(m: Any, omics: Any) -> None:
    workflows = {}
    for engine, (main, source) in DEFINITIONS.items():
        created = omics.create_workflow(
            name=f"wf-{engine.lower()}", definitionZip=_zip({main: source})
        )
        omics.get_waiter("workflow_active").wait(id=created["id"])
        workflows[engine] = created["id"]
    group = omics.create_run_group(name="g", maxCpus=100)["id"]
    cache = omics.create_run_cache(
        cacheS3Location=f"s3://{BUCKET}/cache/", cacheBehavior="CACHE_ALWAYS"
    )["id"]
    for engine, workflow in workflows.items():
        m.runs.script(workflow, ["COMPLETED", ("FAILED", "OutOfMemory")])
        _start(omics, workflow, name=f"{engine}-done")
        _start(omics, workflow, name=f"{engine}-failed")
        cancelled = _start(omics, workflow, name=f"{engine}-cancelled", runGroupId=group)
        _start(omics, workflow, name=f"{engine}-cached", cacheId=cache)
        m.clock.advance(minutes=3)
        omics.cancel_run(id=cancelled["id"])
        m.clock.advance(minutes=1)
    wdl = workflows["WDL"]
    _start(omics, wdl, name="quiet", logLevel="OFF")
    _start(omics, wdl, name="static", storageType="STATIC", storageCapacity=2400)
    _start(omics, wdl, name="dynamic", storageType="DYNAMIC")
    _start(omics, wdl, name="prioritised", runGroupId=group, priority=7, logLevel="ERROR")
    running = _start(omics, wdl, name="to-fail")
    m.clock.advance(minutes=5)
    m.runs.fail(running["id"], reason="OutOfMemory")
    m.clock.advance(hours=1)
    for engine, workflow in workflows.items():
        _start(omics, workflow, name=f"{engine}-hit", cacheId=cache)
    deleted = _start(omics, wdl, name="deleted")
    m.clock.advance(hours=1)
    omics.delete_run(id=deleted["id"])
    m.runs.set_durations(pending=0, starting=1, running=1, stopping=1)
    batch = omics.start_run_batch(
        batchName="dump",
        defaultRunSetting={"workflowId": wdl, "roleArn": ROLE, "outputUri": OUT},
        batchRunSettings={
            "inlineSettings": [
                {"runSettingId": f"r{i}", "parameters": {"sample": f"S{i}"}} for i in range(12)
            ]
        },
    )
    for _ in range(20):
        m.clock.advance(seconds=7)
        if omics.get_batch(batchId=batch["id"])["status"] in ("PROCESSED", "FAILED"):
            break
    m.clock.advance(hours=1)
    omics.get_batch(batchId=batch["id"])


def _read(m: Any, s3: Any, logs: Any, sqs: Any, queue: str) -> dict[str, Any]:
    out: dict[str, Any] = {"s3": {}, "streams": [], "events": {}, "sqs": [], "control": {}}
    for bucket in s3.list_buckets()["Buckets"]:
        name = bucket["Name"]
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=name):
            for obj in page.get("Contents", []):
                got = s3.get_object(Bucket=name, Key=obj["Key"])
                out["s3"][f"{name}/{obj['Key']}"] = {
                    "body": base64.b64encode(got["Body"].read()).decode(),
                    "etag": got["ETag"],
                    "modified": got["LastModified"].isoformat(),
                    "size": obj["Size"],
                }
    for group in logs.describe_log_groups()["logGroups"]:
        name = group["logGroupName"]
        group.pop("ResponseMetadata", None)
        out.setdefault("groups", []).append(group)
        for page in logs.get_paginator("describe_log_streams").paginate(logGroupName=name):
            out["streams"].extend(page["logStreams"])
        found = []
        for page in logs.get_paginator("filter_log_events").paginate(logGroupName=name):
            found.extend(page["events"])
        out["events"][name] = found
    while True:
        got = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10)
        if not got.get("Messages"):
            break
        for message in got["Messages"]:
            out["sqs"].append(message["Body"])
            sqs.delete_message(QueueUrl=queue, ReceiptHandle=message["ReceiptHandle"])
    artifacts = m.artifacts
    out["control"]["objects"] = {
        k: base64.b64encode(v).decode() for k, v in artifacts.objects().items()
    }
    out["control"]["streams"] = {
        s: list(artifacts.log_events(s)) for s in sorted(artifacts.log_streams())
    }
    out["control"]["events"] = list(artifacts.events())
    return out


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    dumped = json.dumps(scenario(), indent=1, sort_keys=True, default=str)
    if args:
        with open(args[0], "w") as file:
            file.write(dumped + "\n")
    else:
        sys.stdout.write(dumped + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
