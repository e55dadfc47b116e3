"""Twins in lockstep: every random step goes to two mocks; one of them is, at random points,
replaced by a snapshot (its own, or its twin's). Neither the answers nor the future may
tell them apart: every answer is the same, and so is every later snapshot.

Normal runs try a few examples; a long run sets the number:

    OMICS_MOCK_SNAPSHOT_EXAMPLES=500 python -m pytest tests/test_snapshot_fuzz.py -q
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from typing import Any

import boto3
from botocore.awsrequest import AWSResponse
from botocore.config import Config
from botocore.exceptions import ClientError
from freezegun import freeze_time
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from omics_mock.harness.control import Control
from omics_mock.harness.door import Door
from omics_mock.harness.interception import _Body
from omics_mock.service import new_state

from .helpers import OUT, ROLE, wdl_zip

EXAMPLES = int(os.environ.get("OMICS_MOCK_SNAPSHOT_EXAMPLES", "0") or 0) or 12
STEPS = 30


class Twin:
    """One mock without activation: its door, its control API, a boto3 client on it."""

    def __init__(self) -> None:
        self.door = Door(new_state())
        self.control = Control(self.door)
        session = boto3.session.Session(
            aws_access_key_id="AKIATWIN000000000000", aws_secret_access_key="x"
        )
        self.client = session.client(
            "omics", region_name="us-east-1", config=Config(retries={"total_max_attempts": 1})
        )
        self.client.meta.events.register_first("before-send.omics", self._answer)

    def reset(self) -> None:
        self.door = Door(new_state())
        self.control = Control(self.door)

    def _answer(self, request: Any, event_name: str = "", **_: Any) -> AWSResponse:
        operation = event_name.rpartition(".")[2]
        body = request.body if isinstance(request.body, bytes) else None
        reply = self.door.pipeline.handle_operation(operation, request.url, request.headers, body)
        return AWSResponse(request.url, reply.status, reply.headers, _Body(reply.body))


def outcome(call: Callable[[], Any]) -> Any:
    """What a call answered, comparable between twins (errors by code and message)."""
    try:
        answer = call()
    except ClientError as error:
        return ("error", error.response["Error"]["Code"], error.response["Error"]["Message"])
    except (KeyError, ValueError, TypeError) as error:
        return ("raised", type(error).__name__, str(error))
    if isinstance(answer, dict):
        answer.pop("ResponseMetadata", None)
    return answer


def token_member(client: Any, method: str) -> str | None:
    """The member botocore fills with a random idempotency token, if the operation has one."""
    model = client.meta.service_model
    name = client.meta.method_to_api_mapping[method]
    shape = model.operation_model(name).input_shape
    members = shape.members.items() if shape is not None else []
    return next((n for n, m in members if m.metadata.get("idempotencyToken")), None)


def new_id(answer: Any) -> str:
    """The ID a create call answered, or a placeholder when both twins refused it alike."""
    return str(answer.get("id", "0000000")) if isinstance(answer, dict) else "0000000"


PAIR: dict[str, Twin] = {}


class Twins(RuleBasedStateMachine):
    """Random operations on a pair of mocks, and snapshots restored into one of them."""

    workflows = Bundle("workflows")
    runs = Bundle("runs")
    groups = Bundle("groups")
    batches = Bundle("batches")

    def __init__(self) -> None:
        super().__init__()
        self.original, self.copy = PAIR["original"], PAIR["copy"]
        self.original.reset()
        self.copy.reset()
        self.restores = 0
        self.tokens = 0

    def both(self, action: Callable[[Twin], Any]) -> Any:
        first, second = outcome(lambda: action(self.original)), outcome(lambda: action(self.copy))
        assert first == second
        return first

    def api(self, operation: str, **params: Any) -> Any:
        token = token_member(self.original.client, operation)
        if token is not None and token not in params:  # botocore would pick a random one
            self.tokens += 1
            params[token] = f"token-{self.tokens}"
        return self.both(lambda twin: getattr(twin.client, operation)(**params))

    # -- resources ------------------------------------------------------------------------

    @initialize(target=workflows)
    def first_workflow(self) -> str:
        return new_id(self.api("create_workflow", name="wgs", definitionZip=wdl_zip()))

    @rule(target=workflows)
    def workflow(self) -> str:
        return new_id(self.api("create_workflow", name="other", definitionZip=wdl_zip()))

    @rule(target=groups, max_runs=st.integers(1, 3))
    def group(self, max_runs: int) -> str:
        return new_id(self.api("create_run_group", maxRuns=max_runs))

    @rule(
        target=runs,
        workflow=workflows,
        group=st.none() | groups,
        priority=st.integers(0, 3),
        token=st.none() | st.sampled_from(["a", "b"]),
    )
    def start(self, workflow: str, group: str | None, priority: int, token: str | None) -> str:
        params: dict[str, Any] = {
            "workflowId": workflow,
            "roleArn": ROLE,
            "outputUri": OUT,
            "parameters": {"sample": f"S{priority}"},
            "priority": priority,
        }
        if group is not None:
            params["runGroupId"] = group
        if token is not None:
            params["requestId"] = token
        return new_id(self.api("start_run", **params))

    @rule(target=batches, workflow=workflows, size=st.integers(1, 4))
    def batch(self, workflow: str, size: int) -> str:
        started = self.api(
            "start_run_batch",
            defaultRunSetting={
                "workflowId": workflow,
                "roleArn": ROLE,
                "outputUri": OUT,
                "parameters": {"sample": "B"},
            },
            batchRunSettings={"inlineSettings": [{"runSettingId": str(n)} for n in range(size)]},
        )
        return new_id(started)

    @rule(run=runs)
    def cancel(self, run: str) -> None:
        self.api("cancel_run", id=run)

    @rule(run=runs)
    def delete(self, run: str) -> None:
        self.api("delete_run", id=run)

    @rule(batch=batches)
    def cancel_batch(self, batch: str) -> None:
        self.api("cancel_run_batch", batchId=batch)

    @rule(run=runs, how=st.sampled_from(["fail", "complete", "hold", "release"]))
    def steer(self, run: str, how: str) -> None:
        def act(twin: Twin) -> Any:
            runs = twin.control.runs
            if how == "fail":
                return runs.fail(run, "OutOfMemory", immediately=False)
            if how == "complete":
                return runs.complete(run)
            return (runs.keep_running if how == "hold" else runs.release)(run)

        self.both(act)

    @rule(seconds=st.sampled_from([1, 30, 90, 240, 600, 3600]))
    def advance(self, seconds: int) -> None:
        self.both(lambda twin: twin.control.clock.advance(seconds=seconds) and None)

    # -- snapshots ------------------------------------------------------------------------

    @rule(whose=st.sampled_from(["own", "twin's"]), through_json=st.booleans())
    def restore(self, whose: str, through_json: bool) -> None:
        source = self.copy if whose == "own" else self.original
        document = source.control.snapshot()
        if through_json:
            document = json.loads(json.dumps(document))
        self.copy.control.restore(document)
        self.restores += 1

    # -- what must not differ -------------------------------------------------------------

    @rule(run=runs)
    def look_at_run(self, run: str) -> None:
        self.api("get_run", id=run)
        self.api("list_run_tasks", id=run)

    @rule(batch=batches)
    def look_at_batch(self, batch: str) -> None:
        self.api("get_batch", batchId=batch)
        self.api("list_runs_in_batch", batchId=batch)

    @invariant()
    def lists_agree(self) -> None:
        self.api("list_runs", maxResults=5)
        self.api("list_run_groups")

    @invariant()
    def snapshots_agree(self) -> None:
        assert self.original.control.snapshot() == self.copy.control.snapshot()


def test_twins_never_differ() -> None:
    PAIR.update(original=Twin(), copy=Twin())
    with freeze_time("2026-05-01T08:00:00+00:00"):
        run_state_machine_as_test(
            Twins,
            settings=settings(
                max_examples=EXAMPLES,
                stateful_step_count=STEPS,
                deadline=None,
                database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
            ),
        )
