"""Many runs of one shape are written into moto from a plan (``run_artifacts.plans``):
what moto holds must be exactly what rendering each run gives (the control API's
views render every run on its own)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any

import pytest

from omics_mock import mock_omics
from omics_mock.service.run_artifacts import content, plans, shapes

from .artifacts_world import BUCKET, DEFINITIONS, GROUP, moto_session
from .helpers import ROLE, zip_bytes

moto = pytest.importorskip("moto")

OUT = f"s3://{BUCKET}/plans/"
RUNS = 4
"""Runs per shape: the second teaches the plan, the next ones are written from it."""


@pytest.fixture
def planned(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Runs written from a plan, for each hand-over."""
    counts: list[int] = []
    render = plans.Plans.render

    def counting(self: plans.Plans, *args: Any) -> Any:
        before = self.filled
        try:
            return render(self, *args)
        finally:
            if self.filled > before:
                counts.append(self.filled - before)

    monkeypatch.setattr(plans.Plans, "render", counting)
    return counts


@pytest.fixture
def world() -> Iterator[tuple[Any, Any, Any]]:
    """moto (no EventBridge rule: events are not rendered) and a mock: (mock, session,
    omics client), with the output bucket."""
    with moto.mock_aws(), mock_omics() as mock:
        session = moto_session()
        session.client("s3").create_bucket(Bucket=BUCKET)
        mock.clock.scale = 0  # virtual time moves only when advanced: runs share their times
        mock.runs.set_durations(pending=0, starting=1, running=6, stopping=1)
        yield mock, session, session.client("omics")


def workflow(omics: Any, engine: str) -> str:
    main, source = DEFINITIONS[engine]
    made = omics.create_workflow(
        name=f"wf-{engine}",
        definitionZip=zip_bytes({main: source}),
        parameterTemplate={
            "sample": {"description": "the sample"},
            "threads": {"optional": True},
            "label": {"optional": True},
        },
    )
    omics.get_waiter("workflow_active").wait(id=made["id"])
    return str(made["id"])


def start(omics: Any, workflow_id: str, n: int, **more: Any) -> str:
    request: dict[str, Any] = {
        "workflowId": workflow_id,
        "roleArn": ROLE,
        "outputUri": OUT,
        "name": f"sample-{n:04d}",
        "parameters": {"sample": f"NA{12878 + n}"},
    }
    request.update(more)
    return str(omics.start_run(**request)["id"])


def held_by_moto(session: Any) -> tuple[dict[str, bytes], dict[str, list[tuple[int, str]]]]:
    """Every object of the bucket and every log stream's events, as moto answers them."""
    s3, logs = session.client("s3"), session.client("logs")
    objects = {}
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET):
        for item in page.get("Contents", []):
            body = s3.get_object(Bucket=BUCKET, Key=item["Key"])["Body"].read()
            objects[f"s3://{BUCKET}/{item['Key']}"] = body
    streams = {}
    for page in logs.get_paginator("describe_log_streams").paginate(logGroupName=GROUP):
        for stream in page["logStreams"]:
            name = stream["logStreamName"]
            got = logs.get_log_events(logGroupName=GROUP, logStreamName=name, startFromHead=True)
            streams[name] = [(e["timestamp"], e["message"]) for e in got["events"]]
    return objects, streams


def rendered_one_by_one(mock: Any) -> tuple[dict[str, bytes], dict[str, list[tuple[int, str]]]]:
    """The same, as the control API renders each run."""
    art = mock.artifacts
    streams = {
        name: [(e["timestamp"], e["message"]) for e in art.log_events(name)]
        for name in art.log_streams()
    }
    return dict(art.objects()), streams


def assert_moto_holds_what_runs_render(mock: Any, session: Any) -> None:
    objects, streams = held_by_moto(session)
    expected_objects, expected_streams = rendered_one_by_one(mock)
    assert objects == expected_objects
    assert streams == expected_streams
    assert streams  # something was written


@pytest.mark.parametrize("engine", ["WDL", "CWL", "NEXTFLOW"])
def test_runs_of_one_shape_are_written_as_each_renders(
    world: tuple[Any, Any, Any], planned: list[int], engine: str
) -> None:
    mock, session, omics = world
    workflow_id = workflow(omics, engine)
    for n in range(RUNS):
        start(omics, workflow_id, n)  # completes
    for n in range(RUNS):
        failing = start(omics, workflow_id, 100 + n, name=f"fails-{n:04d}")
        mock.runs.set_outcome(failing, ("FAILED", "OOM", "x%sy"))
    cancelled = [start(omics, workflow_id, 200 + n, name=f"stops-{n:04d}") for n in range(RUNS)]
    for n in range(RUNS):
        start(
            omics,
            workflow_id,
            300 + n,
            storageType="STATIC",
            storageCapacity=2400,
            logLevel="ERROR",
            parameters={"sample": f"NA{13000 + n}", "threads": 4, "label": "same value"},
        )
    mock.clock.advance(seconds=4)
    for run_id in cancelled:
        omics.cancel_run(id=run_id)
    mock.clock.advance(minutes=10)

    assert_moto_holds_what_runs_render(mock, session)
    assert sum(planned) >= 4 * (RUNS - 2)  # each shape: the runs after the one it learnt from


def test_runs_read_while_they_run_are_written_as_each_renders(
    world: tuple[Any, Any, Any], planned: list[int]
) -> None:
    mock, session, omics = world
    workflow_id = workflow(omics, "WDL")
    for n in range(RUNS):
        start(omics, workflow_id, n)
    mock.clock.advance(seconds=3)
    held_by_moto(session)  # a hand-over while they run: rendered as before
    mock.clock.advance(minutes=10)
    assert_moto_holds_what_runs_render(mock, session)


def test_values_written_other_than_as_they_are_make_no_plan(
    world: tuple[Any, Any, Any], planned: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run's ID hashed into its outputs: filling holes would write the learnt run's hash,
    so the check refuses the plan and every run is rendered."""
    default_body = content.default_body

    def hashed(run: Any, output: str, file_name: str) -> bytes:
        digest = hashlib.sha256(run.id.encode()).hexdigest()
        return default_body(run, output, file_name) + digest.encode()

    monkeypatch.setattr(content, "default_body", hashed)
    mock, session, omics = world
    workflow_id = workflow(omics, "WDL")
    for n in range(RUNS):
        start(omics, workflow_id, n)
    mock.clock.advance(minutes=10)
    assert_moto_holds_what_runs_render(mock, session)
    assert planned == []


def test_request_values_that_are_not_plain_are_kept_by_value(
    world: tuple[Any, Any, Any], planned: list[int]
) -> None:
    """Names and parameters JSON escapes, short ones, numbers, S3 URIs and equal values."""
    mock, session, omics = world
    workflow_id = workflow(omics, "WDL")
    odd = ['say "hi"', "naïve", "a b", "ab", "100%", "s3://omics-in/x.fq", "1234567"]
    for n in range(RUNS):
        for value in odd:
            start(omics, workflow_id, n, name=f"odd-{n:04d}", parameters={"sample": value})
        start(omics, workflow_id, n, name=f"twin{n:04d}", parameters={"sample": f"twin{n:04d}"})
    mock.artifacts.set_task_logs(
        ["100% done at 2024-01-01T00:00:00.000Z", "%s %d"], workflow_id=workflow_id
    )
    for n in range(RUNS):
        start(omics, workflow_id, 500 + n)
    mock.clock.advance(minutes=10)
    assert_moto_holds_what_runs_render(mock, session)
    assert sum(planned) > 0


def test_a_cohort_with_its_own_s3_inputs_is_planned(
    world: tuple[Any, Any, Any], planned: list[int]
) -> None:
    """Each run reads its own S3 URIs: they are listed among its inputs and hashed into
    its manifest's ``resourceDigests``; runs whose two inputs are one URI list it once."""
    mock, session, omics = world
    workflow_id = workflow(omics, "WDL")
    for n in range(RUNS):
        uri = f"s3://omics-in/cohort/NA{12878 + n}"
        start(omics, workflow_id, n, parameters={"sample": uri + ".bam", "label": uri + ".bai"})
    for n in range(RUNS):  # the same lengths: only which value equals which tells them apart
        uri = f"s3://omics-in/cohort/HG{12878 + n}.bam"
        start(omics, workflow_id, 50 + n, parameters={"sample": uri, "label": uri})
    mock.clock.advance(minutes=10)
    assert_moto_holds_what_runs_render(mock, session)
    assert sum(planned) == 2 * (RUNS - 2)
    manifest = next(name for name in held_by_moto(session)[1] if name.startswith("manifest/"))
    assert "resourceDigests" in held_by_moto(session)[1][manifest][0][1]


THREE_TASKS = """version 1.0
workflow three {
  input {
    String sample
  }
  call a
  call b
  call c
}
task a {
  command { a }
}
task b {
  command { b }
}
task c {
  command { c }
}
"""


def test_moments_closer_than_a_millisecond_make_plans_by_phase(
    world: tuple[Any, Any, Any], planned: list[int]
) -> None:
    """A second run over three tasks: the last task ends a microsecond before the run
    stops, so whether the two share a millisecond's text depends on where in its
    millisecond the run began; runs begun at other points get plans of their own."""
    mock, session, omics = world
    mock.runs.set_durations(pending=0, starting=1, running=1, stopping=1)
    made = omics.create_workflow(name="three", definitionZip=zip_bytes({"main.wdl": THREE_TASKS}))
    omics.get_waiter("workflow_active").wait(id=made["id"])
    for phase in range(4):
        for n in range(RUNS):
            start(omics, made["id"], 10 * phase + n)
        mock.clock.advance(seconds=0.0003)  # a third of a millisecond on
    mock.clock.advance(minutes=10)
    assert_moto_holds_what_runs_render(mock, session)
    assert sum(planned) == 4 * (RUNS - 2)


def test_runs_that_share_no_shape_stop_being_shaped(
    world: tuple[Any, Any, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    mock, session, omics = world
    monkeypatch.setattr(plans, "HOPELESS_AFTER", 2)
    shaped: list[str] = []
    shape_of = plans.shape_of

    def counting(ctx: Any, until: Any) -> Any:
        shaped.append(ctx.run.id)
        return shape_of(ctx, until)

    monkeypatch.setattr(plans, "shape_of", counting)
    workflow_id = workflow(omics, "WDL")
    for n in range(6):  # short sample names: part of each shape
        start(omics, workflow_id, n, parameters={"sample": f"s{n}"})
    mock.clock.advance(minutes=10)
    assert_moto_holds_what_runs_render(mock, session)
    assert len(shaped) == 3  # the third shape without a plan is the last one worked out


def test_plans_are_learnt_only_as_fast_as_they_are_used(
    world: tuple[Any, Any, Any], planned: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Shapes of two runs each: the first ``LEARNT_FREELY`` are learnt, later ones only
    once enough runs were filled in to pay for them."""
    mock, session, omics = world
    monkeypatch.setattr(plans, "LEARNT_FREELY", 1)
    monkeypatch.setattr(plans, "FILLED_PER_LEARNING", 2)
    learnt: list[str] = []
    learn = plans.learn

    def counting(ctx: Any, *args: Any) -> Any:
        learnt.append(ctx.run.id)
        return learn(ctx, *args)

    monkeypatch.setattr(plans, "learn", counting)
    workflow_id = workflow(omics, "WDL")
    for n in range(5):  # a shape of five runs: learnt from the second, three filled in
        start(omics, workflow_id, n, parameters={"sample": "s-1"})
    for shape in range(4):  # shapes of two runs: nothing to fill in after learning
        for n in range(2):
            start(omics, workflow_id, 10 * shape + n, parameters={"sample": f"s{shape}"})
    mock.clock.advance(minutes=10)
    assert_moto_holds_what_runs_render(mock, session)
    assert sum(planned) == 3
    assert len(learnt) == 2  # one freely, one paid for by the three runs filled in


def test_every_field_of_a_run_is_placed() -> None:
    """A field added to runs or tasks must be given its place in a shape, or plans stop."""
    assert shapes.FIELDS_KNOWN
