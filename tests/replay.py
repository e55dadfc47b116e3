"""A recorded conversation with the mock: every simulated operation, successes and errors.

``python -m tests.replay --write`` records the answers (status, headers, body) into
``tests/data/replay.json``; ``tests/test_replay.py`` replays the same requests in a
fresh mock and compares every answer byte for byte. Regenerate the file only for an
intended change of behaviour, and say which in the commit.
"""

from __future__ import annotations

import argparse
import base64
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config
from freezegun import freeze_time

from omics_mock import mock_omics

from .helpers import OUT, ROLE, wdl_zip

RECORDING = Path(__file__).parent / "data" / "replay.json"
FROZEN_AT = "2026-06-01T12:00:00+00:00"
OWNER = "111122223333"
SUBSCRIBER = "444455556666"
IGNORED_HEADERS = {"x-amzn-requestid"}


class Recorder:
    """Calls through boto3 and keeps the raw answer of each call."""

    def __init__(self) -> None:
        self.answers: list[dict[str, Any]] = []
        self._last: dict[str, Any] = {}

    def client(self, account: str = OWNER) -> Any:
        client = boto3.session.Session(
            aws_access_key_id=account, aws_secret_access_key="x", region_name="us-east-1"
        ).client("omics", config=Config(retries={"total_max_attempts": 1}))
        client.meta.events.register("before-parse.omics", self._capture)
        return client

    def _capture(self, operation_model: Any, response_dict: dict[str, Any], **_: Any) -> None:
        headers = {
            k.lower(): v
            for k, v in response_dict["headers"].items()
            if k.lower() not in IGNORED_HEADERS
        }
        body = response_dict["body"]
        self._last = {
            "operation": operation_model.name,
            "status": response_dict["status_code"],
            "headers": dict(sorted(headers.items())),
            "body": base64.b64encode(body).decode() if isinstance(body, bytes) else None,
        }

    def call(self, method: Callable[..., Any], **params: Any) -> dict[str, Any]:
        self._last = {}
        try:
            result: dict[str, Any] = method(**params)
        except Exception as error:  # the answer is what is recorded, success or not
            result = {}
            if not self._last:  # refused before sending (botocore's own validation)
                self._last = {"operation": method.__name__, "raised": type(error).__name__}
        self.answers.append(self._last)
        return result


def conversation(recorder: Recorder, mock: Any) -> None:
    """The scripted requests."""
    omics, other = recorder.client(OWNER), recorder.client(SUBSCRIBER)
    call, advance = recorder.call, mock.clock.advance
    call(omics.create_workflow, name="bad")  # no definition: ValidationException
    workflow = call(omics.create_workflow, name="wgs", definitionZip=wdl_zip(), requestId="w1")
    call(omics.create_workflow, name="wgs", definitionZip=wdl_zip(), requestId="w1")
    call(omics.create_workflow, name="other", definitionZip=wdl_zip(), requestId="w1")
    wf = workflow.get("id", "0000000")
    advance(seconds=1)
    call(omics.get_workflow, id=wf)
    call(omics.get_workflow, id="1234567")
    call(omics.get_workflow, id=wf, export=["DEFINITION"])
    call(omics.list_workflows, maxResults=1)
    call(omics.list_workflows, type="READY2RUN", maxResults=2)
    call(omics.update_workflow, id=wf, description="updated")
    call(omics.create_workflow_version, workflowId=wf, versionName="v1", definitionZip=wdl_zip())
    advance(seconds=1)
    call(omics.get_workflow_version, workflowId=wf, versionName="v1")
    call(omics.list_workflow_versions, workflowId=wf)
    call(omics.update_workflow_version, workflowId=wf, versionName="v1", description="d")
    group = call(omics.create_run_group, name="g", maxRuns=1, maxCpus=16, requestId="g1")
    gid = group.get("id", "0000000")
    call(omics.get_run_group, id=gid)
    call(omics.list_run_groups, name="g")
    call(omics.update_run_group, id=gid, maxRuns=2)
    cache = call(omics.create_run_cache, cacheS3Location="s3://cache/here/", requestId="c1")
    cid = cache.get("id", "0000000")
    call(omics.get_run_cache, id=cid)
    call(omics.list_run_caches)
    call(omics.update_run_cache, id=cid, name="cache")
    call(
        omics.create_configuration,
        name="vpc",
        runConfigurations={"vpcConfig": {"subnetIds": ["subnet-1"], "securityGroupIds": ["sg-1"]}},
        requestId="n1",
    )
    advance(seconds=1)
    call(omics.get_configuration, name="vpc")
    call(omics.list_configurations)
    base = {"workflowId": wf, "roleArn": ROLE, "outputUri": OUT}
    runs = [
        call(
            omics.start_run,
            **base,
            parameters={"sample": f"S{i}"},
            runGroupId=gid,
            cacheId=cid,
            priority=i,
            requestId=f"r{i}",
            tags={"n": str(i)},
        ).get("id", "0000000")
        for i in range(3)
    ]
    call(omics.start_run, **base, parameters={"sample": "S0"}, requestId="r0")
    call(omics.start_run, **base, parameters={"wrong": 1})
    call(omics.start_run, **base, parameters={"sample": "x"}, runGroupId="7654321")
    for minutes in (1, 3, 6, 10):
        advance(minutes=minutes)
        for run in runs:
            call(omics.get_run, id=run)
        call(omics.list_runs, maxResults=2)
        call(omics.list_runs, status="RUNNING")
        tasks = call(omics.list_run_tasks, id=runs[0])
        for task in tasks.get("items", [])[:1]:
            call(omics.get_run_task, id=runs[0], taskId=task["taskId"])
    call(omics.cancel_run, id=runs[2])
    call(omics.cancel_run, id=runs[0])
    advance(minutes=30)
    call(omics.delete_run, id=runs[1])
    call(omics.get_run, id=runs[1])
    batch = call(
        omics.start_run_batch,
        batchName="b",
        defaultRunSetting={**base, "parameters": {"sample": "B"}},
        batchRunSettings={"inlineSettings": [{"runSettingId": str(i)} for i in range(3)]},
        requestId="b1",
    )
    bid = batch.get("id", "0000000")
    for _ in range(4):
        advance(minutes=4)
        call(omics.get_batch, batchId=bid)
        call(omics.list_runs_in_batch, batchId=bid, maxItems=2)
    call(omics.list_batch)
    call(omics.cancel_run_batch, batchId=bid)
    advance(minutes=30)
    call(omics.get_batch, batchId=bid)
    call(omics.delete_run_batch, batchId=bid)
    advance(minutes=5)
    call(omics.delete_batch, batchId=bid)
    arn = f"arn:aws:omics:us-east-1:{OWNER}:workflow/{wf}"
    call(omics.tag_resource, resourceArn=arn, tags={"team": "genomics"})
    call(omics.untag_resource, resourceArn=arn, tagKeys=["team"])
    call(omics.list_tags_for_resource, resourceArn=arn)
    share = call(omics.create_share, resourceArn=arn, principalSubscriber=SUBSCRIBER, shareName="s")
    sid = share.get("shareId", "x")
    call(other.accept_share, shareId=sid)
    advance(seconds=1)
    call(other.get_share, shareId=sid)
    call(other.list_shares, resourceOwner="OTHER")
    call(other.get_workflow, id=wf, workflowOwnerId=OWNER)
    call(omics.delete_share, shareId=sid)
    call(omics.delete_workflow_version, workflowId=wf, versionName="v1")
    call(omics.delete_run_group, id=gid)
    call(omics.delete_run_cache, id=cid)
    call(omics.delete_configuration, name="vpc")
    advance(seconds=1)
    call(omics.delete_workflow, id=wf)


def record() -> list[dict[str, Any]]:
    """Run the conversation in a fresh mock at a frozen instant; the answers."""
    recorder = Recorder()
    with freeze_time(FROZEN_AT), mock_omics() as mock:
        conversation(recorder, mock)
    return recorder.answers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--write", action="store_true", help="overwrite the recording")
    args = parser.parse_args()
    answers = record()
    if args.write:
        RECORDING.write_text(json.dumps(answers, indent=1) + "\n")
        print(f"recorded {len(answers)} answers in {RECORDING}")
    else:
        print(json.dumps(answers[:3], indent=1))


if __name__ == "__main__":
    main()
